//! `fieldfix export`: the whole knowledge base as a folder of Markdown pages or a small static
//! site, an index and one page per guide, linked to each other.

use crate::guides::loading::Loading;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, exit};
use crate::guides::Library;
use crate::output::Out;
use crate::output::{html, markdown, web};

/// What the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteFormat {
    Markdown,
    Html,
}

/// What `fieldfix export` was asked for.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub format: SiteFormat,
    pub dir: PathBuf,
    /// Overwrite files with the pages' names even when fieldfix did not write them.
    pub force: bool,
}

/// Every page of the export, as (file name, contents); the index first (then the guide pages,
/// then, for HTML, the wizard's scripts and style sheet).
pub fn pages(library: &Library, format: SiteFormat) -> Vec<(String, String)> {
    let mut pages = Vec::with_capacity(library.guides.len() + 1);
    match format {
        SiteFormat::Html => {
            // The front page is the wizard (output::web), with the files it runs on.
            pages.push((html::INDEX_FILE.to_owned(), web::index(library)));
            for g in &library.guides {
                pages.push((html::page_file(&g.id), html::guide(g, library)));
            }
            pages.extend(web::assets(library));
        }
        SiteFormat::Markdown => {
            pages.push((
                crate::guides::model::EXPORT_INDEX_MARKDOWN.to_owned(),
                format!("{}\n\n{}", html::MARK, markdown::index(library)),
            ));
            for g in &library.guides {
                pages.push((
                    markdown::page_file(&g.id),
                    format!(
                        "{}\n\n[← All guides]({})\n\n{}",
                        html::MARK,
                        crate::guides::model::EXPORT_INDEX_MARKDOWN,
                        markdown::page(g, library, markdown::Links::Pages)
                    ),
                ));
            }
        }
    }
    pages
}

/// `fieldfix export`: it publishes the company folder, so the folder must load whole.
pub fn run(request: &ExportRequest, env: &mut super::Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Strict)?;
    export(&library, request, env.out)
}

/// Writes the pages into the folder. Nothing else in it is touched, and a file with a page's name
/// is only replaced when an earlier export wrote it (or with `--force`); that is checked for
/// every page before the first is written.
pub fn export(library: &Library, request: &ExportRequest, out: &mut Out) -> anyhow::Result<u8> {
    let dir = &request.dir;
    let pages = pages(library, request.format);
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!("{} is a file, not a folder", dir.display())).into());
    }
    let mut names = std::collections::BTreeSet::new();
    for (name, _) in &pages {
        // Two pages of one name (a guide `index` beside the index) would replace each other.
        if !names.insert(name) {
            anyhow::bail!(Error::Usage(format!(
                "two pages would be written to {}: rename the guide that takes that name",
                crate::safe::line(name)
            )));
        }
        // A page name comes from a guide id: it must never lead out of `--out`.
        let mut parts = Path::new(name).components();
        if !matches!(
            (parts.next(), parts.next()),
            (Some(std::path::Component::Normal(_)), None)
        ) {
            anyhow::bail!(Error::Usage(format!(
                "the page name {} would be written outside {}; export refuses it",
                crate::safe::line(name),
                crate::safe::path(dir)
            )));
        }
        let path = dir.join(name);
        if path.is_dir() {
            anyhow::bail!(Error::Usage(format!(
                "{} is a folder: export writes a page there; move it away",
                path.display()
            )));
        }
        if !request.force && path.exists() && !written_by_export(&path) {
            anyhow::bail!(Error::Usage(format!(
                "{} was not written by fieldfix export: move it away, or pass --force to replace it",
                path.display()
            )));
        }
    }
    fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", dir.display()))?;
    for (name, contents) in &pages {
        replace(dir, &dir.join(name), contents)?;
    }
    writeln!(
        out.writer,
        "Wrote {} guide pages and {} to {}",
        library.guides.len(),
        if request.format == SiteFormat::Html {
            "the wizard (index.html)"
        } else {
            pages[0].0.as_str()
        },
        crate::safe::path(dir)
    )?;
    out.writer.flush()?;
    Ok(exit::OK)
}

/// Whether the file starts with the mark every exported page carries (within its first lines).
fn written_by_export(path: &Path) -> bool {
    let mut head = [0u8; 512];
    let n = fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    String::from_utf8_lossy(&head[..n]).contains(html::MARK)
}

/// Writes a file atomically: a temporary file in the same folder, renamed over the old one.
fn replace(dir: &Path, path: &Path, contents: &str) -> anyhow::Result<()> {
    let tmp = temp_with(dir, contents)?;
    tmp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// A temporary file in `dir` holding `contents`, readable like any new file (not owner-only),
/// ready to be moved into place.
pub(super) fn temp_with(dir: &Path, contents: &str) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".fieldfix-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The process umask still applies, as for any file created.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| anyhow::anyhow!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

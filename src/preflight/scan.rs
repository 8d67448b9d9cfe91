//! The walk: every file and folder under the paths given, one after another (`walkdir`, which
//! sees hidden files and has no ignore rules, as an upload does), each file through the checks,
//! reading only the parts of it the checks ask for, with a spinner on stderr that counts the
//! files checked (indicatif), cleared when the walk ends.

use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use walkdir::{DirEntry, WalkDir};

use super::checks::{self, Issue};
use super::{Finding, Options, Scan};
use crate::error::Error;

/// Checks files and folders (recursively) with the given options. A path that does not exist
/// is a usage error; anything that goes wrong after that is a finding.
pub fn scan(paths: &[PathBuf], options: &Options) -> Result<Scan, Error> {
    if paths.is_empty() {
        return Err(Error::Usage(
            "name at least one file or folder to check".to_owned(),
        ));
    }
    for path in paths {
        if let Err(e) = path.symlink_metadata()
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Err(Error::Usage(format!(
                "no such file or folder: {}",
                path.display()
            )));
        }
    }
    let term = console::Term::stderr();
    let progress = if options.progress && crate::output::capable(&term) {
        let bar = spinner(ProgressDrawTarget::term(term, 20));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut walker = Walker {
        options,
        progress,
        scan: Scan::default(),
    };
    for root in distinct(paths) {
        // The paths given are followed even when they are links (`follow_root_links`).
        for entry in WalkDir::new(root).follow_links(options.follow_links) {
            match entry {
                Ok(entry) => walker.visit(&entry),
                Err(err) => walker.walk_error(&err),
            }
        }
    }
    // The spinner's line goes before any result is printed.
    walker.progress.finish_and_clear();
    walker.scan.sort();
    Ok(walker.scan)
}

/// A spinner drawing on `target`: `| checked 1,204 files (5s)`, in ASCII frames, which every
/// console can show.
fn spinner(target: ProgressDrawTarget) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} checked {human_pos} {noun} ({elapsed})")
        .expect("the template is valid")
        .tick_chars("|/-\\ ")
        .with_key(
            "noun",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(if state.pos() == 1 { "file" } else { "files" });
            },
        );
    ProgressBar::with_draw_target(None, target).with_style(style)
}

/// The paths without those inside another one given (so nothing is checked twice).
fn distinct(paths: &[PathBuf]) -> Vec<PathBuf> {
    let real: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
        .collect();
    paths
        .iter()
        .enumerate()
        .filter(|&(i, _)| {
            !real.iter().enumerate().any(|(j, other)| {
                j != i && real[i].starts_with(other) && (real[i] != *other || j < i)
            })
        })
        .map(|(_, p)| p.clone())
        .collect()
}

struct Walker<'a> {
    options: &'a Options,
    /// The spinner (hidden when there is no terminal to show it on).
    progress: ProgressBar,
    scan: Scan,
}

impl Walker<'_> {
    fn report(&mut self, path: &Path, issues: impl IntoIterator<Item = Issue>) {
        self.scan
            .findings
            .extend(issues.into_iter().map(|i| Finding {
                path: path.to_path_buf(),
                severity: i.severity,
                check: i.check,
                problem: i.problem,
                fix: i.fix,
            }));
    }

    fn visit(&mut self, entry: &DirEntry) {
        let path = entry.path();
        let kind = entry.file_type();
        if kind.is_symlink() {
            self.scan.links_skipped += 1;
            return;
        }
        let mut issues = Vec::new();
        if kind.is_dir() {
            self.scan.folders += 1;
            // The folders given are where the user works; what is in them gets uploaded. Their
            // own names are not checked (nor renamed); files given by name are.
            if entry.depth() > 0 {
                issues.extend(checks::name(entry.file_name()));
            }
            issues.extend(long_path(path));
            return self.report(path, issues);
        }
        if !kind.is_file() {
            return self.report(path, [checks::special()]);
        }
        self.scan.files += 1;
        self.progress.inc(1);
        self.file(path, &mut issues);
        self.report(path, issues);
    }

    /// The checks for one regular file, cheapest first; reading stops at the first finding
    /// that makes the rest moot (a placeholder, an empty file, no data here).
    fn file(&self, path: &Path, issues: &mut Vec<Issue>) {
        let name = path.file_name().unwrap_or_default();
        if let Some(issue) = checks::icloud_placeholder(name).or_else(|| checks::system_file(name))
        {
            issues.push(issue);
            return;
        }
        issues.extend(checks::name(name));
        issues.extend(long_path(path));
        // Links are only walked into when followed, so this is the metadata of what it is.
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => return issues.push(checks::unreadable(&err, false)),
        };
        let storage = checks::storage(&meta);
        if let Some(issue) = checks::empty(storage.len) {
            return issues.push(issue);
        }
        issues.extend(checks::size(
            storage.len,
            self.options.warn_size,
            self.options.network,
        ));
        // Reading an online-only file would start downloading it: leave it alone.
        if let Some(issue) = checks::not_downloaded(&storage) {
            return issues.push(issue);
        }
        let content = std::fs::File::open(path).and_then(|mut file| {
            let content = checks::content(checks::extension(name).as_deref(), &mut file)?;
            let pdf = if content.is_pdf {
                checks::pdf(&mut file)?
            } else {
                None
            };
            Ok(content.issues.into_iter().chain(pdf))
        });
        match content {
            Ok(found) => issues.extend(found),
            Err(err) => issues.push(checks::unreadable(&err, false)),
        }
    }

    /// A folder that cannot be listed, a link that leads nowhere or back into a folder above
    /// it: a finding for its path.
    fn walk_error(&mut self, err: &walkdir::Error) {
        let path = err.path().unwrap_or(Path::new(""));
        let issue = match err.io_error() {
            Some(io) => {
                let folder = path.symlink_metadata().is_ok_and(|m| m.is_dir());
                checks::unreadable(io, folder)
            }
            None => checks::link_loop(),
        };
        self.report(path, [issue]);
    }
}

/// A warning when the full path is too long for Windows.
fn long_path(path: &Path) -> Option<Issue> {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    checks::path_length(full.as_os_str().to_string_lossy().chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::InMemoryTerm;

    #[test]
    fn the_spinner_shows_the_count_then_clears_its_line() {
        let term = InMemoryTerm::new(2, 80);
        let bar = spinner(ProgressDrawTarget::term_like_with_hz(
            Box::new(term.clone()),
            u8::MAX,
        ));
        bar.inc(1);
        bar.tick();
        // After the spinner's frame (`|`, `/`, `-` or `\\`, as far as it has turned).
        assert_eq!(&term.contents()[1..], " checked 1 file (0s)");
        bar.inc(1203);
        bar.tick();
        assert_eq!(&term.contents()[1..], " checked 1,204 files (0s)");
        bar.finish_and_clear();
        assert_eq!(term.contents(), "");
    }
}

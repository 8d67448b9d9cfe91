//! `fieldfix tune`: suggestions for the guides' numbers from collected outcome logs, printed
//! with their evidence and, with `--write`, written as company override files.

use crate::guides::loading::Loading;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, exit};
use crate::guides::Library;
use crate::outcomes::read;
use crate::outcomes::tune::{self, TuneOptions, Tuning};
use crate::output::outcomes::{TuningDoc, override_yaml};
use crate::output::{Format, SCHEMA_VERSION};

/// What `fieldfix tune` was asked to do.
#[derive(Debug, Clone)]
pub struct TuneRequest {
    /// Outcome logs, or folders of them.
    pub paths: Vec<PathBuf>,
    /// The company guides folder (`--guides`) the library was loaded from.
    pub guides: Option<PathBuf>,
    /// How many sessions the guides' own numbers count for.
    pub prior_sessions: f64,
    /// Write override files here.
    pub write: Option<PathBuf>,
    /// Replace override files already there.
    pub force: bool,
    pub format: Format,
}

/// The suffix of the files `--write` writes: `GUIDE.tuned.override.yaml`, an override that sits
/// beside a company's own `GUIDE.override.yaml` without replacing it.
pub const TUNED_SUFFIX: &str = ".tuned.override.yaml";

/// `fieldfix tune`: the guides as the crews ran them, every one that loads.
pub fn run(request: &TuneRequest, env: &mut super::Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    let out = &mut *env.out;
    let mut known = vec![crate::guides::embedded::library()];
    known.extend(request.guides.as_deref().and_then(untuned));
    let options = TuneOptions {
        prior_sessions: request.prior_sessions,
    };
    // The records are counted as they are read: a log of any size takes little memory.
    let mut tuner = tune::Tuner::new(&library, &known);
    let warnings = read::for_each_record(&request.paths, |r| tuner.add(r)).map_err(Error::from)?;
    super::warn(&warnings);
    let tuning = tuner.finish(&options);
    let files = match &request.write {
        Some(dir) => overrides(&tuning, dir, request.force)?,
        None => Vec::new(),
    };
    match request.format {
        Format::Json => out.json(&TuningDoc {
            schema_version: SCHEMA_VERSION,
            prior_sessions: request.prior_sessions,
            tuning: &tuning,
        })?,
        _ => out.text(&crate::output::outcomes::tuning(
            &tuning, &library, &out.paint,
        ))?,
    }
    if let Some(dir) = &request.write {
        let mut err = std::io::stderr().lock();
        let dir = crate::safe::path(dir);
        let _ = match files.len() {
            0 => writeln!(err, "No override written: the data supports no change yet."),
            n => writeln!(
                err,
                "Wrote {n} override file{} to {dir}. Review each number, check with `fieldfix validate {dir}`, \
                 then copy them into the company guides folder (see docs/outcomes.md).",
                if n == 1 { "" } else { "s" }
            ),
        };
    }
    Ok(exit::OK)
}

/// The company guides without the overrides `tune` wrote (`*.tuned.override.yaml`): the
/// version the crews ran before the last tuning was rolled out, whose sessions still count.
/// `None` when there are none, or the rest does not load.
fn untuned(dir: &Path) -> Option<Library> {
    let (mut sources, _) = crate::guides::load::folder_sources(dir).ok()?;
    let before = sources.len();
    sources.retain(|s| !s.name.ends_with(TUNED_SUFFIX));
    if sources.len() == before {
        return None;
    }
    let base = crate::guides::embedded::library();
    crate::guides::load::assemble(base, sources, Vec::new()).library
}

/// Writes one override file per guide with a supported change; returns their paths. Every file
/// is checked before the first is written: none is replaced without `force`.
fn overrides(tuning: &Tuning, dir: &Path, force: bool) -> anyhow::Result<Vec<PathBuf>> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(Error::Usage(format!(
            "{} is a file, not a folder",
            crate::safe::path(dir)
        )));
    }
    let date = jiff::ZonedDateTime::now().strftime("%Y-%m-%d").to_string();
    let files: Vec<(PathBuf, String)> = tuning
        .guides
        .iter()
        .filter_map(|g| {
            override_yaml(g, env!("CARGO_PKG_VERSION"), &date)
                .map(|yaml| (dir.join(format!("{}{TUNED_SUFFIX}", g.guide)), yaml))
        })
        .collect();
    // Any entry counts, a link to nothing included (`exists` follows links).
    if !force && let Some((path, _)) = files.iter().find(|(p, _)| p.symlink_metadata().is_ok()) {
        return Err(taken(path));
    }
    if files.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", crate::safe::path(dir)))?;
    for (path, yaml) in &files {
        let tmp = super::export::temp_with(dir, yaml)?;
        let written = if force {
            tmp.persist(path).map(drop)
        } else {
            tmp.persist_noclobber(path).map(drop)
        };
        written.map_err(|e| match e.error.kind() {
            // Made since the check: the same refusal.
            std::io::ErrorKind::AlreadyExists => taken(path),
            _ => anyhow::anyhow!("cannot write {}: {}", crate::safe::path(path), e.error),
        })?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The refusal to replace a file without `--force` (exit 2).
fn taken(path: &Path) -> anyhow::Error {
    Error::Usage(format!(
        "{} already exists: move it away, or pass --force to replace it",
        crate::safe::path(path)
    ))
    .into()
}

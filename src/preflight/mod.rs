//! `fieldfix preflight`: finds the files an upload will fail on, or is at risk with, before
//! anyone tries: empty files and cloud placeholders, names that break uploads, content that is
//! not what the name says, cut-off files, protected PDFs, big files. Each finding says what to
//! do; `--fix-names` renames safely and can be undone.
//!
//! - [`checks`]: the checks, on names, sizes and bytes (no file system);
//! - `scan`: the walk that feeds files to the checks, and its spinner;
//! - [`rules`]: the file-name rules the checks and the renames share, and safe names;
//! - [`names`]: renaming and the undo list;
//! - `report`: the text output (the JSON documents are in [`crate::output::json`]).
//!
//! The wizard calls [`check`] and [`render_text`].

pub mod checks;
pub mod names;
mod report;
pub mod rules;
mod scan;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use checks::{Check, parse_size};
pub use report::render_text;
pub use scan::scan;

use crate::error::{Error, exit};
use crate::output::{Format, Out, json};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The upload will fail, or the file will not be usable once uploaded.
    Fail,
    /// The upload is at risk, or the file may not show as expected.
    Warn,
}

/// The connection the upload will use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    #[default]
    Good,
    /// Big files fail, and files over a quarter of the warning size warn.
    Weak,
}

impl Network {
    /// From the wizard's `network` answer: `weak` is weak; `good`, `offline` (the upload
    /// waits for a connection) and no answer are not.
    pub fn from_answer(answer: Option<&str>) -> Network {
        match answer {
            Some("weak") => Network::Weak,
            _ => Network::Good,
        }
    }
}

/// Warn about files bigger than this by default: 100 MB.
pub const DEFAULT_WARN_SIZE: u64 = 100_000_000;

/// How to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Files bigger than this get a warning (a failure on a weak connection).
    pub warn_size: u64,
    pub network: Network,
    /// Follow symbolic links (otherwise they are counted and skipped).
    pub follow_links: bool,
    /// Show a spinner with the count of files checked on stderr when it is a terminal.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            warn_size: DEFAULT_WARN_SIZE,
            network: Network::Good,
            follow_links: false,
            progress: true,
        }
    }
}

/// One problem with one file or folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The path as it was walked (under the path given).
    #[serde(serialize_with = "report::lossy_path")]
    pub path: PathBuf,
    pub severity: Severity,
    pub check: Check,
    /// What is wrong.
    pub problem: String,
    /// What to do.
    pub fix: String,
}

/// Everything a check of some paths found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Grouped by check, failures first, then by path.
    pub findings: Vec<Finding>,
    /// Regular files checked.
    pub files: u64,
    pub folders: u64,
    /// Symbolic links not followed.
    pub links_skipped: u64,
}

impl Scan {
    /// Files and folders with at least one failure.
    pub fn failing(&self) -> usize {
        self.paths(|f| f.severity == Severity::Fail).len()
    }

    /// Files and folders with warnings but no failure.
    pub fn at_risk(&self) -> usize {
        let failing = self.paths(|f| f.severity == Severity::Fail);
        self.paths(|f| f.severity == Severity::Warn)
            .difference(&failing)
            .count()
    }

    pub(crate) fn paths(
        &self,
        keep: impl Fn(&Finding) -> bool,
    ) -> std::collections::HashSet<&Path> {
        self.findings
            .iter()
            .filter(|f| keep(f))
            .map(|f| f.path.as_path())
            .collect()
    }

    fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| (a.check, a.severity, &a.path).cmp(&(b.check, b.severity, &b.path)));
        self.findings.dedup();
    }
}

/// For the wizard: checks `paths` for an upload over `network`, with the default warning size,
/// links not followed, and a spinner when stderr is a terminal. A path that does not
/// exist is an [`Error::Usage`] naming it.
pub fn check(paths: &[PathBuf], network: Network) -> Result<Scan, Error> {
    scan(
        paths,
        &Options {
            network,
            ..Options::default()
        },
    )
}

/// What to do about bad names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameFix {
    #[default]
    Off,
    /// Show the new names.
    DryRun,
    /// Rename, and write an undo list into the current folder.
    Apply,
}

/// `fieldfix preflight` as a plain request.
#[derive(Debug, Clone)]
pub struct PreflightRequest {
    pub paths: Vec<PathBuf>,
    pub options: Options,
    pub names: NameFix,
    /// Restore the names in this undo list instead of checking.
    pub undo: Option<PathBuf>,
    pub format: Format,
}

/// What `--fix-names` did or would do.
#[derive(Debug)]
pub enum Renames {
    Planned(Vec<names::Rename>),
    Applied(names::Applied),
}

/// `fieldfix preflight`: exit 0 when nothing fails, 1 when a file would fail (or a rename or
/// restore failed); a missing path or bad undo list is a usage error (2).
pub fn run(request: &PreflightRequest, out: &mut Out) -> anyhow::Result<u8> {
    if let Some(list) = &request.undo {
        return undo(list, request.format, out);
    }
    let mut scan = scan(&request.paths, &request.options)?;
    let bad_names: Vec<PathBuf> = scan
        .findings
        .iter()
        .filter(|f| f.check == Check::BadName)
        .map(|f| f.path.clone())
        .collect();
    let renames = match request.names {
        NameFix::Off => None,
        NameFix::DryRun => Some(Renames::Planned(names::plan(&bad_names))),
        NameFix::Apply => {
            let plan = names::plan(&bad_names);
            let here = std::env::current_dir()?;
            let applied = names::apply(&plan, &here)?;
            settle(&mut scan, &applied.done);
            Some(Renames::Applied(applied))
        }
    };
    let written = match request.format {
        Format::Json => out.json(&json::preflight(&scan, &request.options, renames.as_ref())),
        _ => {
            let mut text = render_text(&scan, &out.paint);
            if let Some(renames) = &renames {
                text.push_str(&report::renames_text(renames, &out.paint));
            }
            out.text(&text)
        }
    };
    let rename_failed =
        matches!(&renames, Some(Renames::Applied(applied)) if !applied.failed.is_empty());
    let code = if scan.failing() > 0 || rename_failed {
        exit::FAILURE
    } else {
        exit::OK
    };
    crate::output::keep_verdict(written, code)
}

/// After renaming: the bad-name findings that were fixed go, and the others point at where
/// their files are now.
fn settle(scan: &mut Scan, done: &[names::Rename]) {
    scan.findings
        .retain(|f| !(f.check == Check::BadName && done.iter().any(|r| r.from == f.path)));
    for f in &mut scan.findings {
        f.path = names::final_path(&f.path, done);
    }
    scan.sort();
}

/// `fieldfix preflight --undo FILE`
fn undo(list: &Path, format: Format, out: &mut Out) -> anyhow::Result<u8> {
    let parsed = names::read_undo_list(list)
        .map_err(|e| Error::Usage(format!("cannot use the undo list {}: {e}", list.display())))?;
    let undone = names::undo(&parsed);
    let written = match format {
        Format::Json => out.json(&json::undo(list, &undone)),
        _ => out.text(&report::undo_text(&undone, &out.paint)),
    };
    let failed = undone
        .iter()
        .any(|u| matches!(u, names::Undone::Failed(..)));
    crate::output::keep_verdict(written, if failed { exit::FAILURE } else { exit::OK })
}

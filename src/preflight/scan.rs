//! The walk: every file and folder under the paths given, in parallel (the `ignore` crate's
//! walker, with all its ignore rules off, so it sees what an upload would), each file through
//! the checks, reading only the parts of it the checks ask for.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use ignore::{DirEntry, WalkBuilder, WalkState};
use indicatif::{ProgressBar, ProgressDrawTarget};

use super::checks::{self, FileSource, Issue};
use super::progress;
use super::{Finding, Options, Scan};
use crate::error::Error;

/// Walks `paths` and checks everything under them. A path that does not exist is a usage
/// error; anything that goes wrong after that is a finding.
pub(super) fn walk(paths: &[PathBuf], options: &Options) -> Result<Scan, Error> {
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
    let roots = distinct(paths);
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .standard_filters(false)
        .follow_links(options.follow_links);

    let term = console::Term::stderr();
    let progress = if options.progress && crate::output::capable(&term) {
        let bar = progress::spinner(ProgressDrawTarget::term(term, 20));
        progress::start(&bar);
        bar
    } else {
        ProgressBar::hidden()
    };
    let walker = Walker {
        options,
        progress,
        findings: Mutex::new(Vec::new()),
        files: AtomicU64::new(0),
        folders: AtomicU64::new(0),
        links: AtomicU64::new(0),
    };
    builder.build_parallel().run(|| {
        let walker = &walker;
        Box::new(move |entry| {
            walker.visit(entry);
            WalkState::Continue
        })
    });
    // The spinner's line goes before any result is printed.
    walker.progress.finish_and_clear();
    Ok(Scan {
        findings: walker
            .findings
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
        files: walker.files.into_inner(),
        folders: walker.folders.into_inner(),
        links_skipped: walker.links.into_inner(),
    })
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
    findings: Mutex<Vec<Finding>>,
    files: AtomicU64,
    folders: AtomicU64,
    links: AtomicU64,
}

impl Walker<'_> {
    fn report(&self, path: &Path, issues: impl IntoIterator<Item = Issue>) {
        let new: Vec<Finding> = issues
            .into_iter()
            .map(|i| Finding {
                path: path.to_path_buf(),
                severity: i.severity,
                check: i.check,
                problem: i.problem,
                fix: i.fix,
            })
            .collect();
        if !new.is_empty() {
            let mut findings = self
                .findings
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            findings.extend(new);
        }
    }

    fn visit(&self, entry: Result<DirEntry, ignore::Error>) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => return self.walk_error(err),
        };
        let path = entry.path();
        let Some(kind) = entry.file_type() else {
            return;
        };
        if kind.is_symlink() {
            self.links.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let mut issues = Vec::new();
        if kind.is_dir() {
            self.folders.fetch_add(1, Ordering::Relaxed);
            // The folders given are where the user works; what is in them gets uploaded. Their
            // own names are not checked (nor renamed); files given by name are.
            if entry.depth() > 0
                && let Some(name) = path.file_name()
            {
                issues.extend(checks::name(name));
            }
            issues.extend(long_path(path));
            return self.report(path, issues);
        }
        if !kind.is_file() {
            return self.report(path, [checks::special()]);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.progress.inc(1);
        self.file(path, &entry, &mut issues);
        self.report(path, issues);
    }

    /// The checks for one regular file, cheapest first; reading stops at the first finding
    /// that makes the rest moot (a placeholder, an empty file, no data here).
    fn file(&self, path: &Path, entry: &DirEntry, issues: &mut Vec<Issue>) {
        let name = path.file_name().unwrap_or_default();
        if let Some(issue) = checks::icloud_placeholder(name).or_else(|| checks::system_file(name))
        {
            issues.push(issue);
            return;
        }
        issues.extend(checks::name(name));
        issues.extend(long_path(path));
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            Err(err) => {
                issues.push(match err.io_error() {
                    Some(io) => checks::unreadable(io, false),
                    None => checks::unreadable(&std::io::Error::other(err.to_string()), false),
                });
                return;
            }
        };
        let storage = checks::storage(&meta);
        if let Some(issue) = checks::empty(storage.len) {
            issues.push(issue);
            return;
        }
        issues.extend(checks::size(
            storage.len,
            self.options.warn_size,
            self.options.network,
        ));
        // Reading an online-only file would start downloading it: leave it alone.
        if let Some(issue) = checks::not_downloaded(&storage) {
            issues.push(issue);
            return;
        }
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(err) => {
                issues.push(checks::unreadable(&err, false));
                return;
            }
        };
        let source = FileSource::new(file, storage.len);
        let ext = checks::extension(name);
        let content = checks::content(ext.as_deref(), &source).and_then(|content| {
            let pdf = if content.is_pdf {
                checks::pdf(&source)?
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

    fn walk_error(&self, err: ignore::Error) {
        let mut path = None;
        let mut err = err;
        loop {
            err = match err {
                ignore::Error::WithPath { path: p, err } => {
                    path.get_or_insert(p);
                    *err
                }
                ignore::Error::WithDepth { err, .. }
                | ignore::Error::WithLineNumber { err, .. } => *err,
                ignore::Error::Partial(mut errs) if !errs.is_empty() => errs.swap_remove(0),
                other => break self.walk_failure(path, other),
            };
        }
    }

    fn walk_failure(&self, path: Option<PathBuf>, err: ignore::Error) {
        let path = path.unwrap_or_default();
        let folder = path.symlink_metadata().is_ok_and(|m| m.is_dir());
        match err {
            ignore::Error::Loop { child, .. } => self.report(&child, [checks::link_loop()]),
            ignore::Error::Io(io) => self.report(&path, [checks::unreadable(&io, folder)]),
            other => self.report(
                &path,
                [checks::unreadable(
                    &std::io::Error::other(other.to_string()),
                    folder,
                )],
            ),
        }
    }
}

/// A warning when the full path is too long for Windows.
fn long_path(path: &Path) -> Option<Issue> {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    checks::path_length(full.as_os_str().to_string_lossy().chars().count())
}

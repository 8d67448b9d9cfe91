//! The commands, one module each: a plain request in (cli.rs converts the command line into
//! it), the guides the command needs loaded (the policies are in [`crate::guides::loading`]),
//! a document on [`Env::out`] and an exit code out. Never a prompt, except the wizard's.

pub mod completions;
pub mod diagnose;
pub mod export;
pub mod fix;
pub mod list;
pub mod man;
pub mod new;
pub mod outcomes;
pub mod preflight;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod show;
pub mod tune;
pub mod validate;

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::error::Error;
use crate::guides::loading::{self, LeftOut, Loading, Reason};
use crate::guides::{Folder, Library, Problem, cache};
use crate::output::{Out, Paint, counted, thousands};
use crate::search::Index;

pub use diagnose::{DiagnoseRequest, answers, situation};

/// What every command runs with: the company guides folder (`--guides`) and where results go.
pub struct Env<'a, 'w> {
    pub guides: Option<&'a Path>,
    pub out: &'a mut Out<'w>,
}

impl Env<'_, '_> {
    /// The guides as `loading` says; what a lenient load left out is a warning on stderr.
    pub fn library(&self, loading: Loading) -> anyhow::Result<Library> {
        let folder = self.guides.map(Folder::new);
        Ok(self.load(loading, folder.as_ref())?.library)
    }

    /// The search index of the guides a lenient load gives. A `--guides` folder's is kept with
    /// the guide cache, so an unchanged folder is searched without loading its guides.
    pub fn search_index(&self) -> anyhow::Result<Index> {
        let folder = self.guides.map(Folder::new);
        let cached = folder.as_ref().and_then(|f| Some((f.dir, f.key.as_ref()?)));
        if let Some(index) = cached.and_then(|(dir, key)| cache::get_index(dir, key)) {
            return Ok(index);
        }
        let loaded = self.load(Loading::Lenient, folder.as_ref())?;
        let index = Index::new(&loaded.library);
        // A folder with problems is loaded afresh every time, so its warning is shown every time.
        if let (Some((dir, key)), None) = (cached, &loaded.left_out) {
            cache::put_index(dir, key, &index);
        }
        Ok(index)
    }

    /// [`Env::library`] from `folder` (this run's `--guides`), with what was left out.
    fn load(&self, loading: Loading, folder: Option<&Folder>) -> anyhow::Result<loading::Lenient> {
        let dir = self.guides;
        let loaded = loading::library(loading, folder)
            .map_err(Error::from)
            .with_context(|| match dir {
                Some(dir) => format!("cannot load the guides in {}", dir.display()),
                None => "cannot load the built-in guides".to_owned(),
            })?;
        if let Some(left_out) = &loaded.left_out {
            warn(&[warning(left_out)]);
        }
        Ok(loaded)
    }
}

/// Prints each line as a warning on stderr (they are already safe to print).
fn warn(warnings: &[String]) {
    let paint = Paint::for_stream(&console::Term::stderr(), None);
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "{} {w}", paint.warn("warning:"));
    }
}

/// The one warning a lenient load shows: what was left out, why, and what is used instead.
fn warning(left_out: &LeftOut) -> String {
    let dir = crate::safe::path(&left_out.dir);
    let using = if left_out.company_guides_used {
        "the built-in guides and the company guides that are fine"
    } else {
        "the built-in guides"
    };
    let (what, listed) = match &left_out.reason {
        Reason::Folder(message) => (message.clone(), String::new()),
        Reason::Problems(problems) => {
            (counted(problems.len(), "problem"), first_problems(problems))
        }
    };
    format!(
        "company guides in {dir} could not be loaded: {what}; using {using} — run `fieldfix validate {dir}`{listed}"
    )
}

/// The first few problems, one line each, so the warning says what is wrong where.
fn first_problems(problems: &[Problem]) -> String {
    const SHOWN: usize = 3;
    let mut lines: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| {
            let headline = p.to_string();
            let headline = headline.lines().next().unwrap_or_default().to_owned();
            format!("\n  {}", crate::safe::line(&headline))
        })
        .collect();
    if problems.len() > SHOWN {
        lines.push(format!(
            "\n  …and {} more",
            thousands(problems.len() - SHOWN)
        ));
    }
    lines.concat()
}

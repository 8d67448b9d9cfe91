//! The scriptable commands: plain requests in, a document on the given writer out, never a
//! prompt. The interactive wizard builds on the same pieces.

pub mod admin;
pub mod export;
pub mod new;
pub mod outcomes;
pub mod tune;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::{self, Situation};
use crate::error::{Error, exit};
use crate::guides::{self, Guide, Library, load};
use crate::output::{Diagnosis, Format, Out, json, keep_verdict, markdown, text};

/// Answers and steps as given on the command line, before they are checked.
#[derive(Debug, Clone, Default)]
pub struct DiagnoseRequest {
    pub guide: Option<String>,
    /// `(question, value)` pairs, in the order given; later ones win.
    pub answers: Vec<(String, String)>,
    pub answers_file: Option<PathBuf>,
    pub tried: Vec<String>,
    pub skipped: Vec<String>,
    /// The problem in the user's own words: it answers the shared questions it mentions
    /// (an iPad, no signal) that no flag or file answered.
    pub describe: Option<String>,
}

/// `fieldfix list`
pub fn list(library: &Library, format: Format, out: &mut Out) -> anyhow::Result<u8> {
    match format {
        Format::Json => out.json(&json::list(library))?,
        _ => out.text(&text::list(library, &out.paint))?,
    }
    Ok(exit::OK)
}

/// `fieldfix show`
pub fn show(library: &Library, name: &str, format: Format, out: &mut Out) -> anyhow::Result<u8> {
    let guide = library.find(name).map_err(Error::from)?;
    match format {
        Format::Json => out.json(&json::show(guide))?,
        Format::Markdown => out.text(&markdown::show(guide, library))?,
        Format::Text => out.text(&text::show(guide, library, &out.paint))?,
    }
    Ok(exit::OK)
}

/// `fieldfix search`
pub fn search(
    library: &Library,
    query: &str,
    limit: usize,
    format: Format,
    out: &mut Out,
) -> anyhow::Result<u8> {
    let mut hits = crate::search::search(library, query);
    hits.truncate(limit);
    match format {
        Format::Json => out.json(&json::search(query, &hits))?,
        _ if hits.is_empty() => {
            out.text("No guide matches that description. Try other words, or `fieldfix list`.\n")?
        }
        _ => out.text(&text::search(&hits, &out.paint))?,
    }
    Ok(exit::OK)
}

/// `fieldfix validate`: every problem and warning, then a summary. Exit 1 when there are
/// problems (warnings alone pass).
pub fn validate(
    dir: Option<&Path>,
    strict: bool,
    format: Format,
    out: &mut Out,
) -> anyhow::Result<u8> {
    let checked = guides::check_all(dir, strict).map_err(Error::from)?;
    let guides = checked.library.as_ref().map_or(0, |l| l.guides.len());
    let written = match format {
        Format::Json => out.json(&json::validate(&checked, guides)),
        _ => out.text(&text::problems(&checked, guides, &out.paint)),
    };
    let code = if checked.problems.is_empty() {
        exit::OK
    } else {
        exit::FAILURE
    };
    keep_verdict(written, code)
}

/// `fieldfix diagnose`
pub fn diagnose(
    library: &Library,
    request: &DiagnoseRequest,
    format: Format,
    out: &mut Out,
) -> anyhow::Result<u8> {
    let name = request.guide.as_deref().unwrap_or_default();
    let guide = library.find(name).map_err(Error::from)?;
    let situation = situation(library, guide, request)?;
    let plan = engine::diagnose(&library.context, guide, &situation);
    let d = Diagnosis {
        library,
        guide,
        situation: &situation,
        plan: &plan,
    };
    match format {
        Format::Json => out.json(&json::diagnosis(&d))?,
        Format::Markdown => out.text(&markdown::diagnosis(&d))?,
        Format::Text => out.text(&text::diagnosis(&d, &out.paint))?,
    }
    Ok(exit::OK)
}

/// An answers file: `question: value` pairs, plus optional `tried` and `skipped` step lists.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FileEntry {
    One(String),
    Many(Vec<String>),
    /// Anything else: a number or `yes` is taken as its text, nothing at all is an error.
    Other(serde_json::Value),
}

fn read_answers_file(path: &Path) -> Result<Situation, Error> {
    let fail = |message: String| Error::AnswersFile {
        path: path.to_owned(),
        message,
    };
    let source = load::folder_file(path).map_err(fail)?;
    answers(&source).map_err(fail)
}

/// The situation an answers file (its text in `source`) describes; what is wrong with it, in
/// words, with its line and column.
pub fn answers(source: &load::Source) -> Result<Situation, String> {
    let fail = |message: String| message;
    let entries: BTreeMap<String, FileEntry> = load::parse(source).map_err(|p| {
        fail(if p.line > 0 {
            format!("line {}, column {}: {}", p.line, p.column, p.message)
        } else {
            p.message
        })
    })?;
    let mut situation = Situation::default();
    for (key, entry) in entries {
        match (key.as_str(), entry) {
            ("tried", FileEntry::Many(steps)) => situation.tried = steps,
            ("skipped", FileEntry::Many(steps)) => situation.skipped = steps,
            ("tried" | "skipped", FileEntry::One(_)) => {
                return Err(fail(format!(
                    "`{key}` must be a list of step ids, like `{key}: [refresh-page]`"
                )));
            }
            (_, FileEntry::One(value)) => {
                situation.answers.insert(key, value);
            }
            (_, FileEntry::Other(serde_json::Value::Null)) => {
                return Err(fail(format!(
                    "`{key}` has no value: write one, like `{key}: some-value`, or remove the line"
                )));
            }
            (
                _,
                FileEntry::Other(
                    value @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)),
                ),
            ) => {
                situation.answers.insert(key, value.to_string());
            }
            (_, FileEntry::Other(_)) => {
                return Err(fail(format!(
                    "`{key}` must be one value, like `{key}: some-value`"
                )));
            }
            (_, FileEntry::Many(_)) => {
                return Err(fail(format!(
                    "`{key}` must be one value, like `{key}: some-value`, not a list"
                )));
            }
        }
    }
    Ok(situation)
}

/// Builds and checks the situation: the answers file first, then flags, which win.
pub fn situation(
    library: &Library,
    guide: &Guide,
    request: &DiagnoseRequest,
) -> Result<Situation, Error> {
    let mut situation = match &request.answers_file {
        Some(path) => read_answers_file(path)?,
        None => Situation::default(),
    };
    for (q, v) in &request.answers {
        situation.answers.insert(q.clone(), v.clone());
    }
    // `QUESTION=unknown` is "I don't know" (unless the question offers `unknown` itself).
    let unknown: Vec<String> = situation
        .answers
        .iter()
        .filter(|(q, v)| {
            v.as_str() == engine::UNKNOWN
                && library
                    .question(guide, q)
                    .is_some_and(|q| q.choice(engine::UNKNOWN).is_none())
        })
        .map(|(q, _)| q.clone())
        .collect();
    for q in unknown {
        situation.answers.remove(&q);
        situation.unknown.push(q);
    }
    situation.tried.extend(request.tried.iter().cloned());
    situation.skipped.extend(request.skipped.iter().cloned());
    for hint in crate::search::hints(request.describe.as_deref().unwrap_or_default()) {
        situation
            .answers
            .entry(hint.question.to_owned())
            .or_insert_with(|| hint.value.to_owned());
    }
    engine::check_situation(&library.context, guide, &situation)?;
    Ok(situation)
}

/// Loads the guides, turning an invalid set into an error that lists the problems.
pub fn load_library(dir: Option<&Path>) -> Result<Library, Error> {
    Ok(guides::load(dir)?)
}

/// Loads the guides for the commands that read them: a company folder that is missing,
/// unreadable or partly broken never stops them. Every guide that is fine is used, and the
/// warning to show once says what was left out.
pub fn load_library_lenient(dir: Option<&Path>) -> (Library, Option<String>) {
    let Some(dir) = dir else {
        return (guides::embedded::library(), None);
    };
    let warn = |what: String, using: &str| {
        let dir = crate::safe::path(dir);
        Some(format!(
            "company guides in {dir} could not be loaded: {what}; using {using} — run `fieldfix validate {dir}`"
        ))
    };
    // The first few problems, one line each, so the warning says what is wrong where.
    let first = |problems: &[guides::Problem]| -> String {
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
    };
    let problems = match guides::load(Some(dir)) {
        Ok(library) => return (library, None),
        Err(guides::LoadError::Invalid(problems)) => problems,
        Err(e @ guides::LoadError::Folder { .. }) => {
            return (
                guides::embedded::library(),
                warn(e.to_string(), "the built-in guides"),
            );
        }
    };
    let what = match problems.len() {
        1 => "1 problem".to_owned(),
        n => format!("{} problems", thousands(n)),
    };
    let listed = first(&problems);
    let warn = |what: String, using: &str| warn(what, using).map(|w| w + &listed);
    // The files without a problem, assembled again; a problem between files can show up only
    // then, so a few rounds.
    let Ok((mut sources, _)) = guides::load::folder_sources(dir) else {
        return (
            guides::embedded::library(),
            warn(what, "the built-in guides"),
        );
    };
    let mut bad: Vec<String> = problems.into_iter().map(|p| p.file).collect();
    for _ in 0..3 {
        sources.retain(|s| !bad.contains(&s.name));
        let checked =
            guides::load::assemble(guides::embedded::library(), sources.clone(), Vec::new());
        match checked.library {
            Some(library) if checked.problems.is_empty() => {
                let using = if sources.is_empty() {
                    "the built-in guides"
                } else {
                    "the built-in guides and the company guides that are fine"
                };
                return (library, warn(what, using));
            }
            _ => bad.extend(checked.problems.into_iter().map(|p| p.file)),
        }
    }
    (
        guides::embedded::library(),
        warn(what, "the built-in guides"),
    )
}

pub use crate::output::thousands;

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(1376), "1,376");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}

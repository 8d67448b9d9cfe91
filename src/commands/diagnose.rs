//! `fieldfix diagnose`: answers from flags, a file and the user's words in, the plan out; and
//! the checked situation the wizard starts from too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Env;
use crate::engine::{self, Situation};
use crate::error::{Error, exit};
use crate::guides::loading::Loading;
use crate::guides::{Guide, Library, load};
use crate::output::{Diagnosis, Format, json, markdown, text};

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

/// What `fieldfix diagnose` was asked for.
#[derive(Debug, Clone)]
pub struct DiagnoseCommand {
    pub request: DiagnoseRequest,
    pub format: Format,
}

/// `fieldfix diagnose`: the plan for the answers given, never a prompt. With no company
/// folder only the named guide is read.
pub fn run(command: &DiagnoseCommand, env: &mut Env) -> anyhow::Result<u8> {
    let name = command.request.guide.as_deref().unwrap_or_default();
    let library = &env.library(Loading::Guide(name))?;
    let guide = library.find(name).map_err(Error::from)?;
    let situation = situation(library, guide, &command.request)?;
    let plan = engine::diagnose(&library.context, guide, &situation);
    let out = &mut *env.out;
    let d = Diagnosis {
        library,
        guide,
        situation: &situation,
        plan: &plan,
    };
    match command.format {
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
    let entries: BTreeMap<String, FileEntry> = load::parse(source).map_err(|p| {
        if p.line > 0 {
            format!("line {}, column {}: {}", p.line, p.column, p.message)
        } else {
            p.message
        }
    })?;
    let mut situation = Situation::default();
    for (key, entry) in entries {
        match (key.as_str(), entry) {
            ("tried", FileEntry::Many(steps)) => situation.tried = steps,
            ("skipped", FileEntry::Many(steps)) => situation.skipped = steps,
            ("tried" | "skipped", FileEntry::One(_)) => {
                return Err(format!(
                    "`{key}` must be a list of step ids, like `{key}: [refresh-page]`"
                ));
            }
            (_, FileEntry::One(value)) => {
                situation.answers.insert(key, value);
            }
            (_, FileEntry::Other(serde_json::Value::Null)) => {
                return Err(format!(
                    "`{key}` has no value: write one, like `{key}: some-value`, or remove the line"
                ));
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
                return Err(format!(
                    "`{key}` must be one value, like `{key}: some-value`"
                ));
            }
            (_, FileEntry::Many(_)) => {
                return Err(format!(
                    "`{key}` must be one value, like `{key}: some-value`, not a list"
                ));
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

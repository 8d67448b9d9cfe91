//! The guides: the knowledge base of Procore problems, its file format, loading and validation.

pub mod cache;
pub mod check;
pub mod embedded;
pub mod load;
pub mod model;
pub mod problem;
pub mod raw;
pub mod text;
pub mod yaml11;

pub use load::{Checked, LoadError};

use std::path::Path;

/// An empty library, to build on.
fn empty() -> Library {
    Library {
        context: Vec::new(),
        targets: std::collections::BTreeMap::new(),
        guides: Vec::new(),
    }
}

/// The built-in guides, overlaid with the folder `extra` when given; an error lists every
/// problem in it. A folder that loaded cleanly before, unchanged, comes from the cache.
pub fn load(extra: Option<&Path>) -> Result<Library, LoadError> {
    let Some(dir) = extra else {
        return Ok(embedded::library());
    };
    let key = cache::key(dir, embedded::BUILD_ID);
    if let Some(library) = key.as_ref().and_then(|key| cache::get(dir, key)) {
        return Ok(library);
    }
    let checked = check_folder(embedded::library(), dir)?;
    match checked.library {
        Some(library) if checked.problems.is_empty() => {
            if let Some(key) = &key {
                cache::put(dir, key, &library);
            }
            Ok(library)
        }
        _ => Err(LoadError::Invalid(checked.problems)),
    }
}

/// Validates the folder `extra` on top of the built-in guides, or, with no folder, the
/// built-in guide files themselves as written. `strict` also requires `sources` on every cause
/// and step. Unquoted values that YAML 1.1 tools read differently come back as warnings.
pub fn check_all(extra: Option<&Path>, strict: bool) -> Result<Checked, LoadError> {
    let (base, sources, unreadable) = match extra {
        Some(dir) => {
            let (sources, unreadable) = load::folder_sources(dir)?;
            (embedded::library(), sources, unreadable)
        }
        None => (empty(), embedded::sources(), Vec::new()),
    };
    let warnings: Vec<Problem> = sources
        .iter()
        .flat_map(|s| yaml11::warnings(&s.name, &s.text))
        .collect();
    let mut checked = load::assemble_with(base, sources, unreadable, strict);
    checked.warnings = warnings;
    Ok(checked)
}

/// The JSON Schema of a guide file as `fieldfix schema` prints it (and `docs/guide.schema.json`
/// holds it), generated from the types the loader reads, so it cannot drift from what
/// `validate` accepts.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&raw::guide_schema()).unwrap_or_default();
    text.push('\n');
    text
}

fn check_folder(base: Library, dir: &Path) -> Result<Checked, LoadError> {
    let (sources, unreadable) = load::folder_sources(dir)?;
    Ok(load::assemble(base, sources, unreadable))
}
pub use model::{Guide, Library};
pub use problem::Problem;

/// Why a name did not pick out one guide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no guide is called `{name}`{hint}; run `fieldfix list` to see them all")]
    Unknown { name: String, hint: String },
    #[error("`{name}` could mean {}: type more of the name", .matches.join(", "))]
    Ambiguous { name: String, matches: Vec<String> },
}

impl Library {
    /// Finds a guide by id, alias or unique id prefix (case does not matter).
    pub fn find(&self, name: &str) -> Result<&Guide, LookupError> {
        let names: Vec<(&str, &[String])> = self
            .guides
            .iter()
            .map(|g| (g.id.as_str(), g.aliases.as_slice()))
            .collect();
        match find_name(&names, name) {
            Ok(i) => Ok(&self.guides[i]),
            // Nothing close among ids and aliases: maybe a title ("photos-not-uploadng").
            Err(LookupError::Unknown { name, hint }) if hint.is_empty() => {
                let titles = self.guides.iter().map(|g| g.title.as_str());
                let hint = crate::suggest::closest(&name.replace('-', " "), titles)
                    .and_then(|t| self.guides.iter().find(|g| g.title == t))
                    .map(|g| format!(" (did you mean `{}`?)", g.id))
                    .unwrap_or_default();
                Err(LookupError::Unknown { name, hint })
            }
            Err(e) => Err(e),
        }
    }
}

/// Which of the guides `(id, aliases)` a user's `name` picks: an id, an alias, or a unique id
/// prefix, in any case. Returns its position.
pub fn find_name(guides: &[(&str, &[String])], name: &str) -> Result<usize, LookupError> {
    let wanted = name.trim().to_lowercase();
    if let Some(i) = guides
        .iter()
        .position(|(id, aliases)| *id == wanted || aliases.contains(&wanted))
    {
        return Ok(i);
    }
    let matches: Vec<usize> = (0..guides.len())
        .filter(|&i| !wanted.is_empty() && guides[i].0.starts_with(&wanted))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => {
            let names = guides.iter().flat_map(|(id, aliases)| {
                std::iter::once(*id).chain(aliases.iter().map(String::as_str))
            });
            let hint = crate::suggest::closest(&wanted, names)
                .map(|n| {
                    let id = find_name(guides, n).map_or(n, |i| guides[i].0);
                    format!(" (did you mean `{id}`?)")
                })
                .unwrap_or_default();
            Err(LookupError::Unknown {
                name: name.to_owned(),
                hint,
            })
        }
        many => Err(LookupError::Ambiguous {
            name: name.to_owned(),
            matches: many.iter().map(|&i| guides[i].0.to_owned()).collect(),
        }),
    }
}

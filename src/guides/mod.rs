//! The guides: the knowledge base of Procore problems, its file format, loading and validation.

pub mod check;
pub mod embedded;
pub mod load;
pub mod model;
pub mod problem;
pub mod raw;
pub mod text;

pub use load::{Checked, LoadError};

use std::path::Path;

/// An empty library, to build on.
fn empty() -> Library {
    Library {
        context: Vec::new(),
        guides: Vec::new(),
    }
}

/// The built-in guides, overlaid with the folder `extra` when given; an error lists every
/// problem in it.
pub fn load(extra: Option<&Path>) -> Result<Library, LoadError> {
    let base = embedded::library();
    let Some(dir) = extra else { return Ok(base) };
    let checked = check_folder(base, dir)?;
    match checked.library {
        Some(library) if checked.problems.is_empty() => Ok(library),
        _ => Err(LoadError::Invalid(checked.problems)),
    }
}

/// Validates the folder `extra` on top of the built-in guides, or, with no folder, the
/// built-in guide files themselves as written.
pub fn check_all(extra: Option<&Path>) -> Result<Checked, LoadError> {
    match extra {
        Some(dir) => check_folder(embedded::library(), dir),
        None => Ok(load::assemble(empty(), embedded::sources(), Vec::new())),
    }
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
        let wanted = name.trim().to_lowercase();
        if let Some(g) = self
            .guides
            .iter()
            .find(|g| g.id == wanted || g.aliases.contains(&wanted))
        {
            return Ok(g);
        }
        let matches: Vec<&Guide> = self
            .guides
            .iter()
            .filter(|g| !wanted.is_empty() && g.id.starts_with(&wanted))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => {
                let names = self
                    .guides
                    .iter()
                    .flat_map(|g| std::iter::once(&g.id).chain(&g.aliases))
                    .map(String::as_str);
                let hint = crate::suggest::closest(&wanted, names)
                    .map(|n| {
                        let g = self.find(n).map(|g| g.id.as_str()).unwrap_or(n);
                        format!(" (did you mean `{g}`?)")
                    })
                    .unwrap_or_default();
                Err(LookupError::Unknown {
                    name: name.to_owned(),
                    hint,
                })
            }
            many => Err(LookupError::Ambiguous {
                name: name.to_owned(),
                matches: many.iter().map(|g| g.id.clone()).collect(),
            }),
        }
    }
}

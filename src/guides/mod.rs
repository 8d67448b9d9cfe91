//! The guides: the knowledge base of Procore problems, its file format, loading and validation.
//!
//! The file format and the validator live in the `fieldfix-guides` crate (re-exported here as
//! [`raw`], [`model`], [`load`], [`check`], [`problem`] and [`text`]), which the build script
//! also uses to check the built-in guides; this module adds what only the program needs: the
//! built-in library ([`embedded`]), which guides each command loads ([`loading`]), the cache of
//! company folders ([`cache`]) and the YAML 1.1 warnings ([`yaml11`]).

pub mod cache;
pub mod embedded;
pub mod loading;
pub mod yaml11;

pub use fieldfix_guides::{check, load, model, problem, raw, text};

pub use load::{Checked, LoadError};

use std::path::Path;

/// A company guides folder, with its cache key as it is now (`None` when a file cannot be
/// read): worked out once per run, as it reads and hashes every guide file.
pub struct Folder<'a> {
    pub dir: &'a Path,
    pub key: Option<cache::Key>,
}

impl<'a> Folder<'a> {
    pub fn new(dir: &'a Path) -> Self {
        let key = cache::key(dir, embedded::BUILD_ID);
        Folder { dir, key }
    }
}

/// The built-in guides, overlaid with the folder `extra` when given; an error lists every
/// problem in it. A folder that loaded cleanly before, unchanged, comes from the cache.
pub fn load(extra: Option<&Path>) -> Result<Library, LoadError> {
    match extra {
        Some(dir) => load_folder(&Folder::new(dir)),
        None => Ok(embedded::library()),
    }
}

/// [`load`] of a company folder.
pub fn load_folder(folder: &Folder) -> Result<Library, LoadError> {
    let (dir, key) = (folder.dir, folder.key.as_ref());
    if let Some(library) = key.and_then(|key| cache::get(dir, key)) {
        return Ok(library);
    }
    let (sources, unreadable) = load::folder_sources(dir)?;
    let checked = load::assemble(embedded::library(), sources, unreadable);
    match checked.library {
        Some(library) if checked.problems.is_empty() => {
            if let Some(key) = key {
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
        None => (Library::default(), embedded::sources(), Vec::new()),
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
pub use model::{Guide, Library};
pub use problem::Problem;

pub use fieldfix_guides::lookup::{LookupError, find_name};

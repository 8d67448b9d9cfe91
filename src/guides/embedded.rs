//! The built-in guides, compiled into the binary: the YAML files as written (for `validate` and
//! snippets) and the library the build script checked and pre-compiled to JSON (for speed).

use super::load::Source;
use super::model::Library;

include!(concat!(env!("OUT_DIR"), "/embedded_guides.rs"));

/// `fieldfix --version`: the package version, then the built-in guides' content version (a short
/// hash of the guide files and their count, computed by build.rs), e.g.
/// `fieldfix 0.1.0 (guides 1a2b3c4d, 21 guides)`.
pub const VERSION: &str = env!("FIELDFIX_VERSION");

/// The built-in guide files, as written.
pub fn sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|(name, text)| Source::built_in(name, (*text).to_owned()))
        .collect()
}

/// The built-in library, validated when fieldfix was built.
pub fn library() -> Library {
    with_guides(GUIDES.iter().map(|(_, _, json)| guide(json)).collect())
}

/// The built-in library with only the guide that `name` picks (as [`Library::find`] would):
/// all that `diagnose` needs, without deserialising the other guides.
pub fn library_with(name: &str) -> Result<Library, super::LookupError> {
    let aliases: Vec<Vec<String>> = GUIDES
        .iter()
        .map(|(_, aliases, _)| aliases.iter().map(|a| (*a).to_owned()).collect())
        .collect();
    let names: Vec<(&str, &[String])> = GUIDES
        .iter()
        .zip(&aliases)
        .map(|((id, _, _), a)| (*id, a.as_slice()))
        .collect();
    let i = super::find_name(&names, name)?;
    Ok(with_guides(vec![guide(GUIDES[i].2)]))
}

/// The built-in context questions, targets and vocabulary, with `guides`.
fn with_guides(guides: Vec<super::model::Guide>) -> Library {
    Library {
        context: serde_json::from_str(CONTEXT_JSON)
            .expect("the build script writes valid context questions"),
        targets: serde_json::from_str(TARGETS_JSON).expect("the build script writes valid targets"),
        guides,
        // The domain vocabulary (`guides/_vocabulary.yaml`).
        vocabulary: serde_json::from_str(VOCABULARY_JSON)
            .expect("the build script writes a valid vocabulary"),
    }
}

fn guide(json: &str) -> super::model::Guide {
    serde_json::from_str(json).expect("the build script writes valid guides")
}

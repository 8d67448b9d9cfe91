//! The built-in guides, compiled into the binary: the YAML files as written (for `validate` and
//! snippets) and the library the build script checked and pre-compiled to JSON (for speed).

use super::load::Source;
use super::model::{Library, Origin};

include!(concat!(env!("OUT_DIR"), "/embedded_guides.rs"));

/// The built-in guide files, as written.
pub fn sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|(name, text)| Source {
            name: format!("guides/{name}"),
            stem: name.trim_end_matches(".yaml").to_owned(),
            text: (*text).to_owned(),
            origin: Origin::BuiltIn,
        })
        .collect()
}

/// The built-in library, validated when fieldfix was built.
pub fn library() -> Library {
    serde_json::from_str(LIBRARY_JSON).expect("the build script writes a valid library")
}

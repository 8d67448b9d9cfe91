//! The built-in guides for this crate's tests, read from the repository's `guides/` folder with
//! the same loader the fieldfix build uses.

use std::path::{Path, PathBuf};

use fieldfix_guides::load::{self, Source};
use fieldfix_guides::model::{Library, Origin};

/// The repository's folder `name` (`guides`, `tests/data/...`).
pub fn repo_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name)
}

/// The built-in guides, as fieldfix embeds them.
pub fn builtin() -> Library {
    let (sources, unreadable) = load::folder_sources(&repo_path("guides")).expect("guides/ reads");
    let sources: Vec<Source> = sources
        .into_iter()
        .map(|s| Source {
            origin: Origin::BuiltIn,
            name: format!("guides/{}.yaml", s.stem),
            ..s
        })
        .collect();
    let checked = load::assemble_with(Library::default(), sources, unreadable, false);
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    checked.library.expect("the built-in guides assemble")
}

/// The built-in guides with the folder `dir` on top, as `--guides DIR` loads them.
pub fn with_folder(dir: &Path) -> load::Checked {
    let (sources, unreadable) = load::folder_sources(dir).expect("the folder reads");
    load::assemble(builtin(), sources, unreadable)
}

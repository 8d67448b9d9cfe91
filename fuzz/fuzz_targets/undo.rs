//! Undo list bytes -> a checked list or a message: never panics, and an accepted list only
//! renames within one folder (no `..`, same parent, a name on both sides).

#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(list) = fieldfix::preflight::names::parse_undo_list(text, Path::new("/base")) {
        for r in &list.renames {
            assert_eq!(r.from.parent(), r.to.parent(), "{r:?}");
            assert!(r.from.file_name().is_some() && r.to.file_name().is_some(), "{r:?}");
            for p in [&r.from, &r.to] {
                assert!(
                    !p.components().any(|c| matches!(c, Component::ParentDir)),
                    "{r:?}"
                );
            }
        }
    }
});

//! Guide file bytes -> validate: never panics, never hangs, and every line:column reported
//! exists in the input (the column may be just past the end of its line).

#![no_main]

use fieldfix::guides::load::{Source, assemble};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::company("fuzzed", text);
    let checked = assemble(fieldfix::guides::embedded::library(), vec![source], Vec::new());
    assert!(checked.library.is_some() || !checked.problems.is_empty());
    let lines: Vec<&str> = text
        .split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .collect();
    for p in checked.problems.iter().filter(|p| p.line > 0) {
        let line = lines
            .get(p.line as usize - 1)
            .unwrap_or_else(|| panic!("no line {} in the input: {p}", p.line));
        assert!(
            p.column >= 1 && p.column as usize <= line.chars().count() + 1,
            "no column {} in line {line:?}: {p}",
            p.column
        );
    }
});

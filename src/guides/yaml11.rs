//! Values that read differently in YAML 1.1 tools: unquoted `yes`, `no`, `on`, `off`, `y`,
//! `n` (booleans there) and numbers such as `1:30` or `1_000` (numbers there, text here).
//!
//! fieldfix reads YAML 1.2, where these are plain text; PyYAML and other YAML 1.1 readers do
//! not, so a guide that relies on them means different things in different tools. `validate`
//! warns about each one with its line.

use std::sync::LazyLock;

use granit_parser::{Event, Parser, ScalarStyle};
use regex::Regex;

use super::problem::Problem;

/// Booleans in YAML 1.1 that YAML 1.2's core schema reads as text.
static BOOL_11: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$").expect("valid pattern")
});
/// Numbers in YAML 1.1 (ints with `_`, `0b`, sexagesimal `1:30`; loose floats).
static NUMBER_11: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
        r"|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+",
        r"|[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*)$"
    ))
    .expect("valid pattern")
});
/// Numbers in YAML 1.2's core schema.
static NUMBER_12: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
        r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$"
    ))
    .expect("valid pattern")
});

/// What a YAML 1.1 reader makes of an unquoted value that fieldfix reads as text, if it differs.
pub fn misread(plain: &str) -> Option<&'static str> {
    if BOOL_11.is_match(plain) {
        Some("a boolean")
    } else if NUMBER_11.is_match(plain) && !NUMBER_12.is_match(plain) {
        Some("a number")
    } else {
        None
    }
}

/// A warning for every unquoted key or value of `text` that a YAML 1.1 reader takes for a
/// boolean or a number. A file that does not parse gives none (the parse error says enough).
pub fn warnings(file: &str, text: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let Event::Scalar(value, ScalarStyle::Plain, _, _) = event else {
            continue;
        };
        if let Some(what) = misread(&value) {
            let line = span.start.line();
            let column = span.start.col() + 1;
            found.push(Problem::at_position(
                file,
                text,
                line as u64,
                column as u64,
                value.chars().count(),
                format!(
                    "`{value}` unquoted is read as {what} by YAML 1.1 tools (PyYAML and others): write \"{value}\" in quotes"
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_booleans_and_numbers_are_found_and_quoted_text_is_not() {
        for plain in [
            "yes", "No", "on", "OFF", "y", "n", "1:30", "1_000", "0b101", "1.2.3",
        ] {
            assert!(misread(plain).is_some(), "{plain}");
        }
        for plain in ["maybe", "online", "5", "0.9", "1e3", "true", "404", "ios"] {
            assert_eq!(misread(plain), None, "{plain}");
        }
        let text = "id: x\nlabel: Yes\nquoted: \"No\"\ndevices:\n  on: [a]\n";
        let found = warnings("g.yaml", text);
        let at: Vec<(u64, u64)> = found.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(2, 8), (5, 3)], "{found:?}");
        assert!(found[0].message.contains("\"Yes\""));
    }
}

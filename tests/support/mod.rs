//! Shared helpers of the test targets (`cli`, `library` and `web` include this folder): running
//! the binary ([`Test`]), walking the wizard ([`Auto`]), temporary guide folders, small guides
//! and the edits and location markers the validator tests use, reading JSON output, and
//! hand-made model guides for the engine tests.

#![allow(dead_code)]

mod auto;
mod model;
mod pdf;
mod rng;
mod script;
mod test;

// Each target uses some of these.
#[allow(unused_imports)]
pub use auto::*;
#[allow(unused_imports)]
pub use model::*;
#[allow(unused_imports)]
pub use pdf::*;
#[allow(unused_imports)]
pub use rng::*;
#[allow(unused_imports)]
pub use script::*;
#[allow(unused_imports)]
pub use test::*;

use std::path::{Path, PathBuf};

/// Runs `fieldfix ARGS` in `dir` (the working and state folder) that must succeed, printing
/// its result on stdout and nothing on stderr; returns stdout.
#[track_caller]
pub fn ok_in(dir: &Path, args: &[&str]) -> String {
    let out = Test::new().state(dir).args(args).stderr("").run();
    assert!(!out.stdout.is_empty(), "fieldfix {args:?} printed nothing");
    out.stdout
}

/// [`ok_in`] a fresh state folder.
#[track_caller]
pub fn ok(args: &[&str]) -> String {
    ok_in(tempfile::tempdir().expect("temp dir").path(), args)
}

/// Runs a command that must fail with `code` and print nothing on stdout; returns stderr.
#[track_caller]
pub fn fails(args: &[&str], code: i32) -> String {
    fails_in(tempfile::tempdir().expect("temp dir").path(), args, code)
}

#[track_caller]
pub fn fails_in(dir: &Path, args: &[&str], code: i32) -> String {
    let out = Test::new()
        .state(dir)
        .args(args)
        .status(code)
        .stdout("")
        .run();
    assert!(
        !out.stderr.is_empty(),
        "fieldfix {args:?}: says why on stderr"
    );
    out.stderr
}

/// The words of a command line without quotes (`"show photos --format json"`), as arguments.
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The JSON document in the file at `path`.
#[track_caller]
pub fn read_json(path: impl AsRef<Path>) -> serde_json::Value {
    let text = std::fs::read_to_string(path.as_ref()).expect("read the JSON file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The keys of a JSON object.
#[track_caller]
pub fn keys(v: &serde_json::Value) -> std::collections::BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// The item of a JSON list whose `id` is `id`.
#[track_caller]
pub fn by_id<'a>(list: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    let items = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"));
    items
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no item `{id}` in {list}"))
}

/// The undo lists `preflight --fix-names --apply` wrote into `dir`.
pub fn undo_lists(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("fieldfix-undo-"))
        })
        .collect()
}

/// Sets the modification time of the file at `path`.
#[track_caller]
pub fn set_modified(path: &Path, time: std::time::SystemTime) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(time).expect("set the modification time");
}

/// Sets a file's modification time an hour in the past, so its folder is old enough to cache.
#[track_caller]
pub fn age(path: &Path) {
    let hour = std::time::Duration::from_secs(3600);
    set_modified(path, std::time::SystemTime::now() - hour);
}

/// A guide cache file's text with its checksum line recomputed for its (edited) body, as an
/// attacker or a careless edit could.
pub fn reseal_cache(text: &str) -> String {
    let (_, body) = text.split_once('\n').expect("a checksum line");
    let sum = fieldfix::sha256_hex(body.as_bytes());
    format!("fieldfix-guide-cache {sum}\n{body}")
}

/// Asserts that `bytes` (a command's stdout or stderr) hold no control character but line
/// breaks and tabs, and no bidirectional control: nothing that could drive a terminal.
pub fn assert_printable(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if let Some(c) = text.chars().find(|&c| unsafe_char(c)) {
        panic!(
            "{what} holds the control character {}:\n{text}",
            c.escape_unicode()
        );
    }
}

/// A temporary folder that holds guide files (or other input files, such as answers).
pub struct GuideDir {
    pub dir: tempfile::TempDir,
}

impl GuideDir {
    pub fn new() -> Self {
        GuideDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `name` with `text`; returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write guide");
        path
    }
}

/// A small valid guide with the given id, for tests to modify.
pub fn minimal_guide(id: &str) -> String {
    format!(
        r#"id: {id}
title: Test problem
summary: A problem used in tests.
aliases: []
symptoms: [things break]
escalate:
  contact: the admin
  minutes: 30
  signs:
    - sign: It keeps happening.
  provide:
    - id: project
      label: Project name
causes:
  - id: first
    title: First cause
    explain: The first reason.
    likelihood: 60
  - id: second
    title: Second cause
    explain: The second reason.
    likelihood: 40
questions:
  - id: which
    ask: Which one is it?
    options:
      - value: one
        label: The first
        raises: [first]
      - value: two
        label: The second
        rules_out: [first]
steps:
  - id: fix-first
    title: Fix the first
    minutes: 5
    fixes: [first]
    do: [Do the first thing.]
  - id: fix-second
    title: Fix the second
    minutes: 5
    fixes: [second]
    do: [Do the second thing.]
prevent:
  - tip: Be careful.
related: []
"#
    )
}

// ---------------------------------------------------------------------------------------------
// Fixture edits and location markers, for the validator's tests.

/// `text` with the single occurrence of `old` replaced by `new` (a fixture edit that silently
/// did nothing would make a test pass for the wrong reason).
#[track_caller]
pub fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "`{old}` must occur exactly once in the fixture"
    );
    text.replacen(old, new, 1)
}

/// Applies several [`edit`]s in turn.
#[track_caller]
pub fn edits(text: &str, changes: &[(&str, &str)]) -> String {
    changes
        .iter()
        .fold(text.to_owned(), |text, (old, new)| edit(&text, old, new))
}

/// Where the `|` in `marked` falls in `text`, as 1-based (line, column), for the `nth`
/// (1-based) occurrence of `marked` without its `|`.
#[track_caller]
pub fn loc_nth(text: &str, marked: &str, nth: usize) -> (u64, u64) {
    let bar = marked
        .find('|')
        .expect("the pattern marks the column with `|`");
    let plain = marked.replacen('|', "", 1);
    let found: Vec<usize> = text.match_indices(&plain).map(|(i, _)| i).collect();
    assert!(
        found.len() >= nth,
        "`{plain}` occurs {} times in the fixture, wanted occurrence {nth}",
        found.len()
    );
    let offset = found[nth - 1] + bar;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line as u64, column as u64)
}

/// Like [`loc_nth`], for a pattern that occurs exactly once.
#[track_caller]
pub fn loc(text: &str, marked: &str) -> (u64, u64) {
    let plain = marked.replacen('|', "", 1);
    assert_eq!(
        text.matches(&plain).count(),
        1,
        "`{plain}` must occur exactly once in the fixture"
    );
    loc_nth(text, marked, 1)
}

/// The built-in guide ids, from the `guides/` folder compiled into the binary.
pub fn builtin_ids() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("guides");
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .expect("the guides folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|stem| !stem.starts_with('_'))
        .collect();
    ids.sort();
    ids
}

/// A problem the validator must report: the file (inside the guide folder), where, and words
/// its message must contain.
#[derive(Debug, Clone)]
pub struct Want {
    pub file: String,
    /// 1-based line and column; `(0, 0)` for a problem with the whole file.
    pub at: (u64, u64),
    pub words: Vec<String>,
}

pub fn want(file: &str, at: (u64, u64), words: &[&str]) -> Want {
    Want {
        file: file.to_owned(),
        at,
        words: words.iter().map(|w| (*w).to_owned()).collect(),
    }
}

/// Checks that `headlines` (each problem's first line as `validate` prints it, after its
/// `error: ` or `warning: `) are exactly `wants`, in any order: each at its file in `dir` (the
/// guide folder as the command named it), line and column, with the words in its message, and
/// each reported once. Says what is missing or unexpected otherwise.
pub fn match_problems<S: AsRef<str>>(
    dir: &Path,
    headlines: &[S],
    wants: &[Want],
) -> Result<(), String> {
    let mut unmatched: Vec<&str> = headlines.iter().map(AsRef::as_ref).collect();
    for w in wants {
        let path = dir.join(&w.file);
        let prefix = match w.at {
            (0, 0) => format!("{}: ", path.display()),
            (line, column) => format!("{}:{line}:{column}: ", path.display()),
        };
        let found = unmatched.iter().position(|h| {
            h.strip_prefix(&prefix)
                .is_some_and(|msg| w.words.iter().all(|word| msg.contains(word.as_str())))
        });
        match found {
            Some(i) => {
                unmatched.remove(i);
            }
            None => {
                return Err(format!(
                    "no problem `{prefix}...` mentioning {:?} among {unmatched:#?}",
                    w.words
                ));
            }
        }
    }
    if unmatched.is_empty() {
        Ok(())
    } else {
        Err(format!("unexpected problems: {unmatched:#?}"))
    }
}

/// A guide whose texts hold escape sequences and control characters, written as YAML escapes.
pub fn escapes_guide() -> String {
    edits(
        &minimal_guide("escapes"),
        &[
            ("title: Test problem", r#"title: "Red \e[31m alert""#),
            (
                "summary: A problem used in tests.",
                r#"summary: "Clear \x1b[2J screen""#,
            ),
            ("symptoms: [things break]", r#"symptoms: ["things\tbreak"]"#),
            (
                "    do: [Do the first thing.]",
                r#"    do: ["Do \u202Etxet desrever"]"#,
            ),
            ("  - tip: Be careful.", r#"  - tip: "Ring \a the bell""#),
        ],
    )
}

/// A guide with a raw ESC byte in its title.
pub fn raw_escape_guide() -> String {
    edit(
        &minimal_guide("raw"),
        "title: Test problem",
        "title: Test \u{1b}[31m problem",
    )
}

/// Asserts that `text` contains each of `parts`, showing `text` when one is missing.
#[track_caller]
pub fn assert_has<S: AsRef<str>>(text: &str, parts: &[S]) {
    for part in parts {
        let part = part.as_ref();
        assert!(text.contains(part), "{part:?} is missing from:\n{text}");
    }
}

/// Asserts that `text` contains none of `parts`, showing `text` when one is there.
#[track_caller]
pub fn assert_lacks<S: AsRef<str>>(text: &str, parts: &[S]) {
    for part in parts {
        let part = part.as_ref();
        assert!(!text.contains(part), "{part:?} should not be in:\n{text}");
    }
}

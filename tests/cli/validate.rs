//! `fieldfix validate [DIR]` through the real binary: one fixture per rule of the guide format,
//! each checked for the exit code, the exact `FILE:LINE:COL` of the offending value and the key
//! part of the message, and for every problem of a file being reported, not just the first.

use std::path::Path;

use serde_json::Value;

use crate::support::{GuideDir, fieldfix, minimal_guide, show_json};

/// A problem the validator must report: the file (inside the guide folder), where, and words
/// its message must contain.
struct Want {
    file: &'static str,
    /// 1-based line and column; `(0, 0)` for a problem with the whole file.
    at: (u64, u64),
    words: Vec<String>,
}

fn want(file: &'static str, at: (u64, u64), words: &[&str]) -> Want {
    Want {
        file,
        at,
        words: words.iter().map(|w| (*w).to_owned()).collect(),
    }
}

/// Where the `|` in `marked` falls in `text`, as 1-based (line, column), for the `nth`
/// (1-based) occurrence of `marked` without its `|`.
fn loc_nth(text: &str, marked: &str, nth: usize) -> (u64, u64) {
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
fn loc(text: &str, marked: &str) -> (u64, u64) {
    let plain = marked.replacen('|', "", 1);
    assert_eq!(
        text.matches(&plain).count(),
        1,
        "`{plain}` must occur exactly once in the fixture"
    );
    loc_nth(text, marked, 1)
}

/// `text` with the single occurrence of `old` replaced by `new` (a fixture edit that silently
/// did nothing would make a test pass for the wrong reason).
fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "`{old}` must occur exactly once in the fixture"
    );
    text.replacen(old, new, 1)
}

/// Applies several [`edit`]s in turn.
fn edits(text: &str, changes: &[(&str, &str)]) -> String {
    changes
        .iter()
        .fold(text.to_owned(), |text, (old, new)| edit(&text, old, new))
}

/// The built-in guide ids, from the `guides/` folder compiled into the binary.
fn builtin_ids() -> Vec<String> {
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

/// Runs `fieldfix validate DIR` and returns (exit code, stdout, stderr).
fn validate(dir: &GuideDir) -> (i32, String, String) {
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .arg("validate")
        .arg(dir.path())
        .output()
        .expect("run fieldfix");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

/// Runs `fieldfix validate DIR --format json` and returns (exit code, document).
fn validate_json(dir: &GuideDir) -> (i32, Value) {
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run fieldfix");
    let doc = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    (out.status.code().expect("exit code"), doc)
}

/// The `error: ` headline of each problem printed by `validate` (the lines under it are the
/// source snippet).
fn headlines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .collect()
}

/// Checks that `validate DIR` exits 1 and reports exactly the problems in `wants`, each at its
/// file, line and column with the given words in its message. Returns stdout.
fn expect_problems(dir: &GuideDir, wants: &[Want]) -> String {
    let (code, stdout, stderr) = validate(dir);
    assert_eq!(
        code, 1,
        "validate must fail\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let mut unmatched = headlines(&stdout);
    for w in wants {
        let path = dir.path().join(w.file);
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
            None => panic!(
                "no problem `{prefix}...` mentioning {:?}\nstdout:\n{stdout}",
                w.words
            ),
        }
    }
    assert!(
        unmatched.is_empty(),
        "unexpected problems: {unmatched:#?}\nstdout:\n{stdout}"
    );
    let n = wants.len();
    let summary = format!("failed: {n} problem{} in ", if n == 1 { "" } else { "s" });
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with(&summary)),
        "the last line must be the summary `{summary}...`\nstdout:\n{stdout}"
    );
    stdout
}

// ------------------------------------------------------------------------------------------
// Whole runs
// ------------------------------------------------------------------------------------------

#[test]
fn builtin_guides_validate_with_a_one_line_summary() {
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .arg("validate")
        .output()
        .expect("run fieldfix");
    assert_eq!(out.status.code(), Some(0));
    let n = builtin_ids().len();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("ok: {n} guide files checked, {n} guides, no problems\n")
    );
}

#[test]
fn a_valid_folder_adds_its_guides() {
    let dir = GuideDir::new();
    dir.write("test-guide.yaml", &minimal_guide("test-guide"));
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "{stdout}");
    // The folder's one file is checked, on top of the built-in guides.
    let n = builtin_ids().len() + 1;
    assert_eq!(
        stdout,
        format!("ok: 1 guide file checked, {n} guides, no problems\n")
    );
}

#[test]
fn a_valid_guide_may_replace_a_built_in_one() {
    let builtin = builtin_ids();
    let id = "photos-not-uploading";
    assert!(builtin.iter().any(|b| b == id), "the built-in guide exists");
    let dir = GuideDir::new();
    // `.yml` on purpose: the company file replaces the built-in `.yaml` of the same id.
    dir.write(&format!("{id}.yml"), &minimal_guide(id));
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "{stdout}");
    let n = builtin.len();
    assert_eq!(
        stdout,
        format!("ok: 1 guide file checked, {n} guides, no problems\n")
    );

    // And the replacement is the one used.
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .arg("--guides")
        .arg(dir.path())
        .args(["show", id, "--format", "json"])
        .output()
        .expect("run fieldfix");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["guide"]["title"], "Test problem");
}

#[test]
fn json_lists_every_problem_with_its_location() {
    let dir = GuideDir::new();
    let text = edits(
        &minimal_guide("json-guide"),
        &[
            ("    fixes: [second]\n", "    fixes: [second, secnd]\n"),
            ("  minutes: 30\n", "  minutes: -1\n"),
        ],
    );
    dir.write("json-guide.yaml", &text);
    let (code, doc) = validate_json(&dir);
    assert_eq!(code, 1);
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["ok"], false);
    let problems = doc["problems"].as_array().expect("problems is a list");
    assert_eq!(problems.len(), 2, "{doc:#}");
    let file = dir.path().join("json-guide.yaml").display().to_string();
    let mut found: Vec<(u64, u64, String)> = problems
        .iter()
        .map(|p| {
            assert_eq!(p["file"], file.as_str());
            (
                p["line"].as_u64().expect("line"),
                p["column"].as_u64().expect("column"),
                p["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    found.sort();
    let (l1, c1) = loc(&text, "  minutes: |-1");
    let (l2, c2) = loc(&text, "[second, |secnd]");
    assert_eq!((found[0].0, found[0].1), (l1, c1));
    assert!(
        found[0]
            .2
            .contains("escalation minutes must be a number greater than 0")
    );
    assert_eq!((found[1].0, found[1].1), (l2, c2));
    assert!(
        found[1]
            .2
            .contains("unknown cause in `fixes`: `secnd` (did you mean `second`?)")
    );
}

#[test]
fn json_says_ok_for_valid_guides() {
    let dir = GuideDir::new();
    dir.write("fine.yaml", &minimal_guide("fine"));
    let (code, doc) = validate_json(&dir);
    assert_eq!(code, 0);
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["problems"], serde_json::json!([]));
    assert_eq!(doc["guides"], builtin_ids().len() + 1);
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let parent = tempfile::tempdir().expect("temp dir");
    let missing = parent.path().join("no-such-guides");
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .arg("validate")
        .arg(&missing)
        .output()
        .expect("run fieldfix");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "cannot read the guides folder {}",
            missing.display()
        )),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn other_commands_warn_about_a_bad_folder_and_validate_prints_its_problems() {
    let dir = GuideDir::new();
    let text = edit(
        &minimal_guide("bad-guide"),
        "    fixes: [first]\n",
        "    fixes: [frist]\n",
    );
    dir.write("bad-guide.yaml", &text);
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .arg("--guides")
        .arg(dir.path())
        .arg("list")
        .output()
        .expect("run fieldfix");
    assert_eq!(out.status.code(), Some(0), "the built-in guides are listed");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("bad-guide"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "company guides in {} could not be loaded: 2 problems",
            dir.path().display()
        )),
        "{stderr}"
    );
    let out = fieldfix(state.path())
        .arg("validate")
        .arg(dir.path())
        .output()
        .expect("run fieldfix");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap() + &String::from_utf8(out.stdout).unwrap();
    let file = dir.path().join("bad-guide.yaml");
    let (line, column) = loc(&text, "fixes: [|frist]");
    assert!(
        stderr.contains(&format!(
            "{}:{line}:{column}: unknown cause in `fixes`: `frist`",
            file.display()
        )),
        "{stderr}"
    );
    // `first` is now fixed by no step: the second problem is printed too.
    let (line, column) = loc(&text, "  - id: |first");
    assert!(
        stderr.contains(&format!(
            "{}:{line}:{column}: no step fixes cause `first`",
            file.display()
        )),
        "{stderr}"
    );

    // The environment variable is the same as the flag.
    let out = fieldfix(state.path())
        .env("FIELDFIX_GUIDES", dir.path())
        .arg("list")
        .output()
        .expect("run fieldfix");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("could not be loaded: 2 problems")
    );
}

#[test]
fn problems_in_several_files_are_all_reported() {
    let dir = GuideDir::new();
    dir.write("good.yaml", &minimal_guide("good"));
    let broken = edit(
        &minimal_guide("broken"),
        "title: Test problem",
        "title: \"open",
    );
    dir.write("broken.yaml", &broken);
    let wrong = edit(&minimal_guide("wrong"), "likelihood: 40", "likelihood: 0");
    dir.write("wrong.yaml", &wrong);
    expect_problems(
        &dir,
        &[
            want(
                "broken.yaml",
                loc(&broken, "title: |\"open"),
                &["unclosed quote"],
            ),
            want(
                "wrong.yaml",
                loc(&wrong, "likelihood: |0"),
                &["likelihood must be a number greater than 0, found 0"],
            ),
        ],
    );
}

// ------------------------------------------------------------------------------------------
// Reading and parsing
// ------------------------------------------------------------------------------------------

#[test]
fn yaml_syntax_errors_are_located() {
    let dir = GuideDir::new();
    let quote = edit(
        &minimal_guide("quote"),
        "title: Test problem",
        "title: \"unclosed",
    );
    dir.write("quote.yaml", &quote);
    let indent = edit(
        &minimal_guide("indent"),
        "  - id: second\n    title: Second cause",
        "  - id: second\n     title: Second cause",
    );
    dir.write("indent.yaml", &indent);
    let twice = edit(
        &minimal_guide("twice"),
        "summary: A problem used in tests.\n",
        "summary: A problem used in tests.\ntitle: Again\n",
    );
    dir.write("twice.yaml", &twice);
    let missing = edit(
        &minimal_guide("missing"),
        "  - tip: Be careful.",
        "  - tip:",
    );
    dir.write("missing.yaml", &missing);
    expect_problems(
        &dir,
        &[
            // The quote that is never closed.
            want("quote.yaml", (2, 8), &["unclosed quote"]),
            // The key indented one space too far: its `:` cannot start a map there.
            want(
                "indent.yaml",
                loc(&indent, "     title|: Second"),
                &["mapping values are not allowed"],
            ),
            want(
                "twice.yaml",
                loc(&twice, "|title: Again"),
                &["`title` appears twice in the same map"],
            ),
            want(
                "missing.yaml",
                loc(&missing, "  - tip|:"),
                &["a value is missing here"],
            ),
        ],
    );
}

#[test]
fn unknown_and_misspelt_fields_are_errors() {
    let dir = GuideDir::new();
    let top = edit(
        &minimal_guide("top"),
        "summary: A problem",
        "sumary: A problem",
    );
    dir.write("top.yaml", &top);
    let nested = edit(
        &minimal_guide("nested"),
        "  contact: the admin",
        "  contakt: the admin",
    );
    dir.write("nested.yaml", &nested);
    let step = edit(
        &minimal_guide("step"),
        "    fixes: [second]\n",
        "    fixes: [second]\n    colour: red\n",
    );
    dir.write("step.yaml", &step);
    expect_problems(
        &dir,
        &[
            want(
                "top.yaml",
                loc(&top, "|sumary:"),
                &["unknown field `sumary`", "summary"],
            ),
            want(
                "nested.yaml",
                loc(&nested, "|contakt:"),
                &["unknown field `contakt`", "contact"],
            ),
            want(
                "step.yaml",
                loc(&step, "|colour:"),
                &["unknown field `colour`"],
            ),
        ],
    );
}

#[test]
fn values_of_the_wrong_type_are_errors() {
    let dir = GuideDir::new();
    let words = edit(
        &minimal_guide("words"),
        "    minutes: 5\n    fixes: [second]",
        "    minutes: \"five\"\n    fixes: [second]",
    );
    dir.write("words.yaml", &words);
    let scalar = edit(
        &minimal_guide("scalar"),
        "aliases: []",
        "aliases: photo-stuff",
    );
    dir.write("scalar.yaml", &scalar);
    let list = edit(
        &minimal_guide("list"),
        "  - tip: Be careful.",
        "  - tip: [Be, careful]",
    );
    dir.write("list.yaml", &list);
    expect_problems(
        &dir,
        &[
            want(
                "words.yaml",
                loc(&words, "minutes: |\"five\""),
                &["invalid floating point"],
            ),
            want(
                "scalar.yaml",
                loc(&scalar, "aliases: |photo-stuff"),
                &["expected sequence"],
            ),
            want("list.yaml", loc(&list, "tip: |[Be"), &["expected string"]),
        ],
    );
}

#[test]
fn files_over_one_mib_are_refused_unread() {
    const MIB: usize = 1024 * 1024;
    let dir = GuideDir::new();
    // Exactly 1 MiB is still read (a long comment pads a valid guide) ...
    let base = minimal_guide("padded");
    let padded = format!("{base}#{}\n", "x".repeat(MIB - base.len() - 2));
    assert_eq!(padded.len(), MIB);
    dir.write("padded.yaml", &padded);
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "{stdout}");

    // ... one byte more is refused with a plain reason, and the other files are still checked.
    let huge = format!("{base}#{}\n", "x".repeat(MIB - base.len() - 1));
    assert_eq!(huge.len(), MIB + 1);
    dir.write("huge.yaml", &huge);
    let also = edit(&minimal_guide("also"), "likelihood: 60", "likelihood: -60");
    dir.write("also.yaml", &also);
    expect_problems(
        &dir,
        &[
            want("huge.yaml", (0, 0), &["larger than 1024 KiB", "not one"]),
            want(
                "also.yaml",
                loc(&also, "likelihood: |-60"),
                &["likelihood must be"],
            ),
        ],
    );
}

#[test]
fn files_that_are_not_utf8_are_refused() {
    let dir = GuideDir::new();
    let mut bytes = minimal_guide("latin").into_bytes();
    let at = "id: latin\ntitle: Caf".len();
    bytes.splice(at..at, [0xE9]);
    std::fs::write(dir.path().join("latin.yaml"), &bytes).expect("write");
    expect_problems(
        &dir,
        &[want(
            "latin.yaml",
            (0, 0),
            &[&format!("not UTF-8 text (invalid byte at offset {at})")],
        )],
    );
}

#[test]
fn an_alias_bomb_is_refused() {
    // "Billion laughs": ten anchors, each alias-ing the previous one nine times.
    let mut bomb =
        String::from("id: bomb\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*lol{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("lol{i}: &lol{i} [{refs}]\n"));
    }
    let dir = GuideDir::new();
    dir.write("bomb.yaml", &bomb);
    let (code, doc) = validate_json(&dir);
    assert_eq!(code, 1);
    let problems = doc["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{doc:#}");
    let p = &problems[0];
    let message = p["message"].as_str().unwrap();
    // Refused at its first anchor: the format has none (not at the unknown key before it).
    assert!(message.contains("refused: a YAML anchor"), "{message}");
    assert_eq!(p["line"].as_u64(), Some(2), "{p}");

    // Anchors are refused even where values are expected.
    let many: String = (0..=100)
        .map(|i| format!("  - &a{i} things break {i}\n"))
        .collect();
    let text = edit(
        &minimal_guide("anchors"),
        "symptoms: [things break]\n",
        &format!("symptoms:\n{many}"),
    );
    let dir = GuideDir::new();
    dir.write("anchors.yaml", &text);
    expect_problems(
        &dir,
        &[want(
            "anchors.yaml",
            loc(&text, "&a0 |things"),
            &["refused: a YAML anchor"],
        )],
    );
}

#[test]
fn very_deep_nesting_is_refused() {
    let depth = 200;
    let text = edit(
        &minimal_guide("deep"),
        "related: []",
        &format!("related: {}{}", "[".repeat(depth), "]".repeat(depth)),
    );
    let dir = GuideDir::new();
    dir.write("deep.yaml", &text);
    // The top-level map is level 1, so the 24th `[` is the 25th level: one too many.
    let (line, column) = loc(&text, "related: |[");
    expect_problems(
        &dir,
        &[want(
            "deep.yaml",
            (line, column + 23),
            &["nested more than 24 levels deep"],
        )],
    );
}

// ------------------------------------------------------------------------------------------
// Ids
// ------------------------------------------------------------------------------------------

#[test]
fn duplicate_ids_within_a_guide_are_all_reported() {
    let text = edits(
        &minimal_guide("dups"),
        &[
            (
                "      label: Project name\n",
                "      label: Project name\n    - id: project\n      label: Project again\n",
            ),
            (
                "    likelihood: 40\n",
                "    likelihood: 40\n  - id: second\n    title: Again\n    explain: Again.\n    likelihood: 5\n",
            ),
            ("      - value: two\n", "      - value: one\n"),
            (
                "steps:\n",
                "  - id: which\n    ask: Again?\n    options:\n      - value: yes-it-is\n        label: Yes\n      - value: no-it-is-not\n        label: No\nsteps:\n",
            ),
            (
                "prevent:\n",
                "  - id: fix-first\n    title: Again\n    minutes: 1\n    fixes: [first]\n    do: [Again.]\nprevent:\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("dups.yaml", &text);
    let line = |marked| loc_nth(&text, marked, 1).0.to_string();
    expect_problems(
        &dir,
        &[
            want(
                "dups.yaml",
                loc_nth(&text, "  - id: |project", 2),
                &[&format!(
                    "duplicate provide id `project` (first defined on line {})",
                    line("  - id: |project")
                )],
            ),
            want(
                "dups.yaml",
                loc_nth(&text, "  - id: |second", 2),
                &[&format!(
                    "duplicate cause id `second` (first defined on line {})",
                    line("  - id: |second")
                )],
            ),
            want(
                "dups.yaml",
                loc_nth(&text, "- value: |one", 2),
                &[&format!(
                    "duplicate option value in question `which` `one` (first defined on line {})",
                    line("- value: |one")
                )],
            ),
            want(
                "dups.yaml",
                loc_nth(&text, "  - id: |which", 2),
                &[&format!(
                    "duplicate question id `which` (first defined on line {})",
                    line("  - id: |which")
                )],
            ),
            want(
                "dups.yaml",
                loc_nth(&text, "  - id: |fix-first", 2),
                &[&format!(
                    "duplicate step id `fix-first` (first defined on line {})",
                    line("  - id: |fix-first")
                )],
            ),
        ],
    );
}

#[test]
fn one_guide_in_two_files_is_an_error() {
    let dir = GuideDir::new();
    dir.write("twice.yaml", &minimal_guide("twice"));
    dir.write("twice.yml", &minimal_guide("twice"));
    expect_problems(
        &dir,
        &[want(
            "twice.yml",
            (1, 5),
            &[&format!(
                "the guide `twice` is already defined in {}",
                dir.path().join("twice.yaml").display()
            )],
        )],
    );
}

#[test]
fn the_guide_id_must_match_the_file_name() {
    let dir = GuideDir::new();
    dir.write("wrong-name.yaml", &minimal_guide("right-name"));
    expect_problems(
        &dir,
        &[want(
            "wrong-name.yaml",
            (1, 5),
            &["guide id `right-name` does not match its file name `wrong-name`"],
        )],
    );
}

#[test]
fn ids_must_be_lowercase_words_joined_by_single_dashes() {
    let text = edits(
        &minimal_guide("Bad_Guide"),
        &[
            ("  - id: second\n", "  - id: Second\n"),
            ("    fixes: [second]\n", "    fixes: [Second]\n"),
            ("  - id: fix-first\n", "  - id: fix--first\n"),
            ("      - value: two\n", "      - value: two-\n"),
            ("  - id: which\n", "  - id: which one\n"),
            ("    - id: project\n", "    - id: -project\n"),
        ],
    );
    let dir = GuideDir::new();
    dir.write("Bad_Guide.yaml", &text);
    let invalid = "is not a valid id: use lowercase letters, digits and single dashes";
    expect_problems(
        &dir,
        &[
            want("Bad_Guide.yaml", (1, 5), &["guide id `Bad_Guide`", invalid]),
            want(
                "Bad_Guide.yaml",
                loc(&text, "- id: |Second"),
                &["cause id `Second`", invalid],
            ),
            want(
                "Bad_Guide.yaml",
                loc(&text, "- id: |fix--first"),
                &["step id `fix--first`", invalid],
            ),
            want(
                "Bad_Guide.yaml",
                loc(&text, "- value: |two-"),
                &["option value `two-`", invalid],
            ),
            want(
                "Bad_Guide.yaml",
                loc(&text, "- id: |which one"),
                &["question id `which one`", invalid],
            ),
            want(
                "Bad_Guide.yaml",
                loc(&text, "- id: |-project"),
                &["provide id `-project`", invalid],
            ),
        ],
    );
}

#[test]
fn file_names_starting_with_underscore_are_reserved() {
    let dir = GuideDir::new();
    dir.write("_draft.yaml", &minimal_guide("draft"));
    expect_problems(
        &dir,
        &[want(
            "_draft.yaml",
            (0, 0),
            &["file names starting with `_` are reserved"],
        )],
    );
}

// ------------------------------------------------------------------------------------------
// References
// ------------------------------------------------------------------------------------------

#[test]
fn unknown_causes_are_reported_wherever_they_are_named() {
    let text = edits(
        &minimal_guide("causes"),
        &[
            ("    fixes: [first]\n", "    fixes: [first, firts]\n"),
            (
                "        raises: [first]\n",
                "        raises: [first, secnd]\n        lowers: [nothing-like-it]\n",
            ),
            (
                "        rules_out: [first]\n",
                "        rules_out: [first, thrid]\n",
            ),
            (
                "  - tip: Be careful.\n",
                "  - tip: Be careful.\n    causes: [gone]\n",
            ),
            (
                "questions:\n",
                "context:\n  network:\n    weak: { raises: [second], lowers: [frist] }\nquestions:\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("causes.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "causes.yaml",
                loc(&text, "|firts"),
                &["unknown cause in `fixes`: `firts` (did you mean `first`?)"],
            ),
            want(
                "causes.yaml",
                loc(&text, "|secnd"),
                &["unknown cause in `raises`: `secnd` (did you mean `second`?)"],
            ),
            want(
                "causes.yaml",
                loc(&text, "|nothing-like-it"),
                &["unknown cause in `lowers`: `nothing-like-it` (known: first, second)"],
            ),
            want(
                "causes.yaml",
                loc(&text, "|thrid"),
                &["unknown cause in `rules_out`: `thrid`"],
            ),
            want(
                "causes.yaml",
                loc(&text, "causes: [|gone]"),
                &["unknown cause in prevention tip: `gone`"],
            ),
            want(
                "causes.yaml",
                loc(&text, "|frist"),
                &["unknown cause in `lowers`: `frist` (did you mean `first`?)"],
            ),
        ],
    );
}

#[test]
fn unknown_questions_and_values_in_conditions_and_context_are_reported() {
    let text = edits(
        &minimal_guide("conditions"),
        &[
            (
                "    likelihood: 60\n",
                "    likelihood: 60\n    when: { wich: [one] }\n",
            ),
            (
                "    likelihood: 40\n",
                "    likelihood: 40\n    when: { which: [one, three] }\n",
            ),
            (
                "    fixes: [first]\n",
                "    fixes: [first]\n    when: { device: [ios, iphone], network: [] }\n",
            ),
            (
                "questions:\n",
                "context:\n  netwrk:\n    weak: { raises: [first] }\n  scope:\n    everyone: { raises: [second] }\nquestions:\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("conditions.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "conditions.yaml",
                loc(&text, "{ |wich"),
                &["`when` names unknown question `wich` (did you mean `which`?)"],
            ),
            want(
                "conditions.yaml",
                loc(&text, "|three"),
                &["unknown value of `which`: `three`"],
            ),
            want(
                "conditions.yaml",
                loc(&text, "|iphone"),
                &["unknown value of `device`: `iphone`"],
            ),
            want(
                "conditions.yaml",
                loc(&text, "|network: []"),
                &["`when: network` lists no values"],
            ),
            want(
                "conditions.yaml",
                loc(&text, "|netwrk"),
                &["`context` names unknown context question `netwrk` (did you mean `network`?)"],
            ),
            want(
                "conditions.yaml",
                loc(&text, "|everyone"),
                &[
                    "`scope` has no value `everyone`",
                    "(valid: just-me, several-people)",
                ],
            ),
        ],
    );
}

#[test]
fn unknown_steps_and_guides_are_reported_with_near_misses() {
    let text = edits(
        &minimal_guide("links"),
        &[
            (
                "    fixes: [second]\n",
                "    fixes: [second]\n    after: [fix-frist]\n    see: permision-denied\n",
            ),
            (
                "    fixes: [first]\n",
                "    fixes: [first]\n    see: links\n",
            ),
            ("related: []", "related: [sync-eror, zzzz]"),
        ],
    );
    let dir = GuideDir::new();
    dir.write("links.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "links.yaml",
                loc(&text, "|fix-frist"),
                &["unknown step in `after`: `fix-frist` (did you mean `fix-first`?)"],
            ),
            want(
                "links.yaml",
                loc(&text, "|permision-denied"),
                &["unknown guide in `see`: `permision-denied` (did you mean `permission-denied`?)"],
            ),
            want(
                "links.yaml",
                loc(&text, "|sync-eror"),
                &["unknown guide in `related`: `sync-eror` (did you mean `sync-error`?)"],
            ),
            // No near miss: the known guides are listed instead.
            want(
                "links.yaml",
                loc(&text, "|zzzz"),
                &[
                    "unknown guide in `related`: `zzzz` (known: ",
                    "sync-error",
                    "links",
                ],
            ),
            want(
                "links.yaml",
                loc(&text, "see: |links"),
                &["guide `links` links to itself"],
            ),
        ],
    );
}

#[test]
fn a_guide_may_link_to_another_guide_of_the_same_folder() {
    let dir = GuideDir::new();
    dir.write(
        "one.yaml",
        &edit(&minimal_guide("one"), "related: []", "related: [two]"),
    );
    dir.write(
        "two.yaml",
        &edit(
            &minimal_guide("two"),
            "    fixes: [first]\n",
            "    fixes: [first]\n    see: one\n",
        ),
    );
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "{stdout}");
}

// ------------------------------------------------------------------------------------------
// Causes and steps
// ------------------------------------------------------------------------------------------

#[test]
fn every_cause_needs_a_step_and_every_step_a_cause() {
    let text = edits(
        &minimal_guide("orphans"),
        &[
            (
                "    likelihood: 40\n",
                "    likelihood: 40\n  - id: third\n    title: Third cause\n    explain: Nobody fixes it.\n    likelihood: 10\n",
            ),
            (
                "prevent:\n",
                "  - id: look-around\n    title: Look around\n    minutes: 1\n    do: [Look around.]\n  - id: empty-list\n    title: Empty list\n    minutes: 1\n    fixes: []\n    do: [Nothing.]\nprevent:\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("orphans.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "orphans.yaml",
                loc(&text, "- id: |third"),
                &["no step fixes cause `third`: add it to the `fixes:` of a step"],
            ),
            want(
                "orphans.yaml",
                loc(&text, "- id: |look-around"),
                &["step `look-around` fixes nothing"],
            ),
            want(
                "orphans.yaml",
                loc(&text, "- id: |empty-list"),
                &["step `empty-list` fixes nothing"],
            ),
        ],
    );
}

#[test]
fn cycles_in_step_prerequisites_are_reported_once_each() {
    let step = |id: &str, after: &str| {
        format!(
            "  - id: {id}\n    title: Step {id}\n    minutes: 1\n    fixes: [first]\n    after: [{after}]\n    do: [Do {id}.]\n"
        )
    };
    let extra = [
        // `fix-first` only waits on the cycle b -> a -> c -> b: the cycle is reported at one
        // of its own steps.
        step("a", "c"),
        step("b", "a"),
        step("c", "b"),
        step("d", "d2"),
        step("d2", "d"),
        step("e", "e"),
    ]
    .concat();
    let text = edits(
        &minimal_guide("cycles"),
        &[
            (
                "    fixes: [first]\n",
                "    fixes: [first]\n    after: [b]\n",
            ),
            ("prevent:\n", &format!("{extra}prevent:\n")),
        ],
    );
    let dir = GuideDir::new();
    dir.write("cycles.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "cycles.yaml",
                loc(&text, "- id: |b\n"),
                &["steps wait on each other in a cycle: b -> a -> c -> b"],
            ),
            want(
                "cycles.yaml",
                loc(&text, "- id: |d\n"),
                &["steps wait on each other in a cycle: d -> d2 -> d"],
            ),
            want(
                "cycles.yaml",
                loc(&text, "- id: |e\n"),
                &["steps wait on each other in a cycle: e -> e"],
            ),
            want(
                "cycles.yaml",
                loc(&text, "- id: |e\n"),
                &["step `e` lists itself in `after`"],
            ),
        ],
    );
}

#[test]
fn numbers_must_be_positive_and_success_at_most_one() {
    let text = edits(
        &minimal_guide("numbers"),
        &[
            ("  minutes: 30\n", "  minutes: -5\n"),
            ("likelihood: 60", "likelihood: 0"),
            ("likelihood: 40", "likelihood: -1"),
            (
                "    minutes: 5\n    fixes: [first]\n",
                "    minutes: 0\n    fixes: [first]\n    success: 0\n",
            ),
            (
                "    fixes: [second]\n",
                "    fixes: [second]\n    success: 1.5\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("numbers.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "numbers.yaml",
                loc(&text, "minutes: |-5"),
                &["escalation minutes must be a number greater than 0, found -5"],
            ),
            want(
                "numbers.yaml",
                loc(&text, "likelihood: |0"),
                &["likelihood must be a number greater than 0, found 0"],
            ),
            want(
                "numbers.yaml",
                loc(&text, "likelihood: |-1"),
                &["likelihood must be a number greater than 0, found -1"],
            ),
            want(
                "numbers.yaml",
                loc(&text, "minutes: |0"),
                &["minutes must be a number greater than 0, found 0"],
            ),
            want(
                "numbers.yaml",
                loc(&text, "success: |0"),
                &["success must be a number above 0 and at most 1, found 0"],
            ),
            want(
                "numbers.yaml",
                loc(&text, "success: |1.5"),
                &["success must be a number above 0 and at most 1, found 1.5"],
            ),
        ],
    );
}

#[test]
fn numbers_must_be_finite() {
    let text = edits(
        &minimal_guide("infinite"),
        &[
            ("likelihood: 60", "likelihood: .nan"),
            ("  minutes: 30\n", "  minutes: .inf\n"),
            (
                "    fixes: [second]\n",
                "    fixes: [second]\n    success: -.inf\n",
            ),
            (
                "    fixes: [first]\n",
                "    fixes: [first]\n    success: .NaN\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("infinite.yaml", &text);
    // A number too large for the computer to hold is no number either.
    let overflow = edit(
        &minimal_guide("overflow"),
        "    minutes: 5\n    fixes: [second]",
        "    minutes: 1e999\n    fixes: [second]",
    );
    dir.write("overflow.yaml", &overflow);
    expect_problems(
        &dir,
        &[
            want(
                "infinite.yaml",
                loc(&text, "likelihood: |.nan"),
                &["likelihood must be a number greater than 0, found NaN"],
            ),
            want(
                "infinite.yaml",
                loc(&text, "minutes: |.inf"),
                &["escalation minutes must be a number greater than 0, found inf"],
            ),
            want(
                "infinite.yaml",
                loc(&text, "success: |-.inf"),
                &["success must be a number above 0 and at most 1, found -inf"],
            ),
            want(
                "infinite.yaml",
                loc(&text, "success: |.NaN"),
                &["success must be a number above 0 and at most 1, found NaN"],
            ),
            want(
                "overflow.yaml",
                loc(&overflow, "minutes: |1e999"),
                &["invalid floating point"],
            ),
        ],
    );
}

// ------------------------------------------------------------------------------------------
// Text
// ------------------------------------------------------------------------------------------

#[test]
fn text_must_not_be_empty() {
    let text = edits(
        &minimal_guide("empty"),
        &[
            ("title: Test problem", "title: \"\""),
            ("summary: A problem used in tests.", "summary: '   '"),
            ("  contact: the admin", "  contact: \"\""),
            ("    explain: The second reason.", "    explain: ''"),
            ("        label: The first", "        label: \" \""),
            (
                "    do: [Do the second thing.]",
                "    do: [Do the second thing., '']",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("empty.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "empty.yaml",
                loc(&text, "title: |\"\""),
                &["title is empty"],
            ),
            want(
                "empty.yaml",
                loc(&text, "summary: |'"),
                &["summary is empty"],
            ),
            want(
                "empty.yaml",
                loc(&text, "contact: |\"\""),
                &["escalation contact is empty"],
            ),
            want(
                "empty.yaml",
                loc(&text, "explain: |''"),
                &["cause explanation is empty"],
            ),
            want(
                "empty.yaml",
                loc(&text, "label: |\" \""),
                &["option label is empty"],
            ),
            want(
                "empty.yaml",
                loc(&text, "thing., |''"),
                &["step line is empty"],
            ),
        ],
    );
}

#[test]
fn control_characters_and_escape_sequences_are_refused_and_never_printed() {
    let text = edits(
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
    );
    let dir = GuideDir::new();
    dir.write("escapes.yaml", &text);
    let stdout = expect_problems(
        &dir,
        &[
            want(
                "escapes.yaml",
                loc(&text, "title: |\"Red"),
                &[
                    "title contains the control character \\u{1b}",
                    "terminal escape sequences",
                ],
            ),
            want(
                "escapes.yaml",
                loc(&text, "summary: |\"Clear"),
                &["summary contains the control character \\u{1b}"],
            ),
            want(
                "escapes.yaml",
                loc(&text, "[|\"things"),
                &["symptom contains the control character \\u{9}"],
            ),
            want(
                "escapes.yaml",
                loc(&text, "[|\"Do \\u202E"),
                &["step line contains the control character \\u{202e}"],
            ),
            want(
                "escapes.yaml",
                loc(&text, "tip: |\"Ring"),
                &["prevention tip contains the control character \\u{7}"],
            ),
        ],
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "the report itself is free of escapes"
    );

    // A raw ESC byte in the file is refused by the YAML reader, and not echoed either.
    let raw = edit(
        &minimal_guide("raw"),
        "title: Test problem",
        "title: Test \u{1b}[31m problem",
    );
    let dir = GuideDir::new();
    dir.write("raw.yaml", &raw);
    let stdout = expect_problems(&dir, &[want("raw.yaml", (2, 8), &["\\u{1b}"])]);
    assert!(!stdout.contains('\u{1b}'), "the snippet is sanitised");
}

// ------------------------------------------------------------------------------------------
// Names, questions, devices
// ------------------------------------------------------------------------------------------

#[test]
fn an_alias_may_name_one_guide_only() {
    let dir = GuideDir::new();
    let mine = edit(
        &minimal_guide("my-photos"),
        "aliases: []",
        "aliases: [my-pics, Photos, sync-error]",
    );
    dir.write("my-photos.yaml", &mine);
    let first = edit(
        &minimal_guide("a-first"),
        "aliases: []",
        "aliases: [shared]",
    );
    dir.write("a-first.yaml", &first);
    let second = edit(
        &minimal_guide("b-second"),
        "aliases: []",
        "aliases: [shared]",
    );
    dir.write("b-second.yaml", &second);
    expect_problems(
        &dir,
        &[
            // A built-in guide's alias, in other letters.
            want(
                "my-photos.yaml",
                loc(&mine, "|Photos"),
                &["alias `photos` already names the guide `photos-not-uploading`"],
            ),
            // Another guide's id.
            want(
                "my-photos.yaml",
                loc(&mine, "|sync-error"),
                &["alias `sync-error` already names the guide `sync-error`"],
            ),
            // Another company guide's alias.
            want(
                "b-second.yaml",
                loc(&second, "|shared"),
                &["alias `shared` already names the guide `a-first`: aliases must be unique"],
            ),
        ],
    );
}

#[test]
fn a_question_needs_two_options_and_its_own_id() {
    let text = edits(
        &minimal_guide("questions"),
        &[
            (
                "      - value: two\n        label: The second\n        rules_out: [first]\n",
                "",
            ),
            (
                "steps:\n",
                "  - id: device\n    ask: Which phone?\n    options:\n      - value: old\n        label: Old\n      - value: new\n        label: New\n  - id: nothing\n    ask: Anything?\n    options: []\nsteps:\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("questions.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "questions.yaml",
                loc(&text, "- id: |which"),
                &["question `which` needs at least two options"],
            ),
            want(
                "questions.yaml",
                loc(&text, "- id: |nothing"),
                &["question `nothing` needs at least two options"],
            ),
            want(
                "questions.yaml",
                loc(&text, "- id: |device"),
                &[
                    "question id `device` is a shared context question",
                    "`context:`",
                ],
            ),
        ],
    );
}

#[test]
fn devices_must_name_a_known_device() {
    let text = edit(
        &minimal_guide("devices"),
        "    do: [Do the first thing.]\n",
        "    do: [Do the first thing.]\n    devices:\n      ios: [Tap it.]\n      iphone: [Tap it.]\n      windows: [Click it.]\n",
    );
    let dir = GuideDir::new();
    dir.write("devices.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "devices.yaml",
                loc(&text, "|iphone:"),
                &[
                    "`devices` names unknown device `iphone`",
                    "(valid: android, computer, ios)",
                ],
            ),
            want(
                "devices.yaml",
                loc(&text, "|windows:"),
                &["`devices` names unknown device `windows`"],
            ),
        ],
    );

    // A company `_context.yaml` may add a device, which `devices:` may then name.
    let context =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("guides/_context.yaml"))
            .expect("built-in context");
    let context = edit(
        &context,
        "      - value: android\n",
        "      - value: windows\n        label: A Windows tablet\n      - value: android\n",
    );
    dir.write("_context.yaml", &context);
    let fixed = edit(&text, "      iphone: [Tap it.]\n", "");
    dir.write("devices.yaml", &fixed);
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_company_context_file_may_add_one_option_but_must_be_valid() {
    let dir = GuideDir::new();
    dir.write(
        "satellite.yaml",
        &edit(
            &minimal_guide("satellite"),
            "questions:\n",
            "context:\n  network:\n    satellite: { raises: [second] }\nquestions:\n",
        ),
    );
    // One more option for a shared question is enough: it has its others already.
    let added = "questions:\n  - id: network\n    ask: How is the connection?\n    options:\n      - value: satellite\n        label: A satellite link\n";
    dir.write("_context.yaml", added);
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "{stdout}");

    // A new question still needs two options, and its values must be ids. (A context file with
    // problems is left out, so no guide may use it meanwhile.)
    std::fs::remove_file(dir.path().join("satellite.yaml")).expect("remove");
    let text = format!(
        "{added}  - id: trade\n    ask: What is your trade?\n    options:\n      - value: Site_Trailer\n        label: In the site trailer\n"
    );
    dir.write("_context.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "_context.yaml",
                loc(&text, "- id: |trade"),
                &["question `trade` needs at least two options"],
            ),
            want(
                "_context.yaml",
                loc(&text, "value: |Site_Trailer"),
                &["option value `Site_Trailer` is not a valid id"],
            ),
        ],
    );
}

// ---- Sources, risky steps, hand-over targets, YAML 1.1 (content you can trust) -------------

/// Runs `fieldfix validate --strict DIR`; returns (exit code, stdout).
fn validate_strict(dir: &GuideDir) -> (i32, String) {
    let state = tempfile::tempdir().expect("state dir");
    let out = fieldfix(state.path())
        .args(["validate", "--strict"])
        .arg(dir.path())
        .output()
        .expect("run fieldfix");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
    )
}

#[test]
fn strict_mode_reports_every_cause_and_step_without_sources_at_its_line() {
    let text = minimal_guide("unsourced");
    let dir = GuideDir::new();
    dir.write("unsourced.yaml", &text);
    // Company guides need not cite: without --strict the folder is fine.
    assert_eq!(validate(&dir).0, 0);
    let (code, stdout) = validate_strict(&dir);
    assert_eq!(code, 1, "{stdout}");
    let found = headlines(&stdout);
    let at = |marked: &str| {
        let (line, column) = loc(&text, marked);
        format!("unsourced.yaml:{line}:{column}: ")
    };
    for (marked, what) in [
        ("  - id: |first", "cause `first` has no `sources`"),
        ("  - id: |second", "cause `second` has no `sources`"),
        ("  - id: |fix-first", "step `fix-first` has no `sources`"),
        ("  - id: |fix-second", "step `fix-second` has no `sources`"),
    ] {
        assert!(
            found
                .iter()
                .any(|h| h.contains(&at(marked)) && h.contains(what)),
            "{what} at {}:\n{stdout}",
            at(marked)
        );
    }
    assert_eq!(found.len(), 4, "{stdout}");
}

#[test]
fn a_source_is_seed_device_or_an_https_address_and_strict_wants_procore_pages() {
    let text = edits(
        &minimal_guide("cites"),
        &[
            (
                "    likelihood: 60\n",
                "    likelihood: 60\n    sources: [seed, blog, \"https://example.com/tips\"]\n",
            ),
            (
                "    likelihood: 40\n",
                "    likelihood: 40\n    sources: [\"https://support.procore.com/faq/x\"]\n",
            ),
            (
                "    fixes: [first]\n",
                "    fixes: [first]\n    sources: [device]\n",
            ),
            (
                "    fixes: [second]\n",
                "    fixes: [second]\n    sources: [\"http://support.procore.com/faq/x\"]\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("cites.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "cites.yaml",
                loc(&text, "[seed, |blog"),
                &["source `blog` is not valid", "https://"],
            ),
            want(
                "cites.yaml",
                loc(&text, "[|\"http://"),
                &["source `http://support.procore.com/faq/x` is not valid"],
            ),
        ],
    );
    let (code, stdout) = validate_strict(&dir);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("`example.com` is not a Procore page"),
        "{stdout}"
    );
    assert!(!stdout.contains("`support.procore.com` is not"), "{stdout}");
}

#[test]
fn a_step_that_loses_unsynced_work_needs_a_safeguard_in_its_guide() {
    let text = edit(
        &minimal_guide("risky"),
        "    fixes: [second]\n",
        "    fixes: [second]\n    risk: loses-unsynced\n",
    );
    let dir = GuideDir::new();
    dir.write("risky.yaml", &text);
    expect_problems(
        &dir,
        &[want(
            "risky.yaml",
            loc(&text, "  - id: |fix-second"),
            &["can lose work not yet uploaded", "`safeguard: true`"],
        )],
    );
    // A step that checks the upload queue first makes it valid; so would a safeguard answer.
    let guarded = edit(
        &text,
        "    fixes: [first]\n",
        "    fixes: [first]\n    safeguard: true\n",
    );
    dir.write("risky.yaml", &guarded);
    assert_eq!(validate(&dir).0, 0, "{}", validate(&dir).1);
    let answered = edit(
        &text,
        "        label: The first\n",
        "        label: The first\n        safeguard: true\n",
    );
    dir.write("risky.yaml", &answered);
    assert_eq!(validate(&dir).0, 0, "{}", validate(&dir).1);
    // A risky step only ever offered on a computer needs none.
    let computer = edit(
        &text,
        "    risk: loses-unsynced\n",
        "    risk: loses-unsynced\n    when: { device: [computer] }\n",
    );
    dir.write("risky.yaml", &computer);
    assert_eq!(validate(&dir).0, 0, "{}", validate(&dir).1);
}

#[test]
fn targets_risks_and_admin_roles_are_checked() {
    let text = edits(
        &minimal_guide("targets"),
        &[
            ("  contact: the admin\n", "  to: helpdesk\n"),
            (
                "    fixes: [first]\n",
                "    fixes: [first]\n    risk: slow\n    to: it\n",
            ),
            (
                "    fixes: [second]\n",
                "    fixes: [second]\n    admin: true\n",
            ),
            (
                "        rules_out: [first]\n",
                "        rules_out: [first]\n        escalate_to: support\n",
            ),
        ],
    );
    let dir = GuideDir::new();
    dir.write("targets.yaml", &text);
    expect_problems(
        &dir,
        &[
            want(
                "targets.yaml",
                loc(&text, "  to: |helpdesk"),
                &["unknown hand-over target `helpdesk`", "admin, support, it"],
            ),
            want(
                "targets.yaml",
                loc(&text, "    risk: |slow"),
                &["unknown risk `slow`", "loses-unsynced"],
            ),
            want(
                "targets.yaml",
                loc(&text, "    to: |it"),
                &["`to` says who does an admin step"],
            ),
            want(
                "targets.yaml",
                loc(&text, "    admin: |true"),
                &["`admin` names the role"],
            ),
            want(
                "targets.yaml",
                loc(&text, "        escalate_to: |support"),
                &["`escalate_to` needs an `escalate` reason"],
            ),
        ],
    );
}

#[test]
fn values_yaml_1_1_tools_read_as_booleans_are_warned_about_not_refused() {
    let text = edit(
        &minimal_guide("yes-no"),
        "        label: The first\n",
        "        label: Yes\n",
    );
    let dir = GuideDir::new();
    dir.write("yes-no.yaml", &text);
    let (code, stdout, _) = validate(&dir);
    assert_eq!(code, 0, "warnings alone pass: {stdout}");
    let (line, column) = loc(&text, "        label: |Yes");
    assert!(
        stdout.contains(&format!(
            "warning: {}:{line}:{column}: `Yes` unquoted is read as a boolean",
            dir.path().join("yes-no.yaml").display()
        )),
        "{stdout}"
    );
    let (_, doc) = validate_json(&dir);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["warnings"][0]["line"], line);
    // Quoted, it reads the same everywhere.
    dir.write("yes-no.yaml", &text.replace("label: Yes", "label: \"Yes\""));
    assert!(!validate(&dir).1.contains("warning:"));
}

#[test]
fn targets_come_from_the_context_and_a_company_may_rename_them() {
    let dir = GuideDir::new();
    dir.write(
        "mine.yaml",
        &edit(
            &minimal_guide("mine"),
            "  contact: the admin\n  minutes: 30\n",
            "  to: it\n",
        ),
    );
    dir.write(
        "_context.yaml",
        "targets:\n  it:\n    contact: Sam at the service desk\n    minutes: 60\n",
    );
    let state = tempfile::tempdir().unwrap();
    let json = show_json(state.path(), dir.path(), "mine");
    let esc = &json["guide"]["escalate"];
    assert_eq!(esc["to"], "it");
    assert_eq!(esc["targets"]["it"]["contact"], "Sam at the service desk");
    assert_eq!(esc["targets"]["it"]["minutes"], 60.0);
    assert_eq!(
        esc["targets"]["admin"]["contact"],
        "your company's Procore admin"
    );
    // Built-in guides pick the company's contact up too.
    let json = show_json(state.path(), dir.path(), "two-step-login");
    assert_eq!(
        json["guide"]["escalate"]["targets"]["it"]["contact"],
        "Sam at the service desk"
    );
}

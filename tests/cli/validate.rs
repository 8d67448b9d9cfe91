//! `fieldfix validate [DIR]` as a command: its exit codes (0 valid, 1 problems; 2 for usage is
//! with the other commands' in commands.rs), the text report (each problem's headline and
//! source snippet, then a one-line summary), the JSON document, warnings, `--strict`, the files
//! it refuses to read, and a terminal kept free of control characters. The rules of the guide
//! format themselves are table rows in tests/library/validate.rs, checked in-process.

use std::path::Path;

use crate::support::{
    GUIDES, GuideDir, Test, Want, assert_printable, builtin_ids, edit, escapes_guide, loc,
    match_problems, minimal_guide, raw_escape_guide, show_json, want,
};

/// The `error: ` headline of each problem printed by `validate` (the lines under it are the
/// source snippet).
fn headlines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .collect()
}

/// Runs `fieldfix validate guides` on the guide files of `test`, which must exit 1 and report
/// exactly the problems in `wants`, then the summary. Returns stdout.
#[track_caller]
fn expect_problems(test: Test, wants: &[Want]) -> String {
    let stdout = test.args(["validate", GUIDES]).status(1).run().stdout;
    if let Err(e) = match_problems(Path::new(GUIDES), &headlines(&stdout), wants) {
        panic!("{e}\nstdout:\n{stdout}");
    }
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
// Exit codes and the text report
// ------------------------------------------------------------------------------------------

#[test]
fn builtin_guides_validate_with_a_one_line_summary_strict_or_not() {
    let n = builtin_ids().len();
    for strict in [&[][..], &["--strict"]] {
        Test::new()
            .arg("validate")
            .args(strict)
            .stdout(format!(
                "ok: {n} guide files checked, {n} guides, no problems\n"
            ))
            .run();
    }
}

#[test]
fn a_valid_folder_adds_its_guides_in_text_and_json() {
    // The folder's one file is checked, on top of the built-in guides.
    let n = builtin_ids().len() + 1;
    let test = || Test::new().guide("test-guide.yaml", &minimal_guide("test-guide"));
    test()
        .args(["validate", GUIDES])
        .stdout(format!(
            "ok: 1 guide file checked, {n} guides, no problems\n"
        ))
        .run();
    let doc = test()
        .args(["validate", "--format", "json", GUIDES])
        .run()
        .json();
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["problems"], serde_json::json!([]));
    assert_eq!(doc["guides"], n);
}

#[test]
fn a_valid_guide_may_replace_a_built_in_one() {
    let builtin = builtin_ids();
    let id = "photos-not-uploading";
    assert!(builtin.iter().any(|b| b == id), "the built-in guide exists");
    let dir = GuideDir::new();
    // `.yml` on purpose: the company file replaces the built-in `.yaml` of the same id.
    dir.write(&format!("{id}.yml"), &minimal_guide(id));
    let n = builtin.len();
    Test::new()
        .arg("validate")
        .arg(dir.path())
        .stdout(format!(
            "ok: 1 guide file checked, {n} guides, no problems\n"
        ))
        .run();
    // And the replacement is the one used.
    let state = tempfile::tempdir().expect("state dir");
    let json = show_json(state.path(), dir.path(), id);
    assert_eq!(json["guide"]["title"], "Test problem");
}

#[test]
fn each_problem_is_printed_with_its_snippet_then_a_summary() {
    let broken = edit(
        &minimal_guide("broken"),
        "title: Test problem",
        "title: \"open",
    );
    let wrong = edit(&minimal_guide("wrong"), "likelihood: 40", "likelihood: 0");
    let stdout = expect_problems(
        Test::new()
            .guide("good.yaml", &minimal_guide("good"))
            .guide("broken.yaml", &broken)
            .guide("wrong.yaml", &wrong),
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
    // The offending line under its headline, a caret under the value; the count of files.
    let (line, column) = loc(&wrong, "likelihood: |0");
    let gutter = " ".repeat(line.to_string().len());
    let block = format!(
        "error: guides/wrong.yaml:{line}:{column}: likelihood must be a number greater than 0, \
         found 0\n{gutter} |\n{line} |     likelihood: 0\n{gutter} | {}^\n\n",
        " ".repeat(column as usize - 1)
    );
    assert!(stdout.contains(&block), "{block}\nnot in:\n{stdout}");
    assert!(
        stdout.ends_with("failed: 2 problems in 3 guide files\n"),
        "{stdout}"
    );
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let parent = tempfile::tempdir().expect("temp dir");
    let missing = parent.path().join("no-such-guides");
    Test::new()
        .arg("validate")
        .arg(&missing)
        .status(1)
        .stdout("")
        .stderr_contains(format!(
            "cannot read the guides folder {}",
            missing.display()
        ))
        .run();
}

/// What other commands say about a bad folder: commands.rs
/// broken_or_missing_company_guides_warn_once_and_the_good_ones_are_used.
#[test]
fn validate_prints_every_problem_of_a_folder_with_its_place() {
    let dir = GuideDir::new();
    let text = edit(
        &minimal_guide("bad-guide"),
        "    fixes: [first]\n",
        "    fixes: [frist]\n",
    );
    dir.write("bad-guide.yaml", &text);
    let file = dir.path().join("bad-guide.yaml");
    let (line, column) = loc(&text, "fixes: [|frist]");
    // `first` is now fixed by no step: the second problem is printed too.
    let (line2, column2) = loc(&text, "  - id: |first");
    Test::new()
        .arg("validate")
        .arg(dir.path())
        .status(1)
        .stdout_contains(format!(
            "{}:{line}:{column}: unknown cause in `fixes`: `frist`",
            file.display()
        ))
        .stdout_contains(format!(
            "{}:{line2}:{column2}: no step fixes cause `first`",
            file.display()
        ))
        .run();
}

// ------------------------------------------------------------------------------------------
// JSON, warnings, --strict
// ------------------------------------------------------------------------------------------

// The JSON document of a folder with problems: commands.rs
// snapshot_validate_json_of_a_broken_folder; where each rule puts its problem:
// tests/library/validate.rs.

#[test]
fn warnings_are_printed_but_alone_pass() {
    let text = edit(
        &minimal_guide("yes-no"),
        "        label: The first\n",
        "        label: Yes\n",
    );
    let (line, column) = loc(&text, "        label: |Yes");
    let test = || Test::new().guide("yes-no.yaml", &text);
    test()
        .args(["validate", GUIDES])
        .stdout_contains(format!(
            "warning: guides/yes-no.yaml:{line}:{column}: `Yes` unquoted is read as a boolean"
        ))
        .run();
    let doc = test()
        .args(["validate", "--format", "json", GUIDES])
        .run()
        .json();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["warnings"][0]["line"], line);
}

#[test]
fn strict_asks_for_sources() {
    let test = || Test::new().guide("unsourced.yaml", &minimal_guide("unsourced"));
    test().args(["validate", GUIDES]).run();
    let stdout = test()
        .args(["validate", "--strict", GUIDES])
        .status(1)
        .run()
        .stdout;
    assert_eq!(headlines(&stdout).len(), 4, "{stdout}");
    assert!(
        stdout.ends_with("failed: 4 problems in 1 guide file\n"),
        "{stdout}"
    );
}

// ------------------------------------------------------------------------------------------
// Files it will not read, and what reaches the terminal
// ------------------------------------------------------------------------------------------

#[test]
fn files_over_one_mib_are_refused_unread() {
    const MIB: usize = 1024 * 1024;
    // Exactly 1 MiB is still read (a long comment pads a valid guide) ...
    let base = minimal_guide("padded");
    let padded = format!("{base}#{}\n", "x".repeat(MIB - base.len() - 2));
    assert_eq!(padded.len(), MIB);
    Test::new()
        .guide("padded.yaml", &padded)
        .args(["validate", GUIDES])
        .run();

    // ... one byte more is refused with a plain reason, and the other files are still checked.
    let huge = format!("{base}#{}\n", "x".repeat(MIB - base.len() - 1));
    assert_eq!(huge.len(), MIB + 1);
    let also = edit(&minimal_guide("also"), "likelihood: 60", "likelihood: -60");
    let stdout = expect_problems(
        Test::new()
            .guide("padded.yaml", &padded)
            .guide("huge.yaml", &huge)
            .guide("also.yaml", &also),
        &[
            want("huge.yaml", (0, 0), &["larger than 1024 KiB", "not one"]),
            want(
                "also.yaml",
                loc(&also, "likelihood: |-60"),
                &["likelihood must be"],
            ),
        ],
    );
    // The file refused unread is counted with the others.
    assert!(stdout.ends_with("in 3 guide files\n"), "{stdout}");
}

#[test]
fn files_that_are_not_utf8_are_refused() {
    let test = Test::new();
    let dir = test.state_path().join(GUIDES);
    std::fs::create_dir(&dir).expect("guides folder");
    let mut bytes = minimal_guide("latin").into_bytes();
    let at = "id: latin\ntitle: Caf".len();
    bytes.splice(at..at, [0xE9]);
    std::fs::write(dir.join("latin.yaml"), &bytes).expect("write");
    expect_problems(
        test,
        &[want(
            "latin.yaml",
            (0, 0),
            &[&format!("not UTF-8 text (invalid byte at offset {at})")],
        )],
    );
}

#[test]
fn control_characters_in_guides_never_reach_the_terminal() {
    for (name, text, problems) in [
        ("escapes.yaml", escapes_guide(), 5),
        // A raw ESC byte in the file: the snippet is sanitised.
        ("raw.yaml", raw_escape_guide(), 1),
    ] {
        for format in ["text", "json"] {
            let out = Test::new()
                .guide(name, &text)
                .args(["validate", "--format", format, GUIDES])
                .status(1)
                .run();
            assert_printable(&format!("{name} {format} stdout"), out.stdout.as_bytes());
            assert_printable(&format!("{name} {format} stderr"), out.stderr.as_bytes());
            if format == "text" {
                assert_eq!(headlines(&out.stdout).len(), problems, "{}", out.stdout);
            }
        }
    }
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
    let state = tempfile::tempdir().expect("state dir");
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

//! Help that teaches: every command's `--help` ends with real examples (snapshotted), the
//! examples run as written, and `fieldfix man --out DIR` writes every page `man` is pointed to.

use std::collections::BTreeSet;

use crate::support::Test;

/// The commands `fieldfix --help` lists (clap's own `help` left out).
fn commands() -> Vec<String> {
    let help = Test::new().arg("--help").run().stdout;
    let listed = help
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Commands section");
    listed
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The Examples section a help text ends with, as (comment, command line) pairs.
fn examples(help: &str) -> Vec<(String, String)> {
    let section = help
        .rsplit_once("Examples:\n")
        .map(|(_, s)| s.split("\n\nExit codes:").next().unwrap_or(s))
        .unwrap_or_else(|| panic!("no Examples section in:\n{help}"));
    let lines: Vec<&str> = section.lines().filter(|l| !l.trim().is_empty()).collect();
    lines
        .chunks(2)
        .map(|pair| match pair {
            [comment, line] => {
                let comment = comment.trim().strip_prefix("# ").unwrap_or_else(|| {
                    panic!("each example has a one-line comment first: {comment:?}")
                });
                (comment.to_owned(), line.trim().to_owned())
            }
            _ => panic!("an example without its command line: {pair:?}"),
        })
        .collect()
}

/// Every command's help, snapshotted, ends with examples of the command, and the examples
/// that only read run as written and succeed: no flag, guide, step or value in them is made up.
#[test]
fn every_commands_help_ends_with_two_to_four_examples_of_itself_that_run() {
    let names = commands();
    assert!(names.len() >= 15, "{names:?}");
    let mut ran = 0;
    for name in &names {
        let help = Test::new().args([name.as_str(), "--help"]).run().stdout;
        insta::assert_snapshot!(format!("help_{name}"), help);
        let listed = examples(&help);
        assert!(
            (1..=4).contains(&listed.len()),
            "{name}: {} examples",
            listed.len()
        );
        // `schema` has one thing to show; every other command at least two.
        assert!(listed.len() >= 2 || name == "schema", "{name}");
        assert!(
            listed
                .iter()
                .any(|(_, line)| line.starts_with(&format!("fieldfix {name}"))),
            "{name}: its examples run it"
        );
        assert!(help.trim_end().ends_with(&listed.last().unwrap().1));
        // The short help (-h) ends with the same examples.
        let short = Test::new().args([name.as_str(), "-h"]).run().stdout;
        assert_eq!(examples(&short), listed, "{name} -h");
        for (_, line) in listed {
            let args = words(&line);
            let read_only = matches!(
                args.get(1).map(String::as_str),
                Some("diagnose" | "search" | "list" | "show" | "man")
            ) && !line.contains("--answers")
                && !line.contains("--out")
                && !line.contains('>');
            if read_only {
                Test::new().args(&args[1..]).run();
                ran += 1;
            }
        }
    }
    assert!(ran >= 8, "{ran} examples ran");
}

#[test]
fn the_subcommands_of_commands_end_with_examples_too() {
    for (command, sub) in [("sessions", "discard"), ("outcomes", "export")] {
        let help = Test::new().args([command, sub, "--help"]).run().stdout;
        let listed = examples(&help);
        assert!(listed.len() >= 2, "{command} {sub}");
        assert!(
            listed
                .iter()
                .any(|(_, l)| l.starts_with(&format!("fieldfix {command} {sub}"))),
            "{command} {sub}: {listed:?}"
        );
    }
}

#[test]
fn the_top_help_shows_the_three_everyday_lines_then_the_exit_codes() {
    let help = Test::new().arg("--help").run().stdout;
    let lines: Vec<String> = examples(&help).into_iter().map(|(_, l)| l).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "fieldfix");
    assert!(lines[1].starts_with("fieldfix diagnose ") && lines[1].ends_with("--format json"));
    assert!(lines[2].starts_with("fieldfix search "));
    let examples_at = help.find("Examples:").unwrap();
    let codes_at = help.find("Exit codes:").expect("the exit codes stay");
    assert!(examples_at < codes_at);
}

/// Splits an example line into arguments the way a shell would for these simple lines.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut quoted = false;
    let mut word = String::new();
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => words.extend((!word.is_empty()).then(|| std::mem::take(&mut word))),
            c => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

#[test]
fn snapshot_the_top_help() {
    insta::assert_snapshot!("help_top", Test::new().arg("--help").run().stdout);
}

// ---- man --out ----------------------------------------------------------------------------

#[test]
fn man_out_writes_every_page_the_main_page_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = Test::new()
        .args(["man", "--out"])
        .arg(dir.path().join("man1"))
        .stdout("")
        .run();
    assert!(out.stderr.contains("manual pages"), "{}", out.stderr);
    let files: BTreeSet<String> = std::fs::read_dir(dir.path().join("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(files.contains("fieldfix.1"));
    for name in commands() {
        assert!(
            files.contains(&format!("fieldfix-{name}.1")),
            "{name}: {files:?}"
        );
    }
    // Every page the main page refers to, as `fieldfix-CMD(1)`, is there.
    let main = std::fs::read_to_string(dir.path().join("man1/fieldfix.1")).unwrap();
    let named = regex::Regex::new(r"fieldfix\\-([a-z\\-]+)\(1\)").unwrap();
    let mut count = 0;
    for page in named.captures_iter(&main) {
        let name = page[1].replace("\\-", "-");
        assert!(files.contains(&format!("fieldfix-{name}.1")), "{name}");
        count += 1;
    }
    assert!(count >= 15, "{count}");
    // A command's page is the one `man CMD` prints, with its examples.
    let diagnose = std::fs::read_to_string(dir.path().join("man1/fieldfix-diagnose.1")).unwrap();
    assert_eq!(diagnose, Test::new().args(["man", "diagnose"]).run().stdout);
    assert!(diagnose.contains(".SH EXAMPLES") && diagnose.contains("\\-\\-format json"));
}

/// The release archives carry docs/man/ (dist-workspace.toml): it must be what the command
/// writes.
#[test]
fn the_committed_manual_pages_are_what_man_out_writes() {
    let dir = tempfile::tempdir().unwrap();
    Test::new().args(["man", "--out"]).arg(dir.path()).run();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    let names = |dir: &std::path::Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default()
    };
    let fix = "regenerate them with `rm -r docs/man && cargo run -- man --out docs/man`";
    assert_eq!(
        names(&repo),
        names(dir.path()),
        "docs/man is out of date: {fix}"
    );
    for name in names(dir.path()) {
        let written = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let committed = std::fs::read_to_string(repo.join(&name)).unwrap();
        assert!(
            written == committed,
            "docs/man/{name} is out of date: {fix}"
        );
    }
}

#[test]
fn the_main_page_has_examples_environment_and_files() {
    let page = Test::new().arg("man").run().stdout;
    let section = |name: &str| -> String {
        let start = page
            .find(&format!(".SH {name}\n"))
            .unwrap_or_else(|| panic!("no {name} section"));
        let rest = &page[start + 4..];
        rest[..rest.find(".SH ").unwrap_or(rest.len())].to_owned()
    };
    assert!(section("EXAMPLES").contains("fieldfix search"));
    let env = section("ENVIRONMENT");
    for var in [
        "FIELDFIX_GUIDES",
        "FIELDFIX_STATE_DIR",
        "FIELDFIX_CACHE_DIR",
        "FIELDFIX_NO_LOG",
        "NO_COLOR",
        "TERM",
    ] {
        assert!(env.contains(&format!("\\fB{var}\\fR")), "{var}");
    }
    let files = section("FILES");
    for what in ["outcomes.jsonl", "Linux", "macOS", "Windows", "/guides"] {
        assert!(files.contains(what), "{what}: {files}");
    }
    let status = section("\"EXIT STATUS\"");
    for (code, words) in [
        ("0", "success"),
        ("1", "runtime error"),
        ("2", "usage error"),
        ("3", "escalate"),
        ("130", "interrupted"),
    ] {
        let at = status
            .find(&format!(".TP\n\\fB{code}\\fR\n"))
            .unwrap_or_else(|| panic!("exit code {code} in:\n{status}"));
        let meaning = status[at..].lines().nth(2).unwrap();
        assert!(meaning.starts_with(words), "{code}: {meaning}");
    }
}

#[test]
fn man_of_an_unknown_command_or_out_into_a_file_is_a_usage_error() {
    let out = Test::new().args(["man", "nope"]).status(2).stdout("").run();
    assert!(
        out.stderr.contains("export"),
        "lists the commands: {}",
        out.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let out = Test::new()
        .args(["man", "--out"])
        .arg(&file)
        .status(2)
        .run();
    assert!(out.stderr.contains("not a folder"), "{}", out.stderr);
}

//! The validator's rules as a table, in-process: each row is a guide folder (small valid guides
//! with edits) and every problem `fieldfix validate DIR` must report for it, each at its exact
//! FILE:LINE:COL with the key words of its message, each once, errors apart from warnings.
//! The rows run through `guides::check_all`, the one call the `validate` command makes
//! (src/commands/mod.rs); tests/cli/validate.rs checks the command's exit codes and output.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use fieldfix::guides::problem::Problem;

use crate::support::{
    GuideDir, Want, assert_printable, edit, edits, escapes_guide, loc, loc_nth, match_problems,
    minimal_guide, raw_escape_guide, want,
};

/// One row: a guide folder and what validating it must find.
struct Row {
    name: &'static str,
    dir: GuideDir,
    files: Vec<(String, String)>,
    strict: bool,
    errors: Vec<Want>,
    warnings: Vec<Want>,
}

impl Row {
    fn new(name: &'static str) -> Self {
        Row {
            name,
            dir: GuideDir::new(),
            files: Vec::new(),
            strict: false,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// `ID.yaml`: the minimal guide `ID` with `changes` (see [`edits`]) applied.
    fn guide(self, id: &str, changes: &[(&str, &str)]) -> Self {
        let text = edits(&minimal_guide(id), changes);
        self.file(&format!("{id}.yaml"), &text)
    }

    /// The file `name` with `text`.
    fn file(mut self, name: &str, text: &str) -> Self {
        self.files.push((name.to_owned(), text.to_owned()));
        self
    }

    /// Validates with `--strict`.
    fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    /// The text of the row's file `name`.
    fn text(&self, name: &str) -> &str {
        let (_, text) = self
            .files
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("row `{}` has no file `{name}`", self.name));
        text
    }

    /// Where the row's file `name` is.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// An error in `file` at the `|` of `marked`, which occurs once in it.
    fn error(self, file: &str, marked: &str, words: &[&str]) -> Self {
        let at = loc(self.text(file), marked);
        self.error_at(file, at, words)
    }

    /// [`Row::error`] for each (marked, words) of the table, all in `file`.
    fn errors(self, file: &str, table: &[(&str, &[&str])]) -> Self {
        table
            .iter()
            .fold(self, |row, (marked, words)| row.error(file, marked, words))
    }

    /// An error in `file` at the `|` of the `nth` occurrence of `marked`.
    fn error_nth(self, file: &str, marked: &str, nth: usize, words: &[&str]) -> Self {
        let at = loc_nth(self.text(file), marked, nth);
        self.error_at(file, at, words)
    }

    /// An error in `file` at the second occurrence of `marked`: `duplicate WHAT (first defined
    /// on line N)`, N the line of the first.
    fn duplicate(self, file: &str, what: &str, marked: &str) -> Self {
        let first = loc_nth(self.text(file), marked, 1).0;
        let words = format!("duplicate {what} (first defined on line {first})");
        self.error_nth(file, marked, 2, &[&words])
    }

    /// An error in `file` at 1-based (line, column), `(0, 0)` for the whole file.
    fn error_at(mut self, file: &str, at: (u64, u64), words: &[&str]) -> Self {
        self.errors.push(want(file, at, words));
        self
    }

    /// A warning in `file` at the `|` of `marked`, which occurs once in it.
    fn warning(mut self, file: &str, marked: &str, words: &[&str]) -> Self {
        let at = loc(self.text(file), marked);
        self.warnings.push(want(file, at, words));
        self
    }
}

/// Each problem's first line as `validate` prints it (after `error: ` or `warning: `); the
/// whole of what it prints must be free of control characters.
fn headlines(row: &str, problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let shown = p.to_string();
            assert_printable(&format!("{row}: {shown}"), shown.as_bytes());
            shown.lines().next().unwrap_or_default().to_owned()
        })
        .collect()
}

/// Writes the row's folder, validates it as `fieldfix validate [--strict] DIR` does, and
/// compares what it found with the row.
fn check(row: &Row) -> Result<(), String> {
    for (name, text) in &row.files {
        row.dir.write(name, text);
    }
    let checked = fieldfix::guides::check_all(Some(row.dir.path()), row.strict)
        .map_err(|e| format!("the folder was not checked: {e}"))?;
    let errors = headlines(row.name, &checked.problems);
    let warnings = headlines(row.name, &checked.warnings);
    match_problems(row.dir.path(), &errors, &row.errors).map_err(|e| format!("errors: {e}"))?;
    match_problems(row.dir.path(), &warnings, &row.warnings)
        .map_err(|e| format!("warnings: {e}"))?;
    // The guides load (and the command exits 0) exactly when there is no error.
    if checked.library.is_some() != errors.is_empty() {
        return Err(format!(
            "a library came back: {}, with {} errors",
            checked.library.is_some(),
            errors.len()
        ));
    }
    Ok(())
}

#[test]
fn every_rule_reports_each_problem_at_its_place() {
    let rows = rows();
    let mut names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), rows.len(), "row names are unique");
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let result = catch_unwind(AssertUnwindSafe(|| check(row)))
                .unwrap_or_else(|_| Err("panicked (see above)".to_owned()));
            result.err().map(|e| format!("row `{}`: {e}", row.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}

/// The built-in `_context.yaml`, for rows that extend it.
fn builtin_context() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("guides/_context.yaml"))
        .expect("built-in context")
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    rows.extend(reading_and_parsing());
    rows.extend(unknown_fields_and_wrong_types());
    rows.extend(refusals());
    rows.extend(bounds_and_tags());
    rows.extend(ids());
    rows.extend(id_format());
    rows.extend(references());
    rows.extend(references_to_questions());
    rows.extend(references_to_steps_and_guides());
    rows.extend(causes_and_steps());
    rows.extend(step_cycles());
    rows.extend(numbers());
    rows.extend(finite_numbers());
    rows.extend(text());
    rows.extend(single_line_text());
    rows.extend(names_questions_devices());
    rows.extend(questions_and_devices());
    rows.extend(company_context());
    rows.extend(trust());
    rows.extend(source_addresses());
    rows.extend(risky_steps());
    rows.extend(targets_and_yaml11());
    rows
}

// ------------------------------------------------------------------------------------------
// Reading and parsing
// ------------------------------------------------------------------------------------------

fn reading_and_parsing() -> Vec<Row> {
    vec![
        // Problems in several files, all reported: tests/cli/validate.rs
        // each_problem_is_printed_with_its_snippet_then_a_summary.
        Row::new("YAML syntax errors are located")
            .guide("quote", &[("title: Test problem", "title: \"unclosed")])
            .guide(
                "indent",
                &[(
                    "  - id: second\n    title: Second cause",
                    "  - id: second\n     title: Second cause",
                )],
            )
            .guide(
                "twice",
                &[(
                    "summary: A problem used in tests.\n",
                    "summary: A problem used in tests.\ntitle: Again\n",
                )],
            )
            .guide("missing", &[("  - tip: Be careful.", "  - tip:")])
            // The quote that is never closed.
            .error_at("quote.yaml", (2, 8), &["unclosed quote"])
            // The key indented one space too far: its `:` cannot start a map there.
            .error(
                "indent.yaml",
                "     title|: Second",
                &["mapping values are not allowed"],
            )
            .error(
                "twice.yaml",
                "|title: Again",
                &["`title` appears twice in the same map"],
            )
            .error("missing.yaml", "  - tip|:", &["a value is missing here"]),
    ]
}

fn unknown_fields_and_wrong_types() -> Vec<Row> {
    vec![
        Row::new("unknown and misspelt fields are errors")
            .guide("top", &[("summary: A problem", "sumary: A problem")])
            .guide(
                "nested",
                &[("  contact: the admin", "  contakt: the admin")],
            )
            .guide(
                "step",
                &[(
                    "    fixes: [second]\n",
                    "    fixes: [second]\n    colour: red\n",
                )],
            )
            .error(
                "top.yaml",
                "|sumary:",
                &["unknown field `sumary`", "summary"],
            )
            .error(
                "nested.yaml",
                "|contakt:",
                &["unknown field `contakt`", "contact"],
            )
            .error("step.yaml", "|colour:", &["unknown field `colour`"]),
        Row::new("values of the wrong type are errors")
            .guide(
                "words",
                &[(
                    "    minutes: 5\n    fixes: [second]",
                    "    minutes: \"five\"\n    fixes: [second]",
                )],
            )
            .guide("scalar", &[("aliases: []", "aliases: photo-stuff")])
            .guide(
                "list",
                &[("  - tip: Be careful.", "  - tip: [Be, careful]")],
            )
            .error(
                "words.yaml",
                "minutes: |\"five\"",
                &["invalid floating point"],
            )
            .error(
                "scalar.yaml",
                "aliases: |photo-stuff",
                &["expected sequence"],
            )
            .error("list.yaml", "tip: |[Be", &["expected string"]),
    ]
}

fn refusals() -> Vec<Row> {
    // "Billion laughs": ten anchors, each alias-ing the previous one nine times.
    let mut bomb =
        String::from("id: bomb\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*lol{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("lol{i}: &lol{i} [{refs}]\n"));
    }
    let many: String = (0..=100)
        .map(|i| format!("  - &a{i} things break {i}\n"))
        .collect();
    let depth = 200;
    let deep = edit(
        &minimal_guide("deep"),
        "related: []",
        &format!("related: {}{}", "[".repeat(depth), "]".repeat(depth)),
    );
    // The top-level map is level 1, so the 24th `[` is the 25th level: one too many.
    let (line, column) = loc(&deep, "related: |[");
    vec![
        // Refused at its first anchor: the format has none (not at the unknown key before it).
        Row::new("an alias bomb is refused at its first anchor")
            .file("bomb.yaml", &bomb)
            .error(
                "bomb.yaml",
                "lol0: &lol0 |[lol",
                &["refused: a YAML anchor"],
            ),
        Row::new("anchors are refused even where values are expected")
            .guide(
                "anchors",
                &[("symptoms: [things break]\n", &format!("symptoms:\n{many}"))],
            )
            .error("anchors.yaml", "&a0 |things", &["refused: a YAML anchor"]),
        // Two guides pasted into one file: said plainly, at the second document's `---`.
        Row::new("a second YAML document is refused at its start")
            .file(
                "two.yaml",
                &format!("{}---\n{}", minimal_guide("two"), minimal_guide("other")),
            )
            .error(
                "two.yaml",
                "|---",
                &["a second YAML document starts here", "one guide"],
            ),
        Row::new("very deep nesting is refused")
            .file("deep.yaml", &deep)
            .error_at(
                "deep.yaml",
                (line, column + 23),
                &["nested more than 24 levels deep"],
            ),
    ]
}

fn bounds_and_tags() -> Vec<Row> {
    let deep = format!("? {}{}\n: 1\n", "[".repeat(300), "]".repeat(300));
    let huge = format!("? {}\n: 1\n", "k".repeat(900_000));
    let title = "title: Test problem";
    vec![
        Row::new("numbers too large to mean anything are refused")
            .guide(
                "huge",
                &[
                    ("likelihood: 60", "likelihood: 1e308"),
                    (
                        "    minutes: 5\n    fixes: [first]",
                        "    minutes: 1e300\n    fixes: [first]",
                    ),
                ],
            )
            .errors(
                "huge.yaml",
                &[
                    (
                        "likelihood: |1e308",
                        &["likelihood must be at most 1000000, found 1e308"],
                    ),
                    ("minutes: |1e300", &["minutes must be at most"]),
                ],
            ),
        Row::new("YAML tags are refused")
            .guide("binary", &[(title, "title: !!binary VGVzdA==")])
            .guide("local", &[(title, "title: !local Test")])
            .error("binary.yaml", "!!binary |VGVzdA==", &["a YAML tag"])
            .error("local.yaml", "!local |Test", &["a YAML tag"]),
        Row::new("&, * and ! in plain text are no anchor, alias or tag")
            .guide("plain", &[(title, "title: Q&A *now* ok!")]),
        Row::new("a deep or huge key gets a plain message")
            .file("deep.yaml", &deep)
            .file("huge.yaml", &huge)
            // A complex key is refused where the parser's own depth limit stops it.
            .error_at("deep.yaml", (1, 258), &["nested more than 24 levels deep"])
            .error_at(
                "huge.yaml",
                (1, 3),
                &["refused: the file is too large or too complex"],
            ),
    ]
}

// ------------------------------------------------------------------------------------------
// Ids
// ------------------------------------------------------------------------------------------

fn ids() -> Vec<Row> {
    let dups = edits(
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
    let twice = Row::new("one guide in two files is an error")
        .guide("twice", &[])
        .file("twice.yml", &minimal_guide("twice"));
    let defined = format!(
        "the guide `twice` is already defined in {}",
        twice.path("twice.yaml").display()
    );
    vec![
        // Its page would be index.html (index.md): the export's own index, which it would replace.
        Row::new("a guide id that export uses for its own files is reserved")
            .file("index.yaml", &minimal_guide("index"))
            .error(
                "index.yaml",
                "id: |index",
                &["guide id `index` is reserved", "index.html"],
            ),
        Row::new("duplicate ids within a guide are all reported")
            .file("dups.yaml", &dups)
            .duplicate("dups.yaml", "provide id `project`", "  - id: |project")
            .duplicate("dups.yaml", "cause id `second`", "  - id: |second")
            .duplicate(
                "dups.yaml",
                "option value in question `which` `one`",
                "- value: |one",
            )
            .duplicate("dups.yaml", "question id `which`", "  - id: |which")
            .duplicate("dups.yaml", "step id `fix-first`", "  - id: |fix-first")
            // The second `which`'s labels, as YAML 1.1 tools would read them.
            .warning(
                "dups.yaml",
                "label: |Yes",
                &["`Yes` unquoted is read as a boolean"],
            )
            .warning(
                "dups.yaml",
                "label: |No",
                &["`No` unquoted is read as a boolean"],
            ),
        twice.error_at("twice.yml", (1, 5), &[&defined]),
    ]
}

fn id_format() -> Vec<Row> {
    let invalid = "is not a valid id: use lowercase letters, digits and single dashes";
    vec![
        Row::new("the guide id must match the file name")
            .file("wrong-name.yaml", &minimal_guide("right-name"))
            .error_at(
                "wrong-name.yaml",
                (1, 5),
                &["guide id `right-name` does not match its file name `wrong-name`"],
            ),
        Row::new("ids must be lowercase words joined by single dashes")
            .guide(
                "Bad_Guide",
                &[
                    ("  - id: second\n", "  - id: Second\n"),
                    ("    fixes: [second]\n", "    fixes: [Second]\n"),
                    ("  - id: fix-first\n", "  - id: fix--first\n"),
                    ("      - value: two\n", "      - value: two-\n"),
                    ("  - id: which\n", "  - id: which one\n"),
                    ("    - id: project\n", "    - id: -project\n"),
                ],
            )
            .error_at("Bad_Guide.yaml", (1, 5), &["guide id `Bad_Guide`", invalid])
            .errors(
                "Bad_Guide.yaml",
                &[
                    ("- id: |Second", &["cause id `Second`", invalid]),
                    ("- id: |fix--first", &["step id `fix--first`", invalid]),
                    ("- value: |two-", &["option value `two-`", invalid]),
                    ("- id: |which one", &["question id `which one`", invalid]),
                    ("- id: |-project", &["provide id `-project`", invalid]),
                ],
            ),
        Row::new("file names starting with an underscore are reserved")
            .file("_draft.yaml", &minimal_guide("draft"))
            .error_at(
                "_draft.yaml",
                (0, 0),
                &["file names starting with `_` are reserved"],
            ),
    ]
}

// ------------------------------------------------------------------------------------------
// References
// ------------------------------------------------------------------------------------------

fn references() -> Vec<Row> {
    vec![
        Row::new("unknown causes are reported wherever they are named")
            .guide(
                "causes",
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
            )
            .errors(
                "causes.yaml",
                &[
                    ("|firts", &["unknown cause in `fixes`: `firts` (did you mean `first`?)"]),
                    ("|secnd", &["unknown cause in `raises`: `secnd` (did you mean `second`?)"]),
                    (
                        "|nothing-like-it",
                        &["unknown cause in `lowers`: `nothing-like-it` (known: first, second)"],
                    ),
                    ("|thrid", &["unknown cause in `rules_out`: `thrid`"]),
                    ("causes: [|gone]", &["unknown cause in prevention tip: `gone`"]),
                    ("|frist", &["unknown cause in `lowers`: `frist` (did you mean `first`?)"]),
                ],
            ),
    ]
}

fn references_to_questions() -> Vec<Row> {
    vec![
        Row::new("unknown questions and values in conditions and context are reported")
            .guide(
                "conditions",
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
            )
            .errors(
                "conditions.yaml",
                &[
                    ("{ |wich", &["`when` names unknown question `wich` (did you mean `which`?)"]),
                    ("|three", &["unknown value of `which`: `three`"]),
                    ("|iphone", &["unknown value of `device`: `iphone`"]),
                    ("|network: []", &["`when: network` lists no values"]),
                    (
                        "|netwrk",
                        &[
                            "`context` names unknown context question `netwrk` (did you mean `network`?)",
                        ],
                    ),
                    (
                        "|everyone",
                        &["`scope` has no value `everyone`", "(valid: just-me, several-people)"],
                    ),
                ],
            ),
    ]
}

fn references_to_steps_and_guides() -> Vec<Row> {
    vec![
        Row::new("unknown steps and guides are reported with near misses")
            .guide(
                "links",
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
            )
            .errors(
                "links.yaml",
                &[
                    (
                        "|fix-frist",
                        &["unknown step in `after`: `fix-frist` (did you mean `fix-first`?)"],
                    ),
                    (
                        "|permision-denied",
                        &[
                            "unknown guide in `see`: `permision-denied` (did you mean `permission-denied`?)",
                        ],
                    ),
                    (
                        "|sync-eror",
                        &["unknown guide in `related`: `sync-eror` (did you mean `sync-error`?)"],
                    ),
                ],
            )
            // No near miss: the known guides are listed instead.
            .errors(
                "links.yaml",
                &[
                    (
                        "|zzzz",
                        &["unknown guide in `related`: `zzzz` (known: ", "sync-error", "links"],
                    ),
                    ("see: |links", &["guide `links` links to itself"]),
                ],
            ),
        Row::new("a guide may link to another guide of the same folder")
            .guide("one", &[("related: []", "related: [two]")])
            .guide(
                "two",
                &[("    fixes: [first]\n", "    fixes: [first]\n    see: one\n")],
            ),
    ]
}

// ------------------------------------------------------------------------------------------
// Causes and steps
// ------------------------------------------------------------------------------------------

fn causes_and_steps() -> Vec<Row> {
    vec![
        Row::new("every cause needs a step and every step a cause")
            .guide(
                "orphans",
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
            )
            .errors(
                "orphans.yaml",
                &[
                    (
                        "- id: |third",
                        &["no step fixes cause `third`: add it to the `fixes:` of a step"],
                    ),
                    ("- id: |look-around", &["step `look-around` fixes nothing"]),
                    ("- id: |empty-list", &["step `empty-list` fixes nothing"]),
                ],
            ),
    ]
}

fn step_cycles() -> Vec<Row> {
    let step = |id: &str, after: &str| {
        format!(
            "  - id: {id}\n    title: Step {id}\n    minutes: 1\n    fixes: [first]\n    after: [{after}]\n    do: [Do {id}.]\n"
        )
    };
    let cycle_steps = [
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
    vec![
        Row::new("cycles in step prerequisites are reported once each")
            .guide(
                "cycles",
                &[
                    (
                        "    fixes: [first]\n",
                        "    fixes: [first]\n    after: [b]\n",
                    ),
                    ("prevent:\n", &format!("{cycle_steps}prevent:\n")),
                ],
            )
            .errors(
                "cycles.yaml",
                &[
                    (
                        "- id: |b\n",
                        &["steps wait on each other in a cycle: b -> a -> c -> b"],
                    ),
                    (
                        "- id: |d\n",
                        &["steps wait on each other in a cycle: d -> d2 -> d"],
                    ),
                    (
                        "- id: |e\n",
                        &["steps wait on each other in a cycle: e -> e"],
                    ),
                    ("- id: |e\n", &["step `e` lists itself in `after`"]),
                ],
            ),
    ]
}

fn numbers() -> Vec<Row> {
    vec![
        Row::new("numbers must be positive and success at most one")
            .guide(
                "numbers",
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
            )
            .errors(
                "numbers.yaml",
                &[
                    (
                        "minutes: |-5",
                        &["escalation minutes must be a number greater than 0, found -5"],
                    ),
                    (
                        "likelihood: |0",
                        &["likelihood must be a number greater than 0, found 0"],
                    ),
                    (
                        "likelihood: |-1",
                        &["likelihood must be a number greater than 0, found -1"],
                    ),
                    (
                        "minutes: |0",
                        &["minutes must be a number greater than 0, found 0"],
                    ),
                    (
                        "success: |0",
                        &["success must be a number above 0 and at most 1, found 0"],
                    ),
                    (
                        "success: |1.5",
                        &["success must be a number above 0 and at most 1, found 1.5"],
                    ),
                ],
            ),
    ]
}

fn finite_numbers() -> Vec<Row> {
    vec![
        Row::new("numbers must be finite")
            .guide(
                "infinite",
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
            )
            // A number too large for the computer to hold is no number either.
            .guide(
                "overflow",
                &[(
                    "    minutes: 5\n    fixes: [second]",
                    "    minutes: 1e999\n    fixes: [second]",
                )],
            )
            .errors(
                "infinite.yaml",
                &[
                    (
                        "likelihood: |.nan",
                        &["likelihood must be a number greater than 0, found NaN"],
                    ),
                    (
                        "minutes: |.inf",
                        &["escalation minutes must be a number greater than 0, found inf"],
                    ),
                    (
                        "success: |-.inf",
                        &["success must be a number above 0 and at most 1, found -inf"],
                    ),
                    (
                        "success: |.NaN",
                        &["success must be a number above 0 and at most 1, found NaN"],
                    ),
                ],
            )
            .error(
                "overflow.yaml",
                "minutes: |1e999",
                &["invalid floating point"],
            ),
    ]
}

// ------------------------------------------------------------------------------------------
// Text
// ------------------------------------------------------------------------------------------

fn text() -> Vec<Row> {
    vec![
        Row::new("text must not be empty")
            .guide(
                "empty",
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
            )
            .errors(
                "empty.yaml",
                &[
                    ("title: |\"\"", &["title is empty"]),
                    ("summary: |'", &["summary is empty"]),
                    ("contact: |\"\"", &["escalation contact is empty"]),
                    ("explain: |''", &["cause explanation is empty"]),
                    ("label: |\" \"", &["option label is empty"]),
                    ("thing., |''", &["step line is empty"]),
                ],
            ),
        // (tests/cli/validate.rs checks that none of this reaches the terminal.)
        Row::new("control characters and escape sequences are refused")
            .file("escapes.yaml", &escapes_guide())
            .errors(
                "escapes.yaml",
                &[
                    (
                        "title: |\"Red",
                        &[
                            "title contains the control character \\u{1b}",
                            "terminal escape sequences",
                        ],
                    ),
                    (
                        "summary: |\"Clear",
                        &["summary contains the control character \\u{1b}"],
                    ),
                    (
                        "[|\"things",
                        &["symptom contains the control character \\u{9}"],
                    ),
                    (
                        "[|\"Do \\u202E",
                        &["step line contains the control character \\u{202e}"],
                    ),
                    (
                        "tip: |\"Ring",
                        &["prevention tip contains the control character \\u{7}"],
                    ),
                ],
            ),
    ]
}

fn single_line_text() -> Vec<Row> {
    vec![
        // A line break in a name, a title or a contact could forge a line: a `Bcc:` header
        // after a contact in a mail, a heading or a list in a page. Text may be folded (`>`).
        Row::new("single-line fields refuse line breaks")
            .guide(
                "lines",
                &[
                    ("title: Test problem", "title: \"Test\\nproblem\""),
                    ("symptoms: [things break]", "symptoms: [\"things\\nbreak\"]"),
                    (
                        "  contact: the admin",
                        "  contact: \"IT desk\\nBcc: attacker@evil.example\"",
                    ),
                    ("aliases: []", "aliases: [\"a\\nb\"]"),
                    (
                        "    title: First cause",
                        "    title: |\n      First\n      cause",
                    ),
                    ("    title: Fix the first", "    title: \"Fix\\nfirst\""),
                    ("    ask: Which one is it?", "    ask: \"Which\\none?\""),
                    ("        label: The first", "        label: \"The\\nfirst\""),
                    (
                        "      label: Project name",
                        "      label: \"Project\\nname\"",
                    ),
                    // Folded, a long value is one line; a line break is fine in text.
                    (
                        "  - tip: Be careful.",
                        "  - tip: >\n      Be\n      careful.",
                    ),
                    (
                        "    explain: The first reason.",
                        "    explain: \"The first\\nreason.\"",
                    ),
                ],
            )
            .errors(
                "lines.yaml",
                &[
                    ("title: |\"Test", &["title must be one line"]),
                    ("symptoms: [|\"things", &["symptom must be one line"]),
                    (
                        "contact: |\"IT desk",
                        &["escalation contact must be one line"],
                    ),
                    ("aliases: [|\"a", &["alias must be one line"]),
                    ("      |First\n", &["cause title must be one line"]),
                    ("title: |\"Fix", &["step title must be one line"]),
                    ("ask: |\"Which", &["question must be one line"]),
                    ("label: |\"The", &["option label must be one line"]),
                    ("label: |\"Project", &["provide label must be one line"]),
                ],
            ),
        // A raw ESC byte in the file is refused by the YAML reader, and not echoed either.
        Row::new("a raw escape byte is refused by the YAML reader")
            .file("raw.yaml", &raw_escape_guide())
            .error_at("raw.yaml", (2, 8), &["\\u{1b}"]),
    ]
}

// ------------------------------------------------------------------------------------------
// Names, questions, devices
// ------------------------------------------------------------------------------------------

fn names_questions_devices() -> Vec<Row> {
    vec![
        // `fieldfix fix photos` must keep meaning the built-in guide that answers to it.
        Row::new("a guide id may not be a built-in guide's alias")
            .guide("photos", &[])
            .error(
                "photos.yaml",
                "id: |photos",
                &["guide id `photos` is already an alias of the guide `photos-not-uploading`"],
            ),
        Row::new("an alias may name one guide only")
            .guide(
                "my-photos",
                &[("aliases: []", "aliases: [my-pics, Photos, sync-error]")],
            )
            .guide("a-first", &[("aliases: []", "aliases: [shared]")])
            .guide("b-second", &[("aliases: []", "aliases: [shared]")])
            // A built-in guide's alias, in other letters.
            .error(
                "my-photos.yaml",
                "|Photos",
                &["alias `photos` already names the guide `photos-not-uploading`"],
            )
            // Another guide's id.
            .error(
                "my-photos.yaml",
                "|sync-error",
                &["alias `sync-error` already names the guide `sync-error`"],
            )
            // Another company guide's alias.
            .error(
                "b-second.yaml",
                "|shared",
                &["alias `shared` already names the guide `a-first`: aliases must be unique"],
            ),
    ]
}

/// `devices.yaml`, whose first step names the devices `ios`, `iphone` and `windows`.
fn devices_guide() -> String {
    edit(
        &minimal_guide("devices"),
        "    do: [Do the first thing.]\n",
        "    do: [Do the first thing.]\n    devices:\n      ios: [Tap it.]\n      iphone: [Tap it.]\n      windows: [Click it.]\n",
    )
}

fn questions_and_devices() -> Vec<Row> {
    let devices = devices_guide();
    vec![
        Row::new("a question needs two options and its own id")
            .guide(
                "questions",
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
            )
            .errors(
                "questions.yaml",
                &[
                    ("- id: |which", &["question `which` needs at least two options"]),
                    ("- id: |nothing", &["question `nothing` needs at least two options"]),
                    (
                        "- id: |device",
                        &["question id `device` is a shared context question", "`context:`"],
                    ),
                ],
            ),
        Row::new("devices must name a known device")
            .file("devices.yaml", &devices)
            .errors(
                "devices.yaml",
                &[
                    (
                        "|iphone:",
                        &[
                            "`devices` names unknown device `iphone`",
                            "(valid: android, computer, ios)",
                        ],
                    ),
                    ("|windows:", &["`devices` names unknown device `windows`"]),
                ],
            ),
    ]
}

fn company_context() -> Vec<Row> {
    let devices = devices_guide();
    // One more option for a shared question is enough: it has its others already.
    let added = "questions:\n  - id: network\n    ask: How is the connection?\n    options:\n      - value: satellite\n        label: A satellite link\n";
    vec![
        // A company `_context.yaml` may add a device, which `devices:` may then name.
        Row::new("a device the company context adds may be named")
            .file(
                "_context.yaml",
                &edit(
                    &builtin_context(),
                    "      - value: android\n",
                    "      - value: windows\n        label: A Windows tablet\n      - value: android\n",
                ),
            )
            .file(
                "devices.yaml",
                &edit(&devices, "      iphone: [Tap it.]\n", ""),
            ),
        Row::new("a company context file may add one option to a shared question")
            .guide(
                "satellite",
                &[(
                    "questions:\n",
                    "context:\n  network:\n    satellite: { raises: [second] }\nquestions:\n",
                )],
            )
            .file("_context.yaml", added),
        // A new question still needs two options, and its values must be ids. (A context file
        // with problems is left out, so no guide may use it meanwhile.)
        Row::new("a question a company context file adds must be valid")
            .file(
                "_context.yaml",
                &format!(
                    "{added}  - id: trade\n    ask: What is your trade?\n    options:\n      - value: Site_Trailer\n        label: In the site trailer\n"
                ),
            )
            .errors(
                "_context.yaml",
                &[
                    ("- id: |trade", &["question `trade` needs at least two options"]),
                    ("value: |Site_Trailer", &["option value `Site_Trailer` is not a valid id"]),
                ],
            ),
    ]
}

// ------------------------------------------------------------------------------------------
// Sources, risky steps, hand-over targets, YAML 1.1 (content you can trust)
// ------------------------------------------------------------------------------------------

fn trust() -> Vec<Row> {
    vec![
        // Company guides need not cite: without --strict the folder is fine.
        Row::new("causes and steps need no sources without strict").guide("unsourced", &[]),
        Row::new("strict mode reports every cause and step without sources at its line")
            .guide("unsourced", &[])
            .strict()
            .errors(
                "unsourced.yaml",
                &[
                    ("  - id: |first", &["cause `first` has no `sources`"]),
                    ("  - id: |second", &["cause `second` has no `sources`"]),
                    ("  - id: |fix-first", &["step `fix-first` has no `sources`"]),
                    (
                        "  - id: |fix-second",
                        &["step `fix-second` has no `sources`"],
                    ),
                ],
            ),
    ]
}

fn source_addresses() -> Vec<Row> {
    let cites: &[(&str, &str)] = &[
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
    ];
    // What is wrong with `cites` with or without --strict.
    let cited = |name| {
        Row::new(name).guide("cites", cites).errors(
            "cites.yaml",
            &[
                ("[seed, |blog", &["source `blog` is not valid", "https://"]),
                (
                    "[|\"http://",
                    &["source `http://support.procore.com/faq/x` is not valid"],
                ),
            ],
        )
    };
    vec![
        cited("a source is seed, device or an https address"),
        // Characters no address holds as written: they could end a link in a page.
        Row::new("a source address holds only characters an address may")
            .guide(
                "markup",
                &[(
                    "    likelihood: 60\n",
                    "    likelihood: 60\n    sources: [\"https://support.procore.com/a><script>x</script>\"]\n",
                )],
            )
            .error(
                "markup.yaml",
                "[|\"https://support",
                &["source `https://support.procore.com/a><script>x</script>` is not valid"],
            ),
        cited("strict mode wants sources on Procore pages")
            .strict()
            .error(
                "cites.yaml",
                "|\"https://example.com",
                &["`example.com` is not a Procore page"],
            ),
    ]
}

fn risky_steps() -> Vec<Row> {
    let risky = (
        "    fixes: [second]\n",
        "    fixes: [second]\n    risk: loses-unsynced\n",
    );
    vec![
        Row::new("a step that loses unsynced work needs a safeguard in its guide")
            .guide("risky", &[risky])
            .error(
                "risky.yaml",
                "  - id: |fix-second",
                &["can lose work not yet uploaded", "`safeguard: true`"],
            ),
        // A step that checks the upload queue first makes it valid; so would a safeguard answer.
        Row::new("a safeguard step makes a risky step valid").guide(
            "risky",
            &[
                risky,
                (
                    "    fixes: [first]\n",
                    "    fixes: [first]\n    safeguard: true\n",
                ),
            ],
        ),
        Row::new("a safeguard answer makes a risky step valid").guide(
            "risky",
            &[
                risky,
                (
                    "        label: The first\n",
                    "        label: The first\n        safeguard: true\n",
                ),
            ],
        ),
        // A risky step only ever offered on a computer needs none.
        Row::new("a risky step only offered on a computer needs no safeguard").guide(
            "risky",
            &[
                risky,
                (
                    "    risk: loses-unsynced\n",
                    "    risk: loses-unsynced\n    when: { device: [computer] }\n",
                ),
            ],
        ),
    ]
}

fn targets_and_yaml11() -> Vec<Row> {
    vec![
        Row::new("targets, risks and admin roles are checked")
            .guide(
                "targets",
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
            )
            .errors(
                "targets.yaml",
                &[
                    (
                        "  to: |helpdesk",
                        &["unknown hand-over target `helpdesk`", "admin, support, it"],
                    ),
                    (
                        "    risk: |slow",
                        &["unknown risk `slow`", "loses-unsynced"],
                    ),
                    ("    to: |it", &["`to` says who does an admin step"]),
                    ("    admin: |true", &["`admin` names the role"]),
                    (
                        "        escalate_to: |support",
                        &["`escalate_to` needs an `escalate` reason"],
                    ),
                ],
            ),
        // An unquoted `Yes` is warned about, not refused: tests/cli/validate.rs
        // warnings_are_printed_but_alone_pass.
        // Quoted, it reads the same everywhere.
        Row::new("a quoted yes is no warning").guide(
            "yes-no",
            &[("        label: The first\n", "        label: \"Yes\"\n")],
        ),
    ]
}

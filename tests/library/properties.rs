//! The fuzz properties (see `fuzz/`), as bounded proptest runs that CI does on every build:
//! whatever bytes a guide file, an answers file, a saved session or an undo list holds,
//! reading it never panics, every location reported exists in the input, and an undo list
//! that is accepted only renames within one folder. Plus a round trip: a generated valid guide,
//! written as YAML, loads back equal.

use std::path::{Component, Path};

use fieldfix::guides::load::{Checked, Source, assemble};
use proptest::prelude::*;

use crate::support::minimal_guide;

/// The built-in guides with the company guide `name` holding `text`, checked.
fn check_one(name: &str, text: &str) -> Checked {
    let company = vec![Source::company(name, text)];
    assemble(fieldfix::guides::embedded::library(), company, Vec::new())
}

/// Pieces of YAML (and of trouble) that mutations insert.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "!x ",
    "\"",
    "'",
    "\n",
    "\r",
    "  ",
    "#",
    "\t",
    "\u{1b}[2J",
    "? ",
    "|\n",
    ">\n",
    "1e308",
    "NaN",
    "-1",
    "~",
    "null",
    ",",
    "\u{202e}",
    "é",
    "id: x\n",
    "steps:\n",
    "\\",
    "%YAML 1.2\n---\n",
    "...\n",
    "<<: ",
];

/// `text` with `edits` applied: at a position (taken modulo the length, on a char boundary),
/// insert a token or delete a few characters.
fn mutate(text: &str, edits: &[(usize, usize, bool)]) -> String {
    let mut text = text.to_owned();
    for &(at, pick, delete) in edits {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if delete {
            let mut end = (at + pick % 8).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, "");
        } else {
            text.insert_str(at, TOKENS[pick % TOKENS.len()]);
        }
    }
    text
}

fn edits() -> impl Strategy<Value = Vec<(usize, usize, bool)>> {
    prop::collection::vec((any::<usize>(), any::<usize>(), any::<bool>()), 0..6)
}

/// Some text: either arbitrary, or a valid `seed` mutated.
fn input(seed: String) -> impl Strategy<Value = String> {
    prop_oneof!["(?s).{0,300}", edits().prop_map(move |e| mutate(&seed, &e)),]
}

/// The 1-based lines of `text` as YAML counts them (`\n`, `\r\n` or `\r` end a line), with
/// the empty line after a final break.
fn yaml_lines(text: &str) -> Vec<&str> {
    text.split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .collect()
}

/// Every problem's line and column exist in `text` (the column may be just past the end of
/// its line, where something is missing).
fn locations_exist(text: &str, problems: &[fieldfix::guides::Problem]) -> Result<(), String> {
    let lines = yaml_lines(text);
    for p in problems.iter().filter(|p| p.line > 0) {
        let Some(line) = lines.get(p.line as usize - 1) else {
            return Err(format!("line {} of {}: {p}", p.line, lines.len()));
        };
        if p.column == 0 || p.column as usize > line.chars().count() + 1 {
            return Err(format!("column {} of {line:?}: {p}", p.column));
        }
    }
    Ok(())
}

/// A valid session and undo list to mutate.
const SESSION: &str = r#"{"version":1,"guide":"photos-not-uploading","situation":{"answers":{"device":"ios"},"tried":[],"skipped":[]},"asked":["device"],"log":[],"phase":"questions","provided":{},"started":"2025-03-01 14:15:00 UTC","undo":[]}"#;
const UNDO: &str = r#"{"schema_version":1,"kind":"fieldfix-preflight-undo","created":"2025-03-01T14:15:00Z","renames":[{"from":"photos/Q&A.txt","to":"photos/Q_A.txt"},{"from":"/abs/a#","to":"/abs/a_"}]}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn any_guide_file_is_reported_never_panics_and_points_into_the_input(
        text in input(minimal_guide("fuzzed")),
    ) {
        let checked = check_one("fuzzed", &text);
        prop_assert!(checked.library.is_some() || !checked.problems.is_empty());
        if let Err(e) = locations_exist(&text, &checked.problems) {
            prop_assert!(false, "{}\n--- input:\n{}", e, text);
        }
    }

    #[test]
    fn any_answers_file_is_read_or_refused_with_a_location_in_it(
        text in input("device: ios\nnetwork: weak\ntried: [switch-network]\n".to_owned()),
    ) {
        if let Err(message) = fieldfix::commands::answers(&Source::company("answers", &text)) {
            prop_assert!(!message.is_empty());
            let lines = yaml_lines(&text).len() as u64;
            if let Some(rest) = message.strip_prefix("line ") {
                let line: u64 = rest.split(',').next().unwrap().parse().unwrap();
                prop_assert!(line >= 1 && line <= lines, "{} of {}", message, lines);
            }
        }
    }

    #[test]
    fn any_saved_session_is_read_or_refused(text in input(SESSION.to_owned())) {
        if let Ok(session) = fieldfix::wizard::session::parse(&text) {
            // What it holds is then checked against the guides, which never panics either.
            let dir = tempfile::tempdir().unwrap();
            let store = fieldfix::wizard::session::Store::at(dir.path());
            if store.save(&session).is_ok()
                && let Ok(loaded) = store.load(&session.id)
            {
                let _ = store.check(loaded, &fieldfix::guides::embedded::library());
            }
        }
    }

    #[test]
    fn an_accepted_undo_list_only_renames_within_one_folder(text in input(UNDO.to_owned())) {
        let base = Path::new("/base");
        if let Ok(list) = fieldfix::preflight::names::parse_undo_list(&text, base) {
            for r in &list.renames {
                prop_assert_eq!(r.from.parent(), r.to.parent());
                prop_assert!(r.from.file_name().is_some() && r.to.file_name().is_some());
                for p in [&r.from, &r.to] {
                    prop_assert!(
                        !p.components().any(|c| matches!(c, Component::ParentDir)),
                        "{:?}", p
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trip: a generated valid guide, written as YAML, loads back equal.

/// What a generated guide holds (text is free, ids are derived so they are valid and unique).
#[derive(Debug, Clone)]
struct Spec {
    title: String,
    summary: String,
    symptoms: Vec<String>,
    contact: String,
    escalate_minutes: f64,
    /// Title, explanation, likelihood.
    causes: Vec<(String, String, f64)>,
    /// Title, minutes, lines; step `i` fixes cause `i % causes`.
    steps: Vec<(String, f64, Vec<String>)>,
    tip: String,
}

fn text() -> impl Strategy<Value = String> {
    "[\\p{L}\\p{N}][\\p{L}\\p{N} ,.!?'()&*#:%@/\"\\\\-]{0,40}[\\p{L}\\p{N}.!?)]"
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![(1u32..1000).prop_map(f64::from), 0.01f64..1_000_000.0]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            text(),
            text(),
            prop::collection::vec(text(), 1..4),
            text(),
            number(),
        ),
        prop::collection::vec((text(), text(), number()), 1..5),
        prop::collection::vec(
            (text(), number(), prop::collection::vec(text(), 1..3)),
            1..5,
        ),
        text(),
    )
        .prop_map(
            |((title, summary, symptoms, contact, escalate_minutes), causes, steps, tip)| Spec {
                title,
                summary,
                symptoms,
                contact,
                escalate_minutes,
                causes,
                steps,
                tip,
            },
        )
}

/// A YAML string: JSON's double-quoted form is also YAML's.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

fn step_count(spec: &Spec) -> usize {
    spec.steps.len().max(spec.causes.len())
}

fn yaml(spec: &Spec) -> String {
    let mut y = format!(
        "id: generated\ntitle: {}\nsummary: {}\naliases: []\nsymptoms: {}\nescalate:\n  \
         contact: {}\n  minutes: {}\n  signs:\n    - sign: It keeps happening.\n  provide:\n    - id: \
         project\n      label: Project name\ncauses:\n",
        q(&spec.title),
        q(&spec.summary),
        list(&spec.symptoms),
        q(&spec.contact),
        spec.escalate_minutes
    );
    for (i, (title, explain, likelihood)) in spec.causes.iter().enumerate() {
        y += &format!(
            "  - id: cause-{i}\n    title: {}\n    explain: {}\n    likelihood: {likelihood}\n",
            q(title),
            q(explain)
        );
    }
    y += "questions: []\nsteps:\n";
    // Every cause is fixed by some step: steps beyond the spec's repeat its last one.
    for i in 0..step_count(spec) {
        let (title, minutes, lines) = &spec.steps[i.min(spec.steps.len() - 1)];
        y += &format!(
            "  - id: step-{i}\n    title: {}\n    minutes: {minutes}\n    fixes: [cause-{}]\n    do: {}\n",
            q(title),
            i % spec.causes.len(),
            list(lines)
        );
    }
    y += &format!("prevent:\n  - tip: {}\nrelated: []\n", q(&spec.tip));
    y
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_generated_guide_written_as_yaml_loads_back_equal(spec in spec()) {
        let text = yaml(&spec);
        let checked = check_one("generated", &text);
        prop_assert!(checked.problems.is_empty(), "{:?}\n{}", checked.problems, text);
        let library = checked.library.unwrap();
        let g = library.guide("generated").unwrap();
        prop_assert_eq!(&g.title, &spec.title);
        prop_assert_eq!(&g.summary, &spec.summary);
        prop_assert_eq!(&g.symptoms, &spec.symptoms);
        prop_assert_eq!(g.escalate.contact(), spec.contact.as_str());
        prop_assert_eq!(g.escalate.minutes(), spec.escalate_minutes);
        let causes: Vec<(String, String, f64)> = g
            .causes
            .iter()
            .map(|c| (c.title.clone(), c.explain.clone(), c.likelihood))
            .collect();
        prop_assert_eq!(causes, spec.causes.clone());
        prop_assert_eq!(g.steps.len(), step_count(&spec));
        for (i, s) in g.steps.iter().enumerate() {
            let (title, minutes, lines) = &spec.steps[i.min(spec.steps.len() - 1)];
            prop_assert_eq!(&s.title, title);
            prop_assert_eq!(s.minutes, *minutes);
            prop_assert_eq!(&s.actions, lines);
            prop_assert_eq!(s.fixes.clone(), vec![format!("cause-{}", i % spec.causes.len())]);
        }
        prop_assert_eq!(&g.prevent[0].tip, &spec.tip);
    }
}

/// What a CommonMark renderer makes of `markdown` as one paragraph: its text, and every event
/// that is not plain text (HTML, links, emphasis, code, lists, headings...).
fn rendered(markdown: &str) -> (String, Vec<String>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut text = String::new();
    let mut markup = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) => text.push_str(&t),
            Event::SoftBreak => text.push('\n'),
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            other => markup.push(format!("{other:?}")),
        }
    }
    (text, markup)
}

/// Characters that mean something in Markdown, HTML or a terminal, and ordinary ones.
fn markdown_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<",
        ">",
        "&",
        "&amp;",
        "&#60;",
        "*",
        "_",
        "`",
        "```",
        "[",
        "]",
        "(",
        ")",
        "!",
        "\\",
        "#",
        "- ",
        "+ ",
        "1. ",
        "2) ",
        "=",
        "~~",
        "|",
        ":",
        "\n",
        " ",
        "    ",
        "a",
        "Dana",
        "é",
        "<script>",
        "</b>",
        "<dana@x.com>",
        "https://x.com",
        "javascript:alert(1)",
        "a_b",
        "_a",
        "\u{1b}[2J",
        "\u{202e}",
        "\t",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The one Markdown escape: whatever a value holds, a CommonMark renderer shows exactly its
    /// text (controls made visible, lines trimmed as a paragraph does) and no markup at all.
    #[test]
    fn escaped_markdown_renders_as_the_original_text_and_nothing_else(s in markdown_text()) {
        use fieldfix::output::markdown::escape;
        let (text, markup) = rendered(&escape(&s));
        let visible = fieldfix::safe::text(&s);
        let expected: Vec<&str> =
            visible.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        prop_assert_eq!(text, expected.join("\n"), "escaped: {:?}", escape(&s));
        prop_assert!(markup.is_empty(), "{:?} became {:?}", escape(&s), markup);
    }
}

#[test]
fn escaped_names_read_as_written() {
    use fieldfix::output::markdown::escape;
    // No backslash where nothing needs one: a ticket's names stay readable as plain text too.
    assert_eq!(
        escape("Dana Ruiz <dana@x.com>"),
        "Dana Ruiz &lt;dana@x.com&gt;"
    );
    assert_eq!(escape("dana_ruiz@x.com, AT&T"), "dana_ruiz@x.com, AT&T");
    assert_eq!(
        rendered(&escape("Dana Ruiz <dana@x.com>")).0,
        "Dana Ruiz <dana@x.com>"
    );
}

#[test]
fn a_code_block_holds_any_text_whole() {
    use fieldfix::output::markdown::code_block;
    use pulldown_cmark::{Event, Parser};
    let report = "photos/\n  ```\n<script>alert(1)</script>\n   ````x.jpg: fine";
    let block = code_block("text", report);
    let events: Vec<Event> = Parser::new(&block).collect();
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(text.trim_end(), report);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_))),
        "{events:?}"
    );
}

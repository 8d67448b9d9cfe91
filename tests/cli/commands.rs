//! The scriptable commands through the real binary: `list`, `show`, `diagnose` and `search` in
//! every format, finding guides by name, answers from flags and files, usage errors and their
//! exit codes, scripted step-by-step walks, pipes, plain output, and snapshots of the JSON
//! documents (their shapes are described in docs/json.md).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::{
    GuideDir, Test, assert_has, assert_lacks, builtin_ids, by_id, fails, fails_in, keys,
    minimal_guide, ok, ok_in, words,
};

/// Parses a JSON document and checks it carries the schema version.
#[track_caller]
fn parse(text: &str, args: &[&str]) -> Value {
    let doc: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("fieldfix {args:?} printed invalid JSON ({e}):\n{text}"));
    assert_eq!(
        doc["schema_version"],
        json!(2),
        "fieldfix {args:?}: every JSON document has schema_version 2"
    );
    doc
}

/// Runs a command (whose arguments include `--format json`) that must succeed; returns the
/// document.
#[track_caller]
fn json_of(args: &[&str]) -> Value {
    parse(&ok(args), args)
}

/// The strings of a JSON array.
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("not a string: {s}"))
                .to_owned()
        })
        .collect()
}

/// The `field` of each element of a JSON array, as strings.
fn field(v: &Value, field: &str) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x[field]
                .as_str()
                .unwrap_or_else(|| panic!("no string `{field}` in {x}"))
                .to_owned()
        })
        .collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

// ---------------------------------------------------------------------------------------------
// list

#[test]
fn list_prints_one_line_per_guide_matching_the_json() {
    let text = ok(&["list"]);
    let doc = json_of(&["list", "--format", "json"]);
    let guides = doc["guides"].as_array().expect("guides");
    let ids = field(&doc["guides"], "id");

    for id in ["photos-not-uploading", "permission-denied", "error-429"] {
        assert!(ids.iter().any(|i| i == id), "{id} is listed");
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "guides are listed once each, by id");

    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        guides.len(),
        "one text line per guide:\n{text}"
    );
    for (line, g) in lines.iter().zip(guides) {
        assert_eq!(
            keys(g),
            set(&["id", "title", "aliases", "summary", "origin"])
        );
        let id = g["id"].as_str().expect("id");
        assert!(
            line.starts_with(&format!("{id} ")),
            "`{line}` starts with {id}"
        );
        assert!(line.contains(g["title"].as_str().expect("title")));
        // Aliases that do not fit the line are cut, with a `…`.
        for alias in strings(&g["aliases"]) {
            assert!(
                line.contains(&alias) || line.ends_with("…)"),
                "`{line}` shows alias {alias}"
            );
        }
        assert!(!g["summary"].as_str().expect("summary").is_empty());
        assert_eq!(g["origin"], "built-in");
    }
    let photos = by_id(&doc["guides"], "photos-not-uploading");
    assert_eq!(photos["title"], "Photos not uploading");
    assert!(strings(&photos["aliases"]).contains(&"photos".to_owned()));
}

#[test]
fn list_marks_company_guides_and_replacements() {
    let dir = GuideDir::new();
    dir.write("crane-log-frozen.yaml", &minimal_guide("crane-log-frozen"));
    dir.write("error-429.yaml", &minimal_guide("error-429"));
    let folder = dir.path().to_str().expect("UTF-8 path");

    let doc = json_of(&["list", "--guides", folder, "--format", "json"]);
    let guide = |id: &str| by_id(&doc["guides"], id);
    assert_eq!(guide("crane-log-frozen")["origin"], "company");
    assert_eq!(guide("error-429")["origin"], "company");
    assert_eq!(guide("error-429")["title"], "Test problem", "replaced");
    assert_eq!(guide("photos-not-uploading")["origin"], "built-in");
    let count = |id: &str| {
        field(&doc["guides"], "id")
            .iter()
            .filter(|i| *i == id)
            .count()
    };
    assert_eq!(count("error-429"), 1, "a replaced guide is listed once");

    let text = ok(&["list", "--guides", folder]);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} in:\n{text}"))
            .to_owned()
    };
    assert!(line("crane-log-frozen").contains("[company]"));
    assert!(!line("photos-not-uploading").contains("[company]"));
}

// ---------------------------------------------------------------------------------------------
// show

#[test]
fn show_finds_a_guide_by_id_alias_unique_prefix_and_any_case() {
    let by_id = ok(&["show", "permission-denied"]);
    assert!(
        by_id.starts_with("Permission denied  (permission-denied)\n"),
        "{by_id}"
    );
    for name in ["permission", "access", "permission-d", "PERMISSION-Denied"] {
        assert_eq!(ok(&["show", name]), by_id, "`show {name}`");
    }
}

#[test]
fn show_text_and_markdown_have_every_section() {
    let doc = json_of(&["show", "error-429", "--format", "json"]);
    let guide = &doc["guide"];

    let text = ok(&["show", "error-429"]);
    let mut at = 0;
    for section in [
        "How people describe it",
        "Causes",
        "Questions",
        "Steps",
        "When to escalate",
        "Prevention",
        "Related guides",
    ] {
        let found = text[at..]
            .find(&format!("\n{section}\n"))
            .unwrap_or_else(|| panic!("section `{section}` (in order) in:\n{text}"));
        at += found + 1;
    }
    for part in ["causes", "steps", "questions"] {
        for id in field(&guide[part], "id") {
            assert!(text.contains(&format!("[{id}]")), "{part}: {id} is shown");
        }
    }

    let md = ok(&["show", "error-429", "--format", "markdown"]);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Error 429 - too many requests",
            "## How people describe it",
            "## Causes",
            "## Questions",
            "## Steps",
            "## When to escalate",
            "## Prevention",
            "## Related guides",
        ]
    );
    for (i, title) in field(&guide["steps"], "title").iter().enumerate() {
        assert!(
            md.contains(&format!("{}. **{title}**", i + 1)),
            "step {title} is item {} in:\n{md}",
            i + 1
        );
    }
    for related in strings(&guide["related"]) {
        assert!(md.contains(&format!("(`{related}`)")), "related {related}");
    }
}

/// A company guide using every field of the format, with values the test can check exactly.
const FULL_GUIDE: &str = include_str!("../data/guides/crane-log-frozen.yaml");

/// A shipped guide's JSON holds its content. That its references hold (causes fixed, guides
/// linked) is the validator's rule, which the shipped guides pass; the shape of every field is
/// `snapshot_show_json`'s.
#[test]
fn show_json_of_a_built_in_guide_is_complete() {
    let doc = json_of(&["show", "photos", "--format", "json"]);
    let g = &doc["guide"];
    assert_eq!(g["id"], "photos-not-uploading");
    assert_eq!(g["origin"], "built-in");
    assert_eq!(g["file"], "guides/photos-not-uploading.yaml");

    assert!(g["causes"].as_array().expect("causes").len() >= 2);
    assert!(g["questions"].as_array().expect("questions").len() >= 3);
    for q in g["questions"].as_array().expect("questions") {
        assert!(q["ask"].is_string());
        assert!(q["options"].as_array().expect("options").len() >= 2);
    }
    let mut devices_with_lines = BTreeSet::new();
    for s in g["steps"].as_array().expect("steps") {
        assert!(!strings(&s["do"]).is_empty(), "step {} has lines", s["id"]);
        if let Some(lines) = s["devices"].as_object() {
            devices_with_lines.extend(lines.keys().cloned());
        }
    }
    assert!(
        devices_with_lines.contains("ios") && devices_with_lines.contains("android"),
        "device-specific lines are included: {devices_with_lines:?}"
    );
    assert!(!field(&g["escalate"]["signs"], "sign").is_empty());
    assert!(!g["prevent"].as_array().expect("prevent").is_empty());
    assert!(!strings(&g["related"]).is_empty());
}

#[test]
fn unknown_guide_is_a_usage_error_with_a_suggestion() {
    let err = fails(&["show", "photoz"], 2);
    assert_has(&err, &["no guide is called `photoz`"]);
    // Misspellings, and crews' words read through the domain vocabulary
    // (guides/_vocabulary.yaml).
    for (typed, meant) in [
        ("photoz", "photos-not-uploading"),
        ("fotos", "photos-not-uploading"),
        ("photos not uploadng", "photos-not-uploading"),
        ("permision-denied", "permission-denied"),
        ("premission", "permission-denied"),
        ("pics", "photos-not-uploading"),
        ("dailies", "daily-log-not-showing"),
        ("timed-out", "error-408"),
    ] {
        for command in ["show", "diagnose"] {
            let err = fails(&[command, typed], 2);
            assert_has(&err, &[&format!("did you mean `{meant}`?")]);
        }
    }

    let err = fails(&["show", "qqqqqqqq"], 2);
    assert!(!err.contains("did you mean"), "no wild guess: {err}");
    assert!(err.contains("fieldfix list"), "points at the list: {err}");
}

#[test]
fn ambiguous_prefix_is_a_usage_error_listing_the_matches() {
    let errors: Vec<String> = builtin_ids()
        .into_iter()
        .filter(|id| id.starts_with("error-"))
        .collect();
    assert!(
        errors.len() >= 2,
        "the built-in guides have several error-*"
    );
    for args in [&["show", "error"][..], &["diagnose", "error"]] {
        let err = fails(args, 2);
        assert_has(&err, &["`error` could mean"]);
        assert!(err.contains(&errors.join(", ")), "lists {errors:?}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// diagnose

#[test]
fn diagnose_json_reflects_the_flags() {
    let doc = json_of(&words(
        "diagnose photos --device ios --network weak --scope just-me -a what-happens=stall \
         --format json",
    ));
    assert_eq!(
        doc["guide"],
        json!({ "id": "photos-not-uploading", "title": "Photos not uploading" })
    );
    assert_eq!(
        doc["answers"],
        json!({ "device": "ios", "network": "weak", "scope": "just-me", "what-happens": "stall" })
    );
    assert_eq!(doc["tried"], json!([]));
    assert_eq!(doc["skipped"], json!([]));

    // How the causes are weighed and ranked is the engine's (tests/library/engine.rs).
    let asked: BTreeSet<String> = field(&doc["questions"], "id").into_iter().collect();
    for answered in ["device", "network", "scope", "what-happens"] {
        assert!(!asked.contains(answered), "{answered} is not asked again");
    }

    // The answers change the plan.
    let blank = json_of(&["diagnose", "photos", "--format", "json"]);
    assert_ne!(field(&blank["steps"], "id"), field(&doc["steps"], "id"));
    assert_eq!(blank["answers"], json!({}));
}

#[test]
fn the_device_answer_picks_the_step_lines() {
    let unknown = json_of(&["diagnose", "photos", "--format", "json"]);
    let devices: BTreeSet<String> = unknown["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["devices"].as_object().expect("devices").keys().cloned())
        .collect();
    assert!(
        devices.len() > 1,
        "all devices' lines when unknown: {devices:?}"
    );

    let android = json_of(&words("diagnose photos --device android --format json"));
    let mut any = false;
    for s in android["steps"].as_array().expect("steps") {
        let lines = s["devices"].as_object().expect("devices");
        assert!(
            lines.keys().all(|d| d == "android"),
            "only Android lines: {s}"
        );
        any |= !lines.is_empty();
    }
    assert!(any, "some step has Android lines");

    let text = ok(&["diagnose", "photos", "--device", "android"]);
    assert_lacks(&text, &["iPhone/iPad:"]);
    let text = ok(&["diagnose", "photos"]);
    assert!(
        text.contains("iPhone/iPad:") && text.contains("Android:"),
        "{text}"
    );
}

#[test]
fn answers_files_in_yaml_and_json_mean_the_same_as_flags() {
    let dir = GuideDir::new();
    dir.write(
        "answers.yaml",
        "# a site's usual answers\ndevice: ios\nnetwork: weak\nwhat-happens: stall\n\
         tried: [check-signal]\nskipped: [reduce-size]\n",
    );
    dir.write(
        "answers.json",
        r#"{"device": "ios", "network": "weak", "what-happens": "stall",
            "tried": ["check-signal"], "skipped": ["reduce-size"]}"#,
    );
    let in_dir = |args: &[&str]| parse(&ok_in(dir.path(), args), args);
    let flags = in_dir(&words(
        "diagnose photos --device ios --network weak -a what-happens=stall \
         --tried check-signal --skip reduce-size --format json",
    ));
    assert_eq!(flags["answers"]["what-happens"], "stall");
    let yaml = in_dir(&words(
        "diagnose photos --answers answers.yaml --format json",
    ));
    let from_json = in_dir(&words(
        "diagnose photos --answers answers.json --format json",
    ));
    assert_eq!(yaml, flags);
    assert_eq!(from_json, flags);
}

#[test]
fn flags_win_over_the_answers_file() {
    let dir = GuideDir::new();
    let answers = "device: ios\nnetwork: weak\ntried: [check-signal]\n";
    dir.write("answers.yaml", answers);
    let args = words(
        "diagnose photos --answers answers.yaml --device android --tried switch-network \
         --format json",
    );
    let doc = parse(&ok_in(dir.path(), &args), &args);
    assert_eq!(
        doc["answers"],
        json!({ "device": "android", "network": "weak" })
    );
    assert_eq!(doc["tried"], json!(["check-signal", "switch-network"]));
}

/// The id of the first step of a plan.
fn first_step(doc: &Value) -> String {
    let steps = field(&doc["steps"], "id");
    steps.into_iter().next().expect("a first step")
}

/// `diagnose photos --device ios ARGS --format json`.
fn photos_on_ios(args: &[&str]) -> Value {
    let common = ["diagnose", "photos", "--device", "ios"];
    json_of(&[&common[..], args, &["--format", "json"]].concat())
}

#[test]
fn a_skipped_step_leaves_the_plan_but_keeps_its_causes() {
    let base = photos_on_ios(&[]);
    let first = first_step(&base);
    let skipped = photos_on_ios(&["--skip", &first]);
    assert_eq!(skipped["skipped"], json!([first]));
    assert_eq!(skipped["tried"], json!([]));
    let steps = field(&skipped["steps"], "id");
    assert!(!steps.contains(&first), "{steps:?}");
    assert_eq!(
        skipped["causes"], base["causes"],
        "setting a step aside says nothing about the causes"
    );
}

#[test]
fn diagnose_text_and_markdown_show_the_same_plan_as_json() {
    let common = ["diagnose", "photos", "--device", "ios", "--network", "weak"];
    let doc = json_of(&[&common[..], &["--format", "json"][..]].concat());
    let text = ok(&common);
    let md = ok(&[&common[..], &["--format", "markdown"][..]].concat());

    assert!(
        text.starts_with("Photos not uploading  (photos-not-uploading)\n"),
        "{text}"
    );
    // Wrapped lines joined, to find phrases that may span two lines.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_has(&text, &["Answers: device=ios, network=weak"]);
    assert!(md.starts_with("# Photos not uploading\n"), "{md}");
    for heading in ["Most likely causes", "Next steps", "Escalation"] {
        assert!(text.contains(&format!("\n{heading}")), "text has {heading}");
        assert!(
            md.contains(&format!("\n## {heading}")),
            "markdown has {heading}"
        );
    }
    let steps = doc["steps"].as_array().expect("steps");
    for (i, s) in steps.iter().enumerate().take(3) {
        let (id, title) = (
            s["id"].as_str().expect("id"),
            s["title"].as_str().expect("title"),
        );
        assert!(
            flat.contains(&format!("{}. {title} [{id}]", i + 1)),
            "text step {}: {title}\n{text}",
            i + 1
        );
        assert!(
            md.contains(&format!("{}. **{title}** (`{id}`", i + 1)),
            "markdown step {}: {title}\n{md}",
            i + 1
        );
    }
    let top_cause = doc["causes"][0]["title"].as_str().expect("title");
    assert!(flat.contains(top_cause) && md.contains(top_cause));
}

/// One case of each kind of mistake: each kind, for shared questions and set-aside steps too,
/// is engine.rs check_situation_rejects_..., the check `diagnose` makes.
#[test]
fn unknown_questions_values_and_steps_list_the_valid_ones() {
    let show = json_of(&["show", "photos", "--format", "json"]);
    let guide = &show["guide"];
    let mut questions = strings(&json!(["device", "network", "scope"]));
    questions.extend(field(&guide["questions"], "id"));
    let steps = field(&guide["steps"], "id");
    let what_happens = by_id(&guide["questions"], "what-happens");
    let values = field(&what_happens["options"], "value");

    let err = fails(&["diagnose", "photos", "-a", "colour=red"], 2);
    assert_has(&err, &["no question `colour`"]);
    assert!(
        err.contains(&format!("valid questions: {}", questions.join(", "))),
        "{err}"
    );

    let err = fails(&["diagnose", "photos", "-a", "what-happens=sideways"], 2);
    assert_has(&err, &["`sideways` is not an answer to `what-happens`"]);
    assert!(
        err.contains(&format!("valid values: {}", values.join(", "))),
        "{err}"
    );

    let err = fails(&["diagnose", "photos", "--tried", "check-signl"], 2);
    assert_has(
        &err,
        &["no step `check-signl`", "did you mean `check-signal`?"],
    );
    assert!(
        err.contains(&format!("valid steps: {}", steps.join(", "))),
        "{err}"
    );
}

#[test]
fn a_malformed_answer_is_a_usage_error() {
    for bad in ["queue", "=waiting", "queue="] {
        let err = fails(&["diagnose", "photos", "-a", bad], 2);
        assert!(err.contains("QUESTION=VALUE"), "-a {bad}: {err}");
        assert!(
            err.contains(&format!("`{bad}`")),
            "-a {bad} is quoted: {err}"
        );
    }
}

#[test]
fn a_broken_answers_file_is_a_usage_error_naming_file_and_line() {
    let dir = GuideDir::new();
    dir.write("unclosed.yaml", "device: ios\nnetwork: \"weak\n");
    dir.write(
        "comma.json",
        "{\"device\": \"ios\"\n \"network\": \"weak\"}\n",
    );
    dir.write("not-a-list.yaml", "device: ios\ntried: check-signal\n");
    dir.write("typo.yaml", "devcie: ios\n");

    for file in ["unclosed.yaml", "comma.json"] {
        let err = fails_in(dir.path(), &["diagnose", "photos", "--answers", file], 2);
        assert_has(&err, &[&format!("answers file {file}: line 2")]);
    }
    for (file, says) in [
        (
            "not-a-list.yaml",
            &["not-a-list.yaml", "must be a list"][..],
        ),
        ("typo.yaml", &["did you mean `device`?"]),
        ("missing.yaml", &["answers file missing.yaml: cannot read"]),
    ] {
        let err = fails_in(dir.path(), &["diagnose", "photos", "--answers", file], 2);
        assert_has(&err, says);
    }
}

// ---------------------------------------------------------------------------------------------
// Walking a problem from a script

/// Walks a guide the way a script would: diagnose, "try" the first step, report it with
/// `--tried`, and again. Stops when the plan recommends escalating, or (with `to_the_end`) only
/// when no steps are left. Returns every document, the first one before any step was tried.
fn walk(guide: &str, answers: &[&str], to_the_end: bool) -> Vec<Value> {
    let mut tried: Vec<String> = Vec::new();
    let mut docs = Vec::new();
    for _ in 0..50 {
        let mut args = vec!["diagnose", guide, "--format", "json"];
        args.extend(answers);
        for step in &tried {
            args.extend(["--tried", step.as_str()]);
        }
        let doc = json_of(&args);
        assert_eq!(strings(&doc["tried"]), tried, "the tried steps are echoed");
        let steps = field(&doc["steps"], "id");
        for done in &tried {
            assert!(!steps.contains(done), "{done} was tried; plan: {steps:?}");
        }
        let recommended = doc["escalation"]["recommended"]
            .as_bool()
            .expect("escalation.recommended");
        docs.push(doc);
        if steps.is_empty() || (recommended && !to_the_end) {
            return docs;
        }
        let first = steps[0].clone();
        assert!(!tried.contains(&first), "{first} is offered again");
        tried.push(first);
    }
    panic!("the walk through {guide} did not end: {tried:?}");
}

#[test]
fn walking_photos_step_by_step_ends_in_escalation() {
    let docs = walk("photos-not-uploading", &[], false);
    let (start, last) = (&docs[0], &docs[docs.len() - 1]);
    let tried = strings(&last["tried"]);
    assert!(!tried.is_empty(), "some steps are worth trying first");
    let planned = field(&start["steps"], "id");
    for step in &tried {
        assert!(planned.contains(step), "{step} was in the first plan");
    }
    for doc in &docs[..docs.len() - 1] {
        assert_eq!(doc["escalation"]["recommended"], false, "the walk went on");
    }
    let esc = &last["escalation"];
    assert_eq!(esc["recommended"], true);
    assert_eq!(esc["steps_worth_trying"], 0);
    let reasons = strings(&esc["reasons"]);
    assert!(!reasons.is_empty(), "says why");
    // With honest hand-over times (hours for an admin), the walk runs out of steps before
    // handing over is quicker; either way the reason is a plain one.
    assert!(
        reasons[0].contains(esc["contact"].as_str().expect("contact"))
            || reasons[0].contains("has been tried or set aside"),
        "{reasons:?}"
    );
}

#[test]
fn walking_permission_denied_to_the_end_tries_each_step_once() {
    let answers = words("--device computer -a accounts=several -a how-opened=link");
    let docs = walk("permission-denied", &answers, true);
    let (start, last) = (&docs[0], &docs[docs.len() - 1]);
    assert_eq!(
        start["escalation"]["recommended"], false,
        "with these answers a step is worth trying first"
    );
    assert!(
        docs.iter().any(|d| d["escalation"]["recommended"] == true
            && !d["steps"].as_array().expect("steps").is_empty()),
        "escalation is recommended before the steps run out"
    );
    let tried = strings(&last["tried"]);
    let unique: BTreeSet<&String> = tried.iter().collect();
    assert_eq!(unique.len(), tried.len(), "each step once: {tried:?}");
    let planned = field(&start["steps"], "id");
    for step in &tried {
        assert!(planned.contains(step), "{step} was in the first plan");
    }
    assert_eq!(last["steps"], json!([]));
    let esc = &last["escalation"];
    assert_eq!(esc["recommended"], true);
    assert_eq!(
        strings(&esc["reasons"]),
        ["Every step in this guide has been tried or set aside."]
    );
}

// ---------------------------------------------------------------------------------------------
// search

#[test]
fn search_finds_the_right_guide_for_everyday_words() {
    for (words, guide) in [
        ("pics stuck uploading on ipad", "photos-not-uploading"),
        ("keeps sending me back to the login page", "login-loop"),
        (
            "change order approved but budget didnt change",
            "budget-not-updating",
        ),
        ("error 429 too many requests", "error-429"),
    ] {
        let doc = json_of(&["search", words, "--format", "json"]);
        assert_eq!(doc["results"][0]["guide"], guide, "`{words}`: {doc}");
    }
}

#[test]
fn a_company_vocabulary_adds_its_own_words_and_a_clash_names_the_line() {
    let query = ["search", "snaps stuck on the tablet", "--format", "json"];
    let top = |doc: serde_json::Value| doc["results"][0]["guide"].clone();
    assert_ne!(top(json_of(&query)), "photos-not-uploading");
    let with_words = Test::new()
        .guide("_vocabulary.yaml", "terms:\n  photo: [snaps, snap]\n")
        .args(["--guides", crate::support::GUIDES])
        .args(query)
        .run();
    assert_eq!(top(with_words.json()), "photos-not-uploading");

    // A word that already means something else is refused, with its file and line.
    let out = Test::new()
        .guide(
            "_vocabulary.yaml",
            "terms:\n  budget:\n    - money\n    - pics\n",
        )
        .args(["validate", "--guides", crate::support::GUIDES])
        .status(1)
        .run();
    assert_has(
        &out.stdout,
        &[
            "_vocabulary.yaml:4:",
            "`pics` is listed under `photo` already",
        ],
    );
}

/// The document's shape is `snapshot_search_json`'s; scores, their order and the phrases
/// matched are the search's own (crates/fieldfix-engine/src/search).
#[test]
fn search_takes_several_words_and_text_shows_the_phrase_that_matched() {
    // Several words without quotes are one description.
    let doc = json_of(&words("search pics stuck uploading on ipad --format json"));
    assert_eq!(doc["query"], "pics stuck uploading on ipad");
    let results = doc["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 5, "default limit 5");
    assert_eq!(results[0]["guide"], "photos-not-uploading");
    assert_eq!(results[0]["title"], "Photos not uploading");

    let text = ok(&words("search pics stuck uploading on ipad"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        2 * results.len(),
        "two lines per match:\n{text}"
    );
    assert!(
        lines[0].contains("photos-not-uploading  Photos not uploading"),
        "{text}"
    );
    assert!(
        lines[0]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit()),
        "a percentage"
    );
    assert_eq!(
        lines[1].trim(),
        format!(
            "matched: \"{}\"",
            results[0]["matched"].as_str().expect("matched")
        )
    );

    let limited = json_of(&[
        "search",
        "pics stuck uploading",
        "--limit",
        "2",
        "--format",
        "json",
    ]);
    assert!(limited["results"].as_array().expect("results").len() <= 2);
    fails(&["search", "photos", "--limit", "0"], 2);
}

#[test]
fn search_without_a_match_says_so_and_succeeds() {
    let text = ok(&["search", "xyzzy qwerty"]);
    assert_has(&text, &["No guide matches"]);
    assert!(text.contains("fieldfix list"), "suggests the list: {text}");
    let doc = json_of(&["search", "xyzzy qwerty", "--format", "json"]);
    assert_eq!(doc["results"], json!([]));
    assert_eq!(doc["query"], "xyzzy qwerty");
}

// ---------------------------------------------------------------------------------------------
// Exit codes, help and version

#[test]
fn broken_or_missing_company_guides_warn_once_and_the_good_ones_are_used() {
    let dir = GuideDir::new();
    dir.write("bad-syntax.yaml", "id: bad-syntax\ntitle: \"unclosed\n");
    // A guide that reads but breaks a rule (two problems: `frist` is no cause, `first` is
    // fixed by no step) is left out too.
    let broken = minimal_guide("bad-reference").replace("fixes: [first]", "fixes: [frist]");
    dir.write("bad-reference.yaml", &broken);
    dir.write("crane-log-frozen.yaml", &minimal_guide("crane-log-frozen"));
    let folder = dir.path().to_str().expect("UTF-8 path");
    let warning = format!("company guides in {folder} could not be loaded: 3 problems;");
    // The environment variable is the same as the flag.
    for out in [
        Test::new().args(["list", "--guides", folder]).run(),
        Test::new().env("FIELDFIX_GUIDES", folder).arg("list").run(),
    ] {
        assert_has(&out.stdout, &["crane-log-frozen", "photos-not-uploading"]);
        assert_lacks(&out.stdout, &["bad-syntax", "bad-reference"]);
        assert_eq!(out.stderr.matches(&warning).count(), 1, "{}", out.stderr);
        assert_has(&out.stderr, &[format!("run `fieldfix validate {folder}`")]);
    }
    // `validate` itself still fails.
    Test::new().args(["validate", folder]).status(1).run();

    let missing = dir.path().join("nowhere");
    let missing = missing.to_str().expect("UTF-8 path");
    let out = Test::new()
        .args(["show", "photos", "--guides", missing])
        .run();
    assert_has(&out.stdout, &["Photos not uploading"]);
    assert_has(
        &out.stderr,
        &["cannot read the guides folder", "using the built-in guides"],
    );
    assert_eq!(
        out.stderr.matches("os error").count(),
        1,
        "the reason is given once: {}",
        out.stderr
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    for line in [
        "list --format markdown",
        "diagnose photos --format xml",
        "diagnose",
        "show",
        "search",
        "frobnicate",
        "list --colour never",
        "preflight",
        "preflight . --warn-size lots",
        "preflight . --warn-size 0",
        "preflight . --network fast",
        "preflight . --apply",
    ] {
        fails(&words(line), 2);
    }
    let err = fails(&words("validate --format yaml guides"), 2);
    assert_has(&err, &["--format"]);
}

#[test]
fn version_prints_the_package_and_guides_versions() {
    let out = ok(&["--version"]);
    let shape = regex::Regex::new(r"^fieldfix (\S+) \(guides ([0-9a-f]{8}), (\d+) guides\)\n$")
        .expect("regex");
    let caps = shape
        .captures(&out)
        .unwrap_or_else(|| panic!("--version printed {out:?}"));
    assert_eq!(&caps[1], env!("CARGO_PKG_VERSION"));
    // The count is the number of built-in guides `list` shows.
    let list = json_of(&["list", "--format", "json"]);
    let count = list["guides"].as_array().expect("guides array").len();
    assert_eq!(caps[3].parse::<usize>().expect("count"), count, "{out}");
    // The hash is of the files in guides/: names and contents, in name order, LF line ends.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("guides");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("guides/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    let mut content = Vec::new();
    for path in &files {
        let name = path.file_name().expect("name").to_string_lossy();
        let text = std::fs::read_to_string(path)
            .expect("read")
            .replace("\r\n", "\n");
        content.extend_from_slice(format!("{name}\n{}\n", text.len()).as_bytes());
        content.extend_from_slice(text.as_bytes());
    }
    let digest = &fieldfix::sha256_hex(&content)[..8];
    assert_eq!(&caps[2], digest, "{out}");
    // -V prints the same line.
    assert_eq!(ok(&["-V"]), out);
}

// ---------------------------------------------------------------------------------------------
// Pipes and plain output

#[cfg(unix)]
mod pipes {
    use crate::support::Test;

    #[test]
    fn output_into_a_closed_pipe_ends_quietly_with_success() {
        let state = tempfile::tempdir().expect("temp dir");
        for line in [
            "list",
            "show photos --format json",
            "show sync-error",
            "diagnose photos --format json",
            "search photos --format json",
        ] {
            let args = crate::support::words(line);
            let out = Test::new().state(state.path()).args(&args).closed_pipe();
            assert_eq!(
                out.status.code(),
                Some(0),
                "fieldfix {args:?} into a closed pipe"
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                "",
                "fieldfix {args:?}: nothing on stderr"
            );
        }
    }
}

#[test]
fn piped_output_has_no_escape_codes_unless_colour_is_forced() {
    let state = tempfile::tempdir().expect("temp dir");
    for line in ["list", "show photos", "diagnose photos --device ios"] {
        let args = words(line);
        for no_color in [true, false] {
            let mut test = Test::new().state(state.path()).args(&args);
            if !no_color {
                test = test.env_remove("NO_COLOR");
            }
            let out = test.run();
            assert!(
                !out.stdout.contains('\x1b'),
                "fieldfix {args:?} (NO_COLOR set: {no_color}) printed escape codes"
            );
        }
    }
    Test::new()
        .env_remove("NO_COLOR")
        .args(["--color", "always", "show", "photos"])
        .stdout_contains("\x1b")
        .run();

    let err = Test::new()
        .env_remove("NO_COLOR")
        .args(["show", "photoz"])
        .status(2)
        .run();
    assert!(
        !err.stderr.is_empty() && !err.stderr.contains('\x1b'),
        "plain errors"
    );
}

/// Lines longer than 80 columns, with their command.
fn long_lines(label: &str, text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > 80)
        .map(|l| format!("{label}: {l}"))
        .collect()
}

#[test]
fn piped_text_fits_in_80_columns() {
    let mut long = Vec::new();
    for line in [
        "show photos",
        "show sync-error",
        "diagnose photos --device ios --network weak",
        "diagnose permission-denied",
    ] {
        long.extend(long_lines(line, &ok(&words(line))));
    }
    assert!(
        long.is_empty(),
        "lines over 80 columns:\n{}",
        long.join("\n")
    );
}

#[test]
fn every_guide_renders_in_80_columns() {
    use fieldfix::engine::{self, Situation};
    use fieldfix::output::{Diagnosis, Paint, text};

    let library = crate::support::library();
    let paint = Paint::plain();
    let mut long = Vec::new();
    for guide in &library.guides {
        long.extend(long_lines(
            &format!("show {}", guide.id),
            &text::show(guide, &library, &paint),
        ));
        let situations = [
            Situation::default(),
            Situation {
                answers: [
                    ("device", "ios"),
                    ("network", "weak"),
                    ("scope", "several-people"),
                ]
                .map(|(q, v)| (q.to_owned(), v.to_owned()))
                .into(),
                ..Situation::default()
            },
            Situation {
                answers: [("device".to_owned(), "computer".to_owned())].into(),
                ..Situation::default()
            },
        ];
        for situation in &situations {
            let plan = engine::diagnose(&library.context, guide, situation);
            let d = Diagnosis {
                library: &library,
                guide,
                situation,
                plan: &plan,
            };
            long.extend(long_lines(
                &format!("diagnose {} {:?}", guide.id, situation.answers),
                &text::diagnosis(&d, &paint),
            ));
        }
    }
    assert!(
        long.is_empty(),
        "lines over 80 columns:\n{}",
        long.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshots: the JSON documents scripts depend on (the help text's are in help.rs). Review changes with
// `INSTA_UPDATE=always cargo test` (or `cargo insta review`) and commit the .snap files.

/// `list --format json` beside the fixture guide, with the built-in guides' entries left out:
/// the snapshot is of the document's shape and a guide written for the test, and never changes
/// when a shipped guide is added or edited (the built-in entries are checked field by field in
/// `list_prints_one_line_per_guide_matching_the_json`).
#[test]
fn snapshot_list_json() {
    let text = on_fixture_guide(&["list", "--format", "json"]);
    let mut doc: Value = serde_json::from_str(&text).expect("list JSON");
    let guides = doc["guides"].as_array_mut().expect("guides");
    let before = guides.len();
    guides.retain(|g| g["origin"] != "built-in");
    assert!(before > guides.len(), "the built-in guides are listed too");
    let kept = serde_json::to_string_pretty(&doc).expect("JSON");
    insta::assert_snapshot!("list_fixture_json", kept);
}

/// Runs `args` (checked as JSON where they ask for it) in a folder that holds the small fixture guide [`FULL_GUIDE`] as `company/`:
/// the JSON snapshots are of a guide written for the test, so editing a shipped guide never
/// changes them.
fn on_fixture_guide(args: &[&str]) -> String {
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(work.path().join("company")).expect("mkdir");
    std::fs::write(
        work.path().join("company/crane-log-frozen.yaml"),
        FULL_GUIDE,
    )
    .expect("write");
    let mut all = vec!["--guides", "company"];
    all.extend_from_slice(args);
    let stdout = ok_in(work.path(), &all);
    // A JSON document carries its schema version.
    if all.contains(&"json") {
        parse(&stdout, &all);
    }
    stdout
}

#[test]
fn snapshot_show_json() {
    let text = on_fixture_guide(&["show", "crane", "--format", "json"]);
    insta::assert_snapshot!("show_fixture_json", text);
}

#[test]
fn snapshot_diagnose_json() {
    let text = on_fixture_guide(&words(
        "diagnose crane --device ios -a since=update --format json",
    ));
    insta::assert_snapshot!("diagnose_fixture_ios_json", text);
}

/// `search --format json` on the fixture guide: its phrases, not the shipped guides', match.
#[test]
fn snapshot_search_json() {
    let text = on_fixture_guide(&[
        "search",
        "crane log frozen",
        "--limit",
        "1",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("search_fixture_json", text);
}

#[test]
fn diagnose_text_says_why_a_quick_step_comes_first() {
    let text = on_fixture_guide(&words("diagnose crane --device ios -a since=update"));
    // The same plan as the JSON snapshot: its first step is quicker, not likelier.
    assert_has(
        &text,
        &["A 4-minute step first: the likelier one takes 6 minutes."],
    );
}

#[test]
fn snapshot_validate_json_of_a_broken_folder() {
    let work = tempfile::tempdir().expect("temp dir");
    let company = work.path().join("company");
    std::fs::create_dir(&company).expect("mkdir");
    let guide = minimal_guide("bad-reference").replace("fixes: [second]", "fixes: [secnd]");
    std::fs::write(company.join("bad-reference.yaml"), guide).expect("write");
    let guide = minimal_guide("misspelt-field").replace(
        "  - tip: Be careful.\n",
        "  - tip: Be careful.\n    colour: red\n",
    );
    std::fs::write(company.join("misspelt-field.yaml"), guide).expect("write");
    std::fs::write(
        company.join("bad-syntax.yaml"),
        "id: bad-syntax\ntitle: \"unclosed\n",
    )
    .expect("write");

    // A relative path from the working folder keeps the temp folder out of the output.
    let args = ["validate", "company", "--format", "json"];
    let out = Test::new()
        .state(work.path())
        .args(args)
        .status(1)
        .stderr("")
        .run();
    insta::assert_snapshot!("validate_broken_folder_json", out.stdout);
}

/// `diagnose` on the built-in guides loads only the guide it needs; the answer must be the same
/// as with the whole library loaded (an empty `--guides` folder takes that path).
#[test]
fn diagnose_loading_one_guide_answers_like_the_whole_library() {
    let state = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    for line in [
        "diagnose photos --device ios --network weak --format json",
        "diagnose perm --scope several-people --format json",
        "diagnose rfis --tried refresh",
    ] {
        let args = words(line);
        let one = Test::new().state(state.path()).args(&args).run();
        let whole = Test::new()
            .state(state.path())
            .guides(empty.path())
            .args(&args)
            .run();
        assert_eq!(one.stdout, whole.stdout, "{args:?}");
    }
}

#[test]
fn a_long_list_of_guide_problems_is_capped_on_screen() {
    let dir = GuideDir::new();
    for i in 0..13 {
        dir.write(&format!("bad-{i}.yaml"), "id: x\ntitle: \"unclosed\n");
    }
    let folder = dir.path().to_str().expect("UTF-8 path");
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    let err = fails(&["export", "--guides", folder, "--out", out], 1);
    assert_eq!(err.matches("unclosed quote").count(), 10, "{err}");
    assert_has(&err, &["…and 3 more; run `fieldfix validate DIR`"]);
}

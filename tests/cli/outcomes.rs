//! The outcome log (issue 16): the wizard appends a record per session, `fieldfix outcomes`
//! summarises and exports it, `fieldfix tune` learns better numbers from many logs and writes
//! overrides that validate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fieldfix::engine::{self, Situation};
use fieldfix::guides::{self, Library, model::Guide};
use fieldfix::outcomes::{Ending, Record, StepOutcome, StepResult, guide_hash};
use fieldfix::wizard::FixRequest;
use fieldfix::wizard::session::Store;

use crate::support::{
    Auto, CONTEXT, Rng, Test, assert_has, assert_lacks, by_id, fails_in, library, request, walk_in,
};

fn photos_request(no_log: bool) -> FixRequest {
    FixRequest {
        no_log,
        ..request(Some("photos"), &CONTEXT)
    }
}

/// Runs the wizard on the photos guide in `dir` (its state folder and ticket folder) with
/// [`Auto::in_turn`]`(steps)`; what it showed.
fn wizard(dir: &Path, request: &FixRequest, steps: &[&'static str]) -> Vec<String> {
    let mut p = Auto::in_turn(steps);
    walk_in(&library(), request, dir, &mut p).expect("the walk ends");
    p.inner.transcript
}

fn records_in(path: &Path) -> Vec<Record> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record per line"))
        .collect()
}

const NOTE: &str = "Outcome log:";

#[test]
fn the_wizard_appends_one_record_per_session_and_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let said = wizard(
        dir.path(),
        &photos_request(false),
        &["Didn't help", "Fixed it"],
    );
    assert_eq!(said.iter().filter(|l| l.contains(NOTE)).count(), 1);
    // Before the first record: the first thing shown, ahead of any question.
    assert!(said[0].contains(NOTE), "{said:#?}");
    let note = format!("{} {}", said[0], said[1]).replace('\n', " ");
    let log = dir.path().join("outcomes.jsonl");
    for told in [
        "FIELDFIX_NO_LOG=1",
        "for good",
        "--no-log",
        "delete this file",
        &log.display().to_string(),
    ] {
        assert!(note.contains(told), "{told:?} missing: {note}");
    }
    let records = records_in(&log);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    let library = library();
    let guide = library.guide("photos-not-uploading").unwrap();
    assert_eq!(r.record, 1);
    assert_eq!(r.guide, "photos-not-uploading");
    assert_eq!(r.guide_hash, guide_hash(guide));
    assert_eq!(r.outcome, Ending::Fixed);
    assert_eq!(r.answers.get("device").map(String::as_str), Some("ios"));
    let results: Vec<StepResult> = r.steps.iter().map(|s| s.result).collect();
    assert_eq!(results, [StepResult::DidNotHelp, StepResult::Fixed]);
    assert!(r.minutes >= 0.0);
    // Values only: no titles, no free text.
    let line = std::fs::read_to_string(&log).unwrap();
    assert_lacks(&line, &[&guide.title]);

    // A second session: a ticket this time, appended, and no second note.
    let said = wizard(dir.path(), &photos_request(false), &["and it to "; 1]);
    assert!(!said.iter().any(|l| l.contains(NOTE)));
    let records = records_in(&log);
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[1].outcome,
        Ending::Saved,
        "Esc at the ticket details saves"
    );
}

#[test]
fn no_log_keeps_no_log_and_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let said = wizard(dir.path(), &photos_request(true), &["Fixed it"]);
    assert!(!said.iter().any(|l| l.contains(NOTE)));
    assert!(!dir.path().join("outcomes.jsonl").exists());
}

#[test]
fn saved_then_discarded_sessions_are_logged_unless_fieldfix_no_log_is_set() {
    for (env, logged) in [(None, true), (Some("1"), false), (Some("0"), true)] {
        let dir = tempfile::tempdir().unwrap();
        // Save and quit at the first step, keeping no log.
        wizard(dir.path(), &photos_request(true), &["Save and quit"]);
        let saved = Store::at(dir.path()).latest().expect("a saved session");
        let mut test = Test::new()
            .state(dir.path())
            .args(["sessions", "discard", &saved.id]);
        if let Some(v) = env {
            test = test.env("FIELDFIX_NO_LOG", v);
        }
        let out = test.run();
        let records = records_in(&dir.path().join("outcomes.jsonl"));
        assert_eq!(
            records.len(),
            usize::from(logged),
            "FIELDFIX_NO_LOG={env:?}"
        );
        if logged {
            assert_eq!(records[0].outcome, Ending::Abandoned);
            assert!(out.stderr.contains(NOTE));
        }
    }
    // The flag does the same as the variable.
    let dir = tempfile::tempdir().unwrap();
    wizard(dir.path(), &photos_request(true), &["Save and quit"]);
    let saved = Store::at(dir.path()).latest().unwrap();
    Test::new()
        .state(dir.path())
        .args(["--no-log", "sessions", "discard", &saved.id])
        .run();
    assert!(!dir.path().join("outcomes.jsonl").exists());
}

/// A record by hand.
fn record(session: &str, guide: &Guide, outcome: Ending, steps: &[(&str, StepResult)]) -> Record {
    Record {
        record: 1,
        fieldfix: "0.1.0".to_owned(),
        guide: guide.id.clone(),
        guide_hash: guide_hash(guide),
        session: session.to_owned(),
        answers: BTreeMap::from([("device".to_owned(), "computer".to_owned())]),
        unknown: Vec::new(),
        steps: steps
            .iter()
            .map(|(s, r)| StepOutcome {
                step: s.to_string(),
                result: *r,
            })
            .collect(),
        outcome,
        minutes: 4.0 + session.len() as f64,
        at: format!("2026-03-01T10:00:{:02}Z", session.len()),
        switches: Vec::new(),
    }
}

fn lines(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

/// Three sessions of error-429: fixed by stop-and-wait, fixed after it failed, and a ticket.
fn small_log() -> Vec<Record> {
    let library = library();
    let g = library.guide("error-429").unwrap();
    use StepResult::*;
    vec![
        record("a", g, Ending::Fixed, &[("stop-and-wait", Fixed)]),
        record(
            "bb",
            g,
            Ending::Fixed,
            &[("stop-and-wait", DidNotHelp), ("upload-in-batches", Fixed)],
        ),
        record("ccc", g, Ending::Ticket, &[("stop-and-wait", DidNotHelp)]),
    ]
}

/// A [`Test`] whose state folder (returned too: it lives as long as that) holds [`small_log`]
/// as `name`.
fn small_log_test(name: &str) -> (tempfile::TempDir, Test) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), lines(&small_log())).unwrap();
    let test = Test::new().state(dir.path());
    (dir, test)
}

#[test]
fn outcomes_summarises_the_log_as_text_and_json_and_exports_it() {
    let (dir, test) = small_log_test("outcomes.jsonl");
    let out = test.arg("outcomes").run();
    let text = out.stdout;
    assert_has(
        &text,
        &[
            "3 sessions (3 records)",
            "error-429 — ",
            "2 fixed, 1 ticket",
            "67% of the sessions that ended were fixed; median 6 min",
        ],
    );
    let row = text.lines().find(|l| l.contains("stop-and-wait")).unwrap();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["stop-and-wait", "1", "2", "0", "0"]
    );

    // As JSON, pinned (docs/json.md, docs/outcomes.md).
    let out = Test::new()
        .state(dir.path())
        .args(["outcomes", "--format", "json"])
        .stderr("")
        .run();
    insta::assert_snapshot!("outcomes_json", out.stdout);

    let out = Test::new()
        .state(dir.path())
        .args(["outcomes", "export"])
        .run();
    let exported: Vec<Record> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(exported, small_log());
}

#[test]
fn outcomes_reports_the_most_common_switches_between_guides() {
    let library = library();
    let login = library.guide("login-loop").unwrap();
    let switch = |from: &str, to: &str| fieldfix::outcomes::Switch {
        from: from.into(),
        to: to.into(),
    };
    let mut log = small_log();
    for (i, switches) in [
        vec![switch("login-loop", "two-step-login")],
        vec![switch("login-loop", "two-step-login")],
        vec![switch("app-not-working", "sync-error")],
    ]
    .into_iter()
    .enumerate()
    {
        log.push(Record {
            switches,
            ..record(&format!("sw{i}"), login, Ending::Fixed, &[])
        });
    }
    let mut text = lines(&log);
    // A record written before switches were kept still reads.
    let old = lines(&[record("old", login, Ending::Ticket, &[])]);
    assert!(!old.contains("switches"));
    text.push_str(&old);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("outcomes.jsonl"), text).unwrap();

    let out = Test::new().state(dir.path()).arg("outcomes").run();
    let text = out.stdout;
    assert_has(&text, &["7 sessions"]);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.contains("It's a different problem"))
        .skip(2)
        .take(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["login-loop", "two-step-login", "2"],
            ["app-not-working", "sync-error", "1"]
        ],
        "{text}"
    );

    let json = outcomes_json(dir.path());
    assert_eq!(
        json["confusions"],
        serde_json::json!([
            {"from": "login-loop", "to": "two-step-login", "sessions": 2},
            {"from": "app-not-working", "to": "sync-error", "sessions": 1}
        ])
    );
}

#[test]
fn a_line_that_is_not_utf8_is_skipped_naming_file_and_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = lines(&small_log());
    let mut bytes = good.as_bytes().to_vec();
    // One byte of a line damaged: that line goes, the others stay.
    let second = good.find('\n').unwrap() + 10;
    bytes[second] = 0xff;
    std::fs::write(dir.path().join("outcomes.jsonl"), bytes).unwrap();
    let out = Test::new()
        .state(dir.path())
        .args(["outcomes", "export"])
        .stderr_contains("outcomes.jsonl:2: skipped not an outcome record (not UTF-8 text")
        .run();
    assert_eq!(
        out.stdout.lines().count(),
        small_log().len() - 1,
        "{}",
        out.stdout
    );
}

#[test]
fn the_log_rotates_past_its_cap_and_outcomes_reads_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("outcomes.jsonl");
    let one = lines(&small_log()[..1]);
    let copies = fieldfix::outcomes::log::MAX_LOG_BYTES as usize / one.len() + 1;
    std::fs::write(&log, one.repeat(copies)).unwrap();
    wizard(dir.path(), &photos_request(false), &["Fixed it"]);
    assert_eq!(records_in(&log).len(), 1, "a fresh log");
    let old = dir.path().join("outcomes.1.jsonl");
    assert_eq!(records_in(&old).len(), copies);
    let json = outcomes_json(dir.path());
    assert_eq!(json["records"], copies + 1);
}

/// `fieldfix outcomes --format json` in `dir`.
fn outcomes_json(dir: &Path) -> serde_json::Value {
    let args = ["outcomes", "--format", "json"];
    Test::new().state(dir).args(args).run().json()
}

#[test]
fn a_missing_or_foreign_file_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails_in(dir.path(), &["tune", "no-such.jsonl"], 2);
    assert_has(&err, &["no-such.jsonl: no such file or folder"]);
    std::fs::write(dir.path().join("sheet.jsonl"), "guide,minutes\nphotos,3\n").unwrap();
    let err = fails_in(dir.path(), &["tune", "sheet.jsonl"], 2);
    assert_has(&err, &["sheet.jsonl:1: not an outcome record"]);
    // The same for the local log.
    std::fs::write(dir.path().join("outcomes.jsonl"), "not json\n").unwrap();
    let err = fails_in(dir.path(), &["outcomes"], 2);
    assert_has(&err, &["outcomes.jsonl:1: not an outcome record"]);
}

/// `fieldfix validate DIR` passes.
fn assert_validates(state: &Path, dir: &Path) {
    Test::new().state(state).arg("validate").arg(dir).run();
}

/// `n` sessions of `guide` as the wizard would run them (the engine's plan on the guide's
/// numbers), the faults drawn from `truth`: the same guide with other numbers.
fn simulate(library: &Library, guide: &Guide, truth: &Guide, n: usize) -> Vec<Record> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut records = Vec::new();
    for i in 0..n {
        let mut s = Situation::default();
        for q in &library.context {
            let k = rng.pick(&vec![1.0; q.options.len()]);
            s.answers.insert(q.id.clone(), q.options[k].value.clone());
        }
        let cause = &truth.causes[rng.pick(&engine::probabilities(truth, &s))].id;
        let answers = s.answers.clone();
        let mut steps = Vec::new();
        let outcome = loop {
            let plan = engine::plan(guide, &s);
            let Some(next) = plan.steps.first().filter(|_| !plan.escalation.recommended) else {
                break Ending::Ticket;
            };
            let step = truth.step(&next.id).unwrap();
            if step.fixes.contains(cause) && rng.next() < step.success {
                steps.push((next.id.clone(), StepResult::Fixed));
                break Ending::Fixed;
            }
            steps.push((next.id.clone(), StepResult::DidNotHelp));
            s.tried.push(next.id.clone());
        };
        records.push(Record {
            answers,
            steps: steps
                .into_iter()
                .map(|(step, result)| StepOutcome { step, result })
                .collect(),
            minutes: 5.0,
            at: format!("2026-03-01T10:{:02}:{:02}Z", i / 60 % 60, i % 60),
            ..record(&format!("sim-{i}"), guide, outcome, &[])
        });
    }
    records
}

/// Checks `tune --format json` over [`error_429_logs`]: the suggestions are near the truth and
/// supported, the other version's session skipped. Returns the suggested stop-and-wait success.
fn assert_tuned_toward_truth(stdout: &str) -> f64 {
    let json: serde_json::Value = serde_json::from_str(stdout).unwrap();
    assert_eq!(json["used"], 400);
    assert_eq!(json["skipped"][0]["reason"], "other-version");
    assert_eq!(json["skipped"][0]["sessions"], 1);
    let g = &json["guides"][0];
    let step = by_id(&g["steps"], "stop-and-wait");
    let suggested = step["suggested"].as_f64().unwrap();
    assert!(
        (suggested - 0.9).abs() < 0.08,
        "stop-and-wait: suggested {suggested}, truth 0.9, guide 0.4"
    );
    assert_eq!(step["supported"], true);
    let cause = |id: &str| by_id(&g["causes"], id).clone();
    let many = cause("many-uploads");
    let share = |c: &serde_json::Value, key: &str| c[key].as_f64().unwrap() / 100.0;
    // The guide says 18 of 100, the truth 60 of 100; integration 40, the truth 10.
    assert!((share(&many, "suggested") - 0.6).abs() < 0.1, "{many}");
    assert_eq!(many["supported"], true);
    let integration = cause("integration");
    assert!(
        (share(&integration, "suggested") - 0.1).abs() < 0.1,
        "{integration}"
    );
    assert_eq!(integration["supported"], true);
    suggested
}

/// A company folder whose `error-429` override says stop-and-wait works 40% of the time, and
/// logs of 400 simulated sessions where it really works 90% (and many uploads are the usual
/// cause), plus one session of another guide version: (company folder, logs folder).
fn error_429_logs(dir: &Path) -> (PathBuf, PathBuf) {
    // The company's guide says stop-and-wait fixes its causes 40% of the time; really 90%. And
    // many uploads are the usual cause, not the third.
    let company = dir.join("company");
    std::fs::create_dir(&company).unwrap();
    std::fs::write(
        company.join("error-429.override.yaml"),
        "override: error-429\nsteps:\n  - id: stop-and-wait\n    success: 0.4\n",
    )
    .unwrap();
    let library = guides::load(Some(&company)).unwrap();
    let guide = library.guide("error-429").unwrap();
    let mut truth = guide.clone();
    truth
        .steps
        .iter_mut()
        .find(|s| s.id == "stop-and-wait")
        .unwrap()
        .success = 0.9;
    for (cause, likelihood) in [
        ("integration", 10.0),
        ("own-script", 10.0),
        ("many-uploads", 60.0),
        ("sync-backlog", 20.0),
    ] {
        truth
            .causes
            .iter_mut()
            .find(|c| c.id == cause)
            .unwrap()
            .likelihood = likelihood;
    }
    let mut records = simulate(&library, guide, &truth, 400);
    // Sessions of another version of the guide are reported and skipped.
    let mut other = records[0].clone();
    other.guide_hash = "0000000000000000".to_owned();
    other.session = "old".to_owned();
    records.push(other);
    let logs = dir.join("logs");
    std::fs::create_dir_all(logs.join("crew-b")).unwrap();
    std::fs::write(logs.join("crew-a.jsonl"), lines(&records[..200])).unwrap();
    std::fs::write(logs.join("crew-b/outcomes.jsonl"), lines(&records[200..])).unwrap();

    (company, logs)
}

#[test]
fn tune_moves_the_numbers_toward_the_truth_and_writes_an_override_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let (company, logs) = error_429_logs(dir.path());
    let out_dir = dir.path().join("tuned");
    let tune = |extra: &[&str]| {
        Test::new()
            .state(dir.path())
            .guides(&company)
            .arg("tune")
            .arg(&logs)
            .args(["--format", "json", "--write"])
            .arg(&out_dir)
            .args(extra)
            .output()
    };
    let out = tune(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let suggested = assert_tuned_toward_truth(&out.stdout);

    let written = out_dir.join("error-429.tuned.override.yaml");
    let yaml = std::fs::read_to_string(&written).unwrap();
    assert_has(&yaml, &["- id: stop-and-wait", "# was 0.4; tried in"]);
    assert_validates(dir.path(), &out_dir);
    // Never overwritten without --force.
    let out = tune(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--force"));
    assert!(tune(&["--force"]).code == 0);
    // A link to nothing is a path that exists too: the same refusal, not a failed write.
    #[cfg(unix)]
    {
        let kept = dir.path().join("kept.yaml");
        std::fs::rename(&written, &kept).unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &written).unwrap();
        let out = tune(&[]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_has(
            &out.stderr,
            &["already exists: move it away, or pass --force"],
        );
        std::fs::remove_file(&written).unwrap();
        std::fs::rename(&kept, &written).unwrap();
    }

    // Rolled out beside the company's own override: it validates, and the sessions run before
    // it still count (the version without the tuned overrides is a known one).
    std::fs::copy(&written, company.join("error-429.tuned.override.yaml")).unwrap();
    assert_validates(dir.path(), &company);

    let json = tune(&["--force"]).json();
    assert_eq!(json["used"], 400);
    let now = &json["guides"][0]["steps"][0];
    assert_eq!(now["id"], "stop-and-wait");
    assert_eq!(
        now["current"], suggested,
        "the guide now has the tuned number"
    );
}

#[test]
fn tune_prints_current_and_suggested_values_with_their_evidence() {
    let (_dir, test) = small_log_test("log.jsonl");
    let out = test.args(["tune", "log.jsonl"]).run();
    let text = out.stdout;
    assert_has(&text, &["3 sessions used", "step success", "90% interval"]);
    let row = text.lines().find(|l| l.contains("stop-and-wait")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells[0], "stop-and-wait",
        "three sessions support no change: {row}"
    );
    assert_eq!(cells[1], "0.6");
    assert_has(&text, &["No change is supported"]);
}

#[test]
fn an_override_sets_likelihood_and_success_checked_like_a_guide() {
    let guides = crate::support::GuideDir::new();
    guides.write(
        "error-429.override.yaml",
        "override: error-429\ncauses:\n  - id: many-uploads\n    likelihood: 0\nsteps:\n  - id: stop-and-wait\n    success: 1.5\n",
    );
    let dir = tempfile::tempdir().unwrap();
    Test::new()
        .state(dir.path())
        .arg("validate")
        .arg(guides.path())
        .status(1)
        .stdout_contains("likelihood must be a number greater than 0")
        .stdout_contains("success must be a number above 0 and at most 1")
        .run();
    guides.write(
        "error-429.override.yaml",
        "override: error-429\ncauses:\n  - id: many-uploads\n    likelihood: 55\nsteps:\n  - id: stop-and-wait\n    success: 0.75\n",
    );
    let show = crate::support::show_json(dir.path(), guides.path(), "error-429");
    let guide = show.get("guide").unwrap_or(&show);
    let many = by_id(&guide["causes"], "many-uploads");
    assert_eq!(many["likelihood"], 55.0);
    let step = by_id(&guide["steps"], "stop-and-wait");
    assert_eq!(step["success"], 0.75);
}

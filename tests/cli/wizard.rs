//! The wizard's behaviour through a scripted prompter: every screen, answer and ending,
//! without a terminal. (The real-terminal wiring is covered in `pty.rs`.)

use std::path::Path;

use fieldfix::guides::model::Target;
use fieldfix::guides::{self, Library};
use fieldfix::output::Format;
use fieldfix::wizard::session::{Phase, Store};
use fieldfix::wizard::{Ending, FixRequest, TicketPlan, walk};

use crate::support::{
    Auto, CONTEXT, Policy, ScriptPrompter, Scripted, Test, assert_has, assert_lacks, by_id,
    enter_at_input, library, pick, quit_at_input, read_json, request, tickets, typed, walk_in,
};

/// `guide` on a computer with a good connection, just me.
fn on_a_computer(guide: &str) -> FixRequest {
    on_a_computer_for(guide, "just-me")
}

/// `guide` on a computer with a good connection, for `scope` ("just-me" or "several-people").
fn on_a_computer_for(guide: &str, scope: &str) -> FixRequest {
    request(
        Some(guide),
        &[
            ("device", "computer"),
            ("network", "good"),
            ("scope", scope),
        ],
    )
}

/// Runs the wizard on a fixed script; returns the ending, the transcript and unused answers.
fn run(
    request: &FixRequest,
    script: Vec<Scripted>,
    dir: &Path,
) -> (Ending, Vec<String>, Vec<Scripted>) {
    let mut p = ScriptPrompter::new(script);
    let store = Store::at(dir);
    let ending = walk(
        &library(),
        request,
        &tickets(dir, Format::Markdown),
        &mut p,
        &store,
    )
    .unwrap_or_else(|e| {
        panic!(
            "the walk failed: {e:#}\ntranscript:\n{}",
            p.transcript.join("\n")
        )
    });
    (ending, p.transcript, p.answers.into_iter().collect())
}

/// [`run`], which must end with the session saved; returns the transcript.
fn run_to_save(request: &FixRequest, script: Vec<Scripted>, dir: &Path) -> String {
    let (ending, transcript, _) = run(request, script, dir);
    let text = transcript.join("\n");
    assert_eq!(ending, Ending::Saved, "{text}");
    text
}

/// A request to resume the saved session.
fn resume() -> FixRequest {
    FixRequest {
        resume: true,
        ..FixRequest::default()
    }
}

/// Asserts that `text` holds no character that could drive a terminal (a line break aside).
#[track_caller]
fn assert_safe(what: &str, text: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|&c| fieldfix::safe::is_unsafe(c) && c != '\n')
        .collect();
    assert!(raw.is_empty(), "{what}: {raw:?} in:\n{text}");
}

fn walk_with(p: &mut Auto, request: &FixRequest, dir: &Path, format: Format) -> Ending {
    walk(
        &library(),
        request,
        &tickets(dir, format),
        p,
        &Store::at(dir),
    )
    .unwrap_or_else(|e| panic!("the walk failed: {e:#}\ntranscript:\n{}", p.transcript()))
}

/// The finished session is cleared from `dir`.
#[track_caller]
fn assert_cleared(dir: &Path) {
    let saved = Store::at(dir).list().saved;
    assert!(saved.is_empty(), "a finished session is cleared");
}

fn step_cards(transcript: &[String]) -> Vec<String> {
    transcript
        .iter()
        .filter(|l| l.contains("Step "))
        .cloned()
        .collect()
}

#[test]
fn answers_given_by_flag_are_not_asked_and_didnt_help_then_fixed_ends_well() {
    let dir = tempfile::tempdir().unwrap();
    let req = request(Some("photos"), &CONTEXT);
    let mut p = Auto::in_turn(&["Didn't help", "Fixed it"]);
    let ending = walk_with(&mut p, &req, dir.path(), Format::Markdown);
    let transcript = &p.inner.transcript;
    assert_eq!(ending, Ending::Fixed);
    assert!(
        !transcript
            .iter()
            .any(|l| l.contains("What is the problem happening on")
                || l.contains("internet connection")),
        "context given by flags must not be asked:\n{}",
        transcript.join("\n")
    );
    let cards = step_cards(transcript);
    assert_eq!(cards.len(), 2, "two step cards:\n{}", transcript.join("\n"));
    assert_ne!(
        cards[0].lines().nth(1),
        cards[1].lines().nth(1),
        "the second step is another one"
    );
    assert!(transcript.iter().any(|l| l.contains("it's fixed")));
    assert!(
        transcript
            .iter()
            .any(|l| l.contains("To keep it from coming back")),
        "prevention tips are shown"
    );
    assert_cleared(dir.path());
}

#[test]
fn a_clear_description_starts_its_guide_and_answers_what_it_says() {
    for (req, script) in [
        // Typed on the first screen...
        (
            request(None, &[]),
            vec![typed("photos stuck uploading on my iPad"), Scripted::Quit],
        ),
        // ...or given as words to `fix`.
        (
            request(Some("photos stuck uploading on my iPad"), &[]),
            vec![Scripted::Quit],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let text = run_to_save(&req, script, dir.path());
        assert_has(
            &text,
            &["You said iPad: An iPhone or iPad (Procore app) (change with Back)"],
        );
        assert_lacks(&text, &["What is the problem happening on"]);
        assert_has(&text, &["? How is the internet connection"]);
        let saved = Store::at(dir.path()).latest().unwrap();
        assert_eq!(saved.walk.guide, "photos-not-uploading");
        assert_eq!(saved.walk.situation.answer("device"), Some("ios"));
    }
}

#[test]
fn back_after_a_presumed_answer_asks_it_and_back_again_returns_to_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let script = vec![
        typed("photos stuck uploading on my iPad"),
        pick("Back"), // at the first question asked: back to the device, now asked
        pick("Back"), // at the device, the first question: the problem list
        pick("Permission denied"), // the description still says iPad
        Scripted::Quit,
    ];
    let text = run_to_save(&request(None, &[]), script, dir.path());
    assert_eq!(
        text.matches("? What is the problem happening on?").count(),
        1,
        "{text}"
    );
    assert_has(&text, &["? Which problem is it?"]);
    let saved = Store::at(dir.path()).latest().unwrap();
    assert_eq!(saved.walk.guide, "permission-denied");
    assert_eq!(saved.walk.situation.answer("device"), Some("ios"));
    assert_eq!(
        saved.walk.described, "photos stuck uploading on my iPad",
        "the user's words are kept"
    );
}

#[test]
fn enter_on_the_first_screen_lists_the_problems_by_title() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Auto::new(
        Box::new(|prompt, _| {
            assert_eq!(prompt, "Which problem is it?");
            Scripted::Quit
        }),
        enter_at_input(),
    );
    walk_with(&mut p, &request(None, &[]), dir.path(), Format::Markdown);
    let items = &p.menus[0].items;
    let titles = &items[..items.len() - 2];
    let mut sorted = titles.to_vec();
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(titles, sorted.as_slice());
    assert_eq!(titles.len(), library().guides.len());
    assert!(
        titles.contains(&"Photos not uploading".to_owned()),
        "{titles:?}"
    );
    assert!(
        items[items.len() - 2].starts_with("Something else"),
        "{items:?}"
    );
    assert!(
        items
            .last()
            .unwrap()
            .starts_with("None of these: write a ticket"),
        "{items:?}"
    );
}

#[test]
fn diagnose_describe_answers_the_shared_questions_it_mentions() {
    let json = Test::new()
        .args([
            "diagnose",
            "photos",
            "--describe",
            "pics stuck on my Galaxy, no signal",
        ])
        .args(["--network", "weak", "--format", "json"])
        .run()
        .json();
    let answers = json["answers"].to_string();
    assert_has(&answers, &["android"]);
    assert!(
        answers.contains("weak") && !answers.contains("offline"),
        "a flag wins over the description: {answers}"
    );
}

#[test]
fn quitting_saves_and_resume_continues_at_the_same_step() {
    let dir = tempfile::tempdir().unwrap();
    let req = on_a_computer("rfi");
    let mut p = Auto::steps(Scripted::Quit, quit_at_input());
    assert_eq!(
        walk_with(&mut p, &req, dir.path(), Format::Markdown),
        Ending::Saved
    );
    let card = step_cards(&p.inner.transcript).pop().expect("a step card");
    assert_has(&card, &["Step 1:"]);
    assert_eq!(
        Store::at(dir.path()).latest().unwrap().walk.phase,
        Phase::Steps
    );
    let (ending, again, _) = run(&resume(), vec![Scripted::Quit], dir.path());
    assert_eq!(ending, Ending::Saved);
    assert!(
        again
            .iter()
            .any(|l| l.contains("Picking up 'RFI not updating' where you left off"))
    );
    assert!(
        again.contains(&card),
        "the same step is shown again:\n{}",
        again.join("\n")
    );
}

#[test]
fn back_changes_an_earlier_answer_and_the_plan_follows() {
    // The first question is the one worth the most, whichever that is.
    let lib = library();
    let guide = lib.guide("app-not-working").unwrap();
    let first = &fieldfix::engine::diagnose(&lib.context, guide, &Default::default()).questions[0];
    let q = lib.question(guide, &first.id).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let req = request(Some("app"), &[]);
    let script = vec![
        pick(&q.options[0].label),
        pick("Back"),
        pick(&q.options[1].label),
        Scripted::Quit,
    ];
    let (ending, transcript, _) = run(&req, script, dir.path());
    assert_eq!(ending, Ending::Saved);
    assert_eq!(
        transcript.iter().filter(|l| l.contains(&q.ask)).count(),
        2,
        "{}",
        transcript.join("\n")
    );
    let saved = Store::at(dir.path()).latest().unwrap();
    assert_eq!(
        saved.walk.situation.answer(&q.id),
        Some(q.options[1].value.as_str())
    );
}

#[test]
fn steps_for_other_devices_are_never_shown() {
    let lib = library();
    let guide = lib.guide("app-not-working").unwrap();
    let phone_only: Vec<&str> = guide
        .steps
        .iter()
        .filter(|s| {
            s.when
                .0
                .get("device")
                .is_some_and(|d| !d.iter().any(|v| v == "computer"))
        })
        .map(|s| s.title.as_str())
        .collect();
    assert!(!phone_only.is_empty(), "the app guide has phone-only steps");
    let dir = tempfile::tempdir().unwrap();
    let req = on_a_computer("app");
    // Every step "Didn't help" until the ticket asks its first detail; stop there.
    let mut p = Auto::steps(pick("Didn't help"), quit_at_input());
    assert_eq!(
        walk_with(&mut p, &req, dir.path(), Format::Markdown),
        Ending::Saved
    );
    let cards = step_cards(&p.inner.transcript);
    assert!(
        cards.len() >= 3,
        "several steps were walked:\n{}",
        cards.join("\n")
    );
    for title in phone_only {
        assert!(
            !cards.iter().any(|c| c.contains(&format!(": {title}"))),
            "phone-only step {title:?} shown on a computer:\n{}",
            cards.join("\n")
        );
    }
}

/// Types an email where one is asked for, and a note with a phone number anywhere else.
fn typing() -> Policy {
    Box::new(|prompt, _| {
        typed(if prompt.to_lowercase().contains("email") {
            "pat@example.com"
        } else {
            "Tower B, call me on 555 201 3344"
        })
    })
}

/// Says no step helped and, at "Keep it in the ticket?", leaves the phone number out.
fn leave_out() -> Policy {
    Box::new(|prompt, _| {
        pick(match prompt {
            "How did it go?" => "Didn't help",
            "Keep it in the ticket?" => "Leave the phone number out",
            _ => "I don't know",
        })
    })
}

#[test]
fn a_walk_that_runs_out_of_steps_writes_a_ticket_with_everything_support_needs() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library();
    let req = on_a_computer("permission");
    let guide = lib.guide("permission-denied").unwrap();
    let mut p = Auto::new(leave_out(), typing());
    let Ending::Ticket(path) = walk_with(&mut p, &req, dir.path(), Format::Markdown) else {
        panic!("expected a ticket:\n{}", p.transcript())
    };
    let transcript = p.transcript();
    assert!(
        transcript.contains("That has a phone number in it"),
        "the screen says so before writing:\n{transcript}"
    );
    assert_eq!(Ending::Ticket(path.clone()).exit_code(), 3);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# Support ticket: Permission denied"),
        "{text}"
    );
    assert!(
        text.contains("did not help"),
        "the steps tried are listed:\n{text}"
    );
    assert!(
        text.contains("pat@example.com"),
        "an email asked for is kept:\n{text}"
    );
    assert!(
        text.contains("phone number removed"),
        "a phone number not asked for is dropped:\n{text}"
    );
    assert_lacks(&text, &["555 201 3344"]);
    assert!(
        text.contains(&format!("fieldfix {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    for item in &guide.escalate.provide {
        let label = fieldfix::output::markdown::escape(&item.label);
        assert!(
            text.contains(&label),
            "provide item {label:?} missing:\n{text}"
        );
    }
    assert_cleared(dir.path());
}

/// Two tickets in the same second never replace each other; JSON tickets carry the schema.
#[test]
fn tickets_written_in_the_same_second_are_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let req = on_a_computer("permission");
    let mut names = Vec::new();
    for _ in 0..2 {
        let mut p = Auto::new(leave_out(), typing());
        let Ending::Ticket(path) = walk_with(&mut p, &req, dir.path(), Format::Json) else {
            panic!("a ticket")
        };
        names.push(path);
    }
    assert_ne!(names[0], names[1]);
    let json = read_json(&names[0]);
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["guide"], "permission-denied");
    assert!(json["steps"].as_array().is_some_and(|s| !s.is_empty()));
}

/// The built-in guides with a company override of the permission guide's contact.
fn with_contact(contact: &str) -> Library {
    let guides = tempfile::tempdir().unwrap();
    std::fs::write(
        guides.path().join("permission-denied.override.yaml"),
        format!("override: permission-denied\nescalate:\n  contact: {contact}\n"),
    )
    .unwrap();
    guides::load(Some(guides.path())).expect("the override loads")
}

#[test]
fn check_the_files_now_shows_preflight_findings_in_place_and_in_the_ticket() {
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("empty drawing.pdf"), b"").unwrap();
    let dropped = format!("'{}'", files.path().display()); // terminals quote dropped paths
    let dir = tempfile::tempdir().unwrap();
    let req = on_a_computer("upload");
    let mut checked = false;
    let mut p = Auto::new(
        Box::new(move |prompt, items| {
            if prompt != "How did it go?" {
                return pick("I don't know");
            }
            if !checked && items.iter().any(|i| i == "Check the files now") {
                checked = true;
                return pick("Check the files now");
            }
            pick(if checked { "and it to " } else { "Didn't help" })
        }),
        Box::new(move |prompt, _| {
            typed(if prompt.starts_with("File or folder") {
                &dropped
            } else {
                ""
            })
        }),
    );
    let ending = walk_with(&mut p, &req, dir.path(), Format::Markdown);
    let transcript = p.transcript();
    assert_has(&transcript, &["empty drawing.pdf"]);
    assert!(transcript.to_lowercase().contains("empty"), "{transcript}");
    // The same step is offered again after the check.
    let cards = step_cards(&p.inner.transcript);
    assert_eq!(
        cards[cards.len() - 1],
        cards[cards.len() - 2],
        "back to the same step:\n{transcript}"
    );
    let text = ticket_text(&ending, &p.inner.transcript);
    assert_has(&text, &["## Files checked", "empty drawing.pdf"]);
}

#[test]
fn the_handover_note_appears_once_per_step_and_the_menu_never_moves() {
    let dir = tempfile::tempdir().unwrap();
    let req = on_a_computer_for("permission", "several-people");
    // A company whose admin answers within minutes: handing over is the quicker way from the
    // start, so every menu carries the recommendation.
    let mut quick = library();
    for g in &mut quick.guides {
        if let Some(admin) = g.escalate.targets.get_mut(&Target::Admin) {
            admin.minutes = 5.0;
        }
    }
    let mut p = Auto::steps(pick("Didn't help"), quit_at_input());
    assert_eq!(
        walk_in(&quick, &req, dir.path(), &mut p).unwrap(),
        Ending::Saved
    );
    let menus = p.menus_at("How did it go?");
    assert!(menus.len() >= 2, "several steps were shown");
    for menu in &menus {
        assert_eq!(&menu[..2], ["Fixed it", "Didn't help"], "{menu:?}");
        assert!(
            menu.iter()
                .any(|i| i.starts_with("Hand it to") && i.ends_with(" now (recommended)")),
            "the recommendation is a mark on its option: {menu:?}"
        );
    }
    let transcript = p.transcript();
    for card in step_cards(&p.inner.transcript) {
        assert_eq!(
            card.matches("Consider handing this over now").count(),
            1,
            "{card}"
        );
    }
    assert!(transcript.contains("Consider handing this over now"));
}

#[test]
fn every_yes_question_can_be_answered_no() {
    let lib = library();
    for guide in &lib.guides {
        for q in &guide.questions {
            let labels: Vec<&str> = q.options.iter().map(|o| o.label.as_str()).collect();
            if labels.iter().all(|l| l.starts_with("Yes")) {
                panic!("{} / {}: only yes answers: {labels:?}", guide.id, q.id);
            }
        }
    }
    let photos = lib.guide("photos-not-uploading").unwrap();
    let wifi = photos.question("wifi-test").unwrap();
    assert!(wifi.options.iter().any(|o| o.label == "No, not yet"));
}

/// Walks `req` to its first step and quits there, on `tickets`.
fn save_at_first_step(req: &FixRequest, dir: &Path, tickets: &TicketPlan) -> Vec<String> {
    let mut p = Auto::new(
        Box::new(|prompt, _| match prompt {
            "How did it go?" => Scripted::Quit,
            _ if prompt.starts_with("Resume it") => pick("Keep it for later"),
            _ => pick("I don't know"),
        }),
        quit_at_input(),
    );
    let ending = walk(&library(), req, tickets, &mut p, &Store::at(dir)).unwrap();
    assert_eq!(ending, Ending::Saved);
    p.inner.transcript
}

#[test]
fn a_saved_session_is_never_replaced_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    let plan = tickets(dir.path(), Format::Markdown);
    save_at_first_step(&on_a_computer("rfi"), dir.path(), &plan);
    // A new problem: asked about the saved one first; "keep it" saves both.
    let transcript = save_at_first_step(&on_a_computer("photos"), dir.path(), &plan);
    let text = transcript.join("\n");
    assert!(
        text.contains("You have an unfinished 'RFI not updating' (saved "),
        "{text}"
    );
    assert!(text.contains("? Resume it, keep it for later, or discard it?"));
    assert_eq!(store.list().saved.len(), 2);
    // Resume with two saved: a picker.
    let script = vec![pick("RFI not updating"), Scripted::Quit];
    let text = run_to_save(&resume(), script, dir.path());
    assert_has(
        &text,
        &[
            "? Which one do you want to pick up?",
            "Picking up 'RFI not updating' where you left off",
        ],
    );
    // Discard one when starting another.
    let script = vec![pick("Discard it"), Scripted::Quit];
    let text = run_to_save(&on_a_computer("login"), script, dir.path());
    assert_has(&text, &["unfinished"]);
    let left: Vec<String> = store
        .list()
        .saved
        .into_iter()
        .map(|s| s.session.walk.guide)
        .collect();
    assert_eq!(left.len(), 2, "one discarded, the new one saved: {left:?}");
    assert!(left.contains(&"login-loop".to_owned()), "{left:?}");
}

#[test]
fn resume_keeps_the_ticket_path_and_format_of_the_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let wanted = dir.path().join("for-dana.json");
    let first = TicketPlan {
        path: Some(wanted.clone()),
        dir: dir.path().to_owned(),
        format: Format::Json,
    };
    save_at_first_step(&on_a_computer("permission"), dir.path(), &first);
    let mut p = Auto::steps(pick("and it to "), enter_at_input());
    let ending = walk_with(&mut p, &resume(), dir.path(), Format::Markdown);
    assert_eq!(ending, Ending::Ticket(wanted.clone()));
    let json = read_json(&wanted);
    assert_eq!(json["guide"], "permission-denied");
}

/// Why `fix --ticket PATH` is refused before any question.
fn ticket_refused(path: &Path) -> String {
    let req = FixRequest {
        ticket: Some(path.to_owned()),
        ..FixRequest::default()
    };
    TicketPlan::new(&req).unwrap_err().to_string()
}

#[test]
fn a_ticket_path_that_cannot_be_written_is_refused_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "keep me").unwrap();
    for (path, message) in [
        (dir.path().join("missing").join("t.md"), "does not exist"),
        (file.join("t.md"), "does not exist"),
        (file.clone(), "already exists"),
    ] {
        let err = ticket_refused(&path);
        assert!(err.contains(message), "{path:?}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn sessions_lists_and_discards_saved_sessions() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("state");
    let plan = tickets(state.path(), Format::Markdown);
    save_at_first_step(&on_a_computer("rfi"), &dir, &plan);
    let list = |args: &[&str]| sessions(state.path(), &dir, args);
    // `sessions --format json` pinned (docs/json.md): the ids and times, which change from
    // run to run, replaced by their kind.
    let out = list(&["--format", "json"]);
    assert_eq!(out.code, 0);
    let mut json = out.json();
    for session in json["sessions"].as_array_mut().unwrap() {
        for (field, kind) in [("id", "[id]"), ("started", "[time]"), ("saved", "[time]")] {
            assert!(session[field].is_string(), "{field}");
            session[field] = kind.into();
        }
    }
    let pretty = serde_json::to_string_pretty(&json).unwrap();
    insta::assert_snapshot!("sessions_json", pretty);

    save_at_first_step(&on_a_computer("photos"), &dir, &plan);
    let out = list(&["--format", "json"]);
    assert_eq!(out.code, 0);
    let json = out.json();
    let sessions = json["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{json}");
    assert_eq!(sessions[0]["title"], "Photos not uploading", "newest first");
    assert_eq!(sessions[1]["phase"], "steps");
    let text = list(&[]).stdout;
    assert_has(&text, &["RFI not updating, saved "]);
    let id = sessions[1]["id"].as_str().unwrap();
    assert_eq!(list(&["discard", id]).code, 0);
    assert_eq!(list(&["discard", id]).code, 2, "already gone");
    let json = list(&["--format", "json"]).json();
    assert_eq!(json["sessions"].as_array().unwrap().len(), 1);
}

/// `fieldfix sessions ARGS` run in `state` with its sessions in `dir`.
fn sessions(state: &Path, dir: &Path, args: &[&str]) -> crate::support::Output {
    Test::new()
        .state(state)
        .env("FIELDFIX_STATE_DIR", dir)
        .arg("sessions")
        .args(args)
        .output()
}

/// The text of the ticket the walk ended with.
fn ticket_text(ending: &Ending, transcript: &[String]) -> String {
    let Ending::Ticket(path) = ending else {
        panic!("expected a ticket:\n{}", transcript.join("\n"))
    };
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_ticket_tells_support_what_the_user_said_and_did() {
    let dir = tempfile::tempdir().unwrap();
    let mut steps = 0;
    let mut p = Auto::new(
        Box::new(move |prompt, _| {
            if prompt.contains("when did it last happen") {
                return pick("Yesterday");
            }
            if prompt == "Is it one of these?" {
                return pick("Permission denied");
            }
            if prompt != "How did it go?" {
                return pick("I don't know");
            }
            steps += 1;
            pick(if steps == 1 {
                "I can't do this"
            } else {
                "Didn't help"
            })
        }),
        Box::new(|prompt, _| {
            typed(if prompt.starts_with("What's going wrong") {
                "permission denied opening drawings on my laptop"
            } else if prompt.starts_with("Device") {
                "Dell laptop, Edge 120"
            } else {
                ""
            })
        }),
    );
    let ending = walk_with(&mut p, &request(None, &[]), dir.path(), Format::Markdown);
    let text = ticket_text(&ending, &p.inner.transcript);
    assert_has(
        &text,
        &[
            "## In their words\n\n> permission denied opening drawings on my laptop",
            "**unknown (I don't know)**",
            "## Needs an admin",
            "Step 1 needs an admin: ",
        ],
    );
    assert!(
        text.contains("yesterday"),
        "the time is what was picked:\n{text}"
    );
    assert_has(&text, &["Dell laptop, Edge 120"]);
    assert!(
        !text.contains("chance of fixing it in about"),
        "no engine arithmetic:\n{text}"
    );
    assert_lacks(&text, &["(filled in)"]);
}

/// The mail links the end screen offers when the permission-denied guide's contact is `contact`
/// (set in the model, as a forged cache or a future loader could leave it).
fn mail_links(contact: &str) -> Vec<String> {
    let mut lib = with_contact("Dana Ruiz (dana@example.com)");
    let guide = lib
        .guides
        .iter_mut()
        .find(|g| g.id == "permission-denied")
        .unwrap();
    let to = guide.escalate.to;
    guide.escalate.targets.get_mut(&to).unwrap().contact = contact.to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut p = Auto::steps(pick("(write a ticket)"), enter_at_input());
    let ending = walk_in(&lib, &on_a_computer("permission"), dir.path(), &mut p).unwrap();
    let transcript = p.transcript();
    assert!(matches!(ending, Ending::Ticket(_)), "{transcript}");
    transcript
        .split_whitespace()
        .filter(|w| w.contains("mailto:"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_mail_link_goes_only_to_the_one_address_the_contact_is() {
    for (contact, to) in [
        ("dana@example.com", Some("dana@example.com")),
        ("Dana Ruiz <dana@example.com>", Some("dana@example.com")),
        ("Dana Ruiz (dana@example.com)", Some("dana@example.com")),
        (
            "IT desk\nBcc: attacker@evil.example <help@example.com>",
            None,
        ),
        ("help@example.com, attacker@evil.example", None),
        ("Bcc:attacker@evil.example", None),
        ("the IT desk", None),
    ] {
        let links = mail_links(contact);
        match to {
            Some(to) => assert!(
                links.len() == 1
                    && links[0].contains(&format!(
                        "mailto:{to}?subject=fieldfix%3A%20Permission%20denied&body="
                    )),
                "{contact:?}: {links:?}"
            ),
            None => assert!(links.is_empty(), "{contact:?}: {links:?}"),
        }
    }
}

#[test]
fn a_step_that_can_lose_unsynced_work_comes_after_its_safeguard_warns_and_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library();
    let guide = lib.guide("photos-not-uploading").unwrap();
    let risky = guide
        .steps
        .iter()
        .find(|s| s.risk.is_some() && s.on_phone())
        .expect("the photos guide has a step that can lose unsynced photos");
    let req = request(
        Some("photos"),
        &[("device", "ios"), ("network", "good"), ("scope", "just-me")],
    );
    let mut confirmations = 0;
    let mut p = Auto::new(
        Box::new(move |prompt, _| match prompt {
            "How did it go?" => pick("Didn't help"),
            "Did you do this step?" => {
                confirmations += 1;
                // The first time, the foreman goes back to check first.
                pick(if confirmations == 1 {
                    "No, not yet: back to the step"
                } else {
                    "Yes, I did it"
                })
            }
            _ => pick("I don't know"),
        }),
        enter_at_input(),
    );
    let Ending::Ticket(path) = walk_with(&mut p, &req, dir.path(), Format::Json) else {
        panic!("expected a ticket:\n{}", p.transcript())
    };
    let transcript = &p.inner.transcript;
    let cards = step_cards(transcript);
    let card_of = |title: &str| cards.iter().position(|c| c.contains(title));
    let risky_card = card_of(&risky.title).expect("the risky step is offered in the end");
    let safeguard_card = guide
        .steps
        .iter()
        .filter(|s| s.safeguard)
        .filter_map(|s| card_of(&s.title))
        .min()
        .expect("a safeguard step is offered");
    assert!(safeguard_card < risky_card, "{}", transcript.join("\n"));
    let warning = fieldfix::guides::model::Risk::LosesUnsynced.warning();
    assert!(
        cards[risky_card].contains(warning),
        "the card warns: {}",
        cards[risky_card]
    );
    assert!(
        !cards[safeguard_card].contains(warning),
        "a harmless step does not"
    );
    let asked = transcript
        .iter()
        .filter(|l| l.contains("Did you do this step?"))
        .count();
    assert_eq!(asked, 2, "asked before each mark, for the risky step only");
    // "No, not yet" recorded nothing: the step is in the ticket once.
    let json = read_json(&path);
    let recorded = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["step"] == risky.id.as_str())
        .count();
    assert_eq!(recorded, 1, "{json}");
}

#[test]
fn each_everyday_guide_walks_to_a_fix_or_a_ticket() {
    for id in [
        "emails-not-arriving",
        "two-step-login",
        "daily-log-not-showing",
        "document-locked",
        "drawings-not-showing",
    ] {
        for (step, device) in [("Fixed it", "ios"), ("Didn't help", "computer")] {
            let dir = tempfile::tempdir().unwrap();
            let req = request(
                Some(id),
                &[
                    ("device", device),
                    ("network", "good"),
                    ("scope", "just-me"),
                ],
            );
            let mut p = Auto::steps(pick(step), enter_at_input());
            let ending = walk_with(&mut p, &req, dir.path(), Format::Markdown);
            match (step, &ending) {
                ("Fixed it", Ending::Fixed) => {}
                ("Didn't help", Ending::Ticket(path)) => {
                    let text = std::fs::read_to_string(path).unwrap();
                    let lib = library();
                    let title = &lib.guide(id).unwrap().title;
                    assert!(text.contains(title.as_str()), "{id}: {text}");
                }
                _ => panic!("{id} on {device}, {step}: {ending:?}\n{}", p.transcript()),
            }
        }
    }
}

/// Answers a fact prompt of the ticket screen: the time is picked, the rest typed.
fn fact_answers(prompt: &str) -> Scripted {
    typed(if prompt.starts_with("What you were doing") {
        "the schedule page shows a blank grid"
    } else if prompt.starts_with("The email") {
        "jo@example.com"
    } else if prompt.starts_with("Device") {
        "iPhone 13"
    } else {
        ""
    })
}

#[test]
fn none_of_these_on_the_list_still_writes_a_ticket_for_the_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Auto::new(
        Box::new(|prompt, items| match prompt {
            "Which problem is it?" => {
                let last = items.last().unwrap();
                assert!(
                    last.starts_with("None of these: write a ticket"),
                    "{items:?}"
                );
                pick(last)
            }
            "What is the problem happening on?" => pick("An iPhone or iPad"),
            p if p.contains("when did it last happen") => pick("Yesterday"),
            _ => pick("I don't know"),
        }),
        Box::new(|prompt, _| {
            if prompt.starts_with("What's going wrong") {
                typed("")
            } else {
                fact_answers(prompt)
            }
        }),
    );
    let ending = walk_with(&mut p, &request(None, &[]), dir.path(), Format::Markdown);
    let transcript = p.transcript();
    let text = ticket_text(&ending, &p.inner.transcript);
    assert_has(
        &transcript,
        &["Time to hand this to your company's Procore admin"],
    );
    assert_has(
        &text,
        &[
            "A problem none of the guides covers",
            "the schedule page shows a blank grid",
            "An iPhone or iPad",
        ],
    );
    // Network and scope were answered "I don't know": shown as such, not left out.
    assert_eq!(text.matches("unknown (I don't know)").count(), 2, "{text}");
    assert_has(&text, &["yesterday", "iPhone 13"]);
    assert!(
        !text.contains("likely cause"),
        "no causes are invented:\n{text}"
    );
    assert!(
        !transcript.contains("How did it go?"),
        "no steps are offered:\n{transcript}"
    );
}

#[test]
fn words_no_guide_matches_reach_a_ticket_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let words = "the trailer printer jams on every page";
    let mut p = Auto::new(
        Box::new(|prompt, items| match prompt {
            "Is it one of these?" => pick("None of these: show the full list"),
            "Which problem is it?" => pick(items.last().unwrap()),
            p if p.contains("when did it last happen") => pick("Just now"),
            "Who else has this problem?" => pick("Several people"),
            _ => pick(&items[0]),
        }),
        Box::new(move |prompt, _| {
            if prompt.starts_with("What's going wrong") {
                typed(words)
            } else {
                fact_answers(prompt)
            }
        }),
    );
    let ending = walk_with(&mut p, &request(None, &[]), dir.path(), Format::Json);
    let Ending::Ticket(path) = &ending else {
        panic!("expected a ticket:\n{}", p.transcript())
    };
    let json = read_json(path);
    assert_eq!(json["guide"], "unlisted");
    assert_eq!(json["described"], words);
    assert_eq!(json["contact"], "your company's Procore admin");
    let scope = by_id(&json["answers"], "scope"); // the scope answer is in the ticket
    assert_eq!(scope["value"], "several-people");
}

#[test]
fn a_problem_with_no_guide_can_be_saved_and_resumed_to_its_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let req = request(None, &CONTEXT);
    // Stop at the second fact.
    let script = vec![
        typed(""),
        pick("None of these: write a ticket"),
        typed("the schedule page shows a blank grid"),
        Scripted::Quit,
    ];
    let (ending, _, left) = run(&req, script, dir.path());
    assert_eq!(ending, Ending::Saved);
    assert!(left.is_empty(), "{left:?}");
    let mut script = vec![typed("")];
    script.extend([typed("jo@example.com"), typed(""), typed("")]);
    script.extend([typed(""), pick("Earlier today"), typed("")]);
    let (ending, transcript, left) = run(&resume(), script, dir.path());
    assert!(left.is_empty(), "{left:?}");
    let text = ticket_text(&ending, &transcript);
    let transcript = transcript.join("\n");
    assert_has(
        &transcript,
        &["Picking up 'A problem none of the guides covers'"],
    );
    assert!(
        !transcript.contains("? What you were doing"),
        "what was given is not asked again:\n{transcript}"
    );
    assert_has(
        &text,
        &["the schedule page shows a blank grid", "jo@example.com"],
    );
}

#[test]
fn two_close_guides_each_say_the_line_that_tells_them_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Auto::new(
        Box::new(|prompt, items| {
            if prompt == "Is it one of these?" {
                return pick(&items[0]);
            }
            Scripted::Quit
        }),
        Box::new(|prompt, _| {
            if prompt.starts_with("What's going wrong") {
                return typed("cant log in");
            }
            Scripted::Quit
        }),
    );
    walk_with(&mut p, &request(None, &[]), dir.path(), Format::Json);
    let offered = p.menus_at("Is it one of these?")[0];
    let library = library();
    let hits = fieldfix::search::search(&library, "cant log in");
    assert!(hits[1].score >= hits[0].score * 0.66, "close: {hits:?}");
    // The two close ones: `Title — "a symptom of that guide"`, two different lines; the
    // others, titles alone.
    for (option, hit) in offered.iter().zip(&hits).take(2) {
        let (title, line) = option.split_once(" — ").expect(option);
        assert_eq!(title, hit.title);
        let line = line.trim_matches('"');
        let guide = library.guide(&hit.guide).unwrap();
        let whole = line.strip_suffix('…').unwrap_or(line);
        assert!(
            guide.symptoms.iter().any(|s| s.starts_with(whole)),
            "{option}"
        );
        assert!(option.chars().count() <= 76, "{option}");
    }
    assert_ne!(
        offered[0].split(" — ").nth(1),
        offered[1].split(" — ").nth(1)
    );
    assert_eq!(offered[2], hits[2].title, "{offered:?}");
}

#[test]
fn switching_to_another_problem_part_way_keeps_every_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut steps = 0;
    let mut asked: Vec<String> = Vec::new();
    let mut p = Auto::new(
        Box::new(move |prompt, items| {
            if prompt == "Is it one of these?" {
                return pick(&items[0]);
            }
            if prompt != "How did it go?" {
                // Every question once: the first answer the first time.
                assert!(
                    !asked.iter().any(|a| a == prompt),
                    "asked again after switching: {prompt}"
                );
                asked.push(prompt.to_owned());
                return pick(&items[0]);
            }
            steps += 1;
            match steps {
                1 => pick("Didn't help"),
                2 | 3 => pick("It's a different problem"),
                _ => pick("and it to "),
            }
        }),
        Box::new({
            let mut switches = 0;
            move |prompt, _| {
                if prompt.starts_with("What's going wrong") {
                    switches += 1;
                    return typed(match switches {
                        1 => "photos not uploading from my phone",
                        2 => "permission denied when I open the drawings",
                        _ => "photos not uploading",
                    });
                }
                fact_answers(prompt)
            }
        }),
    );
    let ending = walk_with(&mut p, &request(None, &[]), dir.path(), Format::Json);
    let transcript = p.transcript();
    let Ending::Ticket(path) = &ending else {
        panic!("expected a ticket:\n{transcript}")
    };
    let json = read_json(path);
    assert_eq!(json["guide"], "photos-not-uploading", "{transcript}");
    assert!(
        transcript.contains("\nPermission denied\nYour answers so far are kept"),
        "the new problem is named:\n{transcript}"
    );
    // Its description has both sets of words, and the ticket has the answers given to both
    // guides, the other one's marked with its title.
    let described = json["described"].as_str().unwrap();
    assert_has(described, &["permission denied"]);
    let answers = json["answers"].as_array().unwrap();
    assert!(
        answers.iter().any(|a| a["question"]
            .as_str()
            .unwrap()
            .ends_with("(Permission denied)")),
        "{answers:#?}"
    );
    let steps = json["steps"].as_array().unwrap();
    assert_eq!(steps[0]["outcome"], "did not help", "{steps:#?}");
    // The outcome log has the two switches as guide ids, and none of the words typed.
    let log = std::fs::read_to_string(dir.path().join("outcomes.jsonl")).unwrap();
    let record: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(
        record["switches"],
        serde_json::json!([
            {"from": "photos-not-uploading", "to": "permission-denied"},
            {"from": "permission-denied", "to": "photos-not-uploading"}
        ]),
        "{log}"
    );
    assert!(!log.contains("drawings") && !log.contains("phone"), "{log}");
}

#[test]
fn why_i_ask_names_two_causes_to_tell_apart_or_the_one_it_checks() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Auto::steps(pick("Save and quit"), quit_at_input());
    walk_with(
        &mut p,
        &request(Some("permission"), &[]),
        dir.path(),
        Format::Markdown,
    );
    // One line each, as wrapped lines joined again.
    let whys: Vec<String> = p
        .inner
        .transcript
        .iter()
        .filter(|l| l.starts_with("Why I ask"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert!(!whys.is_empty(), "{:#?}", p.inner.transcript);
    for why in &whys {
        let apart = why.contains("tells apart") && why.contains("\" and \"");
        let whether = why.contains("shows whether") && why.ends_with("is the cause.");
        assert!(apart || whether, "{why}");
    }
    assert!(
        whys.iter().any(|w| w.contains("shows whether")),
        "a question that checks one cause says so: {whys:#?}"
    );
}

#[test]
fn without_a_terminal_the_wizard_fails_fast_with_a_diagnose_command_that_works() {
    // Bare `fieldfix` with no terminal.
    Test::new().stdin("").status(2).stdout("").run();
    for (typed, guide) in [
        ("photos", "photos"),
        ("premission", "permission-denied"),
        ("photos wont upload", "photos-not-uploading"),
    ] {
        let state = tempfile::tempdir().unwrap();
        let out = Test::new()
            .state(state.path())
            .args(["fix", typed])
            .stdin("")
            .status(2)
            .stdout("")
            .stderr_contains("needs a terminal")
            .stderr_contains(format!("fieldfix diagnose {guide} --device"))
            .run();
        if typed == "premission" {
            assert!(
                out.stderr.contains(
                    "No guide is called `premission` (did you mean `permission-denied`?)"
                ),
                "{}",
                out.stderr
            );
        }
        if typed != guide {
            assert!(
                !out.stderr.contains(&format!("diagnose {typed}")),
                "names the misspelt guide:\n{}",
                out.stderr
            );
        }
        // The command suggested, with one value for each placeholder, works.
        let line = out
            .stderr
            .lines()
            .find(|l| l.trim_start().starts_with("fieldfix diagnose"))
            .expect("a command line");
        let args: Vec<&str> = line
            .split_whitespace()
            .skip(1)
            .take_while(|a| !a.starts_with('['))
            .map(|a| a.split('|').next().unwrap_or(a))
            .collect();
        Test::new()
            .state(state.path())
            .args(&args)
            .status(0)
            .stdout_contains("Most likely")
            .run();
    }
}

/// The entries every step menu has, in their one order: the same keys (numbers, in plain mode)
/// always record the same answer.
const FIXED_ENTRIES: [&str; 8] = [
    "Fixed it",
    "Didn't help",
    "Skip for now",
    "I can't do this",
    "Hand it to",
    "Back",
    "Save and quit",
    "It's a different problem",
];

#[test]
fn every_step_menu_keeps_its_entries_in_place_and_optional_ones_after_them() {
    let library = library();
    let mut optional = std::collections::BTreeSet::new();
    for guide in &library.guides {
        for device in [None, Some("computer"), Some("android")] {
            let dir = tempfile::tempdir().unwrap();
            let answers: Vec<(&str, &str)> = device.map(|d| ("device", d)).into_iter().collect();
            let req = request(Some(&guide.id), &answers);
            let mut p = Auto::steps(pick("Didn't help"), quit_at_input());
            walk_with(&mut p, &req, dir.path(), Format::Markdown);
            for menu in p.menus_at("How did it go?") {
                for (i, label) in FIXED_ENTRIES.iter().enumerate() {
                    assert!(
                        menu.get(i).is_some_and(|item| item.starts_with(label)),
                        "{}: entry {} is not {label:?}: {menu:?}",
                        guide.id,
                        i + 1
                    );
                }
                optional.extend(
                    menu[FIXED_ENTRIES.len()..]
                        .iter()
                        .map(|i| i.split(':').next().unwrap_or_default().to_owned()),
                );
            }
        }
    }
    // The walk met the optional entries, which come after all of the fixed ones.
    for entry in [
        "Open related guide",
        "Check the files now",
        "Show the steps for another device",
    ] {
        assert!(optional.contains(entry), "{entry} in {optional:?}");
    }
}

#[test]
fn stopping_at_is_it_one_of_these_keeps_the_description_for_resume() {
    let dir = tempfile::tempdir().unwrap();
    let script = vec![typed("cant log in"), Scripted::Quit];
    let text = run_to_save(&request(None, &[]), script, dir.path());
    assert!(text.lines().any(|l| l == "? Is it one of these?"), "{text}");
    assert_has(&text, &["fieldfix fix --resume"]);
    let saved = Store::at(dir.path())
        .latest()
        .expect("the session is saved");
    assert_eq!(saved.walk.described, "cant log in");
    assert_eq!(saved.walk.phase, Phase::Choose);

    // Resumed: the same choice again, then the guide picked, with the description kept.
    let script = vec![pick("Stuck in a login loop"), Scripted::Quit];
    let text = run_to_save(&resume(), script, dir.path());
    assert_has(&text, &["Picking up \"cant log in\" where"]);
    let saved = Store::at(dir.path()).latest().unwrap();
    assert_eq!(saved.walk.guide, "login-loop");
    assert_eq!(saved.walk.described, "cant log in");
    assert_eq!(saved.walk.phase, Phase::Questions);
}

#[test]
fn back_highlights_the_answer_given_before() {
    let dir = tempfile::tempdir().unwrap();
    // Two questions answered (the second option, then "I don't know"), then Back at the third
    // and at the second.
    let library = library();
    let guide = library.guide("photos-not-uploading").unwrap();
    let first =
        &fieldfix::engine::diagnose(&library.context, guide, &Default::default()).questions[0];
    let q = library.question(guide, &first.id).unwrap();
    let script = [
        pick(&q.options[1].label),
        pick("I don't know"),
        pick("Back"),
        pick("Back"),
        Scripted::Quit,
    ];
    let mut p = Auto::new(Auto::replay(script), quit_at_input());
    walk_in(&library, &request(Some("photos"), &[]), dir.path(), &mut p).unwrap();
    let asked = p.highlights();
    assert_eq!(asked.len(), 5, "{asked:?}");
    // The first time, the first option; asked again after Back, what was chosen.
    assert_eq!(asked[0].1, q.options[0].label);
    assert_eq!(
        asked[3].0, asked[1].0,
        "the second question again: {asked:?}"
    );
    assert_eq!(asked[3].1, "I don't know", "{asked:?}");
    assert_eq!(asked[4].0, q.ask);
    assert_eq!(asked[4].1, q.options[1].label, "{asked:?}");

    // At a step: "Didn't help", then Back from the next step highlights "Didn't help".
    let dir = tempfile::tempdir().unwrap();
    let script = [pick("Didn't help"), pick("Back"), Scripted::Quit];
    let mut p = Auto::new(Auto::replay(script), quit_at_input());
    // Every question answered beforehand: straight to the first step.
    let permission = library.guide("permission-denied").unwrap();
    let mut answers: Vec<(&str, &str)> = CONTEXT.to_vec();
    answers.extend(
        permission
            .questions
            .iter()
            .map(|q| (q.id.as_str(), "unknown")),
    );
    walk_in(
        &library,
        &request(Some("permission"), &answers),
        dir.path(),
        &mut p,
    )
    .unwrap();
    let highlighted: Vec<&str> = p.highlights().into_iter().map(|(_, h)| h).collect();
    assert_eq!(
        highlighted,
        ["Fixed it", "Fixed it", "Didn't help"],
        "{:?}",
        p.inner.transcript
    );
}

/// What [`hand_over`] left: the transcript, the ticket and the folder it is in.
struct HandedOver {
    transcript: String,
    path: std::path::PathBuf,
    text: String,
    dir: tempfile::TempDir,
}

/// Hands `guide` over at the first step, on a computer, just me, with `lib`, answering the
/// details with `details` (prompt in, answer out) and every question "I don't know"; the
/// ticket, in `format`, must be written.
fn hand_over(
    lib: &Library,
    guide: &str,
    format: Format,
    details: impl FnMut(&str) -> Scripted + 'static,
) -> HandedOver {
    let details = std::rc::Rc::new(std::cell::RefCell::new(details));
    let typing = details.clone();
    let mut p = Auto::new(
        Box::new(move |prompt, _| match prompt {
            "How did it go?" => pick("and it to "),
            _ if prompt.contains("when did it last happen") || prompt.starts_with("Keep it") => {
                (details.borrow_mut())(prompt)
            }
            _ => pick("I don't know"),
        }),
        Box::new(move |prompt, _| (typing.borrow_mut())(prompt)),
    );
    let dir = tempfile::tempdir().unwrap();
    let req = on_a_computer(guide);
    let ending = walk(
        lib,
        &req,
        &tickets(dir.path(), format),
        &mut p,
        &Store::at(dir.path()),
    )
    .unwrap_or_else(|e| panic!("{e:#}\n{}", p.transcript()));
    let Ending::Ticket(path) = ending else {
        panic!("expected a ticket:\n{}", p.transcript())
    };
    HandedOver {
        transcript: p.transcript(),
        text: std::fs::read_to_string(&path).unwrap(),
        path,
        dir,
    }
}

#[test]
fn enter_leaves_the_time_out_and_i_dont_know_is_said_as_such() {
    for (at_time, shown) in [
        (Scripted::Enter, "(not given)"),
        (pick("I don't know"), "I don't know"),
    ] {
        let HandedOver { text, .. } =
            hand_over(&library(), "permission", Format::Markdown, move |prompt| {
                if prompt.contains("when did it last happen") {
                    at_time.clone()
                } else {
                    Scripted::Enter
                }
            });
        let line = text
            .lines()
            .find(|l| l.contains("Date and time of the error"))
            .unwrap_or_default()
            .to_owned();
        assert!(line.ends_with(shown), "{line:?} in:\n{text}");
        assert_lacks(&text, &["just now"]);
    }
}

#[test]
fn the_hand_over_names_one_recipient_on_every_screen_and_in_the_ticket() {
    // The permission guide goes to the company's admin: the menu, the screen and the ticket
    // all say so.
    let lib = library();
    let admin = lib.targets[&Target::Admin].contact.clone();
    let enter = |_: &str| Scripted::Enter;
    let HandedOver {
        transcript,
        text,
        path,
        ..
    } = hand_over(&lib, "permission", Format::Markdown, enter);
    // The ticket's path is shown once, on a line of its own.
    let shown = path.display().to_string();
    assert_eq!(transcript.matches(&shown).count(), 1, "{transcript}");
    assert_has(&transcript, &[&format!("\n  {shown}\n")]);
    assert_has(&transcript, &[&format!("> Hand it to {admin} now")]);
    assert!(transcript.contains(&format!("Time to hand this to {admin}")));
    assert!(transcript.contains(&format!("Send it to {admin}.")));
    assert_has(&text, &[&format!("- For: {admin}")]);
    assert!(
        !transcript.contains("support now"),
        "no other recipient: {transcript}"
    );

    // Procore support has no email address: the end screen says how to reach it.
    let HandedOver { transcript, .. } = hand_over(&lib, "error-500", Format::Markdown, enter);
    assert_has(&transcript, &["> Hand it to Procore support now"]);
    assert!(transcript.contains("Send it to Procore support."));
    assert_has(&transcript, &["support.procore.com"]);
    assert!(
        transcript.contains(&format!("Ask {admin}.")),
        "the admin as the guides name them: {transcript}"
    );

    // A company contact with an address: named as written, in the ticket too (no visible
    // Markdown escapes), and the mailto link writes to it.
    let lib = with_contact("Dana Ruiz <dana@example.com>");
    let HandedOver {
        transcript, text, ..
    } = hand_over(&lib, "permission", Format::Markdown, enter);
    assert_has(
        &transcript,
        &["> Hand it to Dana Ruiz <dana@example.com> now"],
    );
    assert!(transcript.contains("Time to hand this to Dana Ruiz <dana@example.com>"));
    assert!(transcript.contains("Send it to Dana Ruiz <dana@example.com>."));
    assert!(transcript.contains("mailto:dana@example.com?"));
    assert_has(&text, &["- For: Dana Ruiz <dana@example.com>\n"]);
    assert!(!text.contains("\\<"), "no visible escapes:\n{text}");
}

#[test]
fn contact_details_typed_are_kept_unless_the_user_leaves_them_out() {
    let typing = |prompt: &str| {
        if prompt.starts_with("Keep it") || prompt.contains("when did it last happen") {
            Scripted::Enter
        } else {
            typed("Tower B, call me on 555 201 3344")
        }
    };
    let HandedOver {
        transcript, text, ..
    } = hand_over(&library(), "permission", Format::Markdown, typing);
    assert!(
        transcript.contains("That has a phone number in it"),
        "said before writing:\n{transcript}"
    );
    assert!(
        transcript.contains("> Keep it as I typed it"),
        "Enter keeps it"
    );
    assert_has(&text, &["call me on 555 201 3344"]);
    assert_lacks(&text, &["[phone number removed]"]);
}

#[test]
fn steps_of_a_guide_switched_away_from_carry_its_title_in_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library();
    let photos = lib.guide("photos-not-uploading").unwrap().title.clone();
    let mut p = Auto::in_turn(&["Didn't help", "It's a different problem", "and it to "]);
    p.input = Box::new(|prompt, _| {
        typed(if prompt.starts_with("What's going wrong") {
            "permission denied when I open the drawings"
        } else {
            ""
        })
    });
    let ending = walk_with(
        &mut p,
        &request(Some("photos"), &CONTEXT),
        dir.path(),
        Format::Markdown,
    );
    let text = ticket_text(&ending, &p.inner.transcript);
    assert!(
        text.starts_with("# Support ticket: Permission denied"),
        "{text}"
    );
    let tried = text
        .lines()
        .find(|l| l.starts_with("1. "))
        .expect("a step tried");
    assert!(tried.contains(&format!("({photos})")), "{tried}\n{text}");
}

#[test]
fn control_characters_typed_never_reach_the_ticket() {
    for format in [Format::Markdown, Format::Json] {
        let HandedOver { text, dir, .. } = hand_over(&library(), "permission", format, |prompt| {
            if prompt.contains("when did it last happen") {
                pick("Another time")
            } else {
                // As a plain-mode line can carry them: BEL, ESC, CSI (U+009B), RLO.
                typed("Tower\u{7} B\u{1b}[2J \u{9b}31m \u{202e}fdp.exe")
            }
        });
        assert_safe("the ticket", &text);
        assert_has(&text, &["Tower"]);
        let stored = std::fs::read_dir(dir.path()).unwrap();
        for file in stored.filter_map(Result::ok) {
            let bytes = std::fs::read(file.path()).unwrap();
            assert_safe(
                &file.path().display().to_string(),
                &String::from_utf8_lossy(&bytes),
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_ticket_link_is_refused_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("ticket.md");
    std::os::unix::fs::symlink(dir.path().join("nowhere").join("t.md"), &link).unwrap();
    assert_has(&ticket_refused(&link), &["already exists"]);
}

/// Saves a session at the first step in `dir`, then rewrites its guide field as `guide`.
fn tampered_session(dir: &Path, guide: &str) -> std::path::PathBuf {
    save_at_first_step(&on_a_computer("rfi"), dir, &tickets(dir, Format::Markdown));
    let file = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let mut json = read_json(&file);
    json["guide"] = guide.into();
    std::fs::write(&file, serde_json::to_string(&json).unwrap()).unwrap();
    file
}

#[test]
fn a_tampered_session_prints_no_control_character_in_the_list_or_the_picker() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("state");
    tampered_session(&dir, "rfi\u{1b}[2J\u{9b}31m\u{202e}");
    // Another, so `--resume` shows the picker.
    save_at_first_step(
        &on_a_computer("photos"),
        &dir,
        &tickets(&dir, Format::Markdown),
    );
    let out = sessions(state.path(), &dir, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = format!("{}{}", out.stdout, out.stderr);
    assert_has(&shown, &["rfi\\u{1b}[2J"]);
    assert_safe("sessions", &shown);
    let mut p = ScriptPrompter::new([Scripted::Quit]);
    walk_in(&library(), &resume(), &dir, &mut p).unwrap();
    let mut seen = p.transcript.join("\n");
    seen.push_str(&format!("{:?}", Store::at(&dir).list().saved));
    assert_has(&seen, &["Which one do you want to pick up?"]);
    assert_safe("the picker", &seen);
}

#[test]
fn unreadable_session_files_are_listed_with_their_path() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("state");
    let file = tampered_session(&dir, "rfi-not-updating");
    std::fs::write(&file, "{ not json").unwrap();
    let shown = file.display().to_string();
    let text = sessions(state.path(), &dir, &[]).stdout;
    assert_has(&text, &[&shown]);
    assert_has(&text, &["cannot be read"]);
    let json = sessions(state.path(), &dir, &["--format", "json"]).json();
    assert_eq!(json["unreadable"][0]["path"], shown.as_str(), "{json}");
    // The wizard says so too, before anything else is asked.
    let (_, transcript, _) = run(&on_a_computer("photos"), vec![Scripted::Quit], &dir);
    let text = transcript.join("\n");
    assert_has(&text, &["A saved session cannot be read"]);
    assert_has(&text, &[&shown]);
    assert!(file.exists(), "left alone");
}

#[test]
fn a_session_open_in_another_wizard_is_not_taken_up_twice() {
    let dir = tempfile::tempdir().unwrap();
    save_at_first_step(
        &on_a_computer("rfi"),
        dir.path(),
        &tickets(dir.path(), Format::Markdown),
    );
    let store = Store::at(dir.path());
    let id = store.list().saved[0].session.id.clone();
    let log = dir.path().join("outcomes.jsonl");
    let records = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count()
    };
    let before = records();
    // Another wizard has it open.
    let held = store.hold(&id).unwrap();
    assert!(held.is_some(), "a lock can be taken here");
    let mut p = ScriptPrompter::new([pick("Fixed it")]);
    let err = walk_in(&library(), &resume(), dir.path(), &mut p).unwrap_err();
    assert!(
        err.to_string().contains("open in another fieldfix window"),
        "{err:#}"
    );
    assert!(
        !p.transcript.iter().any(|l| l.contains("How did it go?")),
        "nothing asked: {:?}",
        p.transcript
    );
    assert_eq!(records(), before, "no record from the second wizard");
    // A new problem does not offer it as waiting here.
    let mut p = ScriptPrompter::new([Scripted::Quit]);
    walk_in(&library(), &on_a_computer("photos"), dir.path(), &mut p).unwrap();
    assert!(
        !p.transcript.join("\n").contains("unfinished"),
        "{:?}",
        p.transcript
    );
    // Nor discarded from under it.
    Test::new()
        .env("FIELDFIX_STATE_DIR", dir.path())
        .args(["sessions", "discard", &id])
        .status(2)
        .run();
    assert!(store.path(&id).exists());
    // Once the first lets go, it can be resumed.
    drop(held);
    let mut p = ScriptPrompter::new([pick("RFI not updating"), Scripted::Quit]);
    walk_in(&library(), &resume(), dir.path(), &mut p).unwrap();
    assert!(p.transcript.join("\n").contains("Picking up"));
}

#[cfg(unix)]
#[test]
fn a_state_folder_that_cannot_be_written_is_said_once_and_no_save_is_claimed() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the state folder should be: nothing can be saved there.
    let state = dir.path().join("state");
    std::fs::write(&state, "").unwrap();
    let mut p = Auto::in_turn(&["Didn't help", "Didn't help"]);
    let ending = walk(
        &library(),
        &on_a_computer("rfi"),
        &tickets(dir.path(), Format::Markdown),
        &mut p,
        &Store::at(&state),
    )
    .unwrap_or_else(|e| panic!("the walk goes on: {e:#}"));
    assert_eq!(ending, Ending::Saved);
    let transcript = p.transcript();
    assert_eq!(
        transcript.matches("cannot be saved").count(),
        1,
        "{transcript}"
    );
    assert_has(&transcript, &["were not saved"]);
    assert_lacks(&transcript, &["Saved. Run"]);
}

#[test]
fn a_company_admin_with_an_address_reads_as_written_wherever_the_ticket_names_them() {
    let guides = tempfile::tempdir().unwrap();
    std::fs::write(
        guides.path().join("_context.yaml"),
        "targets:\n  admin:\n    contact: Dana Ruiz <dana@example.com>\n",
    )
    .unwrap();
    let lib = guides::load(Some(guides.path())).expect("the company context loads");
    let dir = tempfile::tempdir().unwrap();
    let mut p = Auto::new(
        Box::new(|prompt, items| match prompt {
            "Which problem is it?" => pick(items.last().unwrap()),
            _ => Scripted::Enter,
        }),
        Box::new(|_, _| Scripted::Enter),
    );
    let ending = walk_in(&lib, &request(None, &[]), dir.path(), &mut p).unwrap();
    let transcript = p.transcript();
    assert_has(
        &transcript,
        &["> None of these: write a ticket for Dana Ruiz <dana@example.com>"],
    );
    let text = ticket_text(&ending, &p.inner.transcript);
    assert_has(
        &text,
        &["so it goes to Dana Ruiz <dana@example.com> with the details"],
    );
    assert!(!text.contains("\\<"), "no visible escapes:\n{text}");
}

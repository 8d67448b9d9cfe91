//! Real-terminal tests: the actual binary in a pseudo-terminal, driven by keystrokes, so the
//! dialoguer wiring (arrow keys, filtering, Ctrl-C, cursor) is tested as a user meets it.
//! They wait for text, never sleep blindly.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{ControlCode, Expect, Session};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

fn spawn(state: &Path, args: &[&str]) -> OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fieldfix"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("FIELDFIX_GUIDES")
        .env("FIELDFIX_STATE_DIR", state)
        .current_dir(state);
    let mut session = Session::spawn(cmd).expect("spawn fieldfix in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
        .get_process_mut()
        .set_window_size(80, 24)
        .expect("window size");
    session
}

/// Picks the item `downs` rows below the highlighted one.
fn pick(s: &mut OsSession, downs: usize) {
    s.send(DOWN.repeat(downs)).expect("send arrows");
    s.send(ENTER).expect("send enter");
}

fn exit_code(s: &OsSession) -> i32 {
    match s.get_process().wait().expect("wait for fieldfix") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("fieldfix did not exit normally: {other:?}"),
    }
}

/// Waits for the step menu and returns how many rows below the highlighted first item
/// `label` is.
fn menu_index(s: &mut OsSession, label: &str) -> usize {
    let found = s.expect("Save and quit").unwrap();
    let text = String::from_utf8_lossy(found.as_bytes()).to_string();
    let ansi = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    let text = ansi.replace_all(&text, "");
    // The items are the lines after the last prompt.
    let menu = text.rsplit('›').next().unwrap_or_default();
    let items: Vec<String> = menu
        .split(['\r', '\n'])
        .map(|l| l.trim_start_matches("❯ ").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    items
        .iter()
        .position(|i| i.starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} in the menu {items:?}"))
}

/// `fix permission` on a computer with a good connection, at the first step's menu.
fn permission_at_first_step(state: &Path, scope: &str) -> OsSession {
    let args = [
        "fix",
        "permission",
        "--device",
        "computer",
        "--network",
        "good",
        "--scope",
        scope,
    ];
    let mut s = spawn(state, &args);
    skip_questions(&mut s);
    s
}

/// Says "I don't know" to every question until the first step shows; returns the step card's
/// first line ("Step 1: ...").
fn skip_questions(s: &mut OsSession) -> String {
    questions_then_step(s).0
}

/// [`skip_questions`], also counting the questions asked.
fn questions_then_step(s: &mut OsSession) -> (String, usize) {
    let step = regex::Regex::new(r"Step \d+: [^\r\n]*").unwrap();
    for asked in 0..30 {
        // Every prompt ends in "›"; each answer is confirmed with "✔" before the next.
        let found = s.expect(expectrl::Regex(r"\? [^\r\n]*›")).unwrap();
        let prompt = String::from_utf8_lossy(found.get(0).unwrap_or_default()).to_string();
        if prompt.contains("How did it go") {
            let screen = String::from_utf8_lossy(found.as_bytes()).to_string();
            let title = step
                .find_iter(&screen)
                .last()
                .expect("a step card before the step menu");
            return (title.as_str().trim().to_owned(), asked);
        }
        // "I don't know" sits just above "Back", the last item; Up wraps from the first.
        s.send("\x1b[A\x1b[A").unwrap();
        s.send(ENTER).unwrap();
        s.expect("✔").unwrap();
    }
    panic!("no step after 30 questions")
}

#[test]
fn pick_by_typing_then_didnt_help_then_fixed() {
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(state.path(), &[]);
    s.expect("What's going wrong?").unwrap();
    s.send("photos not").unwrap();
    s.expect("Photos not uploading").unwrap();
    s.send(ENTER).unwrap();
    let (_, asked) = questions_then_step(&mut s);
    // Only the questions that pay, the shared ones included (seven before this engine).
    assert!(asked <= 4, "{asked} questions before the first step");
    let i = menu_index(&mut s, "Didn't help");
    pick(&mut s, i);
    s.expect("Step 2:").unwrap();
    let i = menu_index(&mut s, "Fixed it");
    pick(&mut s, i);
    s.expect("it's fixed").unwrap();
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(exit_code(&s), 0);
    assert!(
        !state.path().join("session.json").exists(),
        "a finished session is cleared"
    );
}

#[test]
fn handing_over_writes_a_ticket_with_the_steps_tried() {
    let state = tempfile::tempdir().unwrap();
    let mut s = permission_at_first_step(state.path(), "just-me");
    let i = menu_index(&mut s, "Didn't help");
    pick(&mut s, i);
    s.expect("Step 2:").unwrap();
    let i = menu_index(&mut s, "Hand it to support now");
    pick(&mut s, i);
    s.expect("Time to hand this").unwrap();
    // Fill in every detail asked for, skipping with Enter.
    loop {
        let next = s
            .expect(expectrl::Regex(
                r"(\? [^\r\n]*›)|(Ticket written: [^\r\n]*)",
            ))
            .unwrap();
        let text = String::from_utf8_lossy(next.get(0).unwrap_or_default()).to_string();
        if text.starts_with("Ticket written") {
            break;
        }
        s.send_line("ask Dana at the site office").unwrap();
    }
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(exit_code(&s), 3);
    let ticket = std::fs::read_dir(state.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("fieldfix-ticket-permission-denied")
        })
        .expect("a ticket file in the current folder");
    let text = std::fs::read_to_string(ticket.path()).unwrap();
    assert!(text.contains("## Steps tried"), "{text}");
    assert!(text.contains("did not help"), "{text}");
    assert!(text.contains("ask Dana at the site office"), "{text}");
}

#[test]
fn back_changes_an_earlier_answer_and_the_plan() {
    // The first question is the one the engine values most, whichever that is.
    let library = fieldfix::guides::load(None).unwrap();
    let guide = library.guide("app-not-working").unwrap();
    let first =
        &fieldfix::engine::diagnose(&library.context, guide, &Default::default()).questions[0];
    let q = library.question(guide, &first.id).unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(state.path(), &["fix", "app"]);
    s.expect(q.ask.as_str()).unwrap();
    pick(&mut s, 0);
    s.expect("✔").unwrap();
    s.expect(expectrl::Regex(r"\? [^\r\n]*›")).unwrap();
    // "Back" is the last item; Up wraps from the first.
    s.send("\x1b[A").unwrap();
    s.send(ENTER).unwrap();
    s.expect("✔").unwrap();
    s.expect(q.ask.as_str()).unwrap();
    pick(&mut s, 1); // the second answer instead
    s.expect("✔").unwrap();
    s.expect("›").unwrap();
    s.send(ControlCode::EndOfText).unwrap(); // Ctrl-C: stop here
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
    let saved = std::fs::read_to_string(state.path().join("session.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(
        json["situation"]["answers"][&q.id], q.options[1].value,
        "Back replaced the first answer"
    );
}

#[test]
fn ctrl_c_saves_and_resume_continues_at_the_same_step() {
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(
        state.path(),
        &[
            "fix",
            "rfi",
            "--device",
            "computer",
            "--network",
            "good",
            "--scope",
            "just-me",
        ],
    );
    let title = skip_questions(&mut s);
    assert!(title.starts_with("Step 1: "), "{title}");
    s.expect("Save and quit").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect("fieldfix fix --resume").unwrap();
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
    assert!(state.path().join("session.json").exists());

    let mut s = spawn(state.path(), &["fix", "--resume"]);
    s.expect("Picking up where you left off").unwrap();
    s.expect(title.as_str()).unwrap();
    s.expect("Save and quit").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
}

#[test]
fn esc_at_a_text_prompt_saves_and_stops() {
    let state = tempfile::tempdir().unwrap();
    let mut s = permission_at_first_step(state.path(), "several-people");
    let i = menu_index(&mut s, "Hand it to support now");
    pick(&mut s, i);
    s.expect("Time to hand this").unwrap();
    s.expect("›").unwrap(); // the first detail's text prompt
    s.send("half typed").unwrap();
    s.send("\x1b").unwrap(); // Esc
    s.expect("fieldfix fix --resume").unwrap();
    s.expect(expectrl::Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state.path().join("session.json")).unwrap())
            .unwrap();
    assert_eq!(
        saved["phase"], "escalate",
        "resume will continue at the ticket"
    );
}

//! Real-terminal tests: the actual binary in a pseudo-terminal, driven by keystrokes, so the
//! prompts (menu keys, typed text, Ctrl-C, Esc, cursor) are tested as a user meets them.
//! They wait for text, never sleep blindly.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Captures, Expect, Needle, Session};

use crate::support::{assert_has, assert_lacks, words};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

/// The two terminal sizes every screen test runs at: a laptop's default, and a small window.
const SIZES: [(u16, u16); 2] = [(80, 24), (50, 20)];

/// fieldfix in a pseudo-terminal. Everything it prints goes through a terminal emulator
/// (`vt100`) as well, so tests can check what is on screen, not only what was written.
struct Pty {
    s: OsSession,
    vt: vt100::Parser<()>,
}

impl Pty {
    fn expect<N: Needle + std::fmt::Debug>(&mut self, needle: N) -> Captures {
        let wanted = format!("{needle:?}");
        match self.s.expect(needle) {
            Ok(found) => {
                self.vt.process(found.as_bytes());
                found
            }
            // Show what the user would have seen.
            Err(e) => panic!("no {wanted} on screen ({e}):\n{}", self.screen()),
        }
    }

    /// Ctrl-C once fieldfix reads a key, and the exit code that says the user stopped.
    fn interrupt_to_the_end(&mut self) {
        self.interrupt();
        assert_eq!(self.exit_code(), 130, "Ctrl-C exits 130");
    }

    /// Sends keys; an Enter only once a menu could have been read (fieldfix refuses an Enter
    /// pressed within 0.1 s of a menu appearing, as typed ahead of it).
    fn send(&mut self, keys: &str) {
        if keys.contains(ENTER) {
            std::thread::sleep(Duration::from_millis(150));
        }
        self.s.send(keys).expect("send keys");
    }

    /// Ctrl-C, once fieldfix is reading a key. Sent while the terminal is between two reads
    /// (cooked mode), Ctrl-C is a signal the wizard only sees at its next prompt, and the test
    /// would wait for an exit that never comes.
    fn interrupt(&mut self) {
        self.wait_for_key_read();
        self.send("\x03");
    }

    /// Waits until fieldfix reads a key, and takes in all it wrote before.
    fn settle(&mut self) {
        self.wait_for_key_read();
        while let Ok(found) = self.s.check(expectrl::Regex("(?s).+")) {
            if found.is_empty() {
                break;
            }
            self.vt.process(found.as_bytes());
        }
    }

    /// Esc, once fieldfix is reading a key.
    fn escape(&mut self) {
        self.wait_for_key_read();
        self.send("\x1b");
    }

    /// Waits (a state, not a fixed time) until the terminal is in raw mode: with ISIG off,
    /// a prompt is reading keys one by one and Ctrl-C arrives as a key, not a signal.
    fn wait_for_key_read(&self) {
        use nix::sys::termios::{LocalFlags, tcgetattr};
        use std::os::fd::AsRawFd;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let raw = || {
            tcgetattr(self.s.as_raw_fd()).is_ok_and(|t| !t.local_flags.contains(LocalFlags::ISIG))
        };
        while !raw() {
            assert!(
                std::time::Instant::now() < deadline,
                "fieldfix never started reading keys:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn send_line(&mut self, line: &str) {
        self.s.send_line(line).expect("send a line");
    }

    /// What is visible on the screen now, row by row.
    fn screen(&self) -> String {
        self.vt.screen().contents()
    }

    /// Waits for the end; returns the exit code.
    fn exit_code(&mut self) -> i32 {
        self.expect(expectrl::Eof);
        match self.s.get_process().wait().expect("wait for fieldfix") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("fieldfix did not exit normally: {other:?}"),
        }
    }
}

fn spawn(state: &Path, args: &[&str], size: (u16, u16)) -> Pty {
    spawn_on(state, args, size, "xterm")
}

fn spawn_on(state: &Path, args: &[&str], (cols, rows): (u16, u16), term: &str) -> Pty {
    // The size is set before fieldfix starts (a shell runs `stty`, then becomes fieldfix): set
    // from outside after the spawn, it can arrive after fieldfix has read the size and drawn
    // its first screen for another width, which a loaded machine shows as broken screens.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#"stty cols "$1" rows "$2" && shift 2 && exec "$@""#)
        .arg("sh")
        .arg(cols.to_string())
        .arg(rows.to_string())
        .arg(env!("CARGO_BIN_EXE_fieldfix"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("TERM", term)
        .env_remove("FIELDFIX_GUIDES")
        .env("FIELDFIX_STATE_DIR", state.join("state"))
        .current_dir(state);
    let mut s = Session::spawn(cmd).expect("spawn fieldfix in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.get_process_mut()
        .set_window_size(cols, rows)
        .expect("window size");
    Pty {
        s,
        vt: vt100::Parser::new(
            rows.try_into().expect("rows"),
            cols.try_into().expect("columns"),
            0,
        ),
    }
}

/// The bare wizard at its first screen, in a fresh folder.
fn first_screen(size: (u16, u16)) -> (tempfile::TempDir, Pty) {
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(state.path(), &[], size);
    s.expect("for the list");
    (state, s)
}

/// Picks the item `downs` rows below the highlighted one.
fn pick(s: &mut Pty, downs: usize) {
    s.send(&DOWN.repeat(downs));
    s.send(ENTER);
}

/// Waits for the step menu and picks the item `label`.
fn choose(s: &mut Pty, label: &str) {
    let i = menu_index(s, label);
    pick(s, i);
}

/// Waits for the step menu and returns how many rows below the highlighted first item
/// `label` is.
fn menu_index(s: &mut Pty, label: &str) -> usize {
    let found = s.expect("Save and quit");
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
        .position(|i| i.contains(label))
        .unwrap_or_else(|| panic!("no {label:?} in the menu {items:?}"))
}

/// `fix GUIDE` on a computer with a good connection, just me.
fn fix_on_a_computer(guide: &str) -> [&str; 8] {
    [
        "fix",
        guide,
        "--device",
        "computer",
        "--network",
        "good",
        "--scope",
        "just-me",
    ]
}

/// `fix permission` on a computer with a good connection, at the first step's menu, with
/// `global` flags (`--guides DIR`) before the command.
fn permission_at_first_step(state: &Path, global: &[&str], scope: &str, size: (u16, u16)) -> Pty {
    let mut args = global.to_vec();
    args.extend(words(
        "fix permission --device computer --network good --scope",
    ));
    args.push(scope);
    let mut s = spawn(state, &args, size);
    skip_questions(&mut s);
    s
}

/// Says "I don't know" to every guide question until the first step shows; returns the step
/// card's first line ("Step 1: ...").
fn skip_questions(s: &mut Pty) -> String {
    questions_then_step(s).0
}

/// [`skip_questions`], also counting the questions asked.
fn questions_then_step(s: &mut Pty) -> (String, usize) {
    let step = regex::Regex::new(r"Step \d+: [^\r\n]*").unwrap();
    for asked in 0..30 {
        // Every prompt ends in "›"; each answer is confirmed with "✔" before the next.
        let found = s.expect(expectrl::Regex(r"\? [^\r\n]*›"));
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
        s.send("\x1b[A\x1b[A");
        s.send(ENTER);
        s.expect("✔");
    }
    panic!("no step after 30 questions")
}

/// The sessions saved under `state` (the test's folder), as JSON.
fn saved(state: &Path) -> Vec<serde_json::Value> {
    let Ok(files) = std::fs::read_dir(state.join("state")) else {
        return Vec::new();
    };
    files
        .filter_map(Result::ok)
        .filter(|f| f.file_name().to_string_lossy().ends_with(".json"))
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f.path()).unwrap()).unwrap())
        .collect()
}

/// The ticket fieldfix wrote in `dir`.
fn ticket_in(dir: &Path, guide: &str) -> String {
    let ticket = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("fieldfix-ticket-{guide}"))
        })
        .expect("a ticket file in the current folder");
    std::fs::read_to_string(ticket.path()).unwrap()
}

/// Types `answer` (or nothing) and Enter at every ticket detail until the ticket is written.
/// The answer also reaches the menus among the details, where typed text does nothing and
/// Enter picks the highlighted item.
fn fill_details(s: &mut Pty, answer: &str) {
    loop {
        // Every prompt ends in "›" (a long one on its last line).
        let next = s.expect(expectrl::Regex(r"(›)|(Ticket written:)"));
        let text = String::from_utf8_lossy(next.get(0).unwrap_or_default()).to_string();
        if text.starts_with("Ticket written") {
            return;
        }
        s.send_line(answer);
        // The answer is echoed as it is typed, in redraws of the prompt (with its "›"): wait
        // for the line that confirms it, so the next "›" is the next prompt's. At a menu the
        // words do nothing and the Enter after them is refused, with a hint: Enter again.
        let next = s.expect(expectrl::Regex("(✔)|(Choose with the arrow keys)"));
        if next.get(0).is_some_and(|m| m.starts_with(b"Choose")) {
            s.send(ENTER);
            s.expect("✔");
        }
    }
}

#[test]
fn the_same_keys_record_the_same_answer_at_every_step() {
    for size in SIZES {
        let state = tempfile::tempdir().unwrap();
        // A company whose admin answers within minutes: handing over soon becomes the quicker
        // way, so the walk sees the recommendation part-way.
        let company = state.path().join("company");
        std::fs::create_dir(&company).unwrap();
        std::fs::write(
            company.join("_context.yaml"),
            "targets:\n  admin:\n    minutes: 20\n",
        )
        .unwrap();
        let guides = company.to_str().unwrap();
        let mut s = permission_at_first_step(state.path(), &["--guides", guides], "just-me", size);
        let mut steps = 0;
        let mut recommended = false;
        loop {
            let didnt_help = menu_index(&mut s, "Didn't help");
            recommended |= s.screen().contains("(recommended)");
            // "Didn't help", whether or not handing over is recommended.
            pick(&mut s, didnt_help);
            steps += 1;
            let next = s.expect(expectrl::Regex(r"(\? How did it go)|(Time to hand this)"));
            if String::from_utf8_lossy(next.get(0).unwrap_or_default()).starts_with("Time") {
                break;
            }
        }
        fill_details(&mut s, "");
        assert_eq!(s.exit_code(), 3, "{size:?}");
        assert!(
            recommended,
            "handing over was recommended part-way at {size:?}"
        );
        assert!(steps >= 3, "a long walk: {steps} steps at {size:?}");
        let ticket = ticket_in(state.path(), "permission-denied");
        assert_eq!(
            ticket.matches("did not help").count(),
            steps,
            "every step recorded \"did not help\" at {size:?}:\n{ticket}"
        );
        assert_lacks(&ticket, &["fixed it"]);
    }
}

#[test]
fn a_description_on_the_first_screen_starts_the_guide_then_didnt_help_then_fixed() {
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(state.path(), &[], SIZES[0]);
    s.expect("for the list");
    s.send_line("photos stuck uploading on my iPad");
    s.expect("You said iPad");
    let (_, asked) = questions_then_step(&mut s);
    // Only the questions that pay, the shared ones included: "I don't know" moves nothing, so
    // the wizard asks exactly the questions `diagnose` values for an iPad, not every question
    // that applies (before the engine valued them it asked them all).
    let library = crate::support::library();
    let guide = library.guide("photos-not-uploading").unwrap();
    let mut ipad = fieldfix::engine::Situation::default();
    ipad.answers.insert("device".into(), "ios".into());
    let valued = fieldfix::engine::diagnose(&library.context, guide, &ipad).questions;
    let answer = |q: &str| ipad.answer(q).map(str::to_owned);
    let applies = library
        .context
        .iter()
        .chain(&guide.questions)
        .filter(|q| !ipad.settled(&q.id) && q.when.holds(answer))
        .count();
    assert_eq!(
        asked,
        valued.len(),
        "{asked} questions before the first step"
    );
    assert!(asked < applies, "{asked} of {applies} questions asked");
    choose(&mut s, "Didn't help");
    s.expect("Step 2:");
    choose(&mut s, "Fixed it");
    s.expect("it's fixed");
    assert_eq!(s.exit_code(), 0);
    assert!(
        saved(state.path()).is_empty(),
        "a finished session is cleared"
    );
}

#[test]
fn enter_on_the_first_screen_shows_the_list_by_title() {
    for size in SIZES {
        let (_state, mut s) = first_screen(size);
        s.send(ENTER);
        s.expect("Which problem is it?");
        // The last item drawn on the first page: every problem at 80x24; further down the
        // list at 50x20.
        s.expect(if size == SIZES[0] {
            "Two-step sign-in code not working"
        } else {
            "Permission denied"
        });
        let screen = s.screen();
        let visible = if size == SIZES[0] {
            // At 80x24 every problem is on screen, none cut off.
            &[
                "Two-step sign-in code not working",
                "Photos not uploading",
                "Permission denied",
                "Sync error",
                "File upload failed",
                "Stuck in a login loop",
                "Account locked",
            ][..]
        } else {
            &["Account locked"][..]
        };
        for title in visible {
            assert!(screen.contains(title), "{title} at {size:?}:\n{screen}");
        }
        assert!(!screen.contains("(photos"), "no raw aliases:\n{screen}");
        // The last entry (Up wraps from the first): the ways out are on one page together,
        // "None of these" never alone, and its words are all there, wrapped, never cut.
        s.send("\x1b[A");
        s.expect("[Page 2/2]");
        s.expect("Procore admin");
        let screen = s.screen();
        assert!(screen.contains("Something else"), "{size:?}:\n{screen}");
        assert!(!screen.contains('…'), "{size:?}:\n{screen}");
        assert!(layout_problems(&s).is_empty(), "{size:?}:\n{screen}");
        s.interrupt_to_the_end();
    }
}

/// The rows of the screen, as a list of words each: a word the terminal broke at the edge
/// shows as two.
fn words_on_screen(s: &Pty) -> Vec<String> {
    // Row by row as the terminal shows them: `screen()` joins a line the terminal folded at
    // the edge back into one, which would hide a word cut in two.
    let screen = s.vt.screen();
    screen
        .rows(0, screen.size().1.into())
        .flat_map(|row| {
            row.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// An error on a small terminal is wrapped between words, like every other screen.
#[test]
fn an_error_on_a_small_terminal_breaks_between_words() {
    let state = tempfile::tempdir().unwrap();
    let wanted = "no-such-guide-anywhere";
    let mut s = spawn(state.path(), &["show", wanted], SIZES[1]);
    s.expect(expectrl::Eof);
    let screen = s.screen();
    assert_has(&screen, &["error:"]);
    let words = words_on_screen(&s);
    assert!(words.iter().any(|w| w.contains(wanted)), "{screen}");
    for row in screen.lines() {
        assert!(
            row.chars().count() < usize::from(SIZES[1].0),
            "a row runs to the edge, so a word may be broken:\n{screen}"
        );
    }
    assert_eq!(s.exit_code(), 2);
}

#[test]
fn typed_text_wraps_between_words_while_it_is_typed() {
    let typed = "the photos from this morning on the east wing are still not going up to procore";
    for size in SIZES {
        let (_state, mut s) = first_screen(size);
        s.send(typed);
        s.expect("procore");
        // The last redraws may still be on their way: read the screen once fieldfix waits for
        // the next key.
        s.settle();
        let words = words_on_screen(&s);
        for word in typed.split(' ') {
            assert!(
                words.iter().any(|w| w.ends_with(word)),
                "{word:?} broken at {size:?}:\n{}",
                s.screen()
            );
        }
        assert!(layout_problems(&s).is_empty(), "{size:?}:\n{}", s.screen());
        s.interrupt_to_the_end();
    }
    // A question that fills the row at 50 columns: the text typed goes below, never past the
    // edge.
    let state = tempfile::tempdir().unwrap();
    let mut s = permission_at_first_step(state.path(), &[], "several-people", SIZES[1]);
    choose(&mut s, "Hand it to");
    s.expect("The email address you sign in to");
    let typed = "dana.ruiz@example-construction.com is mine but I also use another one";
    s.send(typed);
    s.expect("another one");
    let words = words_on_screen(&s);
    for word in typed.split(' ') {
        assert!(words.iter().any(|w| w == word), "{word:?}:\n{}", s.screen());
    }
    assert!(layout_problems(&s).is_empty(), "{}", s.screen());
    s.interrupt_to_the_end();
}

/// Labels the step card puts before a device's own instructions.
const DEVICE_LABELS: [&str; 3] = ["iPhone/iPad: ", "Android: ", "Computer: "];

#[test]
fn each_step_fits_with_its_title_menu_and_one_devices_instructions() {
    for size in SIZES {
        let state = tempfile::tempdir().unwrap();
        // The device not known: every question answered "I don't know".
        let mut s = spawn(state.path(), &["fix", "photos"], size);
        skip_questions(&mut s);
        let mut devices_offered = false;
        for step in 1..=4 {
            s.expect("Save and quit");
            s.settle();
            let screen = s.screen();
            let titled = screen.contains(&format!("Step {step}: "));
            assert!(titled, "step {step} at {size:?} has no title:\n{screen}");
            assert_has(
                &screen,
                &[
                    "Fixed it",
                    "Didn't help",
                    "Hand it to",
                    "Back",
                    "Save and quit",
                ],
            );
            let shown = DEVICE_LABELS.iter().filter(|l| screen.contains(*l)).count();
            assert!(shown <= 1, "{shown} devices at {size:?}:\n{screen}");
            devices_offered |= screen.contains("Show the steps for another device");
            assert!(layout_problems(&s).is_empty(), "{size:?}:\n{screen}");
            pick(&mut s, 1); // Didn't help
            let next = s.expect(expectrl::Regex(r"(How did it go)|(Did you do this step)"));
            if String::from_utf8_lossy(next.get(0).unwrap_or_default()).starts_with("Did") {
                s.send("\x1b[A");
                s.send(ENTER);
            }
        }
        assert!(
            devices_offered,
            "another device's steps offered at {size:?}"
        );
        s.interrupt_to_the_end();
    }
}

#[test]
fn handing_over_writes_a_ticket_with_the_steps_tried() {
    let state = tempfile::tempdir().unwrap();
    let mut s = permission_at_first_step(state.path(), &[], "just-me", SIZES[0]);
    choose(&mut s, "Didn't help");
    s.expect("Step 2:");
    choose(&mut s, "and it to ");
    s.expect("Time to hand this");
    fill_details(&mut s, "Dana at the site office");
    assert_eq!(s.exit_code(), 3);
    let text = ticket_in(state.path(), "permission-denied");
    assert_has(
        &text,
        &["## Steps tried", "did not help", "Dana at the site office"],
    );
}

#[test]
fn back_changes_an_earlier_answer_and_the_plan() {
    // The first question is the one the engine values most, whichever that is.
    let library = crate::support::library();
    let guide = library.guide("app-not-working").unwrap();
    let first =
        &fieldfix::engine::diagnose(&library.context, guide, &Default::default()).questions[0];
    let q = library.question(guide, &first.id).unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(state.path(), &["fix", "app"], SIZES[0]);
    s.expect(q.ask.as_str());
    pick(&mut s, 0);
    s.expect("✔");
    s.expect(expectrl::Regex(r"\? [^\r\n]*›"));
    // "Back" is the last item; Up wraps from the first.
    s.send("\x1b[A");
    s.send(ENTER);
    s.expect("✔");
    s.expect(q.ask.as_str());
    pick(&mut s, 1); // the second answer instead
    s.expect("✔");
    s.expect("›");
    s.interrupt_to_the_end(); // Ctrl-C: stop here
    let json = &saved(state.path())[0];
    assert_eq!(
        json["situation"]["answers"][&q.id], q.options[1].value,
        "Back replaced the first answer"
    );
}

/// A description typed into a menu: Space, letters (dialoguer's q, j, k, h, l among them)
/// and digits.
const TYPED_AT_A_MENU: &str = "q j k h l photos won't upload 1 2 y n";

/// Waits for `next`, and returns the answers echoed to `prompt` before it ("✔ prompt ·
/// answer", wrapped lines joined), each with what follows it up to the next echo.
fn echoed_before(s: &mut Pty, prompt: &str, next: &str) -> Vec<String> {
    let found = s.expect(next);
    let text = String::from_utf8_lossy(found.as_bytes()).to_string();
    let ansi = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    let text = words(&ansi.replace_all(&text, "")).join(" ");
    let echo = format!("✔ {prompt} · ");
    text.split(&echo).skip(1).map(str::to_owned).collect()
}

/// Words typed while a menu is up pick nothing, move nothing and quit nothing: only the
/// arrows, Enter and Esc act, so the step's result is the one chosen with them.
#[test]
fn words_typed_at_a_menu_pick_nothing_and_quit_nothing() {
    for size in SIZES {
        let state = tempfile::tempdir().unwrap();
        let mut s = permission_at_first_step(state.path(), &[], "just-me", size);
        let didnt_help = menu_index(&mut s, "Didn't help");
        s.send(TYPED_AT_A_MENU);
        pick(&mut s, didnt_help);
        let echoed = echoed_before(&mut s, "How did it go?", "Step 2:");
        assert_eq!(echoed.len(), 1, "one answer at {size:?}: {echoed:?}");
        assert!(echoed[0].starts_with("Didn't help"), "{size:?}: {echoed:?}");
        s.expect("Save and quit");
        s.interrupt_to_the_end();
        let log = &saved(state.path())[0]["log"];
        assert_eq!(log.as_array().map(Vec::len), Some(1), "{size:?}: {log}");
        assert_eq!(log[0]["result"], "did-not-help", "{size:?}: {log}");
    }
}

/// Words typed at a menu end with Enter when they were meant for a text prompt: that Enter
/// is refused with a hint, and only an Enter after it (or after a move) picks. A double Enter
/// answers one menu, not the next one too.
#[test]
fn an_enter_after_words_or_typed_ahead_picks_nothing() {
    let state = tempfile::tempdir().unwrap();
    let mut s = permission_at_first_step(state.path(), &[], "just-me", SIZES[0]);
    let didnt_help = menu_index(&mut s, "Didn't help");
    s.send(&format!("photos won't upload{ENTER}"));
    s.expect("Choose with the arrow keys, then press Enter.");
    // Down to "Didn't help", then Enter twice at once: the second lands on step 2's menu.
    s.send(&format!("{}{ENTER}{ENTER}", DOWN.repeat(didnt_help)));
    let echoed = echoed_before(&mut s, "How did it go?", "Step 2:");
    assert_eq!(echoed.len(), 1, "one answer: {echoed:?}");
    assert!(echoed[0].starts_with("Didn't help"), "{echoed:?}");
    s.expect("Choose with the arrow keys, then press Enter.");
    s.interrupt_to_the_end();
    let log = &saved(state.path())[0]["log"];
    assert_eq!(
        log.as_array().map(Vec::len),
        Some(1),
        "step 2 unanswered: {log}"
    );
    assert_eq!(log[0]["result"], "did-not-help", "{log}");
}

/// On a terminal narrower than the hint, the refused Enter's hint still takes the one free row
/// under the menu: wrapped onto a second row, it scrolled the menu, and the next redraw left
/// the old highlighted option on screen above the new one.
#[test]
fn the_hint_under_a_menu_fits_one_row_on_a_narrow_terminal() {
    let (_state, mut s) = first_screen((40, 12));
    s.send(ENTER);
    s.expect("Which problem is it?");
    s.settle();
    s.send(&format!("x{ENTER}"));
    s.expect("Enter.");
    s.settle();
    let rows: Vec<String> = s.vt.screen().rows(0, 40).collect();
    let hint = rows.iter().rev().find(|r| !r.trim().is_empty()).unwrap();
    assert!(
        hint.ends_with("Enter."),
        "the hint on one row:\n{}",
        s.screen()
    );
    s.send(DOWN);
    s.expect("❯");
    s.settle();
    let screen = s.screen();
    assert_eq!(screen.matches('❯').count(), 1, "one highlight:\n{screen}");
    assert_eq!(screen.matches("Account locked").count(), 1, "{screen}");
    assert!(layout_problems(&s).is_empty(), "{screen}");
    s.interrupt_to_the_end();
}

/// Starts `guide` on a computer, skips its questions, and saves at its first step (Ctrl-C).
fn save_at_the_first_step(state: &Path, guide: &str) {
    let mut s = spawn(state, &fix_on_a_computer(guide), SIZES[0]);
    skip_questions(&mut s);
    s.expect("Save and quit");
    s.interrupt_to_the_end();
}

/// The resume menu showing up while the user types what is wrong: the words pick nothing
/// (Space once picked "Resume it"), and the saved session stays as it was.
#[test]
fn a_description_typed_into_the_resume_menu_picks_nothing() {
    let state = tempfile::tempdir().unwrap();
    save_at_the_first_step(state.path(), "rfi");
    let before = saved(state.path());

    let mut s = spawn(state.path(), &[], SIZES[0]);
    s.expect("Discard it, start a new one");
    s.send(TYPED_AT_A_MENU);
    pick(&mut s, 1);
    let prompt = "Resume it, keep it for later, or discard it?";
    let echoed = echoed_before(&mut s, prompt, "for the list");
    assert_eq!(echoed.len(), 1, "one answer: {echoed:?}");
    assert!(
        echoed[0].starts_with("Keep it for later, start a new one"),
        "{echoed:?}"
    );
    s.interrupt_to_the_end();
    assert_eq!(
        saved(state.path()),
        before,
        "the saved session is untouched"
    );
}

#[test]
fn ctrl_c_saves_and_resume_continues_at_the_same_step() {
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(state.path(), &fix_on_a_computer("rfi"), SIZES[0]);
    let title = skip_questions(&mut s);
    assert!(title.starts_with("Step 1: "), "{title}");
    s.expect("Save and quit");
    s.interrupt(); // Ctrl-C
    s.expect("fieldfix fix --resume");
    assert_eq!(s.exit_code(), 130);
    assert_eq!(saved(state.path()).len(), 1);

    let mut s = spawn(state.path(), &["fix", "--resume"], SIZES[0]);
    s.expect("Picking up 'RFI not updating' where you left off");
    s.expect(title.as_str());
    s.expect("Save and quit");
    s.interrupt_to_the_end();
}

#[test]
fn the_resume_line_wraps_between_words_on_a_narrow_plain_terminal() {
    let state = tempfile::tempdir().unwrap();
    save_at_the_first_step(state.path(), "photos");

    // 53 characters before "(started": unwrapped, the terminal would cut "off" at column 50.
    // Plain mode (TERM=dumb) writes lines as they come, so fieldfix must wrap them itself.
    let mut s = spawn_on(state.path(), &["fix", "--resume"], SIZES[1], "dumb");
    s.expect("(started");
    let words = words_on_screen(&s);
    for word in "Picking up 'Photos not uploading' where you left off".split(' ') {
        assert!(words.iter().any(|w| w == word), "{word:?}:\n{}", s.screen());
    }
    s.expect("(q to save and quit): ");
    s.send_line("q");
    assert_eq!(s.exit_code(), 130, "q saves and stops");
}

#[test]
fn esc_at_a_text_prompt_saves_and_stops() {
    let state = tempfile::tempdir().unwrap();
    let mut s = permission_at_first_step(state.path(), &[], "several-people", SIZES[0]);
    choose(&mut s, "and it to ");
    s.expect("Time to hand this");
    s.expect("›"); // the first detail's text prompt
    s.send("half typed");
    s.escape(); // Esc
    s.expect("fieldfix fix --resume");
    assert_eq!(s.exit_code(), 130);
    assert_eq!(
        saved(state.path())[0]["phase"],
        "escalate",
        "resume will continue at the ticket"
    );
}

#[test]
fn two_wizards_at_once_keep_both_sessions_and_resume_offers_both() {
    for size in SIZES {
        let state = tempfile::tempdir().unwrap();
        let mut first = spawn(state.path(), &fix_on_a_computer("rfi"), size);
        skip_questions(&mut first);
        // The second one starts while the first waits at its step: the first's session is
        // open there, so it is neither offered here nor replaced.
        let mut second = spawn(state.path(), &fix_on_a_computer("photos"), size);
        skip_questions(&mut second);
        let screen = second.screen();
        assert!(!screen.contains("unfinished"), "{size:?}:\n{screen}");
        for s in [&mut first, &mut second] {
            s.expect("Save and quit");
            s.interrupt_to_the_end();
        }
        assert_eq!(saved(state.path()).len(), 2, "both sessions are kept");

        let mut resume = spawn(state.path(), &["fix", "--resume"], size);
        resume.expect("Which one do you want to pick up?");
        resume.expect(expectrl::Regex(
            r"(?s)(RFI not updating.*Photos not uploading)|(Photos not uploading.*RFI not updating)",
        ));
        pick(&mut resume, 1);
        resume.expect("where you left off");
        resume.expect("Save and quit");
        resume.interrupt_to_the_end();
    }
}

#[test]
fn a_ticket_folder_that_does_not_exist_is_refused_before_the_first_question() {
    let state = tempfile::tempdir().unwrap();
    let mut s = spawn(
        state.path(),
        &["fix", "photos", "--ticket", "nowhere/t.md"],
        SIZES[0],
    );
    s.expect("does not exist");
    assert_eq!(s.exit_code(), 2);
    assert!(
        !s.screen().contains("What is the problem"),
        "{}",
        s.screen()
    );
}

/// Rows the terminal had to wrap (text reaching the last column), and rows left over from
/// earlier prompts ("? " lines besides the current one).
fn layout_problems(s: &Pty) -> Vec<String> {
    let screen = s.vt.screen();
    let cols = screen.size().1.get();
    let rows: Vec<String> = screen.rows(0, cols).collect();
    let mut problems: Vec<String> = rows
        .iter()
        .filter(|r| r.chars().count() >= usize::from(cols))
        .map(|r| format!("reaches the edge: {r:?}"))
        .collect();
    let prompts = rows.iter().filter(|r| r.starts_with("? ")).count();
    if prompts > 1 {
        problems.push(format!("{prompts} prompts on screen"));
    }
    problems
}

#[test]
fn every_screen_fits_the_terminal_without_breaking_words_or_leaving_old_prompts() {
    let mut explained = 0;
    for size in SIZES {
        let (_state, mut s) = first_screen(size);
        s.send_line("photos");
        // Past the first prompt's own "›" (after "for the list"): otherwise the loop takes it
        // for the first question's, and on a busy machine picks before that menu is drawn (an
        // Enter within 0.1 s of a menu appearing is refused, and no "✔" ever comes).
        s.expect("✔");
        // The second answer to every question the engine asks (long labels included, echoed
        // in full), until the first step.
        // (A prompt can wrap, so the step is told from a question by its menu on screen, once
        // fieldfix waits for a key: only a step's menu has "Save and quit".)
        for _ in 0..30 {
            s.expect("›");
            s.settle();
            if s.screen().contains("Save and quit") {
                break;
            }
            pick(&mut s, 1);
            s.expect("✔");
        }
        let screen = s.screen();
        assert!(screen.contains("Step 1: "), "{size:?}:\n{screen}");
        assert!(
            layout_problems(&s).is_empty(),
            "{size:?}: {:?}\n{screen}",
            layout_problems(&s)
        );
        assert!(!screen.contains("\"\""), "no doubled quotes:\n{screen}");
        assert_has(&screen, &["of the time"]);
        // Cause titles are sentences: quoted, never run into the note's own words. (A small
        // screen leaves the note out to fit.)
        if let Some(at) = screen.find("Why this step: it deals with ") {
            let after = &screen[at + "Why this step: it deals with ".len()..];
            assert!(after.starts_with('"'), "{size:?}:\n{screen}");
            explained += 1;
        }
        s.interrupt();
        s.expect("fix --resume");
        let screen = s.screen();
        assert!(
            layout_problems(&s).is_empty(),
            "{size:?}: {:?}\n{screen}",
            layout_problems(&s)
        );
        assert_eq!(s.exit_code(), 130);
    }
    assert!(explained > 0, "no screen showed why the step is offered");
}

#[test]
fn a_dumb_terminal_gets_no_colour_or_cursor_codes() {
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("empty.pdf"), "").unwrap();
    for args in [
        &["show", "photos-not-uploading"][..],
        &["preflight", "."],
        &["validate"],
        &["diagnose", "photos", "--device", "ios"],
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fieldfix"));
        cmd.args(args)
            .env_remove("NO_COLOR")
            .env("TERM", "dumb")
            .env_remove("FIELDFIX_GUIDES")
            .env("FIELDFIX_STATE_DIR", state.path())
            .current_dir(state.path());
        let mut s = Session::spawn(cmd).expect("spawn fieldfix in a pty");
        s.set_expect_timeout(Some(Duration::from_secs(20)));
        let all = s.expect(expectrl::Eof).expect("output to the end");
        let text = String::from_utf8_lossy(all.as_bytes());
        assert!(!text.is_empty(), "{args:?}");
        assert!(!text.contains('\u{1b}'), "{args:?}: {text:?}");
    }
}

#[test]
fn term_dumb_and_plain_give_numbered_options_without_escape_codes() {
    for (term, args) in [
        ("dumb", &["fix", "photos"][..]),
        ("xterm", &["fix", "photos", "--plain"][..]),
    ] {
        let state = tempfile::tempdir().unwrap();
        let mut s = spawn_on(state.path(), args, SIZES[1], term);
        let mut bytes = Vec::new();
        let mut take = |s: &mut Pty, text: &str| bytes.extend_from_slice(s.expect(text).as_bytes());
        // The question worth most comes first: the connection.
        take(&mut s, "(q to save and quit): ");
        assert!(s.screen().contains("2) Weak or patchy"), "{}", s.screen());
        s.send_line("2");
        take(&mut s, "(q to save and quit): ");
        s.send_line("99"); // not an option: said so, and asked again
        take(&mut s, "\"99\" is not one of the choices.");
        take(&mut s, "Type a number");
        // A description typed here instead of a number: refused in lines broken between words.
        s.send_line("the photos from this morning are still not going up");
        take(&mut s, "is not one of the choices.");
        take(&mut s, "Type a number");
        s.send_line("q");
        take(&mut s, "fieldfix fix --resume");
        // (The test's terminal does not echo what is typed, so the line where "99" was
        // answered runs on into the reply; a real one shows the 99 and a line break.)
        let problems: Vec<String> = layout_problems(&s)
            .into_iter()
            .filter(|p| !p.contains("Type a number"))
            .collect();
        assert!(problems.is_empty(), "{problems:?}\n{}", s.screen());
        assert_eq!(s.exit_code(), 130);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains('\x1b'),
            "escape codes in plain mode: {text:?}"
        );
        assert!(!text.contains('✔') && !text.contains('❯'), "{text}");
        // The note that a log is kept comes first, before anything is logged, its path whole.
        let note = text.find("Outcome log:").expect("the log notice");
        assert!(note < text.find("1) ").unwrap(), "{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with("  ") && l.trim_end().ends_with("outcomes.jsonl")),
            "{text}"
        );
        assert_eq!(
            saved(state.path())[0]["situation"]["answers"]["network"],
            "weak"
        );
    }
}

#[test]
fn a_missing_company_folder_warns_once_and_the_wizard_goes_on() {
    let state = tempfile::tempdir().unwrap();
    let missing = state.path().join("company-guides");
    let missing = missing.to_str().unwrap();
    let mut s = spawn(state.path(), &["--guides", missing], SIZES[0]);
    s.expect("for the list");
    let screen = s.screen();
    assert_eq!(screen.matches("could not be loaded").count(), 1, "{screen}");
    assert_has(&screen, &["using the built-in guides"]);
    s.interrupt_to_the_end();
}

#[test]
fn none_of_these_on_the_list_writes_a_ticket_at_both_sizes() {
    for size in SIZES {
        let state = tempfile::tempdir().unwrap();
        let mut s = spawn(state.path(), &["fix"], size);
        s.expect("What's going wrong?");
        s.send(ENTER);
        s.expect("Which problem is it?");
        // The last entry (below the fold at these sizes); Up wraps from the first.
        s.send("\x1b[A");
        s.expect("None of these: write a ticket");
        s.send(ENTER);
        s.expect("Time to hand this to your company's Procore admin");
        fill_details(&mut s, "empty-screen");
        assert_eq!(s.exit_code(), 3, "at {size:?}");
        let text = ticket_in(state.path(), "unlisted");
        assert_has(
            &text,
            &["A problem none of the guides covers", "empty-screen"],
        );
    }
}

/// Plain mode keeps the ticket's promises: Enter leaves the time out and keeps a phone number
/// typed, and what is typed reaches the ticket with no raw control character.
#[test]
fn a_plain_mode_ticket_keeps_what_was_typed_and_nothing_raw() {
    let state = tempfile::tempdir().unwrap();
    let mut args = fix_on_a_computer("error-500").to_vec();
    args.push("--plain");
    let mut s = spawn_on(state.path(), &args, SIZES[1], "xterm");
    let hand_over = regex::Regex::new(r"(\d+)\) Hand it to Procore support").unwrap();
    let dont_know = regex::Regex::new(r"(\d+)\) I don't know").unwrap();
    // "I don't know" to the questions, then the hand-over at the first step.
    loop {
        let found = s.expect("(q to save and quit): ");
        let menu = String::from_utf8_lossy(found.as_bytes()).to_string();
        if let Some(n) = hand_over.captures(&menu) {
            s.send_line(&n[1]);
            break;
        }
        let n = dont_know
            .captures(&menu)
            .unwrap_or_else(|| panic!("neither a question nor a step:\n{menu}"));
        s.send_line(&n[1]);
    }
    let mut typed = [
        "jo@example.com",
        // BEL, ESC, CSI (U+009B) and a right-to-left override, as a plain line carries them:
        // refused and asked again, or stored escaped, never raw.
        "Acme\u{7} ring 555 201 3344 \u{1b}[2J\u{9b}31m \u{202e}fdp.exe",
        "Acme \u{202e}ring 555 201 3344",
    ]
    .into_iter();
    loop {
        let next = s.expect(expectrl::Regex(
            r"(quit\) > )|(Enter for 1 \(q to save and quit\): )|(Ticket written:)",
        ));
        let text = String::from_utf8_lossy(next.get(0).unwrap_or_default()).to_string();
        if text.starts_with("Ticket written") {
            // Its path once: the end screen shows it, and stdout (the same terminal) does not
            // repeat it.
            let rest = s.expect(expectrl::Eof);
            let rest = String::from_utf8_lossy(rest.as_bytes()).to_string();
            assert_eq!(
                rest.matches("fieldfix-ticket-error-500").count(),
                1,
                "{rest}"
            );
            break;
        }
        // Enter at every menu (time, keep it) and after the typed answers.
        s.send_line(if text.ends_with("> ") {
            typed.next().unwrap_or("")
        } else {
            ""
        });
    }
    assert_eq!(s.exit_code(), 3);
    let ticket = ticket_in(state.path(), "error-500");
    assert!(ticket.contains("ring 555 201 3344"), "kept:\n{ticket}");
    assert!(ticket.contains("Acme \\u{202e}ring"), "escaped:\n{ticket}");
    assert_has(
        &ticket,
        &["**Date and time of the error (as exact as you can):** (not given)"],
    );
    let raw: Vec<char> = ticket
        .chars()
        .filter(|&c| fieldfix::safe::is_unsafe(c) && c != '\n')
        .collect();
    assert!(raw.is_empty(), "{raw:?} in:\n{ticket}");
}

/// bash's own line editor, not a test's idea of it: with the completion script sourced at a
/// real prompt, Tab after `-a what-hap` completes the question (bash splits words at `=`
/// itself), the next Tabs list that question's values, and `-a` lists the typed guide's
/// questions, not another guide's.
#[test]
fn bash_completes_answers_at_a_real_prompt() {
    let have_bash = Command::new("bash")
        .args(["-c", "exit 0"])
        .status()
        .is_ok_and(|s| s.success());
    if !have_bash {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let script = dir.path().join("fieldfix.bash");
    let out = Command::new(env!("CARGO_BIN_EXE_fieldfix"))
        .args(["completions", "bash"])
        .output()
        .expect("fieldfix runs");
    std::fs::write(&script, out.stdout).expect("write the script");
    // expectrl turns the terminal's echo off, and readline then shows nothing of the line:
    // bash's start-up file turns it on before the first prompt.
    let rc = dir.path().join("bashrc");
    let rc_text = format!("stty echo\nsource '{}'\nPS1='$ '\n", script.display());
    std::fs::write(&rc, rc_text).expect("write the start-up file");
    let mut cmd = Command::new("bash");
    cmd.arg("--rcfile")
        .arg(&rc)
        .args(["--noprofile", "-i"])
        // No bracketed-paste codes before each prompt.
        .env("TERM", "dumb")
        .env("FIELDFIX_STATE_DIR", dir.path())
        .env("FIELDFIX_CACHE_DIR", dir.path().join("cache"))
        .env_remove("FIELDFIX_GUIDES")
        .env_remove("FIELDFIX_COMPLETE");
    let mut s = Session::spawn(cmd).expect("spawn bash in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("$ ").expect("a prompt");
    s.send("fieldfix diagnose photos -a what-hap\t")
        .expect("type");
    let found = s
        .expect(expectrl::Regex("happens=|\n\\$ "))
        .expect("the question completed");
    assert_eq!(
        found.get(0),
        Some(&b"happens="[..]),
        "{}",
        String::from_utf8_lossy(found.before())
    );
    s.send("\t\t").expect("type");
    let listed = s.expect("\n$ ").expect("the values listed");
    let listed = String::from_utf8_lossy(listed.before()).into_owned();
    for value in ["never-start", "stall", "gone-missing"] {
        assert!(listed.contains(value), "{value}: {listed}");
    }
    s.send("\x15fieldfix diagnose photos -a \t\t")
        .expect("type");
    let listed = s.expect("\n$ ").expect("the questions listed");
    let listed = String::from_utf8_lossy(listed.before()).into_owned();
    assert_has(&listed, &["copies="]);
    assert!(
        !listed.contains("co-status="),
        "a budget question: {listed}"
    );
    s.send("\x15exit\r").expect("type");
}

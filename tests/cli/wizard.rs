//! The wizard's behaviour through a scripted prompter: every screen, answer and ending,
//! without a terminal. (The real-terminal wiring is covered in `pty.rs`.)

use std::path::Path;

use fieldfix::commands::{DiagnoseRequest, Format};
use fieldfix::guides::{self, Library};
use fieldfix::output::Paint;
use fieldfix::wizard::prompt::{Prompter, ScriptPrompter, Scripted};
use fieldfix::wizard::session::{Phase, Store};
use fieldfix::wizard::{Ending, FixRequest, TicketPlan, walk};

use crate::support::fieldfix;

fn library() -> Library {
    guides::load(None).expect("built-in guides load")
}

fn pick(text: &str) -> Scripted {
    Scripted::Pick(text.to_owned())
}

fn typed(text: &str) -> Scripted {
    Scripted::Type(text.to_owned())
}

fn request(guide: Option<&str>, answers: &[(&str, &str)]) -> FixRequest {
    FixRequest {
        diagnose: DiagnoseRequest {
            guide: guide.map(str::to_owned),
            answers: answers
                .iter()
                .map(|(q, v)| (q.to_string(), v.to_string()))
                .collect(),
            ..DiagnoseRequest::default()
        },
        ..FixRequest::default()
    }
}

fn tickets(dir: &Path, format: Format) -> TicketPlan {
    TicketPlan {
        path: None,
        dir: dir.to_owned(),
        format,
    }
}

const CONTEXT: [(&str, &str); 3] = [("device", "ios"), ("network", "weak"), ("scope", "just-me")];

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

type Policy = Box<dyn FnMut(&str, &[String]) -> Scripted>;

/// A prompter that decides each answer when asked: `select(prompt, items)` and
/// `input(prompt, [])` give the scripted answer.
struct Auto {
    inner: ScriptPrompter,
    select: Policy,
    input: Policy,
}

impl Auto {
    fn new(select: Policy, input: Policy) -> Self {
        Auto {
            inner: ScriptPrompter::new(Vec::new()),
            select,
            input,
        }
    }

    /// "I don't know" to questions, `step` at every step.
    fn steps(step: &'static str, input: Policy) -> Self {
        Auto::new(
            Box::new(move |prompt, _| {
                pick(if prompt == "How did it go?" {
                    step
                } else {
                    "I don't know"
                })
            }),
            input,
        )
    }
}

impl Prompter for Auto {
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> std::io::Result<Option<usize>> {
        let answer = (self.select)(prompt, items);
        self.inner.answers.push_front(answer);
        self.inner.select(prompt, items, default)
    }
    fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> std::io::Result<Option<usize>> {
        let answer = (self.select)(prompt, items);
        self.inner.answers.push_front(answer);
        self.inner.fuzzy_select(prompt, items)
    }
    fn input(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        let answer = (self.input)(prompt, &[]);
        self.inner.answers.push_front(answer);
        self.inner.input(prompt)
    }
    fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.inner.say(text)
    }
    fn paint(&self) -> &Paint {
        self.inner.paint()
    }
}

fn quit_at_input() -> Policy {
    Box::new(|_, _| Scripted::Quit)
}

fn walk_with(p: &mut Auto, request: &FixRequest, dir: &Path, format: Format) -> Ending {
    walk(
        &library(),
        request,
        &tickets(dir, format),
        p,
        &Store::at(dir),
    )
    .unwrap_or_else(|e| {
        panic!(
            "the walk failed: {e:#}\ntranscript:\n{}",
            p.inner.transcript.join("\n")
        )
    })
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
    let mut steps_seen = 0;
    let mut p = Auto::new(
        Box::new(move |prompt, _| {
            if prompt != "How did it go?" {
                return pick("I don't know");
            }
            steps_seen += 1;
            pick(if steps_seen == 1 {
                "Didn't help"
            } else {
                "Fixed it"
            })
        }),
        quit_at_input(),
    );
    let ending = walk_with(&mut p, &req, dir.path(), Format::Markdown);
    let transcript = &p.inner.transcript;
    assert_eq!(ending, Ending::Fixed);
    assert!(
        !transcript
            .iter()
            .any(|l| l.contains("What are you using") || l.contains("internet connection")),
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
    assert!(
        !Store::at(dir.path()).path().exists(),
        "a finished session is cleared"
    );
}

#[test]
fn the_problem_can_be_picked_from_a_description() {
    let dir = tempfile::tempdir().unwrap();
    let script = vec![
        pick("Describe it in my own words"),
        typed("change order approved but budget didnt move"),
        pick("Budget"),
        Scripted::Quit,
    ];
    let (ending, transcript, _) = run(&request(None, &[]), script, dir.path());
    assert_eq!(ending, Ending::Saved);
    let saved = Store::at(dir.path()).load().expect("the session was saved");
    assert_eq!(
        saved.guide,
        "budget-not-updating",
        "{}",
        transcript.join("\n")
    );
}

#[test]
fn quitting_saves_and_resume_continues_at_the_same_step() {
    let dir = tempfile::tempdir().unwrap();
    let req = request(
        Some("rfi"),
        &[
            ("device", "computer"),
            ("network", "good"),
            ("scope", "just-me"),
        ],
    );
    let mut p = Auto::new(
        Box::new(|prompt, _| {
            if prompt == "How did it go?" {
                Scripted::Quit
            } else {
                pick("I don't know")
            }
        }),
        quit_at_input(),
    );
    assert_eq!(
        walk_with(&mut p, &req, dir.path(), Format::Markdown),
        Ending::Saved
    );
    let card = step_cards(&p.inner.transcript).pop().expect("a step card");
    assert!(card.contains("Step 1:"), "{card}");
    assert_eq!(Store::at(dir.path()).load().unwrap().phase, Phase::Steps);

    let resume = FixRequest {
        resume: true,
        ..FixRequest::default()
    };
    let (ending, again, _) = run(&resume, vec![Scripted::Quit], dir.path());
    assert_eq!(ending, Ending::Saved);
    assert!(
        again
            .iter()
            .any(|l| l.contains("Picking up where you left off"))
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
    let saved = Store::at(dir.path()).load().unwrap();
    assert_eq!(
        saved.situation.answer(&q.id),
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
    let req = request(
        Some("app"),
        &[
            ("device", "computer"),
            ("network", "good"),
            ("scope", "just-me"),
        ],
    );
    // Every step "Didn't help" until the ticket asks its first detail; stop there.
    let mut p = Auto::steps("Didn't help", quit_at_input());
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

#[test]
fn a_walk_that_runs_out_of_steps_writes_a_ticket_with_everything_support_needs() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library();
    let req = request(
        Some("permission"),
        &[
            ("device", "computer"),
            ("network", "good"),
            ("scope", "just-me"),
        ],
    );
    let guide = lib.guide("permission-denied").unwrap();
    let typing = || -> Policy {
        Box::new(|prompt, _| {
            typed(if prompt.to_lowercase().contains("email") {
                "pat@example.com"
            } else {
                "Tower B, call me on 555 201 3344"
            })
        })
    };
    let mut p = Auto::steps("Didn't help", typing());
    let Ending::Ticket(path) = walk_with(&mut p, &req, dir.path(), Format::Markdown) else {
        panic!("expected a ticket:\n{}", p.inner.transcript.join("\n"))
    };
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
    assert!(!text.contains("555 201 3344"), "{text}");
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
    assert!(
        !Store::at(dir.path()).path().exists(),
        "the finished session is cleared"
    );

    // Two tickets in the same second never replace each other; JSON tickets carry the schema.
    let mut names = Vec::new();
    for _ in 0..2 {
        let mut p = Auto::steps("Didn't help", typing());
        let Ending::Ticket(path) = walk_with(&mut p, &req, dir.path(), Format::Json) else {
            panic!("a ticket")
        };
        names.push(path);
    }
    assert_ne!(names[0], names[1]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&names[0]).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["guide"], "permission-denied");
    assert!(json["steps"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn without_a_terminal_the_wizard_fails_fast_and_names_the_flags() {
    let state = tempfile::tempdir().unwrap();
    let out = fieldfix(state.path())
        .args(["fix", "photos"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("fieldfix diagnose photos --device"), "{err}");
    assert!(out.stdout.is_empty());
    let out = fieldfix(state.path()).write_stdin("").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "bare `fieldfix` with no terminal"
    );
}

#[test]
fn an_existing_ticket_path_is_refused_before_any_question() {
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("taken.md"), "keep me").unwrap();
    let req = FixRequest {
        ticket: Some(state.path().join("taken.md")),
        ..FixRequest::default()
    };
    let err = TicketPlan::new(&req).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(state.path().join("taken.md")).unwrap(),
        "keep me"
    );
}

#[test]
fn a_company_override_of_the_escalation_contact_shows_in_the_wizard() {
    let guides = tempfile::tempdir().unwrap();
    std::fs::write(
        guides.path().join("permission-denied.override.yaml"),
        "override: permission-denied\nescalate:\n  contact: Dana Ruiz, project controls (ext. 4410)\n",
    )
    .unwrap();
    let lib = guides::load(Some(guides.path())).expect("the override loads");
    let dir = tempfile::tempdir().unwrap();
    let req = request(
        Some("permission"),
        &[
            ("device", "computer"),
            ("network", "good"),
            ("scope", "just-me"),
        ],
    );
    let mut p = Auto::new(
        Box::new(|prompt, _| {
            pick(if prompt == "How did it go?" {
                "Hand it to support now"
            } else {
                "I don't know"
            })
        }),
        quit_at_input(),
    );
    let ending = walk(
        &lib,
        &req,
        &tickets(dir.path(), Format::Markdown),
        &mut p,
        &Store::at(dir.path()),
    )
    .unwrap();
    assert_eq!(ending, Ending::Saved);
    assert!(
        p.inner
            .transcript
            .iter()
            .any(|l| l.contains("Time to hand this to Dana Ruiz, project controls (ext. 4410)")),
        "{}",
        p.inner.transcript.join("\n")
    );
}

#[test]
fn check_the_files_now_shows_preflight_findings_in_place() {
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("empty drawing.pdf"), b"").unwrap();
    let dropped = format!("'{}'", files.path().display()); // terminals quote dropped paths
    let dir = tempfile::tempdir().unwrap();
    let req = request(
        Some("upload"),
        &[
            ("device", "computer"),
            ("network", "good"),
            ("scope", "just-me"),
        ],
    );
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
            if checked {
                Scripted::Quit
            } else {
                pick("Didn't help")
            }
        }),
        Box::new(move |_, _| typed(&dropped)),
    );
    assert_eq!(
        walk_with(&mut p, &req, dir.path(), Format::Markdown),
        Ending::Saved
    );
    let transcript = p.inner.transcript.join("\n");
    assert!(transcript.contains("empty drawing.pdf"), "{transcript}");
    assert!(transcript.to_lowercase().contains("empty"), "{transcript}");
    // The same step is offered again after the check.
    let cards = step_cards(&p.inner.transcript);
    assert_eq!(
        cards[cards.len() - 1],
        cards[cards.len() - 2],
        "back to the same step:\n{transcript}"
    );
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
        Box::new(|_, _| typed("")),
    );
    let Ending::Ticket(path) = walk_with(&mut p, &req, dir.path(), Format::Json) else {
        panic!("expected a ticket:\n{}", p.inner.transcript.join("\n"))
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
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let recorded = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["step"] == risky.id.as_str())
        .count();
    assert_eq!(recorded, 1, "{json}");
}

//! The walk-through as pure functions over a plain state: what to show next ([`screen`]) and
//! what a choice changes ([`act`]), in the order the terminal wizard follows: the questions
//! worth asking (best first, each asked once), then the steps in the engine's order, then the
//! hand-over when nothing is left or the user asks for it.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::engine::{self, Situation};
use crate::guides::model::{COMPUTER, DEVICE, Guide, Library, Step};

thread_local! {
    static LIBRARY: RefCell<Option<Library>> = const { RefCell::new(None) };
}

/// Loads the library every other call uses.
pub fn load(json: &str) -> Result<(), String> {
    let library: Library =
        serde_json::from_str(json).map_err(|e| format!("the guide library is not valid: {e}"))?;
    LIBRARY.with(|l| *l.borrow_mut() = Some(library));
    Ok(())
}

/// Runs `f` on the loaded library.
pub fn with_library<T>(f: impl FnOnce(&Library) -> Result<T, String>) -> Result<T, String> {
    LIBRARY.with(|l| match &*l.borrow() {
        Some(library) => f(library),
        None => Err("no guide library is loaded".to_owned()),
    })
}

/// Where a walk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Questions,
    Steps,
    Handover,
    Fixed,
}

/// What a step came to, in the order tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub step: String,
    /// `fixed`, `did-not-help`, `skipped` or `needs-admin`, as in the terminal's sessions.
    pub result: String,
}

/// An answer the user's own words gave ("on my iPad" answers the device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    pub question: String,
    pub value: String,
    /// The words, as typed.
    pub said: String,
}

/// One walk: the page keeps it (local storage) and sends it back with every call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub guide: String,
    /// The user's own words.
    #[serde(default)]
    pub described: String,
    pub situation: Situation,
    /// Questions put to the user, in order.
    #[serde(default)]
    pub asked: Vec<String>,
    pub phase: Phase,
    #[serde(default)]
    pub log: Vec<Outcome>,
    #[serde(default)]
    pub said: Vec<Said>,
}

/// A choice on a screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum Action {
    /// An option of the question shown (its value).
    Answer {
        value: String,
    },
    /// "I don't know" to the question shown.
    DontKnow,
    Fixed,
    DidntHelp,
    Skip,
    /// "I can't do this (needs an admin)".
    Cant,
    /// "Hand it over".
    HandOver,
}

/// An option of a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Screen {
    Question {
        guide: String,
        title: String,
        /// The guide's page in the exported site.
        page: String,
        id: String,
        ask: String,
        why: Option<String>,
        options: Vec<Choice>,
        /// What the user's words answered already.
        notes: Vec<String>,
    },
    Step {
        guide: String,
        title: String,
        page: String,
        number: usize,
        id: String,
        step: String,
        about: String,
        warning: Option<String>,
        lines: Vec<String>,
        notes: Vec<String>,
        /// Handing over now is the quicker way to a fix.
        recommended: bool,
    },
    Handover {
        guide: String,
        title: String,
        page: String,
        to: String,
        contact: String,
        reasons: Vec<String>,
        /// The admin steps that go with the hand-over.
        request: Vec<String>,
    },
    Fixed {
        guide: String,
        title: String,
        page: String,
        tips: Vec<String>,
    },
}

/// A search hit as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub guide: String,
    pub title: String,
    pub summary: String,
}

/// The guides for the words typed, best first (every guide, by title, when no words).
pub fn search(library: &Library, words: &str) -> Vec<Found> {
    let found = |g: &Guide| Found {
        guide: g.id.clone(),
        title: g.title.clone(),
        summary: g.summary.clone(),
    };
    if words.trim().is_empty() {
        let mut all: Vec<Found> = library.guides.iter().map(found).collect();
        all.sort_by(|a, b| a.title.cmp(&b.title));
        return all;
    }
    crate::search::search(library, words)
        .iter()
        .filter_map(|hit| library.guide(&hit.guide))
        .map(found)
        .collect()
}

fn guide<'a>(library: &'a Library, id: &str) -> Result<&'a Guide, String> {
    library
        .guide(id)
        .ok_or_else(|| format!("there is no guide `{id}`"))
}

/// A new walk; the words typed answer the device and the connection when they say them.
pub fn start(library: &Library, id: &str, words: &str) -> Result<State, String> {
    guide(library, id)?;
    let mut state = State {
        guide: id.to_owned(),
        described: words.trim().to_owned(),
        situation: Situation::default(),
        asked: Vec::new(),
        phase: Phase::Questions,
        log: Vec::new(),
        said: Vec::new(),
    };
    for hint in crate::search::hints(words) {
        let known = library
            .context_question(hint.question)
            .is_some_and(|q| q.choice(hint.value).is_some());
        if known && state.situation.answer(hint.question).is_none() {
            state
                .situation
                .answers
                .insert(hint.question.to_owned(), hint.value.to_owned());
            state.asked.push(hint.question.to_owned());
            state.said.push(Said {
                question: hint.question.to_owned(),
                value: hint.value.to_owned(),
                said: hint.said,
            });
        }
    }
    Ok(state)
}

/// The screen for a state.
pub fn screen(library: &Library, state: &State) -> Result<Screen, String> {
    let g = guide(library, &state.guide)?;
    let plan = engine::diagnose(&library.context, g, &state.situation);
    let (title, page) = (g.title.clone(), format!("{}.html", g.id));
    if state.phase == Phase::Fixed {
        let by = state.log.last().map(|o| o.step.as_str());
        return Ok(Screen::Fixed {
            guide: g.id.clone(),
            title,
            page,
            tips: engine::tips(g, by)
                .iter()
                .take(4)
                .map(|t| t.tip.clone())
                .collect(),
        });
    }
    if state.phase == Phase::Questions {
        let open = plan
            .questions
            .iter()
            .filter(|q| !state.asked.contains(&q.id))
            .find_map(|q| library.question(g, &q.id).map(|full| (full, q)));
        if let Some((q, open)) = open {
            let told: Vec<&str> = open
                .separates
                .iter()
                .filter_map(|c| g.cause(c))
                .map(|c| c.title.as_str())
                .take(2)
                .collect();
            let why = match told.as_slice() {
                [] => None,
                [one] => Some(format!(
                    "Why I ask: it shows whether \"{one}\" is the cause."
                )),
                _ => Some(format!(
                    "Why I ask: it tells apart \"{}\".",
                    told.join("\" and \"")
                )),
            };
            let notes = state
                .said
                .iter()
                .map(|s| {
                    let label = library
                        .question(g, &s.question)
                        .and_then(|q| q.choice(&s.value))
                        .map_or(s.value.as_str(), |c| c.label.as_str());
                    format!("You said {}: {label} (change with Back)", s.said)
                })
                .collect();
            return Ok(Screen::Question {
                guide: g.id.clone(),
                title,
                page,
                id: q.id.clone(),
                ask: q.ask.clone(),
                why,
                options: q
                    .options
                    .iter()
                    .map(|o| Choice {
                        value: o.value.clone(),
                        label: o.label.clone(),
                    })
                    .collect(),
                notes,
            });
        }
    }
    let next = plan
        .steps
        .first()
        .filter(|_| state.phase != Phase::Handover);
    let Some(next) = next else {
        let request = plan
            .escalation
            .request
            .iter()
            .filter_map(|id| g.step(id))
            .map(|s| s.title.clone())
            .collect();
        return Ok(Screen::Handover {
            guide: g.id.clone(),
            title,
            page,
            to: plan.escalation.to.id().to_owned(),
            contact: plan.escalation.contact.clone(),
            reasons: plan.escalation.reasons.clone(),
            request,
        });
    };
    let step = g
        .step(&next.id)
        .ok_or_else(|| format!("the engine planned an unknown step `{}`", next.id))?;
    let device = state.situation.answer(DEVICE);
    let needs = match (&step.role, step.admin) {
        (Some(role), _) => format!("; needs {role}"),
        (None, true) => "; needs an admin".to_owned(),
        (None, false) => String::new(),
    };
    let mut notes = Vec::new();
    if plan.escalation.recommended {
        notes.push(format!(
            "Consider handing this over now: {}",
            plan.escalation.reasons.join(" ")
        ));
    }
    if step.admin {
        notes.push("Only an admin can do this: ask them, or pick \"I can't do this\".".to_owned());
    }
    let why: Vec<&str> = next
        .checks
        .iter()
        .filter_map(|c| g.cause(c))
        .map(|c| c.title.as_str())
        .take(2)
        .collect();
    if !why.is_empty() {
        notes.push(format!(
            "Why this step: it deals with \"{}\".",
            why.join("\" and \"")
        ));
    }
    Ok(Screen::Step {
        guide: g.id.clone(),
        title,
        page,
        number: state.log.iter().filter(|o| o.result != "fixed").count() + 1,
        id: step.id.clone(),
        step: step.title.clone(),
        about: format!(
            "About {}; fixes it {} of the time{needs}",
            minutes(step.minutes),
            percent(next.probability)
        ),
        warning: at_risk(step, device).map(|r| r.warning().to_owned()),
        lines: step
            .lines_for(device)
            .into_iter()
            .map(|(dev, line)| match dev {
                Some(dev) => format!("{}: {line}", device_label(dev)),
                None => line.to_owned(),
            })
            .collect(),
        notes,
        recommended: plan.escalation.recommended,
    })
}

/// Applies the user's choice to the screen `state` shows.
pub fn act(library: &Library, state: &mut State, action: Action) -> Result<(), String> {
    let shown = screen(library, state)?;
    match (shown, action) {
        (Screen::Question { id, options, .. }, Action::Answer { value }) => {
            if !options.iter().any(|o| o.value == value) {
                return Err(format!("`{value}` is not an answer to `{id}`"));
            }
            state.situation.answers.insert(id.clone(), value);
            state.asked.push(id);
        }
        (Screen::Question { id, .. }, Action::DontKnow) => {
            state.situation.unknown.push(id.clone());
            state.asked.push(id);
        }
        (Screen::Question { .. } | Screen::Step { .. }, Action::HandOver) => {
            state.phase = Phase::Handover;
        }
        (Screen::Step { id, .. }, action) => {
            let result = match action {
                Action::Fixed => "fixed",
                Action::DidntHelp => "did-not-help",
                Action::Skip => "skipped",
                Action::Cant => "needs-admin",
                other => return Err(format!("{other:?} is not an answer to a step")),
            };
            match action {
                Action::DidntHelp => state.situation.tried.push(id.clone()),
                Action::Skip => state.situation.skipped.push(id.clone()),
                Action::Cant => state.situation.for_admin.push(id.clone()),
                _ => {}
            }
            state.phase = if action == Action::Fixed {
                Phase::Fixed
            } else {
                Phase::Steps
            };
            state.log.push(Outcome {
                step: id,
                result: result.to_owned(),
            });
        }
        (shown, action) => {
            return Err(format!(
                "{action:?} is not a choice on the {} screen",
                match shown {
                    Screen::Question { .. } => "question",
                    Screen::Step { .. } => "step",
                    Screen::Handover { .. } => "hand-over",
                    Screen::Fixed { .. } => "fixed",
                }
            ));
        }
    }
    Ok(())
}

/// A risk worth a warning: a step that can lose work, on what may be a phone.
fn at_risk(step: &Step, device: Option<&str>) -> Option<crate::guides::model::Risk> {
    step.risk
        .filter(|_| step.on_phone() && device != Some(COMPUTER))
}

fn percent(p: f64) -> String {
    let pct = (p * 100.0).round();
    if pct < 1.0 && p > 0.0 {
        "<1%".to_owned()
    } else {
        format!("{pct:.0}%")
    }
}

fn minutes(m: f64) -> String {
    if m < 1.0 {
        "<1 min".to_owned()
    } else if m < 90.0 {
        format!("{} min", m.round())
    } else {
        format!("{:.1} h", m / 60.0)
    }
}

fn device_label(device: &str) -> &str {
    match device {
        "ios" => "iPhone/iPad",
        "android" => "Android",
        "computer" => "Computer",
        other => other,
    }
}

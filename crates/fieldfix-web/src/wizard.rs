//! The walk-through as pure functions over a plain state: what to show next ([`screen`]) and
//! what a choice changes ([`act`]), in the order the terminal wizard follows: the questions
//! worth asking (best first, each asked once), then the steps in the engine's order, then the
//! hand-over when nothing is left or the user asks for it.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::card;
use crate::engine::{self, Situation};
use crate::guides::model::{DEVICE, Guide, Library, ProvideKind};
use crate::handover::{self, Handover, Record, Tried, WHEN, WHEN_TYPED};
use crate::output::ticket;

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
    /// The ticket is made.
    Ticket,
    Fixed,
}

/// What a step came to, in the order tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub step: String,
    /// `fixed`, `did-not-help`, `skipped` or `needs-admin`, as in the terminal's sessions.
    pub result: String,
    #[serde(default)]
    pub title: String,
    /// When, by the phone's clock.
    #[serde(default)]
    pub at: String,
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
    /// The details for support (provide id to value; empty: left out).
    #[serde(default)]
    pub provided: BTreeMap<String, String>,
    /// When the ticket was made, by the phone's clock.
    #[serde(default)]
    pub created: String,
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
    /// "Make the ticket", with the details for support: for a time, the index of the choice
    /// in `values` (and the words in `typed` for "Another time"); for the rest, the words.
    Ticket {
        #[serde(default)]
        values: BTreeMap<String, String>,
        #[serde(default)]
        typed: BTreeMap<String, String>,
    },
    /// "Leave the phone number out" of the detail `id` on the ticket screen.
    LeaveOut {
        id: String,
    },
}

/// A detail as typed that holds contact details nobody asked for: kept unless the user
/// chooses to leave them out, as the terminal offers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Redactable {
    pub id: String,
    /// "That has a phone number in it, and the ticket may be passed on."
    pub notice: String,
    /// "Leave the phone number out: "…""
    pub choice: String,
}

/// A detail support needs, asked on the hand-over screen as the terminal asks it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    pub id: String,
    pub label: String,
    /// For a time: "When did it last happen?" choices (values are their numbers), the first
    /// the default; `typed` is the choice that takes words. Empty: words.
    pub options: Vec<Choice>,
    pub typed: Option<String>,
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
        details: Vec<Detail>,
    },
    Ticket {
        guide: String,
        title: String,
        page: String,
        to: String,
        contact: String,
        /// The ticket, as Markdown: the same text the terminal writes.
        markdown: String,
        /// A file name for it.
        file: String,
        mailto: Option<String>,
        /// How to reach the contact when there is no address to write to.
        reach: Option<String>,
        redactable: Vec<Redactable>,
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
        provided: BTreeMap::new(),
        created: String::new(),
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
            let why = card::why_ask(g, open);
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
    if state.phase == Phase::Ticket {
        return Ok(ticket_screen(library, g, state));
    }
    let Some(next) = next else {
        let handover = Handover::new(library, g, &record(state));
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
            to: handover.recipient.to.id().to_owned(),
            contact: handover.recipient.name.clone(),
            reasons: handover.reasons,
            request,
            details: g
                .escalate
                .provide
                .iter()
                .map(|item| {
                    let time = item.kind == ProvideKind::Time;
                    Detail {
                        id: item.id.clone(),
                        label: if time {
                            format!("{}: when did it last happen?", item.label)
                        } else {
                            item.label.clone()
                        },
                        options: if time {
                            WHEN.iter()
                                .enumerate()
                                .map(|(i, w)| Choice {
                                    value: i.to_string(),
                                    label: (*w).to_owned(),
                                })
                                .collect()
                        } else {
                            Vec::new()
                        },
                        typed: time.then(|| WHEN_TYPED.to_string()),
                    }
                })
                .collect(),
        });
    };
    let step = g
        .step(&next.id)
        .ok_or_else(|| format!("the engine planned an unknown step `{}`", next.id))?;
    let device = state.situation.answer(DEVICE);
    let notes = card::notes(g, step, next, &plan, &record(state))
        .into_iter()
        .map(|(_, note)| note)
        .collect();
    Ok(Screen::Step {
        guide: g.id.clone(),
        title,
        page,
        number: state.log.iter().filter(|o| o.result != "fixed").count() + 1,
        id: step.id.clone(),
        step: step.title.clone(),
        about: card::about(step, next),
        warning: card::at_risk(step, device).map(|r| r.warning().to_owned()),
        lines: step
            .lines_for(device)
            .into_iter()
            .map(|(dev, line)| card::line(dev, line))
            .collect(),
        notes,
        recommended: plan.escalation.recommended,
    })
}

/// Applies the user's choice to the screen `state` shows.
/// `now` is the phone's clock (`YYYY-MM-DD HH:MM:SS ZONE`), for the ticket's times.
pub fn act(library: &Library, state: &mut State, action: Action, now: &str) -> Result<(), String> {
    let shown = screen(library, state)?;
    match (shown, action) {
        (Screen::Ticket { redactable, .. }, Action::LeaveOut { id }) => {
            let g = guide(library, &state.guide)?;
            let kind = g
                .escalate
                .provide
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.kind);
            let typed = state.provided.get(&id).cloned();
            match (kind, typed, redactable.iter().any(|r| r.id == id)) {
                (Some(kind), Some(typed), true) => {
                    if let Some((redacted, _)) = handover::redacted(&typed, kind) {
                        state.provided.insert(id, redacted);
                    }
                }
                _ => return Err(format!("`{id}` has nothing to leave out")),
            }
        }
        (Screen::Handover { details, .. }, Action::Ticket { values, typed }) => {
            let minute: String = now.chars().take(16).collect();
            for d in details {
                let given = values.get(&d.id).map_or("", String::as_str);
                let value = if d.options.is_empty() {
                    line(given)
                } else {
                    let i = given.parse::<usize>().unwrap_or(0);
                    match handover::when(i, &minute) {
                        Some(said) => said,
                        None => line(typed.get(&d.id).map_or("", String::as_str)),
                    }
                };
                state.provided.insert(d.id, value);
            }
            state.created = now.to_owned();
            state.phase = Phase::Ticket;
        }
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
        (Screen::Step { id, step, .. }, action) => {
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
                title: step,
                at: now.to_owned(),
            });
        }
        (shown, action) => {
            return Err(format!(
                "{action:?} is not a choice on the {} screen",
                match shown {
                    Screen::Question { .. } => "question",
                    Screen::Step { .. } => "step",
                    Screen::Handover { .. } => "hand-over",
                    Screen::Ticket { .. } => "ticket",
                    Screen::Fixed { .. } => "fixed",
                }
            ));
        }
    }
    Ok(())
}

/// A line typed, as the terminal keeps it: trimmed, control characters shown as escapes.
fn line(typed: &str) -> String {
    fieldfix_guides::safe::line(typed.trim()).into_owned()
}

/// What the ticket needs of a walk.
pub fn record(state: &State) -> Record {
    Record {
        described: state.described.clone(),
        situation: state.situation.clone(),
        asked: state.asked.clone(),
        before: Vec::new(),
        log: state
            .log
            .iter()
            .map(|o| Tried {
                guide: state.guide.clone(),
                step: o.step.clone(),
                title: o.title.clone(),
                // As the terminal's step results read.
                outcome: match o.result.as_str() {
                    "fixed" => "fixed it",
                    "did-not-help" => "did not help",
                    "needs-admin" => "needs an admin",
                    other => other,
                }
                .to_owned(),
                needs_admin: o.result == "needs-admin",
                at: o.at.clone(),
            })
            .collect(),
        checked: Vec::new(),
        provided: state.provided.clone(),
        created: state.created.clone(),
    }
}

/// The ticket made: the terminal's ticket for the same answers, and how to send it.
fn ticket_screen(library: &Library, g: &Guide, state: &State) -> Screen {
    let record = record(state);
    let handover = Handover::new(library, g, &record);
    let recipient = handover.recipient.clone();
    let mut t = handover::build(library, g, &record, handover);
    t.os = "a web browser (the exported site)".to_owned();
    let stamp: String = state
        .created
        .chars()
        .take(19)
        .filter(char::is_ascii_digit)
        .collect();
    Screen::Ticket {
        guide: g.id.clone(),
        title: g.title.clone(),
        page: format!("{}.html", g.id),
        to: recipient.to.id().to_owned(),
        contact: recipient.name.clone(),
        markdown: ticket::markdown(&t),
        file: format!("fieldfix-ticket-{}-{stamp}.md", g.id),
        mailto: handover::mailto(&recipient, &t),
        reach: recipient.how_to_reach(g),
        redactable: g
            .escalate
            .provide
            .iter()
            .filter_map(|item| {
                let typed = state.provided.get(&item.id)?;
                let (redacted, what) = handover::redacted(typed, item.kind)?;
                Some(Redactable {
                    id: item.id.clone(),
                    notice: format!(
                        "{}: that has a {what} in it, and the ticket may be passed on.",
                        item.label
                    ),
                    choice: format!("Leave the {what} out: \"{redacted}\""),
                })
            })
            .collect(),
    }
}

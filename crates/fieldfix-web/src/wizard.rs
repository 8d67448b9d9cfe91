//! The exported site's wizard over the shared walk ([`fieldfix_engine::walk`]): a plain state
//! the page keeps, the screen to show for it ([`screen`]) and the choice to apply to it
//! ([`act`]). Every decision (which question, which step, when to hand over, what a choice,
//! Back or a switch changes) is the walk's, the very code the terminal wizard runs; this file
//! only turns it into JSON for the page.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::card;
use crate::engine;
use crate::handover::{self, Handover, WHEN, WHEN_TYPED};
use crate::output::ticket;
use fieldfix_engine::walk::choose::{self, Found as Offer};
use fieldfix_engine::walk::next::{self, Extras};
use fieldfix_engine::walk::{Event, Flow, Next, Phase, StepChoice, Walk, unlisted};
use fieldfix_guides::model::{DEVICE, Guide, Library, Provide, ProvideKind, Question};

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

/// A call from the page, `{"NAME": {ARGUMENTS}}`: what the words typed lead to ([`Results`]), a new
/// walk through `guide` for them (the [`State`]; the words may pre-answer the device and the
/// connection), the [`Screen`] to show for a state, or the state after the user's choice on
/// it (`now` is the phone's clock, `YYYY-MM-DD HH:MM:SS ZONE`, for the ticket's times; `null`
/// when Back leaves the walk from its first screen, back to the choice of problem).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Request {
    Search {
        words: String,
    },
    Start {
        guide: String,
        words: String,
    },
    Screen {
        state: State,
    },
    Act {
        state: State,
        action: Action,
        now: String,
    },
}

/// Answers a [`Request`] (as JSON) on the library loaded last, as JSON.
pub fn call(request: &str) -> Result<String, String> {
    let request: Request = serde_json::from_str(request).map_err(|e| e.to_string())?;
    LIBRARY.with_borrow(|library| {
        let library = library.as_ref().ok_or("no guide library is loaded")?;
        let json = match request {
            Request::Search { words } => serde_json::to_string(&search(library, &words)),
            Request::Start { guide, words } => {
                serde_json::to_string(&start(library, &guide, &words)?)
            }
            Request::Screen { state } => serde_json::to_string(&screen(library, &state)?),
            Request::Act {
                mut state,
                action,
                now,
            } => {
                let stays = act(library, &mut state, action, &now)?;
                serde_json::to_string(&stays.then_some(state))
            }
        };
        json.map_err(|e| e.to_string())
    })
}

/// One walk: the page keeps it (local storage) and sends it back with every call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    #[serde(flatten)]
    pub walk: Walk,
    /// What the walk took from the user's words on the way to this screen ("You said iPad…").
    #[serde(default)]
    pub notes: Vec<String>,
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
    /// "Yes, I did it", to "Did you do this step?".
    Done,
    /// "No, not yet: back to the step", to "Did you do this step?".
    NotYet,
    Skip,
    /// "I can't do this (needs an admin)".
    Cant,
    /// "Hand it over".
    HandOver,
    /// "Open related guide: TITLE".
    Related,
    /// "It's a different problem": the guide picked instead, and the words typed for it.
    Switch {
        guide: String,
        #[serde(default)]
        words: String,
    },
    Back,
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

/// An option of a question, or an entry of the step menu (`value` is its action).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What the page shows: the guide the walk is on, with its page in the exported site (none for
/// a problem no guide covers), and the screen itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screen {
    pub guide: String,
    pub title: String,
    pub page: Option<String>,
    #[serde(flatten)]
    pub body: Body,
}

/// The screen itself, by its `kind`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    Question {
        id: String,
        ask: String,
        why: Option<String>,
        options: Vec<Choice>,
        /// What the user's words answered already.
        notes: Vec<String>,
    },
    Step {
        number: usize,
        id: String,
        step: String,
        about: String,
        warning: Option<String>,
        lines: Vec<String>,
        notes: Vec<String>,
        /// The step menu, in the terminal's order, without Back (the page puts it beside
        /// "Start over"): `value` is the action.
        menu: Vec<Choice>,
    },
    /// "Did you do this step?", after "Fixed it" or "Didn't help" at a step that can lose
    /// unsynced work on this device: nothing is recorded until the user says they did it.
    Confirm {
        number: usize,
        /// The step's id.
        id: String,
        step: String,
        /// What was said of it: "did not help", "fixed it".
        said: String,
        warning: String,
        ask: String,
        /// "Yes, I did it" (`done`), then "No, not yet: back to the step" (`not-yet`).
        choices: Vec<Choice>,
    },
    Handover {
        to: String,
        contact: String,
        reasons: Vec<String>,
        /// The admin steps that go with the hand-over.
        request: Vec<String>,
        details: Vec<Detail>,
    },
    Ticket {
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
        tips: Vec<String>,
    },
}

/// A guide offered on the first screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub guide: String,
    /// Its title, with the line that tells it from a close second when there is one.
    pub label: String,
    pub summary: String,
}

/// What the words typed lead to, as the terminal's first screen offers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// A guide the words clearly point to: the page starts it at once, as the terminal does.
    pub start: Option<String>,
    pub heading: String,
    pub hits: Vec<Hit>,
    /// "None of these: show the full list" (after "Is it one of these?").
    pub more: Option<String>,
    /// "None of these: write a ticket for …" (at the end of the full list): start the guide
    /// [`unlisted::UNLISTED`].
    pub unlisted: Option<Hit>,
}

/// The guides for the words typed: the one they clearly point to (started at once, as in the
/// terminal), "Is it one of these?", or every guide by title when there are no words or
/// nothing matches.
pub fn search(library: &Library, words: &str) -> Results {
    let hit = |g: &Guide, label: &str| Hit {
        guide: g.id.clone(),
        label: label.to_owned(),
        summary: g.summary.clone(),
    };
    let heading = match (words.trim().is_empty(), choose::find(library, words)) {
        (false, Offer::Winner(g)) => {
            return Results {
                start: Some(g.id.clone()),
                ..offer(vec![hit(g, &g.title)])
            };
        }
        (false, Offer::Offer(found)) => {
            return offer(found.iter().map(|(g, label)| hit(g, label)).collect());
        }
        (false, Offer::Nothing) => "Nothing matched those words: pick from the list",
        (true, _) => "All problems",
    };
    Results {
        start: None,
        heading: heading.to_owned(),
        hits: choose::full_list(library)
            .into_iter()
            .map(|g| hit(g, &g.title))
            .collect(),
        more: None,
        unlisted: Some(Hit {
            guide: unlisted::UNLISTED.to_owned(),
            label: choose::none_fit(library),
            summary: String::new(),
        }),
    }
}

fn offer(hits: Vec<Hit>) -> Results {
    Results {
        start: None,
        heading: "Is it one of these?".to_owned(),
        hits,
        more: Some(choose::FULL_LIST.to_owned()),
        unlisted: None,
    }
}

/// Runs `f` on the guide `id` (the stand-in one for a problem no guide covers).
fn on_guide<T>(
    library: &Library,
    id: &str,
    f: impl FnOnce(&Guide) -> Result<T, String>,
) -> Result<T, String> {
    let unlisted = unlisted::unlisted(library);
    match next::guide(library, id, &unlisted) {
        Some(g) => f(g),
        None => Err(format!("there is no guide `{id}`")),
    }
}

/// Moves the state on as far as the walk goes by itself, keeping what it says on the way.
fn advance(library: &Library, state: &mut State) -> Result<(), String> {
    let id = state.walk.guide.clone();
    let events = on_guide(library, &id, |g| {
        Ok(next::advance(library, g, &mut state.walk))
    })?;
    state.notes = events
        .into_iter()
        .filter_map(|e| match e {
            Event::Presumed(note) => Some(note),
            Event::QuestionsDone => None,
        })
        .collect();
    Ok(())
}

/// A new walk; the words typed answer the device and the connection when they say them.
pub fn start(library: &Library, id: &str, words: &str) -> Result<State, String> {
    let words = line(words);
    let mut state = State {
        walk: Walk::new(library, id, Default::default(), &words),
        notes: Vec::new(),
        created: String::new(),
    };
    advance(library, &mut state)?;
    Ok(state)
}

pub fn screen(library: &Library, state: &State) -> Result<Screen, String> {
    on_guide(library, &state.walk.guide, |g| screen_on(library, g, state))
}

fn screen_on(library: &Library, g: &Guide, state: &State) -> Result<Screen, String> {
    let walk = &state.walk;
    let body = match next::next(library, g, walk) {
        Next::Choose => return Err("the problem is not chosen yet".to_owned()),
        Next::Question { question, open, .. } => Body::Question {
            id: question.id.clone(),
            ask: question.ask.clone(),
            why: open.and_then(|open| card::why_ask(g, &open)),
            options: options(question),
            notes: state.notes.clone(),
        },
        Next::Shared(question) => Body::Question {
            id: question.id.clone(),
            ask: question.ask.clone(),
            why: None,
            options: options(question),
            notes: Vec::new(),
        },
        Next::Step {
            plan,
            step,
            related,
        } => {
            let planned = &plan.steps[0];
            let device = walk.situation.answer(DEVICE);
            let record = walk.record_for_ticket("");
            Body::Step {
                number: walk.step_number(),
                id: step.id.clone(),
                step: step.title.clone(),
                about: card::about(step, planned),
                warning: card::at_risk(step, device).map(|r| r.warning().to_owned()),
                lines: step
                    .lines_for(device)
                    .into_iter()
                    .map(|(dev, line)| card::line(dev, line))
                    .collect(),
                notes: (state.notes.iter().cloned())
                    .chain(
                        card::notes(g, step, planned, &plan, &record)
                            .into_iter()
                            .map(|(_, note)| note),
                    )
                    .collect(),
                menu: next::menu(step, related, &plan, g, Extras::default())
                    .into_iter()
                    .filter(|(choice, _)| *choice != StepChoice::Back)
                    .map(|(choice, label)| choice_of(choice.name(), &label))
                    .collect(),
            }
        }
        Next::Confirm { step, result, risk } => Body::Confirm {
            number: walk.step_number(),
            id: step.id.clone(),
            step: step.title.clone(),
            said: result.label().to_owned(),
            warning: risk.warning().to_owned(),
            ask: next::CONFIRM_ASK.to_owned(),
            choices: vec![
                choice_of("done", next::CONFIRM_DONE),
                choice_of("not-yet", next::CONFIRM_NOT_YET),
            ],
        },
        Next::Escalate => handover_screen(library, g, state),
        Next::Ticket => ticket_screen(library, g, state),
        Next::Fixed => Body::Fixed {
            tips: engine::tips(g, walk.log.last().map(|o| o.step.as_str()))
                .iter()
                .take(4)
                .map(|t| t.tip.clone())
                .collect(),
        },
    };
    Ok(Screen {
        guide: g.id.clone(),
        title: g.title.clone(),
        page: (g.id != unlisted::UNLISTED).then(|| format!("{}.html", g.id)),
        body,
    })
}

fn choice_of(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

fn options(q: &Question) -> Vec<Choice> {
    q.options
        .iter()
        .map(|o| choice_of(&o.value, &o.label))
        .collect()
}

/// Applies the user's choice to the screen `state` shows. `now` is the phone's clock
/// (`YYYY-MM-DD HH:MM:SS ZONE`), for the ticket's times. False when Back leaves the walk (from
/// its first screen): the page goes back to the choice of problem.
pub fn act(
    library: &Library,
    state: &mut State,
    action: Action,
    now: &str,
) -> Result<bool, String> {
    if action == Action::Back {
        state.created.clear();
        state.notes.clear();
        return Ok(next::back(library, &mut state.walk));
    }
    let id = state.walk.guide.clone();
    let said = on_guide(library, &id, |g| {
        act_on(library, g, &mut state.walk, &mut state.created, action, now)
    })?;
    advance(library, state)?;
    state.notes.splice(0..0, said);
    Ok(true)
}

fn act_on(
    library: &Library,
    g: &Guide,
    walk: &mut Walk,
    created: &mut String,
    action: Action,
    now: &str,
) -> Result<Option<String>, String> {
    let shown = next::next(library, g, walk);
    match (shown, action) {
        (Next::Question { question, .. } | Next::Shared(question), Action::Answer { value }) => {
            if question.choice(&value).is_none() {
                return Err(format!("`{value}` is not an answer to `{}`", question.id));
            }
            next::answer(walk, question, Some(&value));
        }
        (Next::Question { question, .. } | Next::Shared(question), Action::DontKnow) => {
            next::answer(walk, question, None);
        }
        (Next::Question { .. }, Action::HandOver) => {
            walk.checkpoint();
            walk.phase = Phase::Escalate;
        }
        (Next::Step { .. }, Action::Switch { guide, words }) => {
            if guide != unlisted::UNLISTED && library.guide(&guide).is_none() {
                return Err(format!("there is no guide `{guide}`"));
            }
            let note = if next::switch_problem(library, walk, &guide, &line(&words)) {
                next::SWITCHED
            } else {
                next::SAME_PROBLEM
            };
            return Ok(Some(note.to_owned()));
        }
        (Next::Step { step, related, .. }, action) => {
            let choice = match action {
                Action::Fixed => StepChoice::Fixed,
                Action::DidntHelp => StepChoice::DidntHelp,
                Action::Skip => StepChoice::Skip,
                Action::Cant => StepChoice::Cant,
                Action::HandOver => StepChoice::Escalate,
                Action::Related if related.is_some() => StepChoice::Related,
                other => return Err(format!("{other:?} is not a choice at a step")),
            };
            if let Flow::Front(other) = next::act(library, step, related, choice, walk, now) {
                return Err(format!("{other:?} is not a choice at a step"));
            }
        }
        (Next::Confirm { step, .. }, action @ (Action::Done | Action::NotYet)) => {
            next::confirm(step, walk, action == Action::Done, now);
        }
        (Next::Escalate, Action::Ticket { values, typed }) => {
            walk.checkpoint();
            walk.provided = provided(g, &values, &typed, now);
            *created = now.to_owned();
            walk.phase = Phase::Ticket;
        }
        (Next::Ticket, Action::LeaveOut { id }) => leave_out(g, walk, &id)?,
        (shown, action) => {
            return Err(format!(
                "{action:?} is not a choice on the {} screen",
                match shown {
                    Next::Choose => "first",
                    Next::Question { .. } | Next::Shared(_) => "question",
                    Next::Step { .. } => "step",
                    Next::Confirm { .. } => "\"Did you do this step?\"",
                    Next::Escalate => "hand-over",
                    Next::Ticket => "ticket",
                    Next::Fixed => "fixed",
                }
            ));
        }
    }
    Ok(None)
}

/// The details for support as the hand-over form sent them: each as typed, a time as the
/// choice picked (or typed for "Another time").
fn provided(
    g: &Guide,
    values: &BTreeMap<String, String>,
    typed: &BTreeMap<String, String>,
    now: &str,
) -> BTreeMap<String, String> {
    let minute: String = now.chars().take(16).collect();
    g.escalate
        .provide
        .iter()
        .map(|item| {
            let given = values.get(&item.id).map_or("", String::as_str);
            let value = if item.kind == ProvideKind::Time {
                let i = given.parse::<usize>().unwrap_or(0);
                handover::when(i, &minute)
                    .unwrap_or_else(|| line(typed.get(&item.id).map_or("", String::as_str)))
            } else {
                line(given)
            };
            (item.id.clone(), value)
        })
        .collect()
}

/// "Leave the phone number out" of the detail `id`, as the terminal offers it.
fn leave_out(g: &Guide, walk: &mut Walk, id: &str) -> Result<(), String> {
    let kind = g
        .escalate
        .provide
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.kind);
    let redacted = kind
        .zip(walk.provided.get(id))
        .and_then(|(kind, typed)| handover::redacted(typed, kind));
    match redacted {
        Some((redacted, _)) => {
            walk.provided.insert(id.to_owned(), redacted);
            Ok(())
        }
        None => Err(format!("`{id}` has nothing to leave out")),
    }
}

/// A line typed, as the terminal keeps it: trimmed, control characters shown as escapes.
fn line(typed: &str) -> String {
    fieldfix_guides::safe::line(typed.trim()).into_owned()
}

/// "Hand it over": why and to whom, the admin steps asked for, and the details support needs.
fn handover_screen(library: &Library, g: &Guide, state: &State) -> Body {
    let walk = &state.walk;
    let plan = engine::diagnose(&library.context, g, &walk.situation);
    let handover = Handover::new(library, g, &walk.record_for_ticket(""));
    Body::Handover {
        to: handover.recipient.to.id().to_owned(),
        contact: handover.recipient.name.clone(),
        reasons: handover.reasons,
        request: plan
            .escalation
            .request
            .iter()
            .filter_map(|id| g.step(id))
            .map(|s| s.title.clone())
            .collect(),
        details: g.escalate.provide.iter().map(detail).collect(),
    }
}

fn detail(item: &Provide) -> Detail {
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
                .map(|(i, w)| choice_of(&i.to_string(), w))
                .collect()
        } else {
            Vec::new()
        },
        typed: time.then(|| WHEN_TYPED.to_string()),
    }
}

/// The ticket made: the terminal's ticket for the same answers, and how to send it.
fn ticket_screen(library: &Library, g: &Guide, state: &State) -> Body {
    let record = state.walk.record_for_ticket(&state.created);
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
    Body::Ticket {
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
                let typed = state.walk.provided.get(&item.id)?;
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

//! The walk's decisions, the same for the terminal and the browser: which screen comes next
//! (the questions worth asking, best first, each once; then the steps in the engine's order;
//! then the hand-over when none is left or the user asks), what the walk does by itself on the
//! way (takes what the user's words said, moves on when nothing is left to ask), and what a
//! choice at a step changes, Back and "It's a different problem" included.

use super::card;
use super::state::{Pending, Phase, StepResult, Switch, Walk};
use super::unlisted::{self, UNLISTED};
use crate::engine::{self, OpenQuestion, Plan};
use crate::guides::model::{DEVICE, Guide, Library, Question, Risk, Step};

/// The guide `id` of `library`, or the stand-in `unlisted` for a problem none covers.
pub fn guide<'a>(library: &'a Library, id: &str, unlisted: &'a Guide) -> Option<&'a Guide> {
    library.guide(id).or((id == UNLISTED).then_some(unlisted))
}

/// Something the walk did by itself on the way to the next screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// An answer the user's words gave was taken: "You said iPad: iPhone or iPad (change with
    /// Back)".
    Presumed(String),
    /// No question is worth asking any more: the steps begin.
    QuestionsDone,
}

/// What to show next.
#[derive(Debug, Clone)]
pub enum Next<'a> {
    /// The problem is not chosen yet: what's going wrong?
    Choose,
    /// A question; `open` says what it is worth (`None` when asked again after Back from an
    /// answer the user's words gave), `before` is the option given before Back (the index
    /// after the options: "I don't know").
    Question {
        question: &'a Question,
        open: Option<OpenQuestion>,
        before: Option<usize>,
    },
    /// The step the engine puts first.
    Step {
        plan: Plan,
        step: &'a Step,
        /// The guide the step's `see` names.
        related: Option<&'a Guide>,
    },
    /// "Did you do this step?": the result said of a step that can lose unsynced work on this
    /// device, recorded only once the user confirms (see [`confirm`]).
    Confirm {
        step: &'a Step,
        result: StepResult,
        risk: Risk,
    },
    /// For a problem none of the guides covers: a shared question not answered yet, asked
    /// before the hand-over so support gets it like any other ticket.
    Shared(&'a Question),
    /// Hand it over: the details for support, then the ticket.
    Escalate,
    /// The ticket is made.
    Ticket,
    Fixed,
}

/// Moves the walk on as far as it goes without the user: takes what their words answered (a
/// checkpoint before each, so Back asks it), and leaves the questions or the steps when none is
/// left (a checkpoint first).
pub fn advance(library: &Library, guide: &Guide, walk: &mut Walk) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        match walk.phase {
            Phase::Questions => {
                if let Some(note) = take_presumed(library, guide, walk) {
                    events.push(Event::Presumed(note));
                    continue;
                }
                if question(library, guide, walk).is_some() {
                    return events;
                }
                events.push(Event::QuestionsDone);
                walk.checkpoint();
                walk.phase = Phase::Steps;
            }
            Phase::Steps if plan(library, guide, walk).steps.is_empty() => {
                walk.checkpoint();
                walk.phase = Phase::Escalate;
            }
            _ => return events,
        }
    }
}

/// What to show for `walk` on `guide` (after [`advance`]).
pub fn next<'a>(library: &'a Library, guide: &'a Guide, walk: &Walk) -> Next<'a> {
    match walk.phase {
        Phase::Choose => Next::Choose,
        Phase::Questions => match question(library, guide, walk) {
            Some((question, open)) => {
                // Asked again after Back: the answer given before is highlighted.
                let before = match walk.undone.get(&question.id) {
                    Some(Some(value)) => question.options.iter().position(|o| o.value == *value),
                    Some(None) => Some(question.options.len()),
                    None => None,
                };
                Next::Question {
                    question,
                    open,
                    before,
                }
            }
            None => Next::Escalate,
        },
        Phase::Steps => {
            let plan = plan(library, guide, walk);
            let first = plan.steps.first().and_then(|s| guide.step(&s.id));
            let pending = walk.pending.as_ref().zip(first).and_then(|(p, step)| {
                let risk = card::at_risk(step, walk.situation.answer(DEVICE))?;
                (p.step == step.id).then_some((step, p.result, risk))
            });
            if let Some((step, result, risk)) = pending {
                return Next::Confirm { step, result, risk };
            }
            match first {
                Some(step) => Next::Step {
                    related: step.see.as_deref().and_then(|id| library.guide(id)),
                    step,
                    plan,
                },
                None => Next::Escalate,
            }
        }
        Phase::Escalate => match unsettled_shared(library, guide, walk) {
            Some(q) => Next::Shared(q),
            None => Next::Escalate,
        },
        Phase::Ticket => Next::Ticket,
        Phase::Fixed => Next::Fixed,
    }
}

fn plan(library: &Library, guide: &Guide, walk: &Walk) -> Plan {
    engine::diagnose(&library.context, guide, &walk.situation)
}

/// The question to ask: one the user went Back from after their words answered it, else the
/// one worth the most (by the engine's value of information) not yet put to the user; shared
/// and guide questions compete alike. `None` when no question pays.
fn question<'a>(
    library: &'a Library,
    guide: &'a Guide,
    walk: &Walk,
) -> Option<(&'a Question, Option<OpenQuestion>)> {
    let reasked = walk
        .reask
        .iter()
        .find(|id| !walk.asked.contains(id) && walk.situation.answer(id).is_none())
        .and_then(|id| library.question(guide, id));
    if let Some(q) = reasked {
        return Some((q, None));
    }
    plan(library, guide, walk)
        .questions
        .into_iter()
        .filter(|q| !walk.asked.contains(&q.id))
        .find_map(|q| library.question(guide, &q.id).map(|full| (full, Some(q))))
}

/// What the user's own words already answered is used first, whatever it is worth: they said
/// it, and it costs nothing to take. The note to show when an answer was taken.
fn take_presumed(library: &Library, guide: &Guide, walk: &mut Walk) -> Option<String> {
    let q = walk
        .presumed
        .keys()
        .find(|id| !walk.asked.contains(id))
        .and_then(|id| library.question(guide, id))?;
    let presumed = walk.presumed.remove(&q.id)?;
    // Answered by the description: shown, not asked. The checkpoint comes after the removal
    // and marks the question to be asked, so Back asks it, whatever it is worth.
    walk.reask.push(q.id.clone());
    walk.checkpoint();
    walk.reask.retain(|id| *id != q.id);
    walk.asked.push(q.id.clone());
    let label = q
        .choice(&presumed.value)
        .map_or(presumed.value.as_str(), |c| c.label.as_str());
    let note = format!("You said {}: {label} (change with Back)", presumed.said);
    walk.situation.answers.insert(q.id.clone(), presumed.value);
    Some(note)
}

/// For a problem none of the guides covers, the first shared question not settled yet (what
/// it happens on, the connection, who else has it).
pub fn unsettled_shared<'a>(
    library: &'a Library,
    guide: &Guide,
    walk: &Walk,
) -> Option<&'a Question> {
    if guide.id != UNLISTED {
        return None;
    }
    library
        .context
        .iter()
        .find(|q| !walk.situation.settled(&q.id))
}

/// The user's answer to `question`: an option's value, or "I don't know" (`None`).
pub fn answer(walk: &mut Walk, question: &Question, value: Option<&str>) {
    walk.checkpoint();
    walk.answer(&question.id, value);
}

/// "Back": the screen before. Checkpoints the walk made by itself (the end of the questions,
/// of the steps) are gone through, so Back always shows what the user saw before. False when
/// nothing is before: back to the choice of problem.
pub fn back(library: &Library, walk: &mut Walk) -> bool {
    // Back from "Did you do this step?": the step, nothing recorded.
    if walk.pending.take().is_some() {
        return true;
    }
    let unlisted = unlisted::unlisted(library);
    loop {
        if !walk.back() {
            return false;
        }
        let Some(guide) = guide(library, &walk.guide, &unlisted) else {
            return true;
        };
        let passes = match walk.phase {
            Phase::Questions => {
                walk.presumed.is_empty() && question(library, guide, walk).is_none()
            }
            Phase::Steps => plan(library, guide, walk).steps.is_empty(),
            _ => false,
        };
        if !passes {
            return true;
        }
    }
}

/// What can be said about a step, in the one order the menu always shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepChoice {
    Fixed,
    DidntHelp,
    Skip,
    Cant,
    Escalate,
    Back,
    SaveQuit,
    Switch,
    Related,
    CheckFiles,
    OtherDevice,
}

impl StepChoice {
    /// The result it records for the step, if it records one.
    fn result(self) -> Option<StepResult> {
        match self {
            StepChoice::Fixed => Some(StepResult::Fixed),
            StepChoice::DidntHelp => Some(StepResult::DidNotHelp),
            StepChoice::Skip => Some(StepResult::Skipped),
            StepChoice::Cant => Some(StepResult::NeedsAdmin),
            _ => None,
        }
    }

    /// Its name in the exported site's wizard (`data-action`).
    pub fn name(self) -> &'static str {
        match self {
            StepChoice::Fixed => "fixed",
            StepChoice::DidntHelp => "didnt-help",
            StepChoice::Skip => "skip",
            StepChoice::Cant => "cant",
            StepChoice::Escalate => "hand-over",
            StepChoice::Back => "back",
            StepChoice::SaveQuit => "save-quit",
            StepChoice::Switch => "switch",
            StepChoice::Related => "related",
            StepChoice::CheckFiles => "check-files",
            StepChoice::OtherDevice => "other-device",
        }
    }
}

/// "It's a different problem (keeps my answers)".
pub const SWITCH: &str = "It's a different problem (keeps my answers)";
/// "Show the steps for another device".
pub const OTHER_DEVICE: &str = "Show the steps for another device";
pub const BACK: &str = "Back";

/// What a front end can offer at a step besides the entries every step has.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// "Save and quit".
    pub save: bool,
    /// "Check the files now", when the step asks for it.
    pub check_files: bool,
    /// "Show the steps for another device".
    pub other_device: bool,
}

/// The step menu. The entries every step has never move, so the same keys (or numbers, in
/// plain mode) always record the same answer: only the optional ones (related guide, file
/// check, another device's steps) come and go, after all of them, and a recommendation to hand
/// over is a mark on its entry.
pub fn menu(
    step: &Step,
    related: Option<&Guide>,
    plan: &Plan,
    guide: &Guide,
    extras: Extras,
) -> Vec<(StepChoice, String)> {
    // Named as the hand-over screen and the ticket name them.
    let recipient = super::handover::recipient(guide, plan).name;
    let escalate = if plan.escalation.recommended {
        format!("Hand it to {recipient} now (recommended)")
    } else {
        format!("Hand it to {recipient} now (write a ticket)")
    };
    let mut menu = vec![
        (StepChoice::Fixed, "Fixed it".to_owned()),
        (StepChoice::DidntHelp, "Didn't help".to_owned()),
        (StepChoice::Skip, "Skip for now".to_owned()),
        (
            StepChoice::Cant,
            "I can't do this (needs an admin)".to_owned(),
        ),
        (StepChoice::Escalate, escalate),
        (StepChoice::Back, BACK.to_owned()),
    ];
    if extras.save {
        menu.push((StepChoice::SaveQuit, "Save and quit".to_owned()));
    }
    menu.push((StepChoice::Switch, SWITCH.to_owned()));
    if let Some(r) = related {
        menu.push((
            StepChoice::Related,
            format!("Open related guide: {}", r.title),
        ));
    }
    if extras.check_files && step.check_files {
        menu.push((StepChoice::CheckFiles, "Check the files now".to_owned()));
    }
    if extras.other_device {
        menu.push((StepChoice::OtherDevice, OTHER_DEVICE.to_owned()));
    }
    menu
}

/// The choice given at `step` before the user went Back to it (so that the menu highlights it
/// again), as its place in `menu`; the first entry otherwise.
pub fn undone_choice(walk: &Walk, step: &Step, menu: &[(StepChoice, String)]) -> usize {
    let Some(&result) = walk.undone_steps.get(&step.id) else {
        return 0;
    };
    menu.iter()
        .position(|(c, _)| c.result() == Some(result))
        .unwrap_or(0)
}

/// What a choice at a step came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on to the next screen.
    Continue,
    Fixed,
    /// Back from the first question: choose the problem again.
    Restart,
    /// The result waits for "Did you do this step?" (the step can lose unsynced work on this
    /// device): show [`Next::Confirm`], then call [`confirm`].
    Confirm(Risk),
    /// Not a change to the walk: the front end does it (save and quit, ask for the other
    /// problem, check files, show another device), then goes on.
    Front(StepChoice),
}

/// Does what the user chose at `step` of `guide`; `at` is the time, for the step log.
pub fn act(
    library: &Library,
    step: &Step,
    related: Option<&Guide>,
    choice: StepChoice,
    walk: &mut Walk,
    at: &str,
) -> Flow {
    let Some(result) = choice.result() else {
        return match choice {
            StepChoice::Escalate => {
                walk.checkpoint();
                walk.phase = Phase::Escalate;
                Flow::Continue
            }
            StepChoice::Back if back(library, walk) => Flow::Continue,
            StepChoice::Back => Flow::Restart,
            StepChoice::Related => {
                if let Some(r) = related {
                    walk.checkpoint();
                    switch_guide(library, walk, &r.id);
                }
                Flow::Continue
            }
            other => Flow::Front(other),
        };
    };
    if let Some(risk) = confirm_first(step, result, walk) {
        walk.pending = Some(Pending {
            step: step.id.clone(),
            result,
        });
        return Flow::Confirm(risk);
    }
    recorded(walk, step, result, at)
}

/// Records `result` of `step` at `at`: the walk ends when it fixed the problem.
fn recorded(walk: &mut Walk, step: &Step, result: StepResult, at: &str) -> Flow {
    walk.record(step, result, at);
    if result == StepResult::Fixed {
        Flow::Fixed
    } else {
        Flow::Continue
    }
}

/// "Did you do this step?", asked before "Fixed it" or "Didn't help" counts for a step that can
/// lose unsynced work on this device.
pub const CONFIRM_ASK: &str = "Did you do this step?";
/// The answer that records the result.
pub const CONFIRM_DONE: &str = "Yes, I did it";
/// The answer that records nothing and returns to the step (the default).
pub const CONFIRM_NOT_YET: &str = "No, not yet: back to the step";

/// The risk to confirm before `result` of `step` is recorded: a step that can lose unsynced
/// work on this device (see [`card::at_risk`]) said to have fixed it or not helped, both of
/// which mean the user did it. `None`: record straight away.
pub fn confirm_first(step: &Step, result: StepResult, walk: &Walk) -> Option<Risk> {
    if !matches!(result, StepResult::Fixed | StepResult::DidNotHelp) {
        return None;
    }
    card::at_risk(step, walk.situation.answer(DEVICE))
}

/// The answer to "Did you do this step?" at `step` (shown by [`Next::Confirm`]): `done`
/// records the result waiting (at `at`), "not yet" records nothing and the step shows again.
pub fn confirm(step: &Step, walk: &mut Walk, done: bool, at: &str) -> Flow {
    match walk.pending.take() {
        Some(p) if done && p.step == step.id => recorded(walk, step, p.result, at),
        _ => Flow::Continue,
    }
}

/// Switches to another guide, keeping every answer given (see [`Walk::switch_to`]).
fn switch_guide(library: &Library, walk: &mut Walk, guide: &str) {
    walk.switch_to(guide, |id| library.context_question(id).is_some());
}

/// Said after "It's a different problem" switched the walk to another guide.
pub const SWITCHED: &str = "Your answers so far are kept; Back returns to the last problem.";
/// Said when "It's a different problem" picked the problem the user is on.
pub const SAME_PROBLEM: &str = "That is the problem you are on: carrying on with it.";

/// "It's a different problem": the walk goes on with the guide `to` (the stand-in for a problem
/// none covers included), the answers given so far kept and the new words (`described`)
/// joining the description. False when `to` is the problem the user is on already.
pub fn switch_problem(library: &Library, walk: &mut Walk, to: &str, described: &str) -> bool {
    if to == walk.guide {
        return false;
    }
    walk.checkpoint();
    if to != UNLISTED {
        walk.switches.push(Switch {
            from: walk.guide.clone(),
            to: to.to_owned(),
        });
    }
    switch_guide(library, walk, to);
    if !described.is_empty() {
        if !walk.described.is_empty() {
            walk.described.push_str(" / ");
        }
        walk.described.push_str(described);
    }
    if to == UNLISTED {
        walk.phase = Phase::Escalate;
    }
    true
}

/// The devices whose own instructions `step` has, when the device is not known: the likeliest
/// first, by the chance of each answer to the device question given what is known (see
/// [`engine::answer_chances`]); ties keep the question's order. Empty when the device is
/// known or the step has no device lines.
pub fn devices_to_show<'a>(
    library: &Library,
    guide: &Guide,
    step: &'a Step,
    walk: &Walk,
) -> Vec<&'a str> {
    let situation = &walk.situation;
    if situation.answer(DEVICE).is_some() {
        return Vec::new();
    }
    let mut devices: Vec<&str> = step.devices.keys().map(String::as_str).collect();
    if let Some(q) = library.context_question(DEVICE) {
        let chances = engine::answer_chances(guide, q, situation);
        let rank = |d: &str| {
            let i = q.options.iter().position(|o| o.value == d);
            let chance = i.and_then(|i| chances.get(i)).copied().unwrap_or(0.0);
            (chance, std::cmp::Reverse(i.unwrap_or(usize::MAX)))
        };
        devices.sort_by(|a, b| {
            rank(b)
                .partial_cmp(&rank(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    devices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Situation;

    const PHOTOS: &str = "photos-not-uploading";

    fn start(library: &Library, guide: &str, words: &str) -> Walk {
        Walk::new(library, guide, Situation::default(), words)
    }

    /// Advances and shows, as a front end does: the id of the question or step shown, or the
    /// end reached.
    fn shown(library: &Library, walk: &mut Walk) -> (String, Vec<Event>) {
        let unlisted = unlisted::unlisted(library);
        let g = guide(library, &walk.guide.clone(), &unlisted).unwrap();
        let events = advance(library, g, walk);
        let id = match next(library, g, walk) {
            Next::Question { question, .. } | Next::Shared(question) => question.id.clone(),
            Next::Step { step, .. } => step.id.clone(),
            Next::Confirm { step, .. } => format!("confirm {}", step.id),
            Next::Escalate => "escalate".to_owned(),
            Next::Choose => "choose".to_owned(),
            Next::Ticket => "ticket".to_owned(),
            Next::Fixed => "fixed".to_owned(),
        };
        (id, events)
    }

    #[test]
    fn questions_in_the_engines_order_then_steps_until_none_is_left_then_the_hand_over() {
        let library = crate::testing::builtin();
        let g = library.guide(PHOTOS).unwrap();
        let mut walk = start(&library, PHOTOS, "");
        let mut done = 0;
        for _ in 0..60 {
            let plan = engine::diagnose(&library.context, g, &walk.situation);
            let (id, events) = shown(&library, &mut walk);
            done += events
                .iter()
                .filter(|e| **e == Event::QuestionsDone)
                .count();
            match walk.phase {
                Phase::Questions => {
                    assert_eq!(id, plan.questions[0].id, "the question diagnose asks next");
                    let q = library.question(g, &id).unwrap();
                    answer(&mut walk, q, None);
                }
                Phase::Steps => {
                    let plan = engine::diagnose(&library.context, g, &walk.situation);
                    assert_eq!(id, plan.steps[0].id, "the step diagnose puts first");
                    let step = g.step(&id).unwrap();
                    let mut flow = act(&library, step, None, StepChoice::DidntHelp, &mut walk, "t");
                    if let Flow::Confirm(_) = flow {
                        flow = confirm(step, &mut walk, true, "t");
                    }
                    assert_eq!(flow, Flow::Continue);
                }
                Phase::Escalate => {
                    assert_eq!(id, "escalate");
                    assert!(plan.steps.is_empty(), "handed over when no step is left");
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(walk.phase, Phase::Escalate);
        assert_eq!(done, 1, "the steps begin once");
        assert!(walk.log.len() >= 2);
        assert_eq!(walk.step_number(), walk.log.len() + 1);
        // Back from the hand-over the walk made by itself: the last step, not the same screen.
        let last = walk.log.last().unwrap().step.clone();
        assert!(back(&library, &mut walk));
        assert_eq!(shown(&library, &mut walk).0, last);
    }

    #[test]
    fn the_words_are_taken_first_and_back_asks_what_they_answered() {
        let library = crate::testing::builtin();
        let mut walk = start(&library, PHOTOS, "photos stuck on my iPad");
        let (first, events) = shown(&library, &mut walk);
        assert!(
            matches!(&events[..], [Event::Presumed(note)] if note.starts_with("You said iPad")),
            "{events:?}"
        );
        assert_eq!(walk.situation.answer(DEVICE), Some("ios"));
        assert_ne!(first, DEVICE);
        assert!(back(&library, &mut walk));
        assert_eq!(shown(&library, &mut walk).0, DEVICE, "asked after all");
        assert!(
            !back(&library, &mut walk),
            "before it: the choice of problem"
        );
    }

    #[test]
    fn back_from_the_first_step_is_the_last_question() {
        let library = crate::testing::builtin();
        let g = library.guide(PHOTOS).unwrap();
        let mut walk = start(&library, PHOTOS, "");
        let mut last = String::new();
        while walk.phase != Phase::Steps {
            let (id, _) = shown(&library, &mut walk);
            if walk.phase == Phase::Questions {
                answer(&mut walk, library.question(g, &id).unwrap(), None);
                last = id;
            }
        }
        let (step, _) = shown(&library, &mut walk);
        let step = g.step(&step).unwrap();
        assert_eq!(
            act(&library, step, None, StepChoice::Back, &mut walk, "t"),
            Flow::Continue
        );
        assert_eq!(shown(&library, &mut walk).0, last);
        assert_eq!(
            walk.undone.get(&last),
            Some(&None),
            "\"I don't know\" highlighted"
        );
    }

    #[test]
    fn a_switch_keeps_the_shared_answers_is_logged_and_back_returns() {
        let library = crate::testing::builtin();
        let mut walk = start(&library, PHOTOS, "");
        walk.answer(DEVICE, Some("ios"));
        walk.phase = Phase::Steps;
        assert!(!switch_problem(&library, &mut walk, PHOTOS, "same"));
        assert!(switch_problem(
            &library,
            &mut walk,
            "login-loop",
            "cannot log in"
        ));
        assert_eq!(walk.guide, "login-loop");
        assert_eq!(walk.phase, Phase::Questions);
        assert_eq!(walk.situation.answer(DEVICE), Some("ios"));
        assert_eq!(walk.described, "cannot log in");
        assert_eq!(
            walk.switches,
            [Switch {
                from: PHOTOS.into(),
                to: "login-loop".into()
            }]
        );
        assert!(back(&library, &mut walk));
        assert_eq!(walk.guide, PHOTOS);
        assert!(switch_problem(&library, &mut walk, UNLISTED, ""));
        assert_eq!(walk.phase, Phase::Escalate);
        assert_eq!(
            walk.switches,
            [],
            "a problem no guide covers is not a guide mistaken"
        );
        let (first, _) = shown(&library, &mut walk);
        assert_ne!(
            first, DEVICE,
            "the device is known: not asked again for the ticket"
        );
    }

    #[test]
    fn related_opens_the_guide_the_step_names_without_logging_a_switch() {
        let library = crate::testing::builtin();
        let g = library.guide("account-locked").unwrap();
        let step = g.steps.iter().find(|s| s.see.is_some()).unwrap();
        let related = library.guide(step.see.as_deref().unwrap());
        let mut walk = start(&library, &g.id, "");
        walk.phase = Phase::Steps;
        let plan = engine::diagnose(&library.context, g, &walk.situation);
        let menu = menu(step, related, &plan, g, Extras::default());
        let title = format!("Open related guide: {}", related.unwrap().title);
        assert!(menu.contains(&(StepChoice::Related, title)), "{menu:?}");
        assert!(!menu.iter().any(|(c, _)| *c == StepChoice::SaveQuit));
        act(&library, step, related, StepChoice::Related, &mut walk, "t");
        assert_eq!(walk.guide, related.unwrap().id);
        assert!(walk.switches.is_empty());
        assert!(back(&library, &mut walk));
        assert_eq!(walk.guide, g.id);
    }

    #[test]
    fn a_fix_ends_the_walk_and_each_result_tells_the_engine() {
        let library = crate::testing::builtin();
        let g = library.guide(PHOTOS).unwrap();
        let mut walk = start(&library, PHOTOS, "");
        walk.phase = Phase::Steps;
        let steps: Vec<&Step> = g.steps.iter().take(4).collect();
        act(&library, steps[0], None, StepChoice::Skip, &mut walk, "1");
        act(&library, steps[1], None, StepChoice::Cant, &mut walk, "2");
        act(
            &library,
            steps[2],
            None,
            StepChoice::DidntHelp,
            &mut walk,
            "3",
        );
        assert_eq!(walk.situation.skipped, [steps[0].id.clone()]);
        assert_eq!(walk.situation.for_admin, [steps[1].id.clone()]);
        assert_eq!(walk.situation.tried, [steps[2].id.clone()]);
        let flow = act(&library, steps[3], None, StepChoice::Fixed, &mut walk, "4");
        assert_eq!(flow, Flow::Fixed);
        assert_eq!(walk.phase, Phase::Fixed);
        assert_eq!(walk.log.len(), 4);
        assert_eq!(walk.log[3].at, "4");
        let flow = act(
            &library,
            steps[3],
            None,
            StepChoice::SaveQuit,
            &mut walk,
            "5",
        );
        assert_eq!(flow, Flow::Front(StepChoice::SaveQuit));
    }

    /// Walks `PHOTOS` on an iPhone to its first step that can lose unsynced work: every
    /// question "I don't know", every step before it "Didn't help".
    fn to_risky_step<'a>(library: &'a Library, walk: &mut Walk) -> &'a Step {
        let g = library.guide(PHOTOS).unwrap();
        for _ in 0..60 {
            let (id, _) = shown(library, walk);
            match walk.phase {
                Phase::Questions => answer(walk, library.question(g, &id).unwrap(), None),
                Phase::Steps => {
                    let step = g.step(&id).unwrap();
                    if card::at_risk(step, Some("ios")).is_some() {
                        return step;
                    }
                    let flow = act(library, step, None, StepChoice::DidntHelp, walk, "t");
                    assert_eq!(flow, Flow::Continue, "{id}: recorded straight away");
                }
                other => panic!("no risky step before {other:?}"),
            }
        }
        panic!("no risky step in 60 screens");
    }

    #[test]
    fn a_step_that_can_lose_unsynced_work_counts_only_once_the_user_says_they_did_it() {
        let library = crate::testing::builtin();
        let g = library.guide(PHOTOS).unwrap();
        let mut walk = start(&library, PHOTOS, "");
        walk.answer(DEVICE, Some("ios"));
        let step = to_risky_step(&library, &mut walk);
        let logged = walk.log.clone();
        let flow = act(&library, step, None, StepChoice::DidntHelp, &mut walk, "t1");
        assert_eq!(flow, Flow::Confirm(Risk::LosesUnsynced));
        assert_eq!(walk.log, logged, "nothing recorded before the answer");
        assert!(!walk.situation.tried.contains(&step.id));
        match next(&library, g, &walk) {
            Next::Confirm {
                step: s, result, ..
            } => {
                assert_eq!(
                    (s.id.as_str(), result),
                    (step.id.as_str(), StepResult::DidNotHelp)
                );
            }
            other => panic!("{other:?}"),
        }
        // "Not yet", or Back: the step again, nothing recorded.
        assert_eq!(confirm(step, &mut walk, false, "t2"), Flow::Continue);
        assert_eq!(shown(&library, &mut walk).0, step.id);
        act(&library, step, None, StepChoice::DidntHelp, &mut walk, "t2");
        assert!(back(&library, &mut walk));
        assert_eq!(shown(&library, &mut walk).0, step.id);
        assert_eq!(walk.log, logged);
        // Saved while waiting and read back: the question again.
        act(&library, step, None, StepChoice::DidntHelp, &mut walk, "t3");
        let saved = serde_json::to_string(&walk).unwrap();
        let mut walk: Walk = serde_json::from_str(&saved).unwrap();
        assert_eq!(shown(&library, &mut walk).0, format!("confirm {}", step.id));
        // Done: recorded as said, when confirmed; Back from the next screen is the step.
        assert_eq!(confirm(step, &mut walk, true, "t4"), Flow::Continue);
        let last = walk.log.last().unwrap();
        assert_eq!(
            (last.step.as_str(), last.result, last.at.as_str()),
            (step.id.as_str(), StepResult::DidNotHelp, "t4")
        );
        assert!(walk.situation.tried.contains(&step.id));
        assert!(walk.pending.is_none());
        assert!(!serde_json::to_string(&walk).unwrap().contains("pending"));
        assert_ne!(shown(&library, &mut walk).0, step.id);
        assert!(back(&library, &mut walk));
        assert_eq!(shown(&library, &mut walk).0, step.id);
        // "Fixed it" asks too; Skip and "I can't do this" do not (the step was not done).
        let flow = act(&library, step, None, StepChoice::Fixed, &mut walk, "t5");
        assert_eq!(flow, Flow::Confirm(Risk::LosesUnsynced));
        assert_eq!(confirm(step, &mut walk, true, "t5"), Flow::Fixed);
        assert_eq!(walk.phase, Phase::Fixed);
        for result in [StepResult::Skipped, StepResult::NeedsAdmin] {
            assert_eq!(confirm_first(step, result, &walk), None);
        }
        // On a computer the step cannot lose unsynced work: recorded straight away.
        let mut computer = start(&library, PHOTOS, "");
        computer.answer(DEVICE, Some(crate::guides::model::COMPUTER));
        computer.phase = Phase::Steps;
        let flow = act(
            &library,
            step,
            None,
            StepChoice::DidntHelp,
            &mut computer,
            "t",
        );
        assert_eq!(flow, Flow::Continue);
        assert_eq!(computer.log.len(), 1);
    }
}

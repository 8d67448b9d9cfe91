//! Where one walk-through is: what the user said and did so far, and the changes a choice makes
//! (an answer, a step's result, a switch to another guide, Back). Plain data, serialised as is:
//! the terminal wizard saves it in its session file, the exported site keeps it in the browser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::handover::{Earlier, Record, Tried};
use crate::engine::Situation;
use crate::guides::model::Library;

/// Where a walk is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Stopped before the problem was chosen: only the description is kept.
    Choose,
    #[default]
    Questions,
    Steps,
    /// Handing over: the details for support, then the ticket.
    #[serde(alias = "handover")]
    Escalate,
    /// The ticket is made (the exported site shows it until the user starts over).
    Ticket,
    /// A step fixed it.
    Fixed,
}

/// What came of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepResult {
    Fixed,
    DidNotHelp,
    Skipped,
    NeedsAdmin,
}

impl StepResult {
    /// How a person reads it (the ticket's "Steps tried").
    pub fn label(self) -> &'static str {
        match self {
            StepResult::Fixed => "fixed it",
            StepResult::DidNotHelp => "did not help",
            StepResult::Skipped => "skipped",
            StepResult::NeedsAdmin => "needs an admin",
        }
    }
}

/// One "It's a different problem" switch: the guide left and the guide chosen instead. Ids
/// only, never the words typed: `fieldfix outcomes` counts the pairs, so an admin sees which
/// guides people mistake for which.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Switch {
    pub from: String,
    pub to: String,
}

/// One step and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub guide: String,
    pub step: String,
    pub title: String,
    pub result: StepResult,
    /// When, by the caller's clock.
    pub at: String,
}

/// A step's result said on a step that can lose unsynced work, not recorded until the user
/// confirms they did the step ("Did you do this step?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub step: String,
    pub result: StepResult,
}

/// A shared question answered by the user's own words ("iPad" for the device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presumed {
    pub value: String,
    pub said: String,
}

/// Everything the user has said and done in one walk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Walk {
    pub guide: String,
    pub situation: Situation,
    /// Questions already put to the user (answered or "I don't know").
    pub asked: Vec<String>,
    pub log: Vec<Outcome>,
    pub phase: Phase,
    /// The escalation facts collected so far: provide id to value.
    pub provided: BTreeMap<String, String>,
    /// Earlier states, for "Back".
    #[serde(default)]
    pub undo: Vec<Walk>,
    /// The problem in the user's own words, from the first screen.
    #[serde(default)]
    pub described: String,
    /// Shared questions the description already answers, not yet applied: question id to
    /// the answer and the words that said so.
    #[serde(default)]
    pub presumed: BTreeMap<String, Presumed>,
    /// Questions to ask whatever they are worth: a presumed answer the user went Back from.
    #[serde(default)]
    pub reask: Vec<String>,
    /// What "Check the files now" found, as shown (plain text), for the ticket.
    #[serde(default)]
    pub checked: Vec<String>,
    /// The answers given to other guides' own questions before switching away from them:
    /// kept for the ticket, and given back on switching to that guide again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<Earlier>,
    /// Each "It's a different problem" switch between guides, for the outcome log.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switches: Vec<Switch>,
    /// A result awaiting "Did you do this step?" (see [`Pending`]). Left out when there is
    /// none, so walks saved with or without it read both ways.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// The answers (`None`: "I don't know") and step results that Back undid, so that the
    /// question or step asked again highlights what was given before. Not saved.
    #[serde(skip)]
    pub undone: BTreeMap<String, Option<String>>,
    /// See [`Walk::undone`].
    #[serde(skip)]
    pub undone_steps: BTreeMap<String, StepResult>,
}

impl Walk {
    /// A walk through the guide `guide`, knowing `situation` (what flags or a script said);
    /// the shared questions the user's words answer (`described`: "on my iPad") are presumed,
    /// to be shown and taken before any question.
    pub fn new(library: &Library, guide: &str, situation: Situation, described: &str) -> Self {
        let mut walk = Walk {
            guide: guide.to_owned(),
            situation,
            described: described.to_owned(),
            ..Walk::default()
        };
        if guide == super::unlisted::UNLISTED {
            walk.phase = Phase::Escalate;
        }
        for hint in crate::search::hints(described) {
            let known = library
                .context_question(hint.question)
                .is_some_and(|q| q.choice(hint.value).is_some());
            if known && walk.situation.answer(hint.question).is_none() {
                walk.presumed.insert(
                    hint.question.to_owned(),
                    Presumed {
                        value: hint.value.to_owned(),
                        said: hint.said,
                    },
                );
            }
        }
        walk
    }

    /// Records the answer to `question` and marks it asked: the value chosen, or "I don't
    /// know" (`None`), which is an answer too: kept, and never asked again.
    pub fn answer(&mut self, question: &str, value: Option<&str>) {
        self.asked.push(question.to_owned());
        match value {
            Some(value) => {
                self.situation
                    .answers
                    .insert(question.to_owned(), value.to_owned());
            }
            None => self.situation.unknown.push(question.to_owned()),
        }
    }

    /// Logs what came of a step of the current guide at `at` (a checkpoint first, so Back can
    /// undo it), and what it tells the engine: tried, put aside, or for the admin.
    pub fn record(&mut self, step: &crate::guides::model::Step, result: StepResult, at: &str) {
        self.checkpoint();
        self.log.push(Outcome {
            guide: self.guide.clone(),
            step: step.id.clone(),
            title: step.title.clone(),
            result,
            at: at.to_owned(),
        });
        let id = step.id.clone();
        match result {
            StepResult::Fixed => self.phase = Phase::Fixed,
            StepResult::DidNotHelp => self.situation.tried.push(id),
            StepResult::Skipped => self.situation.skipped.push(id),
            StepResult::NeedsAdmin => self.situation.for_admin.push(id),
        }
    }

    /// Switches to the guide `to`, keeping every answer: the shared ones (`shared` says which
    /// questions those are) go on, the old guide's own are put aside (and come back if the
    /// user returns to it). Steps tried belong to their guide and start afresh; the step log
    /// keeps them all. The caller makes the checkpoint.
    pub fn switch_to(&mut self, to: &str, shared: impl Fn(&str) -> bool) {
        let own = |id: &String| !shared(id);
        let mut earlier = Earlier {
            guide: std::mem::replace(&mut self.guide, to.to_owned()),
            answers: BTreeMap::new(),
            unknown: Vec::new(),
        };
        let answers = std::mem::take(&mut self.situation.answers);
        for (q, v) in answers {
            if own(&q) {
                earlier.answers.insert(q, v);
            } else {
                self.situation.answers.insert(q, v);
            }
        }
        let (unknown, kept): (Vec<String>, Vec<String>) =
            std::mem::take(&mut self.situation.unknown)
                .into_iter()
                .partition(own);
        earlier.unknown = unknown;
        self.situation.unknown = kept;
        self.asked.retain(|q| !own(q));
        self.reask.retain(|q| !own(q));
        self.situation.tried.clear();
        self.situation.skipped.clear();
        self.situation.for_admin.clear();
        self.before.retain(|e| e.guide != earlier.guide);
        if !earlier.answers.is_empty() || !earlier.unknown.is_empty() {
            self.before.push(earlier);
        }
        // Back at a guide answered before: its answers count again.
        if let Some(i) = self.before.iter().position(|e| e.guide == to) {
            let again = self.before.remove(i);
            self.asked.extend(again.answers.keys().cloned());
            self.asked.extend(again.unknown.iter().cloned());
            self.situation.answers.extend(again.answers);
            self.situation.unknown.extend(again.unknown);
        }
        self.phase = Phase::Questions;
    }

    /// Remembers the current state so that "Back" can return to it.
    pub fn checkpoint(&mut self) {
        let mut copy = self.clone();
        copy.undo.clear();
        self.undo.push(copy);
    }

    /// Returns to the last checkpoint; false when there is none.
    pub fn back(&mut self) -> bool {
        match self.undo.pop() {
            Some(mut previous) => {
                previous.undo = std::mem::take(&mut self.undo);
                // What is undone is remembered, the latest answer to each winning.
                previous.undone = std::mem::take(&mut self.undone);
                previous.undone_steps = std::mem::take(&mut self.undone_steps);
                for (q, v) in &self.situation.answers {
                    previous.undone.insert(q.clone(), Some(v.clone()));
                }
                for q in &self.situation.unknown {
                    previous.undone.insert(q.clone(), None);
                }
                for o in self.log.iter().skip(previous.log.len()) {
                    previous.undone_steps.insert(o.step.clone(), o.result);
                }
                *self = previous;
                true
            }
            None => false,
        }
    }

    /// The step the user is on, counted in the guide they are on: 1 for its first.
    pub fn step_number(&self) -> usize {
        self.log.iter().filter(|o| o.guide == self.guide).count() + 1
    }

    /// What the ticket needs of this walk, made at `created`.
    pub fn record_for_ticket(&self, created: &str) -> Record {
        Record {
            described: self.described.clone(),
            situation: self.situation.clone(),
            asked: self.asked.clone(),
            before: self.before.clone(),
            log: self
                .log
                .iter()
                .map(|o| Tried {
                    guide: o.guide.clone(),
                    step: o.step.clone(),
                    title: o.title.clone(),
                    outcome: o.result.label().to_owned(),
                    needs_admin: o.result == StepResult::NeedsAdmin,
                    at: o.at.clone(),
                })
                .collect(),
            checked: self.checked.clone(),
            provided: self.provided.clone(),
            created: created.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(guide: &str) -> Walk {
        Walk::new(&crate::testing::builtin(), guide, Situation::default(), "")
    }

    #[test]
    fn switching_guides_puts_own_answers_aside_and_returning_gives_them_back() {
        let shared = |q: &str| q == "device";
        let mut s = walk("photos");
        s.situation.answers.insert("device".into(), "ios".into());
        s.situation.answers.insert("queue".into(), "empty".into());
        s.situation.unknown.push("storage".into());
        s.situation.tried.push("restart".into());
        s.asked = vec!["device".into(), "queue".into(), "storage".into()];
        s.phase = Phase::Steps;

        s.switch_to("permission", shared);
        assert_eq!(s.guide, "permission");
        assert_eq!(s.phase, Phase::Questions);
        assert_eq!(s.situation.answer("device"), Some("ios"));
        assert_eq!(s.situation.answer("queue"), None);
        assert!(s.situation.tried.is_empty());
        assert_eq!(s.asked, ["device"]);
        assert_eq!(s.before.len(), 1);
        assert_eq!(s.before[0].guide, "photos");
        assert_eq!(s.before[0].unknown, ["storage"]);

        s.situation.answers.insert("role".into(), "none".into());
        s.switch_to("photos", shared);
        assert_eq!(s.situation.answer("queue"), Some("empty"));
        assert!(s.situation.unknown.contains(&"storage".to_owned()));
        assert!(s.asked.contains(&"queue".to_owned()));
        assert_eq!(s.before.len(), 1, "{:?}", s.before);
        assert_eq!(s.before[0].guide, "permission");
        assert_eq!(s.before[0].answers["role"], "none");
    }

    #[test]
    fn back_returns_to_the_last_checkpoint_and_remembers_what_it_undid() {
        let mut s = walk("photos-not-uploading");
        s.checkpoint();
        s.answer("device", Some("ios"));
        s.checkpoint();
        s.answer("network", None);
        assert!(s.back());
        assert_eq!(s.situation.answers.len(), 1);
        assert_eq!(s.undone.get("network"), Some(&None));
        assert!(s.back());
        assert!(s.situation.answers.is_empty());
        assert_eq!(s.undone.get("device"), Some(&Some("ios".to_owned())));
        assert!(!s.back());
    }

    #[test]
    fn the_words_presume_only_what_no_flag_answered() {
        let library = crate::testing::builtin();
        let w = Walk::new(
            &library,
            "photos-not-uploading",
            Situation::default(),
            "photos stuck on my iPad",
        );
        assert_eq!(w.presumed["device"].value, "ios");
        assert!(w.situation.answers.is_empty(), "presumed, not answered yet");
        let mut flags = Situation::default();
        flags.answers.insert("device".into(), "android".into());
        let w = Walk::new(&library, "photos-not-uploading", flags, "on my iPad");
        assert!(w.presumed.is_empty());
        let unlisted = Walk::new(
            &library,
            super::super::unlisted::UNLISTED,
            Situation::default(),
            "",
        );
        assert_eq!(unlisted.phase, Phase::Escalate);
    }
}

//! The diagnosis engine: pure logic, no terminal and no files. Answers and tried steps in;
//! ranked causes, the next steps in decision-theoretic order, the questions worth asking and
//! the escalation advice out.
//!
//! The model is the classic single-fault troubleshooter (Kadane & Simon; Heckerman, Breese &
//! Rommelse): exactly one cause is behind the problem; a step fixes it with probability
//! `success` when the cause is among the ones it fixes. Steps are ordered by probability of
//! fixing divided by minutes; escalating is a step that always works and costs the minutes of
//! the target it goes to (the company's Procore admin, company IT or Procore support).
//!
//! One rule comes before any arithmetic: a step that can lose work not yet uploaded
//! (`risk: loses-unsynced`) is never offered on a phone before a safeguard step was done or a
//! safeguard answer given (the upload queue is empty, photos are in the camera roll).

mod input;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use input::{InputError, check_situation};

use crate::guides::model::{
    COMPUTER, DEVICE, Guide, NETWORK, Question, RAISE_FACTOR, Risk, SCOPE, Step, Target, Tip,
};

/// What is known about one user's problem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Situation {
    /// Question id (shared context or the guide's own) to the chosen value. Questions answered
    /// "I don't know" are simply absent.
    pub answers: BTreeMap<String, String>,
    /// Steps tried that did not help, in the order they were tried.
    pub tried: Vec<String>,
    /// Steps the user put aside (not tried: the causes they address keep their weight).
    pub skipped: Vec<String>,
}

impl Situation {
    pub fn answer(&self, question: &str) -> Option<&str> {
        self.answers.get(question).map(String::as_str)
    }
}

/// A cause with its probability given what is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedCause {
    pub id: String,
    pub title: String,
    pub probability: f64,
}

/// A step in the recommended order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedStep {
    pub id: String,
    pub title: String,
    pub minutes: f64,
    /// Chance this step fixes the problem, given that the steps before it in the plan did not.
    pub probability: f64,
    /// The causes it checks, most likely first.
    pub checks: Vec<String>,
    pub admin: bool,
    /// The role that must do an admin step.
    pub role: Option<String>,
    pub risk: Option<Risk>,
}

/// A question still open whose answer would change the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenQuestion {
    pub id: String,
    pub ask: String,
    /// True for the shared device/network/scope-style questions.
    pub shared: bool,
    pub values: Vec<String>,
}

/// Whether to go to the admin or Procore support now, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escalation {
    pub recommended: bool,
    pub reasons: Vec<String>,
    /// How many of the planned steps are worth trying before escalating.
    pub steps_worth_trying: usize,
    /// Who to hand it to: the target of the first answer that calls for a hand-over, or the
    /// guide's own.
    pub to: Target,
    /// How to reach them.
    pub contact: String,
    /// The user's minutes to a fix that way, waiting included.
    pub minutes: f64,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Causes that apply, most likely first (ruled-out causes have probability 0 and come last).
    pub causes: Vec<RankedCause>,
    /// Remaining steps in the order to try them.
    pub steps: Vec<RankedStep>,
    /// Unanswered questions whose answer would change the plan.
    pub questions: Vec<OpenQuestion>,
    pub escalation: Escalation,
}

/// Diagnoses: the shared `context` questions, a guide, and what is known.
pub fn diagnose(context: &[Question], guide: &Guide, situation: &Situation) -> Plan {
    let situation = &effective(guide, situation);
    let mut plan = plan(guide, situation);
    plan.questions = open_questions(context, guide, situation, &plan);
    plan
}

/// The situation without answers to guide questions that no longer apply (say, a phone
/// question after the device was changed to a computer): such answers move nothing and
/// hide nothing. Dropping one answer can make another question stop applying, so this
/// repeats until nothing changes.
fn effective(guide: &Guide, situation: &Situation) -> Situation {
    let mut current = situation.clone();
    loop {
        let stale: Vec<String> = current
            .answers
            .keys()
            .filter(|q| {
                guide
                    .question(q)
                    .is_some_and(|q| !applies(&q.when, &current))
            })
            .cloned()
            .collect();
        if stale.is_empty() {
            return current;
        }
        for q in stale {
            current.answers.remove(&q);
        }
    }
}

/// Whether an item with this condition applies.
fn applies(condition: &crate::guides::model::Condition, situation: &Situation) -> bool {
    condition.holds(|q| situation.answer(q).map(str::to_owned))
}

/// Cause weights after the answers and the failed steps, normalised to sum to 1 (all zero when
/// every cause is ruled out or hidden).
pub fn probabilities(guide: &Guide, situation: &Situation) -> Vec<f64> {
    weights(guide, &effective(guide, situation))
}

/// [`probabilities`] for a situation already made [`effective`].
fn weights(guide: &Guide, situation: &Situation) -> Vec<f64> {
    let mut weights: Vec<f64> = guide
        .causes
        .iter()
        .map(|c| {
            if applies(&c.when, situation) {
                c.likelihood
            } else {
                0.0
            }
        })
        .collect();
    let index = |id: &str| guide.causes.iter().position(|c| c.id == id);
    for (question, value) in &situation.answers {
        // An answer to a question that no longer applies (say, a phone question after the
        // device was changed to a computer) moves nothing.
        if let Some(q) = guide.question(question)
            && !applies(&q.when, situation)
        {
            continue;
        }
        let Some(effect) = guide.effect(question, value) else {
            continue;
        };
        for (ids, factor) in [
            (&effect.raises, RAISE_FACTOR),
            (&effect.lowers, 1.0 / RAISE_FACTOR),
            (&effect.rules_out, 0.0),
        ] {
            for i in ids.iter().filter_map(|id| index(id)) {
                weights[i] *= factor;
            }
        }
    }
    for step in situation.tried.iter().filter_map(|id| guide.step(id)) {
        fail(guide, step, &mut weights);
    }
    normalise(&mut weights);
    weights
}

/// Bayes' rule for a step that did not help: each cause it fixes keeps `1 - success` of its
/// weight.
fn fail(guide: &Guide, step: &crate::guides::model::Step, weights: &mut [f64]) {
    for (i, cause) in guide.causes.iter().enumerate() {
        if step.fixes.contains(&cause.id) {
            weights[i] *= 1.0 - step.success;
        }
    }
}

fn normalise(weights: &mut [f64]) {
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.iter_mut().for_each(|w| *w /= total);
    }
}

/// Whether the device answered may be a phone or tablet (unknown counts as maybe).
fn maybe_phone(situation: &Situation) -> bool {
    situation.answer(DEVICE) != Some(COMPUTER)
}

/// Whether work not yet uploaded is known to be safe: a safeguard step was done (tried), or an
/// answer that applies says so.
fn safeguarded(guide: &Guide, situation: &Situation) -> bool {
    let step_done = situation
        .tried
        .iter()
        .filter_map(|id| guide.step(id))
        .any(|s| s.safeguard);
    step_done
        || situation.answers.iter().any(|(q, v)| {
            guide
                .question(q)
                .filter(|q| applies(&q.when, situation))
                .and_then(|q| q.choice(v))
                .is_some_and(|c| c.safeguard)
        })
}

/// Whether a step must wait for a safeguard: it can lose unsynced work and may be done on a
/// phone.
fn needs_guard(step: &Step, situation: &Situation) -> bool {
    step.risk == Some(Risk::LosesUnsynced) && step.on_phone() && maybe_phone(situation)
}

/// The chance a step fixes the problem under these cause probabilities.
fn fix_probability(guide: &Guide, step: &crate::guides::model::Step, probs: &[f64]) -> f64 {
    let mass: f64 = guide
        .causes
        .iter()
        .zip(probs)
        .filter(|(c, _)| step.fixes.contains(&c.id))
        .map(|(_, p)| p)
        .sum();
    step.success * mass
}

/// The plan without the open questions.
fn plan(guide: &Guide, situation: &Situation) -> Plan {
    plan_up_to(guide, situation, usize::MAX)
}

/// The plan without the open questions, with at most `steps` steps (escalation advice, which
/// depends only on the first step, is the same as the full plan's).
fn plan_up_to(guide: &Guide, situation: &Situation, steps: usize) -> Plan {
    let situation = &effective(guide, situation);
    let probs = weights(guide, situation);
    let mut causes: Vec<RankedCause> = guide
        .causes
        .iter()
        .zip(&probs)
        .filter(|(c, _)| applies(&c.when, situation))
        .map(|(c, p)| RankedCause {
            id: c.id.clone(),
            title: c.title.clone(),
            probability: *p,
        })
        .collect();
    // Stable sort: ties keep file order.
    causes.sort_by(|a, b| b.probability.total_cmp(&a.probability));

    let steps = order_steps(guide, situation, probs.clone(), steps);
    let escalation = escalation(guide, situation, &probs, &steps);
    Plan {
        causes,
        steps,
        questions: Vec::new(),
        escalation,
    }
}

/// The remaining steps, greedily by probability-of-fixing per minute, each chosen assuming the
/// ones before it did not help, and never before its prerequisites.
fn order_steps(
    guide: &Guide,
    situation: &Situation,
    mut probs: Vec<f64>,
    limit: usize,
) -> Vec<RankedStep> {
    let mut placed: BTreeSet<&str> = situation
        .tried
        .iter()
        .chain(&situation.skipped)
        .map(String::as_str)
        .collect();
    let mut candidates: Vec<&crate::guides::model::Step> = Vec::new();
    for step in &guide.steps {
        if !applies(&step.when, situation) || fix_probability(guide, step, &probs) <= 0.0 {
            // A step that does not apply is no prerequisite for anything; nor is one whose
            // causes are all ruled out: their weight stays 0 whatever fails next, so it is never
            // recommended and must not hold back the steps that come after it.
            placed.insert(&step.id);
        } else if !placed.contains(step.id.as_str()) {
            candidates.push(step);
        }
    }
    let mut order = Vec::new();
    // Work not yet uploaded is safe once a safeguard step was done, or comes earlier in the plan.
    let mut guarded = safeguarded(guide, situation);
    while order.len() < limit {
        let mut best: Option<(usize, f64, f64)> = None;
        for (i, step) in candidates.iter().enumerate() {
            if !step.after.iter().all(|a| placed.contains(a.as_str()))
                || (!guarded && needs_guard(step, situation))
            {
                continue;
            }
            let p = fix_probability(guide, step, &probs);
            let value = p / step.minutes;
            if best.is_none_or(|(_, v, _)| value > v) {
                best = Some((i, value, p));
            }
        }
        let Some((i, _, p)) = best else { break };
        let step = candidates.remove(i);
        placed.insert(&step.id);
        guarded |= step.safeguard;
        if p <= 0.0 {
            // Every cause this step addresses is ruled out; so is every other candidate left
            // with probability 0, but a later one may still have weight: keep looking.
            continue;
        }
        let mut checks: Vec<(usize, f64)> = guide
            .causes
            .iter()
            .enumerate()
            .filter(|(_, c)| step.fixes.contains(&c.id))
            .map(|(i, _)| (i, probs[i]))
            .filter(|(_, p)| *p > 0.0)
            .collect();
        checks.sort_by(|a, b| b.1.total_cmp(&a.1));
        order.push(RankedStep {
            id: step.id.clone(),
            title: step.title.clone(),
            minutes: step.minutes,
            probability: p,
            checks: checks
                .into_iter()
                .map(|(i, _)| guide.causes[i].id.clone())
                .collect(),
            admin: step.admin,
            role: step.role.clone(),
            risk: step.risk,
        });
        fail(guide, step, &mut probs);
        normalise(&mut probs);
    }
    order
}

fn escalation(
    guide: &Guide,
    situation: &Situation,
    probs: &[f64],
    steps: &[RankedStep],
) -> Escalation {
    let mut reasons = Vec::new();
    let mut to = None;
    // In the order the questions are asked: the shared ones, then the guide's in file order.
    let mut answers: Vec<(&String, &String)> = situation.answers.iter().collect();
    answers.sort_by_key(|(question, _)| {
        match guide.questions.iter().position(|g| g.id == **question) {
            Some(i) => (1, i),
            None => (
                0,
                [DEVICE, NETWORK, SCOPE]
                    .iter()
                    .position(|c| *c == question.as_str())
                    .unwrap_or(3),
            ),
        }
    });
    for (question, value) in answers {
        if let Some(q) = guide.question(question)
            && !applies(&q.when, situation)
        {
            continue;
        }
        if let Some(effect) = guide.effect(question, value)
            && let Some(reason) = &effect.escalate
        {
            reasons.push(reason.clone());
            to = to.or(Some(effect.escalate_to.unwrap_or(guide.escalate.to)));
        }
    }
    let to = to.unwrap_or(guide.escalate.to);
    let target = guide.escalate.target(to);
    let minutes = target.minutes;
    let worth = 1.0 / minutes;
    let steps_worth_trying = steps
        .iter()
        .take_while(|s| s.probability / s.minutes >= worth)
        .count();
    if probs.iter().all(|p| *p == 0.0) {
        reasons.push("Your answers rule out every cause this guide knows about.".into());
    } else if steps.is_empty() {
        let done = |id: &String| situation.tried.contains(id) || situation.skipped.contains(id);
        let untried = guide
            .steps
            .iter()
            .any(|s| applies(&s.when, situation) && !done(&s.id));
        let waiting = guide
            .steps
            .iter()
            .find(|s| applies(&s.when, situation) && !done(&s.id) && needs_guard(s, situation));
        let safeguard = guide
            .steps
            .iter()
            .find(|s| s.safeguard && applies(&s.when, situation));
        reasons.push(if let Some(step) = waiting.filter(|_| !safeguarded(guide, situation)) {
            match safeguard {
                Some(first) => format!(
                    "The step left, \"{}\", can delete photos and entries not yet uploaded from the phone. Do \"{}\" first, or hand it over.",
                    step.title, first.title
                ),
                None => format!(
                    "The step left, \"{}\", can delete photos and entries not yet uploaded from the phone, so hand it over instead.",
                    step.title
                ),
            }
        } else if untried {
            "None of the steps left deals with the causes still possible.".into()
        } else {
            "Every step in this guide has been tried or set aside.".into()
        });
    } else if steps_worth_trying == 0 {
        let best = &steps[0];
        reasons.push(format!(
            "The best remaining step has only a {:.0}% chance of fixing it in about {} min; handing it to {} (about {} min) is now the quicker way to a fix.",
            best.probability * 100.0,
            best.minutes,
            target.contact,
            minutes
        ));
    }
    Escalation {
        recommended: !reasons.is_empty(),
        reasons,
        steps_worth_trying,
        to,
        contact: target.contact.clone(),
        minutes,
    }
}

/// Unanswered questions that apply and whose answer, for at least one option, would change
/// the order of the next steps, the leading cause or the escalation advice. Shared questions
/// come first, then the guide's, in file order.
fn open_questions(
    context: &[Question],
    guide: &Guide,
    situation: &Situation,
    current: &Plan,
) -> Vec<OpenQuestion> {
    let shared = context.iter().map(|q| (q, true));
    let own = guide.questions.iter().map(|q| (q, false));
    shared
        .chain(own)
        .filter(|(q, _)| situation.answer(&q.id).is_none() && applies(&q.when, situation))
        .filter(|(q, _)| {
            q.options.iter().any(|option| {
                let mut what_if = situation.clone();
                what_if.answers.insert(q.id.clone(), option.value.clone());
                // `changes` looks at the first two steps only.
                changes(current, &plan_up_to(guide, &what_if, 2))
            })
        })
        .map(|(q, shared)| OpenQuestion {
            id: q.id.clone(),
            ask: q.ask.clone(),
            shared,
            values: q.values().iter().map(|v| v.to_string()).collect(),
        })
        .collect()
}

/// Whether a plan differs from another in what the user would do next: the next two steps,
/// the leading cause, or the escalation advice.
fn changes(a: &Plan, b: &Plan) -> bool {
    let head = |p: &Plan| {
        p.steps
            .iter()
            .take(2)
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    };
    let top = |p: &Plan| {
        p.causes
            .first()
            .filter(|c| c.probability > 0.0)
            .map(|c| c.id.clone())
    };
    head(a) != head(b) || top(a) != top(b) || a.escalation.recommended != b.escalation.recommended
}

/// The prevention tips that fit a fix: those tied to a cause the fixing step addresses, and the
/// general ones. With no step known, every tip.
pub fn tips<'a>(guide: &'a Guide, fixed_by: Option<&str>) -> Vec<&'a Tip> {
    let fixes = fixed_by.and_then(|id| guide.step(id)).map(|s| &s.fixes);
    guide
        .prevent
        .iter()
        .filter(|t| match fixes {
            None => true,
            Some(fixes) => t.causes.is_empty() || t.causes.iter().any(|c| fixes.contains(c)),
        })
        .collect()
}

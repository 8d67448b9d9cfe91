//! The diagnosis engine: pure logic, no terminal and no files. Answers and tried steps in;
//! ranked causes, the next steps in decision-theoretic order, the questions worth asking and
//! the escalation advice out.
//!
//! The model is the classic single-fault troubleshooter (Kadane & Simon; Heckerman, Breese &
//! Rommelse): exactly one cause is behind the problem; a step fixes it with probability
//! `success` when the cause is among the ones it fixes. Steps are ordered by probability of
//! fixing divided by minutes (a step waiting for prerequisites is valued together with them;
//! the admin steps that go to one person are one request, priced at that person's minutes);
//! escalating is the action that always works and costs the minutes of the target it goes to
//! (the company's Procore admin, company IT or Procore support), and it is recommended when the
//! best plan's expected minutes say so. A question is worth asking when its answer is expected
//! to save more minutes than asking it costs (its value of information). docs/engine.md has the
//! formulas and a worked example.
//!
//! One rule comes before any arithmetic: a step that can lose work not yet uploaded
//! (`risk: loses-unsynced`) is never offered on a phone before a safeguard step was done or a
//! safeguard answer given (the upload queue is empty, photos are in the camera roll).

mod input;
mod model;
mod order;
mod value;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use model::Model;

pub use input::{InputError, check_situation};

use crate::guides::model::{
    COMPUTER, Contact, DEVICE, Guide, NETWORK, Question, RAISE_FACTOR, Risk, SCOPE, Step, Target,
    Tip,
};

/// What is known about one user's problem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Situation {
    /// Question id (shared context or the guide's own) to the chosen value.
    pub answers: BTreeMap<String, String>,
    /// Questions answered "I don't know": they move nothing and are not asked again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// Steps tried that did not help, in the order they were tried.
    pub tried: Vec<String>,
    /// Steps the user put aside (not tried: the causes they address keep their weight).
    pub skipped: Vec<String>,
    /// Admin steps the user cannot do: they go in the request the hand-over makes (not tried:
    /// the causes they address keep their weight).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub for_admin: Vec<String>,
}

/// The value scripts give for "I don't know": `-a QUESTION=unknown`.
pub const UNKNOWN: &str = "unknown";

impl Situation {
    pub fn answer(&self, question: &str) -> Option<&str> {
        self.answers.get(question).map(String::as_str)
    }

    /// Whether the question was answered, "I don't know" included.
    pub fn settled(&self, question: &str) -> bool {
        self.answers.contains_key(question) || self.unknown.iter().any(|q| q == question)
    }

    /// Whether a step is out of the user's plan: tried, set aside or handed to an admin.
    fn done(&self, step: &str) -> bool {
        [&self.tried, &self.skipped, &self.for_admin]
            .iter()
            .any(|list| list.iter().any(|s| s == step))
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
    /// Who an admin step goes to: admin steps for one target are one request, listed together.
    pub to: Option<Target>,
    pub risk: Option<Risk>,
    /// Why this step comes before a likelier one, in plain words, when it does: it is quicker
    /// ("A 1-minute step first: the likelier one takes about 4 hours.", one short line). None
    /// when no later step in the plan is both likelier and slower. Derived from the numbers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_first: Option<String>,
}

/// A question worth asking: its answer is expected to save more minutes than asking costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenQuestion {
    pub id: String,
    pub ask: String,
    /// True for the shared device/network/scope-style questions.
    pub shared: bool,
    pub values: Vec<String>,
    /// Expected minutes saved by asking, the cost of asking already taken off (> 0).
    pub value_minutes: f64,
    /// The causes its answers tell apart, most likely first: why it is asked.
    pub separates: Vec<String>,
}

/// Whether to go to the admin or Procore support now, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escalation {
    /// Handing it over now is the quicker way to a fix (or nothing is left to try).
    pub recommended: bool,
    /// Why handing it over is recommended, or may be needed: answers that point at the admin,
    /// IT or Procore are listed even while steps are still worth trying.
    pub reasons: Vec<String>,
    /// How many of the planned steps are worth trying before escalating: the plan's best
    /// stopping point, looking over every remaining step.
    pub steps_worth_trying: usize,
    /// Who to hand it to: the target of the first answer that calls for a hand-over, or the
    /// guide's own.
    pub to: Target,
    /// How to reach them.
    pub contact: String,
    /// The user's minutes to a fix that way, waiting included.
    pub minutes: f64,
    /// Admin steps that go with the hand-over: those the user could not do, then those for
    /// this target that may still help.
    pub request: Vec<String>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Causes that apply, most likely first (ruled-out causes have probability 0 and come last).
    pub causes: Vec<RankedCause>,
    /// Remaining steps in the order to try them.
    pub steps: Vec<RankedStep>,
    /// Unanswered questions worth asking, best first.
    pub questions: Vec<OpenQuestion>,
    pub escalation: Escalation,
    /// Expected minutes to a fix following this plan: the steps worth trying, then escalating.
    pub expected_minutes: f64,
}

/// Diagnoses: the shared `context` questions, a guide, and what is known.
pub fn diagnose(context: &[Question], guide: &Guide, situation: &Situation) -> Plan {
    let situation = &effective(guide, situation);
    let model = Model::new(guide);
    let mut plan = plan_effective(&model, situation);
    plan.questions = value::questions(context, &model, situation);
    plan
}

/// The plan without the questions (for a caller that will not ask any): cheaper than
/// [`diagnose`], otherwise the same.
pub fn plan(guide: &Guide, situation: &Situation) -> Plan {
    plan_effective(&Model::new(guide), &effective(guide, situation))
}

/// The situation without answers to guide questions that no longer apply (say, a phone
/// question after the device was changed to a computer): such answers move nothing and
/// hide nothing. Dropping one answer can make another question stop applying, so this
/// repeats until nothing changes. Borrowed when every answer applies (valuing the questions
/// asks this of a situation for every answer of every open question).
fn effective<'a>(guide: &Guide, situation: &'a Situation) -> Cow<'a, Situation> {
    let stale = |current: &Situation| -> Vec<String> {
        current
            .answers
            .keys()
            .filter(|q| {
                guide
                    .question(q)
                    .is_some_and(|q| !applies(&q.when, current))
            })
            .cloned()
            .collect()
    };
    let mut dropped = stale(situation);
    if dropped.is_empty() {
        return Cow::Borrowed(situation);
    }
    let mut current = situation.clone();
    while !dropped.is_empty() {
        for q in &dropped {
            current.answers.remove(q);
        }
        dropped = stale(&current);
    }
    Cow::Owned(current)
}

/// Whether an item with this condition applies.
fn applies(condition: &crate::guides::model::Condition, situation: &Situation) -> bool {
    condition.holds(|q| situation.answer(q))
}

/// Cause weights after the answers and the failed steps, normalised to sum to 1 (all zero when
/// every cause is ruled out or hidden).
pub fn probabilities(guide: &Guide, situation: &Situation) -> Vec<f64> {
    weights(&Model::new(guide), &effective(guide, situation))
}

/// The chance of each answer to `question` (a shared question or the guide's own), options in
/// file order, given what is known: P(o) = Σ_c P(c)·P(o|c), the same answer model the value of
/// a question is worked out with. The wizard shows the likeliest device's instructions first.
pub fn answer_chances(guide: &Guide, question: &Question, situation: &Situation) -> Vec<f64> {
    let model = Model::new(guide);
    let probs = weights(&model, &effective(guide, situation));
    model
        .likelihoods(question)
        .iter()
        .map(|given| probs.iter().zip(given).map(|(p, l)| p * l).sum())
        .collect()
}

/// [`probabilities`] for a situation already made [`effective`] (so every answer in it applies).
fn weights(model: &Model, situation: &Situation) -> Vec<f64> {
    let guide = model.guide;
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
        // A guide question's answer is evidence about the cause: Bayes' rule with the answer
        // model the question values are computed from, P(answer | cause).
        // A cause every option rules out is ruled out, not left at the even chance the answer
        // model gives a cause no option allows.
        if let Some(q) = guide.question(question) {
            if let Some(option) = q.options.iter().position(|o| o.value == *value) {
                let likelihood = &model.likelihoods(q)[option];
                weights
                    .iter_mut()
                    .zip(likelihood)
                    .for_each(|(w, l)| *w *= l);
                for i in q.options[option]
                    .effect
                    .rules_out
                    .iter()
                    .filter_map(|id| index(id))
                {
                    weights[i] = 0.0;
                }
            }
            continue;
        }
        // A shared answer sets the scene: the guide's `context` block says how it moves the
        // priors.
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
    let step_index = |id: &String| guide.steps.iter().position(|s| s.id == *id);
    for i in situation.tried.iter().filter_map(step_index) {
        fail(model.fixes(i), &guide.steps[i], &mut weights);
    }
    normalise(&mut weights);
    weights
}

/// Bayes' rule for a step that did not help: each cause it fixes (indexes `fixes`) keeps
/// `1 - success` of its weight.
fn fail(fixes: &[usize], step: &Step, weights: &mut [f64]) {
    for &i in fixes {
        weights[i] *= 1.0 - step.success;
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
/// answer says so (the situation is [`effective`]: every answer in it applies).
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
                .and_then(|q| q.choice(v))
                .is_some_and(|c| c.safeguard)
        })
}

/// Whether a step must wait for a safeguard: it can lose unsynced work and may be done on a
/// phone.
fn needs_guard(step: &Step, situation: &Situation) -> bool {
    step.risk == Some(Risk::LosesUnsynced) && step.on_phone() && maybe_phone(situation)
}

/// Who a hand-over goes to: the target named by the first answer (in the order asked) that
/// calls for a hand-over and names one (`escalate_to`), or the guide's own. Also the reasons
/// every answer that calls for a hand-over gives.
fn target(guide: &Guide, situation: &Situation) -> (Target, Vec<String>) {
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
        if let Some(effect) = guide.effect(question, value)
            && let Some(reason) = &effect.escalate
        {
            reasons.push(reason.clone());
            // An answer that names its target wins over one that only gives a reason (a
            // shared "several people" next to "nobody at my company gets any email": IT).
            to = to.or(effect.escalate_to);
        }
    }
    (to.unwrap_or(guide.escalate.to), reasons)
}

/// What the best plan does first: hand over, send a request to a target, or try a step.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    HandOver(Target),
    Request(Target),
    Try(usize),
}

/// The first action of a plan that does the first `stop` units of `order` and then hands over
/// to `to`.
fn first_action(guide: &Guide, order: &order::Order, stop: usize, to: Target) -> Action {
    match order.units.first().and_then(|u| u.first) {
        Some(first) if stop > 0 => {
            let step = &guide.steps[first];
            if step.admin {
                Action::Request(order::target_of(step))
            } else {
                Action::Try(first)
            }
        }
        _ => Action::HandOver(to),
    }
}

/// Expected minutes to a fix from this situation ([`effective`]) following the best plan, and
/// that plan's first action.
fn expected_minutes(model: &Model, situation: &Situation) -> (f64, Action) {
    let guide = model.guide;
    let situation = &effective(guide, situation);
    let (to, _) = target(guide, situation);
    let escalate = guide.escalate.target(to).minutes;
    let order = order::order(model, situation, weights(model, situation), to, false);
    let (stop, minutes) = order.best_stop(escalate);
    (minutes, first_action(guide, &order, stop, to))
}

/// The plan without the questions, for a situation already made [`effective`].
fn plan_effective(model: &Model, situation: &Situation) -> Plan {
    let guide = model.guide;
    let probs = weights(model, situation);
    let (to, mut reasons) = target(guide, situation);
    let contact = guide.escalate.target(to);
    let order = order::order(model, situation, probs.clone(), to, true);
    let (stop, expected_minutes) = order.best_stop(contact.minutes);
    let mut steps: Vec<RankedStep> = order
        .units
        .iter()
        .flat_map(|u| &u.steps)
        .chain(&order.request)
        .map(|p| ranked_step(guide, p))
        .collect();
    explain_order(model, &probs, &mut steps);
    let steps_worth_trying = order.units[..stop].iter().map(|u| u.steps.len()).sum();
    let why_now = if probs.iter().all(|p| *p == 0.0) {
        Some("Your answers rule out every cause this guide knows about.".into())
    } else if order.units.is_empty() {
        Some(nothing_left(guide, situation, &order, &contact.contact))
    } else if stop == 0 {
        Some(quicker_to_hand_over(
            guide,
            &order.units[0],
            &steps[0],
            contact,
        ))
    } else {
        None
    };
    let recommended = why_now.is_some();
    reasons.extend(why_now);
    let request = situation
        .for_admin
        .iter()
        .cloned()
        .chain(order.request.iter().map(|p| guide.steps[p.step].id.clone()))
        .collect();
    Plan {
        causes: ranked_causes(guide, situation, &probs),
        steps,
        questions: Vec::new(),
        escalation: Escalation {
            recommended,
            reasons,
            steps_worth_trying,
            to,
            contact: contact.contact.clone(),
            minutes: contact.minutes,
            request,
        },
        expected_minutes,
    }
}

/// The causes that apply with their probabilities `probs`, most likely first (ties: file
/// order).
fn ranked_causes(guide: &Guide, situation: &Situation, probs: &[f64]) -> Vec<RankedCause> {
    let mut causes: Vec<RankedCause> = guide
        .causes
        .iter()
        .zip(probs)
        .filter(|(c, _)| applies(&c.when, situation))
        .map(|(c, p)| RankedCause {
            id: c.id.clone(),
            title: c.title.clone(),
            probability: *p,
        })
        .collect();
    // Stable sort: ties keep file order.
    causes.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    causes
}

/// A placed step as the plan shows it.
fn ranked_step(guide: &Guide, placed: &order::Placed) -> RankedStep {
    let step = &guide.steps[placed.step];
    RankedStep {
        id: step.id.clone(),
        title: step.title.clone(),
        minutes: step.minutes,
        probability: placed.probability,
        checks: placed
            .checks
            .iter()
            .map(|&c| guide.causes[c].id.clone())
            .collect(),
        admin: step.admin,
        role: step.role.clone(),
        to: step.admin.then(|| order::target_of(step)),
        risk: step.risk,
        why_first: None,
    }
}

/// Fills in [`RankedStep::why_first`]: a step placed before a later one that is likelier to fix
/// the problem *now* (`probs`, before any step is tried) and slower for the user (an admin
/// step costs its target's minutes, waiting included) says so, with the minutes of the likeliest
/// such step.
/// The plan's order is by chance per minute; this only puts that reason into words.
fn explain_order(model: &Model, probs: &[f64], steps: &mut [RankedStep]) {
    let guide = model.guide;
    let numbers: Vec<(f64, f64)> = steps
        .iter()
        .map(|s| {
            let Some(i) = guide.steps.iter().position(|g| g.id == s.id) else {
                return (0.0, s.minutes);
            };
            let step = &guide.steps[i];
            let chance = step.success * model.fixes(i).iter().map(|&c| probs[c]).sum::<f64>();
            let cost = if step.admin {
                guide.escalate.target(order::target_of(step)).minutes
            } else {
                step.minutes
            };
            (chance, cost)
        })
        .collect();
    for k in 0..steps.len() {
        let (chance, cost) = numbers[k];
        let likelier = (k + 1..steps.len())
            .filter(|&j| numbers[j].0 > chance + 1e-9 && numbers[j].1 > cost + 1e-9)
            .max_by(|&a, &b| numbers[a].0.total_cmp(&numbers[b].0));
        if let Some(j) = likelier {
            steps[k].why_first = Some(format!(
                "{} first: the likelier one takes {}.",
                quick(cost),
                duration(numbers[j].1)
            ));
        }
    }
}

/// "A 3-minute step", "A step of under a minute".
fn quick(minutes: f64) -> String {
    if minutes < 1.0 {
        "A step of under a minute".to_owned()
    } else if minutes < 60.0 {
        format!("A {}-minute step", minutes.round())
    } else {
        format!("A quicker step ({})", duration(minutes))
    }
}

/// Minutes in words: "5 minutes", "about 4 hours", "about 1 day".
fn duration(minutes: f64) -> String {
    let plural = |n: f64, unit: &str| {
        if n == 1.0 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    if minutes < 60.0 {
        plural(minutes.round().max(1.0), "minute")
    } else if minutes < 1440.0 {
        format!("about {}", plural((minutes / 60.0).round(), "hour"))
    } else {
        format!("about {}", plural((minutes / 1440.0).round(), "day"))
    }
}

/// Why handing over now beats `best`, the best unit left (whose first step is `first`).
fn quicker_to_hand_over(
    guide: &Guide,
    best: &order::Unit,
    first: &RankedStep,
    contact: &Contact,
) -> String {
    let minutes = if first.admin {
        format!(
            "{} min for {}",
            best.cost,
            guide.escalate.target(first.to.unwrap_or_default()).contact
        )
    } else {
        format!("about {} min", best.cost)
    };
    format!(
        "The best remaining step has only a {:.0}% chance of fixing it in {minutes}; handing it to {} (about {} min) is now the quicker way to a fix.",
        best.probability * 100.0,
        contact.contact,
        contact.minutes
    )
}

/// Why no step is left to try.
fn nothing_left(
    guide: &Guide,
    situation: &Situation,
    order: &order::Order,
    contact: &str,
) -> String {
    let untried = |s: &&Step| applies(&s.when, situation) && !situation.done(&s.id);
    let waiting = guide
        .steps
        .iter()
        .filter(untried)
        .find(|s| needs_guard(s, situation));
    let safeguard = guide
        .steps
        .iter()
        .find(|s| s.safeguard && applies(&s.when, situation));
    if let Some(step) = waiting.filter(|_| !safeguarded(guide, situation)) {
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
    } else if !order.request.is_empty() {
        format!("The steps left need {contact}: hand it over with them.")
    } else if guide.steps.iter().any(|s| untried(&s)) {
        "None of the steps left deals with the causes still possible.".into()
    } else {
        "Every step in this guide has been tried or set aside.".into()
    }
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

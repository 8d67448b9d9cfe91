//! Which questions are worth asking: the value of information of each open question, in
//! minutes (Heckerman, Breese & Rommelse 1995, one-step lookahead).
//!
//! For a question q: VOI(q) = ECR(now) − [u·ECR(now) + (1 − u)·Σ_o P(o)·ECR(after o)] − cost(q),
//! where ECR is the expected minutes to a fix of the best plan (see `order`), u the chance of
//! "I don't know" (which changes nothing), and P(o) = Σ_c P(c)·P(o|c). A question is worth
//! asking when its value is above zero; the best one is asked first.

use crate::guides::model::{Guide, Question};

use super::{Action, Model, OpenQuestion, Situation, applies, expected_minutes, weights};

/// The chance a user answers "I don't know" to a question.
pub const DONT_KNOW: f64 = 0.2;

/// The questions worth asking in `situation` (already made effective): positive value only,
/// best first (ties: shared first, then file order).
///
/// A question none of whose answers ("I don't know" included) changes what the best plan does
/// first is not worth asking now, whatever its value: doing that first thing and asking
/// afterwards, if it did not fix the problem, reaches the same knowledge at the same cost and
/// saves the question whenever it did.
pub(super) fn questions(
    context: &[Question],
    model: &Model,
    situation: &Situation,
) -> Vec<OpenQuestion> {
    let guide = model.guide;
    let probs = weights(model, situation);
    if probs.iter().all(|p| *p == 0.0) {
        return Vec::new();
    }
    let (now, first) = expected_minutes(model, situation);
    let shared = context.iter().map(|q| (q, true));
    let own = guide.questions.iter().map(|q| (q, false));
    let mut open: Vec<OpenQuestion> = shared
        .chain(own)
        .filter(|(q, _)| !situation.settled(&q.id) && applies(&q.when, situation))
        .filter_map(|(q, shared)| {
            let likelihood = model.likelihoods(q);
            let (expected, changes_first) =
                after_answers(model, situation, q, &likelihood, &probs, &first);
            let value = (1.0 - DONT_KNOW) * (now - expected) - q.cost();
            (changes_first && value > 1e-9).then(|| OpenQuestion {
                id: q.id.clone(),
                ask: q.ask.clone(),
                shared,
                values: q.values().iter().map(|v| v.to_string()).collect(),
                value_minutes: value,
                separates: separates(guide, &likelihood, &probs),
            })
        })
        .collect();
    // Stable: ties keep the order above.
    open.sort_by(|a, b| b.value_minutes.total_cmp(&a.value_minutes));
    open
}

/// Σ_o P(o)·ECR(after o) for question `q`, and whether some answer makes the best plan start
/// with something other than `first`, what it starts with now.
fn after_answers(
    model: &Model,
    situation: &Situation,
    q: &Question,
    likelihood: &[Vec<f64>],
    probs: &[f64],
    first: &Action,
) -> (f64, bool) {
    let mut expected = 0.0;
    let mut changes_first = false;
    // One copy for every answer: each one replaces the last.
    let mut after = situation.clone();
    for (option, given_cause) in q.options.iter().zip(likelihood) {
        let p: f64 = probs.iter().zip(given_cause).map(|(p, l)| p * l).sum();
        if p > 0.0 {
            after.answers.insert(q.id.clone(), option.value.clone());
            let (minutes, action) = expected_minutes(model, &after);
            expected += p * minutes;
            changes_first |= action != *first;
        }
    }
    (expected, changes_first)
}

/// The causes still possible whose answer chances differ between options, most likely first.
fn separates(guide: &Guide, likelihood: &[Vec<f64>], probs: &[f64]) -> Vec<String> {
    let mut told: Vec<(usize, f64)> = probs
        .iter()
        .enumerate()
        .filter(|(c, p)| {
            let column = likelihood.iter().map(|row| row[*c]);
            let (low, high) = column.fold((f64::INFINITY, 0.0f64), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
            **p > 0.0 && high - low > 1e-9
        })
        .map(|(c, p)| (c, *p))
        .collect();
    told.sort_by(|a, b| b.1.total_cmp(&a.1));
    told.into_iter()
        .map(|(c, _)| guide.causes[c].id.clone())
        .collect()
}

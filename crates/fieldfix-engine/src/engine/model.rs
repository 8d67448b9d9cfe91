//! A guide as the engine reads it: each step's cause and prerequisite indexes and each
//! question's answer model, worked out once per diagnosis rather than once per plan (valuing
//! the questions makes a plan for every answer of every open question).

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::guides::model::{Guide, Question, RAISE_FACTOR, Step};

/// What the planner knows about one step.
pub(super) struct Info<'a> {
    pub step: &'a Step,
    /// Indexes of the causes it fixes, in file order.
    pub fixes: Vec<usize>,
    /// Indexes of its prerequisites.
    pub after: Vec<usize>,
}

/// A guide with the indexes and answer models the engine's arithmetic reads.
pub(super) struct Model<'a> {
    pub guide: &'a Guide,
    info: Vec<Info<'a>>,
    /// [`answer_likelihoods`] of each guide question, filled in when first needed.
    likelihoods: Vec<OnceCell<Vec<Vec<f64>>>>,
}

impl<'a> Model<'a> {
    pub fn new(guide: &'a Guide) -> Self {
        let index = |id: &String| guide.steps.iter().position(|s| s.id == *id);
        let info = guide
            .steps
            .iter()
            .map(|step| Info {
                step,
                fixes: fixed_by(guide, step),
                after: step.after.iter().filter_map(index).collect(),
            })
            .collect();
        let likelihoods = guide.questions.iter().map(|_| OnceCell::new()).collect();
        Model {
            guide,
            info,
            likelihoods,
        }
    }

    /// What the planner knows about each step, in file order.
    pub fn info(&self) -> &[Info<'a>] {
        &self.info
    }

    /// Indexes of the causes step `i` fixes.
    pub fn fixes(&self, i: usize) -> &[usize] {
        &self.info[i].fixes
    }

    /// [`answer_likelihoods`] for `question`: worked out once for a guide question, each time
    /// for a shared one (there are three).
    pub fn likelihoods(&self, question: &Question) -> Cow<'_, [Vec<f64>]> {
        // By identity, not id: the guide's own questions are borrowed from it, the shared
        // ones from the library's context.
        let own = self
            .guide
            .questions
            .iter()
            .position(|q| std::ptr::eq(q, question));
        match own {
            Some(i) => Cow::Borrowed(
                self.likelihoods[i].get_or_init(|| answer_likelihoods(self.guide, question)),
            ),
            None => Cow::Owned(answer_likelihoods(self.guide, question)),
        }
    }
}

/// Indexes of the causes `step` fixes, in file order.
fn fixed_by(guide: &Guide, step: &Step) -> Vec<usize> {
    guide
        .causes
        .iter()
        .enumerate()
        .filter(|(_, c)| step.fixes.contains(&c.id))
        .map(|(i, _)| i)
        .collect()
}

/// P(option | cause) for each option (rows, in file order) and cause (columns).
///
/// Derived from the effects: an option weighs a cause 3 when it raises it, 1/3 when it lowers
/// it, 0 when it rules it out or hides it (a `when` on this question without that value), 1
/// otherwise; each cause's weights are then normalised over the options. This is the one place
/// to read explicit per-option probabilities from, should a guide give them.
fn answer_likelihoods(guide: &Guide, question: &Question) -> Vec<Vec<f64>> {
    let mut rows: Vec<Vec<f64>> = question
        .options
        .iter()
        .map(|option| {
            let effect = guide.effect(&question.id, &option.value);
            guide
                .causes
                .iter()
                .map(|cause| {
                    if cause
                        .when
                        .0
                        .get(&question.id)
                        .is_some_and(|values| !values.contains(&option.value))
                    {
                        return 0.0;
                    }
                    let Some(effect) = effect else { return 1.0 };
                    let has = |ids: &[String]| ids.contains(&cause.id);
                    let mut w = 1.0;
                    if has(&effect.raises) {
                        w *= RAISE_FACTOR;
                    }
                    if has(&effect.lowers) {
                        w /= RAISE_FACTOR;
                    }
                    if has(&effect.rules_out) {
                        w = 0.0;
                    }
                    w
                })
                .collect()
        })
        .collect();
    let options = rows.len() as f64;
    for c in 0..guide.causes.len() {
        let total: f64 = rows.iter().map(|r| r[c]).sum();
        for row in &mut rows {
            row[c] = if total > 0.0 {
                row[c] / total
            } else {
                1.0 / options
            };
        }
    }
    rows
}

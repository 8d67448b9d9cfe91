//! Checks a situation against a guide before diagnosing: every question, value and step named
//! must exist, so a typo is an error that lists what is valid, never a silent no-op.

use crate::guides::model::{Guide, Question};
use crate::suggest;

/// A situation names something the guide does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("guide `{guide}` has no question `{question}`{hint}; valid questions: {}", .valid.join(", "))]
    UnknownQuestion {
        guide: String,
        question: String,
        hint: String,
        valid: Vec<String>,
    },
    #[error("`{value}` is not an answer to `{question}`{hint}; valid values: {}", .valid.join(", "))]
    InvalidValue {
        question: String,
        value: String,
        hint: String,
        valid: Vec<String>,
    },
    #[error("guide `{guide}` has no step `{step}`{hint}; valid steps: {}", .valid.join(", "))]
    UnknownStep {
        guide: String,
        step: String,
        hint: String,
        valid: Vec<String>,
    },
}

/// Checks every answer and step of `situation` against the shared `context` and the guide.
pub fn check_situation(
    context: &[Question],
    guide: &Guide,
    situation: &super::Situation,
) -> Result<(), InputError> {
    let find = |id: &str| context.iter().chain(&guide.questions).find(|q| q.id == id);
    for (question, value) in &situation.answers {
        let q = find(question).ok_or_else(|| unknown_question(context, guide, question))?;
        if q.choice(value).is_none() {
            let valid: Vec<String> = q.values().iter().map(|v| v.to_string()).collect();
            return Err(InputError::InvalidValue {
                question: question.clone(),
                value: value.clone(),
                hint: suggest::hint(value, q.values()),
                valid,
            });
        }
    }
    if let Some(question) = situation.unknown.iter().find(|q| find(q).is_none()) {
        return Err(unknown_question(context, guide, question));
    }
    let steps = situation.tried.iter().chain(&situation.skipped);
    if let Some(step) = steps
        .chain(&situation.for_admin)
        .find(|s| guide.step(s).is_none())
    {
        let valid: Vec<String> = guide.steps.iter().map(|s| s.id.clone()).collect();
        return Err(InputError::UnknownStep {
            guide: guide.id.clone(),
            step: step.clone(),
            hint: suggest::hint(step, valid.iter().map(String::as_str)),
            valid,
        });
    }
    Ok(())
}

/// The error for a question id neither the shared context nor the guide has.
fn unknown_question(context: &[Question], guide: &Guide, question: &str) -> InputError {
    let valid: Vec<String> = context
        .iter()
        .chain(&guide.questions)
        .map(|q| q.id.clone())
        .collect();
    InputError::UnknownQuestion {
        guide: guide.id.clone(),
        question: question.to_owned(),
        hint: suggest::hint(question, valid.iter().map(String::as_str)),
        valid,
    }
}

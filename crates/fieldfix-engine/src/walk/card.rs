//! What the wizard says about the question or step it shows, in words: "Why I ask", a step's
//! time and chance, its warning, its lines for the device and its notes. Pure (no terminal),
//! shared by the terminal wizard and the exported site's wizard (crates/fieldfix-web compiles
//! this file too), so both say the same thing; each only lays it out.

use super::handover::{self, Record};
use crate::engine::{OpenQuestion, Plan, RankedStep};
use crate::guides::model::{COMPUTER, Guide, Risk, Step};
use crate::output::{device_label, minutes, percent};

/// "Why I ask": the causes the question tells apart, or none.
pub fn why_ask(guide: &Guide, open: &OpenQuestion) -> Option<String> {
    let told = cause_titles(guide, &open.separates);
    match told.as_slice() {
        [] => None,
        [one] => Some(format!(
            "Why I ask: it shows whether \"{one}\" is the cause."
        )),
        _ => Some(format!(
            "Why I ask: it tells apart \"{}\".",
            told.join("\" and \"")
        )),
    }
}

/// The titles of the first two of `causes` (ids) that `guide` has.
fn cause_titles<'g>(guide: &'g Guide, causes: &[String]) -> Vec<&'g str> {
    causes
        .iter()
        .filter_map(|c| guide.cause(c))
        .map(|c| c.title.as_str())
        .take(2)
        .collect()
}

/// A step's time, its chance of fixing it, and who must do it.
pub fn about(step: &Step, next: &RankedStep) -> String {
    let needs = match (&step.role, step.admin) {
        (Some(role), _) => format!("; needs {role}"),
        (None, true) => "; needs an admin".to_owned(),
        (None, false) => String::new(),
    };
    format!(
        "About {}; fixes it {} of the time{needs}",
        minutes(step.minutes),
        percent(next.probability)
    )
}

/// The risk a step carries on this device: steps that can lose unsynced work warn on a phone,
/// or when the device is not known, never on a computer.
pub fn at_risk(step: &Step, device: Option<&str>) -> Option<Risk> {
    step.risk
        .filter(|_| step.on_phone() && device != Some(COMPUTER))
}

/// A line of a step's instructions, named by its device when it has one.
pub fn line(device: Option<&str>, line: &str) -> String {
    match device {
        Some(dev) => format!("{}: {line}", device_label(dev)),
        None => line.to_owned(),
    }
}

/// How a note is shown: a warning, or a quiet aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Warn,
    Dim,
}

/// The notes under a step, most needed first.
pub fn notes(
    guide: &Guide,
    step: &Step,
    next: &RankedStep,
    plan: &Plan,
    record: &Record,
) -> Vec<(Tone, String)> {
    let mut notes = Vec::new();
    if plan.escalation.recommended {
        // One note, however many reasons: the menu marks the option as recommended.
        notes.push((
            Tone::Warn,
            format!(
                "Consider handing this over now: {}",
                handover::reasons(guide, record, plan).join(" ")
            ),
        ));
    }
    if step.admin {
        notes.push((
            Tone::Dim,
            "Only an admin can do this: ask them, or pick \"I can't do this\".".to_owned(),
        ));
    }
    let why = cause_titles(guide, &next.checks);
    if !why.is_empty() {
        // Quoted, as "Why I ask" quotes them: a cause's title is a sentence of its own.
        notes.push((
            Tone::Dim,
            format!(
                "Why this step: it deals with \"{}\".",
                why.join("\" and \"")
            ),
        ));
    } else if step.safeguard {
        notes.push((
            Tone::Dim,
            "Why this step: it keeps work not yet uploaded safe before a step that could lose it."
                .to_owned(),
        ));
    }
    if let Some(first) = &next.why_first {
        // One short line: a quick step ahead of a likelier, slower one is not a mistake.
        notes.push((Tone::Dim, first.clone()));
    }
    notes
}

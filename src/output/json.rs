//! JSON documents for scripts: one document per command, each with `schema_version`.
//! The shapes are documented in `docs/json.md`.

use serde::Serialize;
use serde_json::{Value, json};

use super::SCHEMA_VERSION;
use crate::engine::Plan;
use crate::guides::model::{Guide, Library};
use crate::search::Hit;

use super::Diagnosis;

pub fn list(library: &Library) -> Value {
    let guides: Vec<Value> = library
        .guides
        .iter()
        .map(|g| {
            json!({
                "id": g.id,
                "title": g.title,
                "aliases": g.aliases,
                "summary": g.summary,
                "origin": g.origin,
            })
        })
        .collect();
    json!({ "schema_version": SCHEMA_VERSION, "guides": guides })
}

pub fn show(guide: &Guide) -> Value {
    json!({ "schema_version": SCHEMA_VERSION, "guide": guide })
}

pub fn search(query: &str, hits: &[Hit]) -> Value {
    json!({ "schema_version": SCHEMA_VERSION, "query": query, "results": hits })
}

pub fn validate(checked: &crate::guides::Checked, guides: usize) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "ok": checked.problems.is_empty(),
        "files": checked.files,
        "guides": guides,
        "problems": checked.problems,
        "warnings": checked.warnings,
    })
}

/// The `diagnose --format json` document, serialised straight from borrowed data (no
/// intermediate JSON tree: this is on the hot path of scripted runs).
#[derive(Serialize)]
pub struct DiagnosisDoc<'a> {
    schema_version: u32,
    guide: GuideRef<'a>,
    answers: &'a std::collections::BTreeMap<String, String>,
    tried: &'a [String],
    skipped: &'a [String],
    causes: Vec<CauseDoc<'a>>,
    steps: Vec<StepDoc<'a>>,
    questions: Vec<QuestionDoc<'a>>,
    escalation: EscalationDoc<'a>,
}

#[derive(Serialize)]
struct GuideRef<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct CauseDoc<'a> {
    id: &'a str,
    title: &'a str,
    probability: f64,
    explain: Option<&'a str>,
}

#[derive(Serialize)]
struct StepDoc<'a> {
    id: &'a str,
    title: &'a str,
    minutes: f64,
    probability: f64,
    checks: &'a [String],
    admin: bool,
    /// The role that must do an admin step, and who it goes to.
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<crate::guides::model::Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<crate::guides::model::Risk>,
    /// Why this step comes before a likelier, slower one.
    #[serde(skip_serializing_if = "Option::is_none")]
    why_first: Option<&'a str>,
    safeguard: bool,
    #[serde(rename = "do")]
    actions: &'a [String],
    /// Device-specific lines: the answered device's, or every device's when unknown.
    devices: std::collections::BTreeMap<&'a str, &'a [String]>,
    see: Option<&'a str>,
    sources: &'a [String],
}

#[derive(Serialize)]
struct QuestionDoc<'a> {
    id: &'a str,
    ask: &'a str,
    shared: bool,
    options: Vec<OptionDoc<'a>>,
    /// Expected minutes the answer saves, the cost of asking taken off.
    value_minutes: f64,
}

#[derive(Serialize)]
struct OptionDoc<'a> {
    value: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct EscalationDoc<'a> {
    recommended: bool,
    reasons: &'a [String],
    steps_worth_trying: usize,
    to: crate::guides::model::Target,
    contact: &'a str,
    minutes: f64,
    signs: &'a [crate::guides::model::Sign],
    provide: &'a [crate::guides::model::Provide],
}

fn round(p: f64) -> f64 {
    (p * 10_000.0).round() / 10_000.0
}

/// Minutes to one decimal.
fn round_minutes(m: f64) -> f64 {
    (m * 10.0).round() / 10.0
}

pub fn diagnosis<'a>(d: &Diagnosis<'a>) -> DiagnosisDoc<'a> {
    let Plan {
        causes, escalation, ..
    } = d.plan;
    let device = d.situation.answer(crate::guides::model::DEVICE);
    let esc = &d.guide.escalate;
    DiagnosisDoc {
        schema_version: SCHEMA_VERSION,
        guide: GuideRef {
            id: &d.guide.id,
            title: &d.guide.title,
        },
        answers: &d.situation.answers,
        tried: &d.situation.tried,
        skipped: &d.situation.skipped,
        causes: causes
            .iter()
            .map(|c| CauseDoc {
                id: &c.id,
                title: &c.title,
                probability: round(c.probability),
                explain: d.guide.cause(&c.id).map(|x| x.explain.as_str()),
            })
            .collect(),
        steps: step_docs(d, device),
        questions: question_docs(d),
        escalation: EscalationDoc {
            recommended: escalation.recommended,
            reasons: &escalation.reasons,
            steps_worth_trying: escalation.steps_worth_trying,
            to: escalation.to,
            contact: &escalation.contact,
            minutes: escalation.minutes,
            signs: &esc.signs,
            provide: &esc.provide,
        },
    }
}

/// The diagnosis's steps, with their lines for the device when it is known.
fn step_docs<'a>(d: &Diagnosis<'a>, device: Option<&str>) -> Vec<StepDoc<'a>> {
    d.plan
        .steps
        .iter()
        .filter_map(|s| d.guide.step(&s.id).map(|full| (s, full)))
        .map(|(s, full)| StepDoc {
            id: &s.id,
            title: &s.title,
            minutes: s.minutes,
            probability: round(s.probability),
            checks: &s.checks,
            admin: s.admin,
            role: full.role.as_deref(),
            to: full.to,
            risk: full.risk,
            why_first: s.why_first.as_deref(),
            safeguard: full.safeguard,
            actions: &full.actions,
            devices: full
                .devices
                .iter()
                .filter(|(dev, _)| device.is_none_or(|d| d == dev.as_str()))
                .map(|(dev, lines)| (dev.as_str(), lines.as_slice()))
                .collect(),
            see: full.see.as_deref(),
            sources: &full.sources,
        })
        .collect()
}

/// The open questions, with the options of each.
fn question_docs<'a>(d: &Diagnosis<'a>) -> Vec<QuestionDoc<'a>> {
    d.plan
        .questions
        .iter()
        .map(|q| QuestionDoc {
            id: &q.id,
            ask: &q.ask,
            shared: q.shared,
            options: d
                .library
                .question(d.guide, &q.id)
                .map(|full| {
                    full.options
                        .iter()
                        .map(|o| OptionDoc {
                            value: &o.value,
                            label: &o.label,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            value_minutes: round_minutes(q.value_minutes),
        })
        .collect()
}

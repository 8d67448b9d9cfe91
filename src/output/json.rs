//! JSON documents for scripts: one document per command, each with `schema_version`.
//! The shapes are documented in `docs/json.md`.

use serde_json::{Value, json};

use super::SCHEMA_VERSION;
use crate::engine::Plan;
use crate::guides::Problem;
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

pub fn validate(files: usize, guides: usize, problems: &[Problem]) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "ok": problems.is_empty(),
        "files": files,
        "guides": guides,
        "problems": problems,
    })
}

/// A step's lines for the device answered (all devices' lines when unknown).
fn step_json(d: &Diagnosis, step: &crate::engine::RankedStep) -> Value {
    let Some(full) = d.guide.step(&step.id) else {
        return json!(step);
    };
    let device = d.situation.answer(crate::guides::model::DEVICE);
    let on: serde_json::Map<String, Value> = full
        .on
        .iter()
        .filter(|(dev, _)| device.is_none_or(|d| d == dev.as_str()))
        .map(|(dev, lines)| (dev.clone(), json!(lines)))
        .collect();
    json!({
        "id": step.id,
        "title": step.title,
        "minutes": step.minutes,
        "probability": round(step.probability),
        "checks": step.checks,
        "admin": step.admin,
        "do": full.actions,
        "on": on,
        "see": full.see,
    })
}

fn round(p: f64) -> f64 {
    (p * 10_000.0).round() / 10_000.0
}

pub fn diagnosis(d: &Diagnosis) -> Value {
    let Plan {
        causes,
        steps,
        questions,
        escalation,
    } = d.plan;
    let causes: Vec<Value> = causes
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "title": c.title,
                "probability": round(c.probability),
                "explain": d.guide.cause(&c.id).map(|x| x.explain.as_str()),
            })
        })
        .collect();
    let questions: Vec<Value> = questions
        .iter()
        .map(|q| {
            let options: Vec<Value> = d
                .library
                .question(d.guide, &q.id)
                .map(|full| {
                    full.options
                        .iter()
                        .map(|o| json!({ "value": o.value, "label": o.label }))
                        .collect()
                })
                .unwrap_or_default();
            json!({ "id": q.id, "ask": q.ask, "shared": q.shared, "options": options })
        })
        .collect();
    let esc = &d.guide.escalate;
    json!({
        "schema_version": SCHEMA_VERSION,
        "guide": { "id": d.guide.id, "title": d.guide.title },
        "answers": d.situation.answers,
        "tried": d.situation.tried,
        "skipped": d.situation.skipped,
        "causes": causes,
        "steps": steps.iter().map(|s| step_json(d, s)).collect::<Vec<_>>(),
        "questions": questions,
        "escalation": {
            "recommended": escalation.recommended,
            "reasons": escalation.reasons,
            "steps_worth_trying": escalation.steps_worth_trying,
            "contact": esc.contact,
            "minutes": esc.minutes,
            "signs": esc.signs,
            "provide": esc.provide,
        },
    })
}

//! JSON documents for scripts: one typed document per command, each with `schema_version`.
//! These structs are the public shapes documented in `docs/json.md`; the model's own serde
//! shape (the embedded guides, the cache) is private and may change without breaking scripts.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::SCHEMA_VERSION;
use crate::engine::Plan;
use crate::guides::Problem;
use crate::guides::model::{
    Condition, Effect, Guide, Library, Origin, Provide, ProvideKind, Question, Risk, Sign, Step,
    Target,
};
use crate::preflight::names::{Rename, Undone, final_path};
use crate::preflight::{Finding, Network, Options, Renames, Scan};
use crate::search::Hit;

use super::Diagnosis;

/// `list --format json`.
#[derive(Serialize)]
pub struct ListDoc<'a> {
    schema_version: u32,
    guides: Vec<ListedGuide<'a>>,
}

#[derive(Serialize)]
struct ListedGuide<'a> {
    id: &'a str,
    title: &'a str,
    aliases: &'a [String],
    summary: &'a str,
    origin: Origin,
}

pub fn list(library: &Library) -> ListDoc<'_> {
    ListDoc {
        schema_version: SCHEMA_VERSION,
        guides: library
            .guides
            .iter()
            .map(|g| ListedGuide {
                id: &g.id,
                title: &g.title,
                aliases: &g.aliases,
                summary: &g.summary,
                origin: g.origin,
            })
            .collect(),
    }
}

/// `show --format json`: the whole guide, field by field as docs/json.md describes it (the
/// model's own serde shape, used for the embedded guides and the cache, is not this).
#[derive(Serialize)]
pub struct ShowDoc<'a> {
    schema_version: u32,
    guide: GuideDoc<'a>,
}

#[derive(Serialize)]
struct GuideDoc<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sources: &'a [String],
    aliases: &'a [String],
    symptoms: &'a [String],
    escalate: EscalateDoc<'a>,
    causes: Vec<GuideCauseDoc<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    context: BTreeMap<&'a str, BTreeMap<&'a str, EffectDoc<'a>>>,
    questions: Vec<GuideQuestionDoc<'a>>,
    steps: Vec<GuideStepDoc<'a>>,
    prevent: Vec<TipDoc<'a>>,
    related: &'a [String],
    origin: Origin,
    file: &'a str,
}

#[derive(Serialize)]
struct EscalateDoc<'a> {
    to: Target,
    targets: BTreeMap<Target, ContactDoc<'a>>,
    signs: Vec<SignDoc<'a>>,
    provide: Vec<ProvideDoc<'a>>,
    origin: Origin,
}

#[derive(Serialize)]
struct ContactDoc<'a> {
    contact: &'a str,
    minutes: f64,
}

#[derive(Serialize)]
struct SignDoc<'a> {
    sign: &'a str,
    to: Target,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sources: &'a [String],
}

#[derive(Serialize)]
struct ProvideDoc<'a> {
    id: &'a str,
    label: &'a str,
    kind: ProvideKind,
}

/// The signs that it is time to hand over, as `show` and `diagnose` print them.
fn sign_docs(signs: &[Sign]) -> Vec<SignDoc<'_>> {
    signs
        .iter()
        .map(|s| SignDoc {
            sign: &s.sign,
            to: s.to,
            sources: &s.sources,
        })
        .collect()
}

/// What to hand support, as `show` and `diagnose` print it.
fn provide_docs(provide: &[Provide]) -> Vec<ProvideDoc<'_>> {
    provide
        .iter()
        .map(|p| ProvideDoc {
            id: &p.id,
            label: &p.label,
            kind: p.kind,
        })
        .collect()
}

#[derive(Serialize)]
struct GuideCauseDoc<'a> {
    id: &'a str,
    title: &'a str,
    explain: &'a str,
    likelihood: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'a BTreeMap<String, Vec<String>>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sources: &'a [String],
}

#[derive(Serialize)]
struct EffectDoc<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    raises: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    lowers: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    rules_out: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    escalate: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    escalate_to: Option<Target>,
}

#[derive(Serialize)]
struct GuideQuestionDoc<'a> {
    id: &'a str,
    ask: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'a BTreeMap<String, Vec<String>>>,
    options: Vec<ChoiceDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<f64>,
}

#[derive(Serialize)]
struct ChoiceDoc<'a> {
    value: &'a str,
    label: &'a str,
    #[serde(flatten)]
    effect: EffectDoc<'a>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    safeguard: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sources: &'a [String],
}

#[derive(Serialize)]
struct GuideStepDoc<'a> {
    id: &'a str,
    title: &'a str,
    minutes: f64,
    fixes: &'a [String],
    success: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'a BTreeMap<String, Vec<String>>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    after: &'a [String],
    #[serde(flatten)]
    who: WhoDoc<'a>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    safeguard: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sources: &'a [String],
    check_files: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    see: Option<&'a str>,
    #[serde(rename = "do")]
    actions: &'a [String],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    devices: &'a BTreeMap<String, Vec<String>>,
    origin: Origin,
}

#[derive(Serialize)]
struct TipDoc<'a> {
    tip: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    causes: &'a [String],
}

/// A condition as documented: `{question: [values]}`, left out when there is none.
fn when(c: &Condition) -> Option<&BTreeMap<String, Vec<String>>> {
    (!c.is_empty()).then_some(&c.0)
}

fn effect(e: &Effect) -> EffectDoc<'_> {
    EffectDoc {
        raises: &e.raises,
        lowers: &e.lowers,
        rules_out: &e.rules_out,
        escalate: e.escalate.as_deref(),
        escalate_to: e.escalate_to,
    }
}

pub fn show(g: &Guide) -> ShowDoc<'_> {
    let esc = &g.escalate;
    ShowDoc {
        schema_version: SCHEMA_VERSION,
        guide: GuideDoc {
            id: &g.id,
            title: &g.title,
            summary: &g.summary,
            sources: &g.sources,
            aliases: &g.aliases,
            symptoms: &g.symptoms,
            escalate: EscalateDoc {
                to: esc.to,
                targets: esc
                    .targets
                    .iter()
                    .map(|(t, c)| {
                        let contact = ContactDoc {
                            contact: &c.contact,
                            minutes: c.minutes,
                        };
                        (*t, contact)
                    })
                    .collect(),
                signs: sign_docs(&esc.signs),
                provide: provide_docs(&esc.provide),
                origin: esc.origin,
            },
            causes: g
                .causes
                .iter()
                .map(|c| GuideCauseDoc {
                    id: &c.id,
                    title: &c.title,
                    explain: &c.explain,
                    likelihood: c.likelihood,
                    when: when(&c.when),
                    sources: &c.sources,
                })
                .collect(),
            context: g
                .context
                .iter()
                .map(|(q, values)| {
                    let values = values.iter().map(|(v, e)| (v.as_str(), effect(e)));
                    (q.as_str(), values.collect())
                })
                .collect(),
            questions: g.questions.iter().map(question).collect(),
            steps: g.steps.iter().map(step).collect(),
            prevent: g
                .prevent
                .iter()
                .map(|t| TipDoc {
                    tip: &t.tip,
                    causes: &t.causes,
                })
                .collect(),
            related: &g.related,
            origin: g.origin,
            file: &g.file,
        },
    }
}

fn question(q: &Question) -> GuideQuestionDoc<'_> {
    GuideQuestionDoc {
        id: &q.id,
        ask: &q.ask,
        when: when(&q.when),
        options: q
            .options
            .iter()
            .map(|o| ChoiceDoc {
                value: &o.value,
                label: &o.label,
                effect: effect(&o.effect),
                safeguard: o.safeguard,
                sources: &o.sources,
            })
            .collect(),
        minutes: q.minutes,
    }
}

/// Whether a step is for an admin, the role that must do it and who it goes to, and what it
/// risks: the fields `show` and `diagnose` share, in the same place in both.
#[derive(Serialize)]
struct WhoDoc<'a> {
    admin: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<Risk>,
}

fn who(s: &Step) -> WhoDoc<'_> {
    WhoDoc {
        admin: s.admin,
        role: s.role.as_deref(),
        to: s.to,
        risk: s.risk,
    }
}

fn step(s: &Step) -> GuideStepDoc<'_> {
    GuideStepDoc {
        id: &s.id,
        title: &s.title,
        minutes: s.minutes,
        fixes: &s.fixes,
        success: s.success,
        when: when(&s.when),
        after: &s.after,
        who: who(s),
        safeguard: s.safeguard,
        sources: &s.sources,
        check_files: s.check_files,
        see: s.see.as_deref(),
        actions: &s.actions,
        devices: &s.devices,
        origin: s.origin,
    }
}

/// `search --format json`.
#[derive(Serialize)]
pub struct SearchDoc<'a> {
    schema_version: u32,
    query: &'a str,
    results: Vec<SearchResultDoc<'a>>,
}

#[derive(Serialize)]
struct SearchResultDoc<'a> {
    guide: &'a str,
    title: &'a str,
    score: f64,
    matched: &'a str,
}

pub fn search<'a>(query: &'a str, hits: &'a [Hit]) -> SearchDoc<'a> {
    SearchDoc {
        schema_version: SCHEMA_VERSION,
        query,
        results: hits
            .iter()
            .map(|h| SearchResultDoc {
                guide: &h.guide,
                title: &h.title,
                score: h.score,
                matched: &h.matched,
            })
            .collect(),
    }
}

/// `validate --format json`.
#[derive(Serialize)]
pub struct ValidateDoc<'a> {
    schema_version: u32,
    ok: bool,
    files: usize,
    guides: usize,
    problems: Vec<ProblemDoc<'a>>,
    warnings: Vec<ProblemDoc<'a>>,
}

#[derive(Serialize)]
struct ProblemDoc<'a> {
    file: &'a str,
    line: u64,
    column: u64,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<&'a str>,
}

fn problems(list: &[Problem]) -> Vec<ProblemDoc<'_>> {
    list.iter()
        .map(|p| ProblemDoc {
            file: &p.file,
            line: p.line,
            column: p.column,
            message: &p.message,
            snippet: p.snippet.as_deref(),
        })
        .collect()
}

pub fn validate(checked: &crate::guides::Checked, guides: usize) -> ValidateDoc<'_> {
    ValidateDoc {
        schema_version: SCHEMA_VERSION,
        ok: checked.problems.is_empty(),
        files: checked.files,
        guides,
        problems: problems(&checked.problems),
        warnings: problems(&checked.warnings),
    }
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
    #[serde(flatten)]
    who: WhoDoc<'a>,
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
    to: Target,
    contact: &'a str,
    minutes: f64,
    signs: Vec<SignDoc<'a>>,
    provide: Vec<ProvideDoc<'a>>,
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
            signs: sign_docs(&esc.signs),
            provide: provide_docs(&esc.provide),
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
            who: who(full),
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

/// `preflight --format json`: what was checked, the settings, a summary, one record per
/// finding, and the renames when names were fixed.
#[derive(Serialize)]
pub struct PreflightDoc<'a> {
    schema_version: u32,
    ok: bool,
    checked: CheckedDoc,
    settings: SettingsDoc,
    summary: PreflightSummaryDoc,
    findings: &'a [Finding],
    /// Only with `--fix-names`.
    #[serde(flatten)]
    names: Option<NamesDoc<'a>>,
}

#[derive(Serialize)]
struct CheckedDoc {
    files: u64,
    folders: u64,
    links_skipped: u64,
}

#[derive(Serialize)]
struct SettingsDoc {
    warn_size: u64,
    network: Network,
    follow_links: bool,
}

#[derive(Serialize)]
struct PreflightSummaryDoc {
    failing: usize,
    at_risk: usize,
    findings: usize,
}

#[derive(Serialize)]
struct NamesDoc<'a> {
    renames: Vec<RenameDoc<'a>>,
    /// `null` in a dry run.
    undo_list: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
struct RenameDoc<'a> {
    from: Cow<'a, str>,
    to: String,
    /// `planned`, `renamed` or `failed`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

pub fn preflight<'a>(
    scan: &'a Scan,
    options: &Options,
    renames: Option<&'a Renames>,
) -> PreflightDoc<'a> {
    let failing = scan.failing();
    PreflightDoc {
        schema_version: SCHEMA_VERSION,
        ok: failing == 0,
        checked: CheckedDoc {
            files: scan.files,
            folders: scan.folders,
            links_skipped: scan.links_skipped,
        },
        settings: SettingsDoc {
            warn_size: options.warn_size,
            network: options.network,
            follow_links: options.follow_links,
        },
        summary: PreflightSummaryDoc {
            failing,
            at_risk: scan.at_risk(),
            findings: scan.findings.len(),
        },
        findings: &scan.findings,
        names: renames.map(names),
    }
}

/// The renames, planned or made (then the failed ones after), each with where it ends up.
fn names(renames: &Renames) -> NamesDoc<'_> {
    let (all, failed, undo_list): (&[Rename], &[(Rename, String)], _) = match renames {
        Renames::Planned(plan) => (plan, &[], None),
        Renames::Applied(a) => (&a.done, &a.failed, Some(a.undo_list.to_string_lossy())),
    };
    let status = if undo_list.is_some() {
        "renamed"
    } else {
        "planned"
    };
    let made = all.iter().map(|r| (r, status, None));
    let failed = failed
        .iter()
        .map(|(r, why)| (r, "failed", Some(why.as_str())));
    let renames = made.chain(failed).map(|(r, status, error)| RenameDoc {
        from: r.from.to_string_lossy(),
        to: final_path(&r.to, all).to_string_lossy().into_owned(),
        status,
        error,
    });
    NamesDoc {
        renames: renames.collect(),
        undo_list,
    }
}

/// `preflight --undo FILE --format json`.
#[derive(Serialize)]
pub struct UndoDoc<'a> {
    schema_version: u32,
    undo_list: Cow<'a, str>,
    ok: bool,
    results: Vec<UndoResultDoc<'a>>,
}

#[derive(Serialize)]
struct UndoResultDoc<'a> {
    from: Cow<'a, str>,
    to: Cow<'a, str>,
    /// `restored`, `already-restored` or `failed`.
    status: &'static str,
    error: Option<&'a str>,
}

pub fn undo<'a>(list: &'a Path, undone: &'a [Undone]) -> UndoDoc<'a> {
    let results = undone.iter().map(|u| {
        let (r, status, error) = match u {
            Undone::Restored(r) => (r, "restored", None),
            Undone::AlreadyRestored(r) => (r, "already-restored", None),
            Undone::Failed(r, why) => (r, "failed", Some(why.as_str())),
        };
        // The undo goes from the new name back to the old one.
        UndoResultDoc {
            from: r.to.to_string_lossy(),
            to: r.from.to_string_lossy(),
            status,
            error,
        }
    });
    UndoDoc {
        schema_version: SCHEMA_VERSION,
        undo_list: list.to_string_lossy(),
        ok: !undone.iter().any(|u| matches!(u, Undone::Failed(..))),
        results: results.collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::preflight::names::Applied;

    fn rename(from: &str, to: &str) -> Rename {
        Rename {
            from: PathBuf::from(from),
            to: PathBuf::from(to),
        }
    }

    /// A failed rename comes after the ones made, with its error; key order is pinned on the
    /// text (the rest of the document is pinned by the CLI test `snapshot_preflight_and_undo_json`).
    #[test]
    fn preflight_lists_failed_renames_last_with_their_error() {
        let applied = Renames::Applied(Applied {
            done: vec![rename("Q&A/a #1", "Q&A/a _1"), rename("Q&A", "Q_A")],
            failed: vec![(rename("b #2", "b _2"), "gone".to_owned())],
            undo_list: PathBuf::from("undo.json"),
        });
        let scan = Scan::default();
        let doc = preflight(&scan, &Options::default(), Some(&applied));
        let text = serde_json::to_string(&doc).unwrap();
        let tail = concat!(
            r#""findings":[],"renames":[{"from":"Q&A/a #1","to":"Q_A/a _1","status":"renamed"},"#,
            r#"{"from":"Q&A","to":"Q_A","status":"renamed"},"#,
            r#"{"from":"b #2","to":"b _2","status":"failed","error":"gone"}],"#,
            r#""undo_list":"undo.json"}"#
        );
        assert!(text.ends_with(tail), "{text}");
    }
}

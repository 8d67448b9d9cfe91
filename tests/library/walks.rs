//! The built-in guides walked with the answers people give (tests/data/walks.yaml): an answer
//! that makes a cause impossible rules it out, so no planned step fixes only excluded causes;
//! and in each written situation the step that fixes it is among the first three actions.

use std::collections::{BTreeMap, BTreeSet};

use fieldfix::engine::{self, Plan, Situation};
use fieldfix::guides::model::Guide;
use serde::Deserialize;

use crate::engine::LIBRARY;

const DATA: &str = include_str!("../data/walks.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Walk {
    common: BTreeMap<String, String>,
    /// `question=value` to the causes that answer makes impossible.
    excludes: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    situations: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    said: String,
    answers: BTreeMap<String, String>,
    fix: String,
}

fn walks() -> BTreeMap<String, Walk> {
    serde_saphyr::from_str(DATA).expect("tests/data/walks.yaml reads")
}

fn situation(answers: &BTreeMap<String, String>) -> Situation {
    Situation {
        answers: answers.clone(),
        ..Situation::default()
    }
}

/// Checks that every question and value the walk names exists, so a renamed option cannot
/// quietly make a walk test nothing.
fn check_names(guide: &Guide, answers: &BTreeMap<String, String>, what: &str) {
    for (q, v) in answers {
        let Some(question) = guide.question(q).or_else(|| LIBRARY.context_question(q)) else {
            panic!("{}: {what} names no question `{q}`", guide.id);
        };
        let values = question.values();
        assert!(
            values.contains(&v.as_str()),
            "{}: {what}: `{q}` has no value `{v}` ({values:?})",
            guide.id
        );
    }
}

/// The causes the walk's table says the answers in `s` exclude (answers to questions that
/// no longer apply exclude nothing).
fn excluded<'a>(guide: &Guide, walk: &'a Walk, s: &Situation) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for (q, v) in &s.answers {
        let applies = guide
            .question(q)
            .is_none_or(|question| question.when.holds(|id| s.answer(id)));
        if applies && let Some(causes) = walk.excludes.get(&format!("{q}={v}")) {
            out.extend(causes.iter().map(String::as_str));
        }
    }
    out
}

/// No step in the plan fixes only excluded causes, and every excluded cause has no chance left.
fn check_excluded(guide: &Guide, walk: &Walk, s: &Situation, failures: &mut BTreeSet<String>) {
    let out = excluded(guide, walk, s);
    if out.is_empty() {
        return;
    }
    let plan = engine::diagnose(&LIBRARY.context, guide, s);
    for cause in &plan.causes {
        if out.contains(cause.id.as_str()) && cause.probability > 0.0 {
            failures.insert(format!(
                "{}: with {:?}, `{}` is impossible but keeps {:.3}",
                guide.id, s.answers, cause.id, cause.probability
            ));
        }
    }
    for (at, step) in plan.steps.iter().enumerate() {
        let full = guide.step(&step.id).expect("a planned step");
        // A safeguard may come first for its safety alone, before a step that can lose work.
        let guards = full.safeguard && plan.steps[at + 1..].iter().any(|s| s.risk.is_some());
        let fixes = &full.fixes;
        if !guards && fixes.iter().all(|c| out.contains(c.as_str())) {
            failures.insert(format!(
                "{}: with {:?}, step `{}` is planned but fixes only excluded causes {fixes:?}",
                guide.id, s.answers, step.id
            ));
        }
    }
}

#[test]
fn every_guide_is_walked() {
    let walks = walks();
    let ids: BTreeSet<&str> = LIBRARY.guides.iter().map(|g| g.id.as_str()).collect();
    let walked: BTreeSet<&str> = walks.keys().map(String::as_str).collect();
    assert_eq!(
        ids, walked,
        "tests/data/walks.yaml must walk every built-in guide"
    );
    for (id, walk) in &walks {
        let guide = LIBRARY.find(id).expect("a guide");
        check_names(guide, &walk.common, "common");
        for key in walk.excludes.keys() {
            let (q, v) = key.split_once('=').expect("question=value");
            check_names(guide, &[(q.into(), v.into())].into(), "excludes");
            for cause in &walk.excludes[key] {
                assert!(guide.cause(cause).is_some(), "{id}: no cause `{cause}`");
            }
        }
        for case in &walk.situations {
            check_names(guide, &case.answers, &case.said);
            assert!(
                guide.step(&case.fix).is_some(),
                "{id}: no step `{}`",
                case.fix
            );
        }
    }
}

#[test]
fn answers_that_make_a_cause_impossible_rule_it_out() {
    let mut failures = BTreeSet::new();
    for (id, walk) in walks() {
        let guide = LIBRARY.find(&id).expect("a guide");
        for device in [None, Some("computer"), Some("ios"), Some("android")] {
            let mut base = BTreeMap::new();
            if let Some(device) = device {
                base.insert("device".to_owned(), device.to_owned());
            }
            // Each excluding answer alone.
            for key in walk.excludes.keys() {
                let (q, v) = key.split_once('=').expect("question=value");
                let mut answers = base.clone();
                answers.insert(q.into(), v.into());
                check_excluded(guide, &walk, &situation(&answers), &mut failures);
            }
            // The common answers, one after another.
            let mut answers = base.clone();
            for (q, v) in &walk.common {
                answers.insert(q.clone(), v.clone());
                check_excluded(guide, &walk, &situation(&answers), &mut failures);
            }
        }
    }
    let failures: Vec<String> = failures.into_iter().collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The actions a plan takes, in order: each user step; one request per run of admin steps to
/// the same person; then handing over, with the steps that go with it. Only the steps worth
/// trying come before the hand-over.
fn actions(plan: &Plan) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut last_to = None;
    for step in &plan.steps[..plan.escalation.steps_worth_trying] {
        if step.admin && last_to == Some(step.to) {
            out.last_mut().expect("a request").push(&step.id);
            continue;
        }
        last_to = step.admin.then_some(step.to);
        out.push(vec![&step.id]);
    }
    out.push(plan.escalation.request.iter().map(String::as_str).collect());
    out
}

#[test]
fn telling_answers_put_the_fix_among_the_first_three_actions() {
    let mut failures = Vec::new();
    for (id, walk) in walks() {
        let guide = LIBRARY.find(&id).expect("a guide");
        for case in &walk.situations {
            let plan = engine::diagnose(&LIBRARY.context, guide, &situation(&case.answers));
            let actions = actions(&plan);
            let at = actions.iter().position(|a| a.contains(&case.fix.as_str()));
            if at.is_none_or(|at| at >= 3) {
                failures.push(format!(
                    "{id}: \"{}\": `{}` is action {} of {actions:?}",
                    case.said,
                    case.fix,
                    at.map_or("none".into(), |at| (at + 1).to_string()),
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

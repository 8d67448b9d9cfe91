//! The validator's rules on a finished library: everything [`crate::check`] guarantees of the
//! guides it builds (printable one-line names, valid and unique ids, sources, positive numbers,
//! known references, no cycle), checked with the same rule functions on a library that did not
//! come straight from the checker: the guide cache, and every library the loader assembles.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{
    cycles, id_problem, line_problem, positive_problem, reserved_problem, source_problem,
    success_problem, text_problem,
};
use crate::model::{Condition, Contact, Effect, Guide, Library, Question, Target};
use crate::text::forbidden_char;

/// The first problem in `library`, said with the guide and the field it is in.
pub fn library(library: &Library) -> Result<(), String> {
    let guide_ids = unique(library.guides.iter().map(|g| g.id.as_str()), "guide id")?;
    let no_causes = BTreeSet::new();
    for q in &library.context {
        question(q, &no_causes).map_err(|e| format!("context question `{}`: {e}", q.id))?;
    }
    targets(&library.targets, "target")?;
    for g in &library.guides {
        guide(g, library, &guide_ids).map_err(|e| format!("guide `{}`: {e}", g.id))?;
    }
    Ok(())
}

fn ok(problem: Option<String>) -> Result<(), String> {
    problem.map_or(Ok(()), Err)
}

/// The ids as a set, when each is a valid id and none is given twice.
fn unique<'a>(ids: impl Iterator<Item = &'a str>, what: &str) -> Result<BTreeSet<&'a str>, String> {
    let mut set = BTreeSet::new();
    for id in ids {
        ok(id_problem(id, what))?;
        if !set.insert(id) {
            return Err(format!("duplicate {what} `{id}`"));
        }
    }
    Ok(set)
}

/// Every hand-over target, each with a contact and minutes (`what` names them in messages).
fn targets(targets: &BTreeMap<Target, Contact>, what: &str) -> Result<(), String> {
    for t in Target::ALL {
        let contact = targets
            .get(&t)
            .ok_or_else(|| format!("the hand-over target `{}` is missing", t.id()))?;
        ok(line_problem(&contact.contact, &format!("{what} contact")))?;
        ok(positive_problem(
            contact.minutes,
            &format!("{what} minutes"),
        ))?;
    }
    Ok(())
}

/// Each of `list` by `rule`.
fn each(list: &[String], rule: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    list.iter().try_for_each(|item| ok(rule(item)))
}

fn sources(list: &[String]) -> Result<(), String> {
    each(list, |s| source_problem(s, false))
}

fn refs(list: &[String], known: &BTreeSet<&str>, what: &str) -> Result<(), String> {
    match list.iter().find(|r| !known.contains(r.as_str())) {
        Some(r) => Err(format!("unknown {what} `{}`", crate::text::sanitize(r))),
        None => Ok(()),
    }
}

fn condition(when: &Condition) -> Result<(), String> {
    for (question, values) in &when.0 {
        ok(id_problem(question, "question in `when`"))?;
        each(values, |v| id_problem(v, "value in `when`"))?;
    }
    Ok(())
}

fn effect(e: &Effect, causes: &BTreeSet<&str>) -> Result<(), String> {
    for list in [&e.raises, &e.lowers, &e.rules_out] {
        refs(list, causes, "cause")?;
    }
    e.escalate
        .as_ref()
        .map_or(Ok(()), |r| ok(text_problem(r, "escalate reason")))
}

fn question(q: &Question, causes: &BTreeSet<&str>) -> Result<(), String> {
    ok(id_problem(&q.id, "question id"))?;
    ok(line_problem(&q.ask, "question"))?;
    condition(&q.when)?;
    if let Some(m) = q.minutes {
        ok(positive_problem(m, "question minutes"))?;
    }
    unique(q.options.iter().map(|o| o.value.as_str()), "option value")?;
    for o in &q.options {
        ok(line_problem(&o.label, "option label"))?;
        effect(&o.effect, causes)?;
        sources(&o.sources)?;
    }
    Ok(())
}

fn guide(g: &Guide, library: &Library, guide_ids: &BTreeSet<&str>) -> Result<(), String> {
    ok(reserved_problem(&g.id))?;
    ok(line_problem(&g.title, "title"))?;
    ok(text_problem(&g.summary, "summary"))?;
    ok(forbidden_char(&g.file).map(|_| "the file name holds a control character".to_owned()))?;
    sources(&g.sources)?;
    each(&g.aliases, |a| line_problem(a, "alias"))?;
    each(&g.symptoms, |s| line_problem(s, "symptom"))?;
    let causes = unique(g.causes.iter().map(|c| c.id.as_str()), "cause id")?;
    for c in &g.causes {
        ok(line_problem(&c.title, "cause title"))?;
        ok(text_problem(&c.explain, "cause explanation"))?;
        ok(positive_problem(c.likelihood, "likelihood"))?;
        condition(&c.when)?;
        sources(&c.sources)?;
    }
    escalation(g)?;
    for (q, answers) in &g.context {
        if !library.context.iter().any(|c| c.id == *q) {
            return Err(format!(
                "unknown context question `{}`",
                crate::text::sanitize(q)
            ));
        }
        for (value, e) in answers {
            ok(id_problem(value, "context value"))?;
            effect(e, &causes)?;
        }
    }
    unique(g.questions.iter().map(|q| q.id.as_str()), "question id")?;
    for q in &g.questions {
        question(q, &causes)?;
    }
    steps(g, &causes, guide_ids)?;
    for t in &g.prevent {
        ok(text_problem(&t.tip, "prevention tip"))?;
        refs(&t.causes, &causes, "cause")?;
    }
    refs(&g.related, guide_ids, "related guide")
}

fn escalation(g: &Guide) -> Result<(), String> {
    targets(&g.escalate.targets, "escalation")?;
    for s in &g.escalate.signs {
        ok(text_problem(&s.sign, "escalation sign"))?;
        sources(&s.sources)?;
    }
    unique(
        g.escalate.provide.iter().map(|p| p.id.as_str()),
        "provide id",
    )?;
    for p in &g.escalate.provide {
        ok(line_problem(&p.label, "provide label"))?;
    }
    Ok(())
}

fn steps(g: &Guide, causes: &BTreeSet<&str>, guide_ids: &BTreeSet<&str>) -> Result<(), String> {
    let step_ids = unique(g.steps.iter().map(|s| s.id.as_str()), "step id")?;
    for s in &g.steps {
        ok(line_problem(&s.title, "step title"))?;
        ok(positive_problem(s.minutes, "minutes"))?;
        ok(success_problem(s.success))?;
        if s.fixes.is_empty() {
            return Err(format!("step `{}` fixes nothing", s.id));
        }
        refs(&s.fixes, causes, "cause")?;
        refs(&s.after, &step_ids, "step in `after`")?;
        condition(&s.when)?;
        if let Some(role) = &s.role {
            ok(line_problem(role, "admin role"))?;
        }
        sources(&s.sources)?;
        if let Some(see) = &s.see {
            refs(std::slice::from_ref(see), guide_ids, "guide in `see`")?;
        }
        each(&s.actions, |l| text_problem(l, "step line"))?;
        for (device, lines) in &s.devices {
            ok(id_problem(device, "device"))?;
            each(lines, |l| text_problem(l, "step line"))?;
        }
    }
    let orders = g
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.after.iter().map(String::as_str).collect()));
    match cycles(orders).first() {
        Some(cycle) => Err(format!(
            "steps wait on each other in a cycle: {}",
            cycle.join(" -> ")
        )),
        None => Ok(()),
    }
}

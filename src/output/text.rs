//! Plain-text rendering for people at a terminal: readable at 80 columns, colour optional.

use std::fmt::Write;

use super::{Diagnosis, Paint, device_label, minutes, percent};
use crate::engine::{Plan, Situation};
use crate::guides::model::{Guide, Library, Origin, Question, Step};
use crate::search::Hit;

pub fn list(library: &Library, p: &Paint) -> String {
    let width = library.guides.iter().map(|g| g.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for g in &library.guides {
        let company = if g.origin == Origin::Company {
            " [company]"
        } else {
            ""
        };
        // One line per guide, so `fieldfix list | grep` works: aliases that do not fit are cut.
        let head = format!("{:width$}  {}{company}", g.id, g.title);
        let room = p
            .width
            .saturating_sub(console::measure_text_width(&head) + 4);
        let mut aliases = g.aliases.join(", ");
        if aliases.chars().count() > room {
            aliases = aliases
                .chars()
                .take(room.saturating_sub(1))
                .collect::<String>()
                + "…";
        }
        let aliases = if g.aliases.is_empty() || room < 2 {
            String::new()
        } else {
            p.dim(&format!("  ({aliases})"))
        };
        let company = if company.is_empty() {
            String::new()
        } else {
            p.warn(company)
        };
        let _ = writeln!(
            out,
            "{}  {}{company}{aliases}",
            p.bold(&format!("{:width$}", g.id)),
            g.title
        );
    }
    out
}

pub fn search(hits: &[Hit], p: &Paint) -> String {
    let mut out = String::new();
    for hit in hits {
        let _ = writeln!(
            out,
            "{:>4}  {}  {}\n      {}",
            percent(hit.score),
            p.bold(&hit.guide),
            hit.title,
            p.dim(&format!("matched: \"{}\"", hit.matched))
        );
    }
    out
}

/// The problems, then a one-line summary.
pub fn problems(checked: &crate::guides::Checked, guides: usize, p: &Paint) -> String {
    let (problems, files) = (&checked.problems, checked.files);
    let mut out = String::new();
    for problem in problems {
        let _ = writeln!(out, "{} {problem}\n", p.bad("error:"));
    }
    for warning in &checked.warnings {
        let _ = writeln!(out, "{} {warning}\n", p.warn("warning:"));
    }
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let files = count(files, "guide file", "guide files");
    if problems.is_empty() {
        let _ = writeln!(
            out,
            "{} {files} checked, {}, no problems",
            p.good("ok:"),
            count(guides, "guide", "guides")
        );
    } else {
        let _ = writeln!(
            out,
            "{} {} in {files}",
            p.bad("failed:"),
            count(problems.len(), "problem", "problems")
        );
    }
    out
}

/// A sign that it is time to hand over, with who to go to when that is not the guide's usual
/// target.
pub fn sign(
    esc: &crate::guides::model::Escalate,
    s: &crate::guides::model::Sign,
    p: &Paint,
) -> String {
    if s.to == esc.to {
        s.sign.clone()
    } else {
        format!(
            "{} {}",
            s.sign,
            p.dim(&format!("(go to {})", esc.target(s.to).contact))
        )
    }
}

/// "Source: ..." under a cause or step, for an admin auditing where each line comes from.
fn sources(out: &mut String, p: &Paint, sources: &[String], indent: &str) {
    if !sources.is_empty() {
        let label = if sources.len() == 1 {
            "Source"
        } else {
            "Sources"
        };
        // Names only: an address does not fit 80 columns; `--format json` and Markdown have them.
        let names: Vec<String> = sources.iter().map(|s| super::source_label(s).0).collect();
        let line = format!("{label}: {}", names.join("; "));
        put(out, &p.wrap(&p.dim(&line), indent, indent));
    }
}

/// Adds `line` to `out`, and a line break.
fn put(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

fn section(out: &mut String, p: &Paint, title: &str) {
    let _ = writeln!(out, "\n{}", p.heading(title));
}

fn question(out: &mut String, p: &Paint, q: &Question) {
    let when = condition(&q.when);
    put(
        out,
        &p.wrap(
            &format!("{} {}{when}", p.bold(&format!("[{}]", q.id)), q.ask),
            "  ",
            "    ",
        ),
    );
    for o in &q.options {
        let mut effects = moves(&o.effect);
        if o.effect.escalate.is_some() {
            effects.push("escalate".into());
        }
        let effects = if effects.is_empty() {
            String::new()
        } else {
            p.dim(&format!(" ({})", effects.join("; ")))
        };
        put(
            out,
            &p.wrap(
                &format!("{} = {}{effects}", o.value, o.label),
                "      ",
                "        ",
            ),
        );
    }
}

/// What an answer does to the causes: "raises a, b", "lowers c", "rules out d".
fn moves(e: &crate::guides::model::Effect) -> Vec<String> {
    [
        ("raises", &e.raises),
        ("lowers", &e.lowers),
        ("rules out", &e.rules_out),
    ]
    .into_iter()
    .filter(|(_, causes)| !causes.is_empty())
    .map(|(verb, causes)| format!("{verb} {}", causes.join(", ")))
    .collect()
}

fn condition(c: &crate::guides::model::Condition) -> String {
    c.describe()
        .map(|when| format!(" (only when {when})"))
        .unwrap_or_default()
}

/// A step's lines for a device (labelled per device when the device is unknown).
fn step_lines(out: &mut String, p: &Paint, step: &Step, device: Option<&str>, indent: &str) {
    for (dev, line) in step.lines_for(device) {
        let text = match dev {
            Some(dev) => format!("{}: {line}", device_label(dev)),
            None => line.to_owned(),
        };
        put(
            out,
            &p.wrap(&text, &format!("{indent}- "), &format!("{indent}  ")),
        );
    }
}

/// The whole guide, every field.
pub fn show(guide: &Guide, library: &Library, p: &Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {}",
        p.heading(&guide.title),
        p.dim(&format!("({})", guide.id))
    );
    if guide.origin == Origin::Company {
        put(
            &mut out,
            &p.warn(&format!("from the company guides: {}", guide.file)),
        );
    }
    put(&mut out, &p.wrap(&guide.summary, "", ""));
    if !guide.aliases.is_empty() {
        put(
            &mut out,
            &p.dim(&format!("Also called: {}", guide.aliases.join(", "))),
        );
    }
    section(&mut out, p, "How people describe it");
    for s in &guide.symptoms {
        put(&mut out, &p.wrap(s, "  - ", "    "));
    }
    show_causes(&mut out, p, guide);
    show_context(&mut out, p, guide);
    section(&mut out, p, "Questions");
    for q in library.context.iter().chain(&guide.questions) {
        question(&mut out, p, q);
    }
    show_steps(&mut out, p, guide);
    show_escalation(&mut out, p, guide);
    section(&mut out, p, "Prevention");
    for t in &guide.prevent {
        put(&mut out, &p.wrap(&t.tip, "  - ", "    "));
    }
    if !guide.related.is_empty() {
        section(&mut out, p, "Related guides");
        put(&mut out, &p.wrap(&guide.related.join(", "), "  ", "  "));
    }
    out
}

/// `show`'s causes, each with its share of the likelihood.
fn show_causes(out: &mut String, p: &Paint, guide: &Guide) {
    section(out, p, "Causes");
    let total: f64 = guide.causes.iter().map(|c| c.likelihood).sum();
    for c in &guide.causes {
        put(
            out,
            &p.wrap(
                &format!(
                    "{} {} ({}){}",
                    p.bold(&format!("[{}]", c.id)),
                    c.title,
                    percent(c.likelihood / total),
                    condition(&c.when)
                ),
                "  ",
                "    ",
            ),
        );
        put(out, &p.wrap(&c.explain, "    ", "    "));
        sources(out, p, &c.sources, "    ");
    }
}

/// `show`'s effects of the shared answers on the causes.
fn show_context(out: &mut String, p: &Paint, guide: &Guide) {
    if !guide.context.is_empty() {
        section(out, p, "How the shared answers move the causes");
        for (q, values) in &guide.context {
            for (v, e) in values {
                let mut parts = moves(e);
                if let Some(reason) = &e.escalate {
                    parts.push(format!("escalate: {reason}"));
                }
                put(
                    out,
                    &p.wrap(&format!("{q}={v}: {}", parts.join("; ")), "  ", "    "),
                );
            }
        }
    }
}

/// `show`'s steps, every field.
fn show_steps(out: &mut String, p: &Paint, guide: &Guide) {
    section(out, p, "Steps");
    for (i, s) in guide.steps.iter().enumerate() {
        let mut tags = vec![minutes(s.minutes)];
        if s.admin {
            tags.push(match &s.role {
                Some(role) => format!("needs {role}"),
                None => "admin".into(),
            });
        }
        if s.safeguard {
            tags.push("safeguard".into());
        }
        if s.origin == Origin::Company {
            tags.push("company".into());
        }
        put(
            out,
            &p.wrap(
                &format!(
                    "{}. {} {} {}{}",
                    i + 1,
                    p.bold(&s.title),
                    p.dim(&format!("[{}]", s.id)),
                    p.dim(&format!("· {}", tags.join(" · "))),
                    condition(&s.when)
                ),
                "  ",
                "     ",
            ),
        );
        if let Some(risk) = s.risk {
            put(out, &p.wrap(&p.warn(risk.warning()), "     ", "     "));
        }
        step_lines(out, p, s, None, "     ");
        let mut meta = vec![format!("fixes: {}", s.fixes.join(", "))];
        if !s.after.is_empty() {
            meta.push(format!("after: {}", s.after.join(", ")));
        }
        if let Some(see) = &s.see {
            meta.push(format!("see: fieldfix show {see}"));
        }
        put(out, &p.wrap(&p.dim(&meta.join(" · ")), "     ", "     "));
        sources(out, p, &s.sources, "     ");
    }
}

/// `show`'s escalation: the contact, the signs, what to have ready.
fn show_escalation(out: &mut String, p: &Paint, guide: &Guide) {
    section(out, p, "When to escalate");
    let origin = if guide.escalate.origin == Origin::Company {
        p.warn(" [company]")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  Contact: {}{origin} (about {})",
        guide.escalate.contact(),
        minutes(guide.escalate.minutes())
    );
    for s in &guide.escalate.signs {
        put(out, &p.wrap(&sign(&guide.escalate, s, p), "  - ", "    "));
    }
    let _ = writeln!(out, "  Have ready:");
    for item in &guide.escalate.provide {
        put(out, &p.wrap(&item.label, "  - ", "    "));
    }
}

/// A diagnosis: answers, likely causes, next steps, questions, escalation.
pub fn diagnosis(d: &Diagnosis, p: &Paint) -> String {
    let mut out = String::new();
    let (guide, plan, situation) = (d.guide, d.plan, d.situation);
    let _ = writeln!(
        out,
        "{}  {}",
        p.heading(&guide.title),
        p.dim(&format!("({})", guide.id))
    );
    diagnosis_situation(&mut out, p, situation);

    section(&mut out, p, "Most likely causes");
    for c in plan.causes.iter().filter(|c| c.probability > 0.0).take(5) {
        put(
            &mut out,
            &p.wrap(
                &format!("{:>4}  {}", percent(c.probability), c.title),
                "  ",
                "        ",
            ),
        );
    }

    let device = situation.answer(crate::guides::model::DEVICE);
    diagnosis_steps(&mut out, p, guide, plan, device);

    diagnosis_questions(&mut out, p, plan);

    diagnosis_escalation(&mut out, p, guide, plan);
    out
}

/// The diagnosis's answers so far and the steps tried.
fn diagnosis_situation(out: &mut String, p: &Paint, situation: &Situation) {
    let answers = situation.answers.iter().map(|(q, v)| format!("{q}={v}"));
    let lists = [
        ("Answers", answers.collect::<Vec<_>>()),
        ("Tried without success", situation.tried.clone()),
    ];
    for (label, items) in lists.iter().filter(|(_, items)| !items.is_empty()) {
        let line = format!("{label}: {}", items.join(", "));
        put(out, &p.wrap(&p.dim(&line), "", "  "));
    }
}

/// The diagnosis's next steps, in order, with where escalating becomes quicker.
fn diagnosis_steps(out: &mut String, p: &Paint, guide: &Guide, plan: &Plan, device: Option<&str>) {
    section(out, p, "Next steps, in this order");
    if plan.steps.is_empty() {
        let _ = writeln!(out, "  No steps left to try.");
    }
    for (i, s) in plan.steps.iter().enumerate() {
        if i == plan.escalation.steps_worth_trying && !plan.escalation.recommended {
            let _ = writeln!(
                out,
                "  {}",
                p.warn(&format!(
                    "-- escalating to {} is quicker from here --",
                    plan.escalation.contact
                ))
            );
        }
        let admin = match (&s.role, s.admin) {
            (Some(role), _) => format!(" · needs {role}"),
            (None, true) => " · needs an admin".to_owned(),
            (None, false) => String::new(),
        };
        put(
            out,
            &p.wrap(
                &format!(
                    "{}. {} {}",
                    i + 1,
                    p.bold(&s.title),
                    p.dim(&format!(
                        "[{}] · {} · {} chance{admin}",
                        s.id,
                        minutes(s.minutes),
                        percent(s.probability)
                    ))
                ),
                "  ",
                "     ",
            ),
        );
        if let Some(step) = guide.step(&s.id) {
            step_lines(out, p, step, device, "     ");
            let why: Vec<&str> = s
                .checks
                .iter()
                .filter_map(|c| guide.cause(c))
                .map(|c| c.title.as_str())
                .collect();
            let why = if why.is_empty() {
                // A safeguard planned for its safety alone: every cause it fixes is ruled out.
                "Why: it keeps work not yet uploaded safe before a step that could lose it"
                    .to_owned()
            } else {
                format!("Why: it deals with \"{}\"", why.join("\", \""))
            };
            put(out, &p.wrap(&p.dim(&why), "     ", "     "));
            if let Some(first) = &s.why_first {
                put(out, &p.wrap(&p.dim(first), "     ", "     "));
            }
            if let Some(see) = &step.see {
                put(out, &p.dim(&format!("     See also: fieldfix show {see}")));
            }
        }
    }
}

/// The questions that would narrow the diagnosis down, with the flags that answer them.
fn diagnosis_questions(out: &mut String, p: &Paint, plan: &Plan) {
    if !plan.questions.is_empty() {
        section(out, p, "Questions that would narrow it down");
        for q in &plan.questions {
            let flag = if q.shared {
                format!("--{} {}", q.id, q.values.join("|"))
            } else {
                format!("-a {}={}", q.id, q.values.join("|"))
            };
            put(
                out,
                &p.wrap(&format!("{}  {}", q.ask, p.dim(&flag)), "  - ", "    "),
            );
        }
    }
}

/// The diagnosis's escalation: now or not yet, the signs, what to have ready.
fn diagnosis_escalation(out: &mut String, p: &Paint, guide: &Guide, plan: &Plan) {
    section(out, p, "Escalation");
    let esc = &guide.escalate;
    if plan.escalation.recommended {
        let _ = writeln!(
            out,
            "  {}",
            p.warn(&format!("Escalate now to {}.", plan.escalation.contact))
        );
        for r in &plan.escalation.reasons {
            put(out, &p.wrap(r, "  - ", "    "));
        }
    } else {
        put(
            out,
            &p.wrap(
                &format!(
                    "Not yet: try {} above, then go to {} (about {}).",
                    match plan.escalation.steps_worth_trying {
                        1 => "the first step".to_owned(),
                        n => format!("the first {n} steps"),
                    },
                    plan.escalation.contact,
                    minutes(plan.escalation.minutes)
                ),
                "  ",
                "  ",
            ),
        );
    }
    if !esc.signs.is_empty() {
        let _ = writeln!(out, "  Escalate when:");
        for s in &esc.signs {
            put(out, &p.wrap(&sign(esc, s, p), "  - ", "    "));
        }
    }
    let items: Vec<&str> = esc.provide.iter().map(|i| i.label.as_str()).collect();
    put(
        out,
        &p.wrap(&format!("Have ready: {}", items.join("; ")), "  ", "    "),
    );
}

//! The support ticket rendered: Markdown for a person, JSON for a program. What goes in it is
//! built in the wizard's ticket module; every value is written through [`crate::safe`] so no
//! control character reaches the file.

use std::fmt::Write;

use serde::Serialize;

use super::SCHEMA_VERSION;
use super::markdown::escape;

/// One answer given, with the question and the label the user saw.
#[derive(Debug, Clone, Serialize)]
pub struct TicketAnswer {
    pub question: String,
    pub id: String,
    pub value: String,
    pub label: String,
}

/// One step tried (or set aside), with its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct TicketStep {
    pub guide: String,
    pub step: String,
    pub title: String,
    pub outcome: String,
    pub at: String,
}

/// One fact for support.
#[derive(Debug, Clone, Serialize)]
pub struct TicketFact {
    pub id: String,
    pub label: String,
    /// `None` when the user skipped it.
    pub value: Option<String>,
}

/// Everything in a ticket.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ticket {
    pub schema_version: u32,
    pub guide: String,
    pub problem: String,
    pub contact: String,
    /// The problem in the user's own words (empty when they picked it from the list).
    pub described: String,
    pub answers: Vec<TicketAnswer>,
    pub likely_causes: Vec<String>,
    pub steps: Vec<TicketStep>,
    pub reasons: Vec<String>,
    /// What to ask the admin for: the steps the user could not do themselves.
    pub ask_for: Vec<String>,
    /// What "Check the files now" found, as shown.
    pub files_checked: Vec<String>,
    pub facts: Vec<TicketFact>,
    pub fieldfix_version: String,
    pub created: String,
    pub os: String,
}

impl Ticket {
    pub fn new(guide: &str, problem: &str, contact: &str, created: String) -> Self {
        Ticket {
            schema_version: SCHEMA_VERSION,
            guide: guide.to_owned(),
            problem: problem.to_owned(),
            contact: contact.to_owned(),
            fieldfix_version: env!("CARGO_PKG_VERSION").to_owned(),
            created,
            os: format!("{} ({})", std::env::consts::OS, std::env::consts::ARCH),
            ..Ticket::default()
        }
    }
}

/// The ticket as JSON: every control character a `\uXXXX` escape.
pub fn json(ticket: &Ticket) -> String {
    let mut out = Vec::new();
    let _ = crate::safe::write_json(&mut out, ticket);
    let mut s = String::from_utf8(out).unwrap_or_default();
    s.push('\n');
    s
}

/// A value in Markdown: control characters shown as escapes, Markdown markup escaped.
fn md(s: &str) -> String {
    escape(&crate::safe::line(s))
}

/// The recipient as written: an email address in angle brackets stays as it reads, an
/// autolink (which no markup can come out of); the rest is escaped as usual.
fn recipient(contact: &str) -> String {
    let parsed = contact.strip_suffix('>').and_then(|rest| {
        let (name, email) = rest.rsplit_once('<')?;
        let (user, domain) = email.split_once('@')?;
        let ok = |part: &str, extra: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
        };
        let labels = domain
            .split('.')
            .all(|l| ok(l, "-") && !l.starts_with('-') && !l.ends_with('-'));
        (ok(user, ".+-_") && labels && domain.contains('.')).then_some((name, email))
    });
    match parsed {
        // `md` trims the name: the space before the address is put back here.
        Some((name, email)) if md(name).is_empty() => format!("<{email}>"),
        Some((name, email)) => format!("{} <{email}>", md(name)),
        None => md(contact),
    }
}

pub fn markdown(t: &Ticket) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Support ticket: {}\n", md(&t.problem));
    let _ = writeln!(out, "- For: {}", recipient(&t.contact));
    let _ = writeln!(out, "- Created: {}", t.created);
    let _ = writeln!(out, "- Guide: `{}`", t.guide);
    let _ = writeln!(out, "- fieldfix {} on {}\n", t.fieldfix_version, t.os);
    if !t.described.is_empty() {
        let _ = writeln!(out, "## In their words\n\n> {}\n", md(&t.described));
    }
    let _ = writeln!(out, "## Details for support\n");
    for f in &t.facts {
        let value = f.value.as_deref().map_or("(not given)".to_owned(), md);
        let _ = writeln!(out, "- **{}:** {value}", md(&f.label));
    }
    let _ = writeln!(out, "\n## Why it is escalated\n");
    for r in &t.reasons {
        // The recipient is named in some reasons: written as on the "For:" line.
        // `md` trims: the spaces around the name are kept here.
        let part = |p: &str| {
            let inner = p.trim_matches(' ');
            let lead = " ".repeat(p.len() - p.trim_start_matches(' ').len());
            let trail = " ".repeat(p.len() - p.trim_end_matches(' ').len());
            format!(
                "{lead}{}{}",
                md(inner),
                if inner.is_empty() { "" } else { &trail }
            )
        };
        let parts: Vec<String> = r.split(t.contact.as_str()).map(part).collect();
        let r = match t.contact.is_empty() {
            true => md(r),
            false => parts.join(&recipient(&t.contact)),
        };
        let _ = writeln!(out, "- {r}");
    }
    if !t.ask_for.is_empty() {
        let _ = writeln!(out, "\n## Needs an admin\n");
        for a in &t.ask_for {
            let _ = writeln!(out, "- {}", md(a));
        }
    }
    let _ = writeln!(out, "\n## Answers\n");
    if t.answers.is_empty() {
        let _ = writeln!(out, "- (none)");
    }
    for a in &t.answers {
        let _ = writeln!(out, "- {} **{}**", md(&a.question), md(&a.label));
    }
    let _ = writeln!(out, "\n## Steps tried\n");
    if t.steps.is_empty() {
        let _ = writeln!(out, "- (none)");
    }
    for (i, s) in t.steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} (`{}`): **{}** at {}",
            i + 1,
            md(&s.title),
            s.step,
            s.outcome,
            s.at
        );
    }
    for report in &t.files_checked {
        let _ = writeln!(
            out,
            "\n## Files checked\n\n{}",
            super::markdown::code_block("text", report)
        );
    }
    // A problem no guide covers has no causes to estimate: no empty heading.
    if !t.likely_causes.is_empty() {
        let _ = writeln!(out, "\n## Most likely causes (fieldfix's estimate)\n");
    }
    for c in &t.likely_causes {
        let _ = writeln!(out, "- {}", md(c));
    }
    out
}

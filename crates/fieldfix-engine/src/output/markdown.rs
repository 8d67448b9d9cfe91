//! Markdown rendering: for wikis, chat, and support tickets.

use std::fmt::Write;

use super::{Diagnosis, device_label, minutes, percent};
use crate::guides::model::{Condition, Guide, Library, Step};

/// `s` as Markdown text that renders as `s` itself: no character of it becomes markup (an HTML
/// element, a link, emphasis, a list, a heading). The one Markdown escape of fieldfix: pages,
/// diagnoses and tickets all use it for every value they did not write themselves.
///
/// Escapes stay out of sight where they can: `<`, `>` and an `&` that would start an entity
/// are entities (`Dana Ruiz <dana@x.com>` reads `Dana Ruiz &lt;dana@x.com&gt;`, never an
/// autolink or a tag); a backslash goes only before the characters that are markup wherever
/// they stand (`*`, `` ` ``, `[`, `]`, `|`, `~`, a `_` not inside a word, a backslash that
/// would escape what follows) and before a first character that would start a block (`#`,
/// `-`, `+`, `=`, the `.` of `1.`). Control characters are shown as [`crate::safe::text`]
/// shows them; every line is one line of the same paragraph (indents and blank lines, which
/// would make code blocks or end the list item, are dropped).
pub fn escape(s: &str) -> String {
    let s = crate::safe::text(s);
    let mut out = String::with_capacity(s.len() + 8);
    let lines = s.split('\n').map(str::trim).filter(|l| !l.is_empty());
    for (i, line) in lines.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        escape_line(&mut out, line);
    }
    out
}

/// One line of [`escape`]: the first character as a block could start, the rest inline.
fn escape_line(out: &mut String, line: &str) {
    let chars: Vec<char> = line.chars().collect();
    // `1.` or `12)` at the start of a line begins a numbered list: escape its mark.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let list_mark = (1..=9).contains(&digits) && matches!(chars.get(digits), Some('.' | ')'));
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if starts_entity(&chars[i + 1..]) => out.push_str("&amp;"),
            '\\' if after.is_none_or(|a| a.is_ascii_punctuation()) => out.push_str("\\\\"),
            '*' | '`' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(before.is_some_and(char::is_alphanumeric)
                && after.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            '#' | '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if list_mark && i == digits => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// Whether the text after an `&` would make it an entity or a numeric reference (`&amp;`,
/// `&#60;`): letters, digits or `#`, then `;`.
fn starts_entity(rest: &[char]) -> bool {
    let name = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    name > 0 && rest.get(name) == Some(&';')
}

/// `s` as an inline code span, shown exactly as it is (an id, an answer's value): fenced with
/// more backticks than any run inside it, so no value can close it early.
pub fn code(s: &str) -> String {
    let s = crate::safe::line(s);
    let fence = "`".repeat(longest_backticks(&s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// `text` as a fenced code block (shown exactly, as `info`): fenced with more backticks than
/// any run inside it, so no line of it can close the block early and turn the rest into markup.
pub fn code_block(info: &str, text: &str) -> String {
    let text = crate::safe::text(text);
    let fence = "`".repeat(longest_backticks(&text).max(2) + 1);
    format!("{fence}{info}\n{}\n{fence}", text.trim_end())
}

/// The longest run of backticks in `s`.
fn longest_backticks(s: &str) -> usize {
    s.split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default()
}

/// An address as a link destination that takes the reader to exactly that address: written
/// in `<...>`, with every character that could end it or be read as an escape or an entity
/// (`<`, `>`, `\`, `&`, spaces, controls, non-ASCII) percent-encoded or entity-encoded.
pub fn link_target(url: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SET: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'"')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'|')
        .add(b'^');
    let encoded = utf8_percent_encode(url, SET).to_string();
    format!("<{}>", encoded.replace('&', "&amp;"))
}

fn condition(c: &Condition) -> String {
    c.describe()
        .map(|when| format!(" *(only when {})*", escape(&when)))
        .unwrap_or_default()
}

fn step_lines(out: &mut String, step: &Step, device: Option<&str>) {
    for (dev, line) in step.lines_for(device) {
        match dev {
            Some(dev) => writeln!(out, "   - **{}:** {}", device_label(dev), escape(line)),
            None => writeln!(out, "   - {}", escape(line)),
        }
        .ok();
    }
}

/// How a page names another guide: in words (`show`), or as a link to that guide's page in a
/// folder of pages (`export`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Plain,
    Pages,
}

impl Links {
    /// Another guide, by title and id.
    fn guide(self, library: &Library, id: &str) -> String {
        let title = escape(library.guide(id).map(|g| g.title.as_str()).unwrap_or(id));
        match self {
            Links::Plain => format!("{title} ({})", code(id)),
            Links::Pages => format!("[{title}]({}) ({})", page_file(id), code(id)),
        }
    }
}

/// The file of a guide's page in an exported folder.
pub fn page_file(id: &str) -> String {
    format!("{id}.md")
}

/// The index page of an exported folder: every guide, linked, with its summary.
pub fn index(library: &Library) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Procore troubleshooting guides

{} guides. Run `fieldfix fix ID` to be walked through one, step by step.
",
        library.guides.len()
    );
    let mut guides: Vec<&Guide> = library.guides.iter().collect();
    guides.sort_by_key(|g| g.title.to_lowercase());
    for g in guides {
        let _ = writeln!(
            out,
            "- [{}]({}): {}",
            escape(&g.title),
            page_file(&g.id),
            escape(&g.summary)
        );
    }
    out
}

pub fn show(guide: &Guide, library: &Library) -> String {
    page(guide, library, Links::Plain)
}

/// A whole guide, naming other guides as `links` says.
pub fn page(guide: &Guide, library: &Library, links: Links) -> String {
    let mut out = String::new();
    page_head(&mut out, guide);
    page_causes(&mut out, guide);
    page_questions(&mut out, guide, library);
    page_steps(&mut out, guide, library, links);
    page_escalation(&mut out, guide);
    let _ = writeln!(out, "\n## Prevention\n");
    for t in &guide.prevent {
        let _ = writeln!(out, "- {}", escape(&t.tip));
    }
    if !guide.related.is_empty() {
        let _ = writeln!(out, "\n## Related guides\n");
        for r in &guide.related {
            let _ = writeln!(out, "- {}", links.guide(library, r));
        }
    }
    out
}

/// The title, summary, id, aliases and the symptoms.
fn page_head(out: &mut String, guide: &Guide) {
    let _ = writeln!(
        out,
        "# {}\n\n{}\n",
        escape(&guide.title),
        escape(&guide.summary)
    );
    let _ = writeln!(out, "Guide id: {}", code(&guide.id));
    if !guide.aliases.is_empty() {
        let _ = writeln!(out, " · also called: {}", escape(&guide.aliases.join(", ")));
    }
    let _ = writeln!(out, "\n## How people describe it\n");
    for s in &guide.symptoms {
        let _ = writeln!(out, "- {}", escape(s));
    }
}

/// Every cause with its prior share, condition, explanation and sources.
fn page_causes(out: &mut String, guide: &Guide) {
    let _ = writeln!(out, "\n## Causes\n");
    let total: f64 = guide.causes.iter().map(|c| c.likelihood).sum();
    for c in &guide.causes {
        let _ = writeln!(
            out,
            "- **{}** ({}){} — {}",
            escape(&c.title),
            percent(c.likelihood / total),
            condition(&c.when),
            escape(&c.explain)
        );
        sources(out, &c.sources, "  ");
    }
}

/// The shared questions, then the guide's own, each with its options.
fn page_questions(out: &mut String, guide: &Guide, library: &Library) {
    let _ = writeln!(out, "\n## Questions\n");
    for q in library.context.iter().chain(&guide.questions) {
        let _ = writeln!(out, "- **{}**{}", escape(&q.ask), condition(&q.when));
        for o in &q.options {
            let _ = writeln!(out, "  - {}: {}", code(&o.value), escape(&o.label));
        }
    }
}

/// The numbered steps: who may do each, its time, risk, instructions, links and sources.
fn page_steps(out: &mut String, guide: &Guide, library: &Library, links: Links) {
    let _ = writeln!(out, "\n## Steps\n");
    for (i, s) in guide.steps.iter().enumerate() {
        let admin = match (&s.role, s.admin) {
            (Some(role), _) => format!(" · needs {}", escape(role)),
            (None, true) => " · admin".to_owned(),
            (None, false) => String::new(),
        };
        let _ = writeln!(
            out,
            "{}. **{}** ({}{admin}){}",
            i + 1,
            escape(&s.title),
            minutes(s.minutes),
            condition(&s.when)
        );
        if let Some(risk) = s.risk {
            let _ = writeln!(out, "   - **{}**", escape(risk.warning()));
        }
        step_lines(out, s, None);
        if let Some(see) = &s.see {
            let _ = writeln!(out, "   - See also: {}", links.guide(library, see));
        }
        sources(out, &s.sources, "   ");
    }
}

/// Whom to contact, the signs that call for it (and where each goes), what to have ready.
fn page_escalation(out: &mut String, guide: &Guide) {
    let _ = writeln!(
        out,
        "\n## When to escalate\n\nContact: {} (about {}).\n",
        escape(guide.escalate.contact()),
        minutes(guide.escalate.minutes())
    );
    for s in &guide.escalate.signs {
        let to = if s.to == guide.escalate.to {
            String::new()
        } else {
            format!(" (go to {})", escape(&guide.escalate.target(s.to).contact))
        };
        let _ = writeln!(out, "- {}{to}", escape(&s.sign));
    }
    let _ = writeln!(out, "\nHave ready:\n");
    for p in &guide.escalate.provide {
        let _ = writeln!(out, "- {}", escape(&p.label));
    }
}

pub fn diagnosis(d: &Diagnosis) -> String {
    let (guide, plan, situation) = (d.guide, d.plan, d.situation);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&guide.title));
    if !situation.answers.is_empty() {
        let _ = writeln!(out, "## Answers\n");
        for (q, v) in &situation.answers {
            let _ = writeln!(out, "- {}: {}", code(q), code(v));
        }
        let _ = writeln!(out);
    }
    if !situation.tried.is_empty() {
        let _ = writeln!(
            out,
            "Tried without success: {}\n",
            situation
                .tried
                .iter()
                .map(|s| code(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(out, "## Most likely causes\n");
    for c in plan.causes.iter().filter(|c| c.probability > 0.0).take(5) {
        let _ = writeln!(out, "- {} — {}", percent(c.probability), escape(&c.title));
    }
    let _ = writeln!(out, "\n## Next steps\n");
    let device = situation.answer(crate::guides::model::DEVICE);
    for (i, s) in plan.steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. **{}** ({}, {}, {} chance)",
            i + 1,
            escape(&s.title),
            code(&s.id),
            minutes(s.minutes),
            percent(s.probability)
        );
        if let Some(step) = guide.step(&s.id) {
            step_lines(&mut out, step, device);
        }
    }
    if !plan.questions.is_empty() {
        let _ = writeln!(out, "\n## Questions that would narrow it down\n");
        for q in &plan.questions {
            let _ = writeln!(
                out,
                "- {} ({}: {})",
                escape(&q.ask),
                code(&q.id),
                q.values
                    .iter()
                    .map(|v| code(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    escalation(&mut out, d);
    out
}

/// The diagnosis's escalation: whether to escalate now, and what to have ready.
fn escalation(out: &mut String, d: &Diagnosis) {
    let escalation = &d.plan.escalation;
    let _ = writeln!(out, "\n## Escalation\n");
    if escalation.recommended {
        let _ = writeln!(
            out,
            "**Escalate now** to {}.\n",
            escape(&escalation.contact)
        );
        for r in &escalation.reasons {
            let _ = writeln!(out, "- {}", escape(r));
        }
    } else {
        let _ = writeln!(
            out,
            "Try the first {} step(s), then go to {}.",
            escalation.steps_worth_trying,
            escape(&escalation.contact)
        );
    }
    let _ = writeln!(out, "\nHave ready:\n");
    for p in &d.guide.escalate.provide {
        let _ = writeln!(out, "- {}", escape(&p.label));
    }
}

/// "Source: [Procore support — Unlock a user account](https://...)" as a list item.
fn sources(out: &mut String, sources: &[String], indent: &str) {
    if sources.is_empty() {
        return;
    }
    let items: Vec<String> = sources
        .iter()
        .map(|s| match super::source_label(s) {
            (name, Some(url)) => format!("[{}]({})", escape(&name), link_target(url)),
            (name, None) => escape(&name),
        })
        .collect();
    let label = if items.len() == 1 {
        "Source"
    } else {
        "Sources"
    };
    let _ = writeln!(out, "{indent}- {label}: {}", items.join("; "));
}

//! The escalation screen and the support ticket: collect what support needs, then write the
//! ticket atomically, never over an existing file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::prompt::Prompter;
use super::session::{Phase, Session};
use super::{Ending, FixRequest, automatic};
use crate::commands::Format;
use crate::engine;
use crate::error::Error;
use crate::guides::Library;
use crate::guides::model::{Guide, ProvideKind};
use crate::output::percent;
use crate::output::ticket::{self, Ticket, TicketAnswer, TicketFact, TicketStep};

/// Where the ticket goes and in what format.
#[derive(Debug, Clone)]
pub struct TicketPlan {
    /// The exact file, when the user chose one.
    pub path: Option<PathBuf>,
    /// The folder for a generated name.
    pub dir: PathBuf,
    pub format: Format,
}

impl TicketPlan {
    /// Checks `--ticket` up front, so nobody answers ten questions to learn the path is taken.
    pub fn new(request: &FixRequest) -> Result<Self, Error> {
        if let Some(path) = &request.ticket
            && path.exists()
        {
            return Err(Error::Usage(format!(
                "--ticket {}: the file already exists and fieldfix never overwrites; choose a new name",
                path.display()
            )));
        }
        if let Some(parent) = request
            .ticket
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty() && !p.is_dir())
        {
            return Err(Error::Usage(format!(
                "--ticket: the folder {} does not exist; create it or choose another path",
                parent.display()
            )));
        }
        let dir = std::env::current_dir().map_err(|e| {
            Error::Usage(format!("cannot use the current folder for the ticket: {e}"))
        })?;
        Ok(TicketPlan {
            path: request.ticket.clone(),
            dir,
            format: request.ticket_format.unwrap_or(Format::Markdown),
        })
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+-]+@[\w-]+(\.[\w-]+)+").expect("valid regex"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\(?\d[\d\s().-]{6,}\d").expect("valid regex"));

/// Removes email addresses and phone numbers from text where they were not asked for.
pub fn redact(text: &str, kind: ProvideKind) -> String {
    let mut out = text.to_owned();
    if kind != ProvideKind::Email {
        out = EMAIL.replace_all(&out, "[email removed]").into_owned();
    }
    if kind != ProvideKind::Phone {
        out = PHONE
            .replace_all(&out, "[phone number removed]")
            .into_owned();
    }
    out
}

/// The escalation screen: why, the signs, then each fact support needs; then the ticket.
pub fn escalate(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    tickets: &TicketPlan,
    p: &mut dyn Prompter,
    store: &super::session::Store,
) -> anyhow::Result<Ending> {
    let paint = p.paint().clone();
    let plan = engine::diagnose(&library.context, guide, &session.situation);
    let mut reasons = plan.escalation.reasons.clone();
    if reasons.is_empty() {
        reasons.push("You chose to hand it over before the steps ran out.".to_owned());
    }
    if session.provided.is_empty() {
        p.say(&paint.heading(&format!(
            "\nTime to hand this to {}",
            plan.escalation.contact
        )))?;
        for r in &reasons {
            p.say(&paint.wrap(r, "  - ", "    "))?;
        }
        if !guide.escalate.signs.is_empty() {
            p.say(&paint.bold("Signs that it needs them:"))?;
            for s in &guide.escalate.signs {
                p.say(&paint.wrap(
                    &crate::output::text::sign(&guide.escalate, s, &paint),
                    "  - ",
                    "    ",
                ))?;
            }
        }
        p.say(
            &paint.dim(
                "A few details for the ticket (press Enter to skip any; Esc saves and stops):",
            ),
        )?;
    }
    for item in &guide.escalate.provide {
        if session.provided.contains_key(&item.id) {
            continue;
        }
        let value = match automatic(item.kind, session) {
            Some(value) => {
                p.say(&paint.dim(&format!("  {}: {value} (filled in)", item.label)))?;
                value
            }
            None => match p.input(&item.label)? {
                Some(value) => redact(value.trim(), item.kind),
                None => {
                    p.say(&format!(
                        "\nSaved. Run {} to finish the ticket.",
                        paint.bold("fieldfix fix --resume")
                    ))?;
                    return Ok(Ending::Saved);
                }
            },
        };
        session.provided.insert(item.id.clone(), value);
        store.save(session)?;
    }

    let ticket = build(library, guide, session, &plan, reasons);
    let path = write(&ticket, tickets)?;
    session.phase = Phase::Escalate;
    p.say(&paint.good(&format!("\nTicket written: {}", path.display())))?;
    p.say(&format!("Send it to {}.", plan.escalation.contact))?;
    Ok(Ending::Ticket(path))
}

fn build(
    library: &Library,
    guide: &Guide,
    session: &Session,
    plan: &engine::Plan,
    reasons: Vec<String>,
) -> Ticket {
    let mut t = Ticket::new(
        &guide.id,
        &guide.title,
        &plan.escalation.contact,
        super::session::now(),
    );
    // In the order they were asked: shared questions first, then the guide's own.
    for q in library.context.iter().chain(&guide.questions) {
        if let Some(value) = session.situation.answer(&q.id) {
            t.answers.push(TicketAnswer {
                question: q.ask.clone(),
                id: q.id.clone(),
                value: value.to_owned(),
                label: q
                    .choice(value)
                    .map_or_else(|| value.to_owned(), |c| c.label.clone()),
            });
        } else if session.situation.unknown.contains(&q.id) {
            t.answers.push(TicketAnswer {
                question: q.ask.clone(),
                id: q.id.clone(),
                value: engine::UNKNOWN.to_owned(),
                label: "I don't know".to_owned(),
            });
        }
    }
    t.steps = session
        .log
        .iter()
        .map(|o| TicketStep {
            guide: o.guide.clone(),
            step: o.step.clone(),
            title: o.title.clone(),
            outcome: o.result.label().to_owned(),
            at: o.at.clone(),
        })
        .collect();
    t.likely_causes = plan
        .causes
        .iter()
        .filter(|c| c.probability > 0.0)
        .take(3)
        .map(|c| format!("{} ({})", c.title, percent(c.probability)))
        .collect();
    t.reasons = reasons;
    t.facts = guide
        .escalate
        .provide
        .iter()
        .map(|item| TicketFact {
            id: item.id.clone(),
            label: item.label.clone(),
            value: session
                .provided
                .get(&item.id)
                .filter(|v| !v.is_empty())
                .cloned(),
        })
        .collect();
    t
}

/// Writes the ticket through a temporary file and a rename that never replaces a file.
fn write(ticket: &Ticket, plan: &TicketPlan) -> anyhow::Result<PathBuf> {
    let (text, ext) = match plan.format {
        Format::Json => (ticket::json(ticket), "json"),
        _ => (ticket::markdown(ticket), "md"),
    };
    let candidates: Vec<PathBuf> = match &plan.path {
        Some(path) => vec![path.clone()],
        None => {
            let stamp = jiff::ZonedDateTime::now()
                .strftime("%Y%m%d-%H%M%S")
                .to_string();
            let base = format!("fieldfix-ticket-{}-{stamp}", ticket.guide);
            (1..=99)
                .map(|n| {
                    let name = if n == 1 {
                        format!("{base}.{ext}")
                    } else {
                        format!("{base}-{n}.{ext}")
                    };
                    plan.dir.join(name)
                })
                .collect()
        }
    };
    let dir = candidates[0]
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for path in &candidates {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| anyhow::anyhow!("cannot write the ticket in {}: {e}", dir.display()))?;
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        match tmp.persist_noclobber(path) {
            Ok(_) => return Ok(path.clone()),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => anyhow::bail!("cannot write the ticket {}: {}", path.display(), e.error),
        }
    }
    anyhow::bail!(
        "cannot find a free file name for the ticket in {}",
        dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_are_kept_only_where_asked_for() {
        let typed = "call me on +1 (555) 123-4567 or jo@example.com";
        assert_eq!(
            redact(typed, ProvideKind::Text),
            "call me on [phone number removed] or [email removed]"
        );
        assert_eq!(
            redact("jo@example.com", ProvideKind::Email),
            "jo@example.com"
        );
        assert_eq!(redact("555 123 4567", ProvideKind::Phone), "555 123 4567");
        assert_eq!(
            redact("40 photos, ring 555 123 4567", ProvideKind::Number),
            "40 photos, ring [phone number removed]"
        );
        assert_eq!(
            redact("Submittal 12, rev 3", ProvideKind::Text),
            "Submittal 12, rev 3"
        );
    }
}

//! The escalation screen and the support ticket: collect what support needs, then write the
//! ticket atomically, never over an existing file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::prompt::Prompter;
use super::session::StepResult;
use super::session::{Phase, Session};
use super::unlisted::UNLISTED;
use super::{Ending, FixRequest};
use crate::engine;
use crate::error::Error;
use crate::guides::Library;
use crate::guides::model::{Guide, ProvideKind};
use crate::output::Format;
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
        let dir = std::env::current_dir().map_err(|e| {
            Error::Usage(format!("cannot use the current folder for the ticket: {e}"))
        })?;
        match &request.ticket {
            Some(path) => check_path(path)?,
            None => check_folder(&dir, "the current folder")?,
        }
        Ok(TicketPlan {
            path: request.ticket.clone(),
            dir,
            format: request.ticket_format.unwrap_or(Format::Markdown),
        })
    }

    /// The plan for a resumed session: the ticket path and format the first run was given,
    /// unless given again now.
    pub fn resumed(&self, request: &FixRequest, session: &Session) -> Result<Self, Error> {
        let mut plan = self.clone();
        if request.ticket.is_none()
            && let Some(path) = &session.ticket
        {
            check_path(path)?;
            plan.path = Some(path.clone());
        }
        if request.ticket_format.is_none() {
            match session.ticket_format.as_deref() {
                Some("json") => plan.format = Format::Json,
                Some("markdown") => plan.format = Format::Markdown,
                _ => {}
            }
        }
        Ok(plan)
    }

    /// Keeps the path and format in the session, for `--resume`.
    pub fn remember(&self, session: &mut Session) {
        session.ticket = self.path.clone();
        session.ticket_format = Some(
            match self.format {
                Format::Json => "json",
                _ => "markdown",
            }
            .to_owned(),
        );
    }
}

/// A ticket file that can be written: not there yet, in a folder that exists and takes files.
fn check_path(path: &Path) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::Usage(format!(
            "--ticket {}: the file already exists and fieldfix never overwrites; choose a new name",
            path.display()
        )));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    match parent {
        Some(parent) if !parent.is_dir() => Err(Error::Usage(format!(
            "--ticket: the folder {} does not exist; create it or choose another path",
            parent.display()
        ))),
        Some(parent) => check_folder(parent, &parent.display().to_string()),
        None => check_folder(Path::new("."), "the current folder"),
    }
}

/// A folder fieldfix can write a ticket in (tried with a temporary file, removed at once).
fn check_folder(dir: &Path, name: &str) -> Result<(), Error> {
    tempfile::NamedTempFile::new_in(dir).map(drop).map_err(|e| {
        Error::Usage(format!(
            "cannot write the ticket in {name}: {e}; use --ticket PATH in a folder you can write to"
        ))
    })
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+-]+@[\w-]+(\.[\w-]+)+").expect("valid regex"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\(?\d[\d\s().-]{6,}\d").expect("valid regex"));

/// Removes what is personal and was not asked for: email addresses from any answer but an
/// email, phone numbers from free text only. A number, time or device answer keeps its digits
/// (a project number such as `23-0145-01` is not a phone number).
pub fn redact(text: &str, kind: ProvideKind) -> String {
    let mut out = text.to_owned();
    if kind != ProvideKind::Email {
        out = EMAIL.replace_all(&out, "[email removed]").into_owned();
    }
    // A phone number is kept only where one was asked for; a number asked for is never one.
    if !matches!(kind, ProvideKind::Phone | ProvideKind::Number) {
        out = PHONE
            .replace_all(&out, |found: &regex::Captures| {
                if looks_like_phone(&found[0]) {
                    "[phone number removed]".to_owned()
                } else {
                    found[0].to_owned()
                }
            })
            .into_owned();
    }
    out
}

/// Whether digits that may be a phone number are one: 7 to 15 digits, ending in a group of at
/// least three (`555 123 4567`, `+44 20 7946 0958`), unlike `23-0145-01`.
fn looks_like_phone(found: &str) -> bool {
    let digits = found.chars().filter(char::is_ascii_digit).count();
    let last_group = found
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .map_or(0, str::len);
    (7..=15).contains(&digits) && last_group >= 3
}

/// Who the ticket is for: the hand-over target the plan names (the company's Procore admin,
/// company IT or Procore support), with the company's contact for it.
pub fn contact(plan: &engine::Plan) -> &str {
    &plan.escalation.contact
}

/// Why it is handed over, as requests a person can act on: the guide's own words for answers
/// that call for it, the steps that need an admin, and, instead of the engine's arithmetic,
/// that the contact is now the quicker way.
pub fn reasons(guide: &Guide, session: &Session, plan: &engine::Plan) -> Vec<String> {
    let mut reasons = plan.escalation.reasons.clone();
    // The engine's last reason is its time arithmetic exactly when steps are left but none is
    // worth its time any more.
    let arithmetic = !plan.steps.is_empty()
        && plan.escalation.steps_worth_trying == 0
        && plan.causes.iter().any(|c| c.probability > 0.0);
    if arithmetic {
        reasons.pop();
        reasons.push(format!(
            "The steps left are unlikely to fix it; {} can sort it out sooner.",
            contact(plan)
        ));
    }
    let steps = session.log.iter().filter(|o| o.guide == guide.id);
    for (i, o) in steps.enumerate() {
        if o.result == StepResult::NeedsAdmin {
            reasons.push(format!("Step {} needs an admin: {}.", i + 1, o.title));
        }
    }
    reasons
}

const WHEN: [&str; 4] = [
    "Just now",
    "Earlier today",
    "Yesterday",
    "Another time: type it",
];
const DONT_KNOW: &str = "I don't know";

/// "When did it last happen?": picked or typed, never filled in by itself.
fn ask_time(label: &str, p: &mut dyn Prompter) -> std::io::Result<Option<String>> {
    let mut items: Vec<String> = WHEN.map(str::to_owned).to_vec();
    items.push(DONT_KNOW.to_owned());
    let prompt = format!("{label}: when did it last happen?");
    let Some(i) = p.select(&prompt, &items, 0)? else {
        return Ok(None);
    };
    let today = jiff::ZonedDateTime::now();
    Ok(Some(match i {
        0 => format!("just now (about {})", today.strftime("%Y-%m-%d %H:%M")),
        1 => format!("earlier today ({})", today.strftime("%Y-%m-%d")),
        2 => "yesterday".to_owned(),
        3 => match p.input("When was it? (date and time)")? {
            Some(typed) => typed.trim().to_owned(),
            None => return Ok(None),
        },
        _ => String::new(),
    }))
}

/// Who the ticket goes to, why, and the likely causes to name in it.
struct Handover {
    contact: String,
    reasons: Vec<String>,
    likely: Vec<String>,
}

impl Handover {
    fn new(library: &Library, guide: &Guide, session: &Session) -> Self {
        if guide.id == UNLISTED {
            let contact = guide.escalate.contact().to_owned();
            return Handover {
                reasons: vec![format!(
                    "None of fieldfix's guides fits this problem, so it goes to {contact} \
                     with the details below."
                )],
                contact,
                likely: Vec::new(),
            };
        }
        let plan = engine::diagnose(&library.context, guide, &session.situation);
        let mut reasons = reasons(guide, session, &plan);
        if reasons.is_empty() {
            reasons.push("You chose to hand it over before the steps ran out.".to_owned());
        }
        Handover {
            contact: contact(&plan).to_owned(),
            reasons,
            likely: plan
                .causes
                .iter()
                .filter(|c| c.probability > 0.0)
                .take(3)
                .map(|c| format!("{} (likely cause {})", c.title, percent(c.probability)))
                .collect(),
        }
    }
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
    let handover = Handover::new(library, guide, session);
    if session.provided.is_empty() {
        p.say(&paint.heading(&format!("\nTime to hand this to {}", handover.contact)))?;
        for r in &handover.reasons {
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
    let done = if guide.id == UNLISTED {
        ask_shared(library, session, p, store)?
    } else {
        true
    };
    if !done || !ask_facts(guide, session, p, store)? {
        let saved = format!(
            "\nSaved. Run {} to finish the ticket.",
            paint.bold("fieldfix fix --resume")
        );
        p.say(&paint.wrap(&saved, "", ""))?;
        return Ok(Ending::Saved);
    }
    let ticket = build(library, guide, session, handover);
    let path = write(&ticket, tickets).map_err(|e| {
        anyhow::anyhow!(
            "{e:#}; your answers are saved: run `fieldfix fix --resume --ticket NEW-FILE` to \
             write the ticket somewhere else"
        )
    })?;
    session.phase = Phase::Escalate;
    p.say(&paint.good(&format!("\nTicket written: {}", crate::safe::path(&path))))?;
    p.say(&paint.wrap(&format!("Send it to {}.", ticket.contact), "", ""))?;
    if let Some(link) = mailto(&ticket.contact, &ticket) {
        p.say(&paint.wrap(
            "To send it by email in one step, open this link (then attach the ticket):",
            "",
            "",
        ))?;
        p.say(&link)?;
    }
    Ok(Ending::Ticket(path))
}

/// Each fact support needs that is not collected yet, saved one by one; false when the user
/// stops (Esc or Ctrl-C).
fn ask_facts(
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
    store: &super::session::Store,
) -> anyhow::Result<bool> {
    for item in &guide.escalate.provide {
        if session.provided.contains_key(&item.id) {
            continue;
        }
        let answer = match item.kind {
            ProvideKind::Time => ask_time(&item.label, p)?,
            _ => p
                .input(&item.label)?
                .map(|value| redact(value.trim(), item.kind)),
        };
        let Some(value) = answer else {
            return Ok(false);
        };
        session.provided.insert(item.id.clone(), value);
        store.save(session)?;
    }
    Ok(true)
}

/// For a problem no guide covers: the shared questions not answered yet (what it happens on,
/// the connection, who else has it), so support gets them like any other ticket. False when
/// the user stops.
fn ask_shared(
    library: &Library,
    session: &mut Session,
    p: &mut dyn Prompter,
    store: &super::session::Store,
) -> anyhow::Result<bool> {
    for q in &library.context {
        if session.situation.settled(&q.id) {
            continue;
        }
        let mut items: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
        items.push(DONT_KNOW.to_owned());
        let Some(i) = p.select(&q.ask, &items, 0)? else {
            return Ok(false);
        };
        session.answer(&q.id, q.options.get(i).map(|o| o.value.as_str()));
        store.save(session)?;
    }
    Ok(true)
}

/// A `mailto:` link to the contact's email, with a subject and a short body, when the contact
/// has an email address.
fn mailto(contact: &str, ticket: &Ticket) -> Option<String> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let email = address(contact)?;
    let subject = format!("fieldfix: {}", ticket.problem);
    let mut body = format!("Hello,\n\n{} is not fixed.", ticket.problem);
    if !ticket.described.is_empty() {
        body.push_str(&format!(" In my words: {}", ticket.described));
    }
    body.push_str("\nThe fieldfix ticket is attached: the steps I tried and the details.\n");
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    Some(format!(
        "mailto:{email}?subject={}&body={}",
        enc(&subject),
        enc(&body)
    ))
}

/// The one address a contact is written to: `dana@x.com`, `Dana Ruiz <dana@x.com>` or
/// `Dana Ruiz (dana@x.com)`. None when the contact names no address or more than one, or holds
/// a line break or a control character: a `Bcc:` line or a second address never chooses
/// where the mail goes.
fn address(contact: &str) -> Option<&str> {
    if contact.chars().any(crate::safe::is_unsafe) {
        return None;
    }
    let mut found = EMAIL.find_iter(contact);
    let email = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let before = contact[..email.start()].chars().next_back();
    let after = contact[email.end()..].chars().next();
    let whole_word = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let delimited = (whole_word(before) && whole_word(after))
        || matches!(
            (before, after),
            (Some('<'), Some('>')) | (Some('('), Some(')'))
        );
    delimited.then_some(email.as_str())
}

fn build(library: &Library, guide: &Guide, session: &Session, handover: Handover) -> Ticket {
    let mut t = Ticket::new(
        &guide.id,
        &guide.title,
        &handover.contact,
        super::session::now(),
    );
    t.described = session.described.clone();
    // In the order they were asked: shared questions first, then the guide's own, then those
    // of guides the user switched away from; "I don't know" is an answer too.
    let unknown = |id: &str| {
        session.asked.iter().any(|q| q == id) || session.situation.unknown.iter().any(|q| q == id)
    };
    for q in library.context.iter().chain(&guide.questions) {
        if let Some(answer) = answer(q, session.situation.answer(&q.id), unknown(&q.id)) {
            t.answers.push(answer);
        }
    }
    for earlier in &session.before {
        let Some(other) = library.guide(&earlier.guide) else {
            continue;
        };
        for q in &other.questions {
            let said = earlier.answers.get(&q.id).map(String::as_str);
            if let Some(mut answer) = answer(q, said, earlier.unknown.contains(&q.id)) {
                answer.question = format!("{} ({})", answer.question, other.title);
                t.answers.push(answer);
            }
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
    t.ask_for = session
        .log
        .iter()
        .filter(|o| o.result == StepResult::NeedsAdmin)
        .map(|o| o.title.clone())
        .collect();
    t.files_checked = session.checked.clone();
    t.likely_causes = handover.likely;
    t.reasons = handover.reasons;
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

/// The ticket's line for question `q`: the value chosen, or "unknown" when it was put to the
/// user and not answered; `None` when it was never asked.
fn answer(
    q: &crate::guides::model::Question,
    value: Option<&str>,
    asked: bool,
) -> Option<TicketAnswer> {
    let (value, label) = match value {
        Some(value) => (
            value.to_owned(),
            q.choice(value)
                .map_or_else(|| value.to_owned(), |c| c.label.clone()),
        ),
        None if asked => ("unknown".to_owned(), "unknown (I don't know)".to_owned()),
        None => return None,
    };
    Some(TicketAnswer {
        question: q.ask.clone(),
        id: q.id.clone(),
        value,
        label,
    })
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
    fn a_ticket_that_cannot_be_written_names_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, "").unwrap();
        let plan = TicketPlan {
            path: None,
            dir: not_a_folder.clone(),
            format: Format::Markdown,
        };
        let ticket = ticket::Ticket::new("photos", "Photos", "the admin", String::new());
        let err = write(&ticket, &plan).unwrap_err().to_string();
        assert!(err.contains(&not_a_folder.display().to_string()), "{err}");
    }

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
            redact("Tower B, ring +44 20 7946 0958", ProvideKind::Text),
            "Tower B, ring [phone number removed]"
        );
        // Project numbers are not phone numbers, and a number answer keeps its digits.
        assert_eq!(
            redact("Project 23-0145-01, level 2", ProvideKind::Text),
            "Project 23-0145-01, level 2"
        );
        assert_eq!(redact("23-0145-01", ProvideKind::Number), "23-0145-01");
        assert_eq!(redact("555 123 4567", ProvideKind::Number), "555 123 4567");
        assert_eq!(
            redact("Submittal 12, rev 3", ProvideKind::Text),
            "Submittal 12, rev 3"
        );
    }
}

//! The support ticket's data, in one place: who it goes to (one wording everywhere), why, what
//! the user said and did, what is redacted, and writing it atomically, never over an existing
//! file. The screen that collects it is [`super::escalate`]; its Markdown and JSON are
//! rendered in [`crate::output::ticket`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::FixRequest;
use super::session::Session;
use super::session::StepResult;
use super::unlisted::UNLISTED;
use crate::engine;
use crate::error::Error;
use crate::guides::Library;
use crate::guides::model::{Guide, ProvideKind, Target};
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
    // A link counts as taken even when it leads nowhere: writing through it would put the
    // ticket somewhere the user did not name.
    if std::fs::symlink_metadata(path).is_ok() {
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
        out = EMAIL.replace_all(&out, EMAIL_REMOVED).into_owned();
    }
    // A phone number is kept only where one was asked for; a number asked for is never one.
    if !matches!(kind, ProvideKind::Phone | ProvideKind::Number) {
        out = PHONE
            .replace_all(&out, |found: &regex::Captures| {
                if looks_like_phone(&found[0]) {
                    PHONE_REMOVED.to_owned()
                } else {
                    found[0].to_owned()
                }
            })
            .into_owned();
    }
    out
}

/// `typed` with the contact details [`redact`] removes taken out, and what they are ("phone
/// number"), when it holds any: for the user to choose, never done behind their back.
pub fn redacted(typed: &str, kind: ProvideKind) -> Option<(String, &'static str)> {
    let out = redact(typed, kind);
    if out == typed {
        return None;
    }
    let more = |mark: &str| out.matches(mark).count() > typed.matches(mark).count();
    let what = match (more(PHONE_REMOVED), more(EMAIL_REMOVED)) {
        (true, true) => "phone number and email address",
        (true, false) => "phone number",
        _ => "email address",
    };
    Some((out, what))
}

const PHONE_REMOVED: &str = "[phone number removed]";
const EMAIL_REMOVED: &str = "[email removed]";

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

/// Who a problem is handed to: the hand-over target and its name as the company's guides
/// word it ("your company's Procore admin", "Dana Ruiz <dana@example.com>"). The step menu,
/// the hand-over screen, the ticket's "For:" line and the `mailto:` link all say this one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub to: Target,
    pub name: String,
}

impl Recipient {
    /// `to`, as `guide` names it.
    pub fn of(guide: &Guide, to: Target) -> Self {
        Recipient {
            to,
            name: guide.escalate.target(to).contact.clone(),
        }
    }

    /// The one email address the name is written to, if there is one (see [`address`]).
    pub fn email(&self) -> Option<&str> {
        address(&self.name)
    }

    /// How to reach them, when the name has no email address to write to (`guide` names the
    /// company's admin, who knows the way to Procore).
    pub fn how_to_reach(&self, guide: &Guide) -> Option<String> {
        if self.email().is_some() {
            return None;
        }
        // Only what Procore's support site says about reaching it (see the facts file).
        if self.to == Target::Support && self.name.contains("Procore support") {
            return Some(format!(
                "Procore support takes requests on support.procore.com (web form, phone or \
                 chat); its US toll-free number is 1-866-477-6267. Attach the ticket or paste \
                 it in. Not sure which way to use? Ask {}.",
                Recipient::of(guide, Target::Admin).name
            ));
        }
        Some(
            "fieldfix's guides give no email address for them: send it the way you usually reach \
             them, with the ticket attached."
                .to_owned(),
        )
    }
}

/// Who the ticket is for: the target the engine's plan names (the first answer that calls for
/// a hand-over, or the guide's own), or the guide's own for a problem no guide covers.
pub fn recipient(guide: &Guide, plan: &engine::Plan) -> Recipient {
    let to = if guide.id == UNLISTED {
        guide.escalate.to
    } else {
        plan.escalation.to
    };
    Recipient::of(guide, to)
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
            recipient(guide, plan).name
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

/// Who the ticket goes to, why, and the likely causes to name in it.
pub struct Handover {
    pub recipient: Recipient,
    pub reasons: Vec<String>,
    likely: Vec<String>,
}

impl Handover {
    pub fn new(library: &Library, guide: &Guide, session: &Session) -> Self {
        if guide.id == UNLISTED {
            let recipient = Recipient::of(guide, guide.escalate.to);
            return Handover {
                reasons: vec![format!(
                    "None of fieldfix's guides fits this problem, so it goes to {} with the \
                     details below.",
                    recipient.name
                )],
                recipient,
                likely: Vec::new(),
            };
        }
        let plan = engine::diagnose(&library.context, guide, &session.situation);
        let mut reasons = reasons(guide, session, &plan);
        if reasons.is_empty() {
            reasons.push("You chose to hand it over before the steps ran out.".to_owned());
        }
        Handover {
            recipient: recipient(guide, &plan),
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

/// A `mailto:` link to the contact's email, with a subject and a short body, when the contact
/// has an email address.
pub fn mailto(recipient: &Recipient, ticket: &Ticket) -> Option<String> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let email = recipient.email()?;
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

/// The ticket for `session`, handed over as `handover` says.
pub fn build(library: &Library, guide: &Guide, session: &Session, handover: Handover) -> Ticket {
    let mut t = Ticket::new(
        &guide.id,
        &guide.title,
        &handover.recipient.name,
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
    // A step of a guide the user switched away from says which, as its answers do.
    let step_title = |o: &super::session::Outcome| match library.guide(&o.guide) {
        Some(other) if o.guide != guide.id => format!("{} ({})", o.title, other.title),
        _ => o.title.clone(),
    };
    t.steps = session
        .log
        .iter()
        .map(|o| TicketStep {
            guide: o.guide.clone(),
            step: o.step.clone(),
            title: step_title(o),
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
pub fn write(ticket: &Ticket, plan: &TicketPlan) -> anyhow::Result<PathBuf> {
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

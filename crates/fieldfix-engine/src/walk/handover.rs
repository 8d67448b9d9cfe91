//! Who a problem is handed to, why, and what the support ticket says: pure (no terminal, no
//! file, no clock), so the terminal wizard and the exported site's wizard (crates/fieldfix-web
//! compiles this file too) build the very same ticket from the same answers. The terminal's
//! session becomes a [`Record`] in [`super::ticket`]; the ticket is rendered in
//! [`crate::output::ticket`].

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::unlisted::UNLISTED;
use crate::engine::{self, Situation};
use crate::guides::Library;
use crate::guides::model::{Guide, ProvideKind, Target};
use crate::output::percent;
use crate::output::ticket::{Ticket, TicketAnswer, TicketFact, TicketStep};

/// What the user said and did in one walk, as the ticket needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// The problem in the user's own words.
    pub described: String,
    pub situation: Situation,
    /// Questions put to the user (answered or "I don't know").
    pub asked: Vec<String>,
    pub before: Vec<Earlier>,
    /// The steps, in the order tried.
    pub log: Vec<Tried>,
    /// What "Check the files now" found, as shown.
    pub checked: Vec<String>,
    /// The facts support needs: provide id to value (empty: left out).
    pub provided: BTreeMap<String, String>,
    /// When the ticket is made, as the ticket shows it.
    pub created: String,
}

/// One step and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    pub guide: String,
    pub step: String,
    pub title: String,
    /// The outcome as the ticket says it ("did not help").
    pub outcome: String,
    /// The user could not do it: it needs an admin.
    pub needs_admin: bool,
    pub at: String,
}

/// What was answered to one guide's own questions before the user switched to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earlier {
    pub guide: String,
    /// Question id to the value chosen.
    pub answers: BTreeMap<String, String>,
    /// Questions answered "I don't know".
    #[serde(default)]
    pub unknown: Vec<String>,
}

/// "When did it last happen?": the choices, the first highlighted so Enter leaves it out.
pub const WHEN: [&str; 6] = [
    "Leave it out",
    "Just now",
    "Earlier today",
    "Yesterday",
    "Another time: type it",
    "I don't know",
];
/// The choice of [`WHEN`] that is typed.
pub const WHEN_TYPED: usize = 4;

/// What the ticket says for choice `i` of [`WHEN`] at `now` (`YYYY-MM-DD HH:MM`, local time):
/// empty when left out; `None` for the typed choice (or no such choice).
pub fn when(i: usize, now: &str) -> Option<String> {
    let today = now.split(' ').next().unwrap_or(now);
    Some(match i {
        0 => String::new(),
        1 => format!("just now (about {now})"),
        2 => format!("earlier today ({today})"),
        3 => "yesterday".to_owned(),
        5 => "I don't know".to_owned(),
        _ => return None,
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

    /// The email address in the name, if there is one.
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
pub fn reasons(guide: &Guide, record: &Record, plan: &engine::Plan) -> Vec<String> {
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
    let steps = record.log.iter().filter(|o| o.guide == guide.id);
    for (i, o) in steps.enumerate() {
        if o.needs_admin {
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
    pub fn new(library: &Library, guide: &Guide, record: &Record) -> Self {
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
        let plan = engine::diagnose(&library.context, guide, &record.situation);
        let mut reasons = reasons(guide, record, &plan);
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

/// The ticket for `record`, handed over as `handover` says.
pub fn build(library: &Library, guide: &Guide, record: &Record, handover: Handover) -> Ticket {
    let mut t = Ticket::new(
        &guide.id,
        &guide.title,
        &handover.recipient.name,
        record.created.clone(),
    );
    t.described = record.described.clone();
    // In the order they were asked: shared questions first, then the guide's own, then those
    // of guides the user switched away from; "I don't know" is an answer too.
    let unknown = |id: &str| {
        record.asked.iter().any(|q| q == id) || record.situation.unknown.iter().any(|q| q == id)
    };
    for q in library.context.iter().chain(&guide.questions) {
        if let Some(answer) = answer(q, record.situation.answer(&q.id), unknown(&q.id)) {
            t.answers.push(answer);
        }
    }
    for earlier in &record.before {
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
    let step_title = |o: &Tried| match library.guide(&o.guide) {
        Some(other) if o.guide != guide.id => format!("{} ({})", o.title, other.title),
        _ => o.title.clone(),
    };
    t.steps = record
        .log
        .iter()
        .map(|o| TicketStep {
            guide: o.guide.clone(),
            step: o.step.clone(),
            title: step_title(o),
            outcome: o.outcome.clone(),
            at: o.at.clone(),
        })
        .collect();
    t.ask_for = record
        .log
        .iter()
        .filter(|o| o.needs_admin)
        .map(|o| o.title.clone())
        .collect();
    t.files_checked = record.checked.clone();
    t.likely_causes = handover.likely;
    t.reasons = handover.reasons;
    t.facts = guide
        .escalate
        .provide
        .iter()
        .map(|item| TicketFact {
            id: item.id.clone(),
            label: item.label.clone(),
            value: record
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

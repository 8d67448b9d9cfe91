//! The hand-over screen: why it is time to hand the problem over and to whom, the details
//! support needs (asked one by one, saved after each), then the ticket and how to send it.
//! What goes in the ticket is built in [`super::ticket`].

use super::handover::{self, WHEN};
use super::prompt::Prompter;
use super::session::{Phase, Session, Store};
use super::ticket::{self, TicketPlan};
use super::{DONT_KNOW, Ending, keep};
use crate::guides::Library;
use crate::guides::model::{Guide, ProvideKind};
use fieldfix_engine::walk::next;

const KEEP_TYPED: &str = "Keep it as I typed it";

/// "When did it last happen?": picked or typed, never filled in by itself. `Some("")` when
/// left out (Enter), "I don't know" as said.
fn ask_time(label: &str, p: &mut dyn Prompter) -> std::io::Result<Option<String>> {
    let items = WHEN.map(str::to_owned);
    let prompt = format!("{label}: when did it last happen?");
    let Some(i) = p.select_enter(&prompt, &items, 0)? else {
        return Ok(None);
    };
    let now = jiff::ZonedDateTime::now()
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    Ok(match handover::when(i, &now) {
        Some(said) => Some(said),
        None => p
            .input("When was it? (date and time)")?
            .map(|t| super::typed_line(&t)),
    })
}

/// The escalation screen: why, the signs, then each fact support needs; then the ticket.
pub fn escalate(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    tickets: &TicketPlan,
    p: &mut dyn Prompter,
    store: &Store,
) -> anyhow::Result<Ending> {
    let paint = p.paint().clone();
    let handover = handover::Handover::new(library, guide, &ticket::record(session));
    let to = handover.recipient.name.clone();
    if session.walk.provided.is_empty() {
        p.say(&paint.heading(&format!("\nTime to hand this to {to}")))?;
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
        p.say_wrapped(
            &paint.dim(
                "A few details for the ticket (press Enter to skip any; Esc saves and stops):",
            ),
        )?;
    }
    if !ask_shared(library, guide, session, p, store)? || !ask_facts(guide, session, p, store)? {
        super::stopped(p, store, "to finish the ticket")?;
        return Ok(Ending::Saved);
    }
    let recipient = handover.recipient.clone();
    let ticket = handover::build(library, guide, &ticket::record(session), handover);
    let path = ticket::write(&ticket, tickets).map_err(|e| {
        let then = if store.failing() {
            "your answers could not be saved either (see above)"
        } else {
            "your answers are saved: run `fieldfix fix --resume --ticket NEW-FILE` to write the \
             ticket somewhere else"
        };
        anyhow::anyhow!("{e:#}; {then}")
    })?;
    session.walk.phase = Phase::Escalate;
    p.say(&paint.good("\nTicket written:"))?;
    // On a line of its own, never wrapped: a path broken in two cannot be copied.
    p.say_whole(&format!("  {}", crate::safe::path(&path)))?;
    p.say_wrapped(&format!("Send it to {to}."))?;
    match handover::mailto(&recipient, &ticket) {
        Some(link) => {
            p.say_wrapped(
                "To send it by email in one step, open this link (then attach the ticket):",
            )?;
            p.say_whole(&link)?;
        }
        None => {
            if let Some(how) = recipient.how_to_reach(guide) {
                p.say_wrapped(&how)?;
            }
        }
    }
    Ok(Ending::Ticket(path))
}

/// Each fact support needs that is not collected yet, saved one by one; false when the user
/// stops (Esc or Ctrl-C).
fn ask_facts(
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
    store: &Store,
) -> anyhow::Result<bool> {
    for item in &guide.escalate.provide {
        if session.walk.provided.contains_key(&item.id) {
            continue;
        }
        let answer = match item.kind {
            ProvideKind::Time => ask_time(&item.label, p)?,
            _ => match p.input(&item.label)? {
                Some(value) => keep_or_redact(&super::typed_line(&value), item.kind, p)?,
                None => None,
            },
        };
        let Some(value) = answer else {
            return Ok(false);
        };
        session.walk.provided.insert(item.id.clone(), value);
        keep(store, session, p)?;
    }
    Ok(true)
}

/// What goes in the ticket for `typed`: as typed, unless it holds contact details not asked
/// for and the user chooses to leave them out. Nothing is removed without asking, and Enter
/// keeps it as typed. `None` when the user stops.
fn keep_or_redact(
    typed: &str,
    kind: ProvideKind,
    p: &mut dyn Prompter,
) -> std::io::Result<Option<String>> {
    let Some((redacted, what)) = handover::redacted(typed, kind) else {
        return Ok(Some(typed.to_owned()));
    };
    p.say_wrapped(&format!(
        "That has a {what} in it, and the ticket may be passed on."
    ))?;
    let items = [
        KEEP_TYPED.to_owned(),
        format!("Leave the {what} out: \"{redacted}\""),
    ];
    Ok(p.select_enter("Keep it in the ticket?", &items, 0)?
        .map(|i| if i == 0 { typed.to_owned() } else { redacted }))
}

/// For a problem no guide covers: the shared questions not answered yet (what it happens on,
/// the connection, who else has it), so support gets them like any other ticket. False when
/// the user stops.
fn ask_shared(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
    store: &Store,
) -> anyhow::Result<bool> {
    while let Some(q) = next::unsettled_shared(library, guide, &session.walk) {
        let mut items: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
        items.push(DONT_KNOW.to_owned());
        let Some(i) = p.select(&q.ask, &items, 0)? else {
            return Ok(false);
        };
        session
            .walk
            .answer(&q.id, q.options.get(i).map(|o| o.value.as_str()));
        keep(store, session, p)?;
    }
    Ok(true)
}

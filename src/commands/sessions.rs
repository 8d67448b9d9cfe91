//! `fieldfix sessions`: the wizard sessions saved for `fix --resume`, listed or discarded.

use serde::Serialize;

use super::Env;
use crate::error::{Error, exit};
use crate::guides::Library;
use crate::guides::loading::Loading;
use crate::outcomes::session_log;
use crate::output::{Format, Out, SCHEMA_VERSION};
use crate::wizard::session::{Phase, Store};

/// What `fieldfix sessions` was asked to do.
#[derive(Debug, Clone)]
pub struct SessionsRequest {
    /// Remove this session instead of listing.
    pub discard: Option<String>,
    pub format: Format,
    /// Keep no outcome log of a discarded session (`--no-log`).
    pub no_log: bool,
}

#[derive(Serialize)]
struct Listed {
    schema_version: u32,
    sessions: Vec<Entry>,
    /// Session files that cannot be read, with why: listed, never hidden.
    unreadable: Vec<Broken>,
}

#[derive(Serialize)]
struct Broken {
    path: String,
    reason: String,
}

#[derive(Serialize)]
struct Entry {
    id: String,
    guide: String,
    title: String,
    /// `choose`, `questions`, `steps` or `escalate`.
    phase: Phase,
    /// Steps with an answer so far.
    steps: usize,
    started: String,
    saved: String,
}

/// `fieldfix sessions [discard ID]`: lists the saved sessions (newest first), or discards one.
pub fn run(request: &SessionsRequest, env: &mut Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    let store = Store::default_location();
    match &request.discard {
        Some(id) => discard(&library, &store, id, request.no_log)?,
        None => list(&library, &store, request.format, env.out)?,
    }
    Ok(exit::OK)
}

/// Removes the session `id`, logging it as abandoned unless `no_log`.
fn discard(library: &Library, store: &Store, id: &str, no_log: bool) -> anyhow::Result<()> {
    // Not while a wizard has it open: that wizard would save it again.
    let _held = store.hold(id).map_err(|e| Error::Usage(e.to_string()))?;
    let session = store.load(id).ok();
    store.remove(id).map_err(|e| Error::Usage(e.to_string()))?;
    let ending = crate::outcomes::Ending::Abandoned;
    let mut notes = Vec::new();
    if let Some(s) = session.filter(|_| !no_log) {
        // Said before the log's first record, as the wizard says it.
        if let Some((note, path)) = session_log::notice(store) {
            notes.push(format!("{note}\n  {path}"));
        }
        notes.extend(session_log::append(library, store, &s, ending, s.minutes));
    }
    #[allow(clippy::print_stderr)] // a confirmation, not a result
    {
        eprintln!("Discarded the session {id}.");
        for note in notes {
            eprintln!("{note}");
        }
    }
    Ok(())
}

/// Prints the saved sessions and the unreadable session files.
fn list(library: &Library, store: &Store, format: Format, out: &mut Out) -> anyhow::Result<()> {
    let listing = store.list();
    let unreadable: Vec<Broken> = listing
        .unreadable
        .into_iter()
        .map(|u| Broken {
            path: crate::safe::path(&u.path),
            reason: u.reason,
        })
        .collect();
    let sessions: Vec<Entry> = listing
        .saved
        .into_iter()
        .map(|s| Entry {
            title: crate::wizard::session_title(library, &s.session),
            id: s.session.id,
            guide: s.session.walk.guide,
            phase: s.session.walk.phase,
            steps: s.session.walk.log.len(),
            started: s.session.started,
            saved: s.saved,
        })
        .collect();
    match format {
        Format::Json => out.json(&Listed {
            schema_version: SCHEMA_VERSION,
            sessions,
            unreadable,
        })?,
        _ if sessions.is_empty() && unreadable.is_empty() => out.text("No saved sessions.\n")?,
        _ => {
            let text = listing_text(&sessions, &unreadable, out);
            out.text(&text)?;
        }
    }
    Ok(())
}

/// The listing as text: a line per unreadable file, then one per session.
fn listing_text(sessions: &[Entry], unreadable: &[Broken], out: &Out) -> String {
    let mut text = String::new();
    for u in unreadable {
        text.push_str(&format!(
            "{}  cannot be read: {}; delete it to start afresh\n",
            u.path, u.reason
        ));
    }
    for s in sessions {
        let at = match s.phase {
            Phase::Choose => "the problem not chosen yet".to_owned(),
            Phase::Questions => "at the questions".to_owned(),
            Phase::Steps => format!("{} steps done", s.steps),
            Phase::Escalate | Phase::Ticket => "writing the ticket".to_owned(),
            Phase::Fixed => "fixed".to_owned(),
        };
        text.push_str(&format!(
            "{}  {}, saved {}, {at}\n",
            out.paint.bold(&s.id),
            s.title,
            s.saved
        ));
    }
    text.push_str(
        "Resume with `fieldfix fix --resume`; remove one with `fieldfix sessions discard ID`.\n",
    );
    text
}

//! The outcome log from the wizard's side: when a session ends (fixed, ticket, saved, or
//! discarded), one record of it goes to the log beside the saved sessions. Never fatal: a log
//! that cannot be written is a warning.

use std::time::Instant;

use crate::guides::Library;
use crate::outcomes::{self, Log, Record, StepOutcome};
use crate::wizard::prompt::Prompter;
use crate::wizard::session::{Session, Store};
use crate::wizard::{Ending, FixRequest};

/// This run of the wizard: when it started, and whether it logs.
pub struct Run {
    started: Instant,
    log: bool,
}

impl Run {
    pub fn start(request: &FixRequest) -> Self {
        Run {
            started: Instant::now(),
            log: !request.no_log,
        }
    }

    /// Logs how `session` ended. A saved session also keeps the minutes of this run, so that
    /// its record when it is resumed and ends counts them.
    pub fn ended(
        &self,
        library: &Library,
        store: &Store,
        session: &mut Session,
        ending: &Ending,
        p: &mut dyn Prompter,
    ) {
        let minutes = session.minutes + self.started.elapsed().as_secs_f64() / 60.0;
        let outcome = match ending {
            Ending::Fixed => outcomes::Ending::Fixed,
            Ending::Ticket(_) => outcomes::Ending::Ticket,
            Ending::Saved => {
                session.minutes = minutes;
                let _ = store.save(session);
                outcomes::Ending::Saved
            }
        };
        self.append(library, store, session, outcome, minutes, p);
    }

    /// Logs a saved session the user discarded.
    pub fn discarded(
        &self,
        library: &Library,
        store: &Store,
        session: &Session,
        p: &mut dyn Prompter,
    ) {
        let ending = outcomes::Ending::Abandoned;
        self.append(library, store, session, ending, session.minutes, p);
    }

    fn append(
        &self,
        library: &Library,
        store: &Store,
        session: &Session,
        outcome: outcomes::Ending,
        minutes: f64,
        p: &mut dyn Prompter,
    ) {
        if !self.log {
            return;
        }
        for note in append(library, store, session, outcome, minutes) {
            // Wrapped between words to the screen; an indented line (a path) stays whole.
            let lines: Vec<String> = note
                .split('\n')
                .map(|l| match l.starts_with("  ") {
                    true => l.to_owned(),
                    false => p.paint().wrap(l, "", ""),
                })
                .collect();
            let _ = p.say(&p.paint().dim(&lines.join("\n")));
        }
    }
}

/// Appends the record of `session` to the log beside `store`; returns what to tell the user
/// (the note that a log is kept, the first time; or why it could not be written).
pub fn append(
    library: &Library,
    store: &Store,
    session: &Session,
    outcome: outcomes::Ending,
    minutes: f64,
) -> Vec<String> {
    let Some(record) = record(library, session, outcome, minutes) else {
        return Vec::new();
    };
    let log = Log::in_dir(store.dir());
    match log.append(&record) {
        Ok(appended) if appended.first => vec![format!(
            "fieldfix keeps a local log of how each session ends (the guide, the answers chosen \
             and which steps helped; no names, free text or ticket details), so your admin can \
             improve the guides. `fieldfix outcomes` shows it; turn it off with --no-log or \
             FIELDFIX_NO_LOG=1. The log:\n  {}",
            crate::safe::path(&log.path())
        )],
        Ok(_) => Vec::new(),
        Err(e) => vec![format!("warning: {e}")],
    }
}

/// The record of a session: values only, never the free text it holds.
fn record(
    library: &Library,
    session: &Session,
    outcome: outcomes::Ending,
    minutes: f64,
) -> Option<Record> {
    let guide = library.guide(&session.guide)?;
    let steps = session
        .log
        .iter()
        .filter(|o| o.guide == session.guide)
        .map(|o| StepOutcome {
            step: o.step.clone(),
            result: o.result,
        })
        .collect();
    Some(Record {
        record: outcomes::RECORD_VERSION,
        fieldfix: env!("CARGO_PKG_VERSION").to_owned(),
        guide: guide.id.clone(),
        guide_hash: outcomes::guide_hash(guide),
        session: session.id.clone(),
        answers: session.situation.answers.clone(),
        unknown: session.situation.unknown.clone(),
        steps,
        outcome,
        minutes: (minutes * 10.0).round() / 10.0,
        at: outcomes::record::now(),
    })
}

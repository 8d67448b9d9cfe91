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

    /// Before the first record is ever written (logging on, no log yet): one line on the first
    /// screen that a log is kept, where, how to stop it for good and how to erase it.
    pub fn notice(&self, store: &Store, p: &mut dyn Prompter) -> std::io::Result<()> {
        let Some((note, path)) = notice(store).filter(|_| self.log) else {
            return Ok(());
        };
        let paint = p.paint().clone();
        p.say_wrapped(&paint.dim(note))?;
        // On a line of its own, never wrapped: a path broken in two cannot be copied.
        p.say_whole(&paint.dim(&format!("  {path}")))
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
                let _ = store.keep(session);
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
        if let Some(warning) = append(library, store, session, outcome, minutes) {
            let _ = p.say(&p.paint().dim(&p.paint().wrap(&warning, "", "")));
        }
    }
}

/// That a log is kept, how to stop it for good and how to erase it, and the log's path (as
/// printed): `None` once the log beside `store` holds a record. Said before the first one.
pub fn notice(store: &Store) -> Option<(&'static str, String)> {
    let log = Log::in_dir(store.dir());
    if !log.files().is_empty() {
        return None;
    }
    let note = "Outcome log: how each session ends (no names or typed text) is kept for your \
                admin. To stop it for good, set FIELDFIX_NO_LOG=1 (--no-log: this run only); to \
                erase it, delete this file:";
    Some((note, crate::safe::path(&log.path())))
}

/// Appends the record of `session` to the log beside `store`; returns the warning to show
/// when it could not be written. That a log is kept was said before it started
/// ([`Run::notice`]).
pub fn append(
    library: &Library,
    store: &Store,
    session: &Session,
    outcome: outcomes::Ending,
    minutes: f64,
) -> Option<String> {
    let record = record(library, session, outcome, minutes)?;
    let e = Log::in_dir(store.dir()).append(&record).err()?;
    Some(format!("warning: {e}"))
}

/// The record of a session: values only, never the free text it holds.
fn record(
    library: &Library,
    session: &Session,
    outcome: outcomes::Ending,
    minutes: f64,
) -> Option<Record> {
    let guide = library.guide(&session.walk.guide)?;
    let steps = session
        .walk
        .log
        .iter()
        .filter(|o| o.guide == session.walk.guide)
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
        answers: session.walk.situation.answers.clone(),
        unknown: session.walk.situation.unknown.clone(),
        steps,
        outcome,
        minutes: (minutes * 10.0).round() / 10.0,
        at: outcomes::record::now(),
        switches: session.walk.switches.clone(),
    })
}

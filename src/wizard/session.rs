//! A wizard session: everything the user has said so far, saved after every answer so that
//! Ctrl-C, Esc or a crash never loses work, and `fieldfix fix --resume` continues it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Situation;

/// The version of the saved session format.
const SESSION_VERSION: u32 = 1;

/// Where the wizard is in a session, what came of a step, and one step's outcome: the shared
/// walk's (see [`fieldfix_engine::walk`]).
pub use fieldfix_engine::walk::{Outcome, Phase, StepResult, Walk};

/// The whole state of a wizard session: the walk, and what the terminal keeps beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub version: u32,
    /// The name of its file in the state folder (without `.json`); each session has its own.
    #[serde(default)]
    pub id: String,
    /// What the user said and did: the same fields at the top level of the file as before the
    /// walk became the engine's (its Back states included: the sessions they were saved as
    /// read back as walks).
    #[serde(flatten)]
    pub walk: Walk,
    pub started: String,
    /// The ticket file asked for with `--ticket`, kept for `--resume`.
    #[serde(default)]
    pub ticket: Option<PathBuf>,
    /// The ticket format asked for (`markdown` or `json`), kept for `--resume`.
    #[serde(default)]
    pub ticket_format: Option<String>,
    /// Minutes spent on it in earlier runs of the wizard (it was saved and resumed), for the
    /// outcome log.
    #[serde(default)]
    pub minutes: f64,
}

impl Session {
    pub fn new(walk: Walk) -> Self {
        // Unique: the second, the process and a count within it, so that no two sessions, and
        // no two wizards at once, share a file.
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let stamp = jiff::ZonedDateTime::now().strftime("%Y%m%d-%H%M%S");
        let pid = std::process::id();
        Session {
            version: SESSION_VERSION,
            id: if n == 0 {
                format!("{stamp}-{pid}")
            } else {
                format!("{stamp}-{pid}-{n}")
            },
            walk,
            started: now(),
            ticket: None,
            ticket_format: None,
            minutes: 0.0,
        }
    }

    /// The text it holds, made safe to print (see [`crate::safe`]): what was typed in any
    /// mode, and what a session file read back holds, goes through this one path.
    pub fn make_safe(&mut self) {
        line(&mut self.started);
        make_safe(&mut self.walk);
    }
}

/// One line of text, made safe to print.
fn line(s: &mut String) {
    if let std::borrow::Cow::Owned(safe) = crate::safe::line(s) {
        *s = safe;
    }
}

/// The text a walk holds, made safe to print, its Back states included.
fn make_safe(walk: &mut Walk) {
    line(&mut walk.guide);
    line(&mut walk.described);
    for o in &mut walk.log {
        line(&mut o.guide);
        line(&mut o.step);
        line(&mut o.title);
        line(&mut o.at);
    }
    walk.provided.values_mut().for_each(line);
    for p in walk.presumed.values_mut() {
        line(&mut p.said);
    }
    for e in &mut walk.before {
        line(&mut e.guide);
    }
    for report in &mut walk.checked {
        if let std::borrow::Cow::Owned(safe) = crate::safe::text(report) {
            *report = safe;
        }
    }
    walk.undo.iter_mut().for_each(make_safe);
}

/// The current local time, for people.
pub fn now() -> String {
    jiff::ZonedDateTime::now()
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// A saved session from its text; what is wrong with it, in words.
pub fn parse(text: &str) -> Result<Session, String> {
    let session: Session = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if session.version != SESSION_VERSION {
        return Err(format!(
            "it was saved by another version of fieldfix (format {})",
            session.version
        ));
    }
    Ok(session)
}

/// Saved sessions larger than this are refused unread (a real one is a few KiB).
const MAX_SESSION_BYTES: u64 = 4 * 1024 * 1024;

/// Whether `id` can name a session file: digits, letters and dashes only, so that no id (one
/// typed for `fieldfix sessions discard`, say) reaches outside the state folder.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A saved session, as listed.
#[derive(Debug, Clone)]
pub struct Saved {
    pub session: Session,
    /// When it was last saved, for people ("10:42", or "2026-11-30 10:42" another day).
    pub saved: String,
    modified: std::time::SystemTime,
}

/// Saves and loads the sessions in the user's state folder, one file per session, so that
/// several can wait to be resumed and two wizards at once never touch each other's.
pub struct Store {
    dir: PathBuf,
    /// The last save failed (see [`Store::keep`]).
    failing: std::cell::Cell<bool>,
    /// A failed save has been reported once.
    reported: std::cell::Cell<bool>,
}

/// A saved session that cannot be used, as listed: its file and why.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

/// The saved sessions: those that can be resumed, newest first, and those that cannot.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub saved: Vec<Saved>,
    pub unreadable: Vec<Unreadable>,
}

/// A session held by one wizard: while it lives, no other wizard can take the session up.
/// Released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct Held {
    _file: fs::File,
}

/// The session file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no saved session in {}: start one with `fieldfix fix`", .0.display())]
    Missing(PathBuf),
    #[error(
        "no saved session is called `{}`; `fieldfix sessions` lists them",
        crate::safe::line(.0)
    )]
    Unknown(String),
    #[error(
        "cannot read the saved session {}: {message}; delete it to start afresh",
        crate::safe::path(path)
    )]
    Unreadable { path: PathBuf, message: String },
    #[error(
        "cannot save the session in {}: {source}; the last saved answers are kept: make room \
             (or set FIELDFIX_STATE_DIR to a folder you can write) and run `fieldfix fix --resume`",
        crate::safe::path(path)
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the saved session {} is open in another fieldfix window: carry on there, or close it \
         there first",
        crate::safe::line(.0)
    )]
    InUse(String),
}

impl Store {
    /// The platform's usual state folder (`FIELDFIX_STATE_DIR` overrides it).
    pub fn default_location() -> Self {
        Store::at(&crate::outcomes::log::state_dir())
    }

    /// The folder the sessions are kept in (the outcome log is kept beside them).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn at(dir: &Path) -> Self {
        Store {
            dir: dir.to_owned(),
            failing: std::cell::Cell::new(false),
            reported: std::cell::Cell::new(false),
        }
    }

    /// Saves the session for the wizard, which goes on when the state folder cannot be
    /// written: the error comes back the first time only, to be said once.
    pub fn keep(&self, session: &Session) -> Option<StoreError> {
        let result = self.save(session);
        self.failing.set(result.is_err());
        match result {
            Err(e) if !self.reported.replace(true) => Some(e),
            _ => None,
        }
    }

    /// Whether another wizard holds the session `id` now.
    pub fn held_elsewhere(&self, id: &str) -> bool {
        matches!(self.hold(id), Err(StoreError::InUse(_)))
    }

    /// Whether the last save failed: the session on disk is not the one in hand.
    pub fn failing(&self) -> bool {
        self.failing.get()
    }

    /// Holds the session `id` for this wizard: refused while another wizard holds it. The
    /// lock is on a file of its own beside the session (the session file is replaced at every
    /// save); a folder where no lock can be taken does not stop the wizard.
    pub fn hold(&self, id: &str) -> Result<Option<Held>, StoreError> {
        if !valid_id(id) {
            return Err(StoreError::Unknown(id.to_owned()));
        }
        let path = self.dir.join(format!("{id}.lock"));
        let file = fs::create_dir_all(&self.dir).and_then(|()| {
            fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        });
        let Ok(file) = file else {
            return Ok(None);
        };
        match file.try_lock() {
            Ok(()) => Ok(Some(Held { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::InUse(id.to_owned())),
            Err(fs::TryLockError::Error(_)) => Ok(None),
        }
    }

    /// The file of the session `id`.
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Writes the session atomically: a temporary file, then a rename over the old one.
    pub fn save(&self, session: &Session) -> Result<(), StoreError> {
        let path = self.path(&session.id);
        let write_err = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        if !valid_id(&session.id) {
            return Err(write_err(std::io::Error::other(
                "a session id is letters, digits and dashes only",
            )));
        }
        fs::create_dir_all(&self.dir).map_err(write_err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(write_err)?;
        crate::safe::write_json(&mut tmp, session).map_err(write_err)?;
        tmp.as_file_mut().flush().map_err(write_err)?;
        tmp.as_file().sync_all().map_err(write_err)?;
        tmp.persist(&path).map_err(|e| write_err(e.error))?;
        Ok(())
    }

    /// The session `id`.
    pub fn load(&self, id: &str) -> Result<Session, StoreError> {
        if !valid_id(id) {
            return Err(StoreError::Unknown(id.to_owned()));
        }
        let path = self.path(id);
        if fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            return Err(StoreError::Unknown(id.to_owned()));
        }
        let text = crate::input::read_text(&path, MAX_SESSION_BYTES).map_err(|e| {
            StoreError::Unreadable {
                path: path.clone(),
                message: e.reason,
            }
        })?;
        let mut session =
            parse(&text).map_err(|message| StoreError::Unreadable { path, message })?;
        session.id = id.to_owned();
        session.make_safe();
        Ok(session)
    }

    /// `session`, as loaded from this store, checked like any input against `library`: its
    /// guide, answers, steps, questions asked and facts must all exist there, and the free
    /// text it holds is made safe to print.
    pub fn check(
        &self,
        session: Session,
        library: &crate::guides::Library,
    ) -> Result<Session, StoreError> {
        let unusable = |message: String| StoreError::Unreadable {
            path: self.path(&session.id),
            message,
        };
        let unlisted = super::unlisted::unlisted(library);
        let found = library.guide(&session.walk.guide);
        let unlisted = (session.walk.guide == super::unlisted::UNLISTED).then_some(&unlisted);
        let Some(guide) = found.or(unlisted) else {
            return Err(unusable(format!(
                "it is for the guide `{}`, which does not exist",
                crate::safe::line(&session.walk.guide)
            )));
        };
        for earlier in &session.walk.before {
            let Some(other) = library.guide(&earlier.guide) else {
                return Err(unusable(format!(
                    "it kept answers for the guide `{}`, which does not exist",
                    crate::safe::line(&earlier.guide)
                )));
            };
            let answers = Situation {
                answers: earlier.answers.clone(),
                unknown: earlier.unknown.clone(),
                ..Situation::default()
            };
            crate::engine::check_situation(&library.context, other, &answers)
                .map_err(|e| unusable(e.to_string()))?;
        }
        crate::engine::check_situation(&library.context, guide, &session.walk.situation)
            .map_err(|e| unusable(e.to_string()))?;
        let known_question = |id: &String| {
            library
                .context
                .iter()
                .chain(&guide.questions)
                .any(|q| q.id == *id)
        };
        if let Some(q) = session.walk.asked.iter().find(|q| !known_question(q)) {
            return Err(unusable(format!(
                "it asked the unknown question `{}`",
                crate::safe::line(q)
            )));
        }
        let known_step = |o: &Outcome| library.guide(&o.guide).and_then(|g| g.step(&o.step));
        if let Some(o) = session.walk.log.iter().find(|o| known_step(o).is_none()) {
            return Err(unusable(format!(
                "it tried the unknown step `{}`",
                crate::safe::line(&o.step)
            )));
        }
        let known_fact = |id: &String| guide.escalate.provide.iter().any(|p| p.id == *id);
        if let Some(id) = session.walk.provided.keys().find(|id| !known_fact(id)) {
            return Err(unusable(format!(
                "it holds the unknown fact `{}`",
                crate::safe::line(id)
            )));
        }
        Ok(session)
    }

    /// Every saved session, the most recently saved first, and beside them the session files
    /// that cannot be read, with why (listed, and left alone).
    pub fn list(&self) -> Listing {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Listing::default();
        };
        let mut listing = Listing::default();
        for e in entries.filter_map(Result::ok) {
            let Some(id) = e
                .file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_owned)
            else {
                continue;
            };
            // Not a name fieldfix gives a session: not one of its files.
            if !valid_id(&id) {
                continue;
            }
            let loaded = self.load(&id).and_then(|session| {
                let modified = e.metadata().and_then(|m| m.modified()).map_err(|err| {
                    StoreError::Unreadable {
                        path: self.path(&id),
                        message: err.to_string(),
                    }
                })?;
                Ok((session, modified))
            });
            match loaded {
                Ok((session, modified)) => listing.saved.push(Saved {
                    session,
                    saved: when(modified),
                    modified,
                }),
                Err(StoreError::Unreadable { path, message }) => {
                    listing.unreadable.push(Unreadable {
                        path,
                        reason: crate::safe::line(&message).into_owned(),
                    });
                }
                Err(_) => {}
            }
        }
        listing.saved.sort_by_key(|s| std::cmp::Reverse(s.modified));
        listing.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
        listing
    }

    /// The most recently saved session.
    pub fn latest(&self) -> Result<Session, StoreError> {
        self.list()
            .saved
            .into_iter()
            .next()
            .map(|s| s.session)
            .ok_or_else(|| StoreError::Missing(self.dir.clone()))
    }

    /// Removes the session `id` (a finished or discarded one).
    pub fn remove(&self, id: &str) -> Result<(), StoreError> {
        if !valid_id(id) {
            return Err(StoreError::Unknown(id.to_owned()));
        }
        // Its lock file goes with it; a lock held elsewhere keeps its own open file.
        let _ = fs::remove_file(self.dir.join(format!("{id}.lock")));
        match fs::remove_file(self.path(id)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::Unknown(id.to_owned()))
            }
            Err(source) => Err(StoreError::Write {
                path: self.path(id),
                source,
            }),
        }
    }
}

/// A file time for people: the time today, the date and time another day.
fn when(time: std::time::SystemTime) -> String {
    let Ok(stamp) = jiff::Timestamp::try_from(time) else {
        return String::new();
    };
    let zoned = stamp.to_zoned_datetime(jiff::tz::TimeZone::system());
    if zoned.date() == jiff::ZonedDateTime::now().date() {
        zoned.strftime("%H:%M").to_string()
    } else {
        zoned.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(guide: &str) -> Session {
        let library = crate::guides::embedded::library();
        Session::new(Walk::new(&library, guide, Situation::default(), ""))
    }

    /// A session as fieldfix 0.1 saved it, before the walk became the engine's: every field
    /// at the top level, each Back state a whole session.
    const SAVED_BY_0_1: &str = r#"{
      "version": 1, "id": "20261204-101500-42", "guide": "photos-not-uploading",
      "situation": {"answers": {"device": "ios", "queue": "stuck"}, "unknown": ["storage"],
                    "tried": ["force-sync"], "skipped": []},
      "asked": ["device", "queue", "storage"],
      "log": [{"guide": "photos-not-uploading", "step": "force-sync", "title": "Force a sync",
               "result": "did-not-help", "at": "2026-12-04 10:14:00 UTC"}],
      "phase": "steps", "provided": {}, "started": "2026-12-04 10:12:00 UTC",
      "undo": [{"version": 1, "id": "20261204-101500-42", "guide": "photos-not-uploading",
                "situation": {"answers": {"device": "ios"}, "tried": [], "skipped": []},
                "asked": ["device"], "log": [], "phase": "questions", "provided": {},
                "started": "2026-12-04 10:12:00 UTC", "undo": [], "described": "photos stuck",
                "presumed": {}, "reask": [], "checked": [], "ticket": null,
                "ticket_format": "markdown", "minutes": 0.5}],
      "described": "photos stuck", "presumed": {}, "reask": [], "checked": [],
      "ticket": "/tmp/t.md", "ticket_format": "markdown", "minutes": 2.5,
      "switches": [{"from": "rfi-not-updating", "to": "photos-not-uploading"}]
    }"#;

    #[test]
    fn a_session_saved_before_the_shared_walk_resumes_with_everything_and_its_back_states() {
        let mut s = parse(SAVED_BY_0_1).unwrap();
        assert_eq!(s.id, "20261204-101500-42");
        assert_eq!(s.started, "2026-12-04 10:12:00 UTC");
        assert_eq!(s.ticket.as_deref(), Some(Path::new("/tmp/t.md")));
        assert_eq!(s.minutes, 2.5);
        let walk = &s.walk;
        assert_eq!(walk.guide, "photos-not-uploading");
        assert_eq!(walk.phase, Phase::Steps);
        assert_eq!(walk.situation.answer("queue"), Some("stuck"));
        assert_eq!(walk.situation.tried, ["force-sync"]);
        assert_eq!(walk.log[0].result, StepResult::DidNotHelp);
        assert_eq!(walk.described, "photos stuck");
        assert_eq!(walk.switches.len(), 1);
        assert_eq!(walk.undo.len(), 1);
        // Saved again, it reads back the same.
        let again = parse(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(again, s);
        // Back goes to the state saved with it; the time spent is not undone.
        assert!(s.walk.back());
        assert_eq!(s.walk.phase, Phase::Questions);
        assert_eq!(s.walk.asked, ["device"]);
        assert_eq!(s.minutes, 2.5);
    }

    #[test]
    fn saved_sessions_load_back_identically_each_in_its_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path());
        assert!(matches!(store.latest(), Err(StoreError::Missing(_))));
        let mut s = session("rfi-not-updating");
        s.walk.checkpoint();
        s.walk.phase = Phase::Steps;
        store.save(&s).unwrap();
        assert_eq!(store.load(&s.id).unwrap(), s);
        let mut other = session("photos-not-uploading");
        other.id.push_str("-2");
        store.save(&other).unwrap();
        assert_eq!(
            store.list().saved.len(),
            2,
            "saving one never replaces another"
        );
        fs::write(store.path(&s.id), "{ not json").unwrap();
        assert!(matches!(
            store.load(&s.id),
            Err(StoreError::Unreadable { .. })
        ));
        store.remove(&other.id).unwrap();
        assert!(matches!(
            store.remove(&other.id),
            Err(StoreError::Unknown(_))
        ));
        let listing = store.list();
        assert!(listing.saved.is_empty());
        assert_eq!(
            listing.unreadable.len(),
            1,
            "the unreadable one is listed apart"
        );
        assert_eq!(listing.unreadable[0].path, store.path(&s.id));
        assert!(store.path(&s.id).exists(), "and not deleted");
    }

    #[cfg(unix)]
    #[test]
    fn a_session_that_is_not_a_file_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path());
        std::os::unix::fs::symlink("/dev/zero", store.path("zero")).unwrap();
        let err = store.load("zero").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let made = std::process::Command::new("mkfifo")
            .arg(store.path("fifo"))
            .status()
            .unwrap();
        assert!(made.success());
        let err = store.load("fifo").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn an_id_never_reaches_outside_the_state_folder() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("keep.json");
        fs::write(&outside, "{}").unwrap();
        let store = Store::at(&dir.path().join("state"));
        for id in ["../keep", "..", "a/b", ""] {
            assert!(
                matches!(store.remove(id), Err(StoreError::Unknown(_))),
                "{id}"
            );
            assert!(
                matches!(store.load(id), Err(StoreError::Unknown(_))),
                "{id}"
            );
        }
        assert!(outside.exists());
    }

    #[test]
    fn a_session_that_cannot_be_saved_says_where_and_how_to_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        fs::write(&not_a_folder, "").unwrap();
        let err = Store::at(&not_a_folder)
            .save(&session("photos-not-uploading"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&not_a_folder.display().to_string()), "{err}");
        assert!(err.contains("fieldfix fix --resume"), "{err}");
    }

    #[test]
    fn a_resumed_session_is_checked_and_made_safe() {
        let library = crate::guides::embedded::library();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path());
        let mut s = session("photos-not-uploading");
        s.started = "today\u{1b}]52;c;ZXZpbA==\u{7}".to_owned();
        store.save(&s).unwrap();
        let loaded = store.check(store.load(&s.id).unwrap(), &library).unwrap();
        assert_eq!(loaded.started, "today\\u{1b}]52;c;ZXZpbA==\\u{7}");
        let mut broken = Vec::new();
        broken.push({
            let mut b = session("photos-not-uploading");
            b.walk.guide = "no-such-guide".into();
            b
        });
        let mut b = s.clone();
        b.walk
            .situation
            .answers
            .insert("device".into(), "toaster".into());
        broken.push(b);
        let mut b = s.clone();
        b.walk.situation.tried.push("no-such-step".into());
        broken.push(b);
        let mut b = s.clone();
        b.walk.asked.push("no-such-question".into());
        broken.push(b);
        for b in broken {
            let err = store.check(b, &library).unwrap_err();
            assert!(matches!(err, StoreError::Unreadable { .. }), "{err}");
        }
    }
}

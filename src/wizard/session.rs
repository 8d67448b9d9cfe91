//! A wizard session: everything the user has said so far, saved after every answer so that
//! Ctrl-C, Esc or a crash never loses work, and `fieldfix fix --resume` continues it.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Situation;

/// The version of the saved session format.
const SESSION_VERSION: u32 = 1;
const SESSION_FILE: &str = "session.json";

/// Where the wizard is in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Questions,
    Steps,
    Escalate,
}

/// What came of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepResult {
    Fixed,
    DidNotHelp,
    Skipped,
    NeedsAdmin,
}

impl StepResult {
    pub fn label(self) -> &'static str {
        match self {
            StepResult::Fixed => "fixed it",
            StepResult::DidNotHelp => "did not help",
            StepResult::Skipped => "skipped",
            StepResult::NeedsAdmin => "needs an admin",
        }
    }
}

/// One step and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub guide: String,
    pub step: String,
    pub title: String,
    pub result: StepResult,
    pub at: String,
}

/// The whole state of a wizard session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub version: u32,
    pub guide: String,
    pub situation: Situation,
    /// Questions already put to the user (answered or "I don't know").
    pub asked: Vec<String>,
    pub log: Vec<Outcome>,
    pub phase: Phase,
    /// The escalation facts collected so far: provide id to value.
    pub provided: BTreeMap<String, String>,
    pub started: String,
    /// Earlier states, for "Back".
    #[serde(default)]
    pub undo: Vec<Session>,
}

impl Session {
    pub fn new(guide: &str, situation: Situation) -> Self {
        Session {
            version: SESSION_VERSION,
            guide: guide.to_owned(),
            situation,
            asked: Vec::new(),
            log: Vec::new(),
            phase: Phase::Questions,
            provided: BTreeMap::new(),
            started: now(),
            undo: Vec::new(),
        }
    }

    /// Remembers the current state so that "Back" can return to it.
    pub fn checkpoint(&mut self) {
        let mut copy = self.clone();
        copy.undo.clear();
        self.undo.push(copy);
    }

    /// Returns to the last checkpoint; false when there is none.
    pub fn back(&mut self) -> bool {
        match self.undo.pop() {
            Some(mut previous) => {
                previous.undo = std::mem::take(&mut self.undo);
                *self = previous;
                true
            }
            None => false,
        }
    }
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

/// Saves and loads the session in the user's state folder.
pub struct Store {
    dir: PathBuf,
}

/// The session file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no saved session in {}: start one with `fieldfix fix`", .0.display())]
    Missing(PathBuf),
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
}

impl Store {
    /// The platform's usual state folder (`FIELDFIX_STATE_DIR` overrides it).
    pub fn default_location() -> Self {
        let dir = crate::input::env_path("FIELDFIX_STATE_DIR")
            .or_else(|| {
                directories::ProjectDirs::from("", "", "fieldfix").map(|d| {
                    d.state_dir()
                        .unwrap_or_else(|| d.data_local_dir())
                        .to_owned()
                })
            })
            .unwrap_or_else(|| std::env::temp_dir().join("fieldfix"));
        Store { dir }
    }

    pub fn at(dir: &Path) -> Self {
        Store {
            dir: dir.to_owned(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(SESSION_FILE)
    }

    /// Writes the session atomically: a temporary file, then a rename over the old one.
    pub fn save(&self, session: &Session) -> Result<(), StoreError> {
        let path = self.path();
        let write_err = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(write_err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(write_err)?;
        serde_json::to_writer_pretty(&mut tmp, session).map_err(|e| write_err(e.into()))?;
        tmp.as_file_mut().flush().map_err(write_err)?;
        tmp.as_file().sync_all().map_err(write_err)?;
        tmp.persist(&path).map_err(|e| write_err(e.error))?;
        Ok(())
    }

    pub fn load(&self) -> Result<Session, StoreError> {
        let path = self.path();
        if fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            return Err(StoreError::Missing(path));
        }
        let text = crate::input::read_text(&path, MAX_SESSION_BYTES).map_err(|e| {
            StoreError::Unreadable {
                path: path.clone(),
                message: e.reason,
            }
        })?;
        parse(&text).map_err(|message| StoreError::Unreadable { path, message })
    }

    /// The saved session, checked like any input against `library`: its guide, answers,
    /// steps, questions asked and facts must all exist there.
    pub fn load_for(&self, library: &crate::guides::Library) -> Result<Session, StoreError> {
        let mut session = self.load()?;
        let unusable = |message: String| StoreError::Unreadable {
            path: self.path(),
            message,
        };
        let Some(guide) = library.guide(&session.guide) else {
            return Err(unusable(format!(
                "it is for the guide `{}`, which does not exist",
                session.guide
            )));
        };
        crate::engine::check_situation(&library.context, guide, &session.situation)
            .map_err(|e| unusable(e.to_string()))?;
        let known_question = |id: &String| {
            library
                .context
                .iter()
                .chain(&guide.questions)
                .any(|q| q.id == *id)
        };
        if let Some(q) = session.asked.iter().find(|q| !known_question(q)) {
            return Err(unusable(format!("it asked the unknown question `{q}`")));
        }
        let known_step = |o: &Outcome| library.guide(&o.guide).and_then(|g| g.step(&o.step));
        if let Some(o) = session.log.iter().find(|o| known_step(o).is_none()) {
            return Err(unusable(format!("it tried the unknown step `{}`", o.step)));
        }
        let known_fact = |id: &String| guide.escalate.provide.iter().any(|p| p.id == *id);
        if let Some(id) = session.provided.keys().find(|id| !known_fact(id)) {
            return Err(unusable(format!("it holds the unknown fact `{id}`")));
        }
        // The free text it holds is shown again: make it safe to print.
        let safe = |s: &mut String| *s = crate::safe::line(s).into_owned();
        safe(&mut session.started);
        for o in &mut session.log {
            safe(&mut o.title);
            safe(&mut o.at);
        }
        for value in session.provided.values_mut() {
            safe(value);
        }
        Ok(session)
    }

    /// Removes the saved session (a finished session is not resumed).
    pub fn clear(&self) {
        let _ = fs::remove_file(self.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_returns_to_the_last_checkpoint_and_keeps_older_ones() {
        let mut s = Session::new("photos-not-uploading", Situation::default());
        s.checkpoint();
        s.situation.answers.insert("device".into(), "ios".into());
        s.checkpoint();
        s.situation.answers.insert("network".into(), "weak".into());
        assert!(s.back());
        assert_eq!(s.situation.answers.len(), 1);
        assert!(s.back());
        assert!(s.situation.answers.is_empty());
        assert!(!s.back());
    }

    #[test]
    fn saved_sessions_load_back_identically() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path());
        assert!(matches!(store.load(), Err(StoreError::Missing(_))));
        let mut s = Session::new("rfi-not-updating", Situation::default());
        s.checkpoint();
        s.phase = Phase::Steps;
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        fs::write(store.path(), "{ not json").unwrap();
        assert!(matches!(store.load(), Err(StoreError::Unreadable { .. })));
        store.clear();
        assert!(matches!(store.load(), Err(StoreError::Missing(_))));
    }

    #[cfg(unix)]
    #[test]
    fn a_session_that_is_not_a_file_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path());
        std::os::unix::fs::symlink("/dev/zero", store.path()).unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        fs::remove_file(store.path()).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(store.path())
            .status()
            .unwrap();
        assert!(made.success());
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn a_session_that_cannot_be_saved_says_where_and_how_to_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        fs::write(&not_a_folder, "").unwrap();
        let err = Store::at(&not_a_folder)
            .save(&Session::new("photos", Situation::default()))
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
        let mut s = Session::new("photos-not-uploading", Situation::default());
        s.started = "today\u{1b}]52;c;ZXZpbA==\u{7}".to_owned();
        store.save(&s).unwrap();
        let loaded = store.load_for(&library).unwrap();
        assert_eq!(loaded.started, "today\\u{1b}]52;c;ZXZpbA==\\u{7}");
        let broken = [
            ("guide", Session::new("no-such-guide", Situation::default())),
            ("answer", {
                let mut b = s.clone();
                b.situation
                    .answers
                    .insert("device".into(), "toaster".into());
                b
            }),
            ("step", {
                let mut b = s.clone();
                b.situation.tried.push("no-such-step".into());
                b
            }),
            ("asked", {
                let mut b = s.clone();
                b.asked.push("no-such-question".into());
                b
            }),
        ];
        for (what, session) in broken {
            store.save(&session).unwrap();
            let err = store.load_for(&library).unwrap_err().to_string();
            assert!(
                err.contains("cannot read the saved session"),
                "{what}: {err}"
            );
        }
    }
}

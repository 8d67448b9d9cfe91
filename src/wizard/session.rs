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
    /// The problem in the user's own words, from the first screen.
    #[serde(default)]
    pub described: String,
    /// Shared questions the description already answers, not yet applied: question id to
    /// the answer and the words that said so.
    #[serde(default)]
    pub presumed: BTreeMap<String, Presumed>,
}

/// A shared question answered by the user's own words ("iPad" for the device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presumed {
    pub value: String,
    pub said: String,
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
            described: String::new(),
            presumed: BTreeMap::new(),
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

/// Saves and loads the session in the user's state folder.
pub struct Store {
    dir: PathBuf,
}

/// The session file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no saved session in {}: start one with `fieldfix fix`", .0.display())]
    Missing(PathBuf),
    #[error("cannot read the saved session {}: {message}; delete it to start afresh", path.display())]
    Unreadable { path: PathBuf, message: String },
    #[error("cannot save the session in {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Store {
    /// The platform's usual state folder (`FIELDFIX_STATE_DIR` overrides it).
    pub fn default_location() -> Self {
        let dir = std::env::var_os("FIELDFIX_STATE_DIR")
            .map(PathBuf::from)
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
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing(path));
            }
            Err(e) => {
                return Err(StoreError::Unreadable {
                    path,
                    message: e.to_string(),
                });
            }
        };
        let session: Session = serde_json::from_str(&text).map_err(|e| StoreError::Unreadable {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if session.version != SESSION_VERSION {
            return Err(StoreError::Unreadable {
                path,
                message: format!(
                    "it was saved by another version of fieldfix (format {})",
                    session.version
                ),
            });
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
}

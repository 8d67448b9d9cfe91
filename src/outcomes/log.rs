//! The local outcome log: a JSON Lines file in fieldfix's state folder, one record per line.
//!
//! One line is appended with one `write_all` on a file opened for appending, so two wizards
//! ending at once each add a whole line (appends of a small line land whole on every platform
//! fieldfix runs on). A crash mid-write leaves at most a torn last line: the next append starts
//! on a fresh line, and readers skip the torn one with a warning. When the log passes a size
//! cap it is renamed to `outcomes.1.jsonl` (replacing the one before) and a new one is started,
//! so the two together never hold much more than twice the cap.

use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::record::Record;

/// The log's file name.
pub const LOG_FILE: &str = "outcomes.jsonl";
/// The previous log, after a rotation.
pub const ROTATED_FILE: &str = "outcomes.1.jsonl";
/// The size at which the log is rotated: a record is a few hundred bytes, so thousands of
/// sessions.
pub const MAX_LOG_BYTES: u64 = 2 * 1024 * 1024;

/// The outcome log in one folder.
#[derive(Debug, Clone)]
pub struct Log {
    dir: PathBuf,
    cap: u64,
}

/// The log cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the outcome log {}: {source}", crate::safe::path(path))]
pub struct LogError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl Log {
    /// The log in `dir` (created on the first append), rotated at [`MAX_LOG_BYTES`].
    pub fn in_dir(dir: &Path) -> Self {
        Log {
            dir: dir.to_owned(),
            cap: MAX_LOG_BYTES,
        }
    }

    /// The log in fieldfix's state folder (see [`state_dir`]).
    pub fn default_location() -> Self {
        Log::in_dir(&state_dir())
    }

    /// The file records are appended to.
    pub fn path(&self) -> PathBuf {
        self.dir.join(LOG_FILE)
    }

    /// The log's files that exist, oldest first (the rotated one, then the current one).
    pub fn files(&self) -> Vec<PathBuf> {
        [self.dir.join(ROTATED_FILE), self.path()]
            .into_iter()
            .filter(|p| p.is_file())
            .collect()
    }

    /// Appends one record as one line, rotating first when the log is over its cap.
    pub fn append(&self, record: &Record) -> Result<(), LogError> {
        let path = self.path();
        let fail = |source| LogError {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(fail)?;
        if fs::metadata(&path).is_ok_and(|m| m.len() >= self.cap) {
            // Best effort: if another wizard rotated it a moment ago, ours fails and is fine.
            let _ = fs::rename(&path, self.dir.join(ROTATED_FILE));
        }
        let mut line = serde_json::to_string(record).map_err(|e| fail(e.into()))?;
        line.push('\n');
        if !ends_in_newline(&path) {
            // A crash cut the last line short: start ours on a line of its own.
            line.insert(0, '\n');
        }
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(fail)?;
        file.write_all(line.as_bytes()).map_err(fail)
    }
}

/// fieldfix's own state folder, where the wizard keeps saved sessions and the outcome log:
/// `FIELDFIX_STATE_DIR` when set, else the platform's usual one (the XDG state folder on Linux,
/// the local application data folder on macOS and Windows).
pub fn state_dir() -> std::path::PathBuf {
    crate::input::env_path("FIELDFIX_STATE_DIR")
        .or_else(|| {
            directories::ProjectDirs::from("", "", "fieldfix").map(|d| {
                d.state_dir()
                    .unwrap_or_else(|| d.data_local_dir())
                    .to_owned()
            })
        })
        .unwrap_or_else(|| std::env::temp_dir().join("fieldfix"))
}

/// Whether the file at `path` is missing, empty or ends in a line break.
fn ends_in_newline(path: &Path) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return true;
    };
    if file.seek(SeekFrom::End(-1)).is_err() {
        return true;
    }
    let mut last = [0u8; 1];
    file.read_exact(&mut last)
        .map_or(true, |()| last[0] == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_line_stays_apart() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::in_dir(&dir.path().join("state"));
        log.append(&Record::sample("a")).unwrap();
        log.append(&Record::sample("b")).unwrap();
        let mut f = OpenOptions::new().append(true).open(log.path()).unwrap();
        f.write_all(br#"{"record":1,"fiel"#).unwrap();
        log.append(&Record::sample("c")).unwrap();
        let text = fs::read_to_string(log.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[2], r#"{"record":1,"fiel"#);
        assert!(lines[3].contains(r#""session":"c""#));
    }

    #[test]
    fn the_log_rotates_at_its_cap_and_keeps_one_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log {
            cap: 600,
            ..Log::in_dir(dir.path())
        };
        for i in 0..10 {
            log.append(&Record::sample(&format!("s{i}"))).unwrap();
        }
        let files = log.files();
        assert_eq!(files.len(), 2);
        let total: u64 = files.iter().map(|f| fs::metadata(f).unwrap().len()).sum();
        assert!(total <= 2 * 600 + 400, "{total}");
        let current = fs::read_to_string(log.path()).unwrap();
        assert!(current.contains(r#""session":"s9""#));
    }
}

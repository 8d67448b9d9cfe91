//! One outcome record: how a wizard session ended, which steps it tried with what result, and
//! the content hash that ties it to the guide as it was used. Values only: no free text, no
//! ticket details, no names, emails or file names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::guides::model::Guide;

/// The version of the record format (the `record` field); bumped on incompatible changes.
pub const RECORD_VERSION: u32 = 1;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ending {
    /// A step fixed it.
    Fixed,
    /// Not fixed: a support ticket was written.
    Ticket,
    /// Saved to be resumed later (a resumed session logs again when it ends).
    Saved,
    /// The saved session was discarded.
    Abandoned,
}

impl Ending {
    /// Whether the session is over: fixed or handed over with a ticket.
    pub fn finished(self) -> bool {
        matches!(self, Ending::Fixed | Ending::Ticket)
    }
}

/// What came of one step: the shared walk's.
pub use fieldfix_engine::walk::StepResult;

/// One step offered, and its result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StepOutcome {
    pub step: String,
    pub result: StepResult,
}

/// One "It's a different problem" switch in the wizard: the shared walk's.
pub use fieldfix_engine::walk::Switch;

/// One line of the outcome log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The record format version, [`RECORD_VERSION`].
    pub record: u32,
    /// The fieldfix version that wrote it.
    pub fieldfix: String,
    pub guide: String,
    /// [`guide_hash`] of the guide as used (company guides and overrides included).
    pub guide_hash: String,
    /// The session's id: a later record of the same session (resumed) replaces an earlier one.
    pub session: String,
    /// Question id to the value chosen (shared and guide questions).
    pub answers: BTreeMap<String, String>,
    /// Questions answered "I don't know".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The steps with a result, in the order they were offered.
    pub steps: Vec<StepOutcome>,
    pub outcome: Ending,
    /// Minutes spent in the wizard on this session (earlier runs of a resumed one included).
    pub minutes: f64,
    /// When it ended, in UTC (RFC 3339).
    pub at: String,
    /// The switches to another guide, in order (absent in logs written before fieldfix kept
    /// them, and when there were none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switches: Vec<Switch>,
}

/// The content hash of a guide as used: the first 16 hex digits of the SHA-256 of its model as
/// JSON, without the file it came from (a path that differs between machines). Any change to
/// its text, numbers or structure, an override's included, gives another hash.
pub fn guide_hash(guide: &Guide) -> String {
    let mut canonical = guide.clone();
    canonical.file.clear();
    let json = serde_json::to_vec(&canonical).expect("a guide serialises");
    let mut hex = crate::sha256_hex(&json);
    hex.truncate(16);
    hex
}

/// The time now in UTC, to the second, as a record's `at`.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

#[cfg(test)]
impl Record {
    /// A record of the session `session` for the tests: fixed in a minute, no steps.
    pub(crate) fn sample(session: &str) -> Record {
        Record {
            record: RECORD_VERSION,
            fieldfix: "0.1.0".into(),
            guide: "g".into(),
            guide_hash: "0011223344556677".into(),
            session: session.into(),
            answers: BTreeMap::new(),
            unknown: vec![],
            steps: vec![],
            outcome: Ending::Fixed,
            minutes: 1.0,
            at: "2026-01-01T00:00:00Z".into(),
            switches: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_content_not_the_file_path() {
        let library = crate::guides::embedded::library();
        let guide = library.guide("photos-not-uploading").unwrap();
        let hash = guide_hash(guide);
        assert_eq!(hash.len(), 16);
        let mut moved = guide.clone();
        moved.file = "/somewhere/else.yaml".into();
        assert_eq!(guide_hash(&moved), hash);
        let mut tuned = guide.clone();
        tuned.steps[0].success = 0.5;
        assert_ne!(guide_hash(&tuned), hash);
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let record = Record {
            answers: [("device".to_owned(), "ios".to_owned())].into(),
            steps: vec![StepOutcome {
                step: "s".into(),
                result: StepResult::DidNotHelp,
            }],
            outcome: Ending::Ticket,
            minutes: 4.5,
            at: now(),
            ..Record::sample("20260101-101010-1")
        };
        let line = serde_json::to_string(&record).unwrap();
        assert!(line.contains(r#""result":"did-not-help""#), "{line}");
        assert!(!line.contains("unknown"), "{line}");
        assert!(!line.contains("switches"), "{line}");
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), record);
        let switched = Record {
            switches: vec![Switch {
                from: "login-loop".into(),
                to: "two-step-login".into(),
            }],
            ..record
        };
        let line = serde_json::to_string(&switched).unwrap();
        assert!(
            line.contains(r#""switches":[{"from":"login-loop","to":"two-step-login"}]"#),
            "{line}"
        );
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), switched);
    }
}

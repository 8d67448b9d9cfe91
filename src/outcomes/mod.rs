//! The outcome log and what is learnt from it: each wizard session leaves one small record
//! ([`record`], written by [`session_log`]) in a local log ([`log`]); an admin collects the logs of a crew ([`read`]),
//! sees what fixed what ([`summary`], `fieldfix outcomes`) and turns them into better numbers
//! for the guides ([`tune`], `fieldfix tune`). docs/outcomes.md describes the record format.

pub mod beta;
pub mod log;
pub mod read;
pub mod record;
pub mod session_log;
pub mod summary;
pub mod tune;

pub use log::{Log, LogError};
pub use read::{ReadError, Records};
pub use record::{Ending, RECORD_VERSION, Record, StepOutcome, StepResult, Switch, guide_hash};

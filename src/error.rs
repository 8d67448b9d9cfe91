//! The errors the commands report, and the exit code each maps to.

use std::path::PathBuf;

use crate::engine::InputError;
use crate::guides::LoadError;
use crate::guides::LookupError;

/// The documented exit codes.
pub mod exit {
    /// Success: fixed, or the command did what was asked.
    pub const OK: u8 = 0;
    /// A runtime error, or invalid guides.
    pub const FAILURE: u8 = 1;
    /// A usage error: bad flag, unknown guide, question, value or step.
    pub const USAGE: u8 = 2;
    /// Not fixed: a support ticket was written.
    pub const ESCALATE: u8 = 3;
    /// Interrupted by Ctrl-C or Esc; the session was saved.
    pub const INTERRUPTED: u8 = 130;
}

/// Something the user asked for cannot be done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Lookup(#[from] LookupError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    Usage(String),
    #[error("answers file {}: {message}", path.display())]
    AnswersFile { path: PathBuf, message: String },
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{0}")]
    NoTerminal(String),
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Lookup(_)
            | Error::Input(_)
            | Error::Usage(_)
            | Error::AnswersFile { .. }
            | Error::NoTerminal(_) => exit::USAGE,
            Error::Load(_) => exit::FAILURE,
            Error::Interrupted => exit::INTERRUPTED,
        }
    }
}

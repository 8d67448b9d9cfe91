//! The errors the commands report, and the exit code each maps to.

use std::path::PathBuf;

use crate::engine::InputError;
use crate::guides::LoadError;
use crate::guides::LookupError;

/// The documented exit codes, and the table `--help` and the manual page show for them: this is
/// their one source.
pub mod exit {
    /// Success: fixed, or the command did what was asked.
    pub const OK: u8 = 0;
    /// A runtime error, invalid guides (`validate`), or files that will fail (`preflight`).
    pub const FAILURE: u8 = 1;
    /// A usage error: bad flag, unknown guide, question, value or step, or an input file that
    /// cannot be used (answers file, outcome log).
    pub const USAGE: u8 = 2;
    /// Not fixed: a support ticket was written.
    pub const ESCALATE: u8 = 3;
    /// Interrupted by Ctrl-C or Esc; the session was saved.
    pub const INTERRUPTED: u8 = 130;

    /// The exit codes as `--help` lists them (the manual's EXIT STATUS section is built from it).
    pub const HELP: &str = "\
Exit codes:
  0    success (the problem is fixed, or the command did what was asked)
  1    runtime error, invalid guides (validate), or files that will fail (preflight)
  2    usage error: bad flag; unknown guide, question, value or step; unusable input file
  3    escalate: not fixed, a support ticket was written
  130  interrupted (Ctrl-C or Esc); saved unless said otherwise: `fieldfix fix --resume`";
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
    /// An outcome log that is missing, unreadable or not a log.
    #[error(transparent)]
    Outcomes(#[from] crate::outcomes::ReadError),
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
            | Error::Outcomes(_) => exit::USAGE,
            Error::Load(_) => exit::FAILURE,
            Error::Interrupted => exit::INTERRUPTED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exit;

    #[test]
    fn the_help_table_lists_every_exit_code_once() {
        let listed: Vec<&str> = exit::HELP
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let codes = [
            exit::OK,
            exit::FAILURE,
            exit::USAGE,
            exit::ESCALATE,
            exit::INTERRUPTED,
        ];
        let codes: Vec<String> = codes.iter().map(u8::to_string).collect();
        assert_eq!(listed, codes);
    }
}

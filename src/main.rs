//! The `fieldfix` binary: parse the command line, run, exit with a documented code.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(fieldfix::app::main(fieldfix::cli::parse()))
}

//! The `fieldfix` binary: parse the command line, run, exit with a documented code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ExitCode::from(fieldfix::app::main(fieldfix::cli::Cli::parse()))
}

//! The top of the program: turns the parsed command line into a call of the right front end,
//! and any failure into a message and a documented exit code.

use std::io::Write;

use console::Term;

use crate::cli::{Cli, ColorChoice, Command, FixArgs, SchemaArgs};
use crate::commands::{self, Env};
use crate::error::{Error, exit};
use crate::guides::LoadError;
use crate::output::{Out, Paint};

/// Runs the command and returns the exit code, having reported any error on stderr.
pub fn main(cli: Cli) -> u8 {
    match run(cli) {
        Ok(code) => code,
        Err(err) => report(&err),
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let choice = match cli.shared.color {
        ColorChoice::Auto => None,
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
    };
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let mut out = Out {
        writer: &mut lock,
        paint: Paint::for_stream(&Term::stdout(), choice),
    };
    let (dir, no_log) = (cli.shared.guides, cli.shared.no_log);
    let env = &mut Env {
        guides: dir.as_deref(),
        out: &mut out,
    };
    match cli.command.unwrap_or(Command::Fix(FixArgs::default())) {
        Command::Fix(args) => commands::fix::run(args.into_request(no_log), env),
        Command::Sessions(args) => commands::sessions::run(&args.into_request(no_log), env),
        Command::Outcomes(args) => commands::outcomes::run(&args.into_request(), env),
        Command::Tune(args) => commands::tune::run(&args.into_request(dir.clone()), env),
        Command::Diagnose(args) => commands::diagnose::run(&args.into_request(), env),
        Command::Search(args) => commands::search::run(&args.into_request(), env),
        Command::List(args) => commands::list::run(&args.into_request(), env),
        Command::Show(args) => commands::show::run(&args.into_request(), env),
        Command::Validate(args) => commands::validate::run(&args.into_request(), env),
        Command::Preflight(args) => commands::preflight::run(&args.to_request(), env),
        Command::Schema(SchemaArgs {}) => commands::schema::run(env),
        Command::New(args) => commands::new::run(&args.to_request(dir.clone()), env),
        Command::Export(args) => commands::export::run(&args.into_request(), env),
        Command::Completions(args) => commands::completions::run(&args.into_request(), env),
        Command::Man(args) => commands::man::run(&args.into_request(), env),
    }
}

/// How many guide problems an error shows before "…and N more".
const SHOWN_PROBLEMS: usize = 10;

/// Prints the error (and, for invalid guides, each problem) and picks the exit code.
fn report(err: &anyhow::Error) -> u8 {
    let broken_pipe = err
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe);
    if broken_pipe {
        return exit::OK;
    }
    let ours = err.chain().find_map(|e| e.downcast_ref::<Error>());
    let paint = Paint::for_stream(&Term::stderr(), None);
    let mut stderr = std::io::stderr().lock();
    if let Some(Error::Load(LoadError::Invalid(problems))) = ours {
        // A screenful at most.
        for p in problems.iter().take(SHOWN_PROBLEMS) {
            let _ = writeln!(stderr, "{} {p}\n", paint.bad("error:"));
        }
        if problems.len() > SHOWN_PROBLEMS {
            let more = crate::output::thousands(problems.len() - SHOWN_PROBLEMS);
            let _ = writeln!(
                stderr,
                "…and {more} more; run `fieldfix validate DIR` for the full list\n"
            );
        }
    }
    if let Some(Error::Interrupted) = ours {
        return exit::INTERRUPTED;
    }
    // Errors quote paths, flags and values from outside: never print them raw. On a terminal
    // each line is wrapped between words to its width (a 50-column window would break them
    // mid-word); a pipe gets the lines as they are.
    let message = crate::safe::text(&format!("{err:#}")).into_owned();
    let text = if Term::stderr().is_term() {
        message
            .lines()
            .enumerate()
            .map(|(i, line)| paint.wrap(line, if i == 0 { "error: " } else { "" }, ""))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        format!("error: {message}")
    };
    // The label is coloured after wrapping: its colour codes take no room on screen.
    let text = text.strip_prefix("error:").unwrap_or(&text);
    let _ = writeln!(stderr, "{}{text}", paint.bad("error:"));
    ours.map_or(exit::FAILURE, Error::exit_code)
}

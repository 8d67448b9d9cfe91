//! The top of the program: turns the parsed command line into a call of the right front end,
//! and any failure into a message and a documented exit code.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use console::Term;

use crate::cli::{Cli, ColorChoice, Command, Deferred};
use crate::commands;
use crate::error::{Error, exit};
use crate::guides::{Library, LoadError};
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
    let dir = cli.shared.guides.as_deref();

    if let Some(code) = run_without_library(&cli.command, dir, &mut out) {
        return code;
    }
    let library = library_for(cli.command.as_ref(), dir)?;
    run_with_library(cli.command, &library, (dir, cli.shared.no_log), &mut out)
}

/// The commands that need no library, or load the guides their own way; `None` for the others.
fn run_without_library(
    command: &Option<Command>,
    dir: Option<&Path>,
    out: &mut Out,
) -> Option<anyhow::Result<u8>> {
    // `validate` reports broken guides itself; everything else needs a loadable library.
    if let Some(Command::Validate(Deferred(args))) = command {
        return Some(commands::validate(
            args.dir.as_deref().or(dir),
            args.strict,
            args.format.into(),
            out,
        ));
    }
    if let Some(Command::Preflight(Deferred(args))) = command {
        return Some(crate::preflight::run(&args.to_request(), out));
    }
    // The admin commands that need no library (or load the guides their own way).
    match command {
        Some(Command::Schema(Deferred(_))) => return Some(commands::admin::schema(out)),
        Some(Command::Man(Deferred(args))) => {
            return Some(commands::admin::man(
                Cli::command(),
                args.command.as_deref(),
                out,
            ));
        }
        Some(Command::Completions(Deferred(args))) => {
            let guides = commands::admin::completion_guides(dir);
            return Some(commands::admin::completions(
                Cli::command(),
                args.shell,
                &guides,
                out,
            ));
        }
        Some(Command::New(Deferred(args))) => {
            let request = args.to_request(dir.map(ToOwned::to_owned));
            return Some(commands::new::new_guide(&request, out));
        }
        _ => {}
    }
    // `diagnose` on the built-in guides needs one guide: load only that one (start-up speed).
    if let (Some(Command::Diagnose(Deferred(args))), None) = (command, dir) {
        let library = match crate::guides::embedded::library_with(&args.guide) {
            Ok(library) => library,
            Err(e) => return Some(Err(Error::from(e).into())),
        };
        let request = args.to_request();
        let code = commands::diagnose(&library, &request, args.format.into(), out);
        // The process ends next, and the system takes its memory back whole: dropping the
        // guide would free it string by string (about 4% of a JSON `diagnose` run).
        std::mem::forget(library);
        return Some(code);
    }
    None
}

/// The library for the other commands. Export publishes the folder, so it must load whole; the
/// read commands and the wizard go on with every guide that is fine.
fn library_for(command: Option<&Command>, dir: Option<&Path>) -> anyhow::Result<Library> {
    Ok(if let Some(Command::Export(Deferred(_))) = command {
        commands::load_library(dir).with_context(|| match dir {
            Some(dir) => format!("cannot load the guides in {}", dir.display()),
            None => "cannot load the built-in guides".to_owned(),
        })?
    } else {
        let (library, warning) = commands::load_library_lenient(dir);
        if let Some(warning) = warning {
            let paint = Paint::for_stream(&Term::stderr(), None);
            let _ = writeln!(std::io::stderr(), "{} {warning}", paint.warn("warning:"));
        }
        library
    })
}

/// The commands that read the library.
fn run_with_library(
    command: Option<Command>,
    library: &Library,
    (dir, no_log): (Option<&Path>, bool),
    out: &mut Out,
) -> anyhow::Result<u8> {
    match command {
        Some(Command::List(Deferred(args))) => commands::list(library, args.format.into(), out),
        Some(Command::Show(Deferred(args))) => {
            commands::show(library, &args.guide, args.format.into(), out)
        }
        Some(Command::Search(Deferred(args))) => commands::search(
            library,
            &args.text.join(" "),
            usize::from(args.limit),
            args.format.into(),
            out,
        ),
        Some(Command::Diagnose(Deferred(args))) => {
            let request = args.to_request();
            commands::diagnose(library, &request, args.format.into(), out)
        }
        Some(Command::Fix(Deferred(args))) => {
            crate::wizard::run(library, args.into_request(no_log), out)
        }
        Some(Command::Sessions(Deferred(args))) => {
            crate::wizard::sessions(library, &args.into_request(no_log), out)
        }
        None => {
            let request = crate::cli::FixArgs::default().into_request(no_log);
            crate::wizard::run(library, request, out)
        }
        Some(Command::Outcomes(Deferred(args))) => {
            commands::outcomes::outcomes(library, &args.into_request(), out)
        }
        Some(Command::Tune(Deferred(args))) => {
            commands::tune::tune(library, &args.into_request(dir.map(Path::to_owned)), out)
        }
        Some(Command::Export(Deferred(args))) => {
            commands::export::export(library, &args.into_request(), out)
        }
        Some(
            Command::Validate(Deferred(_))
            | Command::Preflight(Deferred(_))
            | Command::Schema(Deferred(_))
            | Command::Man(Deferred(_))
            | Command::Completions(Deferred(_))
            | Command::New(Deferred(_)),
        ) => unreachable!("handled above"),
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
            let more = commands::thousands(problems.len() - SHOWN_PROBLEMS);
            let _ = writeln!(
                stderr,
                "…and {more} more; run `fieldfix validate DIR` for the full list\n"
            );
        }
    }
    if let Some(Error::Interrupted) = ours {
        return exit::INTERRUPTED;
    }
    // Errors quote paths, flags and values from outside: never print them raw.
    let message = format!("{err:#}");
    let _ = writeln!(
        stderr,
        "{} {}",
        paint.bad("error:"),
        crate::safe::text(&message)
    );
    ours.map_or(exit::FAILURE, Error::exit_code)
}

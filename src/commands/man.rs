//! `fieldfix man`: the manual pages, in roff: printed one at a time, or all written into a
//! folder (`fieldfix.1` and `fieldfix-COMMAND.1`) for `man` and for packages.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Env;
use crate::error::{Error, exit};
use crate::guides::text;
use crate::output::Out;

/// What `fieldfix man` was asked for.
#[derive(Debug, Clone)]
pub struct ManRequest {
    /// The whole command line, to document.
    pub command: clap::Command,
    /// One command's page instead of the main one.
    pub page: Option<String>,
    /// Write every page into this folder instead of printing.
    pub out: Option<PathBuf>,
}

/// `fieldfix man [COMMAND] [--out DIR]`. Needs no guides.
pub fn run(request: &ManRequest, env: &mut Env) -> anyhow::Result<u8> {
    // The package version only: the pages document the program, and stay the same when the
    // built-in guides change (docs/man/ holds them for the release archives).
    let mut command = request
        .command
        .clone()
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    command.build();
    match (&request.out, &request.page) {
        (Some(dir), _) => write_all(&command, dir, env.out),
        (None, Some(name)) => {
            let sub = command
                .get_subcommands()
                .find(|s| s.get_name() == name)
                .ok_or_else(|| {
                    let names: Vec<&str> =
                        command.get_subcommands().map(|s| s.get_name()).collect();
                    Error::Usage(format!(
                        "there is no command `{}`; the commands are: {}",
                        text::sanitize(name),
                        names.join(", ")
                    ))
                })?;
            print(&command_page(sub)?, env.out)
        }
        (None, None) => print(&main_page(&command)?, env.out),
    }
}

fn print(roff: &[u8], out: &mut Out) -> anyhow::Result<u8> {
    out.writer.write_all(roff)?;
    out.writer.flush()?;
    Ok(exit::OK)
}

/// Writes `fieldfix.1` and `fieldfix-COMMAND.1` for every command (and `fieldfix-COMMAND-SUB.1`
/// for the commands that have their own), then names the folder on stderr.
fn write_all(command: &clap::Command, dir: &Path, out: &mut Out) -> anyhow::Result<u8> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(Error::Usage(format!(
            "{} is a file, not a folder",
            crate::safe::path(dir)
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", crate::safe::path(dir)))?;
    let mut pages = vec![("fieldfix.1".to_owned(), main_page(command)?)];
    let mut stack: Vec<&clap::Command> = command.get_subcommands().collect();
    while let Some(sub) = stack.pop() {
        let name = sub.get_display_name().unwrap_or(sub.get_name());
        pages.push((format!("{name}.1"), command_page(sub)?));
        stack.extend(sub.get_subcommands());
    }
    for (name, roff) in &pages {
        let path = dir.join(name);
        std::fs::write(&path, roff)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", crate::safe::path(&path)))?;
    }
    out.writer.flush()?;
    let _ = writeln!(
        std::io::stderr(),
        "Wrote {} manual pages to {}.",
        pages.len(),
        crate::safe::path(dir)
    );
    Ok(exit::OK)
}

/// One command's page: clap's sections, then EXAMPLES.
fn command_page(sub: &clap::Command) -> anyhow::Result<Vec<u8>> {
    // The Examples text at the end of `--help` becomes the EXAMPLES section instead.
    let sub = sub
        .clone()
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);
    // `fieldfix-sessions-discard` has the examples of `sessions discard`.
    let display = sub.get_display_name().unwrap_or(sub.get_name());
    let name = display
        .strip_prefix("fieldfix-")
        .unwrap_or(display)
        .replace('-', " ");
    let has_subcommands = sub.has_subcommands();
    let man = clap_mangen::Man::new(sub.version(env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    clap_sections(&man, &mut roff)?;
    if has_subcommands {
        man.render_subcommands_section(&mut roff)?;
    }
    roff.extend_from_slice(examples(&name).as_bytes());
    man.render_version_section(&mut roff)?;
    Ok(roff)
}

/// The main page: clap's sections, then EXAMPLES, ENVIRONMENT, FILES and EXIT STATUS.
fn main_page(command: &clap::Command) -> anyhow::Result<Vec<u8>> {
    let command = command.clone().after_help(None::<&str>);
    let man = clap_mangen::Man::new(command);
    let mut roff = Vec::new();
    clap_sections(&man, &mut roff)?;
    man.render_subcommands_section(&mut roff)?;
    roff.extend_from_slice(
        b".PP\nEach command has its own page, like \\fBfieldfix\\-diagnose\\fR(1): \\fBfieldfix man \\-\\-out\\fR \\fIDIR\\fR writes them all, \\fBfieldfix man\\fR \\fICOMMAND\\fR prints one.\n",
    );
    roff.extend_from_slice(examples("").as_bytes());
    roff.extend_from_slice(ENVIRONMENT.as_bytes());
    roff.extend_from_slice(FILES.as_bytes());
    roff.extend_from_slice(exit_status().as_bytes());
    man.render_version_section(&mut roff)?;
    Ok(roff)
}

/// clap's sections of a page, from the title to OPTIONS.
fn clap_sections(man: &clap_mangen::Man, roff: &mut Vec<u8>) -> std::io::Result<()> {
    man.render_title(roff)?;
    man.render_name_section(roff)?;
    man.render_synopsis_section(roff)?;
    man.render_description_section(roff)?;
    man.render_options_section(roff)
}

/// The EXAMPLES section: the lines `--help` ends with.
fn examples(command: &str) -> String {
    let mut roff = String::from(".SH EXAMPLES\n");
    for (line, what) in crate::cli::examples(command) {
        roff.push_str(&format!(
            ".PP\n{}\n.RS 4\n.EX\n{}\n.EE\n.RE\n",
            roff_text(what),
            roff_text(line)
        ));
    }
    roff
}

/// The environment variables fieldfix reads, and what each does.
const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBFIELDFIX_GUIDES\fR
The folder of company guides, as \fB\-\-guides\fR \fIDIR\fR (the flag wins). Empty counts as unset.
.TP
\fBFIELDFIX_STATE_DIR\fR
The folder for saved wizard sessions and the outcome log, instead of the platform's state folder (see FILES).
.TP
\fBFIELDFIX_CACHE_DIR\fR
The folder for the cache of company guide folders, instead of the platform's cache folder (see FILES).
.TP
\fBFIELDFIX_NO_LOG\fR
Set to a true value (anything but empty, 0, false, no, off, n or f): keep no outcome log, as \fB\-\-no\-log\fR.
.TP
\fBNO_COLOR\fR
Set and not empty: no colour in text output unless \fB\-\-color always\fR.
.TP
\fBTERM\fR
\fBdumb\fR: no colour or cursor movement, and the wizard runs in plain mode (numbered options), as \fB\-\-plain\fR.
"#;

/// Where fieldfix keeps things, per platform.
const FILES: &str = r#".SH FILES
.TP
State folder (saved sessions \fIID\fB.json\fR, the outcome log \fBoutcomes.jsonl\fR and \fBoutcomes.1.jsonl\fR)
Linux: \fI$XDG_STATE_HOME/fieldfix\fR, else \fI~/.local/state/fieldfix\fR.
.br
macOS: \fI~/Library/Application Support/fieldfix\fR.
.br
Windows: \fI%LOCALAPPDATA%\\fieldfix\\data\fR.
\fBFIELDFIX_STATE_DIR\fR replaces it.
.TP
Cache of company guide folders (safe to delete)
Linux: \fI$XDG_CACHE_HOME/fieldfix/guides\fR, else \fI~/.cache/fieldfix/guides\fR.
.br
macOS: \fI~/Library/Caches/fieldfix/guides\fR.
.br
Windows: \fI%LOCALAPPDATA%\\fieldfix\\cache\\guides\fR.
\fBFIELDFIX_CACHE_DIR\fR replaces it.
"#;

/// The EXIT STATUS section, from the table `--help` shows.
fn exit_status() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for line in exit::HELP
        .lines()
        .skip_while(|l| !l.trim().is_empty() && !l.starts_with(' '))
    {
        if let Some((code, meaning)) = line.trim().split_once(char::is_whitespace) {
            roff.push_str(&format!(
                ".TP\n\\fB{code}\\fR\n{}\n",
                roff_text(meaning.trim())
            ));
        }
    }
    roff
}

/// Plain text for a roff line: backslashes and dashes escaped, no line starting a request.
fn roff_text(s: &str) -> String {
    let escaped = s.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

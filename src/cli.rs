//! The command line: clap types only, converted once into the plain request types the
//! commands take.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::commands::DiagnoseRequest;
use crate::commands::diagnose::DiagnoseCommand;
use crate::commands::{completions, list, man, search, show, validate};
use crate::output::Format;

/// Parses the command line of this process. An empty `FIELDFIX_GUIDES` counts as unset (clap
/// alone would call it a missing value).
pub fn parse() -> Cli {
    // When the shell calls back to complete a word, this answers it and exits.
    completions::complete_if_asked(|| without_empty_guides_env(Cli::command()));
    let cmd = without_empty_guides_env(Cli::command());
    Cli::from_arg_matches(&cmd.get_matches()).unwrap_or_else(|e| e.exit())
}

/// `cmd` with `--guides` not read from an empty `FIELDFIX_GUIDES`.
fn without_empty_guides_env(cmd: clap::Command) -> clap::Command {
    if std::env::var_os("FIELDFIX_GUIDES").is_some_and(|v| v.is_empty()) {
        cmd.mut_arg("guides", |a| a.env(None::<&str>))
    } else {
        cmd
    }
}

pub use crate::guides::embedded::VERSION;

/// Walks construction teams through fixing Procore problems, one step at a time.
///
/// Run with no arguments for the interactive wizard. Admins can script the same engine with
/// `diagnose`, `search`, `list` and `show`, and check their own guides with `validate`.
#[derive(Debug, Parser)]
#[command(name = "fieldfix", version = VERSION, after_help = top_after_help(), max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub shared: Shared,
}

// The options every command takes (clap's global arguments). No doc comment: on a struct that
// is flattened, clap would take it for the command's description.
#[derive(Debug, Args)]
pub struct Shared {
    /// Folder of company guides: same id replaces a built-in guide, new ids are added.
    #[arg(long, global = true, env = "FIELDFIX_GUIDES", value_name = "DIR")]
    pub guides: Option<PathBuf>,

    /// When to use colour in text output (NO_COLOR is honoured).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Keep no local outcome log of wizard sessions (see `fieldfix outcomes`).
    #[arg(
        long,
        global = true,
        env = "FIELDFIX_NO_LOG",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub no_log: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fix a problem interactively, one step at a time (the default with no command).
    #[command(after_help = examples_help("fix"))]
    Fix(FixArgs),
    /// List the wizard sessions saved for `fix --resume`, or discard one.
    #[command(after_help = examples_help("sessions"))]
    Sessions(SessionsArgs),
    /// Summarise the local outcome log: how sessions ended, which steps fixed it.
    #[command(after_help = examples_help("outcomes"))]
    Outcomes(OutcomesArgs),
    /// Suggest better likelihoods and success chances from outcome logs collected from crews.
    ///
    /// Sessions count when their guide is the built-in one or the one in `--guides` as it is now
    /// (others are listed and skipped). Every suggestion comes with the sessions behind it and a
    /// 90% interval; `*` marks a change the data supports (the interval leaves out the current
    /// value). docs/outcomes.md explains the estimate and how to roll a change out.
    #[command(after_help = examples_help("tune"))]
    Tune(TuneArgs),
    /// Diagnose a problem from flags and print the plan; never asks anything.
    #[command(after_help = examples_help("diagnose"))]
    Diagnose(DiagnoseArgs),
    /// Find the guide for a problem described in your own words.
    #[command(after_help = examples_help("search"))]
    Search(SearchArgs),
    /// List the guides.
    #[command(after_help = examples_help("list"))]
    List(ListArgs),
    /// Show a whole guide.
    #[command(after_help = examples_help("show"))]
    Show(ShowArgs),
    /// Check guide files and report every problem with file, line and column.
    #[command(after_help = examples_help("validate"))]
    Validate(ValidateArgs),
    /// Find the files an upload will fail on (empty, not downloaded, bad names, wrong type,
    /// protected PDFs, big files) before anyone tries, each with the fix.
    #[command(after_help = examples_help("preflight"))]
    Preflight(PreflightArgs),
    /// Print the JSON Schema of the guide file format, for editors and CI checks.
    #[command(after_help = examples_help("schema"))]
    Schema(SchemaArgs),
    /// Write a starter guide, with comments on what goes where, into the `--guides` folder.
    #[command(after_help = examples_help("new"))]
    New(NewArgs),
    /// Write every guide as a folder of Markdown pages or a small offline website.
    #[command(after_help = examples_help("export"))]
    Export(ExportArgs),
    /// Print a shell completion script (guide ids included where the shell allows).
    ///
    /// In bash, zsh and fish the script asks fieldfix at each Tab: it offers the guides as they
    /// are then (company guides in `--guides` or FIELDFIX_GUIDES included, with no script to
    /// make again), and after `-a` the questions of the guide already typed, then their values.
    /// PowerShell and elvish get a script that completes commands, flags and fixed values.
    #[command(after_help = examples_help("completions"))]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout, or write every page into a folder.
    #[command(after_help = examples_help("man"))]
    Man(ManArgs),
}

/// The examples that end each command's help and fill the manual pages' EXAMPLES sections:
/// (command, [(command line, what it does)]), the lines README.md uses. `""` is the top level.
pub const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "",
        &[
            (
                "fieldfix",
                "the wizard: describe what is going wrong, or pick it from the list",
            ),
            (
                "fieldfix diagnose photos --device ios --network weak --format json",
                "the plan, for a script",
            ),
            (
                "fieldfix search \"pics stuck uploading on ipad\"",
                "find the guide for a problem in your own words",
            ),
        ],
    ),
    (
        "fix",
        &[
            (
                "fieldfix fix photos",
                "start on one guide (id, alias or unique prefix)",
            ),
            (
                "fieldfix fix pics stuck on my ipad",
                "words that are not a guide name are a description",
            ),
            (
                "fieldfix fix photos --device ios --network weak",
                "answers you already know are not asked",
            ),
            (
                "fieldfix fix --resume",
                "continue after Ctrl-C, Esc or \"Save and quit\"",
            ),
        ],
    ),
    (
        "sessions",
        &[
            ("fieldfix sessions", "the sessions waiting to be resumed"),
            ("fieldfix sessions --format json", "the same, for a script"),
            (
                "fieldfix sessions discard ID",
                "remove one (its ID is in the list)",
            ),
        ],
    ),
    (
        "outcomes",
        &[
            (
                "fieldfix outcomes",
                "this machine's log per guide: sessions, share fixed, steps that fixed it",
            ),
            (
                "fieldfix outcomes export > crew-a.jsonl",
                "the records as JSON Lines, for a shared drive",
            ),
        ],
    ),
    (
        "sessions discard",
        &[
            ("fieldfix sessions", "the saved sessions, each with its ID"),
            (
                "fieldfix sessions discard ID",
                "remove the session with that ID",
            ),
        ],
    ),
    (
        "outcomes export",
        &[
            (
                "fieldfix outcomes export > crew-a.jsonl",
                "the records as JSON Lines, for a shared drive",
            ),
            (
                "fieldfix tune crew-a.jsonl crew-b.jsonl",
                "then suggest better numbers from the crews' logs",
            ),
        ],
    ),
    (
        "tune",
        &[
            (
                "fieldfix tune /shared/logs --guides company/",
                "suggested numbers, each with its evidence",
            ),
            (
                "fieldfix tune /shared/logs --guides company/ --write tuned/",
                "the same as override files to review",
            ),
        ],
    ),
    (
        "diagnose",
        &[
            (
                "fieldfix diagnose photos --device ios --network weak --format json",
                "the plan, for a script",
            ),
            (
                "fieldfix diagnose photos --answers answers.yaml",
                "answers from a file: `question: value`, `tried: [...]`",
            ),
            (
                "fieldfix diagnose photos --describe \"pics stuck on my ipad, no signal\"",
                "the words answer device and network",
            ),
            (
                "fieldfix diagnose photos --tried check-status",
                "the next plan after a step that did not help",
            ),
        ],
    ),
    (
        "search",
        &[
            (
                "fieldfix search \"pics stuck uploading on ipad\"",
                "the guides that match, best first",
            ),
            (
                "fieldfix search pics stuck uploading --format json",
                "the same, for a script",
            ),
        ],
    ),
    (
        "list",
        &[
            (
                "fieldfix list",
                "every guide: id, title and what it is about",
            ),
            ("fieldfix list --format json", "the same, for a script"),
        ],
    ),
    (
        "show",
        &[
            (
                "fieldfix show permission-denied",
                "the whole guide: causes, steps, when to escalate",
            ),
            (
                "fieldfix show permission-denied --format markdown",
                "the same as Markdown, for a wiki",
            ),
        ],
    ),
    (
        "validate",
        &[
            (
                "fieldfix validate company/",
                "check guide files; every problem with file:line:col",
            ),
            (
                "fieldfix validate --strict company/",
                "and every cause and step must cite its source",
            ),
        ],
    ),
    (
        "preflight",
        &[
            (
                "fieldfix preflight \"Site photos\" drawings/",
                "folders are checked with everything in them",
            ),
            (
                "fieldfix preflight photos --network weak",
                "on a weak connection big files fail, not warn",
            ),
            (
                "fieldfix preflight photos --fix-names",
                "show a safe name for each bad one (dry run)",
            ),
            (
                "fieldfix preflight photos --fix-names --apply",
                "rename them; writes an undo list here",
            ),
        ],
    ),
    (
        "schema",
        &[(
            "fieldfix schema > guide.schema.json",
            "the JSON Schema of the guide format, for an editor",
        )],
    ),
    (
        "new",
        &[
            (
                "fieldfix new crane-log-frozen --title \"Crane log frozen\" --guides company/",
                "a commented starter guide",
            ),
            ("fieldfix validate company/", "then check it after editing"),
        ],
    ),
    (
        "export",
        &[
            (
                "fieldfix export --out site",
                "every guide as a small website that works offline",
            ),
            (
                "fieldfix export --out pages --format markdown",
                "every guide as Markdown pages",
            ),
        ],
    ),
    (
        "completions",
        &[
            (
                "fieldfix completions bash > ~/.local/share/bash-completion/completions/fieldfix",
                "bash",
            ),
            (
                "fieldfix completions zsh > ~/.zfunc/_fieldfix",
                "zsh, with fpath+=(~/.zfunc) before compinit",
            ),
            (
                "fieldfix completions fish > ~/.config/fish/completions/fieldfix.fish",
                "fish",
            ),
        ],
    ),
    (
        "man",
        &[
            (
                "fieldfix man --out ~/.local/share/man/man1",
                "every page, then `man fieldfix-diagnose`",
            ),
            ("fieldfix man diagnose", "print one command's page"),
        ],
    ),
];

/// The examples of `command` (`""` for the top level), as (command line, what it does).
pub fn examples(command: &str) -> &'static [(&'static str, &'static str)] {
    EXAMPLES
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[], |(_, lines)| lines)
}

/// The Examples section of a command's help: each line with its comment above it.
fn examples_help(command: &str) -> String {
    let mut text = String::from("Examples:\n");
    for (i, (line, what)) in examples(command).iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&format!("  # {what}\n  {line}\n"));
    }
    text.truncate(text.trim_end().len());
    text
}

/// The top level's help ends with the everyday lines, then the exit codes.
fn top_after_help() -> String {
    format!("{}\n\n{}", examples_help(""), crate::error::exit::HELP)
}

/// `schema` takes no arguments of its own.
#[derive(Debug, Args)]
pub struct SchemaArgs {}

/// Answers to the context and guide questions, shared by `diagnose` and `fix`.
#[derive(Debug, Clone, Args, Default)]
pub struct AnswerArgs {
    /// What you are using: computer, ios or android.
    #[arg(long, value_name = "DEVICE")]
    pub device: Option<String>,

    /// How the connection is: good, weak or offline.
    #[arg(long, value_name = "NETWORK")]
    pub network: Option<String>,

    /// Who has the problem: just-me or several-people.
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,

    /// Answer a guide question (repeatable), e.g. `-a what-happens=never-start`;
    /// `-a QUESTION=unknown` for "I don't know" (it is not suggested again).
    #[arg(short, long = "answer", value_name = "QUESTION=VALUE", value_parser = parse_answer)]
    pub answers: Vec<(String, String)>,

    /// A YAML or JSON file of answers (`question: value`, plus optional `tried:`/`skipped:` lists).
    /// Flags win over the file.
    #[arg(long = "answers", value_name = "FILE")]
    pub answers_file: Option<PathBuf>,

    /// A step already tried that did not help (repeatable, in the order tried).
    #[arg(long, value_name = "STEP")]
    pub tried: Vec<String>,

    /// A step to set aside without trying it (repeatable).
    #[arg(long, value_name = "STEP")]
    pub skip: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The guide: id, alias or unique prefix (see `fieldfix list`).
    pub guide: String,
    #[command(flatten)]
    pub answers: AnswerArgs,
    /// The problem in the user's words: the device or connection it mentions ("on my iPad",
    /// "no signal") answers those questions unless a flag does.
    #[arg(long, value_name = "TEXT")]
    pub describe: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

impl DiagnoseArgs {
    pub fn into_request(self) -> DiagnoseCommand {
        DiagnoseCommand {
            request: DiagnoseRequest {
                describe: self.describe,
                ..self.answers.into_request(Some(self.guide))
            },
            format: self.format.into(),
        }
    }
}

#[derive(Debug, Args, Default)]
pub struct FixArgs {
    /// The guide to start on (id, alias or unique prefix), or the problem in your own words.
    /// Without it, you are asked.
    #[arg(value_name = "GUIDE_OR_WORDS")]
    pub guide: Vec<String>,
    #[command(flatten)]
    pub answers: AnswerArgs,
    /// Continue the session saved when the wizard was last interrupted.
    #[arg(long, conflicts_with = "guide")]
    pub resume: bool,
    /// Where to write the support ticket (default: a new file in the current folder).
    #[arg(long, value_name = "PATH")]
    pub ticket: Option<PathBuf>,
    /// Format of the support ticket [default: markdown, or the one the resumed session used].
    #[arg(long, value_enum)]
    pub ticket_format: Option<TicketFormatArg>,
    /// Plain mode: numbered options answered by typing the number; no cursor movement,
    /// colour or symbols (also when TERM=dumb).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub action: Option<SessionsAction>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// Remove a saved session (its ID is in `fieldfix sessions`).
    #[command(after_help = examples_help("sessions discard"))]
    Discard {
        /// The session's ID.
        id: String,
    },
}

impl SessionsArgs {
    pub fn into_request(self, no_log: bool) -> crate::commands::sessions::SessionsRequest {
        crate::commands::sessions::SessionsRequest {
            discard: self.action.map(|SessionsAction::Discard { id }| id),
            format: self.format.into(),
            no_log,
        }
    }
}

#[derive(Debug, Args)]
pub struct OutcomesArgs {
    #[command(subcommand)]
    pub action: Option<OutcomesAction>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Subcommand)]
pub enum OutcomesAction {
    /// Write every record of the log as JSON Lines on stdout (for a shared drive, `tune` or a
    /// spreadsheet).
    #[command(after_help = examples_help("outcomes export"))]
    Export,
}

impl OutcomesArgs {
    pub fn into_request(self) -> crate::commands::outcomes::OutcomesRequest {
        crate::commands::outcomes::OutcomesRequest {
            export: matches!(self.action, Some(OutcomesAction::Export)),
            format: self.format.into(),
        }
    }
}

#[derive(Debug, Args)]
pub struct TuneArgs {
    /// Outcome logs (`outcomes.jsonl`, or `fieldfix outcomes export` output), or folders of them.
    #[arg(required = true, value_name = "LOG_OR_FOLDER")]
    pub paths: Vec<PathBuf>,
    /// How many sessions the guides' own numbers count for, against the logs.
    #[arg(long, default_value_t = crate::outcomes::tune::DEFAULT_PRIOR_SESSIONS, value_name = "N", value_parser = parse_prior)]
    pub prior_sessions: f64,
    /// Write the supported changes as company override files (`GUIDE.tuned.override.yaml`),
    /// each number with its evidence, into DIR to review and copy into the `--guides` folder.
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// With --write: replace override files already there.
    #[arg(long, requires = "write")]
    pub force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

impl TuneArgs {
    /// The request; `guides` is the global `--guides`.
    pub fn into_request(self, guides: Option<PathBuf>) -> crate::commands::tune::TuneRequest {
        crate::commands::tune::TuneRequest {
            paths: self.paths,
            guides,
            prior_sessions: self.prior_sessions,
            write: self.write,
            force: self.force,
            format: self.format.into(),
        }
    }
}

fn parse_prior(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(format!(
            "expected a number of sessions greater than 0, got `{s}`"
        )),
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The problem in your own words, e.g. `pics stuck uploading on ipad`.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// How many matches to show at most.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    pub limit: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The guide: id, alias or unique prefix.
    pub guide: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// Files and folders to check; folders are checked with everything in them.
    #[arg(value_name = "PATH", required_unless_present = "undo")]
    pub paths: Vec<PathBuf>,
    /// Warn about files bigger than this, e.g. 50MB, 1.5GB or 200MiB.
    #[arg(long, value_name = "SIZE", default_value = "100MB", value_parser = crate::preflight::parse_size)]
    pub warn_size: u64,
    /// The connection the upload will use; on `weak`, big files fail and smaller ones warn.
    #[arg(long, value_enum, default_value_t = NetworkArg::Good)]
    pub network: NetworkArg,
    /// Follow symbolic links (by default they are counted and skipped).
    #[arg(long)]
    pub follow_links: bool,
    /// Show a safe new name for every file and folder with a bad name (nothing is renamed
    /// without --apply).
    #[arg(long)]
    pub fix_names: bool,
    /// With --fix-names: rename them (never over another file) and write an undo list to the
    /// current folder.
    #[arg(long, requires = "fix_names")]
    pub apply: bool,
    /// Put back the old names from an undo list written by `--fix-names --apply`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "fix_names"])]
    pub undo: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkArg {
    Good,
    Weak,
}

impl ListArgs {
    pub fn into_request(self) -> list::ListRequest {
        list::ListRequest {
            format: self.format.into(),
        }
    }
}

impl ShowArgs {
    pub fn into_request(self) -> show::ShowRequest {
        show::ShowRequest {
            guide: self.guide,
            format: self.format.into(),
        }
    }
}

impl SearchArgs {
    pub fn into_request(self) -> search::SearchRequest {
        search::SearchRequest {
            query: self.text.join(" "),
            limit: usize::from(self.limit),
            format: self.format.into(),
        }
    }
}

impl ValidateArgs {
    pub fn into_request(self) -> validate::ValidateRequest {
        validate::ValidateRequest {
            dir: self.dir,
            strict: self.strict,
            format: self.format.into(),
        }
    }
}

impl ManArgs {
    /// The request, with the whole command line to document.
    pub fn into_request(self) -> man::ManRequest {
        man::ManRequest {
            command: Cli::command(),
            page: self.command,
            out: self.out,
        }
    }
}

impl CompletionsArgs {
    /// The request, with the whole command line to complete.
    pub fn into_request(self) -> completions::CompletionsRequest {
        completions::CompletionsRequest {
            command: Cli::command(),
            shell: self.shell,
            completer: completer(),
        }
    }
}

/// How a completion script calls this fieldfix back: as it was run (`fieldfix`, found on
/// `PATH`), or by its full path when it was run by a relative one (`./target/debug/fieldfix`).
fn completer() -> String {
    let run_as = PathBuf::from(
        std::env::args_os()
            .next()
            .unwrap_or_else(|| "fieldfix".into()),
    );
    let path = match std::env::current_dir() {
        Ok(here) if run_as.components().count() > 1 => here.join(run_as),
        _ => run_as,
    };
    path.to_string_lossy().into_owned()
}

impl PreflightArgs {
    pub fn to_request(&self) -> crate::preflight::PreflightRequest {
        use crate::preflight::{NameFix, Network, Options, PreflightRequest};
        PreflightRequest {
            paths: self.paths.clone(),
            options: Options {
                warn_size: self.warn_size,
                network: match self.network {
                    NetworkArg::Good => Network::Good,
                    NetworkArg::Weak => Network::Weak,
                },
                follow_links: self.follow_links,
                progress: true,
            },
            names: match (self.fix_names, self.apply) {
                (false, _) => NameFix::Off,
                (true, false) => NameFix::DryRun,
                (true, true) => NameFix::Apply,
            },
            undo: self.undo.clone(),
            format: self.format.into(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Folder of guides to check on top of the built-in ones (default: only the built-in guides).
    pub dir: Option<PathBuf>,
    /// Also require `sources` on every cause and step, and cite only Procore's own pages (the
    /// built-in guides always pass this).
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new guide's id: lowercase letters, digits and single dashes, like `crane-log-frozen`.
    pub id: String,
    /// The title, as a user would say the problem, like "Crane log frozen".
    #[arg(long)]
    pub title: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Markdown pages, or an HTML site that works offline.
    #[arg(long, value_enum, default_value_t = ExportFormatArg::Html)]
    pub format: ExportFormatArg,
    /// The folder to write to; created when missing. Other files in it are left alone.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also overwrite pages that fieldfix did not write (same names as the pages it writes).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print this command's own page instead, like `fieldfix man diagnose`.
    pub command: Option<String>,
    /// Write `fieldfix.1` and one `fieldfix-COMMAND.1` per command into DIR (created when
    /// missing) instead of printing, for `man` or a package.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormatArg {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TicketFormatArg {
    #[default]
    Markdown,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Json => Format::Json,
        }
    }
}

impl From<ListFormatArg> for Format {
    fn from(f: ListFormatArg) -> Self {
        match f {
            ListFormatArg::Text => Format::Text,
            ListFormatArg::Json => Format::Json,
        }
    }
}

impl From<TicketFormatArg> for Format {
    fn from(f: TicketFormatArg) -> Self {
        match f {
            TicketFormatArg::Markdown => Format::Markdown,
            TicketFormatArg::Json => Format::Json,
        }
    }
}

impl NewArgs {
    /// The request, writing into the company guides folder `dir` (`--guides`).
    pub fn to_request(&self, dir: Option<PathBuf>) -> crate::commands::new::NewRequest {
        crate::commands::new::NewRequest {
            id: self.id.clone(),
            title: self.title.clone(),
            dir,
        }
    }
}

impl ExportArgs {
    pub fn into_request(self) -> crate::commands::export::ExportRequest {
        crate::commands::export::ExportRequest {
            format: self.format.into(),
            dir: self.out,
            force: self.force,
        }
    }
}

impl From<ExportFormatArg> for crate::commands::export::SiteFormat {
    fn from(f: ExportFormatArg) -> Self {
        match f {
            ExportFormatArg::Markdown => Self::Markdown,
            ExportFormatArg::Html => Self::Html,
        }
    }
}

impl AnswerArgs {
    /// The answers as a plain request: flags in the order given, context flags first.
    pub fn into_request(self, guide: Option<String>) -> DiagnoseRequest {
        let mut answers: Vec<(String, String)> = [
            ("device", self.device),
            ("network", self.network),
            ("scope", self.scope),
        ]
        .into_iter()
        .filter_map(|(q, v)| v.map(|v| (q.to_owned(), v)))
        .collect();
        answers.extend(self.answers);
        DiagnoseRequest {
            guide,
            answers,
            answers_file: self.answers_file,
            tried: self.tried,
            skipped: self.skip,
            describe: None,
        }
    }
}

impl FixArgs {
    /// The request; `no_log` is the global `--no-log`.
    pub fn into_request(self, no_log: bool) -> crate::wizard::FixRequest {
        crate::wizard::FixRequest {
            diagnose: self
                .answers
                .into_request(Some(self.guide.join(" ")).filter(|g| !g.is_empty())),
            resume: self.resume,
            ticket: self.ticket,
            ticket_format: self.ticket_format.map(Into::into),
            plain: self.plain,
            no_log,
        }
    }
}

fn parse_answer(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((q, v)) if !q.trim().is_empty() && !v.trim().is_empty() => {
            Ok((q.trim().to_owned(), v.trim().to_owned()))
        }
        _ => Err(format!(
            "expected QUESTION=VALUE (like `what-happens=never-start`), got `{s}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn answers_need_question_and_value() {
        assert_eq!(
            parse_answer("queue=waiting"),
            Ok(("queue".into(), "waiting".into()))
        );
        assert!(parse_answer("queue").is_err());
        assert!(parse_answer("=waiting").is_err());
        assert!(parse_answer("queue=").is_err());
    }
}

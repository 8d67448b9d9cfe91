//! `fieldfix completions SHELL`: the shell's completion script. In bash, zsh and fish it calls
//! fieldfix back on Tab (clap_complete's dynamic completion), which offers the guides as they
//! are then, and for `-a` the questions of the guide already typed; PowerShell and elvish get a
//! static script.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::sync::Arc;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap_complete::Shell;
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{EnvCompleter, Shells};

use super::Env;
use crate::error::exit;
use crate::guides::Library;
use crate::guides::loading::Loading;
use crate::guides::model::{Choice, DEVICE, NETWORK, SCOPE};
use crate::output::Out;

/// The subcommands whose `GUIDE` argument names a guide.
const GUIDE_ARGS: [&str; 3] = ["show", "diagnose", "fix"];

/// The subcommands that take answers (`--device`, `-a QUESTION=VALUE`…).
const ANSWER_ARGS: [&str; 2] = ["diagnose", "fix"];

/// What `fieldfix completions` was asked for.
#[derive(Debug, Clone)]
pub struct CompletionsRequest {
    /// The whole command line, to complete.
    pub command: clap::Command,
    pub shell: Shell,
    /// How the script calls fieldfix back: the path it was run by (`fieldfix` from `PATH`).
    pub completer: String,
}

/// The variable that asks fieldfix for completions instead of a run: the shell sets it when
/// it calls back (`FIELDFIX_COMPLETE=bash fieldfix -- fieldfix diagnose photos -a ''`). Its
/// own name, as cargo has, so a `COMPLETE` meant for another program never changes a run.
pub const VAR: &str = "FIELDFIX_COMPLETE";

/// The shells whose script calls fieldfix back.
const DYNAMIC: [&dyn EnvCompleter; 3] = [
    &BashSplitAtEquals,
    &clap_complete::env::Zsh,
    &clap_complete::env::Fish,
];

/// `fieldfix completions SHELL`: bash, zsh and fish get the script that calls fieldfix back;
/// PowerShell and elvish a static one, with the values of every guide that loads.
pub fn run(request: &CompletionsRequest, env: &mut Env) -> anyhow::Result<u8> {
    if let Some(shell) = DYNAMIC.iter().find(|s| s.is(&request.shell.to_string())) {
        let name = request.command.get_name();
        shell.write_registration(VAR, name, name, &request.completer, &mut env.out.writer)?;
        if request.shell == Shell::Zsh {
            // Installed as `_fieldfix` in `fpath`, the file is the body of the function zsh
            // runs on the first Tab: complete then too, not only from the second Tab on.
            let function = name.replace('-', "_");
            writeln!(
                env.out.writer,
                "if [ \"$funcstack[1]\" = \"_{function}\" ]; then\n    _clap_dynamic_completer_{function} \"$@\"\nfi"
            )?;
        }
        env.out.writer.flush()?;
        return Ok(exit::OK);
    }
    let library = env.library(Loading::Lenient)?;
    let command = with_values(request.command.clone(), &library);
    let guides: Vec<(String, String)> = library
        .guides
        .iter()
        .map(|g| (g.id.clone(), shell_safe(&g.title)))
        .collect();
    completions(command, request.shell, &guides, env.out)
}

/// A copy of the command line whose answer options offer their values: `--device`,
/// `--network` and `--scope` the shared questions' options, `-a` every `QUESTION=VALUE` pair
/// of every guide (a static script cannot know which guide was typed before it).
fn with_values(mut command: clap::Command, library: &Library) -> clap::Command {
    let context = |id: &str| -> Vec<PossibleValue> {
        shared_options(library, id)
            .map(|o| PossibleValue::new(o.value.clone()).help(shell_safe(&o.label)))
            .collect()
    };
    let mut pairs: Vec<PossibleValue> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let questions = library
        .context
        .iter()
        .chain(library.guides.iter().flat_map(|g| &g.questions));
    for q in questions {
        for o in &q.options {
            let pair = format!("{}={}", q.id, o.value);
            if seen.insert(pair.clone()) {
                pairs.push(PossibleValue::new(pair).help(shell_safe(&o.label)));
            }
        }
    }
    for sub in ANSWER_ARGS {
        let values = [DEVICE, NETWORK, SCOPE].map(|id| (id, context(id)));
        let pairs = pairs.clone();
        command = command.mut_subcommand(sub, move |mut c| {
            for (id, values) in values {
                c = c.mut_arg(id, |a| a.value_parser(PossibleValuesParser::new(values)));
            }
            c.mut_arg("answers", |a| {
                a.value_parser(PossibleValuesParser::new(pairs))
            })
        });
    }
    command
}

/// The script for `shell`. `command` is the real command line; the guide ids (with their
/// titles where the shell shows help) are offered for every `GUIDE` argument. They are
/// completion hints only: the script is generated from a copy, and `show` and the rest still
/// accept any name.
fn completions(
    command: clap::Command,
    shell: Shell,
    guides: &[(String, String)],
    out: &mut Out,
) -> anyhow::Result<u8> {
    let name = command.get_name().to_owned();
    let mut command = with_guide_hints(command, guides);
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, &name, &mut script);
    if shell == Shell::Fish {
        // clap's fish script completes no positional values: add the guides for each command
        // that takes one, with the condition the script itself defines.
        for sub in GUIDE_ARGS {
            for (id, title) in guides {
                writeln!(
                    script,
                    "complete -c {name} -n \"__fish_{name}_using_subcommand {sub}\" -f -a \"{id}\" -d '{title}'"
                )?;
            }
        }
    }
    out.writer.write_all(&script)?;
    out.writer.flush()?;
    Ok(exit::OK)
}

/// A copy of the command line whose `GUIDE` arguments list the guides as possible values.
fn with_guide_hints(mut command: clap::Command, guides: &[(String, String)]) -> clap::Command {
    let values: Vec<PossibleValue> = guides
        .iter()
        .map(|(id, title)| PossibleValue::new(id.clone()).help(title.clone()))
        .collect();
    for sub in GUIDE_ARGS {
        let values = values.clone();
        command = command.mut_subcommand(sub, move |c| {
            c.mut_arg("guide", move |a| {
                a.value_parser(PossibleValuesParser::new(values))
            })
        });
    }
    command
}

// ---------------------------------------------------------------------------------------------
// Completing when the shell calls back

/// When the shell calls back (`FIELDFIX_COMPLETE=SHELL fieldfix -- WORDS…`): prints what the
/// word under the cursor can be and exits. Otherwise returns, and the run goes on. `command` is
/// the whole command line.
pub fn complete_if_asked(command: fn() -> clap::Command) {
    if std::env::var_os(VAR).is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    let typed = Typed::read(command);
    clap_complete::CompleteEnv::with_factory(move || with_completers(command(), &typed))
        .var(VAR)
        .shells(Shells(&[
            &BashSplitAtEquals,
            &clap_complete::env::Zsh,
            &clap_complete::env::Fish,
            &clap_complete::env::Powershell,
            &clap_complete::env::Elvish,
        ]))
        .complete();
}

/// What the command line typed so far says: the guides (`--guides` or `FIELDFIX_GUIDES`) and
/// the guide named after `diagnose` or `fix`, when it names one.
struct Typed {
    library: Library,
    guide: Option<usize>,
}

impl Typed {
    /// Reads the words before the cursor with clap itself (errors ignored: the line is
    /// unfinished). A broken company folder leaves the built-in guides, without a warning
    /// in the middle of the user's line.
    fn read(command: fn() -> clap::Command) -> Arc<Typed> {
        let args: Vec<OsString> = std::env::args_os().collect();
        let words: Vec<OsString> = args
            .iter()
            .position(|a| a == "--")
            .map_or(Vec::new(), |i| args[i + 1..].to_vec());
        let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
            .ok()
            .and_then(|i| i.parse().ok())
            .unwrap_or(words.len().saturating_sub(1));
        let (words, cursor, _) = join_split_equals(words, cursor);
        let before = &words[..cursor.min(words.len())];
        let matches = command().ignore_errors(true).try_get_matches_from(before);
        let (mut dir, mut guide) = (None, None);
        if let Ok(matches) = &matches {
            dir = matches.get_one::<std::path::PathBuf>("guides").cloned();
            if let Some((sub, m)) = matches.subcommand() {
                dir = m.get_one::<std::path::PathBuf>("guides").cloned().or(dir);
                if ANSWER_ARGS.contains(&sub) {
                    guide = m.get_raw("guide").map(|words| {
                        let words: Vec<String> =
                            words.map(|w| w.to_string_lossy().into_owned()).collect();
                        words.join(" ")
                    });
                }
            }
        }
        // A lenient load never fails: a broken folder leaves the built-in guides.
        let folder = dir.as_deref().map(crate::guides::Folder::new);
        let library = crate::guides::loading::lenient(folder.as_ref()).library;
        let guide = guide.and_then(|name| {
            let id = library.find(&name).ok()?.id.clone();
            library.guides.iter().position(|g| g.id == id)
        });
        Arc::new(Typed { library, guide })
    }

    /// `-a`'s candidates for `current`: before the `=`, the question ids (`what-happens=`);
    /// after it, that question's `QUESTION=VALUE` pairs. The questions are the shared ones and
    /// those of the guide typed, or of every guide when none is (or it names none).
    fn answers(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        let Some(current) = current.to_str() else {
            return Vec::new();
        };
        let guides = match self.guide {
            Some(i) => std::slice::from_ref(&self.library.guides[i]),
            None => self.library.guides.as_slice(),
        };
        let questions = self
            .library
            .context
            .iter()
            .chain(guides.iter().flat_map(|g| &g.questions));
        let mut seen = std::collections::BTreeSet::new();
        let mut offered = Vec::new();
        for q in questions {
            match current.split_once('=') {
                Some((id, _)) if id == q.id => {
                    for o in &q.options {
                        let pair = format!("{}={}", q.id, o.value);
                        if pair.starts_with(current) && seen.insert(pair.clone()) {
                            offered.push(candidate(&pair, &o.label));
                        }
                    }
                }
                Some(_) => {}
                None => {
                    if q.id.starts_with(current) && seen.insert(q.id.clone()) {
                        offered.push(candidate(&format!("{}=", q.id), &q.ask));
                    }
                }
            }
        }
        offered
    }
}

/// The command line whose arguments offer their values from `typed`'s guides: the guide ids
/// (with their titles), `--device`, `--network` and `--scope` the shared questions' options,
/// `-a` the questions of the guide typed. Options with a fixed set (`--format`…) offer it
/// already.
fn with_completers(mut command: clap::Command, typed: &Arc<Typed>) -> clap::Command {
    let ids: Vec<(String, String)> = typed
        .library
        .guides
        .iter()
        .map(|g| (g.id.clone(), g.title.clone()))
        .collect();
    for sub in GUIDE_ARGS {
        let ids = ids.clone();
        command = command.mut_subcommand(sub, move |c| {
            c.mut_arg("guide", move |a| a.add(candidates(ids)))
        });
    }
    for sub in ANSWER_ARGS {
        let typed = Arc::clone(typed);
        command = command.mut_subcommand(sub, move |mut c| {
            for id in [DEVICE, NETWORK, SCOPE] {
                let values: Vec<(String, String)> = shared_options(&typed.library, id)
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect();
                c = c.mut_arg(id, |a| a.add(candidates(values)));
            }
            c.mut_arg("answers", |a| {
                a.add(ArgValueCompleter::new(move |current: &OsStr| {
                    typed.answers(current)
                }))
            })
        });
    }
    command
}

/// The options of the shared question `id` (`device`, `network`, `scope`).
fn shared_options<'a>(library: &'a Library, id: &'a str) -> impl Iterator<Item = &'a Choice> {
    let questions = library.context.iter().filter(move |q| q.id == id);
    questions.flat_map(|q| &q.options)
}

/// The fixed `(value, help)` pairs an argument offers.
fn candidates(values: Vec<(String, String)>) -> ArgValueCandidates {
    ArgValueCandidates::new(move || {
        values
            .iter()
            .map(|(value, help)| candidate(value, help))
            .collect()
    })
}

/// A value offered, with its help (a title, a label, the question) made safe to show: company
/// guides' text goes to the user's terminal, so no control character gets through.
fn candidate(value: &str, help: &str) -> CompletionCandidate {
    CompletionCandidate::new(value).help(Some(crate::safe::line(help).into_owned().into()))
}

/// bash splits the words it hands the completion function at `=` (`-a what-happens=nev` comes
/// as `what-happens`, `=`, `nev`) and replaces only the part after the last `=`. This is
/// clap's bash adapter with the words joined again before completing, and the candidates cut
/// back to the part bash replaces.
struct BashSplitAtEquals;

/// The line of clap's bash script that puts readline's word (empty after a `=`) in place of
/// the current word; kept when that word is the `=` itself, so fieldfix can join it again.
const BASH_CURRENT_WORD: &str = r#"if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then"#;

impl EnvCompleter for BashSplitAtEquals {
    fn name(&self) -> &'static str {
        "bash"
    }
    fn is(&self, name: &str) -> bool {
        name == "bash"
    }
    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn std::io::Write,
    ) -> Result<(), std::io::Error> {
        let mut script = Vec::new();
        clap_complete::env::Bash.write_registration(var, name, bin, completer, &mut script)?;
        let script = String::from_utf8_lossy(&script);
        if !script.contains(BASH_CURRENT_WORD) {
            return Err(std::io::Error::other(
                "clap_complete's bash script changed: update BASH_CURRENT_WORD",
            ));
        }
        let kept =
            r#"if [[ "${BASH_VERSINFO[0]}" -ge 4 && "${COMP_WORDS[COMP_CWORD]}" != "=" ]]; then"#;
        buf.write_all(script.replacen(BASH_CURRENT_WORD, kept, 1).as_bytes())
    }
    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&std::path::Path>,
        buf: &mut dyn std::io::Write,
    ) -> Result<(), std::io::Error> {
        let index: usize = std::env::var("_CLAP_COMPLETE_INDEX")
            .ok()
            .and_then(|i| i.parse().ok())
            .unwrap_or_default();
        let ifs = std::env::var("_CLAP_IFS").unwrap_or_else(|_| "\n".to_owned());
        let (args, index, kept) = join_split_equals(args, index);
        let candidates = clap_complete::engine::complete(cmd, args, index, current_dir)?;
        let values: Vec<String> = candidates
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .filter_map(|v| v.strip_prefix(kept.as_str()).map(str::to_owned))
            .collect();
        write!(buf, "{}", values.join(&ifs))
    }
}

/// `words` with each lone `=` joined to the words either side (bash's split undone), the
/// cursor's new position, and the part of the word under the cursor bash keeps (up to its
/// last `=`; empty when that word was not split).
fn join_split_equals(words: Vec<OsString>, cursor: usize) -> (Vec<OsString>, usize, String) {
    let mut joined: Vec<OsString> = Vec::new();
    let given = words.len();
    let (mut new_cursor, mut cursor_glued) = (cursor, false);
    let mut glue_next = false;
    for (i, word) in words.into_iter().enumerate() {
        let is_equals = word == "=";
        let glued = (is_equals || glue_next) && !joined.is_empty();
        match joined.last_mut() {
            Some(last) if glued => last.push(&word),
            _ => joined.push(word),
        }
        glue_next = is_equals;
        if i == cursor {
            (new_cursor, cursor_glued) = (joined.len() - 1, glued);
        }
    }
    if cursor >= given {
        new_cursor = joined.len() + (cursor - given);
    }
    let kept = match joined.get(new_cursor).and_then(|w| w.to_str()) {
        Some(word) if cursor_glued => word
            .rfind('=')
            .map_or(String::new(), |at| word[..=at].to_owned()),
        _ => String::new(),
    };
    (joined, new_cursor, kept)
}

/// Guide titles go into shell scripts that users source: keep only characters no shell treats
/// specially, whatever a company guide's title holds.
fn shell_safe(title: &str) -> String {
    let kept: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | ',' | '.' | '/' | '+') {
                c
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_every_shell_special_character() {
        assert_eq!(
            shell_safe("Error 429 - too many requests"),
            "Error 429 - too many requests"
        );
        assert_eq!(
            shell_safe("`rm -rf ~` $(id) 'quoted' \"x\" [a]:b; c|d & e\\f"),
            "rm -rf id quoted x a b c d e f"
        );
    }
}

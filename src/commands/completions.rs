//! `fieldfix completions SHELL`: a shell completion script that offers the guide ids and the
//! values of the options that take a fixed set, from the guides as they are when it is made.

use std::io::Write;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap_complete::Shell;

use super::Env;
use crate::error::exit;
use crate::guides::Library;
use crate::guides::loading::Loading;
use crate::guides::model::{DEVICE, NETWORK, SCOPE};
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
}

/// `fieldfix completions SHELL`: the values come from every guide that loads.
pub fn run(request: &CompletionsRequest, env: &mut Env) -> anyhow::Result<u8> {
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
        library
            .context
            .iter()
            .filter(|q| q.id == id)
            .flat_map(|q| &q.options)
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

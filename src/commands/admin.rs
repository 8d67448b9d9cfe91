//! The admin commands that need no guides loaded: the guide file schema, shell completions and
//! the manual page.

use std::io::Write;
use std::path::Path;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap_complete::Shell;

use crate::error::{Error, exit};
use crate::guides::{self, text};
use crate::output::Out;

/// The subcommands whose `GUIDE` argument names a guide.
const GUIDE_ARGS: [&str; 3] = ["show", "diagnose", "fix"];

/// `fieldfix schema`: the JSON Schema of a guide file, generated from the types the loader
/// reads, so it cannot drift from what `validate` accepts.
pub fn schema(out: &mut Out) -> anyhow::Result<u8> {
    out.text(&guides::schema_text())?;
    Ok(exit::OK)
}

/// `fieldfix completions SHELL`. `command` is the real command line; the guide ids (with their
/// titles where the shell shows help) are offered for every `GUIDE` argument. They are
/// completion hints only: the script is generated from a copy, and `show` and the rest still
/// accept any name.
pub fn completions(
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

/// The guides to offer in completions, as (id, title): the built-in ones, plus those in the
/// company folder when it loads (a broken folder only costs its ids, with a warning).
pub fn completion_guides(dir: Option<&Path>) -> Vec<(String, String)> {
    let library = match dir.map(|d| (d, guides::load(Some(d)))) {
        None => guides::load(None),
        Some((_, Ok(library))) => Ok(library),
        Some((d, Err(e))) => {
            let _ = writeln!(
                std::io::stderr(),
                "warning: the guides in {} are left out of the completions: {}",
                crate::safe::path(d),
                crate::safe::text(&e.to_string())
            );
            guides::load(None)
        }
    };
    library
        .map(|l| {
            l.guides
                .into_iter()
                .map(|g| (g.id, shell_safe(&g.title)))
                .collect()
        })
        .unwrap_or_default()
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

/// `fieldfix man [COMMAND]`: the manual page, in roff: the whole program's, or one command's.
pub fn man(command: clap::Command, page: Option<&str>, out: &mut Out) -> anyhow::Result<u8> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut roff = Vec::new();
    match page {
        Some(name) => {
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
            clap_mangen::Man::new(sub.clone().version(crate::guides::embedded::VERSION))
                .render(&mut roff)?;
        }
        None => {
            let man = clap_mangen::Man::new(command);
            man.render_title(&mut roff)?;
            man.render_name_section(&mut roff)?;
            man.render_synopsis_section(&mut roff)?;
            man.render_description_section(&mut roff)?;
            man.render_options_section(&mut roff)?;
            man.render_subcommands_section(&mut roff)?;
            roff.extend_from_slice(
                b".PP\nEach command has its own page: \\fBfieldfix man\\fR \\fICOMMAND\\fR prints it.\n",
            );
            roff.extend_from_slice(exit_status().as_bytes());
            man.render_version_section(&mut roff)?;
        }
    }
    out.writer.write_all(&roff)?;
    out.writer.flush()?;
    Ok(exit::OK)
}

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

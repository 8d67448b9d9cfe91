//! The output formats: plain text for people, Markdown for tickets and wikis, JSON for scripts.
//! Everything here writes to a `Write` it is given; nothing prompts.

pub mod html;
pub mod json;
pub mod outcomes;
pub mod text;
pub mod web;

// The wording, the Markdown and the ticket both wizards share (the terminal and the web).
pub use fieldfix_engine::output::{
    Diagnosis, SCHEMA_VERSION, device_label, markdown, minutes, percent, source_label, ticket,
};

use std::io::Write;

use console::Style;

/// Whether `term` is a terminal that understands colour and cursor codes (`TERM=dumb` is a
/// terminal that does not).
pub fn capable(term: &console::Term) -> bool {
    term.is_term() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// Whether the terminal shows ANSI colour codes as colour. A Windows console does only once
/// its VT processing is on: console's colour check turns it on (Windows 10 and later), and a
/// console that refuses gets plain text instead of codes printed as `←[1m`. Every Unix terminal
/// that is not `TERM=dumb` does.
#[cfg(windows)]
fn takes_ansi_colour(term: &console::Term) -> bool {
    term.features().colors_supported()
}

/// Whether the terminal shows ANSI colour codes as colour: every Unix terminal does.
#[cfg(not(windows))]
fn takes_ansi_colour(_term: &console::Term) -> bool {
    true
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// Where a command writes, and how.
pub struct Out<'a> {
    pub writer: &'a mut dyn Write,
    pub paint: Paint,
}

impl Out<'_> {
    pub(crate) fn text(&mut self, s: &str) -> std::io::Result<()> {
        self.writer.write_all(s.as_bytes())?;
        self.writer.flush()
    }

    pub(crate) fn json(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        // Through a buffer: stdout's own writes each line as it ends, and a document built
        // whole first takes heap pages that every run pays for.
        let mut doc = std::io::BufWriter::with_capacity(8 * 1024, &mut *self.writer);
        crate::safe::write_json(&mut doc, value)?;
        doc.write_all(b"\n")?;
        doc.flush()
    }
}

/// The exit code of a command whose result is a verdict (`validate`, `preflight`): `code`, even
/// when the reader closed the pipe early (`fieldfix validate dir | head -1` must still fail);
/// other write errors are errors.
pub fn keep_verdict(written: std::io::Result<()>, code: u8) -> anyhow::Result<u8> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(code),
    }
}

/// `1376` as `1,376` (any whole number).
pub fn thousands(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things: `1 record`, `1,376 records`.
pub fn counted(n: usize, thing: &str) -> String {
    format!("{} {thing}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// Colour and width for text output.
#[derive(Debug, Clone)]
pub struct Paint {
    colors: bool,
    /// Wrap text at this many columns.
    pub width: usize,
}

impl Paint {
    /// Plain, 80 columns: for pipes, files and tests.
    pub fn plain() -> Self {
        Paint {
            colors: false,
            width: 80,
        }
    }

    /// For a stream: colour only when asked for, or when it is a terminal that takes colour
    /// codes and NO_COLOR is unset.
    pub fn for_stream(term: &console::Term, choice: Option<bool>) -> Self {
        let is_term = term.is_term();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let colors = match choice {
            Some(forced) => {
                if forced && is_term {
                    // Asked for: still switch a Windows console into ANSI mode if it can be.
                    let _ = takes_ansi_colour(term);
                }
                forced
            }
            None => capable(term) && !no_color && takes_ansi_colour(term),
        };
        let width = if is_term {
            usize::from(term.size().1).clamp(40, 100)
        } else {
            80
        };
        Paint { colors, width }
    }

    fn style(&self, style: Style, s: &str) -> String {
        if self.colors {
            style.force_styling(true).apply_to(s).to_string()
        } else {
            s.to_owned()
        }
    }

    pub fn heading(&self, s: &str) -> String {
        self.style(Style::new().bold().cyan(), s)
    }

    pub fn bold(&self, s: &str) -> String {
        self.style(Style::new().bold(), s)
    }

    pub fn dim(&self, s: &str) -> String {
        self.style(Style::new().dim(), s)
    }

    pub fn good(&self, s: &str) -> String {
        self.style(Style::new().green(), s)
    }

    pub fn warn(&self, s: &str) -> String {
        self.style(Style::new().yellow().bold(), s)
    }

    pub fn bad(&self, s: &str) -> String {
        self.style(Style::new().red().bold(), s)
    }

    /// Wraps `s` to the width, every line starting with `indent` (the first with `first`):
    /// first-fit lines, broken only where [`BREAKS`] allows, never inside a word.
    pub fn wrap(&self, s: &str, first: &str, indent: &str) -> String {
        let options = textwrap::Options::new(self.width)
            .initial_indent(first)
            .subsequent_indent(indent)
            .word_separator(BREAKS)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
            .break_words(false);
        textwrap::fill(s, options)
    }
}

/// Where text may break: at spaces, and after the `|` between the values a question takes
/// (`what=cant-find|cant-see-answers|…`), never inside a path or an address.
pub const BREAKS: textwrap::WordSeparator = textwrap::WordSeparator::Custom(spaces_and_bars);

fn spaces_and_bars(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_some_and(|(_, n)| *n == ' ');
        let end = match c {
            // A word ends after its run of spaces (textwrap keeps them as its whitespace)...
            ' ' if !next_is_space => i + 1,
            // ...or right after a bar.
            '|' if !next_is_space => i + 1,
            _ => continue,
        };
        words.push(textwrap::core::Word::from(&line[start..end]));
        start = end;
    }
    if start < line.len() {
        words.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_breaks_at_spaces_and_after_bars_only() {
        let words: Vec<(&str, &str)> = spaces_and_bars("a b|c  d /x/y-z.md")
            .map(|w| (w.word, w.whitespace))
            .collect();
        assert_eq!(
            words,
            [
                ("a", " "),
                ("b|", ""),
                ("c", "  "),
                ("d", " "),
                ("/x/y-z.md", "")
            ]
        );
        let paint = Paint {
            width: 20,
            ..Paint::plain()
        };
        assert_eq!(
            paint.wrap("see /tmp/tickets/fieldfix-ticket.md now", "", ""),
            "see\n/tmp/tickets/fieldfix-ticket.md\nnow"
        );
        assert_eq!(
            paint.wrap("what=cant-find|cant-see|status", "", "  "),
            "what=cant-find|\n  cant-see|status"
        );
    }

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1376), "1,376");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(percent(0.004), "<1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.456), "46%");
        // Tuning's numbers: three significant digits, no trailing zeros.
        assert_eq!(outcomes::number(0.8765), "0.877");
        assert_eq!(outcomes::number(31.24), "31.2");
        assert_eq!(outcomes::number(1234.0), "1234");
        assert_eq!(outcomes::number(0.9), "0.9");
        assert_eq!(minutes(0.5), "<1 min");
        assert_eq!(minutes(5.0), "5 min");
        assert_eq!(minutes(120.0), "2.0 h");
    }

    #[test]
    fn plain_paint_adds_no_escape_codes() {
        let p = Paint::plain();
        assert_eq!(p.heading("Causes"), "Causes");
        let colored = Paint {
            colors: true,
            width: 80,
        };
        assert!(colored.heading("Causes").contains('\u{1b}'));
    }

    #[test]
    fn sources_read_as_the_site_and_the_page_title() {
        assert_eq!(
            source_label(
                "https://support.procore.com/products/online/user-guide/company-level/directory/tutorials/unlock-a-user-account-in-the-company-directory"
            ),
            (
                "Procore support — Unlock a user account in the company directory".to_owned(),
                Some(
                    "https://support.procore.com/products/online/user-guide/company-level/directory/tutorials/unlock-a-user-account-in-the-company-directory"
                )
            )
        );
        assert_eq!(
            source_label("https://v2.support.procore.com/faq-trouble-logging-in-to-procore/").0,
            "Procore support — Trouble logging in to procore"
        );
        assert_eq!(
            source_label("https://developers.procore.com/documentation/content/rate-limiting").0,
            "Procore developer docs — Rate limiting"
        );
        assert_eq!(
            source_label("https://status.procore.com").0,
            "Procore status"
        );
        assert_eq!(
            source_label("seed"),
            ("fieldfix's source articles".to_owned(), None)
        );
        assert_eq!(source_label("device").1, None);
    }
}

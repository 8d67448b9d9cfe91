//! The output formats: plain text for people, Markdown for tickets and wikis, JSON for scripts.
//! Everything here writes to a `Write` it is given; nothing prompts.

mod common;
pub mod html;
pub mod json;
pub mod markdown;
pub mod outcomes;
pub mod text;
pub mod ticket;
pub mod web;

pub use common::{Diagnosis, SCHEMA_VERSION, device_label, minutes, percent, source_label};

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

    /// Wraps `s` to the width, every line starting with `indent` (the first with `first`).
    pub fn wrap(&self, s: &str, first: &str, indent: &str) -> String {
        // A line that fits as it is needs no breaking, and is most lines: the same result as
        // textwrap's (which drops trailing spaces) for a tenth of the work. A character takes
        // at least as many bytes as columns, so no line that is too wide passes this test.
        let simple = !s.is_empty() && !s.starts_with(' ') && !s.contains('\n');
        if simple && first.len() + s.len() <= self.width {
            return format!("{first}{}", s.trim_end_matches(' '));
        }
        fill(s, self.width, first, indent)
    }
}

/// `textwrap::fill` with first-fit lines, never breaking at hyphens (ids and flags such as
/// `-a queue=gone-missing` must stay whole) nor inside a word, from textwrap's own first-fit
/// algorithm. Its whole `fill` rebuilt and re-measured every word in a no-op splitting stage,
/// half the text `diagnose` prints; and a line of printable ASCII, nearly every line, needs no
/// Unicode widths: its words are found here, a column a byte, the way textwrap's ASCII-space
/// separator finds them. A test holds the result to `fill`'s.
fn fill(s: &str, width: usize, first: &str, indent: &str) -> String {
    use textwrap::core::display_width;
    // As textwrap does: every line of `s` starts with the first width, then the indent's.
    let widths = [
        width.saturating_sub(display_width(first)) as f64,
        width.saturating_sub(display_width(indent)) as f64,
    ];
    let bars = s.contains('|');
    let mut out = String::with_capacity(s.len() + 16);
    let mut started = false;
    let (mut ascii, mut words) = (Vec::new(), Vec::new());
    for line in s.split('\n') {
        let prefix = if started { indent } else { first };
        if line.len() < width && prefix.is_empty() {
            if started {
                out.push('\n');
            }
            out.push_str(line.trim_end_matches(' '));
            started = true;
            continue;
        }
        let mut lines = Lines {
            line,
            at: 0,
            out: &mut out,
            started: &mut started,
            first,
            indent,
        };
        if !bars && line.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            ascii.clear();
            ascii.extend(AsciiWord::split(line));
            for on_line in textwrap::wrap_algorithms::wrap_first_fit(&ascii, &widths) {
                lines.put(on_line.iter().map(|w| (w.len, w.spaces)));
            }
        } else {
            let breaks = if bars {
                BREAKS
            } else {
                textwrap::WordSeparator::AsciiSpace
            };
            words.clear();
            words.extend(breaks.find_words(line));
            for on_line in textwrap::wrap_algorithms::wrap_first_fit(&words, &widths) {
                lines.put(on_line.iter().map(|w| (w.len(), w.whitespace.len())));
            }
        }
    }
    out
}

/// Writes the wrapped lines of one line of text, as textwrap joins them.
struct Lines<'a> {
    line: &'a str,
    /// Where the next output line starts in `line`.
    at: usize,
    out: &'a mut String,
    /// Whether a line was written already (the next one takes the indent, after a break).
    started: &'a mut bool,
    first: &'a str,
    indent: &'a str,
}

impl Lines<'_> {
    /// One output line from its words, as (bytes of the word, bytes of the spaces after it):
    /// the indent, then the words without the last one's spaces.
    fn put(&mut self, words: impl Iterator<Item = (usize, usize)>) {
        if *self.started {
            self.out.push('\n');
        }
        let prefix = if *self.started {
            self.indent
        } else {
            self.first
        };
        *self.started = true;
        let (mut len, mut trailing) = (0, None);
        for (word, spaces) in words {
            len += word + spaces;
            trailing = Some(spaces);
        }
        // No words: textwrap writes an empty line, without the indent.
        let Some(trailing) = trailing else {
            return;
        };
        self.out.push_str(prefix);
        self.out
            .push_str(&self.line[self.at..self.at + len - trailing]);
        self.at += len;
    }
}

/// A word and the spaces after it in a line of printable ASCII, where a byte is a column.
#[derive(Debug)]
struct AsciiWord {
    len: usize,
    spaces: usize,
}

impl AsciiWord {
    /// The words textwrap's `WordSeparator::AsciiSpace` finds: each word with the run of
    /// spaces after it (leading spaces are a word of their own, empty but for its spaces).
    fn split(line: &str) -> impl Iterator<Item = AsciiWord> + '_ {
        let bytes = line.as_bytes();
        let mut start = 0;
        let mut ends = bytes
            .windows(2)
            .enumerate()
            .filter(|(_, pair)| pair[0] == b' ' && pair[1] != b' ')
            .map(|(i, _)| i + 1)
            .chain((!bytes.is_empty()).then_some(bytes.len()));
        std::iter::from_fn(move || {
            let end = ends.next()?;
            let piece = &bytes[start..end];
            start = end;
            let spaces = piece.iter().rev().take_while(|b| **b == b' ').count();
            Some(AsciiWord {
                len: piece.len() - spaces,
                spaces,
            })
        })
    }
}

impl textwrap::core::Fragment for AsciiWord {
    fn width(&self) -> f64 {
        self.len as f64
    }
    fn whitespace_width(&self) -> f64 {
        self.spaces as f64
    }
    fn penalty_width(&self) -> f64 {
        0.0
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
    fn ascii_words_are_the_words_textwrap_finds() {
        for line in [
            "",
            " ",
            "a",
            "a b",
            "  two leading",
            "trailing  ",
            "runs   of    spaces in  between ",
            "-a queue=gone-missing --device ios",
        ] {
            let ours: Vec<(usize, usize)> =
                AsciiWord::split(line).map(|w| (w.len, w.spaces)).collect();
            let textwraps: Vec<(usize, usize)> = textwrap::WordSeparator::AsciiSpace
                .find_words(line)
                .map(|w| (w.len(), w.whitespace.len()))
                .collect();
            assert_eq!(ours, textwraps, "{line:?}");
        }
    }

    #[test]
    fn lines_come_out_as_textwrap_with_the_bar_separator_gives_them() {
        let mut lines: Vec<String> = [
            "",
            " leading space",
            "trailing spaces   ",
            "two  spaces|and a bar",
            "  two leading and   three inner spaces with no bar in a line long enough to wrap",
            "wide 設定 characters and an é",
            "tab\there",
            "line\nbreak",
            "a\n\nb",
            "ends with a line break\n",
            "\n",
            "   ",
            "a word far longer than any of the widths tried: https://example.com/a/very/long/path/that/never/breaks/at/all ok",
            "x",
        ]
        .map(String::from)
        .to_vec();
        let library = crate::guides::load(None).expect("built-in guides");
        for guide in &library.guides {
            lines.push(guide.summary.clone());
            for step in &guide.steps {
                for device in [None, Some("ios"), Some("android"), Some("computer")] {
                    lines.extend(step.lines_for(device).iter().map(|(_, l)| (*l).to_owned()));
                }
            }
            lines.extend(guide.causes.iter().map(|c| c.title.clone()));
        }
        for width in [10, 20, 40, 60, 80, 100, 200] {
            let paint = Paint {
                width,
                ..Paint::plain()
            };
            for line in &lines {
                for (first, indent) in [("", ""), ("  - ", "    "), ("     Why: ", "     ")] {
                    let options = textwrap::Options::new(width)
                        .initial_indent(first)
                        .subsequent_indent(indent)
                        .word_separator(BREAKS)
                        .word_splitter(textwrap::WordSplitter::NoHyphenation)
                        .break_words(false);
                    assert_eq!(
                        paint.wrap(line, first, indent),
                        textwrap::fill(line, options),
                        "{line:?} at {width} after {first:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(percent(0.004), "<1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.456), "46%");
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
}

#[cfg(test)]
mod source_tests {
    use super::source_label;

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

//! Making outside text safe to print. Every string fieldfix did not write itself (file names,
//! guide values, answers, flags, session and cache contents) goes through [`text`], [`line`] or
//! [`path`] before it reaches a terminal, so an escape sequence in a file name can neither clear
//! the screen nor write the clipboard, and a newline in a name cannot split a line.

use std::borrow::Cow;
use std::path::Path;

/// Characters never printed as they are: control characters (C0, DEL, C1) and the
/// bidirectional controls that make text read differently from what it is (U+202E makes
/// `rtl\u{202e}txt.exe` look like `rtlexe.txt`). `\n` and `\t` are listed too; [`text`] keeps
/// them.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message or block of text: unsafe characters shown as `\u{..}` escapes; line breaks and
/// tabs kept.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// One value on one line (a name, an id, an answer): every unsafe character, line breaks
/// included, shown as a `\u{..}` escape.
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// A path, as [`line`] shows it (names that are not valid Unicode lossily).
pub fn path(p: &Path) -> String {
    line(&p.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible_and_lines_kept_only_in_text() {
        let evil = "a\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}.txt";
        assert_eq!(line(evil), "a\\u{1b}[2J\\u{1b}]52;c;ZXZpbA==\\u{7}.txt");
        assert_eq!(line("two\nlines"), "two\\u{a}lines");
        assert_eq!(text("two\nlines\tok\u{9b}"), "two\nlines\tok\\u{9b}");
        assert_eq!(line("rtl\u{202e}txt.exe"), "rtl\\u{202e}txt.exe");
        assert!(matches!(line("plain é"), Cow::Borrowed("plain é")));
    }
}

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

/// Writes `value` as pretty JSON in which every unsafe character (see [`is_unsafe`]) is a
/// `\uXXXX` escape: the same data for a program, nothing that drives a terminal for a person.
/// (`serde_json` escapes only C0 controls; C1 and direction controls would pass raw.)
pub fn write_json<W: std::io::Write + ?Sized>(
    writer: &mut W,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(value).map_err(std::io::Error::from)?;
    writer.write_all(json_escaped(json).as_bytes())
}

/// [`write_json`] on one line, then a line break: one line of JSON Lines.
pub fn write_json_line<W: std::io::Write + ?Sized>(
    writer: &mut W,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let mut json = json_escaped(serde_json::to_string(value).map_err(std::io::Error::from)?);
    json.push('\n');
    writer.write_all(json.as_bytes())
}

/// `json` with every unsafe character but the line breaks between values as a `\uXXXX`
/// escape. Outside strings JSON is printable ASCII and line breaks, and `serde_json` has
/// escaped the C0 controls in strings, so what is left to escape is inside strings.
fn json_escaped(json: String) -> String {
    let escape = |c: char| c != '\n' && is_unsafe(c);
    if !json.chars().any(escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `value` as [`write_json`] writes it.
    fn json(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_json(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_are_made_visible_and_lines_kept_only_in_text() {
        let evil = "a\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}.txt";
        assert_eq!(line(evil), "a\\u{1b}[2J\\u{1b}]52;c;ZXZpbA==\\u{7}.txt");
        assert_eq!(line("two\nlines"), "two\\u{a}lines");
        assert_eq!(text("two\nlines\tok\u{9b}"), "two\nlines\tok\\u{9b}");
        assert_eq!(line("rtl\u{202e}txt.exe"), "rtl\\u{202e}txt.exe");
        assert!(matches!(line("plain é"), Cow::Borrowed("plain é")));
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_means_the_same() {
        let value = serde_json::json!({"name": "rtl\u{202e}txt.exe \u{9b}2J \u{1b} é 😀"});
        let text = json(&value);
        assert!(
            text.contains("rtl\\u202etxt.exe \\u009b2J \\u001b é 😀"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        let mut line = Vec::new();
        write_json_line(&mut line, &value).unwrap();
        let line = String::from_utf8(line).unwrap();
        assert_eq!(line.lines().count(), 1);
        assert!(line.contains("rtl\\u202etxt.exe"), "{line}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).unwrap(),
            value
        );
    }

    #[test]
    fn json_takes_the_ascii_path_only_for_printable_ascii() {
        // DEL is ASCII but a control character: it must not slip through the fast path.
        let value =
            serde_json::json!({"plain": "Check the upload queue (2 min).", "del": "a\u{7f}b"});
        let text = json(&value);
        assert!(
            text.contains("\"Check the upload queue (2 min).\""),
            "{text}"
        );
        assert!(text.contains("\"a\\u007fb\""), "{text}");
    }
}

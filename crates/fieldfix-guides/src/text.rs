//! Text hygiene: guide text must never be able to repaint the user's terminal.

/// The first character that must not appear in guide text: control characters (other than a
/// line break), which include the ESC that starts terminal escape sequences, and the Unicode
/// bidirectional overrides that can make text display differently from what it says.
pub fn forbidden_char(text: &str) -> Option<char> {
    // Printable ASCII and line breaks, nearly all guide text, need no decoding (this runs on
    // every string of a cached company library on every start).
    if text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    text.chars()
        .find(|&c| c != '\n' && crate::safe::is_unsafe(c))
}

/// Whether `v` is a valid id: lowercase letters, digits and single dashes, like `weak-signal`.
pub fn is_id(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !v.starts_with('-')
        && !v.ends_with('-')
        && !v.contains("--")
}

/// A copy of `text` that is safe to print on one line: see [`crate::safe::line`].
pub fn sanitize(text: &str) -> String {
    crate::safe::line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_forbidden_and_made_visible() {
        assert_eq!(forbidden_char("plain text\nnext line"), None);
        assert_eq!(forbidden_char("red \u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(forbidden_char("tab\there"), Some('\t'));
        assert_eq!(forbidden_char("abc\u{202E}def"), Some('\u{202E}'));
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}

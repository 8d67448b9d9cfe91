//! Text hygiene: guide text must never be able to repaint the user's terminal.

/// The first character that must not appear in guide text: control characters (other than a
/// line break), which include the ESC that starts terminal escape sequences, and the Unicode
/// bidirectional overrides that can make text display differently from what it says.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// A copy of `text` that is safe to print: forbidden characters are shown as `\u{..}` escapes.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if forbidden_char(c.encode_utf8(&mut [0; 4])).is_some() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
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

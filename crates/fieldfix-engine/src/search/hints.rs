//! What a description already says about the shared questions: "on my iPad" answers the
//! device, "no signal" the connection. Used by the wizard (shown, and changeable with Back) and
//! by `diagnose --describe` for scripts.

use std::sync::LazyLock;

use regex::Regex;

use crate::guides::model::{DEVICE, NETWORK};

/// One shared question answered by the user's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The question id (`device`, `network`).
    pub question: &'static str,
    /// The answer value.
    pub value: &'static str,
    /// The words that said so, as the user typed them ("iPad").
    pub said: String,
}

/// Words that answer a shared question, as regex alternatives: (question, value, words).
const WORDS: [(&str, &str, &str); 5] = [
    (DEVICE, "ios", r"iphones?|ipads?|ios"),
    (DEVICE, "android", r"android|samsung|galaxy|pixel"),
    (
        DEVICE,
        "computer",
        r"laptop|computer|desktop|pc|browser|chrome|firefox|edge|windows|macbook",
    ),
    (
        NETWORK,
        "offline",
        r"no (signal|internet|connection|service|reception)|offline",
    ),
    (
        NETWORK,
        "weak",
        r"(bad|weak|slow|poor|patchy|spotty) (wi-?fi|signal|connection|internet|reception)|one bar",
    ),
];

static PATTERNS: LazyLock<Vec<(&str, &str, Regex)>> = LazyLock::new(|| {
    WORDS
        .iter()
        .map(|(q, v, words)| {
            // ASCII case and word boundaries (`-u`): the words are English. Unicode boundaries
            // cost most of a `diagnose` run to compile, and Unicode case folding a table that
            // every fieldfix process would load (regex's `unicode-case`, left out).
            let re = Regex::new(&format!(r"(?i-u)\b({words})\b")).expect("valid regex");
            (*q, *v, re)
        })
        .collect()
});

/// The shared questions `text` answers, one hint per question at most (the first words win).
pub fn hints(text: &str) -> Vec<Hint> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(usize, Hint)> = PATTERNS
        .iter()
        .filter_map(|(question, value, re)| {
            re.find(text).map(|m| {
                let hint = Hint {
                    question,
                    value,
                    said: m.as_str().to_owned(),
                };
                (m.start(), hint)
            })
        })
        .collect();
    found.sort_by_key(|(at, _)| *at);
    let mut hints: Vec<Hint> = Vec::new();
    for (_, hint) in found {
        if !hints.iter().any(|h| h.question == hint.question) {
            hints.push(hint);
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(&'static str, &'static str, String)> {
        hints(text)
            .into_iter()
            .map(|h| (h.question, h.value, h.said))
            .collect()
    }

    #[test]
    fn devices_and_connections_are_read_from_the_words() {
        assert_eq!(
            values("pics stuck on my iPad, no signal on site"),
            [
                (DEVICE, "ios", "iPad".to_owned()),
                (NETWORK, "offline", "no signal".to_owned())
            ]
        );
        assert_eq!(
            values("Samsung Galaxy, bad wifi"),
            [
                (DEVICE, "android", "Samsung".to_owned()),
                (NETWORK, "weak", "bad wifi".to_owned())
            ]
        );
        assert_eq!(
            values("budget won't load in Chrome"),
            [(DEVICE, "computer", "Chrome".to_owned())]
        );
        // Case does not matter (typed in capitals, or by a phone's auto-capitalisation).
        assert_eq!(
            values("NO SIGNAL, Android PHONE"),
            [
                (NETWORK, "offline", "NO SIGNAL".to_owned()),
                (DEVICE, "android", "Android".to_owned())
            ]
        );
        assert!(values("photos not uploading").is_empty());
        // Words inside other words do not count.
        assert!(values("the pcs on the epicentre page").is_empty());
    }
}

//! "What's going wrong?": what the user's words lead to. A guide that clearly wins is taken;
//! otherwise "Is it one of these?" offers the best few (two close ones each with the line that
//! tells it from the other), then "None of these: show the full list", whose last entry writes a
//! ticket through the stand-in guide for a problem none covers.

use super::handover::Recipient;
use super::unlisted;
use crate::guides::model::{Guide, Library};
use crate::search::{self, Hit};

/// The first screen's question.
pub const FIRST_SCREEN: &str = "What's going wrong? (describe it, or press Enter for the list)";
/// The full list's entry that asks for the words again.
pub const DESCRIBE: &str = "Something else: describe it in my own words";
/// The last entry of "Is it one of these?".
pub const FULL_LIST: &str = "None of these: show the full list";
/// How many hits "Is it one of these?" offers.
pub const OFFERED: usize = 5;

/// The last entry of the full list: no guide fits, so the details go straight into a ticket.
pub fn none_fit(library: &Library) -> String {
    let unlisted = unlisted::unlisted(library);
    format!(
        "None of these: write a ticket for {}",
        Recipient::of(&unlisted, unlisted.escalate.to).name
    )
}

/// What the words typed lead to.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<'a> {
    /// A guide that clearly wins: taken without asking.
    Winner(&'a Guide),
    /// "Is it one of these?": the guides and their labels, best first (then [`FULL_LIST`]).
    Offer(Vec<(&'a Guide, String)>),
    /// No guide matches: the full list.
    Nothing,
}

/// What the words `text` lead to.
pub fn find<'a>(library: &'a Library, text: &str) -> Found<'a> {
    let hits = search::search(library, text);
    if let Some(guide) = clear_winner(&hits).and_then(|hit| library.guide(&hit.guide)) {
        return Found::Winner(guide);
    }
    let mut labels: Vec<String> = hits.iter().take(OFFERED).map(|h| h.title.clone()).collect();
    told_apart(library, text, &hits, &mut labels);
    let offer: Vec<(&Guide, String)> = hits
        .iter()
        .zip(labels)
        .filter_map(|(hit, label)| library.guide(&hit.guide).map(|g| (g, label)))
        .collect();
    if offer.is_empty() {
        Found::Nothing
    } else {
        Found::Offer(offer)
    }
}

/// Every guide, by title, for the full list.
pub fn full_list(library: &Library) -> Vec<&Guide> {
    let mut guides: Vec<&Guide> = library.guides.iter().collect();
    guides.sort_by_key(|g| g.title.to_lowercase());
    guides
}

/// When the top two hits are close, each of their options gets the line of its guide that tells
/// it from the other: `Title — "line"`.
fn told_apart(library: &Library, text: &str, hits: &[Hit], options: &mut [String]) {
    let [first, second, ..] = hits else { return };
    if second.score < first.score * CLOSE {
        return;
    }
    if let Some((a, b)) = search::tell_apart(library, text, &first.guide, &second.guide) {
        for (option, line) in options.iter_mut().zip([a, b]) {
            if line.eq_ignore_ascii_case(option) {
                continue;
            }
            // One screen line wide at most (the menu's marker included), cut with "…".
            let room = TOLD_APART_WIDTH.saturating_sub(option.chars().count() + 5);
            let line: String = if line.chars().count() > room {
                let cut: String = line.chars().take(room.saturating_sub(1)).collect();
                format!("{}…", cut.trim_end())
            } else {
                line
            };
            option.push_str(&format!(" — \"{line}\""));
        }
    }
}

/// The widest an option with its telling line gets, in characters.
const TOLD_APART_WIDTH: usize = 76;

/// How close the second hit's score must be to the first's (as a share of it) for the two to
/// count as close.
const CLOSE: f64 = 0.66;

/// The top hit when it stands out: a good match on its own, and the next one scores at most
/// two thirds of it ("cant log in" fits a login loop and a locked account about as well).
pub fn clear_winner(hits: &[Hit]) -> Option<&Hit> {
    let first = hits.first()?;
    let second = hits.get(1).map_or(0.0, |h| h.score);
    (first.score >= 0.6 && second <= first.score * CLOSE).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_words_pick_the_guide_and_vague_ones_offer_a_few() {
        let library = crate::testing::builtin();
        match find(&library, "photos stuck uploading on my iPad") {
            Found::Winner(g) => assert_eq!(g.id, "photos-not-uploading"),
            other => panic!("{other:?}"),
        }
        match find(&library, "cant log in") {
            Found::Offer(offer) => {
                assert!((2..=OFFERED).contains(&offer.len()), "{offer:?}");
                assert!(offer.iter().any(|(g, _)| g.id == "login-loop"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(find(&library, "zzzqqq xyzzy"), Found::Nothing);
        let all = full_list(&library);
        assert_eq!(all.len(), library.guides.len());
        assert!(
            all.windows(2)
                .all(|w| w[0].title.to_lowercase() <= w[1].title.to_lowercase())
        );
        assert!(none_fit(&library).starts_with("None of these: write a ticket for "));
    }
}

//! The choices the browser shares with the terminal beyond the step's result: "It's a different
//! problem", "Open related guide" and "None of these" on the first screen.

use fieldfix_engine::walk::choose::{self, Found};
use serde_json::json;

use super::driver::Browser;
use super::support::assert_has;
use super::{
    answer, dont_know_to_the_end, find, find_and_open, hand_over, on_phone, start, to_step,
};

/// The title the screen shows for its guide.
fn guide_title(b: &Browser) -> String {
    b.string(
        "var t = document.querySelector('#wizard .guide-title'); return t ? t.textContent : '';",
    )
}

/// Answers every question with its first option until a step (or the hand-over) shows; the
/// questions answered, with their values.
fn answer_until_step(b: &Browser) -> Vec<(String, String)> {
    let mut answered = Vec::new();
    while b.screen().0 == "question" {
        let (_, id) = b.screen();
        answered.push((id, answer(b, 0)));
    }
    answered
}

#[test]
fn a_different_problem_keeps_the_shared_answers_and_the_ticket_names_the_guide_left() {
    let Some((library, _site, b)) = on_phone("it's a different problem") else {
        return;
    };
    let shared: Vec<&str> = library.context.iter().map(|q| q.id.as_str()).collect();
    start(&b, "photos-not-uploading");
    let answered = answer_until_step(&b);
    let (kind, first) = b.screen();
    assert_eq!(kind, "step");
    let photos = library.guide("photos-not-uploading").unwrap();
    let tried = photos.step(&first).unwrap().title.clone();
    b.click("button[data-action=didnt-help]");
    assert_eq!(b.screen().0, "step");
    let at_step = b.screen();

    // The first screen again; Back to the step changes nothing.
    b.click("button[data-action=switch]");
    assert_eq!(b.screen().0, "switch");
    b.click("button[data-action=back]");
    assert_eq!(b.screen(), at_step, "Back to the step");

    b.click("button[data-action=switch]");
    find_and_open(
        &b,
        "I keep getting sent back to the sign in page",
        "login-loop",
    );
    let login = library.guide("login-loop").unwrap();
    assert_eq!(guide_title(&b), login.title, "on the guide switched to");
    let text = b.text();
    assert_has(
        &text,
        &["Your answers so far are kept; Back returns to the last problem."],
    );
    // The shared questions answered for the first guide are not asked again.
    let kept: Vec<&str> = answered
        .iter()
        .map(|(q, _)| q.as_str())
        .filter(|q| shared.contains(q))
        .collect();
    assert!(!kept.is_empty(), "some shared question was answered");
    let asked = answer_until_step(&b);
    for (q, _) in &asked {
        assert!(!kept.contains(&q.as_str()), "{q} asked again");
    }
    assert_eq!(b.screen().0, "step");

    let ticket = hand_over(&b);
    assert!(
        ticket.contains(&format!("{tried} ({})", photos.title)),
        "the step tried in the guide left, with that guide's title:\n{ticket}"
    );
    assert_has(&ticket, &["I keep getting sent back to the sign in page"]);
    // Back from the ticket and from the hand-over, then Back again: the guide left.
    b.click("button[data-action=back]");
    assert_eq!(b.screen().0, "handover");
    b.click("button[data-action=back]");
    assert_eq!(b.screen().0, "step");
    while guide_title(&b) == login.title {
        b.click("button[data-action=back]");
    }
    assert_eq!(b.screen(), at_step, "Back returns to the last problem");
}

#[test]
fn open_related_guide_goes_on_in_the_guide_the_step_names_and_back_returns() {
    let Some((library, _site, b)) = on_phone("open related guide") else {
        return;
    };
    let id = "account-locked";
    start(&b, id);
    let guide = library.guide(id).unwrap();
    // Skip steps until one names a related guide.
    let related = |id: &str| guide.step(id).unwrap().see.is_some();
    let step = to_step(&b, "skip", "step with a related guide", related);
    let see = guide.step(&step).unwrap().see.as_deref().unwrap();
    let other = library.guide(see).unwrap();
    let label = format!("Open related guide: {}", other.title);
    let text = b.text();
    assert_has(&text, &[&label]);
    let at_step = b.screen();
    b.click("button[data-action=related]");
    assert_eq!(guide_title(&b), other.title);
    assert_ne!(b.screen(), at_step);
    b.click("button[data-action=back]");
    assert_eq!(
        b.screen(),
        ("step".to_owned(), step),
        "Back returns to the step"
    );
    assert_eq!(guide_title(&b), guide.title);
}

#[test]
fn none_of_these_shows_the_full_list_whose_last_entry_writes_a_ticket() {
    let Some((library, _site, b)) = on_phone("none of these") else {
        return;
    };
    let words = "cant log in";
    find(&b, words);
    let offered = b.js("return [document.querySelector('.results h2').textContent, document.querySelectorAll('button[data-action=guide]').length];");
    assert_eq!(offered[0], json!("Is it one of these?"));
    let few = offered[1].as_u64().unwrap();
    assert!((2..=5).contains(&few), "{few} offered");
    b.click("button[data-action=full-list]");
    let listed = b.js("return [document.querySelector('.results h2').textContent, document.querySelectorAll('button[data-action=guide]').length, document.querySelector('button[data-action=unlisted]').textContent];");
    assert_eq!(listed[0], json!("All problems"));
    // The built-in guides and the site's company guide.
    assert_eq!(listed[1].as_u64().unwrap(), library.guides.len() as u64 + 1);
    let none = listed[2].as_str().unwrap();
    assert!(
        none.starts_with("None of these: write a ticket for "),
        "{none}"
    );
    b.click("button[data-action=unlisted]");
    // The shared questions support needs, then the hand-over.
    let asked = dont_know_to_the_end(&b);
    assert_eq!(asked, library.context.len(), "each shared question once");
    assert_eq!(b.screen().0, "handover");
    b.click("button[data-action=ticket]");
    let ticket = b.ticket();
    assert!(
        ticket.starts_with("# Support ticket: A problem none of the guides covers"),
        "{ticket}"
    );
    assert!(ticket.contains(words), "the user's words:\n{ticket}");
}

/// Words that clearly point to one guide start it at once, as the terminal does; words that
/// fit a few offer them. Which is which is the engine's call (`choose::find`), not the page's.
#[test]
fn clear_words_start_their_guide_at_once_and_vague_ones_offer_a_few() {
    let Some((library, _site, b)) = on_phone("clear words") else {
        return;
    };
    let clear = "photos won't upload on my iPhone";
    let Found::Winner(winner) = choose::find(&library, clear) else {
        panic!("the engine does not start a guide for {clear:?}");
    };
    find(&b, clear);
    let (kind, _) = b.screen();
    assert!(
        kind == "question" || kind == "step",
        "on {kind}, not in the guide"
    );
    assert_eq!(guide_title(&b), winner.title);

    b.click("button[data-action=start-over]");
    let vague = "cant log in";
    assert!(matches!(choose::find(&library, vague), Found::Offer(_)));
    find(&b, vague);
    assert_eq!(b.screen().0, "home");
    assert!(b.text().contains("Is it one of these?"));
}

//! "Did you do this step?": after "Didn't help" or "Fixed it" at a step that can lose unsynced
//! work on a phone, the browser asks what the terminal asks, and records the result only when
//! the user says they did the step.

use serde_json::json;

use super::driver::Browser;
use super::support::assert_has;
use super::{
    PHONE, axe_violations, check_layout, find_and_open, hand_over_and_back, on_phone, to_step,
};
use fieldfix::guides::model::{Library, Risk};
use fieldfix_engine::walk::{card, next};

/// The steps recorded in the walk the page keeps: (step, result).
fn recorded(b: &Browser) -> Vec<(String, String)> {
    let log = b.js("var s = JSON.parse(localStorage.getItem('fieldfix-wizard-v2')); return s.state.log.map(function (o) { return [o.step, o.result]; });");
    serde_json::from_value(log).unwrap()
}

/// On an iPhone, to the first step of `guide` that can lose unsynced work: "I don't know" to
/// every question, "Didn't help" to every step before it (recorded without a question).
fn to_risky_step(b: &Browser, library: &Library, guide: &str) -> String {
    let g = library.guide(guide).unwrap();
    let risky = |id: &str| card::at_risk(g.step(id).unwrap(), Some("ios")).is_some();
    to_step(b, "didnt-help", "risky step", risky)
}

#[test]
fn a_step_that_can_lose_unsynced_work_is_recorded_only_once_the_user_says_they_did_it() {
    let Some((library, _site, b)) = on_phone("did you do this step") else {
        return;
    };
    let guide = "photos-not-uploading";
    find_and_open(&b, "photos won't upload on my iPhone", guide);
    let id = to_risky_step(&b, &library, guide);
    let at_step = (b.screen(), b.text());
    let in_ticket = format!("(`{id}`)");

    b.click("button[data-action=didnt-help]");
    assert_eq!(b.screen(), ("confirm".to_owned(), id.clone()));
    let text = b.text();
    assert_has(
        &text,
        &[
            Risk::LosesUnsynced.warning(),
            next::CONFIRM_ASK,
            next::CONFIRM_DONE,
            next::CONFIRM_NOT_YET,
        ],
    );
    check_layout(&b, PHONE.0, "\"Did you do this step?\"");
    if let Some(found) = axe_violations(&b) {
        assert_eq!(found, json!([]), "axe on \"Did you do this step?\"");
    }
    assert!(!recorded(&b).iter().any(|(s, _)| *s == id), "not yet");

    // "Not yet", by keyboard: the same step, nothing recorded, and the ticket lacks it.
    b.js("document.querySelector('button[data-action=not-yet]').focus();");
    b.keys("\u{E007}");
    assert_eq!((b.screen(), b.text()), at_step, "back on the same step");
    assert!(!recorded(&b).iter().any(|(s, _)| *s == id));
    let ticket = hand_over_and_back(&b);
    assert!(!ticket.contains(&in_ticket), "not in the ticket:\n{ticket}");
    assert_eq!((b.screen(), b.text()), at_step);

    // Back from the question: the step too.
    b.click("button[data-action=didnt-help]");
    b.click("button[data-action=back]");
    assert_eq!((b.screen(), b.text()), at_step, "Back returns to the step");
    assert!(!recorded(&b).iter().any(|(s, _)| *s == id));

    // "Yes, I did it": recorded as said, and the walk moves on.
    b.click("button[data-action=didnt-help]");
    b.click("button[data-action=done]");
    assert_ne!(b.screen().1, id, "moved on");
    let last: Option<(String, String)> = recorded(&b).pop();
    assert_eq!(last, Some((id.clone(), "did-not-help".to_owned())));
    let ticket = hand_over_and_back(&b);
    assert!(
        ticket.contains(&format!("{in_ticket}: **did not help**")),
        "in the ticket:\n{ticket}"
    );
}

//! The wizard of the exported site, as WebAssembly: the engine and the search of fieldfix (the
//! very source files of `src/engine` and `src/search`, compiled again for the browser) behind a
//! small JSON-in, JSON-out API. The page only renders the screens this returns and sends back
//! what the user chose: every decision (which question, which step, when to hand over, what the
//! words typed pre-answer) is made here.
//!
//! The API: [`load`] the library once (the JSON `fieldfix export` writes), then [`search`] the
//! user's words, [`start`] a walk on a guide, [`screen`] to show for a state, and [`act`] to
//! apply a choice to a state. A state is plain JSON the page keeps in local storage.

// The engine and the search, shared with the fieldfix binary. They reach the guide model as
// `crate::guides::model` and the did-you-mean helper as `crate::suggest`, as in fieldfix.
#[path = "../../../src/engine/mod.rs"]
pub mod engine;
#[path = "../../../src/search/mod.rs"]
pub mod search;

pub mod wizard;

/// What a question or step screen says, the hand-over and the ticket's content, shared with
/// the terminal wizard (src/wizard); here their `super::handover` and `super::unlisted` are
/// found at the root.
#[path = "../../../src/wizard/card.rs"]
pub mod card;
#[path = "../../../src/wizard/handover.rs"]
pub mod handover;
#[path = "../../../src/wizard/unlisted.rs"]
pub mod unlisted;

pub mod output;

/// The guide model, where the shared sources look for it.
mod guides {
    pub use fieldfix_guides::model::{Guide, Library};
    pub use fieldfix_guides::{check, model};
}
use fieldfix_guides::{safe, suggest};

use wasm_bindgen::prelude::*;

/// Loads the library (the JSON of a `fieldfix_guides::model::Library`). Every other call uses
/// the library loaded last.
#[wasm_bindgen]
pub fn load(library: &str) -> Result<(), JsError> {
    wizard::load(library).map_err(|e| JsError::new(&e))
}

/// The guides matching the user's words, best first, as JSON.
#[wasm_bindgen]
pub fn search(words: &str) -> Result<String, JsError> {
    call(|library| json(&wizard::search(library, words)))
}

/// A new walk through the guide `guide` for the words typed (which may pre-answer the device
/// and the connection), as state JSON.
#[wasm_bindgen]
pub fn start(guide: &str, words: &str) -> Result<String, JsError> {
    call(|library| json(&wizard::start(library, guide, words)?))
}

/// The screen to show for a state, as JSON.
#[wasm_bindgen]
pub fn screen(state: &str) -> Result<String, JsError> {
    call(|library| json(&wizard::screen(library, &parse(state)?)?))
}

/// The state after the user's choice (a [`wizard::Action`] as JSON) on the screen of `state`;
/// `now` is the phone's clock (`YYYY-MM-DD HH:MM:SS ZONE`), for the ticket's times.
#[wasm_bindgen]
pub fn act(state: &str, action: &str, now: &str) -> Result<String, JsError> {
    call(|library| {
        let mut state: wizard::State = parse(state)?;
        wizard::act(library, &mut state, parse(action)?, now)?;
        json(&state)
    })
}

fn call(f: impl FnOnce(&guides::Library) -> Result<String, String>) -> Result<String, JsError> {
    wizard::with_library(f).map_err(|e| JsError::new(&e))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}

//! The wizard of the exported site, as WebAssembly: the engine and the search of fieldfix (the
//! `fieldfix-engine` crate the binary builds on, compiled for the browser) behind a
//! small JSON-in, JSON-out API. The page only renders the screens this returns and sends back
//! what the user chose: every decision (which question, which step, when to hand over, what the
//! words typed pre-answer) is made here.
//!
//! The API: [`load`] the library once (the JSON `fieldfix export` writes), then [`search`] the
//! user's words, [`start`] a walk on a guide, [`screen`] to show for a state, and [`act`] to
//! apply a choice to a state. A state is plain JSON the page keeps in local storage.

// The engine, the search and what the cards and the hand-over say: the very crate the fieldfix
// binary builds on.
pub use fieldfix_engine::walk::{card, handover, unlisted};
pub use fieldfix_engine::{engine, output, search};

pub mod wizard;

/// The guide model.
mod guides {
    pub use fieldfix_guides::model;
    pub use fieldfix_guides::model::Library;
}

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

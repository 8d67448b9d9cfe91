//! The wizard of the exported site, as WebAssembly: the engine and the search of fieldfix (the
//! `fieldfix-engine` crate the binary builds on, compiled for the browser) behind a
//! small JSON-in, JSON-out API. The page only renders the screens this returns and sends back
//! what the user chose: every decision (which question, which step, when to hand over, what the
//! words typed pre-answer) is made here.
//!
//! The API: [`load`] the library once (the JSON `fieldfix export` writes), then [`call`] it
//! with a [`wizard::Request`]: search the user's words, start a walk on a guide, the screen to
//! show for a state, or a choice applied to a state. A state is plain JSON the page keeps in
//! local storage: the walk the terminal wizard saves in its session files
//! ([`fieldfix_engine::walk::Walk`]).

// The engine, the search and what the cards and the hand-over say: the very crate the fieldfix
// binary builds on.
pub use fieldfix_engine::walk::{card, handover, unlisted};
pub use fieldfix_engine::{engine, output, search};

pub mod wizard;

use wasm_bindgen::prelude::*;

/// Loads the library (the JSON of a `fieldfix_guides::model::Library`). Every call uses the
/// library loaded last.
#[wasm_bindgen]
pub fn load(library: &str) -> Result<(), JsError> {
    wizard::load(library).map_err(|e| JsError::new(&e))
}

/// Answers a [`wizard::Request`] (JSON) on the library loaded last, as JSON.
#[wasm_bindgen]
pub fn call(request: &str) -> Result<String, JsError> {
    wizard::call(request).map_err(|e| JsError::new(&e))
}

//! The pure logic of fieldfix, with no terminal, no files and no clock: the diagnosis
//! [`engine`], the [`search`] of a description, and the [`walk`]'s content (what a question or
//! step card says, the hand-over and its ticket). The fieldfix binary and the exported site's
//! wizard (crates/fieldfix-web, compiled to WebAssembly) are two front ends over this one crate.
//!
//! The layers, each using only those before it: the guide model (the `fieldfix-guides` crate),
//! [`engine`], [`search`], [`output`] (the wording and Markdown both front ends share), [`walk`].

pub mod engine;
pub mod output;
pub mod search;
pub mod walk;

/// The guide model, where the modules here look for it.
mod guides {
    pub use fieldfix_guides::model::{Guide, Library};
    pub use fieldfix_guides::{check, model};
}
use fieldfix_guides::{safe, suggest};

#[cfg(test)]
mod testing;

//! fieldfix: a troubleshooting wizard for construction teams who use Procore.
//!
//! The layers, each in its own module:
//! - [`guides`]: the knowledge base (file format, loading, validation);
//! - [`engine`]: pure diagnosis logic (answers in, ranked causes and steps out);
//! - [`search`]: free-text matching of a description to guides;
//! - [`commands`]: the scriptable subcommands; [`wizard`]: the interactive front end;
//! - [`output`]: text, Markdown and JSON rendering;
//! - [`preflight`]: checks files before they are uploaded (`fieldfix preflight`);
//! - [`safe`]: makes outside text safe to print; [`input`]: reads the files it is given.

pub mod app;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod guides;
pub mod input;
pub mod output;
pub mod preflight;
pub mod safe;
pub mod search;
pub mod suggest;
pub mod wizard;

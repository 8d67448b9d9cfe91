//! fieldfix: a troubleshooting wizard for construction teams who use Procore.
//!
//! The layers, each in its own module, each using only those before it:
//! - [`guides`]: the knowledge base (file format, loading, validation, the schema);
//! - [`engine`]: pure diagnosis logic (answers in, ranked causes and steps out), from the
//!   `fieldfix-engine` crate the exported site's wizard also compiles;
//! - [`outcomes`]: the outcome log the wizard keeps, its summary, and tuning the guides from it;
//! - [`search`]: free-text matching of a description to guides (also from `fieldfix-engine`);
//! - [`output`]: text, Markdown and JSON rendering, and where a command writes ([`output::Out`]);
//! - [`preflight`]: checks files before they are uploaded (`fieldfix preflight`);
//! - [`commands`]: the scriptable subcommands; [`wizard`]: the interactive front end;
//! - [`cli`]: the command line (clap); [`app`]: runs it.
//!
//! Beside them: [`error`] (the errors and the exit codes), [`safe`] (makes outside text safe to
//! print), [`input`] (reads the files it is given), [`suggest`] (did-you-mean).

pub mod app;
pub mod cli;
pub mod commands;
pub mod error;
pub mod guides;
pub mod outcomes;
pub mod output;
pub mod preflight;
pub mod wizard;

// Shared with the build script through the guide crate.
pub use fieldfix_guides::{input, safe, sha256_hex, suggest};
// Pure logic, shared with the exported site's wizard through the engine crate.
pub use fieldfix_engine::{engine, search};

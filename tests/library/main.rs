//! The library's tests, in-process (no binary runs): the engine, the fuzz properties of the
//! readers, and the validator's rules as a table. tests/cli holds the command-line tests.

#[path = "../support/mod.rs"]
mod support;

mod engine;
mod properties;
mod validate;
mod walks;

//! The command-line tests: the real binary, run through the shared `Test` builder, one module
//! per area. The library's own tests (engine, properties, validator rules) are in tests/library.

#[path = "../support/mod.rs"]
mod support;

mod admin;
mod commands;
mod content;
mod hardening;
mod help;
mod json_shapes;
mod outcomes;
mod preflight;
mod pty;
mod validate;
mod wizard;

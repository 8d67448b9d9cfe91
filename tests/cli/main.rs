//! The integration tests: one binary, one module per area, a shared helper module.

mod support;

mod admin;
mod commands;
mod content;
mod engine;
mod hardening;
mod outcomes;
mod preflight;
mod properties;
mod pty;
mod validate;
mod wizard;

//! The renderings the shared sources use, from fieldfix's own files (src/output): the common
//! wording (minutes, chances, devices), Markdown escaping and the ticket's Markdown.

#[path = "../../../src/output/common.rs"]
mod common;
pub use common::{Diagnosis, SCHEMA_VERSION, device_label, minutes, percent, source_label};
#[path = "../../../src/output/markdown.rs"]
pub mod markdown;
#[path = "../../../src/output/ticket.rs"]
pub mod ticket;

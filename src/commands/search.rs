//! `fieldfix search`: the guides that match a problem described in the user's own words.

use super::Env;
use crate::error::exit;
use crate::output::{Format, json, text};

/// What `fieldfix search` was asked for.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The description, its words joined by spaces.
    pub query: String,
    /// How many matches to show at most.
    pub limit: usize,
    pub format: Format,
}

pub fn run(request: &SearchRequest, env: &mut Env) -> anyhow::Result<u8> {
    let mut hits = env.search_index()?.search(&request.query);
    hits.truncate(request.limit);
    let out = &mut *env.out;
    match request.format {
        Format::Json => out.json(&json::search(&request.query, &hits))?,
        _ if hits.is_empty() => {
            out.text("No guide matches that description. Try other words, or `fieldfix list`.\n")?
        }
        _ => out.text(&text::search(&hits, &out.paint))?,
    }
    Ok(exit::OK)
}

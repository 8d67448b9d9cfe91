//! `fieldfix show`: one whole guide, as text, Markdown or JSON.

use super::Env;
use crate::error::{Error, exit};
use crate::guides::loading::Loading;
use crate::output::{Format, json, markdown, text};

/// What `fieldfix show` was asked for.
#[derive(Debug, Clone)]
pub struct ShowRequest {
    /// The guide: id, alias or unique prefix.
    pub guide: String,
    pub format: Format,
}

pub fn run(request: &ShowRequest, env: &mut Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    let guide = library.find(&request.guide).map_err(Error::from)?;
    let out = &mut *env.out;
    match request.format {
        Format::Json => out.json(&json::show(guide))?,
        Format::Markdown => out.text(&markdown::show(guide, &library))?,
        Format::Text => out.text(&text::show(guide, &library, &out.paint))?,
    }
    Ok(exit::OK)
}

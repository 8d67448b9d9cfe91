//! `fieldfix list`: every guide, one line each (or a JSON document).

use super::Env;
use crate::error::exit;
use crate::guides::loading::Loading;
use crate::output::{Format, json, text};

/// What `fieldfix list` was asked for.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub format: Format,
}

pub fn run(request: &ListRequest, env: &mut Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    let out = &mut *env.out;
    match request.format {
        Format::Json => out.json(&json::list(&library))?,
        _ => out.text(&text::list(&library, &out.paint))?,
    }
    Ok(exit::OK)
}

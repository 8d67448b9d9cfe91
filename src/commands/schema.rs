//! `fieldfix schema`: the JSON Schema of a guide file. Needs no guides.

use super::Env;
use crate::error::exit;
use crate::guides;

/// `fieldfix schema`: generated at build time from the types the loader reads, so it cannot
/// drift from what `validate` accepts.
pub fn run(env: &mut Env) -> anyhow::Result<u8> {
    env.out.text(guides::schema_text())?;
    Ok(exit::OK)
}

//! `fieldfix outcomes`: the local outcome log, summarised per guide or exported as JSON Lines.

use crate::guides::loading::Loading;

use crate::error::{Error, exit};
use crate::outcomes::{Log, read, summary};
use crate::output::outcomes::SummaryDoc;
use crate::output::{Format, SCHEMA_VERSION};

/// What `fieldfix outcomes` was asked to do.
#[derive(Debug, Clone)]
pub struct OutcomesRequest {
    /// Write the records as JSON Lines instead of the summary.
    pub export: bool,
    pub format: Format,
}

/// `fieldfix outcomes [export]`: the guides give the summary its titles.
pub fn run(request: &OutcomesRequest, env: &mut super::Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    let out = &mut *env.out;
    let log = Log::default_location();
    let read = read::read_paths(&log.files()).map_err(Error::from)?;
    super::warn(&read.warnings);
    if request.export {
        for record in &read.records {
            crate::safe::write_json_line(&mut *out.writer, record)?;
        }
        out.writer.flush()?;
        return Ok(exit::OK);
    }
    let summary = summary::summarise(&read.records);
    match request.format {
        Format::Json => out.json(&SummaryDoc {
            schema_version: SCHEMA_VERSION,
            summary: &summary,
        })?,
        _ => {
            let path = crate::safe::path(&log.path());
            let text = crate::output::outcomes::summary(&summary, &library, &path, &out.paint);
            out.text(&text)?;
        }
    }
    Ok(exit::OK)
}

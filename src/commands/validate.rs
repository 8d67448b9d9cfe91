//! `fieldfix validate`: every problem and warning in a guide folder (or the built-in guides),
//! then a summary.

use std::path::PathBuf;

use super::Env;
use crate::error::{Error, exit};
use crate::guides;
use crate::output::{Format, json, keep_verdict, text};

/// What `fieldfix validate` was asked for.
#[derive(Debug, Clone)]
pub struct ValidateRequest {
    /// The folder to check (default: the `--guides` folder, else only the built-in guides).
    pub dir: Option<PathBuf>,
    /// Also require sources, and only Procore's own pages.
    pub strict: bool,
    pub format: Format,
}

/// `fieldfix validate`: exit 1 when there are problems (warnings alone pass). It loads no
/// library: it checks the files one by one ([`guides::check_all`]) and reports what is broken.
pub fn run(request: &ValidateRequest, env: &mut Env) -> anyhow::Result<u8> {
    let dir = request.dir.as_deref().or(env.guides);
    let checked = guides::check_all(dir, request.strict).map_err(Error::from)?;
    let guides = checked.library.as_ref().map_or(0, |l| l.guides.len());
    let out = &mut *env.out;
    let written = match request.format {
        Format::Json => out.json(&json::validate(&checked, guides)),
        _ => out.text(&text::problems(&checked, guides, &out.paint)),
    };
    let code = if checked.problems.is_empty() {
        exit::OK
    } else {
        exit::FAILURE
    };
    keep_verdict(written, code)
}

//! `fieldfix preflight`: the files an upload will fail on, before anyone tries. Needs no guides.

use super::Env;
use crate::preflight::PreflightRequest;

pub fn run(request: &PreflightRequest, env: &mut Env) -> anyhow::Result<u8> {
    crate::preflight::run(request, env.out)
}

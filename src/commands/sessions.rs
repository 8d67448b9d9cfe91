//! `fieldfix sessions`: the wizard sessions saved for `fix --resume`, or discard one.

use super::Env;
use crate::guides::loading::Loading;
use crate::wizard::SessionsRequest;

/// `fieldfix sessions [discard ID]`.
pub fn run(request: &SessionsRequest, env: &mut Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    crate::wizard::sessions(&library, request, env.out)
}

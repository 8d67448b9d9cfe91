//! `fieldfix fix` (and `fieldfix` with no command): the interactive wizard.

use super::Env;
use crate::guides::loading::Loading;
use crate::wizard::FixRequest;

/// `fieldfix fix`: the wizard, on every guide that loads.
pub fn run(request: FixRequest, env: &mut Env) -> anyhow::Result<u8> {
    let library = env.library(Loading::Lenient)?;
    crate::wizard::run(&library, request, env.out)
}

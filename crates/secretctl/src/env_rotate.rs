//! `secretctl env rotate KEY` and `env set KEY --generate`: owned by the schema work (generators, one-shot keys,
//! versioned keys).

use crate::cli::Globals;

/// Arguments of `secretctl env rotate`.
#[derive(Debug, clap::Args)]
pub struct RotateArgs {}

pub fn rotate(_g: Globals, _args: RotateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`secretctl env rotate` is not available in this build")
}

//! `secretctl name` (being built in this session; replaced by the real command).

use crate::cli::Globals;

/// Arguments of `secretctl name`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_g: Globals, _args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`secretctl name` is not available in this build")
}

//! `secretctl secret` (being built in this session; replaced by the real command).

use crate::cli::Globals;

/// Arguments of `secretctl secret`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_g: Globals, _args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`secretctl secret` is not available in this build")
}

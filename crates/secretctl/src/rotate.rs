//! `secretctl key rotate` and `key retire`: owned by the store work (re-encrypting the store under a new key).

use crate::cli::Globals;

/// Arguments of `secretctl key rotate`.
#[derive(Debug, clap::Args)]
pub struct RotateArgs {}

/// Arguments of `secretctl key retire`.
#[derive(Debug, clap::Args)]
pub struct RetireArgs {}

pub fn rotate(_g: Globals, _args: RotateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`secretctl key rotate` is not available in this build")
}

pub fn retire(_g: Globals, _args: RetireArgs) -> anyhow::Result<()> {
    anyhow::bail!("`secretctl key retire` is not available in this build")
}

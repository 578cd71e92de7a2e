//! `secretctl escrow pass`: copy the current values of an instance to the operator's `pass` password store.

use std::path::PathBuf;

use clap::Subcommand;
use secretctl_instance::{Instance, Pass, ValueStore};

use crate::cli::{Deferred, Globals};
use crate::common::{say, StoreArgs};

/// The `escrow` verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Copy the current version of every versioned secret, and the value of every other secret key, to the `pass`
    /// password store at secretctl/<instance>/<name>_v<N> (or secretctl/<instance>/<name>).
    Pass(Deferred<PassArgs>),
}

/// Arguments of `secretctl escrow pass`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct PassArgs {
    /// The instance directory (its .env and secretctl.toml).
    #[arg(long, value_name = "DIR", conflicts_with = "env")]
    pub instance: Option<PathBuf>,
    /// The instance's .env [default: ./.env].
    #[arg(long, value_name = "FILE")]
    pub env: Option<PathBuf>,
    /// Where `store = true` values live (used only when the instance keeps values there).
    #[command(flatten)]
    pub at: StoreArgs,
}

pub fn run(g: Globals, command: Command) -> anyhow::Result<()> {
    let Command::Pass(Deferred(a)) = command;
    let inst = Instance::locate(a.env.as_deref(), a.instance.as_deref(), None)?;
    let mut store = match inst.reads_store()? {
        true => Some(ValueStore::new(a.at.open(false)?, a.at.keyfile.keyring()?)),
        false => None,
    };
    let done = inst.escrow_pass(&Pass::new(), store.as_mut())?;
    if g.json {
        return g.print(&done, "");
    }
    for e in &done {
        let version = e.version.map(|v| format!(" v{v}")).unwrap_or_default();
        say(format!("{}{version} -> {}", e.key, e.path))?;
    }
    let file = inst.env_path().display();
    eprintln!("escrowed {} value(s) of {file} to pass", done.len());
    Ok(())
}

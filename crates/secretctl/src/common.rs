//! Options shared by several command groups, and the helpers every group uses: opening the keyring and the store,
//! printing a report as text or `--json`, a progress bar.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use secretctl_keyfile::{Keyring, LoadOptions};
use secretctl_store::{Store, StoreUrl};
use serde::Serialize;

use crate::cli::Globals;

/// Where the master keyfile is.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub struct KeyfileOpt {
    /// The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key].
    #[arg(long, env = "SECRETCTL_KEYFILE", value_name = "PATH")]
    pub keyfile: Option<PathBuf>,
    /// Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400).
    #[arg(long)]
    pub allow_loose_permissions: bool,
}

impl KeyfileOpt {
    /// The keyfile path: the flag, `SECRETCTL_KEYFILE`, or the default location.
    pub fn path(&self) -> PathBuf {
        self.keyfile
            .clone()
            .unwrap_or_else(secretctl_keyfile::default_path)
    }

    /// How to load the keyfile.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            allow_loose_permissions: self.allow_loose_permissions,
        }
    }

    /// Load the keyfile and the retired keys next to it (a Transit-wrapped keyfile is unwrapped through Vault).
    pub fn keyring(&self) -> anyhow::Result<Keyring> {
        Ok(secretctl_vault::open_keyring(
            &self.path(),
            self.load_options(),
        )?)
    }

    /// The active key, plain or Transit-wrapped.
    pub fn active_key(&self) -> anyhow::Result<secretctl_keyfile::Key> {
        Ok(secretctl_vault::load_active_key(
            &self.path(),
            self.load_options(),
        )?)
    }
}

/// Where the store and keyfile are, and who is acting; every `secret` verb and `key rotate | retire` take these.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub struct StoreArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
    /// The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile].
    #[arg(long, env = "SECRETCTL_STORE", value_name = "URL")]
    pub store: Option<String>,
    /// Who to record in the audit table [default: the OS user].
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
}

impl StoreArgs {
    /// The store of `--store`, or the default next to the keyfile.
    pub fn url(&self) -> anyhow::Result<StoreUrl> {
        Ok(match &self.store {
            Some(s) => s.parse()?,
            None => StoreUrl::next_to_keyfile(&self.keyfile.path()),
        })
    }

    /// Open the store of `--store` (or the default next to the keyfile). Only with `create` and no `--store` (the
    /// default store) is a missing store created; any other missing store is "not found", nothing created.
    pub fn open(&self, create: bool) -> anyhow::Result<Store> {
        let url = self.url()?;
        let mut store = if create && self.store.is_none() {
            Store::open(&url)?
        } else {
            Store::open_existing(&url)?
        };
        if let Some(actor) = &self.actor {
            store.set_actor(actor.clone());
        }
        Ok(store)
    }
}

/// Which schema (secretctl.toml) to use.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub struct SchemaOpt {
    /// The instance's schema [default: the secretctl.toml beside the .env, when it exists].
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

impl Globals {
    /// Print a report on stdout: `json` as one line with `--json`, else `text`.
    pub fn print(self, json: &impl Serialize, text: impl Display) -> anyhow::Result<()> {
        if !self.json {
            return say(text);
        }
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, json)?;
        Ok(writeln!(out)?)
    }

    /// Print reports on stdout: one JSON array with `--json`, else one line (or block) each.
    pub fn print_all<T: Serialize + Display>(self, items: &[T]) -> anyhow::Result<()> {
        if self.json {
            return self.print(&items, "");
        }
        items.iter().try_for_each(say)
    }
}

/// Print one line (or lines) on stdout, whatever `--json` says.
pub fn say(text: impl Display) -> anyhow::Result<()> {
    Ok(writeln!(std::io::stdout().lock(), "{text}")?)
}

/// Write `parts` to stdout as they are, and flush.
pub fn write_stdout(parts: &[&[u8]]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    parts.iter().try_for_each(|part| out.write_all(part))?;
    Ok(out.flush()?)
}

/// Write a value exactly as stored, and a newline only when stdout is a terminal (so `> file` keeps the bytes).
pub fn write_value(value: &[u8]) -> anyhow::Result<()> {
    let newline = &b"\n"[..usize::from(std::io::stdout().is_terminal())];
    write_stdout(&[value, newline])
}

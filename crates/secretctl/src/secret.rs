//! `secretctl secret`: put, get, list, rm, history and audit on the encrypted secret store.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use secrecy::ExposeSecret;
use secretctl_store::{Listing, Versions};
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::{write_stdout, StoreArgs};
use crate::input::read_value;

/// Which secret: OWNER NAME.
#[derive(Debug, clap::Args)]
pub struct SecretId {
    /// Who the secret belongs to.
    owner: String,
    /// The secret's name.
    name: String,
}

/// The `secret` verbs.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal.
    Put(PutArgs),
    /// Print the value of OWNER/NAME (latest version, or --version N) on stdout.
    #[command(disable_version_flag = true)]
    Get {
        #[command(flatten)]
        id: SecretId,
        /// Which version [default: the latest].
        #[arg(long, value_name = "N")]
        version: Option<u64>,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// List owners, names, versions and key ids (nothing is decrypted).
    List {
        /// Only this owner's secrets.
        owner: Option<String>,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// Delete one version (--version N) or every version (--all) of OWNER/NAME.
    #[command(disable_version_flag = true)]
    Rm {
        #[command(flatten)]
        id: SecretId,
        /// The version to delete.
        #[arg(long, value_name = "N", required_unless_present = "all")]
        version: Option<u64>,
        /// Delete every version.
        #[arg(long, conflicts_with = "version")]
        all: bool,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// List the versions of OWNER/NAME with their key ids and creation times.
    History {
        #[command(flatten)]
        id: SecretId,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// Upgrade a store written by an older secretctl to this build's schema (reads refuse it until then).
    Migrate(StoreArgs),
    /// Show the audit log: who did what to which secret, and when (never a value).
    Audit {
        /// Show at most this many of the newest records.
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: usize,
        #[command(flatten)]
        at: StoreArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct PutArgs {
    /// Who the secret belongs to (a tenant, a user).
    owner: String,
    /// The secret's name.
    name: String,
    /// Read the value from this file instead of stdin.
    #[arg(long, value_name = "PATH", conflicts_with = "value")]
    from_file: Option<PathBuf>,
    /// The value itself (visible to other users in `ps`; prefer stdin).
    #[arg(long, value_name = "VALUE")]
    value: Option<String>,
    #[command(flatten)]
    at: StoreArgs,
}

pub fn run(g: Globals, command: Cmd) -> anyhow::Result<()> {
    match command {
        Cmd::Put(a) => put(g, a),
        Cmd::Get { id, version, at } => get(g, &id, version, &at),
        Cmd::List { owner, at } => {
            let rows = at.open(false)?.list(owner.as_deref())?;
            if rows.is_empty() && !g.json {
                let of = owner.map(|o| format!(" of {o}")).unwrap_or_default();
                eprintln!("the store has no secrets{of}");
                return Ok(());
            }
            g.print(&Listing::secrets(&rows), Listing::secrets(&rows))
        }
        Cmd::Rm {
            id,
            version,
            all,
            at,
        } => {
            let one = version.filter(|_| !all);
            let which = one.map_or(Versions::All, Versions::One);
            let (owner, name) = (&id.owner, &id.name);
            let removed = at.open(false)?.remove(owner, name, which)?;
            let list: Vec<String> = removed.iter().map(u64::to_string).collect();
            let (s, list) = (if list.len() == 1 { "" } else { "s" }, list.join(", "));
            let text = format!("removed {owner}/{name} version{s} {list}");
            let doc = json!({ "owner": owner, "name": name, "removed": removed });
            g.print(&doc, text)
        }
        Cmd::History { id, at } => {
            let rows = at.open(false)?.history(&id.owner, &id.name)?;
            g.print(&Listing::versions(&rows), Listing::versions(&rows))
        }
        Cmd::Migrate(at) => {
            let url = at.url()?;
            let from = secretctl_store::Store::migrate(&url, at.actor.as_deref())?.1;
            g.print(
                &json!({ "store": url.to_string(), "schema_was": from }),
                format!("{url}: schema {from} -> current"),
            )
        }
        Cmd::Audit { limit, at } => g.print_all(&at.open(false)?.audit_log(limit)?),
    }
}

fn put(g: Globals, a: PutArgs) -> anyhow::Result<()> {
    let (owner, name, keyring) = (&a.owner, &a.name, a.at.keyfile.keyring()?);
    let value = Zeroizing::new(a.value);
    let prompt = format!("value for {owner}/{name}: ");
    let secret = read_value(value.as_deref(), a.from_file.as_deref(), &prompt)?;
    let value = secret.expose_secret().as_bytes();
    let version = a.at.open(true)?.put(keyring.active(), owner, name, value)?;
    let key_id = keyring.active_id().to_string();
    let text = format!("stored {owner}/{name} version {version} (key {key_id})");
    let doc = json!({ "owner": owner, "name": name, "version": version, "key_id": key_id });
    g.print(&doc, text)
}

fn get(g: Globals, id: &SecretId, version: Option<u64>, at: &StoreArgs) -> anyhow::Result<()> {
    let keyring = at.keyfile.keyring()?;
    let (store, owner, name) = (&mut at.open(false)?, &id.owner, &id.name);
    let secret = store.get(keyring.keys(), owner, name, version)?;
    if !g.json {
        return write_stdout(&[secret.expose_value(), b"\n"]);
    }
    let value = std::str::from_utf8(secret.expose_value())
        .context("the value is not UTF-8 and cannot be shown as JSON; run without --json")?;
    let mut doc = serde_json::to_value(secret.info())?;
    doc["value"] = value.into();
    let text = Zeroizing::new(doc.to_string());
    // The JSON tree holds a copy of the value; wipe its string before it is dropped.
    if let Some(serde_json::Value::String(s)) = doc.get_mut("value") {
        zeroize::Zeroize::zeroize(s);
    }
    write_stdout(&[text.as_bytes(), b"\n"])
}

//! `secretctl secret`: put, get, list, rm, history and audit on the encrypted secret store.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Subcommand;
use secrecy::ExposeSecret;
use secretctl_store::{Listing, Versions};
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::{write_stdout, write_value, StoreArgs};
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
            let (url, actor) = (at.url()?, at.actor.as_deref());
            let from = secretctl_store::Store::migrate(&url, actor)?.1;
            let doc = json!({ "store": url.to_string(), "schema_was": from });
            g.print(&doc, format!("{url}: schema {from} -> current"))
        }
        Cmd::Audit { limit, at } => g.print_all(&at.open(false)?.audit_log(limit)?),
    }
}

fn put(g: Globals, a: PutArgs) -> anyhow::Result<()> {
    let (owner, name, mut keyring) = (&a.owner, &a.name, a.at.keyfile.keyring()?);
    let (value, prompt) = (
        Zeroizing::new(a.value),
        format!("value for {owner}/{name}: "),
    );
    // Files and piped stdin are stored byte for byte; a typed value (prompt) or --value is the text given.
    let secret = if let Some(path) = &a.from_file {
        let bytes = secretctl_fs::read(path, &secretctl_fs::ReadOptions::new(1 << 21))?;
        secretctl_store::read_value(&bytes[..], &path.display().to_string())?
    } else if value.is_none() && !std::io::stdin().is_terminal() {
        secretctl_store::read_value(std::io::stdin().lock(), "stdin")?
    } else {
        let typed = read_value(value.as_deref(), None, &prompt)?;
        typed.expose_secret().as_bytes().to_vec().into()
    };
    let value = secret.expose_secret();
    let version =
        a.at.open(true)?
            .put_active(&mut keyring, owner, name, value)?;
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
        return write_value(secret.expose_value());
    }
    write_stdout(&[secret.to_json()?.as_bytes(), b"\n"])
}

//! `secretctl secret`: put, get, list, rm, history and audit on the encrypted secret store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use secrecy::ExposeSecret;
use secretctl_keyfile::{Keyring, LoadOptions};
use secretctl_store::{Store, StoreUrl, Versions};
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::{KeyfileOpt, StoreOpt};
use crate::input::{read_value, ValueSource};

/// Arguments of `secretctl secret`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

/// Where the store and keyfile are, and who is acting; every `secret` verb takes these.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
    #[command(flatten)]
    pub store: StoreOpt,
    /// Who to record in the audit table [default: the OS user].
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal.
    Put {
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
    },
    /// Print the value of OWNER/NAME (latest version, or --version N) on stdout.
    #[command(disable_version_flag = true)]
    Get {
        /// Who the secret belongs to.
        owner: String,
        /// The secret's name.
        name: String,
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
        /// Who the secret belongs to.
        owner: String,
        /// The secret's name.
        name: String,
        /// The version to delete.
        #[arg(
            long,
            value_name = "N",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        version: Option<u64>,
        /// Delete every version.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// List the versions of OWNER/NAME with their key ids and creation times.
    History {
        /// Who the secret belongs to.
        owner: String,
        /// The secret's name.
        name: String,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// Show the audit log: who did what to which secret, and when (never a value).
    Audit {
        /// Show at most this many of the newest records.
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: usize,
        #[command(flatten)]
        at: StoreArgs,
    },
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    match args.command {
        Cmd::Put {
            owner,
            name,
            from_file,
            value,
            at,
        } => put(g, &owner, &name, from_file, value, &at),
        Cmd::Get {
            owner,
            name,
            version,
            at,
        } => get(g, &owner, &name, version, &at),
        Cmd::List { owner, at } => list(g, owner.as_deref(), &at),
        Cmd::Rm {
            owner,
            name,
            version,
            all,
            at,
        } => {
            let which = match (version, all) {
                (Some(v), false) => Versions::One(v),
                _ => Versions::All,
            };
            rm(g, &owner, &name, which, &at)
        }
        Cmd::History { owner, name, at } => history(g, &owner, &name, &at),
        Cmd::Audit { limit, at } => audit(g, limit, &at),
    }
}

/// Open the store of `--store` (or the default next to the keyfile); unless `create`, a missing SQLite file is
/// "not found" rather than silently created.
pub fn open_store(at: &StoreArgs, create: bool) -> anyhow::Result<Store> {
    let url = match &at.store.store {
        Some(s) => s.parse()?,
        None => StoreUrl::next_to_keyfile(&at.keyfile.path()),
    };
    let mut store = if create {
        Store::open(&url)?
    } else {
        Store::open_existing(&url)?
    };
    if let Some(actor) = &at.actor {
        store.set_actor(actor.clone());
    }
    Ok(store)
}

/// Load the keyfile and the retired keys next to it.
pub fn open_keyring(keyfile: &KeyfileOpt) -> anyhow::Result<Keyring> {
    let opts = LoadOptions {
        allow_loose_permissions: keyfile.allow_loose_permissions,
    };
    Ok(Keyring::open(&keyfile.path(), opts)?)
}

fn put(
    g: Globals,
    owner: &str,
    name: &str,
    from_file: Option<PathBuf>,
    value: Option<String>,
    at: &StoreArgs,
) -> anyhow::Result<()> {
    let keyring = open_keyring(&at.keyfile)?;
    let value = Zeroizing::new(value);
    let source = match (&from_file, value.as_deref()) {
        (Some(path), _) => ValueSource::File(path),
        (None, Some(v)) => ValueSource::Argv(v),
        (None, None) => ValueSource::Stdin,
    };
    let secret = read_value(source, &format!("value for {owner}/{name}: "))?;
    let mut store = open_store(at, true)?;
    let version = store.put(
        keyring.active(),
        owner,
        name,
        secret.expose_secret().as_bytes(),
    )?;
    let key_id = keyring.active_id().to_string();
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc = serde_json::json!({
            "owner": owner, "name": name, "version": version, "key_id": key_id,
        });
        writeln!(out, "{doc}")?;
    } else {
        writeln!(
            out,
            "stored {owner}/{name} version {version} (key {key_id})"
        )?;
    }
    Ok(())
}

fn get(
    g: Globals,
    owner: &str,
    name: &str,
    version: Option<u64>,
    at: &StoreArgs,
) -> anyhow::Result<()> {
    let keyring = open_keyring(&at.keyfile)?;
    let mut store = open_store(at, false)?;
    let secret = store.get(keyring.keys(), owner, name, version)?;
    let info = secret.info();
    let mut out = std::io::stdout().lock();
    if g.json {
        let value = std::str::from_utf8(secret.expose_value())
            .context("the value is not UTF-8 and cannot be shown as JSON; run without --json")?;
        let doc = serde_json::json!({
            "owner": info.owner, "name": info.name, "version": info.version,
            "key_id": info.key_id.to_string(), "created_at": timestamp(info.created_at),
            "value": value,
        });
        let text = Zeroizing::new(doc.to_string());
        // The JSON tree holds a copy of the value; wipe its string before it is dropped.
        if let serde_json::Value::Object(mut map) = doc {
            if let Some(serde_json::Value::String(s)) = map.get_mut("value") {
                zeroize::Zeroize::zeroize(s);
            }
        }
        writeln!(out, "{}", text.as_str())?;
    } else {
        out.write_all(secret.expose_value())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn list(g: Globals, owner: Option<&str>, at: &StoreArgs) -> anyhow::Result<()> {
    let mut store = open_store(at, false)?;
    let rows = store.list(owner)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "owner": r.owner, "name": r.name, "version": r.version,
                    "key_id": r.key_id.to_string(), "created_at": timestamp(r.created_at),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(doc))?;
        return Ok(());
    }
    if rows.is_empty() {
        eprintln!(
            "the store has no secrets{}",
            owner.map(|o| format!(" of {o}")).unwrap_or_default()
        );
        return Ok(());
    }
    let w_owner = rows.iter().map(|r| r.owner.len()).max().unwrap_or(0).max(5);
    let w_name = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
    writeln!(
        out,
        "{:w_owner$}  {:w_name$}  VERSION  KEY ID            CREATED",
        "OWNER", "NAME"
    )?;
    for r in &rows {
        writeln!(
            out,
            "{:w_owner$}  {:w_name$}  {:>7}  {}  {}",
            r.owner,
            r.name,
            r.version,
            r.key_id,
            timestamp(r.created_at)
        )?;
    }
    Ok(())
}

fn rm(g: Globals, owner: &str, name: &str, which: Versions, at: &StoreArgs) -> anyhow::Result<()> {
    let mut store = open_store(at, false)?;
    let removed = store.remove(owner, name, which)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc = serde_json::json!({ "owner": owner, "name": name, "removed": removed });
        writeln!(out, "{doc}")?;
    } else {
        let list: Vec<String> = removed.iter().map(u64::to_string).collect();
        let plural = if removed.len() == 1 { "" } else { "s" };
        writeln!(
            out,
            "removed {owner}/{name} version{plural} {}",
            list.join(", ")
        )?;
    }
    Ok(())
}

fn history(g: Globals, owner: &str, name: &str, at: &StoreArgs) -> anyhow::Result<()> {
    let mut store = open_store(at, false)?;
    let rows = store.history(owner, name)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "version": r.version, "key_id": r.key_id.to_string(),
                    "created_at": timestamp(r.created_at),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(doc))?;
        return Ok(());
    }
    writeln!(out, "VERSION  KEY ID            CREATED")?;
    for r in &rows {
        writeln!(
            out,
            "{:>7}  {}  {}",
            r.version,
            r.key_id,
            timestamp(r.created_at)
        )?;
    }
    Ok(())
}

fn audit(g: Globals, limit: usize, at: &StoreArgs) -> anyhow::Result<()> {
    let mut store = open_store(at, false)?;
    let log = store.audit_log(limit)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc: Vec<_> = log
            .iter()
            .map(|e| {
                serde_json::json!({
                    "at": timestamp(e.at), "actor": e.actor, "operation": e.operation,
                    "owner": e.owner, "name": e.name, "version": e.version, "detail": e.detail,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(doc))?;
        return Ok(());
    }
    for e in &log {
        let target = match (&e.owner, &e.name, e.version) {
            (Some(o), Some(n), Some(v)) => format!("{o}/{n} v{v}"),
            (Some(o), Some(n), None) => format!("{o}/{n}"),
            _ => "-".to_owned(),
        };
        let detail = e
            .detail
            .as_deref()
            .map(|d| format!("  ({d})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {}  {}  {target}{detail}",
            timestamp(e.at),
            e.actor,
            e.operation
        )?;
    }
    Ok(())
}

/// RFC 3339 in UTC, or the raw number if it is out of range.
fn timestamp(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

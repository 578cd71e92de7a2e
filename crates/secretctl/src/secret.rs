//! `secretctl secret`: put, get, list, rm, history and audit on the encrypted secret store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use secrecy::ExposeSecret;
use secretctl_keyfile::{Keyring, LoadOptions};
use secretctl_store::{SecretInfo, Store, StoreUrl, Versions};
use serde_json::json;
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

/// Which secret: OWNER NAME.
#[derive(Debug, clap::Args)]
struct SecretId {
    /// Who the secret belongs to.
    owner: String,
    /// The secret's name.
    name: String,
}

#[derive(Debug, Subcommand)]
enum Cmd {
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
        #[command(flatten)]
        id: SecretId,
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

#[derive(Debug, clap::Args)]
struct PutArgs {
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

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.command {
        Cmd::Put(a) => put(g, &mut out, a),
        Cmd::Get { id, version, at } => get(g, &mut out, &id, version, &at),
        Cmd::List { owner, at } => {
            let rows = open_store(&at, false)?.list(owner.as_deref())?;
            if rows.is_empty() && !g.json {
                let of = owner.map(|o| format!(" of {o}")).unwrap_or_default();
                eprintln!("the store has no secrets{of}");
                return Ok(());
            }
            print_rows(g, &mut out, &rows, true)
        }
        Cmd::Rm {
            id,
            version,
            all,
            at,
        } => {
            let which = match (version, all) {
                (Some(v), false) => Versions::One(v),
                _ => Versions::All,
            };
            let (owner, name) = (&id.owner, &id.name);
            let removed = open_store(&at, false)?.remove(owner, name, which)?;
            if g.json {
                let doc = json!({ "owner": owner, "name": name, "removed": removed });
                writeln!(out, "{doc}")?;
            } else {
                let list: Vec<String> = removed.iter().map(u64::to_string).collect();
                let (s, list) = (if list.len() == 1 { "" } else { "s" }, list.join(", "));
                writeln!(out, "removed {owner}/{name} version{s} {list}")?;
            }
            Ok(())
        }
        Cmd::History { id, at } => {
            let rows = open_store(&at, false)?.history(&id.owner, &id.name)?;
            print_rows(g, &mut out, &rows, false)
        }
        Cmd::Audit { limit, at } => audit(g, &mut out, limit, &at),
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

fn put(g: Globals, out: &mut impl Write, a: PutArgs) -> anyhow::Result<()> {
    let (owner, name) = (&a.owner, &a.name);
    let keyring = open_keyring(&a.at.keyfile)?;
    let value = Zeroizing::new(a.value);
    let source = match (&a.from_file, value.as_deref()) {
        (Some(path), _) => ValueSource::File(path),
        (None, Some(v)) => ValueSource::Argv(v),
        (None, None) => ValueSource::Stdin,
    };
    let secret = read_value(source, &format!("value for {owner}/{name}: "))?;
    let mut store = open_store(&a.at, true)?;
    let value = secret.expose_secret().as_bytes();
    let version = store.put(keyring.active(), owner, name, value)?;
    let key_id = keyring.active_id().to_string();
    if g.json {
        let doc = json!({ "owner": owner, "name": name, "version": version, "key_id": key_id });
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
    out: &mut impl Write,
    id: &SecretId,
    version: Option<u64>,
    at: &StoreArgs,
) -> anyhow::Result<()> {
    let keyring = open_keyring(&at.keyfile)?;
    let secret = open_store(at, false)?.get(keyring.keys(), &id.owner, &id.name, version)?;
    if g.json {
        let value = std::str::from_utf8(secret.expose_value())
            .context("the value is not UTF-8 and cannot be shown as JSON; run without --json")?;
        let mut doc = row_json(secret.info(), true);
        doc["value"] = value.into();
        let text = Zeroizing::new(doc.to_string());
        // The JSON tree holds a copy of the value; wipe its string before it is dropped.
        if let Some(serde_json::Value::String(s)) = doc.get_mut("value") {
            zeroize::Zeroize::zeroize(s);
        }
        writeln!(out, "{}", text.as_str())?;
    } else {
        out.write_all(secret.expose_value())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// A row's metadata as JSON: version, key id, creation time, and (`with_names`) owner and name.
fn row_json(r: &SecretInfo, with_names: bool) -> serde_json::Value {
    let mut doc = json!({
        "version": r.version, "key_id": r.key_id.to_string(), "created_at": timestamp(r.created_at),
    });
    if with_names {
        doc["owner"] = r.owner.as_str().into();
        doc["name"] = r.name.as_str().into();
    }
    doc
}

/// `secret list` (`with_names`) and `secret history`: rows as a JSON array or a table.
fn print_rows(
    g: Globals,
    out: &mut impl Write,
    rows: &[SecretInfo],
    with_names: bool,
) -> anyhow::Result<()> {
    if g.json {
        let doc: Vec<_> = rows.iter().map(|r| row_json(r, with_names)).collect();
        writeln!(out, "{}", serde_json::Value::Array(doc))?;
        return Ok(());
    }
    let w_owner = rows.iter().map(|r| r.owner.len()).max().unwrap_or(0).max(5);
    let w_name = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
    if with_names {
        write!(out, "{:w_owner$}  {:w_name$}  ", "OWNER", "NAME")?;
    }
    writeln!(out, "VERSION  KEY ID            CREATED")?;
    for r in rows {
        if with_names {
            write!(out, "{:w_owner$}  {:w_name$}  ", r.owner, r.name)?;
        }
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

fn audit(g: Globals, out: &mut impl Write, limit: usize, at: &StoreArgs) -> anyhow::Result<()> {
    let log = open_store(at, false)?.audit_log(limit)?;
    if g.json {
        let doc: Vec<_> = log
            .iter()
            .map(|e| {
                json!({
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
        let (at, actor, op) = (timestamp(e.at), &e.actor, &e.operation);
        writeln!(out, "{at}  {actor}  {op}  {target}{detail}")?;
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

//! `secretctl secret`: put, get, list, rm, history and audit on the encrypted secret store.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Subcommand;
use secrecy::ExposeSecret;
use secretctl_keyfile::Keyring;
use secretctl_store::{
    audit_json, parse_date, AuditFilter, ImportFormat, Listing, Store, Versions,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::{Deferred, Globals};
use crate::common::{say, write_stdout, write_value, StoreArgs};
use crate::input::read_value;
use crate::progress::Progress;

/// Which secret: OWNER NAME.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct SecretId {
    /// Who the secret belongs to.
    owner: String,
    /// The secret's name.
    name: String,
}

/// Arguments of `secretctl secret get`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct GetArgs {
    #[command(flatten)]
    id: SecretId,
    /// Which version [default: the latest].
    #[arg(long, value_name = "N")]
    version: Option<u64>,
    #[command(flatten)]
    at: StoreArgs,
}

/// Arguments of `secretctl secret list`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ListArgs {
    /// Only this owner's secrets.
    owner: Option<String>,
    #[command(flatten)]
    at: StoreArgs,
}

/// Arguments of `secretctl secret rm`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct RmArgs {
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
}

/// Arguments of `secretctl secret history`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct HistoryArgs {
    #[command(flatten)]
    id: SecretId,
    #[command(flatten)]
    at: StoreArgs,
}

/// The `secret` verbs.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Store a new version of OWNER/NAME. The value is read from stdin (or --from-file), a prompt on a terminal.
    Put(Deferred<PutArgs>),
    /// Print the value of OWNER/NAME (latest version, or --version N) on stdout.
    #[command(disable_version_flag = true)]
    Get(Deferred<GetArgs>),
    /// List owners, names, versions and key ids (nothing is decrypted).
    List(Deferred<ListArgs>),
    /// Delete one version (--version N) or every version (--all) of OWNER/NAME.
    #[command(disable_version_flag = true)]
    Rm(Deferred<RmArgs>),
    /// List the versions of OWNER/NAME with their key ids and creation times.
    History(Deferred<HistoryArgs>),
    /// Upgrade a store written by an older secretctl to this build's schema (reads refuse it until then).
    Migrate(Deferred<StoreArgs>),
    /// Show the audit log: who did what to which secret, and when (never a value); --verify checks its chain of
    /// MACs, --prune --before DATE deletes older records behind a verifiable checkpoint.
    Audit(Deferred<AuditArgs>),
    /// Import secrets from FILE (or stdin): JSON lines {"owner","name","value"} ("value_base64" for binary values),
    /// or a .env as one owner's secrets (--format env --owner O). Creates the store if needed.
    Import(Deferred<ImportArgs>),
    /// Export the latest version of every secret (of --owner) as JSON lines to FILE (created 0600) or stdout.
    Export(Deferred<ExportArgs>),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// A Docker Compose .env file: one owner's secrets.
    Env,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ImportArgs {
    /// The input format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// The owner of a .env's secrets; for JSON lines, only this owner's lines are accepted.
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// The file to import [default: stdin, also `-`].
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    at: StoreArgs,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ExportArgs {
    /// Only this owner's secrets.
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// The file to write (created new, mode 0600; never overwritten) [default: stdout, also `-`].
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    at: StoreArgs,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct AuditArgs {
    /// Show at most this many of the newest matching records.
    #[arg(long, value_name = "N", default_value_t = 100)]
    limit: usize,
    /// Only records about this owner's secrets.
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// Only records about secrets of this name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Only records of this action (put, get, get-miss, rm, rotate, retire, prune, verify, migrate, rekey).
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// Only records at or after DATE (YYYY-MM-DD, midnight UTC, or an RFC 3339 time).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Check every record's MAC and place in the chain: exit 3 naming the first missing, altered or reordered one.
    #[arg(long, conflicts_with_all = ["prune", "owner", "name", "action", "since"])]
    verify: bool,
    /// Delete the records older than --before, keeping a verifiable checkpoint (the log is verified first).
    #[arg(long, requires = "before", conflicts_with_all = ["owner", "name", "action", "since"])]
    prune: bool,
    /// With --prune: delete the records before DATE (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE", requires = "prune")]
    before: Option<String>,
    #[command(flatten)]
    at: StoreArgs,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
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
        Cmd::Put(Deferred(a)) => put(g, a),
        Cmd::Get(Deferred(GetArgs { id, version, at })) => get(g, &id, version, &at),
        Cmd::List(Deferred(ListArgs { owner, at })) => {
            let rows = at.open(false)?.list(owner.as_deref())?;
            if rows.is_empty() && !g.json {
                let of = owner.map(|o| format!(" of {o}")).unwrap_or_default();
                eprintln!("the store has no secrets{of}");
                return Ok(());
            }
            g.print(&Listing::secrets(&rows), Listing::secrets(&rows))
        }
        Cmd::Rm(Deferred(RmArgs {
            id,
            version,
            all,
            at,
        })) => {
            let one = version.filter(|_| !all);
            let which = one.map_or(Versions::All, Versions::One);
            let (owner, name) = (&id.owner, &id.name);
            let removed = open_keyed(&at, false)?.0.remove(owner, name, which)?;
            let list: Vec<String> = removed.iter().map(u64::to_string).collect();
            let (s, list) = (if list.len() == 1 { "" } else { "s" }, list.join(", "));
            let text = format!("removed {owner}/{name} version{s} {list}");
            let doc = json!({ "owner": owner, "name": name, "removed": removed });
            g.print(&doc, text)
        }
        Cmd::History(Deferred(HistoryArgs { id, at })) => {
            let rows = at.open(false)?.history(&id.owner, &id.name)?;
            g.print(&Listing::versions(&rows), Listing::versions(&rows))
        }
        Cmd::Migrate(Deferred(at)) => {
            let (url, actor, keyring) = (at.url()?, at.actor.as_deref(), at.keyfile.keyring()?);
            let from = secretctl_store::Store::migrate(&url, actor, Some(keyring.active()))?.1;
            let doc = json!({ "store": url.to_string(), "schema_was": from });
            g.print(&doc, format!("{url}: schema {from} -> current"))
        }
        Cmd::Audit(Deferred(a)) => audit(g, &a),
        Cmd::Import(Deferred(a)) => import(g, &a),
        Cmd::Export(Deferred(a)) => export(g, &a),
    }
}

/// Largest import file read through secretctl-fs (stdin has no limit).
const IMPORT_FILE_MAX: u64 = 4 << 30;

fn import(g: Globals, a: &ImportArgs) -> anyhow::Result<()> {
    // The input first: a file that is refused (a link, too large, ...) creates no store.
    let mut file = match a.file.as_deref().filter(|p| p.as_os_str() != "-") {
        // Through secretctl-fs (no-follow, checked, bounded), streamed like stdin: memory does not grow with the
        // number of secrets.
        Some(path) => Some(secretctl_fs::open(
            path,
            &secretctl_fs::ReadOptions::new(IMPORT_FILE_MAX),
        )?),
        None => None,
    };
    let mut keyring = a.at.keyfile.keyring()?;
    // An import creates the store it is given, as `store init` does.
    let mut store = Store::open(&a.at.url()?)?;
    if let Some(actor) = &a.at.actor {
        store.set_actor(actor.clone());
    }
    let format = match a.format {
        Format::Jsonl => ImportFormat::Jsonl,
        Format::Env => ImportFormat::Env,
    };
    let mut bar = Progress::count("imported", "secrets");
    let mut progress = |n| bar.set_position(n);
    let owner = a.owner.as_deref();
    let n = match file.as_mut() {
        Some(file) => store.import(&mut keyring, file, format, owner, &mut progress)?,
        None => {
            let mut input = std::io::stdin().lock();
            store.import(&mut keyring, &mut input, format, owner, &mut progress)?
        }
    };
    bar.finish_and_clear();
    let url = store.url().to_string();
    g.print(
        &json!({ "imported": n, "store": url }),
        format!("imported {n} secrets into {url}"),
    )
}

fn export(g: Globals, a: &ExportArgs) -> anyhow::Result<()> {
    let (mut store, keyring) = open_keyed(&a.at, false)?;
    let mut bar = Progress::count("exported", "secrets");
    let mut progress = |n| bar.set_position(n);
    let owner = a.owner.as_deref();
    let n = match a.file.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            // Through secretctl-fs: created new, 0600, never following a link. It has no streaming writer yet,
            // so a file export is assembled in memory (wiped after); stdout streams.
            let mut buf = Zeroizing::new(Vec::new());
            let n = store.export(keyring.keys(), owner, &mut *buf, &mut progress)?;
            secretctl_fs::create_new(path, &buf, &secretctl_fs::WriteOptions::new(0o600))?;
            n
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            store.export(keyring.keys(), owner, &mut out, &mut progress)?
        }
    };
    bar.finish_and_clear();
    let _ = g; // the export is the output; the summary goes to stderr either way
    eprintln!("exported {n} secrets from {}", store.url());
    Ok(())
}

/// The store of `at` with the keyring, its audit records MACed under the active key.
fn open_keyed(at: &StoreArgs, create: bool) -> anyhow::Result<(Store, Keyring)> {
    let keyring = at.keyfile.keyring()?;
    let mut store = at.open(create)?;
    store.set_audit_key(keyring.active());
    Ok((store, keyring))
}

fn audit(g: Globals, a: &AuditArgs) -> anyhow::Result<()> {
    if a.verify || a.prune {
        let (mut store, keyring) = open_keyed(&a.at, false)?;
        if let Some(before) = a.before.as_deref() {
            let (date, active) = (parse_date(before)?, keyring.active());
            let n = store.prune_audit(keyring.keys(), active, date)?;
            let text = format!(
                "pruned {n} audit records before {before}; a verifiable checkpoint stands for them"
            );
            return g.print(&json!({ "pruned": n, "before": before }), text);
        }
        let verified = store.verify_audit(keyring.keys())?;
        return g.print(&verified, verified);
    }
    let mut filter = AuditFilter::newest(a.limit);
    filter.owner.clone_from(&a.owner);
    filter.name.clone_from(&a.name);
    filter.operation.clone_from(&a.action);
    filter.since = a.since.as_deref().map(parse_date).transpose()?;
    let entries = a.at.open(false)?.audit_query(&filter)?;
    if g.json {
        return write_stdout(&[audit_json(&entries)?.as_bytes(), b"\n"]);
    }
    entries.iter().try_for_each(say)
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
    let (mut store, keyring) = open_keyed(at, false)?;
    let (store, owner, name) = (&mut store, &id.owner, &id.name);
    let secret = store.get(keyring.keys(), owner, name, version)?;
    if !g.json {
        return write_value(secret.expose_value());
    }
    write_stdout(&[secret.to_json()?.as_bytes(), b"\n"])
}

//! `secretctl export k8s|swarm`: hand an instance's secrets to Kubernetes (Secret manifests) or Docker Swarm
//! (versioned secret names and a `docker secret create` script that never puts a value on argv).
//!
//! Choosing, grouping, the Kubernetes and Swarm rules and rendering are `secretctl_export`'s; this module finds the
//! files, calls it, and writes the result.

use std::io::IsTerminal;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use secrecy::ExposeSecret;
use secretctl_envfile::fs::write_atomic;
use secretctl_envfile::EnvFile;
use secretctl_export::{Manifest, Selection, StoreSource, SwarmPlan};
use secretctl_instance::{Instance, ValueStore};
use secretctl_keyfile::Keyring;
use secretctl_naming::{parse_version_tag, pointer};
use secretctl_schema::Schema;
use secretctl_store::{Store, StoreUrl};
use zeroize::Zeroizing;

use crate::cli::{Deferred, Globals};
use crate::common::{write_stdout, KeyfileOpt, SchemaOpt, StoreArgs};
use crate::exit::{coded, usage, ErrorKind};

/// The engines secrets can be exported to.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`.
    ///
    /// Each Secret is `type: Opaque` with base64 `data` in sorted key order (a key's data key is the schema's
    /// k8s_key, else the .env key) and the label app.kubernetes.io/managed-by=secretctl. Without a schema every
    /// secret-classified key of the .env goes into one `{instance}-secrets` Secret. The output holds the secret
    /// values (base64 is not encryption): write it with --out (created 0600) or pipe it to `kubectl apply -f -`
    /// rather than into a terminal or a log. With --sops --age RECIPIENT each Secret is written SOPS-encrypted
    /// (only `data`) for a gitops controller.
    K8s(Deferred<K8sArgs>),
    /// Print the Docker Swarm names of the versioned secrets and a script that creates them.
    ///
    /// The script runs `docker secret create NAME -` for every secret that does not exist yet, piping each value
    /// from secretctl, so no value is ever on a command line. Every name is checked against Swarm's rules
    /// (at most 64 characters) before anything is written.
    Swarm(Deferred<SwarmArgs>),
    /// Write the instance's secrets to a Vault / OpenBao KV v2 secret, with check-and-set.
    ///
    /// The KV secret holds every data key `export k8s` would put in the instance's Secrets (the schema's k8s_key,
    /// else the .env key). The write succeeds only if nobody wrote the secret since its version was read (or since
    /// --cas VERSION), so a concurrent writer makes it fail instead of losing an update. Address and token come from
    /// VAULT_ADDR and VAULT_TOKEN (or BAO_ADDR, BAO_TOKEN, ~/.vault-token).
    Vault(Deferred<crate::export_vault::ExportVaultArgs>),
    /// Print External Secrets Operator manifests that make the Secrets `export k8s` makes, from Vault KV v2.
    ///
    /// One ExternalSecret (external-secrets.io/v1) per Secret, with the same name, namespace and data keys, each
    /// key read from the KV secret --path (as `export vault` writes it). With --with-store the SecretStore (or,
    /// with --cluster-store, ClusterSecretStore) for Vault KV v2 with Kubernetes auth comes first. No value is in
    /// the output.
    Eso(Deferred<crate::export_vault::EsoArgs>),
    /// Write one value to a pipe, byte for byte (used by the script `export swarm` writes).
    #[command(hide = true, disable_version_flag = true)]
    Value(Deferred<ValueArgs>),
}

pub fn run(g: Globals, command: ExportCommand) -> anyhow::Result<()> {
    match command {
        ExportCommand::K8s(Deferred(a)) => k8s(g, &a),
        ExportCommand::Swarm(Deferred(a)) => swarm(g, &a),
        ExportCommand::Value(Deferred(a)) => value(&a),
        ExportCommand::Vault(Deferred(a)) => crate::export_vault::export(g, &a),
        ExportCommand::Eso(Deferred(a)) => crate::export_vault::eso(g, &a),
    }
}

/// Where the values come from: the instance's .env (the default) or the encrypted secret store.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct SourceArgs {
    /// The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner
    /// [default: the schema's `[instance]` name, else the name of the directory holding the .env].
    #[arg(long, value_name = "ID")]
    pub instance: Option<String>,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// The instance's .env [default: ./.env]; its schema is the secretctl.toml beside it.
    #[arg(long = "env", value_name = "FILE", conflicts_with = "store")]
    pub env_file: Option<PathBuf>,
    /// Read the values from the encrypted secret store (`sqlite:PATH` or a `postgres://` URL) instead of a
    /// .env; the store owner is --instance.
    #[arg(long, value_name = "URL", requires = "instance")]
    pub store: Option<String>,
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
}

/// Arguments of `secretctl export k8s`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct K8sArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The namespace of every Secret [default: the schema's `[instance]` namespace, else none, and kubectl applies
    /// them to its current namespace].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// Export only the Secret NAME (as named after `{instance}` expansion, e.g. wiki-db-credentials); repeat for
    /// several.
    #[arg(long = "secret", value_name = "NAME")]
    pub secrets: Vec<String>,
    /// Write the manifests to FILE (created 0600, replaced atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Encrypt each Secret in the SOPS format for a gitops controller (Flux, Argo CD + SOPS): only `data` is
    /// encrypted (sops's `encrypted_regex: ^(data|stringData)$`); apiVersion, kind, metadata and type stay
    /// readable. Each Secret is its own YAML document with its own data key and MAC. Needs --age (or
    /// SOPS_AGE_RECIPIENTS).
    #[arg(long)]
    pub sops: bool,
    /// With --sops: an age recipient (age1...) that can decrypt the Secrets; repeat for several
    /// [default: the comma-separated list in SOPS_AGE_RECIPIENTS, as sops reads it].
    #[arg(long = "age", value_name = "RECIPIENT", requires = "sops")]
    pub age: Vec<String>,
    /// With --sops: write each Secret to DIR/NAME.yaml, NAME being the Secret's name (files 0600; DIR created if
    /// missing), instead of one stream, so that `sops -d`, `sops edit` and `sops updatekeys` work on each file.
    #[arg(long, value_name = "DIR", requires = "sops", conflicts_with = "out")]
    pub out_dir: Option<PathBuf>,
}

/// Arguments of `secretctl export swarm`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct SwarmArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The stack the secrets belong to [default: derived from DOMAIN in the .env as Co-op Cloud does
    /// (`wiki.example.com` → `wiki_example_com`), else from the instance].
    #[arg(long, value_name = "STACK")]
    pub stack: Option<String>,
    /// Write the script to FILE (created 0700, replaced atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The script also removes the other versions of these secrets in the stack (`docker secret rm`), those the
    /// .env's pointers no longer name; never the version in use, nor one a service still uses.
    #[arg(long)]
    pub prune: bool,
}

/// Arguments of the hidden `secretctl export value`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ValueArgs {
    /// Read the value from this .env (the key `<KEY>_V<N>`).
    #[arg(long = "env", value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// Read the value from this store (taken from the environment so that a URL with a password stays off argv).
    #[arg(
        long,
        env = "SECRETCTL_STORE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub store: Option<String>,
    /// The store owner.
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
    /// The .env key (e.g. DB_PASSWORD) or the store name.
    pub key: String,
    /// The version to write, `v<N>`.
    #[arg(long, value_name = "vN")]
    pub version: String,
}

/// The lookup Compose uses for `${VAR}` not defined earlier in the file: the process environment.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

const SCHEMA_CONTEXT: &str = "cannot read the schema; fix it or give --schema FILE";

/// Find and read what to export: the .env (and the schema beside it) or the store (and ./secretctl.toml).
pub(crate) fn load(src: &SourceArgs) -> anyhow::Result<Selection> {
    let (explicit, k) = (src.schema.schema.as_deref(), &src.keyfile);
    if let Some(url) = &src.store {
        let schema = Schema::find(explicit).context(SCHEMA_CONTEXT)?;
        let owner = src.instance.clone();
        let owner = owner.ok_or_else(|| usage("--store needs --instance ID (the store owner)"))?;
        let (mut store, keyring) = open_store(url, k)?;
        let source = StoreSource::new(url, owner);
        let source = source.with_keyfile(k.keyfile.clone(), k.allow_loose_permissions);
        let (keys, schema) = (keyring.keys(), schema.as_ref());
        return Ok(Selection::from_store(&mut store, keys, source, schema)?);
    }
    let path = src.env_file.as_deref().unwrap_or(Path::new(".env"));
    // The instance of that .env: its schema is the one beside it (or --schema).
    let (inst, file) = (Instance::open(path, explicit)?, path.display());
    if !path.exists() {
        let hint = "give the instance's .env with --env FILE (or read the store with --store URL)";
        let err = anyhow!("{file}: no such file; {hint}");
        return Err(coded(ErrorKind::NotFound, err));
    }
    let absolute =
        std::path::absolute(path).with_context(|| format!("{file}: cannot resolve the path"))?;
    // Values of `store = true` keys come from the secret store (SECRETCTL_STORE, else next to the keyfile), added
    // in memory to what the .env holds, so the export is the same as when they were in the .env.
    let doc = match stored_values(&inst, k)? {
        Some(mut store) => inst.env_with_stored_values(&mut store)?,
        None => EnvFile::load(path).with_context(|| format!("cannot read {file}"))?,
    };
    let (schema, owner) = (inst.schema(), src.instance.as_deref());
    let is_secret = |key: &str| secretctl_export::is_secret(schema, key);
    Ok(Selection::from_env(
        &doc, &absolute, owner, schema, &is_secret, &env_var,
    )?)
}

/// The secret store of an instance that keeps values there (`store = true`): `SECRETCTL_STORE`, else the default
/// next to the keyfile.
fn stored_values(inst: &Instance, keyfile: &KeyfileOpt) -> anyhow::Result<Option<ValueStore>> {
    if !inst.reads_store()? {
        return Ok(None);
    }
    value_store(keyfile).map(Some)
}

/// The secret store of `SECRETCTL_STORE` (else the default next to the keyfile) with the keyfile's keyring.
fn value_store(keyfile: &KeyfileOpt) -> anyhow::Result<ValueStore> {
    let at = StoreArgs {
        keyfile: keyfile.clone(),
        store: std::env::var("SECRETCTL_STORE")
            .ok()
            .filter(|s| !s.is_empty()),
        actor: None,
    };
    Ok(ValueStore::new(at.open(false)?, keyfile.keyring()?))
}

/// Open the store at `url` and the keyring of the keyfile.
fn open_store(url: &str, keyfile: &KeyfileOpt) -> anyhow::Result<(Store, Keyring)> {
    let (parsed, keyring): (StoreUrl, _) = (url.parse()?, keyfile.keyring()?);
    let store = Store::open_existing(&parsed);
    let store = store.with_context(|| format!("cannot open the store {parsed}"))?;
    Ok((store, keyring))
}

fn k8s(g: Globals, a: &K8sArgs) -> anyhow::Result<()> {
    if let Some(ns) = &a.namespace {
        secretctl_export::check_namespace(ns)?;
    }
    if a.sops && g.json {
        return Err(usage(
            "--sops writes YAML (sops's YAML store, which Flux decrypts); drop --json",
        ));
    }
    let env = std::env::var("SOPS_AGE_RECIPIENTS").ok();
    let recipients = match a.sops {
        true => Some(secretctl_export::age_recipients(&a.age, env.as_deref())?),
        false => None,
    };
    let mut manifest = Manifest::new(load(&a.source)?, a.namespace.as_deref())?;
    if !a.secrets.is_empty() {
        manifest = manifest.only(&a.secrets)?;
    }
    let names = manifest.names();
    let rendered = match &recipients {
        Some(r) => {
            let docs = manifest.to_sops(r)?;
            if let Some(dir) = &a.out_dir {
                return write_sops_dir(dir, &names, &docs);
            }
            Zeroizing::new(secretctl_export::yaml_stream(&docs))
        }
        None if g.json => manifest.to_json(),
        None => manifest.to_yaml(),
    };
    let Some(out) = &a.out else {
        if recipients.is_none() && std::io::stdout().is_terminal() {
            eprintln!(
                "warning: these manifests hold the secret values (base64 is not encryption); \
                 write them with --out FILE or pipe them to `kubectl apply -f -`"
            );
        }
        return write_stdout(&[rendered.as_bytes()]);
    };
    write_file(out, rendered.as_bytes(), 0o600)?;
    let (n, list) = (names.len(), names.join(", "));
    eprintln!("wrote {n} Secret(s) to {}: {list}", out.display());
    Ok(())
}

/// Write `bytes` to `file` (created with `mode`, replaced atomically).
fn write_file(file: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    write_atomic(file, bytes, mode).with_context(|| format!("cannot write {}", file.display()))
}

/// `--out-dir`: every encrypted Secret to `DIR/<name>.yaml` (names are DNS subdomains, so safe file names).
fn write_sops_dir(dir: &Path, names: &[&str], docs: &[String]) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    let created = builder.recursive(true).mode(0o700).create(dir);
    created.with_context(|| format!("cannot create the directory {}", dir.display()))?;
    let mut files = Vec::with_capacity(names.len());
    for (name, doc) in names.iter().zip(docs) {
        let file = dir.join(format!("{name}.yaml"));
        write_file(&file, doc.as_bytes(), 0o600)?;
        files.push(file.display().to_string());
    }
    let (n, list) = (files.len(), files.join(", "));
    eprintln!("wrote {n} SOPS-encrypted Secret(s): {list}");
    Ok(())
}

fn swarm(g: Globals, a: &SwarmArgs) -> anyhow::Result<()> {
    let plan = SwarmPlan::new(&load(&a.source)?, a.stack.as_deref())?.with_prune(a.prune);
    let script = plan.script();
    if let Some(out) = &a.out {
        write_file(out, script.as_bytes(), 0o700)?;
    }
    if g.json {
        let mut doc = serde_json::to_value(&plan)?;
        match &a.out {
            Some(out) => doc["script_file"] = out.display().to_string().into(),
            None => doc["script"] = script.into(),
        }
        return g.print(&doc, "");
    }
    let Some(out) = &a.out else {
        return write_stdout(&[script.as_bytes()]);
    };
    g.print_all(plan.secrets())?;
    let (n, out) = (plan.secrets().len(), out.display());
    eprintln!("wrote the script creating {n} Swarm secret(s) to {out}");
    Ok(())
}

fn value(a: &ValueArgs) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        return Err(usage(
            "refusing to write a secret value to a terminal; pipe it (e.g. into `docker secret create NAME -`)",
        ));
    }
    let bad_version = || {
        usage(format!(
            "--version {:?} is not a version like v2",
            a.version
        ))
    };
    let (version, key) = (parse_version_tag(&a.version), &a.key);
    let version = version.ok_or_else(bad_version)?;
    let value = if let Some(path) = &a.env_file {
        let inst = Instance::open(path, None)?;
        let in_env =
            EnvFile::load(path).is_ok_and(|d| d.contains(&pointer::value_key(key, version)));
        if inst.in_store(key) && !in_env {
            // `store = true`: the version's value is in the secret store (SECRETCTL_STORE or the default).
            let mut store = value_store(&a.keyfile)?;
            return write_stdout(&[inst
                .stored_value(&mut store, key, version)?
                .expose_secret()
                .as_bytes()]);
        }
        let doc = EnvFile::load(path).with_context(|| format!("cannot read {}", path.display()))?;
        secretctl_export::env_version_value(&doc, path, key, version, &env_var)?
    } else if let Some(url) = &a.store {
        let owner = a.owner.as_deref();
        let owner = owner.ok_or_else(|| usage("--owner is required with a store"))?;
        let (mut store, keyring) = open_store(url, &a.keyfile)?;
        secretctl_export::store_version_value(&mut store, keyring.keys(), owner, key, version)?
    } else {
        return Err(usage(
            "give --env FILE or a store (--store URL or SECRETCTL_STORE)",
        ));
    };
    write_stdout(&[value.expose_secret().as_bytes()])
}

//! `secretctl export vault` and `secretctl import vault`: an instance's secrets to and from one Vault / OpenBao KV
//! v2 path. What is exported is `secretctl_export`'s (the data keys `export k8s` uses); the check-and-set write is
//! `secretctl_vault`'s; the import goes through `secretctl_instance`'s editor and policy.

use std::path::{Path, PathBuf};

use secretctl_export::{EsoOptions, Manifest, StoreKind};
use secretctl_instance::{Instance, SetOptions};
use secretctl_vault::{Client, KvPath};
use serde_json::json;

use crate::cli::{Deferred, Globals};
use crate::common::SchemaOpt;
use crate::export::{load, SourceArgs};

/// Arguments of `secretctl export vault`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ExportVaultArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The KV v2 secret to write: MOUNT/PATH, e.g. secret/myapp/prod.
    #[arg(long, value_name = "MOUNT/PATH")]
    pub path: KvPath,
    /// Write only if the secret's current version is VERSION (0: only if it does not exist yet) [default: the
    /// version read just before writing].
    #[arg(long, value_name = "VERSION")]
    pub cas: Option<u64>,
}

/// The engines secrets can be imported from.
#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Write the values of a Vault / OpenBao KV v2 secret into an instance's .env.
    ///
    /// Each KV key goes to the .env key whose schema entry has that k8s_key (else the key of the same name), through
    /// the instance's policy (one-shot and Kubernetes-read keys need --force; a versioned key gets a new version).
    /// Every key is mapped before anything is written, and the keys are written as one edit: when the policy refuses
    /// one, the .env is left as it was.
    Vault(Deferred<ImportVaultArgs>),
}

/// Arguments of `secretctl import vault`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ImportVaultArgs {
    /// The KV v2 secret to read: MOUNT/PATH, e.g. secret/myapp/prod.
    #[arg(long, value_name = "MOUNT/PATH")]
    pub path: KvPath,
    /// The instance's .env [default: ./.env]; its schema is the secretctl.toml beside it.
    #[arg(long = "env", value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// Change one-shot keys and keys the pods of a Kubernetes instance read from a Secret.
    #[arg(long)]
    pub force: bool,
}

/// `export vault`.
pub fn export(g: Globals, a: &ExportVaultArgs) -> anyhow::Result<()> {
    let manifest = Manifest::new(load(&a.source)?, None)?;
    let data = secretctl_export::kv_data(&manifest)?;
    let client = Client::from_env()?;
    let kv = client.kv();
    let cas = match a.cas {
        Some(v) => v,
        None => kv.metadata(&a.path)?.map_or(0, |m| m.current_version),
    };
    let version = kv.write_cas(&a.path, &data, cas)?;
    let keys: Vec<&String> = data.keys().collect();
    let doc = json!({ "path": a.path.to_string(), "address": client.address(), "version": version, "keys": keys });
    let text = format!(
        "wrote {} key(s) to {} at {} (version {version})",
        keys.len(),
        a.path,
        client.address()
    );
    g.print(&doc, text)
}

/// `import vault`.
pub fn import(g: Globals, command: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Vault(Deferred(a)) = command;
    let env = a.env_file.as_deref().unwrap_or(Path::new(".env"));
    let inst = Instance::open(env, a.schema.schema.as_deref())?;
    let client = Client::from_env()?;
    let secret = client.kv().read(&a.path)?;
    let keys = secret.data.keys().map(String::as_str);
    let targets = secretctl_export::import_targets(inst.schema(), keys, &a.path.to_string())?;
    let opts = SetOptions::force(a.force);
    // One edit of the .env: a key the policy refuses leaves every key as it was.
    let changed = inst.batch(true, |inst| {
        let mut changed = Vec::new();
        for t in &targets {
            let Some(value) = secret.data.get(&t.data_key) else {
                continue;
            };
            let change = if t.versioned {
                inst.add_version(&t.env_key, value, opts)?
            } else {
                inst.set(&t.env_key, value, opts)?
            };
            if change.changed {
                changed.push(t.env_key.clone());
            }
        }
        Ok(changed)
    })?;
    let doc = json!({ "path": a.path.to_string(), "version": secret.version, "env": env.display().to_string(), "changed": changed });
    let text = format!(
        "imported {} key(s) from {} (version {}) into {}; changed: {}",
        targets.len(),
        a.path,
        secret.version,
        env.display(),
        if changed.is_empty() {
            "none".to_owned()
        } else {
            changed.join(", ")
        }
    );
    g.print(&doc, text)
}

/// Arguments of `secretctl export eso`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct EsoArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The KV v2 secret the values are in (as `export vault --path` wrote it): MOUNT/PATH.
    #[arg(long, value_name = "MOUNT/PATH")]
    pub path: KvPath,
    /// The namespace of every ExternalSecret (and SecretStore) [default: the schema's `[instance]` namespace].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// The name of the store the ExternalSecrets reference.
    #[arg(long, value_name = "NAME", default_value = "vault")]
    pub store_name: String,
    /// Reference (and with --with-store write) a ClusterSecretStore instead of a SecretStore.
    #[arg(long)]
    pub cluster_store: bool,
    /// Also write the SecretStore (or ClusterSecretStore) for Vault KV v2 with Kubernetes auth.
    #[arg(long)]
    pub with_store: bool,
    /// With --with-store: the Vault server ESO talks to [default: VAULT_ADDR].
    #[arg(long, value_name = "URL", env = "VAULT_ADDR")]
    pub vault_server: Option<String>,
    /// With --with-store: the Vault Kubernetes auth role [default: the instance name].
    #[arg(long, value_name = "ROLE", requires = "with_store")]
    pub role: Option<String>,
    /// How often ESO re-reads the values.
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub refresh_interval: String,
}

/// `export eso`.
pub fn eso(g: Globals, a: &EsoArgs) -> anyhow::Result<()> {
    if let Some(ns) = &a.namespace {
        secretctl_export::check_namespace(ns)?;
    }
    let selection = load(&a.source)?;
    let instance = selection.instance().to_owned();
    let manifest = Manifest::new(selection, a.namespace.as_deref())?;
    let server = a.vault_server.clone().unwrap_or_default();
    if a.with_store && server.is_empty() {
        return Err(crate::exit::usage(
            "--with-store needs --vault-server URL (or VAULT_ADDR)",
        ));
    }
    let role = a.role.clone().unwrap_or_else(|| instance.clone());
    let mut opts = EsoOptions::new(&a.path.mount, &a.path.path, &server, &role);
    opts.store_name.clone_from(&a.store_name);
    opts.refresh_interval.clone_from(&a.refresh_interval);
    if a.cluster_store {
        opts.store_kind = StoreKind::ClusterSecretStore;
    }
    let mut docs = Vec::new();
    if a.with_store {
        let ns = manifest.secrets().first().and_then(|s| s.namespace());
        docs.push(secretctl_export::secret_store(&opts, ns, &instance));
    }
    docs.extend(secretctl_export::external_secrets(&manifest, &opts));
    if g.json {
        return g.print(
            &json!({ "apiVersion": "v1", "kind": "List", "items": docs }),
            "",
        );
    }
    crate::common::write_stdout(&[secretctl_export::eso_yaml(&docs).as_bytes()])
}

//! `secretctl export k8s|swarm`: hand an instance's secrets to Kubernetes (Secret manifests) or Docker Swarm
//! (versioned secret names and a `docker secret create` script that never puts a value on argv).
//!
//! The manifest emitter lives here for now: it is a small, deterministic YAML/JSON writer for one fixed shape
//! (`v1/Secret`, `type: Opaque`, base64 `data`), not a general YAML library. Every name, key and label value is
//! checked against the Kubernetes rules before anything is written, so the output never needs YAML quoting
//! beyond the conservative rule in [`yaml_scalar`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::fs::write_atomic;
use secretctl_envfile::EnvFile;
use secretctl_gitops::sops;
use secretctl_keyfile::LoadOptions;
use secretctl_naming::{
    parse_version_tag, pointer, stack_from_domain, swarm_budget, swarm_name, VersionedName,
    SWARM_NAME_MAX,
};
use secretctl_schema::{is_secret_name, Schema, SecretSpec};
use secretctl_store::{Store, StoreUrl};
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::{KeyfileOpt, SchemaOpt};
use crate::exit::{self, coded, ErrorKind, WithCode};

/// Arguments of `secretctl export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ExportCommand,
}

/// The engines secrets can be exported to.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Print Kubernetes Secret manifests, one per k8s_secret group of the schema, for `kubectl apply -f`.
    ///
    /// Each Secret is `type: Opaque` with base64 `data` in sorted key order and the label
    /// app.kubernetes.io/managed-by=secretctl. Without a schema every secret-classified key of the .env goes into
    /// one `{instance}-secrets` Secret. The output holds the secret values (base64 is not encryption): write it
    /// with --out (created 0600) or pipe it to `kubectl apply -f -` rather than into a terminal or a log.
    /// With --sops --age RECIPIENT each Secret is written SOPS-encrypted (only `data`) for a gitops controller.
    K8s(K8sArgs),
    /// Print the Docker Swarm names of the versioned secrets and a script that creates them.
    ///
    /// The script runs `docker secret create NAME -` for every secret that does not exist yet, piping each value
    /// from secretctl, so no value is ever on a command line. Every name is checked against Swarm's rules
    /// (at most 64 characters) before anything is written.
    Swarm(SwarmArgs),
    /// Write one value to a pipe, byte for byte (used by the script `export swarm` writes).
    #[command(hide = true, disable_version_flag = true)]
    Value(ValueArgs),
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    match args.command {
        ExportCommand::K8s(a) => k8s(g, &a),
        ExportCommand::Swarm(a) => swarm(g, &a),
        ExportCommand::Value(a) => value(&a),
    }
}

/// Where the values come from: the instance's .env (the default) or the encrypted secret store.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// The instance: names the Secrets (`{instance}-…`) and, with --store, is the store owner
    /// [default: the name of the directory holding the .env].
    #[arg(long, value_name = "ID")]
    pub instance: Option<String>,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// The instance's .env [default: ./.env].
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
pub struct K8sArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The namespace of every Secret [default: none; kubectl applies them to its current namespace].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
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

/// The crypt rule of `export k8s --sops`: what Flux's documentation and `sops -e --encrypted-regex` use.
pub const K8S_ENCRYPTED_REGEX: &str = "^(data|stringData)$";

/// Arguments of `secretctl export swarm`.
#[derive(Debug, clap::Args)]
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
}

/// Arguments of the hidden `secretctl export value`.
#[derive(Debug, clap::Args)]
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

// ---------------------------------------------------------------------------------------------------------------
// Loading what to export.

/// One secret ready to export.
struct Item {
    /// The .env key or the store name; the data key in Kubernetes.
    key: String,
    value: SecretString,
    /// The version in use, for a versioned secret.
    version: Option<u32>,
    /// The Kubernetes Secret (a name template) the schema puts the key in.
    k8s_secret: Option<String>,
    /// The schema declares the key `versioned`.
    declared_versioned: bool,
}

/// Where the values were read.
enum Origin {
    /// A .env, by absolute path (the swarm script must work from any directory).
    Env(PathBuf),
    /// A store: its URL, the URL as shown (password redacted), the owner, and the keyfile given on the command
    /// line, if any.
    Store {
        url: String,
        shown: String,
        owner: String,
        keyfile: Option<PathBuf>,
        allow_loose_permissions: bool,
    },
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Env(path) => path.display().to_string(),
            Origin::Store { shown, owner, .. } => format!("{shown} (owner {owner})"),
        }
    }
}

/// Everything one export works on.
struct Loaded {
    instance: String,
    origin: Origin,
    items: Vec<Item>,
    /// `DOMAIN` from the .env, the Co-op Cloud convention the default stack name derives from.
    domain: Option<String>,
}

/// Move the value of `key` out of the resolved .env; `why` explains a missing one (exit code 4).
fn take(
    resolved: &mut BTreeMap<String, SecretString>,
    shown: &str,
    key: &str,
    why: impl FnOnce() -> String,
) -> anyhow::Result<SecretString> {
    resolved
        .remove(key)
        .ok_or_else(|| coded(ErrorKind::NotFound, anyhow!("{shown}: {}", why())))
}

/// Move the value of version `version` of the versioned `key` (the key `<KEY>_V<N>`) out of the resolved .env.
fn take_version(
    resolved: &mut BTreeMap<String, SecretString>,
    shown: &str,
    key: &str,
    version: u32,
) -> anyhow::Result<SecretString> {
    let value_key = pointer::value_key(key, version);
    take(resolved, shown, &value_key, || {
        let pointer_key = pointer::pointer_key(key);
        format!(
            "{pointer_key} names v{version} but {value_key} is missing; restore it or point {pointer_key} at an \
             existing version"
        )
    })
}

/// The lookup Compose uses for `${VAR}` not defined earlier in the file: the process environment.
fn environment_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn load(src: &SourceArgs) -> anyhow::Result<Loaded> {
    let schema = Schema::find(src.schema.schema.as_deref())
        .context("cannot read the schema; fix it or give --schema FILE")?;
    if let Some(url) = &src.store {
        return load_store(src, url, schema.as_ref());
    }
    let path = src
        .env_file
        .clone()
        .unwrap_or_else(|| PathBuf::from(".env"));
    if !path.exists() {
        return Err(coded(
            ErrorKind::NotFound,
            anyhow!(
                "{}: no such file; give the instance's .env with --env FILE (or read the store with --store URL)",
                path.display()
            ),
        ));
    }
    let absolute = std::path::absolute(&path)
        .with_context(|| format!("{}: cannot resolve the path", path.display()))?;
    let instance = match &src.instance {
        Some(i) => i.clone(),
        None => absolute
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| {
                coded(
                    ErrorKind::Usage,
                    anyhow!(
                        "{}: cannot name the instance after its directory; give --instance ID",
                        path.display()
                    ),
                )
            })?,
    };
    let doc = EnvFile::load(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut resolved: BTreeMap<String, SecretString> = doc
        .resolve(&environment_lookup)
        .with_context(|| format!("{}: cannot interpolate the values", path.display()))?
        .into_iter()
        .collect();
    let domain = resolved.get("DOMAIN").map(|d| d.expose_secret().to_owned());
    let shown = path.display().to_string();

    // Versioned keys: every key with a version pointer SECRET_<KEY>_VERSION=vN. Such a key is exported under its
    // own name with the value of the version in use (`<KEY>_V<N>`); the pointer and the per-version value keys
    // are not exported separately, and neither is a plain `<KEY>` left next to the pointer.
    let mut versioned: BTreeMap<String, u32> = BTreeMap::new();
    for key in doc.keys() {
        if let Some(base) = pointer::pointed_key(key) {
            if let Some(name) = pointer::current(&doc, base).map_err(|e| anyhow!("{shown}: {e}"))? {
                versioned.insert(base.to_owned(), name.version());
            }
        }
    }
    let declared: Vec<&SecretSpec> = schema
        .as_ref()
        .map(|s| s.secrets().collect())
        .unwrap_or_default();
    let is_per_version_key = |key: &str| {
        key.rsplit_once("_V").is_some_and(|(base, n)| {
            parse_version_tag(&format!("v{n}")).is_some()
                && (versioned.contains_key(base)
                    || declared.iter().any(|s| s.versioned && s.key == base))
        })
    };

    let mut items = Vec::new();
    // First what the schema declares, in declared order; a declared key must have a value.
    for spec in &declared {
        let key = spec.key.as_str();
        let (value, version) = match versioned.get(key) {
            Some(&version) => (
                take_version(&mut resolved, &shown, key, version)?,
                Some(version),
            ),
            None => {
                let value = take(&mut resolved, &shown, key, || {
                    format!(
                        "{key} is declared in the schema but has no value; run `secretctl env set {key} --generate`"
                    )
                })?;
                (value, None)
            }
        };
        items.push(Item {
            key: key.to_owned(),
            value,
            version,
            k8s_secret: spec.k8s_secret.clone(),
            declared_versioned: spec.versioned,
        });
    }
    // Then every other key of the .env that is a secret by its name (or is versioned), in file order.
    // secretctl's own records (rotation dates, the fingerprint key) belong to the instance, not the app.
    let mut rest = Vec::new();
    for key in doc.keys() {
        if declared.iter().any(|s| s.key == key)
            || pointer::pointed_key(key).is_some()
            || is_per_version_key(key)
            || versioned.contains_key(key)
            || secretctl_schema::state::is_metadata_key(key)
            || !is_secret_name(key)
        {
            continue;
        }
        rest.push(key.to_owned());
    }
    for key in rest {
        let value = take(&mut resolved, &shown, &key, || {
            format!("{key} has no value")
        })?;
        items.push(Item {
            key,
            value,
            version: None,
            k8s_secret: None,
            declared_versioned: false,
        });
    }
    for (key, &version) in &versioned {
        if declared.iter().any(|s| s.key == *key) {
            continue;
        }
        let value = take_version(&mut resolved, &shown, key, version)?;
        items.push(Item {
            key: key.clone(),
            value,
            version: Some(version),
            k8s_secret: None,
            declared_versioned: true,
        });
    }
    Ok(Loaded {
        instance,
        origin: Origin::Env(absolute),
        items,
        domain,
    })
}

/// Open the store at `url` and the keyring of the keyfile.
fn open_store(
    url: &str,
    keyfile: &KeyfileOpt,
) -> anyhow::Result<(Store, secretctl_keyfile::Keyring)> {
    let parsed: StoreUrl = url.parse().code(ErrorKind::Usage)?;
    let path = keyfile.path();
    let keyring = secretctl_keyfile::Keyring::open(
        &path,
        LoadOptions {
            allow_loose_permissions: keyfile.allow_loose_permissions,
        },
    )
    .map_err(|e| {
        // The keyfile's errors name the file and the fix themselves.
        let code = match e {
            secretctl_keyfile::Error::NotFound { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Other,
        };
        coded(code, e)
    })?;
    let store = Store::open(&parsed).with_context(|| format!("cannot open the store {parsed}"))?;
    Ok((store, keyring))
}

/// The exit code of a store error: 3 for integrity failures, 4 for a missing secret, else 1.
fn store_code(e: &secretctl_store::Error) -> ErrorKind {
    if e.is_integrity() {
        ErrorKind::Integrity
    } else if e.is_not_found() {
        ErrorKind::NotFound
    } else {
        ErrorKind::Other
    }
}

/// Open the latest version of (owner, name): its version and its value, which must be UTF-8 to be exported.
fn store_get(
    store: &mut Store,
    keyring: &secretctl_keyfile::Keyring,
    owner: &str,
    name: &str,
    version: Option<u64>,
) -> anyhow::Result<(u64, SecretString)> {
    let secret = match store.get(keyring.keys(), owner, name, version) {
        Ok(s) => s,
        Err(e) => {
            let code = store_code(&e);
            return Err(coded(code, e));
        }
    };
    let value = std::str::from_utf8(secret.expose_value()).map_err(|_| {
        anyhow!("{owner}/{name}: the value is not UTF-8 text; it cannot be exported")
    })?;
    Ok((secret.info().version, SecretString::from(value.to_owned())))
}

fn load_store(src: &SourceArgs, url: &str, schema: Option<&Schema>) -> anyhow::Result<Loaded> {
    let owner = src.instance.clone().ok_or_else(|| {
        coded(
            ErrorKind::Usage,
            anyhow!("--store needs --instance ID (the store owner)"),
        )
    })?;
    let (mut store, keyring) = open_store(url, &src.keyfile)?;
    let wanted: Vec<(String, Option<String>, bool)> = match schema {
        Some(schema) => schema
            .secrets()
            .map(|spec| (spec.key.clone(), spec.k8s_secret.clone(), spec.versioned))
            .collect(),
        None => {
            let mut names: Vec<String> = store
                .list(Some(&owner))
                .map_err(|e| {
                    let code = store_code(&e);
                    coded(code, e)
                })?
                .into_iter()
                .map(|info| info.name)
                .collect();
            names.dedup();
            names.into_iter().map(|n| (n, None, true)).collect()
        }
    };
    let mut items = Vec::with_capacity(wanted.len());
    for (name, k8s_secret, declared_versioned) in wanted {
        let (version, value) = match store_get(&mut store, &keyring, &owner, &name, None) {
            Err(e) if exit::kind_of(&e) == ErrorKind::NotFound => {
                return Err(e.context(format!(
                    "{owner}/{name} is declared in the schema; put it with `secretctl secret put {owner} {name}`"
                )));
            }
            other => other?,
        };
        let version = u32::try_from(version).map_err(|_| {
            anyhow!("{owner}/{name}: version {version} is beyond what a versioned name can hold")
        })?;
        items.push(Item {
            key: name,
            value,
            version: Some(version),
            k8s_secret,
            declared_versioned,
        });
    }
    Ok(Loaded {
        instance: owner.clone(),
        origin: Origin::Store {
            url: url.to_owned(),
            shown: url
                .parse::<StoreUrl>()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            owner: owner.clone(),
            keyfile: src.keyfile.keyfile.clone(),
            allow_loose_permissions: src.keyfile.allow_loose_permissions,
        },
        items,
        domain: None,
    })
}

fn store_value(
    url: &str,
    keyfile: &KeyfileOpt,
    owner: &str,
    name: &str,
    version: u32,
) -> anyhow::Result<SecretString> {
    let (mut store, keyring) = open_store(url, keyfile)?;
    let (_, value) = store_get(&mut store, &keyring, owner, name, Some(u64::from(version)))?;
    Ok(value)
}

// ---------------------------------------------------------------------------------------------------------------
// Commands.

fn k8s(g: Globals, a: &K8sArgs) -> anyhow::Result<()> {
    if let Some(ns) = &a.namespace {
        if !is_dns1123_label(ns) {
            return Err(coded(
                ErrorKind::Usage,
                anyhow!(
                    "--namespace {ns:?} is not a valid Kubernetes namespace (lowercase letters, digits and '-', \
                     starting and ending with a letter or digit, at most 63 characters)"
                ),
            ));
        }
    }
    let recipients = if a.sops {
        if g.json {
            return Err(coded(
                ErrorKind::Usage,
                anyhow!("--sops writes YAML (sops's YAML store, which Flux decrypts); drop --json"),
            ));
        }
        Some(sops_recipients(&a.age)?)
    } else {
        None
    };
    let loaded = load(&a.source)?;
    let manifests = manifests(loaded, a.namespace.as_deref())?;
    let names: Vec<&str> = manifests.iter().map(|m| m.name.as_str()).collect();
    let rendered = match &recipients {
        Some(r) => {
            let docs = render_sops(&manifests, r)?;
            if let Some(dir) = &a.out_dir {
                return write_sops_dir(dir, &names, &docs);
            }
            let mut all = String::with_capacity(docs.iter().map(|d| d.len() + 4).sum());
            for (i, d) in docs.iter().enumerate() {
                if i > 0 {
                    all.push_str("---\n");
                }
                all.push_str(d);
            }
            Zeroizing::new(all)
        }
        None if g.json => render_json(&manifests),
        None => render_yaml(&manifests),
    };
    match &a.out {
        Some(out) => {
            write_atomic(out, rendered.as_bytes(), 0o600)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "wrote {} Secret(s) to {}: {}",
                names.len(),
                out.display(),
                names.join(", ")
            );
        }
        None => {
            if recipients.is_none() && std::io::stdout().is_terminal() {
                eprintln!(
                    "warning: these manifests hold the secret values (base64 is not encryption); \
                     write them with --out FILE or pipe them to `kubectl apply -f -`"
                );
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(rendered.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// The age recipients of `--sops`: every `--age`, else `SOPS_AGE_RECIPIENTS` (comma-separated, as sops reads it).
fn sops_recipients(args: &[String]) -> anyhow::Result<Vec<sops::Recipient>> {
    let (list, from): (Vec<String>, &str) = if args.is_empty() {
        let env = std::env::var("SOPS_AGE_RECIPIENTS").unwrap_or_default();
        (
            env.split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            "SOPS_AGE_RECIPIENTS",
        )
    } else {
        (args.to_vec(), "--age")
    };
    if list.is_empty() {
        return Err(coded(
            ErrorKind::Usage,
            anyhow!(
                "--sops needs at least one age recipient: give --age age1... (the public key of the cluster's \
                 decryption key, e.g. from `age-keygen -y key.txt`) or set SOPS_AGE_RECIPIENTS"
            ),
        ));
    }
    list.iter()
        .map(|r| {
            r.parse::<sops::Recipient>()
                .map_err(|e| coded(ErrorKind::Usage, anyhow!("{from}: {e}")))
        })
        .collect()
}

/// Each manifest as its own SOPS-encrypted YAML document (its own data key and MAC, as Flux decrypts each
/// resource on its own). Only `data` is encrypted ([`K8S_ENCRYPTED_REGEX`]); the result is ciphertext.
fn render_sops(
    manifests: &[Manifest],
    recipients: &[sops::Recipient],
) -> anyhow::Result<Vec<String>> {
    let opts = {
        let mut o = sops::EncryptOptions::default();
        o.encrypted_regex = Some(K8S_ENCRYPTED_REGEX.to_owned());
        o
    };
    manifests
        .iter()
        .map(|m| {
            let plain = render_yaml(std::slice::from_ref(m));
            sops::encrypt_file_with(&plain, sops::Format::Yaml, recipients, &opts)
                .map_err(|e| anyhow!("cannot encrypt the Secret {} with sops: {e}", m.name))
        })
        .collect()
}

/// `--out-dir`: every encrypted Secret to `DIR/<name>.yaml` (names are DNS subdomains, so safe file names).
fn write_sops_dir(dir: &Path, names: &[&str], docs: &[String]) -> anyhow::Result<()> {
    {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    let mut files = Vec::with_capacity(names.len());
    for (name, doc) in names.iter().zip(docs) {
        let file = dir.join(format!("{name}.yaml"));
        write_atomic(&file, doc.as_bytes(), 0o600)
            .with_context(|| format!("cannot write {}", file.display()))?;
        files.push(file.display().to_string());
    }
    eprintln!(
        "wrote {} SOPS-encrypted Secret(s): {}",
        files.len(),
        files.join(", ")
    );
    Ok(())
}

/// Group the loaded secrets into Secrets: by the schema's `k8s_secret`, else into `{instance}-secrets`.
fn manifests(loaded: Loaded, namespace: Option<&str>) -> anyhow::Result<Vec<Manifest>> {
    let Loaded {
        instance,
        origin,
        items,
        ..
    } = loaded;
    if items.is_empty() {
        return Err(coded(
            ErrorKind::NotFound,
            anyhow!(
                "{}: no secrets to export (no key is declared in a schema or classified as a secret by its name); \
                 give the schema with --schema FILE",
                origin.describe()
            ),
        ));
    }
    let mut groups: BTreeMap<String, BTreeMap<String, SecretString>> = BTreeMap::new();
    for item in items {
        let template = item
            .k8s_secret
            .as_deref()
            .unwrap_or(DEFAULT_SECRET_TEMPLATE);
        let name = expand_template(template, &instance)
            .map_err(|e| anyhow!("{e}; fix k8s_secret for {} in the schema", item.key))?;
        let group = groups.entry(name).or_default();
        if group.contains_key(&item.key) {
            return Err(anyhow!(
                "{}: {} would appear twice in one Secret",
                origin.describe(),
                item.key
            ));
        }
        group.insert(item.key, item.value);
    }
    let mut out = Vec::with_capacity(groups.len());
    for (name, data) in groups {
        let manifest = Manifest {
            name,
            namespace: namespace.map(str::to_owned),
            labels: vec![
                (MANAGED_BY_LABEL, "secretctl".to_owned()),
                (INSTANCE_LABEL, instance.clone()),
            ],
            data,
        };
        manifest
            .validate()
            .map_err(|e| anyhow!("{}: {e}", origin.describe()))?;
        out.push(manifest);
    }
    Ok(out)
}

/// One Swarm secret the script creates.
struct SwarmSecret {
    key: String,
    name: VersionedName,
    swarm_name: String,
    /// Characters left under the 64-character limit.
    budget: i64,
    /// The `secretctl` arguments that write the value to stdout.
    fetch: Vec<String>,
}

fn swarm(g: Globals, a: &SwarmArgs) -> anyhow::Result<()> {
    let loaded = load(&a.source)?;
    let stack = match (&a.stack, &loaded.domain) {
        (Some(stack), _) => stack.clone(),
        (None, Some(domain)) if !domain.is_empty() => stack_from_domain(domain),
        (None, _) => stack_from_domain(&loaded.instance),
    };
    let where_ = loaded.origin.describe();
    let mut secrets: Vec<SwarmSecret> = Vec::new();
    for item in &loaded.items {
        let Some(version) = item.version else {
            if item.declared_versioned {
                return Err(coded(
                    ErrorKind::NotFound,
                    anyhow!(
                        "{where_}: {} is declared versioned but has no version pointer {}; create version 1 with \
                         `secretctl env rotate {}`",
                        item.key,
                        pointer::pointer_key(&item.key),
                        item.key
                    ),
                ));
            }
            continue;
        };
        let name = pointer::versioned_name(&item.key, version)
            .map_err(|e| anyhow!("{where_}: {}: {e}", item.key))?;
        let swarm_name =
            swarm_name(&stack, &name).map_err(|e| anyhow!("{where_}: {}: {e}", item.key))?;
        let size = item.value.expose_secret().len();
        if size == 0 || size > SWARM_SECRET_MAX_BYTES {
            return Err(anyhow!(
                "{where_}: {} version {} is {size} bytes; Docker Swarm accepts 1 to {SWARM_SECRET_MAX_BYTES} bytes",
                item.key,
                name.version_tag()
            ));
        }
        if let Some(other) = secrets.iter().find(|s| s.swarm_name == swarm_name) {
            return Err(anyhow!(
                "{where_}: {} and {} both become the Swarm secret {swarm_name}; rename one of them",
                other.key,
                item.key
            ));
        }
        secrets.push(SwarmSecret {
            key: item.key.clone(),
            budget: swarm_budget(&stack, &name),
            fetch: fetch_args(&loaded.origin, &loaded.instance, &item.key, &name),
            swarm_name,
            name,
        });
    }
    if secrets.is_empty() {
        return Err(coded(
            ErrorKind::NotFound,
            anyhow!(
                "{where_}: no versioned secrets to export (a versioned key has a pointer SECRET_<KEY>_VERSION=vN); \
                 version a key with `secretctl env rotate KEY` or mark it `versioned = true` in the schema"
            ),
        ));
    }
    let script = render_swarm_script(&stack, &loaded.instance, &loaded.origin, &secrets);
    if let Some(out) = &a.out {
        write_atomic(out, script.as_bytes(), 0o700)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    if g.json {
        let list: Vec<serde_json::Value> = secrets
            .iter()
            .map(|s| {
                serde_json::json!({
                    "key": s.key,
                    "name": s.name.to_string(),
                    "version": s.name.version(),
                    "swarm_name": s.swarm_name,
                    "length": s.swarm_name.len(),
                    "budget": s.budget,
                })
            })
            .collect();
        let mut doc =
            serde_json::json!({ "stack": stack, "instance": loaded.instance, "secrets": list });
        match &a.out {
            Some(out) => doc["script_file"] = serde_json::Value::from(out.display().to_string()),
            None => doc["script"] = serde_json::Value::from(script),
        }
        writeln!(stdout, "{doc}")?;
    } else if let Some(out) = &a.out {
        for s in &secrets {
            writeln!(
                stdout,
                "{}\t{} {}\t{} of {SWARM_NAME_MAX} characters",
                s.swarm_name,
                s.key,
                s.name.version_tag(),
                s.swarm_name.len()
            )?;
        }
        eprintln!(
            "wrote the script creating {} Swarm secret(s) to {}",
            secrets.len(),
            out.display()
        );
    } else {
        stdout.write_all(script.as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}

/// The `secretctl` arguments the script runs to write one version's value to a pipe.
fn fetch_args(origin: &Origin, instance: &str, key: &str, name: &VersionedName) -> Vec<String> {
    let mut args = vec!["export".to_owned(), "value".to_owned()];
    match origin {
        Origin::Env(path) => {
            args.push("--env".to_owned());
            args.push(path.display().to_string());
        }
        Origin::Store {
            keyfile,
            allow_loose_permissions,
            ..
        } => {
            // The store URL reaches the command through SECRETCTL_STORE (exported by the script), never argv:
            // a PostgreSQL URL may carry a password.
            args.push("--owner".to_owned());
            args.push(instance.to_owned());
            if let Some(keyfile) = keyfile {
                args.push("--keyfile".to_owned());
                args.push(keyfile.display().to_string());
            }
            if *allow_loose_permissions {
                args.push("--allow-loose-permissions".to_owned());
            }
        }
    }
    args.push("--version".to_owned());
    args.push(name.version_tag());
    // `--` so that a key starting with '-' is never read as an option.
    args.push("--".to_owned());
    args.push(key.to_owned());
    args
}

fn value(a: &ValueArgs) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        return Err(coded(
            ErrorKind::Usage,
            anyhow!("refusing to write a secret value to a terminal; pipe it (e.g. into `docker secret create NAME -`)"),
        ));
    }
    let version = parse_version_tag(&a.version).ok_or_else(|| {
        coded(
            ErrorKind::Usage,
            anyhow!("--version {:?} is not a version like v2", a.version),
        )
    })?;
    let value = if let Some(path) = &a.env_file {
        let doc = EnvFile::load(path).with_context(|| format!("cannot read {}", path.display()))?;
        let value_key = pointer::value_key(&a.key, version);
        doc.resolve(&environment_lookup)
            .with_context(|| format!("{}: cannot interpolate the values", path.display()))?
            .into_iter()
            .find(|(k, _)| *k == value_key)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                coded(
                    ErrorKind::NotFound,
                    anyhow!(
                        "{}: {value_key} is missing (version v{version} of {})",
                        path.display(),
                        a.key
                    ),
                )
            })?
    } else if let Some(url) = &a.store {
        let owner = a.owner.as_deref().ok_or_else(|| {
            coded(
                ErrorKind::Usage,
                anyhow!("--owner is required with a store"),
            )
        })?;
        store_value(url, &a.keyfile, owner, &a.key, version)?
    } else {
        return Err(coded(
            ErrorKind::Usage,
            anyhow!("give --env FILE or a store (--store URL or SECRETCTL_STORE)"),
        ));
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(value.expose_secret().as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// The script that creates the Swarm secrets: bash (for `pipefail`, so a failed fetch fails the script), one
/// `create` per secret, skipping names that exist (Swarm secrets are immutable; a new value is a new version).
fn render_swarm_script(
    stack: &str,
    instance: &str,
    origin: &Origin,
    secrets: &[SwarmSecret],
) -> String {
    let mut s = String::new();
    s.push_str("#!/usr/bin/env bash\n");
    let _ = writeln!(
        s,
        "# Docker Swarm secrets of the instance {} in the stack {stack}.",
        comment_safe(instance)
    );
    let _ = writeln!(
        s,
        "# Written by `secretctl export swarm` from {}.",
        comment_safe(&origin.describe())
    );
    s.push_str(
        "# Each value is piped from secretctl into `docker secret create NAME -`: no value is ever on a command line.\n\
         # A secret that already exists is left alone: Swarm secrets are immutable, a new value is a new version.\n\
         # Run it where `docker` talks to a Swarm manager; set SECRETCTL to use another secretctl binary.\n",
    );
    for sec in secrets {
        let _ = writeln!(
            s,
            "#   {}  ({} {})",
            sec.swarm_name,
            comment_safe(&sec.key),
            sec.name.version_tag()
        );
    }
    s.push_str("set -euo pipefail\n");
    s.push_str("secretctl=\"${SECRETCTL:-secretctl}\"\n");
    if let Origin::Store { url, .. } = origin {
        if url_has_password(url) {
            s.push_str(
                ": \"${SECRETCTL_STORE:?set SECRETCTL_STORE to the store URL (it holds a password, so it is not \
                 written here)}\"\n",
            );
        } else {
            // Unquoted on purpose: an assignment is never split, and a single-quoted default inside
            // `"${VAR:-...}"` would keep its quotes.
            let _ = writeln!(
                s,
                "SECRETCTL_STORE=${{SECRETCTL_STORE:-{}}}",
                shell_quote(url)
            );
        }
        s.push_str("export SECRETCTL_STORE\n");
    }
    s.push_str(
        "\ncreate() {\n\
         \x20   local name=\"$1\"\n\
         \x20   shift\n\
         \x20   if docker secret inspect \"$name\" >/dev/null 2>&1; then\n\
         \x20       echo \"exists:  $name\" >&2\n\
         \x20       return 0\n\
         \x20   fi\n\
         \x20   \"$secretctl\" \"$@\" | docker secret create --label app.secretctl.managed-by=secretctl \"$name\" - >/dev/null\n\
         \x20   echo \"created: $name\" >&2\n\
         }\n\n",
    );
    for sec in secrets {
        s.push_str("create ");
        s.push_str(&shell_quote(&sec.swarm_name));
        for arg in &sec.fetch {
            s.push(' ');
            s.push_str(&shell_quote(arg));
        }
        s.push('\n');
    }
    s
}

/// Text for a `#` comment line of the script: a newline (or any control character) in a directory name must not
/// end the comment and start a command.
fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// True when a URL carries a password (`scheme://user:password@host`).
fn url_has_password(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(rest))
        .and_then(|authority| authority.rsplit_once('@'))
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// The label every exported manifest carries, so `kubectl get secret -l` finds what secretctl wrote.
const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The label naming the instance the secrets belong to.
const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
/// The Secret every secret goes to when no schema (or no `k8s_secret` in the schema) names another one.
const DEFAULT_SECRET_TEMPLATE: &str = "{instance}-secrets";
/// Kubernetes refuses a Secret whose data exceeds 1 MiB.
const K8S_SECRET_MAX_BYTES: usize = 1 << 20;
/// Swarm refuses a secret over 500 KiB (moby `MaxSecretSize`).
const SWARM_SECRET_MAX_BYTES: usize = 500 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation).

/// A DNS-1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A DNS-1123 subdomain (a Secret's name): at most 253 characters, dot-separated DNS-1123 labels.
fn is_dns1123_subdomain(s: &str) -> bool {
    // Each dot-separated part follows the label charset rule; the label length limit does not apply to parts.
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|part| {
            let b = part.as_bytes();
            !b.is_empty()
                && b.iter()
                    .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// A Secret/ConfigMap data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.`, `..` or `..`-prefixed.
fn is_data_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
        && s != "."
        && !s.starts_with("..")
}

/// A label value: empty, or at most 63 characters of `[-_.a-zA-Z0-9]` starting and ending alphanumeric.
fn is_label_value(s: &str) -> bool {
    let b = s.as_bytes();
    b.is_empty()
        || (b.len() <= 63
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

/// Expand a Secret name template such as `{instance}-db-credentials`. Only `{instance}` is known; any other
/// brace is an error rather than a name that Kubernetes would refuse later.
fn expand_template(template: &str, instance: &str) -> Result<String, String> {
    let expanded = template.replace("{instance}", instance);
    if expanded.contains(['{', '}']) {
        return Err(format!(
            "the Secret name template {template:?} has a placeholder other than {{instance}}"
        ));
    }
    Ok(expanded)
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding.

/// Standard base64 with padding (RFC 4648 §4), the encoding of a Secret's `data` values. Written into a
/// caller-provided buffer so that the encoded secret lives only in memory the caller zeroizes.
fn base64_into(input: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |v: u32, shift: u32| char::from(ALPHABET[((v >> shift) & 0x3f) as usize]);
    for chunk in input.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = chunk.get(1).copied().map_or(0, u32::from);
        let b2 = chunk.get(2).copied().map_or(0, u32::from);
        let v = (b0 << 16) | (b1 << 8) | b2;
        out.push(sextet(v, 18));
        out.push(sextet(v, 12));
        out.push(if chunk.len() > 1 { sextet(v, 6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(v, 0) } else { '=' });
    }
}

/// The length of the base64 encoding of `n` bytes.
fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// A YAML scalar for a name, key, label or base64 value: plain when no YAML 1.1 or 1.2 reader could take it
/// for anything but a string, double-quoted otherwise (a key `1`, `true`, `-x`, `.x`, a base64 value starting
/// with a digit or `+`).
fn yaml_scalar(s: &str) -> Cow<'_, str> {
    const RESERVED: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    let plain = s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'+' | b'=' | b'-')
        })
        && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s));
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(json_string(s))
    }
}

/// A JSON string literal, which is also a valid YAML double-quoted scalar.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Manifests.

/// One Kubernetes `Secret` to write.
struct Manifest {
    name: String,
    namespace: Option<String>,
    labels: Vec<(&'static str, String)>,
    /// Data key → value, in byte order of the key (the order `kubectl` prints, stable across runs).
    data: BTreeMap<String, SecretString>,
}

impl Manifest {
    /// Check the manifest against the Kubernetes rules, naming what is wrong and how to fix it.
    fn validate(&self) -> Result<(), String> {
        if !is_dns1123_subdomain(&self.name) {
            return Err(format!(
                "{:?} is not a valid Kubernetes Secret name (lowercase letters, digits, '-' and '.', starting and \
                 ending with a letter or digit, at most 253 characters); fix --instance or the k8s_secret \
                 name in the schema",
                self.name
            ));
        }
        if let Some(ns) = &self.namespace {
            if !is_dns1123_label(ns) {
                return Err(format!(
                    "{ns:?} is not a valid Kubernetes namespace (lowercase letters, digits and '-', at most 63 \
                     characters); fix --namespace"
                ));
            }
        }
        for (label, value) in &self.labels {
            if !is_label_value(value) {
                return Err(format!(
                    "{value:?} cannot be the value of the label {label} (at most 63 letters, digits, '-', '_' \
                     and '.', starting and ending with a letter or digit); fix --instance"
                ));
            }
        }
        let mut total = 0usize;
        for (key, value) in &self.data {
            if !is_data_key(key) {
                return Err(format!(
                    "{key:?} cannot be a key of the Kubernetes Secret {} (letters, digits, '-', '_' and '.'); \
                     rename the key",
                    self.name
                ));
            }
            total = total.saturating_add(value.expose_secret().len());
        }
        if total > K8S_SECRET_MAX_BYTES {
            return Err(format!(
                "the values of the Kubernetes Secret {} add up to {total} bytes, over the 1 MiB Kubernetes \
                 accepts; split it with k8s_secret in the schema",
                self.name
            ));
        }
        Ok(())
    }

    /// An upper bound of the rendered size, so the output buffer never reallocates (and never leaves an
    /// unzeroized copy of an encoded secret behind).
    fn size_hint(&self) -> usize {
        let fixed = 512 + self.name.len() * 2 + self.namespace.as_ref().map_or(0, |n| n.len() * 2);
        let labels: usize = self
            .labels
            .iter()
            .map(|(k, v)| k.len() + v.len() * 2 + 16)
            .sum();
        let data: usize = self
            .data
            .iter()
            .map(|(k, v)| k.len() * 2 + base64_len(v.expose_secret().len()) + 16)
            .sum();
        fixed + labels + data
    }
}

/// Render manifests as a multi-document YAML stream (`---` between documents), the form `kubectl apply -f`
/// and `kubernetes-validate` read.
fn render_yaml(manifests: &[Manifest]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(
        manifests.iter().map(Manifest::size_hint).sum::<usize>() + 8,
    ));
    for (i, m) in manifests.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str("apiVersion: v1\nkind: Secret\nmetadata:\n");
        let _ = writeln!(out, "  name: {}", yaml_scalar(&m.name));
        if let Some(ns) = &m.namespace {
            let _ = writeln!(out, "  namespace: {}", yaml_scalar(ns));
        }
        out.push_str("  labels:\n");
        for (label, value) in &m.labels {
            let _ = writeln!(out, "    {}: {}", yaml_scalar(label), yaml_scalar(value));
        }
        out.push_str("type: Opaque\ndata:\n");
        for (key, value) in &m.data {
            let _ = write!(out, "  {}: ", yaml_scalar(key));
            let start = out.len();
            base64_into(value.expose_secret().as_bytes(), &mut out);
            if !out
                .as_bytes()
                .get(start)
                .is_some_and(u8::is_ascii_alphabetic)
                || matches!(
                    &out[start..],
                    "true" | "True" | "TRUE" | "null" | "Null" | "NULL"
                )
            {
                // A base64 value starting with a digit, '+' or '/' could read as a number or a tag in YAML, and
                // the 4-character encodings `true` and `null` (of 3-byte values) as a boolean or null: quote it
                // (the encoded text itself never needs escaping).
                out.insert(start, '"');
                out.push('"');
            }
            out.push('\n');
        }
    }
    out
}

/// Render manifests as one JSON `v1/List`, which `kubectl apply -f` reads like the YAML stream.
fn render_json(manifests: &[Manifest]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(
        manifests.iter().map(Manifest::size_hint).sum::<usize>() + 64,
    ));
    out.push_str("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
    for (i, m) in manifests.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":");
        out.push_str(&json_string(&m.name));
        if let Some(ns) = &m.namespace {
            out.push_str(",\"namespace\":");
            out.push_str(&json_string(ns));
        }
        out.push_str(",\"labels\":{");
        for (j, (label, value)) in m.labels.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&json_string(label));
            out.push(':');
            out.push_str(&json_string(value));
        }
        out.push_str("}},\"type\":\"Opaque\",\"data\":{");
        for (j, (key, value)) in m.data.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&json_string(key));
            out.push_str(":\"");
            base64_into(value.expose_secret().as_bytes(), &mut out);
            out.push('"');
        }
        out.push_str("}}");
    }
    out.push_str("]}\n");
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Shell.

/// One POSIX shell word: bare when it only has characters no shell treats specially, single-quoted otherwise.
fn shell_quote(s: &str) -> Cow<'_, str> {
    let bare = !s.is_empty()
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b'@' | b'%' | b'+' | b','
                )
        });
    if bare {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', r"'\''")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64_into(input.as_bytes(), &mut out);
            assert_eq!(out, want, "{input:?}");
            assert_eq!(base64_len(input.len()), want.len());
        }
        let mut out = String::new();
        base64_into(&[0xfb, 0xff, 0xbf], &mut out);
        assert_eq!(out, "+/+/");
    }

    #[test]
    fn kubernetes_name_rules() {
        assert!(is_dns1123_subdomain("demo-db-credentials"));
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(is_dns1123_subdomain(&"a".repeat(253)));
        for bad in [
            "",
            "Demo",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a_b",
            "a b",
            &"a".repeat(254),
        ] {
            assert!(!is_dns1123_subdomain(bad), "{bad:?}");
        }
        assert!(is_dns1123_label("prod-1"));
        assert!(is_dns1123_label(&"a".repeat(63)));
        for bad in ["", "a.b", "A", "-a", &"a".repeat(64)] {
            assert!(!is_dns1123_label(bad), "{bad:?}");
        }
        for good in ["MYSQL_PASSWORD", "a.b-c_d", "-x", "1", ".x"] {
            assert!(is_data_key(good), "{good:?}");
        }
        for bad in ["", ".", "..", "..x", "a b", "a/b", "a:b", &"a".repeat(254)] {
            assert!(!is_data_key(bad), "{bad:?}");
        }
        for good in ["", "demo", "a.b_c-d", &"a".repeat(63)] {
            assert!(is_label_value(good), "{good:?}");
        }
        for bad in ["-a", "a-", "a/b", &"a".repeat(64)] {
            assert!(!is_label_value(bad), "{bad:?}");
        }
    }

    #[test]
    fn templates_expand_instance_only() {
        assert_eq!(expand_template("{instance}-db", "wiki").unwrap(), "wiki-db");
        assert_eq!(expand_template("fixed", "wiki").unwrap(), "fixed");
        assert!(expand_template("{host}-db", "wiki").is_err());
        assert!(expand_template("{instance", "wiki").is_err());
    }

    #[test]
    fn yaml_scalars_quote_what_yaml_would_misread() {
        for plain in [
            "MYSQL_PASSWORD",
            "app.kubernetes.io/managed-by",
            "c2VjcmV0",
            "Zm8=",
            "a+b/c",
        ] {
            assert_eq!(yaml_scalar(plain), plain);
        }
        for quoted in [
            "1", "true", "Yes", "NULL", "off", "-x", ".x", "_x", "0x1f", "+1", "/x", "a b", "a:b",
            "",
        ] {
            assert_eq!(yaml_scalar(quoted), format!("\"{quoted}\""), "{quoted:?}");
        }
        assert_eq!(json_string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
    }

    fn sample() -> Vec<Manifest> {
        let mut data = BTreeMap::new();
        data.insert("MYSQL_ROOT_PASSWORD".to_owned(), secret("root"));
        data.insert("1KEY".to_owned(), secret("\u{4e2d}"));
        data.insert("MYSQL_PASSWORD".to_owned(), secret("secret"));
        vec![
            Manifest {
                name: "wiki-db-credentials".to_owned(),
                namespace: Some("prod".to_owned()),
                labels: vec![
                    (MANAGED_BY_LABEL, "secretctl".to_owned()),
                    (INSTANCE_LABEL, "wiki".to_owned()),
                ],
                data,
            },
            Manifest {
                name: "wiki-secrets".to_owned(),
                namespace: None,
                labels: vec![(MANAGED_BY_LABEL, "secretctl".to_owned())],
                data: BTreeMap::from([("K".to_owned(), secret("v"))]),
            },
        ]
    }

    #[test]
    fn yaml_is_deterministic_and_sorted() {
        let yaml = render_yaml(&sample());
        let want = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: wiki-db-credentials\n  namespace: prod\n  \
                    labels:\n    app.kubernetes.io/managed-by: secretctl\n    app.kubernetes.io/instance: wiki\n\
                    type: Opaque\ndata:\n  \"1KEY\": \"5Lit\"\n  MYSQL_PASSWORD: c2VjcmV0\n  \
                    MYSQL_ROOT_PASSWORD: cm9vdA==\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  \
                    name: wiki-secrets\n  labels:\n    app.kubernetes.io/managed-by: secretctl\ntype: Opaque\n\
                    data:\n  K: dg==\n";
        assert_eq!(yaml.as_str(), want);
        assert!(yaml.len() <= sample().iter().map(Manifest::size_hint).sum::<usize>());
    }

    #[test]
    fn json_is_a_parseable_list() {
        let json = render_json(&sample());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["kind"], "List");
        assert_eq!(v["items"][0]["data"]["MYSQL_PASSWORD"], "c2VjcmV0");
        assert_eq!(v["items"][0]["metadata"]["namespace"], "prod");
        assert_eq!(
            v["items"][1]["metadata"]["labels"][MANAGED_BY_LABEL],
            "secretctl"
        );
        assert!(v["items"][1]["metadata"].get("namespace").is_none());
    }

    #[test]
    fn validation_names_the_problem() {
        let mut m = sample().remove(0);
        assert!(m.validate().is_ok());
        m.data.insert("bad key".to_owned(), secret("x"));
        assert!(m.validate().unwrap_err().contains("\"bad key\""));
        m.data.remove("bad key");
        m.namespace = Some("Prod".to_owned());
        assert!(m.validate().unwrap_err().contains("--namespace"));
        m.namespace = None;
        m.name = "Wiki".to_owned();
        assert!(m.validate().unwrap_err().contains("Secret name"));
        m.name = "wiki".to_owned();
        m.data
            .insert("BIG".to_owned(), secret(&"x".repeat(K8S_SECRET_MAX_BYTES)));
        assert!(m.validate().unwrap_err().contains("1 MiB"));
    }

    #[test]
    fn urls_with_a_password_are_recognised() {
        assert!(url_has_password("postgres://app:hunter2@db:5432/secrets"));
        assert!(url_has_password(
            "postgresql://app:p%40ss@db/secrets?sslmode=require"
        ));
        assert!(!url_has_password("postgres://app@db/secrets"));
        assert!(!url_has_password("postgres://db/secrets?user=a:b@c"));
        assert!(!url_has_password("sqlite:/var/lib/secretctl/store.db"));
    }

    fn store_origin(url: &str) -> Origin {
        Origin::Store {
            url: url.to_owned(),
            shown: String::new(),
            owner: "wiki".to_owned(),
            keyfile: Some(PathBuf::from("/etc/secretctl/master key")),
            allow_loose_permissions: false,
        }
    }

    fn one_secret(origin: &Origin) -> Vec<SwarmSecret> {
        let name = VersionedName::new("db_password", 3).unwrap();
        vec![SwarmSecret {
            key: "db_password".to_owned(),
            swarm_name: "app_db_password_v3".to_owned(),
            budget: 46,
            fetch: fetch_args(origin, "wiki", "db_password", &name),
            name,
        }]
    }

    #[test]
    fn a_store_url_with_a_password_stays_out_of_the_script() {
        let origin = store_origin("postgres://app:hunter2@db/secrets");
        let script = render_swarm_script("app", "wiki", &origin, &one_secret(&origin));
        assert!(!script.contains("hunter2"), "{script}");
        assert!(script.contains(": \"${SECRETCTL_STORE:?"), "{script}");
        assert!(script.contains(
            "create app_db_password_v3 export value --owner wiki --keyfile '/etc/secretctl/master key' \
             --version v3 -- db_password\n"
        ));
        let origin = store_origin("sqlite:/srv/my store.db");
        let script = render_swarm_script("app", "wiki", &origin, &one_secret(&origin));
        assert!(script.contains("SECRETCTL_STORE=${SECRETCTL_STORE:-'sqlite:/srv/my store.db'}\nexport SECRETCTL_STORE\n"));
    }

    #[test]
    fn comments_cannot_break_out_of_the_script_header() {
        let origin = Origin::Env(PathBuf::from("/srv/x\nrm -rf ~\n/.env"));
        let secrets = one_secret(&origin);
        let script = render_swarm_script("app", "evil\rinstance\ntouch /tmp/x", &origin, &secrets);
        // Every header line is a comment; the newlines survive only inside the single-quoted path argument.
        for line in script.lines().take_while(|l| *l != "set -euo pipefail") {
            assert!(
                line.starts_with('#'),
                "a name escaped its comment: {line:?}\n{script}"
            );
        }
        assert!(script.contains("'/srv/x\nrm -rf ~\n/.env'"), "{script}");
    }

    #[test]
    fn shell_words_are_quoted_safely() {
        assert_eq!(shell_quote("/srv/wiki/.env"), "/srv/wiki/.env");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_quote("a`b`;c|d&e"), "'a`b`;c|d&e'");
    }
}

//! What can go wrong choosing, grouping and rendering what to export, and what kind of failure each is.

use std::path::PathBuf;

use secretctl_error::{ErrorKind, Kind};

/// Why an export failed. Messages name the file, the key, the Secret or the Swarm name, never a value; where the
/// operator can fix it with a command, the message gives the command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No instance name was given and none can be derived (no `[instance] name`, a directory without a UTF-8 name).
    #[error("{}: cannot name the instance after its directory; give --instance ID", path.display())]
    NoInstanceName {
        /// The `.env`.
        path: PathBuf,
    },
    /// Docker Compose's interpolation of the `.env` failed.
    #[error("{}: cannot interpolate the values", path.display())]
    Interpolation {
        /// The `.env`.
        path: PathBuf,
        /// Why.
        #[source]
        source: secretctl_envfile::InterpolationError,
    },
    /// A version pointer of the `.env` is malformed or names a key that cannot be versioned.
    #[error("{}: {error}", path.display())]
    Pointer {
        /// The `.env`.
        path: PathBuf,
        /// What is wrong with it.
        error: secretctl_naming::Error,
    },
    /// A version pointer names a version whose value key is missing.
    #[error(
        "{}: {pointer_key} names v{version} but {value_key} is missing; restore it or point {pointer_key} at an \
         existing version",
        path.display(),
        pointer_key = secretctl_naming::pointer::pointer_key(key),
        value_key = secretctl_naming::pointer::value_key(key, *version)
    )]
    MissingVersion {
        /// The `.env`.
        path: PathBuf,
        /// The versioned key.
        key: String,
        /// The version the pointer names.
        version: u32,
    },
    /// A key to export has no value in the `.env`; `fix`, when there is one, gives it one.
    #[error("{}: {key} {}", path.display(), no_value_text(*declared, fix.as_deref()))]
    NoValue {
        /// The `.env`.
        path: PathBuf,
        /// The key.
        key: String,
        /// The schema declares the key.
        declared: bool,
        /// How to give it a value: a command in backticks, or what to write.
        fix: Option<String>,
    },
    /// `secretctl export value`: the version asked for has no value key in the `.env`.
    #[error(
        "{}: {value_key} is missing (version v{version} of {key})",
        path.display(),
        value_key = secretctl_naming::pointer::value_key(key, *version)
    )]
    NoSuchVersion {
        /// The `.env`.
        path: PathBuf,
        /// The versioned key.
        key: String,
        /// The version asked for.
        version: u32,
    },
    /// The store failed: it cannot be read, the secret is missing, or its ciphertext does not authenticate.
    #[error(transparent)]
    Store(Box<secretctl_store::Error>),
    /// A secret the schema declares is not in the store.
    #[error("{owner}/{name} is declared in the schema; put it with {fix}")]
    NotInStore {
        /// The store owner (the instance).
        owner: String,
        /// The declared name.
        name: String,
        /// The command that puts it.
        fix: String,
        /// The store's error.
        #[source]
        source: Box<secretctl_store::Error>,
    },
    /// A stored value is not UTF-8 text, which a `.env`-shaped export cannot carry.
    #[error("{owner}/{name}: the value is not UTF-8 text; it cannot be exported")]
    NotUtf8 {
        /// The store owner.
        owner: String,
        /// The name.
        name: String,
    },
    /// A store version does not fit a versioned name.
    #[error("{owner}/{name}: version {version} is beyond what a versioned name can hold")]
    VersionTooLarge {
        /// The store owner.
        owner: String,
        /// The name.
        name: String,
        /// The version.
        version: u64,
    },
    /// Nothing to export into Kubernetes Secrets.
    #[error(
        "{from}: no secrets to export (no key is declared in a schema or classified as a secret by its name); \
         give the schema with --schema FILE"
    )]
    NothingToExport {
        /// Where the values were read (a `.env`, or a store and owner).
        from: String,
    },
    /// A `k8s_secret` template has a placeholder other than `{instance}`.
    #[error(
        "the Secret name template {template:?} has a placeholder other than {{instance}}; fix k8s_secret for {key} \
         in the schema"
    )]
    BadTemplate {
        /// The template.
        template: String,
        /// The key it is declared for.
        key: String,
    },
    /// Two keys become the same data key of one Secret.
    #[error(
        "{from}: {first} and {second} both become the data key {data_key} of the Kubernetes Secret {secret}; give \
         one of them another k8s_key (or k8s_secret) in the schema"
    )]
    DuplicateDataKey {
        /// Where the values were read.
        from: String,
        /// The Secret.
        secret: String,
        /// The data key both map to.
        data_key: String,
        /// The first key (in export order).
        first: String,
        /// The second key.
        second: String,
    },
    /// A Secret name is not a DNS-1123 subdomain.
    #[error(
        "{from}: {name:?} is not a valid Kubernetes Secret name (lowercase letters, digits, '-' and '.', starting \
         and ending with a letter or digit, at most 253 characters); fix --instance, [instance] name or the \
         k8s_secret name in the schema"
    )]
    BadSecretName {
        /// Where the values were read.
        from: String,
        /// The name.
        name: String,
    },
    /// A namespace is not a DNS-1123 label.
    #[error(
        "--namespace {namespace:?} is not a valid Kubernetes namespace (lowercase letters, digits and '-', \
         starting and ending with a letter or digit, at most 63 characters)"
    )]
    BadNamespace {
        /// The namespace.
        namespace: String,
    },
    /// A label value breaks the Kubernetes rules.
    #[error(
        "{from}: {value:?} cannot be the value of the label {label} (at most 63 letters, digits, '-', '_' and '.', \
         starting and ending with a letter or digit); fix --instance or [instance] name in the schema"
    )]
    BadLabelValue {
        /// Where the values were read.
        from: String,
        /// The label.
        label: &'static str,
        /// The value.
        value: String,
    },
    /// A data key breaks the Kubernetes rules.
    #[error(
        "{from}: {key:?} cannot be a key of the Kubernetes Secret {secret} (letters, digits, '-', '_' and '.'); \
         rename the key or give it a k8s_key in the schema"
    )]
    BadDataKey {
        /// Where the values were read.
        from: String,
        /// The Secret.
        secret: String,
        /// The data key.
        key: String,
    },
    /// A Secret's values add up to more than Kubernetes accepts.
    #[error(
        "{from}: the values of the Kubernetes Secret {secret} add up to {total} bytes, over the 1 MiB Kubernetes \
         accepts; split it with k8s_secret in the schema"
    )]
    SecretTooLarge {
        /// Where the values were read.
        from: String,
        /// The Secret.
        secret: String,
        /// The total size of its values in bytes.
        total: usize,
    },
    /// `--secret` named Secrets no group has.
    #[error(
        "no Secret named {}; the Secrets of this instance are: {}",
        unknown.join(", "),
        if existing.is_empty() { "none".to_owned() } else { existing.join(", ") }
    )]
    UnknownSecret {
        /// The names asked for that do not exist.
        unknown: Vec<String>,
        /// The names that exist.
        existing: Vec<String>,
    },
    /// SOPS encryption was asked for without a recipient.
    #[error(
        "--sops needs at least one age recipient: give --age age1... (the public key of the cluster's decryption \
         key, e.g. from `age-keygen -y key.txt`) or set SOPS_AGE_RECIPIENTS"
    )]
    NoRecipients,
    /// A recipient is not an age X25519 public key.
    #[error("{from}: {error}")]
    Recipient {
        /// Where it was given (`--age`, `SOPS_AGE_RECIPIENTS`).
        from: &'static str,
        /// Why it is not one.
        error: secretctl_gitops::sops::Error,
    },
    /// SOPS encryption of a Secret failed.
    #[error("cannot encrypt the Secret {secret} with sops: {error}")]
    Sops {
        /// The Secret.
        secret: String,
        /// Why.
        error: secretctl_gitops::sops::Error,
    },
    /// A key declared versioned has no version pointer, so it has no Swarm secret.
    #[error(
        "{from}: {key} is declared versioned but has no version pointer {}; {}",
        secretctl_naming::pointer::pointer_key(key),
        version_one_text(key, fix.as_deref())
    )]
    NotVersioned {
        /// Where the values were read.
        from: String,
        /// The key.
        key: String,
        /// The command that creates version 1, when the schema has a generator for it.
        fix: Option<String>,
    },
    /// A Swarm name (stack, versioned name, or the two together) breaks Docker's rules.
    #[error("{from}: {key}: {error}")]
    SwarmName {
        /// Where the values were read.
        from: String,
        /// The key.
        key: String,
        /// The rule it breaks.
        error: secretctl_naming::Error,
    },
    /// A value Docker Swarm refuses (empty or over 500 KiB).
    #[error(
        "{from}: {key} version v{version} is {size} bytes; Docker Swarm accepts 1 to {max} bytes",
        max = crate::swarm::SWARM_SECRET_MAX_BYTES
    )]
    SwarmValueSize {
        /// Where the values were read.
        from: String,
        /// The key.
        key: String,
        /// The version.
        version: u32,
        /// Its size in bytes.
        size: usize,
    },
    /// Two keys become the same Swarm secret.
    #[error("{from}: {first} and {second} both become the Swarm secret {swarm_name}; rename one of them")]
    SwarmCollision {
        /// Where the values were read.
        from: String,
        /// The first key.
        first: String,
        /// The second key.
        second: String,
        /// The Swarm name.
        swarm_name: String,
    },
    /// Nothing versioned to export to Swarm.
    #[error(
        "{from}: no versioned secrets to export (a versioned key has a pointer SECRET_<KEY>_VERSION=vN); version a \
         key with `secretctl env rotate KEY` or mark it `versioned = true` in the schema"
    )]
    NoVersionedSecrets {
        /// Where the values were read.
        from: String,
    },
    /// Two Secrets of the instance have the same data key, so one KV v2 secret cannot hold both.
    #[error(
        "the Kubernetes Secrets {first} and {second} both have the data key {data_key}, and one KV path holds one \
         value per key; give one of them another k8s_key in the schema"
    )]
    KvDuplicateKey {
        /// The data key.
        data_key: String,
        /// The first Secret.
        first: String,
        /// The second Secret.
        second: String,
    },
    /// A KV data key maps to no `.env` key.
    #[error(
        "the key {data_key} of KV secret {path} is no .env key name and no secret of the schema has k8s_key = \
         \"{data_key}\"; declare it in secretctl.toml (k8s_key = \"{data_key}\") and import again"
    )]
    KvUnknownKey {
        /// The KV data key.
        data_key: String,
        /// The KV path.
        path: String,
    },
}

fn no_value_text(declared: bool, fix: Option<&str>) -> String {
    match (declared, fix) {
        (true, Some(fix)) => format!("is declared in the schema but has no value; run {fix}"),
        (true, None) => "is declared in the schema but has no value".to_owned(),
        (false, Some(fix)) => format!("has no value; run {fix}"),
        (false, None) => "has no value".to_owned(),
    }
}

fn version_one_text(key: &str, fix: Option<&str>) -> String {
    match fix {
        Some(fix) => format!("create version 1 with {fix}"),
        None => format!(
            "add {} with its value and {}=v1",
            secretctl_naming::pointer::value_key(key, 1),
            secretctl_naming::pointer::pointer_key(key)
        ),
    }
}

/// The kind of a store error. The store crate's own classification (integrity, not found); everything else is
/// the store failing.
fn store_kind(e: &secretctl_store::Error) -> ErrorKind {
    if e.is_integrity() {
        ErrorKind::Integrity
    } else if e.is_not_found() {
        ErrorKind::NotFound
    } else {
        ErrorKind::Other
    }
}

impl Kind for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            // A name Kubernetes or Swarm would refuse is a bad name wherever it came from (--instance, --stack,
            // the schema): exit 2, as from `name swarm` and every other command that meets one.
            Self::NoInstanceName { .. }
            | Self::BadNamespace { .. }
            | Self::BadSecretName { .. }
            | Self::BadLabelValue { .. }
            | Self::BadDataKey { .. }
            | Self::NoRecipients
            | Self::Recipient { .. } => ErrorKind::Usage,
            Self::Pointer { error, .. } | Self::SwarmName { error, .. } => error.kind(),
            Self::Store(e) => store_kind(e),
            Self::MissingVersion { .. }
            | Self::NoValue { .. }
            | Self::NoSuchVersion { .. }
            | Self::NotInStore { .. }
            | Self::NothingToExport { .. }
            | Self::UnknownSecret { .. }
            | Self::NotVersioned { .. }
            | Self::NoVersionedSecrets { .. } => ErrorKind::NotFound,
            // What the instance's data would make Kubernetes or Swarm refuse: fix the schema or the .env.
            Self::Interpolation { .. }
            | Self::NotUtf8 { .. }
            | Self::VersionTooLarge { .. }
            | Self::BadTemplate { .. }
            | Self::DuplicateDataKey { .. }
            | Self::SecretTooLarge { .. }
            | Self::SwarmValueSize { .. }
            | Self::SwarmCollision { .. }
            | Self::KvDuplicateKey { .. }
            | Self::KvUnknownKey { .. } => ErrorKind::Invalid,
            Self::Sops { .. } => ErrorKind::Other,
        }
    }
}

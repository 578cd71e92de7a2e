//! What can go wrong with an instance, and what kind of failure each is.

use std::path::PathBuf;

use secretctl_error::{ErrorKind, Kind};

use crate::Fix;

/// What went wrong with an instance. Messages name the file and the key, never a value; a refusal names the
/// command that does it on purpose.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The envfile could not be read or written.
    #[error(transparent)]
    Envfile(#[from] secretctl_envfile::Error),
    /// The schema could not be read or used.
    #[error(transparent)]
    Schema(#[from] secretctl_schema::Error),
    /// A versioned key's pointer or versions are not what they should be. (The cause is on the same line, so it is
    /// not also a `source`: every cause is printed once.)
    #[error("{}: {error}", path.display())]
    Naming {
        /// The envfile.
        path: PathBuf,
        /// Why.
        error: secretctl_naming::Error,
    },
    /// A file of the instance could not be read or written.
    #[error("{}: cannot {action}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done (`read`, `write`, `lock`, `create`).
        action: &'static str,
        /// Why.
        error: std::io::Error,
    },
    /// A path of the instance is a symlink or not the kind of file it must be; it is never followed.
    #[error("{}: {why}; replace it with a real directory or file (secretctl does not follow links there)", path.display())]
    Unsafe {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The state file does not parse.
    #[error("{}: {message}; fix the file (it is written by secretctl; see docs/formats/schema.md)", path.display())]
    BadState {
        /// The state file.
        path: PathBuf,
        /// What is wrong (never a secret: values are not quoted).
        message: String,
    },
    /// A record in the state is malformed.
    #[error("the {field} recorded for {key} is not {expected}")]
    BadRecord {
        /// The key (or `instance_key`).
        key: String,
        /// The field (`rotated`, `fingerprint`, `instance_key`).
        field: &'static str,
        /// What it should hold.
        expected: &'static str,
    },
    /// The command needs a schema and the instance has none.
    #[error("{what} needs a schema: there is no {}; write one there (docs/formats/schema.md), pass --schema FILE, or run `secretctl init` in that directory to start from the example schema", expected.display())]
    NoSchema {
        /// The command, e.g. "`secretctl env rotate`".
        what: String,
        /// Where the schema was looked for.
        expected: PathBuf,
    },
    /// The key is not declared in the schema.
    #[error("{key} is not declared in {}; add [secrets.{key}] to it", schema.display())]
    NotDeclared {
        /// The key.
        key: String,
        /// The schema file.
        schema: PathBuf,
    },
    /// The `.env` has no value for the key.
    #[error("{key} has no value in {}", path.display())]
    NoValue {
        /// The key.
        key: String,
        /// The envfile.
        path: PathBuf,
    },
    /// The instance directory exists and is not a directory.
    #[error("{}: not a directory", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// `check --accept` was given a key the schema does not declare one-shot.
    #[error("--accept {key}: the schema declares no one-shot key {key}")]
    NotOneShot {
        /// The key.
        key: String,
    },
    /// The encrypted secret store failed (where `store = true` values live).
    #[error(transparent)]
    Store(#[from] Box<secretctl_store::Error>),
    /// A value in the secret store is not text, so it cannot be a `.env` value.
    #[error("the secret store's {owner}/{name} is not UTF-8 text")]
    NotText {
        /// The owner.
        owner: String,
        /// The name.
        name: String,
    },
    /// The values of the key live in the secret store and the command was not given one.
    #[error("the versions of {key} live in the encrypted secret store (store = true in the schema): give the store with --store URL (or SECRETCTL_STORE) and the keyfile with --keyfile (or SECRETCTL_KEYFILE)")]
    StoreNeeded {
        /// The key.
        key: String,
    },
    /// The instance has no name to own its values in the secret store or the password store.
    #[error("{}: the instance has no name; set [instance] name in its schema", path.display())]
    NoInstanceName {
        /// The `.env`.
        path: PathBuf,
    },
    /// Writing a value to the password store (`pass`) failed; the `.env` was left as it was.
    #[error("cannot escrow to the password store entry {path}: {why}")]
    Escrow {
        /// The entry, e.g. `secretctl/wiki/db_password_v2`.
        path: String,
        /// Why (`pass`'s own message, which never holds the value).
        why: String,
    },
    /// A policy of the schema refuses the operation; `fix` does it the right way (or on purpose).
    #[error("{message}; {fix_text}", fix_text = fix_text(fix.as_ref()))]
    Refused {
        /// The key.
        key: String,
        /// Which rule refused.
        rule: Rule,
        /// What the rule says about this key (never the value).
        message: String,
        /// The command that does it the right way, when there is one.
        fix: Option<Fix>,
    },
}

/// The rule behind an [`Error::Refused`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A declared key may not be empty.
    Empty,
    /// A declared key's value must have at least `min_length` characters.
    MinLength,
    /// A one-shot key that has a value changes only with `--force`.
    OneShot,
    /// A versioned key gets new values only as new versions (`--new-version`, `env rotate`).
    Versioned,
    /// `--new-version` applies only to versioned keys.
    NotVersioned,
    /// Generating a value needs a generator in the schema.
    NoGenerator,
    /// On Kubernetes the pods read the key from a Secret: a change of the `.env` alone changes nothing.
    Orchestrator,
    /// `init` never overwrites a value with a different given one.
    InitConflict,
    /// A version's value (`<KEY>_V<N>`) is never rewritten; a new value becomes the next version.
    Immutable,
    /// The version the pointer names is in use: it is not removed while the pointer names it.
    InUse,
}

impl Rule {
    /// The rule's name, as in JSON output and messages (`min_length`, `one_shot`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::MinLength => "min_length",
            Self::OneShot => "one_shot",
            Self::Versioned => "versioned",
            Self::NotVersioned => "not_versioned",
            Self::NoGenerator => "no_generator",
            Self::Orchestrator => "orchestrator",
            Self::InitConflict => "init_conflict",
            Self::Immutable => "immutable",
            Self::InUse => "in_use",
        }
    }

    /// The kind of failure a refusal by this rule is: asking a key for what it cannot do is a usage error; a
    /// policy protecting a value is a refusal.
    #[must_use]
    pub fn kind(self) -> ErrorKind {
        match self {
            Self::Versioned | Self::NotVersioned | Self::NoGenerator => ErrorKind::Usage,
            Self::Empty
            | Self::MinLength
            | Self::OneShot
            | Self::Orchestrator
            | Self::InitConflict
            | Self::Immutable
            | Self::InUse => ErrorKind::Refused,
        }
    }
}

fn fix_text(fix: Option<&Fix>) -> String {
    match fix {
        Some(f) => format!("run {f}"),
        None => "nothing was changed".to_owned(),
    }
}

impl Kind for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Envfile(e) => e.kind(),
            Self::Schema(e) => e.kind(),
            Self::Naming { error, .. } => error.kind(),
            Self::Io { error, .. } => secretctl_error::io_kind(error),
            Self::Refused { rule, .. } => rule.kind(),
            Self::Unsafe { .. } => ErrorKind::Refused,
            Self::Escrow { .. } | Self::NotText { .. } => ErrorKind::Other,
            Self::Store(e) => e.kind(),
            Self::StoreNeeded { .. } | Self::NoInstanceName { .. } => ErrorKind::Usage,
            Self::BadState { .. } | Self::BadRecord { .. } => ErrorKind::Invalid,
            Self::NotOneShot { .. } | Self::NotADirectory { .. } => ErrorKind::Usage,
            Self::NoSchema { .. } | Self::NotDeclared { .. } | Self::NoValue { .. } => {
                ErrorKind::NotFound
            }
        }
    }
}

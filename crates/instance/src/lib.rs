//! An instance: a directory with its `.env`, its schema (`secretctl.toml` beside the `.env`) and its state
//! (`.secretctl/state.toml`: rotation dates, one-shot fingerprints).
//!
//! This crate owns every rule about an instance's secrets, so that the `secretctl` binary and a daemon embedding
//! the libraries apply the same ones:
//!
//! - **where things are**: an instance is found from the `.env` it is given ([`Instance::open`]) or its directory
//!   ([`Instance::open_dir`]); the schema is the `secretctl.toml` next to that `.env`, never one in the current
//!   directory of the process;
//! - **what is secret**: every key unless the schema declares it `plain = true` ([`Instance::is_secret`]);
//! - **writing with policy**: [`Instance::set`], [`Instance::generate`], [`Instance::rotate`] and
//!   [`Instance::add_version`] refuse an empty value or one shorter than `min_length`, a one-shot key without
//!   `force`, a versioned key through the wrong door, and a key the pods of a Kubernetes instance read from a
//!   Secret; each refusal ([`Error::Refused`]) carries the [`Fix`] that does it right;
//! - **bookkeeping out of the `.env`**: the records go to the [`State`] file, written under the `.env`'s lock; an
//!   older `.env` holding `SECRETCTL_*` records migrates on its next write;
//! - **checking**: [`Instance::check`] reports what is missing, short, overdue or changed, each with its fix.
//!
//! # Examples
//!
//! ```
//! use secrecy::SecretString;
//! use secretctl_instance::{Instance, SetOptions};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(
//!     dir.path().join("secretctl.toml"),
//!     "[secrets.DB_PASSWORD]\ngenerator = \"alnum:32\"\nmin_length = 24\n",
//! )?;
//! let wiki = Instance::open_dir(dir.path(), None)?;
//!
//! // A value shorter than min_length is refused, naming the rule and a command that works.
//! let err = wiki.set("DB_PASSWORD", &SecretString::from("short"), SetOptions::default()).unwrap_err();
//! assert!(err.to_string().contains("min_length 24"));
//!
//! // Generating it follows the schema; the records go to .secretctl/state.toml, not the .env.
//! let done = wiki.generate("DB_PASSWORD", SetOptions::default())?;
//! assert!(done.changed);
//! let env = std::fs::read_to_string(dir.path().join(".env"))?;
//! assert!(env.starts_with("DB_PASSWORD=") && !env.contains("SECRETCTL_"));
//! assert!(wiki.check(secretctl_instance::state::now())?.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

use secretctl_schema::{InstanceSettings, Orchestrator, Schema, SCHEMA_FILE};

pub mod check;
pub mod credential;
mod error;
pub mod escrow;
mod fix;
mod init;
mod orchestrator;
mod policy;
mod report;
pub mod state;
mod stored;

pub use check::{Finding, FindingKind};
pub use error::{Error, Rule};
pub use escrow::{pass_path, Escrowed, Pass};
pub use fix::{shell_quote, Fix};
pub use init::{InitOutcome, InitReport};
pub use orchestrator::K8sSteps;
pub use policy::{Change, SetOptions};
pub use secretctl_schema;
pub use state::State;
pub use stored::{Moved, ValueStore};

/// The file name of an instance's `.env`.
pub const ENV_FILE: &str = ".env";

/// An instance: its `.env`, the schema beside it (if any) and its state file.
#[derive(Debug, Clone)]
pub struct Instance {
    dir: PathBuf,
    env_path: PathBuf,
    schema: Option<Schema>,
    /// The schema was given explicitly (not the one beside the `.env`): fixes must name it.
    schema_explicit: bool,
    state_path: PathBuf,
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The name of the instance whose `.env` is `env_path`: the schema's `[instance] name`, else the name of the
/// `.env`'s directory (made absolute first, so `./.env` is named after the current directory); `None` when neither
/// gives one (the root directory, a name that is not UTF-8). `{instance}` in `k8s_secret` stands for it.
#[must_use]
pub fn instance_name(schema: Option<&Schema>, env_path: &Path) -> Option<String> {
    if let Some(n) = schema.and_then(|s| s.instance().name.clone()) {
        return Some(n);
    }
    std::path::absolute(env_path)
        .ok()?
        .parent()?
        .file_name()?
        .to_str()
        .map(str::to_owned)
}

impl Instance {
    /// The instance whose `.env` is `env_path`. The schema is `schema` when given, else the `secretctl.toml` in
    /// the `.env`'s directory when it exists. The `.env` itself need not exist yet.
    ///
    /// # Errors
    /// [`Error::Schema`] when the schema cannot be read or is invalid.
    pub fn open(env_path: &Path, schema: Option<&Path>) -> Result<Self, Error> {
        let dir = dir_of(env_path);
        // Beside the .env, spelled as the operator spelled the .env (`.env` -> `secretctl.toml`).
        let beside = env_path.with_file_name(SCHEMA_FILE);
        let (schema, schema_explicit) = match schema {
            Some(path) => (Some(Schema::load(path)?), true),
            None if beside.is_file() => (Some(Schema::load(&beside)?), false),
            None => (None, false),
        };
        Ok(Self {
            state_path: env_path
                .with_file_name(state::STATE_DIR)
                .join(state::STATE_FILE),
            env_path: env_path.to_path_buf(),
            dir,
            schema,
            schema_explicit,
        })
    }

    /// The instance in directory `dir` (its `.env` is `dir/.env`).
    ///
    /// # Errors
    /// As [`Instance::open`].
    pub fn open_dir(dir: &Path, schema: Option<&Path>) -> Result<Self, Error> {
        Self::open(&dir.join(ENV_FILE), schema)
    }

    /// The instance named on a command line: the `.env` given (`--file`/`--env`), else the one in the instance
    /// directory given (`--instance DIR`), else `./.env`. The current directory is only that last default.
    ///
    /// # Errors
    /// As [`Instance::open`].
    pub fn locate(
        env_file: Option<&Path>,
        instance_dir: Option<&Path>,
        schema: Option<&Path>,
    ) -> Result<Self, Error> {
        match (env_file, instance_dir) {
            (Some(f), _) => Self::open(f, schema),
            (None, Some(d)) => Self::open_dir(d, schema),
            (None, None) => Self::open(Path::new(ENV_FILE), schema),
        }
    }

    /// The instance directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The `.env`.
    #[must_use]
    pub fn env_path(&self) -> &Path {
        &self.env_path
    }

    /// The state file (`.secretctl/state.toml` in the instance directory).
    #[must_use]
    pub fn state_path(&self) -> &Path {
        &self.state_path
    }

    /// The schema, if the instance has one.
    #[must_use]
    pub fn schema(&self) -> Option<&Schema> {
        self.schema.as_ref()
    }

    /// The schema, or [`Error::NoSchema`] saying where it was looked for; `what` names the command.
    ///
    /// # Errors
    /// [`Error::NoSchema`].
    pub fn require_schema(&self, what: &str) -> Result<&Schema, Error> {
        self.schema.as_ref().ok_or_else(|| Error::NoSchema {
            what: what.to_owned(),
            expected: self.env_path.with_file_name(SCHEMA_FILE),
        })
    }

    /// The `[instance]` settings (defaults without a schema).
    #[must_use]
    pub fn settings(&self) -> InstanceSettings {
        self.schema
            .as_ref()
            .map(|s| s.instance().clone())
            .unwrap_or_default()
    }

    /// Where the containers read their secrets from.
    #[must_use]
    pub fn orchestrator(&self) -> Orchestrator {
        self.schema
            .as_ref()
            .map_or(Orchestrator::Compose, |s| s.instance().orchestrator)
    }

    /// The instance's name: the schema's `[instance] name`, else the name of its directory (see [`instance_name`]).
    #[must_use]
    pub fn name(&self) -> Option<String> {
        instance_name(self.schema.as_ref(), &self.env_path)
    }

    /// Whether `key` holds a secret. Every key of an instance does, unless the schema declares it `plain = true`;
    /// a version pointer (`SECRET_<KEY>_VERSION`, which holds only `vN`) is the one other exception. When unsure,
    /// secret.
    #[must_use]
    pub fn is_secret(&self, key: &str) -> bool {
        if secretctl_naming::pointer::pointed_key(key).is_some() {
            return false;
        }
        !self.schema.as_ref().is_some_and(|s| s.is_plain(key))
    }

    /// The words `--file F` (and `--schema S` when the schema was given explicitly) that make a printed command
    /// act on this instance from any directory.
    fn target_words(&self, file_flag: &'static str) -> Vec<String> {
        let abs = |p: &Path| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_path_buf())
                .display()
                .to_string()
        };
        let mut words = vec![file_flag.to_owned(), abs(&self.env_path)];
        if self.schema_explicit {
            if let Some(file) = self.schema.as_ref().and_then(Schema::file) {
                words.push("--schema".to_owned());
                words.push(abs(file));
            }
        }
        words
    }

    /// A `secretctl` command acting on this instance: `head` words, then `tail` words (flags), then the instance's
    /// `--file`/`--schema`.
    fn fix(&self, head: &[&str], file_flag: &'static str, tail: &[&str], stdin: bool) -> Fix {
        let target = self.target_words(file_flag);
        let words = std::iter::once("secretctl")
            .chain(head.iter().copied())
            .chain(tail.iter().copied())
            .chain(target.iter().map(String::as_str));
        Fix::new(words, stdin)
    }
}

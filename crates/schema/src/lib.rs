//! An instance's declared secrets: generators, policy, rotation schedule.
//!
//! An instance directory holds a `secretctl.toml` that declares, per `.env` key, how its value is generated and the
//! rules it must follow:
//!
//! ```toml
//! [secrets.DB_PASSWORD]
//! generator = "alnum:32"        # alnum:N, hex:N, base64:N, words:N
//! min_length = 24               # `secretctl check` reports a shorter value
//! rotate_every = "90d"          # s, m, h, d or w; `check` reports an overdue key
//! versioned = true              # Docker Swarm style: DB_PASSWORD_V1, DB_PASSWORD_V2, SECRET_DB_PASSWORD_VERSION=v2
//! k8s_secret = "{instance}-db-credentials"   # the Kubernetes Secret it belongs to
//!
//! [secrets.APP_SECRET_KEY]
//! generator = "hex:64"
//! one_shot = true               # never changed without --force
//! breaks = "every signed-in user is logged out"   # what rotating it breaks, shown when it is refused
//! shared = true                 # gitops: the same value for every host
//! ```
//!
//! An optional `[instance]` table says how the instance is deployed (`orchestrator = "compose" | "kubernetes" |
//! "swarm"`, its `name`, Kubernetes `namespace`, the workloads to `restart` after a Secret changed); a key declared
//! `plain = true` is the only kind of key handled as plaintext, and `k8s_key` names its data key in the Kubernetes
//! Secret.
//!
//! Keys keep the order they are declared in. Unknown fields, unknown generators and bad durations are errors that
//! name the file and line. The full format is in `docs/formats/schema.md`. Rotation dates and one-shot fingerprints
//! are not part of the schema: the instance's state file keeps them (crate `secretctl-instance`).
//!
//! Without a schema, [`is_secret_name`] classifies keys as secret by their name (see its documentation for the
//! exact rules).
//!
//! Generators ([`Generator`]) draw from the OS CSPRNG with rejection sampling (no modulo bias). `words:N` picks from
//! EFF's Large Wordlist for Passphrases (by the Electronic Frontier Foundation, <https://www.eff.org/dice>, licensed
//! CC BY 3.0 US), embedded in this crate with its attribution.
//!
//! # Examples
//!
//! ```
//! use secrecy::ExposeSecret;
//! use secretctl_schema::{is_secret_name, Generator, Schema};
//!
//! let schema = Schema::parse(r#"
//! [secrets.JWT_SECRET]
//! generator = "base64:43"
//! min_length = 32
//! rotate_every = "90d"
//! "#)?;
//! let spec = schema.get("JWT_SECRET").expect("declared");
//! assert_eq!(spec.generator, Some(Generator::Base64(43)));
//! assert_eq!(spec.rotate_every, Some(std::time::Duration::from_secs(90 * 86_400)));
//!
//! let value = spec.generator.expect("has one").generate();
//! assert_eq!(value.expose_secret().len(), 43);
//! assert!((Generator::Base64(43).entropy_bits() - 258.0).abs() < 1e-9);
//!
//! assert!(schema.is_secret("JWT_SECRET"));
//! assert!(is_secret_name("SMTP_PASSWORD") && !is_secret_name("APP_URL"));
//!
//! // Unknown fields are errors with the line number.
//! let err = Schema::parse("[secrets.X]\ngenrator = \"hex:8\"\n").unwrap_err();
//! assert!(err.to_string().contains("line 2"));
//! # Ok::<(), secretctl_schema::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

mod duration;
pub mod generator;
pub mod k8s;
pub mod state;
mod words;

pub use duration::{format_duration, parse_duration};
pub use generator::{Append, Generator, GeneratorError, RngError};
pub use secrecy;

/// The file name commands look for in the current directory when no `--schema` is given.
pub const SCHEMA_FILE: &str = "secretctl.toml";

/// The largest schema file read; a larger one is refused rather than read without bound.
pub const MAX_SCHEMA_BYTES: u64 = 1 << 20;

/// What went wrong loading or using a schema.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The schema file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The schema file is larger than [`MAX_SCHEMA_BYTES`].
    #[error("{}: larger than {MAX_SCHEMA_BYTES} bytes; this is not a schema", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The schema does not parse or breaks a rule. `line` is 1-based; 0 when the position is unknown.
    #[error("{}{}: {message}", file.as_ref().map_or_else(|| SCHEMA_FILE.to_owned(), |p| p.display().to_string()), if *line > 0 { format!(": line {line}") } else { String::new() })]
    Invalid {
        /// The file, when the schema came from one.
        file: Option<PathBuf>,
        /// The 1-based line, 0 when unknown.
        line: usize,
        /// What is wrong (never a secret: a schema holds none).
        message: String,
    },
    /// A key in the envfile cannot hold what the schema asks (e.g. a versioned key whose name cannot be a Swarm
    /// name).
    #[error(transparent)]
    Naming(#[from] secretctl_naming::Error),
    /// The envfile refused an edit.
    #[error("cannot edit the envfile: {0}")]
    Envfile(#[from] secretctl_envfile::EditError),
    /// The OS random number generator failed.
    #[error(transparent)]
    Rng(#[from] RngError),
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            Self::Io { source, .. } => secretctl_error::io_kind(source),
            Self::TooLarge { .. } | Self::Invalid { .. } => ErrorKind::Invalid,
            Self::Naming(_) => ErrorKind::Usage,
            Self::Envfile(e) => e.kind(),
            Self::Rng(_) => ErrorKind::Io,
        }
    }
}

/// One declared secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretSpec {
    /// The `.env` key, e.g. `DB_PASSWORD`.
    pub key: String,
    /// How a value is generated; `None` when the operator supplies it.
    pub generator: Option<Generator>,
    /// The shortest acceptable value, in characters.
    pub min_length: Option<usize>,
    /// Never changed without `--force` (rotating it breaks something: see [`SecretSpec::breaks`]).
    pub one_shot: bool,
    /// What rotating a one-shot key breaks, in the operator's words.
    pub breaks: Option<String>,
    /// How often the value must be rotated.
    pub rotate_every: Option<Duration>,
    /// Kept as immutable Docker Swarm style versions (see `secretctl_naming::pointer`).
    pub versioned: bool,
    /// The same value for every host in gitops (`hosts/_shared`).
    pub shared: bool,
    /// The Kubernetes Secret the key belongs to; `{instance}` stands for the instance name.
    pub k8s_secret: Option<String>,
    /// The data key inside that Kubernetes Secret (`database-url`); default: the `.env` key.
    pub k8s_key: Option<String>,
    /// Declared not secret: the only way a key is ever handled as plaintext (gitops templates, output).
    pub plain: bool,
    /// A note for people.
    pub description: Option<String>,
    /// The values of its versions live in the encrypted secret store (owner: the instance, name: `<name>_v<N>`),
    /// not in the `.env`, which keeps only the pointer. Only for a versioned key.
    pub store: bool,
}

impl SecretSpec {
    /// A spec with only a key and a generator (everything else off).
    #[must_use]
    pub fn new(key: impl Into<String>, generator: Option<Generator>) -> Self {
        Self {
            key: key.into(),
            generator,
            min_length: None,
            one_shot: false,
            breaks: None,
            rotate_every: None,
            versioned: false,
            shared: false,
            k8s_secret: None,
            k8s_key: None,
            plain: false,
            description: None,
            store: false,
        }
    }

    /// What rotating this key breaks, for messages: the declared `breaks`, or a generic description.
    #[must_use]
    pub fn breaks_text(&self) -> &str {
        self.breaks
            .as_deref()
            .unwrap_or("whatever was derived from the old value stops working (sessions, signed tokens, encrypted data)")
    }
}

/// Where the instance's containers read their secrets from (`[instance] orchestrator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Orchestrator {
    /// Docker Compose reads the `.env` (the default).
    #[default]
    Compose,
    /// Pods read Kubernetes Secrets: changing the `.env` alone changes nothing they see.
    Kubernetes,
    /// Docker Swarm services read versioned Swarm secrets.
    Swarm,
}

impl Orchestrator {
    /// The name used in the schema: `compose`, `kubernetes` or `swarm`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compose => "compose",
            Self::Kubernetes => "kubernetes",
            Self::Swarm => "swarm",
        }
    }
}

impl std::fmt::Display for Orchestrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Orchestrator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "compose" => Ok(Self::Compose),
            "kubernetes" => Ok(Self::Kubernetes),
            "swarm" => Ok(Self::Swarm),
            other => Err(format!(
                "orchestrator `{}` is not one of compose, kubernetes, swarm",
                excerpt(other)
            )),
        }
    }
}

/// The `[instance]` table: how the instance is deployed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InstanceSettings {
    /// Where the containers read their secrets from.
    pub orchestrator: Orchestrator,
    /// The instance's name (`{instance}` in `k8s_secret`); default: the instance directory's name.
    pub name: Option<String>,
    /// The Kubernetes namespace its Secrets live in.
    pub namespace: Option<String>,
    /// The workloads to restart after a Secret changed (`deployment/wiki`), for the printed rotation steps.
    pub restart: Vec<String>,
    /// The values of every versioned secret live in the encrypted secret store, as with `store = true` on each.
    pub store: bool,
}

/// An instance's schema: its declared secrets in declared order, and its `[instance]` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    secrets: Vec<SecretSpec>,
    instance: InstanceSettings,
    file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    secrets: BTreeMap<Spanned<String>, Spanned<RawSpec>>,
    instance: Option<Spanned<RawInstance>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    orchestrator: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    namespace: Option<Spanned<String>>,
    #[serde(default)]
    restart: Vec<Spanned<String>>,
    #[serde(default)]
    store: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    generator: Option<Spanned<String>>,
    min_length: Option<Spanned<i64>>,
    #[serde(default)]
    one_shot: bool,
    breaks: Option<String>,
    rotate_every: Option<Spanned<String>>,
    #[serde(default)]
    versioned: bool,
    #[serde(default)]
    shared: bool,
    k8s_secret: Option<Spanned<String>>,
    k8s_key: Option<Spanned<String>>,
    #[serde(default)]
    plain: bool,
    description: Option<String>,
    #[serde(default)]
    store: bool,
}

/// At most 200 characters of `text`, for messages about untrusted input.
fn excerpt(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(MAX).collect();
    out.push('…');
    out
}

/// The 1-based line of byte offset `at` in `text` (for errors that name the line of a TOML file: the schema, an
/// instance's state file).
#[must_use]
pub fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether `key` can be an envfile key: `[A-Za-z_][A-Za-z0-9_]*`, at most 255 characters.
fn valid_env_key(key: &str) -> bool {
    let b = key.as_bytes();
    !b.is_empty()
        && b.len() <= 255
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

impl Schema {
    /// Parse a schema from TOML text.
    ///
    /// # Errors
    /// [`Error::Invalid`] with the line for a TOML syntax error, an unknown field, a wrong type, an unknown
    /// generator, a bad duration, an invalid key name, or a `min_length` that the key's generator cannot meet.
    pub fn parse(toml_text: &str) -> Result<Self, Error> {
        Self::parse_inner(toml_text, None)
    }

    fn parse_inner(text: &str, file: Option<&Path>) -> Result<Self, Error> {
        let invalid = |at: Option<usize>, message: String| Error::Invalid {
            file: file.map(Path::to_path_buf),
            line: at.map_or(0, |at| line_of(text, at)),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            invalid(
                e.span().map(|s| s.start),
                excerpt(&e.message().trim_end().replace('\n', "; ")),
            )
        })?;
        let mut entries: Vec<_> = raw.secrets.into_iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut secrets = Vec::with_capacity(entries.len());
        for (key, spec) in entries {
            let key_at = Some(key.span().start);
            let key = key.into_inner();
            let spec = spec.into_inner();
            if !valid_env_key(&key) {
                return Err(invalid(
                    key_at,
                    format!(
                        "`{}` is not a .env key: use letters, digits and `_`, not starting with a digit",
                        excerpt(&key)
                    ),
                ));
            }
            if state::is_metadata_key(&key)
                || secretctl_naming::pointer::pointed_key(&key).is_some()
            {
                return Err(invalid(
                    key_at,
                    format!(
                        "`{key}` is a name secretctl keeps for its own records; choose another key"
                    ),
                ));
            }
            let generator = match spec.generator {
                None => None,
                Some(g) => {
                    let at = Some(g.span().start);
                    Some(
                        g.into_inner()
                            .parse::<Generator>()
                            .map_err(|e| invalid(at, format!("{key}: {e}")))?,
                    )
                }
            };
            let min_length = match spec.min_length {
                None => None,
                Some(m) => {
                    let at = Some(m.span().start);
                    let n = usize::try_from(*m.get_ref())
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| {
                            invalid(at, format!("{key}: min_length must be at least 1"))
                        })?;
                    if let Some(g) = generator {
                        if g.min_chars() < n {
                            return Err(invalid(
                                at,
                                format!(
                                    "{key}: generator {g} makes values of {} characters, shorter than min_length {n}",
                                    g.min_chars()
                                ),
                            ));
                        }
                    }
                    Some(n)
                }
            };
            let rotate_every = match spec.rotate_every {
                None => None,
                Some(r) => {
                    let at = Some(r.span().start);
                    Some(
                        parse_duration(r.get_ref())
                            .map_err(|m| invalid(at, format!("{key}: rotate_every: {m}")))?,
                    )
                }
            };
            if spec.versioned {
                secretctl_naming::pointer::versioned_name(&key, 1)
                    .map_err(|e| invalid(key_at, e.to_string()))?;
            }
            if spec.store && !spec.versioned {
                return Err(invalid(
                    key_at,
                    format!("{key}: `store = true` only applies to versioned keys (add versioned = true)"),
                ));
            }
            if spec.breaks.is_some() && !spec.one_shot {
                return Err(invalid(
                    key_at,
                    format!("{key}: `breaks` only applies to one_shot keys"),
                ));
            }
            let k8s_secret = match spec.k8s_secret {
                None => None,
                Some(s) => {
                    let at = Some(s.span().start);
                    let name = s.into_inner();
                    // A template: any instance name gives a valid name shape when the rest is valid.
                    if name.is_empty()
                        || name.len() > 253
                        || k8s::expand_template(&name, "x").is_none()
                    {
                        return Err(invalid(
                            at,
                            format!(
                                "{key}: k8s_secret `{}` must be 1 to 253 characters, with `{{instance}}` as its \
                                 only placeholder",
                                excerpt(&name)
                            ),
                        ));
                    }
                    Some(name)
                }
            };
            let k8s_key = match spec.k8s_key {
                None => None,
                Some(s) => {
                    let at = Some(s.span().start);
                    let name = s.into_inner();
                    if !k8s::is_data_key(&name) {
                        return Err(invalid(
                            at,
                            format!(
                                "{key}: k8s_key `{}` is not a Kubernetes data key (1 to 253 of letters, digits, `-`, `_`, `.`)",
                                excerpt(&name)
                            ),
                        ));
                    }
                    Some(name)
                }
            };
            secrets.push(SecretSpec {
                key,
                generator,
                min_length,
                one_shot: spec.one_shot,
                breaks: spec.breaks,
                rotate_every,
                versioned: spec.versioned,
                shared: spec.shared,
                k8s_secret,
                k8s_key,
                plain: spec.plain,
                description: spec.description,
                store: spec.store,
            });
        }
        let instance = match raw.instance {
            None => InstanceSettings::default(),
            Some(table) => {
                let table = table.into_inner();
                let orchestrator = match table.orchestrator {
                    None => Orchestrator::default(),
                    Some(o) => {
                        let at = Some(o.span().start);
                        o.get_ref()
                            .parse()
                            .map_err(|m| invalid(at, format!("[instance] {m}")))?
                    }
                };
                let name = match table.name {
                    None => None,
                    Some(n) => {
                        let at = Some(n.span().start);
                        let n = n.into_inner();
                        if n.is_empty() || n.len() > 253 || n.chars().any(char::is_control) {
                            return Err(invalid(
                                at,
                                "[instance] name must be 1 to 253 printable characters".to_owned(),
                            ));
                        }
                        Some(n)
                    }
                };
                let namespace = match table.namespace {
                    None => None,
                    Some(n) => {
                        let at = Some(n.span().start);
                        let n = n.into_inner();
                        if !k8s::is_dns1123_label(&n) {
                            return Err(invalid(
                                at,
                                format!(
                                    "[instance] namespace `{}` is not a Kubernetes namespace (lower-case letters, digits, `-`, at most 63)",
                                    excerpt(&n)
                                ),
                            ));
                        }
                        Some(n)
                    }
                };
                let mut restart = Vec::with_capacity(table.restart.len());
                for w in table.restart {
                    let at = Some(w.span().start);
                    let w = w.into_inner();
                    // kind/name, e.g. deployment/wiki: printed into a shell command, so nothing a shell reads.
                    let ok = w.split_once('/').is_some_and(|(kind, name)| {
                        !kind.is_empty()
                            && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
                            && !name.is_empty()
                            && name.len() <= 253
                            && name.bytes().all(|b| {
                                b.is_ascii_lowercase()
                                    || b.is_ascii_digit()
                                    || matches!(b, b'-' | b'.')
                            })
                    });
                    if !ok {
                        return Err(invalid(
                            at,
                            format!(
                                "[instance] restart entry `{}` is not KIND/NAME (e.g. \"deployment/wiki\")",
                                excerpt(&w)
                            ),
                        ));
                    }
                    restart.push(w);
                }
                InstanceSettings {
                    orchestrator,
                    name,
                    namespace,
                    restart,
                    store: table.store,
                }
            }
        };
        Ok(Self {
            secrets,
            instance,
            file: file.map(Path::to_path_buf),
        })
    }

    /// Read and parse a schema file.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read, [`Error::TooLarge`], or [`Error::Invalid`] naming the file and line.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = Self::read_text(path)?;
        Self::parse_inner(&text, Some(path))
    }

    /// The text of a schema file, bounded by [`MAX_SCHEMA_BYTES`].
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::TooLarge`], or [`Error::Invalid`] when it is not UTF-8.
    pub fn read_text(path: &Path) -> Result<String, Error> {
        // Opened like every file of an instance (a directory its owner may not be root): no-follow unless the
        // process allows it, and a FIFO planted there fails at once instead of hanging the command.
        let opts = secretctl_fs::ReadOptions::new(MAX_SCHEMA_BYTES);
        let buf = match secretctl_fs::read(path, &opts) {
            Ok(bytes) => bytes.to_vec(),
            Err(secretctl_fs::Error::TooLarge { .. }) => {
                return Err(Error::TooLarge {
                    path: path.to_path_buf(),
                })
            }
            Err(e) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source: e.into(),
                })
            }
        };
        String::from_utf8(buf).map_err(|_| Error::Invalid {
            file: Some(path.to_path_buf()),
            line: 0,
            message: "not UTF-8 text".to_owned(),
        })
    }

    /// The schema commands use: `explicit` when given, else `./secretctl.toml` when it exists, else `None`.
    ///
    /// # Errors
    /// As [`Schema::load`]; an explicit path that does not exist is an [`Error::Io`] (not found).
    pub fn find(explicit: Option<&Path>) -> Result<Option<Self>, Error> {
        if let Some(path) = explicit {
            return Self::load(path).map(Some);
        }
        let default = Path::new(SCHEMA_FILE);
        if default.is_file() {
            Self::load(default).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The small example a new instance gets when no schema is given: a database password, an app secret key and a
    /// backup password.
    #[must_use]
    pub fn builtin_example() -> Self {
        let mut db = SecretSpec::new("DB_PASSWORD", Some(Generator::Alnum(32)));
        db.min_length = Some(24);
        db.rotate_every = Some(Duration::from_secs(90 * 86_400));
        db.k8s_secret = Some("{instance}-db-credentials".to_owned());
        db.description = Some("the database user's password".to_owned());
        let mut app = SecretSpec::new("APP_SECRET_KEY", Some(Generator::Hex(64)));
        app.min_length = Some(64);
        app.one_shot = true;
        app.breaks =
            Some("every signed-in user is logged out and signed links stop working".to_owned());
        app.k8s_secret = Some("{instance}-app".to_owned());
        app.description = Some("signs the app's sessions".to_owned());
        let mut backup = SecretSpec::new("BACKUP_PASSWORD", Some(Generator::Words(8)));
        backup.min_length = Some(30);
        backup.rotate_every = Some(Duration::from_secs(365 * 86_400));
        backup.description =
            Some("encrypts backups; keep a copy where you keep the backups' keys".to_owned());
        Self {
            secrets: vec![db, app, backup],
            instance: InstanceSettings::default(),
            file: None,
        }
    }

    /// A schema holding `secrets` in this order.
    ///
    /// # Errors
    /// [`Error::Invalid`] when a key is declared twice or is not a valid `.env` key.
    pub fn from_specs(secrets: Vec<SecretSpec>) -> Result<Self, Error> {
        let schema = Self {
            secrets,
            instance: InstanceSettings::default(),
            file: None,
        };
        // Round-tripping through TOML applies every rule parse applies.
        Self::parse(&schema.to_toml())
    }

    /// The schema as TOML that [`Schema::parse`] reads back to an equal schema.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::from(
            "# secretctl schema: the secrets this instance declares (see docs/formats/schema.md).\n",
        );
        let i = &self.instance;
        if *i != InstanceSettings::default() {
            out.push_str("\n[instance]\n");
            if i.orchestrator != Orchestrator::default() {
                let _ = writeln!(out, "orchestrator = \"{}\"", i.orchestrator);
            }
            if let Some(n) = &i.name {
                let _ = writeln!(out, "name = {}", q(n));
            }
            if let Some(n) = &i.namespace {
                let _ = writeln!(out, "namespace = {}", q(n));
            }
            if !i.restart.is_empty() {
                let list: Vec<String> = i.restart.iter().map(|w| q(w)).collect();
                let _ = writeln!(out, "restart = [{}]", list.join(", "));
            }
            if i.store {
                out.push_str("store = true\n");
            }
        }
        for s in &self.secrets {
            let _ = write!(out, "\n[secrets.{}]\n", s.key);
            if let Some(d) = &s.description {
                let _ = writeln!(out, "description = {}", q(d));
            }
            if let Some(g) = s.generator {
                let _ = writeln!(out, "generator = \"{g}\"");
            }
            if let Some(n) = s.min_length {
                let _ = writeln!(out, "min_length = {n}");
            }
            if let Some(d) = s.rotate_every {
                let _ = writeln!(out, "rotate_every = \"{}\"", format_duration(d));
            }
            if s.one_shot {
                out.push_str("one_shot = true\n");
            }
            if let Some(b) = &s.breaks {
                let _ = writeln!(out, "breaks = {}", q(b));
            }
            if s.versioned {
                out.push_str("versioned = true\n");
            }
            if s.shared {
                out.push_str("shared = true\n");
            }
            if let Some(k) = &s.k8s_secret {
                let _ = writeln!(out, "k8s_secret = {}", q(k));
            }
            if let Some(k) = &s.k8s_key {
                let _ = writeln!(out, "k8s_key = {}", q(k));
            }
            if s.plain {
                out.push_str("plain = true\n");
            }
            if s.store {
                out.push_str("store = true\n");
            }
        }
        out
    }

    /// Whether the values of `key`'s versions live in the encrypted secret store rather than the `.env`: a
    /// versioned key declared `store = true`, or any versioned key under `[instance] store = true`.
    #[must_use]
    pub fn in_store(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|s| s.versioned && (s.store || self.instance.store))
    }

    /// The `[instance]` settings (all defaults when the schema has no such table).
    #[must_use]
    pub fn instance(&self) -> &InstanceSettings {
        &self.instance
    }

    /// The same schema with other `[instance]` settings.
    #[must_use]
    pub fn with_instance(mut self, instance: InstanceSettings) -> Self {
        self.instance = instance;
        self
    }

    /// Whether the schema declares `key` `plain = true` (directly, or as a version value of a plain versioned key).
    /// Only a declaration makes a key plain; every other key of an instance is a secret.
    #[must_use]
    pub fn is_plain(&self, key: &str) -> bool {
        self.get(key)
            .or_else(|| self.version_value_of(key))
            .is_some_and(|s| s.plain)
    }

    /// The file the schema was loaded from, if any.
    #[must_use]
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The declared secrets, in declared order.
    pub fn secrets(&self) -> impl Iterator<Item = &SecretSpec> {
        self.secrets.iter()
    }

    /// The spec of `key`, if declared.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&SecretSpec> {
        self.secrets.iter().find(|s| s.key == key)
    }

    /// Whether `key` holds a secret: declared in the schema, one of a declared versioned key's version values
    /// (`DB_PASSWORD_V2`), or classified secret by [`is_secret_name`].
    #[must_use]
    pub fn is_secret(&self, key: &str) -> bool {
        self.get(key).is_some() || self.version_value_of(key).is_some() || is_secret_name(key)
    }

    /// When `key` is `<KEY>_V<N>` for a declared versioned `KEY`, that spec.
    #[must_use]
    pub fn version_value_of(&self, key: &str) -> Option<&SecretSpec> {
        let (base, n) = key.rsplit_once("_V")?;
        secretctl_naming::parse_version_tag(&format!("v{n}"))?;
        self.get(base).filter(|s| s.versioned)
    }
}

/// Whether a key holds a secret, judged by its name alone (used when no schema declares it).
///
/// The name is split into words at `_` and compared in upper case:
///
/// - **secret** when a word is, or ends with, `PASSWORD`, `PASSWD`, `SECRET`, `SECRETS`, `TOKEN`, `TOKENS`,
///   `CREDENTIAL` or `CREDENTIALS` (`DB_PASSWORD`, `APP_SECRET_KEY`, `GITHUB_TOKEN`, `ACCESSTOKEN`); or a word is
///   exactly one of `PASS`, `PWD`, `KEY`, `KEYS`, `APIKEY`, `PRIVATE`, `SALT`, `DSN`, `AUTH`
///   (`DB_PASS`, `STRIPE_KEY`, `SENTRY_DSN`; but not `KEYCLOAK_URL` or `MONKEY`);
/// - **secret** when it starts with a provider prefix whose variables are credentials or locate them: `AWS_`,
///   `AZURE_`, `ARM_`, `GCP_`, `GOOGLE_APPLICATION_`, `SMTP_`, `S3_`, `B2_`, `MINIO_`, `DO_`, `CF_`;
/// - **not secret**, overriding the above, when its last word is `FILE` or `PATH` (`DB_PASSWORD_FILE` names the
///   file holding the secret, Docker's `_FILE` convention), when it is a version pointer `SECRET_<KEY>_VERSION`, or
///   one of secretctl's own `SECRETCTL_*` records — except `SECRETCTL_INSTANCE_KEY`, which is a secret.
#[must_use]
pub fn is_secret_name(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    if upper == state::INSTANCE_KEY {
        return true;
    }
    if state::is_metadata_key(&upper) || secretctl_naming::pointer::pointed_key(&upper).is_some() {
        return false;
    }
    let words: Vec<&str> = upper.split('_').filter(|w| !w.is_empty()).collect();
    if matches!(words.last(), Some(&("FILE" | "PATH"))) {
        return false;
    }
    const ENDS: [&str; 8] = [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "SECRETS",
        "TOKEN",
        "TOKENS",
        "CREDENTIAL",
        "CREDENTIALS",
    ];
    const EXACT: [&str; 9] = [
        "PASS", "PWD", "KEY", "KEYS", "APIKEY", "PRIVATE", "SALT", "DSN", "AUTH",
    ];
    const PREFIXES: [&str; 11] = [
        "AWS_",
        "AZURE_",
        "ARM_",
        "GCP_",
        "GOOGLE_APPLICATION_",
        "SMTP_",
        "S3_",
        "B2_",
        "MINIO_",
        "DO_",
        "CF_",
    ];
    words
        .iter()
        .any(|w| ENDS.iter().any(|e| w.ends_with(e)) || EXACT.contains(w))
        || PREFIXES.iter().any(|p| upper.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prop_assert;

    const FULL: &str = r#"
# comment
[secrets.ZZZ_FIRST]
generator = "alnum:32"
min_length = 32
rotate_every = "90d"
versioned = true
k8s_secret = "{instance}-db-credentials"

[secrets.APP_SECRET_KEY]
description = "signs sessions"
generator = "hex:64"
one_shot = true
breaks = "logs everybody out"
shared = true

[secrets.MANUAL]
min_length = 8
"#;

    #[test]
    fn parses_every_field_in_declared_order() {
        let s = Schema::parse(FULL).unwrap();
        let keys: Vec<&str> = s.secrets().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["ZZZ_FIRST", "APP_SECRET_KEY", "MANUAL"]);
        let a = s.get("ZZZ_FIRST").unwrap();
        assert_eq!(a.generator, Some(Generator::Alnum(32)));
        assert_eq!(a.min_length, Some(32));
        assert_eq!(a.rotate_every, Some(Duration::from_secs(90 * 86_400)));
        assert!(a.versioned && !a.one_shot && !a.shared);
        assert_eq!(a.k8s_secret.as_deref(), Some("{instance}-db-credentials"));
        let b = s.get("APP_SECRET_KEY").unwrap();
        assert!(b.one_shot && b.shared);
        assert_eq!(b.breaks_text(), "logs everybody out");
        assert_eq!(b.description.as_deref(), Some("signs sessions"));
        let c = s.get("MANUAL").unwrap();
        assert_eq!((c.generator, c.min_length), (None, Some(8)));
        assert!(s.get("NOPE").is_none());
    }

    #[test]
    fn instance_table_plain_and_k8s_key() {
        let text = r#"
[instance]
orchestrator = "kubernetes"
name = "wiki"
namespace = "prod"
restart = ["deployment/wiki-web", "statefulset/wiki-db"]

[secrets.DATABASE_URL]
k8s_secret = "{instance}-db"
k8s_key = "database-url"

[secrets.APP_URL]
plain = true
"#;
        let schema = Schema::parse(text).unwrap();
        let i = schema.instance();
        assert_eq!(i.orchestrator, Orchestrator::Kubernetes);
        assert_eq!(i.name.as_deref(), Some("wiki"));
        assert_eq!(i.namespace.as_deref(), Some("prod"));
        assert_eq!(i.restart, ["deployment/wiki-web", "statefulset/wiki-db"]);
        let db = schema.get("DATABASE_URL").unwrap();
        assert_eq!(db.k8s_key.as_deref(), Some("database-url"));
        assert!(!db.plain && schema.is_plain("APP_URL") && !schema.is_plain("DATABASE_URL"));
        assert!(!schema.is_plain("UNDECLARED"));
        assert_eq!(Schema::parse(&schema.to_toml()).unwrap(), schema);
        assert_eq!(
            Schema::parse("").unwrap().instance().orchestrator,
            Orchestrator::Compose
        );

        for (bad, needle) in [
            (
                "[instance]\norchestrator = \"nomad\"\n",
                "not one of compose",
            ),
            (
                "[instance]\nnamespace = \"Prod\"\n",
                "not a Kubernetes namespace",
            ),
            ("[instance]\nrestart = [\"wiki; rm -rf /\"]\n", "KIND/NAME"),
            ("[instance]\nreplicas = 3\n", "unknown field"),
            (
                "[secrets.A]\nk8s_key = \"a b\"\n",
                "not a Kubernetes data key",
            ),
        ] {
            let err = Schema::parse(bad).unwrap_err().to_string();
            assert!(err.contains(needle), "{bad:?}: {err}");
            assert!(err.contains("line 2"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn to_toml_round_trips() {
        for s in [
            Schema::parse(FULL).unwrap(),
            Schema::builtin_example(),
            Schema::default(),
        ] {
            let back = Schema::parse(&s.to_toml()).unwrap();
            assert_eq!(back.secrets, s.secrets);
        }
        let mut odd = SecretSpec::new("X", None);
        odd.description = Some("quote \" backslash \\ newline \n tab \t".to_owned());
        let s = Schema::from_specs(vec![odd.clone()]).unwrap();
        assert_eq!(s.get("X"), Some(&odd));
    }

    #[test]
    fn store_applies_to_versioned_keys_per_key_or_per_instance() {
        let s = Schema::parse(
            "[secrets.A]\nversioned = true\nstore = true\n\n[secrets.B]\nversioned = true\n\n[secrets.C]\n",
        )
        .unwrap();
        assert!(s.in_store("A") && !s.in_store("B") && !s.in_store("C") && !s.in_store("D"));
        let back = Schema::parse(&s.to_toml()).unwrap();
        assert_eq!(back, Schema::parse(&s.to_toml()).unwrap());
        assert!(back.in_store("A"));
        let s = Schema::parse(
            "[instance]\nstore = true\n\n[secrets.B]\nversioned = true\n\n[secrets.C]\n",
        )
        .unwrap();
        assert!(s.in_store("B") && !s.in_store("C"));
        assert!(Schema::parse(&s.to_toml()).unwrap().in_store("B"));
        let (line, msg) = err_line("[secrets.A]\nstore = true\n");
        assert_eq!(line, 1);
        assert!(msg.contains("only applies to versioned keys"), "{msg}");
    }

    fn err_line(text: &str) -> (usize, String) {
        match Schema::parse(text) {
            Err(Error::Invalid { line, message, .. }) => (line, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_line() {
        let (line, msg) = err_line("[secrets.A]\ngenerator = \"hex:8\"\nbogus = 1\n");
        assert_eq!(line, 3);
        assert!(
            msg.contains("unknown field") && msg.contains("bogus"),
            "{msg}"
        );
        let (line, msg) = err_line("[secrets.A]\n\n\ngenerator = \"hexx:8\"\n");
        assert_eq!(line, 4);
        assert!(msg.contains("unknown generator"), "{msg}");
        let (line, _) = err_line("[secrets.A]\nrotate_every = \"soon\"\n");
        assert_eq!(line, 2);
        let (line, _) = err_line("top = 1\n");
        assert_eq!(line, 1);
        let (line, _) = err_line("[secrets.A]\none_shot = \"yes\"\n");
        assert_eq!(line, 2);
        let (line, _) = err_line("\n[secrets.\"BAD-KEY\"]\n");
        assert_eq!(line, 2);
        let (line, msg) = err_line("[secrets.A]\ngenerator = \"hex:8\"\nmin_length = 9\n");
        assert_eq!(line, 3);
        assert!(msg.contains("shorter than min_length"), "{msg}");
        let (line, _) = err_line("[secrets.A]\nmin_length = 0\n");
        assert_eq!(line, 2);
        let (line, _) = err_line("[secrets.A]\nbreaks = \"x\"\n");
        assert_eq!(line, 1);
        let (line, _) = err_line("[secrets.A]\n[secrets.A]\n");
        assert_eq!(line, 2);
        let (line, _) = err_line("[secrets.SECRETCTL_ROTATED_X]\n");
        assert_eq!(line, 1);
        let (line, _) = err_line("[secrets.SECRET_X_VERSION]\n");
        assert_eq!(line, 1);
        let (line, _) = err_line("[secrets._X]\nversioned = true\n");
        assert_eq!(line, 1);
        let (_, _) = err_line("[secrets.A\n");
        let e = Schema::parse("[secrets.A]\nx = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("secretctl.toml: line 2: "), "{e}");
    }

    #[test]
    fn a_fifo_or_a_link_at_the_schema_path_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("secretctl.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Nothing writes to the FIFO: a plain open would block forever; this one fails.
        assert!(matches!(Schema::load(&fifo), Err(Error::Io { .. })));
        let real = dir.path().join("real.toml");
        std::fs::write(&real, "[secrets.A]\n").unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(matches!(Schema::load(&link), Err(Error::Io { .. })));
        assert!(Schema::load(&real).is_ok());
    }

    #[test]
    fn load_and_find() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "[secrets.A]\nbad = 1\n").unwrap();
        let e = Schema::load(&path).unwrap_err().to_string();
        assert!(e.contains("s.toml: line 2:"), "{e}");
        std::fs::write(&path, FULL).unwrap();
        let s = Schema::find(Some(&path)).unwrap().unwrap();
        assert_eq!(s.file(), Some(path.as_path()));
        assert!(matches!(
            Schema::find(Some(&dir.path().join("missing.toml"))),
            Err(Error::Io { .. })
        ));
        std::fs::write(
            &path,
            vec![b'#'; usize::try_from(MAX_SCHEMA_BYTES).unwrap() + 1],
        )
        .unwrap();
        assert!(matches!(Schema::load(&path), Err(Error::TooLarge { .. })));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,200}") {
            let _ = Schema::parse(&text);
        }

        #[test]
        fn parse_never_panics_on_schema_like_input(
            key in "[A-Za-z_][A-Za-z0-9_]{0,10}",
            field in "(generator|min_length|one_shot|rotate_every|versioned|shared|k8s_secret|breaks|bogus)",
            value in "(\"[a-z0-9:]{0,12}\"|[0-9]{1,20}|true|-1)",
        ) {
            let text = format!("[secrets.{key}]\n{field} = {value}\n");
            if let Err(e) = Schema::parse(&text) {
                prop_assert!(e.to_string().starts_with("secretctl.toml: line "), "{}", e);
            }
        }
    }

    #[test]
    fn long_hostile_names_are_not_echoed_whole() {
        let long = "x".repeat(10_000);
        let e = Schema::parse(&format!("[secrets.\"{long}-\"]\n"))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 400, "{}", e.len());
        let e = Schema::parse(&format!("[secrets.A]\n{long} = 1\n"))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 600, "{}", e.len());
    }

    #[test]
    fn builtin_example_is_valid() {
        let s = Schema::builtin_example();
        let keys: Vec<&str> = s.secrets().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["DB_PASSWORD", "APP_SECRET_KEY", "BACKUP_PASSWORD"]);
        assert!(s.secrets().all(|s| s.generator.is_some()));
        assert!(s.get("APP_SECRET_KEY").unwrap().one_shot);
    }

    #[test]
    fn classification_by_name() {
        for secret in [
            "DB_PASSWORD",
            "db_password",
            "MYSQL_ROOT_PASSWORD",
            "DB_PASS",
            "ADMIN_PWD",
            "APP_SECRET_KEY",
            "SECRET",
            "GITHUB_TOKEN",
            "ACCESSTOKEN",
            "STRIPE_KEY",
            "API_KEY",
            "APIKEY",
            "OIDC_CLIENT_SECRET",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "REGISTRY_CREDENTIALS",
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AZURE_CLIENT_ID",
            "SMTP_HOST",
            "SMTP_PASSWORD",
            "SENTRY_DSN",
            "PASSWORD_SALT",
            "SECRETCTL_INSTANCE_KEY",
            "DB_PASSWORD_V2",
            "JWT_PRIVATE_KEY",
            "S3_BUCKET",
        ] {
            assert!(is_secret_name(secret), "{secret} should be secret");
        }
        for plain in [
            "APP_URL",
            "DOMAIN",
            "KEYCLOAK_URL",
            "MONKEY",
            "PASSAGE",
            "DB_PASSWORD_FILE",
            "SSH_KEY_PATH",
            "SECRET_DB_PASSWORD_VERSION",
            "SECRETCTL_ROTATED_DB_PASSWORD",
            "SECRETCTL_FINGERPRINT_APP_SECRET_KEY",
            "LOG_LEVEL",
            "TZ",
            "",
            "_",
        ] {
            assert!(!is_secret_name(plain), "{plain} should not be secret");
        }
        let s = Schema::parse("[secrets.PLAIN_NAME]\nversioned = true\n").unwrap();
        assert!(s.is_secret("PLAIN_NAME"));
        assert!(s.is_secret("PLAIN_NAME_V3"));
        assert!(!s.is_secret("PLAIN_NAME_V0"));
        assert!(!s.is_secret("OTHER_V3"));
        assert!(s.is_secret("DB_PASSWORD"));
    }
}

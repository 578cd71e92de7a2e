//! The SOPS file format: per-value AES-256-GCM under a data key wrapped to age recipients.
//!
//! Files written here are read by `sops -d` (and Flux, Argo CD plugins, every SOPS consumer), and files written by
//! `sops -e` are read here. The specification is sops's own source (getsops/sops 3.11): `aes/cipher.go` for the
//! value format (`ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, a 32-byte IV, the key path `a:b:` as associated
//! data, list elements sharing their parent's path), `sops.go` for the MAC (SHA-512 over the plaintext values in
//! tree order, encrypted with the data key and `lastmodified` as associated data), `age/keysource.go` for the data
//! key wrapping (an armored age file holding the 32-byte key, one per recipient) and `stores/` for the layouts:
//! every store sops has ([`Format`]: YAML with multi-document streams, JSON, dotenv, INI, binary), read and
//! written through [`encrypt_file_as`] / [`decrypt_file_as`] as `sops --input-type … --output-type …` does. See
//! `docs/formats/sops.md`, which lists what each store supports and refuses.
//!
//! Crypt rules: sops's default (every value except under keys ending in `_unencrypted`), `encrypted_suffix` and
//! `encrypted_regex` are read; [`encrypt_file_with`] writes `encrypted_regex` (e.g. `^(data|stringData)$` for
//! Kubernetes Secrets). `unencrypted_regex` and the comment regex rules are refused as [`Error::Unsupported`].
//!
//! # Examples
//!
//! ```
//! use secrecy::{ExposeSecret, SecretString};
//! use secretctl_gitops::sops::{self, Format, Identities};
//!
//! let ids = Identities::generate();
//! let recipients = ids.recipients();
//! let vars = vec![("DB_PASSWORD".to_owned(), SecretString::from("hunter2"))];
//! let text = sops::write_vars(&vars, Format::Yaml, &recipients, None)?;
//! assert!(text.starts_with("DB_PASSWORD: ENC[AES256_GCM,data:"));
//! let back = sops::read_vars(&text, Format::Yaml, &ids)?;
//! assert_eq!(back[0].1.expose_secret(), "hunter2");
//! // Writing the same values again changes nothing, so git sees no diff.
//! assert_eq!(sops::write_vars(&back, Format::Yaml, &recipients, Some((&text, &ids)))?, text);
//! # Ok::<(), sops::Error>(())
//! ```

mod cipher;
mod dotenv;
mod hcvault;
mod ini;
mod inspect;
mod json;
mod parsed;
mod style;
pub(crate) mod tree;
pub(crate) mod yaml;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::goregex::GoRegex;

pub use inspect::{inspect, Inspection, PlainValue};

use cipher::{DataKey, DecryptFailure, ValueCipher};
#[cfg(feature = "git")] // the repository pins what push wrote
pub(crate) use parsed::Written;
pub(crate) use parsed::{write_vars_over, Parsed};
use tree::{go_format_float_f, go_parse_bool, Comment, Doc, Entry, Node, Scalar};

/// The sops version written into the metadata of files we write.
pub const SOPS_VERSION: &str = "3.11.0";

/// The default `unencrypted_suffix`: keys ending in it are stored in plaintext (still covered by the MAC).
pub const UNENCRYPTED_SUFFIX: &str = "_unencrypted";

/// sops's `MACOnlyEncryptedInitialization`: hashed first when `mac_only_encrypted` is set.
const MAC_ONLY_ENCRYPTED_INIT: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// More age recipients than this in one file is not a real file: refuse it rather than try each.
const MAX_RECIPIENTS: usize = 1024;

/// A key file larger than this is not an age identity file.
const MAX_KEY_FILE: u64 = 1 << 20;

/// Errors of the SOPS format library. Messages carry line numbers, key paths and reasons, never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file is not valid YAML/dotenv of the supported subset.
    #[error("line {line}: {reason}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What is wrong (never the line's text).
        reason: &'static str,
    },
    /// The file has no sops metadata: it is not encrypted.
    #[error("no sops metadata found: the file is not encrypted (encrypt it first)")]
    NoMetadata,
    /// The file already has sops metadata.
    #[error("the file is already encrypted (it has sops metadata); decrypt it first or edit it through secretctl")]
    AlreadyEncrypted,
    /// The sops metadata block is malformed.
    #[error("invalid sops metadata: {reason}")]
    Metadata {
        /// What is wrong.
        reason: &'static str,
    },
    /// A sops feature this implementation does not support.
    #[error("unsupported sops feature: {feature}")]
    Unsupported {
        /// The feature.
        feature: &'static str,
    },
    /// None of the identities decrypts the data key.
    #[error("none of the given age identities can decrypt this file's data key (use an identity of one of its recipients)")]
    NoMatchingIdentity,
    /// The MAC over all values does not match, or could not be decrypted.
    #[error("MAC mismatch: the file was tampered with (a value or entry was changed, added, removed or reordered, or the MAC itself was altered)")]
    MacMismatch,
    /// A value failed AES-GCM authentication.
    #[error("ciphertext authentication failed for `{key_path}`: the value was tampered with or its key was renamed or moved")]
    Authentication {
        /// The value's key path, `:`-separated.
        key_path: String,
    },
    /// A value is not a well-formed sops encrypted value, or decrypts to something its type cannot hold.
    #[error("malformed encrypted value at `{key_path}`: {reason}")]
    BadValue {
        /// The value's key path, `:`-separated.
        key_path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A flat vars file holds a nested map or list.
    #[error("`{key_path}` holds a nested map or list; vars files hold only `KEY: value` pairs")]
    Nested {
        /// The key holding the nested value.
        key_path: String,
    },
    /// A key cannot be stored in this format.
    #[error("invalid key `{key}`: {reason}")]
    InvalidKey {
        /// The key.
        key: String,
        /// Why.
        reason: &'static str,
    },
    /// An identity line is not a valid age X25519 identity.
    #[error("invalid age identity on line {line}: {reason}")]
    Identity {
        /// 1-based line number (0: the whole input).
        line: usize,
        /// Why (never the key).
        reason: &'static str,
    },
    /// A recipient is not a valid age X25519 recipient.
    #[error("invalid age recipient `{recipient}`: expected age1... (an X25519 public key)")]
    Recipient {
        /// The rejected text (public).
        recipient: String,
    },
    /// No recipients were given.
    #[error("no recipients: at least one age recipient (age1...) is required")]
    NoRecipients,
    /// A key file could not be read.
    #[error("cannot read age key file {path}: {source}")]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// An `encrypted_regex` given to [`encrypt_file_with`] is not a valid regular expression.
    #[error("invalid encrypted_regex `{pattern}`: {reason}")]
    InvalidRegex {
        /// The pattern (public: it names keys, never values).
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// age refused to encrypt the data key.
    #[error("age encryption of the data key failed")]
    Age,
    /// A format name that is not one of sops's stores.
    #[error("unknown format `{name}`: expected yaml, json, dotenv, ini or binary")]
    UnknownFormat {
        /// The name given.
        name: String,
    },
    /// The content cannot be written in the requested output format.
    #[error("cannot write the {format} format: {reason}")]
    Unrepresentable {
        /// The output format.
        format: Format,
        /// Why (names a key path or a kind of value, never a value).
        reason: String,
    },
    /// The operating system's random generator failed.
    #[error("the operating system's random generator failed")]
    Random,
    /// No age identity was given, and nothing else may unwrap the data key.
    #[error(
        "no age identity: pass --identity FILE or set SECRETCTL_AGE_KEY_FILE to your age key file"
    )]
    NoIdentity,
    /// No master key of the file (age recipients, `hc_vault` Transit keys) unwrapped its data key.
    #[error("none of this file's master keys unwrapped its data key (tried: {tried})")]
    NoMasterKey {
        /// What was tried and why each failed (addresses and key names, never a token).
        tried: String,
        /// The kind of the first Vault failure ([`ErrorKind::Integrity`](secretctl_error::ErrorKind) for a
        /// ciphertext Transit rejects).
        kind: secretctl_error::ErrorKind,
        /// The first Vault failure: address, operation and fix.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// Wrapping the data key with a Vault Transit key (`--hc-vault-transit`) failed.
    #[cfg(feature = "vault")]
    #[error("cannot wrap the data key with the Vault Transit key {uri}")]
    HcVaultWrap {
        /// The Transit key.
        uri: String,
        /// What Vault said.
        #[source]
        source: Box<secretctl_vault::Error>,
    },
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            // Tampered values or MAC, a renamed key, or no identity of a recipient: nothing can be trusted.
            Error::MacMismatch | Error::Authentication { .. } | Error::NoMatchingIdentity => {
                ErrorKind::Integrity
            }
            Error::NoMasterKey { kind, .. } => *kind,
            #[cfg(feature = "vault")]
            Error::HcVaultWrap { source, .. } => source.kind(),
            // Arguments the operator gave: a recipient list, a recipient, a regular expression.
            Error::Recipient { .. }
            | Error::NoRecipients
            | Error::InvalidRegex { .. }
            | Error::UnknownFormat { .. }
            | Error::NoIdentity => ErrorKind::Usage,
            Error::KeyFile { source, .. } => secretctl_error::io_kind(source),
            Error::Age | Error::Random => ErrorKind::Io,
            // A file that is not a SOPS file of the supported subset, or that does not say what it should.
            Error::Parse { .. }
            | Error::NoMetadata
            | Error::AlreadyEncrypted
            | Error::Metadata { .. }
            | Error::Unsupported { .. }
            | Error::BadValue { .. }
            | Error::Nested { .. }
            | Error::InvalidKey { .. }
            | Error::Unrepresentable { .. }
            | Error::Identity { .. } => ErrorKind::Invalid,
        }
    }
}

impl From<yaml::ParseError> for Error {
    fn from(e: yaml::ParseError) -> Self {
        Error::Parse {
            line: e.line,
            reason: e.reason,
        }
    }
}

/// The file layout: one of sops's stores. [`FromStr`] and [`Display`](fmt::Display) use sops's names
/// (`--input-type` / `--output-type`): `yaml`, `json`, `dotenv`, `ini`, `binary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// sops's YAML store (`key: ENC[...]`, metadata under `sops:`; one metadata copy per document of a stream).
    Yaml,
    /// sops's dotenv store (`KEY=ENC[...]`, metadata as `sops_...` lines).
    Dotenv,
    /// sops's JSON store (a top-level object, metadata under `"sops"`).
    Json,
    /// sops's INI store (sections of string values, metadata in the `[sops]` section).
    Ini,
    /// sops's binary store: the whole file is one string, encrypted as `{"data": "ENC[...]", "sops": ...}`.
    Binary,
}

impl Format {
    /// The format of a repository's vars file from its name: `.env` and `*.env` dotenv, `*.json` JSON, `*.ini`
    /// INI, everything else YAML (vars files are YAML unless named otherwise). See [`Format::detect`] for
    /// sops's rule for any file.
    #[must_use]
    pub fn from_path(p: &Path) -> Format {
        match p.file_name().and_then(|n| n.to_str()) {
            Some(name) if name == ".env" || name.ends_with(".env") => Format::Dotenv,
            Some(name) if name.ends_with(".json") => Format::Json,
            Some(name) if name.ends_with(".ini") => Format::Ini,
            _ => Format::Yaml,
        }
    }

    /// The format sops gives a file from its name (`formats.FormatForPath`): `*.yaml` / `*.yml` YAML, `*.json`
    /// JSON, `*.env` dotenv, `*.ini` INI, anything else binary.
    #[must_use]
    pub fn detect(p: &Path) -> Format {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            Format::Yaml
        } else if name.ends_with(".json") {
            Format::Json
        } else if name.ends_with(".env") {
            Format::Dotenv
        } else if name.ends_with(".ini") {
            Format::Ini
        } else {
            Format::Binary
        }
    }

    /// sops's name of the format.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Dotenv => "dotenv",
            Format::Json => "json",
            Format::Ini => "ini",
            Format::Binary => "binary",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "yaml" => Ok(Format::Yaml),
            "dotenv" => Ok(Format::Dotenv),
            "json" => Ok(Format::Json),
            "ini" => Ok(Format::Ini),
            "binary" => Ok(Format::Binary),
            _ => Err(Error::UnknownFormat {
                name: s.chars().take(40).collect(),
            }),
        }
    }
}

/// The formats of `sops -e|-d --input-type … --output-type …`: `None` is the format sops gives the file's
/// name ([`Format::detect`]); the output defaults to the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Formats {
    /// `--input-type`.
    pub input: Option<Format>,
    /// `--output-type`.
    pub output: Option<Format>,
}

impl Formats {
    /// Both formats given (or not).
    #[must_use]
    pub fn new(input: Option<Format>, output: Option<Format>) -> Formats {
        Formats { input, output }
    }

    /// The (input, output) formats for the file at `path`, as sops chooses them.
    #[must_use]
    pub fn for_path(self, path: &Path) -> (Format, Format) {
        let input = self.input.unwrap_or_else(|| Format::detect(path));
        (input, self.output.unwrap_or(input))
    }
}

/// An age X25519 recipient (`age1...`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Recipient(age::x25519::Recipient);

impl FromStr for Recipient {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim();
        age::x25519::Recipient::from_str(t)
            .map(Recipient)
            .map_err(|_| Error::Recipient {
                recipient: t.chars().take(100).collect(),
            })
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Recipient")
            .field(&self.0.to_string())
            .finish()
    }
}

/// One or more age X25519 identities. Its `Debug` shows only how many.
pub struct Identities(Vec<age::x25519::Identity>);

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identities")
            .field("count", &self.0.len())
            .finish_non_exhaustive()
    }
}

impl Identities {
    /// A single fresh identity (tests, examples, `gitops init`).
    #[must_use]
    pub fn generate() -> Identities {
        Identities(vec![age::x25519::Identity::generate()])
    }

    /// The identity text as an age key file would hold it (`AGE-SECRET-KEY-1...` lines).
    #[must_use]
    pub fn to_key_file(&self) -> SecretString {
        // Sized up front so that no reallocation leaves a copy of a key behind in freed memory.
        let mut s = String::with_capacity(self.0.len() * 160);
        for id in &self.0 {
            s.push_str(&format!("# public key: {}\n", id.to_public()));
            s.push_str(id.to_string().expose_secret());
            s.push('\n');
        }
        SecretString::from(s)
    }

    /// Reads an age key file as `SOPS_AGE_KEY_FILE` holds it: lines, `#` comments, `AGE-SECRET-KEY-1...`.
    ///
    /// The file is read as every secret file is (`secretctl_fs::read`): no-follow open, a regular file, at most
    /// 1 MiB, a symbolic link refused unless the process follows same-owner links (`--follow-symlinks`).
    ///
    /// # Errors
    /// [`Error::KeyFile`] if it cannot be read (a link, not a regular file, larger than 1 MiB, not UTF-8),
    /// [`Error::Identity`] if a line is not an X25519 identity or there is none.
    pub fn from_key_file(path: &Path) -> Result<Identities, Error> {
        let key_err = |source| Error::KeyFile {
            path: path.to_owned(),
            source,
        };
        let bytes = secretctl_fs::read(path, &secretctl_fs::ReadOptions::new(MAX_KEY_FILE))
            .map_err(|e| key_err(e.into()))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            key_err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "not UTF-8 text; not an age key file",
            ))
        })?;
        Self::parse(text)
    }

    /// Parses identities from text (see [`Identities::from_key_file`]).
    ///
    /// # Errors
    /// [`Error::Identity`] naming the first bad line, or line 0 if there is no identity at all.
    pub fn parse(text: &str) -> Result<Identities, Error> {
        let mut ids = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.starts_with("AGE-PLUGIN-") {
                return Err(Error::Identity {
                    line: i + 1,
                    reason: "age plugin identities are not supported",
                });
            }
            if !t.starts_with("AGE-SECRET-KEY-1") {
                return Err(Error::Identity {
                    line: i + 1,
                    reason: "expected an AGE-SECRET-KEY-1... line",
                });
            }
            let id = age::x25519::Identity::from_str(t).map_err(|_| Error::Identity {
                line: i + 1,
                reason: "not a valid age X25519 identity",
            })?;
            ids.push(id);
        }
        if ids.is_empty() {
            return Err(Error::Identity {
                line: 0,
                reason: "no AGE-SECRET-KEY-1... identity found",
            });
        }
        Ok(Identities(ids))
    }

    /// Identities from the environment: the file named by `SECRETCTL_AGE_KEY_FILE`, else by
    /// `SOPS_AGE_KEY_FILE`, else the text of `SOPS_AGE_KEY`; `None` if none is set.
    ///
    /// # Errors
    /// As [`Identities::from_key_file`] / [`Identities::parse`] for the variable that is set.
    pub fn from_env() -> Result<Option<Identities>, Error> {
        for var in ["SECRETCTL_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"] {
            if let Some(path) = std::env::var_os(var).filter(|v| !v.is_empty()) {
                return Self::from_key_file(Path::new(&path)).map(Some);
            }
        }
        match std::env::var("SOPS_AGE_KEY") {
            Ok(text) if !text.is_empty() => {
                let text = Zeroizing::new(text);
                Self::parse(&text).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The recipients (public keys) of these identities.
    #[must_use]
    pub fn recipients(&self) -> Vec<Recipient> {
        self.0.iter().map(|i| Recipient(i.to_public())).collect()
    }
}

/// Flat vars (what push/pull use): ordered key -> secret string value.
pub type Vars = Vec<(String, SecretString)>;

// ---------------------------------------------------------------------------------------------------------------
// Metadata

#[derive(Clone)]
struct AgeKey {
    recipient: String,
    enc: String,
}

#[derive(Clone)]
struct Metadata {
    age: Vec<AgeKey>,
    /// sops's `hc_vault` entries: the data key wrapped by Vault Transit keys.
    hc_vault: Vec<hcvault::HcVaultKey>,
    lastmodified: String,
    mac: String,
    unencrypted_suffix: Option<String>,
    encrypted_suffix: Option<String>,
    /// `encrypted_regex`: only values with a key path component matching it are encrypted.
    encrypted_regex: Option<String>,
    mac_only_encrypted: bool,
    version: String,
    /// pgp/kms/... master keys: readable through age, but we cannot re-wrap to them.
    other_master_keys: bool,
    /// Shamir key groups.
    key_groups: bool,
    /// `unencrypted_regex` or a comment regex rule (unsupported).
    regex_rule: bool,
}

impl Metadata {
    fn new(age: Vec<AgeKey>) -> Self {
        Metadata {
            age,
            hc_vault: Vec::new(),
            lastmodified: String::new(),
            mac: String::new(),
            unencrypted_suffix: Some(UNENCRYPTED_SUFFIX.to_owned()),
            encrypted_suffix: None,
            encrypted_regex: None,
            mac_only_encrypted: false,
            version: SOPS_VERSION.to_owned(),
            other_master_keys: false,
            key_groups: false,
            regex_rule: false,
        }
    }

    fn check_readable(&self) -> Result<(), Error> {
        if self.key_groups {
            return Err(Error::Unsupported {
                feature: "key_groups (Shamir secret sharing of the data key)",
            });
        }
        if self.regex_rule {
            return Err(Error::Unsupported {
                feature: "unencrypted_regex/comment regex rules (use unencrypted_suffix or encrypted_regex)",
            });
        }
        let rules = [
            self.unencrypted_suffix.is_some(),
            self.encrypted_suffix.is_some(),
            self.encrypted_regex.is_some(),
        ];
        if rules.iter().filter(|r| **r).count() > 1 {
            // sops refuses to write such a file ("cannot use more than one of ..."); reading one would apply the
            // rules in an order a reader has to guess, so it is refused too.
            return Err(Error::Metadata {
                reason: "more than one of encrypted_suffix, unencrypted_suffix and encrypted_regex",
            });
        }
        Ok(())
    }

    fn check_writable(&self) -> Result<(), Error> {
        self.check_readable()?;
        if !self.hc_vault.is_empty() {
            return Err(Error::Unsupported {
                feature: "changing a file whose data key Vault Transit (hc_vault) also wraps: decrypt it and encrypt it again with gitops encrypt --hc-vault-transit",
            });
        }
        if self.other_master_keys {
            return Err(Error::Unsupported {
                feature:
                    "the file also has pgp/kms/vault master keys, which secretctl cannot re-wrap",
            });
        }
        Ok(())
    }

    /// The rules with sops's default (`_unencrypted`) when none is set.
    fn rules(&self) -> Result<Rules, Error> {
        let encrypted_regex = match &self.encrypted_regex {
            Some(p) => Some(GoRegex::new(p).map_err(|_| Error::Metadata {
                reason: "encrypted_regex is not a valid regular expression",
            })?),
            None => None,
        };
        Ok(Rules {
            unencrypted_suffix: if self.encrypted_suffix.is_none() && encrypted_regex.is_none() {
                Some(
                    self.unencrypted_suffix
                        .clone()
                        .unwrap_or_else(|| UNENCRYPTED_SUFFIX.to_owned()),
                )
            } else {
                None
            },
            encrypted_suffix: self.encrypted_suffix.clone(),
            encrypted_regex,
            mac_only_encrypted: self.mac_only_encrypted,
        })
    }
}

fn weak_string(node: &Node) -> Option<String> {
    match node {
        Node::Scalar(Scalar::Str(s)) => Some(s.clone()),
        Node::Scalar(Scalar::Int(i)) => Some(i.to_string()),
        Node::Scalar(Scalar::Float(f)) => Some(go_format_float_f(*f)),
        Node::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

fn weak_bool(node: &Node) -> Result<bool, Error> {
    match node {
        Node::Scalar(Scalar::Bool(b)) => Ok(*b),
        Node::Scalar(Scalar::Null) => Ok(false),
        Node::Scalar(Scalar::Str(s)) => go_parse_bool(s).ok_or(Error::Metadata {
            reason: "mac_only_encrypted is not a boolean",
        }),
        Node::Scalar(Scalar::Int(i)) => Ok(*i != 0),
        _ => Err(Error::Metadata {
            reason: "mac_only_encrypted is not a boolean",
        }),
    }
}

fn non_empty(node: &Node) -> bool {
    match node {
        Node::Scalar(Scalar::Null) => false,
        Node::Seq(v) => v.iter().any(|n| !matches!(n, Node::Comment(_))),
        Node::Map(v) => v.iter().any(|e| matches!(e, Entry::Pair(..))),
        _ => true,
    }
}

const OTHER_KEY_TYPES: [&str; 5] = ["pgp", "kms", "gcp_kms", "azure_kv", "hckms"];
const REGEX_RULES: [&str; 3] = [
    "unencrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
];

fn set_field(m: &mut Metadata, key: &str, value: &Node) -> Result<(), Error> {
    let text = || {
        weak_string(value).ok_or(Error::Metadata {
            reason: "a metadata field is not a scalar",
        })
    };
    match key {
        "lastmodified" => m.lastmodified = text()?,
        "mac" => m.mac = text()?,
        "version" => m.version = text()?,
        "unencrypted_suffix" => m.unencrypted_suffix = Some(text()?).filter(|s| !s.is_empty()),
        "encrypted_suffix" => m.encrypted_suffix = Some(text()?).filter(|s| !s.is_empty()),
        "encrypted_regex" => m.encrypted_regex = Some(text()?).filter(|s| !s.is_empty()),
        "mac_only_encrypted" => m.mac_only_encrypted = weak_bool(value)?,
        "key_groups" => m.key_groups |= non_empty(value),
        k if REGEX_RULES.contains(&k) => {
            m.regex_rule |= weak_string(value).is_some_and(|s| !s.is_empty())
        }
        k if OTHER_KEY_TYPES.contains(&k) => m.other_master_keys |= non_empty(value),
        // shamir_threshold and fields of later versions are ignored, as mapstructure ignores them.
        _ => {}
    }
    Ok(())
}

fn empty_metadata() -> Metadata {
    let mut m = Metadata::new(Vec::new());
    m.unencrypted_suffix = None;
    m.version = String::new();
    m
}

fn metadata_from_yaml(node: &Node) -> Result<Metadata, Error> {
    let Node::Map(entries) = node else {
        return Err(Error::Metadata {
            reason: "the sops entry is not a mapping",
        });
    };
    let mut m = empty_metadata();
    for e in entries {
        let Entry::Pair(k, v) = e else { continue };
        if k == "age" {
            match v {
                Node::Seq(items) => {
                    if items.len() > MAX_RECIPIENTS {
                        return Err(Error::Metadata {
                            reason: "too many age recipients",
                        });
                    }
                    for item in items {
                        match item {
                            Node::Comment(_) => {}
                            Node::Map(fields) => {
                                let mut recipient = None;
                                let mut enc = None;
                                for f in fields {
                                    if let Entry::Pair(fk, fv) = f {
                                        match fk.as_str() {
                                            "recipient" => recipient = weak_string(fv),
                                            "enc" => enc = weak_string(fv),
                                            _ => {}
                                        }
                                    }
                                }
                                m.age.push(AgeKey {
                                    recipient: recipient.ok_or(Error::Metadata {
                                        reason: "an age entry has no recipient",
                                    })?,
                                    enc: enc.ok_or(Error::Metadata {
                                        reason: "an age entry has no enc",
                                    })?,
                                });
                            }
                            _ => {
                                return Err(Error::Metadata {
                                    reason: "an age entry is not a mapping",
                                })
                            }
                        }
                    }
                }
                Node::Scalar(Scalar::Null) => {}
                _ => {
                    return Err(Error::Metadata {
                        reason: "sops.age is not a list",
                    })
                }
            }
        } else if k == "hc_vault" {
            m.hc_vault = hcvault::from_yaml(v)?;
        } else {
            set_field(&mut m, k, v)?;
        }
    }
    Ok(m)
}

fn metadata_from_dotenv(pairs: Vec<(String, Node)>) -> Result<Metadata, Error> {
    let mut m = empty_metadata();
    let mut age: std::collections::BTreeMap<usize, (Option<String>, Option<String>)> =
        std::collections::BTreeMap::new();
    let mut seen = HashSet::new();
    let mut hc_vault = hcvault::Flat::default();
    for (key, value) in pairs {
        if !seen.insert(key.clone()) {
            return Err(Error::Metadata {
                reason: "a sops_ metadata key is defined twice",
            });
        }
        if hc_vault.take(&key, &value)? {
            continue;
        }
        if let Some(rest) = key.strip_prefix("age__list_") {
            let (idx, field) = rest.split_once("__map_").ok_or(Error::Metadata {
                reason: "malformed sops_age__list_ key",
            })?;
            let idx: usize = idx.parse().map_err(|_| Error::Metadata {
                reason: "malformed sops_age__list_ index",
            })?;
            if idx >= MAX_RECIPIENTS {
                return Err(Error::Metadata {
                    reason: "too many age recipients",
                });
            }
            let slot = age.entry(idx).or_default();
            match field {
                "recipient" => slot.0 = weak_string(&value),
                "enc" => slot.1 = weak_string(&value),
                _ => {}
            }
            continue;
        }
        let top = key.split("__").next().unwrap_or_default();
        if top != key && (OTHER_KEY_TYPES.contains(&top) || top == "key_groups") {
            set_field(&mut m, top, &Node::Scalar(Scalar::Str("x".to_owned())))?;
            continue;
        }
        set_field(&mut m, &key, &value)?;
    }
    if age.keys().enumerate().any(|(n, i)| n != *i) {
        return Err(Error::Metadata {
            reason: "incomplete sops_age__list_ entries",
        });
    }
    m.hc_vault = hc_vault.finish()?;
    for (r, e) in age.into_values() {
        m.age.push(AgeKey {
            recipient: r.ok_or(Error::Metadata {
                reason: "an age entry has no recipient",
            })?,
            enc: e.ok_or(Error::Metadata {
                reason: "an age entry has no enc",
            })?,
        });
    }
    Ok(m)
}

fn str_node(s: &str) -> Node {
    Node::Scalar(Scalar::Str(s.to_owned()))
}

fn metadata_yaml_entries(m: &Metadata) -> Vec<Entry> {
    let mut e = Vec::new();
    let age = m
        .age
        .iter()
        .map(|k| {
            Node::Map(vec![
                Entry::Pair("recipient".to_owned(), str_node(&k.recipient)),
                Entry::Pair("enc".to_owned(), str_node(&k.enc)),
            ])
        })
        .collect();
    // The order of sops's `stores.Metadata` struct, which the YAML store keeps (the dotenv store sorts); like
    // sops, an empty list of one key type is left out.
    if !m.hc_vault.is_empty() {
        e.push(Entry::Pair(
            "hc_vault".to_owned(),
            hcvault::to_yaml(&m.hc_vault),
        ));
    }
    if !m.age.is_empty() || m.hc_vault.is_empty() {
        e.push(Entry::Pair("age".to_owned(), Node::Seq(age)));
    }
    e.push(Entry::Pair(
        "lastmodified".to_owned(),
        str_node(&m.lastmodified),
    ));
    e.push(Entry::Pair("mac".to_owned(), str_node(&m.mac)));
    if let Some(s) = &m.unencrypted_suffix {
        e.push(Entry::Pair("unencrypted_suffix".to_owned(), str_node(s)));
    }
    if let Some(s) = &m.encrypted_suffix {
        e.push(Entry::Pair("encrypted_suffix".to_owned(), str_node(s)));
    }
    if let Some(s) = &m.encrypted_regex {
        e.push(Entry::Pair("encrypted_regex".to_owned(), str_node(s)));
    }
    if m.mac_only_encrypted {
        e.push(Entry::Pair(
            "mac_only_encrypted".to_owned(),
            Node::Scalar(Scalar::Bool(true)),
        ));
    }
    e.push(Entry::Pair("version".to_owned(), str_node(&m.version)));
    e
}

fn metadata_dotenv_entries(m: &Metadata) -> Vec<Entry> {
    let mut e = Vec::new();
    for (i, k) in m.age.iter().enumerate() {
        e.push(Entry::Pair(
            format!("sops_age__list_{i}__map_enc"),
            str_node(&k.enc),
        ));
        e.push(Entry::Pair(
            format!("sops_age__list_{i}__map_recipient"),
            str_node(&k.recipient),
        ));
    }
    if let Some(s) = &m.encrypted_regex {
        e.push(Entry::Pair("sops_encrypted_regex".to_owned(), str_node(s)));
    }
    if let Some(s) = &m.encrypted_suffix {
        e.push(Entry::Pair("sops_encrypted_suffix".to_owned(), str_node(s)));
    }
    e.extend(hcvault::to_flat(&m.hc_vault));
    e.push(Entry::Pair(
        "sops_lastmodified".to_owned(),
        str_node(&m.lastmodified),
    ));
    e.push(Entry::Pair("sops_mac".to_owned(), str_node(&m.mac)));
    if m.mac_only_encrypted {
        e.push(Entry::Pair(
            "sops_mac_only_encrypted".to_owned(),
            str_node("true"),
        ));
    }
    if let Some(s) = &m.unencrypted_suffix {
        e.push(Entry::Pair(
            "sops_unencrypted_suffix".to_owned(),
            str_node(s),
        ));
    }
    e.push(Entry::Pair("sops_version".to_owned(), str_node(&m.version)));
    e
}

/// `lastmodified` as Go's `time.Parse(RFC3339)` then `Format(RFC3339)` gives it: the MAC's associated data.
fn normalize_lastmodified(s: &str) -> Result<String, Error> {
    let bad = Error::Metadata {
        reason: "lastmodified is not an RFC 3339 timestamp",
    };
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad)?;
    Ok(go_rfc3339(t))
}

fn go_rfc3339(t: time::OffsetDateTime) -> String {
    let off = t.offset();
    let zone = if off.is_utc() {
        "Z".to_owned()
    } else {
        let (h, m, _) = off.as_hms();
        let sign = if off.is_negative() { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn now_rfc3339() -> String {
    go_rfc3339(time::OffsetDateTime::now_utc())
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/// How a file's documents carry their sops metadata.
enum Layout {
    /// sops's layout: one metadata (repeated in every document of a YAML stream) and one MAC over every document.
    Shared(Doc, Option<Metadata>),
    /// A YAML stream of documents each encrypted on its own, with its own data key and MAC (what
    /// `export k8s --sops` writes, and Flux decrypts resource by resource).
    PerDocument(Vec<(Doc, Metadata)>),
}

/// Removes the top-level `sops` entry of a mapping, returning its value.
fn take_sops(entries: &mut Vec<Entry>) -> Option<Node> {
    let pos = entries
        .iter()
        .position(|e| matches!(e, Entry::Pair(k, _) if k == "sops"))?;
    match entries.remove(pos) {
        Entry::Pair(_, node) => Some(node),
        Entry::Comment(_) => None,
    }
}

/// Parses an encrypted (or plain) file of `format` and splits off its sops metadata.
fn parse_layout(text: &str, format: Format) -> Result<Layout, Error> {
    match format {
        Format::Yaml => {
            let mut branches = yaml::parse_stream(text)?;
            if branches.is_empty() {
                branches.push(Vec::new());
            }
            let metas: Vec<Option<Node>> = branches.iter_mut().map(take_sops).collect();
            let doc = Doc(branches);
            let first = metas.iter().flatten().next();
            let shared = first.is_none_or(|f| metas.iter().flatten().all(|m| m == f));
            if shared || doc.0.len() == 1 {
                let meta = first.map(metadata_from_yaml).transpose()?;
                return Ok(Layout::Shared(doc, meta));
            }
            let mut doc = doc;
            let mut docs = Vec::with_capacity(metas.len());
            for (branch, meta) in std::mem::take(&mut doc.0).into_iter().zip(metas) {
                let branch = Doc::single(branch);
                let meta = meta.ok_or(Error::Metadata {
                    reason: "a document of a stream of separately encrypted documents has no sops metadata",
                })?;
                docs.push((branch, metadata_from_yaml(&meta)?));
            }
            Ok(Layout::PerDocument(docs))
        }
        Format::Json | Format::Binary => {
            let mut entries = json::parse(text)?;
            let meta = take_sops(&mut entries)
                .map(|n| metadata_from_yaml(&n))
                .transpose()?;
            Ok(Layout::Shared(Doc::single(entries), meta))
        }
        Format::Ini => {
            let mut sections = ini::parse(text)?;
            let meta = match take_sops(&mut sections) {
                Some(Node::Map(fields)) => {
                    let pairs = fields
                        .into_iter()
                        .filter_map(|e| match e {
                            Entry::Pair(k, Node::Scalar(Scalar::Str(v))) => {
                                Some((k, Node::Scalar(Scalar::Str(v.replace("\\n", "\n")))))
                            }
                            _ => None,
                        })
                        .collect();
                    Some(metadata_from_dotenv(pairs)?)
                }
                Some(_) => {
                    return Err(Error::Metadata {
                        reason: "the sops section is not a section",
                    })
                }
                None => None,
            };
            Ok(Layout::Shared(Doc::single(sections), meta))
        }
        Format::Dotenv => {
            let all = dotenv::parse(text)?;
            let mut entries = Vec::with_capacity(all.len());
            let mut meta_pairs = Vec::new();
            for e in all {
                match e {
                    Entry::Pair(k, v) if k.starts_with("sops_") => {
                        meta_pairs.push((k["sops_".len()..].to_owned(), v))
                    }
                    other => entries.push(other),
                }
            }
            let meta = if meta_pairs.is_empty() {
                None
            } else {
                Some(metadata_from_dotenv(meta_pairs)?)
            };
            Ok(Layout::Shared(Doc::single(entries), meta))
        }
    }
}

/// What [`top_level`] gives per top-level key: its name, the value as YAML text, and whether every scalar under
/// it is a sops ciphertext (`None`: it holds no scalar).
#[cfg(feature = "git")] // the repository scans (`repo/scan.rs`) are its only reader
pub(crate) type TopLevel = (String, Zeroizing<String>, Option<bool>);

/// The top-level keys of a file (every document of a YAML stream, the sections of INI), without the metadata and
/// without decrypting: what the repository's scans describe.
///
/// # Errors
/// As [`parse_layout`].
#[cfg(feature = "git")] // the repository scans (`repo/scan.rs`) are its only reader
pub(crate) fn top_level(text: &str, format: Format) -> Result<Vec<TopLevel>, Error> {
    let docs = match parse_layout(text, format)? {
        Layout::Shared(doc, _) => vec![doc],
        Layout::PerDocument(docs) => docs.into_iter().map(|(d, _)| d).collect(),
    };
    let mut out = Vec::new();
    for doc in &docs {
        for entry in doc.0.iter().flatten() {
            if let Entry::Pair(key, node) = entry {
                let one = [Entry::Pair(key.clone(), node.clone())];
                let rendered = Zeroizing::new(yaml::emit_stream(&[&one[..]], &[]));
                let mut one = one;
                zeroize::Zeroize::zeroize(&mut one[0]);
                out.push((key.clone(), rendered, all_encrypted(node)));
            }
        }
    }
    Ok(out)
}

/// Whether every scalar under `node` is a sops ciphertext (`None` when there is no scalar).
#[cfg(feature = "git")] // the repository scans (`repo/scan.rs`) are its only reader
fn all_encrypted(node: &Node) -> Option<bool> {
    match node {
        Node::Scalar(Scalar::Null) | Node::Comment(_) => None,
        Node::Scalar(Scalar::Str(s)) => Some(cipher::looks_encrypted(s) && s.ends_with(']')),
        Node::Scalar(_) => Some(false),
        Node::Seq(items) => items.iter().filter_map(all_encrypted).reduce(|a, b| a && b),
        Node::Map(entries) => entries
            .iter()
            .filter_map(|e| match e {
                Entry::Pair(_, v) => all_encrypted(v),
                Entry::Comment(_) => None,
            })
            .reduce(|a, b| a && b),
    }
}

/// Parses a file of sops's layout and splits off its sops metadata.
fn parse_file(text: &str, format: Format) -> Result<(Doc, Option<Metadata>), Error> {
    match parse_layout(text, format)? {
        Layout::Shared(doc, meta) => Ok((doc, meta)),
        Layout::PerDocument(_) => Err(Error::Unsupported {
            feature: "changing a YAML stream whose documents are encrypted separately (change each document on its own)",
        }),
    }
}

/// Parses a plaintext file to encrypt (`sops -e`): the binary store takes the whole text as the value `data`.
fn parse_plain(text: &str, format: Format) -> Result<Doc, Error> {
    if format == Format::Binary {
        return Ok(Doc::single(vec![Entry::Pair(
            "data".to_owned(),
            Node::Scalar(Scalar::Str(text.to_owned())),
        )]));
    }
    match parse_layout(text, format)? {
        Layout::Shared(doc, None) => Ok(doc),
        _ => Err(Error::AlreadyEncrypted),
    }
}

/// The one document of a store that holds one (every store but YAML, and flat vars files).
fn single_branch(doc: &Doc, format: Format) -> Result<&[Entry], Error> {
    match doc.0.as_slice() {
        [one] => Ok(one),
        [] => Ok(&[]),
        _ => Err(Error::Unrepresentable {
            format,
            reason: "it holds one document, and the input has several".to_owned(),
        }),
    }
}

fn render(doc: &Doc, meta: Option<&Metadata>, format: Format) -> Result<String, Error> {
    let unrepresentable = |reason: String| Error::Unrepresentable { format, reason };
    let yaml_meta = meta.map(|m| {
        [Entry::Pair(
            "sops".to_owned(),
            Node::Map(metadata_yaml_entries(m)),
        )]
    });
    match format {
        Format::Yaml => Ok(yaml::emit_stream(
            &doc.0,
            yaml_meta.as_ref().map_or(&[][..], |m| &m[..]),
        )),
        Format::Json => json::emit(
            single_branch(doc, format)?,
            yaml_meta.as_ref().map_or(&[][..], |m| &m[..]),
        )
        .map_err(|r| unrepresentable(r.to_owned())),
        Format::Binary => {
            let entries = single_branch(doc, format)?;
            if let Some(m) = &yaml_meta {
                return json::emit(entries, m).map_err(|r| unrepresentable(r.to_owned()));
            }
            match entries
                .iter()
                .find(|e| matches!(e, Entry::Pair(k, _) if k == "data"))
            {
                Some(Entry::Pair(_, Node::Scalar(Scalar::Str(data)))) => Ok(data.clone()),
                Some(_) => Err(unrepresentable(
                    "its `data` value is not a string".to_owned(),
                )),
                None => Err(unrepresentable("there is no `data` value".to_owned())),
            }
        }
        Format::Ini => {
            let sections = single_branch(doc, format)?;
            let meta_section = meta.map(|m| {
                let fields = metadata_dotenv_entries(m)
                    .into_iter()
                    .filter_map(|e| match e {
                        Entry::Pair(k, Node::Scalar(Scalar::Str(v))) => Some(Entry::Pair(
                            k.trim_start_matches("sops_").to_owned(),
                            Node::Scalar(Scalar::Str(v.replace('\n', "\\n"))),
                        )),
                        _ => None,
                    })
                    .collect();
                [Entry::Pair("sops".to_owned(), Node::Map(fields))]
            });
            ini::emit(sections, meta_section.as_ref().map_or(&[][..], |m| &m[..])).map_err(|path| {
                unrepresentable(format!(
                    "`{path}` is not a section of string values, or a name INI cannot hold"
                ))
            })
        }
        Format::Dotenv => {
            let entries = single_branch(doc, format)?;
            let nested = |key| Error::Nested { key_path: key };
            let mut out = dotenv::emit(entries).map_err(nested)?;
            if let Some(m) = meta {
                out.push_str(&dotenv::emit(&metadata_dotenv_entries(m)).map_err(nested)?);
            }
            Ok(out)
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Data key wrapping

fn wrap_key(key: &DataKey, recipient: &Recipient) -> Result<AgeKey, Error> {
    let enc = age::Encryptor::with_recipients(std::iter::once(&recipient.0 as &dyn age::Recipient))
        .map_err(|_| Error::Age)?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|_| Error::Age)?;
    let mut w = enc.wrap_output(armor).map_err(|_| Error::Age)?;
    w.write_all(key.bytes()).map_err(|_| Error::Age)?;
    w.finish()
        .and_then(age::armor::ArmoredWriter::finish)
        .map_err(|_| Error::Age)?;
    let mut enc = String::from_utf8(out).map_err(|_| Error::Age)?;
    if !enc.ends_with('\n') {
        enc.push('\n');
    }
    Ok(AgeKey {
        recipient: recipient.to_string(),
        enc,
    })
}

fn unwrap_key(enc: &str, ids: &Identities) -> Option<DataKey> {
    let reader = age::armor::ArmoredReader::new(enc.trim_start().as_bytes());
    let decryptor = age::Decryptor::new(reader).ok()?;
    let mut r = decryptor
        .decrypt(ids.0.iter().map(|i| i as &dyn age::Identity))
        .ok()?;
    let mut buf = Zeroizing::new(Vec::with_capacity(32));
    r.by_ref().take(33).read_to_end(&mut buf).ok()?;
    DataKey::from_slice(&buf)
}

/// What may unwrap a file's data key: age identities, and (cargo feature `vault`) the file's `hc_vault` Transit
/// keys through Vault, as `sops -d` does: the address stored in the entry, the token from `VAULT_TOKEN` /
/// `BAO_TOKEN` / `~/.vault-token`, sent only to the `VAULT_ADDR` / `BAO_ADDR` address or one
/// `SOPS_HC_VAULT_ALLOWLIST` allows (the file may come from a hostile repository).
///
/// # Examples
///
/// ```
/// use secretctl_gitops::sops::{Identities, Unwrap};
///
/// let ids = Identities::generate();
/// let age_only = Unwrap::age(&ids);
/// let either = Unwrap::with_vault(Some(&ids));
/// assert!(!age_only.vault && either.vault);
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Unwrap<'a> {
    /// age identities to try on the file's age entries.
    pub age: Option<&'a Identities>,
    /// Whether the file's `hc_vault` entries may be unwrapped through Vault (network requests).
    pub vault: bool,
}

impl<'a> Unwrap<'a> {
    /// age identities only (no network).
    #[must_use]
    pub fn age(ids: &'a Identities) -> Unwrap<'a> {
        Unwrap {
            age: Some(ids),
            vault: false,
        }
    }

    /// age identities, if any, then the file's `hc_vault` entries through Vault.
    #[must_use]
    pub fn with_vault(ids: Option<&'a Identities>) -> Unwrap<'a> {
        Unwrap {
            age: ids,
            vault: true,
        }
    }
}

/// The data key, trying first the age entries whose recipient is one of ours, then the other age entries, then
/// (when `u.vault`) each `hc_vault` entry in the file's order; the first that unwraps wins, as in sops.
fn data_key(meta: &Metadata, u: Unwrap<'_>) -> Result<DataKey, Error> {
    meta.check_readable()?;
    if let Some(ids) = u.age {
        let ours: HashSet<String> = ids.recipients().iter().map(ToString::to_string).collect();
        let (mine, others): (Vec<&AgeKey>, Vec<&AgeKey>) = meta
            .age
            .iter()
            .partition(|k| ours.contains(k.recipient.trim()));
        for k in mine.into_iter().chain(others) {
            if let Some(key) = unwrap_key(&k.enc, ids) {
                return Ok(key);
            }
        }
    }
    if !u.vault || meta.hc_vault.is_empty() {
        return Err(match u.age {
            Some(_) => Error::NoMatchingIdentity,
            None => Error::NoIdentity,
        });
    }
    let mut tried = Vec::new();
    if !meta.age.is_empty() {
        tried.push(match u.age {
            Some(_) => format!("{} age recipient(s): no matching identity", meta.age.len()),
            None => format!("{} age recipient(s): no identity given", meta.age.len()),
        });
    }
    unwrap_hc_vault(meta, tried)
}

#[cfg(feature = "vault")]
fn unwrap_hc_vault(meta: &Metadata, mut tried: Vec<String>) -> Result<DataKey, Error> {
    use secretctl_error::{ErrorKind, Kind as _};
    let mut first: Option<(ErrorKind, secretctl_vault::Error)> = None;
    for k in &meta.hc_vault {
        let uri = hcvault::uri_of(k)?;
        if !hcvault::allowed(&uri.address) {
            tried.push(format!(
                "hc_vault {uri}: not used, the token is only sent to VAULT_ADDR or an address SOPS_HC_VAULT_ALLOWLIST allows"
            ));
            continue;
        }
        match hcvault::unwrap(&uri, &k.enc) {
            Ok(key) => return Ok(key),
            Err(e) => {
                tried.push(format!("hc_vault {uri}: failed"));
                // Transit answers 400 to a ciphertext that does not authenticate under its key: tampered.
                let kind = match &e {
                    secretctl_vault::Error::Status { status: 400, .. } => ErrorKind::Integrity,
                    other => other.kind(),
                };
                first.get_or_insert((kind, e));
            }
        }
    }
    let (kind, source) = match first {
        Some((kind, e)) => (kind, Some(Box::new(e) as Box<_>)),
        None => (ErrorKind::Refused, None),
    };
    Err(Error::NoMasterKey {
        tried: tried.join("; "),
        kind,
        source,
    })
}

#[cfg(not(feature = "vault"))]
fn unwrap_hc_vault(meta: &Metadata, mut tried: Vec<String>) -> Result<DataKey, Error> {
    for k in &meta.hc_vault {
        tried.push(format!(
            "hc_vault {}: this build has no Vault support",
            k.uri()
        ));
    }
    Err(Error::NoMasterKey {
        tried: tried.join("; "),
        kind: secretctl_error::ErrorKind::Refused,
        source: None,
    })
}

/// Age entries for `recipients`, reusing the existing wrap of each recipient that already had one.
fn wrap_all(
    key: &DataKey,
    recipients: &[Recipient],
    existing: &[AgeKey],
) -> Result<Vec<AgeKey>, Error> {
    if recipients.is_empty() {
        return Err(Error::NoRecipients);
    }
    let mut out: Vec<AgeKey> = Vec::with_capacity(recipients.len());
    for r in recipients {
        let rs = r.to_string();
        if out.iter().any(|k| k.recipient == rs) {
            continue;
        }
        match existing.iter().find(|k| k.recipient.trim() == rs) {
            Some(k) => out.push(AgeKey {
                recipient: rs,
                enc: k.enc.clone(),
            }),
            None => out.push(wrap_key(key, r)?),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------------
// Tree walks

struct Rules {
    unencrypted_suffix: Option<String>,
    encrypted_suffix: Option<String>,
    encrypted_regex: Option<GoRegex>,
    mac_only_encrypted: bool,
}

impl Rules {
    /// sops's `shouldBeEncrypted` for one rule (at most one is set; see [`Metadata::check_readable`]).
    ///
    /// # Errors
    /// [`Error::Unsupported`] when `encrypted_regex` has no answer for a key of the path: Go's `regexp`, which sops
    /// uses, could match it otherwise ([`crate::goregex`]); guessing could leave a secret in plaintext.
    fn should_encrypt(&self, path: &[String]) -> Result<bool, Error> {
        if let Some(re) = &self.encrypted_regex {
            let mut any = false;
            for p in path {
                any |= re.matches(p).ok_or(Error::Unsupported {
                    feature: crate::goregex::NO_ANSWER,
                })?;
            }
            return Ok(any);
        }
        if let Some(suffix) = &self.encrypted_suffix {
            return Ok(path.iter().any(|p| p.ends_with(suffix.as_str())));
        }
        if let Some(suffix) = &self.unencrypted_suffix {
            return Ok(!path.iter().any(|p| p.ends_with(suffix.as_str())));
        }
        Ok(true)
    }
}

fn additional_data(path: &[String]) -> String {
    let mut s = path.join(":");
    s.push(':');
    s
}

fn key_path(path: &[String]) -> String {
    if path.is_empty() {
        "(top level)".to_owned()
    } else {
        path.join(":")
    }
}

/// Bytes of a scalar as sops's `ToBytes` gives them (hashed into the MAC, and encrypted).
fn scalar_bytes(s: &Scalar) -> Option<(Zeroizing<Vec<u8>>, &'static str)> {
    match s {
        Scalar::Null => None,
        Scalar::Str(t) => Some((Zeroizing::new(t.as_bytes().to_vec()), "str")),
        Scalar::Int(i) => Some((Zeroizing::new(i.to_string().into_bytes()), "int")),
        Scalar::Float(f) => Some((Zeroizing::new(go_format_float_f(*f).into_bytes()), "float")),
        Scalar::Bool(b) => Some((
            Zeroizing::new(if *b {
                b"True".to_vec()
            } else {
                b"False".to_vec()
            }),
            "bool",
        )),
    }
}

/// Ciphertexts of a file's values by (associated data, type, plaintext), so re-encrypting an unchanged value
/// gives back its exact ciphertext (sops's IV stash does the same).
#[derive(Default)]
struct Stash(HashMap<(String, &'static str), Vec<Stashed>>);

/// A plaintext and the ciphertext it had.
type Stashed = (Zeroizing<Vec<u8>>, String);

impl Stash {
    fn get(&self, ad: &str, ty: &'static str, plain: &[u8]) -> Option<&str> {
        self.0
            .get(&(ad.to_owned(), ty))?
            .iter()
            .find(|(p, _)| p.as_slice() == plain)
            .map(|(_, enc)| enc.as_str())
    }
}

struct Walk<'a> {
    cipher: ValueCipher,
    rules: Rules,
    hash: Sha512,
    path: Vec<String>,
    /// Decrypting: record ciphertexts here. Encrypting: reuse ciphertexts from here.
    stash: Option<&'a mut Stash>,
}

impl<'a> Walk<'a> {
    fn new(key: &DataKey, rules: Rules, stash: Option<&'a mut Stash>) -> Self {
        let hash = mac_hasher(&rules);
        Walk {
            cipher: ValueCipher::new(key),
            rules,
            hash,
            path: Vec::new(),
            stash,
        }
    }

    fn mac(self) -> String {
        mac_hex(self.hash)
    }

    fn decrypt_entries(&mut self, entries: &mut [Entry]) -> Result<(), Error> {
        for e in entries {
            match e {
                Entry::Comment(c) => self.decrypt_comment(c)?,
                Entry::Pair(k, v) => {
                    self.path.push(k.clone());
                    let r = self.decrypt_node(v);
                    self.path.pop();
                    r?;
                }
            }
        }
        Ok(())
    }

    fn decrypt_node(&mut self, node: &mut Node) -> Result<(), Error> {
        match node {
            Node::Map(entries) => self.decrypt_entries(entries),
            Node::Seq(items) => items.iter_mut().try_for_each(|n| self.decrypt_node(n)),
            Node::Comment(c) => self.decrypt_comment(c),
            Node::Scalar(s) => {
                if let Some(comment) = self.decrypt_scalar(s)? {
                    *node = Node::Comment(comment);
                }
                Ok(())
            }
        }
    }

    /// Decrypts a scalar in place. sops encrypts a comment inside a list into a string item of type `comment`;
    /// that comes back as `Some(comment)` (not hashed, as sops 3.11 does not hash comments).
    fn decrypt_scalar(&mut self, s: &mut Scalar) -> Result<Option<Comment>, Error> {
        if *s == Scalar::Null {
            return Ok(None);
        }
        let encrypted = self.rules.should_encrypt(&self.path)?;
        if encrypted {
            let Scalar::Str(text) = s else {
                return Err(Error::BadValue {
                    key_path: key_path(&self.path),
                    reason: "the value is not encrypted (expected ENC[AES256_GCM,...])",
                });
            };
            if !text.is_empty() {
                let ad = additional_data(&self.path);
                let (plain, ty) = self.open(text, &ad)?;
                if ty == "comment" {
                    let text = String::from_utf8(plain.to_vec()).map_err(|_| Error::BadValue {
                        key_path: key_path(&self.path),
                        reason: "the decrypted comment is not UTF-8",
                    })?;
                    return Ok(Some(Comment {
                        text,
                        inline: false,
                    }));
                }
                let value = typed(&plain, &ty).ok_or_else(|| Error::BadValue {
                    key_path: key_path(&self.path),
                    reason: "the decrypted value does not match its type",
                })?;
                if let (Some(stash), Some(ty)) = (self.stash.as_deref_mut(), static_type(&ty)) {
                    let enc = std::mem::take(text);
                    stash.0.entry((ad, ty)).or_default().push((plain, enc));
                }
                *s = value;
            }
        }
        if !self.rules.mac_only_encrypted || encrypted {
            if let Some((bytes, _)) = scalar_bytes(s) {
                self.hash.update(bytes.as_slice());
            }
        }
        Ok(None)
    }

    fn decrypt_comment(&mut self, c: &mut Comment) -> Result<(), Error> {
        // Comments written before sops encrypted them are plaintext; anything that claims to be encrypted must
        // authenticate.
        if self.rules.should_encrypt(&self.path)? && cipher::looks_encrypted(&c.text) {
            let ad = additional_data(&self.path);
            let (plain, _) = self.open(&c.text, &ad)?;
            c.text = String::from_utf8(plain.to_vec()).map_err(|_| Error::BadValue {
                key_path: format!("{} (comment)", key_path(&self.path)),
                reason: "the decrypted comment is not UTF-8",
            })?;
        }
        Ok(())
    }

    fn open(&self, text: &str, ad: &str) -> Result<(Zeroizing<Vec<u8>>, String), Error> {
        let enc = cipher::parse(text).map_err(|reason| Error::BadValue {
            key_path: key_path(&self.path),
            reason,
        })?;
        match self.cipher.decrypt(&enc, ad) {
            Ok(p) => Ok((p, enc.ty)),
            Err(DecryptFailure::Format(reason)) => Err(Error::BadValue {
                key_path: key_path(&self.path),
                reason,
            }),
            Err(DecryptFailure::Auth) => Err(Error::Authentication {
                key_path: key_path(&self.path),
            }),
        }
    }

    fn encrypt_entries(&mut self, entries: &mut [Entry]) -> Result<(), Error> {
        for e in entries {
            match e {
                Entry::Comment(c) => {
                    self.encrypt_comment(c)?;
                }
                Entry::Pair(k, v) => {
                    self.path.push(k.clone());
                    let r = self.encrypt_node(v);
                    self.path.pop();
                    r?;
                }
            }
        }
        Ok(())
    }

    fn encrypt_node(&mut self, node: &mut Node) -> Result<(), Error> {
        match node {
            Node::Map(entries) => self.encrypt_entries(entries),
            Node::Seq(items) => items.iter_mut().try_for_each(|n| self.encrypt_node(n)),
            Node::Comment(c) => {
                // Inside a list sops turns an encrypted comment into a string item of type `comment`.
                if self.encrypt_comment(c)? {
                    *node = Node::Scalar(Scalar::Str(std::mem::take(&mut c.text)));
                }
                Ok(())
            }
            Node::Scalar(s) => {
                let Some((bytes, ty)) = scalar_bytes(s) else {
                    return Ok(());
                };
                let encrypted = self.rules.should_encrypt(&self.path)?;
                if !self.rules.mac_only_encrypted || encrypted {
                    self.hash.update(bytes.as_slice());
                }
                if encrypted && !bytes.is_empty() {
                    let ad = additional_data(&self.path);
                    let enc = self.seal(&bytes, &ad, ty)?;
                    zeroize::Zeroize::zeroize(s);
                    *s = Scalar::Str(enc);
                }
                Ok(())
            }
        }
    }

    /// Encrypts a comment in place; whether it was encrypted.
    fn encrypt_comment(&mut self, c: &mut Comment) -> Result<bool, Error> {
        if self.rules.should_encrypt(&self.path)? && !c.text.is_empty() {
            let ad = additional_data(&self.path);
            let enc = self.seal(c.text.as_bytes(), &ad, "comment")?;
            zeroize::Zeroize::zeroize(&mut c.text);
            c.text = enc;
            return Ok(true);
        }
        Ok(false)
    }

    fn seal(&mut self, plain: &[u8], ad: &str, ty: &'static str) -> Result<String, Error> {
        if let Some(enc) = self.stash.as_deref().and_then(|s| s.get(ad, ty, plain)) {
            return Ok(enc.to_owned());
        }
        self.cipher
            .encrypt(plain, ad, ty)
            .map_err(|_| Error::Random)
    }
}

fn static_type(ty: &str) -> Option<&'static str> {
    match ty {
        "str" => Some("str"),
        "int" => Some("int"),
        "float" => Some("float"),
        "bool" => Some("bool"),
        _ => None,
    }
}

/// A decrypted value as its sops type (`aes/cipher.go` `Decrypt`).
fn typed(plain: &[u8], ty: &str) -> Option<Scalar> {
    let text = std::str::from_utf8(plain).ok()?;
    match ty {
        "str" | "bytes" | "time" => Some(Scalar::Str(text.to_owned())),
        "int" => text.parse::<i64>().ok().map(Scalar::Int),
        "float" => text.parse::<f64>().ok().map(Scalar::Float),
        "bool" => go_parse_bool(text).map(Scalar::Bool),
        _ => None,
    }
}

/// The hash a file's MAC is computed with, before the first value: with `mac_only_encrypted`, sops starts it
/// with a fixed block.
fn mac_hasher(rules: &Rules) -> Sha512 {
    let mut hash = Sha512::new();
    if rules.mac_only_encrypted {
        hash.update(MAC_ONLY_ENCRYPTED_INIT);
    }
    hash
}

/// The MAC's plaintext as sops writes it: the hash in upper-case hex.
fn mac_hex(hash: Sha512) -> String {
    hex::encode_upper(hash.finalize())
}

/// Decrypts `doc` in place and verifies the MAC; returns the data key.
fn decrypt_doc(
    doc: &mut Doc,
    meta: &Metadata,
    u: Unwrap<'_>,
    stash: Option<&mut Stash>,
) -> Result<DataKey, Error> {
    let key = data_key(meta, u)?;
    let mut walk = Walk::new(&key, meta.rules()?, stash);
    for branch in &mut doc.0 {
        walk.decrypt_entries(branch)?;
    }
    let computed = walk.mac();
    verify_mac(&key, meta, &computed)?;
    Ok(key)
}

fn verify_mac(key: &DataKey, meta: &Metadata, computed: &str) -> Result<(), Error> {
    if meta.mac.is_empty() {
        return Err(Error::MacMismatch);
    }
    let ad = normalize_lastmodified(&meta.lastmodified)?;
    let enc = cipher::parse(&meta.mac).map_err(|_| Error::MacMismatch)?;
    let plain = ValueCipher::new(key)
        .decrypt(&enc, &ad)
        .map_err(|_| Error::MacMismatch)?;
    if enc.ty != "str" || !bool::from(plain.as_slice().ct_eq(computed.as_bytes())) {
        return Err(Error::MacMismatch);
    }
    Ok(())
}

/// Encrypts `doc` in place and sets `meta`'s MAC and `lastmodified`.
fn encrypt_doc(
    doc: &mut Doc,
    meta: &mut Metadata,
    key: &DataKey,
    stash: Option<&mut Stash>,
) -> Result<(), Error> {
    let mut walk = Walk::new(key, meta.rules()?, stash);
    for branch in &mut doc.0 {
        walk.encrypt_entries(branch)?;
    }
    let mac = walk.mac();
    meta.lastmodified = now_rfc3339();
    let ad = normalize_lastmodified(&meta.lastmodified)?;
    meta.mac = ValueCipher::new(key)
        .encrypt(mac.as_bytes(), &ad, "str")
        .map_err(|_| Error::Random)?;
    Ok(())
}

fn require_meta(meta: Option<Metadata>) -> Result<Metadata, Error> {
    meta.ok_or(Error::NoMetadata)
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

fn scalar_to_var(s: &Scalar) -> String {
    match s {
        Scalar::Null => String::new(),
        Scalar::Str(t) => t.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => go_format_float_f(*f),
        Scalar::Bool(b) => b.to_string(),
    }
}

/// Decrypts a flat vars file (YAML `KEY: value` mapping, or dotenv), verifying every value and the MAC.
///
/// # Errors
/// [`Error::Parse`] for a malformed file, [`Error::NoMetadata`] if it is not encrypted,
/// [`Error::NoMatchingIdentity`], [`Error::Authentication`] / [`Error::MacMismatch`] if it was tampered with,
/// [`Error::Nested`] for a nested map or list.
pub fn read_vars(text: &str, format: Format, ids: &Identities) -> Result<Vars, Error> {
    let (mut doc, meta) = parse_file(text, format)?;
    let meta = require_meta(meta)?;
    decrypt_doc(&mut doc, &meta, Unwrap::age(ids), None)?;
    let entries = single_branch(&doc, format)?;
    let mut vars = Vars::with_capacity(entries.len());
    for e in entries {
        match e {
            Entry::Comment(_) => {}
            Entry::Pair(k, Node::Scalar(s)) => {
                vars.push((k.clone(), SecretString::from(scalar_to_var(s))))
            }
            Entry::Pair(k, _) => {
                return Err(Error::Nested {
                    key_path: k.clone(),
                })
            }
        }
    }
    Ok(vars)
}

fn check_keys(vars: &Vars, format: Format) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for (k, _) in vars {
        let bad = |reason| {
            Err(Error::InvalidKey {
                key: k.clone(),
                reason,
            })
        };
        if k.is_empty() {
            return bad("a key cannot be empty");
        }
        if !seen.insert(k.as_str()) {
            return bad("the key appears twice");
        }
        match format {
            Format::Yaml if k == "sops" => return bad("`sops` is reserved for sops metadata"),
            Format::Dotenv if k.starts_with("sops_") => {
                return bad("keys starting with `sops_` are reserved for sops metadata")
            }
            Format::Dotenv if k.contains(['=', '\n']) || k.starts_with('#') => {
                return bad("a dotenv key cannot contain '=' or a newline or start with '#'")
            }
            Format::Ini | Format::Binary => {
                return bad("flat vars are written as YAML, JSON or dotenv (INI holds sections, binary one value)")
            }
            _ => {}
        }
    }
    Ok(())
}

fn same_recipients(a: &[AgeKey], b: &[Recipient]) -> bool {
    let a: HashSet<&str> = a.iter().map(|k| k.recipient.trim()).collect();
    let b: HashSet<String> = b.iter().map(ToString::to_string).collect();
    a.len() == b.len() && b.iter().all(|r| a.contains(r.as_str()))
}

/// Encrypts flat vars. With `previous` (the file's current encrypted text, decryptable by `ids`), the data key
/// and the exact ciphertext of every unchanged value are kept; if nothing changed at all (values, order and
/// recipients), `previous` is returned unchanged. If a recipient of `previous` is missing from `recipients`, the
/// data key is rotated (a removed recipient knew it) and every value gets a new ciphertext. Keys ending in
/// `_unencrypted` are stored in plaintext, as sops does.
///
/// # Errors
/// [`Error::NoRecipients`], [`Error::InvalidKey`], and for `previous` every error of [`read_vars`].
pub fn write_vars(
    vars: &Vars,
    format: Format,
    recipients: &[Recipient],
    previous: Option<(&str, &Identities)>,
) -> Result<String, Error> {
    if recipients.is_empty() {
        return Err(Error::NoRecipients);
    }
    check_keys(vars, format)?;
    let previous = match previous {
        Some((text, ids)) => Some((text, Parsed::parse(text, format)?, ids)),
        None => None,
    };
    write_vars_over(vars, format, recipients, previous).map(|w| w.text)
}

/// Recipients (age) listed in a file's metadata, without decrypting.
///
/// # Errors
/// [`Error::Parse`], [`Error::NoMetadata`], [`Error::Metadata`] (including a recipient that is not `age1...`).
pub fn recipients_of(text: &str, format: Format) -> Result<Vec<Recipient>, Error> {
    let (_, meta) = parse_file(text, format)?;
    parsed::recipients_in(&require_meta(meta)?)
}

/// An identifier of a file's data key: 32 hex digits of SHA-256 over a fixed label and the key. It tells whether
/// two files (or two versions of one) are encrypted under the same data key, and reveals nothing about the key (a
/// 256-bit random value). Only the data key is unwrapped; values and MAC are not read.
///
/// # Errors
/// [`Error::Parse`], [`Error::NoMetadata`], [`Error::Metadata`], [`Error::Unsupported`],
/// [`Error::NoMatchingIdentity`].
pub fn data_key_id(text: &str, format: Format, ids: &Identities) -> Result<String, Error> {
    let (_, meta) = parse_file(text, format)?;
    let meta = require_meta(meta)?;
    let key = data_key(&meta, Unwrap::age(ids))?;
    Ok(parsed::key_id(&key))
}

/// Re-wraps the same data key to exactly `recipients` (to add recipients): values, MAC and `lastmodified` are
/// untouched, existing wraps are kept. The file is first fully verified. To remove a recipient use
/// [`rotate_data_key`], since a removed recipient knows the data key.
///
/// # Errors
/// As [`read_vars`] (without [`Error::Nested`]), [`Error::NoRecipients`], [`Error::Unsupported`] for files with
/// non-age master keys.
pub fn rewrap(
    text: &str,
    format: Format,
    ids: &Identities,
    recipients: &[Recipient],
) -> Result<String, Error> {
    let (doc, meta) = parse_file(text, format)?;
    let mut meta = require_meta(meta)?;
    meta.check_writable()?;
    let mut plain = Doc(doc.0.clone());
    let key = decrypt_doc(&mut plain, &meta, Unwrap::age(ids), None)?;
    drop(plain);
    meta.age = wrap_all(&key, recipients, &meta.age)?;
    render(&doc, Some(&meta), format)
}

/// A new data key, every value re-encrypted, wrapped to `recipients` (to remove a recipient).
///
/// # Errors
/// As [`rewrap`].
pub fn rotate_data_key(
    text: &str,
    format: Format,
    ids: &Identities,
    recipients: &[Recipient],
) -> Result<String, Error> {
    if recipients.is_empty() {
        return Err(Error::NoRecipients);
    }
    let (mut doc, meta) = parse_file(text, format)?;
    let mut meta = require_meta(meta)?;
    meta.check_writable()?;
    decrypt_doc(&mut doc, &meta, Unwrap::age(ids), None)?;
    let key = DataKey::generate().map_err(|_| Error::Random)?;
    meta.age = wrap_all(&key, recipients, &[])?;
    meta.version = SOPS_VERSION.to_owned();
    encrypt_doc(&mut doc, &mut meta, &key, None)?;
    render(&doc, Some(&meta), format)
}

/// Whole-file encryption as `sops -e` does it: nested maps, lists, typed scalars, comments (encrypted),
/// `_unencrypted` keys left in plaintext. [`encrypt_file_with`] takes other rules.
///
/// # Errors
/// [`Error::Parse`] for input outside the supported YAML subset, [`Error::AlreadyEncrypted`],
/// [`Error::NoRecipients`], [`Error::Nested`] for nested values in dotenv.
pub fn encrypt_file(
    plaintext: &str,
    format: Format,
    recipients: &[Recipient],
) -> Result<String, Error> {
    encrypt_file_with(plaintext, format, recipients, &EncryptOptions::default())
}

/// Which values [`encrypt_file_with`] encrypts (sops's crypt rules). The default is sops's: every value except
/// those under a key ending in `_unencrypted`.
///
/// # Examples
///
/// ```
/// use secretctl_gitops::sops::EncryptOptions;
///
/// let mut opts = EncryptOptions::default();
/// opts.encrypted_regex = Some("^(data|stringData)$".to_owned());
/// ```
#[non_exhaustive]
#[derive(Default, Debug, Clone)]
pub struct EncryptOptions {
    /// sops's `encrypted_regex` (`sops -e --encrypted-regex`): a value is encrypted only if a key on its path
    /// (the value's own key or that of any map above it) contains a match, searched unanchored as Go's
    /// `regexp.MatchString` does; write `^...$` to match whole keys. Every other value stays in plaintext, still
    /// covered by the MAC. It is recorded in the metadata (instead of `unencrypted_suffix`), so every reader,
    /// `sops -d` included, applies the same rule. An empty pattern means no rule, as in sops.
    ///
    /// The pattern is compiled with the `regex` crate, whose syntax is that of Go's RE2 for ordinary patterns
    /// (literals, classes, alternation, anchors, repetition). Differences: Perl classes (`\d`, `\w`, `\s`)
    /// and `\b` are Unicode-aware here but ASCII-only in Go (write `[0-9]` or `(?-u:\d)` to match Go
    /// exactly on non-ASCII keys), and Go-only escapes such as `\C` are rejected.
    pub encrypted_regex: Option<String>,
    /// sops's `unencrypted_suffix`: values under a key ending in it stay in plaintext (`None`: sops's default
    /// `_unencrypted`, unless another rule is given). Set by a `.sops.yaml` creation rule.
    pub unencrypted_suffix: Option<String>,
    /// sops's `encrypted_suffix`: only values under a key ending in it are encrypted.
    pub encrypted_suffix: Option<String>,
    /// sops's `mac_only_encrypted`: the MAC covers only the encrypted values.
    pub mac_only_encrypted: bool,
}

/// [`encrypt_file`] with the crypt rule of `opts`, e.g. what `sops -e --encrypted-regex '^(data|stringData)$'`
/// writes for a Kubernetes Secret: `data`/`stringData` encrypted, `apiVersion`, `kind`, `metadata` and `type`
/// readable, the MAC over all values.
///
/// # Examples
///
/// ```
/// use secrecy::ExposeSecret;
/// use secretctl_gitops::sops::{self, EncryptOptions, Format, Identities};
///
/// let ids = Identities::generate();
/// let mut opts = EncryptOptions::default();
/// opts.encrypted_regex = Some("^(data|stringData)$".to_owned());
/// let plain = "kind: Secret\nmetadata:\n    name: db\ndata:\n    password: aHVudGVyMg==\n";
/// let text = sops::encrypt_file_with(plain, Format::Yaml, &ids.recipients(), &opts)?;
/// assert!(text.contains("kind: Secret\n") && text.contains("    name: db\n"));
/// assert!(text.contains("    password: ENC[AES256_GCM,data:"));
/// assert!(text.contains("    encrypted_regex: ^(data|stringData)$\n"));
/// assert_eq!(sops::decrypt_file(&text, Format::Yaml, &ids)?.expose_secret(), plain);
/// # Ok::<(), sops::Error>(())
/// ```
///
/// # Errors
/// As [`encrypt_file`], and [`Error::InvalidRegex`] if `opts.encrypted_regex` does not compile.
pub fn encrypt_file_with(
    plaintext: &str,
    format: Format,
    recipients: &[Recipient],
    opts: &EncryptOptions,
) -> Result<String, Error> {
    encrypt_file_as(plaintext, format, format, recipients, opts)
}

/// [`encrypt_file_with`] reading `plaintext` as `input` and writing the encrypted file as `output`
/// (`sops -e --input-type … --output-type …`). Every document of a YAML stream is encrypted under one data key
/// with one MAC, each carrying the metadata, as sops does; `binary` input is the whole text as one value.
///
/// # Errors
/// As [`encrypt_file_with`]; [`Error::Unrepresentable`] when `output` cannot hold the input (several YAML
/// documents in JSON, nested values in INI).
pub fn encrypt_file_as(
    plaintext: &str,
    input: Format,
    output: Format,
    recipients: &[Recipient],
    opts: &EncryptOptions,
) -> Result<String, Error> {
    let keys = MasterKeys {
        age: recipients.to_vec(),
        ..MasterKeys::default()
    };
    encrypt_file_to(plaintext, input, output, &keys, opts)
}

/// The master keys [`encrypt_file_to`] wraps a new data key to: age recipients (sops's `--age`) and, with the
/// cargo feature `vault`, Vault / OpenBao Transit keys (sops's `--hc-vault-transit`), in one key group, so any one
/// of them decrypts the file.
///
/// # Examples
///
/// ```
/// use secretctl_gitops::sops::{Identities, MasterKeys};
///
/// let mut keys = MasterKeys::default();
/// keys.age = Identities::generate().recipients();
/// keys.hc_vault.push("https://bao.internal:8200/v1/transit/keys/sops".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct MasterKeys {
    /// age X25519 recipients.
    pub age: Vec<Recipient>,
    /// Transit keys in sops's `hc_vault_transit_uri` form; the data key is wrapped by Transit encrypt, with the
    /// token from `VAULT_TOKEN` / `BAO_TOKEN` / `~/.vault-token`, at the address the URI names.
    #[cfg(feature = "vault")]
    pub hc_vault: Vec<secretctl_vault::TransitUri>,
}

impl MasterKeys {
    fn is_empty(&self) -> bool {
        #[cfg(feature = "vault")]
        let vault_empty = self.hc_vault.is_empty();
        #[cfg(not(feature = "vault"))]
        let vault_empty = true;
        self.age.is_empty() && vault_empty
    }
}

/// [`encrypt_file_as`] to age recipients and Vault Transit keys ([`MasterKeys`]): what
/// `sops -e --age … --hc-vault-transit …` writes (sops's `hc_vault` metadata entries beside the `age` ones).
///
/// # Errors
/// As [`encrypt_file_as`]; [`Error::NoRecipients`] when `keys` is empty; `Error::HcVaultWrap` when Vault does not
/// encrypt the data key (unreachable, sealed, denied, no such key), naming the key.
pub fn encrypt_file_to(
    plaintext: &str,
    input: Format,
    output: Format,
    keys: &MasterKeys,
    opts: &EncryptOptions,
) -> Result<String, Error> {
    if keys.is_empty() {
        return Err(Error::NoRecipients);
    }
    let encrypted_regex = opts.encrypted_regex.clone().filter(|p| !p.is_empty());
    if let Some(p) = &encrypted_regex {
        GoRegex::new(p).map_err(|reason| Error::InvalidRegex {
            pattern: p.chars().take(200).collect(),
            reason,
        })?;
    }
    let mut doc = parse_plain(plaintext, input)?;
    let key = DataKey::generate().map_err(|_| Error::Random)?;
    let encrypted_suffix = opts.encrypted_suffix.clone().filter(|s| !s.is_empty());
    let unencrypted_suffix = opts.unencrypted_suffix.clone().filter(|s| !s.is_empty());
    if [&encrypted_regex, &encrypted_suffix, &unencrypted_suffix]
        .iter()
        .filter(|r| r.is_some())
        .count()
        > 1
    {
        return Err(Error::Metadata {
            reason: "more than one of encrypted_suffix, unencrypted_suffix and encrypted_regex",
        });
    }
    let age = match keys.age.is_empty() {
        true => Vec::new(),
        false => wrap_all(&key, &keys.age, &[])?,
    };
    let mut meta = Metadata::new(age);
    #[cfg(feature = "vault")]
    {
        let created_at = now_rfc3339();
        let mut seen = HashSet::new();
        for uri in keys.hc_vault.iter().filter(|u| seen.insert(u.to_string())) {
            meta.hc_vault.push(hcvault::wrap(&key, uri, &created_at)?);
        }
    }
    if encrypted_regex.is_some() || encrypted_suffix.is_some() {
        // sops writes the default `unencrypted_suffix` only when no other rule is given.
        meta.unencrypted_suffix = None;
        meta.encrypted_regex = encrypted_regex;
        meta.encrypted_suffix = encrypted_suffix;
    } else if unencrypted_suffix.is_some() {
        meta.unencrypted_suffix = unencrypted_suffix;
    }
    meta.mac_only_encrypted = opts.mac_only_encrypted;
    encrypt_doc(&mut doc, &mut meta, &key, None)?;
    render(&doc, Some(&meta), output)
}

/// Whole-file decryption as `sops -d` does it (the MAC is verified); the plaintext without the metadata.
///
/// # Errors
/// As [`read_vars`] (without [`Error::Nested`]).
pub fn decrypt_file(text: &str, format: Format, ids: &Identities) -> Result<SecretString, Error> {
    decrypt_file_as(text, format, format, ids)
}

/// [`decrypt_file`] reading `text` as `input` and writing the plaintext as `output`
/// (`sops -d --input-type … --output-type …`). A YAML stream whose documents were each encrypted on their own
/// (`export k8s --sops`) is decrypted document by document, each verified by its own MAC.
///
/// # Errors
/// As [`decrypt_file`]; [`Error::Unrepresentable`] when `output` cannot hold the plaintext.
pub fn decrypt_file_as(
    text: &str,
    input: Format,
    output: Format,
    ids: &Identities,
) -> Result<SecretString, Error> {
    decrypt_file_using(text, input, output, Unwrap::age(ids))
}

/// [`decrypt_file_as`] with the data key unwrapped by whatever `unwrap` allows: age identities and, with
/// [`Unwrap::with_vault`], the file's `hc_vault` Transit keys (what `sops -d` does for a file encrypted with
/// `--hc-vault-transit`). The first master key that unwraps the data key is used.
///
/// # Errors
/// As [`decrypt_file_as`]; [`Error::NoIdentity`] when no age identity is given and nothing else may unwrap;
/// [`Error::NoMasterKey`] when no master key unwrapped the data key: it lists what was tried, and its source is the
/// first Vault error (address, operation, fix; a ciphertext Transit rejects is an integrity failure). The token is
/// never in an error.
pub fn decrypt_file_using(
    text: &str,
    input: Format,
    output: Format,
    unwrap: Unwrap<'_>,
) -> Result<SecretString, Error> {
    let doc = match parse_layout(text, input)? {
        Layout::Shared(mut doc, meta) => {
            let meta = require_meta(meta)?;
            decrypt_doc(&mut doc, &meta, unwrap, None)?;
            doc
        }
        Layout::PerDocument(docs) => {
            let mut all = Doc(Vec::with_capacity(docs.len()));
            for (mut doc, meta) in docs {
                decrypt_doc(&mut doc, &meta, unwrap, None)?;
                all.0.append(&mut doc.0);
            }
            all
        }
    };
    render(&doc, None, output).map(SecretString::from)
}

/// Whether the text has a sops metadata block (a file that does not parse is reported as not encrypted).
#[must_use]
pub fn is_encrypted(text: &str, format: Format) -> bool {
    let has_sops = |entries: &[Entry]| {
        entries
            .iter()
            .any(|e| matches!(e, Entry::Pair(k, _) if k == "sops"))
    };
    match format {
        Format::Yaml => {
            yaml::parse_stream(text).is_ok_and(|docs| docs.first().is_some_and(|d| has_sops(d)))
        }
        Format::Json | Format::Binary => json::parse(text).is_ok_and(|e| has_sops(&e)),
        Format::Ini => ini::parse(text).is_ok_and(|e| has_sops(&e)),
        Format::Dotenv => dotenv::parse(text)
            .map(|e| {
                e.iter()
                    .any(|e| matches!(e, Entry::Pair(k, _) if k.starts_with("sops_")))
            })
            .unwrap_or(false),
    }
}

/// Parses a file as the decoders do, without decrypting, and checks that our writer's output of it reads back
/// to the same output (the fuzz target's entry point; never panics).
///
/// Returns `Ok(true)` when the canonical form is stable, `Ok(false)` if it is not (a writer bug).
///
/// # Errors
/// [`Error::Parse`] / [`Error::Metadata`] for malformed input; [`Error::Unrepresentable`] for a tree the format's
/// writer refuses.
pub fn parse_only(text: &str, format: Format) -> Result<bool, Error> {
    let docs = match parse_layout(text, format)? {
        Layout::Shared(doc, meta) => vec![(doc, meta)],
        Layout::PerDocument(docs) => docs.into_iter().map(|(d, m)| (d, Some(m))).collect(),
    };
    for (doc, meta) in docs {
        if let Some(meta) = &meta {
            if !meta.lastmodified.is_empty() {
                normalize_lastmodified(&meta.lastmodified)?;
            }
            if !meta.mac.is_empty() {
                cipher::parse(&meta.mac).map_err(|reason| Error::Metadata { reason })?;
            }
        }
        let first = render(&doc, meta.as_ref(), format)?;
        let Ok(Layout::Shared(again, meta2)) = parse_layout(&first, format) else {
            return Ok(false);
        };
        let Ok(second) = render(&again, meta2.as_ref(), format) else {
            return Ok(false);
        };
        if first != second {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests;

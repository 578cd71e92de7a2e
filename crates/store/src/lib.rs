//! Encrypted secret store (SQLite embedded, PostgreSQL shared) with crash-safe master-key rotation.
//!
//! A store holds rows of (owner, name, version, key id, envelope, created at). Every value is sealed with
//! [`secretctl_envelope`] under the keyring's active key, and its envelope is bound to the context
//! ([`CONTEXT_DOMAIN`], owner, name, version), so a row copied or swapped in the database fails to open with
//! [`Error::Tampered`]. Versions are immutable and never reused, even after `remove`.
//!
//! [`Store::rotate`] re-encrypts every row that is not under the active key, in batches, each batch one
//! transaction. A crash at any moment leaves every row under either its old key or the new one, both in the
//! keyring, so every row still opens; running the rotation again finishes it. Reads work while it runs.
//!
//! The master key's life cycle against a keyfile's [`secretctl_keyfile::Keyring`] is one call each, the decisions
//! `secretctl key rotate` and `key retire` make: [`Store::rotate_master_key`] makes a new key and re-encrypts, or
//! finishes an interrupted rotation without making another key; [`Store::retire_key`] destroys a retired key only
//! once no row of the store needs it.
//!
//! # Examples
//!
//! ```
//! use secretctl_envelope::{Key, Keyring};
//! use secretctl_store::{Store, StoreUrl};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let url: StoreUrl = format!("sqlite:{}", dir.path().join("store.db").display()).parse()?;
//! let mut store = Store::open(&url)?;
//!
//! let old = Key::generate();
//! let version = store.put(&old, "alice", "db_password", b"hunter2")?;
//! assert_eq!(version, 1);
//!
//! // Rotate to a new key; the old one stays in the keyring until no row references it.
//! let new = Key::generate();
//! let mut keyring = Keyring::new();
//! keyring.insert(old.clone());
//! keyring.insert(new.clone());
//! let summary = store.rotate(&keyring, &new, &Default::default(), &mut |_| {})?;
//! assert_eq!(summary.rotated, 1);
//! assert_eq!(store.references(old.id())?, 0);
//!
//! let secret = store.get(&keyring, "alice", "db_password", None)?;
//! assert_eq!(secret.expose_value(), b"hunter2");
//! assert_eq!(secret.info().key_id, new.id());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit;
mod backend;
mod bulk;
mod error;
mod master;
mod pgconn;
mod postgres;
mod report;
mod sqlite;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretSlice};
use secretctl_envelope::{Context, Envelope, Key, KeyId, Keyring};

use crate::audit::AuditKey;
pub use crate::audit::AuditVerified;
use crate::backend::{
    AuditQuery, Backend, BatchReader, PutItem, RawAudit, RawMeta, RawRow, Update,
};
pub use crate::bulk::{ImportFormat, IMPORT_BATCH};
pub use crate::error::Error;
pub use crate::master::{
    retire_key_everywhere, MasterKeyRotation, RetireReport, RotateMode, RotationEvent, RotationPlan,
};
pub use crate::report::{audit_json, Listing};

/// The envelope context domain of every store row: the envelope binds (domain, owner, name, version).
pub const CONTEXT_DOMAIN: &str = "secretctl/store/v1";

/// The newest schema version this build reads and writes.
pub(crate) const SCHEMA_VERSION: i64 = 3;

/// Largest value [`Store::put`] accepts, in bytes (1 MiB): any bytes, binary included, stored and returned exactly.
pub const MAX_VALUE_LEN: usize = 1 << 20;

/// Read a value exactly as `r` gives it (no newline stripped, any bytes), refusing more than [`MAX_VALUE_LEN`]
/// bytes. `what` names the source in errors (`stdin`, a file name). The buffer is wiped when dropped.
///
/// # Errors
/// [`Error::ValueTooLarge`]; [`Error::Read`] when reading fails.
pub fn read_value(r: impl std::io::Read, what: &str) -> Result<SecretSlice<u8>, Error> {
    use std::io::Read as _;
    let mut buf = zeroize::Zeroizing::new(Vec::new());
    r.take(MAX_VALUE_LEN as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|source| Error::Read {
            what: what.to_owned(),
            source,
        })?;
    if buf.len() > MAX_VALUE_LEN {
        return Err(Error::ValueTooLarge {
            what: what.to_owned(),
        });
    }
    Ok(SecretSlice::from(std::mem::take(&mut *buf)))
}

/// Longest owner or name, in bytes.
pub const MAX_NAME_LEN: usize = 255;

/// Where a store lives: `sqlite:PATH` or a `postgres://` (or `postgresql://`) URL.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreUrl {
    /// An SQLite file (created 0600 when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, passed as is to the client.
    Postgres(String),
}

impl StoreUrl {
    /// The default store of a keyfile: `sqlite:store.db` in the keyfile's directory (`.` for a bare file name).
    #[must_use]
    pub fn next_to_keyfile(keyfile: &Path) -> StoreUrl {
        let dir = keyfile
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        StoreUrl::Sqlite(dir.join("store.db"))
    }
}

impl StoreUrl {
    /// The store as a keyring records it ([`secretctl_keyfile::Keyring::record_store`]): an SQLite path made
    /// absolute, a PostgreSQL URL without any credential (the password of its user info and any `password`
    /// query parameter are dropped; libpq's `PGPASSWORD` or password file supplies it when the store is opened).
    #[must_use]
    pub fn without_credentials(&self) -> String {
        match self {
            StoreUrl::Sqlite(p) => {
                let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                format!("sqlite:{}", abs.display())
            }
            StoreUrl::Postgres(url) => strip_credentials(url),
        }
    }
}

fn strip_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if user.is_empty() {
                host.to_owned()
            } else {
                format!("{user}@{host}")
            }
        }
        None => authority.to_owned(),
    };
    let query: Vec<&str> = query
        .map(|q| {
            q.split('&')
                .filter(|kv| kv.split('=').next() != Some("password"))
                .collect()
        })
        .unwrap_or_default();
    let mut out = format!("{scheme}://{authority}{path}");
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    out
}

impl FromStr for StoreUrl {
    type Err = Error;

    fn from_str(s: &str) -> Result<StoreUrl, Error> {
        if let Some(path) = s.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Error::BadUrl(s.to_owned()));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(s.to_owned()));
        }
        // Never echo what might be a URL with a password in it.
        let shown = if s.contains('@') { "<redacted>" } else { s };
        Err(Error::BadUrl(shown.to_owned()))
    }
}

impl fmt::Display for StoreUrl {
    /// `sqlite:PATH`, or the PostgreSQL URL with any password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            StoreUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

pub(crate) fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{}", &rest[authority_end..])
        }
        _ => url.to_owned(),
    }
}

/// A row's metadata: everything but the value. Reading it never decrypts. Serialized with the key id as 16 hex
/// digits and `created_at` in RFC 3339 (as `secretctl secret list` prints it; see also [`Listing`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SecretInfo {
    /// Who the secret belongs to (a tenant, a user).
    pub owner: String,
    /// The secret's name.
    pub name: String,
    /// Its version, from 1.
    pub version: u64,
    /// The key its envelope is sealed under.
    #[serde(serialize_with = "report::ser_display")]
    pub key_id: KeyId,
    /// When it was stored, in seconds since the Unix epoch.
    #[serde(serialize_with = "report::ser_rfc3339")]
    pub created_at: i64,
}

/// One opened secret: its metadata and its value.
pub struct Secret {
    info: SecretInfo,
    value: SecretSlice<u8>,
}

impl Secret {
    /// The row's metadata.
    #[must_use]
    pub fn info(&self) -> &SecretInfo {
        &self.info
    }

    /// The secret value.
    #[must_use]
    pub fn expose_value(&self) -> &[u8] {
        self.value.expose_secret()
    }

    /// The secret as one line of JSON, its metadata and its `value`, in a buffer wiped when dropped (as
    /// `secretctl secret get --json` prints it).
    ///
    /// # Errors
    /// [`Error::NotUtf8`] when the value is not UTF-8: a JSON string cannot hold it byte for byte.
    pub fn to_json(&self) -> Result<zeroize::Zeroizing<String>, Error> {
        let not_utf8 = || Error::NotUtf8 {
            owner: self.info.owner.clone(),
            name: self.info.name.clone(),
        };
        let value = std::str::from_utf8(self.expose_value()).map_err(|_| not_utf8())?;
        let mut doc = serde_json::to_value(&self.info).map_err(|_| not_utf8())?;
        doc["value"] = value.into();
        let text = zeroize::Zeroizing::new(doc.to_string());
        // The JSON tree holds a copy of the value; wipe its string before it is dropped.
        if let Some(serde_json::Value::String(s)) = doc.get_mut("value") {
            zeroize::Zeroize::zeroize(s);
        }
        Ok(text)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Which versions [`Store::remove`] deletes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versions {
    /// One version.
    One(u64),
    /// Every version.
    All,
}

/// One audit record: who did what to which secret, and when. Never a value. Serialized with `at` in RFC 3339;
/// displayed as one line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Seconds since the Unix epoch.
    #[serde(serialize_with = "report::ser_rfc3339")]
    pub at: i64,
    /// The OS user or the actor the caller named.
    pub actor: String,
    /// `put`, `get`, `rm`, `rotate`, `retire`, ...
    pub operation: String,
    /// The secret's owner, when the operation was on one secret.
    pub owner: Option<String>,
    /// The secret's name, when the operation was on one secret.
    pub name: Option<String>,
    /// The secret's version, when the operation was on one version.
    pub version: Option<u64>,
    /// A note such as a failure kind or a rotation's row count.
    pub detail: Option<String>,
}

/// Which audit records [`Store::audit_query`] returns: all of these that are set must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditFilter {
    /// Only records about this owner's secrets.
    pub owner: Option<String>,
    /// Only records about secrets of this name.
    pub name: Option<String>,
    /// Only records of this operation (`put`, `get`, `get-miss`, `rm`, `rotate`, `retire`, `prune`, ...).
    pub operation: Option<String>,
    /// Only records at or after this time (seconds since the Unix epoch).
    pub since: Option<i64>,
    /// At most this many (the newest).
    pub limit: usize,
}

impl AuditFilter {
    /// The newest `limit` records, unfiltered.
    #[must_use]
    pub fn newest(limit: usize) -> AuditFilter {
        AuditFilter {
            limit,
            ..AuditFilter::default()
        }
    }
}

/// A date or time as the audit filters take it: `YYYY-MM-DD` (midnight UTC) or RFC 3339. Returns seconds since the
/// Unix epoch.
///
/// # Errors
/// [`Error::BadDate`] for anything else.
pub fn parse_date(text: &str) -> Result<i64, Error> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &day)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| Error::BadDate(text.chars().take(64).filter(|c| !c.is_control()).collect()))
}

/// How [`Store::rotate`] works through the store.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RotateOptions {
    /// Rows per transaction: large enough to amortise the commit, small enough to keep memory flat.
    pub batch_size: usize,
}

impl Default for RotateOptions {
    fn default() -> Self {
        RotateOptions { batch_size: 4096 }
    }
}

impl RotateOptions {
    /// Use `batch_size` rows per transaction (at least 1).
    #[must_use]
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }
}

/// Rotation progress, reported after each committed batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Rows re-encrypted so far (committed).
    pub done: u64,
    /// Rows that were not under the active key when the rotation started (grows if writers add old-key rows).
    pub total: u64,
}

/// What a finished rotation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RotateSummary {
    /// Rows this run re-encrypted.
    pub rotated: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// The key every row is now sealed under.
    pub active: KeyId,
}

impl RotateSummary {
    /// Rows per second over the run (0 when nothing was rotated).
    #[must_use]
    pub fn rows_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if self.rotated == 0 || secs == 0.0 {
            0.0
        } else {
            #[allow(clippy::cast_precision_loss)] // a rate for people; 2^52 rows is not a concern
            let rows = self.rotated as f64;
            rows / secs
        }
    }
}

/// The encrypted secret store, over either backend.
pub struct Store {
    backend: Box<dyn Backend>,
    url: StoreUrl,
    actor: String,
    audit_key: Option<AuditKey>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.url)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Open the store at `url`, creating it when there is none yet (a missing SQLite file, an empty database): what
    /// a put to the default store does. The actor recorded in the audit table is the OS user until
    /// [`Store::set_actor`] names another.
    ///
    /// # Errors
    /// [`Error::ForeignDatabase`] when the database holds tables that are not secretctl's (nothing is changed);
    /// [`Error::Io`] / [`Error::Sqlite`] / [`Error::Postgres`] when the database cannot be opened or created,
    /// [`Error::SchemaTooNew`] when a newer secretctl wrote it.
    /// [`Error::SchemaTooOld`] when an older secretctl wrote it and [`Store::migrate`] has not run.
    pub fn open(url: &StoreUrl) -> Result<Store, Error> {
        Store::init(url).map(|(store, _)| store)
    }

    /// Create the store at `url` on purpose (`secretctl store init`): a missing SQLite file or an empty database
    /// becomes a new store. An existing secretctl store is opened as it is. Returns the store and whether it was
    /// created now.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn init(url: &StoreUrl) -> Result<(Store, bool), Error> {
        let (store, created) = Store::open_any_schema(url, true)?;
        store.check_current()?;
        Ok((store, created))
    }

    fn check_current(&self) -> Result<(), Error> {
        let found = self.backend.schema();
        if found < SCHEMA_VERSION {
            return Err(Error::SchemaTooOld {
                found,
                store: self.url.to_string(),
            });
        }
        Ok(())
    }

    fn open_any_schema(url: &StoreUrl, create: bool) -> Result<(Store, bool), Error> {
        let (backend, created): (Box<dyn Backend>, bool) = match url {
            StoreUrl::Sqlite(path) => {
                let (b, created) = sqlite::Sqlite::open(path, create)?;
                (Box::new(b), created)
            }
            StoreUrl::Postgres(u) => {
                let (b, created) = postgres::Postgres::open(u, create)?;
                (Box::new(b), created)
            }
        };
        let store = Store {
            backend,
            url: url.clone(),
            actor: default_actor(),
            audit_key: None,
        };
        Ok((store, created))
    }

    /// Bring an existing store written by an older secretctl up to this build's schema, in one transaction, and
    /// return it opened. Schema 1 -> 2 records each secret's latest version as the store holds it now (so a
    /// rollback done before the migration is not detected; verify the store against a backup first if in doubt).
    /// Returns the schema version found before; a store already current is left as it is.
    ///
    /// # Errors
    /// [`Error::NoStore`] when there is no store at `url`; as [`Store::open`].
    ///
    /// Schema 2 -> 3 numbers the audit records without gaps and chains and MACs every one of them under `key` (the
    /// active master key): the records written before are vouched for as they are at the migration. Without
    /// `key` they stay unattested and [`Store::verify_audit`] reports the first of them.
    pub fn migrate(
        url: &StoreUrl,
        actor: Option<&str>,
        key: Option<&Key>,
    ) -> Result<(Store, i64), Error> {
        let mut store = Store::open_any_schema(url, false)?.0;
        if let Some(actor) = actor {
            store.set_actor(actor);
        }
        let found = store.backend.schema();
        if found < SCHEMA_VERSION {
            store.backend.migrate(&store.actor, now())?;
            if let Some(key) = key {
                store.attest_legacy(key)?;
                store.set_audit_key(key);
                store.record(
                    "migrate",
                    &format!("schema {found} -> {SCHEMA_VERSION}: audit records chained"),
                )?;
            }
        }
        Ok((store, found))
    }

    /// MAC the audit records this store writes from now on under a key derived from `master` (the active master
    /// key). [`Store::put`] uses its key when none was set; reads use the key of the row read.
    pub fn set_audit_key(&mut self, master: &Key) {
        if self.audit_key.as_ref().map(AuditKey::key_id) != Some(master.id()) {
            self.audit_key = Some(AuditKey::derive(master));
        }
    }

    /// Use a key of `keyring` for the audit records when none was set: `prefer` if the keyring holds it, else any.
    pub(crate) fn default_audit_key(&mut self, keyring: &Keyring, prefer: Option<KeyId>) {
        if self.audit_key.is_some() {
            return;
        }
        let key = prefer
            .and_then(|id| keyring.get(&id))
            .or_else(|| keyring.ids().first().and_then(|id| keyring.get(id)));
        if let Some(key) = key {
            self.audit_key = Some(AuditKey::derive(key));
        }
    }

    /// Open the store at `url` only if it exists. Nothing is created or written: a missing file, an empty database
    /// or one without secretctl's tables is [`Error::NoStore`] (a read, a list, a rotation or a retirement must not
    /// create a store).
    ///
    /// # Errors
    /// [`Error::NoStore`]; as [`Store::open`].
    pub fn open_existing(url: &StoreUrl) -> Result<Store, Error> {
        let store = Store::open_any_schema(url, false)?.0;
        store.check_current()?;
        Ok(store)
    }

    /// The URL the store was opened from.
    #[must_use]
    pub fn url(&self) -> &StoreUrl {
        &self.url
    }

    /// Record `actor` as the one doing the following operations in the audit table.
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    /// The actor recorded in the audit table.
    #[must_use]
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Store `value` as the next version of (owner, name), sealed under `key`. Returns the new version.
    ///
    /// # Errors
    /// [`Error::BadName`] for an empty, overlong or control-character owner or name; [`Error::UnknownKey`] when the
    /// store holds rows and `key` is none of the keys it was ever sealed under; [`Error::Seal`] when the value
    /// cannot be sealed; a database error.
    pub fn put(&mut self, key: &Key, owner: &str, name: &str, value: &[u8]) -> Result<u64, Error> {
        let versions = self.put_many(key, &[(owner, name, value)])?;
        versions
            .first()
            .copied()
            .ok_or(Error::OutOfRange("version"))
    }

    /// Store several values in one transaction (an import): each becomes the next version of its (owner, name).
    /// Returns the new versions in order. Either all are stored or none.
    ///
    /// # Errors
    /// As [`Store::put`].
    pub fn put_many(
        &mut self,
        key: &Key,
        items: &[(&str, &str, &[u8])],
    ) -> Result<Vec<u64>, Error> {
        for (owner, name, value) in items {
            check_names(owner, name)?;
            if value.len() > MAX_VALUE_LEN {
                return Err(Error::ValueTooLarge {
                    what: format!("{owner}/{name}"),
                });
            }
        }
        let key_id = key.id().to_string();
        let known = self.backend.known_keys()?;
        if !known.is_empty() && !known.contains(&key_id) {
            // A second key mixed into a store makes its old rows look "retired too early" later: refuse it now.
            return Err(Error::UnknownKey {
                key: key.id(),
                store_keys: known.join(", "),
                store: self.url.without_credentials(),
            });
        }
        let items: Vec<PutItem<'_>> = items
            .iter()
            .map(|(owner, name, value)| PutItem { owner, name, value })
            .collect();
        let mut seal = |owner: &str, name: &str, version: i64, value: &[u8]| {
            let version = u64::try_from(version).map_err(|_| Error::OutOfRange("version"))?;
            let ctx = Context::new(CONTEXT_DOMAIN, owner, name, version);
            secretctl_envelope::seal(key, &ctx, value)
                .map(Envelope::into_bytes)
                .map_err(|source| Error::Seal {
                    owner: owner.to_owned(),
                    name: name.to_owned(),
                    source,
                })
        };
        if self.audit_key.is_none() {
            self.set_audit_key(key);
        }
        let ak = self.audit_key.as_ref();
        let sign = |prev: &[u8], seq: i64, e: &RawAudit| audit::link(ak, prev, seq, e);
        let versions = self
            .backend
            .put(&items, &key_id, &self.actor, now(), &mut seal, &sign)?;
        versions
            .into_iter()
            .map(|v| u64::try_from(v).map_err(|_| Error::OutOfRange("version")))
            .collect()
    }

    /// Record this store in the keyfile's keyring (see [`Keyring::record_store`](secretctl_keyfile::Keyring)), then
    /// store `value` as the next version of (owner, name) under the keyring's active key: what `secretctl secret
    /// put` does, so that retiring a key later checks this store too.
    ///
    /// # Errors
    /// [`Error::Keyfile`] when the keyring cannot record the store; as [`Store::put`].
    pub fn put_active(
        &mut self,
        keyring: &mut secretctl_keyfile::Keyring,
        owner: &str,
        name: &str,
        value: &[u8],
    ) -> Result<u64, Error> {
        check_names(owner, name)?;
        keyring.record_store(&self.url.without_credentials())?;
        self.put(keyring.active(), owner, name, value)
    }

    /// Open (owner, name) at `version`, or its latest version. The read is recorded in the audit table, and so
    /// is a read that fails its integrity check.
    ///
    /// # Errors
    /// [`Error::BadName`] for an owner or name no secret can have; [`Error::NotFound`]; [`Error::RolledBack`]
    /// when the latest version is not the one puts and removals through secretctl left (its row was deleted or
    /// replaced in the database); [`Error::Tampered`] when the row does not authenticate under its owner, name and
    /// version; [`Error::MissingKey`] when its key is not in `keyring`; [`Error::WrongKey`] when no key of
    /// `keyring` was ever used by this store; a database error.
    pub fn get(
        &mut self,
        keyring: &Keyring,
        owner: &str,
        name: &str,
        version: Option<u64>,
    ) -> Result<Secret, Error> {
        check_names(owner, name)?;
        let wanted = version
            .map(|v| i64::try_from(v).map_err(|_| not_found(owner, name, version)))
            .transpose()?;
        // Only the latest is checked against the recorded latest version; a row that does not authenticate is
        // reported as tampered first (the more precise diagnosis).
        let (row, rollback) = match wanted {
            Some(_) => (self.backend.get(owner, name, wanted)?, None),
            None => {
                let (row, expected) = self.backend.latest(owner, name)?;
                let rollback = rolled_back(owner, name, row.as_ref(), expected);
                (row, rollback)
            }
        };
        let row = match (row, rollback) {
            (Some(row), rollback) => (row, rollback),
            (None, Some(e)) => {
                self.audit_get(owner, name, None, Some("denied: rolled back".to_owned()))?;
                return Err(e);
            }
            (None, None) => {
                self.default_audit_key(keyring, None);
                let v = version.and_then(|v| i64::try_from(v).ok());
                self.audit_op("get-miss", owner, name, v, None)?;
                return Err(not_found(owner, name, version));
            }
        };
        let (row, rollback) = row;
        self.default_audit_key(keyring, row.key_id.parse().ok());
        let mut opened = open_row(keyring, &[], &row);
        if matches!(opened, Err(Error::WrongKey { .. })) {
            // Only now is it worth asking which keys the store has used: a missing key or the wrong keyfile?
            let known = self.known_keys()?;
            opened = open_row(keyring, &known, &row);
        }
        if let (Ok(_), Some(e)) = (&opened, rollback) {
            opened = Err(e);
        }
        let (version, detail) = match &opened {
            Ok(s) => (Some(s.info.version), None),
            Err(e) => (
                u64::try_from(row.version).ok(),
                Some(format!("denied: {}", failure_kind(e))),
            ),
        };
        self.audit_get(owner, name, version, detail)?;
        opened
    }

    fn audit_get(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<u64>,
        detail: Option<String>,
    ) -> Result<(), Error> {
        let v = version.and_then(|v| i64::try_from(v).ok());
        self.audit_op("get", owner, name, v, detail)
    }

    fn audit_op(
        &mut self,
        operation: &str,
        owner: &str,
        name: &str,
        version: Option<i64>,
        detail: Option<String>,
    ) -> Result<(), Error> {
        let entry = RawAudit {
            at: now(),
            actor: self.actor.clone(),
            operation: operation.to_owned(),
            owner: Some(owner.to_owned()),
            name: Some(name.to_owned()),
            version,
            detail,
        };
        let ak = self.audit_key.as_ref();
        let sign = |prev: &[u8], seq: i64, e: &RawAudit| audit::link(ak, prev, seq, e);
        self.backend.audit(&entry, &sign)
    }

    /// Every row's metadata (of one owner, or of all), ordered by owner, name, version. Nothing is decrypted.
    ///
    /// # Errors
    /// [`Error::BadName`] for an owner no secret can have; a database error, or [`Error::BadKeyIdColumn`] when a
    /// key id column was edited by hand.
    pub fn list(&mut self, owner: Option<&str>) -> Result<Vec<SecretInfo>, Error> {
        owner.map_or(Ok(()), |o| check_name("owner", o))?;
        self.backend
            .list(owner, None)?
            .into_iter()
            .map(info)
            .collect()
    }

    /// The versions of (owner, name), oldest first. Nothing is decrypted.
    ///
    /// # Errors
    /// [`Error::BadName`]; [`Error::NotFound`] when there is no version; a database error.
    pub fn history(&mut self, owner: &str, name: &str) -> Result<Vec<SecretInfo>, Error> {
        check_names(owner, name)?;
        let rows: Vec<SecretInfo> = self
            .backend
            .list(Some(owner), Some(name))?
            .into_iter()
            .map(info)
            .collect::<Result<_, _>>()?;
        if rows.is_empty() {
            return Err(not_found(owner, name, None));
        }
        Ok(rows)
    }

    /// Delete one version or all versions of (owner, name). Returns the versions deleted. Deleted version
    /// numbers are never handed out again.
    ///
    /// # Errors
    /// [`Error::BadName`]; [`Error::NotFound`] when nothing matched; a database error.
    pub fn remove(&mut self, owner: &str, name: &str, which: Versions) -> Result<Vec<u64>, Error> {
        check_names(owner, name)?;
        let version = match which {
            Versions::One(v) => {
                Some(i64::try_from(v).map_err(|_| not_found(owner, name, Some(v)))?)
            }
            Versions::All => None,
        };
        let ak = self.audit_key.as_ref();
        let sign = |prev: &[u8], seq: i64, e: &RawAudit| audit::link(ak, prev, seq, e);
        let removed = self
            .backend
            .remove(owner, name, version, &self.actor, now(), &sign)?;
        if removed.is_empty() {
            let version = match which {
                Versions::One(v) => Some(v),
                Versions::All => None,
            };
            return Err(not_found(owner, name, version));
        }
        removed
            .into_iter()
            .map(|v| u64::try_from(v).map_err(|_| Error::OutOfRange("version")))
            .collect()
    }

    /// Append an audit record for an operation on the store as a whole (e.g. `retire` of a key).
    ///
    /// # Errors
    /// A database error.
    pub fn record(&mut self, operation: &str, detail: &str) -> Result<(), Error> {
        let entry = RawAudit {
            at: now(),
            actor: self.actor.clone(),
            operation: operation.to_owned(),
            owner: None,
            name: None,
            version: None,
            detail: Some(detail.to_owned()),
        };
        let ak = self.audit_key.as_ref();
        let sign = |prev: &[u8], seq: i64, e: &RawAudit| audit::link(ak, prev, seq, e);
        self.backend.audit(&entry, &sign)
    }

    /// The newest `limit` audit records, oldest first.
    ///
    /// # Errors
    /// A database error, or [`Error::OutOfRange`] for a negative version written by hand.
    pub fn audit_log(&mut self, limit: usize) -> Result<Vec<AuditEntry>, Error> {
        self.audit_query(&AuditFilter {
            limit,
            ..AuditFilter::default()
        })
    }

    /// The newest [`AuditFilter::limit`] audit records that match `filter`, oldest first.
    ///
    /// # Errors
    /// A database error, or [`Error::OutOfRange`] for a negative version written by hand.
    pub fn audit_query(&mut self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, Error> {
        let query = AuditQuery {
            owner: filter.owner.as_deref(),
            name: filter.name.as_deref(),
            operation: filter.operation.as_deref(),
            since: filter.since,
            limit: filter.limit,
        };
        self.backend
            .audit_log(&query)?
            .into_iter()
            .map(|a| {
                Ok(AuditEntry {
                    at: a.at,
                    actor: a.actor,
                    operation: a.operation,
                    owner: a.owner,
                    name: a.name,
                    version: a
                        .version
                        .map(|v| u64::try_from(v).map_err(|_| Error::OutOfRange("version")))
                        .transpose()?,
                    detail: a.detail,
                })
            })
            .collect()
    }

    /// How many rows each key id column names, in key id order.
    ///
    /// # Errors
    /// A database error, or [`Error::OutOfRange`] / [`Error::BadKeyIdColumn`] for hand-edited rows.
    pub fn key_usage(&mut self) -> Result<Vec<(KeyId, u64)>, Error> {
        self.backend
            .key_counts()?
            .into_iter()
            .map(|(k, n)| {
                let id = k.parse().map_err(|_| Error::BadKeyIdColumn {
                    owner: String::new(),
                    name: String::new(),
                    version: 0,
                })?;
                Ok((
                    id,
                    u64::try_from(n).map_err(|_| Error::OutOfRange("count"))?,
                ))
            })
            .collect()
    }

    /// Rows not yet under `active`: what a rotation to `active` still has to do. Nothing is decrypted.
    ///
    /// # Errors
    /// As [`Store::key_usage`].
    pub fn pending(&mut self, active: KeyId) -> Result<u64, Error> {
        Ok(self
            .key_usage()?
            .into_iter()
            .filter(|(k, _)| *k != active)
            .map(|(_, n)| n)
            .sum())
    }

    /// How many rows reference key `id`, by their key id column or by their envelope's header. A key may be
    /// destroyed only when this is 0. Reads every envelope header; decrypts nothing.
    ///
    /// # Errors
    /// [`Error::Tampered`] when an envelope does not parse (so it cannot be said which key it needs); a
    /// database error.
    pub fn references(&mut self, id: KeyId) -> Result<u64, Error> {
        let wanted = id.to_string();
        let mut after = 0;
        let mut count = 0u64;
        loop {
            let rows = self.backend.fetch_batch("", after, 4096)?;
            let Some(last) = rows.last() else {
                return Ok(count);
            };
            after = last.id;
            for row in &rows {
                let env = Envelope::from_bytes(&row.envelope).map_err(|_| tampered(row))?;
                if row.key_id == wanted || env.key_id() == id {
                    count += 1;
                }
            }
        }
    }

    /// Open every row with `keyring`, in batches (memory stays flat), handing each opened secret to `each`
    /// (e.g. to compare it with a backup, or `|_| {}` to check only). Returns how many rows opened; one audit
    /// record (`verify`) notes the count.
    ///
    /// # Errors
    /// The first row that does not open, as [`Store::get`] reports it; a database error.
    pub fn verify(
        &mut self,
        keyring: &Keyring,
        each: &mut dyn FnMut(&Secret),
    ) -> Result<u64, Error> {
        let known = self.known_keys()?;
        let mut after = 0;
        let mut count = 0u64;
        loop {
            let rows = self.backend.fetch_batch("", after, 4096)?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.id;
            for row in &rows {
                each(&open_row(keyring, &known, row)?);
                count += 1;
            }
        }
        self.default_audit_key(keyring, None);
        self.record("verify", &format!("{count} rows opened"))?;
        Ok(count)
    }

    /// Re-encrypt every row not under `active` with `active`, opening each with the key its key id names in
    /// `keyring`. Works in batches of [`RotateOptions::batch_size`] rows, each one transaction; decryption and
    /// encryption of one batch run on a second thread while the database reads the next and writes the last.
    ///
    /// Interrupting it at any moment (even SIGKILL) loses nothing: committed batches are under `active`, the rest
    /// under their old keys, and both open as long as `keyring` keeps the old keys. Calling it again finishes the
    /// job. `progress` is called after every committed batch. Rows added under an old key while it runs are
    /// picked up by a further pass; it returns when a full pass finds no such row.
    ///
    /// # Errors
    /// A row that does not open ([`Error::Tampered`], [`Error::MissingKey`], [`Error::WrongKey`]): the rotation
    /// stops there and nothing is skipped; a database error. Batches committed before the error stay committed.
    pub fn rotate(
        &mut self,
        keyring: &Keyring,
        active: &Key,
        options: &RotateOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<RotateSummary, Error> {
        let started = Instant::now();
        let active_id = active.id();
        let active_text = active_id.to_string();
        let batch_size = options.batch_size.max(1);
        self.set_audit_key(active);
        self.backend.begin_rotation(&active_text, now())?;
        let known = self.known_keys()?;
        // What `pending` counts, without its per-key grouping: SQLite sorts every row for a GROUP BY.
        let mut total = u64::try_from(self.backend.count_not_under(&active_text)?)
            .map_err(|_| Error::OutOfRange("count"))?;
        let mut done = 0u64;
        let mut reader = match self.backend.batch_reader() {
            Ok(r) => r,
            Err(e) => {
                let _ = self.backend.end_rotation();
                return Err(e);
            }
        };
        let result = loop {
            let pass =
                self.rotate_pass(&mut reader, keyring, active, &known, batch_size, &mut |n| {
                    done += n;
                    total = total.max(done);
                    progress(Progress { done, total });
                });
            match pass {
                Ok(0) => break Ok(()),
                Ok(_) => {}
                Err(e) => break Err(e),
            }
        };
        // Closed before the final checkpoint, which waits for readers.
        drop(reader);
        // Sync what was committed even when a row failed, so a retry starts from there.
        let ended = self.backend.end_rotation();
        result?;
        ended?;
        self.record(
            "rotate",
            &format!("{done} rows re-encrypted under key {active_id}"),
        )?;
        Ok(RotateSummary {
            rotated: done,
            elapsed: started.elapsed(),
            active: active_id,
        })
    }

    /// One pass over the store in id order. Returns how many rows it found not under the active key.
    fn rotate_pass(
        &mut self,
        reader: &mut Option<Box<dyn BatchReader>>,
        keyring: &Keyring,
        active: &Key,
        known: &[KeyId],
        batch_size: usize,
        committed: &mut dyn FnMut(u64),
    ) -> Result<u64, Error> {
        let active_text = active.id().to_string();
        let backend = &mut self.backend;
        std::thread::scope(|scope| {
            let (to_crypto, jobs) = mpsc::sync_channel::<Vec<RawRow>>(1);
            let (to_db, results) = mpsc::sync_channel::<Result<Vec<Update>, Error>>(1);
            scope.spawn(move || {
                for rows in jobs {
                    let done = reencrypt_parallel(keyring, known, active, rows);
                    if to_db.send(done).is_err() {
                        break;
                    }
                }
            });
            if let Some(reader) = reader.as_deref_mut() {
                // Three stages on three threads: this reader reads batch n+2 while the crypto thread re-seals
                // n+1 and this thread writes n. A stage that fails drops its channel, which ends the others.
                let active_text = &active_text;
                let fetcher = scope.spawn(move || -> Result<u64, Error> {
                    let mut after = 0;
                    let mut seen = 0u64;
                    loop {
                        let batch = reader.fetch_batch(active_text, after, batch_size)?;
                        let Some(last) = batch.last() else {
                            return Ok(seen);
                        };
                        after = last.id;
                        seen += batch.len() as u64;
                        if to_crypto.send(batch).is_err() {
                            return Ok(seen);
                        }
                    }
                });
                for updates in results {
                    let changed = backend.apply_batch(active_text, &updates?)?;
                    committed(changed);
                }
                return match fetcher.join() {
                    Ok(seen) => seen,
                    // The reader does not panic; if it ever did, re-raise it rather than report a short pass.
                    Err(panic) => std::panic::resume_unwind(panic),
                };
            }
            let mut seen = 0u64;
            let mut batch = backend.fetch_batch(&active_text, 0, batch_size)?;
            let mut after = batch.last().map_or(0, |r| r.id);
            seen += batch.len() as u64;
            if batch.is_empty() {
                return Ok(0);
            }
            let mut in_flight = to_crypto.send(std::mem::take(&mut batch)).is_ok();
            while in_flight {
                // Read the next batch while the crypto thread works on this one.
                let next = backend.fetch_batch(&active_text, after, batch_size)?;
                let updates = match results.recv() {
                    Ok(r) => r?,
                    Err(_) => return Err(Error::OutOfRange("rotation worker")),
                };
                if let Some(last) = next.last() {
                    after = last.id;
                    seen += next.len() as u64;
                    in_flight = to_crypto.send(next).is_ok();
                } else {
                    in_flight = false;
                }
                // Write this batch while the crypto thread works on the next.
                let changed = backend.apply_batch(&active_text, &updates)?;
                committed(changed);
            }
            Ok(seen)
        })
    }

    fn known_keys(&mut self) -> Result<Vec<KeyId>, Error> {
        Ok(self
            .backend
            .known_keys()?
            .iter()
            .filter_map(|k| k.parse().ok())
            .collect())
    }
}

/// [`reencrypt`] with the batch split over two threads: crypto is the larger half of a rotation's CPU time,
/// and the database thread needs less than one core.
fn reencrypt_parallel(
    keyring: &Keyring,
    known: &[KeyId],
    active: &Key,
    mut rows: Vec<RawRow>,
) -> Result<Vec<Update>, Error> {
    if rows.len() < 256 {
        return reencrypt(keyring, known, active, rows);
    }
    let second = rows.split_off(rows.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let helper = scope.spawn(move || reencrypt(keyring, known, active, second));
        let first = reencrypt(keyring, known, active, rows);
        (first, helper.join())
    });
    let mut out = first?;
    match second {
        Ok(second) => out.extend(second?),
        // reencrypt does not panic; if it ever did, re-raise it here rather than lose the batch silently.
        Err(panic) => std::panic::resume_unwind(panic),
    }
    Ok(out)
}

/// Decrypt and re-seal one batch; the first row that does not open fails the batch.
fn reencrypt(
    keyring: &Keyring,
    known: &[KeyId],
    active: &Key,
    rows: Vec<RawRow>,
) -> Result<Vec<Update>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    // The rows of a batch name one or two key ids: parse each text once.
    let mut column: Option<(String, KeyId)> = None;
    for row in rows {
        let id = match &column {
            Some((text, id)) if *text == row.key_id => *id,
            _ => {
                let id = key_id_column(&row)?;
                column = Some((row.key_id.clone(), id));
                id
            }
        };
        let (version, env) = parse_row_under(keyring, known, &row, id)?;
        let ctx = Context::new(CONTEXT_DOMAIN, &row.owner, &row.name, version);
        let plain = secretctl_envelope::open(keyring, &ctx, &env)
            .map_err(|e| open_error(keyring, known, &row, &e))?;
        let sealed =
            secretctl_envelope::seal(active, &ctx, plain.expose_secret()).map_err(|source| {
                Error::Seal {
                    owner: row.owner.clone(),
                    name: row.name.clone(),
                    source,
                }
            })?;
        out.push(Update {
            id: row.id,
            old_key: row.key_id,
            envelope: sealed.into_bytes(),
        });
    }
    Ok(out)
}

/// Check a row's columns against its envelope header before any decryption.
fn parse_row(keyring: &Keyring, known: &[KeyId], row: &RawRow) -> Result<(u64, Envelope), Error> {
    parse_row_under(keyring, known, row, key_id_column(row)?)
}

/// A row's key id column, parsed.
fn key_id_column(row: &RawRow) -> Result<KeyId, Error> {
    // A negative version is reported before a bad column, as it always was.
    let version = u64::try_from(row.version).map_err(|_| tampered(row))?;
    row.key_id.parse().map_err(|_| Error::BadKeyIdColumn {
        owner: row.owner.clone(),
        name: row.name.clone(),
        version,
    })
}

/// [`parse_row`] with the row's key id column already parsed (`column`).
fn parse_row_under(
    keyring: &Keyring,
    known: &[KeyId],
    row: &RawRow,
    column: KeyId,
) -> Result<(u64, Envelope), Error> {
    let version = u64::try_from(row.version).map_err(|_| tampered(row))?;
    let env = Envelope::from_bytes(&row.envelope).map_err(|_| tampered(row))?;
    if env.key_id() != column {
        // The column decides which rows a rotation touches and which keys may be destroyed; it must not lie.
        return Err(tampered(row));
    }
    if keyring.get(&column).is_none() {
        return Err(missing_key(keyring, known, row, column));
    }
    Ok((version, env))
}

/// [`Error::RolledBack`] when `row` (the newest row of (owner, name)) is not the `expected` latest version the
/// store recorded.
fn rolled_back(owner: &str, name: &str, row: Option<&RawRow>, expected: i64) -> Option<Error> {
    let found = row.map_or(0, |r| r.version);
    (found != expected).then(|| Error::RolledBack {
        owner: owner.to_owned(),
        name: name.to_owned(),
        expected: u64::try_from(expected).unwrap_or(0),
        found: u64::try_from(found).ok().filter(|v| *v > 0),
    })
}

fn open_row(keyring: &Keyring, known: &[KeyId], row: &RawRow) -> Result<Secret, Error> {
    let (version, env) = parse_row(keyring, known, row)?;
    let ctx = Context::new(CONTEXT_DOMAIN, &row.owner, &row.name, version);
    let plain = secretctl_envelope::open(keyring, &ctx, &env)
        .map_err(|e| open_error(keyring, known, row, &e))?;
    Ok(Secret {
        info: SecretInfo {
            owner: row.owner.clone(),
            name: row.name.clone(),
            version,
            key_id: env.key_id(),
            created_at: row.created_at,
        },
        value: plain.into_secret(),
    })
}

fn open_error(
    keyring: &Keyring,
    known: &[KeyId],
    row: &RawRow,
    e: &secretctl_envelope::Error,
) -> Error {
    match e {
        secretctl_envelope::Error::UnknownKeyId(id) => missing_key(keyring, known, row, *id),
        _ => tampered(row),
    }
}

fn missing_key(keyring: &Keyring, known: &[KeyId], row: &RawRow, id: KeyId) -> Error {
    let ids = keyring.ids();
    if ids.iter().any(|k| known.contains(k)) {
        Error::MissingKey {
            owner: row.owner.clone(),
            name: row.name.clone(),
            version: u64::try_from(row.version).unwrap_or(0),
            key_id: id,
        }
    } else {
        Error::WrongKey {
            store_key: id,
            keyring: ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

fn tampered(row: &RawRow) -> Error {
    Error::Tampered {
        owner: row.owner.clone(),
        name: row.name.clone(),
        version: u64::try_from(row.version).unwrap_or(0),
    }
}

fn failure_kind(e: &Error) -> &'static str {
    match e {
        Error::Tampered { .. } | Error::BadKeyIdColumn { .. } => "tampered",
        Error::MissingKey { .. } => "missing key",
        Error::RolledBack { .. } => "rolled back",
        Error::WrongKey { .. } => "wrong key",
        _ => "error",
    }
}

fn info(m: RawMeta) -> Result<SecretInfo, Error> {
    let version = u64::try_from(m.version).map_err(|_| Error::OutOfRange("version"))?;
    let key_id = m.key_id.parse().map_err(|_| Error::BadKeyIdColumn {
        owner: m.owner.clone(),
        name: m.name.clone(),
        version,
    })?;
    Ok(SecretInfo {
        owner: m.owner,
        name: m.name,
        version,
        key_id,
        created_at: m.created_at,
    })
}

fn not_found(owner: &str, name: &str, version: Option<u64>) -> Error {
    Error::NotFound {
        owner: owner.to_owned(),
        name: name.to_owned(),
        version,
    }
}

/// An owner and a name a secret can have: the same rule for writing and reading, so a name that can never be
/// stored is a [`Error::BadName`] everywhere rather than "not found" on reads.
fn check_names(owner: &str, name: &str) -> Result<(), Error> {
    check_name("owner", owner)?;
    check_name("name", name)
}

fn check_name(what: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value.len() > MAX_NAME_LEN || value.chars().any(char::is_control) {
        let mut shown: String = value.chars().take(64).filter(|c| !c.is_control()).collect();
        if shown.len() < value.len() {
            shown.push('…');
        }
        return Err(Error::BadName { what, value: shown });
    }
    Ok(())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The OS user running this process: `$USER`, `$LOGNAME`, else the name `/etc/passwd` gives the process's uid,
/// else `uid N`.
#[must_use]
pub fn default_actor() -> String {
    use std::os::unix::fs::MetadataExt;
    for var in ["USER", "LOGNAME"] {
        if let Some(v) = std::env::var_os(var).and_then(|v| v.into_string().ok()) {
            if !v.is_empty() {
                return v;
            }
        }
    }
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return "unknown".to_owned();
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id: u32 = fields.nth(1)?.parse().ok()?;
            (id == uid && !name.is_empty()).then(|| name.to_owned())
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parsing() {
        assert_eq!(
            "sqlite:/tmp/x.db".parse::<StoreUrl>().unwrap(),
            StoreUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            "sqlite:rel.db".parse::<StoreUrl>().unwrap(),
            StoreUrl::Sqlite("rel.db".into())
        );
        assert!(matches!(
            "postgres://u@h/db".parse::<StoreUrl>().unwrap(),
            StoreUrl::Postgres(_)
        ));
        assert!(matches!(
            "sqlite:".parse::<StoreUrl>(),
            Err(Error::BadUrl(_))
        ));
        assert!(matches!(
            "mysql://x".parse::<StoreUrl>(),
            Err(Error::BadUrl(_))
        ));
        let err = "mysql://u:pw@h/db".parse::<StoreUrl>().unwrap_err();
        assert!(!err.to_string().contains("pw"), "{err}");
    }

    #[test]
    fn display_redacts_password() {
        let url: StoreUrl = "postgres://alice:s3cret@db.example:5432/app?sslmode=disable"
            .parse()
            .unwrap();
        let shown = url.to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(
            shown,
            "postgres://alice:***@db.example:5432/app?sslmode=disable"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("owner", "alice").is_ok());
        assert!(check_name("owner", "").is_err());
        assert!(check_name("owner", "a\nb").is_err());
        assert!(check_name("owner", &"x".repeat(256)).is_err());
        assert!(check_name("owner", &"x".repeat(255)).is_ok());
    }

    #[test]
    fn secret_debug_hides_value() {
        let s = Secret {
            info: SecretInfo {
                owner: "o".into(),
                name: "n".into(),
                version: 1,
                key_id: KeyId([1; 8]),
                created_at: 0,
            },
            value: SecretSlice::from(b"topsecret".to_vec()),
        };
        assert!(!format!("{s:?}").contains("topsecret"));
    }
}

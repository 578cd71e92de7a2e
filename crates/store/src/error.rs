//! The one error type of the store.

use std::path::PathBuf;

use secretctl_envelope::KeyId;
use secretctl_error::{ErrorKind, Kind};

/// Why a store operation failed.
///
/// Integrity failures ([`Error::Tampered`], [`Error::MissingKey`], [`Error::WrongKey`]) are separate variants so an
/// operator can tell a tampered row from a retired key from a keyfile that belongs to another store; none of them
/// ever carries a secret value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store URL is neither `sqlite:PATH` nor a `postgres://` / `postgresql://` URL.
    #[error("bad store URL `{0}`: expected sqlite:PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// An owner or name is empty, too long, or holds a control character.
    #[error("bad {what} `{value}`: must be 1 to 255 characters without control characters")]
    BadName {
        /// `owner` or `name`.
        what: &'static str,
        /// The offending text (an identifier, never a secret value).
        value: String,
    },
    /// The SQLite store file could not be created or its permissions set.
    #[error("SQLite store {path}: {source}")]
    Io {
        /// The store file.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// SQLite reported an error.
    #[error("SQLite store {path}: {source}")]
    Sqlite {
        /// The store file.
        path: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// PostgreSQL reported an error (the URL is not repeated, it may hold a password).
    #[error("PostgreSQL store: {0}")]
    Postgres(#[source] postgres::Error),
    /// The PostgreSQL server could not be reached or refused the connection (the password is never shown).
    #[error("PostgreSQL store at {at}: {source}")]
    PostgresConnect {
        /// "host H port P database D".
        at: String,
        /// The client's error.
        #[source]
        source: postgres::Error,
    },
    /// `sslmode=require`: this build connects without TLS (`disable`, and `prefer`, which falls back to plain).
    #[error(
        "PostgreSQL store at {at}: sslmode=require, but this build of secretctl has no TLS support; use \
         sslmode=disable or prefer over a trusted network, or a TLS tunnel"
    )]
    TlsUnsupported {
        /// "host H port P database D".
        at: String,
    },
    /// The PostgreSQL password file is readable by group or others; libpq refuses it too.
    #[error("password file {} has group or other permissions; fix it with chmod 0600", path.display())]
    PassfileMode {
        /// The password file.
        path: PathBuf,
    },
    /// The store was written by a newer schema than this build knows.
    #[error(
        "store schema version {found} is newer than this build's {supported}; upgrade secretctl"
    )]
    SchemaTooNew {
        /// The schema version recorded in the store.
        found: i64,
        /// The newest schema version this build reads.
        supported: i64,
    },
    /// The store was written by an older schema: [`Store::migrate`](crate::Store::migrate) brings it up to date.
    #[error(
        "store {store} has schema version {found}, older than this build's; nothing was changed; run \
         `secretctl secret migrate --store {store}` once to upgrade it"
    )]
    SchemaTooOld {
        /// The schema version recorded in the store.
        found: i64,
        /// The store, as its URL shows it (password redacted).
        store: String,
    },
    /// The latest version of a secret is not the one secretctl last wrote or left: its row was deleted or replaced
    /// in the database (a rollback). It is never served as current.
    #[error(
        "{owner}/{name}: the store records version {expected} as the latest, but {}: the row was deleted or \
         replaced in the database (a rollback); restore the store from a backup, or read an older version \
         explicitly with --version",
        found.map_or_else(|| "no version is left".to_owned(), |v| format!("the newest row is version {v}"))
    )]
    RolledBack {
        /// The owner.
        owner: String,
        /// The name.
        name: String,
        /// The latest version the store recorded.
        expected: u64,
        /// The newest version actually found, if any.
        found: Option<u64>,
    },
    /// A value is larger than [`MAX_VALUE_LEN`](crate::MAX_VALUE_LEN).
    #[error(
        "{what}: value is larger than {} bytes; refusing it",
        crate::MAX_VALUE_LEN
    )]
    ValueTooLarge {
        /// Where the value came from, or its owner/name.
        what: String,
    },
    /// A value that is not UTF-8 was asked for as JSON.
    #[error(
        "{owner}/{name}: the value is not UTF-8 and cannot be shown as JSON; run without --json"
    )]
    NotUtf8 {
        /// The owner.
        owner: String,
        /// The name.
        name: String,
    },
    /// Reading a value failed.
    #[error("cannot read {what}: {source}")]
    Read {
        /// What was read (`stdin`, a file).
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No such owner/name (or version).
    #[error("{owner}/{name}{}: not found in the store", version.map(|v| format!(" version {v}")).unwrap_or_default())]
    NotFound {
        /// The owner asked for.
        owner: String,
        /// The name asked for.
        name: String,
        /// The version asked for, if one was.
        version: Option<u64>,
    },
    /// The row's ciphertext does not authenticate under its (owner, name, version), or its header disagrees with
    /// its key id column: the row was edited, copied or swapped in the database.
    #[error(
        "{owner}/{name} version {version}: ciphertext authentication failed: the row was tampered with, copied \
         or swapped in the database; restore it from a backup of the store"
    )]
    Tampered {
        /// The row's owner.
        owner: String,
        /// The row's name.
        name: String,
        /// The row's version.
        version: u64,
    },
    /// The row was sealed under a key the keyring no longer holds, while other keys of this store are present.
    #[error(
        "{owner}/{name} version {version} is sealed under key {key_id}, which is not in the keyring (retired or \
         destroyed too early); restore the keyfile backup that holds it"
    )]
    MissingKey {
        /// The row's owner.
        owner: String,
        /// The row's name.
        name: String,
        /// The row's version.
        version: u64,
        /// The key the row names.
        key_id: KeyId,
    },
    /// None of the keyring's keys was ever used by this store: the keyfile belongs to another store.
    #[error(
        "wrong keyfile: this store's secrets are sealed under key {store_key}, and the keyfile's keys ({keyring}) \
         were never used by this store; pass the keyfile this store was created with (--keyfile)"
    )]
    WrongKey {
        /// A key id the store's rows use.
        store_key: KeyId,
        /// The keyring's key ids, comma-separated.
        keyring: String,
    },
    /// A put with a key the store was never sealed under, while it holds keys of its own: the keyfile is not this
    /// store's (a wrong backup restored), or the store was not rotated to the keyfile's new key.
    #[error(
        "key {key} is not a key of {store}, whose values are sealed under {store_keys}; nothing was stored. If \
         this keyfile keeps the store's key as a retired key, move the store to the active key with `secretctl \
         key rotate --store {store}`; otherwise the keyfile is not this store's: restore its key with `secretctl \
         key restore --expect-id KEY_ID --force BACKUP` (KEY_ID one of the store's keys above)"
    )]
    UnknownKey {
        /// The key the value was to be sealed under.
        key: KeyId,
        /// The key ids the store knows, comma-separated.
        store_keys: String,
        /// The store, without credentials ([`StoreUrl::without_credentials`](crate::StoreUrl::without_credentials)).
        store: String,
    },
    /// `key retire` could not check a store the keyring has sealed for: a key it still needs would be lost.
    #[error(
        "cannot check {store} for rows under key {id}: {source}; nothing was destroyed; make the store \
         reachable, or pass --force to retire the key without checking it (its rows under that key would be lost)"
    )]
    StoreUnreachable {
        /// The store, as recorded by the keyring.
        store: String,
        /// The key id.
        id: KeyId,
        /// Why it could not be checked.
        #[source]
        source: Box<Error>,
    },
    /// An audit record is missing, altered or out of order, or a checkpoint does not verify.
    #[error(
        "audit record {seq} {what}: the audit table was changed behind secretctl's back; restore it from a backup \
         of the store"
    )]
    AuditBroken {
        /// The record's sequence number.
        seq: u64,
        /// What is wrong with it.
        what: String,
    },
    /// An audit record (or checkpoint) is MACed under a key the keyring no longer holds, and no later checkpoint
    /// vouches for it.
    #[error(
        "audit record {seq} is MACed under key {key_id}, which is not in the keyring, and no later rotation \
         checkpoint vouches for it; restore the keyfile backup that holds it to verify the log"
    )]
    AuditKeyMissing {
        /// The record's sequence number.
        seq: u64,
        /// The key id it names.
        key_id: String,
    },
    /// A date the audit filters could not read.
    #[error(
        "bad date `{0}`: expected YYYY-MM-DD or an RFC 3339 time such as 2026-01-31T12:00:00Z"
    )]
    BadDate(String),
    /// A line of an import is not what [`Store::import`](crate::Store::import) reads (never quoting a value).
    #[error("import line {line}: {reason}; nothing after it was imported")]
    BadImport {
        /// The 1-based line (0 when the whole input is at fault).
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// Writing an export failed.
    #[error("cannot write the export: {0}")]
    Write(#[source] std::io::Error),
    /// Sealing a value failed (the value is too large, or the random number generator failed).
    #[error("cannot seal {owner}/{name}: {source}")]
    Seal {
        /// The owner.
        owner: String,
        /// The name.
        name: String,
        /// The envelope's error.
        #[source]
        source: secretctl_envelope::Error,
    },
    /// A key id column holds text that is not a key id: the database was edited by hand.
    #[error("{owner}/{name} version {version}: key id column is not a key id; the row was edited in the database")]
    BadKeyIdColumn {
        /// The row's owner.
        owner: String,
        /// The row's name.
        name: String,
        /// The row's version.
        version: u64,
    },
    /// A value in the database is out of range (a negative version or count): the database was edited by hand.
    #[error("store holds an out-of-range {0}; the database was edited by hand")]
    OutOfRange(&'static str),
    /// There is no secretctl store at the URL (no file, an empty database, or a database without secretctl's
    /// tables); nothing was created.
    #[error("no secretctl store at {store}; nothing created; create it with `secretctl store init {store}`")]
    NoStore {
        /// The store, as its URL shows it (password redacted).
        store: String,
    },
    /// `store init` (or a put to the default store) found a database that holds other tables: it is not made a
    /// store.
    #[error(
        "{store} is a database that holds other tables, not a secretctl store; nothing was changed; use an empty \
         database or a new file"
    )]
    ForeignDatabase {
        /// The store, as its URL shows it (password redacted).
        store: String,
    },
    /// The keyfile or its keyring failed (loading, making a new key, destroying a retired one).
    #[error(transparent)]
    Keyfile(#[from] secretctl_keyfile::Error),
    /// A master key rotation stopped at an error. Batches committed before it stay committed; the rows left are
    /// still under their old keys, which the keyring keeps, so every row still opens.
    #[error(
        "rotation stopped with {pending} rows still under old keys (they still open); fix the cause and run \
         `secretctl key rotate` again to finish"
    )]
    RotationStopped {
        /// Rows not yet under the active key.
        pending: u64,
        /// Why it stopped.
        #[source]
        source: Box<Error>,
    },
    /// The key asked to be retired is the active key.
    #[error(
        "key {id} is the active key of {}; run `secretctl key rotate` first, then retire it",
        keyfile.display()
    )]
    RetireActive {
        /// The key id.
        id: KeyId,
        /// The keyfile.
        keyfile: PathBuf,
    },
    /// The key asked to be retired is not a retired key of the keyring.
    #[error("no retired key {id} next to {}; `secretctl key list` shows the keys", keyfile.display())]
    NoRetiredKey {
        /// The key id.
        id: KeyId,
        /// The keyfile.
        keyfile: PathBuf,
    },
    /// Rows of the store still reference the key asked to be retired.
    #[error(
        "{rows} rows of {store} still reference key {id}; run `secretctl key rotate --store {store}` to finish \
         re-encrypting them, then retire it"
    )]
    KeyInUse {
        /// The key id.
        id: KeyId,
        /// How many rows reference it.
        rows: u64,
        /// The store, without credentials (so the printed fix works with PGPASSWORD or a password file).
        store: String,
    },
}

impl Kind for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::BadUrl(_) | Error::BadName { .. } => ErrorKind::Usage,
            Error::NotFound { .. } | Error::NoStore { .. } | Error::NoRetiredKey { .. } => {
                ErrorKind::NotFound
            }
            Error::Tampered { .. }
            | Error::MissingKey { .. }
            | Error::WrongKey { .. }
            | Error::BadKeyIdColumn { .. }
            | Error::RolledBack { .. }
            | Error::UnknownKey { .. }
            | Error::AuditBroken { .. }
            | Error::AuditKeyMissing { .. } => ErrorKind::Integrity,
            Error::BadDate(_) => ErrorKind::Usage,
            Error::BadImport { .. } => ErrorKind::Invalid,
            Error::Write(e) => secretctl_error::io_kind(e),
            Error::StoreUnreachable { source, .. } => source.kind(),
            Error::RetireActive { .. } | Error::KeyInUse { .. } | Error::ForeignDatabase { .. } => {
                ErrorKind::Refused
            }
            Error::Io { .. }
            | Error::Sqlite { .. }
            | Error::Postgres(_)
            | Error::Read { .. }
            | Error::PostgresConnect { .. } => ErrorKind::Io,
            Error::TlsUnsupported { .. } | Error::PassfileMode { .. } => ErrorKind::Refused,
            Error::ValueTooLarge { .. } | Error::NotUtf8 { .. } => ErrorKind::Invalid,
            Error::SchemaTooNew { .. } | Error::SchemaTooOld { .. } | Error::OutOfRange(_) => {
                ErrorKind::Invalid
            }
            Error::Seal { source, .. } => source.kind(),
            Error::Keyfile(e) => e.kind(),
            Error::RotationStopped { source, .. } => source.kind(),
        }
    }
}

impl Error {
    /// True for authentication and integrity failures (exit code 3 in the CLI): tampered rows, a missing key, a
    /// keyfile that belongs to another store. The same as `kind() == ErrorKind::Integrity`.
    #[must_use]
    pub fn is_integrity(&self) -> bool {
        self.kind() == ErrorKind::Integrity
    }

    /// True when the thing asked for does not exist (exit code 4 in the CLI): a secret or version, the store, the
    /// keyfile, a retired key. The same as `kind() == ErrorKind::NotFound`.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

//! The one error type of the store.

use secretctl_envelope::KeyId;

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
}

impl Error {
    /// True for authentication and integrity failures (exit code 3 in the CLI): tampered rows, a missing key, a
    /// keyfile that belongs to another store.
    #[must_use]
    pub fn is_integrity(&self) -> bool {
        matches!(
            self,
            Error::Tampered { .. }
                | Error::MissingKey { .. }
                | Error::WrongKey { .. }
                | Error::BadKeyIdColumn { .. }
        )
    }

    /// True when the owner/name/version does not exist (exit code 4 in the CLI).
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

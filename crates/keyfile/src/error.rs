//! The one error type of this crate.

use std::io;
use std::path::PathBuf;

use secretctl_envelope::KeyId;

/// What went wrong with a keyfile, the keyring next to it, or a backup.
///
/// Every message names the file involved and, where there is one, the command that fixes it. No variant carries
/// key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// There is no keyfile at the path.
    #[error(
        "no keyfile at {path}; create one with `secretctl key init` or restore a backup with `secretctl key restore`"
    )]
    NotFound {
        /// The keyfile path.
        path: PathBuf,
    },
    /// `create` (or a restore) found a file already at the path and will not overwrite it.
    #[error("{path} already exists; refusing to overwrite a keyfile (move it away first if you mean to replace it)")]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// The keyfile is not exactly 32 bytes long.
    #[error("{path} is {size} bytes, but a keyfile is exactly 32 bytes; it is not a secretctl keyfile or it is damaged (restore it from a backup)")]
    WrongSize {
        /// The keyfile.
        path: PathBuf,
        /// The size found.
        size: u64,
    },
    /// Group or other users have permissions on the keyfile.
    #[error("{path} has mode {mode:04o}, readable or writable by other users; fix it with `chmod 0400 {path}` (or pass --allow-loose-permissions)")]
    LoosePermissions {
        /// The keyfile.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The path is not a regular file.
    #[error("{path} is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// An operating-system call on a file failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done (`read`, `create`, `rename`, ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The keyring index next to the keyfile is not valid.
    #[error("keyring index {path} is damaged: {reason}; the key files next to it are intact, move the index away to rebuild it")]
    BadIndex {
        /// The index file.
        path: PathBuf,
        /// What is wrong (never key material).
        reason: String,
    },
    /// A retired key's file does not hold the key its name says.
    #[error("{path} does not hold the key its name says; restore it from a backup")]
    RetiredKeyMismatch {
        /// The retired key file.
        path: PathBuf,
    },
    /// `destroy_retired` was asked to destroy the active key.
    #[error("key {0} is the active key; rotate to a new key before retiring it")]
    ActiveKey(KeyId),
    /// No retired key has this id.
    #[error("no retired key {0} in the keyring")]
    NoSuchRetiredKey(KeyId),
    /// A recipient is not a valid `age1...` X25519 recipient.
    #[error("{recipient:?} is not an age X25519 recipient (age1...): {reason}")]
    BadRecipient {
        /// The recipient as given (public, not secret).
        recipient: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A backup needs at least one recipient.
    #[error("a backup needs at least one --recipient (age1...) or a passphrase")]
    NoRecipients,
    /// An age identity file could not be read.
    #[error("identity file {path} is not an age identity file: {reason}")]
    BadIdentityFile {
        /// The identity file ("-" for stdin).
        path: PathBuf,
        /// Why (age names the line number, never its content).
        reason: String,
    },
    /// The backup is not in a format we read (age binary, age armored, or base64 of 32 bytes).
    #[error("backup is not valid: {reason}")]
    BadBackup {
        /// Why.
        reason: String,
    },
    /// The age backup could not be decrypted with the identities or passphrase given.
    #[error("cannot decrypt the backup: {0}")]
    BackupDecrypt(#[source] age::DecryptError),
    /// The age backup could not be written.
    #[error("cannot encrypt the backup: {0}")]
    BackupEncrypt(String),
    /// The restored key does not have the key id the operator expected.
    #[error("the backup holds key {found}, not the expected key {expected}; nothing was written")]
    KeyIdMismatch {
        /// The id asked for.
        expected: KeyId,
        /// The id of the key in the backup.
        found: KeyId,
    },
    /// A restore would replace a different existing key.
    #[error("{path} holds key {existing}, not the restored key {restored}; pass --force to make the restored key active (the current key is kept as retired)")]
    DifferentKeyExists {
        /// The keyfile.
        path: PathBuf,
        /// The id of the key there now.
        existing: KeyId,
        /// The id of the key being restored.
        restored: KeyId,
    },
    /// The operating system's random number generator failed.
    #[error("cannot generate a key: {0}")]
    Envelope(#[from] secretctl_envelope::Error),
    /// A backup, identity or recipients file is larger than a key file of its kind can be.
    #[error("{path} is larger than {limit} bytes; it is not a key backup or identity file")]
    TooLarge {
        /// The file (`stdin` for standard input).
        path: PathBuf,
        /// The limit, [`MAX_BACKUP_BYTES`](crate::MAX_BACKUP_BYTES).
        limit: usize,
    },
    /// A recipients file is not UTF-8 text.
    #[error("recipients file {path} is not UTF-8")]
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// A backup is written only to a new file, and something is already at the path.
    #[error("cannot create {path} (it must not exist yet; choose another name)")]
    OutputExists {
        /// The existing file.
        path: PathBuf,
    },
    /// The keyfile is wrapped by a key-management service and was opened without a client of it.
    #[error("{path} is a master key wrapped by Vault Transit ({wrapped_by}); set VAULT_ADDR and VAULT_TOKEN so secretctl can unwrap it")]
    NeedsUnwrap {
        /// The wrapped-key file.
        path: PathBuf,
        /// The wrapping key's URI.
        wrapped_by: String,
    },
    /// `rewrap` was asked to re-wrap a plain keyfile.
    #[error("{path} is a plain keyfile, not wrapped by Vault Transit; nothing to re-wrap")]
    NotWrapped {
        /// The keyfile.
        path: PathBuf,
    },
    /// A wrapped-key file is damaged.
    #[error("wrapped key file {path} is damaged: {reason}; restore it from a backup")]
    BadWrappedKey {
        /// The file.
        path: PathBuf,
        /// What is wrong (never key material).
        reason: String,
    },
    /// The wrapping service failed; its error (naming the address, operation and fix) is the cause.
    #[error("cannot {action} the master key in {path} with Vault Transit")]
    Wrap {
        /// `wrap`, `unwrap` or `rewrap`.
        action: &'static str,
        /// The wrapped-key file.
        path: PathBuf,
        /// The service error's kind.
        kind: secretctl_error::ErrorKind,
        /// The service's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            Self::NotFound { .. } | Self::NoSuchRetiredKey(_) => ErrorKind::NotFound,
            // A key that is not the one it claims or the operator expects, or a backup that does not decrypt.
            Self::RetiredKeyMismatch { .. }
            | Self::BackupDecrypt(_)
            | Self::KeyIdMismatch { .. } => ErrorKind::Integrity,
            Self::BadRecipient { .. } | Self::NoRecipients => ErrorKind::Usage,
            // Refusals that protect a key; each message names the flag or command that does it on purpose.
            Self::Exists { .. }
            | Self::OutputExists { .. }
            | Self::LoosePermissions { .. }
            | Self::ActiveKey(_)
            | Self::DifferentKeyExists { .. } => ErrorKind::Refused,
            Self::WrongSize { .. }
            | Self::NotAFile { .. }
            | Self::BadIndex { .. }
            | Self::BadIdentityFile { .. }
            | Self::BadBackup { .. }
            | Self::TooLarge { .. }
            | Self::NotText { .. } => ErrorKind::Invalid,
            Self::Io { source, .. } => secretctl_error::io_kind(source),
            Self::Envelope(e) => e.kind(),
            Self::BackupEncrypt(_) => ErrorKind::Other,
            Self::NeedsUnwrap { .. } | Self::NotWrapped { .. } => ErrorKind::Usage,
            Self::BadWrappedKey { .. } => ErrorKind::Invalid,
            Self::Wrap { kind, .. } => *kind,
        }
    }
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

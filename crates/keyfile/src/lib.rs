//! 32-byte master keyfile: race-free create, strict load, key ids, keyring, age backup, verified restore.
//!
//! - [`create`] writes 32 bytes from the OS CSPRNG to a new file that is mode 0400 from its first byte, in a
//!   directory created 0700, and never overwrites.
//! - [`load`] reads exactly 32 bytes and refuses a keyfile other users can read (unless explicitly allowed).
//! - [`Keyring`] is the active keyfile plus the retired keys kept next to it, with crash-safe rotation.
//! - [`backup`] writes an age file to X25519 recipients or a passphrase; [`decode_backup`] and [`restore`] bring
//!   a key back, verifying its id.
//!
//! The on-disk layout is documented in `docs/formats/keyfile.md`.
//!
//! # Examples
//! ```
//! use secretctl_keyfile::{backup, create, decode_backup, load, BackupTo, Identities, LoadOptions, Unlock};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("secretctl").join("master.key");
//! let key = create(&path)?;
//! assert_eq!(load(&path, LoadOptions::default())?.id(), key.id());
//!
//! // Back up to an age recipient, then decode the backup with the matching identity (a throwaway pair from
//! // `age-keygen`, used only here).
//! let identity = "AGE-SECRET-KEY-1T8FXX6V9R0LPKSFYW83WJMAEJCLJWHCXL225MFSH53HR5D24C22SDY5RZC";
//! let recipient = "age1dgj6llgstfvwldl0u9tvvx240n3fmtdlplmnrrl8ha9qdnr0cd5s5tcs8m".to_owned();
//! let file = backup(&key, &BackupTo::Recipients(&[recipient]), true)?;
//! let ids = Identities::parse(identity.as_bytes(), "identity.txt".as_ref())?;
//! assert_eq!(decode_backup(&file, &Unlock::Identities(&ids))?.id(), key.id());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod backup;
mod error;
mod files;
mod fs;
mod keyring;
mod wrapped;

use std::path::{Path, PathBuf};

pub use secretctl_envelope::{Key, KeyId, KEY_LEN};

pub use crate::backup::{
    backup, check_passphrase, decode_backup, export_base64, is_age, BackupTo, Identities, Unlock,
    DEFAULT_SCRYPT_WORK_FACTOR, MAX_BACKUP_BYTES, MAX_SCRYPT_WORK_FACTOR,
};
pub use crate::error::Error;
pub use crate::files::{read_backup, read_backup_file, read_recipients_file, write_backup};
pub use crate::keyring::{keyring_dir, KeyInfo, KeyState, Keyring};
pub use crate::wrapped::{
    create_wrapped, rewrap, wrapped_by, KeyWrap, Rewrapped, WrapError, WrapFailure, WrappedKey,
};

/// Where the master keyfile lives when no path is given: `/etc/secretctl/master.key` for root, otherwise
/// `$XDG_CONFIG_HOME/secretctl/master.key` (or `~/.config/secretctl/master.key`).
#[must_use]
pub fn default_path() -> PathBuf {
    if rustix::process::geteuid().is_root() {
        return PathBuf::from("/etc/secretctl/master.key");
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    config.join("secretctl").join("master.key")
}

/// How strictly to load a keyfile.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Load even when group or other users have permission bits on the keyfile (not recommended).
    pub allow_loose_permissions: bool,
}

/// Create a new keyfile at `path` holding 32 bytes from the OS CSPRNG.
///
/// The file is created with `O_CREAT|O_EXCL|O_NOFOLLOW` and mode 0400 from its first byte (set explicitly, so the
/// umask cannot change it), fsynced with its directory; missing parent directories are created 0700. An existing
/// file (or symlink) at `path` is never overwritten.
///
/// # Errors
/// [`Error::Exists`] when something is already at `path`; [`Error::Io`] for a failed directory creation or write;
/// [`Error::Envelope`] if the OS random number generator fails.
pub fn create(path: &Path) -> Result<Key, Error> {
    fs::create_private_dir(&fs::parent_of(path))?;
    let _lock = fs::Lock::acquire(path)?;
    let key = Key::try_generate()?;
    fs::write_new(path, key.expose_secret(), fs::KEY_MODE)?;
    Ok(key)
}

/// Load the keyfile at `path`.
///
/// # Errors
/// [`Error::NotFound`] (saying how to create or restore one); [`Error::WrongSize`] naming the size found;
/// [`Error::LoosePermissions`] naming the mode and the `chmod` that fixes it, unless
/// [`LoadOptions::allow_loose_permissions`]; [`Error::NotAFile`]; [`Error::Io`].
pub fn load(path: &Path, opts: LoadOptions) -> Result<Key, Error> {
    fs::read_key(path, opts.allow_loose_permissions)
}

/// What [`restore`] should check and allow.
#[derive(Debug, Default, Clone, Copy)]
pub struct RestoreOptions {
    /// Refuse the backup unless it holds the key with this id.
    pub expected_id: Option<KeyId>,
    /// Replace a different existing key (which is kept as a retired key, never deleted).
    pub force: bool,
    /// Load options for an existing keyfile.
    pub load: LoadOptions,
}

/// What [`restore`] did. Serialized as `{"status": "created" | "unchanged" | "replaced", "retired": key id or
/// null}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RestoreOutcome {
    /// There was no keyfile; it was created holding the restored key.
    Created,
    /// The keyfile already held the restored key; nothing was written.
    AlreadyPresent,
    /// The keyfile held another key, which is now retired; the restored key is active.
    Replaced {
        /// The id of the key that was active before and is now retired.
        retired: KeyId,
    },
}

impl serde::Serialize for RestoreOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let (status, retired) = match self {
            Self::Created => ("created", None),
            Self::AlreadyPresent => ("unchanged", None),
            Self::Replaced { retired } => ("replaced", Some(retired.to_string())),
        };
        let mut st = s.serialize_struct("RestoreOutcome", 2)?;
        st.serialize_field("status", status)?;
        st.serialize_field("retired", &retired)?;
        st.end()
    }
}

/// Write a restored key to `path` with the same rules as [`create`].
///
/// # Errors
/// [`Error::KeyIdMismatch`] when [`RestoreOptions::expected_id`] is set and differs (nothing is written);
/// [`Error::DifferentKeyExists`] when another key is at `path` and `force` is not set; what [`load`] reports for a
/// damaged existing keyfile; [`Error::Io`] for failed writes.
pub fn restore(path: &Path, key: Key, opts: RestoreOptions) -> Result<RestoreOutcome, Error> {
    if let Some(expected) = opts.expected_id {
        if expected != key.id() {
            return Err(Error::KeyIdMismatch {
                expected,
                found: key.id(),
            });
        }
    }
    fs::create_private_dir(&fs::parent_of(path))?;
    let lock = fs::Lock::acquire(path)?;
    let existing = match load(path, opts.load) {
        Ok(k) => k,
        Err(Error::NotFound { .. }) => {
            fs::write_new(path, key.expose_secret(), fs::KEY_MODE)?;
            return Ok(RestoreOutcome::Created);
        }
        Err(e) => return Err(e),
    };
    if existing.id() == key.id() {
        return Ok(RestoreOutcome::AlreadyPresent);
    }
    if !opts.force {
        return Err(Error::DifferentKeyExists {
            path: path.to_path_buf(),
            existing: existing.id(),
            restored: key.id(),
        });
    }
    let mut ring = Keyring::open(path, opts.load)?;
    let retired = ring.active_id();
    ring.install(key, None)?;
    drop(lock);
    Ok(RestoreOutcome::Replaced { retired })
}

#[cfg(test)]
mod tests;

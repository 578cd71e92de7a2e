//! The keyfile's files through `secretctl-fs` (checked no-follow open, the directory's lock, atomic replace that
//! cleans up), with this crate's errors.

use std::path::{Path, PathBuf};

use secretctl_envelope::{Key, KEY_LEN};
use secretctl_fs::{Owner, ReadOptions, WriteOptions};
use zeroize::Zeroizing;

use crate::Error;

/// Mode of the keyfile and of retired key files.
pub(crate) const KEY_MODE: u32 = 0o400;
/// Mode of other private files (the keyring index).
pub(crate) const PRIVATE_MODE: u32 = 0o600;
/// Mode of directories we create.
pub(crate) const DIR_MODE: u32 = 0o700;

/// A `secretctl-fs` error as this crate's: the cases callers branch on keep their own variants, the rest (a refused
/// symlink, a file of another user, a failed call) is an [`Error::Io`] whose cause says which.
pub(crate) fn from_fs(action: &'static str, e: secretctl_fs::Error) -> Error {
    match e {
        secretctl_fs::Error::NotFound { path } => Error::NotFound { path },
        secretctl_fs::Error::Exists { path } => Error::Exists { path },
        secretctl_fs::Error::NotRegular { path, .. } => Error::NotAFile { path },
        secretctl_fs::Error::Permissions { path, mode } => Error::LoosePermissions { path, mode },
        e => Error::io(action, e.path().to_path_buf(), e.into()),
    }
}

/// A write failed: even "not found" (a missing directory) is an I/O failure here, not a missing keyfile.
fn from_fs_write(action: &'static str, e: secretctl_fs::Error) -> Error {
    match e {
        secretctl_fs::Error::NotFound { path } => Error::io(
            action,
            path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ),
        e => from_fs(action, e),
    }
}

/// The directory a path is in (`.` for a bare file name).
pub(crate) fn parent_of(path: &Path) -> PathBuf {
    secretctl_fs::directory_of(path)
}

/// Create `dir` and any missing ancestors with mode 0700 (set explicitly, so the umask cannot widen or narrow it).
/// Existing directories are left as they are.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), Error> {
    secretctl_fs::create_dir(dir, &WriteOptions::new(DIR_MODE))
        .map_err(|e| from_fs_write("create directory", e))
}

/// Create `path` (which must not exist, and is never followed if it is a symlink) with `mode` from the first byte,
/// holding `bytes`, fsynced with its directory; a crash never leaves a partial file at `path`.
pub(crate) fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    secretctl_fs::create_new(path, bytes, &WriteOptions::new(mode))
        .map_err(|e| from_fs_write("create", e))
}

/// Replace `path` atomically with `bytes`, `mode` from the first byte. A crash leaves the old or the new content.
pub(crate) fn replace(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    secretctl_fs::replace(path, bytes, &WriteOptions::new(mode))
        .map_err(|e| from_fs_write("write", e))
}

/// Remove a file and fsync its directory.
pub(crate) fn remove(path: &Path) -> Result<(), Error> {
    secretctl_fs::remove(path).map_err(|e| from_fs_write("remove", e))
}

/// Read a small private file of the keyring (the index), `None` when it does not exist.
pub(crate) fn read_optional(
    path: &Path,
    max_bytes: u64,
) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    match secretctl_fs::read(path, &ReadOptions::new(max_bytes)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(secretctl_fs::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(from_fs("read", e)),
    }
}

/// Read an operator's input file (a backup, an identity, a recipients list) of at most `max_bytes`: opened like
/// every secret file (no-follow, a FIFO fails at once, checked before a byte is read); a larger file is
/// [`Error::TooLarge`].
pub(crate) fn read_input(path: &Path, max_bytes: u64) -> Result<Zeroizing<Vec<u8>>, Error> {
    secretctl_fs::read(path, &ReadOptions::new(max_bytes)).map_err(|e| match e {
        secretctl_fs::Error::TooLarge { .. } => Error::TooLarge {
            path: path.to_path_buf(),
            limit: usize::try_from(max_bytes).unwrap_or(usize::MAX),
        },
        e => from_fs("read", e),
    })
}

/// Read a 32-byte key file: a regular file (a FIFO fails at once), the caller's or root's, no group/other
/// permission bits (unless allowed), exactly 32 bytes; every check on the open descriptor, before a byte is read.
pub(crate) fn read_key(path: &Path, allow_loose: bool) -> Result<Key, Error> {
    let opts = ReadOptions::new(KEY_LEN as u64)
        .private(!allow_loose)
        .owner(Owner::CallerOrRoot);
    let bytes = secretctl_fs::read(path, &opts).map_err(|e| match e {
        secretctl_fs::Error::TooLarge { path, size, .. } => Error::WrongSize { path, size },
        e => from_fs("open", e),
    })?;
    if bytes.len() != KEY_LEN {
        return Err(Error::WrongSize {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&bytes);
    Ok(Key::from_bytes(&key))
}

/// The lock that serializes every writer of one keyfile and its keyring (create, rotate, restore, destroy) across
/// processes: `secretctl_fs::lock` of the keyfile, held until dropped.
pub(crate) struct Lock {
    _lock: secretctl_fs::Lock,
}

impl Lock {
    pub(crate) fn acquire(keyfile: &Path) -> Result<Lock, Error> {
        let lock = secretctl_fs::lock(keyfile).map_err(|e| from_fs_write("lock", e))?;
        Ok(Lock { _lock: lock })
    }
}

/// `<keyfile><suffix>` in the keyfile's directory.
pub(crate) fn sibling(keyfile: &Path, suffix: &str) -> PathBuf {
    let mut name = keyfile
        .file_name()
        .map_or_else(|| "master.key".into(), std::ffi::OsStr::to_os_string);
    name.push(suffix);
    parent_of(keyfile).join(name)
}

//! The secret-file primitives of `secretctl-fs`, with [`std::io::Result`] signatures, for callers whose errors carry
//! an [`std::io::Error`]. New code calls `secretctl_fs` directly; nothing here is implemented twice.

use std::io;
use std::path::{Path, PathBuf};

/// The lock [`lock_exclusive`] returns: `secretctl_fs::Lock`.
pub use secretctl_fs::Lock as FileLock;

/// Replace `path` atomically with `contents` ([`secretctl_fs::replace`]): mode `mode` for a new file, the existing
/// file's mode when that is stricter, its owner and group kept; a symlink at `path` is refused unless the process
/// follows same-owner links.
///
/// # Errors
/// The [`secretctl_fs::Error`] as an [`io::Error`] (its message, and its kind where one fits).
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    secretctl_fs::replace(path, contents, &secretctl_fs::WriteOptions::new(mode))
        .map_err(Into::into)
}

/// Take the lock that guards `path` ([`secretctl_fs::lock`]): every path to one file takes the same lock, and no
/// lock file is created.
///
/// # Errors
/// The [`secretctl_fs::Error`] as an [`io::Error`].
pub fn lock_exclusive(path: &Path) -> io::Result<FileLock> {
    secretctl_fs::lock(path).map_err(Into::into)
}

/// What [`lock_exclusive`]`(path)` locks, for messages: the directory that holds `path`.
#[must_use]
pub fn lock_path(path: &Path) -> PathBuf {
    secretctl_fs::directory_of(path)
}

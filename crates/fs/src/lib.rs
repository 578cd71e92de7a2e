//! Secret files on disk, done one way.
//!
//! Every file secretctl writes holds secrets (`.env`, keyfile, keyring, state, rendered manifests), and is often
//! written by root into a directory a less privileged user owns. This crate is the one implementation of the rules
//! for such files; every other crate calls it (see `docs/security.md`):
//!
//! - **Open safely** ([`read`]): `O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC`, then `fstat` on the descriptor before a
//!   byte is read: a regular file (a FIFO fails at once instead of hanging), the expected owner, no group/other
//!   bits where the file must be private, a size under the caller's limit.
//! - **Symbolic links** at a secret path are refused, naming the link and where it points, unless the policy is
//!   [`Symlinks::FollowSameOwner`] (the command line's `--follow-symlinks`) and every link on the way has the
//!   owner of the file it ends at.
//! - **One lock per file, not per path** ([`lock`]): an exclusive `flock(2)` on the directory that holds the real
//!   file, so every path to one file (through a link, a symlinked directory, `..`) takes the same lock. No lock
//!   file is created, so none is left behind and none can lock the file's owner out. The lock is reentrant within
//!   a thread.
//! - **Atomic replace that cleans up** ([`replace`], [`create_new`]): a temporary file in the same directory
//!   (exclusive, no-follow, never wider than 0600 before its final mode is set, owner and group of the file
//!   replaced), fsync, rename, fsync of the directory; the stale temporary files of a killed writer are removed
//!   by the next writer, which holds the lock. The replaced file's owner, group and mode are kept, never loosened.
//! - **Process hardening** ([`harden_process`]): no core file, no ptrace by other users.
//!
//! # Examples
//! ```
//! use secretctl_fs::{lock, read, replace, ReadOptions, WriteOptions};
//!
//! # fn main() -> Result<(), secretctl_fs::Error> {
//! let dir = tempfile::tempdir().expect("a temporary directory");
//! let path = dir.path().join(".env");
//! {
//!     // Read-modify-write under the file's lock.
//!     let _lock = lock(&path)?;
//!     let old = match read(&path, &ReadOptions::new(1 << 20)) {
//!         Ok(bytes) => bytes,
//!         Err(secretctl_fs::Error::NotFound { .. }) => Default::default(),
//!         Err(e) => return Err(e),
//!     };
//!     let mut new = old.to_vec();
//!     new.extend_from_slice(b"DB_PASSWORD=s3cret\n");
//!     replace(&path, &new, &WriteOptions::new(0o600))?;
//! }
//! assert_eq!(read(&path, &ReadOptions::new(1 << 20))?.as_slice(), b"DB_PASSWORD=s3cret\n");
//!
//! // A link where a secret file belongs is refused (by default), naming the link.
//! let link = dir.path().join("link.env");
//! std::os::unix::fs::symlink(&path, &link).expect("a symlink");
//! let err = read(&link, &ReadOptions::new(1 << 20)).unwrap_err();
//! assert!(matches!(err, secretctl_fs::Error::Symlink { .. }));
//! assert!(err.to_string().contains("link.env"));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod harden;
mod lock;
mod read;
mod resolve;
mod temp;
mod write;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use crate::error::Error;
pub use crate::harden::harden_process;
pub use crate::lock::{lock, Lock};
pub use crate::read::{open, read, Owner, ReadOptions, Reader};
pub use crate::write::{create_dir, create_new, remove, replace, WriteOptions};

/// What to do with a symbolic link where a secret file belongs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Symlinks {
    /// Refuse it, naming the link and where it points. The default.
    #[default]
    Refuse,
    /// Follow it when every link on the way has the same owner as the file it ends at (so nobody could have
    /// planted it to redirect a more privileged user); otherwise refuse, naming both owners.
    FollowSameOwner,
}

static FOLLOW_SAME_OWNER: AtomicBool = AtomicBool::new(false);

impl Symlinks {
    /// The policy of this process: what [`read`], [`lock`] and [`replace`] do when their options name none.
    /// [`Symlinks::Refuse`] unless [`Symlinks::set_process_default`] said otherwise.
    #[must_use]
    pub fn process_default() -> Symlinks {
        if FOLLOW_SAME_OWNER.load(Ordering::Relaxed) {
            Symlinks::FollowSameOwner
        } else {
            Symlinks::Refuse
        }
    }

    /// Set the policy of this process, once at start (the command line's `--follow-symlinks`).
    pub fn set_process_default(self) {
        FOLLOW_SAME_OWNER.store(self == Symlinks::FollowSameOwner, Ordering::Relaxed);
    }
}

/// The directory `path` is in (`.` for a bare file name): the directory whose lock [`lock`] takes for a path
/// that is not a followed link.
#[must_use]
pub fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` as its directory and its file name.
pub(crate) fn split(path: &Path) -> Result<(PathBuf, OsString), Error> {
    match path.file_name() {
        Some(name) => Ok((directory_of(path), name.to_os_string())),
        None => Err(Error::Io {
            path: path.to_path_buf(),
            action: "use",
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path names no file (it ends in `..` or is a root)",
            ),
        }),
    }
}

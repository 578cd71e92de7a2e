//! The one error type of this crate.

use std::io;
use std::path::{Path, PathBuf};

use secretctl_error::{ErrorKind, Kind};

/// What went wrong opening, locking or writing a secret file. Every variant names the path the caller gave (and,
/// for a link, where it points); none carries file content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing is at the path.
    #[error("{}: no such file", path.display())]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// A file that must be new is already there (a file or a link: neither is overwritten).
    #[error("{} already exists; refusing to overwrite it", path.display())]
    Exists {
        /// The path.
        path: PathBuf,
    },
    /// The path is a symbolic link and links are not followed.
    #[error(
        "{} is a symbolic link{}, and secretctl does not follow a link where a secret file belongs: name the real \
         file instead, or pass --follow-symlinks to follow a link that has the same owner as its target",
        path.display(),
        target.as_ref().map(|t| format!(" to {}", t.display())).unwrap_or_default()
    )]
    Symlink {
        /// The link.
        path: PathBuf,
        /// What it points to, when that could be read.
        target: Option<PathBuf>,
    },
    /// A followed link points to nothing: the file would be created wherever the link says.
    #[error(
        "{} is a symbolic link to {}, which does not exist; name the real file instead",
        path.display(),
        target.display()
    )]
    DanglingSymlink {
        /// The link.
        path: PathBuf,
        /// The missing file it points to.
        target: PathBuf,
    },
    /// A link and the file it ends at have different owners, so one of them could have been planted by the owner
    /// of the other to redirect secretctl.
    #[error(
        "{} is a symbolic link owned by uid {link_owner} to {}, owned by uid {target_owner}; secretctl follows a \
         link only when both have the same owner: name the real file instead",
        path.display(),
        target.display()
    )]
    SymlinkOwner {
        /// The link.
        path: PathBuf,
        /// The file it ends at.
        target: PathBuf,
        /// The owner of the link (or of the first link on the way whose owner differs).
        link_owner: u32,
        /// The owner of the file.
        target_owner: u32,
    },
    /// The path is not a regular file (a directory, a FIFO, a device, a socket).
    #[error("{} is {kind}, not a regular file", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead (`a directory`, `a FIFO`, ...).
        kind: &'static str,
    },
    /// Group or other users have permission bits on a file that must be private.
    #[error(
        "{} has mode {mode:04o}: other users have access to it; restrict it with `chmod 0600 {}`",
        path.display(),
        path.display()
    )]
    Permissions {
        /// The path.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file belongs to another user who is not root, and so could have replaced it.
    #[error(
        "{} belongs to uid {owner}, not to you (uid {caller}) or root, so that user could have replaced it; check \
         it and `chown` it, or run secretctl as its owner",
        path.display()
    )]
    Owner {
        /// The path.
        path: PathBuf,
        /// Its owner.
        owner: u32,
        /// The effective uid of this process.
        caller: u32,
    },
    /// The file is larger than anything secretctl reads at that place.
    #[error("{} is {size} bytes, more than the {limit} bytes secretctl reads there", path.display())]
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size, as far as it was read.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file changed while it was opened or read (it grew, or a followed link was re-pointed).
    #[error("{} changed while it was being read; try again", path.display())]
    Changed {
        /// The path.
        path: PathBuf,
    },
    /// An operating-system call failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done (`open`, `lock`, `rename`, ...).
        action: &'static str,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl Error {
    pub(crate) fn io(action: &'static str, path: &Path, source: impl Into<io::Error>) -> Self {
        let source = source.into();
        if source.kind() == io::ErrorKind::NotFound {
            return Self::NotFound {
                path: path.to_path_buf(),
            };
        }
        Self::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    /// The path the error is about (the one the caller gave).
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Self::NotFound { path }
            | Self::Exists { path }
            | Self::Symlink { path, .. }
            | Self::DanglingSymlink { path, .. }
            | Self::SymlinkOwner { path, .. }
            | Self::NotRegular { path, .. }
            | Self::Permissions { path, .. }
            | Self::Owner { path, .. }
            | Self::TooLarge { path, .. }
            | Self::Changed { path }
            | Self::Io { path, .. } => path,
        }
    }
}

impl Kind for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Exists { .. }
            | Self::Symlink { .. }
            | Self::DanglingSymlink { .. }
            | Self::SymlinkOwner { .. }
            | Self::Permissions { .. }
            | Self::Owner { .. } => ErrorKind::Refused,
            Self::NotRegular { .. } | Self::TooLarge { .. } => ErrorKind::Invalid,
            Self::Changed { .. } => ErrorKind::Io,
            Self::Io { source, .. } => secretctl_error::io_kind(source),
        }
    }
}

/// For callers whose errors carry an [`io::Error`]: the message is this error's, the kind the closest I/O kind,
/// and the source chain this error's.
impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        let kind = match &e {
            Error::NotFound { .. } => io::ErrorKind::NotFound,
            Error::Exists { .. } => io::ErrorKind::AlreadyExists,
            Error::Symlink { .. }
            | Error::DanglingSymlink { .. }
            | Error::SymlinkOwner { .. }
            | Error::Permissions { .. }
            | Error::Owner { .. } => io::ErrorKind::PermissionDenied,
            Error::NotRegular { .. } => io::ErrorKind::InvalidInput,
            Error::TooLarge { .. } => io::ErrorKind::FileTooLarge,
            Error::Changed { .. } => io::ErrorKind::Other,
            Error::Io { source, .. } => source.kind(),
        };
        io::Error::new(kind, e)
    }
}

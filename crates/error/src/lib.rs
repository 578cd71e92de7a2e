//! The kinds of failure every secretctl library reports.
//!
//! Each library has its own `#[non_exhaustive]` error enum (naming the file, line and key, never a value); each of
//! those implements [`Kind`], the way `std::io::Error` has `kind()`. A front end decides what a kind means to its
//! user once: the `secretctl` binary maps [`ErrorKind`] to its documented exit codes with [`ErrorKind::exit_code`],
//! and a daemon may map the same kinds to HTTP statuses. The same condition therefore gives the same kind, and the
//! same exit code, from every command that can meet it.
//!
//! # Examples
//!
//! ```
//! use secretctl_error::{ErrorKind, Kind};
//!
//! #[derive(Debug)]
//! struct NoKeyfile;
//! impl Kind for NoKeyfile {
//!     fn kind(&self) -> ErrorKind {
//!         ErrorKind::NotFound
//!     }
//! }
//! assert_eq!(NoKeyfile.kind().exit_code(), 4);
//! assert_eq!(ErrorKind::Integrity.exit_code(), 3);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;

/// What kind of failure an error is: what the caller can do about it, not where it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The thing asked for does not exist: a file, a key, a secret, a version, a store.
    NotFound,
    /// The request itself is wrong: a bad name, a flag that does not apply, a value that breaks no file rule but is
    /// not a valid argument.
    Usage,
    /// Authentication or integrity failed: tampered or mis-bound ciphertext, a wrong or unknown key, a record that
    /// does not match what was stored.
    Integrity,
    /// A policy refused the operation (a one-shot key, a value too short, an orchestrator that reads the value
    /// elsewhere); the error says how to do it on purpose.
    Refused,
    /// A file or input does not have the expected format (a .env line Compose rejects, a schema with an unknown
    /// field, a file too large).
    Invalid,
    /// The system failed: I/O, a lock, a database connection, a tool that could not run.
    Io,
    /// Anything else that is not the caller's fault.
    Other,
}

impl ErrorKind {
    /// The exit code of the `secretctl` command-line contract: 2 usage, 3 integrity, 4 not found, 1 otherwise.
    #[must_use]
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Usage => 2,
            Self::Integrity => 3,
            Self::NotFound => 4,
            Self::Refused | Self::Invalid | Self::Io | Self::Other => 1,
        }
    }

    /// A short lower-case name (`not_found`, `integrity`, ...), for JSON output and logs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Usage => "usage",
            Self::Integrity => "integrity",
            Self::Refused => "refused",
            Self::Invalid => "invalid",
            Self::Io => "io",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error that knows its [`ErrorKind`].
pub trait Kind {
    /// The kind of this failure.
    fn kind(&self) -> ErrorKind;
}

/// The kind of an I/O error: a missing file is [`ErrorKind::NotFound`], everything else [`ErrorKind::Io`].
#[must_use]
pub fn io_kind(e: &std::io::Error) -> ErrorKind {
    match e.kind() {
        std::io::ErrorKind::NotFound => ErrorKind::NotFound,
        _ => ErrorKind::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_cli_contract() {
        let all = [
            ErrorKind::NotFound,
            ErrorKind::Usage,
            ErrorKind::Integrity,
            ErrorKind::Refused,
            ErrorKind::Invalid,
            ErrorKind::Io,
            ErrorKind::Other,
        ];
        let codes: Vec<u8> = all.iter().map(|k| k.exit_code()).collect();
        assert_eq!(codes, [4, 2, 3, 1, 1, 1, 1]);
        let names: std::collections::HashSet<_> = all.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(
            io_kind(&std::io::Error::from(std::io::ErrorKind::NotFound)),
            ErrorKind::NotFound
        );
        assert_eq!(
            io_kind(&std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
            ErrorKind::Io
        );
    }
}

//! Errors. None of them carries a value or the text of a line: only paths, positions and key names.

use std::path::PathBuf;

/// What is wrong with a document that does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A key name holds a character Compose does not allow (letters, digits, `_ . - [ ]`).
    InvalidKeyCharacter,
    /// A key name holds a space (`MY KEY=value`).
    KeyContainsSpace,
    /// A quoted value has no closing quote.
    UnterminatedQuote,
    /// The file ends with `export` and white space, with no key after it.
    ExportWithoutKey,
    /// More statements than [`crate::MAX_STATEMENTS`] (it bounds the memory a hostile file can make parsing take).
    TooManyStatements,
}

impl std::fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::InvalidKeyCharacter => {
                "unexpected character in a key name (allowed: letters, digits, _ . - [ ])"
            }
            Self::KeyContainsSpace => "a key name cannot contain a space",
            Self::UnterminatedQuote => "quoted value has no closing quote",
            Self::ExportWithoutKey => "`export` with no key after it",
            Self::TooManyStatements => "more statements than secretctl reads in one file",
        })
    }
}

/// A document that Docker Compose would reject.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {kind}{}", key.as_ref().map(|k| format!(" (key {k})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    /// The key whose value is malformed, when one is known.
    pub key: Option<String>,
}

/// An edit that cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The key name is not one Compose reads back (letters, digits, `_ . - [ ]`, not empty).
    #[error("{key:?} is not a valid key name (use letters, digits and _ . - [ ])")]
    InvalidKey {
        /// The rejected name.
        key: String,
    },
    /// The key is not in the file.
    #[error("{key} is not set")]
    NotFound {
        /// The missing key.
        key: String,
    },
    /// A rename would overwrite a key that is already set.
    #[error("{key} is already set")]
    KeyExists {
        /// The key that exists.
        key: String,
    },
    /// The file ends in a way that appending a line would change how an earlier line reads (a last line without
    /// a newline that Compose reads differently once a line follows it).
    #[error("cannot add {key} without changing the last line; end the file with a newline first")]
    UnsafeAppend {
        /// The key that was being added.
        key: String,
    },
}

/// Why interpolation (`$VAR`, `${VAR:-default}`, ...) failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InterpolationError {
    /// `${VAR:?message}` or `${VAR?message}` with VAR unset (or empty, for `:?`).
    #[error("line {line}: {key} requires variable {variable}, which is not set")]
    Required {
        /// The key whose value holds the reference.
        key: String,
        /// 1-based line of that key.
        line: usize,
        /// The variable that must be set.
        variable: String,
    },
    /// A malformed reference: `${}`, `${A.B}`, `${A:x}`, an unclosed `${`.
    #[error("line {line}: the value of {key} has an invalid ${{...}} reference (write $$ for a literal $)")]
    InvalidReference {
        /// The key whose value holds the reference.
        key: String,
        /// 1-based line of that key.
        line: usize,
    },
    /// References nested deeper than we follow.
    #[error("line {line}: the value of {key} nests ${{...}} defaults more than {limit} deep")]
    TooDeep {
        /// The key whose value holds the reference.
        key: String,
        /// 1-based line of that key.
        line: usize,
        /// The nesting limit.
        limit: usize,
    },
    /// Expansion would produce more than we are willing to hold in memory.
    #[error("line {line}: the value of {key} expands to more than {limit} bytes")]
    TooLarge {
        /// The key whose value grew too large.
        key: String,
        /// 1-based line of that key.
        line: usize,
        /// The size limit in bytes.
        limit: usize,
    },
}

/// An error reading, editing or writing an envfile on disk. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read, written or locked.
    #[error("{}: cannot {action}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What we were doing ("read", "write", "lock").
        action: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not exist.
    #[error("{}: no such file", path.display())]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// The file is not UTF-8 text.
    #[error("{}: not UTF-8 text (line {line}); save it as UTF-8", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
    },
    /// The file is larger than any envfile we read.
    #[error("{}: larger than {limit} bytes; refusing to read it", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// Writing the document would make a file larger than any envfile we read; nothing was written.
    #[error("{}: refusing to write it: {size} bytes, more than secretctl reads ({limit} bytes, {} statements); nothing was written (remove keys or values that do not belong in a .env)", path.display(), crate::MAX_STATEMENTS)]
    WouldBeTooLarge {
        /// The file.
        path: PathBuf,
        /// The size it would have.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not a valid Compose envfile.
    #[error("{}: {error}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and what.
        error: ParseError,
    },
    /// An edit could not be made.
    #[error("{}: {error}", path.display())]
    Edit {
        /// The file.
        path: PathBuf,
        /// Why.
        error: EditError,
    },
    /// Interpolating the file's values failed.
    #[error("{}: {error}", path.display())]
    Interpolation {
        /// The file.
        path: PathBuf,
        /// Why.
        error: InterpolationError,
    },
}

impl secretctl_error::Kind for EditError {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            Self::InvalidKey { .. } => ErrorKind::Usage,
            Self::NotFound { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Refused,
        }
    }
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Io { source, .. } => secretctl_error::io_kind(source),
            Self::Edit { error, .. } => secretctl_error::Kind::kind(error),
            Self::WouldBeTooLarge { .. } => ErrorKind::Refused,
            Self::NotUtf8 { .. }
            | Self::TooLarge { .. }
            | Self::Parse { .. }
            | Self::Interpolation { .. } => ErrorKind::Invalid,
        }
    }
}

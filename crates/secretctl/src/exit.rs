//! Exit codes (DESIGN.md "CLI contract") and how a command attaches one to its error.

use std::fmt;

/// The documented exit codes. 0 is success and is not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// 1: an operational error (I/O, a bad file, a failed check).
    Operational = 1,
    /// 2: the command line was wrong.
    Usage = 2,
    /// 3: authentication or integrity failure (tampered ciphertext, wrong key).
    Integrity = 3,
    /// 4: the thing asked for does not exist.
    NotFound = 4,
}

/// An error tagged with the exit code the process should end with.
///
/// Its `Display` is the wrapped error's, and its `source` chain is the wrapped error's, so the one-line-per-cause
/// printing in `main` reads the same with or without a code attached.
pub struct Coded {
    pub code: Code,
    pub inner: anyhow::Error,
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl std::error::Error for Coded {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

/// Build an error that ends the process with `code`.
pub fn coded(code: Code, err: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(Coded {
        code,
        inner: err.into(),
    })
}

/// Attach an exit code to the error of a `Result`.
pub trait WithCode<T> {
    /// On error, end the process with `code`.
    fn code(self, code: Code) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> WithCode<T> for Result<T, E> {
    fn code(self, code: Code) -> anyhow::Result<T> {
        self.map_err(|e| coded(code, e))
    }
}

/// The exit code for an error: the outermost attached code, else 1.
pub fn code_of(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(c) = cause.downcast_ref::<Coded>() {
            return c.code as u8;
        }
    }
    Code::Operational as u8
}

/// True when the error is a broken pipe on stdout (`secretctl env list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

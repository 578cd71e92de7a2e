//! Exit codes (DESIGN.md "CLI contract"): every error has an [`ErrorKind`], and [`code_of`] is the one place that
//! turns a kind into the process's exit code.
//!
//! Library errors carry their kind themselves (`secretctl_error::Kind`); an error the binary makes up (a bad
//! combination of flags, a refusal phrased for the command line) is tagged with [`coded`].

use std::fmt;

pub use secretctl_error::ErrorKind;
use secretctl_error::Kind;

/// An error tagged by the binary with the kind it is.
///
/// Its `Display` is the wrapped error's, and its `source` chain is the wrapped error's, so the one-line-per-cause
/// printing in `main` reads the same with or without a kind attached.
#[derive(Debug)]
pub struct Coded {
    pub kind: ErrorKind,
    pub inner: anyhow::Error,
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Coded {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

/// Tag an error with the kind it is.
pub fn coded(kind: ErrorKind, err: impl Into<anyhow::Error>) -> anyhow::Error {
    let inner = err.into();
    anyhow::Error::new(Coded { kind, inner })
}

/// A usage error the binary phrases itself (exit 2).
pub fn usage(message: impl fmt::Display) -> anyhow::Error {
    coded(ErrorKind::Usage, anyhow::anyhow!("{message}"))
}

/// The kind of one error in a chain, when it knows it.
fn kind_of_cause(cause: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    macro_rules! library_errors {
        ($($t:ty),* $(,)?) => {
            $(if let Some(e) = cause.downcast_ref::<$t>() {
                return Some(e.kind());
            })*
        };
    }
    if let Some(c) = cause.downcast_ref::<Coded>() {
        return Some(c.kind);
    }
    // Every library error type the binary can meet; each knows its own kind.
    library_errors!(
        secretctl_envfile::Error,
        secretctl_schema::Error,
        secretctl_naming::Error,
        secretctl_instance::Error,
        secretctl_export::Error,
        secretctl_envelope::Error,
        secretctl_keyfile::Error,
        secretctl_store::Error,
        secretctl_gitops::repo::Error,
        secretctl_gitops::sops::Error,
        secretctl_fs::Error,
        secretctl_vault::Error,
    );
    None
}

/// The exit code for an error: the code of the outermost kind in its chain (a tag the binary added wins over the
/// library's), else [`ErrorKind::Other`]'s. 0 is never an error's.
pub fn code_of(err: &anyhow::Error) -> u8 {
    let kind = err.chain().find_map(kind_of_cause);
    kind.unwrap_or(ErrorKind::Other).exit_code()
}

/// The lines printed for an error: `error: ...`, then `  caused by: ...` for each cause whose text is not
/// already on a line above (many errors put their cause on their own line, and a cause is printed once).
pub fn report_lines(err: &anyhow::Error) -> Vec<String> {
    let mut lines = vec![format!("error: {err}")];
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !lines.iter().any(|l| l.contains(&text)) {
            lines.push(format!("  caused by: {text}"));
        }
    }
    lines
}

/// True when the error is a broken pipe on stdout (`secretctl env list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_is_printed_once() {
        let io = || std::io::Error::other("Permission denied");
        // A message that already says its cause: one line.
        let err = anyhow::Error::new(io()).context(format!("cannot read /srv/.env: {}", io()));
        assert_eq!(
            report_lines(&err),
            ["error: cannot read /srv/.env: Permission denied"]
        );
        // A distinct cause: its own line.
        let err = anyhow::Error::new(io()).context("cannot read /srv/.env");
        assert_eq!(
            report_lines(&err),
            [
                "error: cannot read /srv/.env",
                "  caused by: Permission denied"
            ]
        );
        // The kind of a tagged error is the tag's; of anything else, Other (exit 1).
        assert_eq!(code_of(&coded(ErrorKind::NotFound, io())), 4);
        assert_eq!(code_of(&anyhow::Error::new(io())), 1);
    }
}

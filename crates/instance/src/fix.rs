//! The command that fixes a finding or a refusal, as the operator would type it.

use std::borrow::Cow;
use std::fmt;

/// A `secretctl` command line that fixes something, with whether it reads a value on stdin. Its `Display` is
/// the command in backticks, followed by "(value on stdin)" when it needs one: exactly what a person should run.
/// Serialized as `{"command", "stdin"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    /// The command line for a POSIX shell (words quoted where needed): a `secretctl` command, or a non-secret
    /// literal piped into one (`printf 'v2' | secretctl env set ...`).
    pub command: String,
    /// The command reads the new value on stdin (`printf '%s' "$value" | <command>`).
    pub stdin: bool,
}

impl Fix {
    /// A command from its words; each word is quoted for a POSIX shell where it needs to be.
    #[must_use]
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>, stdin: bool) -> Self {
        let command = words
            .into_iter()
            .map(|w| shell_quote(w).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Self { command, stdin }
    }
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.command)?;
        if self.stdin {
            f.write_str(" (value on stdin)")?;
        }
        Ok(())
    }
}

/// `s` as one word for a POSIX shell: unchanged when it has only characters no shell treats specially, else in
/// single quotes (a `'` inside written as `'\''`).
#[must_use]
pub fn shell_quote(s: &str) -> Cow<'_, str> {
    let plain = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b'@' | b'%' | b'+' | b','
                )
        });
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', r"'\''")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("/srv/wiki/.env"), "/srv/wiki/.env");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        let fix = Fix::new(
            ["secretctl", "env", "set", "K", "--file", "/tmp/my dir/.env"],
            true,
        );
        assert_eq!(
            fix.to_string(),
            "`secretctl env set K --file '/tmp/my dir/.env'` (value on stdin)"
        );
    }
}

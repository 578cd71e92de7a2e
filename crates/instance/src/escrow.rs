//! Escrow to the operator's `pass` password store: every value secretctl generates or is given as a new version can
//! also be written to `secretctl/<instance>/<name>_v<N>` (or `secretctl/<instance>/<name>` for a key that is not
//! versioned), as Co-op Cloud's `abra … --pass` does.
//!
//! The value goes to `pass insert --multiline --force PATH` on its standard input, never on a command line; `pass`
//! finds its store and GnuPG home as it always does (`PASSWORD_STORE_DIR`, `GNUPGHOME`, …, inherited).
//!
//! **Order.** A write with escrow runs `pass` first, under the `.env`'s lock, and writes the `.env` (and the state)
//! only when `pass` succeeded. So a failed escrow leaves the `.env` as it was, and the store and the `.env` never
//! disagree silently: the worst case, the `.env` write failing after `pass` succeeded, leaves the store holding a
//! version the `.env` does not have yet, which the next attempt overwrites (`--force`) with the value it writes.

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};

use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;

use crate::{Error, Instance, ValueStore};

/// The folder of the password store secretctl writes under.
pub const PASS_PREFIX: &str = "secretctl";

/// The longest stderr excerpt of `pass` an error repeats.
const STDERR_MAX: usize = 300;

/// The `pass` command line: the program (default `pass` on `PATH`).
#[derive(Debug, Clone)]
pub struct Pass {
    program: OsString,
}

impl Default for Pass {
    fn default() -> Self {
        Self {
            program: OsString::from("pass"),
        }
    }
}

impl Pass {
    /// `pass` from `PATH`.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Another `pass` program (a full path).
    #[must_use]
    pub fn program(mut self, program: impl Into<OsString>) -> Self {
        self.program = program.into();
        self
    }

    /// Write `value` to `path` in the password store, replacing what is there: `pass insert --multiline --force
    /// PATH` with the value on stdin, byte for byte (so `pass show PATH` prints exactly the value).
    ///
    /// # Errors
    /// [`Error::Escrow`] when `pass` cannot be run or fails (its own message, which never holds the value).
    pub fn insert(&self, path: &str, value: &SecretString) -> Result<(), Error> {
        let fail = |why: String| Error::Escrow {
            path: path.chars().filter(|c| !c.is_control()).collect(),
            why,
        };
        check_entry(path).map_err(|why| fail(why.to_owned()))?;
        let mut child = Command::new(&self.program)
            .args(["insert", "--multiline", "--force", "--", path])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => fail(
                    "`pass` is not installed or not on PATH (Debian: apt install pass)".to_owned(),
                ),
                _ => fail(format!("cannot run `pass`: {e}")),
            })?;
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(value.expose_secret().as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| fail(format!("cannot run `pass`: {e}")))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let said: String = stderr
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(STDERR_MAX)
                .collect();
            return Err(fail(format!(
                "`pass insert` failed ({}): {said}",
                out.status
            )));
        }
        if let Some(Err(e)) = written {
            return Err(fail(format!("cannot hand the value to `pass`: {e}")));
        }
        Ok(())
    }
}

/// Refuse an entry name `pass` would misread or that would leave the store: empty parts, `.`, `..`, a control
/// character, a leading `-` or `/`.
fn check_entry(path: &str) -> Result<(), &'static str> {
    let bad_part = |p: &str| p.is_empty() || p == "." || p == ".." || p.starts_with('-');
    if path.split('/').any(bad_part) || path.chars().any(char::is_control) {
        return Err("an entry name is made of `/`-separated parts, none empty, `.`, `..` or starting with `-`");
    }
    Ok(())
}

/// Where a value of `key` of `instance` is escrowed: `secretctl/<instance>/<key in lower case>_v<N>` for version
/// `N` of a versioned key (its Swarm name without the stack), `secretctl/<instance>/<key in lower case>` for a key
/// that is not versioned.
///
/// # Errors
/// [`Error::Escrow`] when the instance name or the key cannot be a folder or file name of the store (`..`, `/`,
/// a control character, a leading `-`).
pub fn pass_path(instance: &str, key: &str, version: Option<u32>) -> Result<String, Error> {
    let name = match version {
        Some(n) => format!("{}_v{n}", key.to_ascii_lowercase()),
        None => key.to_ascii_lowercase(),
    };
    let path = format!("{PASS_PREFIX}/{instance}/{name}");
    for part in [instance, name.as_str()] {
        let bad = part.is_empty()
            || part == "."
            || part == ".."
            || part.starts_with('-')
            || part.contains('/')
            || part.chars().any(char::is_control);
        if bad {
            return Err(Error::Escrow {
                path: path.chars().filter(|c| !c.is_control()).collect(),
                why: "the instance name or the key cannot name an entry of the password store"
                    .to_owned(),
            });
        }
    }
    Ok(path)
}

/// One value copied to the password store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Escrowed {
    /// The `.env` key (the versioned key for a version).
    pub key: String,
    /// The version, for a versioned key.
    pub version: Option<u32>,
    /// The entry of the password store.
    pub path: String,
}

impl Instance {
    /// The name this instance's values are escrowed under.
    fn escrow_name(&self) -> Result<String, Error> {
        self.name().ok_or_else(|| Error::Escrow {
            path: format!("{PASS_PREFIX}/?"),
            why: format!(
                "{} has no instance name (set [instance] name in the schema)",
                self.env_path.display()
            ),
        })
    }

    /// Escrow one value of `key` (version `version` of a versioned key) with `pass`.
    pub(crate) fn escrow(
        &self,
        pass: &Pass,
        key: &str,
        version: Option<u32>,
        value: &SecretString,
    ) -> Result<Escrowed, Error> {
        let path = pass_path(&self.escrow_name()?, key, version)?;
        pass.insert(&path, value)?;
        Ok(Escrowed {
            key: key.to_owned(),
            version,
            path,
        })
    }

    /// Copy the current values of the instance to the password store (`secretctl escrow pass`): for each versioned
    /// key the version its pointer names, for every other secret key (every key the schema does not declare
    /// `plain`) its value. Older versions, pointers and empty values are not copied.
    ///
    /// The values of `store = true` keys are read from `store`.
    ///
    /// # Errors
    /// The `.env` cannot be read; [`Error::Naming`] for a malformed pointer; [`Error::Escrow`] when `pass` fails
    /// (the entries written before it stay); [`Error::StoreNeeded`] when the instance keeps values in the secret
    /// store and `store` is `None`.
    pub fn escrow_pass(
        &self,
        pass: &Pass,
        store: Option<&mut ValueStore>,
    ) -> Result<Vec<Escrowed>, Error> {
        let env = match store {
            Some(store) => self.env_with_stored_values(store)?,
            None if self.reads_store()? => {
                let key = self
                    .schema
                    .as_ref()
                    .and_then(|s| s.secrets().find(|spec| s.in_store(&spec.key)))
                    .map_or_else(String::new, |spec| spec.key.clone());
                return Err(Error::StoreNeeded { key });
            }
            None => self.read()?.0,
        };
        let mut done = Vec::new();
        for (key, version, value) in self.current_values(&env)? {
            done.push(self.escrow(pass, &key, version, &value)?);
        }
        Ok(done)
    }

    /// The current value of every secret key of `env`: `(key, Some(N), value)` for version N of a versioned key.
    fn current_values(
        &self,
        env: &EnvFile,
    ) -> Result<Vec<(String, Option<u32>, SecretString)>, Error> {
        let naming = |error| Error::Naming {
            path: self.env_path.clone(),
            error,
        };
        let keys = env.keys();
        let versioned: Vec<&str> = keys
            .iter()
            .filter_map(|k| pointer::pointed_key(k))
            .collect();
        let mut out = Vec::new();
        for key in &keys {
            if let Some(base) = pointer::pointed_key(key) {
                if let Some((name, Some(value))) =
                    pointer::current_value(env, base).map_err(naming)?
                {
                    if !value.is_empty() {
                        let value = SecretString::from(value.to_owned());
                        out.push((base.to_owned(), Some(name.version()), value));
                    }
                }
                continue;
            }
            let is_version =
                pointer::split_value_key(key).is_some_and(|(b, _)| versioned.contains(&b));
            if is_version || !self.is_secret(key) {
                continue;
            }
            if let Some(value) = env.get(key).filter(|v| !v.is_empty()) {
                out.push((
                    (*key).to_owned(),
                    None,
                    SecretString::from(value.to_owned()),
                ));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            pass_path("wiki", "DB_PASSWORD", Some(2)).unwrap(),
            "secretctl/wiki/db_password_v2"
        );
        assert_eq!(
            pass_path("wiki", "SMTP_PASSWORD", None).unwrap(),
            "secretctl/wiki/smtp_password"
        );
        for (instance, key) in [
            ("..", "K"),
            ("wiki", ".."),
            ("-x", "K"),
            ("a/b", "K"),
            ("w\nx", "K"),
            ("", "K"),
        ] {
            assert!(
                pass_path(instance, key, None).is_err(),
                "{instance:?} {key:?}"
            );
        }
    }

    #[test]
    fn entries_that_leave_the_store_are_refused_before_pass_runs() {
        let pass = Pass::new().program("/nonexistent/pass");
        let v = SecretString::from("v".to_owned());
        for bad in [
            "", "/abs", "a/../b", "a//b", "-x", "a/-x", "a/./b", "a\nb", "a/",
        ] {
            let err = pass.insert(bad, &v).unwrap_err();
            assert!(err.to_string().contains("parts"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn a_missing_pass_is_an_error_naming_the_fix() {
        let pass = Pass::new().program("/nonexistent/pass");
        let err = pass
            .insert("secretctl/wiki/k", &SecretString::from("v".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("apt install pass"), "{err}");
    }
}

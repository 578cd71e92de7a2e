//! The workflows that take files by path: push a host's `.env`, pull one out, encrypt or decrypt one file as
//! `sops -e`/`sops -d` do, and the two drivers git runs on its own temporary files (merge and diff textconv).
//! Each reads its inputs with the same limits and writes its outputs with the same rules: plaintext only outside
//! the working tree, mode 0600, replaced atomically.

use std::io::Read;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::{
    detect_format, merge_vars, textconv, Author, Error, Placement, PushOutcome, Repo, Result,
    MAX_FILE_BYTES,
};
use crate::sops::{self, Format, Identities, Recipient};

/// Read a text file a command was given: at most [`MAX_FILE_BYTES`], UTF-8.
///
/// # Errors
/// [`Error::Read`] (of kind not found for a missing file), [`Error::TooLarge`], [`Error::NotUtf8`].
pub fn read_text(path: &Path) -> Result<String> {
    let read_error = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut buf = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(read_error)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_owned(),
        });
    }
    String::from_utf8(buf).map_err(|e| {
        // The bytes may be a secret: wipe them rather than leave them in freed memory.
        drop(Zeroizing::new(e.into_bytes()));
        Error::NotUtf8 {
            path: path.to_owned(),
        }
    })
}

/// Replace `path` with `text`, mode 0600, atomically.
fn write_private(path: &Path, text: &[u8]) -> Result<()> {
    secretctl_envfile::fs::write_atomic(path, text, 0o600).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}

fn sops_error(path: &Path) -> impl FnOnce(sops::Error) -> Error + '_ {
    move |source| Error::Sops {
        path: path.to_owned(),
        source,
    }
}

impl Repo {
    /// [`Repo::push`] of the `.env` file at `env_path` (read with [`read_text`], wiped after use).
    ///
    /// # Errors
    /// As [`read_text`] and [`Repo::push`].
    pub fn push_file(
        &self,
        host: &str,
        env_path: &Path,
        classify: &dyn Fn(&str) -> Placement,
        ids: Option<&Identities>,
        author: Option<&Author>,
    ) -> Result<PushOutcome> {
        self.push_file_with_state(host, env_path, None, classify, ids, author)
    }

    /// [`Repo::push_file`] with the instance's state text ([`Repo::push_with_state`]).
    ///
    /// # Errors
    /// As [`Repo::push_file`].
    pub fn push_file_with_state(
        &self,
        host: &str,
        env_path: &Path,
        state: Option<&str>,
        classify: &dyn Fn(&str) -> Placement,
        ids: Option<&Identities>,
        author: Option<&Author>,
    ) -> Result<PushOutcome> {
        let env_text = Zeroizing::new(read_text(env_path)?);
        self.push_with_state(host, &env_text, env_path, state, classify, ids, author)
    }

    /// Render the host's `.env` ([`Repo::render`]) and write it to `out`: mode 0600, atomically, under the lock
    /// every writer of a `.env` takes (so a concurrent `secretctl env set` is not lost silently). An `out` inside
    /// the working tree is refused before anything is decrypted.
    ///
    /// # Errors
    /// [`Error::PlaintextInRepository`]; as [`Repo::render`]; [`Error::Write`] when `out` cannot be locked or
    /// written.
    pub fn pull(&self, host: &str, out: &Path, ids: &Identities) -> Result<()> {
        self.refuse_plaintext_at(out)?;
        let text = self.render(host, ids)?;
        let _lock = secretctl_envfile::fs::lock_exclusive(out).map_err(|source| Error::Write {
            path: secretctl_envfile::fs::lock_path(out),
            source,
        })?;
        write_private(out, text.expose_secret().as_bytes())
    }
}

/// Encrypt the plaintext file at `path` to `recipients` as `sops -e` does (its format from its name: `.env` and
/// `*.env` are dotenv, the rest YAML). Returns the encrypted text; with `in_place` the file is also replaced by it
/// (mode 0600, atomically).
///
/// # Errors
/// As [`read_text`]; [`Error::Sops`] for a file that is already encrypted or that the format cannot hold;
/// [`Error::Write`].
pub fn encrypt_file_at(path: &Path, recipients: &[Recipient], in_place: bool) -> Result<String> {
    let text = Zeroizing::new(read_text(path)?);
    let format = Format::from_path(path);
    let encrypted = sops::encrypt_file(&text, format, recipients).map_err(sops_error(path))?;
    if in_place {
        write_private(path, encrypted.as_bytes())?;
    }
    Ok(encrypted)
}

/// Decrypt the SOPS file at `path` with `ids` as `sops -d` does. Returns the plaintext; with `in_place` the file is
/// also replaced by it (mode 0600, atomically), which is refused inside a git working tree.
///
/// # Errors
/// [`Error::PlaintextInRepository`] (checked before anything is read); as [`read_text`]; [`Error::Sops`] for a
/// file that is not encrypted, does not verify, or that `ids` cannot decrypt; [`Error::Write`].
pub fn decrypt_file_at(path: &Path, ids: &Identities, in_place: bool) -> Result<SecretString> {
    if in_place {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(repo) = Repo::open(dir) {
            repo.refuse_plaintext_at(path)?;
        }
    }
    let text = read_text(path)?;
    let plain =
        sops::decrypt_file(&text, Format::from_path(path), ids).map_err(sops_error(path))?;
    if in_place {
        write_private(path, plain.expose_secret().as_bytes())?;
    }
    Ok(plain)
}

/// git's diff textconv of the vars file at `path`: key names and ciphertext digests, never values (see
/// [`textconv`]). The format is the one whose SOPS metadata the file carries, else the one its name says.
///
/// # Errors
/// As [`read_text`].
pub fn textconv_file(path: &Path) -> Result<String> {
    let text = read_text(path)?;
    let format = detect_format(&text).unwrap_or_else(|| Format::from_path(path));
    Ok(textconv(&text, format))
}

/// git's merge driver (`merge-driver %O %A %B %L %P`): merge the vars files `base`, `ours` and `theirs` per key
/// ([`merge_vars`]) and write the encrypted result over `ours`, which git then records. `path` is the file's path
/// in the repository (for its format, and errors name it); without it `ours` is named. Returns the keys both sides
/// changed differently (they keep our value); git must then mark the file conflicted.
///
/// # Errors
/// As [`read_text`] for each file; [`Error::Sops`] for a side that is not a SOPS file, that `ids` cannot decrypt or
/// that does not verify; [`Error::Write`].
pub fn merge_driver(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: Option<&Path>,
    ids: &Identities,
) -> Result<Vec<String>> {
    let (o, a, b) = (read_text(base)?, read_text(ours)?, read_text(theirs)?);
    let shown = path.unwrap_or(ours);
    let outcome =
        merge_vars(&o, &a, &b, path.map(Format::from_path), ids).map_err(sops_error(shown))?;
    // Only the encrypted result is ever written, and only to %A.
    write_private(ours, outcome.text.as_bytes())?;
    Ok(outcome.conflicts)
}

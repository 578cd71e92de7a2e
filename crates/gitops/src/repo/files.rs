//! The workflows that take files by path: push a host's `.env`, pull one out, encrypt or decrypt one file as
//! `sops -e`/`sops -d` do, and the two drivers git runs on its own temporary files (merge and diff textconv).
//! Each reads its inputs with the same limits and writes its outputs with the same rules: plaintext only outside
//! the working tree, mode 0600, replaced atomically.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::EnvFile;
use secretctl_fs::{ReadOptions, WriteOptions};
use zeroize::Zeroizing;

use super::{
    detect_format, guard, merge_vars, textconv, Author, Error, Placement, PushOutcome, Repo,
    Result, MAX_FILE_BYTES,
};
use crate::sops::{self, Format, Identities, Recipient};

/// Read a text file a command was given, as every secret file is read (`secretctl_fs::read`: no-follow open, a
/// regular file, a link only under `--follow-symlinks` with one owner): at most [`MAX_FILE_BYTES`], UTF-8.
///
/// # Errors
/// [`Error::File`] (of kind not found for a missing file; a link, a FIFO, a file too large are refused),
/// [`Error::NotUtf8`].
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = secretctl_fs::read(path, &ReadOptions::new(MAX_FILE_BYTES))
        .map_err(|source| Error::File { source })?;
    guard::utf8(bytes, path)
}

/// Replace `path` with `text`, mode 0600, atomically; refused, with nothing written, when secretctl would not
/// read the result ([`MAX_FILE_BYTES`]).
fn write_private(path: &Path, text: &[u8]) -> Result<()> {
    super::check_size(path, text.len())?;
    secretctl_fs::replace(path, text, &WriteOptions::new(0o600))
        .map_err(|source| Error::File { source })
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
    /// every writer of a `.env` takes (so a concurrent `secretctl env set` is not lost silently). An `out` whose
    /// real location is inside a gitops working tree is refused before anything is decrypted
    /// ([`Repo::refuse_plaintext_at`]). An existing `out` holding values the repository never held for the host
    /// (changes never pushed) is not overwritten: [`Error::UnpushedChanges`] lists their keys.
    ///
    /// # Errors
    /// As [`Repo::pull_with`] without `force`.
    pub fn pull(&self, host: &str, out: &Path, ids: &Identities) -> Result<()> {
        self.pull_with(host, out, ids, false)
    }

    /// [`Repo::pull`]; with `force`, values never pushed are overwritten too.
    ///
    /// # Errors
    /// [`Error::PlaintextInRepository`]; as [`Repo::render`]; [`Error::UnpushedChanges`] (without `force`);
    /// [`Error::EnvParse`] for an existing `out` that is not a `.env` (without `force`); [`Error::File`] when
    /// `out` cannot be read, locked or written.
    pub fn pull_with(&self, host: &str, out: &Path, ids: &Identities, force: bool) -> Result<()> {
        self.refuse_plaintext_at(out)?;
        let text = self.render(host, ids)?;
        let _lock = secretctl_fs::lock(out).map_err(|source| Error::File { source })?;
        if !force {
            self.refuse_unpushed(host, out, &text, ids)?;
        }
        write_private(out, text.expose_secret().as_bytes())
    }

    /// Refuse to overwrite `out` when it holds values the repository never held for `host`.
    fn refuse_unpushed(
        &self,
        host: &str,
        out: &Path,
        text: &SecretString,
        ids: &Identities,
    ) -> Result<()> {
        let bytes = match secretctl_fs::read(out, &ReadOptions::new(MAX_FILE_BYTES)) {
            Ok(b) => b,
            Err(secretctl_fs::Error::NotFound { .. }) => return Ok(()),
            Err(source) => return Err(Error::File { source }),
        };
        let existing = std::str::from_utf8(&bytes).map_err(|_| Error::NotUtf8 {
            path: out.to_owned(),
        })?;
        if existing == text.expose_secret() {
            return Ok(());
        }
        let local = EnvFile::parse(existing).map_err(|source| Error::EnvParse {
            path: out.to_owned(),
            source,
        })?;
        let keys = self.unpushed_keys(host, &local, text, ids)?;
        if keys.is_empty() {
            return Ok(());
        }
        Err(Error::UnpushedChanges {
            path: out.to_owned(),
            host: host.to_owned(),
            keys,
            repo: self.root.clone(),
        })
    }
}

/// Encrypt the plaintext file at `path` to `recipients` as `sops -e` does: read as `formats.input`, written as
/// `formats.output` (each by default the format sops gives the file's name, [`Format::detect`]). Returns the
/// encrypted text; with `in_place` the file is also replaced by it (mode 0600, atomically).
///
/// # Errors
/// As [`read_text`]; [`Error::Sops`] for a file that is already encrypted or that the format cannot hold;
/// [`Error::File`].
pub fn encrypt_file_at(
    path: &Path,
    recipients: &[Recipient],
    in_place: bool,
    formats: sops::Formats,
) -> Result<String> {
    let keys = sops::MasterKeys {
        age: recipients.to_vec(),
        ..sops::MasterKeys::default()
    };
    encrypt_file_at_to(path, &keys, in_place, formats)
}

/// [`encrypt_file_at`] to age recipients and Vault Transit keys (`sops -e --age … --hc-vault-transit …`).
///
/// # Errors
/// As [`encrypt_file_at`]; [`Error::Sops`] when Vault does not wrap the data key.
pub fn encrypt_file_at_to(
    path: &Path,
    keys: &sops::MasterKeys,
    in_place: bool,
    formats: sops::Formats,
) -> Result<String> {
    encrypt_with(
        path,
        keys,
        &sops::EncryptOptions::default(),
        in_place,
        formats,
    )
}

fn encrypt_with(
    path: &Path,
    keys: &sops::MasterKeys,
    opts: &sops::EncryptOptions,
    in_place: bool,
    formats: sops::Formats,
) -> Result<String> {
    let text = Zeroizing::new(read_text(path)?);
    let (input, output) = formats.for_path(path);
    let encrypted =
        sops::encrypt_file_to(&text, input, output, keys, opts).map_err(sops_error(path))?;
    // Also without --in-place: what `gitops encrypt` prints, `gitops decrypt` must read.
    super::check_size(path, encrypted.len())?;
    if in_place {
        write_private(path, encrypted.as_bytes())?;
    }
    Ok(encrypted)
}

impl Repo {
    /// The path sops matches a creation rule's `path_regex` against for the file at `path`: relative to the
    /// directory of `.sops.yaml` (the root) when the file is below it, else absolute (sops trims the config's
    /// directory from the absolute path, and matches what remains).
    #[must_use]
    pub fn rule_path(&self, path: &Path) -> String {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        // The root git reports is canonical; the file's directory may be reached through a link.
        let real = abs
            .parent()
            .and_then(|d| d.canonicalize().ok())
            .zip(abs.file_name())
            .map(|(d, n)| d.join(n));
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        for candidate in [Some(&abs), real.as_ref()].into_iter().flatten() {
            for base in [&self.root, &root] {
                if let Ok(rel) = candidate.strip_prefix(base) {
                    return rel.to_string_lossy().into_owned();
                }
            }
        }
        abs.to_string_lossy().into_owned()
    }

    /// Encrypt the plaintext file at `path` as `sops -e` does in this repository: to the recipients of the first
    /// `.sops.yaml` creation rule that matches it ([`Repo::rule_path`]), with that rule's crypt rule
    /// (`encrypted_regex`, `encrypted_suffix`, `unencrypted_suffix`) and `mac_only_encrypted`. Returns the
    /// encrypted text, read and written as `formats` says; with `in_place` the file is also replaced by it (mode 0600,
    /// atomically).
    ///
    /// # Errors
    /// [`Error::NoCreationRule`], [`Error::NoRecipients`], [`Error::SopsConfig`],
    /// [`Error::SopsConfigUnsupported`] (another master key type, several key groups, `unencrypted_regex` or a
    /// comment rule); as [`encrypt_file_at`].
    pub fn encrypt_file(
        &self,
        path: &Path,
        in_place: bool,
        formats: sops::Formats,
    ) -> Result<String> {
        let config = self.sops_config()?;
        let rel = self.rule_path(path);
        let rule = self.file_rule_for(&config, Path::new(&rel))?;
        let opts = rule
            .encrypt_options()
            .map_err(|e| super::config_error(&self.root.join(super::SOPS_CONFIG), e))?;
        encrypt_with(path, &rule.master_keys(), &opts, in_place, formats)
    }
}

/// Decrypt the SOPS file at `path` with `ids` as `sops -d` does, read as `formats.input` and written as
/// `formats.output` (each by default [`Format::detect`] of its name). Returns the plaintext; with `in_place` the file is
/// also replaced by it (mode 0600, atomically), which is refused when the file it really is (every link followed)
/// is inside a git working tree.
///
/// # Errors
/// [`Error::PlaintextInRepository`] (checked before anything is read); as [`read_text`]; [`Error::Sops`] for a
/// file that is not encrypted, does not verify, or that `ids` cannot decrypt; [`Error::File`].
pub fn decrypt_file_at(
    path: &Path,
    ids: &Identities,
    in_place: bool,
    formats: sops::Formats,
) -> Result<SecretString> {
    decrypt_file_at_using(path, sops::Unwrap::age(ids), in_place, formats)
}

/// [`decrypt_file_at`] with the data key unwrapped by what `unwrap` allows: age identities and, with
/// [`sops::Unwrap::with_vault`], the file's `hc_vault` Transit keys through Vault (`sops -d` of a file encrypted
/// with `--hc-vault-transit`).
///
/// # Errors
/// As [`decrypt_file_at`]; [`Error::Sops`] naming what was tried when no master key unwraps the data key.
pub fn decrypt_file_at_using(
    path: &Path,
    unwrap: sops::Unwrap<'_>,
    in_place: bool,
    formats: sops::Formats,
) -> Result<SecretString> {
    if in_place {
        // Where the file really is (a link outside the tree may point at a tracked vars file).
        let unresolvable = guard::real_destination(path).is_none();
        if unresolvable || guard::git_working_tree_of(path).is_some() {
            return Err(Error::PlaintextInRepository {
                path: path.to_owned(),
            });
        }
    }
    let text = read_text(path)?;
    let (input, output) = formats.for_path(path);
    let plain = sops::decrypt_file_using(&text, input, output, unwrap).map_err(sops_error(path))?;
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
/// in the repository (for its format, and errors name it); without it `ours` is named.
///
/// When both sides changed keys differently, the result (our value for those keys, the merged value of every other)
/// is written all the same and [`Error::MergeConflict`] returned: the driver then exits non-zero, git marks the
/// file conflicted, and the error's message gives the commands that resolve it, for the repository git runs the
/// driver in (the one holding `ours`).
///
/// # Errors
/// As [`read_text`] for each file; [`Error::Sops`] for a side that is not a SOPS file, that `ids` cannot decrypt or
/// that does not verify; [`Error::File`]; [`Error::MergeConflict`] (after writing).
pub fn merge_driver(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: Option<&Path>,
    ids: &Identities,
) -> Result<()> {
    let (o, a, b) = (read_text(base)?, read_text(ours)?, read_text(theirs)?);
    let shown = path.unwrap_or(ours);
    let outcome =
        merge_vars(&o, &a, &b, path.map(Format::from_path), ids).map_err(sops_error(shown))?;
    // Only the encrypted result is ever written, and only to %A.
    write_private(ours, outcome.text.as_bytes())?;
    if outcome.conflicts.is_empty() {
        return Ok(());
    }
    let repo = git2::Repository::discover(secretctl_fs::directory_of(ours))
        .ok()
        .and_then(|r| r.workdir().map(Path::to_path_buf));
    Err(Error::MergeConflict {
        path: shown.to_owned(),
        keys: outcome.conflicts,
        repo: path.and(repo),
    })
}

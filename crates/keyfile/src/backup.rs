//! Backups of a key: age files to X25519 recipients or to a passphrase (readable by the reference `age` tool),
//! and a raw base64 export for operators who explicitly ask for it. Decoding is free of side effects.

use std::fmt;
use std::io::{Read, Write};
use std::iter;
use std::path::Path;
use std::str::FromStr;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use secretctl_envelope::{Key, KEY_LEN};
use zeroize::Zeroizing;

use crate::Error;

/// Largest backup we decode. An armored age file of a 32-byte key to many recipients is a few KiB.
pub const MAX_BACKUP_BYTES: usize = 64 * 1024;
/// scrypt work factor (log2 N) of passphrase backups: 18, the reference `age` tool's choice.
pub const DEFAULT_SCRYPT_WORK_FACTOR: u8 = 18;
/// Highest scrypt work factor we accept when decrypting, so a hostile backup cannot demand unbounded memory and
/// time (2^20 needs 1 GiB).
pub const MAX_SCRYPT_WORK_FACTOR: u8 = 20;

/// Whom a backup is encrypted to.
pub enum BackupTo<'a> {
    /// One or more age X25519 recipients (`age1...`).
    Recipients(&'a [String]),
    /// A passphrase (age scrypt recipient). `work_factor` is log2 of scrypt's N; `None` means
    /// [`DEFAULT_SCRYPT_WORK_FACTOR`].
    Passphrase {
        /// The passphrase.
        passphrase: &'a SecretString,
        /// log2 of scrypt's N.
        work_factor: Option<u8>,
    },
}

impl fmt::Debug for BackupTo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupTo::Recipients(r) => f.debug_tuple("Recipients").field(r).finish(),
            BackupTo::Passphrase { work_factor, .. } => f
                .debug_struct("Passphrase")
                .field("work_factor", work_factor)
                .finish_non_exhaustive(),
        }
    }
}

/// Encrypt the key's 32 bytes to an age file. `armor` selects the PEM-like ASCII armor (the default in the CLI),
/// which survives copy and paste into a password manager or a cloud secret manager.
///
/// # Errors
/// [`Error::NoRecipients`] for an empty recipient list; [`Error::BadRecipient`] for a recipient that is not
/// `age1...`; [`Error::BackupEncrypt`] if age fails.
pub fn backup(key: &Key, to: &BackupTo<'_>, armor: bool) -> Result<Vec<u8>, Error> {
    let encryptor = match to {
        BackupTo::Recipients(list) => {
            if list.is_empty() {
                return Err(Error::NoRecipients);
            }
            let parsed = list
                .iter()
                .map(|r| {
                    age::x25519::Recipient::from_str(r.trim()).map_err(|reason| {
                        Error::BadRecipient {
                            recipient: r.clone(),
                            reason: reason.to_owned(),
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| Error::BackupEncrypt(e.to_string()))?
        }
        BackupTo::Passphrase {
            passphrase,
            work_factor,
        } => {
            let mut r = age::scrypt::Recipient::new((*passphrase).clone());
            r.set_work_factor(work_factor.unwrap_or(DEFAULT_SCRYPT_WORK_FACTOR));
            age::Encryptor::with_recipients(iter::once(&r as &dyn age::Recipient))
                .map_err(|e| Error::BackupEncrypt(e.to_string()))?
        }
    };
    let format = if armor {
        Format::AsciiArmor
    } else {
        Format::Binary
    };
    let io_err = |e: std::io::Error| Error::BackupEncrypt(e.to_string());
    let out = ArmoredWriter::wrap_output(Vec::new(), format).map_err(io_err)?;
    let mut w = encryptor.wrap_output(out).map_err(io_err)?;
    w.write_all(key.expose_secret()).map_err(io_err)?;
    let out = w.finish().map_err(io_err)?;
    out.finish().map_err(io_err)
}

/// The key as standard base64 (44 characters with padding). Anyone who sees it has the key: the CLI offers this
/// only behind an explicit flag, with a warning.
#[must_use]
pub fn export_base64(key: &Key) -> SecretString {
    SecretString::from(base64::engine::general_purpose::STANDARD.encode(key.expose_secret()))
}

/// The X25519 identities of an age identity file (as written by `age-keygen`). Never shown by `Debug`.
pub struct Identities(Vec<Box<dyn age::Identity>>);

impl Identities {
    /// Parse an age identity file's contents. `path` only names the file in errors.
    ///
    /// # Errors
    /// [`Error::BadIdentityFile`] when the contents are not an identity file or hold no identity.
    pub fn parse(contents: &[u8], path: &Path) -> Result<Identities, Error> {
        let bad = |reason: String| Error::BadIdentityFile {
            path: path.to_path_buf(),
            reason,
        };
        if contents.len() > MAX_BACKUP_BYTES {
            return Err(bad(format!("larger than {MAX_BACKUP_BYTES} bytes")));
        }
        let file = age::IdentityFile::from_buffer(contents).map_err(|e| bad(e.to_string()))?;
        let ids = file.into_identities().map_err(|e| bad(e.to_string()))?;
        if ids.is_empty() {
            return Err(bad("it holds no identity".to_owned()));
        }
        Ok(Identities(ids))
    }
}

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identities").finish_non_exhaustive()
    }
}

/// How to read a backup.
#[derive(Debug)]
pub enum Unlock<'a> {
    /// An age file encrypted to one of these X25519 identities.
    Identities(&'a Identities),
    /// An age file encrypted to this passphrase.
    Passphrase(&'a SecretString),
    /// A raw base64 export (surrounding whitespace ignored).
    Base64,
}

/// True when `data` looks like an age file (binary or armored).
#[must_use]
pub fn is_age(data: &[u8]) -> bool {
    let trimmed = data.trim_ascii_start();
    trimmed.starts_with(b"age-encryption.org/")
        || trimmed.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

/// Decode a backup into the key it holds. No side effects; the input is treated as hostile.
///
/// # Errors
/// [`Error::BadBackup`] for input that is not a backup of a 32-byte key or that needs the other kind of unlock;
/// [`Error::BackupDecrypt`] when age cannot decrypt it with what was given (wrong passphrase or identity, or a
/// damaged file).
pub fn decode_backup(data: &[u8], unlock: &Unlock<'_>) -> Result<Key, Error> {
    if data.len() > MAX_BACKUP_BYTES {
        return Err(Error::BadBackup {
            reason: format!("larger than {MAX_BACKUP_BYTES} bytes"),
        });
    }
    match unlock {
        Unlock::Base64 => decode_base64(data),
        Unlock::Identities(ids) => decode_age(data, false, ids.0.iter().map(|i| i.as_ref())),
        Unlock::Passphrase(p) => {
            let mut id = age::scrypt::Identity::new((*p).clone());
            id.set_max_work_factor(MAX_SCRYPT_WORK_FACTOR);
            decode_age(data, true, iter::once(&id as &dyn age::Identity))
        }
    }
}

fn decode_base64(data: &[u8]) -> Result<Key, Error> {
    let text = Zeroizing::new(data.trim_ascii().to_vec());
    let bad = || Error::BadBackup {
        reason: "not the base64 of a 32-byte key (expected 44 characters of standard base64)"
            .to_owned(),
    };
    let mut key = Zeroizing::new([0u8; KEY_LEN + 3]);
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(text.as_slice(), key.as_mut_slice())
        .map_err(|_| bad())?;
    if n != KEY_LEN {
        return Err(bad());
    }
    let mut exact = Zeroizing::new([0u8; KEY_LEN]);
    exact.copy_from_slice(&key[..KEY_LEN]);
    Ok(Key::from_bytes(&exact))
}

fn decode_age<'a>(
    data: &[u8],
    want_scrypt: bool,
    identities: impl Iterator<Item = &'a dyn age::Identity>,
) -> Result<Key, Error> {
    if !is_age(data) {
        return Err(Error::BadBackup {
            reason: "not an age file (no age header or armor)".to_owned(),
        });
    }
    let decryptor = age::Decryptor::new_buffered(ArmoredReader::new(data.trim_ascii_start()))
        .map_err(Error::BackupDecrypt)?;
    match (decryptor.is_scrypt(), want_scrypt) {
        (true, false) => {
            return Err(Error::BadBackup {
                reason: "it is encrypted to a passphrase; use --passphrase or --passphrase-file"
                    .to_owned(),
            })
        }
        (false, true) => {
            return Err(Error::BadBackup {
                reason: "it is encrypted to age recipients, not a passphrase; use --identity"
                    .to_owned(),
            })
        }
        _ => {}
    }
    let mut reader = decryptor
        .decrypt(identities)
        .map_err(Error::BackupDecrypt)?;
    // Read one byte past a key, so a longer payload is caught without reading it all.
    let mut buf = Zeroizing::new([0u8; KEY_LEN + 1]);
    let mut n = 0;
    loop {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => {
                n += k;
                if n == buf.len() {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(Error::BadBackup {
                    reason: format!("the age payload is damaged: {e}"),
                })
            }
        }
    }
    if n != KEY_LEN {
        return Err(Error::BadBackup {
            reason: if n > KEY_LEN {
                "it holds more than 32 bytes; it is not a key backup".to_owned()
            } else {
                format!("it holds {n} bytes, not a 32-byte key")
            },
        });
    }
    let mut exact = Zeroizing::new([0u8; KEY_LEN]);
    exact.copy_from_slice(&buf[..KEY_LEN]);
    Ok(Key::from_bytes(&exact))
}

/// Ensure a passphrase is usable before encrypting to it.
///
/// # Errors
/// [`Error::BackupEncrypt`] for an empty passphrase.
pub fn check_passphrase(p: &SecretString) -> Result<(), Error> {
    if p.expose_secret().is_empty() {
        return Err(Error::BackupEncrypt("the passphrase is empty".to_owned()));
    }
    Ok(())
}

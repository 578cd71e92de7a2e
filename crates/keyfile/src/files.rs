//! The operator's files around a backup: reading a backup, identity or recipients file (bounded, since each may
//! be anything a user points at), and writing a backup to a new private file.

use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::backup::{Identities, MAX_BACKUP_BYTES};
use crate::fs;
use crate::Error;

/// Read a backup (or identity) from `r`, refusing more than [`MAX_BACKUP_BYTES`]. `source` names the input in
/// errors (`stdin` for standard input).
///
/// # Errors
/// [`Error::Io`] when reading fails; [`Error::TooLarge`] past the limit.
pub fn read_backup(r: impl Read, source: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut buf = Zeroizing::new(Vec::new());
    r.take(MAX_BACKUP_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("read", source, e))?;
    if buf.len() > MAX_BACKUP_BYTES {
        return Err(Error::TooLarge {
            path: source.to_path_buf(),
            limit: MAX_BACKUP_BYTES,
        });
    }
    Ok(buf)
}

/// Read a backup (or identity) file, refusing more than [`MAX_BACKUP_BYTES`].
///
/// # Errors
/// [`Error::Io`] when the file cannot be opened or read (a missing file is [`ErrorKind::NotFound`]);
/// [`Error::TooLarge`].
///
/// [`ErrorKind::NotFound`]: secretctl_error::ErrorKind::NotFound
pub fn read_backup_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
    fs::read_input(path, MAX_BACKUP_BYTES as u64)
}

/// The recipients listed in a file, one per line; blank lines and `#` comments are skipped (the format of
/// `age -R`). The recipients are checked when the backup is made.
///
/// # Errors
/// As [`read_backup_file`]; [`Error::NotText`] when the file is not UTF-8.
pub fn read_recipients_file(path: &Path) -> Result<Vec<String>, Error> {
    let bytes = read_backup_file(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::NotText {
        path: path.to_path_buf(),
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

impl Identities {
    /// The identities of one or more age identity files (as written by `age-keygen`), read together. Errors name
    /// the first file.
    ///
    /// # Errors
    /// As [`read_backup_file`] for each file; [`Error::BadIdentityFile`] when they hold no valid identity.
    pub fn from_files(paths: &[PathBuf]) -> Result<Identities, Error> {
        let mut all = Zeroizing::new(Vec::new());
        for path in paths {
            all.extend_from_slice(&read_backup_file(path)?);
            all.push(b'\n');
        }
        let name = paths.first().map_or_else(PathBuf::new, Clone::clone);
        Identities::parse(&all, &name)
    }
}

/// Write a backup to a new file at `path`: mode 0600 from the first byte, never over an existing file or through
/// a symlink, fsynced with its directory.
///
/// # Errors
/// [`Error::OutputExists`] when something is at `path`; [`Error::Io`] for a failed write.
pub fn write_backup(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    fs::write_new(path, bytes, fs::PRIVATE_MODE).map_err(|e| match e {
        Error::Exists { path } => Error::OutputExists { path },
        e => e,
    })
}

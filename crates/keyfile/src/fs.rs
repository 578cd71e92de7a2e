//! File primitives with the project's rules for secret files: created with their final mode from the first byte,
//! never through a symlink, fsynced with their directory, replaced atomically, serialized by a lock.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};
use secretctl_envelope::{Key, KEY_LEN};
use zeroize::Zeroizing;

use crate::Error;

/// Mode of the keyfile and of retired key files.
pub(crate) const KEY_MODE: u32 = 0o400;
/// Mode of other private files (the keyring index, the lock file).
pub(crate) const PRIVATE_MODE: u32 = 0o600;
/// Mode of directories we create.
pub(crate) const DIR_MODE: u32 = 0o700;

/// The directory a path is in (`.` for a bare file name).
pub(crate) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Create `dir` and any missing ancestors with mode 0700 (set explicitly, so the umask cannot widen or narrow it).
/// Existing directories are left as they are.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    for d in missing.iter().rev() {
        match fs::DirBuilder::new().mode(DIR_MODE).create(d) {
            Ok(()) => {
                fs::set_permissions(d, Permissions::from_mode(DIR_MODE))
                    .map_err(|e| Error::io("set permissions on", d, e))?;
                if let Some(parent) = d.parent() {
                    fsync_dir(&parent_of_dir(parent))?;
                }
            }
            // Another process made it between our check and our mkdir: fine, it is there now.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io("create directory", d, e)),
        }
    }
    Ok(())
}

fn parent_of_dir(p: &Path) -> PathBuf {
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p.to_path_buf()
    }
}

/// fsync a directory so that a rename or create inside it is durable.
pub(crate) fn fsync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("fsync directory", dir, e))
}

fn open_new(path: &Path, mode: u32) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(libc_o_nofollow() | libc_o_cloexec())
        .open(path)
}

// The constants are the Linux/BSD values; rustix exposes them as typed flags, which OpenOptions does not take.
fn libc_o_nofollow() -> i32 {
    i32::try_from(rustix::fs::OFlags::NOFOLLOW.bits()).unwrap_or(0)
}

fn libc_o_cloexec() -> i32 {
    i32::try_from(rustix::fs::OFlags::CLOEXEC.bits()).unwrap_or(0)
}

/// Create `path` (which must not exist, and is never followed if it is a symlink) with `mode` from the first byte,
/// holding `bytes`, fsynced with its directory. The content is written and synced under a temporary name first and
/// then hard-linked into place (link(2) refuses an existing target), so a crash never leaves a partial file at
/// `path`. On filesystems without hard links it falls back to writing `path` directly with `O_EXCL`.
pub(crate) fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    let exists = || Error::Exists {
        path: path.to_path_buf(),
    };
    if fs::symlink_metadata(path).is_ok() {
        return Err(exists());
    }
    let dir = parent_of(path);
    let tmp = temp_name(path);
    write_new_no_dir_sync(&tmp, bytes, mode)?;
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
        Err(_) => write_new_direct(path, bytes, mode)?,
    }
    fsync_dir(&dir)
}

fn write_new_direct(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    create_and_write(path, bytes, mode, |e| match e.kind() {
        io::ErrorKind::AlreadyExists => Error::Exists {
            path: path.to_path_buf(),
        },
        _ => Error::io("create", path, e),
    })
}

/// A fresh temporary name next to `path`: `.<name>.tmp.<random>`, which keyring loading ignores.
fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    parent_of(path).join(format!(".{name}.tmp.{:016x}", OsRng.next_u64()))
}

/// Replace `path` atomically with `bytes`: a temporary file in the same directory with `mode` from the first byte,
/// fsync, rename over `path`, fsync the directory. A crash leaves either the old or the new content.
pub(crate) fn replace(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    let dir = parent_of(path);
    let tmp = temp_name(path);
    write_new_no_dir_sync(&tmp, bytes, mode)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io("rename into place", path, e));
    }
    fsync_dir(&dir)
}

fn write_new_no_dir_sync(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    create_and_write(path, bytes, mode, |e| Error::io("create", path, e))
}

/// Create `path` (create-new, no-follow, `mode` from the first byte), write `bytes` and fsync; on a failed write the
/// partial file is removed. `open_error` turns a failure to create the file into the caller's error.
fn create_and_write(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    open_error: impl FnOnce(io::Error) -> Error,
) -> Result<(), Error> {
    let mut f = open_new(path, mode).map_err(open_error)?;
    let written = f
        .set_permissions(Permissions::from_mode(mode))
        .and_then(|()| f.write_all(bytes))
        .and_then(|()| f.sync_all());
    if let Err(e) = written {
        drop(f);
        let _ = fs::remove_file(path);
        return Err(Error::io("write", path, e));
    }
    Ok(())
}

/// Remove a file and fsync its directory.
pub(crate) fn remove(path: &Path) -> Result<(), Error> {
    fs::remove_file(path).map_err(|e| Error::io("remove", path, e))?;
    fsync_dir(&parent_of(path))
}

/// Read a 32-byte key file, checking that it is a regular file, has no group/other permission bits (unless
/// allowed) and is exactly 32 bytes.
pub(crate) fn read_key(path: &Path, allow_loose: bool) -> Result<Key, Error> {
    let mut f = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => Error::io("open", path, e),
    })?;
    // Checks are made on the open descriptor, so the file cannot be swapped between check and read.
    let meta = f.metadata().map_err(|e| Error::io("stat", path, e))?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 && !allow_loose {
        return Err(Error::LoosePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    if meta.len() != KEY_LEN as u64 {
        return Err(Error::WrongSize {
            path: path.to_path_buf(),
            size: meta.len(),
        });
    }
    // Read one byte more than a key so a file that grew after the stat is still caught.
    let mut buf = Zeroizing::new([0u8; KEY_LEN + 1]);
    let mut n = 0;
    loop {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => {
                n += k;
                if n == buf.len() {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    if n != KEY_LEN {
        return Err(Error::WrongSize {
            path: path.to_path_buf(),
            size: n as u64,
        });
    }
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&buf[..KEY_LEN]);
    Ok(Key::from_bytes(&key))
}

/// An exclusive advisory lock on `<keyfile>.lock`, held until dropped. Serializes every writer of one keyfile
/// and its keyring (create, rotate, restore, destroy) across processes.
pub(crate) struct Lock {
    _file: File,
}

impl Lock {
    pub(crate) fn acquire(keyfile: &Path) -> Result<Lock, Error> {
        let path = lock_path(keyfile);
        create_private_dir(&parent_of(&path))?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(PRIVATE_MODE)
            .custom_flags(libc_o_nofollow() | libc_o_cloexec())
            .open(&path)
            .map_err(|e| Error::io("open lock file", &path, e))?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| Error::io("lock", &path, e.into()))?;
        Ok(Lock { _file: file })
    }
}

/// `<keyfile>.lock`.
pub(crate) fn lock_path(keyfile: &Path) -> PathBuf {
    sibling(keyfile, ".lock")
}

/// `<keyfile><suffix>` in the keyfile's directory.
pub(crate) fn sibling(keyfile: &Path, suffix: &str) -> PathBuf {
    let mut name = keyfile
        .file_name()
        .map_or_else(|| "master.key".into(), std::ffi::OsStr::to_os_string);
    name.push(suffix);
    parent_of(keyfile).join(name)
}

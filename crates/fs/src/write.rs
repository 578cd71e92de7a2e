//! Atomic replace, exclusive create, removal and private directories, all under the directory's lock.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::Path;

use rustix::fs::{AtFlags, FileType, Gid, Mode, OFlags, Uid};

use crate::lock::{lock_dir, Lock};
use crate::read::not_regular_kind;
use crate::resolve::resolve;
use crate::temp::{remove_stale_temps, Temp};
use crate::{directory_of, split, Error, Symlinks};

/// How [`replace`], [`create_new`] and [`create_dir`] write.
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct WriteOptions {
    mode: u32,
    owner: Option<(u32, u32)>,
    symlinks: Option<Symlinks>,
}

impl WriteOptions {
    /// Permission bits `mode` (whatever the umask) for a new file; a file that is replaced keeps its own mode when
    /// that is stricter (the two are intersected, so a mode is never loosened). New files belong to the owner and
    /// group of their directory (when this process may give a file away, that is when it runs as root).
    pub fn new(mode: u32) -> Self {
        Self {
            mode: mode & 0o777,
            owner: None,
            symlinks: None,
        }
    }

    /// Give a new file (or directory) this owner and group instead of its directory's (root only; others keep
    /// their own files). A replaced file keeps its owner whatever this says.
    pub fn owner(self, uid: u32, gid: u32) -> Self {
        Self {
            owner: Some((uid, gid)),
            ..self
        }
    }

    /// This symlink policy instead of the process's ([`Symlinks::process_default`]).
    pub fn symlinks(self, symlinks: Symlinks) -> Self {
        Self {
            symlinks: Some(symlinks),
            ..self
        }
    }
}

/// Replace the file at `path` atomically with `contents` (creating it if missing).
///
/// Under the lock of its directory: stale temporary files a killed writer left for this file are removed; a new
/// temporary file is created in the same directory (`O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC`, never wider than
/// 0600 while it is written), given the owner and group of the file it replaces and its final mode, written,
/// fsynced and renamed over `path`; then the directory is fsynced. A reader sees the old file or the new one,
/// never a mix, and a crash at any point leaves one of them. Under [`Symlinks::FollowSameOwner`] a link is
/// followed and the file it ends at is replaced; otherwise a link at `path` is refused.
///
/// # Errors
/// The symlink refusals of [`crate::read`]; [`Error::NotRegular`] when a directory, FIFO, ... is at `path`;
/// [`Error::NotFound`] when the directory does not exist; [`Error::Io`]. On an error the temporary file is
/// removed and `path` is as it was.
pub fn replace(path: &Path, contents: &[u8], opts: &WriteOptions) -> Result<(), Error> {
    let policy = opts.symlinks.unwrap_or_else(Symlinks::process_default);
    let target = resolve(path, policy)?.path;
    let (dir_path, name) = split(&target)?;
    let lock = lock_dir(&dir_path)?;
    let dir = lock.dir_fd();
    let existing = match rustix::fs::statat(dir, &name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => {
            let file_type = FileType::from_raw_mode(st.st_mode);
            if file_type == FileType::Symlink {
                // Put there since the path was resolved.
                return Err(Error::Symlink {
                    path: path.to_path_buf(),
                    target: std::fs::read_link(&target).ok(),
                });
            }
            if let Some(kind) = not_regular_kind(st.st_mode) {
                return Err(Error::NotRegular {
                    path: path.to_path_buf(),
                    kind,
                });
            }
            Some((st.st_uid, st.st_gid, st.st_mode & 0o777))
        }
        Err(rustix::io::Errno::NOENT) => None,
        Err(e) => return Err(Error::io("inspect", path, e)),
    };
    let (owner, mode) = match existing {
        Some((uid, gid, mode)) => ((uid, gid), opts.mode & mode),
        None => (new_owner(&lock, opts)?, opts.mode),
    };
    remove_stale_temps(&lock, &name);
    let temp = Temp::create(&lock, &name, owner, mode, contents, path)?;
    temp.rename_to(&name, path)?;
    sync_dir(&lock, path)
}

/// Create the file at `path` holding `contents`; it must not exist (a file or a link there is never overwritten or
/// followed).
///
/// The content is written and fsynced under a temporary name (the same steps as [`replace`]) and then hard-linked
/// into place (`link(2)` refuses an existing name), so a crash never leaves a partial file at `path`. On a
/// filesystem without hard links the file is created directly with `O_EXCL | O_NOFOLLOW`.
///
/// # Errors
/// [`Error::Exists`] when anything is at `path`; [`Error::NotFound`] when the directory does not exist;
/// [`Error::Io`].
pub fn create_new(path: &Path, contents: &[u8], opts: &WriteOptions) -> Result<(), Error> {
    let exists = || Error::Exists {
        path: path.to_path_buf(),
    };
    let (dir_path, name) = split(path)?;
    let lock = lock_dir(&dir_path)?;
    let dir = lock.dir_fd();
    match rustix::fs::statat(dir, &name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(_) => return Err(exists()),
        Err(rustix::io::Errno::NOENT) => {}
        Err(e) => return Err(Error::io("inspect", path, e)),
    }
    let owner = new_owner(&lock, opts)?;
    remove_stale_temps(&lock, &name);
    let temp = Temp::create(&lock, &name, owner, opts.mode, contents, path)?;
    let linked = rustix::fs::linkat(dir, &temp.name, dir, &name, AtFlags::empty());
    drop(temp);
    match linked {
        Ok(()) => {}
        Err(rustix::io::Errno::EXIST) => return Err(exists()),
        // No hard links here (some FUSE and network filesystems): create the file itself exclusively.
        Err(_) => {
            let file = open_new(dir, &name, opts.mode).map_err(|e| match e {
                rustix::io::Errno::EXIST => exists(),
                e => Error::io("create", path, e),
            })?;
            if let Err(e) = fill(&file, owner, opts.mode, contents) {
                drop(file);
                let _ = rustix::fs::unlinkat(dir, &name, AtFlags::empty());
                return Err(Error::io("write", path, e));
            }
        }
    }
    sync_dir(&lock, path)
}

/// Remove the file at `path` (a link there is removed, never followed) and fsync its directory.
///
/// # Errors
/// [`Error::NotFound`]; [`Error::Io`].
pub fn remove(path: &Path) -> Result<(), Error> {
    let (dir_path, name) = split(path)?;
    let lock = lock_dir(&dir_path)?;
    rustix::fs::unlinkat(lock.dir_fd(), &name, AtFlags::empty())
        .map_err(|e| Error::io("remove", path, e))?;
    sync_dir(&lock, path)
}

/// Create directory `dir` and its missing ancestors with `opts`' mode (0700 for secret files; set explicitly, so
/// the umask changes nothing), each owned like its parent (or as `opts` says), each creation fsynced in its
/// parent. Directories that exist are left as they are.
///
/// # Errors
/// [`Error::Io`] naming the directory that could not be created.
pub fn create_dir(dir: &Path, opts: &WriteOptions) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || std::fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d);
        cur = d.parent();
    }
    for d in missing.into_iter().rev() {
        match std::fs::DirBuilder::new().mode(opts.mode).create(d) {
            Ok(()) => {}
            // Another process made it between our check and our mkdir: fine, it is there now.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("create the directory", d, e)),
        }
        let parent =
            File::open(directory_of(d)).map_err(|e| Error::io("open", &directory_of(d), e))?;
        let parent_meta = parent
            .metadata()
            .map_err(|e| Error::io("inspect", &directory_of(d), e))?;
        let created = rustix::fs::open(
            d,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::io("open the directory", d, e))?;
        let owner = opts.owner.unwrap_or((parent_meta.uid(), parent_meta.gid()));
        give(&created, owner)
            .and_then(|()| {
                rustix::fs::fchmod(&created, Mode::from_raw_mode(opts.mode))
                    .map_err(io::Error::from)
            })
            .and_then(|()| rustix::fs::fsync(&parent).map_err(io::Error::from))
            .map_err(|e| Error::io("set up the directory", d, e))?;
    }
    Ok(())
}

/// The owner and group a new file in the locked directory gets.
fn new_owner(lock: &Lock, opts: &WriteOptions) -> Result<(u32, u32), Error> {
    match opts.owner {
        Some(owner) => Ok(owner),
        None => {
            let meta = lock
                .dir_fd()
                .metadata()
                .map_err(|e| Error::io("inspect", lock.dir(), e))?;
            Ok((meta.uid(), meta.gid()))
        }
    }
}

fn sync_dir(lock: &Lock, path: &Path) -> Result<(), Error> {
    rustix::fs::fsync(lock.dir_fd()).map_err(|e| Error::io("fsync the directory of", path, e))
}

/// Create `name` in `dir`: new (never an existing file, never through a link), close-on-exec, never wider than
/// 0600 before its final mode is set.
pub(crate) fn open_new(dir: &File, name: &OsStr, mode: u32) -> rustix::io::Result<File> {
    rustix::fs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(mode & 0o600),
    )
    .map(File::from)
}

/// Give `file` its owner (when it differs and this process may: root), then its mode, then the content, fsynced.
pub(crate) fn fill(file: &File, owner: (u32, u32), mode: u32, contents: &[u8]) -> io::Result<()> {
    give(file, owner)?;
    rustix::fs::fchmod(file, Mode::from_raw_mode(mode))?;
    let mut w = file;
    w.write_all(contents)?;
    file.sync_all()
}

/// `fchown` to `owner` when the file has another one. Only root may give a file away; anyone else keeps writing
/// files they own, as they always could in their own directory.
fn give<Fd: std::os::fd::AsFd>(fd: Fd, (uid, gid): (u32, u32)) -> io::Result<()> {
    let st = rustix::fs::fstat(&fd)?;
    if (st.st_uid, st.st_gid) == (uid, gid) {
        return Ok(());
    }
    match rustix::fs::fchown(&fd, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid))) {
        Ok(()) | Err(rustix::io::Errno::PERM) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

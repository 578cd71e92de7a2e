//! One lock per file: an exclusive `flock(2)` on the directory that holds the real file.
//!
//! The file itself cannot carry the lock, because every save replaces it by rename (a writer waiting on the old
//! file's lock would then hold a lock on a file nobody reads). A sidecar lock file named after the path given locks
//! per path, not per file (two paths to one file lose each other's updates), litters every directory, and when root
//! creates it, locks the directory's owner out. The directory is the one thing every path to the file shares and
//! every writer may open: the lock is keyed on its inode, so `.env`, `./.env`, `alias/.env` (a symlinked directory)
//! and a followed `link.env -> .env` all serialize, and nothing is left on disk.
//!
//! The lock serializes every secret file of one directory, not just one: writes are short, and it is what lets
//! the next writer remove a killed writer's temporary files safely (nobody else can be writing one).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::marker::PhantomData;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, Mode, OFlags};

use crate::resolve::lock_target;
use crate::{directory_of, Error, Symlinks};

thread_local! {
    /// The directory locks this thread holds: (device, inode) -> (the locked descriptor, how many guards share it).
    /// A second lock of the same directory on the same thread shares the first instead of waiting for itself.
    static HELD: RefCell<HashMap<(u64, u64), (File, usize)>> = RefCell::new(HashMap::new());
}

/// An exclusive lock on the files of one directory, held until dropped (or until the process exits: a killed
/// holder releases it).
///
/// Taking the lock again on the same thread while it is held shares it (the lock is reentrant), so a function
/// that writes a file under its lock can be called by a caller that already holds it. The guard cannot be sent to
/// another thread.
#[derive(Debug)]
pub struct Lock {
    dir: File,
    dir_path: PathBuf,
    key: (u64, u64),
    /// The registry of held locks is per thread.
    _not_send: PhantomData<*const ()>,
}

impl Lock {
    /// The directory whose lock this is.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir_path
    }

    /// The locked directory, opened: files are created and renamed relative to it, so a directory path swapped
    /// while the lock is held does not redirect the write.
    pub(crate) fn dir_fd(&self) -> &File {
        &self.dir
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        HELD.with(|held| {
            let mut held = held.borrow_mut();
            if let Some((_, count)) = held.get_mut(&self.key) {
                *count -= 1;
                if *count == 0 {
                    // Closing the locked descriptor releases the lock.
                    held.remove(&self.key);
                }
            }
        });
    }
}

/// Take the lock that guards the file at `path`, waiting while another process (or thread) holds it.
///
/// The lock is on the directory of the real file: under [`Symlinks::FollowSameOwner`] a link is followed to the
/// file it ends at first. Every writer of a secret file takes it (the functions of this crate do), so holding it
/// makes a read-modify-write of the file atomic.
///
/// # Errors
/// [`Error::NotFound`] when the directory does not exist; [`Error::Io`] when it cannot be opened or locked.
pub fn lock(path: &Path) -> Result<Lock, Error> {
    lock_dir(&directory_of(&lock_target(
        path,
        Symlinks::process_default(),
    )))
}

/// Lock directory `dir`.
pub(crate) fn lock_dir(dir: &Path) -> Result<Lock, Error> {
    let fd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| Error::io("open the directory", dir, e))?;
    let file = File::from(fd);
    let meta = file
        .metadata()
        .map_err(|e| Error::io("inspect the directory", dir, e))?;
    let key = (meta.dev(), meta.ino());
    let shared = HELD.with(|held| match held.borrow_mut().get_mut(&key) {
        Some((_, count)) => {
            *count += 1;
            true
        }
        None => false,
    });
    if !shared {
        let locked = file.try_clone().map_err(|e| Error::io("lock", dir, e))?;
        loop {
            match rustix::fs::flock(&locked, FlockOperation::LockExclusive) {
                Ok(()) => break,
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(Error::io("lock", dir, e)),
            }
        }
        HELD.with(|held| held.borrow_mut().insert(key, (locked, 1)));
    }
    Ok(Lock {
        dir: file,
        dir_path: dir.to_path_buf(),
        key,
        _not_send: PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_lock_elsewhere(dir: &Path) -> bool {
        let f = File::open(dir).unwrap();
        rustix::fs::flock(&f, FlockOperation::NonBlockingLockExclusive).is_ok()
    }

    #[test]
    fn the_lock_is_exclusive_reentrant_and_released_with_its_last_guard() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let outer = lock(&path).unwrap();
        assert!(!try_lock_elsewhere(dir.path()));
        // Another path to the same directory shares the held lock on this thread instead of waiting for itself.
        let inner = lock(&dir.path().join(".").join("other")).unwrap();
        drop(outer);
        assert!(
            !try_lock_elsewhere(dir.path()),
            "released while a guard remains"
        );
        drop(inner);
        assert!(try_lock_elsewhere(dir.path()));
    }

    #[test]
    fn another_thread_waits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let held = lock(&path).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        let t = std::thread::spawn(move || {
            let _l = lock(&p).unwrap();
            tx.send(()).unwrap();
        });
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
        drop(held);
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        t.join().unwrap();
    }
}

//! Safe writes and advisory locks for files that hold secrets. Reusable by other crates for their own files.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `O_NOFOLLOW`: never open a symlink someone planted where a temporary or lock file goes.
fn nofollow() -> i32 {
    // The flag's bits fit an i32 on every platform rustix supports; the cast only reinterprets them.
    #[allow(clippy::cast_possible_wrap)] // see above
    let bits = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
    bits
}

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Write `contents` to `path` atomically, with permission bits `mode` whatever the umask.
///
/// The bytes go to a new temporary file in the same directory (created exclusively, never through a symlink),
/// which is given `mode`, written, fsynced and renamed over `path`; then the directory is fsynced so the rename
/// itself survives a crash. A reader sees the old file or the new one, never a mix. If `path` is a symlink, the
/// file it points to is replaced.
///
/// # Errors
/// Any I/O error creating, writing, syncing or renaming; the temporary file is removed on failure.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let target: PathBuf = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let dir = dir_of(&target);
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    // The file being replaced keeps its owner: root editing a service user's .env must not leave it root-owned
    // (and unreadable by that user).
    let owner = std::fs::metadata(&target).ok().map(|m| (m.uid(), m.gid()));
    let (tmp_path, mut file) = create_temp(dir, &name.to_string_lossy(), mode)?;
    let result = (|| {
        // The mode given at creation is filtered by the umask; set it again explicitly.
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        if let Some((uid, gid)) = owner {
            let meta = file.metadata()?;
            if (meta.uid(), meta.gid()) != (uid, gid) {
                match std::os::unix::fs::fchown(&file, Some(uid), Some(gid)) {
                    // Only root may give a file away; anyone else writes a file they own, as before.
                    Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
                    other => other?,
                }
            }
        }
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp_path, &target)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    result
}

fn create_temp(dir: &Path, name: &str, mode: u32) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last = None;
    for _ in 0..64 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{name}.{}.{n}.{nanos:08x}.tmp",
            std::process::id()
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(nofollow())
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("cannot create a temporary file")))
}

/// An exclusive advisory lock, released when dropped (or when the process exits).
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the descriptor releases the lock too; unlocking first just makes it prompt.
        let _ = self.file.unlock();
    }
}

/// The sidecar lock file that guards `path`: `<path>.lock` in the same directory.
///
/// The data file itself cannot carry the lock: an atomic save replaces it by rename, so a process waiting on the
/// old file's lock would then hold a lock on a file nobody reads any more.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".lock");
    dir_of(path).join(name)
}

/// Take an exclusive advisory lock guarding `path`, waiting for other holders. The lock is held on the sidecar
/// file [`lock_path`]`(path)` (created 0600 if missing, never removed), so it survives `path` being replaced by
/// [`write_atomic`]. Every writer of `path` must take this lock for it to serialize anything.
///
/// # Errors
/// The lock file cannot be created or opened (e.g. the directory is not writable), or locking fails.
pub fn lock_exclusive(path: &Path) -> io::Result<FileLock> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(nofollow())
        .open(lock_path(path))?;
    file.lock()?;
    Ok(FileLock { file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_sets_mode_despite_umask_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666)).unwrap();
        write_atomic(&p, b"new", 0o600).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        write_atomic(&p, b"newer", 0o400).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o400);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
    }

    #[test]
    fn write_atomic_follows_a_symlinked_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::write(&real, b"a").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"b", 0o600).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"b");
    }

    #[test]
    fn lock_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        let held = lock_exclusive(&p).unwrap();
        let other = File::options().write(true).open(lock_path(&p)).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(held);
        other.try_lock().unwrap();
    }

    #[test]
    fn write_atomic_keeps_the_owner_of_the_file_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        std::fs::write(&p, b"A=1\n").unwrap();
        // Give the file to another user, as a service's .env is; only root can, so elsewhere there is nothing to
        // prove and the test says so.
        let (uid, gid) = (65534, 65534);
        if std::os::unix::fs::chown(&p, Some(uid), Some(gid)).is_err() {
            eprintln!("skipped: not root, cannot give a file to another user");
            return;
        }
        write_atomic(&p, b"A=2\n", 0o600).unwrap();
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (uid, gid));
        assert_eq!(meta.mode() & 0o777, 0o600);
        assert_eq!(std::fs::read(&p).unwrap(), b"A=2\n");
    }
}

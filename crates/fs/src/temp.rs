//! The temporary files of an atomic write: named so that the next writer recognizes (and removes) the ones a
//! killed writer left, and removed on any error.

use std::collections::hash_map::RandomState;
use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasher, Hasher};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::AtFlags;

use crate::lock::Lock;
use crate::write::{fill, open_new};
use crate::Error;

/// A temporary file being written next to the file it will replace; removed on drop unless renamed.
pub(crate) struct Temp<'l> {
    lock: &'l Lock,
    pub(crate) name: OsString,
    done: bool,
}

/// The marker in our temporary files' names: `.<name>.secretctl-<16 hex digits>.tmp`.
const TEMP_MARK: &[u8] = b"secretctl-";

impl<'l> Temp<'l> {
    pub(crate) fn create(
        lock: &'l Lock,
        name: &OsStr,
        owner: (u32, u32),
        mode: u32,
        contents: &[u8],
        shown: &Path,
    ) -> Result<Self, Error> {
        let dir = lock.dir_fd();
        let mut last = None;
        for _ in 0..16 {
            let mut temp_name = OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".secretctl-{:016x}.tmp", unique()));
            let file = match open_new(dir, &temp_name, mode) {
                Ok(f) => f,
                Err(rustix::io::Errno::EXIST) => {
                    last = Some(rustix::io::Errno::EXIST);
                    continue;
                }
                Err(e) => return Err(Error::io("create a temporary file for", shown, e)),
            };
            let temp = Temp {
                lock,
                name: temp_name,
                done: false,
            };
            fill(&file, owner, mode, contents).map_err(|e| Error::io("write", shown, e))?;
            return Ok(temp);
        }
        Err(Error::io(
            "create a temporary file for",
            shown,
            last.unwrap_or(rustix::io::Errno::EXIST),
        ))
    }

    pub(crate) fn rename_to(mut self, name: &OsStr, shown: &Path) -> Result<(), Error> {
        let dir = self.lock.dir_fd();
        rustix::fs::renameat(dir, &self.name, dir, name)
            .map_err(|e| Error::io("rename into place", shown, e))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = rustix::fs::unlinkat(self.lock.dir_fd(), &self.name, AtFlags::empty());
        }
    }
}

/// 64 bits that differ between processes and calls (the names are also created exclusively, so this is only to
/// avoid retries).
fn unique() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

/// Remove the temporary files a killed writer of `name` left in the locked directory: ours, and those of the
/// versions before this crate (`.<name>.<pid>.<n>.<hex>.tmp` from envfile, `.<name>.tmp.<16 hex>` from keyfile).
/// The caller holds the directory's lock, which every writer of the directory takes, so none of them is being
/// written. A failure to remove one is not an error: the write goes on, and the next writer tries again.
pub(crate) fn remove_stale_temps(lock: &Lock, name: &OsStr) {
    let Ok(entries) = rustix::fs::Dir::read_from(lock.dir_fd()) else {
        return;
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(name.as_bytes());
    prefix.push(b'.');
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_bytes();
        if let Some(rest) = entry_name.strip_prefix(prefix.as_slice()) {
            if is_temp_suffix(rest) {
                let _ = rustix::fs::unlinkat(lock.dir_fd(), entry.file_name(), AtFlags::empty());
            }
        }
    }
}

/// Whether `rest`, what follows `.<name>.` in a file name, is the tail of one of our temporary files.
fn is_temp_suffix(rest: &[u8]) -> bool {
    let hex = |s: &[u8], len: Option<usize>| {
        !s.is_empty() && len.is_none_or(|n| s.len() == n) && s.iter().all(u8::is_ascii_hexdigit)
    };
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if let Some(tail) = rest.strip_prefix(TEMP_MARK) {
        return tail.strip_suffix(b".tmp").is_some_and(|h| hex(h, Some(16)));
    }
    if let Some(h) = rest.strip_prefix(b"tmp.") {
        return hex(h, Some(16));
    }
    match rest.strip_suffix(b".tmp") {
        Some(body) => {
            let parts: Vec<&[u8]> = body.split(|&b| b == b'.').collect();
            matches!(parts.as_slice(), [pid, n, h] if digits(pid) && digits(n) && hex(h, None))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_temp_names_count_as_stale() {
        for ours in [
            &b"secretctl-0123456789abcdef.tmp"[..],
            b"tmp.0123456789abcdef",
            b"4242.7.0badf00d.tmp",
        ] {
            assert!(is_temp_suffix(ours), "{}", String::from_utf8_lossy(ours));
        }
        for other in [
            &b"secretctl-0123.tmp"[..],
            b"secretctl-0123456789abcdefg.tmp",
            b"tmp.xyz",
            b"bak",
            b"swp",
            b"4242.tmp",
            b"a.7.0badf00d.tmp",
            b"",
        ] {
            assert!(!is_temp_suffix(other), "{}", String::from_utf8_lossy(other));
        }
    }
}

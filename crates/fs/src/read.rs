//! Open a secret file safely and read it: every check on the open descriptor, before a byte is read.

use std::fs::{File, Metadata};
use std::io::{self, BufRead, Read};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rustix::fs::{FileType, Mode, OFlags};
use zeroize::Zeroizing;

use crate::resolve::{resolve, Resolved};
use crate::{Error, Symlinks};

/// Whose file secretctl accepts to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Owner {
    /// Anyone's (a `.env` root edits for a service user).
    #[default]
    Anyone,
    /// The caller's or root's; root accepts anyone's. A file another unprivileged user owns could have been
    /// replaced by that user (a keyfile swapped for one they know).
    CallerOrRoot,
}

/// What [`read`] checks.
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct ReadOptions {
    max_bytes: u64,
    private: bool,
    owner: Owner,
    symlinks: Option<Symlinks>,
}

impl ReadOptions {
    /// Read at most `max_bytes` (a larger file is [`Error::TooLarge`]); anyone's file; any mode; the process's
    /// symlink policy.
    pub fn new(max_bytes: u64) -> Self {
        Self {
            max_bytes,
            private: false,
            owner: Owner::Anyone,
            symlinks: None,
        }
    }

    /// Refuse a file that group or other users have any permission bit on ([`Error::Permissions`]).
    pub fn private(self, private: bool) -> Self {
        Self { private, ..self }
    }

    /// Whose file is accepted ([`Error::Owner`] otherwise).
    pub fn owner(self, owner: Owner) -> Self {
        Self { owner, ..self }
    }

    /// This symlink policy instead of the process's ([`Symlinks::process_default`]).
    pub fn symlinks(self, symlinks: Symlinks) -> Self {
        Self {
            symlinks: Some(symlinks),
            ..self
        }
    }
}

/// Read the secret file at `path`, checking it first.
///
/// The file is opened with `O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY` (a FIFO or device does not block the
/// open), then `fstat` of that descriptor must show a regular file, an acceptable owner and mode, and a size within
/// the limit; only then is it read. The bytes are zeroized when dropped.
///
/// # Errors
/// [`Error::NotFound`]; [`Error::Symlink`], [`Error::DanglingSymlink`] or [`Error::SymlinkOwner`] under the
/// symlink policy; [`Error::NotRegular`]; [`Error::Owner`]; [`Error::Permissions`]; [`Error::TooLarge`];
/// [`Error::Changed`] when a followed link was re-pointed or the file grew while it was read; [`Error::Io`].
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (mut file, meta) = open_and_check(path, opts)?;
    // One byte more than the file's size (and at most one more than the limit), allocated once so that no copy of
    // the content is left behind by a reallocation; a file that fills it has grown since the fstat.
    let size = meta.len().min(opts.max_bytes);
    let cap = usize::try_from(size)
        .ok()
        .and_then(|s| s.checked_add(1))
        .ok_or_else(|| too_large(path, meta.len(), opts.max_bytes))?;
    let mut buf = Zeroizing::new(vec![0u8; cap]);
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    if n == buf.len() {
        let read = n as u64;
        return Err(if read > opts.max_bytes {
            too_large(path, read, opts.max_bytes)
        } else {
            Error::Changed {
                path: path.to_path_buf(),
            }
        });
    }
    buf.truncate(n);
    Ok(buf)
}

/// Open the file at `path` to read it as a stream (an import of millions of lines in bounded memory), with every
/// check [`read`] makes done on the open descriptor before the first byte.
///
/// The returned [`Reader`] yields at most the limit: should the file grow past it while it is read, the read that
/// would cross it fails (`InvalidData`, naming the file) rather than ending early, so a caller never takes a cut
/// file for the whole of it.
///
/// # Errors
/// As [`read`], except [`Error::Changed`] for a file that grows (the reader reports that).
pub fn open(path: &Path, opts: &ReadOptions) -> Result<Reader, Error> {
    let (file, _) = open_and_check(path, opts)?;
    Ok(Reader {
        file,
        left: opts.max_bytes,
        path: path.to_path_buf(),
        buf: Zeroizing::new(vec![0; READER_BUF]),
        pos: 0,
        filled: 0,
    })
}

/// A checked file being read (see [`open`]); buffered ([`BufRead`]), its buffer wiped when dropped.
pub struct Reader {
    file: File,
    /// Bytes the limit still allows.
    left: u64,
    path: std::path::PathBuf,
    buf: Zeroizing<Vec<u8>>,
    /// `buf[pos..filled]` is read from the file and not yet consumed.
    pos: usize,
    filled: usize,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// [`Reader`]'s buffer.
const READER_BUF: usize = 64 * 1024;

impl BufRead for Reader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.filled {
            let mut buf = std::mem::take(&mut self.buf);
            let n = self.read_file(&mut buf);
            self.buf = buf;
            self.filled = n?;
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.filled);
    }
}

impl Read for Reader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl Reader {
    /// Read from the file into `buf`, within the limit.
    fn read_file(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte beyond the limit is asked for, so that a file that grew past it is seen, not cut.
        let want = usize::try_from(self.left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.file.read(&mut buf[..want])?;
        let n64 = n as u64;
        if n64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} grew past the size limit while it was read",
                    self.path.display()
                ),
            ));
        }
        self.left -= n64;
        Ok(n)
    }
}

fn too_large(path: &Path, size: u64, limit: u64) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    }
}

/// Resolve `path` under the symlink policy, open it ([`open_checked`]) and make every check of `opts` on the open
/// descriptor: what [`read`] and [`open`] do before the first byte.
fn open_and_check(path: &Path, opts: &ReadOptions) -> Result<(File, Metadata), Error> {
    let policy = opts.symlinks.unwrap_or_else(Symlinks::process_default);
    let resolved = resolve(path, policy)?;
    let file = open_checked(path, &resolved)?;
    let meta = file.metadata().map_err(|e| Error::io("inspect", path, e))?;
    check(path, &meta, opts)?;
    Ok((file, meta))
}

/// Open the resolved path without following a link at its last component and without blocking on a FIFO, and
/// check that a followed link still ends at the file it ended at when it was resolved.
fn open_checked(path: &Path, resolved: &Resolved) -> Result<File, Error> {
    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = match rustix::fs::open(&resolved.path, flags, Mode::empty()) {
        Ok(fd) => fd,
        // O_NOFOLLOW met a link: one was put there after the path was resolved.
        Err(rustix::io::Errno::LOOP) => {
            return Err(Error::Symlink {
                path: path.to_path_buf(),
                target: std::fs::read_link(&resolved.path).ok(),
            })
        }
        // Opening a socket fails this way; say what it is.
        Err(rustix::io::Errno::NXIO) => {
            return Err(Error::NotRegular {
                path: path.to_path_buf(),
                kind: "a socket or a device without a driver",
            })
        }
        Err(e) => return Err(Error::io("open", path, e)),
    };
    let file = File::from(fd);
    if let Some(expected) = resolved.followed {
        let meta = file.metadata().map_err(|e| Error::io("inspect", path, e))?;
        if (meta.dev(), meta.ino()) != expected {
            return Err(Error::Changed {
                path: path.to_path_buf(),
            });
        }
    }
    Ok(file)
}

/// What kind of file a `st_mode` describes, when it is not a regular file.
pub(crate) fn not_regular_kind(raw_mode: u32) -> Option<&'static str> {
    match FileType::from_raw_mode(raw_mode) {
        FileType::RegularFile => None,
        FileType::Directory => Some("a directory"),
        FileType::Fifo => Some("a FIFO"),
        FileType::Socket => Some("a socket"),
        FileType::CharacterDevice => Some("a character device"),
        FileType::BlockDevice => Some("a block device"),
        FileType::Symlink => Some("a symbolic link"),
        FileType::Unknown => Some("not a file"),
    }
}

fn check(path: &Path, meta: &Metadata, opts: &ReadOptions) -> Result<(), Error> {
    if let Some(kind) = not_regular_kind(meta.mode()) {
        return Err(Error::NotRegular {
            path: path.to_path_buf(),
            kind,
        });
    }
    if opts.owner == Owner::CallerOrRoot {
        let caller = rustix::process::geteuid().as_raw();
        if !owner_accepted(meta.uid(), caller) {
            return Err(Error::Owner {
                path: path.to_path_buf(),
                owner: meta.uid(),
                caller,
            });
        }
    }
    let mode = meta.mode() & 0o7777;
    if opts.private && mode & 0o077 != 0 {
        return Err(Error::Permissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    if meta.len() > opts.max_bytes {
        return Err(too_large(path, meta.len(), opts.max_bytes));
    }
    Ok(())
}

/// [`Owner::CallerOrRoot`]: root reads anyone's file; anyone else their own or root's.
fn owner_accepted(owner: u32, caller: u32) -> bool {
    caller == 0 || owner == caller || owner == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_or_root_accepts_own_and_roots_files_and_root_accepts_all() {
        assert!(owner_accepted(1000, 1000));
        assert!(owner_accepted(0, 1000));
        assert!(!owner_accepted(1001, 1000));
        assert!(owner_accepted(1001, 0));
    }

    #[test]
    fn a_stream_reads_the_whole_file_and_fails_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut all = Vec::new();
        open(&path, &ReadOptions::new(10))
            .unwrap()
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, b"0123456789");
        assert!(matches!(
            open(&path, &ReadOptions::new(9)),
            Err(Error::TooLarge { .. })
        ));
        // Grown after the checks: the reader fails instead of stopping at the limit.
        let mut r = open(&path, &ReadOptions::new(10)).unwrap();
        std::fs::write(&path, b"0123456789ABC").unwrap();
        let err = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string().contains("grew past the size limit"),
            "{err}"
        );
    }
}

//! A large blob written into the repository as a loose object whose zlib stream holds stored (uncompressed)
//! blocks.
//!
//! libgit2 deflates a loose object at level 1 and hashes it with collision-detecting SHA-1: for the 16 MB vars
//! file of a 100,000-key host that was about 0.3 s of a push, nearly all of it in zlib, to save 40% of a file that
//! is mostly base64 ciphertext. A loose object may hold its data in zlib's stored blocks, which cost a copy and a
//! checksum. The object id is the same either way, git reads it as any other loose object, and `git gc` packs and
//! compresses it with the rest of the repository. It is written as [`secretctl_fs::create_new`] writes every new
//! file: under a temporary name, fsynced, then linked into place (a crash never leaves a partial object); a link at
//! the object's own name is never written through (the fan-out directory `objects/xx` is opened as git and
//! libgit2 open it, so a link planted there by the repository's owner is followed, as it was before). Repositories this does not describe (shared permissions, another object format, an object
//! directory elsewhere) get libgit2's own write.

use std::path::PathBuf;

use secretctl_fs::WriteOptions;
use sha1::{Digest, Sha1};

/// Blobs at least this large are written here; smaller ones by libgit2.
pub(super) const LARGE: usize = 1 << 20;

/// zlib's largest stored block.
const STORED_BLOCK: usize = 65_535;

/// Writes `data` as a blob and returns its id (nothing is written when the repository has it already).
///
/// # Errors
/// The object cannot be written.
pub(super) fn write_blob(git: &git2::Repository, data: &[u8]) -> Result<git2::Oid, git2::Error> {
    let Some(objects) = plain_objects_dir(git) else {
        return git.blob(data);
    };
    let header = format!("blob {}\0", data.len());
    let mut id = Sha1::new();
    id.update(header.as_bytes());
    id.update(data);
    let oid = git2::Oid::from_bytes(&id.finalize())?;
    if git.odb()?.exists(oid) {
        return Ok(oid);
    }
    let hex = oid.to_string();
    let (fan, name) = hex.split_at(2);
    let dir = objects.join(fan);
    let fs_error = |e: secretctl_fs::Error| git2::Error::from_str(&e.to_string());
    secretctl_fs::create_dir(&dir, &WriteOptions::new(0o755)).map_err(fs_error)?;
    match secretctl_fs::create_new(
        &dir.join(name),
        &stored_zlib(header.as_bytes(), data),
        &WriteOptions::new(0o444),
    ) {
        // Another writer put the same object there.
        Ok(()) | Err(secretctl_fs::Error::Exists { .. }) => Ok(oid),
        Err(e) => Err(fs_error(e)),
    }
}

/// The repository's object directory when it is the plain one (`.git/objects`, SHA-1 object ids, the default
/// permissions, no `GIT_OBJECT_DIRECTORY`), else `None`.
fn plain_objects_dir(git: &git2::Repository) -> Option<PathBuf> {
    if std::env::var_os("GIT_OBJECT_DIRECTORY").is_some() {
        return None;
    }
    let config = git.config().ok()?;
    if config.get_entry("core.sharedRepository").is_ok() {
        return None;
    }
    if config
        .get_string("extensions.objectFormat")
        .is_ok_and(|f| !f.eq_ignore_ascii_case("sha1"))
    {
        return None;
    }
    let objects = git.path().join("objects");
    std::fs::symlink_metadata(&objects)
        .ok()
        .filter(std::fs::Metadata::is_dir)
        .map(|_| objects)
}

/// `head` then `data` as one zlib stream of stored blocks (RFC 1950 and RFC 1951 section 3.2.4).
fn stored_zlib(head: &[u8], data: &[u8]) -> Vec<u8> {
    let total = head.len() + data.len();
    let blocks = total.div_ceil(STORED_BLOCK).max(1);
    let mut out = Vec::with_capacity(total + 5 * blocks + 6);
    // Deflate, 32 KiB window, no preset dictionary; 0x7801 is a multiple of 31.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut adler = Adler32::new();
    let mut rest = data;
    let mut first = Some(head);
    loop {
        let room = STORED_BLOCK - first.map_or(0, <[u8]>::len);
        let (take, after) = rest.split_at(rest.len().min(room));
        let head_part = first.take().unwrap_or_default();
        let len = head_part.len() + take.len();
        let last = after.is_empty();
        let len16 = u16::try_from(len).unwrap_or(u16::MAX);
        out.push(u8::from(last));
        out.extend_from_slice(&len16.to_le_bytes());
        out.extend_from_slice(&(!len16).to_le_bytes());
        out.extend_from_slice(head_part);
        out.extend_from_slice(take);
        adler.update(head_part);
        adler.update(take);
        rest = after;
        if last {
            break;
        }
    }
    out.extend_from_slice(&adler.finish().to_be_bytes());
    out
}

/// Adler-32, zlib's checksum of the uncompressed data.
struct Adler32 {
    a: u32,
    b: u32,
}

impl Adler32 {
    const MOD: u32 = 65_521;
    /// The most bytes whose sums cannot overflow 32 bits before the modulo (zlib's NMAX).
    const RUN: usize = 5_552;

    fn new() -> Self {
        Adler32 { a: 1, b: 0 }
    }

    fn update(&mut self, data: &[u8]) {
        for run in data.chunks(Self::RUN) {
            for &byte in run {
                self.a += u32::from(byte);
                self.b += self.a;
            }
            self.a %= Self::MOD;
            self.b %= Self::MOD;
        }
    }

    fn finish(&self) -> u32 {
        (self.b << 16) | self.a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adler32(data: &[u8]) -> u32 {
        let mut a = Adler32::new();
        a.update(data);
        a.finish()
    }

    #[test]
    fn adler32_matches_zlib() {
        // zlib's adler32("Wikipedia") is 0x11E60398.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
        let big = vec![0xffu8; 100_000];
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(u64::from(adler32(&big)), (b << 16) | a);
    }

    #[test]
    fn large_blobs_read_back_as_libgit2_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        for len in [
            0usize,
            1,
            STORED_BLOCK - 7,
            STORED_BLOCK,
            STORED_BLOCK + 1,
            LARGE + 12_345,
        ] {
            let data: Vec<u8> = (0..len)
                .map(|i| u8::try_from(i * 7 % 251).unwrap())
                .collect();
            let id = write_blob(&git, &data).unwrap();
            assert_eq!(
                id,
                git2::Oid::hash_object(git2::ObjectType::Blob, &data).unwrap()
            );
            // A fresh handle: nothing cached from the write.
            let again = git2::Repository::open(dir.path()).unwrap();
            assert_eq!(again.find_blob(id).unwrap().content(), &data[..]);
            // Written again: already there.
            assert_eq!(write_blob(&git, &data).unwrap(), id);
        }
    }
}

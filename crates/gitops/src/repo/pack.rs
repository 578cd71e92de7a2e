//! A large blob written into the repository as a pack of one object, stored without compression.
//!
//! libgit2 writes a blob as a loose object, deflated: for the 16 MB vars file of a 100,000-key host that took
//! about 0.3 s of a push, nearly all of it in zlib, to save 40% of a file that is mostly base64 ciphertext. A pack
//! entry may hold its data in zlib's stored blocks, which cost a copy and a checksum; libgit2's pack indexer
//! (`git_odb_write_pack`) checks the pack and writes its index, atomically, as it does for a fetch. The object id
//! is the same either way, and `git gc` recompresses the pack with the rest of the repository.

use std::io::Write;

use sha1::{Digest, Sha1};

/// Blobs at least this large are packed here; smaller ones are written by libgit2 as loose objects.
pub(super) const PACK_AT: usize = 1 << 20;

/// zlib's largest stored block.
const STORED_BLOCK: usize = 65_535;

/// Writes `data` as a blob and returns its id (nothing is written when the repository has it already).
///
/// # Errors
/// The repository's object database cannot be opened, or the pack is refused or cannot be written.
pub(super) fn write_blob(git: &git2::Repository, data: &[u8]) -> Result<git2::Oid, git2::Error> {
    let mut id = Sha1::new();
    id.update(format!("blob {}\0", data.len()).as_bytes());
    id.update(data);
    let oid = git2::Oid::from_bytes(&id.finalize())?;
    let odb = git.odb()?;
    if odb.exists(oid) {
        return Ok(oid);
    }
    let mut out = Hashed {
        inner: odb.packwriter()?,
        hash: Sha1::new(),
    };
    let io = |e: std::io::Error| git2::Error::from_str(&format!("cannot write a pack: {e}"));
    out.write_all(b"PACK\0\0\0\x02\0\0\0\x01").map_err(io)?;
    out.write_all(&entry_header(3, data.len())).map_err(io)?;
    // zlib: deflate with a 32 KiB window, no preset dictionary, then stored blocks and the Adler-32.
    out.write_all(&[0x78, 0x01]).map_err(io)?;
    let mut blocks = data.chunks(STORED_BLOCK).peekable();
    if data.is_empty() {
        out.write_all(&[1, 0, 0, 0xff, 0xff]).map_err(io)?;
    }
    while let Some(block) = blocks.next() {
        let last = blocks.peek().is_none();
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        let [l0, l1] = len.to_le_bytes();
        let [n0, n1] = (!len).to_le_bytes();
        out.write_all(&[u8::from(last), l0, l1, n0, n1])
            .map_err(io)?;
        out.write_all(block).map_err(io)?;
    }
    out.write_all(&adler32(data).to_be_bytes()).map_err(io)?;
    let trailer = out.hash.finalize();
    out.inner.write_all(&trailer).map_err(io)?;
    out.inner.commit()?;
    Ok(oid)
}

/// A pack entry's header: the type in bits 4-6 of the first byte, the size in 4 bits then 7 bits per byte.
#[allow(clippy::cast_possible_truncation)] // each cast keeps the 4 or 7 bits just masked
fn entry_header(kind: u8, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    let mut rest = size >> 4;
    // The low 4 bits of the size.
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
    out
}

/// Adler-32, zlib's checksum of the uncompressed data.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // The largest run of bytes whose sums cannot overflow 32 bits before the modulo (zlib's NMAX).
    const RUN: usize = 5_552;
    let (mut a, mut b) = (1u32, 0u32);
    for run in data.chunks(RUN) {
        for &byte in run {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// The pack writer, and the SHA-1 of everything written (the pack's trailer).
struct Hashed<'a> {
    inner: git2::OdbPackwriter<'a>,
    hash: Sha1,
}

impl Write for Hashed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_zlib() {
        // zlib's adler32("Wikipedia") is 0x11E60398.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
        let big = vec![0xffu8; 3 * RUN_TEST];
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(u64::from(adler32(&big)), (b << 16) | a);
    }

    const RUN_TEST: usize = 100_000;

    #[test]
    fn entry_headers_are_gits() {
        assert_eq!(entry_header(3, 5), vec![0x35]);
        assert_eq!(entry_header(3, 16), vec![0xb0, 0x01]);
        assert_eq!(entry_header(3, 16_001_001), vec![0xb9, 0xfe, 0x84, 0x3d]);
    }

    #[test]
    fn packed_blobs_read_back_as_libgit2_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        for len in [0usize, 1, STORED_BLOCK, STORED_BLOCK + 1, PACK_AT + 12_345] {
            let data: Vec<u8> = (0..len).map(|i| u8::try_from(i * 7 % 251).unwrap()).collect();
            let id = write_blob(&git, &data).unwrap();
            assert_eq!(
                id,
                git2::Oid::hash_object(git2::ObjectType::Blob, &data).unwrap()
            );
            assert_eq!(git.find_blob(id).unwrap().content(), &data[..]);
            // Written again: already there.
            assert_eq!(write_blob(&git, &data).unwrap(), id);
        }
    }
}

//! AEAD envelope (AES-256-GCM, XChaCha20-Poly1305) binding each ciphertext to (owner, name, version).
//!
//! An envelope is `"SCE" | version | algorithm | key id | nonce | ciphertext+tag`. The AEAD's associated data is
//! the 13 header bytes followed by a canonical, length-prefixed encoding of a [`Context`] (domain label, owner,
//! name, version), so a ciphertext copied to another row, another secret or another version fails to open. The
//! byte layout is frozen and documented in `docs/formats/envelope.md`.
//!
//! # Examples
//! ```
//! use secretctl_envelope::{open, seal, Context, Envelope, Key, Keyring};
//!
//! # fn main() -> Result<(), secretctl_envelope::Error> {
//! let key = Key::generate();
//! let ctx = Context::new("secretctl/store", "tenant-a", "DB_PASSWORD", 1);
//! let env = seal(&key, &ctx, b"hunter2")?;
//!
//! // Text armor round-trips.
//! let text = env.to_string();
//! assert!(text.starts_with("sce1:"));
//! let env: Envelope = text.parse()?;
//!
//! let mut keyring = Keyring::new();
//! keyring.insert(key);
//! let plain = open(&keyring, &ctx, &env)?;
//! assert_eq!(plain.expose_secret(), b"hunter2");
//!
//! // The same ciphertext under another version is rejected.
//! let other = Context::new("secretctl/store", "tenant-a", "DB_PASSWORD", 2);
//! assert!(open(&keyring, &other, &env).is_err());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod key;
mod nonce;

use std::fmt;
use std::str::FromStr;

use aead::{AeadInPlace, KeyInit};
use aes_gcm::aead;
use base64::Engine;
use chacha20poly1305::XChaCha20Poly1305;
use secrecy::{ExposeSecret, SecretSlice};
use zeroize::Zeroize;

pub use crate::error::Error;
pub use crate::key::{Key, KeyId, Keyring, KEY_LEN};
pub use secrecy;

/// The magic bytes every envelope starts with.
pub const MAGIC: [u8; 3] = *b"SCE";
/// The envelope format version this crate writes and reads.
pub const VERSION: u8 = 1;
/// Length of the header: magic, version, algorithm, key id.
pub const HEADER_LEN: usize = 3 + 1 + 1 + 8;
/// Length of the authentication tag of both algorithms.
pub const TAG_LEN: usize = 16;
/// The prefix of the text armor.
pub const ARMOR_PREFIX: &str = "sce1:";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The AEAD algorithm of an envelope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// AES-256-GCM with a random 96-bit nonce (id 1, the default).
    #[default]
    Aes256Gcm,
    /// XChaCha20-Poly1305 with a random 192-bit nonce (id 2).
    XChaCha20Poly1305,
}

impl Algorithm {
    /// The algorithm's byte in the envelope header.
    #[must_use]
    pub fn id(self) -> u8 {
        match self {
            Algorithm::Aes256Gcm => 1,
            Algorithm::XChaCha20Poly1305 => 2,
        }
    }

    /// The algorithm with this header byte.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for an unknown id.
    pub fn from_id(id: u8) -> Result<Algorithm, Error> {
        match id {
            1 => Ok(Algorithm::Aes256Gcm),
            2 => Ok(Algorithm::XChaCha20Poly1305),
            other => Err(Error::UnsupportedAlgorithm(other)),
        }
    }

    /// Length of the algorithm's nonce in bytes (12 or 24).
    #[must_use]
    pub fn nonce_len(self) -> usize {
        match self {
            Algorithm::Aes256Gcm => 12,
            Algorithm::XChaCha20Poly1305 => 24,
        }
    }

    /// How many bytes an envelope adds to its plaintext: header, nonce and tag.
    #[must_use]
    pub fn overhead(self) -> usize {
        HEADER_LEN + self.nonce_len() + TAG_LEN
    }

    /// The algorithm's name: `aes-256-gcm` or `xchacha20-poly1305`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Aes256Gcm => "aes-256-gcm",
            Algorithm::XChaCha20Poly1305 => "xchacha20-poly1305",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Algorithm, Error> {
        match s {
            "aes-256-gcm" => Ok(Algorithm::Aes256Gcm),
            "xchacha20-poly1305" => Ok(Algorithm::XChaCha20Poly1305),
            _ => Err(Error::BadAlgorithmName),
        }
    }
}

/// What a ciphertext is bound to: a domain label (which application or table) and the secret's owner, name and
/// version. None of it is secret; all of it is authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Context<'a> {
    /// Which use of the envelope this is, e.g. `secretctl/store`; keeps two applications' ciphertexts apart.
    pub domain: &'a str,
    /// Who the secret belongs to (a tenant, an instance).
    pub owner: &'a str,
    /// The secret's name.
    pub name: &'a str,
    /// The secret's version.
    pub version: u64,
}

impl<'a> Context<'a> {
    /// A context from its four fields.
    #[must_use]
    pub fn new(domain: &'a str, owner: &'a str, name: &'a str, version: u64) -> Self {
        Context {
            domain,
            owner,
            name,
            version,
        }
    }

    /// The canonical encoding of the context: for each of domain, owner and name its length as a big-endian
    /// `u64` then its UTF-8 bytes, then the version as a big-endian `u64`. Distinct contexts encode to distinct
    /// bytes. Appended to the header, this is the AEAD's associated data.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        for field in [self.domain, self.owner, self.name] {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out.extend_from_slice(&self.version.to_be_bytes());
    }

    /// The canonical encoding of the context as a new vector (see [`Context::encode_into`]).
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out);
        out
    }

    fn encoded_len(&self) -> usize {
        4 * 8 + self.domain.len() + self.owner.len() + self.name.len()
    }
}

/// Largest associated data built on the stack; longer contexts fall back to one heap allocation.
const STACK_AAD: usize = 256;

/// Run `f` with the associated data `header || context`, without allocating for ordinary contexts.
fn with_aad<R>(header: &[u8], ctx: &Context<'_>, f: impl FnOnce(&[u8]) -> R) -> R {
    let len = header.len() + ctx.encoded_len();
    if len <= STACK_AAD {
        let mut buf = [0u8; STACK_AAD];
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            buf[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(header);
        for field in [ctx.domain, ctx.owner, ctx.name] {
            put(&(field.len() as u64).to_be_bytes());
            put(field.as_bytes());
        }
        put(&ctx.version.to_be_bytes());
        f(&buf[..len])
    } else {
        let mut v = Vec::with_capacity(len);
        push_aad(&mut v, header, ctx);
        f(&v)
    }
}

/// Append the associated data `header || context` to `out`.
fn push_aad(out: &mut Vec<u8>, header: &[u8], ctx: &Context<'_>) {
    out.extend_from_slice(header);
    ctx.encode_into(out);
}

/// The associated data an envelope with this header is sealed under: `header || context.encode()`.
///
/// Exposed so that other implementations (and this crate's tests) can check the documented layout.
#[must_use]
pub fn associated_data(header: &[u8; HEADER_LEN], ctx: &Context<'_>) -> Vec<u8> {
    let mut v = Vec::with_capacity(HEADER_LEN + ctx.encoded_len());
    push_aad(&mut v, header, ctx);
    v
}

/// A sealed value: header, nonce, ciphertext and tag, as owned bytes whose header has been checked.
///
/// `Display` and `FromStr` are the text armor, `sce1:` followed by the bytes in unpadded base64url.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Envelope {
    bytes: Vec<u8>,
    algorithm: Algorithm,
}

impl Envelope {
    /// Parse binary envelope bytes: checks magic, version, algorithm and the minimum length. No decryption.
    ///
    /// # Errors
    /// [`Error::BadMagic`], [`Error::UnsupportedVersion`], [`Error::UnsupportedAlgorithm`] or
    /// [`Error::Truncated`] when shorter than header, nonce and tag.
    pub fn from_bytes(bytes: &[u8]) -> Result<Envelope, Error> {
        let algorithm = check_header(bytes)?;
        Ok(Envelope {
            bytes: bytes.to_vec(),
            algorithm,
        })
    }

    /// Like [`Envelope::from_bytes`], taking ownership of the bytes without copying.
    ///
    /// # Errors
    /// As [`Envelope::from_bytes`].
    pub fn from_vec(bytes: Vec<u8>) -> Result<Envelope, Error> {
        let algorithm = check_header(&bytes)?;
        Ok(Envelope { bytes, algorithm })
    }

    /// The envelope's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The envelope's bytes, by value.
    #[must_use]
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The id of the key the envelope was sealed under.
    #[must_use]
    pub fn key_id(&self) -> KeyId {
        let mut id = [0u8; 8];
        id.copy_from_slice(&self.bytes[5..HEADER_LEN]);
        KeyId(id)
    }

    /// The envelope's AEAD algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The 13 header bytes, the first part of the associated data.
    #[must_use]
    pub fn header(&self) -> &[u8] {
        &self.bytes[..HEADER_LEN]
    }

    /// The nonce.
    #[must_use]
    pub fn nonce(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..HEADER_LEN + self.algorithm.nonce_len()]
    }

    /// The ciphertext followed by the 16-byte tag.
    #[must_use]
    pub fn ciphertext(&self) -> &[u8] {
        &self.bytes[HEADER_LEN + self.algorithm.nonce_len()..]
    }

    /// Length of the plaintext this envelope holds.
    #[must_use]
    pub fn plaintext_len(&self) -> usize {
        self.bytes.len() - self.algorithm.overhead()
    }
}

fn check_header(bytes: &[u8]) -> Result<Algorithm, Error> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(Error::BadMagic);
    }
    let version = *bytes.get(3).ok_or(Error::Truncated)?;
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let algorithm = Algorithm::from_id(*bytes.get(4).ok_or(Error::Truncated)?)?;
    if bytes.len() < algorithm.overhead() {
        return Err(Error::Truncated);
    }
    Ok(algorithm)
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("algorithm", &self.algorithm)
            .field("key_id", &self.key_id())
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl fmt::Display for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ARMOR_PREFIX)?;
        f.write_str(&B64.encode(&self.bytes))
    }
}

impl FromStr for Envelope {
    type Err = Error;

    /// Parse the text armor. Surrounding whitespace is not accepted; trim it first.
    fn from_str(s: &str) -> Result<Envelope, Error> {
        let body = s.strip_prefix(ARMOR_PREFIX).ok_or(Error::BadArmor)?;
        // The default engine rejects padding and non-canonical trailing bits, so the armor of an envelope is unique.
        let bytes = B64.decode(body).map_err(|_| Error::BadArmor)?;
        Envelope::from_vec(bytes)
    }
}

/// A decrypted value: zeroized on drop, never shown by `Debug`.
pub struct Plaintext(SecretSlice<u8>);

impl Plaintext {
    /// The decrypted bytes.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        self.0.expose_secret()
    }

    /// The decrypted bytes as a `secrecy` secret.
    #[must_use]
    pub fn into_secret(self) -> SecretSlice<u8> {
        self.0
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plaintext").finish_non_exhaustive()
    }
}

/// Seal `plaintext` under `key`, bound to `ctx`, with the default algorithm (AES-256-GCM) and a random nonce.
///
/// # Errors
/// [`Error::Rng`] if the OS random number generator fails; [`Error::TooLarge`] for a plaintext over the AEAD's
/// per-message limit.
pub fn seal(key: &Key, ctx: &Context<'_>, plaintext: &[u8]) -> Result<Envelope, Error> {
    seal_with(Algorithm::default(), key, ctx, plaintext)
}

/// Seal `plaintext` under `key`, bound to `ctx`, with algorithm `alg` and a random nonce from the OS (drawn in
/// batches per thread; a forked child never uses its parent's batch: see docs/formats/envelope.md, "Nonces").
///
/// # Errors
/// As [`seal`].
pub fn seal_with(
    alg: Algorithm,
    key: &Key,
    ctx: &Context<'_>,
    plaintext: &[u8],
) -> Result<Envelope, Error> {
    let mut nonce = [0u8; 24];
    let nonce = &mut nonce[..alg.nonce_len()];
    nonce::fill(nonce).map_err(|_| Error::Rng)?;
    seal_with_nonce(alg, key, ctx, nonce, plaintext)
}

/// Seal with a caller-chosen nonce. Only for this crate's known-answer tests: reusing a nonce under a key breaks
/// both algorithms, which is why the public API draws every nonce from the OS.
pub(crate) fn seal_with_nonce(
    alg: Algorithm,
    key: &Key,
    ctx: &Context<'_>,
    nonce: &[u8],
    plaintext: &[u8],
) -> Result<Envelope, Error> {
    let total = alg
        .overhead()
        .checked_add(plaintext.len())
        .ok_or(Error::TooLarge)?;
    let mut header = [0u8; HEADER_LEN];
    header[..MAGIC.len()].copy_from_slice(&MAGIC);
    header[MAGIC.len()] = VERSION;
    header[MAGIC.len() + 1] = alg.id();
    header[MAGIC.len() + 2..].copy_from_slice(&key.id().0);
    // The associated data (header || context) is written after the body, in the output's own allocation, and cut
    // off before the tag goes there: no stack buffer to clear and fill per seal (measured side by side: 206-208 ns
    // against 212-221 for 32 bytes, docs/PERFORMANCE.md). The envelope keeps that much spare capacity; the bytes
    // left in it are the header and the context, both public.
    let aad_len = HEADER_LEN + ctx.encoded_len();
    let mut out = Vec::with_capacity(total.checked_add(aad_len).ok_or(Error::TooLarge)?);
    out.extend_from_slice(&header);
    out.extend_from_slice(nonce);
    let body_at = out.len();
    out.extend_from_slice(plaintext);
    let aad_at = out.len();
    push_aad(&mut out, &header, ctx);
    let (front, aad) = out.split_at_mut(aad_at);
    let body = &mut front[body_at..];
    let tag = match alg {
        Algorithm::Aes256Gcm => key.aes().encrypt_in_place_detached(
            aead::Nonce::<aes_gcm::Aes256Gcm>::from_slice(nonce),
            aad,
            body,
        ),
        Algorithm::XChaCha20Poly1305 => XChaCha20Poly1305::new(key.expose_secret().into())
            .encrypt_in_place_detached(chacha20poly1305::XNonce::from_slice(nonce), aad, body),
    };
    out.truncate(aad_at);
    match tag {
        Ok(tag) => out.extend_from_slice(&tag),
        Err(_) => {
            out.zeroize();
            return Err(Error::TooLarge);
        }
    }
    Ok(Envelope {
        bytes: out,
        algorithm: alg,
    })
}

/// Open `envelope`, choosing the key from `keyring` by the envelope's key id, and check it is bound to `ctx`.
///
/// # Errors
/// [`Error::UnknownKeyId`] when no key in the keyring has the envelope's key id; [`Error::AuthenticationFailed`]
/// when the ciphertext was altered, bound to another context or sealed under another key.
pub fn open(keyring: &Keyring, ctx: &Context<'_>, envelope: &Envelope) -> Result<Plaintext, Error> {
    let id = envelope.key_id();
    let key = keyring.get(&id).ok_or(Error::UnknownKeyId(id))?;
    decrypt(key, ctx, envelope)
}

/// Open `envelope` with one given key.
///
/// # Errors
/// [`Error::KeyIdMismatch`] when the envelope names another key; [`Error::AuthenticationFailed`] as for [`open`].
pub fn open_with_key(
    key: &Key,
    ctx: &Context<'_>,
    envelope: &Envelope,
) -> Result<Plaintext, Error> {
    let id = envelope.key_id();
    if id != key.id() {
        return Err(Error::KeyIdMismatch {
            envelope: id,
            key: key.id(),
        });
    }
    decrypt(key, ctx, envelope)
}

fn decrypt(key: &Key, ctx: &Context<'_>, envelope: &Envelope) -> Result<Plaintext, Error> {
    let alg = envelope.algorithm;
    let nonce = envelope.nonce();
    let sealed = envelope.ciphertext();
    // check_header guaranteed at least TAG_LEN bytes here.
    let (ct, tag) = sealed.split_at(sealed.len() - TAG_LEN);
    let mut buf = ct.to_vec();
    let ok = with_aad(envelope.header(), ctx, |aad| match alg {
        Algorithm::Aes256Gcm => key.aes().decrypt_in_place_detached(
            aead::Nonce::<aes_gcm::Aes256Gcm>::from_slice(nonce),
            aad,
            &mut buf,
            aead::Tag::<aes_gcm::Aes256Gcm>::from_slice(tag),
        ),
        Algorithm::XChaCha20Poly1305 => XChaCha20Poly1305::new(key.expose_secret().into())
            .decrypt_in_place_detached(
                chacha20poly1305::XNonce::from_slice(nonce),
                aad,
                &mut buf,
                chacha20poly1305::Tag::from_slice(tag),
            ),
    });
    match ok {
        Ok(()) => Ok(Plaintext(SecretSlice::from(buf))),
        Err(_) => {
            buf.zeroize();
            Err(Error::AuthenticationFailed)
        }
    }
}

#[cfg(test)]
mod tests;

//! The one error type of this crate.

use crate::KeyId;

/// Why an envelope could not be sealed, parsed or opened.
///
/// Format problems found before any decryption (magic, version, algorithm, key id, length) each have their own
/// variant so an operator can tell a wrong file from a wrong key. Every failure of the AEAD itself — tampering, a
/// wrong context, a wrong key with a colliding id — is the single opaque [`Error::AuthenticationFailed`], which
/// never says which part failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes do not start with the envelope magic `SCE`; this is not a secretctl envelope.
    #[error("not a secretctl envelope (bad magic bytes)")]
    BadMagic,
    /// The envelope was written by a format version this build does not know.
    #[error("unsupported envelope version {0} (this build reads version 1); upgrade secretctl")]
    UnsupportedVersion(u8),
    /// The envelope names an AEAD algorithm this build does not know.
    #[error(
        "unsupported envelope algorithm id {0} (known: 1 = AES-256-GCM, 2 = XChaCha20-Poly1305)"
    )]
    UnsupportedAlgorithm(u8),
    /// No key in the keyring has the envelope's key id.
    #[error("envelope was sealed under key {0}, which is not in the keyring; restore that key or its backup")]
    UnknownKeyId(KeyId),
    /// [`open_with_key`](crate::open_with_key) was given a key whose id is not the envelope's.
    #[error("envelope was sealed under key {envelope}, not the given key {key}")]
    KeyIdMismatch {
        /// The key id written in the envelope.
        envelope: KeyId,
        /// The id of the key that was offered.
        key: KeyId,
    },
    /// The input ends before the header, nonce and tag are complete.
    #[error("envelope is truncated")]
    Truncated,
    /// The AEAD rejected the ciphertext: it was altered, bound to another context, or sealed under another key.
    #[error("ciphertext authentication failed (tampered, wrong context, or wrong key)")]
    AuthenticationFailed,
    /// Text armor is not `sce1:` followed by canonical unpadded base64url.
    #[error("bad envelope armor: expected `sce1:` followed by unpadded base64url")]
    BadArmor,
    /// A key id is not 16 lowercase hexadecimal characters.
    #[error("bad key id: expected 16 lowercase hexadecimal characters")]
    BadKeyId,
    /// An algorithm name is not `aes-256-gcm` or `xchacha20-poly1305`.
    #[error("unknown algorithm name (known: aes-256-gcm, xchacha20-poly1305)")]
    BadAlgorithmName,
    /// The plaintext is longer than the algorithm can seal in one message.
    #[error("plaintext is too large to seal in one envelope")]
    TooLarge,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Rng,
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            // Every failure of the AEAD, and a key the keyring does not hold or that is not the envelope's: the
            // ciphertext cannot be trusted or opened with what was given.
            Self::AuthenticationFailed | Self::UnknownKeyId(_) | Self::KeyIdMismatch { .. } => {
                ErrorKind::Integrity
            }
            // Text an operator typed (a key id, an algorithm name) that is not one.
            Self::BadKeyId | Self::BadAlgorithmName => ErrorKind::Usage,
            Self::Rng => ErrorKind::Io,
            // Bytes that are not an envelope this build reads, or a value too large to seal.
            _ => ErrorKind::Invalid,
        }
    }
}

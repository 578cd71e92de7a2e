//! What secretctl records about each secret, kept in the instance's `.env` itself.
//!
//! Rotation dates and one-shot fingerprints are ordinary `KEY=value` lines with a `SECRETCTL_` prefix, so they
//! survive every envfile edit (the envfile crate keeps unknown keys byte for byte) and every gitops push/pull (gitops
//! carries every key of the `.env`):
//!
//! ```text
//! SECRETCTL_ROTATED_DB_PASSWORD=2026-11-24T05:41:10Z      # when secretctl last generated or recorded the value
//! SECRETCTL_INSTANCE_KEY=<64 hex digits>                  # random; keys the fingerprints below (a secret)
//! SECRETCTL_FINGERPRINT_APP_SECRET_KEY=<32 hex digits>    # keyed fingerprint of a one-shot value
//! ```
//!
//! A fingerprint is HMAC-SHA256 keyed with the instance key over a domain label, the key name and the value,
//! truncated to 128 bits. It is never a plain hash: without the instance key (which is itself a secret, encrypted
//! by gitops like every secret) a fingerprint does not help anyone guess a short value. Whoever can read the instance
//! key can read the value itself from the same `.env`, so the fingerprint adds no exposure there.

mod ops;
pub use ops::{fingerprint_status, now, record, rotated_at, Fingerprint};

/// The prefix of every record secretctl keeps in a `.env`.
pub const PREFIX: &str = "SECRETCTL_";
/// The random key of an instance's fingerprints.
pub const INSTANCE_KEY: &str = "SECRETCTL_INSTANCE_KEY";
pub(crate) const ROTATED: &str = "SECRETCTL_ROTATED_";
pub(crate) const FINGERPRINT: &str = "SECRETCTL_FINGERPRINT_";
pub(crate) const DOMAIN: &[u8] = b"secretctl one-shot fingerprint v1";
/// Fingerprint length in bytes (128 bits: a changed value goes unnoticed with probability 2^-128).
pub(crate) const FINGERPRINT_BYTES: usize = 16;

/// The record of when `key` was last rotated: `SECRETCTL_ROTATED_<KEY>`.
#[must_use]
pub fn rotated_key(key: &str) -> String {
    format!("{ROTATED}{key}")
}

/// The record of a one-shot key's fingerprint: `SECRETCTL_FINGERPRINT_<KEY>`.
#[must_use]
pub fn fingerprint_key(key: &str) -> String {
    format!("{FINGERPRINT}{key}")
}

/// Whether `key` is one of secretctl's own records (`SECRETCTL_*`), not an app's variable.
#[must_use]
pub fn is_metadata_key(key: &str) -> bool {
    key.starts_with(PREFIX)
}

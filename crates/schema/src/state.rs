//! Names reserved for secretctl's own records.
//!
//! The records themselves (rotation dates, one-shot fingerprints, the instance key) live in the instance's state
//! file (`secretctl-instance`). Earlier versions kept them in the `.env` as `SECRETCTL_ROTATED_<KEY>`,
//! `SECRETCTL_FINGERPRINT_<KEY>` and `SECRETCTL_INSTANCE_KEY` lines, which migrate to the state file on the next
//! write; so a schema may not declare a key with the `SECRETCTL_` prefix, and such a line is not one of the app's
//! values.

/// The prefix of every name secretctl keeps for itself.
pub const PREFIX: &str = "SECRETCTL_";

/// The record that held the instance key in older `.env` files: a secret.
pub const INSTANCE_KEY: &str = "SECRETCTL_INSTANCE_KEY";

/// Whether `key` is a name secretctl keeps for its own records (`SECRETCTL_*`).
#[must_use]
pub fn is_metadata_key(key: &str) -> bool {
    key.starts_with(PREFIX)
}

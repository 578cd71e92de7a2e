//! SOPS-compatible per-value encryption of vars files to age recipients, with git integration and a merge driver.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod sops;

#[cfg(feature = "git")]
pub mod repo;

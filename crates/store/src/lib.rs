//! Encrypted secret store (SQLite embedded, PostgreSQL shared) with crash-safe master-key rotation.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

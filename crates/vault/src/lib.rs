//! A small blocking client of the Vault HTTP API, as OpenBao implements it: Transit (the master key held off the
//! disk) and KV version 2 (where fleets keep secrets).
//!
//! - [`Client`]: address from `VAULT_ADDR` / `BAO_ADDR`, token from `VAULT_TOKEN` / `BAO_TOKEN` / `~/.vault-token`
//!   (a `SecretString`, never in `Debug` or an error), `VAULT_NAMESPACE`, TLS with Mozilla's roots or `VAULT_CACERT`
//!   alone; every response read is bounded ([`MAX_RESPONSE_BYTES`]).
//! - [`Transit`]: encrypt, decrypt, rewrap, key read, create, rotate; [`TransitUri`] parses sops's
//!   `hc_vault_transit_uri` form `https://host:8200/v1/transit/keys/NAME`.
//! - [`Kv`]: read, metadata, write with check-and-set.
//! - [`TransitKeyWrap`]: `secretctl_keyfile::KeyWrap` over Transit, so the master key is random and stored only as
//!   Transit ciphertext ([`create_keyfile`], [`open_keyring`], [`rewrap_keyfile`]).
//!
//! Errors ([`Error`]) name the address, the operation and the fix: sealed, unreachable, denied (403: expired token
//! or missing policy), not found, check-and-set conflict.
//!
//! # Examples
//! A daemon keeps its store's master key wrapped by Transit: it creates the wrapped keyfile once, then opens the
//! keyring (one Transit decrypt per key) whenever it starts.
//! ```no_run
//! use std::sync::Arc;
//! use secretctl_keyfile::{Keyring, LoadOptions};
//! use secretctl_vault::{Client, Config, TransitKeyWrap, TransitUri};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let uri: TransitUri = "https://bao.internal:8200/v1/transit/keys/secretctl".parse()?;
//! let keyfile = std::path::Path::new("/var/lib/mydaemon/master.key");
//! if !keyfile.exists() {
//!     secretctl_vault::create_keyfile(keyfile, &uri)?;
//! }
//! // Or with an explicit client (address, token from your own configuration):
//! let client = Client::new(Config::for_address(&uri.address)?)?;
//! let keyring = Keyring::open_wrapped(keyfile, LoadOptions::default(), Arc::new(TransitKeyWrap::new(client, uri)))?;
//! println!("active key {}", keyring.active_id());
//! # Ok(())
//! # }
//! ```
//! Parsing a sops Transit URI needs no server:
//! ```
//! let uri: secretctl_vault::TransitUri = "https://vault.example.org:8200/v1/sops/transit/keys/app".parse().unwrap();
//! assert_eq!((uri.mount.as_str(), uri.key.as_str()), ("sops/transit", "app"));
//! assert_eq!(uri.to_string(), "https://vault.example.org:8200/v1/sops/transit/keys/app");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
#[cfg(feature = "test-server")]
pub mod dev;
mod error;
mod kv;
mod transit;
mod wrap;

#[cfg(feature = "test-server")]
pub use crate::client::Method;
pub use crate::client::{Client, Config, MAX_RESPONSE_BYTES};
pub use crate::error::Error;
pub use crate::kv::{Kv, KvMetadata, KvPath, KvSecret};
pub use crate::transit::{Transit, TransitKeyInfo, TransitUri};
pub use crate::wrap::{
    create_keyfile, load_active_key, open_keyring, rewrap_keyfile, TransitKeyWrap,
};

//! SOPS-compatible per-value encryption of vars files to age recipients, with git integration and a merge driver.
//!
//! - [`sops`]: the file format. Vars files (YAML or dotenv) in SOPS's own format: every value
//!   `ENC[AES256_GCM,...]` under a per-file data key wrapped to age recipients, a MAC over all values, so `sops`,
//!   Flux and Argo CD read our files and we read theirs. No git needed (the fuzz targets build without it).
//! - `repo` (cargo feature `git`, on by default): a gitops repository of per-host vars files, push, pull, diff,
//!   recipients and the merge driver, committed with git2; and the same workflows on files given by path
//!   (`Repo::push_file`, `Repo::pull`, `repo::encrypt_file_at`, `repo::merge_driver`, ...), which is all a command
//!   line needs to call. Every error has a [`secretctl_error::ErrorKind`].
//!
//! # Examples
//!
//! ```
//! use secrecy::{ExposeSecret, SecretString};
//! use secretctl_gitops::sops::{self, Format, Identities};
//!
//! let ids = Identities::generate();
//! let vars = vec![("API_TOKEN".to_owned(), SecretString::from("s3cret"))];
//! let file = sops::write_vars(&vars, Format::Dotenv, &ids.recipients(), None)?;
//! assert!(file.starts_with("API_TOKEN=ENC[AES256_GCM,"));
//! assert_eq!(sops::read_vars(&file, Format::Dotenv, &ids)?[0].1.expose_secret(), "s3cret");
//! # Ok::<(), sops::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod goregex;
pub mod sops;

#[cfg(feature = "git")]
pub mod repo;

// `.sops.yaml` needs no git: loaded here so that the fuzz targets, which build without it, reach it too.
#[cfg_attr(not(feature = "git"), allow(dead_code))] // the editor and the repository's helpers need `git`
#[path = "repo/sopsconfig.rs"]
pub mod sops_config;

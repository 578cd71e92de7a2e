//! 32-byte master keyfile: race-free create, strict load, key ids, keyring, age backup, verified restore.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::PathBuf;

/// Where the master keyfile lives when no path is given: `/etc/secretctl/master.key` for root, otherwise
/// `$XDG_CONFIG_HOME/secretctl/master.key` (or `~/.config/secretctl/master.key`).
#[must_use]
pub fn default_path() -> PathBuf {
    if rustix::process::geteuid().is_root() {
        return PathBuf::from("/etc/secretctl/master.key");
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    config.join("secretctl").join("master.key")
}

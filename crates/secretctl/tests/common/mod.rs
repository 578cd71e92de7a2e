//! Shared by the CLI's integration tests: where the reference tools (`age`, `sops`, `kubernetes-validate`, ...)
//! are, and what a test does when one is missing.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod instance;

use std::path::PathBuf;

/// The venv `.ci/install-tools.sh` installs sops and kubernetes-validate into: `$SECRETCTL_TOOLS_VENV`, else
/// `$XDG_CACHE_HOME/secretctl-tools` (or `~/.cache/secretctl-tools`).
pub fn tools_venv() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("SECRETCTL_TOOLS_VENV") {
        return Some(PathBuf::from(v));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("secretctl-tools"))
}

/// A tool on PATH, else in the tools venv.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(tools_venv().map(|v| v.join("bin")))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A tool the test needs: when it is missing the test fails under CI (which installs every tool), and elsewhere
/// prints "skipped: NAME not found" and gets `None`.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} not found on PATH or in the tools venv, and CI is set (.ci/install-tools.sh installs it)"
        );
        eprintln!("skipped: {name} not found");
    }
    found
}

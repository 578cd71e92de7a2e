//! The one way a test finds a reference tool (`age`, `sops`, `kubernetes-validate`, `docker-compose`, ...), and
//! what it does when one is missing.

use std::ffi::OsString;
use std::path::PathBuf;

/// The tools dir `.ci/install-tools.sh` fills (a venv holding sops and kubernetes-validate, with docker-compose
/// linked into its `bin/`): `$SECRETCTL_TOOLS_VENV`, else `$XDG_CACHE_HOME/secretctl-tools` (or
/// `~/.cache/secretctl-tools`).
pub fn tools_venv() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("SECRETCTL_TOOLS_VENV").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(v));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("secretctl-tools"))
}

/// Where tools are looked for, in order: the tools dir's `bin/` (the versions the install script pins win over
/// whatever else the machine has), then `PATH`.
pub fn tool_dirs() -> Vec<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    tools_venv()
        .map(|v| v.join("bin"))
        .into_iter()
        .chain(std::env::split_paths(&path))
        .collect()
}

/// [`tool_dirs`] as a `PATH` value, for a child process that runs tools itself (a shell script, the docs).
pub fn tool_path() -> OsString {
    std::env::join_paths(tool_dirs()).expect("no PATH entry contains ':'")
}

/// A tool in [`tool_dirs`], or `None`.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    tool_dirs()
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether a missing tool fails the test rather than skipping it: when `cargo xtask ci` runs the tests (it sets
/// `SECRETCTL_REQUIRE_TOOLS=1`), and under CI (`CI` set). A developer running one `cargo test` without the tools
/// gets a printed notice instead.
pub fn tools_required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("SECRETCTL_REQUIRE_TOOLS") || set("CI")
}

/// A tool the test needs. When it is missing: panics if [`tools_required`], else prints
/// "skipped: NAME not found ..." and returns `None` (the caller returns from the test).
#[track_caller]
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        missing(name);
    }
    found
}

/// Report a missing tool (or another thing a test needs that the install script provides, such as a Python module):
/// panics if [`tools_required`], else prints a skip notice. Every test that cannot run without something goes
/// through here, so none skips silently.
#[track_caller]
pub fn missing(what: &str) {
    let dirs = tool_dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    assert!(
        !tools_required(),
        "{what} not found (looked in {dirs}); `bash .ci/install-tools.sh` installs it"
    );
    eprintln!("skipped: {what} not found; `bash .ci/install-tools.sh` installs it");
}

//! The one way to run the built `secretctl` (or a tool, or a shell script that runs it) with a clean environment.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::tools::tool_path;

/// Variables a test's child never inherits: anything that could point secretctl (or sops, Vault/OpenBao, libpq, git)
/// at the developer's real keyfile, store, identity, server or repository.
const CLEARED_PREFIXES: &[&str] = &[
    "SECRETCTL_",
    "SOPS_",
    "VAULT_",
    "BAO_",
    "PG",
    "XDG_",
    "GIT_",
];

/// Make `cmd` hermetic: every variable named by [`CLEARED_PREFIXES`] removed, `HOME` and the XDG base dirs inside
/// `home`, a fixed git identity with no system or global git config, `PATH` with the tools dir first (so a script
/// finds the same tools [`super::find_tool`] does), and `cwd` as the working directory.
pub fn clean(cmd: &mut std::process::Command, home: &Path, cwd: &Path) {
    for (name, _) in std::env::vars_os() {
        let inherited = name.to_string_lossy();
        if CLEARED_PREFIXES.iter().any(|p| inherited.starts_with(p)) {
            cmd.env_remove(&name);
        }
    }
    cmd.current_dir(cwd)
        .env("PATH", tool_path())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_AUTHOR_NAME", "Test Operator")
        .env("GIT_AUTHOR_EMAIL", "ops@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test Operator")
        .env("GIT_COMMITTER_EMAIL", "ops@example.invalid");
}

/// A temporary directory to run commands in: `work/` (the working directory) and `home/` (`HOME` and the XDG
/// dirs), side by side so that nothing a command writes under `HOME` shows up in the working directory.
pub struct Sandbox {
    tmp: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A fresh sandbox; removed when dropped.
    pub fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("create a temporary directory");
        for sub in ["work", "home"] {
            std::fs::create_dir(tmp.path().join(sub)).expect("create the sandbox's directories");
        }
        Sandbox { tmp }
    }

    /// The working directory every command starts in.
    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("work")
    }

    /// `HOME` of every command.
    pub fn home(&self) -> PathBuf {
        self.tmp.path().join("home")
    }

    /// `rel` under the working directory.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir().join(rel)
    }

    /// Any program, with the clean environment, in the working directory.
    pub fn command(&self, program: impl AsRef<OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        clean(&mut cmd, &self.home(), &self.dir());
        cmd
    }

    /// The built `secretctl`, with the clean environment, in the working directory.
    pub fn secretctl(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command(secretctl_bin()))
    }
}

/// The `secretctl` binary cargo built for these tests.
pub fn secretctl_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_secretctl"))
}

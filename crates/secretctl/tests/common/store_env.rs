//! A keyfile and a SQLite store in a sandbox: the fixture of the `key` and `secret` command tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Sandbox;

/// A sandbox where `secretctl key init` has run: `keys/master.key` is the keyfile (`SECRETCTL_KEYFILE` of every
/// command) and `keys/store.db` the default store beside it (not created until something writes to it).
pub struct StoreEnv {
    sandbox: Sandbox,
}

impl Default for StoreEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl StoreEnv {
    /// A fresh sandbox with a new keyfile.
    pub fn new() -> StoreEnv {
        let env = StoreEnv {
            sandbox: Sandbox::new(),
        };
        env.cmd().args(["key", "init"]).assert().success();
        env
    }

    /// The working directory of every command.
    pub fn dir(&self) -> PathBuf {
        self.sandbox.dir()
    }

    /// `rel` under the working directory.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.sandbox.path(rel)
    }

    /// The keyfile.
    pub fn keyfile(&self) -> PathBuf {
        self.sandbox.path("keys/master.key")
    }

    /// The directory of retired keys beside the keyfile.
    pub fn keyring_dir(&self) -> PathBuf {
        self.keyfile().with_file_name("master.key.keyring")
    }

    /// The default store's SQLite file (beside the keyfile).
    pub fn store(&self) -> PathBuf {
        self.sandbox.path("keys/store.db")
    }

    /// The URL of a second store (`other.db`), to rotate the keyfile without touching the default store.
    pub fn other_store(&self) -> String {
        format!("sqlite:{}", self.sandbox.path("other.db").display())
    }

    /// Create the second store ([`StoreEnv::other_store`]) with `store init` and one row (`other/seed`): only
    /// `store init` creates a store other than the default one. Returns its URL.
    pub fn create_other_store(&self) -> String {
        let url = self.other_store();
        self.cmd().args(["store", "init", &url]).assert().success();
        self.cmd()
            .args(["secret", "put", "other", "seed", "--store", &url])
            .write_stdin("x")
            .assert()
            .success();
        url
    }

    /// `secretctl` with this keyfile and the actor `tester`.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = self.sandbox.secretctl();
        c.env("SECRETCTL_KEYFILE", self.keyfile())
            .env("USER", "tester");
        c
    }

    /// `secretctl --json secret put OWNER NAME` with `value` and a newline on stdin, as `echo value |` gives it;
    /// the printed JSON.
    pub fn put(&self, owner: &str, name: &str, value: &str) -> Value {
        let out = self
            .cmd()
            .args(["--json", "secret", "put", owner, name])
            .write_stdin(value.to_owned())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    }

    /// `secretctl --json ARGS...`, which must succeed; its JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self
            .cmd()
            .arg("--json")
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    }

    /// The active key's id.
    pub fn active(&self) -> String {
        self.json(&["key", "id"])["key_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The distinct key ids the default store's rows are encrypted under, sorted.
    pub fn key_ids_in_store(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .json(&["secret", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

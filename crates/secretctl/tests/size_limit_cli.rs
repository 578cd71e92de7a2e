//! One size limit for every secret file (`secretctl_envfile::MAX_FILE_BYTES`), checked before writing: a command
//! that would write a file secretctl then refuses to read is refused, and every file (and the git working tree) is
//! left exactly as it was. One test per writer: `env set`, `gitops push`, `gitops encrypt --in-place`.
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::Sandbox;
use secretctl_envfile::MAX_FILE_BYTES;

/// Every file under `dir` (the `.git` directory excluded), with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                if e.file_name() != ".git" {
                    stack.push(p);
                }
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// A `.env` of about `bytes` bytes: keys with 1,000-byte values (hex, so they stay unquoted).
fn big_env(bytes: u64) -> String {
    let value: String = (0..1000)
        .map(|i| char::from(b"0123456789abcdef"[i % 16]))
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while (out.len() as u64) + 1100 < bytes {
        out.push_str(&format!("KEY_{i:06}={value}\n"));
        i += 1;
    }
    out
}

fn limit() -> u64 {
    MAX_FILE_BYTES
}

#[test]
fn env_set_refuses_to_grow_a_env_past_the_limit() {
    let s = Sandbox::new();
    let env = s.path(".env");
    std::fs::write(&env, big_env(limit() - 200)).unwrap();
    std::fs::set_permissions(&env, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let before = snapshot(&s.dir());
    let out = s
        .secretctl()
        .args(["env", "set", "ONE_MORE_KEY"])
        .write_stdin(vec![b'x'; 4096])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("refusing to write it") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(
        snapshot(&s.dir()),
        before,
        "a refused env set leaves every file as it was"
    );
    // The file is still read by every env command.
    s.secretctl()
        .args(["env", "unset", "KEY_000000"])
        .assert()
        .success();
}

/// A git repository initialised by `gitops init`, with its identity; `git status --porcelain` of it.
struct Repo {
    s: Sandbox,
    git: PathBuf,
    key: PathBuf,
}

impl Repo {
    fn new() -> Option<Repo> {
        let git = common::require_tool("git")?;
        let keygen = common::require_tool("age-keygen")?;
        let s = Sandbox::new();
        let key = s.home().join("key.txt");
        assert!(s
            .command(&keygen)
            .arg("-o")
            .arg(&key)
            .output()
            .unwrap()
            .status
            .success());
        let text = std::fs::read_to_string(&key).unwrap();
        let r = text
            .lines()
            .find_map(|l| l.strip_prefix("# public key: "))
            .unwrap()
            .trim()
            .to_owned();
        s.secretctl()
            .args(["gitops", "init", "--repo", "repo", "--recipient", &r])
            .assert()
            .success();
        Some(Repo { s, git, key })
    }

    fn status(&self) -> String {
        let out = self
            .s
            .command(&self.git)
            .args([
                "-C",
                "repo",
                "status",
                "--porcelain",
                "--untracked-files=all",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    }

    fn secretctl(&self, args: &[&str]) -> std::process::Output {
        self.s
            .secretctl()
            .env("SECRETCTL_AGE_KEY_FILE", &self.key)
            .args(args)
            .output()
            .unwrap()
    }
}

#[test]
fn push_refuses_a_vars_file_past_the_limit_and_writes_nothing() {
    let Some(r) = Repo::new() else { return };
    // A .env under the limit whose encrypted vars file would be over it (ENC[...] and base64 add a third).
    let env = r.s.path("app/.env");
    std::fs::create_dir_all(env.parent().unwrap()).unwrap();
    std::fs::write(&env, big_env(limit() * 4 / 5)).unwrap();
    let (before, status) = (snapshot(&r.s.dir()), r.status());
    let out = r.secretctl(&[
        "gitops", "push", "--repo", "repo", "--host", "web1", "--env", "app/.env",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("hosts/web1/vars.yaml: refusing to write it"),
        "{err}"
    );
    assert_eq!(
        snapshot(&r.s.dir()),
        before,
        "a refused push leaves every file as it was"
    );
    assert_eq!(r.status(), status);
    // A .env of a tenth of that pushes (the same command works below the limit).
    std::fs::write(&env, big_env(limit() / 10)).unwrap();
    let out = r.secretctl(&[
        "gitops", "push", "--repo", "repo", "--host", "web1", "--env", "app/.env",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn encrypt_in_place_refuses_a_result_past_the_limit() {
    let Some(r) = Repo::new() else { return };
    let yaml: String = big_env(limit() * 4 / 5).replace('=', ": ");
    let file = r.s.path("repo/big.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let (before, status) = (snapshot(&r.s.dir()), r.status());
    let out = r.secretctl(&[
        "gitops",
        "encrypt",
        "--repo",
        "repo",
        "--in-place",
        file.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("big.yaml: refusing to write it"), "{err}");
    assert_eq!(
        snapshot(&r.s.dir()),
        before,
        "the plaintext is still there, byte for byte"
    );
    assert_eq!(r.status(), status);
}

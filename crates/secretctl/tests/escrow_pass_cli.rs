//! Escrow to `pass` (issue 16, item 3) with Debian's real `pass` and `gpg`, in a temporary `GNUPGHOME` and
//! `PASSWORD_STORE_DIR`: `init --pass`, `env rotate --pass`, `env set --new-version --pass`, `generate --pass` and
//! `escrow pass` write each value to `secretctl/<instance>/<name>_v<N>` (or `…/<name>`), and `pass show` returns it.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::require_tool;

const SCHEMA: &str = r#"
[instance]
name = "wiki"

[secrets.DB_ROOT_PASSWORD]
generator = "alnum:32"
versioned = true

[secrets.SMTP_PASSWORD]
versioned = true

[secrets.APP_SECRET_KEY]
generator = "hex:64"

[secrets.APP_URL]
plain = true
"#;

/// A GnuPG home with one key without a passphrase, and a password store initialised for it.
struct PassStore {
    tmp: tempfile::TempDir,
    pass: PathBuf,
    gpg: PathBuf,
}

impl PassStore {
    fn new() -> Option<PassStore> {
        let pass = require_tool("pass")?;
        let gpg = require_tool("gpg")?;
        // Short path: gpg-agent's socket lives in GNUPGHOME and Unix socket paths are limited to ~100 bytes.
        let tmp = tempfile::Builder::new()
            .prefix("sp")
            .tempdir_in("/tmp")
            .unwrap();
        let s = PassStore { tmp, pass, gpg };
        std::fs::create_dir(s.gnupghome()).unwrap();
        std::fs::set_permissions(
            s.gnupghome(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        let out = s
            .tool(&s.gpg)
            .args(["--batch", "--passphrase", "", "--quick-gen-key"])
            .args([
                "secretctl test <escrow@example.invalid>",
                "default",
                "default",
                "never",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gpg: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = s
            .tool(&s.pass)
            .args(["init", "escrow@example.invalid"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pass init: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(s)
    }

    fn gnupghome(&self) -> PathBuf {
        self.tmp.path().join("g")
    }

    fn store(&self) -> PathBuf {
        self.tmp.path().join("store")
    }

    /// `program` with this GnuPG home and store.
    fn tool(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("GNUPGHOME", self.gnupghome())
            .env("PASSWORD_STORE_DIR", self.store())
            .env_remove("PASSWORD_STORE_GPG_OPTS")
            .env_remove("PASSWORD_STORE_KEY")
            .env_remove("PASSWORD_STORE_GIT");
        cmd
    }

    /// `pass show ENTRY`, exactly as `pass` prints it; `None` when there is no such entry.
    fn show(&self, entry: &str) -> Option<Vec<u8>> {
        let out = self
            .tool(&self.pass)
            .args(["show", entry])
            .output()
            .unwrap();
        out.status.success().then_some(out.stdout)
    }

    /// Every entry of the store (paths without `.gpg`), sorted.
    fn entries(&self) -> Vec<String> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, root, out);
                } else if let Some(rel) = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .strip_suffix(".gpg")
                {
                    out.push(rel.to_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.store(), &self.store(), &mut out);
        out.sort();
        out
    }

    fn secretctl(&self, cwd: &Path, args: &[&str]) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("secretctl").unwrap();
        c.current_dir(cwd)
            .args(args)
            .env("GNUPGHOME", self.gnupghome())
            .env("PASSWORD_STORE_DIR", self.store())
            .env_remove("PASSWORD_STORE_GIT")
            .env_remove("SECRETCTL_KEYFILE")
            .env_remove("SECRETCTL_STORE");
        c
    }
}

impl Drop for PassStore {
    fn drop(&mut self) {
        // The agent gpg started for this home; it would outlive the test otherwise.
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.gnupghome())
            .status();
    }
}

fn env_get(dir: &Path, key: &str) -> Vec<u8> {
    let out = assert_cmd::Command::cargo_bin("secretctl")
        .unwrap()
        .current_dir(dir)
        .args(["env", "get", "--raw", key])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn instance(tmp: &Path) -> PathBuf {
    let dir = tmp.join("wiki-dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("secretctl.toml"), SCHEMA).unwrap();
    dir
}

#[test]
fn every_new_value_is_escrowed_and_pass_show_returns_it() {
    let Some(p) = PassStore::new() else { return };
    let work = tempfile::tempdir().unwrap();
    let dir = instance(work.path());

    // init --pass: every generated value, at its version.
    let out = p
        .secretctl(work.path(), &["init", "--pass", "wiki-dir"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("escrowed  DB_ROOT_PASSWORD to pass: secretctl/wiki/db_root_password_v1"),
        "{text}"
    );
    assert_eq!(
        p.entries(),
        [
            "secretctl/wiki/app_secret_key",
            "secretctl/wiki/db_root_password_v1"
        ]
    );
    let v1 = env_get(&dir, "DB_ROOT_PASSWORD_V1");
    assert_eq!(p.show("secretctl/wiki/db_root_password_v1").unwrap(), v1);
    assert_eq!(
        p.show("secretctl/wiki/app_secret_key").unwrap(),
        env_get(&dir, "APP_SECRET_KEY")
    );

    // env rotate --pass: the new version; the old entry stays.
    let out = p
        .secretctl(
            &dir,
            &["--json", "env", "rotate", "DB_ROOT_PASSWORD", "--pass"],
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["escrowed"], "secretctl/wiki/db_root_password_v2");
    let v2 = env_get(&dir, "DB_ROOT_PASSWORD_V2");
    assert_eq!(p.show("secretctl/wiki/db_root_password_v2").unwrap(), v2);
    assert_eq!(p.show("secretctl/wiki/db_root_password_v1").unwrap(), v1);

    // env set --new-version --pass: a known value (bytes pass must keep: spaces, a newline, a trailing newline).
    let known = "mailgun key with spaces\nsecond line\n";
    let out = p
        .secretctl(
            &dir,
            &["env", "set", "SMTP_PASSWORD", "--new-version", "--pass"],
        )
        .write_stdin(known)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("to pass: secretctl/wiki/smtp_password_v1"),
        "{err}"
    );
    let stored = env_get(&dir, "SMTP_PASSWORD_V1");
    assert_eq!(p.show("secretctl/wiki/smtp_password_v1").unwrap(), stored);
    // The value never reached argv: it is not in the password store's file names, and pass got it on stdin.
    assert!(p.entries().iter().all(|e| !e.contains("mailgun")));

    // generate --pass ENTRY.
    let out = p
        .secretctl(
            work.path(),
            &[
                "generate",
                "words:5",
                "--pass",
                "secretctl/wiki/admin_passphrase_v1",
            ],
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut phrase = out.stdout.clone();
    assert_eq!(phrase.pop(), Some(b'\n'));
    assert_eq!(
        p.show("secretctl/wiki/admin_passphrase_v1").unwrap(),
        phrase
    );
}

#[test]
fn escrow_pass_copies_the_current_versions_of_an_instance() {
    let Some(p) = PassStore::new() else { return };
    let work = tempfile::tempdir().unwrap();
    let dir = instance(work.path());
    std::fs::write(
        dir.join(".env"),
        "APP_URL=https://wiki.example.com\nDB_ROOT_PASSWORD_V1=old-root\nDB_ROOT_PASSWORD_V2='new root'\n\
         SECRET_DB_ROOT_PASSWORD_VERSION=v2\nSMTP_PASSWORD_V1=smtp-one\nSECRET_SMTP_PASSWORD_VERSION=v1\n\
         APP_SECRET_KEY=abc123\nUNDECLARED_TOKEN=tok\n",
    )
    .unwrap();
    for args in [
        &["escrow", "pass", "--instance", "wiki-dir"][..],
        &["escrow", "pass", "--env", "wiki-dir/.env"],
    ] {
        let out = p.secretctl(work.path(), args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("DB_ROOT_PASSWORD v2 -> secretctl/wiki/db_root_password_v2\n"),
            "{text}"
        );
    }
    // The current versions and every other secret key; not the old version, the pointers or the plain APP_URL.
    assert_eq!(
        p.entries(),
        [
            "secretctl/wiki/app_secret_key",
            "secretctl/wiki/db_root_password_v2",
            "secretctl/wiki/smtp_password_v1",
            "secretctl/wiki/undeclared_token",
        ]
    );
    assert_eq!(
        p.show("secretctl/wiki/db_root_password_v2").unwrap(),
        b"new root"
    );
    assert_eq!(
        p.show("secretctl/wiki/smtp_password_v1").unwrap(),
        b"smtp-one"
    );
    assert_eq!(p.show("secretctl/wiki/undeclared_token").unwrap(), b"tok");
    let out = p
        .secretctl(
            work.path(),
            &["--json", "escrow", "pass", "--instance", "wiki-dir"],
        )
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc[0]["path"], "secretctl/wiki/db_root_password_v2");
    assert_eq!(doc[0]["version"], 2);
    assert_eq!(doc.as_array().unwrap().len(), 4);
}

#[test]
fn a_failed_escrow_leaves_the_env_as_it_was() {
    let Some(p) = PassStore::new() else { return };
    let work = tempfile::tempdir().unwrap();
    let dir = instance(work.path());
    p.secretctl(work.path(), &["init", "wiki-dir"])
        .assert()
        .success();
    let before = std::fs::read(dir.join(".env")).unwrap();
    // A store that is not initialised: pass refuses, secretctl writes nothing.
    std::fs::remove_file(p.store().join(".gpg-id")).unwrap();
    for args in [
        &["env", "rotate", "DB_ROOT_PASSWORD", "--pass"][..],
        &["env", "set", "SMTP_PASSWORD", "--new-version", "--pass"],
    ] {
        let out = p
            .secretctl(&dir, args)
            .write_stdin("a-known-value")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("cannot escrow to the password store entry secretctl/wiki/"),
            "{err}"
        );
        assert!(!err.contains("a-known-value"), "{err}");
        assert_eq!(std::fs::read(dir.join(".env")).unwrap(), before);
    }
    let fresh = work.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    std::fs::write(fresh.join("secretctl.toml"), SCHEMA).unwrap();
    let out = p
        .secretctl(work.path(), &["init", "--pass", "fresh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.join(".env").exists());
}

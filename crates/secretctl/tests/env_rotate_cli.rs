//! `secretctl env rotate KEY` and `env set KEY --generate` through the built binary.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::instance::{rotated, set_rotated};

const SCHEMA: &str = r#"
[secrets.DB_PASSWORD]
generator = "alnum:32"
rotate_every = "90d"

[secrets.APP_SECRET_KEY]
generator = "hex:64"
one_shot = true
breaks = "every signed-in user is logged out"

[secrets.API_TOKEN]
generator = "base64:40"
versioned = true

[secrets.SMTP_PASSWORD]
min_length = 8
"#;

fn secretctl(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("secretctl").unwrap();
    c.current_dir(cwd);
    c
}

fn instance() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("secretctl.toml"), SCHEMA).unwrap();
    secretctl(tmp.path()).arg("init").assert().success();
    tmp
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".env")).unwrap()
}

fn get(dir: &Path, key: &str) -> Option<String> {
    read(dir)
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")).map(str::to_owned))
}

/// Lines of `text` except those of `keys`.
fn other_lines(text: &str, keys: &[&str]) -> Vec<String> {
    text.lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k}="))))
        .map(str::to_owned)
        .collect()
}

#[test]
fn rotate_replaces_the_value_and_records_the_date() {
    let tmp = instance();
    let before = read(tmp.path());
    let old = get(tmp.path(), "DB_PASSWORD").unwrap();
    // Make the key overdue, then rotate it.
    set_rotated(tmp.path(), "DB_PASSWORD", "2020-01-01");
    assert_eq!(
        secretctl(tmp.path())
            .arg("check")
            .output()
            .unwrap()
            .status
            .code(),
        Some(1)
    );

    let out = secretctl(tmp.path())
        .args(["env", "rotate", "DB_PASSWORD"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("rotated DB_PASSWORD in .env (alnum:32"),
        "{stdout}"
    );
    let new = get(tmp.path(), "DB_PASSWORD").unwrap();
    assert_ne!(new, old);
    assert_eq!(new.len(), 32);
    assert!(!stdout.contains(&new));
    let after = read(tmp.path());
    assert_eq!(
        other_lines(&after, &["DB_PASSWORD"]),
        other_lines(&before, &["DB_PASSWORD"])
    );
    assert!(!rotated(tmp.path(), "DB_PASSWORD")
        .unwrap()
        .starts_with("2020"));
    // SMTP_PASSWORD is still missing, nothing else.
    let out = secretctl(tmp.path())
        .args(["--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["key"], "SMTP_PASSWORD");
}

#[test]
fn one_shot_keys_need_force_and_say_what_breaks() {
    let tmp = instance();
    let before = std::fs::read(tmp.path().join(".env")).unwrap();
    let out = secretctl(tmp.path())
        .args(["env", "rotate", "APP_SECRET_KEY"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("APP_SECRET_KEY is one-shot")
            && err.contains("every signed-in user is logged out"),
        "{err}"
    );
    assert!(err.contains("--force"));
    assert_eq!(
        std::fs::read(tmp.path().join(".env")).unwrap(),
        before,
        "a refused rotation wrote the file"
    );

    let out = secretctl(tmp.path())
        .args(["env", "set", "APP_SECRET_KEY", "--generate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(tmp.path().join(".env")).unwrap(), before);

    let old = get(tmp.path(), "APP_SECRET_KEY").unwrap();
    secretctl(tmp.path())
        .args(["env", "rotate", "APP_SECRET_KEY", "--force"])
        .assert()
        .success();
    let new = get(tmp.path(), "APP_SECRET_KEY").unwrap();
    assert_ne!(old, new);
    // The fingerprint moved with it: check sees no unexpected change.
    let out = secretctl(tmp.path())
        .args(["--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["key"] != "APP_SECRET_KEY"),
        "{v}"
    );

    // env set --generate --force does the same through the schema's generator.
    secretctl(tmp.path())
        .args(["env", "set", "APP_SECRET_KEY", "--generate", "--force"])
        .assert()
        .success();
    let newer = get(tmp.path(), "APP_SECRET_KEY").unwrap();
    assert_ne!(newer, new);
    assert_eq!(newer.len(), 64);
    let out = secretctl(tmp.path())
        .args(["--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["key"] != "APP_SECRET_KEY"),
        "{v}"
    );
}

#[test]
fn versioned_keys_add_a_version_and_move_the_pointer() {
    let tmp = instance();
    let v1 = get(tmp.path(), "API_TOKEN_V1").unwrap();
    let v1_line = format!("API_TOKEN_V1={v1}\n");
    assert_eq!(
        get(tmp.path(), "SECRET_API_TOKEN_VERSION").as_deref(),
        Some("v1")
    );

    let out = secretctl(tmp.path())
        .args(["--json", "env", "rotate", "API_TOKEN"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["versioned"]["previous"], "v1");
    assert_eq!(v["versioned"]["current"], "v2");
    assert_eq!(v["versioned"]["name"], "api_token_v2");
    assert_eq!(v["versioned"]["value_key"], "API_TOKEN_V2");
    // Version 1 is untouched, byte for byte; version 2 is new; the pointer moved.
    let text = read(tmp.path());
    assert!(text.contains(&v1_line));
    let v2 = get(tmp.path(), "API_TOKEN_V2").unwrap();
    assert_eq!(v2.len(), 40);
    assert_ne!(v1, v2);
    assert_eq!(
        get(tmp.path(), "SECRET_API_TOKEN_VERSION").as_deref(),
        Some("v2")
    );

    let out = secretctl(tmp.path())
        .args(["env", "rotate", "API_TOKEN"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("added API_TOKEN_V3"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SECRET_API_TOKEN_VERSION v2 -> v3"));
    assert!(read(tmp.path()).contains(&v1_line));
    assert_eq!(get(tmp.path(), "API_TOKEN_V2").unwrap(), v2);

    // A leftover next version is never overwritten.
    let mut text = read(tmp.path());
    text.push_str("API_TOKEN_V4=leftover\n");
    std::fs::write(tmp.path().join(".env"), &text).unwrap();
    let out = secretctl(tmp.path())
        .args(["env", "rotate", "API_TOKEN"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("API_TOKEN_V4 already exists"));
    assert_eq!(read(tmp.path()), text);

    // env set --generate refuses a versioned key: versions change only by rotation.
    let out = secretctl(tmp.path())
        .args(["env", "set", "API_TOKEN", "--generate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secretctl env rotate API_TOKEN"));
}

#[test]
fn keys_without_a_generator_or_schema_fail_clearly() {
    let tmp = instance();
    let before = read(tmp.path());
    let out = secretctl(tmp.path())
        .args(["env", "rotate", "SMTP_PASSWORD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("declares no generator for SMTP_PASSWORD"),
        "{err}"
    );
    let out = secretctl(tmp.path())
        .args(["env", "set", "SMTP_PASSWORD", "--generate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = secretctl(tmp.path())
        .args(["env", "rotate", "UNDECLARED"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not declared"));
    assert_eq!(read(tmp.path()), before);

    let bare = tempfile::tempdir().unwrap();
    std::fs::write(bare.path().join(".env"), "DB_PASSWORD=x\n").unwrap();
    let out = secretctl(bare.path())
        .args(["env", "rotate", "DB_PASSWORD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a schema"));
    let out = secretctl(tmp.path())
        .args(["env", "rotate", "DB_PASSWORD", "--file", "nope.env"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn set_generate_uses_the_schema_generator() {
    let tmp = instance();
    let mut text = read(tmp.path());
    text = text
        .lines()
        .filter(|l| !l.starts_with("DB_PASSWORD="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(tmp.path().join(".env"), &text).unwrap();
    secretctl(tmp.path())
        .args(["env", "set", "DB_PASSWORD", "--generate"])
        .assert()
        .success();
    let v = get(tmp.path(), "DB_PASSWORD").unwrap();
    assert_eq!(v.len(), 32);
    assert!(v.bytes().all(|b| b.is_ascii_alphanumeric()));
}

#[test]
fn env_set_from_stdin_honours_one_shot_and_records_the_change() {
    let tmp = instance();
    let dir = tmp.path();
    let before = read(dir);
    // Changing a one-shot key from stdin is refused without --force, says what breaks, and writes nothing.
    let out = secretctl(dir)
        .args(["env", "set", "APP_SECRET_KEY"])
        .write_stdin("operator-chosen-value")
        .assert()
        .failure()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("every signed-in user is logged out") && stderr.contains("--force"));
    assert_eq!(read(dir), before);
    // With --force the value and its fingerprint change together, so `check` accepts it (once the schema's
    // SMTP_PASSWORD, which has no generator, is given too).
    secretctl(dir)
        .args(["env", "set", "SMTP_PASSWORD"])
        .write_stdin("smtp-password")
        .assert()
        .success();
    secretctl(dir)
        .args(["env", "set", "APP_SECRET_KEY", "--force"])
        .write_stdin("operator-chosen-value-that-is-long-enough-for-the-schema-0123456789")
        .assert()
        .success();
    secretctl(dir).arg("check").assert().success();
    // A versioned key cannot be overwritten through `env set`.
    secretctl(dir)
        .args(["env", "set", "API_TOKEN"])
        .write_stdin("x")
        .assert()
        .code(2);
}

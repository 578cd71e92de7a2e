//! `secretctl check` through the built binary.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::find_tool;
use common::instance::set_rotated;
use std::path::Path;

use assert_cmd::Command;

const SCHEMA: &str = r#"
[secrets.DB_PASSWORD]
generator = "alnum:32"
min_length = 24
rotate_every = "90d"

[secrets.APP_SECRET_KEY]
generator = "hex:64"
one_shot = true
breaks = "every signed-in user is logged out"

[secrets.API_TOKEN]
generator = "alnum:20"
versioned = true
"#;

fn secretctl(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("secretctl").unwrap();
    c.current_dir(cwd);
    c
}

/// A fresh instance in a temporary directory, made by `init` with SCHEMA.
fn instance() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("secretctl.toml"), SCHEMA).unwrap();
    secretctl(tmp.path()).arg("init").assert().success();
    tmp
}

fn replace_line(path: &Path, key: &str, line: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let prefix = format!("{key}=");
    let mut found = false;
    let out: String = text
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                found = true;
                format!("{line}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let out = if found { out } else { format!("{out}{line}\n") };
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_fresh_instance_passes() {
    let tmp = instance();
    let out = secretctl(tmp.path()).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("ok: .env meets secretctl.toml (3 declared secrets)"));
    let out = secretctl(tmp.path())
        .args(["--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["findings"], serde_json::json!([]));
}

#[test]
fn every_rule_is_one_line_and_exit_1() {
    let tmp = instance();
    let env = tmp.path().join(".env");
    let secret_values: Vec<String> = std::fs::read_to_string(&env)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.to_owned()))
        .collect();
    replace_line(&env, "DB_PASSWORD", "DB_PASSWORD=tooshortvalue");
    set_rotated(tmp.path(), "DB_PASSWORD", "2020-01-01");
    replace_line(&env, "APP_SECRET_KEY", "APP_SECRET_KEY=editedbyhand");
    replace_line(
        &env,
        "SECRET_API_TOKEN_VERSION",
        "SECRET_API_TOKEN_VERSION=v2",
    );

    let out = secretctl(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines[0].starts_with(".env: DB_PASSWORD: 13 characters, shorter than min_length 24"),
        "{stdout}"
    );
    assert!(lines[1].starts_with(
        ".env: DB_PASSWORD: overdue for rotation: last rotated 2020-01-01, rotate_every 90d"
    ));
    assert!(
        lines[2].starts_with(".env: APP_SECRET_KEY: one-shot value changed")
            && lines[2].contains("logged out")
    );
    assert!(lines[3].starts_with(
        ".env: API_TOKEN: SECRET_API_TOKEN_VERSION points at v2 but API_TOKEN_V2 is missing"
    ));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("4 problems found"), "{stderr}");
    for v in secret_values
        .iter()
        .filter(|v| v.len() > 8)
        .chain([&"tooshortvalue".to_owned(), &"editedbyhand".to_owned()])
    {
        assert!(
            !stdout.contains(v.as_str()) && !stderr.contains(v.as_str()),
            "a value leaked"
        );
    }

    let out = secretctl(tmp.path())
        .args(["--json", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let kinds: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["key"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("DB_PASSWORD", "too_short"),
            ("DB_PASSWORD", "overdue"),
            ("APP_SECRET_KEY", "one_shot_changed"),
            ("API_TOKEN", "missing"),
        ]
    );
}

#[test]
fn missing_keys_and_unrecorded_rotation() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), SCHEMA).unwrap();
    std::fs::write(
        tmp.path().join("app.env"),
        "DB_PASSWORD=0123456789012345678901234\n",
    )
    .unwrap();
    let out = secretctl(tmp.path())
        .args(["--json", "check", "--schema", "s.toml", "--env", "app.env"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rotation_unknown", "missing", "missing"]);
    assert!(v["findings"][1]["message"]
        .as_str()
        .unwrap()
        .contains("secretctl env set APP_SECRET_KEY --generate"));
}

#[test]
fn accept_records_a_deliberate_one_shot_change() {
    let tmp = instance();
    let env = tmp.path().join(".env");
    replace_line(
        &env,
        "APP_SECRET_KEY",
        "APP_SECRET_KEY=0000000000000000000000000000000000000000000000000000000000000000",
    );
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
        .args(["check", "--accept", "APP_SECRET_KEY"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(secretctl(tmp.path())
        .arg("check")
        .output()
        .unwrap()
        .status
        .success());
    // Only one-shot keys can be accepted.
    let out = secretctl(tmp.path())
        .args(["check", "--accept", "DB_PASSWORD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_schema_or_no_env_is_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let out = secretctl(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secretctl init"));
    std::fs::write(tmp.path().join("secretctl.toml"), SCHEMA).unwrap();
    let out = secretctl(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".env"));
}

/// The records `check` relies on (rotation dates, the instance key, one-shot fingerprints: the instance's state file)
/// survive a gitops push on one machine and a pull into a fresh directory: `check` passes there, and still catches a
/// one-shot change.
#[test]
fn records_survive_a_gitops_round_trip() {
    let Some(keygen) = find_tool("age-keygen") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "age-keygen not found and CI is set"
        );
        eprintln!("skipped: age-keygen not found");
        return;
    };
    let tmp = instance();
    let identity = tmp.path().join("age.key");
    let out = std::process::Command::new(keygen)
        .arg("-o")
        .arg(&identity)
        .output()
        .unwrap();
    assert!(out.status.success());
    let key_text = std::fs::read_to_string(&identity).unwrap();
    let recipient = key_text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_owned();
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let author = [
        "--author-name",
        "Test",
        "--author-email",
        "test@example.invalid",
    ];
    let out = secretctl(tmp.path())
        .args([
            "gitops",
            "--repo",
            "repo",
            "init",
            "--recipient",
            &recipient,
        ])
        .args(author)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gitops init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = secretctl(tmp.path())
        .args([
            "gitops",
            "--repo",
            "repo",
            "push",
            "--host",
            "web1",
            "--env",
            ".env",
            "--schema",
            "secretctl.toml",
        ])
        .arg("--identity")
        .arg(&identity)
        .args(author)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gitops push: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("secretctl.toml"), SCHEMA).unwrap();
    let out = secretctl(tmp.path())
        .args([
            "gitops",
            "--repo",
            "repo",
            "pull",
            "--host",
            "web1",
            "--out",
            "other/.env",
        ])
        .arg("--identity")
        .arg(&identity)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gitops pull: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The state file (rotation dates, the instance key, one-shot fingerprints) came along, record for record, and
    // stayed out of the .env.
    let original = common::instance::state_text(tmp.path());
    let pulled = common::instance::state_text(&other);
    assert_eq!(pulled, original);
    assert!(original.contains("instance_key = ") && original.contains("fingerprint = "));
    assert!(!std::fs::read_to_string(other.join(".env"))
        .unwrap()
        .contains("SECRETCTL_"));
    // In the repository the state is encrypted like every secret.
    let committed = std::fs::read_to_string(repo.join("hosts/web1/state.yaml")).unwrap();
    assert!(committed.contains("ENC[AES256_GCM,") && !committed.contains("instance_key"));
    let out = secretctl(&other).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The pulled copy still detects a one-shot change.
    replace_line(
        &other.join(".env"),
        "APP_SECRET_KEY",
        "APP_SECRET_KEY=changed",
    );
    let out = secretctl(&other)
        .args(["--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["kind"], "one_shot_changed");
}

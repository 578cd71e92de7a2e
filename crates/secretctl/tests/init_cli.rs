//! `secretctl init` through the built binary: the README's first command.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_secretctl")
}

fn secretctl(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("secretctl").unwrap();
    c.current_dir(cwd);
    c
}

/// `KEY=value` lines of a simple .env (what init writes).
fn values(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn get(path: &Path, key: &str) -> Option<String> {
    values(path)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

#[test]
fn init_on_a_fresh_directory_generates_every_declared_secret() {
    let tmp = tempfile::tempdir().unwrap();
    // Even with a permissive umask the .env is 0600.
    let out = std::process::Command::new("sh")
        .current_dir(tmp.path())
        .args([
            "-c",
            &format!("umask 000; exec '{}' init my-instance", bin()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let dir = tmp.path().join("my-instance");
    let env = dir.join(".env");
    assert_eq!(
        std::fs::metadata(&env).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );

    let db = get(&env, "DB_PASSWORD").unwrap();
    assert_eq!(db.len(), 32);
    assert!(db.bytes().all(|b| b.is_ascii_alphanumeric()));
    let app = get(&env, "APP_SECRET_KEY").unwrap();
    assert_eq!(app.len(), 64);
    let backup = get(&env, "BACKUP_PASSWORD").unwrap();
    assert!(backup.split('-').count() >= 8);

    // It says what it made: names, never values.
    for key in ["DB_PASSWORD", "APP_SECRET_KEY", "BACKUP_PASSWORD"] {
        assert!(stdout.contains(&format!("generated {key}")), "{stdout}");
    }
    for (_, v) in values(&env) {
        assert!(!stdout.contains(&v), "a value leaked into the output");
    }
    assert!(stdout.contains("secretctl.toml"), "{stdout}");

    // The schema it used is written next to the .env, and later commands run there find it.
    let schema = std::fs::read_to_string(dir.join("secretctl.toml")).unwrap();
    assert!(schema.contains("[secrets.DB_PASSWORD]") && schema.contains("one_shot = true"));
    let out = secretctl(&dir).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn init_never_overwrites_an_existing_secret() {
    let tmp = tempfile::tempdir().unwrap();
    secretctl(tmp.path()).args(["init", "i"]).assert().success();
    let env = tmp.path().join("i/.env");
    let before = std::fs::read(&env).unwrap();
    let out = secretctl(tmp.path())
        .args(["--json", "init", "i"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&v["created"], &v["changed"]),
        (&serde_json::json!(false), &serde_json::json!(false))
    );
    assert_eq!(v["generated"].as_array().unwrap().len(), 0);
    assert_eq!(v["kept"].as_array().unwrap().len(), 3);
    assert_eq!(
        std::fs::read(&env).unwrap(),
        before,
        "a second init changed the .env"
    );

    // A removed secret is generated again; the others stay byte-identical.
    let text = String::from_utf8(before).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("DB_PASSWORD="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&env, &without).unwrap();
    let out = secretctl(tmp.path())
        .args(["--json", "init", "i"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["generated"][0]["key"], "DB_PASSWORD");
    let after = std::fs::read_to_string(&env).unwrap();
    assert!(after.starts_with(&without), "existing lines changed");
}

#[test]
fn values_given_with_env_file_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let given = tmp.path().join("given.env");
    std::fs::write(
        &given,
        "# from the operator\nDOMAIN=wiki.example.com\nDB_PASSWORD='given pass word 123456789'\n",
    )
    .unwrap();
    let out = secretctl(tmp.path())
        .args(["--json", "init", "inst", "--env-file"])
        .arg(&given)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kept"], serde_json::json!(["DB_PASSWORD"]));
    let generated: Vec<&str> = v["generated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(generated, ["APP_SECRET_KEY", "BACKUP_PASSWORD"]);
    let text = std::fs::read_to_string(tmp.path().join("inst/.env")).unwrap();
    // The given file is the start of the new one, byte for byte (comments, quoting).
    assert!(text.starts_with("# from the operator\nDOMAIN=wiki.example.com\nDB_PASSWORD='given pass word 123456789'\n"), "{text}");

    // Given again with a different value for an existing secret: refused, nothing written.
    let before = std::fs::read(tmp.path().join("inst/.env")).unwrap();
    std::fs::write(&given, "DB_PASSWORD=other\n").unwrap();
    let out = secretctl(tmp.path())
        .args(["init", "inst", "--env-file"])
        .arg(&given)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("DB_PASSWORD") && err.contains("never overwrites") && !err.contains("other"),
        "{err}"
    );
    assert_eq!(std::fs::read(tmp.path().join("inst/.env")).unwrap(), before);
}

#[test]
fn init_with_a_schema_versioned_and_manual_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("app.toml");
    std::fs::write(
        &schema,
        "# my app\n[secrets.API_TOKEN]\ngenerator = \"base64:40\"\nversioned = true\n\n[secrets.SMTP_PASSWORD]\nmin_length = 8\n",
    )
    .unwrap();
    let out = secretctl(tmp.path())
        .args(["init", "x", "--schema"])
        .arg(&schema)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("generated API_TOKEN v1"), "{stdout}");
    assert!(stdout.contains("missing   SMTP_PASSWORD"), "{stdout}");
    let env = tmp.path().join("x/.env");
    assert_eq!(get(&env, "API_TOKEN_V1").unwrap().len(), 40);
    assert_eq!(get(&env, "SECRET_API_TOKEN_VERSION").as_deref(), Some("v1"));
    assert_eq!(get(&env, "API_TOKEN"), None);
    // The schema file is copied verbatim, comments included.
    assert_eq!(
        std::fs::read(tmp.path().join("x/secretctl.toml")).unwrap(),
        std::fs::read(&schema).unwrap()
    );
    // check in the instance finds the schema and reports the missing manual key.
    let out = secretctl(&tmp.path().join("x"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SMTP_PASSWORD: missing"));
}

#[test]
fn schema_errors_name_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("bad.toml");
    std::fs::write(
        &schema,
        "[secrets.A]\ngenerator = \"alnum:8\"\nrotate = \"90d\"\n",
    )
    .unwrap();
    let out = secretctl(tmp.path())
        .args(["init", "x", "--schema"])
        .arg(&schema)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.toml: line 3: unknown field `rotate`"),
        "{err}"
    );
    assert!(
        !tmp.path().join("x").exists(),
        "nothing is created for a bad schema"
    );
    let out = secretctl(tmp.path())
        .args(["init", "x", "--schema", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn a_plain_value_given_for_a_versioned_key_becomes_version_1() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("s.toml");
    std::fs::write(
        &schema,
        "[secrets.DB_PASSWORD]\ngenerator = \"alnum:32\"\nversioned = true\n",
    )
    .unwrap();
    let given = tmp.path().join("given.env");
    std::fs::write(&given, "DB_PASSWORD=existing-password-value\n").unwrap();
    let out = secretctl(tmp.path())
        .args(["--json", "init", "x", "--schema"])
        .arg(&schema)
        .arg("--env-file")
        .arg(&given)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kept"], serde_json::json!(["DB_PASSWORD"]));
    let env = tmp.path().join("x/.env");
    assert_eq!(
        get(&env, "DB_PASSWORD_V1").as_deref(),
        Some("existing-password-value")
    );
    assert_eq!(
        get(&env, "SECRET_DB_PASSWORD_VERSION").as_deref(),
        Some("v1")
    );
    // The given line itself is untouched.
    assert_eq!(
        get(&env, "DB_PASSWORD").as_deref(),
        Some("existing-password-value")
    );
}

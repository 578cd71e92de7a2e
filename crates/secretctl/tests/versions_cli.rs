//! Versions are immutable (issue 16, item 1): an existing `<KEY>_V<N>` is never overwritten, the version the pointer
//! names is never removed, and `env set KEY --new-version` adds the operator's value as the next version. Every
//! refusal's fix is run exactly as printed.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const SCHEMA: &str = r#"
[secrets.DB_ROOT_PASSWORD]
generator = "alnum:32"
versioned = true

[secrets.SMTP_PASSWORD]
versioned = true
min_length = 8
"#;

const ENV: &str = "# wiki\nDOMAIN=wiki.example.com\nDB_ROOT_PASSWORD_V1=first-root-password\n\
SECRET_DB_ROOT_PASSWORD_VERSION=v1  # in use\nSMTP_PASSWORD_V1='smtp one'\nSECRET_SMTP_PASSWORD_VERSION=v1\n\
OTHER=\"x y\"\n";

fn secretctl(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("secretctl").unwrap();
    c.current_dir(cwd)
        .env_remove("SECRETCTL_KEYFILE")
        .env_remove("SECRETCTL_STORE");
    c
}

/// An instance in `<tmp>/wiki` with SCHEMA (when `schema`) and ENV.
fn instance(schema: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wiki");
    std::fs::create_dir(&dir).unwrap();
    if schema {
        std::fs::write(dir.join("secretctl.toml"), SCHEMA).unwrap();
    }
    std::fs::write(dir.join(".env"), ENV).unwrap();
    (tmp, dir)
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".env")).unwrap()
}

/// The command a refusal names: the text between the backticks after "run ".
fn refusal_fix(stderr: &str) -> String {
    let at = stderr
        .rfind("run `")
        .unwrap_or_else(|| panic!("no fix in: {stderr}"))
        + 5;
    let end = stderr[at..].find('`').unwrap();
    stderr[at..at + end].to_owned()
}

/// Run a printed fix exactly as printed through `sh`, `secretctl` resolving to the built binary, `stdin` piped in.
fn run_fix(command: &str, stdin: &str, cwd: &Path) {
    assert!(command.starts_with("secretctl "), "{command}");
    let bin = assert_cmd::cargo::cargo_bin("secretctl");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(cwd)
        .env("PATH", path)
        .env_remove("SECRETCTL_KEYFILE")
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `after` is `before` with the pointer of `key` moved from v`from` to v`from + 1` and one line `<key>_V<from+1>=…`
/// added: every other byte is the same.
fn only_the_new_version_changed(before: &str, after: &str, key: &str, from: u32) {
    let new_line = format!("{key}_V{}=", from + 1);
    assert_eq!(
        after.lines().filter(|l| l.starts_with(&new_line)).count(),
        1,
        "{after}"
    );
    let (old_ptr, new_ptr) = (
        format!("SECRET_{key}_VERSION=v{from}"),
        format!("SECRET_{key}_VERSION=v{}", from + 1),
    );
    let restored: Vec<String> = after
        .lines()
        .filter(|l| !l.starts_with(&new_line))
        .map(|l| l.replacen(&new_ptr, &old_ptr, 1))
        .collect();
    let before_lines: Vec<&str> = before.lines().collect();
    assert_eq!(restored, before_lines);
    assert_eq!(after.ends_with('\n'), before.ends_with('\n'));
}

#[test]
fn an_existing_version_is_never_overwritten_and_the_fix_adds_the_next() {
    for schema in [true, false] {
        let (tmp, dir) = instance(schema);
        let out = secretctl(tmp.path())
            .args(["env", "set", "DB_ROOT_PASSWORD_V1", "--file"])
            .arg(dir.join(".env"))
            .write_stdin("overwritten")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "schema {schema}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("DB_ROOT_PASSWORD_V1 is version v1 of DB_ROOT_PASSWORD"),
            "{err}"
        );
        assert!(err.contains("versions are immutable"), "{err}");
        assert!(
            !err.contains("overwritten\n") && !err.contains("first-root"),
            "{err}"
        );
        assert_eq!(read(&dir), ENV);
        // The same value again is refused too: the version's line is never touched.
        let out = secretctl(&dir)
            .args(["env", "set", "DB_ROOT_PASSWORD_V1"])
            .write_stdin("first-root-password")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));

        let fix = refusal_fix(&err);
        assert!(
            fix.contains("env set DB_ROOT_PASSWORD --new-version --file"),
            "{fix}"
        );
        run_fix(&fix, "second-root-password", tmp.path());
        let after = read(&dir);
        only_the_new_version_changed(ENV, &after, "DB_ROOT_PASSWORD", 1);
        assert!(after.contains("DB_ROOT_PASSWORD_V1=first-root-password\n"));
        assert!(after.contains("DB_ROOT_PASSWORD_V2=second-root-password\n"));
        let got = secretctl(&dir)
            .args(["env", "get", "DB_ROOT_PASSWORD_V2"])
            .output()
            .unwrap();
        assert_eq!(got.stdout, b"second-root-password");
    }
}

#[test]
fn the_version_in_use_is_not_removed() {
    for schema in [true, false] {
        let (tmp, dir) = instance(schema);
        let out = secretctl(&dir)
            .args(["env", "unset", "SMTP_PASSWORD_V1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "schema {schema}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("SMTP_PASSWORD_V1 is the version SECRET_SMTP_PASSWORD_VERSION names (v1)"),
            "{err}"
        );
        assert_eq!(read(&dir), ENV);
        // The fix adds v2; then v1 is no longer in use and goes.
        run_fix(
            &refusal_fix(&err),
            "smtp two (from the provider)",
            tmp.path(),
        );
        only_the_new_version_changed(ENV, &read(&dir), "SMTP_PASSWORD", 1);
        secretctl(&dir)
            .args(["env", "unset", "SMTP_PASSWORD_V1"])
            .assert()
            .success();
        let text = read(&dir);
        assert!(!text.contains("SMTP_PASSWORD_V1"), "{text}");
        assert!(
            text.contains("SMTP_PASSWORD_V2='smtp two (from the provider)'\n"),
            "{text}"
        );
        // Unsetting v2 now is refused: it is the one in use.
        let out = secretctl(&dir)
            .args(["env", "unset", "SMTP_PASSWORD_V2"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(read(&dir), text);
    }
}

#[test]
fn new_version_inserts_a_known_value_for_a_key_without_a_generator() {
    let (_tmp, dir) = instance(true);
    // The issue's loop: rotate says "use env set", env set says "use --new-version"; --new-version works.
    let out = secretctl(&dir)
        .args(["env", "rotate", "SMTP_PASSWORD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--new-version"), "{err}");
    let out = secretctl(&dir)
        .args(["--json", "env", "set", "SMTP_PASSWORD", "--new-version"])
        .write_stdin("mailgun-key-0123456789")
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
    let after = read(&dir);
    only_the_new_version_changed(ENV, &after, "SMTP_PASSWORD", 1);
    assert!(after.contains("SMTP_PASSWORD_V1='smtp one'\n"));
    assert!(after.contains("SMTP_PASSWORD_V2=mailgun-key-0123456789\n"));
    // The schema's policy applies to the new version: too short is refused, nothing written.
    let out = secretctl(&dir)
        .args(["env", "set", "SMTP_PASSWORD", "--new-version"])
        .write_stdin("short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&dir), after);
    // rotate does the same with the generator, v2 -> v3 for the generated key.
    let before = read(&dir);
    secretctl(&dir)
        .args(["env", "rotate", "DB_ROOT_PASSWORD"])
        .assert()
        .success();
    only_the_new_version_changed(&before, &read(&dir), "DB_ROOT_PASSWORD", 1);
}

#[test]
fn new_version_without_a_schema_needs_the_pointer() {
    let (_tmp, dir) = instance(false);
    let out = secretctl(&dir)
        .args(["env", "set", "SMTP_PASSWORD", "--new-version"])
        .write_stdin("from-the-provider")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    only_the_new_version_changed(ENV, &read(&dir), "SMTP_PASSWORD", 1);
    // A key with neither a declaration nor a pointer is not versioned: not found, nothing written.
    let before = read(&dir);
    let out = secretctl(&dir)
        .args(["env", "set", "OTHER", "--new-version"])
        .write_stdin("v")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(read(&dir), before);
}

#[test]
fn a_version_is_not_renamed_nor_made_by_a_rename() {
    for schema in [true, false] {
        let (_tmp, dir) = instance(schema);
        for (from, to) in [
            ("DB_ROOT_PASSWORD_V1", "OLD_ROOT"),
            ("OTHER", "DB_ROOT_PASSWORD_V2"),
        ] {
            let out = secretctl(&dir)
                .args(["env", "rename", from, to])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{from} -> {to}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains("versions are immutable"), "{err}");
            assert!(
                err.contains("env set DB_ROOT_PASSWORD --new-version"),
                "{err}"
            );
            assert_eq!(read(&dir), ENV);
        }
        // An ordinary rename still works.
        secretctl(&dir)
            .args(["env", "rename", "OTHER", "ANOTHER"])
            .assert()
            .success();
    }
}

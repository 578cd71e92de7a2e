//! `secretctl env ...` end to end: the built binary, its output, its files and its exit codes.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; helpers outside #[test] fns too

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn secretctl(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("secretctl").unwrap();
    c.current_dir(dir).env_remove("SECRETCTL_KEYFILE");
    c
}

const DOC: &str = "\u{feff}# app\r\nexport DB_HOST = db # the service\r\nDB_PASSWORD='hunter2'\r\nURL=\"postgres://${DB_HOST}/app\"\r\nDB_HOST=db2\r\nEMPTY=";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), DOC).unwrap();
    dir
}

#[test]
fn list_prints_keys_in_order_and_json_prints_compose_values() {
    let dir = setup();
    secretctl(dir.path())
        .args(["env", "list"])
        .assert()
        .success()
        .stdout("DB_HOST\nDB_PASSWORD\nURL\nEMPTY\n");
    let out = secretctl(dir.path())
        .args(["env", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "{\"DB_HOST\":\"db2\",\"DB_PASSWORD\":\"hunter2\",\"URL\":\"postgres://db/app\",\"EMPTY\":\"\"}\n"
    );
    // The global flag works before the group too.
    secretctl(dir.path())
        .args(["--json", "env", "list", "--file", ".env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"URL\":\"postgres://db/app\""));
}

#[test]
fn list_can_interpolate_against_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "A=${SCTL_TEST_VAR:-unset}\nSCTL_TEST_VAR\n",
    )
    .unwrap();
    secretctl(dir.path())
        .args(["--json", "env", "list"])
        .env("SCTL_TEST_VAR", "from-env")
        .assert()
        .success()
        .stdout("{\"A\":\"unset\"}\n");
    secretctl(dir.path())
        .args(["--json", "env", "list", "--use-environment"])
        .env("SCTL_TEST_VAR", "from-env")
        .assert()
        .success()
        .stdout("{\"A\":\"from-env\",\"SCTL_TEST_VAR\":\"from-env\"}\n");
}

#[test]
fn get_prints_the_computed_or_raw_value() {
    let dir = setup();
    secretctl(dir.path())
        .args(["env", "get", "URL"])
        .assert()
        .success()
        .stdout("postgres://db/app");
    secretctl(dir.path())
        .args(["env", "get", "URL", "--raw"])
        .assert()
        .success()
        .stdout("postgres://${DB_HOST}/app");
    secretctl(dir.path())
        .args(["--json", "env", "get", "DB_PASSWORD"])
        .assert()
        .success()
        .stdout("{\"key\":\"DB_PASSWORD\",\"value\":\"hunter2\"}\n");
}

#[test]
fn missing_key_or_file_is_exit_4() {
    let dir = setup();
    secretctl(dir.path())
        .args(["env", "get", "NOPE"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("NOPE is not set"));
    secretctl(dir.path())
        .args(["env", "unset", "NOPE"])
        .assert()
        .code(4);
    secretctl(dir.path())
        .args(["env", "list", "--file", "missing.env"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("missing.env"));
    secretctl(dir.path())
        .args(["env", "rename", "NOPE", "OTHER"])
        .assert()
        .code(4);
}

#[test]
fn set_from_stdin_changes_only_that_value() {
    let dir = setup();
    let path = dir.path().join(".env");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    secretctl(dir.path())
        .args(["env", "set", "DB_PASSWORD"])
        .write_stdin("n3w 'pass' $x\n")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        DOC.replace("'hunter2'", "\"n3w 'pass' \\$x\""),
        "only the value's bytes change"
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    secretctl(dir.path())
        .args(["env", "get", "DB_PASSWORD"])
        .assert()
        .success()
        .stdout("n3w 'pass' $x");
    // The same value again leaves the file byte-identical.
    secretctl(dir.path())
        .args(["--json", "env", "set", "DB_PASSWORD"])
        .write_stdin("n3w 'pass' $x")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"changed\":false"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
}

#[test]
fn set_creates_the_file_0600_and_set_unset_restores() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.env");
    secretctl(dir.path())
        .args(["env", "set", "A", "--file", "new.env"])
        .write_stdin("1")
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "A=1\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let dir = setup();
    let path = dir.path().join(".env");
    secretctl(dir.path())
        .args(["env", "set", "NEW_KEY"])
        .write_stdin("multi\nline")
        .assert()
        .success();
    secretctl(dir.path())
        .args(["env", "get", "NEW_KEY"])
        .assert()
        .success()
        .stdout("multi\nline");
    secretctl(dir.path())
        .args(["env", "unset", "NEW_KEY"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), DOC);
}

#[test]
fn set_value_on_argv_works_but_warns() {
    let dir = setup();
    secretctl(dir.path())
        .args(["env", "set", "TOKEN", "abc"])
        .assert()
        .success()
        .stderr(predicate::str::contains("visible to other users"));
    secretctl(dir.path())
        .args(["env", "get", "TOKEN"])
        .assert()
        .stdout("abc");
}

#[test]
fn set_from_file() {
    let dir = setup();
    std::fs::write(dir.path().join("value.txt"), "from a file\n").unwrap();
    secretctl(dir.path())
        .args(["env", "set", "TOKEN", "--from-file", "value.txt"])
        .assert()
        .success();
    secretctl(dir.path())
        .args(["env", "get", "TOKEN"])
        .assert()
        .stdout("from a file");
    secretctl(dir.path())
        .args(["env", "set", "TOKEN", "x", "--from-file", "value.txt"])
        .assert()
        .code(2);
}

#[test]
fn invalid_key_is_a_usage_error() {
    let dir = setup();
    secretctl(dir.path())
        .args(["env", "set", "BAD KEY"])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn rename_keeps_value_and_layout() {
    let dir = setup();
    secretctl(dir.path())
        .args(["env", "rename", "DB_HOST", "DATABASE_HOST"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        DOC.replace("DB_HOST =", "DATABASE_HOST =")
            .replace("DB_HOST=db2", "DATABASE_HOST=db2")
    );
    secretctl(dir.path())
        .args(["env", "rename", "DATABASE_HOST", "URL"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("URL is already set"));
}

#[test]
fn errors_name_the_file_and_line_but_no_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "A=1\nSECRET=\"hunter2\n").unwrap();
    secretctl(dir.path())
        .args(["env", "list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(".env").and(predicate::str::contains("line 2")))
        .stderr(predicate::str::contains("hunter2").not());
    std::fs::write(
        dir.path().join(".env"),
        "A=${MUST_BE_SET:?hunter2 is the password}\n",
    )
    .unwrap();
    secretctl(dir.path())
        .args(["--json", "env", "list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("MUST_BE_SET"))
        .stderr(predicate::str::contains("hunter2").not());
    // Parsing does not interpolate: the key list still works.
    secretctl(dir.path())
        .args(["env", "list"])
        .assert()
        .success()
        .stdout("A\n");
}

#[test]
fn concurrent_set_processes_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let exe = assert_cmd::cargo::cargo_bin("secretctl");
    let script =
        r#"for i in $(seq 1 100); do printf 'v%s' "$i" | "$0" env set "P${1}_K$i" || exit 1; done"#;
    let children: Vec<_> = ["1", "2"]
        .into_iter()
        .map(|p| {
            std::process::Command::new("bash")
                .args(["-c", script])
                .arg(&exe)
                .arg(p)
                .current_dir(dir.path())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let out = secretctl(dir.path())
        .args(["env", "list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let keys = String::from_utf8(out).unwrap();
    assert_eq!(keys.lines().count(), 200, "{keys}");
    for p in 1..=2 {
        for i in 1..=100 {
            assert!(
                keys.lines().any(|k| k == format!("P{p}_K{i}")),
                "P{p}_K{i} lost"
            );
        }
    }
}

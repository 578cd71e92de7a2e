//! `secretctl export swarm --prune` (issue 16, item 4): the script removes the versions of this stack's secrets the
//! `.env` no longer points at, never the version in use, and reports (and keeps) one a service still uses. Run
//! against a `docker` stand-in that records its argv and what `docker secret create` reads on stdin.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::FakeDocker;

const ENV: &str = "DOMAIN=wiki.example.com\n\
DB_PASSWORD_V1=first-version\n\
DB_PASSWORD_V2=second-version\n\
SECRET_DB_PASSWORD_VERSION=v2\n\
API_TOKEN_V1=token-one\n\
SECRET_API_TOKEN_VERSION=v1\n";

fn instance() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wiki");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(".env"), ENV).unwrap();
    (tmp, dir)
}

fn secretctl(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("secretctl").unwrap();
    c.current_dir(dir)
        .args(args)
        .env_remove("SECRETCTL_KEYFILE")
        .env_remove("SECRETCTL_STORE");
    c
}

fn script(dir: &Path, prune: bool) -> PathBuf {
    let out = dir.join("secrets.sh");
    let mut args = vec!["export", "swarm", "--out", "secrets.sh"];
    if prune {
        args.push("--prune");
    }
    secretctl(dir, &args).assert().success();
    out
}

fn removed(argv: &str) -> Vec<&str> {
    argv.lines()
        .filter_map(|l| l.strip_prefix("secret rm "))
        .collect()
}

#[test]
fn prune_removes_only_versions_the_pointers_no_longer_name() {
    let (_tmp, dir) = instance();
    let docker = FakeDocker::new(
        &[
            "wiki_example_com_db_password_v1",
            "wiki_example_com_db_password_v2",
            "wiki_example_com_db_password_v7",
            "wiki_example_com_db_password_v1_backup",
            "wiki_example_com_db_password_vx",
            "wiki_example_com_api_token_v3",
            "other_example_com_db_password_v1",
            "wiki_example_com_smtp_password_v1",
        ],
        &["wiki_example_com_db_password_v7"],
    );
    // Without --prune nothing is listed or removed.
    let plain = script(&dir, false);
    let out = docker.run_script(&plain, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(removed(&docker.argv_log()).is_empty());
    assert!(!docker.argv_log().contains("secret ls"));

    let pruning = script(&dir, true);
    let text = fs::read_to_string(&pruning).unwrap();
    assert!(!text.contains("first-version") && !text.contains("second-version"));
    let out = docker.run_script(&pruning, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let argv = docker.argv_log();
    let mut rm = removed(&argv);
    rm.sort_unstable();
    // Only other versions of this stack's exported secrets; never v2 (in use), api_token_v1, another stack's,
    // a name that is not `<stack>_<base>_v<N>`, or a secret this .env does not export.
    assert_eq!(
        rm,
        [
            "wiki_example_com_api_token_v3",
            "wiki_example_com_db_password_v1",
            "wiki_example_com_db_password_v7",
        ]
    );
    assert!(
        stderr.contains("removed: wiki_example_com_db_password_v1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in use:  wiki_example_com_db_password_v7 (kept)"),
        "{stderr}"
    );
    let left: Vec<String> = docker.secrets().into_keys().collect();
    assert_eq!(
        left,
        [
            "other_example_com_db_password_v1",
            "wiki_example_com_api_token_v1",
            "wiki_example_com_db_password_v1_backup",
            "wiki_example_com_db_password_v2",
            "wiki_example_com_db_password_v7",
            "wiki_example_com_db_password_vx",
            "wiki_example_com_smtp_password_v1",
        ]
    );
    assert_eq!(
        docker.secrets()["wiki_example_com_api_token_v1"],
        b"token-one"
    );
}

#[test]
fn after_a_new_version_prune_removes_the_old_one() {
    let (_tmp, dir) = instance();
    let docker = FakeDocker::new(&[], &[]);
    let out = docker.run_script(&script(&dir, true), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(removed(&docker.argv_log()).is_empty());
    // The abra loop: insert a known value as the next version, create it, remove the old one.
    secretctl(&dir, &["env", "set", "DB_PASSWORD", "--new-version"])
        .write_stdin("third-version")
        .assert()
        .success();
    let out = docker.run_script(&script(&dir, true), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        removed(&docker.argv_log()),
        ["wiki_example_com_db_password_v2"]
    );
    assert_eq!(
        docker.secrets(),
        BTreeMap::from([
            (
                "wiki_example_com_api_token_v1".to_owned(),
                b"token-one".to_vec()
            ),
            (
                "wiki_example_com_db_password_v3".to_owned(),
                b"third-version".to_vec()
            ),
        ])
    );
}

#[test]
fn a_failing_listing_fails_the_script() {
    let (_tmp, dir) = instance();
    let docker = FakeDocker::new(&[], &[]);
    let pruning = script(&dir, true);
    // A docker that cannot list (no Swarm manager): the script fails instead of pruning nothing silently.
    let text = fs::read_to_string(&pruning)
        .unwrap()
        .replace("--format '{{.Name}}'", "--format '{{.Name}}' --bad");
    fs::write(&pruning, text).unwrap();
    let out = docker.run_script(&pruning, &[]);
    assert!(!out.status.success());
}

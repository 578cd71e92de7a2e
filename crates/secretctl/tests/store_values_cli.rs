//! Values out of the `.env` for Swarm (issue 16, item 2): with `store = true` (per secret or `[instance]`), the
//! versions' values live in the encrypted secret store (owner = the instance, name = `<name>_v<N>`), the `.env`
//! keeps only the pointers, and `export swarm` creates the same Swarm secrets as before (a `docker` stand-in
//! records what `docker secret create` received).
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{FakeDocker, StoreEnv};

const ENV: &str = "DOMAIN=wiki.example.com\n\
DB_PASSWORD_V1=first-db-password\n\
DB_PASSWORD_V2='second db password'\n\
SECRET_DB_PASSWORD_VERSION=v2\n\
API_TOKEN_V1=api-token-one\n\
SECRET_API_TOKEN_VERSION=v1\n";

const VALUES: [&str; 3] = ["first-db-password", "second db password", "api-token-one"];

fn schema(instance_store: bool) -> String {
    let (per_key, table) = match instance_store {
        true => ("", "store = true\n"),
        false => ("store = true\n", ""),
    };
    format!(
        "[instance]\nname = \"wiki\"\n{table}\n[secrets.DB_PASSWORD]\ngenerator = \"alnum:24\"\nversioned = true\n\
         {per_key}\n[secrets.API_TOKEN]\nversioned = true\n"
    )
}

/// A keyfile, the default store beside it, and the instance `wiki/`.
fn setup(instance_store: bool) -> (StoreEnv, PathBuf) {
    let s = StoreEnv::new();
    let dir = s.path("wiki");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("secretctl.toml"), schema(instance_store)).unwrap();
    fs::write(dir.join(".env"), ENV).unwrap();
    (s, dir)
}

fn run(s: &StoreEnv, dir: &Path, args: &[&str]) -> String {
    let out = s.cmd().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The Swarm secrets the script `export swarm` writes creates, run against a fresh stand-in.
fn swarm_secrets(s: &StoreEnv, dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let script = dir.join("create-secrets.sh");
    run(s, dir, &["export", "swarm", "--out", "create-secrets.sh"]);
    let text = fs::read_to_string(&script).unwrap();
    for v in VALUES {
        assert!(!text.contains(v), "{v:?} in the script");
    }
    let docker = FakeDocker::new(&[], &[]);
    let keyfile = s.keyfile();
    let out = docker.run_script(&script, &[("SECRETCTL_KEYFILE", &keyfile)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let argv = docker.argv_log();
    for v in VALUES {
        assert!(!argv.contains(v), "{v:?} on docker's argv");
    }
    docker.secrets()
}

fn env_text(dir: &Path) -> String {
    fs::read_to_string(dir.join(".env")).unwrap()
}

#[test]
fn migrated_instance_keeps_no_value_in_the_env_and_exports_the_same_secrets() {
    for instance_store in [false, true] {
        let (s, dir) = setup(instance_store);
        let before = swarm_secrets(&s, &dir);
        assert_eq!(
            before,
            BTreeMap::from([
                (
                    "wiki_example_com_api_token_v1".to_owned(),
                    b"api-token-one".to_vec()
                ),
                (
                    "wiki_example_com_db_password_v2".to_owned(),
                    b"second db password".to_vec()
                ),
            ])
        );

        let out = run(&s, &dir, &["env", "migrate-to-store"]);
        assert!(
            out.contains("DB_PASSWORD_V2 -> secret store db_password_v2"),
            "{out}"
        );
        let text = env_text(&dir);
        assert!(
            !text.contains("DB_PASSWORD_V1") && !text.contains("DB_PASSWORD_V2"),
            "{text}"
        );
        assert!(text.contains("SECRET_DB_PASSWORD_VERSION=v2\n"), "{text}");
        if instance_store {
            // Every secret value is out: the .env holds DOMAIN and the pointers only.
            assert_eq!(
                text,
                "DOMAIN=wiki.example.com\nSECRET_DB_PASSWORD_VERSION=v2\nSECRET_API_TOKEN_VERSION=v1\n"
            );
            for v in VALUES {
                assert!(!text.contains(v), "{v:?} is still in the .env");
            }
        } else {
            // Only the store = true key moved.
            assert!(text.contains("API_TOKEN_V1=api-token-one\n"), "{text}");
        }
        // owner = the instance, name = <name>_v<N>; every version moved, the old one too.
        let got = s
            .cmd()
            .args(["secret", "get", "wiki", "db_password_v1"])
            .output()
            .unwrap();
        assert_eq!(got.stdout, b"first-db-password");
        // The same secrets as before, read from the store.
        assert_eq!(
            swarm_secrets(&s, &dir),
            before,
            "instance store {instance_store}"
        );
        // Check sees nothing missing; running the migration again changes nothing.
        run(&s, &dir, &["check"]);
        let again = env_text(&dir);
        run(&s, &dir, &["env", "migrate-to-store"]);
        assert_eq!(env_text(&dir), again);
    }
}

#[test]
fn new_versions_go_to_the_store_and_the_pointer_moves() {
    let (s, dir) = setup(true);
    run(&s, &dir, &["env", "migrate-to-store"]);
    let before = env_text(&dir);
    // env rotate: generated v3 in the store, only the pointer changes in the .env.
    let out = run(&s, &dir, &["--json", "env", "rotate", "DB_PASSWORD"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["versioned"]["current"], "v3");
    assert_eq!(
        env_text(&dir),
        before.replace(
            "SECRET_DB_PASSWORD_VERSION=v2",
            "SECRET_DB_PASSWORD_VERSION=v3"
        )
    );
    let v3 = s
        .cmd()
        .args(["secret", "get", "wiki", "db_password_v3"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(v3.len(), 24);
    // env set --new-version: a known value as v2 of API_TOKEN.
    s.cmd()
        .current_dir(&dir)
        .args(["env", "set", "API_TOKEN", "--new-version"])
        .write_stdin("token from the provider")
        .assert()
        .success();
    let text = env_text(&dir);
    assert!(text.contains("SECRET_API_TOKEN_VERSION=v2\n"), "{text}");
    assert!(!text.contains("token from the provider"), "{text}");
    let secrets = swarm_secrets(&s, &dir);
    assert_eq!(secrets["wiki_example_com_db_password_v3"], v3);
    assert_eq!(
        secrets["wiki_example_com_api_token_v2"],
        b"token from the provider"
    );
    // A version the store already holds is never overwritten: point back at v2 by hand, rotate, refused.
    fs::write(
        dir.join(".env"),
        text.replace("SECRET_API_TOKEN_VERSION=v2", "SECRET_API_TOKEN_VERSION=v1"),
    )
    .unwrap();
    let edited = env_text(&dir);
    let out = s
        .cmd()
        .current_dir(&dir)
        .args(["env", "set", "API_TOKEN", "--new-version"])
        .write_stdin("another")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already holds wiki/api_token_v2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env_text(&dir), edited);
}

#[test]
fn init_puts_version_1_into_the_store() {
    let s = StoreEnv::new();
    let dir = s.path("wiki");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("secretctl.toml"), schema(true)).unwrap();
    let out = run(&s, &s.dir(), &["init", "wiki"]);
    assert!(out.contains("generated DB_PASSWORD v1"), "{out}");
    assert!(out.contains("missing   API_TOKEN"), "{out}");
    assert_eq!(env_text(&dir), "SECRET_DB_PASSWORD_VERSION=v1\n");
    let v1 = s
        .cmd()
        .args(["secret", "get", "wiki", "db_password_v1"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(v1.len(), 24);
}

#[test]
fn no_version_value_is_written_to_the_env_of_a_store_backed_key() {
    let (s, dir) = setup(true);
    run(&s, &dir, &["env", "migrate-to-store"]);
    let before = env_text(&dir);
    // Neither a new version key by hand nor one the pointer names: refused, with the command that adds a version.
    for key in ["DB_PASSWORD_V3", "DB_PASSWORD_V2"] {
        let out = s
            .cmd()
            .current_dir(&dir)
            .args(["env", "set", key])
            .write_stdin("hand-made")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{key}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("live in the encrypted secret store"), "{err}");
        assert!(
            err.contains("secretctl env set DB_PASSWORD --new-version"),
            "{err}"
        );
    }
    assert_eq!(env_text(&dir), before);
    let out = run(&s, &dir, &["env", "rotate", "DB_PASSWORD"]);
    assert!(
        out.contains("added db_password_v3 to the secret store"),
        "{out}"
    );
    // The refusal's fix, run exactly as printed (the keyfile and store from the environment, as for every command).
    let out = s
        .cmd()
        .current_dir(&dir)
        .args(["env", "set", "DB_PASSWORD_V9"])
        .write_stdin("x")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let at = err.rfind("run `").unwrap() + 5;
    let fix = &err[at..at + err[at..].find('`').unwrap()];
    let bin = assert_cmd::cargo::cargo_bin("secretctl");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ran = std::process::Command::new("sh")
        .args(["-c", fix])
        .current_dir(s.dir())
        .env("PATH", path)
        .env("SECRETCTL_KEYFILE", s.keyfile())
        .env_remove("SECRETCTL_STORE")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write as _;
            c.stdin.take().unwrap().write_all(b"from the fix")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        ran.status.success(),
        "{fix}: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert!(env_text(&dir).contains("SECRET_DB_PASSWORD_VERSION=v4\n"));
    let got = s
        .cmd()
        .args(["secret", "get", "wiki", "db_password_v4"])
        .output()
        .unwrap();
    assert_eq!(got.stdout, b"from the fix");
}

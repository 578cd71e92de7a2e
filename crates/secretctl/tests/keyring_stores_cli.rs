//! The keyring knows its stores (issue 14 item 2), on SQLite and on the real PostgreSQL server: a typo store is
//! never rotated against, a foreign key is refused on put (exit 3, both key ids, a fix that works as printed),
//! and `key retire` checks every store the keyring has sealed for, refusing while one cannot be reached.
// Helpers outside #[test] fns should panic where a step fails, like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::pg::PgDb;
use common::StoreEnv;
use predicates::prelude::*;

fn stores_file(env: &StoreEnv) -> String {
    std::fs::read_to_string(env.keyring_dir().join("stores.json")).unwrap_or_default()
}

/// `secretctl secret put OWNER NAME --store URL` with `value` on stdin.
fn put(env: &StoreEnv, url: &str, name: &str, value: &str) -> assert_cmd::assert::Assert {
    env.cmd()
        .args(["secret", "put", "o", name, "--store", url])
        .write_stdin(value.to_owned())
        .assert()
}

/// A typo in --store: `key rotate` refuses (exit 4) and the keyfile is not rotated.
fn typo_store_is_never_rotated_against(env: &StoreEnv, typo: &str) {
    let before = env.active();
    env.cmd()
        .args(["key", "rotate", "--store", typo])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no secretctl store at"));
    assert_eq!(env.active(), before);
    assert!(
        !env.keyring_dir().exists()
            || std::fs::read_dir(env.keyring_dir())
                .unwrap()
                .all(|e| { !e.unwrap().file_name().to_string_lossy().ends_with(".key") })
    );
}

/// A second keyfile's key is refused on put, naming both keys; the rotation fix works as printed.
fn foreign_key_is_refused_on_put(env: &StoreEnv, url: &str) {
    put(env, url, "a", "1").success();
    let store_key = env.active();
    // Another installation's keyfile.
    let other = env.path("other/master.key");
    env.cmd()
        .args(["key", "init", "--keyfile"])
        .arg(&other)
        .assert()
        .success();
    let out = env
        .cmd()
        .args(["secret", "put", "o", "b", "--store", url, "--keyfile"])
        .arg(&other)
        .write_stdin("2")
        .assert()
        .code(3)
        .stdout("")
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains(&store_key), "{text}");
    assert!(text.contains("key restore --expect-id"), "{text}");
    assert!(!text.contains("postgres:pw"), "{text}");
    // Nothing was stored: b does not exist.
    env.cmd()
        .args(["secret", "get", "o", "b", "--store", url])
        .assert()
        .code(4);

    // The keyfile rotated against another store: this store's rows are under the now-retired key, and a put under
    // the new active key is refused until the store is rotated too, with the command printed.
    let side = env.path("side.db");
    let side_url = format!("sqlite:{}", side.display());
    env.cmd()
        .args(["store", "init", &side_url])
        .assert()
        .success();
    env.cmd()
        .args(["key", "rotate", "--store", &side_url])
        .assert()
        .success();
    let out = put(env, url, "c", "3").code(3).get_output().stderr.clone();
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(
        text.contains(&store_key) && text.contains(&env.active()),
        "{text}"
    );
    let fix = text
        .split('`')
        .find(|part| part.starts_with("secretctl key rotate"))
        .unwrap_or_else(|| panic!("no rotate fix in {text}"));
    let path = format!(
        "{}:/usr/bin:/bin",
        common::secretctl_bin().parent().unwrap().display()
    );
    let status = std::process::Command::new("/bin/sh")
        .args(["-c", fix])
        .current_dir(env.dir())
        .env("PATH", path)
        .env("SECRETCTL_KEYFILE", env.keyfile())
        .env("PGPASSWORD", "pw")
        .status()
        .unwrap();
    assert!(status.success(), "{fix}");
    put(env, url, "c", "3").success();
}

/// `key retire` checks every store recorded in the keyring, refusing while one cannot be reached, until --force.
fn retire_checks_every_recorded_store(env: &StoreEnv, url: &str, make_unreachable: impl FnOnce()) {
    let old = env.active();
    put(env, url, "a", "1").success();
    env.put("d", "x", "default store");
    env.cmd()
        .args(["key", "rotate", "--store", url])
        .assert()
        .success();
    // The default store still has a row under the old key: refused, naming it.
    env.cmd()
        .args(["key", "retire", &old, "--store", url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("store.db").and(predicate::str::contains("1 rows")));
    env.cmd().args(["key", "rotate"]).assert().success();
    // Now the first store cannot be reached: refused (nothing destroyed), whatever --store says.
    make_unreachable();
    env.cmd()
        .args(["key", "retire", &old])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot check").and(predicate::str::contains("--force")));
    assert!(env.keyring_dir().join(format!("{old}.key")).exists());
    env.cmd()
        .args(["key", "retire", &old, "--force"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning:"));
    assert!(!env.keyring_dir().join(format!("{old}.key")).exists());
}

#[test]
fn sqlite_typo_store_foreign_key_and_unreachable_store() {
    let env = StoreEnv::new();
    typo_store_is_never_rotated_against(&env, &format!("sqlite:{}", env.path("tpyo.db").display()));
    assert!(!env.path("tpyo.db").exists());

    let fleet = env.path("fleet.db");
    let url = format!("sqlite:{}", fleet.display());
    env.cmd().args(["store", "init", &url]).assert().success();
    foreign_key_is_refused_on_put(&env, &url);
    // The keyring recorded the store, by its absolute path.
    assert!(
        stores_file(&env).contains(&format!("\"{url}\"")),
        "{}",
        stores_file(&env)
    );

    let env = StoreEnv::new();
    let url = format!("sqlite:{}", env.path("fleet.db").display());
    env.cmd().args(["store", "init", &url]).assert().success();
    let moved = env.path("moved.db");
    retire_checks_every_recorded_store(&env, &url, || {
        std::fs::rename(env.path("fleet.db"), &moved).unwrap();
    });
}

#[test]
fn postgres_typo_store_foreign_key_and_unreachable_store() {
    let Some(db) = PgDb::new() else { return };
    let env = StoreEnv::new();
    // A database that does not hold a store (a typo of the database name) is never rotated against.
    let Some(empty) = PgDb::new() else { return };
    typo_store_is_never_rotated_against(&env, &empty.url);
    assert!(empty.tables().is_empty());

    // A password in the URL is used, and never recorded in the keyring.
    let with_pw = db.url.replacen("postgres@", "postgres:pw@", 1);
    env.cmd()
        .args(["store", "init", &with_pw])
        .assert()
        .success();
    foreign_key_is_refused_on_put(&env, &with_pw);
    let recorded = stores_file(&env);
    assert!(recorded.contains(&db.url), "{recorded}");
    assert!(!recorded.contains(":pw@"), "{recorded}");

    let Some(db2) = PgDb::new() else { return };
    let env = StoreEnv::new();
    env.cmd()
        .args(["store", "init", &db2.url])
        .assert()
        .success();
    let url = db2.url.clone();
    retire_checks_every_recorded_store(&env, &url, || drop(db2));
}

//! Stores are created on purpose (issue 14 item 1): only `store init`, a put to the default store and `secret
//! import` create one; every other command on a missing, empty or foreign database exits 4 and creates nothing.
//! On SQLite and on the real PostgreSQL server.
// Helpers outside #[test] fns should panic where a step fails, like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::pg::PgDb;
use common::StoreEnv;
use predicates::prelude::*;

/// The commands that read or change an existing store; none may create one.
fn readers(url: &str, old_key: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        v(&["secret", "get", "alice", "x", "--store", url]),
        v(&["secret", "list", "--store", url]),
        v(&["secret", "history", "alice", "x", "--store", url]),
        v(&["secret", "rm", "alice", "x", "--all", "--store", url]),
        v(&["secret", "audit", "--store", url]),
        v(&["secret", "put", "alice", "x", "--store", url]),
        v(&["key", "rotate", "--store", url]),
        v(&["key", "retire", old_key, "--store", url]),
    ]
}

/// Every reader exits 4 with "no secretctl store at URL; nothing created".
fn every_reader_exits_4(env: &StoreEnv, url: &str) {
    for args in readers(url, "0123456789abcdef") {
        let assert = env
            .cmd()
            .args(&args)
            .write_stdin("v")
            .assert()
            .code(4)
            .stdout("");
        if args[1] == "retire" {
            // No such retired key is found first; rotate_cli covers retiring a real key against a missing store.
            continue;
        }
        assert.stderr(
            predicate::str::contains("no secretctl store at")
                .and(predicate::str::contains("nothing created")),
        );
    }
}

/// The fix a "no store" message names, run exactly as printed.
fn run_printed_fix(env: &StoreEnv, stderr: &[u8]) {
    let text = String::from_utf8_lossy(stderr);
    let fix = text
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no fix in {text}"));
    assert!(fix.starts_with("secretctl store init "), "{fix}");
    let mut sh = std::process::Command::new("/bin/sh");
    let path = format!(
        "{}:/usr/bin:/bin",
        common::secretctl_bin().parent().unwrap().display()
    );
    sh.arg("-c")
        .arg(fix)
        .current_dir(env.dir())
        .env("PATH", path)
        .env("SECRETCTL_KEYFILE", env.keyfile());
    let out = sh.output().unwrap();
    assert!(
        out.status.success(),
        "{fix}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_missing_sqlite_store_is_created_only_by_store_init() {
    let env = StoreEnv::new();
    let path = env.path("fleet.db");
    let url = format!("sqlite:{}", path.display());
    every_reader_exits_4(&env, &url);
    assert!(!path.exists(), "a reader created {}", path.display());

    let out = env
        .cmd()
        .args(["secret", "get", "alice", "x", "--store", &url])
        .assert()
        .code(4)
        .get_output()
        .stderr
        .clone();
    run_printed_fix(&env, &out);
    assert!(path.exists());
    env.cmd()
        .args(["store", "init", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("already a secretctl store"));
    env.cmd()
        .args(["secret", "put", "alice", "x", "--store", &url])
        .write_stdin("v")
        .assert()
        .success();
    let doc = env.json(&["store", "init", &url]);
    assert_eq!(doc["created"], false);

    // The default store is still created by its first put, and only by it.
    assert!(!env.store().exists());
    env.put("alice", "y", "v");
    assert!(env.store().exists());
}

#[test]
fn a_foreign_or_empty_sqlite_file_is_never_changed_by_a_read() {
    let env = StoreEnv::new();
    let path = env.path("app.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'a');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let url = format!("sqlite:{}", path.display());
    every_reader_exits_4(&env, &url);
    env.cmd()
        .args(["store", "init", &url])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("holds other tables")
                .and(predicate::str::contains("nothing was changed")),
        );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the foreign database changed"
    );
    assert!(!env.path("app.db-wal").exists());

    // Not a database at all: the same, and the file is untouched.
    let junk = env.path("junk.db");
    std::fs::write(
        &junk,
        b"not a database, just text that is long enough to be a header maybe",
    )
    .unwrap();
    let junk_url = format!("sqlite:{}", junk.display());
    every_reader_exits_4(&env, &junk_url);
    env.cmd()
        .args(["store", "init", &junk_url])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        b"not a database, just text that is long enough to be a header maybe"
    );

    // An empty file is an empty database: reads leave it empty; store init makes it a store.
    let empty = env.path("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let empty_url = format!("sqlite:{}", empty.display());
    every_reader_exits_4(&env, &empty_url);
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    let doc = env.json(&["store", "init", &empty_url]);
    assert_eq!(doc["created"], true);
}

#[test]
fn postgres_databases_are_made_stores_only_by_store_init() {
    let Some(db) = PgDb::new() else { return };
    let env = StoreEnv::new();
    // An empty database: every reader exits 4 and creates no table.
    every_reader_exits_4(&env, &db.url);
    assert!(db.tables().is_empty(), "{:?}", db.tables());

    // A foreign database: the same, and store init refuses it.
    let Some(foreign) = PgDb::new() else { return };
    foreign.exec("CREATE TABLE users (id INT PRIMARY KEY); INSERT INTO users VALUES (1);");
    every_reader_exits_4(&env, &foreign.url);
    env.cmd()
        .args(["store", "init", &foreign.url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds other tables"));
    assert_eq!(foreign.tables(), ["users"]);

    // store init makes the empty one a store, once.
    assert_eq!(env.json(&["store", "init", &db.url])["created"], true);
    assert_eq!(env.json(&["store", "init", &db.url])["created"], false);
    env.cmd()
        .args(["secret", "put", "alice", "x", "--store", &db.url])
        .write_stdin("v")
        .assert()
        .success();
    env.cmd()
        .args(["secret", "get", "alice", "x", "--store", &db.url])
        .assert()
        .success()
        .stdout("v");
    // A dropped table is never silently recreated by a read.
    db.exec("DROP TABLE secretctl_meta");
    env.cmd()
        .args(["secret", "get", "alice", "x", "--store", &db.url])
        .assert()
        .code(4);
    assert!(!db.tables().contains(&"secretctl_meta".to_owned()));
}

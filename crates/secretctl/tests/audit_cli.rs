//! A verifiable audit (issue 14 item 3), on SQLite and on the real PostgreSQL server: `secret audit --verify`
//! finds a record deleted, altered or reordered in the database, still passes after `--prune` and after a
//! master-key rotation and retirement, and a forged actor is printed escaped in text and JSON.
// Helpers outside #[test] fns should panic where a step fails, like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::pg::PgDb;
use common::StoreEnv;
use predicates::prelude::*;

/// Run SQL against the store behind secretctl's back.
type Sql<'a> = &'a dyn Fn(&str);

fn sqlite_sql(path: std::path::PathBuf) -> impl Fn(&str) {
    move |sql: &str| {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(sql).unwrap();
    }
}

fn put(env: &StoreEnv, url: &str, owner: &str, name: &str) {
    env.cmd()
        .args(["secret", "put", owner, name, "--store", url])
        .write_stdin("value")
        .assert()
        .success();
}

fn verify_ok(env: &StoreEnv, url: &str) -> serde_json::Value {
    env.json(&["secret", "audit", "--verify", "--store", url])
}

fn verify_fails_at(env: &StoreEnv, url: &str, needle: &str) {
    env.cmd()
        .args(["secret", "audit", "--verify", "--store", url])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains(needle));
}

fn tampering_is_found(env: &StoreEnv, url: &str, sql: Sql<'_>) {
    put(env, url, "alice", "a");
    put(env, url, "alice", "b");
    put(env, url, "bob", "c");
    env.cmd()
        .args(["secret", "get", "alice", "a", "--store", url])
        .assert()
        .success();
    // A read of a missing secret is recorded too.
    env.cmd()
        .args(["secret", "get", "alice", "nope", "--store", url])
        .assert()
        .code(4);
    let v = verify_ok(env, url);
    assert_eq!(v["verified"], true);
    let rows = v["rows"].as_u64().unwrap();
    assert!(rows >= 5, "{v}");
    env.cmd()
        .args(["secret", "audit", "--verify", "--store", url])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!("verified {rows} rows")));

    // Filters.
    let misses = env.json(&["secret", "audit", "--action", "get-miss", "--store", url]);
    assert_eq!(misses.as_array().unwrap().len(), 1, "{misses}");
    assert_eq!(misses[0]["name"], "nope");
    let bob = env.json(&["secret", "audit", "--owner", "bob", "--store", url]);
    assert!(
        bob.as_array().unwrap().iter().all(|e| e["owner"] == "bob"),
        "{bob}"
    );
    assert_eq!(bob.as_array().unwrap().len(), 1);
    let b = env.json(&["secret", "audit", "--name", "b", "--store", url]);
    assert_eq!(b.as_array().unwrap().len(), 1);
    let none = env.json(&["secret", "audit", "--since", "2999-01-01", "--store", url]);
    assert!(none.as_array().unwrap().is_empty());
    let all = env.json(&[
        "secret",
        "audit",
        "--since",
        "2000-01-01T00:00:00Z",
        "--store",
        url,
    ]);
    assert_eq!(all.as_array().unwrap().len() as u64, rows);
    env.cmd()
        .args(["secret", "audit", "--since", "yesterday", "--store", url])
        .assert()
        .code(2);

    // Altered: a record's actor edited.
    sql("UPDATE secretctl_audit SET actor = 'someone else' WHERE id = 2");
    verify_fails_at(env, url, "audit record 2 was altered");
    sql("UPDATE secretctl_audit SET actor = 'tester' WHERE id = 2");
    verify_ok(env, url);
    // Reordered: records 2 and 3 swapped.
    sql("UPDATE secretctl_audit SET id = -2 WHERE id = 2; UPDATE secretctl_audit SET id = 2 WHERE id = 3; \
         UPDATE secretctl_audit SET id = 3 WHERE id = -2");
    verify_fails_at(env, url, "audit record 2");
    sql("UPDATE secretctl_audit SET id = -3 WHERE id = 3; UPDATE secretctl_audit SET id = 3 WHERE id = 2; \
         UPDATE secretctl_audit SET id = 2 WHERE id = -3");
    verify_ok(env, url);
    // Deleted.
    sql("DELETE FROM secretctl_audit WHERE id = 3");
    verify_fails_at(env, url, "audit record 3 is missing");
    // A damaged log is never pruned (that would hide the damage).
    env.cmd()
        .args([
            "secret",
            "audit",
            "--prune",
            "--before",
            "2999-01-01",
            "--store",
            url,
        ])
        .assert()
        .code(3);
}

fn prune_keeps_a_verifiable_checkpoint(env: &StoreEnv, url: &str, sql: Sql<'_>) {
    for n in ["a", "b", "c"] {
        put(env, url, "o", n);
    }
    let pruned = env.json(&[
        "secret",
        "audit",
        "--prune",
        "--before",
        "2999-01-01",
        "--store",
        url,
    ]);
    assert!(pruned["pruned"].as_u64().unwrap() >= 3, "{pruned}");
    // Only the prune record itself is left, and the log verifies from the checkpoint.
    let left = env.json(&["secret", "audit", "--store", url]);
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left[0]["operation"], "prune");
    let v = verify_ok(env, url);
    assert!(v["pruned_through"].as_u64().unwrap() >= 3, "{v}");
    put(env, url, "o", "d");
    put(env, url, "o", "e");
    let v = verify_ok(env, url);
    assert_eq!(v["rows"], 3, "{v}");
    // A record deleted after the checkpoint is still found.
    let head = v["head"].as_u64().unwrap();
    sql(&format!(
        "DELETE FROM secretctl_audit WHERE id = {}",
        head - 1
    ));
    verify_fails_at(env, url, &format!("audit record {} is missing", head - 1));
    // And a checkpoint moved by hand does not verify.
    sql("UPDATE secretctl_audit_anchor SET seq = seq - 1 WHERE kind = 'prune'");
    verify_fails_at(env, url, "checkpoint was altered");
}

fn rotation_and_retirement_keep_it_verifiable(env: &StoreEnv, url: &str, sql: Sql<'_>) {
    let old = env.active();
    put(env, url, "o", "a");
    put(env, url, "o", "b");
    env.cmd()
        .args(["key", "rotate", "--store", url])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    put(env, url, "o", "c");
    env.cmd()
        .args(["key", "retire", &old, "--store", url])
        .assert()
        .success();
    // The records MACed under the destroyed key are vouched for by the rotation's checkpoint.
    verify_ok(env, url);
    // Tampering with one of them is still found.
    sql("UPDATE secretctl_audit SET name = 'z' WHERE id = 1");
    verify_fails_at(env, url, "audit record 1");
}

fn forged_actor_is_printed_escaped(env: &StoreEnv, url: &str) {
    put(env, url, "o", "x");
    let forged = "evil\n2026-01-01T00:00:00Z  root  rm  o/x v1\u{1b}[2K\u{202e}";
    env.cmd()
        .args(["secret", "get", "o", "x", "--actor", forged, "--store", url])
        .assert()
        .success();
    let text = env
        .cmd()
        .args(["secret", "audit", "--store", url])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("evil\\n2026") && text.contains("\\u{1b}[2K"),
        "{text}"
    );
    let json = env
        .cmd()
        .args(["--json", "secret", "audit", "--store", url])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json = String::from_utf8(json).unwrap();
    assert!(
        !json.contains('\u{1b}') && !json.contains('\u{202e}') && json.lines().count() == 1,
        "{json:?}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Stored as given.
    assert_eq!(doc[1]["actor"], forged);
    verify_ok(env, url);
}

fn sqlite_store(env: &StoreEnv, file: &str) -> (String, std::path::PathBuf) {
    let path = env.path(file);
    let url = format!("sqlite:{}", path.display());
    env.cmd().args(["store", "init", &url]).assert().success();
    (url, path)
}

#[test]
fn sqlite_audit_is_verifiable() {
    let env = StoreEnv::new();
    let (url, path) = sqlite_store(&env, "t.db");
    tampering_is_found(&env, &url, &sqlite_sql(path));
    let (url, path) = sqlite_store(&env, "p.db");
    prune_keeps_a_verifiable_checkpoint(&env, &url, &sqlite_sql(path));
    let (url, _) = sqlite_store(&env, "f.db");
    forged_actor_is_printed_escaped(&env, &url);
    let env = StoreEnv::new();
    let (url, path) = sqlite_store(&env, "r.db");
    rotation_and_retirement_keep_it_verifiable(&env, &url, &sqlite_sql(path));
}

#[test]
fn postgres_audit_is_verifiable() {
    let env = StoreEnv::new();
    let mut dbs = Vec::new();
    for _ in 0..4 {
        let Some(db) = PgDb::new() else { return };
        env.cmd()
            .args(["store", "init", &db.url])
            .assert()
            .success();
        dbs.push(db);
    }
    let sql = |db: &PgDb| {
        let url = db.url.clone();
        move |s: &str| {
            postgres::Client::connect(&url, postgres::NoTls)
                .unwrap()
                .batch_execute(s)
                .unwrap();
        }
    };
    tampering_is_found(&env, &dbs[0].url, &sql(&dbs[0]));
    prune_keeps_a_verifiable_checkpoint(&env, &dbs[1].url, &sql(&dbs[1]));
    forged_actor_is_printed_escaped(&env, &dbs[2].url);
    let env = StoreEnv::new();
    rotation_and_retirement_keep_it_verifiable(&env, &dbs[3].url, &sql(&dbs[3]));
}

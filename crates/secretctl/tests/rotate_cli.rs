//! `secretctl key rotate` / `key retire` end to end: the built binary, a real keyfile and SQLite store.
// Helpers outside #[test] fns should panic where a step fails, like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::StoreEnv;
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn rotate_reencrypts_then_retire_destroys_the_old_key() {
    let env = StoreEnv::new();
    let old = env.active();
    for i in 0..30 {
        env.put("tenant", &format!("s{i}"), &format!("value {i}"));
    }
    let out = env
        .cmd()
        .args(["key", "rotate", "--batch-size", "7"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"re-encrypted 30 rows in [0-9.]+ s \([0-9]+ rows/s\); active key [0-9a-f]{16}\n",
            )
            .unwrap(),
        )
        .get_output()
        .clone();
    // No terminal: no progress bar on stderr, only the one-line notice of the new key.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("new active key "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let new = env.active();
    assert_ne!(new, old);
    assert_eq!(env.key_ids_in_store(), std::slice::from_ref(&new));
    for i in [0, 17, 29] {
        env.cmd()
            .args(["secret", "get", "tenant", &format!("s{i}")])
            .assert()
            .success()
            .stdout(format!("value {i}"));
    }

    env.cmd()
        .args(["key", "retire", &old])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "destroyed retired key {old}"
        )));
    assert!(!env.keyring_dir().join(format!("{old}.key")).exists());
    // Gone: a second retire is "not found"; the active key cannot be retired; nonsense is a usage error.
    env.cmd().args(["key", "retire", &old]).assert().code(4);
    env.cmd()
        .args(["key", "retire", &new])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is the active key"));
    env.cmd().args(["key", "retire", "xyz"]).assert().code(2);
    // Everything still opens with the new key alone.
    env.cmd()
        .args(["secret", "get", "tenant", "s5"])
        .assert()
        .success()
        .stdout("value 5");
    let audit = env.json(&["secret", "audit"]).to_string();
    assert!(audit.contains("\"rotate\"") && audit.contains("\"retire\""));
}

#[test]
fn retire_refuses_while_rows_reference_the_key() {
    let env = StoreEnv::new();
    let old = env.active();
    env.put("a", "one", "1");
    env.put("a", "two", "2");
    // Rotate the keyfile against another (existing) store: the default store's rows stay under the old key.
    env.cmd()
        .args(["key", "rotate", "--store", &env.create_other_store()])
        .assert()
        .success();
    env.cmd()
        .args(["key", "retire", &old])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("2 rows").and(predicate::str::contains("key rotate --store")),
        );
    assert!(env.keyring_dir().join(format!("{old}.key")).exists());
    // The fix, as printed, finishes the default store's rotation.
    env.cmd()
        .args(["key", "rotate", "--store"])
        .arg(format!("sqlite:{}", env.store().display()))
        .assert()
        .success();
    // A store that does not exist cannot prove anything: refused too, until --force.
    let typo = format!("sqlite:{}", env.path("typo.db").display());
    env.cmd()
        .args(["key", "retire", &old, "--store", &typo])
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("no secretctl store at")
                .and(predicate::str::contains("--force")),
        );
    assert!(env.keyring_dir().join(format!("{old}.key")).exists());
    env.cmd()
        .args(["key", "retire", &old, "--force", "--store", &typo])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning:").and(predicate::str::contains("typo.db")));
    assert!(!env.keyring_dir().join(format!("{old}.key")).exists());
    assert!(!env.path("typo.db").exists());
}

#[test]
fn interrupted_rotation_is_finished_without_a_new_key() {
    let env = StoreEnv::new();
    let old = env.active();
    for i in 0..20 {
        env.put("t", &format!("s{i}"), &format!("v{i}"));
    }
    // The state a killed `key rotate` leaves: keyfile rotated, store rows still under the old key.
    env.cmd()
        .args(["key", "rotate", "--store", &env.create_other_store()])
        .assert()
        .success();
    let new = env.active();
    assert_eq!(env.key_ids_in_store(), std::slice::from_ref(&old));

    let summary = env
        .cmd()
        .args(["--json", "key", "rotate"])
        .assert()
        .success()
        .stderr(predicate::str::contains("resuming: 20 rows"))
        .get_output()
        .stdout
        .clone();
    let summary: Value = serde_json::from_slice(&summary).unwrap();
    assert_eq!(summary["rows"], 20);
    assert_eq!(summary["resumed"], true);
    assert_eq!(summary["active_key"], new.as_str());
    assert_eq!(env.active(), new, "resuming must not make another key");
    assert_eq!(env.key_ids_in_store(), std::slice::from_ref(&new));

    // --resume with nothing left does nothing and makes no key.
    env.cmd()
        .args(["key", "rotate", "--resume"])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to resume"));
    assert_eq!(env.active(), new);
    // Without --resume, a finished store gets a fresh key.
    env.cmd().args(["key", "rotate"]).assert().success();
    assert_ne!(env.active(), new);
}

#[test]
fn rotation_stops_at_a_tampered_row_with_exit_3() {
    let env = StoreEnv::new();
    env.put("t", "a", "value-a");
    let store = env.store();
    // Processes leave their last writes in the WAL (no checkpoint on close): fold them into the file first.
    rusqlite::Connection::open(&store)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let mut bytes = std::fs::read(&store).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"SCE\x01")
        .expect("an envelope in the file");
    bytes[at + 30] ^= 0x01;
    std::fs::write(&store, bytes).unwrap();
    env.cmd()
        .args(["key", "rotate"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("ciphertext authentication failed")
                .and(predicate::str::contains("rotation stopped with 1 rows")),
        );
}

//! `secretctl secret ...` end to end: the built binary, a real keyfile, a real SQLite store, exit codes.
// Helpers outside #[test] fns should panic where a step fails, like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::StoreEnv;
use predicates::prelude::*;

#[test]
fn put_get_list_history_rm_audit() {
    let env = StoreEnv::new();
    let v1 = env.put("alice", "db_password", "hunter2");
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["owner"], "alice");
    let v2 = env.put("alice", "db_password", "correct horse");
    assert_eq!(v2["version"], 2);
    env.put("bob", "api_token", "tok");

    // The default store lives next to the keyfile, 0600.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.store()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    env.cmd()
        .args(["secret", "get", "alice", "db_password"])
        .assert()
        .success()
        .stdout("correct horse");
    env.cmd()
        .args(["secret", "get", "alice", "db_password", "--version", "1"])
        .assert()
        .success()
        .stdout("hunter2");
    let got = env.json(&["secret", "get", "alice", "db_password"]);
    assert_eq!(got["value"], "correct horse");
    assert_eq!(got["version"], 2);
    assert_eq!(got["key_id"], v1["key_id"]);

    let list = env.json(&["secret", "list"]);
    let rows: Vec<(String, String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["owner"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
                r["version"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("alice".into(), "db_password".into(), 1),
            ("alice".into(), "db_password".into(), 2),
            ("bob".into(), "api_token".into(), 1),
        ]
    );
    // The listing shows no value.
    env.cmd()
        .args(["secret", "list", "alice"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("db_password").and(predicate::str::contains("hunter2").not()),
        )
        .stdout(predicate::str::contains("bob").not());

    let history = env.json(&["secret", "history", "alice", "db_password"]);
    assert_eq!(history.as_array().unwrap().len(), 2);

    env.cmd()
        .args(["secret", "rm", "alice", "db_password", "--version", "1"])
        .assert()
        .success()
        .stdout("removed alice/db_password version 1\n");
    env.cmd()
        .args(["secret", "get", "alice", "db_password", "--version", "1"])
        .assert()
        .code(4)
        .stdout("");
    env.cmd()
        .args([
            "secret",
            "rm",
            "bob",
            "api_token",
            "--all",
            "--actor",
            "cleanup-job",
        ])
        .assert()
        .success();
    env.cmd()
        .args(["secret", "get", "bob", "api_token"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("bob/api_token: not found"));

    let audit = env.json(&["secret", "audit"]);
    let ops: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(ops.contains(&("tester".into(), "put".into())));
    assert!(ops.contains(&("tester".into(), "get".into())));
    assert!(ops.contains(&("cleanup-job".into(), "rm".into())));
    let text = audit.to_string();
    assert!(!text.contains("hunter2") && !text.contains("correct horse"));
}

#[test]
fn values_from_file_and_argv() {
    let env = StoreEnv::new();
    let file = env.path("value.txt");
    std::fs::write(&file, "from a file\n").unwrap();
    env.cmd()
        .args(["secret", "put", "o", "f", "--from-file"])
        .arg(&file)
        .assert()
        .success();
    env.cmd()
        .args(["secret", "get", "o", "f"])
        .assert()
        .success()
        .stdout("from a file\n");
    env.cmd()
        .args(["secret", "put", "o", "a", "--value", "on-argv"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: a value on the command line is visible",
        ));
    env.cmd()
        .args(["secret", "get", "o", "a"])
        .assert()
        .success()
        .stdout("on-argv");
}

#[test]
fn usage_and_not_found_exit_codes() {
    let env = StoreEnv::new();
    // No store yet: reading is "not found", and does not create one.
    env.cmd()
        .args(["secret", "get", "alice", "x"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(
            predicate::str::contains("no secretctl store at")
                .and(predicate::str::contains("store.db")),
        );
    assert!(!env.store().exists());
    env.put("alice", "x", "v");
    env.cmd()
        .args(["secret", "rm", "alice", "x"])
        .assert()
        .code(2);
    env.cmd()
        .args(["secret", "rm", "alice", "x", "--version", "1", "--all"])
        .assert()
        .code(2);
    env.cmd()
        .args(["secret", "history", "alice", "nope"])
        .assert()
        .code(4);
    env.cmd()
        .args(["secret", "list", "--store", "mysql://x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad store URL"));
}

/// Positions of every envelope (magic `SCE`, version 1) in the raw database file.
fn envelope_offsets(db: &[u8]) -> Vec<usize> {
    db.windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"SCE\x01")
        .map(|(i, _)| i)
        .collect()
}

/// The database file's bytes, after folding the WAL into it (processes do not checkpoint on close).
fn db_bytes(path: &Path) -> Vec<u8> {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    std::fs::read(path).unwrap()
}

fn edit_db(path: &Path, edit: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = db_bytes(path);
    edit(&mut bytes);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn tampered_row_wrong_key_and_missing_key_exit_3_with_nothing_on_stdout() {
    let env = StoreEnv::new();
    env.put("alice", "a", "same-length-1");
    env.put("alice", "b", "same-length-2");
    // Fold the WAL into the file, and edit the file itself.
    let db = db_bytes(&env.store());
    let offs = envelope_offsets(&db);
    assert_eq!(offs.len(), 2, "expected two envelopes in the file");
    let len = 13 + 12 + "same-length-1".len() + 16;
    edit_db(&env.store(), |b| {
        // Swap the two envelopes byte for byte: each row now holds the other's ciphertext.
        let (x, y) = (offs[0], offs[1]);
        let first = b[x..x + len].to_vec();
        let second = b[y..y + len].to_vec();
        b[x..x + len].copy_from_slice(&second);
        b[y..y + len].copy_from_slice(&first);
    });
    for name in ["a", "b"] {
        env.cmd()
            .args(["secret", "get", "alice", name])
            .assert()
            .code(3)
            .stdout("")
            .stderr(predicate::str::contains("ciphertext authentication failed"))
            .stderr(predicate::str::contains("same-length").not());
    }
    // Swap back, then flip one ciphertext bit.
    edit_db(&env.store(), |b| {
        let (x, y) = (offs[0], offs[1]);
        let first = b[x..x + len].to_vec();
        let second = b[y..y + len].to_vec();
        b[x..x + len].copy_from_slice(&second);
        b[y..y + len].copy_from_slice(&first);
    });
    env.cmd()
        .args(["secret", "get", "alice", "a"])
        .assert()
        .success();
    // SQLite places cells from the end of a page, so which offset is which row is not fixed: flip a tag bit in
    // one envelope and check that exactly one of the two rows fails.
    edit_db(&env.store(), |b| b[offs[0] + len - 1] ^= 1);
    let codes: Vec<i32> = ["a", "b"]
        .iter()
        .map(|name| {
            let out = env
                .cmd()
                .args(["secret", "get", "alice", name])
                .output()
                .unwrap();
            if out.status.code() == Some(3) {
                assert!(out.stdout.is_empty());
                assert!(String::from_utf8_lossy(&out.stderr).contains("tampered"));
            }
            out.status.code().unwrap()
        })
        .collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 3], "{codes:?}");
    // Undo the flip so the wrong-keyfile check below is about the key alone.
    edit_db(&env.store(), |b| b[offs[0] + len - 1] ^= 1);

    // Another installation's keyfile: "wrong keyfile", exit 3.
    let other = env.path("other/master.key");
    env.cmd()
        .args(["key", "init", "--keyfile"])
        .arg(&other)
        .assert()
        .success();
    env.cmd()
        .args(["secret", "get", "alice", "b", "--store"])
        .arg(format!("sqlite:{}", env.store().display()))
        .arg("--keyfile")
        .arg(&other)
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("wrong keyfile"));
}

#[test]
fn missing_key_id_exits_3_naming_the_key() {
    let env = StoreEnv::new();
    env.put("alice", "old", "under the first key");
    let first = env.json(&["key", "id"]);
    let first = first["key_id"].as_str().unwrap().to_owned();
    // Rotate the keyfile against another store (rotation never creates one), so this store keeps a row under the
    // first key.
    let other = env.create_other_store();
    env.cmd()
        .args(["key", "rotate", "--store", &other])
        .assert()
        .success();
    // A put under the second key is refused until this store knows it; an interrupted rotation of this store leaves
    // it knowing both keys, with rows under each (simulated here: the rotation recorded the key, then stopped).
    env.cmd()
        .args(["secret", "put", "alice", "new"])
        .write_stdin("x")
        .assert()
        .code(3);
    let conn = rusqlite::Connection::open(env.store()).unwrap();
    conn.execute(
        "INSERT INTO secretctl_keys (key_id, first_used) VALUES (?1, 0)",
        [env.active()],
    )
    .unwrap();
    drop(conn);
    env.put("alice", "new", "under the second key");
    // The retired key file is lost (deleted by hand, a partial restore...).
    let retired = env.keyring_dir().join(format!("{first}.key"));
    std::fs::remove_file(&retired).unwrap();
    env.cmd()
        .args(["secret", "get", "alice", "new"])
        .assert()
        .success()
        .stdout("under the second key");
    env.cmd()
        .args(["secret", "get", "alice", "old"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains(first.as_str())
                .and(predicate::str::contains("not in the keyring")),
        );
}

/// Run `args` and return its exit code, checking that a failure prints nothing on stdout.
fn code_of(env: &StoreEnv, args: &[&str], keyfile: Option<&Path>) -> i32 {
    let mut cmd = env.cmd();
    if let Some(k) = keyfile {
        cmd.env("SECRETCTL_KEYFILE", k);
    }
    let out = cmd.args(args).write_stdin("value\n").output().unwrap();
    let code = out.status.code().unwrap();
    if code != 0 {
        assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
    }
    code
}

#[test]
fn the_same_condition_gives_the_same_exit_code_from_every_command() {
    let env = StoreEnv::new();
    env.put("alice", "x", "v");
    let missing_keyfile = env.dir().join("nowhere").join("master.key");
    let with_store = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(ToString::to_string).collect();
        v.extend([
            "--store".into(),
            format!("sqlite:{}", env.store().display()),
        ]);
        v
    };
    // A missing keyfile: 4, whichever command loads it (the store exists, so only the keyfile is missing).
    for args in [
        vec!["key".to_owned(), "id".into()],
        vec!["key".into(), "list".into()],
        vec!["key".into(), "backup".into(), "--raw-base64".into()],
        with_store(&["secret", "get", "alice", "x"]),
        with_store(&["secret", "put", "alice", "y"]),
        with_store(&["key", "rotate"]),
        with_store(&["key", "retire", "0123456789abcdef"]),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(code_of(&env, &args, Some(&missing_keyfile)), 4, "{args:?}");
    }
    // A missing store: 4 from every command that reads one (none creates it).
    let typo = format!("sqlite:{}", env.dir().join("typo.db").display());
    for args in [
        vec!["secret", "get", "alice", "x"],
        vec!["secret", "list"],
        vec!["secret", "history", "alice", "x"],
        vec!["secret", "rm", "alice", "x", "--all"],
        vec!["secret", "audit"],
    ] {
        let mut args = args.clone();
        args.extend(["--store", &typo]);
        assert_eq!(code_of(&env, &args, None), 4, "{args:?}");
    }
    assert!(!env.dir().join("typo.db").exists());
    // No such secret or version: 4.
    for args in [
        &["secret", "get", "alice", "nope"][..],
        &["secret", "get", "alice", "x", "--version", "9"],
        &["secret", "history", "alice", "nope"],
        &["secret", "rm", "alice", "nope", "--all"],
        &["secret", "rm", "alice", "x", "--version", "9"],
    ] {
        assert_eq!(code_of(&env, args, None), 4, "{args:?}");
    }
    // A bad owner or name: 2, from writing and reading alike.
    for args in [
        &["secret", "put", "alice", "bad\nname"][..],
        &["secret", "put", "", "x"],
        &["secret", "get", "alice", "bad\nname"],
    ] {
        assert_eq!(code_of(&env, args, None), 2, "{args:?}");
    }
    // Tampered ciphertext: 3 from reading and from rotating.
    let db = db_bytes(&env.store());
    let at = envelope_offsets(&db)[0];
    edit_db(&env.store(), |b| b[at + 20] ^= 1);
    assert_eq!(code_of(&env, &["secret", "get", "alice", "x"], None), 3);
    assert_eq!(code_of(&env, &["key", "rotate"], None), 3);
}

#[test]
fn values_are_stored_and_printed_byte_for_byte() {
    let env = StoreEnv::new();
    // Binary, trailing newlines, CRLF, every byte value, and pseudo-random bytes (xorshift, fixed seed).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x.to_le_bytes()[0]
            })
            .collect()
    };
    let mut values: Vec<Vec<u8>> = vec![
        b"line\n".to_vec(),
        b"two newlines\n\n".to_vec(),
        b"crlf\r\n".to_vec(),
        b"\n".to_vec(),
        (0..=255u8).collect(),
    ];
    values.extend([1, 31, 4096].map(&mut random));
    for (i, value) in values.iter().enumerate() {
        let name = format!("v{i}");
        env.cmd()
            .args(["secret", "put", "o", &name])
            .write_stdin(value.clone())
            .assert()
            .success();
        let out = env
            .cmd()
            .args(["secret", "get", "o", &name])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(&out.stdout, value, "{name}");
        // --from-file stores the file's bytes exactly too.
        let file = env.path(format!("{name}.bin"));
        std::fs::write(&file, value).unwrap();
        env.cmd()
            .args(["secret", "put", "o", &name, "--from-file"])
            .arg(&file)
            .assert()
            .success();
        let out = env
            .cmd()
            .args(["secret", "get", "o", &name])
            .output()
            .unwrap();
        assert_eq!(&out.stdout, value, "{name} from a file");
    }
    // Over the documented limit (1 MiB) is refused, and nothing is stored.
    env.cmd()
        .args(["secret", "put", "o", "big"])
        .write_stdin(vec![b'x'; (1 << 20) + 1])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("larger than 1048576 bytes"));
    // A binary value cannot be shown as JSON: said, exit 1.
    env.cmd()
        .args(["--json", "secret", "get", "o", "v4"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not UTF-8"));
}

//! The behavioural suite: every test runs against SQLite and against a real PostgreSQL server.
// The test bodies are plain fns that the `suite!` macro wraps in #[test]s, so clippy does not see them as tests.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestStore;
use secretctl_envelope::{Key, Keyring};
use secretctl_error::{ErrorKind, Kind as _};
use secretctl_store::{Error, RotateOptions, Store, StoreUrl, Versions};

fn keyring(keys: &[&Key]) -> Keyring {
    let mut k = Keyring::new();
    for key in keys {
        k.insert((*key).clone());
    }
    k
}

/// Make the store know `key`, as a rotation to it does when it begins (an interrupted rotation leaves the store
/// with rows under two keys).
fn knows_key(t: &TestStore, key: &Key) {
    t.exec(
        "INSERT INTO secretctl_keys (key_id, first_used) VALUES ($1, 0)",
        &[&key.id().to_string()],
    );
}

fn open(t: &TestStore) -> Store {
    Store::open(&t.url).unwrap()
}

fn put_get_and_versions(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    assert_eq!(s.put(&key, "alice", "db_password", b"one").unwrap(), 1);
    assert_eq!(s.put(&key, "alice", "db_password", b"two").unwrap(), 2);
    assert_eq!(s.put(&key, "bob", "db_password", b"bob's").unwrap(), 1);

    let latest = s.get(&ring, "alice", "db_password", None).unwrap();
    assert_eq!(latest.expose_value(), b"two");
    assert_eq!(latest.info().version, 2);
    assert_eq!(latest.info().key_id, key.id());
    let first = s.get(&ring, "alice", "db_password", Some(1)).unwrap();
    assert_eq!(first.expose_value(), b"one");
    assert_eq!(
        s.get(&ring, "bob", "db_password", None)
            .unwrap()
            .expose_value(),
        b"bob's"
    );

    let all = s.list(None).unwrap();
    let ids: Vec<_> = all
        .iter()
        .map(|i| (i.owner.as_str(), i.name.as_str(), i.version))
        .collect();
    assert_eq!(
        ids,
        [
            ("alice", "db_password", 1),
            ("alice", "db_password", 2),
            ("bob", "db_password", 1)
        ]
    );
    assert!(all.iter().all(|i| i.key_id == key.id() && i.created_at > 0));
    assert_eq!(s.list(Some("bob")).unwrap().len(), 1);
    assert!(s.list(Some("carol")).unwrap().is_empty());
    let history: Vec<u64> = s
        .history("alice", "db_password")
        .unwrap()
        .iter()
        .map(|i| i.version)
        .collect();
    assert_eq!(history, [1, 2]);

    // A second connection sees the same data (the store is the database, not the process).
    let mut s2 = open(&t);
    assert_eq!(
        s2.get(&ring, "alice", "db_password", Some(2))
            .unwrap()
            .expose_value(),
        b"two"
    );
}

fn empty_and_binary_values(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    let binary: Vec<u8> = (0..=255).collect();
    s.put(&key, "o", "empty", b"").unwrap();
    s.put(&key, "o", "binary", &binary).unwrap();
    s.put(&key, "ø", "naïve ☃", b"unicode names").unwrap();
    assert_eq!(
        s.get(&ring, "o", "empty", None).unwrap().expose_value(),
        b""
    );
    assert_eq!(
        s.get(&ring, "o", "binary", None).unwrap().expose_value(),
        binary
    );
    assert_eq!(
        s.get(&ring, "ø", "naïve ☃", None).unwrap().expose_value(),
        b"unicode names"
    );
}

fn not_found_and_remove(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    assert!(matches!(
        s.get(&ring, "alice", "nope", None),
        Err(Error::NotFound { version: None, .. })
    ));
    s.put(&key, "alice", "token", b"v1").unwrap();
    s.put(&key, "alice", "token", b"v2").unwrap();
    s.put(&key, "alice", "token", b"v3").unwrap();
    let err = s.get(&ring, "alice", "token", Some(9)).unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        err.to_string(),
        "alice/token version 9: not found in the store"
    );
    assert!(s.history("alice", "nope").unwrap_err().is_not_found());

    assert_eq!(s.remove("alice", "token", Versions::One(2)).unwrap(), [2]);
    assert!(s
        .remove("alice", "token", Versions::One(2))
        .unwrap_err()
        .is_not_found());
    assert!(s
        .get(&ring, "alice", "token", Some(2))
        .unwrap_err()
        .is_not_found());
    assert_eq!(
        s.get(&ring, "alice", "token", None).unwrap().expose_value(),
        b"v3"
    );
    assert_eq!(s.remove("alice", "token", Versions::All).unwrap(), [1, 3]);
    assert!(s
        .get(&ring, "alice", "token", None)
        .unwrap_err()
        .is_not_found());
    assert!(s
        .remove("alice", "token", Versions::All)
        .unwrap_err()
        .is_not_found());

    // Version numbers are never handed out again, so an old backup row cannot pose as a new version.
    assert_eq!(s.put(&key, "alice", "token", b"v4").unwrap(), 4);
}

fn bad_names_are_refused(t: TestStore) {
    let key = Key::generate();
    let mut s = open(&t);
    for (owner, name) in [("", "n"), ("o", ""), ("o\n", "n"), ("o", "n\0")] {
        assert!(
            matches!(s.put(&key, owner, name, b"v"), Err(Error::BadName { .. })),
            "{owner:?}/{name:?}"
        );
    }
    let long = "x".repeat(256);
    assert!(matches!(
        s.put(&key, &long, "n", b"v"),
        Err(Error::BadName { .. })
    ));
    assert!(s.list(None).unwrap().is_empty());
    // A name no secret can have is the same error when reading, never "not found".
    let ring = keyring(&[&key]);
    assert!(matches!(
        s.get(&ring, "o", "n\n", None),
        Err(Error::BadName { .. })
    ));
    assert!(matches!(s.history("", "n"), Err(Error::BadName { .. })));
    assert!(matches!(s.list(Some("")), Err(Error::BadName { .. })));
    assert!(matches!(
        s.remove("o", &long, Versions::All),
        Err(Error::BadName { .. })
    ));
}

fn audit_records_who_what_when_never_a_value(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    s.set_actor("deploy-bot");
    s.put(&key, "alice", "api", b"PLAINTEXT-MARKER").unwrap();
    s.get(&ring, "alice", "api", None).unwrap();
    s.remove("alice", "api", Versions::One(1)).unwrap();
    let log = s.audit_log(100).unwrap();
    let ops: Vec<_> = log
        .iter()
        .map(|e| {
            (
                e.actor.as_str(),
                e.operation.as_str(),
                e.owner.as_deref(),
                e.name.as_deref(),
                e.version,
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("deploy-bot", "put", Some("alice"), Some("api"), Some(1)),
            ("deploy-bot", "get", Some("alice"), Some("api"), Some(1)),
            ("deploy-bot", "rm", Some("alice"), Some("api"), Some(1)),
        ]
    );
    assert!(log.iter().all(|e| e.at > 0));
    assert!(!format!("{log:?}").contains("PLAINTEXT-MARKER"));
    assert_eq!(s.audit_log(1).unwrap().len(), 1);
    assert_eq!(s.audit_log(1).unwrap()[0].operation, "rm");

    // The default actor is the OS user.
    let s2 = open(&t);
    assert_eq!(s2.actor(), secretctl_store::default_actor());
}

fn tampered_rows_fail_with_integrity_errors(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    s.put(&key, "alice", "a", b"alice-a").unwrap();
    s.put(&key, "alice", "b", b"alice-b").unwrap();
    s.put(&key, "alice", "c", b"alice-c-1").unwrap();
    s.put(&key, "alice", "c", b"alice-c-2").unwrap();
    s.put(&key, "bob", "a", b"bob-a").unwrap();
    s.put(&key, "carol", "f", b"carol-f").unwrap();

    let tampered = |s: &mut Store, owner: &str, name: &str, version: Option<u64>| {
        let err = s.get(&ring, owner, name, version).unwrap_err();
        assert!(
            matches!(err, Error::Tampered { .. }),
            "{}: {owner}/{name}: expected Tampered, got {err}",
            t.label
        );
        assert!(err.is_integrity());
        assert!(err.to_string().contains("authentication failed"), "{err}");
    };

    // 1. Swap: alice/a gets alice/b's ciphertext.
    let b = t.envelope("alice", "b", 1);
    t.set_envelope("alice", "a", 1, &b);
    tampered(&mut s, "alice", "a", None);

    // 2. Copy: mallory gets a copy of bob's row (same name and version, other owner).
    t.exec(
        "INSERT INTO secretctl_secrets (owner, name, version, key_id, envelope, created_at) \
         SELECT 'mallory', name, version, key_id, envelope, created_at FROM secretctl_secrets \
         WHERE owner = 'bob' AND name = 'a'",
        &[],
    );
    tampered(&mut s, "mallory", "a", None);
    assert_eq!(
        s.get(&ring, "bob", "a", None).unwrap().expose_value(),
        b"bob-a"
    );

    // 3. Renumber: version 1 of alice/c relabelled version 3 (a rollback to an old value posing as new).
    t.exec(
        "UPDATE secretctl_secrets SET version = 3 WHERE owner = 'alice' AND name = 'c' AND version = 1",
        &[],
    );
    tampered(&mut s, "alice", "c", None);
    assert_eq!(
        s.get(&ring, "alice", "c", Some(2)).unwrap().expose_value(),
        b"alice-c-2"
    );

    // 4. Bit flips anywhere in the ciphertext or tag.
    let orig = t.envelope("carol", "f", 1);
    for i in [orig.len() - 1, orig.len() - 20, 14] {
        let mut e = orig.clone();
        e[i] ^= 0x01;
        t.set_envelope("carol", "f", 1, &e);
        tampered(&mut s, "carol", "f", None);
    }
    // 5. Truncation and garbage.
    t.set_envelope("carol", "f", 1, &orig[..orig.len() - 1]);
    tampered(&mut s, "carol", "f", None);
    t.set_envelope("carol", "f", 1, b"not an envelope");
    tampered(&mut s, "carol", "f", None);
    t.set_envelope("carol", "f", 1, b"");
    tampered(&mut s, "carol", "f", None);
    // Restoring the original bytes makes it open again: the failures were the edits, nothing else.
    t.set_envelope("carol", "f", 1, &orig);
    assert_eq!(
        s.get(&ring, "carol", "f", None).unwrap().expose_value(),
        b"carol-f"
    );

    // 6. A key id column that lies about the envelope's key (would hide the row from rotation and retire).
    let other = Key::generate().id().to_string();
    t.exec(
        "UPDATE secretctl_secrets SET key_id = $1 WHERE owner = 'carol'",
        &[&other],
    );
    tampered(&mut s, "carol", "f", None);
    t.exec(
        "UPDATE secretctl_secrets SET key_id = 'zz' WHERE owner = 'carol'",
        &[],
    );
    let err = s.get(&ring, "carol", "f", None).unwrap_err();
    assert!(err.is_integrity(), "{err}");

    // Failed reads are audited as denied.
    let log = s.audit_log(1000).unwrap();
    assert!(log
        .iter()
        .any(|e| e.operation == "get" && e.detail.as_deref() == Some("denied: tampered")));

    // Rotation refuses to skip a tampered row.
    let new = Key::generate();
    let both = keyring(&[&key, &new]);
    let err = s
        .rotate(&both, &new, &RotateOptions::default(), &mut |_| {})
        .unwrap_err();
    assert!(err.is_integrity(), "{err}");
}

fn missing_key_and_wrong_key_are_told_apart(t: TestStore) {
    let k1 = Key::generate();
    let k2 = Key::generate();
    let mut s = open(&t);
    s.put(&k1, "alice", "old", b"under k1").unwrap();
    // A put with a key the store does not know is refused (the store knows k1 only)...
    let err = s.put(&k2, "alice", "new", b"under k2").unwrap_err();
    assert!(
        matches!(err, Error::UnknownKey { key, .. } if key == k2.id()),
        "{err}"
    );
    assert!(err.is_integrity());
    assert!(err.to_string().contains(&k1.id().to_string()), "{err}");
    // ...until the store knows it, as it does once a rotation to k2 has begun.
    knows_key(&t, &k2);
    s.put(&k2, "alice", "new", b"under k2").unwrap();

    // The keyring lost k1 but holds k2, which this store uses: a missing key.
    let only_k2 = keyring(&[&k2]);
    assert_eq!(
        s.get(&only_k2, "alice", "new", None)
            .unwrap()
            .expose_value(),
        b"under k2"
    );
    let err = s.get(&only_k2, "alice", "old", None).unwrap_err();
    match &err {
        Error::MissingKey { key_id, .. } => assert_eq!(*key_id, k1.id()),
        other => panic!("{}: expected MissingKey, got {other}", t.label),
    }
    assert!(err.is_integrity());
    assert!(err.to_string().contains(&k1.id().to_string()));

    // A keyring this store never used: the wrong keyfile.
    let stranger = Key::generate();
    let err = s
        .get(&keyring(&[&stranger]), "alice", "old", None)
        .unwrap_err();
    assert!(matches!(err, Error::WrongKey { .. }), "{}: {err}", t.label);
    assert!(err.is_integrity());
    assert!(err.to_string().contains("wrong keyfile"));
}

fn rotation_reencrypts_everything(t: TestStore) {
    let k1 = Key::generate();
    let k2 = Key::generate();
    let mut s = open(&t);
    let values: Vec<(String, String, Vec<u8>)> = (0..1000)
        .map(|i| {
            (
                format!("tenant{}", i % 7),
                format!("secret{i}"),
                format!("value-{i}").into_bytes(),
            )
        })
        .collect();
    let items: Vec<(&str, &str, &[u8])> = values
        .iter()
        .map(|(o, n, v)| (o.as_str(), n.as_str(), v.as_slice()))
        .collect();
    s.put_many(&k1, &items).unwrap();
    // A second version of some, so rotation handles several versions of one name.
    s.put(&k1, "tenant0", "secret0", b"second").unwrap();
    assert_eq!(s.pending(k2.id()).unwrap(), 1001);

    let ring = keyring(&[&k1, &k2]);
    let mut seen = Vec::new();
    let summary = s
        .rotate(
            &ring,
            &k2,
            &RotateOptions::default().with_batch_size(64),
            &mut |p| seen.push(p),
        )
        .unwrap();
    assert_eq!(summary.rotated, 1001);
    assert_eq!(summary.active, k2.id());
    assert!(summary.rows_per_second() > 0.0);
    assert_eq!(seen.len(), 1001_usize.div_ceil(64));
    assert!(seen.windows(2).all(|w| w[0].done < w[1].done));
    assert_eq!(seen.last().unwrap().done, 1001);
    assert!(seen.iter().all(|p| p.total == 1001));

    assert_eq!(s.key_usage().unwrap(), [(k2.id(), 1001)]);
    assert_eq!(s.references(k1.id()).unwrap(), 0);
    assert_eq!(s.references(k2.id()).unwrap(), 1001);
    assert_eq!(s.pending(k2.id()).unwrap(), 0);

    // Every row opens with k2 alone now, to its original value.
    let only_k2 = keyring(&[&k2]);
    assert_eq!(s.verify(&only_k2, &mut |_| {}).unwrap(), 1001);
    for (o, n, v) in values.iter().skip(1).step_by(97) {
        assert_eq!(
            s.get(&only_k2, o, n, None).unwrap().expose_value(),
            v.as_slice()
        );
    }
    assert_eq!(
        s.get(&only_k2, "tenant0", "secret0", Some(1))
            .unwrap()
            .expose_value(),
        b"value-0"
    );
    assert_eq!(
        s.get(&only_k2, "tenant0", "secret0", None)
            .unwrap()
            .expose_value(),
        b"second"
    );

    // Nothing left to do: a second run rotates nothing.
    let again = s
        .rotate(&ring, &k2, &RotateOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(again.rotated, 0);
    assert!(s
        .audit_log(1000)
        .unwrap()
        .iter()
        .any(|e| e.operation == "rotate"
            && e.detail.as_deref()
                == Some(&*format!("1001 rows re-encrypted under key {}", k2.id()))));
}

fn interrupted_rotation_resumes_and_reads_keep_working(t: TestStore) {
    let k1 = Key::generate();
    let k2 = Key::generate();
    let mut s = open(&t);
    let values: Vec<(String, Vec<u8>)> = (0..500)
        .map(|i| (format!("s{i:04}"), format!("v{i}").into_bytes()))
        .collect();
    let items: Vec<(&str, &str, &[u8])> = values
        .iter()
        .map(|(n, v)| ("o", n.as_str(), v.as_slice()))
        .collect();
    s.put_many(&k1, &items).unwrap();

    // Break row 300: the rotation stops there with an integrity error, keeping the batches before it.
    let good = t.envelope("o", "s0300", 1);
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    t.set_envelope("o", "s0300", 1, &bad);
    let ring = keyring(&[&k1, &k2]);
    let err = s
        .rotate(
            &ring,
            &k2,
            &RotateOptions::default().with_batch_size(50),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Tampered { ref name, .. } if name == "s0300"),
        "{err}"
    );
    let done = s.references(k2.id()).unwrap();
    assert_eq!(
        done, 300,
        "{}: batches before the bad row stay committed",
        t.label
    );
    assert_eq!(s.pending(k2.id()).unwrap(), 200);

    // Half-rotated: every row still opens, each with the key its id names.
    t.set_envelope("o", "s0300", 1, &good);
    assert_eq!(s.verify(&ring, &mut |_| {}).unwrap(), 500);
    assert_eq!(
        s.get(&ring, "o", "s0000", None).unwrap().info().key_id,
        k2.id()
    );
    assert_eq!(
        s.get(&ring, "o", "s0499", None).unwrap().info().key_id,
        k1.id()
    );

    // Running again finishes the job and touches only what was left.
    let summary = s
        .rotate(
            &ring,
            &k2,
            &RotateOptions::default().with_batch_size(50),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(summary.rotated, 200);
    assert_eq!(s.references(k1.id()).unwrap(), 0);
    let only_k2 = keyring(&[&k2]);
    for (n, v) in &values {
        assert_eq!(
            s.get(&only_k2, "o", n, None).unwrap().expose_value(),
            v.as_slice()
        );
    }
}

fn rotation_with_a_missing_key_stops(t: TestStore) {
    let k1 = Key::generate();
    let k2 = Key::generate();
    let k3 = Key::generate();
    let mut s = open(&t);
    s.put(&k1, "o", "a", b"1").unwrap();
    knows_key(&t, &k2);
    s.put(&k2, "o", "b", b"2").unwrap();
    // k1 is not in the keyring: rotating to k3 must fail on o/a, not skip it.
    let err = s
        .rotate(
            &keyring(&[&k2, &k3]),
            &k3,
            &RotateOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(matches!(err, Error::MissingKey { .. }), "{err}");
    assert_eq!(s.references(k1.id()).unwrap(), 1);
}

fn concurrent_puts_from_two_connections(t: TestStore) {
    let key = Key::generate();
    let per_thread = 100;
    std::thread::scope(|scope| {
        for who in ["left", "right"] {
            let (url, key) = (&t.url, &key);
            scope.spawn(move || {
                let mut s = Store::open(url).unwrap();
                for i in 0..per_thread {
                    s.put(key, "shared", "counter", format!("{who}-{i}").as_bytes())
                        .unwrap();
                }
            });
        }
    });
    let mut s = open(&t);
    let ring = keyring(&[&key]);
    let versions: Vec<u64> = s
        .history("shared", "counter")
        .unwrap()
        .iter()
        .map(|i| i.version)
        .collect();
    assert_eq!(versions, (1..=2 * per_thread).collect::<Vec<u64>>());
    let mut values: Vec<String> = versions
        .iter()
        .map(|v| {
            String::from_utf8(
                s.get(&ring, "shared", "counter", Some(*v))
                    .unwrap()
                    .expose_value()
                    .to_vec(),
            )
            .unwrap()
        })
        .collect();
    values.sort();
    let mut expected: Vec<String> = ["left", "right"]
        .iter()
        .flat_map(|w| (0..per_thread).map(move |i| format!("{w}-{i}")))
        .collect();
    expected.sort();
    assert_eq!(values, expected);
}

fn schema_is_created_once_and_reopened(t: TestStore) {
    let key = Key::generate();
    {
        let mut s = open(&t);
        s.put(&key, "o", "n", b"v").unwrap();
    }
    // Re-opening (schema already there) keeps the data.
    let mut s = open(&t);
    assert_eq!(
        s.get(&keyring(&[&key]), "o", "n", None)
            .unwrap()
            .expose_value(),
        b"v"
    );
    // A store written by a newer schema is refused rather than misread.
    t.exec(
        "UPDATE secretctl_meta SET v = '99' WHERE k = 'schema_version'",
        &[],
    );
    assert!(matches!(
        Store::open(&t.url),
        Err(Error::SchemaTooNew { found: 99, .. })
    ));
}

fn rollback_is_detected_and_rm_is_not_one(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    for v in [b"one", b"two", b"six"] {
        s.put(&key, "o", "n", v).unwrap();
    }
    // Deleting the latest row by hand: the previous version is not served as current.
    t.exec(
        "DELETE FROM secretctl_secrets WHERE owner = 'o' AND name = 'n' AND version = 3",
        &[],
    );
    let err = s.get(&ring, "o", "n", None).unwrap_err();
    assert!(matches!(
        err,
        Error::RolledBack {
            expected: 3,
            found: Some(2),
            ..
        }
    ));
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(err.to_string().contains("rollback"), "{err}");
    // An older version can still be read explicitly, and removing an older version does not hide the rollback.
    assert_eq!(
        s.get(&ring, "o", "n", Some(2)).unwrap().expose_value(),
        b"two"
    );
    s.remove("o", "n", Versions::One(1)).unwrap();
    assert!(matches!(
        s.get(&ring, "o", "n", None),
        Err(Error::RolledBack { .. })
    ));
    // Every version deleted by hand: still a rollback, not "not found".
    t.exec(
        "DELETE FROM secretctl_secrets WHERE owner = 'o' AND name = 'n'",
        &[],
    );
    assert!(matches!(
        s.get(&ring, "o", "n", None),
        Err(Error::RolledBack {
            expected: 3,
            found: None,
            ..
        })
    ));
    // The denied read is audited.
    let log = s.audit_log(1).unwrap();
    assert_eq!(log[0].detail.as_deref(), Some("denied: rolled back"));

    // A latest row replaced by an older one (version column rewritten) is a rollback too.
    s.put(&key, "p", "n", b"old").unwrap();
    s.put(&key, "p", "n", b"new").unwrap();
    t.exec(
        "DELETE FROM secretctl_secrets WHERE owner = 'p' AND name = 'n' AND version = 2",
        &[],
    );
    t.exec(
        "UPDATE secretctl_secrets SET version = 2 WHERE owner = 'p' AND name = 'n' AND version = 1",
        &[],
    );
    assert!(s.get(&ring, "p", "n", None).unwrap_err().is_integrity());

    // `rm` through secretctl is not a rollback: removing the latest makes the newest row left the latest.
    for v in [b"a", b"b", b"c"] {
        s.put(&key, "q", "n", v).unwrap();
    }
    s.remove("q", "n", Versions::One(3)).unwrap();
    let latest = s.get(&ring, "q", "n", None).unwrap();
    assert_eq!(
        (latest.info().version, latest.expose_value()),
        (2, &b"b"[..])
    );
    s.remove("q", "n", Versions::One(1)).unwrap();
    assert_eq!(s.get(&ring, "q", "n", None).unwrap().info().version, 2);
    s.remove("q", "n", Versions::All).unwrap();
    assert!(matches!(
        s.get(&ring, "q", "n", None),
        Err(Error::NotFound { .. })
    ));
    // Versions are never reused, and a new put is the latest again.
    assert_eq!(s.put(&key, "q", "n", b"d").unwrap(), 4);
    assert_eq!(s.get(&ring, "q", "n", None).unwrap().expose_value(), b"d");
}

fn schema_1_store_is_refused_until_migrated(t: TestStore) {
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let mut s = open(&t);
    s.put(&key, "o", "n", b"one").unwrap();
    s.put(&key, "o", "n", b"two").unwrap();
    drop(s);
    // Make it a schema 1 store, as an older secretctl wrote it.
    t.exec("ALTER TABLE secretctl_versions DROP COLUMN current", &[]);
    t.exec(
        "UPDATE secretctl_meta SET v = '1' WHERE k = 'schema_version'",
        &[],
    );
    let err = Store::open(&t.url).unwrap_err();
    assert!(matches!(err, Error::SchemaTooOld { found: 1, .. }), "{err}");
    assert!(
        err.to_string().contains("secretctl secret migrate --store"),
        "{err}"
    );
    // Refusing changed nothing.
    assert!(matches!(
        Store::open(&t.url),
        Err(Error::SchemaTooOld { .. })
    ));
    let (mut s, found) = Store::migrate(&t.url, Some("admin"), Some(&key)).unwrap();
    assert_eq!(found, 1);
    // Every audit record written before is chained and MACed by the migration.
    let verified = s.verify_audit(&ring).unwrap();
    assert!(verified.rows >= 3, "{verified:?}");
    assert_eq!(s.get(&ring, "o", "n", None).unwrap().expose_value(), b"two");
    assert!(s
        .audit_log(10)
        .unwrap()
        .iter()
        .any(|e| e.operation == "migrate"));
    // Migrating again is a no-op; the migrated store detects rollback.
    assert_eq!(Store::migrate(&t.url, None, None).unwrap().1, 3);
    t.exec(
        "DELETE FROM secretctl_secrets WHERE owner = 'o' AND name = 'n' AND version = 2",
        &[],
    );
    assert!(matches!(
        open(&t).get(&ring, "o", "n", None),
        Err(Error::RolledBack { .. })
    ));
}

fn random_binary_values_round_trip_byte_for_byte(t: TestStore) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let key = Key::generate();
    let ring = keyring(&[&key]);
    let s = std::cell::RefCell::new(open(&t));
    let mut runner = TestRunner::new(Config::with_cases(64));
    let values = proptest::collection::vec(any::<u8>(), 0..2048);
    runner
        .run(&values, |value| {
            let mut s = s.borrow_mut();
            let version = s.put(&key, "prop", "v", &value).unwrap();
            let got = s.get(&ring, "prop", "v", None).unwrap();
            prop_assert_eq!(got.info().version, version);
            prop_assert_eq!(got.expose_value(), &value[..]);
            Ok(())
        })
        .unwrap();
    let mut s = s.into_inner();
    // The documented limit: MAX_VALUE_LEN bytes are stored, one more is refused.
    let max = vec![0xff; secretctl_store::MAX_VALUE_LEN];
    s.put(&key, "prop", "max", &max).unwrap();
    assert_eq!(
        s.get(&ring, "prop", "max", None).unwrap().expose_value(),
        &max[..]
    );
    let over = vec![0; secretctl_store::MAX_VALUE_LEN + 1];
    assert!(matches!(
        s.put(&key, "prop", "max", &over),
        Err(Error::ValueTooLarge { .. })
    ));
}

/// Random binary values (and names) round-trip byte for byte through export and import into a second store of
/// the same backend, and through get after the import.
fn random_binary_values_round_trip_through_export_and_import(t: TestStore) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("master.key");
    secretctl_keyfile::create(&keyfile).unwrap();
    let ring =
        secretctl_keyfile::Keyring::open(&keyfile, secretctl_keyfile::LoadOptions::default())
            .unwrap();
    let ring = std::cell::RefCell::new(ring);
    let target = TestStore::sqlite();
    let mut runner = TestRunner::new(Config::with_cases(8));
    let secrets = proptest::collection::btree_map(
        "[a-z][a-z0-9_]{0,12}",
        proptest::collection::vec(any::<u8>(), 0..512),
        1..40,
    );
    let round = std::cell::Cell::new(0u32);
    runner
        .run(&secrets, |secrets| {
            let owner = format!("o{}", round.get());
            round.set(round.get() + 1);
            let mut ring = ring.borrow_mut();
            let mut src = open(&t);
            for (name, value) in &secrets {
                src.put(ring.active(), &owner, name, value).unwrap();
            }
            let mut lines = Vec::new();
            let n = src
                .export(ring.keys(), Some(&owner), &mut lines, &mut |_| {})
                .unwrap();
            prop_assert_eq!(n, secrets.len() as u64);
            let mut dst = open(&target);
            let imported = dst
                .import(
                    &mut ring,
                    &mut &lines[..],
                    secretctl_store::ImportFormat::Jsonl,
                    None,
                    &mut |_| {},
                )
                .unwrap();
            prop_assert_eq!(imported, n);
            for (name, value) in &secrets {
                let got = dst.get(ring.keys(), &owner, name, None).unwrap();
                prop_assert_eq!(got.expose_value(), &value[..]);
            }
            Ok(())
        })
        .unwrap();
    // The keyring recorded the store it imported into.
    let ring = ring.into_inner();
    assert!(ring
        .stores()
        .iter()
        .any(|s| s.starts_with("sqlite:") && s.ends_with("store.db")));
    assert!(open(&target).verify_audit(ring.keys()).is_ok());
}

/// An import stores each line as the next version of its (owner, name): a name already in the store, a name twice
/// in one import (in one multi-row chunk and across chunks), and new names; one `put` audit record per secret
/// that `audit --name` finds, and the chain verifies.
fn import_versions_and_per_secret_audit(t: TestStore) {
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("master.key");
    secretctl_keyfile::create(&keyfile).unwrap();
    let mut ring =
        secretctl_keyfile::Keyring::open(&keyfile, secretctl_keyfile::LoadOptions::default())
            .unwrap();
    let mut store = open(&t);
    store.put(ring.active(), "imp", "old", b"v1").unwrap();
    let mut lines = String::new();
    let mut expect = std::collections::BTreeMap::new();
    for i in 0..150 {
        let name = match i {
            0 | 5 | 100 => "old".to_owned(),
            1 | 2 | 40 => "twice".to_owned(),
            _ => format!("n{i}"),
        };
        let value = format!("value {i}");
        lines.push_str(&format!(
            "{{\"owner\":\"imp\",\"name\":\"{name}\",\"value\":\"{value}\"}}\n"
        ));
        let e = expect.entry(name).or_insert((0u64, String::new()));
        e.0 += 1;
        e.1 = value;
    }
    expect.get_mut("old").unwrap().0 += 1;
    let n = store
        .import(
            &mut ring,
            &mut lines.as_bytes(),
            secretctl_store::ImportFormat::Jsonl,
            Some("imp"),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(n, 150);
    for (name, (version, value)) in &expect {
        let got = store.get(ring.keys(), "imp", name, None).unwrap();
        assert_eq!(got.info().version, *version, "{name}");
        assert_eq!(got.expose_value(), value.as_bytes(), "{name}");
    }
    let versions: Vec<u64> = store
        .list(Some("imp"))
        .unwrap()
        .iter()
        .filter(|i| i.name == "twice")
        .map(|i| i.version)
        .collect();
    assert_eq!(versions, [1, 2, 3]);
    for (name, (version, _)) in &expect {
        let puts: Vec<Option<u64>> = store
            .audit_query(&{
                let mut f = secretctl_store::AuditFilter::newest(100);
                f.owner = Some("imp".to_owned());
                f.name = Some(name.clone());
                f.operation = Some("put".to_owned());
                f
            })
            .unwrap()
            .iter()
            .map(|a| a.version)
            .collect();
        let want: Vec<Option<u64>> = (1..=*version).map(Some).collect();
        assert_eq!(puts, want, "{name}");
    }
    let verified = store.verify_audit(ring.keys()).unwrap();
    assert!(verified.rows >= 151, "{verified}");
}

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $test() { super::$test(super::TestStore::sqlite()); } )*
        }
        mod postgres {
            $( #[test] fn $test() {
                if let Some(t) = super::TestStore::postgres() { super::$test(t); }
            } )*
        }
    };
}

suite!(
    import_versions_and_per_secret_audit,
    random_binary_values_round_trip_through_export_and_import,
    put_get_and_versions,
    empty_and_binary_values,
    not_found_and_remove,
    bad_names_are_refused,
    audit_records_who_what_when_never_a_value,
    tampered_rows_fail_with_integrity_errors,
    missing_key_and_wrong_key_are_told_apart,
    rotation_reencrypts_everything,
    interrupted_rotation_resumes_and_reads_keep_working,
    rotation_with_a_missing_key_stops,
    concurrent_puts_from_two_connections,
    schema_is_created_once_and_reopened,
    rollback_is_detected_and_rm_is_not_one,
    schema_1_store_is_refused_until_migrated,
    random_binary_values_round_trip_byte_for_byte,
);

// SQLite-only properties of the file itself.

#[test]
fn sqlite_file_is_0600_and_holds_no_plaintext() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestStore::sqlite();
    let StoreUrl::Sqlite(path) = &t.url else {
        unreachable!()
    };
    let key = Key::generate();
    let mut s = Store::open(&t.url).unwrap();
    s.put(&key, "alice", "pw", b"PLAINTEXT-ON-DISK-MARKER")
        .unwrap();
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let wal = path.with_file_name("store.db-wal");
    assert_eq!(
        std::fs::metadata(&wal).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let mut bytes = std::fs::read(path).unwrap();
    bytes.extend(std::fs::read(&wal).unwrap());
    let marker = b"PLAINTEXT-ON-DISK-MARKER";
    assert!(!bytes.windows(marker.len()).any(|w| w == marker));
    // The non-secret parts are there in the clear (so the test would see the marker if it were stored).
    assert!(bytes.windows(5).any(|w| w == b"alice"));
}

#[test]
fn bad_sqlite_path_is_an_error_naming_the_file() {
    let err = Store::open(&"sqlite:/nonexistent-dir/x/store.db".parse().unwrap()).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent-dir/x/store.db"),
        "{err}"
    );
}

#[test]
fn postgres_connection_errors_name_host_and_database_never_the_password() {
    // Nothing listens on port 1: the connection fails, and the error says where it tried.
    let url: StoreUrl = "postgres://alice:PW-MARKER@127.0.0.1:1/tenants?connect_timeout=5"
        .parse()
        .unwrap();
    let err = Store::open(&url).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("host 127.0.0.1 port 1 database tenants"),
        "{text}"
    );
    assert!(!text.contains("PW-MARKER"), "{text}");
}

/// A store read by many short-lived commands (each one connection, each read audited) keeps its WAL small: the
/// connection that leaves it past 64 KiB checkpoints and truncates it on close. Before, every command re-read the
/// whole WAL at open and checkpointed all of it again at commit, and the WAL only grew (2.6 MB after 600 reads).
#[test]
fn short_lived_readers_keep_the_sqlite_wal_small() {
    let t = TestStore::sqlite();
    let StoreUrl::Sqlite(path) = &t.url else {
        unreachable!()
    };
    let wal = path.with_file_name("store.db-wal");
    let key = Key::generate();
    let ring = keyring(&[&key]);
    open(&t).put(&key, "tenant", "s1", b"v").unwrap();
    let mut largest = 0;
    for _ in 0..300 {
        let mut s = open(&t);
        assert_eq!(
            s.get(&ring, "tenant", "s1", None).unwrap().expose_value(),
            b"v"
        );
        drop(s);
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
    }
    assert!(largest <= 64 * 1024, "the WAL grew to {largest} bytes");
    // Every read is still in the audit log, in order.
    let mut s = open(&t);
    let reads = s
        .audit_log(1000)
        .unwrap()
        .iter()
        .filter(|r| r.operation == "get")
        .count();
    assert_eq!(reads, 300);
}

//! The master key's life cycle against a store, as a daemon drives it: `Store::rotate_master_key` (rotate, or
//! resume an interrupted rotation) and `Store::retire_key`, with a real keyfile and keyring on disk. Every test
//! runs against SQLite and, when the test server is up, PostgreSQL.
// The test bodies are plain fns that the `suite!` macro wraps in #[test]s, so clippy does not see them as tests.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestStore;
use secretctl_error::{ErrorKind, Kind};
use secretctl_keyfile::{Keyring, LoadOptions};
use secretctl_store::{
    Error, RotateMode, RotateOptions, RotationEvent, RotationPlan, Store, StoreUrl,
};

/// A keyfile in a temp dir and its loaded keyring.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new() -> Keys {
        let keys = Keys {
            dir: tempfile::tempdir().unwrap(),
        };
        secretctl_keyfile::create(&keys.keyfile()).unwrap();
        keys
    }

    fn keyfile(&self) -> std::path::PathBuf {
        self.dir.path().join("master.key")
    }

    fn ring(&self) -> Keyring {
        Keyring::open(&self.keyfile(), LoadOptions::default()).unwrap()
    }
}

fn store_with_rows(t: &TestStore, ring: &Keyring, rows: usize) -> Store {
    let mut s = Store::open(&t.url).unwrap();
    for i in 0..rows {
        s.put(
            ring.active(),
            "tenant",
            &format!("s{i}"),
            format!("value {i}").as_bytes(),
        )
        .unwrap();
    }
    s
}

/// Run `rotate_master_key`, returning its result and the events it reported.
fn rotate(
    s: &mut Store,
    ring: &mut Keyring,
    mode: RotateMode,
) -> (
    Result<secretctl_store::MasterKeyRotation, Error>,
    Vec<RotationEvent>,
) {
    let mut events = Vec::new();
    let options = RotateOptions::default().with_batch_size(3);
    let result = s.rotate_master_key(ring, mode, &options, &mut |e| events.push(e));
    (result, events)
}

fn key_ids_in_store(s: &mut Store) -> Vec<secretctl_envelope::KeyId> {
    s.key_usage().unwrap().into_iter().map(|(k, _)| k).collect()
}

fn every_row_opens(s: &mut Store, ring: &Keyring, rows: usize) {
    for i in 0..rows {
        let got = s
            .get(ring.keys(), "tenant", &format!("s{i}"), None)
            .unwrap();
        assert_eq!(got.expose_value(), format!("value {i}").as_bytes());
    }
}

fn a_finished_store_gets_a_new_key(t: TestStore) {
    let keys = Keys::new();
    let mut ring = keys.ring();
    let old = ring.active_id();
    let mut s = store_with_rows(&t, &ring, 10);

    let (result, events) = rotate(&mut s, &mut ring, RotateMode::RotateOrResume);
    let done = result.unwrap();
    let new = ring.active_id();
    assert_ne!(new, old);
    assert_eq!(
        done.plan,
        RotationPlan::NewKey {
            active: new,
            retired: old
        }
    );
    assert!(!done.resumed());
    assert_eq!(done.summary.rotated, 10);
    assert_eq!(done.summary.active, new);
    assert_eq!(done.retired, [old]);
    // The decision is told before any progress, and progress ends at every row.
    assert_eq!(events.first(), Some(&RotationEvent::Planned(done.plan)));
    match events.last() {
        Some(RotationEvent::Progress(p)) => assert_eq!((p.done, p.total), (10, 10)),
        other => panic!("{} events, last {other:?}", events.len()),
    }
    // The keyfile on disk changed too, and every row is under the new key.
    assert_eq!(keys.ring().active_id(), new);
    assert_eq!(key_ids_in_store(&mut s), [new]);
    every_row_opens(&mut s, &keys.ring(), 10);
}

fn an_interrupted_rotation_is_finished_without_a_new_key(t: TestStore) {
    let keys = Keys::new();
    let mut ring = keys.ring();
    let old = ring.active_id();
    let mut s = store_with_rows(&t, &ring, 7);
    // What a rotation killed after the keyfile swap leaves: a new active key, every row still under the old one.
    let new = ring.rotate().unwrap();
    assert_eq!(key_ids_in_store(&mut s), [old]);

    // Only finishing, even when asked for a resume only.
    let (result, events) = rotate(&mut s, &mut ring, RotateMode::ResumeOnly);
    let done = result.unwrap();
    assert_eq!(
        done.plan,
        RotationPlan::Resume {
            pending: 7,
            active: new
        }
    );
    assert!(done.resumed());
    assert_eq!(done.summary.rotated, 7);
    assert_eq!(events[0], RotationEvent::Planned(done.plan));
    assert_eq!(ring.active_id(), new, "resuming must not make another key");
    assert_eq!(keys.ring().active_id(), new);
    assert_eq!(key_ids_in_store(&mut s), [new]);
    every_row_opens(&mut s, &ring, 7);

    // Now nothing is left: a resume does nothing and makes no key...
    let (result, events) = rotate(&mut s, &mut ring, RotateMode::ResumeOnly);
    let done = result.unwrap();
    assert_eq!(done.plan, RotationPlan::NothingToResume { active: new });
    assert_eq!((done.summary.rotated, done.summary.active), (0, new));
    assert_eq!(events, [RotationEvent::Planned(done.plan)]);
    assert_eq!(keys.ring().active_id(), new);
    // ...and the default mode makes a new key.
    let (result, _) = rotate(&mut s, &mut ring, RotateMode::RotateOrResume);
    assert!(matches!(result.unwrap().plan, RotationPlan::NewKey { retired, .. } if retired == new));
    assert_ne!(keys.ring().active_id(), new);
}

fn a_tampered_row_stops_the_rotation_as_an_integrity_failure(t: TestStore) {
    let keys = Keys::new();
    let mut ring = keys.ring();
    let mut s = store_with_rows(&t, &ring, 4);
    let mut env = t.envelope("tenant", "s2", 1);
    let last = env.len() - 1;
    env[last] ^= 1;
    t.set_envelope("tenant", "s2", 1, &env);

    let (result, _) = rotate(&mut s, &mut ring, RotateMode::RotateOrResume);
    let err = result.unwrap_err();
    let Error::RotationStopped { pending, source } = &err else {
        panic!("{err:?}");
    };
    assert!(matches!(**source, Error::Tampered { .. }), "{source:?}");
    assert!(*pending >= 1 && *pending <= 4, "{pending}");
    assert_eq!(*pending, s.pending(ring.active_id()).unwrap());
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(err.is_integrity());
    assert!(err.to_string().contains("secretctl key rotate"), "{err}");
    // The rows left still open under the old key, which the keyring kept.
    for name in ["s0", "s1", "s3"] {
        s.get(ring.keys(), "tenant", name, None).unwrap();
    }
}

fn retire_refuses_until_no_row_needs_the_key(t: TestStore) {
    let keys = Keys::new();
    let mut ring = keys.ring();
    let old = ring.active_id();
    let mut s = store_with_rows(&t, &ring, 3);

    // The active key is never retired.
    let err = s.retire_key(&mut ring, old).unwrap_err();
    assert!(
        matches!(err, Error::RetireActive { id, .. } if id == old),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(err.to_string().contains("secretctl key rotate"), "{err}");

    // Rotate the keyfile only (as against another store): the rows still need the old key.
    let new = ring.rotate().unwrap();
    let err = s.retire_key(&mut ring, old).unwrap_err();
    assert!(
        matches!(err, Error::KeyInUse { id, rows: 3, .. } if id == old),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Refused);
    let key_file = secretctl_keyfile::keyring_dir(&keys.keyfile()).join(format!("{old}.key"));
    assert!(key_file.exists());

    // Once the store is rotated, the old key goes, and the audit table says so.
    rotate(&mut s, &mut ring, RotateMode::ResumeOnly).0.unwrap();
    s.retire_key(&mut ring, old).unwrap();
    assert!(!key_file.exists());
    assert!(!ring.retired_ids().contains(&old));
    assert!(!keys.ring().retired_ids().contains(&old));
    let audit = s.audit_log(10).unwrap();
    assert!(audit.iter().any(|a| a.operation == "retire"
        && a.detail.as_deref() == Some(&*format!("key {old} destroyed"))));
    every_row_opens(&mut s, &ring, 3);

    // Gone, it is "not found"; so is a key that never was one.
    let err = s.retire_key(&mut ring, old).unwrap_err();
    assert!(
        matches!(err, Error::NoRetiredKey { id, .. } if id == old),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.is_not_found());
    assert_eq!(ring.active_id(), new);
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(super::TestStore::sqlite());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                if let Some(t) = super::TestStore::postgres() {
                    super::$name(t);
                }
            })*
        }
    };
}

suite!(
    a_finished_store_gets_a_new_key,
    an_interrupted_rotation_is_finished_without_a_new_key,
    a_tampered_row_stops_the_rotation_as_an_integrity_failure,
    retire_refuses_until_no_row_needs_the_key,
);

#[test]
fn open_existing_never_creates_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let url = StoreUrl::Sqlite(path.clone());
    let err = Store::open_existing(&url).unwrap_err();
    assert!(
        matches!(&err, Error::NoStore { store } if *store == format!("sqlite:{}", path.display())),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("no secretctl store at"), "{err}");
    assert!(!path.exists());
    Store::open(&url).unwrap();
    Store::open_existing(&url).unwrap();
}

#[test]
fn the_default_store_is_next_to_the_keyfile() {
    assert_eq!(
        StoreUrl::next_to_keyfile("/etc/secretctl/master.key".as_ref()),
        StoreUrl::Sqlite("/etc/secretctl/store.db".into())
    );
    assert_eq!(
        StoreUrl::next_to_keyfile("master.key".as_ref()),
        StoreUrl::Sqlite("./store.db".into())
    );
}

#[test]
fn error_kinds_follow_the_cli_contract() {
    let t = TestStore::sqlite();
    let key = secretctl_envelope::Key::generate();
    let mut s = Store::open(&t.url).unwrap();
    let bad = s.put(&key, "", "x", b"v").unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Usage);
    assert_eq!(
        "mysql://x".parse::<StoreUrl>().unwrap_err().kind(),
        ErrorKind::Usage
    );
    let mut ring = secretctl_envelope::Keyring::new();
    ring.insert(key.clone());
    let missing = s.get(&ring, "alice", "nope", None).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    // A missing keyfile is "not found" through the store's error too.
    let dir = tempfile::tempdir().unwrap();
    let no_keyfile =
        Keyring::open(&dir.path().join("master.key"), LoadOptions::default()).unwrap_err();
    assert_eq!(Error::from(no_keyfile).kind(), ErrorKind::NotFound);
}

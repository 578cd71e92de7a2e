//! Unit tests: file modes, refusal cases, crash safety of rotation at every step, backup round trips.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use secrecy::SecretString;
use secretctl_envelope::{open, seal, Context};

use super::keyring::Step;
use super::*;

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

const CTX: Context<'static> = Context {
    domain: "secretctl/test",
    owner: "o",
    name: "n",
    version: 1,
};

#[test]
fn create_makes_0400_file_in_0700_dirs_whatever_the_umask() {
    for umask in [0o000, 0o022, 0o277] {
        let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(umask));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/master.key");
        let key = create(&path);
        rustix::process::umask(old);
        let key = key.unwrap();
        assert_eq!(mode(&path), 0o400, "umask {umask:o}");
        assert_eq!(mode(&dir.path().join("a")), 0o700, "umask {umask:o}");
        assert_eq!(mode(&dir.path().join("a/b")), 0o700, "umask {umask:o}");
        assert_eq!(fs::read(&path).unwrap(), key.expose_secret());
        assert_eq!(load(&path, LoadOptions::default()).unwrap().id(), key.id());
    }
}

#[test]
fn create_refuses_to_overwrite_or_follow_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    let first = create(&path).unwrap();
    assert!(matches!(create(&path), Err(Error::Exists { .. })));
    assert_eq!(fs::read(&path).unwrap(), first.expose_secret());

    let target = dir.path().join("target");
    let link = dir.path().join("link.key");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(matches!(create(&link), Err(Error::Exists { .. })));
    assert!(!target.exists(), "create followed a dangling symlink");
}

#[test]
fn two_keys_differ() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(&dir.path().join("a.key")).unwrap();
    let b = create(&dir.path().join("b.key")).unwrap();
    assert_ne!(a.expose_secret(), b.expose_secret());
}

#[test]
fn load_reports_missing_size_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    let err = load(&path, LoadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("secretctl key init") && msg.contains("secretctl key restore"),
        "{msg}"
    );

    for size in [0usize, 31, 33, 64] {
        let p = dir.path().join(format!("size{size}.key"));
        fs::write(&p, vec![7u8; size]).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o400)).unwrap();
        let err = load(&p, LoadOptions::default()).unwrap_err();
        assert!(
            matches!(err, Error::WrongSize { size: s, .. } if s == size as u64),
            "{err}"
        );
        assert!(
            err.to_string().contains(&format!("is {size} bytes")),
            "{err}"
        );
    }

    let p = dir.path().join("loose.key");
    fs::write(&p, [1u8; 32]).unwrap();
    for m in [0o440, 0o404, 0o644, 0o600 | 0o002] {
        fs::set_permissions(&p, fs::Permissions::from_mode(m)).unwrap();
        let err = load(&p, LoadOptions::default()).unwrap_err();
        assert!(
            matches!(err, Error::LoosePermissions { mode, .. } if mode == m),
            "{err}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("{m:04o}")) && msg.contains("chmod 0400"),
            "{msg}"
        );
        let opts = LoadOptions {
            allow_loose_permissions: true,
        };
        assert_eq!(load(&p, opts).unwrap().expose_secret(), &[1u8; 32]);
    }
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(load(&p, LoadOptions::default()).is_ok());

    assert!(matches!(
        load(dir.path(), LoadOptions::default()),
        Err(Error::NotAFile { .. })
    ));
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Key) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    let key = create(&path).unwrap();
    (dir, path, key)
}

#[test]
fn rotate_keeps_old_key_retired_and_list_shows_it() {
    let (_dir, path, first) = setup();
    let env = seal(&first, &CTX, b"old secret").unwrap();
    let mut ring = Keyring::open(&path, LoadOptions::default()).unwrap();
    assert_eq!(ring.list().len(), 1);
    assert_eq!(ring.list()[0].state, KeyState::Active);
    assert!(ring.list()[0].created.is_some());

    let second = ring.rotate().unwrap();
    assert_ne!(second, first.id());
    assert_eq!(ring.active_id(), second);
    assert_eq!(load(&path, LoadOptions::default()).unwrap().id(), second);
    assert_eq!(mode(&path), 0o400);
    let dir = keyring_dir(&path);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join(format!("{}.key", first.id()))), 0o400);
    assert_eq!(mode(&dir.join("index.json")), 0o600);
    assert!(
        !dir.join(format!("{second}.key")).exists(),
        "staged copy left behind"
    );
    // Every write went through a temporary name; none is left behind.
    for d in [dir.clone(), path.parent().unwrap().to_path_buf()] {
        for e in fs::read_dir(&d).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.contains(".tmp."),
                "temporary file {name} left in {}",
                d.display()
            );
        }
    }

    let third = ring.rotate().unwrap();
    let reopened = Keyring::open(&path, LoadOptions::default()).unwrap();
    let list = reopened.list();
    assert_eq!(list.len(), 3);
    assert_eq!((list[0].id, list[0].state), (third, KeyState::Active));
    assert!(list[1..]
        .iter()
        .all(|k| k.state == KeyState::Retired && k.retired.is_some()));
    assert_eq!(reopened.retired_ids().len(), 2);
    assert_eq!(
        open(reopened.keys(), &CTX, &env).unwrap().expose_secret(),
        b"old secret"
    );

    let mut reopened = reopened;
    assert!(matches!(
        reopened.destroy_retired(third),
        Err(Error::ActiveKey(_))
    ));
    reopened.destroy_retired(first.id()).unwrap();
    assert!(matches!(
        reopened.destroy_retired(first.id()),
        Err(Error::NoSuchRetiredKey(_))
    ));
    let after = Keyring::open(&path, LoadOptions::default()).unwrap();
    assert_eq!(after.list().len(), 2);
    assert!(after.keys().get(&first.id()).is_none());
    assert!(open(after.keys(), &CTX, &env).is_err());
}

/// A crash after any step of a rotation leaves the old key (and the new one, once it may be in use) loadable, and
/// the next rotation completes.
#[test]
fn rotation_is_crash_safe_at_every_step() {
    for step in [
        Step::StageNew,
        Step::RetireOld,
        Step::WriteIndex,
        Step::SwapKeyfile,
    ] {
        let (_dir, path, old) = setup();
        let env = seal(&old, &CTX, b"v").unwrap();
        let mut ring = Keyring::open(&path, LoadOptions::default()).unwrap();
        let new = Key::generate();
        let new_id = new.id();
        ring.install(new, Some(step)).unwrap();
        drop(ring); // the process "dies" here

        let after = Keyring::open(&path, LoadOptions::default()).unwrap();
        assert!(
            after.keys().get(&old.id()).is_some(),
            "{step:?}: old key lost"
        );
        assert_eq!(
            open(after.keys(), &CTX, &env).unwrap().expose_secret(),
            b"v"
        );
        // The new key is staged durably before anything can use it.
        assert!(
            after.keys().get(&new_id).is_some(),
            "{step:?}: new key lost"
        );
        let expect_active = if step >= Step::SwapKeyfile {
            new_id
        } else {
            old.id()
        };
        assert_eq!(after.active_id(), expect_active, "{step:?}");

        let mut after = after;
        let next = after.rotate().unwrap();
        let fin = Keyring::open(&path, LoadOptions::default()).unwrap();
        assert_eq!(fin.active_id(), next);
        for id in [old.id(), new_id] {
            assert!(
                fin.keys().get(&id).is_some(),
                "{step:?}: {id} lost after recovery rotation"
            );
        }
        assert_eq!(open(fin.keys(), &CTX, &env).unwrap().expose_secret(), b"v");
    }
}

#[test]
fn leftover_temp_files_and_damaged_keys_are_handled() {
    let (_dir, path, _key) = setup();
    let mut ring = Keyring::open(&path, LoadOptions::default()).unwrap();
    ring.rotate().unwrap();
    let dir = keyring_dir(&path);
    // A temp file from a crashed write is ignored.
    fs::write(dir.join(".index.json.tmp.0123456789abcdef"), b"{").unwrap();
    fs::write(
        path.parent()
            .unwrap()
            .join(".master.key.tmp.0123456789abcdef"),
        b"x",
    )
    .unwrap();
    assert!(Keyring::open(&path, LoadOptions::default()).is_ok());

    // A retired key file whose content is not the key its name says is an error, not skipped.
    let bogus = dir.join(format!("{}.key", Key::from_bytes(&[9; 32]).id()));
    let mut f = fs::File::create(&bogus).unwrap();
    f.write_all(&[8; 32]).unwrap();
    fs::set_permissions(&bogus, fs::Permissions::from_mode(0o400)).unwrap();
    assert!(matches!(
        Keyring::open(&path, LoadOptions::default()),
        Err(Error::RetiredKeyMismatch { .. })
    ));
    fs::remove_file(&bogus).unwrap();

    // A damaged index is reported with its path.
    fs::write(dir.join("index.json"), b"not json").unwrap();
    let err = Keyring::open(&path, LoadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::BadIndex { .. }), "{err}");
}

#[test]
fn backup_round_trips_to_recipients_passphrase_and_base64() {
    let key = Key::generate();
    let id1 = age::x25519::Identity::generate();
    let id2 = age::x25519::Identity::generate();
    let recipients = vec![id1.to_public().to_string(), id2.to_public().to_string()];
    for armor in [true, false] {
        let file = backup(&key, &BackupTo::Recipients(&recipients), armor).unwrap();
        assert_eq!(
            file.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"),
            armor
        );
        assert!(is_age(&file));
        for id in [&id1, &id2] {
            let text = secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
            let ids = Identities::parse(text.as_bytes(), Path::new("id")).unwrap();
            let back = decode_backup(&file, &Unlock::Identities(&ids)).unwrap();
            assert_eq!(back.expose_secret(), key.expose_secret());
        }
        let other = age::x25519::Identity::generate();
        let text = secrecy::ExposeSecret::expose_secret(&other.to_string()).to_owned();
        let ids = Identities::parse(text.as_bytes(), Path::new("id")).unwrap();
        assert!(matches!(
            decode_backup(&file, &Unlock::Identities(&ids)),
            Err(Error::BackupDecrypt(_))
        ));
        let pass = SecretString::from("pw");
        assert!(matches!(
            decode_backup(&file, &Unlock::Passphrase(&pass)),
            Err(Error::BadBackup { .. })
        ));
    }

    let pass = SecretString::from("correct horse battery staple");
    let to = BackupTo::Passphrase {
        passphrase: &pass,
        work_factor: Some(10),
    };
    let file = backup(&key, &to, true).unwrap();
    let back = decode_backup(&file, &Unlock::Passphrase(&pass)).unwrap();
    assert_eq!(back.id(), key.id());
    let wrong = SecretString::from("wrong");
    assert!(matches!(
        decode_backup(&file, &Unlock::Passphrase(&wrong)),
        Err(Error::BackupDecrypt(_))
    ));

    let b64 = export_base64(&key);
    let text = format!("  {}\n", secrecy::ExposeSecret::expose_secret(&b64));
    assert_eq!(
        decode_backup(text.as_bytes(), &Unlock::Base64)
            .unwrap()
            .id(),
        key.id()
    );
    for bad in [&b""[..], b"AAAA", b"!!!!", &[b'A'; 43], &[b'A'; 48]] {
        assert!(matches!(
            decode_backup(bad, &Unlock::Base64),
            Err(Error::BadBackup { .. })
        ));
    }
}

#[test]
fn backup_rejects_bad_recipients_and_wrong_payloads() {
    let key = Key::generate();
    assert!(matches!(
        backup(&key, &BackupTo::Recipients(&[]), true),
        Err(Error::NoRecipients)
    ));
    let bad = vec!["age1notarecipient".to_owned()];
    let err = backup(&key, &BackupTo::Recipients(&bad), true).unwrap_err();
    assert!(matches!(err, Error::BadRecipient { .. }));
    assert!(err.to_string().contains("age1notarecipient"));

    // age files that hold something other than exactly 32 bytes.
    let id = age::x25519::Identity::generate();
    let text = secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
    let ids = Identities::parse(text.as_bytes(), Path::new("id")).unwrap();
    for len in [0usize, 31, 33, 100_000] {
        let enc = age::Encryptor::with_recipients(std::iter::once(
            &id.to_public() as &dyn age::Recipient
        ))
        .unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(&vec![1u8; len]).unwrap();
        w.finish().unwrap();
        let res = decode_backup(&out, &Unlock::Identities(&ids));
        assert!(matches!(res, Err(Error::BadBackup { .. })), "len {len}");
    }

    // A truncated or altered armored backup fails.
    let file = backup(
        &key,
        &BackupTo::Recipients(&[id.to_public().to_string()]),
        false,
    )
    .unwrap();
    for cut in [10, file.len() / 2, file.len() - 1] {
        assert!(
            decode_backup(&file[..cut], &Unlock::Identities(&ids)).is_err(),
            "cut {cut}"
        );
    }
    let mut flipped = file.clone();
    let last = flipped.len() - 5;
    flipped[last] ^= 1;
    assert!(decode_backup(&flipped, &Unlock::Identities(&ids)).is_err());
    assert!(matches!(
        Identities::parse(b"not an identity\n", Path::new("idfile")),
        Err(Error::BadIdentityFile { .. })
    ));
    assert!(matches!(
        Identities::parse(b"# only a comment\n", Path::new("idfile")),
        Err(Error::BadIdentityFile { .. })
    ));
}

#[test]
fn restore_creates_verifies_and_keeps_replaced_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/master.key");
    let key = Key::generate();

    let wrong = RestoreOptions {
        expected_id: Some(Key::generate().id()),
        ..RestoreOptions::default()
    };
    assert!(matches!(
        restore(&path, key.clone(), wrong),
        Err(Error::KeyIdMismatch { .. })
    ));
    assert!(!path.exists(), "a mismatched restore wrote something");

    let opts = RestoreOptions {
        expected_id: Some(key.id()),
        ..RestoreOptions::default()
    };
    assert_eq!(
        restore(&path, key.clone(), opts).unwrap(),
        RestoreOutcome::Created
    );
    assert_eq!(mode(&path), 0o400);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(
        restore(&path, key.clone(), opts).unwrap(),
        RestoreOutcome::AlreadyPresent
    );

    let other = Key::generate();
    let err = restore(&path, other.clone(), RestoreOptions::default()).unwrap_err();
    assert!(matches!(err, Error::DifferentKeyExists { .. }));
    assert!(err.to_string().contains("--force"));
    assert_eq!(load(&path, LoadOptions::default()).unwrap().id(), key.id());

    let force = RestoreOptions {
        force: true,
        ..RestoreOptions::default()
    };
    assert_eq!(
        restore(&path, other.clone(), force).unwrap(),
        RestoreOutcome::Replaced { retired: key.id() }
    );
    let ring = Keyring::open(&path, LoadOptions::default()).unwrap();
    assert_eq!(ring.active_id(), other.id());
    assert!(
        ring.keys().get(&key.id()).is_some(),
        "the replaced key was not kept"
    );
}

#[test]
fn errors_and_debug_never_show_key_bytes() {
    let key = Key::from_bytes(&[0x5a; 32]);
    let b64 = secrecy::ExposeSecret::expose_secret(&export_base64(&key)).to_owned();
    let (_dir, path, _k) = setup();
    let ring = Keyring::open(&path, LoadOptions::default()).unwrap();
    for text in [format!("{key:?}"), format!("{ring:?}")] {
        assert!(
            !text.contains(&b64) && !text.contains("5a5a") && !text.contains("90, 90"),
            "{text}"
        );
    }
}

#[test]
fn error_kinds_follow_the_cli_contract() {
    use secretctl_error::{ErrorKind, Kind};
    let dir = tempfile::tempdir().unwrap();
    // A missing keyfile is "not found" (exit 4) for every command that loads it.
    let missing = dir.path().join("nope.key");
    assert_eq!(
        load(&missing, LoadOptions::default()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        Keyring::open(&missing, LoadOptions::default())
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let (_dir, path, key) = setup();
    assert_eq!(create(&path).unwrap_err().kind(), ErrorKind::Refused);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        load(&path, LoadOptions::default()).unwrap_err().kind(),
        ErrorKind::Refused
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    // The wrong key or a backup that does not decrypt is an integrity failure (exit 3).
    let other = Key::from_bytes(&[7; 32]);
    let expect_other = RestoreOptions {
        expected_id: Some(other.id()),
        ..RestoreOptions::default()
    };
    assert_eq!(
        restore(&path, key.clone(), expect_other)
            .unwrap_err()
            .kind(),
        ErrorKind::Integrity
    );
    let file = backup(
        &key,
        &BackupTo::Passphrase {
            passphrase: &SecretString::from("right"),
            work_factor: Some(1),
        },
        true,
    )
    .unwrap();
    let wrong = decode_backup(&file, &Unlock::Passphrase(&SecretString::from("wrong")));
    assert_eq!(wrong.unwrap_err().kind(), ErrorKind::Integrity);
    // A recipient the operator typed wrong is a usage error (exit 2); garbage input is invalid (exit 1).
    let bad = backup(&key, &BackupTo::Recipients(&["age1bogus".to_owned()]), true);
    assert_eq!(bad.unwrap_err().kind(), ErrorKind::Usage);
    let garbage = decode_backup(b"bm90IGEga2V5", &Unlock::Base64);
    assert_eq!(garbage.unwrap_err().kind(), ErrorKind::Invalid);
    let mut ring = Keyring::open(&path, LoadOptions::default()).unwrap();
    let err = ring.destroy_retired(other.id()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn backup_files_are_read_bounded_and_written_new_and_private() {
    use secretctl_error::{ErrorKind, Kind};
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    fs::write(&big, vec![b'x'; MAX_BACKUP_BYTES + 1]).unwrap();
    let err = read_backup_file(&big).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Invalid);
    let missing = read_backup_file(&dir.path().join("missing")).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(
        read_backup(&b"abc"[..], Path::new("stdin"))
            .unwrap()
            .as_slice(),
        b"abc"
    );

    let list = dir.path().join("recipients.txt");
    fs::write(&list, "# ops team\n  age1one  \n\nage1two\n").unwrap();
    assert_eq!(read_recipients_file(&list).unwrap(), ["age1one", "age1two"]);
    fs::write(&list, [0xff, 0xfe]).unwrap();
    assert!(matches!(
        read_recipients_file(&list),
        Err(Error::NotText { .. })
    ));

    let out = dir.path().join("backup.age");
    write_backup(&out, b"first").unwrap();
    assert_eq!(mode(&out), 0o600);
    let again = write_backup(&out, b"second").unwrap_err();
    assert!(matches!(again, Error::OutputExists { .. }), "{again:?}");
    assert_eq!(again.kind(), ErrorKind::Refused);
    assert_eq!(fs::read(&out).unwrap(), b"first");
}

#[test]
fn identities_from_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, _path, key) = setup();
    let one = "AGE-SECRET-KEY-1T8FXX6V9R0LPKSFYW83WJMAEJCLJWHCXL225MFSH53HR5D24C22SDY5RZC";
    let recipient = "age1dgj6llgstfvwldl0u9tvvx240n3fmtdlplmnrrl8ha9qdnr0cd5s5tcs8m".to_owned();
    let first = dir.path().join("first.txt");
    let second = dir.path().join("second.txt");
    fs::write(&first, "# no identity here\n").unwrap();
    fs::write(&second, format!("{one}\n")).unwrap();
    let file = backup(&key, &BackupTo::Recipients(&[recipient]), true).unwrap();
    let ids = Identities::from_files(&[first.clone(), second]).unwrap();
    assert_eq!(
        decode_backup(&file, &Unlock::Identities(&ids))
            .unwrap()
            .id(),
        key.id()
    );
    let err = Identities::from_files(std::slice::from_ref(&first)).unwrap_err();
    assert!(
        matches!(&err, Error::BadIdentityFile { path, .. } if *path == first),
        "{err:?}"
    );
}

#[test]
fn restore_outcomes_serialize_with_their_status() {
    let id = Key::generate().id();
    let json = |o: RestoreOutcome| serde_json::to_value(o).unwrap();
    let status = |s: &str, r: Option<String>| serde_json::json!({"status": s, "retired": r});
    assert_eq!(json(RestoreOutcome::Created), status("created", None));
    assert_eq!(
        json(RestoreOutcome::AlreadyPresent),
        status("unchanged", None)
    );
    let replaced = RestoreOutcome::Replaced { retired: id };
    assert_eq!(json(replaced), status("replaced", Some(id.to_string())));
}

#[test]
fn key_info_serializes_and_displays_as_key_list_shows_it() {
    let id = Key::generate().id();
    let t = time::OffsetDateTime::UNIX_EPOCH;
    let mut info = KeyInfo {
        id,
        state: KeyState::Retired,
        created: Some(t),
        retired: None,
    };
    assert_eq!(
        serde_json::to_value(&info).unwrap(),
        serde_json::json!({"id": id.to_string(), "state": "retired", "created": "1970-01-01T00:00:00Z",
                           "retired": null})
    );
    assert_eq!(
        info.to_string(),
        format!("{id}  retired  1970-01-01T00:00:00Z  -")
    );
    info.state = KeyState::Active;
    info.created = None;
    let row = info.to_string();
    assert_eq!(row, format!("{id}  active   -                     -"));
    // The columns of every row start where the header's do.
    assert_eq!(KeyInfo::HEADER.find("STATE"), row.find("active"));
}

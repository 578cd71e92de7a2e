//! The workflows that take files by path, as `secretctl gitops` calls them: push a `.env` file, pull one out,
//! encrypt/decrypt one file, git's textconv and merge driver; and the kind of each failure (the CLI's exit code).

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "git")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use secretctl_error::{ErrorKind, Kind};
use secretctl_gitops::repo::{self, Author, Error, Placement, Repo};
use secretctl_gitops::sops::{self, Format, Formats, Identities, Recipient};

struct Sandbox {
    dir: tempfile::TempDir,
    ids: Identities,
    recipient: Recipient,
    repo: Repo,
}

fn author() -> Author {
    Author {
        name: Some("Test".into()),
        email: Some("test@example.org".into()),
    }
}

fn classify(key: &str) -> Placement {
    if key.ends_with("PASSWORD") {
        Placement::Host
    } else {
        Placement::Plain
    }
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let ids = Identities::generate();
        let recipient = ids.recipients().remove(0);
        let repo = Repo::init(
            &dir.path().join("repo"),
            std::slice::from_ref(&recipient),
            Path::new("/usr/local/bin/secretctl"),
            &author(),
        )
        .unwrap();
        Sandbox {
            dir,
            ids,
            recipient,
            repo,
        }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

const ENV: &str = "URL=https://example.org\nDB_PASSWORD=hunter2-0001\n";

#[test]
fn push_a_file_then_pull_it_out_of_the_tree_only() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    let pushed = s
        .repo
        .push_file("web1", &env, &classify, Some(&s.ids), Some(&author()))
        .unwrap();
    assert_eq!(pushed.host_keys, ["DB_PASSWORD"]);
    assert!(pushed.commit.is_some());

    let out = s.dir.path().join("pulled.env");
    s.repo.pull("web1", &out, &s.ids).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), ENV);
    assert_eq!(mode(&out), 0o600);

    // Plaintext is never written inside the working tree, and that is checked before anything else.
    let inside = s.repo.root().join(".env");
    let err = s.repo.pull("web1", &inside, &s.ids).unwrap_err();
    assert!(
        matches!(err, Error::PlaintextInRepository { .. }),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(!inside.exists());

    // An unknown host, and a missing .env, are "not found".
    let err = s.repo.pull("nope", &out, &s.ids).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let missing = s.dir.path().join("missing.env");
    let err = s
        .repo
        .push_file("web1", &missing, &classify, Some(&s.ids), None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("missing.env"), "{err}");
}

#[test]
fn encrypt_and_decrypt_one_file_as_sops_does() {
    let s = Sandbox::new();
    let plain = "API_TOKEN: tok-0001\nPORT: \"8080\"\n";
    let file = s.write("vars.yaml", plain);
    let recipients = std::slice::from_ref(&s.recipient);

    let encrypted = repo::encrypt_file_at(&file, recipients, false, Formats::default()).unwrap();
    assert!(sops::is_encrypted(&encrypted, Format::Yaml));
    assert!(!encrypted.contains("tok-0001"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        plain,
        "not in place"
    );
    let round = repo::decrypt_file_at(
        &s.write("enc.yaml", &encrypted),
        &s.ids,
        false,
        Formats::default(),
    )
    .unwrap();
    assert_eq!(round.expose_secret(), plain);

    repo::encrypt_file_at(&file, recipients, true, Formats::default()).unwrap();
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert!(sops::is_encrypted(&on_disk, Format::Yaml));
    assert_eq!(mode(&file), 0o600);
    // Encrypting twice is refused.
    let err = repo::encrypt_file_at(&file, recipients, true, Formats::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Sops {
                source: sops::Error::AlreadyEncrypted,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Invalid);
    // Another identity cannot read it: an integrity failure.
    let err = repo::decrypt_file_at(&file, &Identities::generate(), false, Formats::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(err.is_integrity());

    repo::decrypt_file_at(&file, &s.ids, true, Formats::default()).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), plain);
    assert_eq!(mode(&file), 0o600);

    // Decrypting in place inside a working tree is refused and leaves the file as it was.
    let env = s.write("web1.env", ENV);
    s.repo
        .push_file("web1", &env, &classify, Some(&s.ids), Some(&author()))
        .unwrap();
    let vars = s.repo.root().join("hosts/web1/vars.yaml");
    let before = std::fs::read_to_string(&vars).unwrap();
    let err = repo::decrypt_file_at(&vars, &s.ids, true, Formats::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), before);
    // Its textconv names keys, never values.
    let conv = repo::textconv_file(&vars).unwrap();
    assert!(
        conv.contains("DB_PASSWORD") && !conv.contains("hunter2"),
        "{conv}"
    );
}

#[test]
fn the_merge_driver_writes_the_encrypted_merge_over_ours() {
    let s = Sandbox::new();
    let recipients = std::slice::from_ref(&s.recipient);
    let vars = |pairs: &[(&str, &str)], previous: Option<&str>| {
        let v: Vec<_> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).into()))
            .collect();
        sops::write_vars(&v, Format::Yaml, recipients, previous.zip(Some(&s.ids))).unwrap()
    };
    let base_text = vars(&[("A", "1"), ("B", "1")], None);
    let base = s.write("base", &base_text);
    let ours = s.write("ours", &vars(&[("A", "2"), ("B", "1")], Some(&base_text)));
    let theirs = s.write("theirs", &vars(&[("A", "1"), ("B", "3")], Some(&base_text)));
    let path = Path::new("hosts/web1/vars.yaml");
    repo::merge_driver(&base, &ours, &theirs, Some(path), &s.ids).unwrap();
    let merged = std::fs::read_to_string(&ours).unwrap();
    assert!(sops::is_encrypted(&merged, Format::Yaml));
    let values: Vec<(String, String)> = sops::read_vars(&merged, Format::Yaml, &s.ids)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.expose_secret().to_owned()))
        .collect();
    assert_eq!(
        values,
        [
            ("A".to_owned(), "2".to_owned()),
            ("B".to_owned(), "3".to_owned())
        ]
    );

    // Both sides changed A: a conflict, ours kept, still encrypted.
    let ours = s.write("ours2", &vars(&[("A", "2"), ("B", "1")], Some(&base_text)));
    let theirs = s.write(
        "theirs2",
        &vars(&[("A", "9"), ("B", "1")], Some(&base_text)),
    );
    let err = repo::merge_driver(&base, &ours, &theirs, None, &s.ids).unwrap_err();
    assert!(
        matches!(&err, Error::MergeConflict { keys, .. } if keys == &["A"]),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Other);
    let merged = std::fs::read_to_string(&ours).unwrap();
    assert!(sops::is_encrypted(&merged, Format::Yaml) && !merged.contains("A: \"9\""));

    // A side that does not verify names the file and is an integrity failure.
    let tampered = s.write("tampered", &merged.replace("A: ENC", "Z: ENC"));
    let err = repo::merge_driver(&base, &tampered, &theirs, Some(path), &s.ids).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(err.to_string().contains("hosts/web1/vars.yaml"), "{err}");
}

#[test]
fn error_kinds_follow_the_cli_contract() {
    let s = Sandbox::new();
    let nowhere = tempfile::tempdir().unwrap();
    let err = Repo::open(nowhere.path()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.is_not_found());
    let err = s
        .repo
        .push("../x", ENV, Path::new(".env"), &classify, None, None)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidHost { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Usage);
    // A second push needs an identity to read what is there: not giving one is a usage error.
    let env = s.write("web1.env", ENV);
    s.repo
        .push_file("web1", &env, &classify, Some(&s.ids), Some(&author()))
        .unwrap();
    let err = s
        .repo
        .push_file("web1", &env, &classify, None, None)
        .unwrap_err();
    assert!(matches!(err, Error::IdentityRequired { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Usage);
    let err = s.repo.diff("no-such-rev", None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = Repo::init(
        s.repo.root(),
        std::slice::from_ref(&s.recipient),
        Path::new("x"),
        &author(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);

    let big = s.dir.path().join("big");
    std::fs::write(
        &big,
        vec![b'a'; usize::try_from(repo::MAX_FILE_BYTES).unwrap() + 1],
    )
    .unwrap();
    assert_eq!(
        repo::read_text(&big).unwrap_err().kind(),
        ErrorKind::Invalid
    );
    let binary = s.write("binary", "");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        repo::read_text(&binary),
        Err(Error::NotUtf8 { .. })
    ));
    assert_eq!(
        "age1nope".parse::<Recipient>().unwrap_err().kind(),
        ErrorKind::Usage
    );
}

/// The instance's state travels with its `.env`: encrypted (never a record in plaintext), unchanged ciphertext when
/// it did not change, rendered back byte for byte, and rewrapped with the vars files when a recipient is added.
#[test]
fn the_instance_state_travels_encrypted_beside_the_env() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    let state =
        "instance_key = \"00ff\"\n\n[keys.\"DB_PASSWORD\"]\nrotated = \"2026-11-24T05:41:10Z\"\n";
    let first = s
        .repo
        .push_file_with_state(
            "web1",
            &env,
            Some(state),
            &classify,
            Some(&s.ids),
            Some(&author()),
        )
        .unwrap();
    let rel = repo::state_path("web1");
    assert!(first.changed.contains(&rel), "{:?}", first.changed);
    let committed = std::fs::read_to_string(s.repo.root().join(&rel)).unwrap();
    assert!(!committed.contains("instance_key") && !committed.contains("2026-11-24"));
    assert_eq!(mode(&s.repo.root().join(&rel)), 0o600);
    assert_eq!(
        s.repo
            .render_state("web1", &s.ids)
            .unwrap()
            .unwrap()
            .expose_secret(),
        state
    );
    // Nothing changed: nothing rewritten, nothing committed.
    let again = s
        .repo
        .push_file_with_state(
            "web1",
            &env,
            Some(state),
            &classify,
            Some(&s.ids),
            Some(&author()),
        )
        .unwrap();
    assert!(again.changed.is_empty() && again.commit.is_none());
    // A host pushed without a state has none to render.
    let other = s.write("web2.env", ENV);
    s.repo
        .push_file("web2", &other, &classify, Some(&s.ids), Some(&author()))
        .unwrap();
    assert!(s.repo.render_state("web2", &s.ids).unwrap().is_none());
    // A new recipient can read the state too.
    let newcomer = Identities::generate();
    let r = newcomer.recipients();
    s.repo
        .add_recipients(&r, &s.ids, &author(), &mut |_, _| {})
        .unwrap();
    assert_eq!(
        s.repo
            .render_state("web1", &newcomer)
            .unwrap()
            .unwrap()
            .expose_secret(),
        state
    );
}

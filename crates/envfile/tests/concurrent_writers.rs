//! Two processes each run 500 read-modify-write updates on one file; the lock must make every update count.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; helpers outside #[test] fns too

use std::path::Path;
use std::process::Command;

use secretctl_envfile::{update, EnvFile, Error};

const UPDATES: usize = 500;
const CHILD_FILE: &str = "SECRETCTL_ENVFILE_TEST_CHILD_FILE";
const CHILD_ID: &str = "SECRETCTL_ENVFILE_TEST_CHILD_ID";

fn increment(doc: &mut EnvFile, id: &str, i: usize) -> Result<(), Error> {
    let n: u64 = doc.get("COUNTER").unwrap_or("0").parse().unwrap();
    doc.set("COUNTER", &(n + 1).to_string()).unwrap();
    doc.set(&format!("P{id}_LAST"), &i.to_string()).unwrap();
    Ok(())
}

/// The body of each child process (a no-op when run as an ordinary test).
#[test]
fn child_writer() {
    let (Some(file), Some(id)) = (std::env::var_os(CHILD_FILE), std::env::var(CHILD_ID).ok())
    else {
        return;
    };
    for i in 0..UPDATES {
        update(Path::new(&file), true, |doc| increment(doc, &id, i)).unwrap();
    }
}

#[test]
fn two_processes_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    std::fs::write(&file, "# shared\nCOUNTER=0\n").unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["1", "2"]
        .into_iter()
        .map(|id| {
            Command::new(&exe)
                .args(["child_writer", "--exact", "--nocapture", "--test-threads=1"])
                .env(CHILD_FILE, &file)
                .env(CHILD_ID, id)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let doc = EnvFile::load(&file).unwrap();
    assert_eq!(doc.get("COUNTER"), Some((2 * UPDATES).to_string().as_str()));
    assert_eq!(doc.get("P1_LAST"), Some((UPDATES - 1).to_string().as_str()));
    assert_eq!(doc.get("P2_LAST"), Some((UPDATES - 1).to_string().as_str()));
    assert!(doc.render().starts_with("# shared\nCOUNTER="));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn save_keeps_a_stricter_mode_and_tightens_a_looser_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    for (before, after) in [(0o644, 0o600), (0o400, 0o400), (0o640, 0o600)] {
        std::fs::write(&file, "A=1\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(before)).unwrap();
        update(&file, false, |doc| {
            doc.set("A", "2").unwrap();
            Ok(())
        })
        .unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, after, "from {before:o}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn update_writes_nothing_when_the_closure_fails_or_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    assert!(matches!(
        update(&file, false, |_| Ok(())),
        Err(Error::NotFound { .. })
    ));
    update(&file, true, |_| Ok(())).unwrap();
    assert!(
        !file.exists(),
        "an unchanged empty document must not create the file"
    );
    std::fs::write(&file, "A=1").unwrap();
    let r: Result<(), Error> = update(&file, false, |doc| {
        doc.set("A", "2").unwrap();
        Err(Error::NotFound { path: file.clone() })
    });
    assert!(r.is_err());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "A=1");
}

#[test]
fn load_reports_path_and_never_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    std::fs::write(&file, "A=1\nB=\"hunter2\n").unwrap();
    let e = EnvFile::load(&file).unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains(".env") && shown.contains("line 2"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    std::fs::write(&file, b"A=1\nB=\xff\n").unwrap();
    assert!(matches!(
        EnvFile::load(&file),
        Err(Error::NotUtf8 { line: 2, .. })
    ));
}

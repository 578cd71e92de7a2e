//! The file-safety rules, each checked on real files: links, FIFOs, owners and modes, locks through several paths,
//! temporary files left by a killed writer, process hardening. Tests that give files to another user need root
//! (CI runs as root) and say so when skipped.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use secretctl_fs::{
    create_dir, create_new, lock, read, remove, replace, Error, Owner, ReadOptions, Symlinks,
    WriteOptions,
};

const NOBODY: u32 = 65534;
const LIMIT: u64 = 1 << 20;

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn follow() -> ReadOptions {
    ReadOptions::new(LIMIT).symlinks(Symlinks::FollowSameOwner)
}

#[test]
fn replace_sets_the_mode_whatever_the_umask_never_loosens_it_and_leaves_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("secret");
    let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    replace(&p, b"one", &WriteOptions::new(0o644)).unwrap();
    rustix::process::umask(old);
    assert_eq!(mode(&p), 0o644, "the umask narrowed the mode asked for");
    replace(&p, b"two", &WriteOptions::new(0o600)).unwrap();
    assert_eq!(mode(&p), 0o600);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o400)).unwrap();
    replace(&p, b"three", &WriteOptions::new(0o600)).unwrap();
    assert_eq!(mode(&p), 0o400, "a stricter mode was loosened");
    assert_eq!(
        read(&p, &ReadOptions::new(LIMIT)).unwrap().as_slice(),
        b"three"
    );
    assert_eq!(
        names(dir.path()),
        ["secret"],
        "something was left beside the file"
    );
}

#[test]
fn a_link_is_refused_by_default_naming_it_and_nothing_is_written_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    fs::write(&real, b"A=1\n").unwrap();
    let link = dir.path().join("link.env");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let err = read(&link, &ReadOptions::new(LIMIT)).unwrap_err();
    assert!(matches!(err, Error::Symlink { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("link.env") && msg.contains("--follow-symlinks"),
        "{msg}"
    );

    let err = replace(&link, b"A=2\n", &WriteOptions::new(0o600)).unwrap_err();
    assert!(matches!(err, Error::Symlink { .. }), "{err}");
    assert_eq!(fs::read(&real).unwrap(), b"A=1\n");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());

    // Followed on request when link and file have one owner: the real file is replaced, the link stays.
    assert_eq!(read(&link, &follow()).unwrap().as_slice(), b"A=1\n");
    let opts = WriteOptions::new(0o600).symlinks(Symlinks::FollowSameOwner);
    replace(&link, b"A=3\n", &opts).unwrap();
    assert_eq!(fs::read(&real).unwrap(), b"A=3\n");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());

    // A link to nothing is never followed into creating its target.
    let dangling = dir.path().join("dangling.env");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let err = replace(&dangling, b"x", &opts).unwrap_err();
    assert!(matches!(err, Error::DanglingSymlink { .. }), "{err}");
    assert!(!dir.path().join("nowhere").exists());
}

#[test]
fn a_link_planted_by_another_user_is_refused_even_when_following() {
    if !is_root() {
        eprintln!("skipped: giving a link to another user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root_file = dir.path().join("root-only");
    fs::write(&root_file, b"root's secret\n").unwrap();
    fs::set_permissions(&root_file, fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join(".env");
    std::os::unix::fs::symlink(&root_file, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(NOBODY), Some(NOBODY)).unwrap();

    let err = read(&link, &follow()).unwrap_err();
    match &err {
        Error::SymlinkOwner {
            link_owner,
            target_owner,
            ..
        } => assert_eq!((*link_owner, *target_owner), (NOBODY, 0)),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains(".env"), "{err}");
    let opts = WriteOptions::new(0o600).symlinks(Symlinks::FollowSameOwner);
    assert!(replace(&link, b"x", &opts).is_err());
    assert_eq!(fs::read(&root_file).unwrap(), b"root's secret\n");
    assert_eq!(mode(&root_file), 0o600);
}

#[test]
fn a_fifo_fails_at_once_and_other_non_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("master.key");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    let p = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(read(&p, &ReadOptions::new(32)).map(|_| ()));
    });
    let started = Instant::now();
    let result = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("reading a FIFO hung");
    assert!(started.elapsed() < Duration::from_secs(2));
    let err = result.unwrap_err();
    assert!(
        matches!(err, Error::NotRegular { kind: "a FIFO", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("master.key"), "{err}");
    // Writing over one is refused too (nobody reading it could tell a half-written stream from a file).
    assert!(matches!(
        replace(&fifo, b"x", &WriteOptions::new(0o600)),
        Err(Error::NotRegular { .. })
    ));
    assert!(matches!(
        read(dir.path(), &ReadOptions::new(32)),
        Err(Error::NotRegular {
            kind: "a directory",
            ..
        })
    ));
}

#[test]
fn reads_check_size_mode_and_owner_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("key");
    fs::write(&p, [7u8; 33]).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
    assert!(matches!(
        read(&p, &ReadOptions::new(32)),
        Err(Error::TooLarge {
            size: 33,
            limit: 32,
            ..
        })
    ));
    assert!(matches!(
        read(&p, &ReadOptions::new(64).private(true)),
        Err(Error::Permissions { mode: 0o640, .. })
    ));
    assert_eq!(read(&p, &ReadOptions::new(64)).unwrap().len(), 33);
    assert!(matches!(
        read(&dir.path().join("missing"), &ReadOptions::new(64)),
        Err(Error::NotFound { .. })
    ));
    // Owner::CallerOrRoot: root reads anyone's file; the test of an unprivileged caller is the unit test of the
    // rule, as giving a file away needs root.
    assert!(read(&p, &ReadOptions::new(64).owner(Owner::CallerOrRoot)).is_ok());
}

#[test]
fn a_replaced_file_keeps_its_owner_and_a_new_one_gets_its_directorys() {
    if !is_root() {
        eprintln!("skipped: giving files to another user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("svc");
    fs::create_dir(&svc).unwrap();
    std::os::unix::fs::chown(&svc, Some(NOBODY), Some(NOBODY)).unwrap();
    let env = svc.join(".env");
    replace(&env, b"A=1\n", &WriteOptions::new(0o600)).unwrap();
    let m = fs::metadata(&env).unwrap();
    assert_eq!((m.uid(), m.gid(), mode(&env)), (NOBODY, NOBODY, 0o600));

    std::os::unix::fs::chown(&env, Some(NOBODY), Some(0)).unwrap();
    replace(&env, b"A=2\n", &WriteOptions::new(0o600)).unwrap();
    let m = fs::metadata(&env).unwrap();
    assert_eq!((m.uid(), m.gid()), (NOBODY, 0), "owner or group not kept");

    create_dir(&svc.join("state/deeper"), &WriteOptions::new(0o700)).unwrap();
    for d in ["state", "state/deeper"] {
        let m = fs::metadata(svc.join(d)).unwrap();
        assert_eq!((m.uid(), mode(&svc.join(d))), (NOBODY, 0o700), "{d}");
    }
    let given = svc.join("state/file");
    replace(&given, b"x", &WriteOptions::new(0o600).owner(1, 1)).unwrap();
    assert_eq!(fs::metadata(&given).unwrap().uid(), 1);
    assert_eq!(
        names(&svc),
        [".env", "state"],
        "a lock or temp file was left"
    );
}

#[test]
fn the_next_writer_removes_temp_files_a_killed_writer_left_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(".env");
    fs::write(&p, b"A=old\n").unwrap();
    let stale = [
        "..env.secretctl-0123456789abcdef.tmp",
        "..env.4242.7.0badf00d.tmp",
        "..env.tmp.fedcba9876543210",
    ];
    let kept = [
        "..env.swp",
        ".other.secretctl-0123456789abcdef.tmp",
        ".env.bak",
    ];
    for n in stale.iter().chain(&kept) {
        fs::write(dir.path().join(n), b"A=plaintext\n").unwrap();
    }
    replace(&p, b"A=new\n", &WriteOptions::new(0o600)).unwrap();
    let mut expected: Vec<String> = kept.iter().map(|s| (*s).to_owned()).collect();
    expected.push(".env".to_owned());
    expected.sort();
    assert_eq!(names(dir.path()), expected);
}

#[test]
fn create_new_never_overwrites_or_follows_and_leaves_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("master.key");
    create_new(&p, &[1; 32], &WriteOptions::new(0o400)).unwrap();
    assert_eq!(mode(&p), 0o400);
    assert!(matches!(
        create_new(&p, &[2; 32], &WriteOptions::new(0o400)),
        Err(Error::Exists { .. })
    ));
    assert_eq!(fs::read(&p).unwrap(), [1; 32]);
    let link = dir.path().join("link.key");
    std::os::unix::fs::symlink(dir.path().join("target"), &link).unwrap();
    assert!(matches!(
        create_new(&link, &[3; 32], &WriteOptions::new(0o400)),
        Err(Error::Exists { .. })
    ));
    assert!(!dir.path().join("target").exists());
    remove(&link).unwrap();
    assert_eq!(names(dir.path()), ["master.key"]);
}

/// The paths of one file used below: plain, through `./`, through a symlinked directory, through `..`.
fn paths_to_one_file(root: &Path) -> (PathBuf, Vec<PathBuf>) {
    let dir = root.join("inst");
    fs::create_dir_all(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(&dir, root.join("alias")).unwrap();
    let file = dir.join(".env");
    let paths = vec![
        file.clone(),
        root.join("alias").join(".env"),
        dir.join("sub").join("..").join(".env"),
        dir.join(".").join(".env"),
    ];
    (file, paths)
}

#[test]
fn every_path_to_one_file_takes_the_same_lock() {
    let root = tempfile::tempdir().unwrap();
    let (_file, paths) = paths_to_one_file(root.path());
    for other in &paths[1..] {
        let held = lock(&paths[0]).unwrap();
        let (tx, rx) = mpsc::channel();
        let p = other.clone();
        let t = std::thread::spawn(move || {
            let _l = lock(&p).unwrap();
            tx.send(()).unwrap();
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(150)).is_err(),
            "{} did not wait for the lock of {}",
            other.display(),
            paths[0].display()
        );
        drop(held);
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        t.join().unwrap();
    }
}

#[test]
fn read_modify_write_through_four_paths_loses_nothing() {
    const PER_WRITER: usize = 100;
    let root = tempfile::tempdir().unwrap();
    let (file, paths) = paths_to_one_file(root.path());
    let threads: Vec<_> = paths
        .into_iter()
        .enumerate()
        .map(|(w, p)| {
            std::thread::spawn(move || {
                for i in 0..PER_WRITER {
                    let _l = lock(&p).unwrap();
                    let mut text = match read(&p, &ReadOptions::new(LIMIT)) {
                        Ok(b) => b.to_vec(),
                        Err(Error::NotFound { .. }) => Vec::new(),
                        Err(e) => panic!("{e}"),
                    };
                    text.extend_from_slice(format!("W{w}_{i}=x\n").as_bytes());
                    replace(&p, &text, &WriteOptions::new(0o600)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let text = String::from_utf8(fs::read(&file).unwrap()).unwrap();
    assert_eq!(text.lines().count(), 4 * PER_WRITER, "updates were lost");
    assert_eq!(names(file.parent().unwrap()), [".env", "sub"]);
}

const HARDEN_CHILD: &str = "SECRETCTL_FS_TEST_HARDEN_CHILD";

/// The body of the child process of the next test (a no-op when run as an ordinary test).
#[test]
fn harden_child() {
    if std::env::var_os(HARDEN_CHILD).is_none() {
        return;
    }
    assert_eq!(
        rustix::process::dumpable_behavior().unwrap(),
        rustix::process::DumpableBehavior::Dumpable
    );
    secretctl_fs::harden_process().unwrap();
    let core = rustix::process::getrlimit(rustix::process::Resource::Core);
    assert_eq!((core.current, core.maximum), (Some(0), Some(0)));
    assert_eq!(
        rustix::process::dumpable_behavior().unwrap(),
        rustix::process::DumpableBehavior::NotDumpable
    );
    println!("hardened");
}

#[test]
fn hardening_turns_off_core_dumps_and_dumpability() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["harden_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(HARDEN_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("hardened"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

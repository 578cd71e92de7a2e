//! The secret-file rules end to end (issue 15, docs/security.md): a link a service user planted, writers through
//! several paths to one `.env`, root editing a service user's instance, `kill -9` in the middle of a write, a FIFO
//! keyfile, and no core file from an aborted `env set`.
//!
//! The service user's side runs as uid/gid 65534 (`nobody`) through `setpriv` (util-linux), so the tests that need
//! it need root, as CI has; elsewhere they say "skipped". Every spawned process is killed when its test ends.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; helpers outside #[test] fns too

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use secretctl_envfile::EnvFile;

const NOBODY: u32 = 65534;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_secretctl")
}

/// `secretctl ARGS` in `dir` with a clean environment, `stdin` as the value; run as `nobody` when `as_nobody`.
fn command(dir: &Path, as_nobody: bool, args: &[&str]) -> Command {
    let mut c = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()]);
        c
    } else {
        Command::new(bin())
    };
    c.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir);
    c
}

fn run(dir: &Path, as_nobody: bool, args: &[&str], stdin: &str) -> Output {
    let mut child = command(dir, as_nobody, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that reads no value may exit before taking it: a broken pipe here is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// [`run`], which must succeed.
fn succeed(dir: &Path, as_nobody: bool, args: &[&str], stdin: &str) -> Output {
    let out = run(dir, as_nobody, args, stdin);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A spawned process that is killed (and reaped) when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Wait for `child` at most `limit`; `None` if it is still running (it is then killed by its guard).
fn wait_for(child: &mut Reaped, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.0.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

fn root_only() -> bool {
    let root = rustix::process::geteuid().is_root();
    if !root {
        eprintln!("skipped: acting as another user needs root (CI runs as root)");
    }
    root
}

/// A temporary directory other users may enter (a service user works below it), with `svc/` owned by `nobody`.
fn service_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let svc = tmp.path().join("svc");
    std::fs::create_dir(&svc).unwrap();
    std::os::unix::fs::chown(&svc, Some(NOBODY), Some(NOBODY)).unwrap();
    (tmp, svc)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_link_the_service_user_planted_is_refused_and_root_writes_nothing_outside() {
    if !root_only() {
        return;
    }
    let (tmp, svc) = service_dir();
    let outside = tmp.path().join("root-owned.conf");
    std::fs::write(&outside, "ROOT_TOKEN=keep\n").unwrap();
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
    // The service user replaces its .env by a link to a file of root's.
    let planted = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "ln",
            "-s",
        ])
        .arg(&outside)
        .arg(svc.join(".env"))
        .status()
        .unwrap();
    assert!(planted.success());

    for (args, input) in [
        (
            &["env", "set", "DB_PASSWORD", "--file", "svc/.env"][..],
            "pw",
        ),
        (&["env", "get", "ROOT_TOKEN", "--file", "svc/.env"][..], ""),
        (&["init", "svc"][..], ""),
    ] {
        let out = run(tmp.path(), false, args, input);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("svc/.env") && err.contains("symbolic link"),
            "{args:?}: {err}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("keep"),
            "{args:?}"
        );
    }
    // Following links on request still refuses a link whose owner is not its target's.
    let out = run(
        tmp.path(),
        false,
        &[
            "--follow-symlinks",
            "env",
            "set",
            "DB_PASSWORD",
            "--file",
            "svc/.env",
        ],
        "pw",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("svc/.env") && err.contains("same owner"),
        "{err}"
    );

    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "ROOT_TOKEN=keep\n"
    );
    assert_eq!(
        std::fs::metadata(&outside).unwrap().permissions().mode() & 0o777,
        0o644
    );
    assert_eq!(
        entries(&svc),
        [".env"],
        "root wrote into the service directory"
    );
    assert_eq!(entries(tmp.path()), ["root-owned.conf", "svc"]);
}

#[test]
fn a_link_with_its_targets_owner_is_followed_with_follow_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "A=1\n").unwrap();
    std::os::unix::fs::symlink(".env", dir.path().join("link.env")).unwrap();
    let out = run(
        dir.path(),
        false,
        &["env", "set", "B", "--file", "link.env"],
        "2",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The refusal's advice, run as printed.
    succeed(
        dir.path(),
        false,
        &["env", "set", "B", "--file", "link.env", "--follow-symlinks"],
        "2",
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        "A=1\nB=2\n"
    );
    assert!(std::fs::symlink_metadata(dir.path().join("link.env"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn four_writers_through_different_paths_to_one_env_lose_nothing() {
    const KEYS: usize = 150;
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst");
    std::fs::create_dir_all(inst.join("sub")).unwrap();
    std::fs::write(inst.join(".env"), "# shared\n").unwrap();
    std::os::unix::fs::symlink(&inst, tmp.path().join("alias")).unwrap();
    std::os::unix::fs::symlink(".env", inst.join("link.env")).unwrap();
    let writers: [&[&str]; 4] = [
        &["--file", "inst/.env"],
        &["--file", "alias/.env"],
        &["--file", "inst/link.env", "--follow-symlinks"],
        &["--file", "inst/sub/../.env"],
    ];
    let threads: Vec<_> = writers
        .iter()
        .enumerate()
        .map(|(w, target)| {
            let dir = tmp.path().to_path_buf();
            let target: Vec<String> = target.iter().map(|s| (*s).to_owned()).collect();
            std::thread::spawn(move || {
                for i in 0..KEYS {
                    let key = format!("W{w}_K{i}");
                    let mut args = vec!["env", "set", key.as_str()];
                    args.extend(target.iter().map(String::as_str));
                    succeed(&dir, false, &args, &format!("v{w}.{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let env = EnvFile::load(&inst.join(".env")).unwrap();
    let mut lost = Vec::new();
    for w in 0..4 {
        for i in 0..KEYS {
            let key = format!("W{w}_K{i}");
            if env.get(&key) != Some(format!("v{w}.{i}").as_str()) {
                lost.push(key);
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} keys lost: {lost:?}",
        lost.len(),
        4 * KEYS
    );
    assert_eq!(env.keys().len(), 4 * KEYS);
    assert_eq!(
        entries(&inst),
        [".env", "link.env", "sub"],
        "files left beside the .env"
    );
}

#[test]
fn root_editing_a_service_users_instance_leaves_nothing_the_user_cannot_lock_or_replace() {
    if !root_only() {
        return;
    }
    let (tmp, svc) = service_dir();
    // A lock file an older secretctl left, root's and 0600: it must not matter any more.
    let old_lock = svc.join(".env.lock");
    std::fs::write(&old_lock, "").unwrap();
    std::fs::set_permissions(&old_lock, std::fs::Permissions::from_mode(0o600)).unwrap();

    let dir = tmp.path();
    succeed(dir, false, &["init", "svc"], "");
    succeed(
        dir,
        false,
        &["env", "set", "EXTRA", "--file", "svc/.env"],
        "by-root",
    );
    succeed(
        dir,
        false,
        &["env", "rotate", "DB_PASSWORD", "--file", "svc/.env"],
        "",
    );

    // Everything root made or replaced belongs to the service user, private, and nothing else was left.
    let mut seen = Vec::new();
    let mut stack = vec![svc.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p == old_lock {
                continue;
            }
            let m = std::fs::symlink_metadata(&p).unwrap();
            assert_eq!((m.uid(), m.gid()), (NOBODY, NOBODY), "{}", p.display());
            if m.is_dir() {
                stack.push(p.clone());
            }
            seen.push(p.strip_prefix(&svc).unwrap().display().to_string());
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            ".env",
            ".secretctl",
            ".secretctl/state.toml",
            "secretctl.toml"
        ]
    );

    // The service user locks and replaces its own files: set, rotate, read.
    succeed(
        dir,
        true,
        &["env", "set", "MINE", "--file", "svc/.env"],
        "by-user",
    );
    succeed(
        dir,
        true,
        &["env", "rotate", "BACKUP_PASSWORD", "--file", "svc/.env"],
        "",
    );
    let out = succeed(
        dir,
        true,
        &["env", "get", "EXTRA", "--file", "svc/.env"],
        "",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), "by-root");
}

/// The `.env` of the kill test: about 5 MB of filler and the key that is rewritten.
fn big_env(path: &Path) {
    let mut text = String::with_capacity(5_200_000);
    for i in 0..50_000 {
        text.push_str(&format!("FILLER_{i:05}={}\n", "x".repeat(90)));
    }
    text.push_str("TARGET=v0\n");
    assert!(text.len() >= 5_000_000);
    std::fs::write(path, text).unwrap();
}

#[test]
fn kill_9_during_env_set_on_a_5mb_file_leaves_the_old_or_new_value_and_the_next_write_cleans_up() {
    const KILLS: u64 = 50;
    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join(".env");
    big_env(&env_path);
    let set = |value: &str| run(dir.path(), false, &["env", "set", "TARGET"], value);

    // How long one uninterrupted write takes here: the kills are spread over that time.
    let start = Instant::now();
    assert!(set("v1").status.success());
    let took = start.elapsed().as_micros().max(1);
    let took = u64::try_from(took).unwrap();

    let mut current = "v1".to_owned();
    let mut interrupted = 0;
    let mut leftovers = 0;
    for i in 0..KILLS {
        let value = format!("v{}", i + 2);
        let mut child = Reaped(
            command(dir.path(), false, &["env", "set", "TARGET"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        child
            .0
            .stdin
            .take()
            .unwrap()
            .write_all(value.as_bytes())
            .unwrap();
        // Spread over 0..1.2 times the write time, in a fixed order that is not monotonic.
        let delay = (i * 37 % KILLS) * took * 12 / (10 * KILLS);
        std::thread::sleep(Duration::from_micros(delay));
        child.0.kill().unwrap();
        let status = child.0.wait().unwrap();
        if status.signal() == Some(9) {
            interrupted += 1;
        }
        let got = EnvFile::load(&env_path)
            .unwrap_or_else(|e| panic!("kill {i}: the .env does not parse: {e}"));
        let got = got.get("TARGET").unwrap().to_owned();
        assert!(
            got == current || got == value,
            "kill {i}: TARGET is {got}, neither the old {current} nor the new {value}"
        );
        current = got;
        leftovers += entries(dir.path()).len() - 1;
    }
    eprintln!(
        "{interrupted} of {KILLS} writers killed; {leftovers} temporary files seen after the kills (before clean-up)"
    );
    assert!(interrupted > 0, "no writer was killed while it ran");
    // What a writer of an older version left when killed (the issue's `..env.<pid>.*.tmp`) goes too.
    std::fs::write(
        dir.path().join("..env.4242.0.0badf00d.tmp"),
        "TARGET=plaintext\n",
    )
    .unwrap();
    assert!(set("final").status.success());
    assert_eq!(
        entries(dir.path()),
        [".env"],
        "a temporary file survived the next write"
    );
    let env = EnvFile::load(&env_path).unwrap();
    assert_eq!(env.get("TARGET"), Some("final"));
    assert_eq!(env.keys().len(), 50_001);
}

#[test]
fn a_fifo_keyfile_or_env_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("master.key");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for args in [
        &["key", "id", "--keyfile", "master.key"][..],
        &["env", "list", "--file", "master.key"][..],
    ] {
        let mut child = Reaped(
            command(dir.path(), false, args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let status = wait_for(&mut child, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("{args:?} hung on a FIFO"));
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.0.stderr.take().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("master.key") && err.contains("not a regular file"),
            "{args:?}: {err}"
        );
    }
}

/// Whether a process that is blocked in `flock(2)` shows in `/proc/locks` (a `->` line with its pid).
fn waits_on_a_lock(pid: u32) -> bool {
    std::fs::read_to_string("/proc/locks").is_ok_and(|locks| {
        locks
            .lines()
            .any(|l| l.contains("->") && l.split_whitespace().any(|w| w == pid.to_string()))
    })
}

/// Start `program ARGS` as `nobody` in `dir` under `ulimit -c unlimited`, the value on stdin.
fn spawn_dumpable(dir: &Path, program: &[&str]) -> Reaped {
    let script =
        r#"ulimit -c unlimited && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@""#;
    let mut child = Command::new("sh")
        .args(["-c", script, "sh"])
        .args(program)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(b"value");
    Reaped(child)
}

/// `kill -ABRT` the process.
fn abort(child: &Reaped) {
    let killed = Command::new("kill")
        .args(["-ABRT", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

fn cores(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.starts_with("core"))
        .collect()
}

#[test]
fn an_aborted_env_set_waiting_on_the_lock_writes_no_core_file() {
    if !root_only() {
        return;
    }
    let (_tmp, svc) = service_dir();
    std::fs::write(svc.join(".env"), "A=1\n").unwrap();
    std::os::unix::fs::chown(svc.join(".env"), Some(NOBODY), Some(NOBODY)).unwrap();

    // A control: an ordinary process aborted the same way does dump core here (else there is nothing to prove).
    let mut control = spawn_dumpable(&svc, &["sleep", "30"]);
    std::thread::sleep(Duration::from_millis(300));
    abort(&control);
    let status = wait_for(&mut control, Duration::from_secs(20)).unwrap();
    let control_dumped = status.core_dumped() || !cores(&svc).is_empty();
    for c in cores(&svc) {
        std::fs::remove_file(svc.join(c)).unwrap();
    }

    // secretctl waits for the lock of the .env, which this test holds, with the value read into memory.
    let held = secretctl_fs::lock(&svc.join(".env")).unwrap();
    let bin = bin();
    let mut child = spawn_dumpable(&svc, &[bin, "env", "set", "B", "--file", ".env"]);
    let pid = child.0.id();
    let start = Instant::now();
    while !waits_on_a_lock(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "env set never waited on the lock"
        );
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "env set exited early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Hardened: no core size, and not dumpable (the kernel then gives its /proc files to root, although it runs
    // as nobody).
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core_line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(
        core_line
            .split_whitespace()
            .skip(4)
            .take(2)
            .collect::<Vec<_>>(),
        ["0", "0"],
        "{core_line}"
    );
    let status_file = std::fs::metadata(format!("/proc/{pid}/status")).unwrap();
    assert_eq!(status_file.uid(), 0, "the process is dumpable");

    abort(&child);
    let status = wait_for(&mut child, Duration::from_secs(20)).unwrap();
    drop(held);
    assert_eq!(status.signal(), Some(6));
    assert!(!status.core_dumped(), "a core was dumped");
    assert!(
        cores(&svc).is_empty(),
        "core file written: {:?}",
        cores(&svc)
    );
    assert_eq!(std::fs::read_to_string(svc.join(".env")).unwrap(), "A=1\n");
    if !control_dumped {
        eprintln!("note: this system writes no core file even for an ordinary process; the /proc checks stand");
    }
}

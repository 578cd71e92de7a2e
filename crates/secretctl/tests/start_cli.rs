//! What the process start-up (src/start.rs) promises, seen from outside: a closed standard descriptor never
//! becomes a file secretctl writes, and a reader that goes away early ends the command quietly with exit 0
//! rather than by SIGPIPE.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod common;

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use common::Sandbox;

/// A command started with its standard output closed (`>&-`) has `/dev/null` there before it opens anything, so
/// no file it opens (a keyfile, a store, a new .env) can take descriptor 1 and receive what is printed. Seen from
/// outside while `secret put` waits for its value on stdin.
#[test]
fn a_closed_stdout_is_dev_null_before_anything_is_opened() {
    let sb = Sandbox::new();
    let bin = common::secretctl_bin();
    sb.secretctl()
        .env("SECRETCTL_KEYFILE", sb.path("master.key"))
        .args(["key", "init"])
        .assert()
        .success();
    let mut child = sb
        .command("sh")
        .args(["-c", "exec \"$0\" \"$@\" >&-"])
        .arg(&bin)
        .args(["secret", "put", "tenant", "api_token"])
        .env("SECRETCTL_KEYFILE", sb.path("master.key"))
        .stdin(Stdio::piped())
        // A pipe, not /dev/null, until the shell closes descriptor 1 for secretctl.
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let proc = std::path::PathBuf::from(format!("/proc/{}", child.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let stdout = loop {
        let exe = std::fs::read_link(proc.join("exe")).ok();
        let fd1 = std::fs::read_link(proc.join("fd/1")).ok();
        if exe.as_deref() == Some(bin.as_path()) && fd1.is_some() {
            break fd1;
        }
        if std::time::Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            break fd1;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        stdout.as_deref(),
        Some(std::path::Path::new("/dev/null")),
        "descriptor 1 of the running command; it ended {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A reader that takes one byte of a long `env list` and closes the pipe: secretctl's next write fails with EPIPE,
/// which ends the command with exit 0 (as `| head` expects); it is not killed by SIGPIPE.
#[test]
fn a_reader_that_stops_early_ends_the_command_with_exit_0() {
    let sb = Sandbox::new();
    let env: String = (0..20_000).map(|i| format!("KEY_{i:05}=v\n")).collect();
    std::fs::write(sb.path(".env"), env).unwrap();
    let mut child = sb
        .command(common::secretctl_bin())
        .args(["env", "list", "--file", ".env"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is closed here, with ~200 KB still to write: more than a pipe holds.
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.signal(),
        None,
        "killed by a signal: {:?}",
        out.status
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

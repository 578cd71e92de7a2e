//! A forked child never hands out a nonce of the batch it inherited: parent and child each seal after a real
//! `fork(2)` with a batch drawn before it, and no nonce appears in both.
//!
//! One test in this file on purpose: the child of `fork` has only the forking thread, and does nothing but seal,
//! write its nonces to a pipe and `_exit`.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure
#![allow(unsafe_code)] // fork, pipe and _exit: the test needs a real fork without exec

use std::collections::HashSet;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;

use secretctl_envelope::{seal, Context, Key};

const SEALS: usize = 300; // more than one batch (170 AES-GCM nonces)

fn nonces(key: &Key, n: usize) -> Vec<Vec<u8>> {
    let ctx = Context::new("test/fork", "o", "n", 1);
    (0..n)
        .map(|_| seal(key, &ctx, b"v").unwrap().nonce().to_vec())
        .collect()
}

#[test]
fn parent_and_forked_child_never_share_a_nonce() {
    let key = Key::generate();
    // A batch is drawn (and the fork handler registered) before the fork, with most of it unused.
    let before = nonces(&key, 3);
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // The child: seal, send the nonces, exit without running the parent's test harness.
        let mut w = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        let ok = nonces(&key, SEALS)
            .iter()
            .try_for_each(|n| w.write_all(n))
            .is_ok();
        drop(w);
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    unsafe { libc::close(fds[1]) };
    let mut r = unsafe { std::fs::File::from_raw_fd(fds[0]) };
    let mine = nonces(&key, SEALS);
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).unwrap();
    let mut status = 0;
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child failed"
    );
    assert_eq!(bytes.len(), SEALS * 12);
    let mut seen: HashSet<Vec<u8>> = before.into_iter().chain(mine).collect();
    assert_eq!(seen.len(), 3 + SEALS, "the parent repeated a nonce");
    for n in bytes.chunks(12) {
        assert!(
            seen.insert(n.to_vec()),
            "the child used a nonce of its parent's batch"
        );
    }
}

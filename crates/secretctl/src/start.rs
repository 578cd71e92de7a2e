//! What runs before and after the command: `secretctl` is its own C `main` (`#![no_main]` in main.rs) instead of
//! starting through the standard library's runtime.
//!
//! Why: that runtime start-up costs about 0.15 ms of a command that takes 1.5–3 ms in all (docs/PERFORMANCE.md,
//! "Start-up"), nearly all of it to print "thread 'main' has overflowed its stack" rather than die of SIGSEGV: it
//! reads `/proc/self/maps` to find the main thread's stack and maps an alternate signal stack. A stack overflow
//! still ends the process at once here (SIGSEGV on the guard page, no core file: see
//! [`secretctl_fs::harden_process`]); only that message, and the name `main` in a panic message, are given up.
//!
//! What of that start-up matters to a secrets tool is done here, the same way the standard library does it:
//! - **descriptors 0, 1 and 2 are open** (on `/dev/null` when the caller closed one), so a file secretctl opens can
//!   never become its standard output and receive a value meant for a terminal or a pipe;
//! - **SIGPIPE is ignored**: writing to a closed pipe is an error secretctl handles (exit 0 for a reader that
//!   stopped early), not a silent death halfway through a write; child processes get the default back, as std's
//!   `Command` resets it;
//! - **a panic** unwinds to here and exits 101; standard output is flushed before the process ends.
// The only unsafe code of the binary: three libc calls with no Rust wrapper in the crates the binary uses.
#![allow(unsafe_code)]

use std::ffi::c_int;
use std::io::Write;

/// Run `command` as a process's whole life and return its exit status.
pub fn run(command: fn() -> u8) -> c_int {
    standard_descriptors_open();
    ignore_sigpipe();
    let code = std::panic::catch_unwind(command).unwrap_or(101);
    // What is still buffered goes out now; a reader that has gone away is not an error at this point.
    let _ = std::io::stdout().flush();
    c_int::from(code)
}

/// Open `/dev/null` on each of descriptors 0, 1 and 2 that is closed. `open` returns the lowest free descriptor,
/// and the lower ones are open by then, so each lands where it belongs. Aborts when it cannot (as std does).
fn standard_descriptors_open() {
    for fd in closed_standard_descriptors() {
        // SAFETY: a NUL-terminated path and plain flags; the descriptor returned is deliberately kept open.
        let got = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        if got != fd {
            std::process::abort();
        }
    }
}

/// Which of 0, 1 and 2 are closed: one `poll` answers for all three (POLLNVAL), with `fcntl` per descriptor when
/// `poll` itself fails.
fn closed_standard_descriptors() -> Vec<c_int> {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    loop {
        // SAFETY: `fds` is an array of three initialised `pollfd`s that outlives the call; timeout 0: no wait.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) };
        if n != -1 {
            return fds
                .iter()
                .filter(|p| p.revents & libc::POLLNVAL != 0)
                .map(|p| p.fd)
                .collect();
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            break;
        }
    }
    (0..3)
        .filter(|&fd| {
            // SAFETY: F_GETFD only reads the descriptor's flags; a closed descriptor gives EBADF.
            let r = unsafe { libc::fcntl(fd, libc::F_GETFD) };
            r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
        })
        .collect()
}

/// SIGPIPE ignored, as the standard library's start-up leaves it.
fn ignore_sigpipe() {
    // SAFETY: installs the SIG_IGN disposition, no handler code; nothing else in the process sets SIGPIPE.
    if unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) } == libc::SIG_ERR {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_process_has_its_standard_descriptors() {
        assert_eq!(closed_standard_descriptors(), Vec::<c_int>::new());
    }

    #[test]
    fn a_panic_is_caught_and_becomes_exit_status_101() {
        // Unwinding works with the statically linked unwinder (build.rs) and ends in `run`, not in an abort.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let code = run(|| panic!("deliberate"));
        std::panic::set_hook(hook);
        assert_eq!(code, 101);
        assert_eq!(run(|| 4), 4);
    }
}

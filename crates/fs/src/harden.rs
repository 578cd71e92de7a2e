//! Process hardening: a process holding secrets leaves no core file and cannot be traced by other users.

use std::io;

/// Make this process unable to dump core and not dumpable: `RLIMIT_CORE` set to 0 (soft and hard, so nothing in
/// the process can raise it again; child processes inherit it) and, on Linux, `PR_SET_DUMPABLE` 0, which also
/// stops ptrace and `/proc/<pid>/mem` reads by other unprivileged processes of the same user. Call it first thing
/// in `main`, before a secret is read.
///
/// # Errors
/// The operating system refused either setting (the caller should then stop rather than handle secrets).
///
/// # Examples
/// ```no_run
/// secretctl_fs::harden_process().expect("no core dumps");
/// ```
pub fn harden_process() -> io::Result<()> {
    rustix::process::setrlimit(
        rustix::process::Resource::Core,
        rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    Ok(())
}

//! Nonces from the OS random number generator, drawn in batches: one `getrandom` call per batch instead of one per
//! seal (the call was 70% of sealing a small value). A thread's first batch is small ([`FIRST_BATCH`] bytes: a
//! command that seals once draws little) and each refill doubles it, up to [`MAX_BATCH`]: the kernel's generator
//! costs ~3.4 ns a byte in 2 KiB calls and ~2.6 ns in 64 KiB ones on the VM of docs/PERFORMANCE.md, so bulk sealing
//! pays ~31 ns per 12-byte nonce instead of ~41.
//!
//! Why no nonce is handed out twice (see docs/formats/envelope.md, "Nonces"):
//! - every byte of a batch comes from the OS generator and is handed out once: the position moves past a nonce
//!   before it is returned, and a batch is never refilled in place while bytes of it remain unused;
//! - a batch belongs to one thread (`thread_local!`), so two threads never share one;
//! - a forked child inherits a copy of its parent's batch and throws it away before its first draw. The child is
//!   recognised without a system call per seal: before a batch is first drawn, a `pthread_atfork` child handler is
//!   registered (the `forkguard` crate) that bumps a process-wide fork counter in every child; a batch remembers
//!   the counter it was drawn under, and a draw under another value refills it. Should the handler not register,
//!   the batch remembers the process id instead and every draw compares it (one `getpid` per seal).
//!
//! Nonces stay random (not a counter), so the collision bound of random 96-bit nonces applies per key, as before.

use std::cell::RefCell;

use rand_core::{OsRng, RngCore};

/// Bytes of a thread's first batch (21 AES-GCM nonces, 10 XChaCha20 ones).
const FIRST_BATCH: usize = 256;

/// Bytes of the largest batch (5,461 AES-GCM nonces); a request larger than this is drawn on its own.
const MAX_BATCH: usize = 64 << 10;

/// How a batch recognises the process it was drawn in.
enum Owner {
    /// Never drawn.
    None,
    /// The fork counter of `pthread_atfork`: differs in any child forked after the batch was drawn.
    Forks(forkguard::atfork::Guard),
    /// The handler could not be registered: the process id, read on every draw.
    Pid(u32),
}

struct Pool {
    /// The batch; empty before the first draw.
    bytes: Vec<u8>,
    /// Bytes before this are used.
    at: usize,
    owner: Owner,
}

impl Pool {
    /// True when the batch was drawn in this process (false in a forked child, and before the first draw).
    fn drawn_here(&mut self) -> bool {
        match &mut self.owner {
            Owner::None => false,
            Owner::Forks(guard) => !guard.detected_fork(),
            Owner::Pid(pid) => *pid == std::process::id(),
        }
    }

    /// Throw the batch away and draw a new one in this process.
    fn refill(&mut self) -> Result<(), rand_core::Error> {
        // The fork guard is registered (the first time in the process) and read before the draw: a fork after this
        // point bumps the counter in the child, whatever the child's thread.
        self.owner = match forkguard::atfork::Guard::try_new() {
            Ok(guard) => Owner::Forks(guard),
            Err(_) => Owner::Pid(std::process::id()),
        };
        let next = (self.bytes.len() * 2).clamp(FIRST_BATCH, MAX_BATCH);
        self.bytes.resize(next, 0);
        // Marked used before the draw: should it fail, nothing of the batch is handed out.
        self.at = self.bytes.len();
        OsRng.try_fill_bytes(&mut self.bytes)?;
        self.at = 0;
        Ok(())
    }
}

thread_local! {
    static NONCES: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: Vec::new(), at: 0, owner: Owner::None })
    };
}

/// Fill `out` with fresh random bytes never handed out before in this process (a request over [`MAX_BATCH`] bytes
/// is drawn on its own).
pub(crate) fn fill(out: &mut [u8]) -> Result<(), rand_core::Error> {
    if out.len() > MAX_BATCH {
        return OsRng.try_fill_bytes(out);
    }
    NONCES.with(|pool| {
        let mut pool = pool.borrow_mut();
        // `drawn_here` first: it must see (and consume) a fork even when the batch is exhausted anyway.
        if !pool.drawn_here() || pool.at + out.len() > pool.bytes.len() {
            // A fork, a first draw or an exhausted batch: draw a whole new one; nothing of the old is reused.
            pool.refill()?;
        }
        let start = pool.at;
        pool.at += out.len();
        out.copy_from_slice(&pool.bytes[start..start + out.len()]);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_never_repeat_across_batches_and_threads() {
        let mut seen = std::collections::HashSet::new();
        let draw = || {
            let mut v = Vec::new();
            for _ in 0..2000 {
                let mut n = [0u8; 12];
                fill(&mut n).unwrap();
                v.push(n);
            }
            v
        };
        let other = std::thread::spawn(draw).join().unwrap();
        for n in draw().into_iter().chain(other) {
            assert!(seen.insert(n), "a nonce repeated");
        }
    }

    #[test]
    fn batches_start_small_and_double_up_to_the_largest() {
        std::thread::spawn(|| {
            let len = || NONCES.with(|p| p.borrow().bytes.len());
            let mut n = [0u8; 12];
            fill(&mut n).unwrap();
            assert_eq!(len(), FIRST_BATCH);
            let mut sizes = vec![len()];
            for _ in 0..20_000 {
                fill(&mut n).unwrap();
                if *sizes.last().unwrap() != len() {
                    sizes.push(len());
                }
            }
            assert_eq!(
                sizes,
                [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]
            );
            let mut big = vec![0u8; MAX_BATCH + 1];
            fill(&mut big).unwrap();
            assert_eq!(
                len(),
                MAX_BATCH,
                "a request over the largest batch is drawn on its own"
            );
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_fork_handler_is_registered() {
        let mut n = [0u8; 12];
        fill(&mut n).unwrap();
        NONCES.with(|p| assert!(matches!(p.borrow().owner, Owner::Forks(_))));
    }

    #[test]
    fn a_stale_pid_discards_the_batch() {
        let mut first = [0u8; 12];
        fill(&mut first).unwrap();
        // As a forked child sees its inherited copy when only the pid check is available.
        let before = NONCES.with(|p| {
            let mut p = p.borrow_mut();
            p.owner = Owner::Pid(std::process::id().wrapping_add(1));
            p.bytes[p.at..p.at + 12].to_vec()
        });
        let mut next = [0u8; 12];
        fill(&mut next).unwrap();
        assert_ne!(next.to_vec(), before, "the inherited batch was used");
        NONCES.with(|p| assert!(!matches!(p.borrow().owner, Owner::Pid(_) | Owner::None)));
    }
}

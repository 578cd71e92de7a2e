//! Nonces from the OS random number generator, drawn in batches: one `getrandom` call per [`POOL`] bytes instead
//! of one per seal (the call was 70% of sealing a small value).
//!
//! Why no nonce is handed out twice (see docs/formats/envelope.md, "Nonces"):
//! - every byte of a batch comes from the OS generator and is handed out once: the position moves past a nonce
//!   before it is returned, and a batch is never refilled in place while bytes of it remain unused;
//! - a batch belongs to one thread (`thread_local!`), so two threads never share one;
//! - a forked child inherits a copy of its parent's batch: the batch records the process id it was drawn in, and a
//!   draw in any other process throws it away and draws a new one first, so parent and child never both use it.
//!
//! Nonces stay random (not a counter), so the collision bound of random 96-bit nonces applies per key, as before.

use std::cell::RefCell;

use rand_core::{OsRng, RngCore};

/// Bytes drawn from the OS at once (170 AES-GCM nonces, 85 XChaCha20 ones).
const POOL: usize = 2048;

struct Pool {
    bytes: [u8; POOL],
    /// Bytes before this are used.
    at: usize,
    /// The process the bytes were drawn in (0: never drawn).
    pid: u32,
}

thread_local! {
    static NONCES: RefCell<Pool> = const { RefCell::new(Pool { bytes: [0; POOL], at: POOL, pid: 0 }) };
}

/// Fill `out` (at most [`POOL`] bytes) with fresh random bytes never handed out before in this process.
pub(crate) fn fill(out: &mut [u8]) -> Result<(), rand_core::Error> {
    if out.len() > POOL {
        return OsRng.try_fill_bytes(out);
    }
    NONCES.with(|pool| {
        let mut pool = pool.borrow_mut();
        let pid = std::process::id();
        if pool.pid != pid || pool.at + out.len() > POOL {
            // A fork (another pid) or an exhausted batch: draw a whole new one; nothing of the old is reused.
            pool.at = POOL;
            OsRng.try_fill_bytes(&mut pool.bytes)?;
            pool.pid = pid;
            pool.at = 0;
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
    fn a_stale_pid_discards_the_batch() {
        let mut first = [0u8; 12];
        fill(&mut first).unwrap();
        // As a forked child sees its inherited copy: drawn by another process.
        let before = NONCES.with(|p| {
            let mut p = p.borrow_mut();
            p.pid = p.pid.wrapping_add(1);
            p.bytes[p.at..p.at + 12].to_vec()
        });
        let mut next = [0u8; 12];
        fill(&mut next).unwrap();
        assert_ne!(next.to_vec(), before, "the inherited batch was used");
        NONCES.with(|p| assert_eq!(p.borrow().pid, std::process::id()));
    }
}

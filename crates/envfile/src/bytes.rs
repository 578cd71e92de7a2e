//! Byte search for the parser and the editor.
//!
//! On x86-64 these call memchr's SSE2 routines directly. SSE2 is part of every x86-64 CPU, so nothing is detected at
//! run time; memchr's generic functions detect AVX2 on their first call, and that detection (a dozen CPUID
//! instructions, each a trap to the hypervisor in a virtual machine) took ~40 µs, more than reading a typical
//! `.env` takes (`secretctl env get`, docs/PERFORMANCE.md "Start-up"). `.env` lines are short: AVX2's wider steps
//! would not shorten their search. Elsewhere the generic functions are used.

/// The first `needle` in `haystack`.
#[inline]
pub(crate) fn find(needle: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(one) = memchr::arch::x86_64::sse2::memchr::One::new(needle) {
        return one.find(haystack);
    }
    memchr::memchr(needle, haystack)
}

/// The last `needle` in `haystack`.
#[inline]
pub(crate) fn rfind(needle: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(one) = memchr::arch::x86_64::sse2::memchr::One::new(needle) {
        return one.rfind(haystack);
    }
    memchr::memrchr(needle, haystack)
}

/// The first `a` or `b` in `haystack`.
#[inline]
pub(crate) fn find2(a: u8, b: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(two) = memchr::arch::x86_64::sse2::memchr::Two::new(a, b) {
        return two.find(haystack);
    }
    memchr::memchr2(a, b, haystack)
}

/// How many `needle`s `haystack` holds.
#[inline]
pub(crate) fn count(needle: u8, haystack: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if let Some(one) = memchr::arch::x86_64::sse2::memchr::One::new(needle) {
        return one.count(haystack);
    }
    memchr::memchr_iter(needle, haystack).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same answers as a plain scan, at every length and alignment (SSE2 works 16 bytes at a time).
        #[test]
        fn agree_with_a_plain_scan(hay in proptest::collection::vec(0u8..4, 0..100), skip in 0usize..17) {
            let hay = &hay[skip.min(hay.len())..];
            prop_assert_eq!(find(1, hay), hay.iter().position(|&b| b == 1));
            prop_assert_eq!(rfind(1, hay), hay.iter().rposition(|&b| b == 1));
            prop_assert_eq!(find2(1, 2, hay), hay.iter().position(|&b| b == 1 || b == 2));
            prop_assert_eq!(count(1, hay), hay.iter().filter(|&&b| b == 1).count());
        }
    }
}

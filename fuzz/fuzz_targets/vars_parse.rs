#![no_main]
// Placeholder until the decoder lands in this session.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|_data: &[u8]| {});

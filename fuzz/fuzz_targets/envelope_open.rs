#![no_main]
//! Envelope decoding and opening on hostile input: binary and armored parsing either fail with a typed error or
//! round-trip exactly, and opening never panics and never succeeds on bytes that were not sealed under the key.
use libfuzzer_sys::fuzz_target;
use secretctl_envelope::{open, open_with_key, Context, Envelope, Key, Keyring};

fuzz_target!(|data: &[u8]| {
    let key = Key::from_bytes(&[7u8; 32]);
    let ctx = Context::new("secretctl/fuzz", "owner", "name", 1);
    let mut ring = Keyring::new();
    ring.insert(key.clone());

    if let Ok(env) = Envelope::from_bytes(data) {
        assert_eq!(env.as_bytes(), data);
        let text = env.to_string();
        let back: Envelope = text.parse().expect("armor of a parsed envelope parses");
        assert_eq!(back, env);
        // Random bytes are never authentic (a 128-bit tag forgery is not something a fuzzer finds).
        assert!(open(&ring, &ctx, &env).is_err());
        assert!(open_with_key(&key, &ctx, &env).is_err());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(env) = text.parse::<Envelope>() {
            // Armor is canonical: one envelope has one text form.
            assert_eq!(env.to_string(), text);
            assert!(open(&ring, &ctx, &env).is_err());
        }
    }
});

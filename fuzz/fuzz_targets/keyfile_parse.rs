#![no_main]
//! Backup, identity-file and wrapped-key-file decoding on hostile input: an error, never a panic, and never a key from bytes that
//! are not a valid backup. Passphrase backups are not fuzzed here (scrypt would make every run take seconds);
//! their header parsing is the same age code exercised through the identity path.
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use secretctl_keyfile::{decode_backup, export_base64, Identities, Unlock};

// A throwaway identity used only by this fuzz target.
const IDENTITY: &str = "AGE-SECRET-KEY-1T8FXX6V9R0LPKSFYW83WJMAEJCLJWHCXL225MFSH53HR5D24C22SDY5RZC";

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = decode_backup(data, &Unlock::Base64) {
        // A decoded base64 export re-encodes to the trimmed input.
        let again = export_base64(&key);
        let trimmed = std::str::from_utf8(data.trim_ascii()).expect("base64 is ASCII");
        assert_eq!(
            secretctl_envelope::secrecy::ExposeSecret::expose_secret(&again),
            trimmed
        );
    }
    let ids =
        Identities::parse(IDENTITY.as_bytes(), Path::new("fuzz")).expect("fixed identity parses");
    let _ = decode_backup(data, &Unlock::Identities(&ids));
    let _ = Identities::parse(data, Path::new("fuzz-input"));
    // A Transit-wrapped key file: a typed error or a parsed file, never a panic.
    let _ = secretctl_keyfile::WrappedKey::parse(data, Path::new("fuzz-wrapped"));
});

#![no_main]
//! SOPS files in the JSON, INI and binary stores are hostile input: parsing, metadata extraction and decryption
//! must return a typed error, never panic or allocate without bound, and whatever parses must read back as we
//! write it. (YAML and dotenv are `vars_parse`'s.)
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use secretctl_gitops::sops::{self, Format, Identities};

fn identities() -> &'static Identities {
    static IDS: OnceLock<Identities> = OnceLock::new();
    IDS.get_or_init(Identities::generate)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Json, Format::Ini, Format::Binary] {
        if let Ok(stable) = sops::parse_only(text, format) {
            assert!(stable, "the writer's output does not read back as written");
        }
        let _ = sops::is_encrypted(text, format);
        let _ = sops::recipients_of(text, format);
        let _ = sops::inspect(text, format);
        // A foreign identity: the data key cannot be unwrapped, so this exercises metadata validation and must
        // end in a typed error.
        assert!(sops::decrypt_file(text, format, identities()).is_err());
    }
});

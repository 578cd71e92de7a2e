#![no_main]
//! `secretctl.toml` parsing on hostile input: an error naming a line, never a panic; any schema that parses writes
//! back (`to_toml`) to TOML that parses to the same schema.
use libfuzzer_sys::fuzz_target;
use secretctl_schema::Schema;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Schema::parse(text) {
        Ok(schema) => {
            let again = Schema::parse(&schema.to_toml()).expect("to_toml output parses");
            assert_eq!(again, schema);
            for spec in schema.secrets() {
                assert!(schema.get(&spec.key).is_some());
            }
        }
        Err(e) => assert!(e.to_string().starts_with("secretctl.toml")),
    }
});

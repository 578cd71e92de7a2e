#![no_main]
//! `envfile_parse`: any input either fails to parse with an error, or parses and renders back byte-identical;
//! interpolating it never panics; setting a key reads back exactly and leaves the rest of the file intact.
use libfuzzer_sys::fuzz_target;
use secretctl_envfile::EnvFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut doc) = EnvFile::parse(text) else {
        return;
    };
    assert_eq!(doc.render(), text);
    let _ = doc.resolve(&|_| None);
    // Use the input's own tail as a value: quotes, `$`, `#`, backslashes and newlines all occur.
    let value: String = text.chars().rev().take(16).collect();
    let key = doc
        .keys()
        .into_iter()
        .find(|k| !k.is_empty())
        .unwrap_or("FUZZ_KEY")
        .to_owned();
    if doc.set(&key, &value).is_ok() {
        let again = EnvFile::parse(&doc.render()).expect("an edited document parses");
        assert_eq!(again.get(&key), Some(value.as_str()));
    }
});

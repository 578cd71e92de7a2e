//! `secretctl generate SPEC` through the built binary.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;

fn secretctl() -> Command {
    Command::cargo_bin("secretctl").unwrap()
}

fn generate(args: &[&str]) -> std::process::Output {
    secretctl().arg("generate").args(args).output().unwrap()
}

fn stdout_line(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        text.ends_with('\n') && text.matches('\n').count() == 1,
        "{text:?}"
    );
    text.trim_end().to_owned()
}

#[test]
fn each_generator_prints_one_value_of_its_shape() {
    let v = stdout_line(&generate(&["alnum:32"]));
    assert_eq!(v.len(), 32);
    assert!(v.bytes().all(|b| b.is_ascii_alphanumeric()));
    let v = stdout_line(&generate(&["hex:64"]));
    assert_eq!(v.len(), 64);
    assert!(v
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let v = stdout_line(&generate(&["base64:43"]));
    assert_eq!(v.len(), 43);
    assert!(v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let v = stdout_line(&generate(&["words:5"]));
    assert!(v.split('-').count() >= 5, "{v}");
    assert!(v.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
    // Fresh randomness on every run.
    assert_ne!(
        stdout_line(&generate(&["alnum:32"])),
        stdout_line(&generate(&["alnum:32"]))
    );
}

#[test]
fn json_reports_the_entropy() {
    let out = secretctl()
        .args(["--json", "generate", "hex:64"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout_line(&out)).unwrap();
    assert_eq!(v["generator"], "hex:64");
    assert_eq!(v["entropy_bits"], 256.0);
    assert_eq!(v["value"].as_str().unwrap().len(), 64);
    let out = secretctl()
        .args(["--json", "generate", "words:6"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout_line(&out)).unwrap();
    let bits = v["entropy_bits"].as_f64().unwrap();
    assert!((bits - 6.0 * 7776f64.log2()).abs() < 0.01, "{bits}");
    let out = secretctl()
        .args(["--json", "generate", "alnum:10"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout_line(&out)).unwrap();
    assert!((v["entropy_bits"].as_f64().unwrap() - 59.54).abs() < 0.01);
}

#[test]
fn a_bad_spec_is_a_usage_error() {
    for bad in [
        "alnum",
        "alnum:0",
        "alnum:4097",
        "uuid:4",
        "hex:-1",
        "words:999",
    ] {
        let out = generate(&[bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("error: ") && err.contains("generator"),
            "{err}"
        );
    }
    let out = secretctl().arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

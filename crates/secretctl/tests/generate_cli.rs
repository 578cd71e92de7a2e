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

#[test]
fn text_output_shows_the_entropy_on_stderr() {
    let out = generate(&["hex:64"]);
    assert_eq!(stdout_line(&out).len(), 64);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "hex:64: 256 bits of entropy\n"
    );
    let out = generate(&["words:6"]);
    stdout_line(&out);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "words:6: 77.54 bits of entropy\n"
    );
}

#[test]
fn pwgen_and_pwqgen_like_options() {
    // pwgen -y: symbols; pwgen -B: no ambiguous characters. The flags and the spec's options are the same thing.
    let out = generate(&["alnum:200", "--symbols", "--no-ambiguous"]);
    let v = stdout_line(&out);
    assert_eq!(v.len(), 200);
    assert!(
        v.bytes()
            .all(|b| b.is_ascii_graphic() && !b"B8G6I1l0OQDS5Z2".contains(&b)),
        "{v}"
    );
    assert!(v.bytes().any(|b| !b.is_ascii_alphanumeric()), "{v}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("alnum:200,symbols,no-ambiguous: 1260.75 bits of entropy"),
        "{err}"
    );
    let v = stdout_line(&generate(&["alnum:200,no-ambiguous"]));
    assert!(v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() && !b"B8G6I1l0OQDS5Z2".contains(&b)));

    // pwqgen-like passphrase: separator, capitals, a digit and a symbol at the end.
    let out = secretctl()
        .args([
            "--json",
            "generate",
            "words:4",
            "--separator",
            ".",
            "--capitalize",
            "--append",
            "both",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&stdout_line(&out)).unwrap();
    assert_eq!(
        doc["generator"],
        "words:4,separator=.,capitalize,append=both"
    );
    let bits = doc["entropy_bits"].as_f64().unwrap();
    assert!(
        (bits - (4.0 * 7776f64.log2() + 10f64.log2() + 5.0)).abs() < 0.01,
        "{bits}"
    );
    let v = doc["value"].as_str().unwrap();
    let (words, tail) = v.split_at(v.len() - 2);
    assert!(
        tail.as_bytes()[0].is_ascii_digit() && tail.as_bytes()[1].is_ascii_punctuation(),
        "{v}"
    );
    assert_eq!(words.split('.').count(), 4, "{v}");
    assert!(
        words
            .split('.')
            .all(|w| w.as_bytes()[0].is_ascii_uppercase()),
        "{v}"
    );

    // An option the kind does not take is a usage error naming what it takes.
    for args in [
        &["hex:8", "--symbols"][..],
        &["alnum:8", "--capitalize"],
        &["words:3", "--separator", "x"],
        &["words:3,symbols"],
    ] {
        let out = generate(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("does not apply to"),
            "{args:?}"
        );
    }
}

#[test]
fn schema_generators_take_the_same_options() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("secretctl.toml"),
        "[secrets.ADMIN_PASSPHRASE]\ngenerator = \"words:5,separator=_,capitalize,append=digit\"\n\n\
         [secrets.DB_PASSWORD]\ngenerator = \"alnum:40,symbols\"\n",
    )
    .unwrap();
    let out = secretctl()
        .current_dir(tmp.path())
        .arg("init")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let get = |key: &str, raw: bool| {
        let mut c = secretctl();
        c.current_dir(tmp.path()).args(["env", "get", key]);
        if raw {
            c.arg("--raw");
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let phrase = get("ADMIN_PASSPHRASE", false);
    let (words, digit) = phrase.split_at(phrase.len() - 1);
    assert!(digit.as_bytes()[0].is_ascii_digit(), "{phrase}");
    assert_eq!(words.split('_').count(), 5, "{phrase}");
    // A value with symbols ($, quotes, #) is written so that Compose reads back exactly the generated value.
    let pw = get("DB_PASSWORD", true);
    assert_eq!(pw.len(), 40);
    assert_eq!(get("DB_PASSWORD", false), pw);
}

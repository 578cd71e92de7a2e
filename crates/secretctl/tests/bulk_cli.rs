//! Bulk import and export (issue 14 item 6): JSON lines with a base64 form for binary values, a .env as one
//! owner's secrets, export to a 0600 file or stdout, and a SQLite -> PostgreSQL migration through export | import
//! with every value identical (real PostgreSQL).
// Helpers outside #[test] fns should panic where a step fails, like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine as _;
use common::pg::PgDb;
use common::StoreEnv;
use predicates::prelude::*;

/// A JSON-lines import of `n` secrets: text, text with newlines and quotes, and binary values.
fn jsonl(n: usize) -> (String, Vec<(String, String, Vec<u8>)>) {
    let mut text = String::new();
    let mut want = Vec::new();
    for i in 0..n {
        let (owner, name) = (format!("tenant-{}", i % 7), format!("secret_{i}"));
        let value: Vec<u8> = match i % 3 {
            0 => format!("plain value {i}").into_bytes(),
            1 => format!("line one\nline \"two\" {i}\n").into_bytes(),
            _ => vec![0xff, 0x00, 0xfe, u8::try_from(i % 251).unwrap(), b'\n'],
        };
        let line = match std::str::from_utf8(&value) {
            Ok(v) => serde_json::json!({ "owner": owner, "name": name, "value": v }),
            Err(_) => serde_json::json!({ "owner": owner, "name": name,
                "value_base64": base64::engine::general_purpose::STANDARD.encode(&value) }),
        };
        text.push_str(&line.to_string());
        text.push('\n');
        want.push((owner, name, value));
    }
    (text, want)
}

/// Every (owner, name, value) an export holds, sorted.
fn exported(lines: &[u8]) -> Vec<(String, String, Vec<u8>)> {
    let mut out: Vec<_> = String::from_utf8(lines.to_vec())
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let value = match (v.get("value"), v.get("value_base64")) {
                (Some(t), None) => t.as_str().unwrap().as_bytes().to_vec(),
                (None, Some(b)) => base64::engine::general_purpose::STANDARD
                    .decode(b.as_str().unwrap())
                    .unwrap(),
                other => panic!("bad export line {l}: {other:?}"),
            };
            (
                v["owner"].as_str().unwrap().to_owned(),
                v["name"].as_str().unwrap().to_owned(),
                value,
            )
        })
        .collect();
    out.sort();
    out
}

fn export(env: &StoreEnv, url: &str) -> Vec<u8> {
    env.cmd()
        .args(["secret", "export", "--store", url])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn jsonl_and_env_import_export_round_trip() {
    let env = StoreEnv::new();
    let url = format!("sqlite:{}", env.path("bulk.db").display());
    let (text, mut want) = jsonl(500);
    // Import creates the store it is given.
    let doc = env.json(&["secret", "import", "--store", &url, "-"]);
    assert_eq!(doc["imported"], 0);
    env.cmd()
        .args(["secret", "import", "--store", &url])
        .write_stdin(text.clone())
        .assert()
        .success()
        .stdout("imported 500 secrets into ".to_owned() + &url + "\n");
    want.sort();
    assert_eq!(exported(&export(&env, &url)), want);
    // Byte for byte through get, too.
    env.cmd()
        .args(["secret", "get", "tenant-2", "secret_2", "--store", &url])
        .assert()
        .success()
        .stdout(predicate::eq(&[0xff, 0x00, 0xfe, 2, b'\n'][..]));

    // A .env is one owner's secrets, values as Compose reads them.
    std::fs::write(
        env.path("app.env"),
        "DB_PASSWORD='p@ss word'\nexport API_KEY=abc # comment\nEMPTY=\n",
    )
    .unwrap();
    env.cmd()
        .args(["secret", "import", "--format", "env", "--store", &url])
        .arg(env.path("app.env"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--owner"));
    env.cmd()
        .args([
            "secret", "import", "--format", "env", "--owner", "wiki", "--store", &url,
        ])
        .arg(env.path("app.env"))
        .assert()
        .success();
    let wiki = env
        .cmd()
        .args(["secret", "export", "--owner", "wiki", "--store", &url])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        exported(&wiki),
        [
            ("wiki".into(), "API_KEY".into(), b"abc".to_vec()),
            ("wiki".into(), "DB_PASSWORD".into(), b"p@ss word".to_vec()),
            ("wiki".into(), "EMPTY".into(), Vec::new()),
        ]
    );

    // Export to a file: created 0600, never overwritten.
    let file = env.path("out.jsonl");
    env.cmd()
        .args(["secret", "export", "--store", &url])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(exported(&std::fs::read(&file).unwrap()).len(), 503);
    env.cmd()
        .args(["secret", "export", "--store", &url])
        .arg(&file)
        .assert()
        .failure();

    // A bad line stops the import and names the line, never a value.
    let bad = "{\"owner\":\"o\",\"name\":\"n\",\"value\":\"fine\"}\n{\"owner\":\"o\",\"name\":\"m\",\"value\":12345678}\n";
    env.cmd()
        .args(["secret", "import", "--store", &url])
        .write_stdin(bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("12345678").not()));
    // Every export is audited (the refused file export had read the secrets too).
    let exports = env.json(&["secret", "audit", "--action", "export", "--store", &url]);
    assert_eq!(exports.as_array().unwrap().len(), 4);
}

#[test]
fn sqlite_to_postgres_migration_keeps_every_value() {
    let Some(db) = PgDb::new() else { return };
    let env = StoreEnv::new();
    let sqlite = format!("sqlite:{}", env.path("old.db").display());
    let (text, _) = jsonl(2000);
    env.cmd()
        .args(["secret", "import", "--store", &sqlite])
        .write_stdin(text)
        .assert()
        .success();
    let before = export(&env, &sqlite);
    env.cmd()
        .args(["store", "init", &db.url])
        .assert()
        .success();
    env.cmd()
        .args(["secret", "import", "--store", &db.url])
        .write_stdin(before.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("imported 2000 secrets"));
    let after = export(&env, &db.url);
    assert_eq!(exported(&after), exported(&before));
    assert_eq!(exported(&after).len(), 2000);
    // Both audit logs verify.
    env.cmd()
        .args(["secret", "audit", "--verify", "--store", &db.url])
        .assert()
        .success();
    env.cmd()
        .args(["secret", "audit", "--verify", "--store", &sqlite])
        .assert()
        .success();
}

/// An import from a FILE is streamed through the checked reader of secretctl-fs: a file of many buffers (lines
/// cross buffer boundaries) imports every value exactly; a link at FILE is refused before any store is created.
#[test]
fn a_file_import_streams_every_line_and_refuses_a_link() {
    let env = StoreEnv::new();
    let url = format!("sqlite:{}", env.path("s.db").display());
    let (text, mut want) = jsonl(6000);
    assert!(
        text.len() > 3 * 64 * 1024,
        "the file must span several buffers"
    );
    std::fs::write(env.path("in.jsonl"), &text).unwrap();
    std::os::unix::fs::symlink(env.path("in.jsonl"), env.path("link.jsonl")).unwrap();
    env.cmd()
        .args(["secret", "import", "--store", &url])
        .arg(env.path("link.jsonl"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("link"));
    assert!(
        !env.path("s.db").exists(),
        "a refused import created the store"
    );
    env.cmd()
        .args(["secret", "import", "--store", &url])
        .arg(env.path("in.jsonl"))
        .assert()
        .success()
        .stdout(format!("imported 6000 secrets into {url}\n"));
    want.sort();
    assert_eq!(exported(&export(&env, &url)), want);
}

//! Every sops store, both directions, with the real `sops` 3.11: what `secretctl gitops encrypt` writes `sops -d`
//! reads back to what `sops` itself gives, what `sops -e` writes `secretctl gitops decrypt` reads to the same
//! bytes as `sops -d`, and a changed value or MAC on either side fails (exit 3 here, an error from sops).
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{require_tool, Sandbox};

/// A sandbox with an age identity and the real sops.
struct Sops {
    sandbox: Sandbox,
    sops: PathBuf,
    key: PathBuf,
    recipient: String,
}

impl Sops {
    fn new() -> Option<Sops> {
        let sops = require_tool("sops")?;
        let keygen = require_tool("age-keygen")?;
        let sandbox = Sandbox::new();
        let key = sandbox.path("key.txt");
        let out = sandbox
            .command(&keygen)
            .arg("-o")
            .arg(&key)
            .output()
            .unwrap();
        assert!(out.status.success(), "age-keygen failed");
        let recipient = std::fs::read_to_string(&key)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("# public key: "))
            .unwrap()
            .trim()
            .to_owned();
        Some(Sops {
            sandbox,
            sops,
            key,
            recipient,
        })
    }

    fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.sandbox.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn sops(&self, args: &[&str]) -> Output {
        let mut cmd = self.sandbox.command(&self.sops);
        cmd.env("SOPS_AGE_KEY_FILE", &self.key).args(args);
        cmd.output().unwrap()
    }

    fn sops_ok(&self, args: &[&str]) -> Vec<u8> {
        let out = self.sops(args);
        assert!(
            out.status.success(),
            "sops {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn ours(&self, args: &[&str]) -> Output {
        let mut cmd = self.sandbox.secretctl();
        cmd.env("SECRETCTL_AGE_KEY_FILE", &self.key).args(args);
        cmd.output().unwrap()
    }

    fn ours_ok(&self, args: &[&str]) -> Vec<u8> {
        let out = self.ours(args);
        assert!(
            out.status.success(),
            "secretctl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Both directions for one plaintext file; returns (ours encrypted, sops encrypted).
    fn both_ways(&self, name: &str, plain: &[u8], types: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let file = self.write(name, plain);
        let file = file.to_str().unwrap();
        let r = self.recipient.as_str();
        let sops_enc = self.sops_ok(&[&["-e", "--age", r][..], types, &[file]].concat());
        let sops_enc_file = self.write(&format!("sops-enc-{name}"), &sops_enc);
        let sops_enc_file = sops_enc_file.to_str().unwrap();
        // What sops itself gives back: the canonical plaintext (sops re-writes YAML and JSON its own way).
        let canonical = self.sops_ok(&[&["-d"][..], types, &[sops_enc_file]].concat());
        // sops -e → secretctl decrypt.
        let ours_dec =
            self.ours_ok(&[&["gitops", "decrypt"][..], types, &[sops_enc_file]].concat());
        assert_eq!(
            String::from_utf8_lossy(&ours_dec),
            String::from_utf8_lossy(&canonical),
            "{name}: secretctl decrypt of sops -e"
        );
        // secretctl encrypt → sops -d.
        let ours_enc =
            self.ours_ok(&[&["gitops", "encrypt", "--recipient", r][..], types, &[file]].concat());
        let ours_enc_file = self.write(&format!("ours-enc-{name}"), &ours_enc);
        let ours_enc_file = ours_enc_file.to_str().unwrap();
        let back = self.sops_ok(&[&["-d"][..], types, &[ours_enc_file]].concat());
        assert_eq!(
            String::from_utf8_lossy(&back),
            String::from_utf8_lossy(&canonical),
            "{name}: sops -d of secretctl encrypt"
        );
        // And our own round trip.
        let ours_back =
            self.ours_ok(&[&["gitops", "decrypt"][..], types, &[ours_enc_file]].concat());
        assert_eq!(ours_back, canonical, "{name}: secretctl round trip");
        (ours_enc, sops_enc)
    }

    /// A changed value and a changed MAC, in a file written by `writer`: secretctl fails with exit 3, sops fails.
    fn tampering_fails(&self, name: &str, encrypted: &[u8], types: &[&str], writer: &str) {
        let text = String::from_utf8(encrypted.to_vec()).unwrap();
        // The first encrypted value that is not a comment (sops keeps a comment it cannot decrypt as it is) and
        // the first MAC (sops reads the metadata of a stream's first document).
        let (mut value, mut mac) = (None, None);
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Some(i) = line.find("ENC[AES256_GCM,data:") {
                let before = line[..i].trim_start();
                let is_mac = before.contains("mac");
                let comment = before.starts_with(['#', ';']);
                if is_mac && mac.is_none() {
                    mac = Some(offset + i);
                } else if !is_mac && !comment && value.is_none() {
                    value = Some(offset + i);
                }
            }
            offset += line.len();
        }
        for (what, at) in [("value", value.unwrap()), ("MAC", mac.unwrap())] {
            let tampered = flip_data(&text, at);
            let file = self.write(
                &format!("tampered-{writer}-{what}-{name}"),
                tampered.as_bytes(),
            );
            let file = file.to_str().unwrap();
            let out = self.ours(&[&["gitops", "decrypt"][..], types, &[file]].concat());
            assert_eq!(
                out.status.code(),
                Some(3),
                "{name} ({writer}, changed {what}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(out.stdout.is_empty());
            let out = self.sops(&[&["-d"][..], types, &[file]].concat());
            assert!(
                !out.status.success(),
                "sops -d accepted {name} ({writer}) with a changed {what}"
            );
        }
    }

    fn interop(&self, name: &str, plain: &[u8], types: &[&str]) {
        let (ours, theirs) = self.both_ways(name, plain, types);
        self.tampering_fails(name, &ours, types, "secretctl");
        self.tampering_fails(name, &theirs, types, "sops");
    }
}

/// Changes the first base64 character of the `data:` of the encrypted value at byte `at`.
fn flip_data(text: &str, at: usize) -> String {
    let i = at + "ENC[AES256_GCM,data:".len();
    let c = text.as_bytes()[i];
    let replacement = if c == b'A' { "B" } else { "A" };
    format!("{}{}{}", &text[..i], replacement, &text[i + 1..])
}

#[test]
fn yaml_flow_collections_block_scalars_and_typed_values() {
    let Some(s) = Sops::new() else { return };
    let plain = "\
# a comment sops encrypts
matrix: [[1, 2], [3, 4]]
inline: {user: admin, 'port': 5432, tls: true, ratio: 0.25, none: null}
literal: |
    line one
      indented
    line three
folded: >-
    folded
    text

    kept paragraph
keep: |+
    trailing

string_number: \"0123\"
octal_looking: 0777
big: 9007199254740993
float: 1e-7
yes_string: yes
empty: \"\"
list:
    - plain
    - 'single ''quoted'''
    - \"double\\tescaped\"
    - key: value
      other: [a, b]
anchored: &base
    shared: secret-anchor
alias_user: *base
with_merge:
    <<: *base
    extra: 1
";
    s.interop("vars.yaml", plain.as_bytes(), &[]);
}

#[test]
fn yaml_multi_document_streams() {
    let Some(s) = Sops::new() else { return };
    let plain = "\
apiVersion: v1
kind: Secret
data:
    password: aHVudGVyMg==
---
# second
apiVersion: v1
kind: ConfigMap
data: {a: b, list: [1, 2]}
---
third: document
";
    s.interop("stream.yaml", plain.as_bytes(), &[]);
}

#[test]
fn json() {
    let Some(s) = Sops::new() else { return };
    let plain = r#"{
  "db": {"password": "hunter2 <&> \u00e9", "port": 5432, "ratio": 1.5, "tls": false},
  "list": [1, "two", {"three": null}, [], {}],
  "escaped": "tab\tnewline\nquote\"backslash\\",
  "unicode": "\u2028 line separator"
}"#;
    s.interop("config.json", plain.as_bytes(), &[]);
}

#[test]
fn dotenv() {
    let Some(s) = Sops::new() else { return };
    let plain = "# comment\nDB_PASSWORD=p@ss: word #not-a-comment\nMULTI=line one\\nline two\nEMPTY=\nEQUALS=a=b\n";
    s.interop("app.env", plain.as_bytes(), &[]);
}

#[test]
fn ini() {
    let Some(s) = Sops::new() else { return };
    let plain = "top = level\n\n; database settings\n[database]\npassword = hunter2\nuser = admin\n\n[smtp]\nhost = mail.example.org\ntoken = `tok;en#1`\n";
    s.interop("settings.ini", plain.as_bytes(), &[]);
}

#[test]
fn binary_by_extension_and_by_flag() {
    let Some(s) = Sops::new() else { return };
    let plain = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg ünïcødé\n-----END PRIVATE KEY-----\n\tno final newline";
    s.interop("tls.key", plain.as_bytes(), &[]);
    // A .yaml file read as binary is one opaque value, as `sops --input-type binary` makes it.
    s.interop(
        "as-binary.yaml",
        b"not: [valid yaml",
        &["--input-type", "binary", "--output-type", "binary"],
    );
}

#[test]
fn output_type_converts_as_sops_does() {
    let Some(s) = Sops::new() else { return };
    let file = s.write("conv.yaml", b"a: 1\nb: [x, {c: true}]\n");
    let file = file.to_str().unwrap();
    let enc = s.ours_ok(&["gitops", "encrypt", "--recipient", &s.recipient, file]);
    let enc = s.write("conv.enc.yaml", &enc);
    let enc = enc.to_str().unwrap();
    let ours = s.ours_ok(&["gitops", "decrypt", "--output-type", "json", enc]);
    let theirs = s.sops_ok(&["-d", "--output-type", "json", enc]);
    assert_eq!(
        String::from_utf8(ours).unwrap(),
        String::from_utf8(theirs).unwrap()
    );
    // An unknown type is a usage error.
    let out = s.ours(&["gitops", "decrypt", "--input-type", "toml", enc]);
    assert_eq!(out.status.code(), Some(2));
}

/// `export k8s --sops` writes one SOPS document per Secret (each its own data key and MAC): `gitops decrypt`
/// reads the whole stream, each document verified by its own MAC, and gives what `sops -d` gives per document.
#[test]
fn decrypt_reads_the_stream_export_k8s_sops_writes() {
    let Some(s) = Sops::new() else { return };
    let inst = s.sandbox.path("inst");
    std::fs::create_dir(&inst).unwrap();
    std::fs::write(
        inst.join(".env"),
        "DB_PASSWORD=db-secret-0001\nAPI_TOKEN=tok-0002\n",
    )
    .unwrap();
    std::fs::write(
        inst.join("secretctl.toml"),
        "[secrets.DB_PASSWORD]\ngenerator = \"alnum:32\"\nk8s_secret = \"db\"\n\n[secrets.API_TOKEN]\ngenerator = \"alnum:32\"\nk8s_secret = \"api\"\n",
    )
    .unwrap();
    let out_file = s.sandbox.path("secrets.sops.yaml");
    let mut cmd = s.sandbox.secretctl();
    cmd.current_dir(&inst).args([
        "export",
        "k8s",
        "--sops",
        "--age",
        &s.recipient,
        "--out",
        out_file.to_str().unwrap(),
    ]);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stream = std::fs::read_to_string(&out_file).unwrap();
    let docs: Vec<&str> = stream.split("\n---\n").collect();
    assert_eq!(docs.len(), 2, "{stream}");
    let mut expected = String::new();
    for (i, d) in docs.iter().enumerate() {
        let body = if d.ends_with('\n') {
            (*d).to_owned()
        } else {
            format!("{d}\n")
        };
        let f = s.write(&format!("doc{i}.yaml"), body.as_bytes());
        if i > 0 {
            expected.push_str("---\n");
        }
        expected.push_str(&String::from_utf8(s.sops_ok(&["-d", f.to_str().unwrap()])).unwrap());
    }
    let ours = s.ours_ok(&["gitops", "decrypt", out_file.to_str().unwrap()]);
    assert_eq!(String::from_utf8(ours).unwrap(), expected);
    assert_eq!(expected.matches("kind: Secret").count(), 2, "{expected}");

    // A document of the stream changed: the whole decryption fails, exit 3.
    let first = stream.find("ENC[AES256_GCM,data:").unwrap();
    let tampered = s.write("tampered.yaml", flip_data(&stream, first).as_bytes());
    let out = s.ours(&["gitops", "decrypt", tampered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    // A document swapped in from another encryption (its own valid metadata) does not pass either.
    let other = s.ours_ok(&[
        "gitops",
        "encrypt",
        "--recipient",
        &s.recipient,
        s.write("x.yaml", b"x: injected\n").to_str().unwrap(),
    ]);
    let shared = s.write("shared.yaml", b"a: 1\n---\nb: 2\n");
    let shared_enc = s.ours_ok(&[
        "gitops",
        "encrypt",
        "--recipient",
        &s.recipient,
        shared.to_str().unwrap(),
    ]);
    let shared_enc = String::from_utf8(shared_enc).unwrap();
    let (doc1, _) = shared_enc.split_once("\n---\n").unwrap();
    let mixed = format!("{doc1}\n---\n{}", String::from_utf8(other).unwrap());
    let mixed = s.write("mixed.yaml", mixed.as_bytes());
    let out = s.ours(&["gitops", "decrypt", mixed.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

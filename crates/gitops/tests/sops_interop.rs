//! Interop with the real `sops` binary (3.11): files we write are decrypted by `sops -d` to identical values, files
//! `sops -e` writes are decrypted by us to exactly what `sops -d` prints, and tampering is caught on both sides.
//!
//! `sops` is looked up on PATH, then in `$SECRETCTL_TOOLS_VENV/bin` or `~/.cache/secretctl-tools/bin`
//! (`.ci/install-tools.sh` installs it there). Without it the tests print "skipped: sops not found", or fail
//! when `CI` is set.
// Helpers outside #[test] fns: a failed setup step should abort the test loudly (clippy.toml allows unwrap
// only inside the test functions themselves).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use secrecy::{ExposeSecret, SecretString};
use secretctl_gitops::sops::{self, Error, Format, Identities, Recipient, Vars};

fn find_tool(name: &str) -> Option<PathBuf> {
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let venv = std::env::var_os("SECRETCTL_TOOLS_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/secretctl-tools"))
        })?;
    let p = venv.join("bin").join(name);
    p.is_file().then_some(p)
}

fn require(name: &str) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} not found on PATH or in the tools venv, and CI is set"
        );
        eprintln!("skipped: {name} not found");
    }
    found
}

/// A temporary directory with one identity written as a `SOPS_AGE_KEY_FILE`-style key file.
struct Fixture {
    sops: PathBuf,
    dir: tempfile::TempDir,
    ids: Identities,
    key_file: PathBuf,
}

impl Fixture {
    fn new() -> Option<Fixture> {
        let sops = require("sops")?;
        let dir = tempfile::tempdir().unwrap();
        let ids = Identities::generate();
        let key_file = dir.path().join("keys.txt");
        std::fs::write(&key_file, ids.to_key_file().expose_secret()).unwrap();
        Some(Fixture {
            sops,
            dir,
            ids,
            key_file,
        })
    }

    fn recipients(&self) -> Vec<Recipient> {
        self.ids.recipients()
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn sops(&self, key_file: &Path, args: &[&str]) -> Output {
        Command::new(&self.sops)
            .args(args)
            .current_dir(self.dir.path())
            .env("SOPS_AGE_KEY_FILE", key_file)
            .env_remove("SOPS_AGE_KEY")
            .env_remove("SOPS_AGE_RECIPIENTS")
            .env_remove("SOPS_PGP_FP")
            .output()
            .unwrap()
    }

    /// `sops -d`, which must succeed.
    fn sops_decrypt(&self, file: &Path, format: Format, output_type: &str) -> String {
        let t = type_name(format);
        let out = self.sops(
            &self.key_file,
            &[
                "-d",
                "--input-type",
                t,
                "--output-type",
                output_type,
                file.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "sops -d failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Whether `sops -d` refuses the file.
    fn sops_refuses(&self, file: &Path, format: Format) -> bool {
        let t = type_name(format);
        !self
            .sops(
                &self.key_file,
                &[
                    "-d",
                    "--input-type",
                    t,
                    "--output-type",
                    t,
                    file.to_str().unwrap(),
                ],
            )
            .status
            .success()
    }

    /// `sops -e` to our recipient.
    fn sops_encrypt(&self, file: &Path, format: Format, extra: &[&str]) -> String {
        let t = type_name(format);
        let r = self.recipients()[0].to_string();
        let mut args = vec![
            "-e",
            "--age",
            r.as_str(),
            "--input-type",
            t,
            "--output-type",
            t,
        ];
        args.extend_from_slice(extra);
        args.push(file.to_str().unwrap());
        let out = self.sops(&self.key_file, &args);
        assert!(
            out.status.success(),
            "sops -e failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn type_name(format: Format) -> &'static str {
    format.name()
}

fn tricky_vars() -> Vars {
    [
        ("DB_PASSWORD", "p@ss: word #not-a-comment"),
        ("LEADING_SPACE", "  padded  "),
        ("MULTILINE", "line one\nline two\n"),
        ("EMPTY", ""),
        ("LOOKS_LIKE_INT", "123"),
        ("LOOKS_LIKE_BOOL", "true"),
        ("LOOKS_LIKE_NULL", "null"),
        ("UNICODE", "päss✓ 密码"),
        ("QUOTES", "it's \"quoted\" \\ back"),
        ("API_TOKEN_unencrypted", "visible-on-purpose"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
    .collect()
}

fn as_map(vars: &Vars) -> BTreeMap<String, String> {
    vars.iter()
        .map(|(k, v)| (k.clone(), v.expose_secret().to_owned()))
        .collect()
}

fn json_strings(json: &str) -> BTreeMap<String, String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str()
                    .unwrap_or_else(|| panic!("{k} is not a string"))
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn sops_decrypts_vars_we_write_to_identical_values() {
    let Some(fx) = Fixture::new() else { return };
    for format in [Format::Yaml, Format::Dotenv] {
        let mut vars = tricky_vars();
        if format == Format::Dotenv {
            // sops's dotenv store turns the two characters `\n` into a newline, so a backslash before an `n`
            // cannot round-trip through any sops dotenv file; every other value must.
            vars.retain(|(k, _)| k != "QUOTES");
        }
        let text = sops::write_vars(&vars, format, &fx.recipients(), None).unwrap();
        let file = fx.write(
            if format == Format::Yaml {
                "vars.yaml"
            } else {
                "vars.env"
            },
            &text,
        );
        let json = fx.sops_decrypt(&file, format, "json");
        assert_eq!(json_strings(&json), as_map(&vars), "{format:?}");
        assert_eq!(
            as_map(&sops::read_vars(&text, format, &fx.ids).unwrap()),
            as_map(&vars)
        );

        // Changing one value keeps every other ciphertext, and sops still reads the result.
        let mut changed = vars.clone();
        changed[0].1 = SecretString::from("rotated");
        let text2 =
            sops::write_vars(&changed, format, &fx.recipients(), Some((&text, &fx.ids))).unwrap();
        let differing: Vec<_> = text
            .lines()
            .zip(text2.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a)
            .collect();
        assert!(
            differing.iter().any(|l| l.starts_with("DB_PASSWORD")),
            "{differing:?}"
        );
        assert!(
            differing.iter().all(|l| l.starts_with("DB_PASSWORD")
                || l.contains("lastmodified")
                || l.contains("mac")),
            "{differing:?}"
        );
        let file2 = fx.write("vars2.yaml", &text2);
        assert_eq!(
            json_strings(&fx.sops_decrypt(&file2, format, "json")),
            as_map(&changed)
        );
    }
}

const RICH_YAML: &str = "# top comment
hello: world
num: 42
negative: -7
flt: 1.5
big: 1e+21
b: true
f: false
nested:
    # inner comment
    x: 1
    deeper:
        \"y\": why
    list:
        - a
        - 2
        - 3.25
        - k: v
          j: w
        - - inner
          - list
secret_unencrypted: plain text
section_unencrypted:
    kept: 1
empty: \"\"
nul: null
quoted: \"yes\"
multi: |
    line1
    line2
# trailing comment
";

#[test]
fn sops_decrypts_whole_files_we_encrypt_byte_for_byte() {
    let Some(fx) = Fixture::new() else { return };
    let enc = sops::encrypt_file(RICH_YAML, Format::Yaml, &fx.recipients()).unwrap();
    let file = fx.write("rich.yaml", &enc);
    assert_eq!(fx.sops_decrypt(&file, Format::Yaml, "yaml"), RICH_YAML);
    assert_eq!(
        sops::decrypt_file(&enc, Format::Yaml, &fx.ids)
            .unwrap()
            .expose_secret(),
        RICH_YAML
    );

    let env = "#comment\nA=1\nB=two words\nC=x\\ny\nD_unencrypted=plain\n";
    let enc = sops::encrypt_file(env, Format::Dotenv, &fx.recipients()).unwrap();
    let file = fx.write("rich.env", &enc);
    assert_eq!(fx.sops_decrypt(&file, Format::Dotenv, "dotenv"), env);
}

#[test]
fn we_decrypt_files_sops_encrypts_exactly_as_sops_does() {
    let Some(fx) = Fixture::new() else { return };
    // Written in a different style than sops emits (2-space indent, inline comments, quoting), so both sides
    // must normalise it the same way.
    let plain = "# head\nname: app   # inline comment\nport: 8080\nratio: 0.25\nenabled: yes\nstrict: false\nnested:\n  # about the list\n  hosts:\n  - alpha\n  - beta # second\n  - port: 1\n    tls: true\n  deep:\n    deeper:\n      value: 'single ''quoted'''\npassword_unencrypted: \"not secret\"\nfolded: >\n  one\n  two\nempty:\nhex: 0x1F\n";
    let src = fx.write("plain.yaml", plain);
    let enc = fx.sops_encrypt(&src, Format::Yaml, &[]);
    assert!(sops::is_encrypted(&enc, Format::Yaml));
    let ours = sops::decrypt_file(&enc, Format::Yaml, &fx.ids).unwrap();
    let file = fx.write("enc.yaml", &enc);
    assert_eq!(
        ours.expose_secret(),
        fx.sops_decrypt(&file, Format::Yaml, "yaml")
    );
    assert_eq!(
        sops::recipients_of(&enc, Format::Yaml).unwrap(),
        fx.recipients()
    );

    let env =
        "#note\nDB_PASSWORD=s3cret=with=equals\nEMPTY=\nMULTI=a\\nb\nPLAIN_unencrypted=visible\n";
    let src = fx.write("plain.env", env);
    let enc = fx.sops_encrypt(&src, Format::Dotenv, &[]);
    let ours = sops::decrypt_file(&enc, Format::Dotenv, &fx.ids).unwrap();
    let file = fx.write("enc.env", &enc);
    assert_eq!(
        ours.expose_secret(),
        fx.sops_decrypt(&file, Format::Dotenv, "dotenv")
    );
    let vars = sops::read_vars(&enc, Format::Dotenv, &fx.ids).unwrap();
    assert_eq!(as_map(&vars)["DB_PASSWORD"], "s3cret=with=equals");
    assert_eq!(as_map(&vars)["MULTI"], "a\nb");
}

#[test]
fn we_decrypt_sops_files_with_other_crypt_rules() {
    let Some(fx) = Fixture::new() else { return };
    let plain =
        "db_secret: hunter2\nport: 5432\nnested:\n    token_secret: abc\n    name: visible\n";
    let src = fx.write("rules.yaml", plain);
    for extra in [
        &["--encrypted-suffix", "_secret"][..],
        &["--mac-only-encrypted", "--encrypted-suffix", "_secret"][..],
    ] {
        let enc = fx.sops_encrypt(&src, Format::Yaml, extra);
        assert!(enc.contains("port: 5432"), "{enc}");
        let ours = sops::decrypt_file(&enc, Format::Yaml, &fx.ids).unwrap();
        let file = fx.write("rules.enc.yaml", &enc);
        assert_eq!(
            ours.expose_secret(),
            fx.sops_decrypt(&file, Format::Yaml, "yaml")
        );
        if extra.contains(&"--mac-only-encrypted") {
            // With mac_only_encrypted, plaintext values may change without breaking the MAC, on both sides.
            let edited = enc.replace("port: 5432", "port: 5433");
            assert!(sops::decrypt_file(&edited, Format::Yaml, &fx.ids).is_ok());
        } else {
            let edited = enc.replace("port: 5432", "port: 5433");
            assert!(matches!(
                sops::decrypt_file(&edited, Format::Yaml, &fx.ids),
                Err(Error::MacMismatch)
            ));
            let file = fx.write("edited.yaml", &edited);
            assert!(fx.sops_refuses(&file, Format::Yaml));
        }
    }
}

/// Flips one base64 character inside the `data:` of the first line that starts with `prefix`.
fn flip_data(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && line.trim_start().starts_with(prefix) {
            let i = line.find("data:").unwrap() + "data:".len();
            let mut b = line.as_bytes().to_vec();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            out.push_str(std::str::from_utf8(&b).unwrap());
            done = true;
        } else {
            out.push_str(line);
        }
    }
    assert!(done, "no line starts with {prefix}");
    out
}

/// Which error a tampered file must give.
type Expect = fn(&Error) -> bool;

#[test]
fn tampering_is_detected_on_both_sides() {
    let Some(fx) = Fixture::new() else { return };
    let vars: Vars = [("USER", "admin"), ("PASSWORD", "hunter2")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
        .collect();
    let ours = sops::write_vars(&vars, Format::Yaml, &fx.recipients(), None).unwrap();
    let src = fx.write("p.yaml", "USER: admin\nPASSWORD: hunter2\n");
    let theirs = fx.sops_encrypt(&src, Format::Yaml, &[]);
    for (who, text) in [("ours", &ours), ("sops", &theirs)] {
        let value = flip_data(text, "PASSWORD:");
        let mac = flip_data(text, "mac:");
        let key = text.replacen("USER:", "USERNAME:", 1);
        let swapped = {
            let line = |k: &str| {
                text.lines()
                    .find(|l| l.starts_with(k))
                    .unwrap()
                    .split_once(": ")
                    .unwrap()
                    .1
                    .to_owned()
            };
            let (u, p) = (line("USER:"), line("PASSWORD:"));
            text.replacen(&u, "@@", 1)
                .replacen(&p, &u, 1)
                .replacen("@@", &p, 1)
        };
        let dropped: String = text
            .lines()
            .filter(|l| !l.starts_with("USER:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let cases: [(&str, String, Expect); 5] = [
            (
                "value",
                value,
                |e| matches!(e, Error::Authentication { key_path } if key_path == "PASSWORD"),
            ),
            ("mac", mac, |e| matches!(e, Error::MacMismatch)),
            (
                "key name",
                key,
                |e| matches!(e, Error::Authentication { key_path } if key_path == "USERNAME"),
            ),
            ("swapped values", swapped, |e| {
                matches!(e, Error::Authentication { .. })
            }),
            ("removed entry", dropped, |e| {
                matches!(e, Error::MacMismatch)
            }),
        ];
        for (what, tampered, expected) in cases {
            let e = sops::read_vars(&tampered, Format::Yaml, &fx.ids).unwrap_err();
            assert!(expected(&e), "{who} / {what}: {e}");
            let file = fx.write("tampered.yaml", &tampered);
            assert!(
                fx.sops_refuses(&file, Format::Yaml),
                "sops accepted {who} / {what}"
            );
        }
    }
}

#[test]
fn recipient_changes_are_read_by_sops() {
    let Some(fx) = Fixture::new() else { return };
    let other = Identities::generate();
    let other_key = fx.write("other.txt", other.to_key_file().expose_secret());
    let vars: Vars = vec![("K".to_owned(), SecretString::from("v"))];
    let text = sops::write_vars(&vars, Format::Yaml, &fx.recipients(), None).unwrap();
    let file = fx.write("r.yaml", &text);
    let d = |f: &Path, key: &Path| fx.sops(key, &["-d", f.to_str().unwrap()]);
    assert!(!d(&file, &other_key).status.success());

    let both: Vec<Recipient> = fx
        .recipients()
        .into_iter()
        .chain(other.recipients())
        .collect();
    let added = sops::rewrap(&text, Format::Yaml, &fx.ids, &both).unwrap();
    assert_eq!(sops::recipients_of(&added, Format::Yaml).unwrap(), both);
    let file = fx.write("r.yaml", &added);
    let out = d(&file, &other_key);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "K: v\n");

    let removed = sops::rotate_data_key(&added, Format::Yaml, &other, &other.recipients()).unwrap();
    let file = fx.write("r.yaml", &removed);
    assert!(!d(&file, &fx.key_file).status.success());
    assert_eq!(
        String::from_utf8(d(&file, &other_key).stdout).unwrap(),
        "K: v\n"
    );

    // Recipients added by `sops updatekeys` work for us too.
    let cfg = fx.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - age: {},{}\n",
            fx.recipients()[0],
            other.recipients()[0]
        ),
    );
    let file2 = fx.write("r2.yaml", &text);
    let out = Command::new(&fx.sops)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "updatekeys",
            "-y",
            file2.to_str().unwrap(),
        ])
        .current_dir(fx.dir.path())
        .env("SOPS_AGE_KEY_FILE", &fx.key_file)
        .env_remove("SOPS_AGE_KEY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let updated = std::fs::read_to_string(&file2).unwrap();
    assert_eq!(
        as_map(&sops::read_vars(&updated, Format::Yaml, &other).unwrap()),
        as_map(&vars)
    );
}

#[test]
fn age_keygen_key_files_work_with_both() {
    let Some(fx) = Fixture::new() else { return };
    let Some(keygen) = require("age-keygen") else {
        return;
    };
    let key_file = fx.dir.path().join("age-keygen.txt");
    let out = Command::new(keygen)
        .arg("-o")
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let ids = Identities::from_key_file(&key_file).unwrap();
    let text = std::fs::read_to_string(&key_file).unwrap();
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap();
    assert_eq!(ids.recipients()[0].to_string(), public);

    let vars: Vars = vec![("K".to_owned(), SecretString::from("from-age-keygen"))];
    let enc = sops::write_vars(&vars, Format::Yaml, &ids.recipients(), None).unwrap();
    let file = fx.write("k.yaml", &enc);
    let out = fx.sops(&key_file, &["-d", file.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "K: from-age-keygen\n"
    );
}

/// Comments sit in many places; sops encrypts each with the key path of the mapping or list holding it, so both
/// sides must attribute every comment to the same place.
const COMMENT_PLACEMENTS: &[&str] = &[
    "# head\na: 1\n# between\nb: 2\n# foot\n",
    "a:\n    # first in nested\n    b: 1\n    # last in nested\nc: 2\n",
    "a:\n    b: 1\n# back at top\nc: 2\n",
    "a:\n    b:\n        c: 1\n        # deep foot\n    # middle foot\nd: 1\n",
    "list:\n    # before items\n    - one\n    # between items\n    - two\n    # after items\nnext: 1\n",
    "list:\n    - k: v\n      # inside item map\n      j: w\n    - x\n",
    "a: 1 # inline\nb:\n    - c # inline in list\n",
    "a:\n    - - x\n      # in nested list\n      - y\n",
    "solo:\n    # only a comment\nnext: 1\n",
    "k_unencrypted:\n    # not encrypted\n    v: 1\n",
];

#[test]
fn comment_placements_agree_with_sops() {
    let Some(fx) = Fixture::new() else { return };
    for (i, plain) in COMMENT_PLACEMENTS.iter().enumerate() {
        let src = fx.write("c.yaml", plain);
        // sops encrypts, both decrypt.
        let theirs = fx.sops_encrypt(&src, Format::Yaml, &[]);
        let file = fx.write("c.enc.yaml", &theirs);
        let expected = fx.sops_decrypt(&file, Format::Yaml, "yaml");
        let ours = sops::decrypt_file(&theirs, Format::Yaml, &fx.ids)
            .unwrap_or_else(|e| panic!("case {i}: {e}\n{theirs}"));
        assert_eq!(ours.expose_secret(), expected, "case {i}");
        // We encrypt, sops decrypts to what it prints for its own encryption.
        let enc = sops::encrypt_file(plain, Format::Yaml, &fx.recipients()).unwrap();
        let file = fx.write("c.ours.yaml", &enc);
        assert_eq!(
            fx.sops_decrypt(&file, Format::Yaml, "yaml"),
            expected,
            "case {i}\n{enc}"
        );
    }
}

#[test]
fn dotenv_tampering_is_detected_on_both_sides() {
    let Some(fx) = Fixture::new() else { return };
    let vars: Vars = [("USER", "admin"), ("PASSWORD", "hunter2")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
        .collect();
    let ours = sops::write_vars(&vars, Format::Dotenv, &fx.recipients(), None).unwrap();
    let src = fx.write("p.env", "USER=admin\nPASSWORD=hunter2\n");
    let theirs = fx.sops_encrypt(&src, Format::Dotenv, &[]);
    for (who, text) in [("ours", &ours), ("sops", &theirs)] {
        let cases: [(&str, String, Expect); 3] = [
            (
                "value",
                flip_data(text, "PASSWORD="),
                |e| matches!(e, Error::Authentication { key_path } if key_path == "PASSWORD"),
            ),
            ("mac", flip_data(text, "sops_mac="), |e| {
                matches!(e, Error::MacMismatch)
            }),
            (
                "key name",
                text.replacen("USER=", "LOGIN=", 1),
                |e| matches!(e, Error::Authentication { key_path } if key_path == "LOGIN"),
            ),
        ];
        for (what, tampered, expected) in cases {
            let e = sops::read_vars(&tampered, Format::Dotenv, &fx.ids).unwrap_err();
            assert!(expected(&e), "{who} / {what}: {e}");
            let file = fx.write("tampered.env", &tampered);
            assert!(
                fx.sops_refuses(&file, Format::Dotenv),
                "sops accepted {who} / {what}"
            );
        }
    }
}

/// A Kubernetes Secret as sops itself emits YAML (4-space indentation), so `sops -d` must reproduce it exactly.
const K8S_SECRET: &str = "apiVersion: v1
kind: Secret
metadata:
    name: app-secrets
    namespace: prod
    labels:
        app.kubernetes.io/managed-by: secretctl
type: Opaque
data:
    DB_PASSWORD: aHVudGVyMg==
    API_TOKEN: c2VjcmV0LXRva2Vu
stringData:
    extra: plain-secret-value
    nested:
        deeper: 42
";

const K8S_REGEX: &str = "^(data|stringData)$";

fn k8s_opts() -> sops::EncryptOptions {
    let mut opts = sops::EncryptOptions::default();
    opts.encrypted_regex = Some(K8S_REGEX.to_owned());
    opts
}

#[test]
fn sops_decrypts_what_we_encrypt_with_encrypted_regex_byte_for_byte() {
    let Some(fx) = Fixture::new() else { return };
    let enc =
        sops::encrypt_file_with(K8S_SECRET, Format::Yaml, &fx.recipients(), &k8s_opts()).unwrap();
    // Only values under data/stringData are encrypted; everything else stays readable.
    for plain in [
        "apiVersion: v1\n",
        "kind: Secret\n",
        "    name: app-secrets\n",
        "    namespace: prod\n",
        "        app.kubernetes.io/managed-by: secretctl\n",
        "type: Opaque\n",
    ] {
        assert!(enc.contains(plain), "{plain:?} not in plaintext:\n{enc}");
    }
    for secret in ["aHVudGVyMg==", "c2VjcmV0LXRva2Vu", "plain-secret-value"] {
        assert!(!enc.contains(secret), "{secret} left in plaintext");
    }
    assert!(enc.contains("    DB_PASSWORD: ENC[AES256_GCM,data:"));
    assert!(enc.contains("        deeper: ENC[AES256_GCM,data:"));
    assert!(enc.contains(",type:int]"));
    assert!(enc.contains("    encrypted_regex: ^(data|stringData)$\n"));
    assert!(!enc.contains("unencrypted_suffix"));
    let file = fx.write("secret.yaml", &enc);
    assert_eq!(fx.sops_decrypt(&file, Format::Yaml, "yaml"), K8S_SECRET);
    assert_eq!(
        sops::decrypt_file(&enc, Format::Yaml, &fx.ids)
            .unwrap()
            .expose_secret(),
        K8S_SECRET
    );

    // The dotenv store records the rule too.
    let env = "data_KEY=hidden\nOTHER=visible\n";
    let mut opts = sops::EncryptOptions::default();
    opts.encrypted_regex = Some("^data_".to_owned());
    let enc = sops::encrypt_file_with(env, Format::Dotenv, &fx.recipients(), &opts).unwrap();
    assert!(enc.contains("OTHER=visible\n") && !enc.contains("hidden"));
    assert!(enc.contains("sops_encrypted_regex=^data_\n"));
    let file = fx.write("secret.env", &enc);
    assert_eq!(fx.sops_decrypt(&file, Format::Dotenv, "dotenv"), env);
}

#[test]
fn we_decrypt_what_sops_encrypts_with_encrypted_regex() {
    let Some(fx) = Fixture::new() else { return };
    // 2-space input, as kubectl writes it: both sides normalise it the same way.
    let plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels:\n    data: not-secret\ntype: Opaque\ndata:\n  password: aHVudGVyMg==\nstringData:\n  list:\n  - one\n  - 2\n";
    let src = fx.write("k8s.yaml", plain);
    let enc = fx.sops_encrypt(&src, Format::Yaml, &["--encrypted-regex", K8S_REGEX]);
    assert!(
        enc.contains("encrypted_regex: ^(data|stringData)$"),
        "{enc}"
    );
    // `metadata.labels.data` matches the regex as a path component, so sops encrypts it too.
    assert!(enc.contains("        data: ENC[AES256_GCM,"), "{enc}");
    assert!(enc.contains("    name: db\n"), "{enc}");
    let ours = sops::decrypt_file(&enc, Format::Yaml, &fx.ids).unwrap();
    let file = fx.write("k8s.enc.yaml", &enc);
    assert_eq!(
        ours.expose_secret(),
        fx.sops_decrypt(&file, Format::Yaml, "yaml")
    );
    assert!(ours
        .expose_secret()
        .contains("    password: aHVudGVyMg==\n"));

    // Our encryption of the same input gives the same file layout as sops's: same keys encrypted, same
    // plaintext, same metadata fields.
    let mine = sops::encrypt_file_with(plain, Format::Yaml, &fx.recipients(), &k8s_opts()).unwrap();
    let shape = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.trim_start().starts_with("-----") && !l.starts_with("          "))
            .map(|l| match l.find("ENC[") {
                Some(i) => format!("{}ENC", &l[..i]),
                None if l.contains("lastmodified:") || l.contains("mac:") => {
                    l.split(':').next().unwrap().to_owned()
                }
                None if l.contains("recipient:") || l.contains("enc: |") => l.to_owned(),
                None if l.starts_with("    version:") => "version".to_owned(),
                None => l.to_owned(),
            })
            .collect()
    };
    assert_eq!(shape(&mine), shape(&enc));
}

/// sops matches `encrypted_regex` with Go's `regexp`: `\w`, `\d` and `\b` are ASCII, so `^\w+$` selects
/// `password` and not `пароль`. Both sides must select the same keys (a key one side encrypts and the other
/// expects in plaintext makes the file unreadable, or leaves a secret in plaintext).
#[test]
fn encrypted_regex_perl_classes_mean_what_they_mean_in_go() {
    let Some(fx) = Fixture::new() else { return };
    let plain = "password: one\nпароль: two\nid_1: three\n";
    let src = fx.write("perl.yaml", plain);
    let enc = fx.sops_encrypt(&src, Format::Yaml, &["--encrypted-regex", r"^\w+$"]);
    assert!(enc.contains("password: ENC[AES256_GCM,"), "{enc}");
    assert!(enc.contains("id_1: ENC[AES256_GCM,"), "{enc}");
    assert!(enc.contains("пароль: two\n"), "Go's \\w is ASCII:\n{enc}");
    let ours = sops::decrypt_file(&enc, Format::Yaml, &fx.ids).unwrap();
    assert_eq!(ours.expose_secret(), plain);

    let mut opts = sops::EncryptOptions::default();
    opts.encrypted_regex = Some(r"^\w+$".to_owned());
    let mine = sops::encrypt_file_with(plain, Format::Yaml, &fx.recipients(), &opts).unwrap();
    assert!(mine.contains("пароль: two\n") && !mine.contains("one") && !mine.contains("three"));
    let file = fx.write("perl.enc.yaml", &mine);
    assert_eq!(fx.sops_decrypt(&file, Format::Yaml, "yaml"), plain);
}

/// Where Go's `regexp` could answer otherwise than secretctl's engine (Unicode case folding under `(?i)` on a
/// non-ASCII key), a file sops wrote is refused, not read under a guess; so is encrypting one.
#[test]
fn case_insensitive_encrypted_regex_on_non_ascii_keys_is_refused() {
    let Some(fx) = Fixture::new() else { return };
    // Go folds U+212A KELVIN SIGN to k: sops encrypts the value of the key spelled with it.
    let plain = "\u{212A}ey: kelvin\nkey: ascii\nother: plain\n";
    let src = fx.write("fold.yaml", plain);
    let enc = fx.sops_encrypt(&src, Format::Yaml, &["--encrypted-regex", "(?i)^key$"]);
    assert!(
        !enc.contains("kelvin"),
        "sops folded the Kelvin sign:\n{enc}"
    );
    assert!(enc.contains("other: plain\n"), "{enc}");
    match sops::decrypt_file(&enc, Format::Yaml, &fx.ids) {
        Err(Error::Unsupported { feature }) => assert!(feature.contains("(?i)"), "{feature}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| "plaintext")),
    }
    let mut opts = sops::EncryptOptions::default();
    opts.encrypted_regex = Some("(?i)^key$".to_owned());
    assert!(matches!(
        sops::encrypt_file_with(plain, Format::Yaml, &fx.recipients(), &opts),
        Err(Error::Unsupported { .. })
    ));
    // ASCII keys under the same pattern are decided, the same way as Go.
    let ascii = "KEY: a\nkey: b\nother: c\n";
    let src = fx.write("fold-ascii.yaml", ascii);
    let enc = fx.sops_encrypt(&src, Format::Yaml, &["--encrypted-regex", "(?i)^key$"]);
    assert!(enc.contains("other: c\n"), "{enc}");
    assert_eq!(
        sops::decrypt_file(&enc, Format::Yaml, &fx.ids)
            .unwrap()
            .expose_secret(),
        ascii
    );
}

#[test]
fn tampering_with_encrypted_regex_files_is_detected_on_both_sides() {
    let Some(fx) = Fixture::new() else { return };
    let ours =
        sops::encrypt_file_with(K8S_SECRET, Format::Yaml, &fx.recipients(), &k8s_opts()).unwrap();
    let src = fx.write("plain.yaml", K8S_SECRET);
    let theirs = fx.sops_encrypt(&src, Format::Yaml, &["--encrypted-regex", K8S_REGEX]);
    for (who, text) in [("ours", &ours), ("sops", &theirs)] {
        let cases: [(&str, String, Expect); 5] = [
            (
                "encrypted value",
                flip_data(text, "DB_PASSWORD:"),
                |e| matches!(e, Error::Authentication { key_path } if key_path == "data:DB_PASSWORD"),
            ),
            (
                // Plaintext values are covered by the MAC (mac_only_encrypted is off).
                "plaintext value",
                text.replacen("name: app-secrets", "name: other-app", 1),
                |e| matches!(e, Error::MacMismatch),
            ),
            (
                // Dropping the rule would make the reader try to decrypt every plaintext value.
                "rule removed",
                text.replacen("    encrypted_regex: ^(data|stringData)$\n", "", 1),
                |e| matches!(e, Error::BadValue { .. }),
            ),
            (
                // Narrowing the rule leaves ciphertext where plaintext is expected: the MAC no longer matches.
                "rule narrowed",
                text.replacen("^(data|stringData)$", "^(data)$", 1),
                |e| matches!(e, Error::MacMismatch),
            ),
            (
                "moved under another key",
                text.replacen("stringData:", "otherData:", 1),
                |e| matches!(e, Error::MacMismatch),
            ),
        ];
        for (what, tampered, expected) in cases {
            assert_ne!(&tampered, text, "{who} / {what}: nothing was changed");
            let e = sops::decrypt_file(&tampered, Format::Yaml, &fx.ids).unwrap_err();
            assert!(expected(&e), "{who} / {what}: {e}");
            let file = fx.write("tampered.yaml", &tampered);
            assert!(
                fx.sops_refuses(&file, Format::Yaml),
                "sops accepted {who} / {what}"
            );
        }
    }
}

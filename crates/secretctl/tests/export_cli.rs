//! `secretctl export k8s|swarm`, end to end through the built binary, proven against the reference tools:
//! `kubernetes-validate` (offline OpenAPI schemas) on every manifest, `kubectl create secret generic --dry-run=client`
//! for the data, PyYAML for the YAML itself, and bash running the generated Swarm script against a recording
//! `docker` stand-in (no Swarm is needed to see what `docker secret create` would have received).
//!
//! A test that needs an external tool fails when `CI` is set and the tool is missing; otherwise it prints
//! "skipped: <tool> not found" and returns. `kubectl` is the exception: the issue asks for its comparison "where
//! kubectl exists", so that test skips without it even under CI.

// clippy.toml allows unwrap in #[test] functions only; the fixtures and helpers here are test code too, where a
// failed unwrap is a failed test with its location.
#![allow(clippy::unwrap_used)]

mod common;

use common::{find_tool, require_tool, tools_venv, FakeDocker};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

// ---------------------------------------------------------------------------------------------------------------
// Harness.

fn secretctl() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("secretctl"));
    cmd.env_remove("SECRETCTL_STORE")
        .env_remove("SECRETCTL_KEYFILE");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run secretctl")
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn fails(cmd: &mut Command, code: i32) -> String {
    let out = run(cmd);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?}: stdout {}\nstderr {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "a failed export printed something: {:?}",
        out.stdout
    );
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr}"
    );
    stderr
}

/// Run the command an error message recommends (its first `...`), exactly as printed, with `sh` in `cwd`, the
/// built secretctl first on PATH and `stdin` as its input: a message must never recommend a command that fails.
fn run_fix(message: &str, cwd: &Path, stdin: &[u8]) -> String {
    let command = message
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no command in {message:?}"));
    assert!(command.starts_with("secretctl "), "{command}");
    let bin = assert_cmd::cargo::cargo_bin("secretctl");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("sh")
        .args(["-c", command])
        .current_dir(cwd)
        .env("PATH", path)
        .env_remove("SECRETCTL_STORE")
        .env_remove("SECRETCTL_KEYFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the recommended `{command}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    command.to_owned()
}

/// A Python with PyYAML: the tools venv's (kubernetes-validate depends on PyYAML), else python3 on PATH.
fn require_pyyaml() -> Option<PathBuf> {
    let candidates = tools_venv()
        .map(|v| v.join("bin/python3"))
        .into_iter()
        .chain(find_tool("python3"));
    for python in candidates {
        let has_yaml = Command::new(&python)
            .args(["-c", "import yaml"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if has_yaml {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "python3 with PyYAML not found (CI is set)"
    );
    eprintln!("skipped: python3 with PyYAML not found");
    None
}

/// Parse a YAML stream with PyYAML (a reader we did not write) into a JSON array of documents.
fn yaml_documents(python: &Path, yaml: &str) -> Value {
    let mut child = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), yaml.as_bytes())
        .expect("write yaml");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("python output");
    assert!(
        out.status.success(),
        "PyYAML refused the manifests:\n{yaml}"
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn b64decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|&c| c != b'=') {
        let index = ALPHABET
            .iter()
            .position(|&a| a == c)
            .expect("base64 character");
        let v = u32::try_from(index).unwrap();
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from(acc >> bits).expect("at most 8 bits are left"));
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// name → (data key → decoded value) of every Secret in a list of manifests.
fn secrets_of(items: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|m| {
            assert_eq!(m["apiVersion"], "v1");
            assert_eq!(m["kind"], "Secret");
            assert_eq!(m["type"], "Opaque");
            assert_eq!(
                m["metadata"]["labels"]["app.kubernetes.io/managed-by"],
                "secretctl"
            );
            let data = m["data"]
                .as_object()
                .expect("data")
                .iter()
                .map(|(k, v)| {
                    let decoded =
                        String::from_utf8(b64decode(v.as_str().expect("string"))).expect("utf8");
                    (k.clone(), decoded)
                })
                .collect();
            (
                m["metadata"]["name"].as_str().expect("name").to_owned(),
                data,
            )
        })
        .collect()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures.

/// An instance directory `wiki` with a .env holding every quoting style, a versioned key at v2 and config keys.
const ENV: &str = "# the wiki instance\n\
DOMAIN=wiki.example.com\n\
APP_URL=https://wiki.example.com\n\
MYSQL_PASSWORD='p@ss w0rd $NOT_INTERPOLATED'\n\
MYSQL_ROOT_PASSWORD=\"multi\\nline \\\"quoted\\\"\"\n\
export MW_SECRET_KEY=0123456789abcdef  # inline comment\n\
API_TOKEN=tok-ünïcødé\n\
DB_PASSWORD_V1=first-version\n\
DB_PASSWORD_V2=second version=with equals\n\
SECRET_DB_PASSWORD_VERSION=v2\n";

/// What Compose reads for the secrets of [`ENV`].
fn env_values() -> BTreeMap<String, String> {
    [
        ("MYSQL_PASSWORD", "p@ss w0rd $NOT_INTERPOLATED"),
        ("MYSQL_ROOT_PASSWORD", "multi\nline \"quoted\""),
        ("MW_SECRET_KEY", "0123456789abcdef"),
        ("API_TOKEN", "tok-ünïcødé"),
        ("DB_PASSWORD", "second version=with equals"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

const SCHEMA: &str = r#"
[secrets.MYSQL_PASSWORD]
generator = "alnum:32"
k8s_secret = "{instance}-db-credentials"

[secrets.MYSQL_ROOT_PASSWORD]
generator = "alnum:32"
k8s_secret = "{instance}-db-credentials"

[secrets.MW_SECRET_KEY]
generator = "hex:64"
one_shot = true
k8s_secret = "{instance}-mw-secrets"

[secrets.DB_PASSWORD]
generator = "alnum:32"
versioned = true
"#;

struct Instance {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Instance {
    fn new(dir_name: &str, env: &str, schema: Option<&str>) -> Instance {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join(dir_name);
        fs::create_dir(&dir).expect("mkdir");
        fs::write(dir.join(".env"), env).expect("write .env");
        if let Some(schema) = schema {
            fs::write(dir.join("secretctl.toml"), schema).expect("write schema");
        }
        Instance { _tmp: tmp, dir }
    }

    fn env(&self) -> PathBuf {
        self.dir.join(".env")
    }

    /// `secretctl` run in the instance directory (where ./.env and ./secretctl.toml are found).
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = secretctl();
        cmd.current_dir(&self.dir).args(args);
        cmd
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes.

#[test]
fn without_a_schema_every_secret_goes_into_one_secret() {
    let Some(python) = require_pyyaml() else {
        return;
    };
    let inst = Instance::new("wiki", ENV, None);
    let yaml = ok(&mut inst.cmd(&["export", "k8s"]));
    let docs = yaml_documents(&python, &yaml);
    let secrets = secrets_of(&docs);
    // Config keys (DOMAIN, APP_URL), the pointer and the per-version keys are not exported; the versioned key is,
    // under its own name, with the value of the version in use.
    assert_eq!(
        secrets,
        BTreeMap::from([("wiki-secrets".to_owned(), env_values())])
    );
    assert_eq!(
        docs[0]["metadata"]["labels"]["app.kubernetes.io/instance"],
        "wiki"
    );
    assert!(docs[0]["metadata"].get("namespace").is_none());
    // Stable order: data keys sorted, and the output is the same on every run.
    let keys: Vec<&str> = yaml
        .lines()
        .skip_while(|l| *l != "data:")
        .skip(1)
        .map(|l| l.trim_start().split(':').next().expect("key"))
        .collect();
    assert_eq!(
        keys,
        [
            "API_TOKEN",
            "DB_PASSWORD",
            "MW_SECRET_KEY",
            "MYSQL_PASSWORD",
            "MYSQL_ROOT_PASSWORD"
        ]
    );
    assert_eq!(ok(&mut inst.cmd(&["export", "k8s"])), yaml);
    // No value appears in clear.
    for value in env_values().values() {
        assert!(!yaml.contains(value.as_str()), "{value:?} in clear");
    }
}

#[test]
fn a_schema_groups_keys_into_the_secrets_it_names() {
    let Some(python) = require_pyyaml() else {
        return;
    };
    let inst = Instance::new("wiki", ENV, Some(SCHEMA));
    let yaml = ok(&mut inst.cmd(&["export", "k8s", "--namespace", "prod", "--instance", "mw1"]));
    let docs = yaml_documents(&python, &yaml);
    let v = env_values();
    let pick = |keys: &[&str]| -> BTreeMap<String, String> {
        keys.iter()
            .map(|k| ((*k).to_owned(), v[*k].clone()))
            .collect()
    };
    // Declared keys go where k8s_secret says; declared keys without one, and undeclared keys that are secrets
    // by name (API_TOKEN), go into {instance}-secrets. Secrets come in name order.
    assert_eq!(
        secrets_of(&docs),
        BTreeMap::from([
            (
                "mw1-db-credentials".to_owned(),
                pick(&["MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"])
            ),
            ("mw1-mw-secrets".to_owned(), pick(&["MW_SECRET_KEY"])),
            (
                "mw1-secrets".to_owned(),
                pick(&["API_TOKEN", "DB_PASSWORD"])
            ),
        ])
    );
    let names: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["mw1-db-credentials", "mw1-mw-secrets", "mw1-secrets"]
    );
    for d in docs.as_array().unwrap() {
        assert_eq!(d["metadata"]["namespace"], "prod");
        assert_eq!(d["metadata"]["labels"]["app.kubernetes.io/instance"], "mw1");
    }
    // --json is the same Secrets as one v1/List.
    let json: Value = serde_json::from_str(&ok(&mut inst.cmd(&[
        "--json",
        "export",
        "k8s",
        "--namespace",
        "prod",
        "--instance",
        "mw1",
    ])))
    .unwrap();
    assert_eq!(json["kind"], "List");
    assert_eq!(json["items"], docs);
}

#[test]
fn keys_yaml_would_misread_are_quoted() {
    let Some(python) = require_pyyaml() else {
        return;
    };
    // ON and NO are booleans to a YAML 1.1 reader; "中" encodes to base64 starting with a digit.
    let inst = Instance::new("x", "ON=\u{4e2d}\nNO=1\n", None);
    let schema_path = inst.dir.join("s.toml");
    fs::write(&schema_path, "[secrets.ON]\n[secrets.NO]\n").unwrap();
    let yaml = ok(&mut inst.cmd(&["export", "k8s", "--schema", schema_path.to_str().unwrap()]));
    assert!(yaml.contains("\"ON\": \"5Lit\"\n"), "{yaml}");
    let secrets = secrets_of(&yaml_documents(&python, &yaml));
    assert_eq!(secrets["x-secrets"]["ON"], "\u{4e2d}");
    assert_eq!(secrets["x-secrets"]["NO"], "1");
}

#[test]
fn kubernetes_validate_accepts_every_manifest() {
    let Some(validate) = require_tool("kubernetes-validate") else {
        return;
    };
    let inst = Instance::new("wiki", ENV, Some(SCHEMA));
    let outputs = [
        ("schema.yaml", vec!["export", "k8s"]),
        (
            "namespace.yaml",
            vec!["export", "k8s", "-n", "prod", "--instance", "mw1"],
        ),
        ("list.json", vec!["--json", "export", "k8s", "-n", "prod"]),
    ];
    let plain = Instance::new("wiki.example.com", ENV, None);
    let mut files = Vec::new();
    for (file, args) in &outputs {
        let path = inst.dir.join(file);
        let mut args = args.clone();
        args.extend(["--out", path.to_str().unwrap()]);
        ok(&mut inst.cmd(&args));
        files.push(path);
    }
    // kubernetes-validate knows no schema for v1/List: validate the --json output item by item.
    let list: Value =
        serde_json::from_str(&fs::read_to_string(files.pop().unwrap()).unwrap()).unwrap();
    for (i, item) in list["items"].as_array().unwrap().iter().enumerate() {
        let path = inst.dir.join(format!("item{i}.json"));
        fs::write(&path, item.to_string()).unwrap();
        files.push(path);
    }
    let path = plain.dir.join("plain.yaml");
    ok(&mut plain.cmd(&["export", "k8s", "--out", path.to_str().unwrap()]));
    files.push(path);
    for file in &files {
        let out = Command::new(&validate)
            .args(["--strict", "-k", "1.30.0"])
            .arg(file)
            .output()
            .expect("run kubernetes-validate");
        let report = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {report}", file.display());
        assert!(report.contains("passed"), "{}: {report}", file.display());
        assert!(!report.contains("ERROR"), "{}: {report}", file.display());
    }
    // The validator is not a rubber stamp: a Secret whose data value is a number fails it.
    let broken = inst.dir.join("broken.yaml");
    let good = fs::read_to_string(&files[0]).unwrap();
    let first_data = good
        .lines()
        .skip_while(|l| *l != "data:")
        .nth(1)
        .unwrap()
        .to_owned();
    let key = first_data.trim().split(':').next().unwrap();
    fs::write(
        &broken,
        good.replacen(&first_data, &format!("  {key}: 5"), 1),
    )
    .unwrap();
    let out = Command::new(&validate)
        .args(["--strict", "-k", "1.30.0"])
        .arg(&broken)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "kubernetes-validate accepted a number as Secret data"
    );
}

/// A fresh age identity made by `age-keygen` (a tool we did not write) in `dir`: (key file, recipient).
fn age_keygen(age_keygen: &Path, dir: &Path) -> (PathBuf, String) {
    let key = dir.join("age-key.txt");
    let out = Command::new(age_keygen)
        .arg("-o")
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(age_keygen)
        .arg("-y")
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    let recipient = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(recipient.starts_with("age1"), "{recipient}");
    (key, recipient)
}

/// The documents of a YAML stream, split at `---` lines.
fn split_documents(yaml: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in yaml.split_inclusive('\n') {
        if line == "---\n" {
            docs.push(String::new());
        } else {
            docs.last_mut().unwrap().push_str(line);
        }
    }
    docs
}

/// `sops -d` of one file with the given key file: its stdout as `output_type`.
fn sops_decrypt(sops: &Path, key: &Path, file: &Path, output_type: &str) -> String {
    let out = Command::new(sops)
        .args(["-d", "--input-type", "yaml", "--output-type", output_type])
        .arg(file)
        .env("SOPS_AGE_KEY_FILE", key)
        .env_remove("SOPS_AGE_KEY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sops -d {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sops_export_decrypts_to_exactly_the_plain_manifests() {
    let (Some(sops), Some(keygen), Some(validate)) = (
        require_tool("sops"),
        require_tool("age-keygen"),
        require_tool("kubernetes-validate"),
    ) else {
        return;
    };
    let inst = Instance::new("wiki", ENV, Some(SCHEMA));
    let (key, recipient) = age_keygen(&keygen, &inst.dir);
    // A second recipient: every Secret must be readable by either.
    let other = inst.dir.join("other");
    fs::create_dir(&other).unwrap();
    let (key2, recipient2) = age_keygen(&keygen, &other);
    let common = ["-n", "prod", "--instance", "mw1"];
    let plain: Value = serde_json::from_str(&ok(
        &mut inst.cmd(&[&["--json", "export", "k8s"][..], &common[..]].concat())
    ))
    .unwrap();
    let items = plain["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let out_file = inst.dir.join("secrets.sops.yaml");
    let stdout = ok(&mut inst.cmd(
        &[
            &[
                "export",
                "k8s",
                "--sops",
                "--age",
                &recipient,
                "--age",
                &recipient2,
            ][..],
            &common[..],
            &["--out", out_file.to_str().unwrap()][..],
        ]
        .concat(),
    ));
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(mode(&out_file), 0o600);
    let encrypted = fs::read_to_string(&out_file).unwrap();
    // Standard output gets the same layout (fresh data keys, so not the same bytes).
    let streamed = ok(&mut inst.cmd(
        &[
            &["export", "k8s", "--sops", "--age", &recipient][..],
            &common[..],
        ]
        .concat(),
    ));
    assert_eq!(split_documents(&streamed).len(), 3);

    // No value, and no base64 of a value, appears anywhere in the encrypted output.
    for value in env_values().values() {
        assert!(
            !encrypted.contains(value.as_str()),
            "{value:?} in the output"
        );
    }
    for item in items {
        for encoded in item["data"].as_object().unwrap().values() {
            let encoded = encoded.as_str().unwrap();
            assert!(!encrypted.contains(encoded), "{encoded} in the output");
            assert!(!streamed.contains(encoded), "{encoded} in the output");
        }
    }

    let docs = split_documents(&encrypted);
    assert_eq!(
        docs.len(),
        items.len(),
        "one document per Secret:\n{encrypted}"
    );
    let mut macs = Vec::new();
    for (i, (doc, item)) in docs.iter().zip(items).enumerate() {
        let name = item["metadata"]["name"].as_str().unwrap();
        // Everything but data stays readable for kustomize and reviewers.
        for line in [
            "apiVersion: v1\n".to_owned(),
            "kind: Secret\n".to_owned(),
            format!("    name: {name}\n"),
            "    namespace: prod\n".to_owned(),
            "        app.kubernetes.io/managed-by: secretctl\n".to_owned(),
            "        app.kubernetes.io/instance: mw1\n".to_owned(),
            "type: Opaque\n".to_owned(),
            "    encrypted_regex: ^(data|stringData)$\n".to_owned(),
        ] {
            assert!(doc.contains(&line), "{line:?} not in document {i}:\n{doc}");
        }
        let data: Vec<&str> = doc
            .lines()
            .skip_while(|l| *l != "data:")
            .skip(1)
            .take_while(|l| l.starts_with("    "))
            .collect();
        assert_eq!(data.len(), item["data"].as_object().unwrap().len(), "{doc}");
        for line in data {
            assert!(
                line.contains(": ENC[AES256_GCM,data:") && line.ends_with(",type:str]"),
                "{line}"
            );
        }
        assert_eq!(doc.matches("- recipient: age1").count(), 2, "{doc}");
        macs.push(
            doc.lines()
                .find(|l| l.starts_with("    mac: "))
                .unwrap()
                .to_owned(),
        );

        // sops -d gives exactly the plain manifest, with either key.
        let file = inst.dir.join(format!("doc{i}.yaml"));
        fs::write(&file, doc).unwrap();
        for k in [&key, &key2] {
            let json: Value = serde_json::from_str(&sops_decrypt(&sops, k, &file, "json")).unwrap();
            assert_eq!(&json, item, "document {i}");
        }
        // The decrypted YAML is a valid Secret to kubernetes-validate.
        let decrypted = inst.dir.join(format!("doc{i}.plain.yaml"));
        fs::write(&decrypted, sops_decrypt(&sops, &key, &file, "yaml")).unwrap();
        let out = Command::new(&validate)
            .args(["--strict", "-k", "1.30.0"])
            .arg(&decrypted)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && report.contains("passed"),
            "{report}"
        );

        // A changed value is caught by sops.
        let tampered = inst.dir.join(format!("doc{i}.tampered.yaml"));
        fs::write(
            &tampered,
            doc.replacen("namespace: prod", "namespace: dev", 1),
        )
        .unwrap();
        let out = Command::new(&sops)
            .args(["-d", "--input-type", "yaml", "--output-type", "json"])
            .arg(&tampered)
            .env("SOPS_AGE_KEY_FILE", &key)
            .output()
            .unwrap();
        assert!(!out.status.success(), "sops accepted a changed namespace");
    }
    // Each Secret has its own data key and MAC.
    macs.sort();
    macs.dedup();
    assert_eq!(macs.len(), 3);

    // --out-dir: one file per Secret, each one a whole sops file.
    let dir = inst.dir.join("gitops/secrets");
    ok(&mut inst.cmd(
        &[
            &["export", "k8s", "--sops", "--age", &recipient][..],
            &common[..],
            &["--out-dir", dir.to_str().unwrap()][..],
        ]
        .concat(),
    ));
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "mw1-db-credentials.yaml",
            "mw1-mw-secrets.yaml",
            "mw1-secrets.yaml"
        ]
    );
    for (file, item) in files.iter().zip(items) {
        let path = dir.join(file);
        assert_eq!(mode(&path), 0o600);
        let json: Value = serde_json::from_str(&sops_decrypt(&sops, &key, &path, "json")).unwrap();
        assert_eq!(&json, item, "{file}");
    }
}

#[test]
fn sops_export_needs_valid_recipients_and_yaml() {
    let inst = Instance::new("wiki", ENV, None);
    let mut cmd = inst.cmd(&["export", "k8s", "--sops"]);
    cmd.env_remove("SOPS_AGE_RECIPIENTS");
    let err = fails(&mut cmd, 2);
    assert!(
        err.contains("--age") && err.contains("SOPS_AGE_RECIPIENTS"),
        "{err}"
    );
    let err = fails(
        &mut inst.cmd(&["export", "k8s", "--sops", "--age", "age1nope"]),
        2,
    );
    assert!(err.contains("age1nope"), "{err}");
    let r = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    let err = fails(
        &mut inst.cmd(&["--json", "export", "k8s", "--sops", "--age", r]),
        2,
    );
    assert!(err.contains("--json"), "{err}");
    // --age alone would silently write plaintext: refused.
    fails(&mut inst.cmd(&["export", "k8s", "--age", r]), 2);
    // SOPS_AGE_RECIPIENTS is read as sops reads it (comma-separated).
    let mut cmd = inst.cmd(&["export", "k8s", "--sops"]);
    cmd.env("SOPS_AGE_RECIPIENTS", format!(" {r} ,{r}"));
    let out = ok(&mut cmd);
    assert!(out.contains(&format!("- recipient: {r}\n")), "{out}");
    assert!(
        out.contains("    DB_PASSWORD: ENC[AES256_GCM,data:"),
        "{out}"
    );
}

#[test]
fn base64_that_reads_as_a_yaml_keyword_is_quoted() {
    let Some(python) = require_pyyaml() else {
        return;
    };
    // The base64 of "M\x15\x04" is `TRUE`: unquoted, YAML would read a boolean (the other keywords of four
    // characters encode bytes that are not UTF-8, so no .env value has them).
    let inst = Instance::new("x", "A_PASSWORD=M\u{15}\u{4}\nB_PASSWORD=x\n", None);
    let yaml = ok(&mut inst.cmd(&["export", "k8s"]));
    assert!(yaml.contains("  A_PASSWORD: \"TRUE\"\n"), "{yaml}");
    let docs = yaml_documents(&python, &yaml);
    for v in docs[0]["data"].as_object().unwrap().values() {
        assert!(v.is_string(), "{yaml}");
    }
}

/// What `kubectl create secret generic NAME --from-file=KEY=FILE --dry-run=client -o json` makes of `data`
/// (data key → value): a Secret built by the reference tool, no cluster needed.
fn kubectl_secret(
    kubectl: &Path,
    name: &str,
    namespace: &str,
    data: &BTreeMap<String, String>,
) -> Value {
    let mut cmd = Command::new(kubectl);
    cmd.args([
        "create",
        "secret",
        "generic",
        name,
        "--namespace",
        namespace,
        "--dry-run=client",
        "-o",
        "json",
    ]);
    let files = tempfile::tempdir().unwrap();
    for (key, value) in data {
        let file = files.path().join(key);
        fs::write(&file, value).unwrap();
        cmd.arg(format!("--from-file={key}={}", file.display()));
    }
    let out = cmd
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("run kubectl");
    assert!(
        out.status.success(),
        "kubectl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    // kubectl leaves `type` out for Opaque.
    assert!(theirs["type"].is_null() || theirs["type"] == "Opaque");
    theirs
}

/// `kubernetes-validate --strict` on one file: it must pass.
fn assert_valid(validate: &Path, file: &Path) {
    let out = Command::new(validate)
        .args(["--strict", "-k", "1.30.0"])
        .arg(file)
        .output()
        .expect("run kubernetes-validate");
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {report}", file.display());
    assert!(report.contains("passed"), "{}: {report}", file.display());
    assert!(!report.contains("ERROR"), "{}: {report}", file.display());
}

#[test]
fn kubectl_dry_run_produces_the_same_data() {
    // The issue asks for this comparison "where kubectl exists": CI machines without it skip even under CI.
    let Some(kubectl) = find_tool("kubectl") else {
        eprintln!("skipped: kubectl not found");
        return;
    };
    let inst = Instance::new("wiki", ENV, Some(SCHEMA));
    let ours: Value = serde_json::from_str(&ok(
        &mut inst.cmd(&["--json", "export", "k8s", "-n", "prod"])
    ))
    .unwrap();
    let values = env_values();
    for manifest in ours["items"].as_array().unwrap() {
        let name = manifest["metadata"]["name"].as_str().unwrap();
        let data = manifest["data"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| (k.clone(), values[k].clone()))
            .collect();
        let theirs = kubectl_secret(&kubectl, name, "prod", &data);
        assert_eq!(theirs["data"], manifest["data"], "{name}");
        assert_eq!(theirs["metadata"]["name"], manifest["metadata"]["name"]);
        assert_eq!(
            theirs["metadata"]["namespace"],
            manifest["metadata"]["namespace"]
        );
    }
}

/// A schema that maps .env keys to Kubernetes data keys and names the instance and its namespace.
const KEYED_SCHEMA: &str = r#"
[instance]
orchestrator = "kubernetes"
name = "mw1"
namespace = "prod"

[secrets.MYSQL_PASSWORD]
k8s_secret = "{instance}-db-credentials"
k8s_key = "database-password"

[secrets.MYSQL_ROOT_PASSWORD]
k8s_secret = "{instance}-db-credentials"
k8s_key = "root-password"

[secrets.MW_SECRET_KEY]
k8s_secret = "{instance}-mw-secrets"
k8s_key = "mw.secret_key"

[secrets.DB_PASSWORD]
versioned = true
k8s_key = "db-password"
"#;

/// What [`KEYED_SCHEMA`] makes of [`ENV`]: Secret → data key → value.
fn keyed_secrets() -> BTreeMap<String, BTreeMap<String, String>> {
    let v = env_values();
    let secret = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(data_key, env_key)| ((*data_key).to_owned(), v[*env_key].clone()))
            .collect()
    };
    BTreeMap::from([
        (
            "mw1-db-credentials".to_owned(),
            secret(&[
                ("database-password", "MYSQL_PASSWORD"),
                ("root-password", "MYSQL_ROOT_PASSWORD"),
            ]),
        ),
        (
            "mw1-mw-secrets".to_owned(),
            secret(&[("mw.secret_key", "MW_SECRET_KEY")]),
        ),
        (
            "mw1-secrets".to_owned(),
            secret(&[("API_TOKEN", "API_TOKEN"), ("db-password", "DB_PASSWORD")]),
        ),
    ])
}

#[test]
fn k8s_key_in_the_schema_names_the_data_key() {
    let Some(python) = require_pyyaml() else {
        return;
    };
    let inst = Instance::new("wiki", ENV, Some(KEYED_SCHEMA));
    let yaml = ok(&mut inst.cmd(&["export", "k8s"]));
    let docs = yaml_documents(&python, &yaml);
    // The schema's [instance] table names the Secrets and their namespace.
    assert_eq!(secrets_of(&docs), keyed_secrets());
    for d in docs.as_array().unwrap() {
        assert_eq!(d["metadata"]["namespace"], "prod");
        assert_eq!(d["metadata"]["labels"]["app.kubernetes.io/instance"], "mw1");
    }
    assert!(yaml.contains("\n  database-password: "), "{yaml}");
    // The flags still win over the schema.
    let json: Value = serde_json::from_str(&ok(&mut inst.cmd(&[
        "--json",
        "export",
        "k8s",
        "-n",
        "staging",
        "--instance",
        "other",
    ])))
    .unwrap();
    assert_eq!(json["items"][0]["metadata"]["name"], "other-db-credentials");
    assert_eq!(json["items"][0]["metadata"]["namespace"], "staging");

    // The reference tools agree: kubernetes-validate --strict accepts the manifests, and kubectl makes the same
    // data from the same values under the same keys.
    if let Some(validate) = require_tool("kubernetes-validate") {
        let file = inst.dir.join("keyed.yaml");
        fs::write(&file, &yaml).unwrap();
        assert_valid(&validate, &file);
    }
    if let Some(kubectl) = find_tool("kubectl") {
        for d in docs.as_array().unwrap() {
            let name = d["metadata"]["name"].as_str().unwrap();
            let theirs = kubectl_secret(&kubectl, name, "prod", &keyed_secrets()[name]);
            assert_eq!(theirs["data"], d["data"], "{name}");
        }
    } else {
        eprintln!("skipped: kubectl not found");
    }

    // Two keys on one data key of one Secret: an error naming both (and nothing printed).
    let clash = Instance::new(
        "wiki",
        ENV,
        Some(
            "[secrets.MYSQL_PASSWORD]\nk8s_key = \"password\"\n\
             [secrets.MYSQL_ROOT_PASSWORD]\nk8s_key = \"password\"\n",
        ),
    );
    let err = fails(&mut clash.cmd(&["export", "k8s"]), 1);
    assert!(
        err.contains("MYSQL_PASSWORD and MYSQL_ROOT_PASSWORD both become the data key password")
            && err.contains("wiki-secrets"),
        "{err}"
    );
    // A k8s_key that is also another key's own name in the same Secret clashes too.
    let clash = Instance::new(
        "wiki",
        ENV,
        Some("[secrets.MYSQL_PASSWORD]\nk8s_key = \"API_TOKEN\"\n"),
    );
    let err = fails(&mut clash.cmd(&["export", "k8s"]), 1);
    assert!(err.contains("MYSQL_PASSWORD and API_TOKEN"), "{err}");
    // In different Secrets the same data key is fine.
    let apart = Instance::new(
        "wiki",
        ENV,
        Some(
            "[secrets.MYSQL_PASSWORD]\nk8s_secret = \"a\"\nk8s_key = \"password\"\n\
             [secrets.MYSQL_ROOT_PASSWORD]\nk8s_secret = \"b\"\nk8s_key = \"password\"\n",
        ),
    );
    let json: Value =
        serde_json::from_str(&ok(&mut apart.cmd(&["--json", "export", "k8s"]))).unwrap();
    let secrets = secrets_of(&json["items"]);
    assert_eq!(secrets["a"]["password"], env_values()["MYSQL_PASSWORD"]);
    assert_eq!(
        secrets["b"]["password"],
        env_values()["MYSQL_ROOT_PASSWORD"]
    );
}

#[test]
fn secret_flag_exports_only_the_named_secrets() {
    let Some(python) = require_pyyaml() else {
        return;
    };
    let inst = Instance::new("wiki", ENV, Some(KEYED_SCHEMA));
    let env = inst.env();
    // The command a kubernetes instance's refusal prints, run from an unrelated directory: the schema beside the
    // .env names the instance (mw1) and the namespace.
    let elsewhere = tempfile::tempdir().unwrap();
    let yaml = ok(secretctl().current_dir(elsewhere.path()).args([
        "export",
        "k8s",
        "--env",
        env.to_str().unwrap(),
        "--secret",
        "mw1-mw-secrets",
    ]));
    let docs = yaml_documents(&python, &yaml);
    let all = keyed_secrets();
    assert_eq!(
        secrets_of(&docs),
        BTreeMap::from([("mw1-mw-secrets".to_owned(), all["mw1-mw-secrets"].clone())])
    );
    assert_eq!(docs[0]["metadata"]["namespace"], "prod");
    // Exactly that shape, through a pipe, into what stands in for `kubectl apply -f -` without a cluster.
    if let Some(validate) = require_tool("kubernetes-validate") {
        let pipeline = format!(
            "secretctl export k8s --env '{}' --secret mw1-mw-secrets | '{}' --strict -k 1.30.0 -",
            env.display(),
            validate.display()
        );
        let bin = assert_cmd::cargo::cargo_bin("secretctl");
        let out = Command::new("bash")
            .args(["-o", "pipefail", "-c", &pipeline])
            .current_dir(elsewhere.path())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.parent().unwrap().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{report}");
        assert!(
            report.contains("passed for resource secret/mw1-mw-secrets"),
            "{report}"
        );
    }
    // Repeatable; the Secrets come in name order, as JSON too.
    let json: Value = serde_json::from_str(&ok(&mut inst.cmd(&[
        "--json",
        "export",
        "k8s",
        "--secret",
        "mw1-secrets",
        "--secret",
        "mw1-db-credentials",
    ])))
    .unwrap();
    let names: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mw1-db-credentials", "mw1-secrets"]);
    // A name no group has (here the name before [instance] name applies): not found, and the names there are.
    let err = fails(
        &mut inst.cmd(&["export", "k8s", "--secret", "wiki-mw-secrets"]),
        4,
    );
    assert!(
        err.contains("no Secret named wiki-mw-secrets")
            && err.contains("mw1-db-credentials, mw1-mw-secrets, mw1-secrets"),
        "{err}"
    );
    let out = inst.dir.join("none.yaml");
    fails(
        &mut inst.cmd(&[
            "export",
            "k8s",
            "--secret",
            "nope",
            "--out",
            out.to_str().unwrap(),
        ]),
        4,
    );
    assert!(!out.exists());
}

#[test]
fn out_file_is_created_0600_whatever_the_umask() {
    let inst = Instance::new("wiki", ENV, None);
    let out = inst.dir.join("manifests.yaml");
    // A pre-existing world-readable file is replaced, not reused.
    fs::write(&out, "old").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = Command::new("sh");
    cmd.current_dir(&inst.dir)
        .args(["-c", "umask 000; exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("secretctl"))
        .args(["export", "k8s", "--out"])
        .arg(&out);
    let stdout = ok(&mut cmd);
    assert!(
        stdout.is_empty(),
        "manifests went to stdout as well: {stdout}"
    );
    assert_eq!(mode(&out), 0o600);
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        ok(&mut inst.cmd(&["export", "k8s"]))
    );
    // No temporary file is left next to it.
    let names: Vec<_> = fs::read_dir(&inst.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn names_kubernetes_refuses_are_errors() {
    let inst = Instance::new("wiki", ENV, Some(SCHEMA));
    let err = fails(&mut inst.cmd(&["export", "k8s", "--namespace", "Prod"]), 2);
    assert!(err.contains("--namespace") && err.contains("Prod"), "{err}");
    // A name Kubernetes refuses is a bad name (exit 2), wherever it came from.
    let err = fails(&mut inst.cmd(&["export", "k8s", "--instance", "Wiki_1"]), 2);
    assert!(
        err.contains("Wiki_1-db-credentials") && err.contains("--instance"),
        "{err}"
    );
    let err = fails(
        &mut inst.cmd(&["export", "k8s", "--instance", &"a".repeat(64)]),
        2,
    );
    assert!(err.contains("app.kubernetes.io/instance"), "{err}");
    // The instance defaults to the directory name, which must make valid names too.
    let caps = Instance::new("Wiki", ENV, None);
    let err = fails(&mut caps.cmd(&["export", "k8s"]), 2);
    assert!(err.contains("Wiki-secrets"), "{err}");
    // An unknown placeholder in k8s_secret.
    let odd = Instance::new(
        "wiki",
        ENV,
        Some("[secrets.API_TOKEN]\nk8s_secret = \"{host}-tokens\"\n"),
    );
    let err = fails(&mut odd.cmd(&["export", "k8s"]), 1);
    assert!(
        err.contains("{host}-tokens") && err.contains("API_TOKEN"),
        "{err}"
    );
}

#[test]
fn missing_things_exit_4() {
    let inst = Instance::new("wiki", ENV, None);
    let err = fails(&mut inst.cmd(&["export", "k8s", "--env", "nope.env"]), 4);
    assert!(err.contains("nope.env"), "{err}");
    // A declared secret without a value is not silently left out.
    let declared = Instance::new("wiki", "MYSQL_PASSWORD=x\n", Some(SCHEMA));
    let err = fails(&mut declared.cmd(&["export", "k8s"]), 4);
    assert!(
        err.contains("MYSQL_ROOT_PASSWORD") && err.contains("--generate"),
        "{err}"
    );
    // Each message names the command that gives the key a value; run as printed, from another directory, they
    // lead to a complete export (MW_SECRET_KEY by its generator, the versioned DB_PASSWORD by a first version).
    let elsewhere = tempfile::tempdir().unwrap();
    let mut fixed = vec![run_fix(&err, elsewhere.path(), b"")];
    loop {
        let out = run(&mut declared.cmd(&["export", "k8s"]));
        if out.status.success() {
            break;
        }
        assert_eq!(out.status.code(), Some(4));
        assert!(fixed.len() < 3, "{fixed:?}");
        fixed.push(run_fix(
            &String::from_utf8_lossy(&out.stderr),
            elsewhere.path(),
            b"",
        ));
    }
    assert!(
        fixed[1].starts_with("secretctl env set MW_SECRET_KEY --generate --file /"),
        "{fixed:?}"
    );
    assert!(
        fixed[2].starts_with("secretctl env rotate DB_PASSWORD --file /"),
        "{fixed:?}"
    );
    // Without a generator the value comes from stdin.
    let given = Instance::new("wiki", "", Some("[secrets.SMTP_PASSWORD]\n"));
    let err = fails(&mut given.cmd(&["export", "k8s"]), 4);
    assert!(err.contains("(value on stdin)"), "{err}");
    run_fix(&err, elsewhere.path(), b"from stdin");
    let json: Value =
        serde_json::from_str(&ok(&mut given.cmd(&["--json", "export", "k8s"]))).unwrap();
    assert_eq!(
        secrets_of(&json["items"])["wiki-secrets"]["SMTP_PASSWORD"],
        "from stdin"
    );
    // A pointer naming a version whose value is gone.
    let dangling = Instance::new(
        "wiki",
        "DB_PASSWORD_V1=a\nSECRET_DB_PASSWORD_VERSION=v2\n",
        None,
    );
    let err = fails(&mut dangling.cmd(&["export", "k8s"]), 4);
    assert!(
        err.contains("DB_PASSWORD_V2") && err.contains("SECRET_DB_PASSWORD_VERSION"),
        "{err}"
    );
    // Nothing to export at all.
    let empty = Instance::new("wiki", "APP_URL=https://x\n", None);
    let err = fails(&mut empty.cmd(&["export", "k8s"]), 4);
    assert!(err.contains("no secrets"), "{err}");
    // --store without --instance is a usage error.
    fails(
        &mut inst.cmd(&["export", "k8s", "--store", "sqlite:x.db"]),
        2,
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Docker Swarm.

const SWARM_ENV: &str = "DOMAIN=wiki.example.com\n\
DB_PASSWORD_V1=first-version\n\
DB_PASSWORD_V2='second version, with a trailing space '\n\
SECRET_DB_PASSWORD_VERSION=v2\n\
API_TOKEN_V1=\"tok\\nwith newline\"\n\
SECRET_API_TOKEN_VERSION=v1\n\
PLAIN_PASSWORD=not-versioned\n";

#[test]
fn swarm_script_pipes_every_version_without_a_value_on_argv() {
    // A directory name a shell would split and a quote: the script must quote it.
    let inst = Instance::new("my wiki's dir", SWARM_ENV, None);
    let script_path = inst.dir.join("create-secrets.sh");
    let listing = ok(&mut inst.cmd(&["export", "swarm", "--out", script_path.to_str().unwrap()]));
    assert_eq!(mode(&script_path), 0o700);
    // The default stack comes from DOMAIN, as Co-op Cloud derives it.
    assert!(
        listing.contains("wiki_example_com_db_password_v2\tDB_PASSWORD v2"),
        "{listing}"
    );
    assert!(
        listing.contains("wiki_example_com_api_token_v1\tAPI_TOKEN v1"),
        "{listing}"
    );
    assert!(
        !listing.contains("plain_password"),
        "an unversioned key was exported: {listing}"
    );
    let script = fs::read_to_string(&script_path).unwrap();
    for value in [
        "first-version",
        "second version",
        "with newline",
        "not-versioned",
    ] {
        assert!(
            !script.contains(value),
            "{value:?} is in the script:\n{script}"
        );
    }

    let docker = FakeDocker::new(&[], &[]);
    let out = docker.run_script(&script_path, &[]);
    assert!(
        out.status.success(),
        "script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        docker.secrets(),
        BTreeMap::from([
            (
                "wiki_example_com_api_token_v1".to_owned(),
                b"tok\nwith newline".to_vec()
            ),
            (
                "wiki_example_com_db_password_v2".to_owned(),
                b"second version, with a trailing space ".to_vec()
            ),
        ])
    );
    let argv = docker.argv_log();
    assert!(argv.contains("secret create --label app.secretctl.managed-by=secretctl wiki_example_com_db_password_v2 -"));
    for value in ["second version", "with newline", "first-version"] {
        assert!(
            !argv.contains(value),
            "{value:?} reached docker's argv:\n{argv}"
        );
    }

    // Running it again leaves existing secrets alone (Swarm secrets are immutable).
    let out = docker.run_script(&script_path, &[]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .matches("exists:")
            .count(),
        2
    );
    assert_eq!(docker.argv_log().matches("secret create").count(), 2);

    // The script on stdout is the same script.
    assert_eq!(ok(&mut inst.cmd(&["export", "swarm"])), script);
}

#[test]
fn swarm_script_fails_when_a_value_cannot_be_read() {
    let inst = Instance::new("wiki", SWARM_ENV, None);
    let script_path = inst.dir.join("s.sh");
    ok(&mut inst.cmd(&[
        "export",
        "swarm",
        "--stack",
        "app",
        "--out",
        script_path.to_str().unwrap(),
    ]));
    // The version disappears between export and run: the script stops with an error and creates nothing from it.
    fs::write(inst.env(), SWARM_ENV.replace("DB_PASSWORD_V2=", "GONE=")).unwrap();
    let docker = FakeDocker::new(&[], &[]);
    let out = docker.run_script(&script_path, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DB_PASSWORD_V2"), "{stderr}");
    assert!(!docker.secrets().contains_key("app_db_password_v2"));
}

#[test]
fn swarm_names_right_at_and_just_over_the_limit() {
    // "s" + "_" + base + "_v1": a 59-character base makes exactly 64 characters, 60 makes 65.
    let at = "K".repeat(59);
    let inst = Instance::new("x", &format!("{at}_V1=v\nSECRET_{at}_VERSION=v1\n"), None);
    let json: Value = serde_json::from_str(&ok(
        &mut inst.cmd(&["--json", "export", "swarm", "--stack", "s"])
    ))
    .unwrap();
    let name = json["secrets"][0]["swarm_name"].as_str().unwrap();
    assert_eq!(name, format!("s_{}_v1", at.to_lowercase()));
    assert_eq!(name.len(), 64);
    assert_eq!(json["secrets"][0]["budget"], 0);
    assert_eq!(json["stack"], "s");
    assert!(json["script"].as_str().unwrap().contains(name));

    let over = "K".repeat(60);
    let inst = Instance::new(
        "x",
        &format!("{over}_V1=v\nSECRET_{over}_VERSION=v1\n"),
        None,
    );
    let err = fails(&mut inst.cmd(&["export", "swarm", "--stack", "s"]), 2);
    assert!(err.contains("65 characters") && err.contains("64"), "{err}");
    let out = inst.dir.join("s.sh");
    fails(
        &mut inst.cmd(&[
            "export",
            "swarm",
            "--stack",
            "s",
            "--out",
            out.to_str().unwrap(),
        ]),
        2,
    );
    assert!(
        !out.exists(),
        "a script was written for a name Swarm refuses"
    );
}

#[test]
fn swarm_needs_versioned_secrets() {
    // Declared versioned but never versioned in the .env: say how to create version 1, with a command that works
    // as printed from any directory.
    let inst = Instance::new(
        "wiki",
        "DB_PASSWORD=x\n",
        Some("[secrets.DB_PASSWORD]\ngenerator = \"alnum:32\"\nversioned = true\n"),
    );
    let err = fails(&mut inst.cmd(&["export", "swarm"]), 4);
    assert!(
        err.contains("SECRET_DB_PASSWORD_VERSION") && err.contains("env rotate DB_PASSWORD"),
        "{err}"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    run_fix(&err, elsewhere.path(), b"");
    let json: Value =
        serde_json::from_str(&ok(&mut inst.cmd(&["--json", "export", "swarm"]))).unwrap();
    assert_eq!(json["secrets"][0]["swarm_name"], "wiki_db_password_v1");
    // Without a generator `env rotate` cannot make one: the message says what to write instead.
    let inst = Instance::new(
        "wiki",
        "DB_PASSWORD=x\n",
        Some("[secrets.DB_PASSWORD]\nversioned = true\n"),
    );
    let err = fails(&mut inst.cmd(&["export", "swarm"]), 4);
    assert!(
        err.contains("add DB_PASSWORD_V1 with its value and SECRET_DB_PASSWORD_VERSION=v1")
            && !err.contains("env rotate"),
        "{err}"
    );
    let plain = Instance::new("wiki", "DB_PASSWORD=x\n", None);
    let err = fails(&mut plain.cmd(&["export", "swarm"]), 4);
    assert!(err.contains("no versioned secrets"), "{err}");
    // The hidden value command refuses a version that does not exist, and a malformed one.
    let inst = Instance::new("wiki", SWARM_ENV, None);
    let env = inst.env();
    fails(
        &mut inst.cmd(&[
            "export",
            "value",
            "--env",
            env.to_str().unwrap(),
            "--version",
            "v9",
            "--",
            "DB_PASSWORD",
        ]),
        4,
    );
    fails(
        &mut inst.cmd(&[
            "export",
            "value",
            "--env",
            env.to_str().unwrap(),
            "--version",
            "9",
            "--",
            "DB_PASSWORD",
        ]),
        2,
    );
    let out = run(&mut inst.cmd(&[
        "export",
        "value",
        "--env",
        env.to_str().unwrap(),
        "--version",
        "v1",
        "--",
        "DB_PASSWORD",
    ]));
    assert!(out.status.success());
    assert_eq!(out.stdout, b"first-version");
}

// ---------------------------------------------------------------------------------------------------------------
// The encrypted store as the source.

struct StoreFixture {
    tmp: tempfile::TempDir,
    keyfile: PathBuf,
    url: String,
}

impl StoreFixture {
    /// A store where `wiki` has db_password at v2 and api_token at v1, and another owner has a secret too.
    fn new() -> StoreFixture {
        let tmp = tempfile::tempdir().unwrap();
        let keyfile = tmp.path().join("keys/master.key");
        let key = secretctl_keyfile::create(&keyfile).unwrap();
        // A space in the path: the script must carry the URL as one word.
        let data = tmp.path().join("data dir");
        fs::create_dir(&data).unwrap();
        let url = format!("sqlite:{}", data.join("store.db").display());
        let mut store = secretctl_store::Store::open(&url.parse().unwrap()).unwrap();
        assert_eq!(store.put(&key, "wiki", "db_password", b"one").unwrap(), 1);
        assert_eq!(
            store
                .put(&key, "wiki", "db_password", b"two, the current one")
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .put(&key, "wiki", "api_token", b"tok\nwith newline\n")
                .unwrap(),
            1
        );
        store
            .put(&key, "other", "db_password", b"not-wiki")
            .unwrap();
        StoreFixture { tmp, keyfile, url }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = secretctl();
        cmd.current_dir(self.tmp.path()).args(args).args([
            "--store",
            &self.url,
            "--instance",
            "wiki",
            "--keyfile",
            self.keyfile.to_str().unwrap(),
        ]);
        cmd
    }
}

#[test]
fn the_store_exports_the_latest_version_of_each_secret_of_the_owner() {
    let fx = StoreFixture::new();
    let json: Value = serde_json::from_str(&ok(&mut fx.cmd(&["--json", "export", "k8s"]))).unwrap();
    let expected = BTreeMap::from([(
        "wiki-secrets".to_owned(),
        BTreeMap::from([
            ("api_token".to_owned(), "tok\nwith newline\n".to_owned()),
            ("db_password".to_owned(), "two, the current one".to_owned()),
        ]),
    )]);
    assert_eq!(secrets_of(&json["items"]), expected);

    // With a schema, the declared names, grouped as declared; a declared name the store lacks is an error.
    let schema = fx.tmp.path().join("s.toml");
    fs::write(
        &schema,
        "[secrets.db_password]\nk8s_secret = \"{instance}-db\"\n",
    )
    .unwrap();
    let json: Value = serde_json::from_str(&ok(&mut fx.cmd(&[
        "--json",
        "export",
        "k8s",
        "--schema",
        schema.to_str().unwrap(),
    ])))
    .unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 1);
    assert_eq!(json["items"][0]["metadata"]["name"], "wiki-db");
    fs::write(&schema, "[secrets.smtp_password]\n").unwrap();
    let err = fails(
        &mut fx.cmd(&["export", "k8s", "--schema", schema.to_str().unwrap()]),
        4,
    );
    assert!(
        err.contains("smtp_password") && err.contains("secret put"),
        "{err}"
    );
    // The command it gives puts the secret into this store, with this keyfile, as printed.
    let elsewhere = tempfile::tempdir().unwrap();
    run_fix(&err, elsewhere.path(), b"smtp");
    let json: Value = serde_json::from_str(&ok(&mut fx.cmd(&[
        "--json",
        "export",
        "k8s",
        "--schema",
        schema.to_str().unwrap(),
    ])))
    .unwrap();
    assert_eq!(
        secrets_of(&json["items"])["wiki-secrets"]["smtp_password"],
        "smtp"
    );
}

#[test]
fn the_store_swarm_script_reads_each_version_from_the_store() {
    let fx = StoreFixture::new();
    let script_path = fx.tmp.path().join("create.sh");
    let listing = ok(&mut fx.cmd(&[
        "export",
        "swarm",
        "--stack",
        "app",
        "--out",
        script_path.to_str().unwrap(),
    ]));
    assert!(
        listing.contains("app_db_password_v2\tdb_password v2"),
        "{listing}"
    );
    assert!(
        listing.contains("app_api_token_v1\tapi_token v1"),
        "{listing}"
    );
    let script = fs::read_to_string(&script_path).unwrap();
    assert!(
        !script.contains("current one") && !script.contains("with newline"),
        "{script}"
    );
    // The store URL reaches `export value` through the environment, not argv.
    assert!(script.contains("export SECRETCTL_STORE\n"), "{script}");
    assert!(!script.contains("--store"), "{script}");

    let docker = FakeDocker::new(&[], &[]);
    let out = docker.run_script(&script_path, &[]);
    assert!(
        out.status.success(),
        "script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        docker.secrets(),
        BTreeMap::from([
            (
                "app_api_token_v1".to_owned(),
                b"tok\nwith newline\n".to_vec()
            ),
            (
                "app_db_password_v2".to_owned(),
                b"two, the current one".to_vec()
            ),
        ])
    );
    // A third version later: the same script still creates v2 from v2 (versions are immutable), and an export
    // after the rotation names v3.
    let key =
        secretctl_keyfile::load(&fx.keyfile, secretctl_keyfile::LoadOptions::default()).unwrap();
    let mut store = secretctl_store::Store::open(&fx.url.parse().unwrap()).unwrap();
    store.put(&key, "wiki", "db_password", b"three").unwrap();
    let listing = ok(&mut fx.cmd(&[
        "export",
        "swarm",
        "--stack",
        "app",
        "--out",
        script_path.to_str().unwrap(),
    ]));
    assert!(listing.contains("app_db_password_v3"), "{listing}");
    let out = docker.run_script(&script_path, &[]);
    assert!(out.status.success());
    assert_eq!(docker.secrets()["app_db_password_v3"], b"three");
    assert_eq!(
        docker.secrets()["app_db_password_v2"],
        b"two, the current one"
    );
}

#[test]
fn a_keyfile_that_is_not_the_stores_is_an_integrity_failure() {
    let fx = StoreFixture::new();
    let other = fx.tmp.path().join("other/master.key");
    secretctl_keyfile::create(&other).unwrap();
    let mut cmd = secretctl();
    cmd.current_dir(fx.tmp.path()).args([
        "export",
        "k8s",
        "--store",
        &fx.url,
        "--instance",
        "wiki",
        "--keyfile",
        other.to_str().unwrap(),
    ]);
    fails(&mut cmd, 3);
    // No keyfile at all: not found, and the message says how to get one.
    let mut cmd = secretctl();
    cmd.current_dir(fx.tmp.path()).args([
        "export",
        "k8s",
        "--store",
        &fx.url,
        "--instance",
        "wiki",
        "--keyfile",
        "missing.key",
    ]);
    let err = fails(&mut cmd, 4);
    assert!(
        err.contains("missing.key") && err.contains("key init"),
        "{err}"
    );
}

#[test]
fn a_value_is_never_written_to_a_terminal() {
    // `script` (util-linux) runs the command on a pseudo-terminal.
    let Some(script) = require_tool("script") else {
        return;
    };
    let inst = Instance::new("wiki", SWARM_ENV, None);
    let bin = assert_cmd::cargo::cargo_bin("secretctl");
    let command = format!(
        "'{}' export value --env .env --version v1 -- DB_PASSWORD",
        bin.display()
    );
    let out = Command::new(script)
        .current_dir(&inst.dir)
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("refusing to write a secret value to a terminal"),
        "{shown}"
    );
    assert!(!shown.contains("first-version"), "{shown}");
}

#[test]
fn a_malformed_pointer_or_conflicting_sources_are_refused() {
    let inst = Instance::new(
        "wiki",
        "DB_PASSWORD_V2=x\nSECRET_DB_PASSWORD_VERSION=2\n",
        None,
    );
    let err = fails(&mut inst.cmd(&["export", "k8s"]), 1);
    assert!(
        err.contains(".env") && err.contains("SECRET_DB_PASSWORD_VERSION") && err.contains("v2"),
        "{err}"
    );
    fails(&mut inst.cmd(&["export", "swarm"]), 1);
    // One source at a time.
    fails(
        &mut inst.cmd(&[
            "export",
            "k8s",
            "--env",
            ".env",
            "--store",
            "sqlite:s.db",
            "--instance",
            "w",
        ]),
        2,
    );
}

#[test]
fn secretctls_own_records_are_never_exported() {
    // Rotation dates, one-shot fingerprints and the fingerprint key belong to the instance's bookkeeping, not to
    // the app: `init` keeps them in the state file, and an old .env that still holds them as SECRETCTL_* lines
    // must not hand them to Kubernetes or Swarm either.
    let tmp = tempfile::tempdir().unwrap();
    ok(secretctl().current_dir(tmp.path()).args(["init", "inst"]));
    let dir = tmp.path().join("inst");
    let env = fs::read_to_string(dir.join(".env")).unwrap();
    assert!(
        !env.contains("SECRETCTL_"),
        "init keeps its records out of the .env"
    );
    fs::write(
        dir.join(".env"),
        format!(
            "{env}SECRETCTL_INSTANCE_KEY={}\nSECRETCTL_ROTATED_DB_PASSWORD=2026-01-01\n",
            "ab".repeat(32)
        ),
    )
    .unwrap();
    for schema in [true, false] {
        if !schema {
            fs::remove_file(dir.join("secretctl.toml")).unwrap();
        }
        let json = ok(secretctl()
            .current_dir(&dir)
            .args(["--json", "export", "k8s"]));
        assert!(
            !json.contains("SECRETCTL_"),
            "exported a SECRETCTL_ record: {json}"
        );
        assert!(
            json.contains("DB_PASSWORD"),
            "the app's secrets are exported: {json}"
        );
    }
}

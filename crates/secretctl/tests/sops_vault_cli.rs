//! sops files whose data key Vault Transit wraps (`hc_vault` key groups), both ways with the real `sops` 3.11
//! against a real OpenBao (`bao server -dev`): what `sops -e --hc-vault-transit` writes `gitops decrypt` reads,
//! what `gitops encrypt --hc-vault-transit` writes `sops -d` reads (YAML, dotenv, JSON, INI), a file with an age recipient and an hc_vault
//! key decrypts with either alone, tampering fails with exit 3, and an unreachable server or a 403 fails with
//! exit 1 naming the address and the operation, the token never printed.
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{require_tool, Sandbox};
use secretctl_vault::dev::DevServer;

/// A dev server with Transit key `sops`, an age identity, the real sops, and a sandbox.
struct Env {
    server: DevServer,
    sb: Sandbox,
    sops: PathBuf,
    key: PathBuf,
    recipient: String,
}

/// What a command may use to unwrap a data key.
#[derive(Clone, Copy, PartialEq)]
enum With<'a> {
    /// The age identity only (no Vault variables at all).
    Age,
    /// Vault only (`VAULT_ADDR`, this token), no age identity.
    Vault(&'a str),
    /// Both.
    Both,
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

impl Env {
    fn new() -> Option<Env> {
        let bao = require_tool("bao")?;
        let sops = require_tool("sops")?;
        let keygen = require_tool("age-keygen")?;
        let server = DevServer::start(&bao);
        server.enable_transit("sops");
        let sb = Sandbox::new();
        let key = sb.path("key.txt");
        let out = sb.command(&keygen).arg("-o").arg(&key).output().unwrap();
        assert!(out.status.success(), "age-keygen failed");
        let recipient = std::fs::read_to_string(&key)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("# public key: "))
            .unwrap()
            .trim()
            .to_owned();
        Some(Env {
            server,
            sb,
            sops,
            key,
            recipient,
        })
    }

    fn uri(&self) -> String {
        format!("{}/v1/transit/keys/sops", self.server.address)
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.sb.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn env_for(&self, cmd: &mut std::process::Command, with: With<'_>, age_var: &str) {
        if with != With::Age {
            let token = match with {
                With::Vault(t) => t,
                _ => self.server.root_token(),
            };
            cmd.env("VAULT_ADDR", &self.server.address)
                .env("VAULT_TOKEN", token);
        }
        if !matches!(with, With::Vault(_)) {
            cmd.env(age_var, &self.key);
        }
    }

    fn sops(&self, with: With<'_>, args: &[&str]) -> Output {
        let mut cmd = self.sb.command(&self.sops);
        self.env_for(&mut cmd, with, "SOPS_AGE_KEY_FILE");
        cmd.args(args).output().unwrap()
    }

    fn sops_ok(&self, with: With<'_>, args: &[&str]) -> String {
        let out = self.sops(with, args);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "sops {args:?} failed: {stderr}");
        stdout
    }

    /// `secretctl` with `with`; checks that no token of the server is in its output.
    fn ours(&self, with: With<'_>, args: &[&str], tokens: &[&str]) -> Output {
        let mut cmd = self.sb.command(common::secretctl_bin());
        self.env_for(&mut cmd, with, "SECRETCTL_AGE_KEY_FILE");
        let out = cmd.args(args).output().unwrap();
        let (stdout, stderr) = text(&out);
        for t in tokens.iter().chain([&self.server.root_token()]) {
            assert!(
                !stdout.contains(t) && !stderr.contains(t),
                "a token was printed by {args:?}"
            );
        }
        out
    }

    fn ours_ok(&self, with: With<'_>, args: &[&str]) -> String {
        let out = self.ours(with, args, &[]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "secretctl {args:?} failed: {stderr}");
        stdout
    }

    fn ours_code(&self, with: With<'_>, args: &[&str], tokens: &[&str]) -> (i32, String) {
        let out = self.ours(with, args, tokens);
        (out.status.code().unwrap(), text(&out).1)
    }
}

const YAML: &str = "db:\n    password: hunter2\n    port: 5432\napi_token: s3cr3t-token\n";
const DOTENV: &str = "DB_PASSWORD=hunter2\nAPI_TOKEN=s3cr3t-token\n";
const INI: &str = "[db]\npassword = hunter2\nport = 5432\n";
const JSON: &str = "{\n\t\"db\": {\n\t\t\"password\": \"hunter2\"\n\t},\n\t\"n\": 1\n}";

#[test]
fn sops_hc_vault_files_decrypt_with_gitops_decrypt() {
    let Some(env) = Env::new() else { return };
    let uri = env.uri();
    for (name, plain) in [
        ("a.yaml", YAML),
        ("a.env", DOTENV),
        ("a.json", JSON),
        ("a.ini", INI),
    ] {
        let file = env.write(name, plain);
        let enc = env.sops_ok(
            With::Both,
            &["-e", "--hc-vault-transit", &uri, file.to_str().unwrap()],
        );
        assert!(
            enc.contains("vault:v1:") && !enc.contains("hunter2"),
            "{enc}"
        );
        assert!(!enc.contains("recipient"), "sops wrote an age entry: {enc}");
        let enc_file = env.write(&format!("enc.{name}"), &enc);
        let reference = env.sops_ok(
            With::Vault(env.server.root_token()),
            &["-d", enc_file.to_str().unwrap()],
        );
        let ours = env.ours_ok(
            With::Vault(env.server.root_token()),
            &["gitops", "decrypt", enc_file.to_str().unwrap()],
        );
        assert_eq!(ours, reference, "{name}");
    }
}

#[test]
fn gitops_encrypt_hc_vault_is_read_by_sops() {
    let Some(env) = Env::new() else { return };
    env.server
        .client()
        .transit("transit")
        .create_key("other")
        .unwrap();
    let uri = env.uri();
    let other = format!("{}/v1/transit/keys/other", env.server.address);
    for (name, plain) in [
        ("b.yaml", YAML),
        ("b.env", DOTENV),
        ("b.json", JSON),
        ("b.ini", INI),
    ] {
        let file = env.write(name, plain);
        let f = file.to_str().unwrap();
        // Comma-separated, as sops takes the flag.
        let both = format!("{uri},{other}");
        let enc = env.ours_ok(
            With::Vault(env.server.root_token()),
            &["gitops", "encrypt", "--hc-vault-transit", &both, f],
        );
        assert_eq!(enc.matches("vault:v1:").count(), 2, "{enc}");
        assert!(!enc.contains("hunter2"), "{enc}");
        let enc_file = env.write(&format!("enc.{name}"), &enc);
        let e = enc_file.to_str().unwrap();
        let back = env.sops_ok(With::Vault(env.server.root_token()), &["-d", e]);
        assert_eq!(
            back,
            env.ours_ok(
                With::Vault(env.server.root_token()),
                &["gitops", "decrypt", e]
            )
        );
        assert!(back.contains("hunter2"), "{back}");
        // The second key alone unwraps it: a token that may only use `other`.
        let only_other = env.server.token_with_policy(
            "other-only",
            r#"path "transit/decrypt/other" { capabilities = ["update"] }"#,
            "1h",
        );
        assert_eq!(env.sops_ok(With::Vault(&only_other), &["-d", e]), back);
        assert_eq!(
            env.ours_ok(With::Vault(&only_other), &["gitops", "decrypt", e]),
            back
        );
    }
    // Repeated flags are the same as a comma-separated list.
    let file = env.write("c.yaml", YAML);
    let enc = env.ours_ok(
        With::Vault(env.server.root_token()),
        &[
            "gitops",
            "encrypt",
            "--hc-vault-transit",
            &uri,
            "--hc-vault-transit",
            &other,
            file.to_str().unwrap(),
        ],
    );
    assert!(
        enc.contains("key_name: sops") && enc.contains("key_name: other"),
        "{enc}"
    );
    assert!(
        enc.contains(&format!("vault_address: {}", env.server.address)),
        "{enc}"
    );
    assert!(enc.contains("engine_path: transit"), "{enc}");
}

#[test]
fn age_and_hc_vault_in_one_file_decrypt_with_either() {
    let Some(env) = Env::new() else { return };
    let uri = env.uri();
    let file = env.write("m.yaml", YAML);
    let f = file.to_str().unwrap();
    let ours = env.ours_ok(
        With::Both,
        &[
            "gitops",
            "encrypt",
            "--recipient",
            &env.recipient,
            "--hc-vault-transit",
            &uri,
            f,
        ],
    );
    let theirs = env.sops_ok(
        With::Both,
        &["-e", "--age", &env.recipient, "--hc-vault-transit", &uri, f],
    );
    for (who, enc) in [("ours", ours), ("sops", theirs)] {
        assert!(
            enc.contains("hc_vault:") && enc.contains("recipient:"),
            "{who}: {enc}"
        );
        let enc_file = env.write(&format!("m.{who}.yaml"), &enc);
        let e = enc_file.to_str().unwrap();
        let root = env.server.root_token();
        for with in [With::Age, With::Vault(root), With::Both] {
            assert_eq!(env.sops_ok(with, &["-d", e]), YAML, "{who}: sops");
            assert_eq!(
                env.ours_ok(with, &["gitops", "decrypt", e]),
                YAML,
                "{who}: gitops decrypt"
            );
        }
    }
}

#[test]
fn tampered_enc_or_value_fails_with_exit_3() {
    let Some(env) = Env::new() else { return };
    let uri = env.uri();
    let file = env.write("t.yaml", YAML);
    let root = env.server.root_token().to_owned();
    let enc = env.ours_ok(
        With::Vault(&root),
        &[
            "gitops",
            "encrypt",
            "--hc-vault-transit",
            &uri,
            file.to_str().unwrap(),
        ],
    );
    // One base64 character of the Transit ciphertext changed: Transit refuses it as not authentic.
    let enc_line = enc.lines().find(|l| l.contains("enc: vault:v1:")).unwrap();
    let at = enc_line.find("vault:v1:").unwrap() + "vault:v1:".len() + 10;
    let mut changed = enc_line.to_owned();
    let c = if &changed[at..=at] == "A" { "B" } else { "A" };
    changed.replace_range(at..=at, c);
    let bad = env.write("bad-enc.yaml", &enc.replace(enc_line, &changed));
    let (code, err) = env.ours_code(
        With::Vault(&root),
        &["gitops", "decrypt", bad.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&format!("hc_vault {uri}")), "{err}");
    assert!(!env
        .sops(With::Vault(&root), &["-d", bad.to_str().unwrap()])
        .status
        .success());

    // A value's ciphertext changed.
    let value_line = enc.lines().find(|l| l.contains("api_token: ENC[")).unwrap();
    let data = value_line.find("data:").unwrap() + 5;
    let mut changed = value_line.to_owned();
    let c = if &changed[data..=data] == "A" {
        "B"
    } else {
        "A"
    };
    changed.replace_range(data..=data, c);
    let bad = env.write("bad-value.yaml", &enc.replace(value_line, &changed));
    let (code, err) = env.ours_code(
        With::Vault(&root),
        &["gitops", "decrypt", bad.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 3, "{err}");
    assert!(!env
        .sops(With::Vault(&root), &["-d", bad.to_str().unwrap()])
        .status
        .success());
}

#[test]
fn denied_unreachable_and_foreign_addresses_fail_with_exit_1_without_the_token() {
    let Some(mut env) = Env::new() else { return };
    let uri = env.uri();
    let address = env.server.address.clone();
    let file = env.write("f.yaml", YAML);
    let root = env.server.root_token().to_owned();
    let enc = env.ours_ok(
        With::Vault(&root),
        &[
            "gitops",
            "encrypt",
            "--hc-vault-transit",
            &uri,
            file.to_str().unwrap(),
        ],
    );
    let enc_file = env.write("f.enc.yaml", &enc);
    let e = enc_file.to_str().unwrap();

    // 403: a token whose policy only reads the key.
    let ro = env.server.token_with_policy(
        "ro",
        r#"path "transit/keys/*" { capabilities = ["read"] }"#,
        "1h",
    );
    let (code, err) = env.ours_code(With::Vault(&ro), &["gitops", "decrypt", e], &[&ro]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("denied")
            && err.contains(&address)
            && err.contains("transit decrypt with key sops"),
        "{err}"
    );
    assert!(err.contains("set VAULT_TOKEN"), "{err}");
    // Encrypting with it is denied too, and --in-place leaves the file as it was.
    let (code, err) = env.ours_code(
        With::Vault(&ro),
        &[
            "gitops",
            "encrypt",
            "--hc-vault-transit",
            &uri,
            "--in-place",
            file.to_str().unwrap(),
        ],
        &[&ro],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("transit encrypt with key sops") && err.contains(&address),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), YAML);

    // The token is only sent to the address the operator trusts: VAULT_ADDR elsewhere refuses the file's address
    // (it may come from a hostile repository), SOPS_HC_VAULT_ALLOWLIST allows it.
    let mut cmd = env.sb.command(common::secretctl_bin());
    let out = cmd
        .env("VAULT_ADDR", "https://vault.example.invalid:8200")
        .env("VAULT_TOKEN", &root)
        .args(["gitops", "decrypt", e])
        .output()
        .unwrap();
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("SOPS_HC_VAULT_ALLOWLIST") && !err.contains(&root),
        "{err}"
    );
    let mut cmd = env.sb.command(common::secretctl_bin());
    let out = cmd
        .env("SOPS_HC_VAULT_ALLOWLIST", &address)
        .env("VAULT_TOKEN", &root)
        .args(["gitops", "decrypt", e])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(text(&out).0, YAML);

    // Unreachable: the server is gone.
    env.server.stop();
    let (code, err) = env.ours_code(With::Vault(&root), &["gitops", "decrypt", e], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot reach Vault")
            && err.contains(&address)
            && err.contains("transit decrypt"),
        "{err}"
    );
    let (code, err) = env.ours_code(
        With::Vault(&root),
        &[
            "gitops",
            "encrypt",
            "--hc-vault-transit",
            &uri,
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot reach Vault") && err.contains("transit encrypt"),
        "{err}"
    );
}

#[test]
fn sops_yaml_rules_with_hc_vault_are_applied_as_sops_applies_them() {
    let Some(env) = Env::new() else { return };
    let git = require_tool("git").unwrap();
    let uri = env.uri();
    let root = env.server.root_token().to_owned();
    let repo = env.sb.path("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let out = env
        .sb
        .command(&git)
        .args(["init", "-q"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(out.status.success());
    let config = format!(
        "creation_rules:\n  - path_regex: ^vault-only/\n    hc_vault_transit_uri: {uri}\n  - path_regex: ^grouped/\n    key_groups:\n      - age:\n          - {r}\n        hc_vault:\n          - {uri}\n  - age: {r}\n",
        r = env.recipient
    );
    std::fs::write(repo.join(".sops.yaml"), config).unwrap();
    for dir in ["vault-only", "grouped"] {
        std::fs::create_dir_all(repo.join(dir)).unwrap();
        std::fs::write(repo.join(dir).join("a.yaml"), YAML).unwrap();
        std::fs::write(repo.join(dir).join("b.yaml"), YAML).unwrap();
    }
    let in_repo = |mut cmd: std::process::Command, with: With<'_>, age_var: &str, args: &[&str]| {
        env.env_for(&mut cmd, with, age_var);
        let out = cmd.current_dir(&repo).args(args).output().unwrap();
        let (stdout, stderr) = text(&out);
        assert!(!stdout.contains(&root) && !stderr.contains(&root));
        (out.status.success(), stdout, stderr)
    };
    let ours = |with, args: &[&str]| {
        in_repo(
            env.sb.command(common::secretctl_bin()),
            with,
            "SECRETCTL_AGE_KEY_FILE",
            args,
        )
    };
    let sops =
        |with, args: &[&str]| in_repo(env.sb.command(&env.sops), with, "SOPS_AGE_KEY_FILE", args);

    // The rule's keys, no flag: ours encrypts a.yaml, sops b.yaml; each reads the other's.
    for dir in ["vault-only", "grouped"] {
        let (ok, _, err) = ours(
            With::Vault(&root),
            &["gitops", "encrypt", "--in-place", &format!("{dir}/a.yaml")],
        );
        assert!(ok, "{err}");
        let (ok, _, err) = sops(With::Vault(&root), &["-e", "-i", &format!("{dir}/b.yaml")]);
        assert!(ok, "{err}");
        for f in ["a.yaml", "b.yaml"] {
            let rel = format!("{dir}/{f}");
            let enc = std::fs::read_to_string(repo.join(&rel)).unwrap();
            assert!(
                enc.contains("hc_vault:") && enc.contains("key_name: sops"),
                "{rel}: {enc}"
            );
            assert_eq!(enc.contains("recipient:"), dir == "grouped", "{rel}: {enc}");
            let (ok, plain, err) = ours(With::Vault(&root), &["gitops", "decrypt", &rel]);
            assert!(ok && plain == YAML, "{rel}: {err}");
            let (ok, plain, err) = sops(With::Vault(&root), &["-d", &rel]);
            assert!(ok && plain == YAML, "{rel}: {err}");
            if dir == "grouped" {
                let (ok, plain, err) = ours(With::Age, &["gitops", "decrypt", &rel]);
                assert!(ok && plain == YAML, "{rel}: {err}");
            }
        }
    }
}

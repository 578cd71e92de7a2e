//! End-to-end tests of the Vault / OpenBao commands against a real `bao server -dev`: the Transit-held master key
//! (`key init --transit`, `key rewrap`), KV v2 sync (`export vault`, `import vault`), and the failure modes.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns: a panic is how a test reports failure

mod common;

use std::path::PathBuf;

use common::{require_tool, Sandbox};
use predicates::prelude::*;
use secretctl_vault::dev::DevServer;

/// A dev server with Transit key `secretctl`, and a sandbox whose commands see its address and root token.
struct Env {
    server: DevServer,
    sb: Sandbox,
}

impl Env {
    fn new() -> Option<Env> {
        let bao = require_tool("bao")?;
        let server = DevServer::start(&bao);
        server.enable_transit("secretctl");
        Some(Env {
            server,
            sb: Sandbox::new(),
        })
    }

    fn keyfile(&self) -> PathBuf {
        self.sb.path("keys/master.key")
    }

    fn uri(&self) -> String {
        format!("{}/v1/transit/keys/secretctl", self.server.address)
    }

    /// `secretctl` with `VAULT_ADDR`, `token` as `VAULT_TOKEN`, and the sandbox's keyfile.
    fn cmd_with(&self, token: &str) -> assert_cmd::Command {
        let mut c = self.sb.secretctl();
        c.env("VAULT_ADDR", &self.server.address)
            .env("VAULT_TOKEN", token)
            .env("SECRETCTL_KEYFILE", self.keyfile())
            .env("USER", "tester");
        c
    }

    fn cmd(&self) -> assert_cmd::Command {
        self.cmd_with(self.server.root_token())
    }

    /// Run, require `code`, check the token is in neither stream; stdout and stderr.
    fn run(&self, args: &[&str], stdin: &str, code: i32) -> (String, String) {
        let out = self
            .cmd()
            .args(args)
            .write_stdin(stdin.to_owned())
            .assert()
            .code(code);
        let o = out.get_output();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        );
        assert!(
            !stdout.contains(self.server.root_token())
                && !stderr.contains(self.server.root_token()),
            "token printed by {args:?}"
        );
        (stdout, stderr)
    }
}

#[test]
fn transit_held_key_put_get_rotate_rewrap_restart() {
    let Some(env) = Env::new() else { return };
    let uri = env.uri();
    let (out, _) = env.run(&["--json", "key", "init", "--transit", &uri], "", 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = v["key_id"].as_str().unwrap().to_owned();
    // Only ciphertext on disk: the raw key (from an explicit backup) is not in the file.
    let text = std::fs::read_to_string(env.keyfile()).unwrap();
    assert!(text.contains("vault:v1:") && text.contains(&uri), "{text}");
    let (raw, _) = env.run(&["key", "backup", "--raw-base64"], "", 0);
    assert!(!text.contains(raw.trim()));

    env.run(&["secret", "put", "tenant-1", "api_token"], "value-one", 0);
    let (got, _) = env.run(&["secret", "get", "tenant-1", "api_token"], "", 0);
    assert_eq!(got, "value-one");

    // key rotate: a new key, wrapped too; the old one stays wrapped as retired.
    env.run(&["key", "rotate"], "", 0);
    let (out, _) = env.run(&["--json", "key", "id"], "", 0);
    let second: serde_json::Value = serde_json::from_str(&out).unwrap();
    let second = second["key_id"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let retired = env
        .keyfile()
        .with_file_name("master.key.keyring")
        .join(format!("{first}.key"));
    assert!(std::fs::read_to_string(&retired)
        .unwrap()
        .contains("vault:v1:"));

    // The Transit key rotates; `key rewrap` moves both files to v2 without touching the store.
    let store = env.sb.path("keys/store.db");
    let before = std::fs::read(&store).unwrap();
    env.server
        .client()
        .transit("transit")
        .rotate_key("secretctl")
        .unwrap();
    let (out, _) = env.run(&["key", "rewrap"], "", 0);
    assert_eq!(out.matches("vault:v1 -> vault:v2").count(), 2, "{out}");
    assert_eq!(
        std::fs::read(&store).unwrap(),
        before,
        "rewrap touched the store"
    );
    assert!(std::fs::read_to_string(env.keyfile())
        .unwrap()
        .contains("vault:v2:"));
    assert!(std::fs::read_to_string(&retired)
        .unwrap()
        .contains("vault:v2:"));

    // A new process reads everything.
    let (got, _) = env.run(&["secret", "get", "tenant-1", "api_token"], "", 0);
    assert_eq!(got, "value-one");
    let (list, _) = env.run(&["key", "list"], "", 0);
    assert!(list.contains(&first) && list.contains(&second), "{list}");

    // Without a token: the fix names the variable.
    env.sb
        .secretctl()
        .env("SECRETCTL_KEYFILE", env.keyfile())
        .args(["secret", "get", "tenant-1", "api_token"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("set VAULT_TOKEN"));
}

#[test]
fn outages_and_denials_fail_cleanly_and_rotation_resumes() {
    let Some(mut env) = Env::new() else { return };
    let uri = env.uri();
    // 403 from a token whose policy only reads: nothing is written.
    let ro = env.server.token_with_policy(
        "ro",
        r#"path "transit/keys/*" { capabilities = ["read"] }"#,
        "1h",
    );
    let out = env
        .cmd_with(&ro)
        .args(["key", "init", "--transit", &uri])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("denied") && err.contains(&env.server.address),
        "{err}"
    );
    assert!(
        err.contains("transit/encrypt/secretctl") && err.contains("set VAULT_TOKEN"),
        "{err}"
    );
    assert!(!err.contains(&ro));
    assert!(!env.keyfile().exists());

    env.run(&["key", "init", "--transit", &uri], "", 0);
    env.run(&["secret", "put", "t", "n"], "v1", 0);
    let keyfile_before = std::fs::read(env.keyfile()).unwrap();

    // An expired token.
    let short = env.server.token_with_policy(
        "short",
        r#"path "transit/*" { capabilities = ["update"] }"#,
        "1s",
    );
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let out = env
        .cmd_with(&short)
        .args(["secret", "get", "t", "n"])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("expired") && err.contains("transit decrypt"),
        "{err}"
    );
    assert!(!err.contains(&short));

    // Sealed during `key rotate`: exit 1, the keyfile and the store as they were; after unsealing, it runs.
    env.server.seal();
    let (_, err) = env.run(&["key", "rotate"], "", 1);
    assert!(
        err.contains("sealed")
            && err.contains("bao operator unseal")
            && err.contains(&env.server.address),
        "{err}"
    );
    assert_eq!(std::fs::read(env.keyfile()).unwrap(), keyfile_before);
    env.server.unseal();
    env.run(&["key", "rotate"], "", 0);
    let (got, _) = env.run(&["secret", "get", "t", "n"], "", 0);
    assert_eq!(got, "v1");

    // A rotation left half done (the keyfile rotated, this store's rows still under the old key, as after a crash
    // or a rotation run against another store), then an outage: it fails, and once Vault is back it resumes
    // instead of making yet another key.
    let other = format!("sqlite:{}", env.sb.path("other.db").display());
    env.run(&["store", "init", &other], "", 0);
    env.run(&["secret", "put", "o", "seed", "--store", &other], "x", 0);
    env.run(&["key", "rotate", "--store", &other], "", 0);
    let (id, _) = env.run(&["key", "id"], "", 0);
    env.server.seal();
    let (_, err) = env.run(&["key", "rotate"], "", 1);
    assert!(err.contains("sealed"), "{err}");
    env.server.unseal();
    let (_, err) = env.run(&["key", "rotate"], "", 0);
    assert!(err.contains("resuming"), "{err}");
    assert_eq!(
        env.run(&["key", "id"], "", 0).0,
        id,
        "a resumed rotation made a new key"
    );
    let (got, _) = env.run(&["secret", "get", "t", "n"], "", 0);
    assert_eq!(got, "v1");

    // Unreachable.
    env.server.stop();
    let (_, err) = env.run(&["secret", "get", "t", "n"], "", 1);
    assert!(
        err.contains("cannot reach Vault at") && err.contains(&env.server.address),
        "{err}"
    );
}

const KV_SCHEMA: &str = r#"
[secrets.JWT_SECRET]
generator = "alnum:32"
k8s_secret = "veza-secrets"
k8s_key = "jwt-secret"

[secrets.DB_PASSWORD]
generator = "alnum:32"
k8s_secret = "{instance}-db-credentials"
k8s_key = "password"
"#;

/// Every `data` map of `export k8s --json` output, decoded: data key → value.
fn k8s_data(json: &str) -> std::collections::BTreeMap<String, String> {
    use base64::Engine as _;
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let docs = match &v {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) if o.contains_key("items") => {
            v["items"].as_array().unwrap().clone()
        }
        _ => vec![v.clone()],
    };
    let mut out = std::collections::BTreeMap::new();
    for d in docs {
        for (k, b64) in d["data"].as_object().unwrap() {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.as_str().unwrap())
                .unwrap();
            out.insert(k.clone(), String::from_utf8(bytes).unwrap());
        }
    }
    out
}

#[test]
fn kv_export_import_round_trip_and_check_and_set_conflict() {
    let Some(env) = Env::new() else { return };
    let dir = env.sb.path("wiki");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("secretctl.toml"), KV_SCHEMA).unwrap();
    std::fs::write(
        dir.join(".env"),
        "# wiki\nJWT_SECRET=jwt-value-0123456789\nDB_PASSWORD='db pass \"quoted\"'\nDOMAIN=wiki.example.com\n",
    )
    .unwrap();
    let env_file = dir.join(".env");
    let env_arg = env_file.to_str().unwrap();
    let (out, _) = env.run(
        &[
            "--json",
            "export",
            "vault",
            "--env",
            env_arg,
            "--path",
            "secret/wiki/prod",
        ],
        "",
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);

    // The KV secret holds exactly what `export k8s` puts in the Secrets, under the same data keys.
    let kv = env
        .server
        .client()
        .kv()
        .read(&"secret/wiki/prod".parse().unwrap())
        .unwrap();
    let kv: std::collections::BTreeMap<String, String> = kv
        .data
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                secrecy::ExposeSecret::expose_secret(v).to_owned(),
            )
        })
        .collect();
    let (k8s, _) = env.run(&["--json", "export", "k8s", "--env", env_arg], "", 0);
    assert_eq!(kv, k8s_data(&k8s));
    assert_eq!(kv["jwt-secret"], "jwt-value-0123456789");
    assert_eq!(kv["password"], "db pass \"quoted\"");

    // Import into another instance of the same schema: the lossless editor keeps its comment and other lines.
    let other = env.sb.path("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("secretctl.toml"), KV_SCHEMA).unwrap();
    std::fs::write(
        other.join(".env"),
        "# keep me\nDOMAIN=other.example.com\nJWT_SECRET=old-value-0123456789\n",
    )
    .unwrap();
    let other_env = other.join(".env");
    let other_arg = other_env.to_str().unwrap();
    let (out, _) = env.run(
        &[
            "import",
            "vault",
            "--path",
            "secret/wiki/prod",
            "--env",
            other_arg,
        ],
        "",
        0,
    );
    assert!(
        out.contains("DB_PASSWORD") && out.contains("JWT_SECRET"),
        "{out}"
    );
    let text = std::fs::read_to_string(&other_env).unwrap();
    assert!(
        text.starts_with("# keep me\nDOMAIN=other.example.com\n"),
        "{text}"
    );
    let (k8s_other, _) = env.run(&["--json", "export", "k8s", "--env", other_arg], "", 0);
    assert_eq!(k8s_data(&k8s_other), kv);

    // One key the policy refuses (an empty DB_PASSWORD, after a valid jwt-secret in key order): exit 1, and the
    // .env is byte for byte as it was, the valid key not written either.
    let half: std::collections::BTreeMap<String, secrecy::SecretString> =
        [("jwt-secret", "new-jwt-value-0123456789"), ("password", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), secrecy::SecretString::from(v.to_owned())))
            .collect();
    env.server
        .client()
        .kv()
        .write_cas(&"secret/wiki/half".parse().unwrap(), &half, 0)
        .unwrap();
    let before = std::fs::read(&other_env).unwrap();
    let args = [
        "import",
        "vault",
        "--path",
        "secret/wiki/half",
        "--env",
        other_arg,
    ];
    let (_, err) = env.run(&args, "", 1);
    assert!(err.contains("DB_PASSWORD"), "{err}");
    assert_eq!(std::fs::read(&other_env).unwrap(), before);

    // A concurrent writer: someone writes version 2 after we read version 1; our write fails and loses nothing.
    let theirs: std::collections::BTreeMap<String, secrecy::SecretString> = [(
        "jwt-secret".to_owned(),
        secrecy::SecretString::from("theirs".to_owned()),
    )]
    .into();
    env.server
        .client()
        .kv()
        .write_cas(&"secret/wiki/prod".parse().unwrap(), &theirs, 1)
        .unwrap();
    let (out, err) = env.run(
        &[
            "export",
            "vault",
            "--env",
            env_arg,
            "--path",
            "secret/wiki/prod",
            "--cas",
            "1",
        ],
        "",
        1,
    );
    assert!(out.is_empty());
    assert!(
        err.contains("secret/wiki/prod")
            && err.contains("version 1")
            && err.contains(&env.server.address),
        "{err}"
    );
    let now = env
        .server
        .client()
        .kv()
        .read(&"secret/wiki/prod".parse().unwrap())
        .unwrap();
    assert_eq!(now.version, 2);
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(&now.data["jwt-secret"]),
        "theirs"
    );
    // Without --cas it writes over the version it reads.
    let (out, _) = env.run(
        &[
            "export",
            "vault",
            "--env",
            env_arg,
            "--path",
            "secret/wiki/prod",
        ],
        "",
        0,
    );
    assert!(out.contains("version 3"), "{out}");

    // A read-only token cannot write: exit 1, naming the policy path; the KV secret stays at version 3.
    let ro = env.server.token_with_policy(
        "kv-ro",
        r#"path "secret/*" { capabilities = ["read"] }"#,
        "1h",
    );
    let out = env
        .cmd_with(&ro)
        .args([
            "export",
            "vault",
            "--env",
            env_arg,
            "--path",
            "secret/wiki/prod",
        ])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("create, update on secret/data/wiki/prod"),
        "{err}"
    );
    assert!(!err.contains(&ro));
    assert_eq!(
        env.server
            .client()
            .kv()
            .metadata(&"secret/wiki/prod".parse().unwrap())
            .unwrap()
            .unwrap()
            .current_version,
        3
    );
}

/// Validate every document of `json` (a `v1/List`) against the vendored ESO CRD schema of its kind, strictly.
fn validate_eso(json: &str) -> bool {
    let Some(python) = common::tools_venv()
        .map(|v| v.join("bin/python"))
        .filter(|p| p.is_file())
    else {
        common::missing("the tools venv's python (with jsonschema)");
        return false;
    };
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/eso");
    let script = r#"
import json, sys, jsonschema
def strict(s):
    if isinstance(s, dict):
        if "properties" in s and "additionalProperties" not in s and not s.get("x-kubernetes-preserve-unknown-fields"):
            s["additionalProperties"] = False
        for v in s.values(): strict(v)
    elif isinstance(s, list):
        for v in s: strict(v)
    return s
doc = json.load(sys.stdin)
for item in doc["items"]:
    crd = json.load(open(f"{sys.argv[1]}/{item['kind']}.v1.json"))
    assert crd["served"] and crd["storage"]
    assert item["apiVersion"] == crd["group"] + "/" + crd["version"], item["apiVersion"]
    jsonschema.validate(item, strict(crd["openAPIV3Schema"]))
print(len(doc["items"]))
"#;
    let mut child = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&data)
        .stdin(std::process::Stdio::piped())
        .output_with_stdin(json);
    let out = child.take().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

trait OutputWithStdin {
    fn output_with_stdin(&mut self, input: &str) -> Option<std::process::Output>;
}

impl OutputWithStdin for std::process::Command {
    fn output_with_stdin(&mut self, input: &str) -> Option<std::process::Output> {
        use std::io::Write as _;
        let mut child = self
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Some(child.wait_with_output().unwrap())
    }
}

#[test]
fn eso_manifests_validate_and_name_the_secrets_export_k8s_makes() {
    let sb = Sandbox::new();
    let dir = sb.path("wiki");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("secretctl.toml"),
        format!("[instance]\nnamespace = \"prod\"\n{KV_SCHEMA}"),
    )
    .unwrap();
    std::fs::write(
        dir.join(".env"),
        "JWT_SECRET=jwt-value-0123456789\nDB_PASSWORD=db-pass-0123456789\nAPI_TOKEN=tok-1\n",
    )
    .unwrap();
    let env_file = dir.join(".env");
    let env_arg = env_file.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = sb.secretctl().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    for store in [
        &[
            "--with-store",
            "--vault-server",
            "https://bao.internal:8200",
        ][..],
        &[
            "--with-store",
            "--cluster-store",
            "--vault-server",
            "https://bao.internal:8200",
            "--role",
            "wiki-eso",
        ][..],
        &[][..],
    ] {
        let mut args = vec![
            "--json",
            "export",
            "eso",
            "--env",
            env_arg,
            "--path",
            "secret/wiki/prod",
        ];
        args.extend_from_slice(store);
        let json = run(&args);
        if !validate_eso(&json) {
            return;
        }
        // No value in the output.
        for v in ["jwt-value-0123456789", "db-pass-0123456789", "tok-1"] {
            assert!(!json.contains(v));
        }
        // The same Secrets (name, namespace) with the same data keys as `export k8s`.
        let eso: serde_json::Value = serde_json::from_str(&json).unwrap();
        let k8s: serde_json::Value =
            serde_json::from_str(&run(&["--json", "export", "k8s", "--env", env_arg])).unwrap();
        let want: Vec<(String, String, Vec<String>)> = k8s["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let keys = s["data"].as_object().unwrap().keys().cloned().collect();
                (
                    s["metadata"]["name"].as_str().unwrap().to_owned(),
                    s["metadata"]["namespace"].as_str().unwrap().to_owned(),
                    keys,
                )
            })
            .collect();
        let got: Vec<(String, String, Vec<String>)> = eso["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "ExternalSecret")
            .map(|d| {
                let keys = d["spec"]["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| {
                        assert_eq!(e["remoteRef"]["key"], "wiki/prod");
                        assert_eq!(e["remoteRef"]["property"], e["secretKey"]);
                        e["secretKey"].as_str().unwrap().to_owned()
                    })
                    .collect();
                (
                    d["spec"]["target"]["name"].as_str().unwrap().to_owned(),
                    d["metadata"]["namespace"].as_str().unwrap().to_owned(),
                    keys,
                )
            })
            .collect();
        assert_eq!(got, want);
        assert!(want
            .iter()
            .any(|(n, _, k)| n == "veza-secrets" && k == &["jwt-secret".to_owned()]));
        assert!(want
            .iter()
            .any(|(n, _, k)| n == "wiki-db-credentials" && k == &["password".to_owned()]));
    }
    // The YAML form is the same documents.
    let yaml = run(&[
        "export",
        "eso",
        "--env",
        env_arg,
        "--path",
        "secret/wiki/prod",
    ]);
    assert!(
        yaml.starts_with("apiVersion: external-secrets.io/v1\nkind: ExternalSecret\n"),
        "{yaml}"
    );
    assert_eq!(yaml.matches("\n---\n").count(), 2);
}

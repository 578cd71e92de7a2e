//! The canary test: drive every command group with a recognisable secret and prove the secret never leaks where
//! it must not: stderr of any command (success or failure), error messages, `--json` output that did not ask for
//! values, command lines we generate, and `Debug` strings of the library types that hold secrets.
//!
//! Commands whose job is to print a value (`env get`, `secret get`, `env list --json`, `gitops decrypt`, ...)
//! may print it on stdout; everything else may not, in any encoding we use (plain, base64, hex).

// Helpers outside #[test] functions unwrap too: in a test, a panic with its location is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{require_tool, secretctl_bin, Sandbox};

const CANARY: &str = "CANARY-q7Zx3vK9-do-not-leak";

struct Env {
    sandbox: Sandbox,
    dir: PathBuf,
}

impl Env {
    fn new() -> Self {
        let sandbox = Sandbox::new();
        Env {
            dir: sandbox.dir(),
            sandbox,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.sandbox.command(secretctl_bin());
        c.args(args)
            .env("SECRETCTL_KEYFILE", self.dir.join("keys/master.key"));
        c
    }

    /// Run with `stdin` piped in; return the output. Panics only if the process cannot start.
    fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            let mut input = child.stdin.take().unwrap();
            // The command may exit before reading (an error): a broken pipe here is fine.
            let _ = input.write_all(stdin);
        }
        child.wait_with_output().unwrap()
    }
}

fn forms(secret: &str) -> Vec<String> {
    use std::fmt::Write as _;
    let mut hex = String::new();
    for b in secret.as_bytes() {
        let _ = write!(hex, "{b:02x}");
    }
    vec![
        secret.to_owned(),
        // the first 12 characters catch a truncated or partially escaped leak too
        secret[..12].to_owned(),
        base64_std(secret.as_bytes()),
        hex,
    ]
}

fn base64_std(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let len = chunk.len() + 1;
        for i in 0..4 {
            if i < len {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[track_caller]
fn assert_clean(what: &str, stream: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for form in forms(CANARY) {
        assert!(
            !text.contains(&form),
            "{what}: the canary leaked into {stream} (as {form:?}):\n{text}"
        );
    }
}

/// A command that must not print the secret anywhere.
#[track_caller]
fn quiet(env: &Env, args: &[&str], stdin: &[u8]) -> Output {
    let out = env.run(args, stdin);
    let what = format!("secretctl {}", args.join(" "));
    assert_clean(&what, "stderr", &out.stderr);
    assert_clean(&what, "stdout", &out.stdout);
    out
}

/// A command whose job is to print the secret on stdout: stderr must still be clean.
#[track_caller]
fn reveals(env: &Env, args: &[&str], stdin: &[u8]) -> Output {
    let out = env.run(args, stdin);
    let what = format!("secretctl {}", args.join(" "));
    assert_clean(&what, "stderr", &out.stderr);
    out
}

#[track_caller]
fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn age_identity(dir: &Path, name: &str) -> Option<(PathBuf, String)> {
    let keygen = require_tool("age-keygen")?;
    let path = dir.join(name);
    let status = Command::new(&keygen)
        .arg("-o")
        .arg(&path)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "age-keygen -o failed");
    let out = Command::new(&keygen).arg("-y").arg(&path).output().unwrap();
    assert!(out.status.success(), "age-keygen -y failed");
    Some((
        path,
        String::from_utf8(out.stdout).unwrap().trim().to_owned(),
    ))
}

#[test]
fn the_canary_never_leaks_from_the_env_commands() {
    let env = Env::new();
    let c = CANARY.as_bytes();
    ok(&quiet(&env, &["init", "."], b""), "init");
    ok(&quiet(&env, &["env", "set", "SMTP_PASSWORD"], c), "env set");
    ok(
        &quiet(
            &env,
            &["env", "set", "QUOTED"],
            format!("a \"{CANARY}\" $x #y\n'z'").as_bytes(),
        ),
        "env set quoted",
    );
    ok(&quiet(&env, &["env", "list"], b""), "env list");
    ok(&quiet(&env, &["check"], b""), "check");
    ok(&quiet(&env, &["--json", "check"], b""), "check --json");
    let got = reveals(&env, &["env", "get", "SMTP_PASSWORD"], b"");
    ok(&got, "env get");
    assert!(
        String::from_utf8_lossy(&got.stdout).contains(CANARY),
        "env get prints the value"
    );
    ok(
        &reveals(&env, &["--json", "env", "list"], b""),
        "env list --json",
    );
    ok(
        &quiet(&env, &["env", "rename", "SMTP_PASSWORD", "SMTP_PASS"], b""),
        "env rename",
    );
    // errors: a value on a bad key, a file that does not parse around the canary, an unset variable
    let bad = quiet(&env, &["env", "set", "BAD KEY"], c);
    assert!(!bad.status.success());
    std::fs::write(
        env.dir.join("broken.env"),
        format!("OK=1\nlol{CANARY}\nX=\"{CANARY}\n"),
    )
    .unwrap();
    let parse = quiet(&env, &["env", "list", "--file", "broken.env"], b"");
    assert!(!parse.status.success());
    let parse = quiet(
        &env,
        &["--json", "env", "list", "--file", "broken.env"],
        b"",
    );
    assert!(!parse.status.success());
    std::fs::write(
        env.dir.join("required.env"),
        format!("A={CANARY}\nB=${{UNSET:?{CANARY}}}\n"),
    )
    .unwrap();
    let required = quiet(
        &env,
        &["--json", "env", "list", "--file", "required.env"],
        b"",
    );
    assert!(!required.status.success());
    // a generated value is never printed by set --generate / rotate
    ok(
        &quiet(&env, &["env", "rotate", "DB_PASSWORD"], b""),
        "env rotate",
    );
    let one_shot = quiet(&env, &["env", "rotate", "APP_SECRET_KEY"], b"");
    assert!(!one_shot.status.success());
}

#[test]
fn the_canary_never_leaks_from_the_key_and_secret_commands() {
    let env = Env::new();
    let c = CANARY.as_bytes();
    ok(&quiet(&env, &["key", "init"], b""), "key init");
    ok(
        &quiet(&env, &["secret", "put", "tenant", "api_key"], c),
        "secret put",
    );
    ok(
        &quiet(&env, &["secret", "put", "tenant", "api_key"], c),
        "secret put v2",
    );
    ok(&quiet(&env, &["secret", "list"], b""), "secret list");
    ok(
        &quiet(&env, &["--json", "secret", "list"], b""),
        "secret list --json",
    );
    ok(
        &quiet(&env, &["secret", "history", "tenant", "api_key"], b""),
        "secret history",
    );
    ok(
        &quiet(
            &env,
            &["--json", "secret", "history", "tenant", "api_key"],
            b"",
        ),
        "history --json",
    );
    ok(&quiet(&env, &["secret", "audit"], b""), "secret audit");
    ok(
        &quiet(&env, &["--json", "secret", "audit"], b""),
        "secret audit --json",
    );
    let got = reveals(&env, &["secret", "get", "tenant", "api_key"], b"");
    ok(&got, "secret get");
    assert!(String::from_utf8_lossy(&got.stdout).contains(CANARY));
    ok(&quiet(&env, &["key", "rotate"], b""), "key rotate");
    ok(
        &quiet(&env, &["--json", "key", "list"], b""),
        "key list --json",
    );
    ok(
        &reveals(
            &env,
            &["secret", "get", "tenant", "api_key", "--version", "1"],
            b"",
        ),
        "get v1",
    );
    // a wrong key: replace the keyring with a fresh one and read
    let other = Env::new();
    ok(&quiet(&other, &["key", "init"], b""), "second key init");
    let store = format!("sqlite:{}", env.dir.join("keys/store.db").display());
    let wrong = quiet(
        &other,
        &["secret", "get", "tenant", "api_key", "--store", &store],
        b"",
    );
    assert_eq!(
        wrong.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    // a value given on argv is accepted with a warning that must not echo it
    let argv = quiet(
        &env,
        &["secret", "put", "tenant", "argv_key", "--value", CANARY],
        b"",
    );
    ok(&argv, "secret put --value");
    ok(
        &quiet(&env, &["secret", "rm", "tenant", "argv_key", "--all"], b""),
        "secret rm",
    );
    // backups carry the key, not the canary; still, nothing on stderr
    if let Some((_id, recipient)) = age_identity(&env.dir, "backup.txt") {
        ok(
            &quiet(
                &env,
                &[
                    "key",
                    "backup",
                    "--recipient",
                    &recipient,
                    "--output",
                    "backup.age",
                ],
                b"",
            ),
            "key backup",
        );
    }
}

#[test]
fn the_canary_never_leaks_from_gitops_and_export() {
    let env = Env::new();
    let Some((identity, recipient)) = age_identity(&env.dir, "ops.txt") else {
        return;
    };
    let identity = identity.to_str().unwrap().to_owned();
    let c = CANARY.as_bytes();
    ok(&quiet(&env, &["init", "instance"], b""), "init");
    let env_file = env.dir.join("instance/.env");
    let env_file = env_file.to_str().unwrap();
    ok(
        &quiet(
            &env,
            &["env", "set", "SMTP_PASSWORD", "--file", env_file],
            c,
        ),
        "env set",
    );
    let schema_path = env.dir.join("instance/secretctl.toml");
    let mut schema_text = std::fs::read_to_string(&schema_path).unwrap();
    schema_text.push_str("\n[secrets.SWARM_TOKEN]\ngenerator = \"alnum:20\"\nversioned = true\n");
    std::fs::write(&schema_path, schema_text).unwrap();
    let with_schema = [
        "--file",
        env_file,
        "--schema",
        schema_path.to_str().unwrap(),
    ];
    ok(
        &quiet(
            &env,
            &[&["env", "rotate", "SWARM_TOKEN"][..], &with_schema[..]].concat(),
            b"",
        ),
        "rotate versioned",
    );
    ok(
        &quiet(
            &env,
            &[
                "gitops",
                "init",
                "--repo",
                "repo",
                "--recipient",
                &recipient,
            ],
            b"",
        ),
        "gitops init",
    );
    let push = [
        "gitops",
        "push",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--env",
        env_file,
        "--identity",
        &identity,
    ];
    ok(&quiet(&env, &push, b""), "gitops push");
    ok(
        &quiet(&env, &["gitops", "diff", "--repo", "repo", "HEAD"], b""),
        "gitops diff",
    );
    ok(
        &quiet(
            &env,
            &["--json", "gitops", "diff", "--repo", "repo", "HEAD"],
            b"",
        ),
        "gitops diff --json",
    );
    ok(
        &quiet(&env, &["gitops", "check", "--repo", "repo"], b""),
        "gitops check",
    );
    // everything committed is ciphertext
    let vars = std::fs::read(env.dir.join("repo/hosts/web1/vars.yaml")).unwrap();
    assert_clean("hosts/web1/vars.yaml", "the repository", &vars);
    let pull = [
        "gitops",
        "pull",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--out",
        "pulled.env",
        "--identity",
        &identity,
    ];
    ok(&quiet(&env, &pull, b""), "gitops pull");
    let wrong = quiet(
        &env,
        &[
            "gitops",
            "decrypt",
            "repo/hosts/web1/vars.yaml",
            "--identity",
            "/dev/null",
        ],
        b"",
    );
    assert!(!wrong.status.success());
    let dec = reveals(
        &env,
        &[
            "gitops",
            "decrypt",
            "repo/hosts/web1/vars.yaml",
            "--identity",
            &identity,
        ],
        b"",
    );
    ok(&dec, "gitops decrypt");

    let schema = env.dir.join("instance/secretctl.toml");
    let schema = schema.to_str().unwrap();
    ok(
        &reveals(
            &env,
            &[
                "export",
                "k8s",
                "--env",
                env_file,
                "--schema",
                schema,
                "--instance",
                "demo",
            ],
            b"",
        ),
        "k8s",
    );
    ok(
        &quiet(
            &env,
            &[
                "export", "swarm", "--env", env_file, "--schema", schema, "--stack", "demo",
            ],
            b"",
        ),
        "swarm",
    );
    ok(
        &quiet(
            &env,
            &[
                "--json", "export", "swarm", "--env", env_file, "--schema", schema, "--stack",
                "demo",
            ],
            b"",
        ),
        "swarm --json",
    );
}

#[test]
fn debug_strings_of_secret_types_never_show_the_canary() {
    let key = secretctl_envelope::Key::from_bytes(&[7u8; 32]);
    let ctx = secretctl_envelope::Context::new("secretctl/test", "owner", "name", 1);
    let sealed = secretctl_envelope::seal(&key, &ctx, CANARY.as_bytes()).unwrap();
    let mut ring = secretctl_envelope::Keyring::new();
    ring.insert(secretctl_envelope::Key::from_bytes(&[7u8; 32]));
    let opened = secretctl_envelope::open(&ring, &ctx, &sealed).unwrap();
    let doc = secretctl_envfile::EnvFile::parse(&format!("A={CANARY}\nB=\"{CANARY}\"\n")).unwrap();
    let resolved = doc.resolve(&|_| None).unwrap();
    let generated = secretctl_schema::Generator::Alnum(40).generate();
    let debugs = [
        format!("{key:?}"),
        format!("{ring:?}"),
        format!("{opened:?}"),
        format!("{doc:?}"),
        format!("{resolved:?}"),
        format!("{generated:?}"),
    ];
    for d in &debugs {
        assert_clean("a Debug string", "Debug", d.as_bytes());
        assert!(!d.contains("0707070707"), "key bytes in Debug: {d}");
    }
    // the generated value itself must not show in its Debug either
    use secrecy::ExposeSecret;
    assert!(!format!("{generated:?}").contains(generated.expose_secret()));
}

#[test]
fn every_command_group_shows_an_example_in_its_help() {
    let env = Env::new();
    for group in [
        "init", "env", "key", "secret", "name", "generate", "check", "gitops", "export", "import",
    ] {
        let out = env.run(&[group, "--help"], b"");
        ok(&out, group);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("Examples:") && help.contains(&format!("secretctl {group} ")),
            "`secretctl {group} --help` shows no example:\n{help}"
        );
    }
}

/// The Vault / OpenBao commands against a real dev server: neither the canary value nor the token shows in any
/// output (success or failure), except the value on stdout of the commands whose job is to print it.
#[test]
fn the_canary_and_the_token_never_leak_from_the_vault_commands() {
    let Some(bao) = require_tool("bao") else {
        return;
    };
    let mut server = secretctl_vault::dev::DevServer::start(&bao);
    server.enable_transit("secretctl");
    let env = Env::new();
    let token = server.root_token().to_owned();
    let address = server.address.clone();
    let run = |args: &[&str], stdin: &[u8], token: &str| {
        let mut c = env.cmd(args);
        c.env("VAULT_ADDR", &address).env("VAULT_TOKEN", token);
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin);
        let out = child.wait_with_output().unwrap();
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(token),
                "secretctl {args:?}: the token leaked into {stream}:\n{text}"
            );
        }
        assert_clean(&format!("secretctl {args:?}"), "stderr", &out.stderr);
        out
    };
    let uri = format!("{}/v1/transit/keys/secretctl", server.address);
    let out = run(&["key", "init", "--transit", &uri], b"", &token);
    ok(&out, "key init --transit");
    let out = run(&["secret", "put", "t", "canary"], CANARY.as_bytes(), &token);
    ok(&out, "secret put");
    assert_clean("secret put", "stdout", &out.stdout);
    let out = run(&["secret", "get", "t", "canary"], b"", &token);
    assert_eq!(out.stdout, CANARY.as_bytes());
    for args in [
        &["key", "rotate"][..],
        &["--json", "key", "list"],
        &["key", "rewrap"],
    ] {
        let out = run(args, b"", &token);
        ok(&out, &args.join(" "));
        assert_clean(&args.join(" "), "stdout", &out.stdout);
    }
    std::fs::write(env.dir.join(".env"), format!("API_TOKEN={CANARY}\n")).unwrap();
    std::fs::write(env.dir.join("other.env"), "# other\n").unwrap();
    for (args, code) in [
        (&["export", "vault", "--path", "secret/app/prod"][..], 0),
        (
            &["--json", "export", "vault", "--path", "secret/app/prod"],
            0,
        ),
        // Version 2 is there now: a write expecting version 1 fails.
        (
            &["export", "vault", "--path", "secret/app/prod", "--cas", "1"],
            1,
        ),
        (
            &[
                "--json",
                "export",
                "eso",
                "--path",
                "secret/app/prod",
                "--with-store",
            ],
            0,
        ),
        (
            &[
                "import",
                "vault",
                "--path",
                "secret/app/prod",
                "--env",
                "other.env",
            ],
            0,
        ),
    ] {
        let out = run(args, b"", &token);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_clean(&args.join(" "), "stdout", &out.stdout);
    }
    assert!(std::fs::read_to_string(env.dir.join("other.env"))
        .unwrap()
        .contains(CANARY));
    // sops hc_vault files: the data key wrapped by Transit.
    std::fs::write(env.dir.join("app.yaml"), format!("api_token: {CANARY}\n")).unwrap();
    let out = run(
        &["gitops", "encrypt", "--hc-vault-transit", &uri, "app.yaml"],
        b"",
        &token,
    );
    ok(&out, "gitops encrypt --hc-vault-transit");
    assert_clean("gitops encrypt --hc-vault-transit", "stdout", &out.stdout);
    std::fs::write(env.dir.join("app.enc.yaml"), &out.stdout).unwrap();
    let out = run(&["gitops", "decrypt", "app.enc.yaml"], b"", &token);
    ok(&out, "gitops decrypt (hc_vault)");
    assert!(String::from_utf8_lossy(&out.stdout).contains(CANARY));
    // Failures: a read-only token, a sealed server, a stopped one.
    let ro = server.token_with_policy("ro", r#"path "secret/*" { capabilities = ["read"] }"#, "1h");
    let out = run(&["export", "vault", "--path", "secret/app/prod"], b"", &ro);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["gitops", "decrypt", "app.enc.yaml"], b"", &ro);
    assert_eq!(out.status.code(), Some(1));
    assert_clean("gitops decrypt (denied)", "stdout", &out.stdout);
    server.seal();
    let out = run(&["secret", "get", "t", "canary"], b"", &token);
    assert_eq!(out.status.code(), Some(1));
    assert_clean("secret get (sealed)", "stdout", &out.stdout);
    server.stop();
    let out = run(
        &[
            "import",
            "vault",
            "--path",
            "secret/app/prod",
            "--env",
            "other.env",
        ],
        b"",
        &token,
    );
    assert_eq!(out.status.code(), Some(1));
}

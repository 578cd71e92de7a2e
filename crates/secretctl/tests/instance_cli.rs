//! The instance's rules through the built binary: they hold from any working directory, records stay out of the
//! .env (and out of what Docker Compose hands the containers), old records migrate, values are checked when written,
//! and every fix a finding or a refusal recommends works when run as printed.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::require_tool;

const SCHEMA: &str = r#"
[secrets.DB_PASSWORD]
generator = "alnum:32"
min_length = 24
rotate_every = "90d"

[secrets.MW_SECRET_KEY]
generator = "hex:64"
one_shot = true
breaks = "every signed-in user is logged out"

[secrets.API_TOKEN]
generator = "alnum:20"
versioned = true

[secrets.SMTP_PASSWORD]
min_length = 12

[secrets.APP_URL]
plain = true
"#;

fn secretctl(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("secretctl").unwrap();
    c.current_dir(cwd);
    c.env_remove("SECRETCTL_KEYFILE")
        .env_remove("SECRETCTL_STORE");
    c
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("secretctl")
}

/// An instance made by `init` in `<tmp>/wiki` with SCHEMA, and SMTP_PASSWORD given.
fn instance() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wiki");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("secretctl.toml"), SCHEMA).unwrap();
    secretctl(tmp.path())
        .arg("init")
        .arg(&dir)
        .assert()
        .success();
    for (key, value) in [
        ("SMTP_PASSWORD", "a-good-smtp-password"),
        ("APP_URL", "https://wiki.example.com"),
    ] {
        secretctl(tmp.path())
            .args(["env", "set", key, "--file"])
            .arg(dir.join(".env"))
            .write_stdin(value)
            .assert()
            .success();
    }
    (tmp, dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Run a printed fix exactly as printed, through `sh`, with `secretctl` resolving to the built binary; `stdin`
/// is piped in when the fix says it reads a value. Returns (success, stderr).
fn run_fix(command: &str, stdin: Option<&str>, cwd: &Path) -> (bool, String) {
    assert!(command.contains("secretctl "), "{command}");
    let path = format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(command)
        .current_dir(cwd)
        .env("PATH", path)
        .env_remove("SECRETCTL_KEYFILE");
    if let Some(v) = stdin {
        c.write_stdin(v);
    }
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The command a refusal names: the text between the backticks after "run ".
fn refusal_fix(stderr: &str) -> String {
    let at = stderr
        .rfind("run `")
        .unwrap_or_else(|| panic!("no fix in: {stderr}"))
        + 5;
    let end = stderr[at..].find('`').unwrap();
    stderr[at..at + end].to_owned()
}

#[test]
fn the_rules_apply_from_an_unrelated_directory() {
    let (tmp, dir) = instance();
    let elsewhere = tempfile::tempdir().unwrap();
    let env = dir.join(".env");
    let before = read(&env);
    // One-shot: refused, says what breaks, writes nothing.
    let out = secretctl(elsewhere.path())
        .args(["env", "set", "MW_SECRET_KEY", "--file"])
        .arg(&env)
        .write_stdin("x".repeat(64))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("one-shot") && err.contains("logged out"),
        "{err}"
    );
    // min_length, through --instance DIR as well.
    let out = secretctl(elsewhere.path())
        .args(["env", "set", "DB_PASSWORD", "--instance"])
        .arg(&dir)
        .write_stdin("short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("min_length 24"));
    let out = secretctl(elsewhere.path())
        .args(["env", "rotate", "MW_SECRET_KEY", "--file"])
        .arg(&env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&env), before);
    // Rotation from elsewhere works and is recorded in the instance's state, not in the cwd.
    secretctl(elsewhere.path())
        .args(["env", "rotate", "DB_PASSWORD", "--file"])
        .arg(&env)
        .assert()
        .success();
    assert_ne!(read(&env), before);
    assert!(!elsewhere.path().join(".secretctl").exists());
    assert!(!elsewhere.path().join("secretctl.toml").exists());
    secretctl(elsewhere.path())
        .args(["check", "--instance"])
        .arg(&dir)
        .assert()
        .success();
    drop(tmp);
}

#[test]
fn init_writes_no_records_into_the_env_and_keeps_the_state_private() {
    let (_tmp, dir) = instance();
    let env = read(&dir.join(".env"));
    assert!(!env.contains("SECRETCTL_"), "{env}");
    let state = dir.join(".secretctl/state.toml");
    let text = read(&state);
    for key in ["DB_PASSWORD", "MW_SECRET_KEY", "API_TOKEN", "SMTP_PASSWORD"] {
        assert!(text.contains(&format!("[keys.\"{key}\"]")), "{text}");
    }
    assert!(text.contains("instance_key = "));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o600);
    assert_eq!(mode(&dir.join(".secretctl")), 0o700);
    assert_eq!(mode(&dir.join(".env")), 0o600);
}

/// The real Docker Compose v2 reads the .env we wrote through `env_file:` and hands the container every app key
/// and no secretctl record.
#[test]
fn docker_compose_sees_no_secretctl_variable() {
    let Some(compose) = require_tool("docker-compose") else {
        return;
    };
    let (_tmp, dir) = instance();
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  wiki:\n    image: busybox\n    env_file: .env\n",
    )
    .unwrap();
    let out = std::process::Command::new(compose)
        .args(["--project-directory"])
        .arg(&dir)
        .args(["-f"])
        .arg(dir.join("compose.yaml"))
        .args(["config", "--format", "json"])
        .env_remove("COMPOSE_FILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let environment = v["services"]["wiki"]["environment"].as_object().unwrap();
    let keys: Vec<&str> = environment.keys().map(String::as_str).collect();
    assert!(
        keys.contains(&"DB_PASSWORD") && keys.contains(&"API_TOKEN_V1"),
        "{keys:?}"
    );
    assert!(
        !keys.iter().any(|k| k.starts_with("SECRETCTL_")),
        "{keys:?}"
    );
}

/// An .env written by an earlier version (records as SECRETCTL_* lines) is read as it is, and migrates on its next
/// write: every record kept, the lines gone, one notice.
#[test]
fn an_old_env_migrates_with_every_record_kept() {
    let (_tmp, dir) = instance();
    let env_path = dir.join(".env");
    // Rebuild the old layout from the state an init made: the same records, as .env lines.
    let state_path = dir.join(".secretctl/state.toml");
    let state = read(&state_path);
    let mut legacy = String::new();
    let mut key = String::new();
    let mut records = 0;
    for line in state.lines() {
        if let Some(ik) = line.strip_prefix("instance_key = ") {
            legacy.push_str(&format!(
                "SECRETCTL_INSTANCE_KEY={}\n",
                ik.trim_matches('"')
            ));
            records += 1;
        } else if let Some(k) = line.strip_prefix("[keys.\"") {
            key = k.trim_end_matches("\"]").to_owned();
        } else if let Some((field, value)) = line.split_once(" = ") {
            let kind = if field == "rotated" {
                "ROTATED"
            } else {
                "FINGERPRINT"
            };
            legacy.push_str(&format!(
                "SECRETCTL_{kind}_{key}={}\n",
                value.trim_matches('"')
            ));
            records += 1;
        }
    }
    assert_eq!(records, 7, "{state}");
    let old_env = format!("{}{legacy}", read(&env_path));
    std::fs::write(&env_path, &old_env).unwrap();
    std::fs::remove_dir_all(dir.join(".secretctl")).unwrap();

    // Reading writes nothing: check passes on the old layout and leaves it as it is.
    secretctl(&dir).arg("check").assert().success();
    assert_eq!(read(&env_path), old_env);
    assert!(!dir.join(".secretctl").exists());

    // The next write moves the records.
    let out = secretctl(&dir)
        .args(["env", "set", "UNDECLARED_EXTRA"])
        .write_stdin("anything")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("notice: moved 7 secretctl record line").count(),
        1,
        "{err}"
    );
    let new_env = read(&env_path);
    assert!(!new_env.contains("SECRETCTL_"), "{new_env}");
    let migrated_text = read(&state_path);
    let mut migrated: Vec<&str> = migrated_text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect();
    let mut original: Vec<&str> = state.lines().filter(|l| !l.starts_with('#')).collect();
    migrated.sort_unstable();
    original.sort_unstable();
    assert_eq!(migrated, original, "every record kept, byte for byte");
    secretctl(&dir).arg("check").assert().success();
    // The migrated fingerprint still catches a one-shot change.
    let changed = new_env
        .lines()
        .map(|l| {
            if l.starts_with("MW_SECRET_KEY=") {
                "MW_SECRET_KEY=changed-by-hand".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&env_path, changed + "\n").unwrap();
    let out = secretctl(&dir).args(["--json", "check"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["kind"], "one_shot_changed", "{v}");
}

#[test]
fn empty_or_short_values_are_refused_naming_the_rule() {
    let (_tmp, dir) = instance();
    let env = dir.join(".env");
    let before = read(&env);
    let state_before = read(&dir.join(".secretctl/state.toml"));
    for (key, value, rule) in [
        ("DB_PASSWORD", "", "an empty value is not accepted"),
        (
            "DB_PASSWORD",
            "only-23-characters-long",
            "shorter than min_length 24",
        ),
        ("SMTP_PASSWORD", "", "an empty value is not accepted"),
        ("SMTP_PASSWORD", "eleven-char", "shorter than min_length 12"),
    ] {
        let out = secretctl(&dir)
            .args(["env", "set", key])
            .write_stdin(value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{key}={value:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key) && err.contains(rule), "{err}");
        assert_eq!(err.lines().count(), 1, "one line per cause: {err}");
    }
    assert_eq!(read(&env), before);
    assert_eq!(read(&dir.join(".secretctl/state.toml")), state_before);
    // An undeclared key may be empty: the schema says nothing about it.
    secretctl(&dir)
        .args(["env", "set", "EXTRA"])
        .write_stdin("")
        .assert()
        .success();
}

/// Every finding `check` reports carries a fix; each is run exactly as printed (value on stdin where it says so)
/// and afterwards `check` passes.
#[test]
fn every_fix_check_recommends_works() {
    let (_tmp, dir) = instance();
    let env = dir.join(".env");
    // Break every rule: a missing generated key, a missing operator key, too short, overdue, a one-shot change,
    // a versioned key without a pointer.
    let text: String = read(&env)
        .lines()
        .filter(|l| !l.starts_with("SMTP_PASSWORD=") && !l.starts_with("SECRET_API_TOKEN_VERSION="))
        .map(|l| {
            if l.starts_with("DB_PASSWORD=") {
                "DB_PASSWORD=too-short\n".to_owned()
            } else if l.starts_with("MW_SECRET_KEY=") {
                "MW_SECRET_KEY=edited-by-hand-and-long-enough\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&env, text).unwrap();
    common::instance::set_rotated(&dir, "DB_PASSWORD", "2020-01-01");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = secretctl(&dir).args(["--json", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap().clone();
    let kinds: Vec<&str> = findings
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "too_short",
            "overdue",
            "one_shot_changed",
            "missing",
            "missing"
        ],
        "{v}"
    );
    // `check --accept` reports what is left after accepting, so it runs once the other fixes are in.
    let mut ordered: Vec<&serde_json::Value> = findings.iter().collect();
    ordered.sort_by_key(|f| f["kind"] == "one_shot_changed");
    for f in ordered {
        let fix = &f["fix"];
        let command = fix["command"]
            .as_str()
            .unwrap_or_else(|| panic!("no fix: {f}"));
        assert!(f["message"].as_str().unwrap().contains(command));
        let stdin = fix["stdin"]
            .as_bool()
            .unwrap()
            .then_some("an-operator-chosen-value");
        // From an unrelated directory: the fix names the instance itself.
        let (ok, err) = run_fix(command, stdin, elsewhere.path());
        assert!(ok, "fix `{command}` failed: {err}");
    }
    let out = secretctl(&dir).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Every refusal names a command that does it the right way (or on purpose); each is run as printed.
#[test]
fn every_fix_a_refusal_recommends_works() {
    let (_tmp, dir) = instance();
    let schema_only = tempfile::tempdir().unwrap();
    std::fs::write(
        schema_only.path().join("secretctl.toml"),
        "[secrets.MANUAL_TOKEN]\nversioned = true\nmin_length = 8\n",
    )
    .unwrap();
    std::fs::write(schema_only.path().join(".env"), "").unwrap();
    let value = "a-value-long-enough-for-every-rule-0123456789";
    // (working dir, command args, stdin, exit code, rule text)
    type Case<'a> = (&'a Path, Vec<&'a str>, Option<&'a str>, i32, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            &dir,
            vec!["env", "set", "MW_SECRET_KEY"],
            Some(value),
            1,
            "one-shot",
        ),
        (
            &dir,
            vec!["env", "rotate", "MW_SECRET_KEY"],
            None,
            1,
            "one-shot",
        ),
        (
            &dir,
            vec!["env", "set", "API_TOKEN"],
            Some(value),
            2,
            "versioned",
        ),
        (
            &dir,
            vec!["env", "set", "API_TOKEN", "--generate"],
            None,
            2,
            "versioned",
        ),
        (
            &dir,
            vec!["env", "rotate", "SMTP_PASSWORD"],
            None,
            2,
            "no generator",
        ),
        (
            &dir,
            vec!["env", "set", "SMTP_PASSWORD", "--generate"],
            None,
            2,
            "no generator",
        ),
        (
            &dir,
            vec!["env", "set", "SMTP_PASSWORD", "--new-version"],
            Some(value),
            2,
            "not versioned",
        ),
        (
            &dir,
            vec!["env", "set", "DB_PASSWORD"],
            Some("short"),
            1,
            "min_length",
        ),
        (
            schema_only.path(),
            vec!["env", "rotate", "MANUAL_TOKEN"],
            None,
            2,
            "no generator",
        ),
        (
            schema_only.path(),
            vec!["env", "set", "MANUAL_TOKEN"],
            Some(value),
            2,
            "versioned",
        ),
    ];
    for (cwd, args, stdin, code, rule) in cases {
        let mut c = secretctl(cwd);
        c.args(&args);
        if let Some(v) = stdin {
            c.write_stdin(v);
        }
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(rule), "{args:?}: {err}");
        let fix = refusal_fix(&err);
        let reads_value = err.contains("(value on stdin)");
        let (ok, fix_err) = run_fix(&fix, reads_value.then_some(value), cwd);
        assert!(ok, "{args:?}: fix `{fix}` failed: {fix_err}");
    }
    secretctl(schema_only.path())
        .arg("check")
        .assert()
        .success();
}

const K8S_SCHEMA: &str = r#"
[instance]
orchestrator = "kubernetes"
name = "wiki"
namespace = "prod"
restart = ["deployment/wiki"]

[secrets.MW_SECRET_KEY]
generator = "hex:64"
one_shot = true
k8s_secret = "{instance}-mw-secrets"
k8s_key = "mw-secret-key"

[secrets.MYSQL_PASSWORD]
generator = "alnum:32"
min_length = 24
k8s_secret = "{instance}-db"

[secrets.APP_URL]
plain = true
"#;

/// Serves the little of the Kubernetes API that `kubectl apply --dry-run=client --validate=false` asks for before it
/// prints what it would create: discovery of the core group (`/api`, `/apis`, `/api/v1` with `secrets`) and a 404
/// for the live object. No Kubernetes API server can be installed on the test machines, and a client-side dry run
/// needs nothing else from one; the manifests' schema is checked separately by `kubernetes-validate --strict`.
fn kube_discovery_server() -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = addr.clone();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(false).unwrap();
        // kubectl makes a handful of requests; stop after a bounded number so the thread always ends.
        for stream in listener.incoming().take(32) {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let path = path.split('?').next().unwrap_or(path);
            let (status, body) = match path {
                "/api" => ("200 OK", format!(
                    r#"{{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{{"clientCIDR":"0.0.0.0/0","serverAddress":"{server}"}}]}}"#
                )),
                "/apis" => ("200 OK", r#"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#.to_owned()),
                "/api/v1" => ("200 OK", r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["create","delete","get","list","patch","update","watch"]}]}"#.to_owned()),
                "/stop" => break,
                _ => ("404 Not Found", r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"not found","reason":"NotFound","code":404}"#.to_owned()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (addr, handle)
}

/// On a Kubernetes instance a change of a key the pods read from a Secret is refused with the steps that change it
/// where they read it; `--force` records it and prints the same steps; the steps run: the export piped into
/// `kubectl apply` (client dry run) and the manifest valid for Kubernetes.
#[test]
fn kubernetes_instances_refuse_changes_the_pods_would_not_see() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wiki");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("secretctl.toml"), K8S_SCHEMA).unwrap();
    secretctl(tmp.path())
        .arg("init")
        .arg(&dir)
        .assert()
        .success();
    let env = dir.join(".env");
    let env_abs = std::fs::canonicalize(&env).unwrap();
    let before = read(&env);
    let export = format!(
        "secretctl export k8s --env {} --secret wiki-db --namespace prod | kubectl apply -f -",
        env_abs.display()
    );
    let restart = "kubectl rollout restart deployment/wiki --namespace prod";

    for (args, stdin) in [
        (
            vec!["env", "set", "MYSQL_PASSWORD"],
            Some("a-new-database-password-from-the-dba"),
        ),
        (vec!["env", "rotate", "MYSQL_PASSWORD"], None),
    ] {
        let mut c = secretctl(tmp.path());
        c.args(&args).arg("--file").arg(&env_abs);
        if let Some(v) = stdin {
            c.write_stdin(v);
        }
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("Kubernetes Secret wiki-db"), "{err}");
        assert!(
            err.contains(&format!("`{export}`")) && err.contains(&format!("`{restart}`")),
            "{err}"
        );
        assert!(refusal_fix(&err).contains("--force"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(read(&env), before, "a refusal writes nothing");
    // A plain key is not in any Secret: no refusal.
    secretctl(tmp.path())
        .args(["env", "set", "APP_URL", "--file"])
        .arg(&env_abs)
        .write_stdin("https://wiki.example.com")
        .assert()
        .success();

    // --force records the value and prints the same steps (here through --json, as a script would read them).
    let out = secretctl(tmp.path())
        .args([
            "--json",
            "env",
            "rotate",
            "MYSQL_PASSWORD",
            "--force",
            "--file",
        ])
        .arg(&env_abs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["k8s_steps"]["secret"], "wiki-db");
    assert_eq!(
        v["k8s_steps"]["commands"],
        serde_json::json!([export, restart])
    );
    let new_value = read(&env)
        .lines()
        .find_map(|l| l.strip_prefix("MYSQL_PASSWORD=").map(str::to_owned))
        .unwrap();
    assert_ne!(read(&env), before);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&new_value));

    // The export step's manifest carries the new value and is a valid Kubernetes Secret.
    let export_only = export.split(" | ").next().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(export_only.replacen("secretctl", &bin().display().to_string(), 1))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = String::from_utf8(out.stdout).unwrap();
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&new_value);
    assert!(
        manifest.contains(&format!("MYSQL_PASSWORD: {encoded}")),
        "{manifest}"
    );
    assert!(
        manifest.contains("name: wiki-db") && manifest.contains("namespace: prod"),
        "{manifest}"
    );
    let Some(validate) = require_tool("kubernetes-validate") else {
        return;
    };
    let manifest_file = tmp.path().join("wiki-db.yaml");
    std::fs::write(&manifest_file, &manifest).unwrap();
    let out = std::process::Command::new(validate)
        .arg("--strict")
        .arg(&manifest_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The whole printed pipeline, with kubectl's client-side dry run.
    let Some(kubectl) = require_tool("kubectl") else {
        return;
    };
    let (server, handle) = kube_discovery_server();
    let kubeconfig = tmp.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: http://{server}\n\
             contexts:\n- name: t\n  context:\n    cluster: t\n    user: t\ncurrent-context: t\nusers:\n- name: t\n  user: {{}}\n"
        ),
    )
    .unwrap();
    let pipeline = export
        .replacen("secretctl", &bin().display().to_string(), 1)
        .replace(
            "kubectl apply -f -",
            &format!(
                "{} apply --dry-run=client --validate=false -f -",
                kubectl.display()
            ),
        );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&pipeline)
        .env("KUBECONFIG", &kubeconfig)
        .env("HOME", tmp.path())
        .output()
        .unwrap();
    let _ = std::net::TcpStream::connect(&server)
        .and_then(|mut s| std::io::Write::write_all(&mut s, b"GET /stop HTTP/1.1\r\n\r\n"));
    handle.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "secret/wiki-db created (dry run)"
    );
}

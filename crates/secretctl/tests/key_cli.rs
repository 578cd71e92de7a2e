//! End-to-end tests of `secretctl key`, running the built binary; the backup interop tests run the reference Go
//! `age` and `age-keygen` binaries.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns: a panic is how a test reports failure

mod common;

use common::{require_tool as tool, Sandbox};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use predicates::prelude::*;

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// A new keyfile in the sandbox (every command names it with --keyfile: these tests may run as root, whose default
/// keyfile is /etc/secretctl/master.key); its path and id.
fn init(sb: &Sandbox) -> (PathBuf, String) {
    let keyfile = sb.path("conf/secretctl/master.key");
    let out = sb
        .secretctl()
        .args(["--json", "key", "init", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    (keyfile, v["key_id"].as_str().unwrap().to_owned())
}

/// (identity file, recipient) from the reference age-keygen.
fn age_keygen(dir: &Path) -> Option<(PathBuf, String)> {
    let keygen = tool("age-keygen")?;
    let identity = dir.join("identity.txt");
    let st = StdCommand::new(&keygen)
        .arg("-o")
        .arg(&identity)
        .status()
        .unwrap();
    assert!(st.success());
    let out = StdCommand::new(&keygen)
        .arg("-y")
        .arg(&identity)
        .output()
        .unwrap();
    assert!(out.status.success());
    let recipient = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(recipient.starts_with("age1"));
    Some((identity, recipient))
}

#[test]
fn init_creates_a_private_keyfile_and_never_overwrites() {
    let sb = Sandbox::new();
    let (keyfile, id) = init(&sb);
    assert_eq!(fs::read(&keyfile).unwrap().len(), 32);
    assert_eq!(mode(&keyfile), 0o400);
    assert_eq!(mode(keyfile.parent().unwrap()), 0o700);
    assert_eq!(id.len(), 16);

    sb.secretctl()
        .args(["key", "init", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));

    // The id from the flag, from SECRETCTL_KEYFILE, as text and as JSON all agree.
    sb.secretctl()
        .args(["key", "id", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .stdout(format!("{id}\n"));
    let out = sb
        .secretctl()
        .args(["key", "id", "--json"])
        .env("SECRETCTL_KEYFILE", &keyfile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["key_id"], id.as_str());
}

#[test]
fn missing_and_loose_keyfiles_fail_with_the_fix() {
    let sb = Sandbox::new();
    let missing = sb.path("nope.key");
    sb.secretctl()
        .args(["key", "id", "--keyfile"])
        .arg(&missing)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("secretctl key init")
                .and(predicate::str::contains("nope.key")),
        );

    let (keyfile, id) = init(&sb);
    fs::set_permissions(&keyfile, fs::Permissions::from_mode(0o644)).unwrap();
    sb.secretctl()
        .args(["key", "id", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("0644").and(predicate::str::contains("chmod 0400")));
    sb.secretctl()
        .args(["key", "id", "--allow-loose-permissions", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .stdout(format!("{id}\n"));

    let short = sb.path("short.key");
    fs::write(&short, [0u8; 31]).unwrap();
    fs::set_permissions(&short, fs::Permissions::from_mode(0o400)).unwrap();
    sb.secretctl()
        .args(["key", "id", "--keyfile"])
        .arg(&short)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("31 bytes"));
}

/// `secretctl key backup --recipient R` piped to the reference `age -d -i identity` yields the keyfile's bytes,
/// armored (the default) and binary.
#[test]
fn go_age_decrypts_our_backup_to_the_exact_key() {
    let sb = Sandbox::new();
    let Some((identity, recipient)) = age_keygen(&sb.dir()) else {
        return;
    };
    let Some(age) = tool("age") else { return };
    let (keyfile, _id) = init(&sb);
    let key = fs::read(&keyfile).unwrap();
    for binary in [false, true] {
        let out_file = sb.path(format!("backup-{binary}.age"));
        let mut cmd = sb.secretctl();
        cmd.args(["key", "backup", "--recipient", &recipient, "--output"])
            .arg(&out_file)
            .arg("--keyfile")
            .arg(&keyfile);
        if binary {
            cmd.arg("--binary");
        }
        cmd.assert().success();
        let backup = fs::read(&out_file).unwrap();
        assert_eq!(
            backup.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"),
            !binary
        );
        assert_eq!(mode(&out_file), 0o600);
        let out = StdCommand::new(&age)
            .arg("-d")
            .arg("-i")
            .arg(&identity)
            .arg(&out_file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "age -d failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.stdout, key,
            "age decrypted other bytes than the keyfile's"
        );
    }

    // And through a pipe on stdout, as an operator would.
    let out = sb
        .secretctl()
        .args(["key", "backup", "-r", &recipient, "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut child = StdCommand::new(&age)
        .arg("-d")
        .arg("-i")
        .arg(&identity)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &out).unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success());
    assert_eq!(done.stdout, key);
}

/// A backup the reference `age` wrote (binary and armored) restores to a new keyfile with the same bytes.
#[test]
fn we_restore_a_backup_go_age_wrote() {
    let sb = Sandbox::new();
    let Some((identity, recipient)) = age_keygen(&sb.dir()) else {
        return;
    };
    let Some(age) = tool("age") else { return };
    let (keyfile, id) = init(&sb);
    for armor in [false, true] {
        let backup = sb.path(format!("go-{armor}.age"));
        let mut cmd = StdCommand::new(&age);
        cmd.arg("-r").arg(&recipient).arg("-o").arg(&backup);
        if armor {
            cmd.arg("-a");
        }
        let st = cmd.arg(&keyfile).status().unwrap();
        assert!(st.success());
        let restored = sb.path(format!("restored-{armor}/master.key"));
        sb.secretctl()
            .args(["key", "restore", "--identity"])
            .arg(&identity)
            .args(["--expect-id", &id, "--keyfile"])
            .arg(&restored)
            .arg(&backup)
            .assert()
            .success()
            .stdout(predicate::str::contains(&id));
        assert_eq!(fs::read(&restored).unwrap(), fs::read(&keyfile).unwrap());
        assert_eq!(mode(&restored), 0o400);
        assert_eq!(mode(restored.parent().unwrap()), 0o700);
    }

    // From stdin, into the keyfile that already holds that key: nothing to do.
    let backup = fs::read(sb.path("go-true.age")).unwrap();
    sb.secretctl()
        .args(["--json", "key", "restore", "-i"])
        .arg(&identity)
        .arg("--keyfile")
        .arg(&keyfile)
        .write_stdin(backup)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"unchanged\""));

    // The wrong identity is an authentication failure.
    let other = Sandbox::new();
    let (other_identity, _) = age_keygen(&other.dir()).unwrap();
    sb.secretctl()
        .args(["key", "restore", "-i"])
        .arg(&other_identity)
        .arg("--keyfile")
        .arg(sb.path("x/master.key"))
        .arg(sb.path("go-true.age"))
        .assert()
        .code(3);
    assert!(!sb.path("x/master.key").exists());
}

#[test]
fn passphrase_backup_round_trips_and_wrong_passphrase_fails() {
    let sb = Sandbox::new();
    let (keyfile, id) = init(&sb);
    let pass = sb.path("pass.txt");
    fs::write(&pass, "a long enough passphrase\n").unwrap();
    let backup = sb.path("pw.age");
    sb.secretctl()
        .args(["key", "backup", "--passphrase-file"])
        .arg(&pass)
        .arg("-o")
        .arg(&backup)
        .arg("--keyfile")
        .arg(&keyfile)
        .assert()
        .success();
    let text = fs::read_to_string(&backup).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!text.contains("a long enough passphrase"));

    let restored = sb.path("r/master.key");
    sb.secretctl()
        .args(["key", "restore", "--passphrase-file"])
        .arg(&pass)
        .arg("--keyfile")
        .arg(&restored)
        .arg(&backup)
        .assert()
        .success();
    assert_eq!(fs::read(&restored).unwrap(), fs::read(&keyfile).unwrap());

    let wrong = sb.path("wrong.txt");
    fs::write(&wrong, "not it").unwrap();
    sb.secretctl()
        .args(["key", "restore", "--passphrase-file"])
        .arg(&wrong)
        .arg("--keyfile")
        .arg(sb.path("w/master.key"))
        .arg(&backup)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("pw.age"));

    // Without a terminal, --passphrase cannot prompt and says what to do instead; nothing is written. (Only
    // checked when this process has no controlling terminal, where the prompt would otherwise wait for input.)
    if fs::File::open("/dev/tty").is_err() {
        sb.secretctl()
            .args(["key", "backup", "--passphrase", "--keyfile"])
            .arg(&keyfile)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("--passphrase-file"));
    }
    let _ = id;
}

#[test]
fn raw_base64_export_warns_and_restores() {
    let sb = Sandbox::new();
    let (keyfile, id) = init(&sb);
    let out = sb
        .secretctl()
        .args(["key", "backup", "--raw-base64", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .stderr(predicate::str::contains("UNENCRYPTED"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(out.len(), 45);
    let restored = sb.path("b/master.key");
    sb.secretctl()
        .args([
            "key",
            "restore",
            "--base64",
            "--expect-id",
            &id,
            "--keyfile",
        ])
        .arg(&restored)
        .write_stdin(out)
        .assert()
        .success();
    assert_eq!(fs::read(&restored).unwrap(), fs::read(&keyfile).unwrap());
    // Garbage is refused, as is a backup with no say on how to read it.
    sb.secretctl()
        .args(["key", "restore", "--base64", "--keyfile"])
        .arg(sb.path("g/master.key"))
        .write_stdin("bm90IGEga2V5")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("32-byte key"));
    sb.secretctl()
        .args(["key", "restore", "--keyfile"])
        .arg(sb.path("g/master.key"))
        .write_stdin("-----BEGIN AGE ENCRYPTED FILE-----\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--identity"));
}

#[test]
fn restore_verifies_id_refuses_to_replace_and_keeps_old_key_with_force() {
    let sb = Sandbox::new();
    let (keyfile, id) = init(&sb);
    let other = Sandbox::new();
    let (other_keyfile, other_id) = init(&other);
    let export = sb
        .secretctl()
        .args(["key", "backup", "--raw-base64", "--keyfile"])
        .arg(&other_keyfile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();

    // Expected id mismatch: integrity failure, nothing written.
    let fresh = sb.path("fresh/master.key");
    sb.secretctl()
        .args([
            "key",
            "restore",
            "--base64",
            "--expect-id",
            &id,
            "--keyfile",
        ])
        .arg(&fresh)
        .write_stdin(export.clone())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(&other_id));
    assert!(!fresh.exists());
    sb.secretctl()
        .args([
            "key",
            "restore",
            "--base64",
            "--expect-id",
            "not-an-id",
            "--keyfile",
        ])
        .arg(&fresh)
        .write_stdin(export.clone())
        .assert()
        .code(2);

    // A different existing key is not replaced without --force.
    sb.secretctl()
        .args(["key", "restore", "--base64", "--keyfile"])
        .arg(&keyfile)
        .write_stdin(export.clone())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    sb.secretctl()
        .args(["key", "id", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .stdout(format!("{id}\n"));

    // With --force the restored key is active and the old one is listed as retired.
    sb.secretctl()
        .args(["key", "restore", "--base64", "--force", "--keyfile"])
        .arg(&keyfile)
        .write_stdin(export)
        .assert()
        .success()
        .stdout(predicate::str::contains(&id));
    let out = sb
        .secretctl()
        .args(["key", "list", "--json", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let keys = v["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["id"], other_id.as_str());
    assert_eq!(keys[0]["state"], "active");
    assert_eq!(keys[1]["id"], id.as_str());
    assert_eq!(keys[1]["state"], "retired");
    assert!(keys[1]["retired"].is_string());
    assert!(keys[0]["created"].is_string());

    sb.secretctl()
        .args(["key", "list", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .success()
        .stdout(predicate::str::contains("active").and(predicate::str::contains("retired")));
}

#[test]
fn backup_needs_a_recipient_and_rejects_bad_ones() {
    let sb = Sandbox::new();
    let (keyfile, _) = init(&sb);
    sb.secretctl()
        .args(["key", "backup", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--recipient"));
    sb.secretctl()
        .args(["key", "backup", "-r", "age1bogus", "--keyfile"])
        .arg(&keyfile)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("age1bogus"));
    // No key material in any output of a failed command.
    let key = fs::read(&keyfile).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let out = sb
        .secretctl()
        .args(["key", "backup", "-r", "age1bogus", "--keyfile"])
        .arg(&keyfile)
        .output()
        .unwrap();
    let all = [out.stdout, out.stderr].concat();
    assert!(!String::from_utf8_lossy(&all).contains(&hex));
}

/// Run `command` (a shell command line) under `script` so that it gets a pseudo-terminal, typing each of `lines`
/// into it a moment apart: the reference `age` reads passphrases from the terminal only.
fn with_tty(script: &Path, command: &str, lines: &[&str]) -> std::process::Output {
    use std::io::Write as _;
    let mut child = StdCommand::new(script)
        .args(["-qec", command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        std::thread::sleep(std::time::Duration::from_millis(700));
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Passphrase backups interoperate with the reference `age` both ways (run under `script`, which gives `age` the
/// terminal it insists on reading passphrases from).
#[test]
fn passphrase_backups_interoperate_with_go_age() {
    let Some(age) = tool("age") else { return };
    let Some(script) = tool("script") else { return };
    let sb = Sandbox::new();
    let (keyfile, id) = init(&sb);
    let pass = "interop passphrase 7";
    let pass_file = sb.path("pass.txt");
    fs::write(&pass_file, format!("{pass}\n")).unwrap();

    // Ours -> Go age.
    let ours = sb.path("ours.age");
    sb.secretctl()
        .args(["key", "backup", "--passphrase-file"])
        .arg(&pass_file)
        .arg("-o")
        .arg(&ours)
        .arg("--keyfile")
        .arg(&keyfile)
        .assert()
        .success();
    let decrypted = sb.path("ours.bin");
    let cmd = format!(
        "'{}' -d -o '{}' '{}'",
        age.display(),
        decrypted.display(),
        ours.display()
    );
    let out = with_tty(&script, &cmd, &[pass]);
    assert!(
        decrypted.exists(),
        "age -d did not decrypt our passphrase backup: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(fs::read(&decrypted).unwrap(), fs::read(&keyfile).unwrap());

    // Go age -> ours.
    let theirs = sb.path("theirs.age");
    let cmd = format!(
        "'{}' -p -a -o '{}' '{}'",
        age.display(),
        theirs.display(),
        keyfile.display()
    );
    let out = with_tty(&script, &cmd, &[pass, pass]);
    assert!(
        theirs.exists(),
        "age -p did not write a backup: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let restored = sb.path("from-go/master.key");
    sb.secretctl()
        .args(["key", "restore", "--passphrase-file"])
        .arg(&pass_file)
        .args(["--expect-id", &id, "--keyfile"])
        .arg(&restored)
        .arg(&theirs)
        .assert()
        .success();
    assert_eq!(fs::read(&restored).unwrap(), fs::read(&keyfile).unwrap());
}

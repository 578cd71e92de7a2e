//! One table: each condition an operator can meet (a missing keyfile, a missing store, a bad name, something not
//! found, a tampered ciphertext) gives the same exit code from every command that can meet it, the code DESIGN.md
//! gives it: missing keyfile 4, missing store 4, bad name 2, not found 4, tampered ciphertext 3.
//!
//! Every row runs in a fresh instance set up for real by the built binary: `secretctl.toml` declaring DB_PASSWORD and
//! the versioned SMTP_TOKEN, the `.env` that `secretctl init` generates from it, a keyfile (`keys/master.key`, also
//! `SECRETCTL_KEYFILE`) rotated once so that a retired key exists, and the default store beside it holding the
//! instance's secrets under the owner `wiki`. A row's command line is split on white space, then each word's
//! placeholders are filled in (see [`Instance::fill`]). To add a case, add a line to [`TABLE`].
// Helpers outside #[test] fns unwrap too: in a test, a panic with its location is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use common::Sandbox;

/// What a row sets up before running its command, and checks after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Condition {
    /// `{no_keyfile}` names a keyfile that does not exist (in a directory that does not either); the command must not
    /// create it.
    MissingKeyfile,
    /// `{no_store}` is a SQLite store URL whose file does not exist (its directory does); the command must not create
    /// it. (`secret put` creates a store by design, so it has no row here.)
    MissingStore,
    /// An invalid versioned name, key id, store name (`{empty}`), .env key, stack, namespace or instance name.
    BadName,
    /// A secret, version, key id, .env key or .env file that does not exist.
    NotFound,
    /// Every envelope in the store had one bit flipped (through SQLite, as `crates/store/tests` does).
    Tampered,
}

use Condition::{BadName, MissingKeyfile, MissingStore, NotFound, Tampered};

/// (condition, expected exit code, command line). One row per line.
#[rustfmt::skip] // a row per line, aligned, even where a line is wider than rustfmt's 100 columns
const TABLE: &[(Condition, i32, &str)] = &[
    (MissingKeyfile, 4, "key id --keyfile {no_keyfile}"),
    (MissingKeyfile, 4, "key list --keyfile {no_keyfile}"),
    (MissingKeyfile, 4, "key rotate --keyfile {no_keyfile} --store {store}"),
    (MissingKeyfile, 4, "key retire {retired_key} --keyfile {no_keyfile} --store {store}"),
    (MissingKeyfile, 4, "key backup --recipient {recipient} --keyfile {no_keyfile}"),
    (MissingKeyfile, 4, "secret get wiki DB_PASSWORD --keyfile {no_keyfile} --store {store}"),
    (MissingKeyfile, 4, "secret put wiki DB_PASSWORD --keyfile {no_keyfile} --store {store}"),
    (MissingKeyfile, 4, "export k8s --store {store} --instance wiki --keyfile {no_keyfile}"),
    (MissingKeyfile, 4, "export swarm --store {store} --instance wiki --stack wiki --keyfile {no_keyfile}"),

    (MissingStore, 4, "key rotate --store {no_store}"),
    (MissingStore, 4, "key rotate --resume --store {no_store}"),
    (MissingStore, 4, "key retire {retired_key} --store {no_store}"),
    (MissingStore, 4, "secret get wiki DB_PASSWORD --store {no_store}"),
    (MissingStore, 4, "secret list --store {no_store}"),
    (MissingStore, 4, "secret history wiki DB_PASSWORD --store {no_store}"),
    (MissingStore, 4, "secret rm wiki DB_PASSWORD --all --store {no_store}"),
    (MissingStore, 4, "secret audit --store {no_store}"),
    (MissingStore, 4, "export k8s --store {no_store} --instance wiki"),
    (MissingStore, 4, "export swarm --store {no_store} --instance wiki --stack wiki"),

    (BadName, 2, "name parse db_password"),
    (BadName, 2, "name next db_password"),
    (BadName, 2, "name swarm db_password --stack wiki"),
    (BadName, 2, "name swarm db_password_v1 --stack my+stack"),
    (BadName, 2, "key retire not-a-key-id"),
    (BadName, 2, "secret put wiki {empty}"),
    (BadName, 2, "secret get wiki {empty}"),
    (BadName, 2, "secret history wiki {empty}"),
    (BadName, 2, "secret rm wiki {empty} --all"),
    (BadName, 2, "secret put {empty} DB_PASSWORD"),
    (BadName, 2, "secret list {empty}"),
    (BadName, 2, "env get BAD+KEY"),
    (BadName, 2, "env set BAD+KEY"),
    (BadName, 2, "env unset BAD+KEY"),
    (BadName, 2, "env rename DB_PASSWORD BAD+KEY"),
    (BadName, 2, "env rotate BAD+KEY"),
    (BadName, 2, "export swarm --stack my+stack"),
    (BadName, 2, "export k8s --namespace Bad_NS"),
    (BadName, 2, "export k8s --instance Bad_Instance"),

    (NotFound, 4, "key retire 0123456789abcdef"),
    (NotFound, 4, "secret get wiki NOPE"),
    (NotFound, 4, "secret get wiki DB_PASSWORD --version 9"),
    (NotFound, 4, "secret history wiki NOPE"),
    (NotFound, 4, "secret rm wiki NOPE --all"),
    (NotFound, 4, "secret rm wiki DB_PASSWORD --version 9"),
    (NotFound, 4, "env get NOPE"),
    (NotFound, 4, "env unset NOPE"),
    (NotFound, 4, "env rename NOPE NEW_NAME"),
    (NotFound, 4, "env rotate NOPE"),
    (NotFound, 4, "env get DB_PASSWORD --file missing.env"),
    (NotFound, 4, "env rotate DB_PASSWORD --file missing.env"),
    (NotFound, 4, "check --env missing.env"),
    (NotFound, 4, "export k8s --env missing.env"),
    (NotFound, 4, "export swarm --env missing.env --stack wiki"),

    (Tampered, 3, "secret get wiki DB_PASSWORD"),
    (Tampered, 3, "secret get wiki SMTP_TOKEN --version 1"),
    (Tampered, 3, "key rotate"),
    (Tampered, 3, "export k8s --store {store} --instance wiki"),
    (Tampered, 3, "export swarm --store {store} --instance wiki --stack wiki"),
];

/// The instance's schema: one plain secret, one versioned.
const SCHEMA: &str = "\
[secrets.DB_PASSWORD]
generator = \"alnum:32\"

[secrets.SMTP_TOKEN]
generator = \"alnum:24\"
versioned = true
";

/// An age recipient (the example in age's documentation): `key backup` accepts it, and nothing is decrypted.
const RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

/// A fresh instance in a sandbox, set up through the built binary.
struct Instance {
    sandbox: Sandbox,
    retired_key: String,
}

impl Instance {
    fn new() -> Instance {
        let sandbox = Sandbox::new();
        let schema = sandbox.home().join("schema.toml");
        std::fs::write(&schema, SCHEMA).unwrap();
        let inst = Instance {
            sandbox,
            retired_key: String::new(),
        };
        inst.ok(&["init", ".", "--schema", schema.to_str().unwrap()], "")
            .ok(&["key", "init"], "")
            .ok(&["secret", "put", "wiki", "DB_PASSWORD"], "db-password-1\n")
            .ok(&["secret", "put", "wiki", "SMTP_TOKEN"], "smtp-token-1\n")
            .ok(&["secret", "put", "wiki", "SMTP_TOKEN"], "smtp-token-2\n")
            .ok(&["key", "rotate"], "");
        let keys = inst.ok_stdout(&["--json", "key", "list"]);
        let keys: serde_json::Value = serde_json::from_slice(&keys).unwrap();
        let retired_key = keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["state"] == "retired")
            .and_then(|k| k["id"].as_str())
            .expect("a retired key after `key rotate`")
            .to_owned();
        Instance {
            retired_key,
            ..inst
        }
    }

    fn keyfile(&self) -> PathBuf {
        self.sandbox.path("keys/master.key")
    }

    fn store_file(&self) -> PathBuf {
        self.sandbox.path("keys/store.db")
    }

    fn no_keyfile(&self) -> PathBuf {
        self.sandbox.path("absent/master.key")
    }

    fn no_store_file(&self) -> PathBuf {
        self.sandbox.path("keys/absent.db")
    }

    /// `secretctl` in the instance directory, with the instance's keyfile as `SECRETCTL_KEYFILE`.
    fn secretctl(&self) -> assert_cmd::Command {
        let mut cmd = self.sandbox.secretctl();
        cmd.env("SECRETCTL_KEYFILE", self.keyfile());
        cmd
    }

    fn ok_stdout(&self, args: &[&str]) -> Vec<u8> {
        self.secretctl()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }

    /// Run a set-up step, which must succeed.
    fn ok(&self, args: &[&str], stdin: &str) -> &Self {
        self.secretctl()
            .args(args)
            .write_stdin(stdin)
            .assert()
            .success();
        self
    }

    /// A row's command line as arguments: split on white space, each word's placeholders filled in.
    fn fill(&self, line: &str) -> Vec<String> {
        let store = format!("sqlite:{}", self.store_file().display());
        let no_store = format!("sqlite:{}", self.no_store_file().display());
        let no_keyfile = self.no_keyfile().display().to_string();
        line.split_whitespace()
            .map(|word| match word {
                "{empty}" => String::new(),
                _ => word
                    .replace("{store}", &store)
                    .replace("{no_store}", &no_store)
                    .replace("{no_keyfile}", &no_keyfile)
                    .replace("{retired_key}", &self.retired_key)
                    .replace("{recipient}", RECIPIENT),
            })
            .collect()
    }

    /// Flip the last bit of every envelope in the store.
    fn tamper_every_row(&self) {
        let db = rusqlite::Connection::open(self.store_file()).unwrap();
        let rows: Vec<(i64, Vec<u8>)> = db
            .prepare("SELECT id, envelope FROM secretctl_secrets")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!rows.is_empty(), "no rows to tamper with");
        for (id, mut envelope) in rows {
            *envelope.last_mut().unwrap() ^= 1;
            db.execute(
                "UPDATE secretctl_secrets SET envelope = ?1 WHERE id = ?2",
                rusqlite::params![envelope, id],
            )
            .unwrap();
        }
    }
}

/// Run every row of `condition`, each in a fresh instance; fail listing every row whose exit code (or clean-up)
/// differs, with what the command printed on stderr.
fn run_rows(condition: Condition) {
    let rows: Vec<_> = TABLE.iter().filter(|(c, ..)| *c == condition).collect();
    assert!(!rows.is_empty(), "no rows for {condition:?}");
    let mut wrong = Vec::new();
    for (_, expected, line) in rows {
        let inst = Instance::new();
        if condition == Tampered {
            inst.tamper_every_row();
        }
        let args = inst.fill(line);
        let out = inst
            .secretctl()
            .args(&args)
            .write_stdin("a value from stdin\n")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first_error = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or_else(|| stderr.lines().next().unwrap_or_default());
        if out.status.code() != Some(*expected) {
            wrong.push(format!(
                "  {line:<75} exit {:?}, want {expected}: {first_error}",
                out.status.code()
            ));
        } else if !stderr.contains("error") {
            wrong.push(format!(
                "  {line:<75} exit {expected} but no error on stderr"
            ));
        }
        if condition == MissingKeyfile && inst.no_keyfile().exists() {
            wrong.push(format!("  {line:<75} created the missing keyfile"));
        }
        if condition == MissingStore && inst.no_store_file().exists() {
            wrong.push(format!("  {line:<75} created the missing store"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{condition:?}: {} rows give another exit code than DESIGN.md's:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn each_condition_has_one_exit_code_in_the_table() {
    for condition in [MissingKeyfile, MissingStore, BadName, NotFound, Tampered] {
        let mut codes: Vec<i32> = TABLE
            .iter()
            .filter(|(c, ..)| *c == condition)
            .map(|(_, code, _)| *code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 1, "{condition:?} expects codes {codes:?}");
    }
}

#[test]
fn missing_keyfile_exits_4_from_every_command() {
    run_rows(MissingKeyfile);
}

#[test]
fn missing_store_exits_4_from_every_command() {
    run_rows(MissingStore);
}

#[test]
fn bad_name_exits_2_from_every_command() {
    run_rows(BadName);
}

#[test]
fn not_found_exits_4_from_every_command() {
    run_rows(NotFound);
}

#[test]
fn tampered_ciphertext_exits_3_from_every_command() {
    run_rows(Tampered);
}

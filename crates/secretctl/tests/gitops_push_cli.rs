//! `secretctl gitops push` end to end, with the real `git`, `age`, `sops` and Docker Compose v2: nothing undeclared
//! reaches git in plaintext, values come back as Compose computes them, recipients and encryption are pinned
//! against commits by other writers of the repository, and the schema and state travel to a new host. Every fix a
//! refusal prints is run as printed.
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{require_tool, secretctl_bin, tool_dirs, Sandbox};

/// An operator: a sandbox, an age identity (`keys/<name>.key`) and the tools.
struct Ops {
    sb: Sandbox,
    key: PathBuf,
    recipient: String,
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

impl Ops {
    fn new() -> Option<Ops> {
        require_tool("git")?;
        require_tool("age-keygen")?;
        let sb = Sandbox::new();
        std::fs::create_dir(sb.path("keys")).unwrap();
        let mut ops = Ops {
            sb,
            key: PathBuf::new(),
            recipient: String::new(),
        };
        (ops.key, ops.recipient) = ops.keygen("operator");
        Some(ops)
    }

    /// A new age identity `keys/<name>.key` and its recipient.
    fn keygen(&self, name: &str) -> (PathBuf, String) {
        let path = self.sb.path(format!("keys/{name}.key"));
        let out = self
            .sb
            .command("age-keygen")
            .arg("-o")
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "age-keygen: {}", text(&out.stderr));
        let recipient = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("# public key: "))
            .unwrap()
            .trim()
            .to_owned();
        (path, recipient)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.sb
            .command(secretctl_bin())
            .env("SECRETCTL_AGE_KEY_FILE", &self.key)
            .args(args)
            .output()
            .unwrap()
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "secretctl {args:?}: {}{}",
            text(&out.stderr),
            text(&out.stdout)
        );
        text(&out.stdout)
    }

    /// `secretctl` exits with `code`; its stderr.
    #[track_caller]
    fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "secretctl {args:?}: {}{}",
            text(&out.stderr),
            text(&out.stdout)
        );
        text(&out.stderr)
    }

    /// A command line exactly as a message printed it, run by `sh` with `secretctl` on `PATH`.
    #[track_caller]
    fn sh(&self, line: &str) -> String {
        let bin_dir = secretctl_bin().parent().unwrap().to_owned();
        let path = std::env::join_paths(std::iter::once(bin_dir).chain(tool_dirs())).unwrap();
        let out = self
            .sb
            .command("sh")
            .args(["-c", line])
            .env("PATH", path)
            .env("SECRETCTL_AGE_KEY_FILE", &self.key)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{line}`: {}{}",
            text(&out.stderr),
            text(&out.stdout)
        );
        text(&out.stdout)
    }

    #[track_caller]
    fn git(&self, repo: &Path, args: &[&str]) -> String {
        let out = self
            .sb
            .command("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    }

    fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.sb.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    /// `gitops init` of `repo` to the operator and `more` recipients.
    fn init(&self, repo: &str, more: &[&str]) -> PathBuf {
        let mut args = vec![
            "gitops",
            "init",
            "--repo",
            repo,
            "--recipient",
            &self.recipient,
        ];
        for r in more {
            args.extend(["--recipient", r]);
        }
        self.ok(&args);
        self.sb.path(repo)
    }

    fn push_args<'a>(repo: &'a str, host: &'a str, env: &'a str) -> Vec<&'a str> {
        vec![
            "gitops", "push", "--repo", repo, "--host", host, "--env", env,
        ]
    }

    /// Another writer of the repository commits `content` at `rel` with plain git.
    fn commit_as_another_writer(&self, repo: &Path, rel: &str, content: &str) {
        let p = repo.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        self.git(repo, &["add", rel]);
        self.git(
            repo,
            &[
                "-c",
                "user.name=Another Writer",
                "-c",
                "user.email=other@example.invalid",
                "commit",
                "-q",
                "--no-verify",
                "-m",
                "another writer",
            ],
        );
    }
}

/// Every byte git holds for `repo`: every blob of every commit (`rev-list --all --objects`), every blob the index
/// names, and the working tree without `.git`.
fn everything_git_holds(ops: &Ops, repo: &Path) -> String {
    let mut all = String::new();
    let objects = ops.git(repo, &["rev-list", "--all", "--objects"]);
    let mut ids: Vec<&str> = objects
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let index = ops.git(repo, &["ls-files", "--stage"]);
    ids.extend(index.lines().filter_map(|l| l.split_whitespace().nth(1)));
    for id in ids {
        let kind = ops.git(repo, &["cat-file", "-t", id]);
        if kind.trim() == "blob" {
            all.push_str(&ops.git(repo, &["cat-file", "blob", id]));
        } else if kind.trim() == "commit" {
            all.push_str(&ops.git(repo, &["cat-file", "commit", id]));
        }
    }
    let mut stack = vec![repo.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            if e.file_name() == ".git" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                all.push_str(&text(&std::fs::read(e.path()).unwrap()));
            }
        }
    }
    all
}

/// The environment Docker Compose v2 gives a service whose `env_file` is `env` (`docker-compose config`).
fn compose_environment(ops: &Ops, compose: &Path, env: &Path) -> serde_json::Value {
    let host = env.parent().unwrap().file_name().unwrap().to_string_lossy();
    let dir = ops.sb.path(format!("compose-{host}"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("compose.yaml");
    std::fs::write(
        &file,
        format!(
            "services:\n  app:\n    image: busybox\n    env_file: {}\n",
            serde_json::to_string(&env.display().to_string()).unwrap()
        ),
    )
    .unwrap();
    let out = ops
        .sb
        .command(compose)
        .arg("--project-directory")
        .arg(&dir)
        .arg("-f")
        .arg(&file)
        .args(["config", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker-compose: {}",
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["services"]["app"]["environment"].clone()
}

/// Twenty-odd credentials under names no rule would call secret, each carrying a marker (`mkNNzq`) that cannot
/// occur in base64 ciphertext or hex ids by chance.
const CREDENTIALS: &str = r#"# shop on web1
DATABASE=postgres://app:mk01zq-pw@db:5432/app
CACHE=redis://:mk02zq-pw@redis:6379/0
QUEUE=amqp://shop:mk03zq-pw@rabbit:5672/shop
DOCS=mongodb://root:mk04zq-pw@mongo:27017/admin?authSource=admin
HOOK=https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/mk05zqSlackHookSecret
LDAP_BIND=mk06zq-ldap-bind
GH_CLIENT=ghp_mk07zqaaaaBBBBccccDDDDeeeeFFFFgggg
WIKI_ADMIN=admin:mk08zq-wiki
SESSION=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtazA5enEifQ.mk09zqSignatureAbcdefghijklmnop
X=correct horse mk10zq staple

export AWS_ID=AKIAMK11ZQEXAMPLE123
AWS_SK=wJalrXUtnFEMI/K7MDENG/mk12zqbPxRfiCYEXAMPLE
GITLAB=glpat-mk13zqGitlabTokenValue
SLACK_BOT=xoxb-1234567890-mk14zq-bot-token
STRIPE=sk_live_mk15zqStripeSecretKeyValue
SIGNING=whsec_mk16zqWebhookSigningSecret
DEPLOY="-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXkmk17zq\n-----END OPENSSH PRIVATE KEY-----"
TLS='-----BEGIN PRIVATE KEY-----
MIIEvQmk18zq
-----END PRIVATE KEY-----'
HTPASSWD=admin:$$apr1$$mk19zq$$SaltedHashValue
SMTP=smtp://mailer:mk20zq-pw@mail.example.org:587
SENTRY=https://mk21zqPublicKey@o1.ingest.sentry.io/1
API=mk22zq-api-key # the vendor's key
PIN='mk23zq 0000'
"#;

#[test]
fn twenty_credentials_without_a_schema_never_reach_git_and_come_back_identically() {
    let Some(ops) = Ops::new() else { return };
    let Some(compose) = require_tool("docker-compose") else {
        return;
    };
    let origin = ops.init("origin", &[]);
    let env = ops.write("web1/.env", CREDENTIALS);
    let out = ops.ok(&Ops::push_args("origin", "web1", "web1/.env"));
    assert!(
        out.contains("(23 host secret(s), 0 shared, 0 plain)"),
        "{out}"
    );

    let all = everything_git_holds(&ops, &origin);
    for n in 1..=23 {
        let marker = format!("mk{n:02}zq");
        assert!(!all.contains(&marker), "{marker} is in the repository");
    }
    assert!(
        !all.contains("MK11ZQ"),
        "the AWS key id is in the repository"
    );
    // The template keeps the file's shape, with placeholders.
    let template = std::fs::read_to_string(origin.join("hosts/web1/env.template")).unwrap();
    assert!(template.starts_with("# shop on web1\nDATABASE=secretctl:vars:DATABASE\n"));
    assert!(template.contains("\n\nexport AWS_ID=secretctl:vars:AWS_ID\n"));
    assert!(template.contains("API=secretctl:vars:API # the vendor's key\n"));

    // A new host: a fresh clone and the identity render every value as Compose computes it.
    ops.git(ops.sb.dir().as_path(), &["clone", "-q", "origin", "clone"]);
    std::fs::create_dir_all(ops.sb.path("newhost")).unwrap();
    ops.ok(&[
        "gitops",
        "pull",
        "--repo",
        "clone",
        "--host",
        "web1",
        "--out",
        "newhost/.env",
    ]);
    let original = compose_environment(&ops, &compose, &env);
    let pulled = compose_environment(&ops, &compose, &ops.sb.path("newhost/.env"));
    assert_eq!(original.as_object().unwrap().len(), 23, "{original}");
    assert_eq!(pulled, original);
}

#[test]
fn values_come_back_as_compose_reads_them() {
    let Some(ops) = Ops::new() else { return };
    let Some(compose) = require_tool("docker-compose") else {
        return;
    };
    ops.init("repo", &[]);
    let env = r#"# every quoting Compose knows
HTPASSWD=user:$$apr1$$hash$$salt
DOLLAR_IN_SINGLE='literal $HOME and $$'
DOUBLE="say \"hi\" \\ tab\t$$ # not a comment"
HASH=value#still-value
COMMENTED=value # a comment
BACKSLASH=C:\path\to\thing
NEWLINES="line one
line two\nline three"
SPACES='  padded  '
EMPTY=
EQUALS=a=b=c
BASE=https://shop.example.org
DERIVED=${BASE}/callback
PLAIN_DERIVED=${BASE}/plain
UNICODE=ünïcødé ✓
export EXPORTED=yes
"#;
    let env_path = ops.write("web1/.env", env);
    ops.write(
        "web1/secretctl.toml",
        "[secrets.PLAIN_DERIVED]\nplain = true\n[secrets.BASE]\nplain = true\n",
    );
    ops.ok(&Ops::push_args("repo", "web1", "web1/.env"));
    let template = std::fs::read_to_string(ops.sb.path("repo/hosts/web1/env.template")).unwrap();
    assert!(
        template.contains("\nBASE=https://shop.example.org\n"),
        "{template}"
    );
    assert!(
        template.contains("\nPLAIN_DERIVED=${BASE}/plain\n"),
        "{template}"
    );
    assert!(
        template.contains("\nCOMMENTED=secretctl:vars:COMMENTED # a comment\n"),
        "{template}"
    );

    std::fs::create_dir_all(ops.sb.path("newhost")).unwrap();
    ops.ok(&[
        "gitops",
        "pull",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--out",
        "newhost/.env",
    ]);
    let original = compose_environment(&ops, &compose, &env_path);
    let pulled = compose_environment(&ops, &compose, &ops.sb.path("newhost/.env"));
    assert_eq!(original.as_object().unwrap().len(), 15, "{original}");
    assert_eq!(pulled, original);
    // Pushed again from the pulled file, nothing changes.
    let out = ops.ok(&[
        "gitops",
        "push",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--env",
        "newhost/.env",
        "--schema",
        "web1/secretctl.toml",
    ]);
    assert!(out.contains("nothing changed"), "{out}");
}

/// The commands between backticks in a message, in order.
fn quoted_commands(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with("secretctl ") || c.starts_with("git "))
        .map(str::to_owned)
        .collect()
}

/// `sops -d` of `file` with the identity `key`: whether it decrypts.
fn sops_decrypts(ops: &Ops, sops: &Path, repo: &Path, file: &str, key: &Path) -> bool {
    ops.sb
        .command(sops)
        .current_dir(repo)
        .env("SOPS_AGE_KEY_FILE", key)
        .args(["-d", file])
        .output()
        .unwrap()
        .status
        .success()
}

/// The age-armored data-key wraps in a vars file's metadata, each decrypted with `age -d -i key`: how many of them
/// the identity opens.
fn age_opens(ops: &Ops, age: &Path, vars: &str, key: &Path) -> (usize, usize) {
    let mut stanzas = Vec::new();
    let mut current: Option<String> = None;
    for line in vars.lines() {
        let t = line.trim();
        if t == "-----BEGIN AGE ENCRYPTED FILE-----" {
            current = Some(String::new());
        }
        if let Some(c) = current.as_mut() {
            c.push_str(t);
            c.push('\n');
        }
        if t == "-----END AGE ENCRYPTED FILE-----" {
            stanzas.extend(current.take());
        }
    }
    let mut opened = 0;
    for (i, s) in stanzas.iter().enumerate() {
        let f = ops.write(&format!("stanza-{i}.age"), s);
        let out = ops
            .sb
            .command(age)
            .arg("-d")
            .arg("-i")
            .arg(key)
            .arg(&f)
            .output()
            .unwrap();
        if out.status.success() {
            assert_eq!(out.stdout.len(), 32, "a sops data key is 32 bytes");
            opened += 1;
        }
    }
    (opened, stanzas.len())
}

#[test]
fn recipients_change_only_when_the_operator_says_so() {
    let Some(ops) = Ops::new() else { return };
    let Some(sops) = require_tool("sops") else {
        return;
    };
    let Some(age) = require_tool("age") else {
        return;
    };
    let (backup_key, backup) = ops.keygen("backup");
    let (colleague_key, colleague) = ops.keygen("colleague");
    let (stranger_key, _) = ops.keygen("stranger");
    let repo = ops.init("repo", &[&backup]);
    ops.write("web1/.env", "DB_PASSWORD=pw-mk31zq\n");
    let push = Ops::push_args("repo", "web1", "web1/.env");
    ops.ok(&push);
    let vars = "hosts/web1/vars.yaml";

    // Another writer adds a recipient to .sops.yaml: the next push refuses, naming it, and changes nothing.
    let sops_yaml = std::fs::read_to_string(repo.join(".sops.yaml")).unwrap();
    let widened = sops_yaml.replace(&backup, &format!("{backup},\n      {colleague}"));
    ops.commit_as_another_writer(&repo, ".sops.yaml", &widened);
    let head = ops.git(&repo, &["rev-parse", "HEAD"]);
    let err = ops.fails(1, &push);
    assert!(err.contains(&format!("adds {colleague}")), "{err}");
    assert!(!err.contains("removes"), "{err}");
    assert_eq!(ops.git(&repo, &["rev-parse", "HEAD"]), head);
    assert!(!sops_decrypts(&ops, &sops, &repo, vars, &colleague_key));

    // The operator confirms with the printed command; then push succeeds and exactly the three identities read.
    let fixes = quoted_commands(&err);
    assert_eq!(fixes.len(), 1, "{err}");
    assert!(
        fixes[0].starts_with("secretctl gitops recipients add --repo "),
        "{err}"
    );
    ops.sh(&fixes[0]);
    ops.write("web1/.env", "DB_PASSWORD=pw-mk32zq\n");
    ops.ok(&push);
    for (key, reads) in [
        (&ops.key, true),
        (&backup_key, true),
        (&colleague_key, true),
        (&stranger_key, false),
    ] {
        assert_eq!(
            sops_decrypts(&ops, &sops, &repo, vars, key),
            reads,
            "{}",
            key.display()
        );
    }
    let text = std::fs::read_to_string(repo.join(vars)).unwrap();
    for key in [&ops.key, &backup_key, &colleague_key] {
        assert_eq!(age_opens(&ops, &age, &text, key), (1, 3));
    }
    assert_eq!(age_opens(&ops, &age, &text, &stranger_key), (0, 3));

    // Another writer drops the backup recipient: refused again, naming it as removed.
    let narrowed = std::fs::read_to_string(repo.join(".sops.yaml"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains(&backup))
        .collect::<Vec<_>>()
        .join("\n");
    ops.commit_as_another_writer(&repo, ".sops.yaml", &format!("{narrowed}\n"));
    let err = ops.fails(1, &push);
    assert!(err.contains(&format!("removes {backup}")), "{err}");
    let fixes = quoted_commands(&err);
    assert!(
        fixes[0].starts_with("secretctl gitops recipients remove --repo "),
        "{err}"
    );
    ops.sh(&fixes[0]);
    ops.ok(&push);
    assert!(sops_decrypts(&ops, &sops, &repo, vars, &ops.key));
    assert!(sops_decrypts(&ops, &sops, &repo, vars, &colleague_key));
    assert!(!sops_decrypts(&ops, &sops, &repo, vars, &backup_key));
    let text = std::fs::read_to_string(repo.join(vars)).unwrap();
    assert_eq!(age_opens(&ops, &age, &text, &backup_key), (0, 2));
}

#[test]
fn a_commit_cannot_turn_an_encrypted_key_into_plaintext() {
    let Some(ops) = Ops::new() else { return };
    let repo = ops.init("origin", &[]);
    ops.write("web1/.env", "PORT=80\nDB_PASSWORD=pw-mk41zq\n");
    ops.write("web1/secretctl.toml", "[secrets.PORT]\nplain = true\n");
    let push = Ops::push_args("origin", "web1", "web1/.env");
    ops.ok(&push);

    // Through .sops.yaml: another writer leaves DB_PASSWORD unencrypted.
    let sops_yaml = std::fs::read_to_string(repo.join(".sops.yaml")).unwrap();
    ops.commit_as_another_writer(
        &repo,
        ".sops.yaml",
        &format!("{sops_yaml}    unencrypted_regex: ^DB_PASSWORD$\n"),
    );
    let err = ops.fails(1, &push);
    assert!(
        err.contains("DB_PASSWORD is encrypted in hosts/web1/vars.yaml and would become plaintext"),
        "{err}"
    );
    assert!(!everything_git_holds(&ops, &repo).contains("mk41zq"));

    // Through the schema: another writer marks it plain in the schema that travels; a new host restores it.
    ops.git(&repo, &["checkout", "-q", "HEAD~1", "--", ".sops.yaml"]);
    ops.git(
        &repo,
        &[
            "-c",
            "user.name=Op",
            "-c",
            "user.email=op@example.invalid",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "restore",
        ],
    );
    ops.commit_as_another_writer(
        &repo,
        "hosts/web1/secretctl.toml",
        "[secrets.PORT]\nplain = true\n[secrets.DB_PASSWORD]\nplain = true\n",
    );
    std::fs::create_dir_all(ops.sb.path("newhost")).unwrap();
    let out = ops.run(&[
        "gitops",
        "pull",
        "--repo",
        "origin",
        "--host",
        "web1",
        "--out",
        "newhost/.env",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("restored the schema"),
        "{}",
        text(&out.stderr)
    );
    let newhost_push = Ops::push_args("origin", "web1", "newhost/.env");
    let err = ops.fails(1, &newhost_push);
    assert!(
        err.contains("(declared `plain = true` in the schema)"),
        "{err}"
    );
    assert!(!everything_git_holds(&ops, &repo).contains("mk41zq"));

    // Only the operator's flag makes it plaintext: the printed command, run as printed.
    let fixes = quoted_commands(&err);
    assert_eq!(fixes.len(), 1, "{err}");
    assert!(fixes[0].ends_with("--allow-plain DB_PASSWORD"), "{err}");
    ops.sh(&fixes[0]);
    let template = std::fs::read_to_string(repo.join("hosts/web1/env.template")).unwrap();
    assert!(template.contains("DB_PASSWORD=pw-mk41zq"), "{template}");
}

#[test]
fn a_plain_value_that_looks_like_a_credential_needs_a_review() {
    let Some(ops) = Ops::new() else { return };
    let repo = ops.init("repo", &[]);
    ops.write(
        "web1/.env",
        "SENTRY_DSN=https://key:mk51zq-secret@sentry.example.org/1\nPORT=80\n",
    );
    ops.write(
        "web1/secretctl.toml",
        "[secrets.SENTRY_DSN]\nplain = true\n[secrets.PORT]\nplain = true\n",
    );
    let push = Ops::push_args("repo", "web1", "web1/.env");
    let err = ops.fails(1, &push);
    assert!(
        err.contains("SENTRY_DSN looks like a URL with a password (url-password)"),
        "{err}"
    );
    assert!(!err.contains("mk51zq"), "{err}");
    assert!(!everything_git_holds(&ops, &repo).contains("mk51zq"));

    let fixes = quoted_commands(&err);
    assert_eq!(fixes.len(), 1, "{err}");
    ops.sh(&fixes[0]);
    let out = ops.ok(&[
        "--json",
        "gitops",
        "push",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--env",
        "web1/.env",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["reviewed"], serde_json::json!(["SENTRY_DSN"]));
    assert_eq!(v["plain_keys"], serde_json::json!(["SENTRY_DSN", "PORT"]));

    // The pre-commit check knows the review, and only for that value.
    ops.ok(&["gitops", "check", "--repo", "repo"]);
    let tpl = repo.join("hosts/web1/env.template");
    let changed = std::fs::read_to_string(&tpl)
        .unwrap()
        .replace("mk51zq-secret", "mk52zq-secret");
    std::fs::write(&tpl, changed).unwrap();
    ops.git(&repo, &["add", "hosts/web1/env.template"]);
    let out = ops.run(&["gitops", "check", "--repo", "repo"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains(
            "hosts/web1/env.template: SENTRY_DSN: declared plain, but the value looks like"
        ),
        "{report}"
    );
    assert!(!report.contains("mk52zq") && !text(&out.stderr).contains("mk52zq"));
}

#[test]
fn a_new_host_gets_the_schema_and_state_and_check_reports_the_same() {
    let Some(ops) = Ops::new() else { return };
    ops.init("origin", &[]);
    ops.write(
        "web1/secretctl.toml",
        "[secrets.DB_PASSWORD]\ngenerator = \"alnum:32\"\nrotate_every = \"90d\"\n\
         [secrets.MW_SECRET_KEY]\ngenerator = \"alnum:48\"\none_shot = true\n\
         [secrets.API_TOKEN]\nmin_length = 40\n\
         [secrets.SMTP_PASSWORD]\nrotate_every = \"30d\"\n\
         [secrets.PORT]\nplain = true\n",
    );
    ops.write(
        "given.env",
        "PORT=80\nAPI_TOKEN=short-token\nSMTP_PASSWORD=relay-secret\n",
    );
    ops.ok(&["init", "web1", "--env-file", "given.env"]);
    ops.ok(&Ops::push_args("origin", "web1", "web1/.env"));

    let check = |env: &str| {
        let out = ops.run(&["--json", "check", "--env", env]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["key"].as_str().unwrap().to_owned(),
                    f["kind"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        (out.status.code(), findings)
    };
    let old = check("web1/.env");
    assert_eq!(old.1, [("API_TOKEN".to_owned(), "too_short".to_owned())]);

    ops.git(ops.sb.dir().as_path(), &["clone", "-q", "origin", "clone"]);
    std::fs::create_dir_all(ops.sb.path("newhost")).unwrap();
    ops.ok(&[
        "gitops",
        "pull",
        "--repo",
        "clone",
        "--host",
        "web1",
        "--out",
        "newhost/.env",
    ]);
    assert_eq!(
        std::fs::read_to_string(ops.sb.path("newhost/secretctl.toml")).unwrap(),
        std::fs::read_to_string(ops.sb.path("web1/secretctl.toml")).unwrap()
    );
    assert_eq!(check("newhost/.env"), old);
    // env rotate works there, as on the old host.
    ops.ok(&["env", "rotate", "DB_PASSWORD", "--file", "newhost/.env"]);
    assert_eq!(check("newhost/.env"), old);

    // An instance without its schema cannot push over the repository's; the printed command restores it.
    std::fs::create_dir_all(ops.sb.path("bare")).unwrap();
    std::fs::copy(ops.sb.path("web1/.env"), ops.sb.path("bare/.env")).unwrap();
    let err = ops.fails(1, &Ops::push_args("clone", "web1", "bare/.env"));
    let fixes = quoted_commands(&err);
    assert_eq!(fixes.len(), 1, "{err}");
    assert!(fixes[0].starts_with("git -C "), "{err}");
    ops.sh(&fixes[0]);
    let out = ops.ok(&Ops::push_args("clone", "web1", "bare/.env"));
    assert!(
        out.contains("nothing changed") || out.contains("pushed host web1"),
        "{out}"
    );
}

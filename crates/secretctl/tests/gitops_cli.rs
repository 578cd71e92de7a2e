//! End-to-end tests of `secretctl gitops` with the real `git` and `age-keygen`: init, push, pull on a fresh
//! clone, `git merge` through our merge driver (clean and conflicting), textconv, diff, check, recipients.
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use secretctl_envfile::EnvFile;

/// The tools a test needs, or `None` (after failing in CI) when one is missing.
fn tools(names: &[&str]) -> Option<Vec<PathBuf>> {
    names
        .iter()
        .map(|name| common::require_tool(name))
        .collect()
}

/// A sandbox: a temp HOME (no global git config leaks in), an age identity, and the tools.
struct Sandbox {
    dir: tempfile::TempDir,
    git: PathBuf,
    key: PathBuf,
    recipient: String,
}

const AUTHOR: [&str; 4] = [
    "--author-name",
    "Test Operator",
    "--author-email",
    "ops@example.org",
];

impl Sandbox {
    fn new() -> Option<Sandbox> {
        let t = tools(&["git", "age-keygen"])?;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let (key, recipient) = keygen(&t[1], &dir.path().join("key.txt"));
        Some(Sandbox {
            dir,
            git: t[0].clone(),
            key,
            recipient,
        })
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn env(&self, cmd: &mut std::process::Command) {
        cmd.env("HOME", self.path("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test Operator")
            .env("GIT_AUTHOR_EMAIL", "ops@example.org")
            .env("GIT_COMMITTER_NAME", "Test Operator")
            .env("GIT_COMMITTER_EMAIL", "ops@example.org")
            .env("SECRETCTL_AGE_KEY_FILE", &self.key)
            .env_remove("SOPS_AGE_KEY_FILE")
            .env_remove("SOPS_AGE_KEY");
    }

    fn secretctl(&self, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("secretctl"));
        self.env(&mut cmd);
        cmd.args(args).current_dir(self.dir.path());
        cmd.output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.secretctl(args);
        assert!(
            out.status.success(),
            "secretctl {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn git(&self, repo: &Path, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(&self.git);
        self.env(&mut cmd);
        cmd.arg("-C").arg(repo).args(args);
        cmd.output().unwrap()
    }

    fn git_ok(&self, repo: &Path, args: &[&str]) -> String {
        let out = self.git(repo, args);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `gitops init` of `repo` to the sandbox's recipient.
    fn init(&self, repo: &str) -> PathBuf {
        let mut args = vec![
            "gitops",
            "init",
            "--repo",
            repo,
            "--recipient",
            &self.recipient,
        ];
        args.extend(AUTHOR);
        self.ok(&args);
        self.path(repo)
    }

    fn push(&self, repo: &Path, host: &str, env: &Path) -> String {
        let mut args = vec![
            "gitops",
            "push",
            "--repo",
            repo.to_str().unwrap(),
            "--host",
            host,
            "--env",
            env.to_str().unwrap(),
        ];
        args.extend(AUTHOR);
        self.ok(&args)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
}

fn keygen(age_keygen: &Path, path: &Path) -> (PathBuf, String) {
    let out = std::process::Command::new(age_keygen)
        .arg("-o")
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "age-keygen failed");
    let text = std::fs::read_to_string(path).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("age-keygen writes the public key")
        .trim()
        .to_owned();
    (path.to_owned(), recipient)
}

/// Every value of a .env, by key.
fn values(text: &str) -> Vec<(String, String)> {
    let doc = EnvFile::parse(text).unwrap();
    doc.keys()
        .into_iter()
        .map(|k| (k.to_owned(), doc.get(k).unwrap().to_owned()))
        .collect()
}

/// Every byte git holds (working tree without .git, plus every object's content, textconv off) as one string.
fn everything_in(s: &Sandbox, repo: &Path) -> String {
    let mut all = s.git_ok(
        repo,
        &["log", "-p", "--all", "--no-textconv", "--format=%H"],
    );
    let index = s.git_ok(repo, &["ls-files", "--stage"]);
    for line in index.lines() {
        let oid = line.split_whitespace().nth(1).unwrap();
        all.push_str(&s.git_ok(repo, &["cat-file", "-p", oid]));
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
                all.push_str(&String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()));
            }
        }
    }
    all
}

const WEB1_ENV: &str = "\
# web1: production instance
COMPOSE_PROJECT_NAME=web
export PORT=8080
DB_PASSWORD='p@ss w0rd#1 $notvar'
API_TOKEN=\"tok-line1\\nline2\"
APP_SECRET_KEY=shared-app-secret-0001
EMPTY_PASSWORD=

# trailing comment
";

const SCHEMA: &str = "\
[secrets.COMPOSE_PROJECT_NAME]
plain = true
[secrets.PORT]
plain = true
[secrets.DB_PASSWORD]
[secrets.API_TOKEN]
[secrets.APP_SECRET_KEY]
shared = true
";

#[test]
fn push_then_pull_on_a_fresh_clone_gives_the_env_back() {
    let Some(s) = Sandbox::new() else { return };
    let origin = s.init("origin");
    let env = s.write("web1/.env", WEB1_ENV);
    s.write("web1/secretctl.toml", SCHEMA);

    let mut args = vec![
        "gitops",
        "push",
        "--repo",
        "origin",
        "--host",
        "web1",
        "--env",
        "web1/.env",
        "--schema",
        "web1/secretctl.toml",
    ];
    args.extend(AUTHOR);
    let out = s.ok(&args);
    assert!(out.contains("pushed host web1"), "{out}");

    // The template keeps the lines the schema declares plain verbatim and holds placeholders for the rest.
    let template = std::fs::read_to_string(origin.join("hosts/web1/env.template")).unwrap();
    assert!(template
        .starts_with("# web1: production instance\nCOMPOSE_PROJECT_NAME=web\nexport PORT=8080\n"));
    assert!(
        template.contains("DB_PASSWORD=secretctl:vars:DB_PASSWORD"),
        "{template}"
    );
    assert!(
        template.contains("APP_SECRET_KEY=secretctl:vars:APP_SECRET_KEY"),
        "{template}"
    );
    assert!(template.ends_with("\n# trailing comment\n"));
    // The shared key went to _shared, the others to the host.
    let host_vars = std::fs::read_to_string(origin.join("hosts/web1/vars.yaml")).unwrap();
    let shared_vars = std::fs::read_to_string(origin.join("hosts/_shared/vars.yaml")).unwrap();
    assert!(host_vars.contains("DB_PASSWORD: ENC[AES256_GCM,"));
    assert!(!host_vars.contains("APP_SECRET_KEY"));
    assert!(shared_vars.contains("APP_SECRET_KEY: ENC[AES256_GCM,"));

    // Nothing secret is anywhere in the repository.
    let all = everything_in(&s, &origin);
    for secret in ["p@ss w0rd", "tok-line1", "shared-app-secret-0001"] {
        assert!(!all.contains(secret), "{secret} is in the repository");
    }

    // A second push of the same .env rewrites nothing and commits nothing.
    let head = s.git_ok(&origin, &["rev-parse", "HEAD"]);
    let before = std::fs::read(origin.join("hosts/web1/vars.yaml")).unwrap();
    let out = s.ok(&args);
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(s.git_ok(&origin, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        std::fs::read(origin.join("hosts/web1/vars.yaml")).unwrap(),
        before
    );

    // Disaster recovery: a new machine with the repository and the identity gets the .env back.
    s.git_ok(s.dir.path(), &["clone", "-q", "origin", "clone"]);
    let clone = s.path("clone");
    // git never takes drivers from a repository: a clone has none until `gitops setup`.
    assert!(!s
        .git(&clone, &["config", "merge.secretctl.driver"])
        .status
        .success());
    s.ok(&["gitops", "setup", "--repo", "clone"]);
    let driver = s.git_ok(&clone, &["config", "merge.secretctl.driver"]);
    assert!(
        driver.ends_with(" gitops merge-driver %O %A %B %L %P\n"),
        "{driver}"
    );
    let out_env = s.path("newhost/.env");
    std::fs::create_dir_all(out_env.parent().unwrap()).unwrap();
    s.ok(&[
        "gitops",
        "pull",
        "--repo",
        "clone",
        "--host",
        "web1",
        "--out",
        out_env.to_str().unwrap(),
    ]);
    let rendered = std::fs::read_to_string(&out_env).unwrap();
    assert_eq!(values(&rendered), values(WEB1_ENV));
    assert!(rendered
        .starts_with("# web1: production instance\nCOMPOSE_PROJECT_NAME=web\nexport PORT=8080\n"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out_env).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let _ = env;
}

#[test]
fn a_placeholder_without_a_value_is_omitted() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    s.write(
        "repo/hosts/web2/env.template",
        "A=1\nDB_PASSWORD=secretctl:vars:DB_PASSWORD\nB=2\n",
    );
    let out = s.path("web2.env");
    s.ok(&[
        "gitops",
        "pull",
        "--repo",
        repo.to_str().unwrap(),
        "--host",
        "web2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "A=1\nB=2\n");
}

#[test]
fn pull_of_an_unknown_host_is_not_found_and_tampering_is_an_integrity_failure() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    let out = s.secretctl(&[
        "gitops", "pull", "--repo", "repo", "--host", "nope", "--out", "x.env",
    ]);
    assert_eq!(out.status.code(), Some(4));

    let env = s.write("web1.env", "DB_PASSWORD=hunter2-original\nPORT=1\n");
    s.push(&repo, "web1", &env);
    let vars = repo.join("hosts/web1/vars.yaml");
    let text = std::fs::read_to_string(&vars).unwrap();
    // Swap the key name: the value's associated data no longer matches.
    std::fs::write(&vars, text.replace("DB_PASSWORD:", "DB_PASSWORX:")).unwrap();
    let out = s.secretctl(&[
        "gitops", "pull", "--repo", "repo", "--host", "web1", "--out", "x.env",
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!s.path("x.env").exists());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("vars.yaml"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

/// Two branches edit different keys of one vars file; `git merge` resolves it through our driver.
#[test]
fn real_git_merge_of_two_branches_editing_different_keys() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    let base = "DB_PASSWORD=base-db-0001\nAPI_TOKEN=base-token-0001\nPORT=80\n";
    let env = s.write("web1.env", base);
    s.push(&repo, "web1", &env);

    s.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(&env, base.replace("base-db-0001", "feature-db-0002")).unwrap();
    s.push(&repo, "web1", &env);

    s.git_ok(&repo, &["checkout", "-q", "main"]);
    std::fs::write(&env, base.replace("base-token-0001", "main-token-0003")).unwrap();
    s.push(&repo, "web1", &env);

    let merge = s.git(&repo, &["merge", "--no-edit", "feature"]);
    assert!(
        merge.status.success(),
        "merge failed: {}{}",
        String::from_utf8_lossy(&merge.stdout),
        String::from_utf8_lossy(&merge.stderr)
    );
    assert_eq!(s.git_ok(&repo, &["status", "--porcelain"]), "");

    let out = s.path("merged.env");
    s.ok(&[
        "gitops",
        "pull",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        values(&std::fs::read_to_string(&out).unwrap()),
        values("DB_PASSWORD=feature-db-0002\nAPI_TOKEN=main-token-0003\nPORT=80\n")
    );
    let all = everything_in(&s, &repo);
    for secret in [
        "base-db-0001",
        "feature-db-0002",
        "main-token-0003",
        "base-token-0001",
    ] {
        assert!(!all.contains(secret), "{secret} is in the repository");
    }

    // The diff textconv shows key names and ciphertext digests, never values.
    let diff = s.git_ok(
        &repo,
        &[
            "log",
            "-p",
            "-1",
            "--format=",
            "HEAD^1",
            "--",
            "hosts/web1/vars.yaml",
        ],
    );
    assert!(diff.contains("API_TOKEN: enc:"), "{diff}");
    assert!(!diff.contains("main-token-0003"));
}

#[test]
fn real_git_merge_with_a_true_conflict_fails_and_leaves_no_plaintext() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    let base = "DB_PASSWORD=base-db-0001\nAPI_TOKEN=base-token-0001\n";
    let env = s.write("web1.env", base);
    s.push(&repo, "web1", &env);

    s.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(&env, base.replace("base-db-0001", "feature-db-0002")).unwrap();
    s.push(&repo, "web1", &env);
    s.git_ok(&repo, &["checkout", "-q", "main"]);
    std::fs::write(&env, base.replace("base-db-0001", "main-db-0003")).unwrap();
    s.push(&repo, "web1", &env);

    let merge = s.git(&repo, &["merge", "--no-edit", "feature"]);
    assert!(!merge.status.success());
    let status = s.git_ok(&repo, &["status", "--porcelain"]);
    assert!(status.contains("UU hosts/web1/vars.yaml"), "{status}");
    let stderr = String::from_utf8_lossy(&merge.stderr).into_owned()
        + &String::from_utf8_lossy(&merge.stdout);
    assert!(stderr.contains("DB_PASSWORD"), "{stderr}");
    let text = std::fs::read_to_string(repo.join("hosts/web1/vars.yaml")).unwrap();
    assert!(text.contains("DB_PASSWORD: ENC[AES256_GCM,"));
    let all = everything_in(&s, &repo);
    for secret in [
        "base-db-0001",
        "feature-db-0002",
        "main-db-0003",
        "base-token-0001",
    ] {
        assert!(!all.contains(secret), "{secret} is in the repository");
    }

    // Their value against ours, to decide (documented in docs/gitops.md).
    let theirs = s.ok(&[
        "gitops",
        "diff",
        "--repo",
        "repo",
        "--show-values",
        "MERGE_HEAD",
    ]);
    assert!(
        theirs.contains("~ DB_PASSWORD (vars): \"feature-db-0002\" -> \"main-db-0003\""),
        "{theirs}"
    );

    // A commit in the middle of the merge is refused; --no-commit writes the chosen values for `git add`.
    std::fs::write(&env, base.replace("base-db-0001", "resolved-db-0004")).unwrap();
    let mut args = vec![
        "gitops", "push", "--repo", "repo", "--host", "web1", "--env", "web1.env",
    ];
    args.extend(AUTHOR);
    let busy = s.secretctl(&args);
    assert_eq!(busy.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&busy.stderr).contains("in progress"));
    args.push("--no-commit");
    s.ok(&args);
    s.git_ok(&repo, &["add", "hosts/web1/vars.yaml"]);
    s.git_ok(&repo, &["commit", "-q", "--no-edit"]);
    assert_eq!(s.git_ok(&repo, &["status", "--porcelain"]), "");
    let parents = s.git_ok(&repo, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a merge commit");
    let out = s.path("resolved.env");
    s.ok(&[
        "gitops",
        "pull",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        values(&std::fs::read_to_string(&out).unwrap()),
        values(&base.replace("base-db-0001", "resolved-db-0004"))
    );
}

#[test]
fn plaintext_is_never_written_into_the_working_tree() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    let env = s.write("web1.env", "DB_PASSWORD=never-in-repo-0001\n");
    s.push(&repo, "web1", &env);
    let out = s.secretctl(&[
        "gitops",
        "pull",
        "--repo",
        "repo",
        "--host",
        "web1",
        "--out",
        "repo/.env",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!repo.join(".env").exists());
    let out = s.secretctl(&[
        "gitops",
        "decrypt",
        "--in-place",
        "repo/hosts/web1/vars.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let all = everything_in(&s, &repo);
    assert!(!all.contains("never-in-repo-0001"));
}

#[test]
fn merge_driver_without_an_identity_fails_without_writing() {
    let Some(s) = Sandbox::new() else { return };
    let a = s.write("a.yaml", "not: touched\n");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("secretctl"));
    s.env(&mut cmd);
    cmd.env_remove("SECRETCTL_AGE_KEY_FILE");
    let out = cmd
        .args(["gitops", "merge-driver"])
        .arg(&a)
        .arg(&a)
        .arg(&a)
        .arg("7")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "not: touched\n");
}

#[test]
fn diff_shows_keys_not_values_unless_asked() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    let env = s.write(
        "web1.env",
        "DB_PASSWORD=old-value-0001\nAPI_TOKEN=same-0001\nPORT=1\n",
    );
    s.push(&repo, "web1", &env);
    std::fs::write(
        &env,
        "DB_PASSWORD=new-value-0002\nAPI_TOKEN=same-0001\nNEW_SECRET=added-0003\nPORT=2\n",
    )
    .unwrap();
    s.push(&repo, "web1", &env);

    let out = s.ok(&["gitops", "diff", "--repo", "repo", "HEAD~1"]);
    assert!(out.contains("host web1:"), "{out}");
    assert!(out.contains("~ DB_PASSWORD (vars)"), "{out}");
    assert!(out.contains("+ NEW_SECRET (vars)"), "{out}");
    // No schema: every key is a secret, PORT too.
    assert!(out.contains("~ PORT (vars)"), "{out}");
    assert!(!out.contains("PORT (template)"), "{out}");
    assert!(!out.contains("API_TOKEN"), "{out}");
    assert!(!out.contains("value-000"), "{out}");

    let out = s.ok(&[
        "gitops",
        "diff",
        "--repo",
        "repo",
        "--show-values",
        "HEAD~1",
    ]);
    assert!(
        out.contains("\"old-value-0001\" -> \"new-value-0002\""),
        "{out}"
    );

    let out = s.ok(&["--json", "gitops", "diff", "--repo", "repo", "HEAD~1"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["host"], "web1");
}

#[test]
fn check_catches_a_staged_plaintext_secret() {
    let Some(s) = Sandbox::new() else { return };
    let repo = s.init("repo");
    let env = s.write("web1.env", "DB_PASSWORD=pushed-0001\nPORT=1\n");
    s.push(&repo, "web1", &env);
    s.ok(&["gitops", "check", "--repo", "repo"]);

    s.write("repo/app/.env", "PORT=1\nDB_PASSWORD=hunter2-staged\n");
    s.git_ok(&repo, &["add", "app/.env"]);
    let out = s.secretctl(&["gitops", "check", "--repo", "repo"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("app/.env: DB_PASSWORD"), "{stdout}");
    assert!(
        !stdout.contains("hunter2") && !String::from_utf8_lossy(&out.stderr).contains("hunter2")
    );
    // The pre-commit hook `init` installed runs the same check: a real `git commit` is refused.
    let head = s.git_ok(&repo, &["rev-parse", "HEAD"]);
    let commit = s.git(&repo, &["commit", "-q", "-m", "oops"]);
    assert!(!commit.status.success());
    assert_eq!(s.git_ok(&repo, &["rev-parse", "HEAD"]), head);
    s.git_ok(&repo, &["rm", "-q", "--cached", "app/.env"]);

    s.write("repo/hosts/web3/vars.yaml", "DB_PASSWORD: hunter2-plain\n");
    s.git_ok(&repo, &["add", "hosts/web3/vars.yaml"]);
    let out = s.secretctl(&["gitops", "check", "--repo", "repo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("hosts/web3/vars.yaml: vars file is not encrypted"));
}

#[test]
fn recipients_add_rewraps_and_remove_rotates() {
    let Some(s) = Sandbox::new() else { return };
    let t = tools(&["age-keygen"]).unwrap();
    let (key2, recipient2) = keygen(&t[0], &s.path("key2.txt"));
    let repo = s.init("repo");
    let env = s.write("web1.env", "DB_PASSWORD=rotate-me-0001\nPORT=1\n");
    s.push(&repo, "web1", &env);
    let vars = repo.join("hosts/web1/vars.yaml");
    let before = std::fs::read_to_string(&vars).unwrap();
    let enc_line = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("DB_PASSWORD:"))
            .unwrap()
            .to_owned()
    };

    let mut args = vec![
        "gitops",
        "recipients",
        "add",
        "--repo",
        "repo",
        recipient2.as_str(),
    ];
    args.extend(AUTHOR);
    s.ok(&args);
    let added = std::fs::read_to_string(&vars).unwrap();
    assert_eq!(
        enc_line(&added),
        enc_line(&before),
        "adding keeps the data key and ciphertext"
    );
    assert!(std::fs::read_to_string(repo.join(".sops.yaml"))
        .unwrap()
        .contains(&recipient2));
    let pull2 = |key: &Path| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("secretctl"));
        s.env(&mut cmd);
        cmd.env("SECRETCTL_AGE_KEY_FILE", key)
            .current_dir(s.dir.path())
            .args([
                "gitops", "pull", "--repo", "repo", "--host", "web1", "--out", "k.env",
            ])
            .output()
            .unwrap()
    };
    assert!(pull2(&key2).status.success());

    let mut args = vec![
        "gitops",
        "recipients",
        "remove",
        "--repo",
        "repo",
        s.recipient.as_str(),
    ];
    args.extend(AUTHOR);
    s.ok(&args);
    let removed = std::fs::read_to_string(&vars).unwrap();
    assert_ne!(
        enc_line(&removed),
        enc_line(&before),
        "removing rotates the data key"
    );
    assert!(!removed.contains(&s.recipient));
    assert_eq!(pull2(&s.key).status.code(), Some(3));
    let ok = pull2(&key2);
    assert!(ok.status.success());
    assert_eq!(
        values(&std::fs::read_to_string(s.path("k.env")).unwrap()),
        values("DB_PASSWORD=rotate-me-0001\nPORT=1\n")
    );
    let log = s.git_ok(&repo, &["log", "--format=%s"]);
    assert!(log.contains("remove recipients"), "{log}");
}

#[test]
fn encrypt_then_decrypt_one_file_and_sops_reads_it() {
    let Some(s) = Sandbox::new() else { return };
    s.init("repo");
    let plain = "db:\n    password: hunter2-file\n    port: 5432\nenabled: true\n";
    let file = s.write("repo/app.yaml", plain);
    s.ok(&[
        "gitops",
        "encrypt",
        "--repo",
        "repo",
        "--in-place",
        file.to_str().unwrap(),
    ]);
    let enc = std::fs::read_to_string(&file).unwrap();
    assert!(!enc.contains("hunter2-file") && enc.contains("sops:"));
    let dec = s.ok(&["gitops", "decrypt", file.to_str().unwrap()]);
    assert_eq!(dec, plain);

    let Some(sops) = tools(&["sops"]) else { return };
    let mut cmd = std::process::Command::new(&sops[0]);
    s.env(&mut cmd);
    let out = cmd
        .env("SOPS_AGE_KEY_FILE", &s.key)
        .arg("-d")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), plain);
}

/// The repository is a sops repository: `sops -d` reads what `push` wrote, and `sops -e` run in it (through our
/// `.sops.yaml`) writes a vars file that `pull` reads.
#[test]
fn sops_reads_the_repository_and_sops_users_write_to_it() {
    let Some(s) = Sandbox::new() else { return };
    let Some(sops) = tools(&["sops"]) else { return };
    let repo = s.init("repo");
    let env = s.write("web1.env", "DB_PASSWORD=from-secretctl-0001\nPORT=1\n");
    s.push(&repo, "web1", &env);
    let sops_cmd = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&sops[0]);
        s.env(&mut cmd);
        let out = cmd
            .env("SOPS_AGE_KEY_FILE", &s.key)
            .current_dir(&repo)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "sops {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // No schema: every key is encrypted, PORT too.
    assert_eq!(
        sops_cmd(&["-d", "hosts/web1/vars.yaml"]),
        "DB_PASSWORD: from-secretctl-0001\nPORT: \"1\"\n"
    );

    s.write("repo/hosts/web9/vars.yaml", "API_TOKEN: from-sops-0002\n");
    sops_cmd(&["-e", "-i", "hosts/web9/vars.yaml"]);
    s.write(
        "repo/hosts/web9/env.template",
        "PORT=9\nAPI_TOKEN=secretctl:vars:API_TOKEN\n",
    );
    let out = s.path("web9.env");
    s.ok(&[
        "gitops",
        "pull",
        "--repo",
        "repo",
        "--host",
        "web9",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "PORT=9\nAPI_TOKEN=from-sops-0002\n"
    );
}

#[test]
fn init_without_an_author_creates_nothing() {
    let Some(s) = Sandbox::new() else { return };
    let init = |recipient: &str| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("secretctl"));
        s.env(&mut cmd);
        cmd.env_remove("GIT_AUTHOR_NAME")
            .env_remove("GIT_AUTHOR_EMAIL")
            .current_dir(s.dir.path())
            .args(["gitops", "init", "--repo", "repo", "--recipient", recipient])
            .output()
            .unwrap()
    };
    let out = init(&s.recipient);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--author-name"));
    assert!(!s.path("repo").exists());
    assert_eq!(init("age1nope").status.code(), Some(2));
    // Like git, GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL are enough (the sandbox sets them).
    s.ok(&[
        "gitops",
        "init",
        "--repo",
        "repo",
        "--recipient",
        &s.recipient,
    ]);
    let log = s.git_ok(&s.path("repo"), &["log", "-1", "--format=%an <%ae>"]);
    assert_eq!(log, "Test Operator <ops@example.org>\n");
}

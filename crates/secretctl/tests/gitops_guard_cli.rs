//! `secretctl gitops` against a repository that cannot be trusted, with the real `git`: the pre-commit hook `init`
//! installs refuses `commit -a`, `commit PATH` and `commit --amend` with a plaintext secret; links committed by
//! another user are refused and nothing outside the repository changes; `decrypt --in-place` through a link into
//! the repository is refused; `pull` keeps values never pushed. Every recipe an error or the merge driver prints is
//! run here exactly as printed.
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsString;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A sandbox with `git`, an age identity (the one recipient) and a gitops repository `ops` made by `gitops init`
/// (so its pre-commit hook is installed) holding host `web1`, pushed from `web1.env`.
struct Ops {
    s: common::Sandbox,
    git: PathBuf,
    key: PathBuf,
    recipient: String,
}

const ENV: &str = "PORT=8080\nDB_PASSWORD=db-pass-0001\nAPI_TOKEN=tok-0001\n";

impl Ops {
    /// The public key of a new age identity (not the repository's recipient).
    fn other_recipient(o: &Ops) -> String {
        let k = o.s.home().join("other.key");
        let age_keygen = common::require_tool("age-keygen").unwrap();
        let out = o.command(age_keygen).arg("-o").arg(&k).output().unwrap();
        assert!(out.status.success(), "age-keygen failed");
        std::fs::read_to_string(&k)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("# public key: ").map(str::to_owned))
            .unwrap()
    }

    fn new() -> Option<Ops> {
        let git = common::require_tool("git")?;
        let age_keygen = common::require_tool("age-keygen")?;
        let s = common::Sandbox::new();
        let key = s.home().join("age.key");
        let out = s.command(&age_keygen).arg("-o").arg(&key).output().unwrap();
        assert!(out.status.success(), "age-keygen failed");
        let recipient = std::fs::read_to_string(&key)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("# public key: "))
            .unwrap()
            .trim()
            .to_owned();
        let ops = Ops {
            s,
            git,
            key,
            recipient,
        };
        ops.ok(&[
            "gitops",
            "init",
            "--repo",
            "ops",
            "--recipient",
            &ops.recipient.clone(),
        ]);
        ops.write("web1.env", ENV);
        ops.ok(&[
            "gitops", "push", "--repo", "ops", "--host", "web1", "--env", "web1.env",
        ]);
        Some(ops)
    }

    fn repo(&self) -> PathBuf {
        self.s.path("ops")
    }

    /// A command with the sandbox's clean environment, the identity, and the built `secretctl` first on `PATH`.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = self.s.command(program);
        let bin = common::secretctl_bin();
        let mut path = OsString::from(bin.parent().unwrap());
        path.push(":");
        path.push(common::tool_path());
        cmd.env("PATH", path)
            .env("SECRETCTL_AGE_KEY_FILE", &self.key);
        cmd
    }

    fn secretctl(&self, args: &[&str]) -> Output {
        self.command(common::secretctl_bin())
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.secretctl(args);
        assert!(
            out.status.success(),
            "secretctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.command(&self.git)
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .unwrap()
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git(dir, args);
        assert!(
            out.status.success(),
            "git {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn head(&self) -> String {
        self.git_ok(&self.repo(), &["rev-parse", "HEAD"])
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.s.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Run a recipe exactly as printed, with `sh`, in the sandbox's working directory.
    fn run_recipe(&self, recipe: &str) {
        let out = self.command("sh").arg("-c").arg(recipe).output().unwrap();
        assert!(
            out.status.success(),
            "the printed recipe `{recipe}` failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Everything a process printed.
fn printed(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The commands a message gives, in backquotes.
fn recipes(msg: &str) -> Vec<String> {
    msg.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The line of `text` that starts with `prefix`.
fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{text}"))
}

#[test]
fn the_hook_refuses_commit_a_commit_path_and_amend_with_a_plaintext_secret() {
    let Some(o) = Ops::new() else { return };
    let repo = o.repo();
    let template = repo.join("hosts/web1/env.template");
    let committed = std::fs::read_to_string(&template).unwrap();
    assert!(
        committed.contains("DB_PASSWORD=secretctl:vars:DB_PASSWORD"),
        "{committed}"
    );
    let head = o.head();

    // A plaintext secret in a tracked file, not staged: `.git/index` does not have it, the index git commits does.
    std::fs::write(
        &template,
        committed.replace("secretctl:vars:DB_PASSWORD", "db-pass-plain-0002"),
    )
    .unwrap();
    for args in [
        vec!["commit", "-a", "-m", "leak"],
        vec!["commit", "-m", "leak", "hosts/web1/env.template"],
        vec!["commit", "-m", "leak", "--", "hosts"],
    ] {
        let out = o.git(&repo, &args);
        assert!(
            !out.status.success(),
            "git {args:?} committed a plaintext secret"
        );
        let text = printed(&out);
        assert!(
            text.contains("hosts/web1/env.template: DB_PASSWORD:"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("db-pass-plain"), "{text}");
        assert_eq!(o.head(), head);
    }
    // The fix it prints, run as printed, puts the committed version back.
    let out = o.git(&repo, &["commit", "-a", "-m", "leak"]);
    let finding = line(&printed(&out), "hosts/web1/env.template: DB_PASSWORD:").to_owned();
    for recipe in recipes(&finding) {
        o.run_recipe(&recipe);
    }
    assert_eq!(std::fs::read_to_string(&template).unwrap(), committed);
    assert_eq!(o.git_ok(&repo, &["status", "--porcelain"]), "");

    // `commit --amend` with a secret staged in a new file.
    o.write("ops/app/.env", "PORT=1\nAPI_TOKEN=tok-plain-0003\n");
    o.git_ok(&repo, &["add", "app/.env"]);
    let out = o.git(&repo, &["commit", "--amend", "--no-edit"]);
    assert!(
        !out.status.success(),
        "commit --amend committed a plaintext secret"
    );
    assert_eq!(o.head(), head);
    let finding = line(&printed(&out), "app/.env: API_TOKEN:").to_owned();
    assert!(!finding.contains("tok-plain"), "{finding}");
    for recipe in recipes(&finding) {
        o.run_recipe(&recipe);
    }
    // Unstaged, still on disk; the amend now goes through.
    assert!(repo.join("app/.env").exists());
    o.git_ok(&repo, &["commit", "--amend", "--no-edit", "-q"]);
    let tree = o.git_ok(&repo, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(!tree.contains("app/.env"), "{tree}");
}

#[test]
fn the_check_recipe_for_an_unencrypted_vars_file_works_as_printed() {
    let Some(o) = Ops::new() else { return };
    let repo = o.repo();
    o.write("ops/hosts/web3/vars.yaml", "DB_PASSWORD: plain-0004\n");
    o.git_ok(&repo, &["add", "hosts/web3/vars.yaml"]);
    let out = o.secretctl(&["gitops", "check", "--repo", "ops"]);
    assert_eq!(out.status.code(), Some(1));
    let text = printed(&out);
    let finding = line(&text, "hosts/web3/vars.yaml: vars file is not encrypted").to_owned();
    assert!(text.contains("nothing was committed"), "{text}");
    for recipe in recipes(&finding) {
        o.run_recipe(&recipe);
    }
    o.ok(&["gitops", "check", "--repo", "ops"]);
    o.git_ok(&repo, &["commit", "-q", "-m", "web3"]);
    let committed = o.git_ok(&repo, &["show", "HEAD:hosts/web3/vars.yaml"]);
    assert!(
        committed.contains("DB_PASSWORD: ENC[AES256_GCM,") && !committed.contains("plain-0004")
    );
}

/// `ops` pulls a commit made in another clone by another user, in which `rel` is a link to `target`.
fn commit_a_link_from_another_clone(o: &Ops, rel: &str, target: &Path) {
    let theirs = o.s.path("theirs");
    if !theirs.exists() {
        o.git_ok(&o.s.dir(), &["clone", "-q", "ops", "theirs"]);
    }
    let at = theirs.join(rel);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&at);
    symlink(target, &at).unwrap();
    o.git_ok(&theirs, &["add", "-A"]);
    o.git_ok(
        &theirs,
        &[
            "-c",
            "user.name=Mallory",
            "-c",
            "user.email=mallory@example.invalid",
            "commit",
            "-q",
            "-m",
            "innocent-looking change",
        ],
    );
    o.git_ok(
        &o.repo(),
        &[
            "pull",
            "-q",
            "--no-rebase",
            "--no-edit",
            "../theirs",
            "main",
        ],
    );
    assert!(std::fs::symlink_metadata(o.repo().join(rel))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn links_committed_by_another_user_are_refused_and_nothing_outside_changes() {
    for rel in [
        "hosts/web1/env.template",
        "hosts/web1/vars.yaml",
        ".sops.yaml",
    ] {
        let Some(o) = Ops::new() else { return };
        let victim = o.write("outside/victim.txt", "precious, owned by the operator\n");
        commit_a_link_from_another_clone(&o, rel, &victim);
        let head = o.head();

        // What reads or writes `rel`: push always; pull reads the host's files; a recipients change rewrites the
        // vars files and `.sops.yaml`.
        let push = [
            "gitops", "push", "--repo", "ops", "--host", "web1", "--env", "web1.env",
        ];
        let pull = [
            "gitops", "pull", "--repo", "ops", "--host", "web1", "--out", "new.env",
        ];
        // Following links only when owners match does not apply in the repository.
        let follow: Vec<&str> = ["--follow-symlinks"].into_iter().chain(push).collect();
        let other = Ops::other_recipient(&o);
        let add = [
            "gitops",
            "recipients",
            "add",
            "--repo",
            "ops",
            other.as_str(),
        ];
        let mut commands: Vec<&[&str]> = vec![&push, &follow];
        if rel.starts_with("hosts/") {
            commands.push(&pull);
        }
        if rel != "hosts/web1/env.template" {
            commands.push(&add);
        }
        let refused: Vec<Output> = commands.iter().map(|args| o.secretctl(args)).collect();
        for out in &refused {
            let text = printed(out);
            assert_eq!(out.status.code(), Some(1), "{rel}: {text}");
            assert!(
                text.contains(&format!("{rel}: a symbolic link")),
                "{rel}: {text}"
            );
            assert!(!text.contains("db-pass-0001"), "{text}");
        }
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious, owned by the operator\n",
            "{rel}"
        );
        assert_eq!(std::fs::read_dir(o.s.path("outside")).unwrap().count(), 1);
        assert!(!o.s.path("new.env").exists());
        assert_eq!(o.head(), head, "{rel}: nothing committed");
        // The recipe removes the link (and only the link).
        let msg = printed(&refused[0]);
        let recipe = recipes(&msg)
            .into_iter()
            .find(|r| r.starts_with("rm -- "))
            .unwrap();
        o.run_recipe(&recipe);
        assert!(std::fs::symlink_metadata(o.repo().join(rel)).is_err());
        assert!(victim.exists());
    }
}

#[test]
fn decrypt_in_place_through_a_link_into_the_repository_is_refused() {
    let Some(o) = Ops::new() else { return };
    let vars = o.repo().join("hosts/web1/vars.yaml");
    let before = std::fs::read_to_string(&vars).unwrap();
    let link = o.s.path("vars-link.yaml");
    symlink(&vars, &link).unwrap();
    for args in [
        vec!["gitops", "decrypt", "--in-place", "vars-link.yaml"],
        vec![
            "--follow-symlinks",
            "gitops",
            "decrypt",
            "--in-place",
            "vars-link.yaml",
        ],
    ] {
        let out = o.secretctl(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", printed(&out));
        assert!(
            printed(&out).contains("plaintext is never written there"),
            "{}",
            printed(&out)
        );
    }
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), before);
    // To stdout it is fine (nothing is written), following the operator's own link when asked to.
    let plain = o.ok(&["--follow-symlinks", "gitops", "decrypt", "vars-link.yaml"]);
    assert!(plain.contains("db-pass-0001"));
    // pull --out through the same kind of link.
    let out = o.secretctl(&[
        "gitops",
        "pull",
        "--repo",
        "ops",
        "--host",
        "web1",
        "--out",
        "vars-link.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), before);
}

#[test]
fn pull_refuses_values_never_pushed_and_both_of_its_recipes_work() {
    let Some(o) = Ops::new() else { return };
    o.ok(&[
        "gitops", "pull", "--repo", "ops", "--host", "web1", "--out", "b.env",
    ]);
    let local = ENV.replace("tok-0001", "tok-local-0005") + "FEATURE_FLAG=on\n";
    o.write("b.env", &local);
    let pull = [
        "gitops", "pull", "--repo", "ops", "--host", "web1", "--out", "b.env",
    ];
    let out = o.secretctl(&pull);
    assert_eq!(out.status.code(), Some(1));
    let msg = printed(&out);
    assert!(
        msg.contains("API_TOKEN, FEATURE_FLAG hold values the repository never held"),
        "{msg}"
    );
    assert!(!msg.contains("tok-local"), "{msg}");
    assert_eq!(std::fs::read_to_string(o.s.path("b.env")).unwrap(), local);
    let [push_recipe, force_recipe] = recipes(&msg).try_into().unwrap();

    // Push them: then the same pull goes through, and keeps them.
    o.run_recipe(&push_recipe);
    o.ok(&pull);
    let pulled = std::fs::read_to_string(o.s.path("b.env")).unwrap();
    assert!(
        pulled.contains("API_TOKEN=tok-local-0005") && pulled.contains("FEATURE_FLAG=on"),
        "{pulled}"
    );

    // Or overwrite them.
    o.write("b.env", &(ENV.to_owned() + "ANOTHER=1\n"));
    assert_eq!(o.secretctl(&pull).status.code(), Some(1));
    o.run_recipe(&force_recipe);
    assert!(!std::fs::read_to_string(o.s.path("b.env"))
        .unwrap()
        .contains("ANOTHER"));
}

/// Two branches of `ops` that change `DB_PASSWORD` differently; `git merge` runs the driver, which reports a
/// conflict. Returns what the merge printed.
fn conflicting_merge(o: &Ops) -> String {
    let repo = o.repo();
    let push = [
        "gitops", "push", "--repo", "ops", "--host", "web1", "--env", "web1.env",
    ];
    o.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    o.write("web1.env", &ENV.replace("db-pass-0001", "db-pass-theirs"));
    o.ok(&push);
    o.git_ok(&repo, &["checkout", "-q", "main"]);
    o.write(
        "web1.env",
        &ENV.replace("db-pass-0001", "db-pass-ours")
            .replace("tok-0001", "tok-ours"),
    );
    o.ok(&push);
    let out = o.git(&repo, &["merge", "--no-edit", "feature"]);
    assert!(!out.status.success());
    printed(&out)
}

#[test]
fn the_merge_drivers_recipes_work_as_printed() {
    for (choice, want) in [
        ("Keep ours", "db-pass-ours"),
        ("take their whole file", "db-pass-theirs"),
    ] {
        let Some(o) = Ops::new() else { return };
        let msg = conflicting_merge(&o);
        assert!(
            msg.contains("DB_PASSWORD changed differently on both sides"),
            "{msg}"
        );
        assert!(
            !msg.contains("--in-place") && !msg.contains("db-pass-"),
            "{msg}"
        );
        let after = msg.split(choice).nth(1).unwrap_or_else(|| panic!("{msg}"));
        let recipe = recipes(after).remove(0);
        o.run_recipe(&recipe);
        // The hook checks the merge commit, and lets it through.
        o.git_ok(&o.repo(), &["commit", "-q", "--no-edit"]);
        o.ok(&[
            "gitops",
            "pull",
            "--repo",
            "ops",
            "--host",
            "web1",
            "--out",
            "merged.env",
        ]);
        let merged = std::fs::read_to_string(o.s.path("merged.env")).unwrap();
        assert!(
            merged.contains(&format!("DB_PASSWORD={want}")),
            "{choice}: {merged}"
        );
    }
}

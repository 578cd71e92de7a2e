//! The repository as hostile input, through the library: links committed where secretctl reads or writes a file,
//! host directories no host can have, plaintext aimed into a working tree through links; `pull` that keeps values
//! never pushed; the pre-commit check's rules for vars files, envfiles and (with a detector) any other file.

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "git")]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use secretctl_error::{ErrorKind, Kind};
use secretctl_gitops::repo::{self, Author, CheckRules, Error, Placement, Repo};
use secretctl_gitops::sops::{self, Format, Formats, Identities, Recipient};

fn author() -> Author {
    Author {
        name: Some("Test".into()),
        email: Some("test@example.org".into()),
    }
}

fn classify(key: &str) -> Placement {
    if key.ends_with("PASSWORD") || key.ends_with("TOKEN") {
        Placement::Host
    } else {
        Placement::Plain
    }
}

fn is_secret(key: &str) -> bool {
    classify(key) != Placement::Plain
}

/// A test detector: anything with a password in a URL, or starting `ghp_`.
fn detect(value: &str) -> Option<String> {
    if value.contains("ghp_") {
        Some("a GitHub token".to_owned())
    } else if value.contains("://") && value.contains(":pw@") {
        Some("a URL with a password".to_owned())
    } else {
        None
    }
}

struct Sandbox {
    dir: tempfile::TempDir,
    ids: Identities,
    recipient: Recipient,
    repo: Repo,
}

const ENV: &str = "PORT=8080\nDB_PASSWORD=hunter2-0001\nAPI_TOKEN=tok-0001\n";

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let ids = Identities::generate();
        let recipient = ids.recipients().remove(0);
        let repo = Repo::init(
            &dir.path().join("repo"),
            std::slice::from_ref(&recipient),
            Path::new("/usr/local/bin/secretctl"),
            &author(),
        )
        .unwrap();
        Sandbox {
            dir,
            ids,
            recipient,
            repo,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn push(&self, host: &str, env: &Path) -> Result<repo::PushOutcome, Error> {
        self.repo
            .push_file(host, env, &classify, Some(&self.ids), Some(&author()))
    }

    /// A file outside the repository that a planted link points at.
    fn victim(&self) -> PathBuf {
        self.write("victim.txt", "precious\n")
    }

    fn stage(&self, rel: &str, text: &str) {
        let p = self.repo.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        self.add(rel);
    }

    fn add(&self, rel: &str) {
        let g = git2::Repository::open(self.repo.root()).unwrap();
        let mut index = g.index().unwrap();
        index.add_path(Path::new(rel)).unwrap();
        index.write().unwrap();
    }
}

fn assert_link_refused(err: &Error, rel: &str) {
    assert!(
        matches!(err, Error::SymlinkInRepository { rel: r, .. } if r == Path::new(rel)),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Refused);
    let msg = err.to_string();
    assert!(msg.starts_with(rel), "{msg}");
    assert!(msg.contains("`rm -- "), "{msg}");
}

#[test]
fn a_linked_template_vars_file_or_host_directory_is_never_followed() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    s.push("web1", &env).unwrap();
    let root = s.repo.root().to_owned();
    let victim = s.victim();

    for (rel, target) in [
        ("hosts/web1/env.template", victim.clone()),
        ("hosts/web1/vars.yaml", victim.clone()),
    ] {
        let saved = std::fs::read(root.join(rel)).unwrap();
        std::fs::remove_file(root.join(rel)).unwrap();
        symlink(&target, root.join(rel)).unwrap();
        // Neither push (which writes it) nor pull (which reads it) follows the link.
        let err = s.push("web1", &env).unwrap_err();
        assert_link_refused(&err, rel);
        let err = s.repo.pull("web1", &s.path("out.env"), &s.ids).unwrap_err();
        assert_link_refused(&err, rel);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        assert!(!s.path("out.env").exists());
        // The message's recipe removes the link.
        let msg = err.to_string();
        let cmd = msg.split('`').nth(1).unwrap();
        assert_eq!(cmd, format!("rm -- {}", root.join(rel).display()));
        std::fs::remove_file(root.join(rel)).unwrap();
        std::fs::write(root.join(rel), saved).unwrap();
    }

    // A host directory that is a link: hosts/web2 -> a directory outside.
    let outside = s.path("outside-dir");
    std::fs::create_dir(&outside).unwrap();
    symlink(&outside, root.join("hosts/web2")).unwrap();
    let err = s.push("web2", &env).unwrap_err();
    assert_link_refused(&err, "hosts/web2");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    // Listing the hosts (recipients changes, diff) refuses it too rather than skipping it.
    let err = s.repo.vars_files().unwrap_err();
    assert_link_refused(&err, "hosts/web2");
    let other = Identities::generate().recipients();
    let err = s
        .repo
        .add_recipients(&other, &s.ids, &author(), &mut |_, _| {})
        .unwrap_err();
    assert_link_refused(&err, "hosts/web2");
    std::fs::remove_file(root.join("hosts/web2")).unwrap();

    // `hosts` itself.
    std::fs::rename(root.join("hosts"), s.path("real-hosts")).unwrap();
    symlink(s.path("real-hosts"), root.join("hosts")).unwrap();
    let err = s.push("web1", &env).unwrap_err();
    assert_link_refused(&err, "hosts");
    assert!(s.repo.diff("HEAD", None).is_err());
}

#[test]
fn a_linked_sops_yaml_is_never_read_nor_rewritten() {
    let s = Sandbox::new();
    let root = s.repo.root().to_owned();
    // A .sops.yaml elsewhere that names another recipient: following the link would encrypt to it.
    let theirs = Identities::generate().recipients().remove(0);
    let victim = s.write(
        "their.sops.yaml",
        &format!("creation_rules:\n  - age: {theirs}\n"),
    );
    std::fs::remove_file(root.join(".sops.yaml")).unwrap();
    symlink(&victim, root.join(".sops.yaml")).unwrap();
    let before = std::fs::read(&victim).unwrap();

    let err = s.repo.recipients().unwrap_err();
    assert_link_refused(&err, ".sops.yaml");
    let env = s.write("web1.env", ENV);
    assert_link_refused(&s.push("web1", &env).unwrap_err(), ".sops.yaml");
    let err = s
        .repo
        .add_recipients(
            std::slice::from_ref(&s.recipient),
            &s.ids,
            &author(),
            &mut |_, _| {},
        )
        .unwrap_err();
    assert_link_refused(&err, ".sops.yaml");
    assert_eq!(std::fs::read(&victim).unwrap(), before);
    assert!(!root.join("hosts/web1").exists());
    // And init does not adopt a repository whose .sops.yaml is a link (even one to nothing).
    std::fs::remove_file(&victim).unwrap();
    let err = Repo::init(
        &root,
        std::slice::from_ref(&s.recipient),
        Path::new("/bin/true"),
        &author(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialized { .. }), "{err:?}");
    assert!(!victim.exists());
}

#[test]
fn a_committed_link_is_not_read_from_history_either() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    s.push("web1", &env).unwrap();
    // Commit a link as the template (what a hostile commit would hold), straight into git.
    let g = git2::Repository::open(s.repo.root()).unwrap();
    let head = g.head().unwrap().peel_to_commit().unwrap();
    let blob = g.blob(s.victim().to_str().unwrap().as_bytes()).unwrap();
    let hosts = head
        .tree()
        .unwrap()
        .get_path(Path::new("hosts/web1"))
        .unwrap();
    let mut web1 = g
        .treebuilder(Some(&g.find_tree(hosts.id()).unwrap()))
        .unwrap();
    web1.insert("env.template", blob, 0o120_000).unwrap();
    let web1 = web1.write().unwrap();
    let hosts_tree = head.tree().unwrap().get_path(Path::new("hosts")).unwrap();
    let mut hosts = g
        .treebuilder(Some(&g.find_tree(hosts_tree.id()).unwrap()))
        .unwrap();
    hosts.insert("web1", web1, 0o040_000).unwrap();
    let hosts = hosts.write().unwrap();
    let mut top = g.treebuilder(Some(&head.tree().unwrap())).unwrap();
    top.insert("hosts", hosts, 0o040_000).unwrap();
    let tree = g.find_tree(top.write().unwrap()).unwrap();
    let sig = git2::Signature::now("Mallory", "m@example.org").unwrap();
    g.commit(Some("HEAD"), &sig, &sig, "link", &tree, &[&head])
        .unwrap();
    let err = s
        .repo
        .read_at("HEAD", Path::new("hosts/web1/env.template"))
        .unwrap_err();
    assert_link_refused(&err, "hosts/web1/env.template");
}

#[test]
fn host_directories_no_host_can_have_are_refused_by_name() {
    let s = Sandbox::new();
    let root = s.repo.root().to_owned();
    for bad in [".hidden", "web 1", "a\u{1b}[31mred"] {
        std::fs::create_dir_all(root.join("hosts").join(bad)).unwrap();
        let err = s.repo.vars_files().unwrap_err();
        assert!(matches!(err, Error::InvalidHostDir { .. }), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Invalid);
        // Printed escaped: no terminal control sequence reaches the operator's terminal.
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
        std::fs::remove_dir(root.join("hosts").join(bad)).unwrap();
    }
    // Plain files beside the host directories are fine.
    std::fs::write(root.join("hosts/README.md"), "hosts\n").unwrap();
    assert!(s.repo.vars_files().is_ok());
}

#[test]
fn plaintext_is_never_written_into_a_working_tree_through_a_link() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    s.push("web1", &env).unwrap();
    let root = s.repo.root().to_owned();
    let vars = root.join("hosts/web1/vars.yaml");
    let before = std::fs::read_to_string(&vars).unwrap();

    // A link outside the repository to a tracked vars file: decrypt --in-place would write plaintext into it.
    let link = s.path("outside-link.yaml");
    symlink(&vars, &link).unwrap();
    let err = repo::decrypt_file_at(&link, &s.ids, true, Formats::default()).unwrap_err();
    assert!(
        matches!(err, Error::PlaintextInRepository { .. }),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Usage);
    // A directory link into the tree.
    symlink(root.join("hosts"), s.path("hosts-link")).unwrap();
    let through_dir = s.path("hosts-link/web1/vars.yaml");
    assert!(repo::decrypt_file_at(&through_dir, &s.ids, true, Formats::default()).is_err());
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), before);

    // pull --out through a link into this tree, or into another gitops tree.
    let err = s.repo.pull("web1", &link, &s.ids).unwrap_err();
    assert!(
        matches!(err, Error::PlaintextInRepository { .. }),
        "{err:?}"
    );
    let other = Repo::init(
        &s.path("other"),
        std::slice::from_ref(&s.recipient),
        Path::new("/bin/true"),
        &author(),
    )
    .unwrap();
    let err = s
        .repo
        .pull("web1", &other.root().join("web1.env"), &s.ids)
        .unwrap_err();
    assert!(
        matches!(err, Error::PlaintextInRepository { .. }),
        "{err:?}"
    );
    assert!(!other.root().join("web1.env").exists());
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), before);
    // An ordinary directory outside any tree is fine.
    s.repo.pull("web1", &s.path("ok.env"), &s.ids).unwrap();
}

fn values(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn pull_keeps_values_never_pushed_unless_forced() {
    let s = Sandbox::new();
    let a = s.write("a/.env", ENV);
    s.push("web1", &a).unwrap();
    let b = s.path("b.env");
    s.repo.pull("web1", &b, &s.ids).unwrap();

    // Another host pushes a new value; pulling over b's older (pushed) values is what pull is for.
    std::fs::write(&a, ENV.replace("hunter2-0001", "hunter2-0002")).unwrap();
    s.push("web1", &a).unwrap();
    s.repo.pull("web1", &b, &s.ids).unwrap();
    assert!(values(&b).contains("hunter2-0002"));

    // b changes a value and adds a key, never pushed: refused, naming the keys only.
    let local = ENV
        .replace("hunter2-0001", "hunter2-0002")
        .replace("tok-0001", "local-tok-9")
        + "LOCAL_ONLY=1\n";
    std::fs::write(&b, &local).unwrap();
    let err = s.repo.pull("web1", &b, &s.ids).unwrap_err();
    assert!(
        matches!(&err, Error::UnpushedChanges { keys, .. } if keys == &["API_TOKEN", "LOCAL_ONLY"]),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Refused);
    let msg = err.to_string();
    assert!(!msg.contains("local-tok-9"), "{msg}");
    assert!(msg.contains("--force"), "{msg}");
    assert_eq!(values(&b), local);
    // A key removed locally is no loss: only the changed ones count.
    std::fs::write(&b, "PORT=8080\n").unwrap();
    s.repo.pull("web1", &b, &s.ids).unwrap();
    // --force overwrites.
    std::fs::write(&b, &local).unwrap();
    s.repo.pull_with("web1", &b, &s.ids, true).unwrap();
    assert!(!values(&b).contains("local-tok-9"));
    // Identical content is no change at all.
    s.repo.pull("web1", &b, &s.ids).unwrap();
}

#[test]
fn vars_files_are_checked_without_a_key_against_the_staged_recipients() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    s.push("web1", &env).unwrap();
    assert!(s.repo.check_staged(&is_secret).unwrap().is_empty());
    let vars = sops::write_vars(
        &vec![("A_PASSWORD".to_owned(), "x".into())],
        Format::Yaml,
        &[
            s.recipient.clone(),
            Identities::generate().recipients().remove(0),
        ],
        None,
    )
    .unwrap();
    s.stage("hosts/web2/vars.yaml", &vars);
    let f = s.repo.check_staged(&is_secret).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].problem.contains("also readable by age1"), "{f:?}");

    // A MAC that is missing is refused without any key.
    let no_mac = vars
        .lines()
        .filter(|l| !l.trim_start().starts_with("mac:"))
        .collect::<Vec<_>>()
        .join("\n");
    s.stage("hosts/web2/vars.yaml", &no_mac);
    let f = s.repo.check_staged(&is_secret).unwrap();
    assert!(f[0].problem.contains("not a valid SOPS file"), "{f:?}");

    // A link staged where a vars file belongs.
    std::fs::remove_file(s.repo.root().join("hosts/web2/vars.yaml")).unwrap();
    symlink("/etc/passwd", s.repo.root().join("hosts/web2/vars.yaml")).unwrap();
    s.add("hosts/web2/vars.yaml");
    let f = s.repo.check_staged(&is_secret).unwrap();
    assert!(f[0].problem.contains("symbolic link"), "{f:?}");
}

#[test]
fn a_detector_checks_plain_values_and_every_other_file() {
    let s = Sandbox::new();
    let detector = detect;
    let rules = CheckRules::new(&is_secret).detect(&detector);
    s.stage(
        "app/.env",
        "PORT=8080\nDATABASE_URL=postgres://app:pw@db/app\nDB_PASSWORD=\n",
    );
    s.stage(
        "compose.yaml",
        "services:\n  app:\n    image: app:1\n    environment:\n      GH: ghp_0123456789abcdef\n",
    );
    s.stage("README.md", "hosts: web1, web2\nport: 8080\n");
    // A SOPS file elsewhere: its ciphertexts and armored keys are not credentials; its plaintext values are checked.
    let enc = sops::encrypt_file(
        "url_unencrypted: postgres://app:pw@db/app\nok_unencrypted: fine\npassword: s3cret\n",
        Format::Yaml,
        std::slice::from_ref(&s.recipient),
    )
    .unwrap();
    s.stage("apps/db.enc.yaml", &enc);
    let mut f = s.repo.check_staged_with(&rules).unwrap();
    f.sort_by(|a, b| a.path.cmp(&b.path));
    let got: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|f| (f.path.as_str(), f.key.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("app/.env", Some("DATABASE_URL")),
            ("apps/db.enc.yaml", Some("url_unencrypted")),
            ("compose.yaml", None),
        ],
        "{f:?}"
    );
    assert!(f[2].problem.contains("line 5"), "{f:?}");
    assert!(!format!("{f:?}").contains("ghp_0123"));
    // Without a detector, only the classification applies: nothing here is a secret key in plaintext.
    assert!(s
        .repo
        .check_staged_with(&CheckRules::new(&is_secret))
        .unwrap()
        .is_empty());
    // `check_staged` has the instance's detector built in: it finds the URL with a password too.
    let f = s.repo.check_staged(&is_secret).unwrap();
    assert!(
        f.iter().any(|f| f.key.as_deref() == Some("DATABASE_URL")),
        "{f:?}"
    );
}

#[test]
fn a_secret_key_assigned_twice_is_refused_even_if_the_last_is_a_placeholder() {
    let s = Sandbox::new();
    s.stage(
        "hosts/web1/env.template",
        "DB_PASSWORD=hunter2\nDB_PASSWORD=secretctl:vars:DB_PASSWORD\n",
    );
    let f = s.repo.check_staged(&is_secret).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].key.as_deref(), Some("DB_PASSWORD"));
    assert!(f[0].problem.contains("more than once"), "{f:?}");
    // The fix unstages the new file, keeping it on disk.
    assert!(
        f[0].problem
            .contains("rm -q --cached -- hosts/web1/env.template`"),
        "{f:?}"
    );
}

#[test]
fn a_staged_sops_yaml_that_changes_recipients_is_refused() {
    let s = Sandbox::new();
    let env = s.write("web1.env", ENV);
    s.push("web1", &env).unwrap();
    let extra = Identities::generate().recipients().remove(0);
    s.stage(
        ".sops.yaml",
        &format!("creation_rules:\n  - age: {},{extra}\n", s.recipient),
    );
    let f = s.repo.check_staged(&is_secret).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].path, ".sops.yaml");
    assert!(
        f[0].problem
            .contains("hosts/_shared/vars.yaml, hosts/web1/vars.yaml"),
        "{f:?}"
    );
    assert!(
        f[0].problem
            .contains("restore --staged --worktree -- .sops.yaml`"),
        "{f:?}"
    );
    // The same recipients, written differently, are no change.
    s.stage(
        ".sops.yaml",
        &format!("creation_rules:\n  - age: {}\n", s.recipient),
    );
    assert!(s.repo.check_staged(&is_secret).unwrap().is_empty());
}

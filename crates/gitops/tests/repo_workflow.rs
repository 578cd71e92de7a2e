//! The repository workflow through the library: init, push, render, readable diffs, shared values, diff, merge,
//! pre-commit check and recipient changes, on real git repositories (git2).

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "git")]

use secrecy::{ExposeSecret, SecretString};
use secretctl_gitops::repo::{
    merge_vars, Author, ChangeKind, Placement, Repo, Source, SHARED_HOST,
};
use secretctl_gitops::sops::{self, Format, Identities, Recipient};

struct Key {
    ids: Identities,
    recipient: Recipient,
}

fn key() -> Key {
    let id = age::x25519::Identity::generate();
    let text = format!("# test key\n{}\n", id.to_string().expose_secret());
    Key {
        ids: Identities::parse(&text).unwrap(),
        recipient: id.to_public().to_string().parse().unwrap(),
    }
}

fn author() -> Author {
    Author {
        name: Some("Test".into()),
        email: Some("test@example.org".into()),
    }
}

fn exe() -> std::path::PathBuf {
    std::path::PathBuf::from("/usr/local/bin/secretctl")
}

/// Secret when the name says so; `SHARED_*` keys are shared.
fn classify(key: &str) -> Placement {
    if key.starts_with("SHARED_") {
        Placement::Shared
    } else if key.ends_with("PASSWORD") || key.ends_with("TOKEN") {
        Placement::Host
    } else {
        Placement::Plain
    }
}

fn init(k: &Key) -> (tempfile::TempDir, Repo) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repo::init(
        &dir.path().join("repo"),
        std::slice::from_ref(&k.recipient),
        &exe(),
        &author(),
    )
    .unwrap();
    (dir, repo)
}

fn push(repo: &Repo, host: &str, env: &str, k: &Key) -> secretctl_gitops::repo::PushOutcome {
    repo.push(
        host,
        env,
        std::path::Path::new(".env"),
        &classify,
        Some(&k.ids),
        Some(&author()),
    )
    .unwrap()
}

fn head(repo: &Repo) -> String {
    let g = git2::Repository::open(repo.root()).unwrap();
    let id = g.head().unwrap().peel_to_commit().unwrap().id();
    id.to_string()
}

fn line_of(text: &str, key: &str) -> String {
    text.lines()
        .find(|l| l.starts_with(&format!("{key}:")))
        .unwrap_or_else(|| panic!("{key} not in file"))
        .to_owned()
}

fn vars(repo: &Repo, host: &str) -> String {
    std::fs::read_to_string(repo.root().join(format!("hosts/{host}/vars.yaml"))).unwrap()
}

const ENV: &str = "# app\nURL=https://example.org\nDB_PASSWORD=\"d b#1\"\nAPI_TOKEN=tok-0001\nSHARED_PASSWORD=s-0001\n";

#[test]
fn init_writes_the_layout_and_configures_the_drivers() {
    let k = key();
    let (_d, repo) = init(&k);
    assert_eq!(repo.recipients().unwrap(), vec![k.recipient.clone()]);
    let attrs = std::fs::read_to_string(repo.root().join(".gitattributes")).unwrap();
    assert!(attrs.contains("hosts/*/vars.yaml merge=secretctl diff=secretctl"));
    assert!(sops::is_encrypted(&vars(&repo, SHARED_HOST), Format::Yaml));
    let g = git2::Repository::open(repo.root()).unwrap();
    let cfg = g.config().unwrap();
    assert_eq!(
        cfg.get_string("merge.secretctl.driver").unwrap(),
        "'/usr/local/bin/secretctl' gitops merge-driver %O %A %B %L %P"
    );
    assert_eq!(
        cfg.get_string("diff.secretctl.textconv").unwrap(),
        "'/usr/local/bin/secretctl' gitops textconv"
    );
    assert_eq!(g.head().unwrap().shorthand(), Some("main"));
    let hook = repo.root().join(".git/hooks/pre-commit");
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.contains("'/usr/local/bin/secretctl' gitops check --repo"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
        0o755
    );
    // An operator's own hook is left alone.
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    repo.configure(std::path::Path::new("/opt/secretctl"))
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\nexit 0\n"
    );
    assert_eq!(
        g.config()
            .unwrap()
            .snapshot()
            .unwrap()
            .get_string("diff.secretctl.textconv")
            .unwrap(),
        "'/opt/secretctl' gitops textconv"
    );
    // A second init is refused rather than clobbering the recipients.
    let again = Repo::init(
        repo.root(),
        std::slice::from_ref(&k.recipient),
        &exe(),
        &author(),
    );
    assert!(matches!(
        again,
        Err(secretctl_gitops::repo::Error::AlreadyInitialized { .. })
    ));
}

#[test]
fn push_render_round_trip_and_unchanged_values_keep_their_ciphertext() {
    let k = key();
    let (_d, repo) = init(&k);
    let out = push(&repo, "web1", ENV, &k);
    assert!(out.commit.is_some());
    assert_eq!(out.host_keys, ["DB_PASSWORD", "API_TOKEN"]);
    assert_eq!(out.shared_keys, ["SHARED_PASSWORD"]);
    let template = std::fs::read_to_string(repo.root().join("hosts/web1/env.template")).unwrap();
    assert_eq!(
        template,
        "# app\nURL=https://example.org\nDB_PASSWORD=secretctl:vars:DB_PASSWORD\nAPI_TOKEN=secretctl:vars:API_TOKEN\nSHARED_PASSWORD=secretctl:vars:SHARED_PASSWORD\n"
    );
    let rendered = repo.render("web1", &k.ids).unwrap();
    let doc = secretctl_envfile::EnvFile::parse(rendered.expose_secret()).unwrap();
    assert_eq!(doc.get("DB_PASSWORD"), Some("d b#1"));
    assert_eq!(doc.get("API_TOKEN"), Some("tok-0001"));
    assert_eq!(doc.get("SHARED_PASSWORD"), Some("s-0001"));
    assert_eq!(doc.get("URL"), Some("https://example.org"));

    // Same .env again: nothing rewritten, nothing committed.
    let h = head(&repo);
    let again = push(&repo, "web1", ENV, &k);
    assert!(again.changed.is_empty() && again.commit.is_none());
    assert_eq!(head(&repo), h);

    // One value changes: only its ciphertext changes.
    let before = vars(&repo, "web1");
    let out = push(&repo, "web1", &ENV.replace("tok-0001", "tok-0002"), &k);
    assert_eq!(
        out.changed,
        [std::path::PathBuf::from("hosts/web1/vars.yaml")]
    );
    let after = vars(&repo, "web1");
    assert_eq!(
        line_of(&after, "DB_PASSWORD"),
        line_of(&before, "DB_PASSWORD")
    );
    assert_ne!(line_of(&after, "API_TOKEN"), line_of(&before, "API_TOKEN"));
    assert_ne!(head(&repo), h);

    // The working tree and the index agree with the commit.
    let g = git2::Repository::open(repo.root()).unwrap();
    let statuses = g.statuses(None).unwrap();
    assert_eq!(statuses.len(), 0);
}

#[test]
fn shared_values_are_kept_across_hosts_and_the_host_value_wins() {
    let k = key();
    let (_d, repo) = init(&k);
    push(
        &repo,
        "web1",
        "SHARED_PASSWORD=from-web1\nDB_PASSWORD=w1\n",
        &k,
    );
    push(
        &repo,
        "web2",
        "SHARED_TOKEN=from-web2\nDB_PASSWORD=w2\n",
        &k,
    );
    let shared = sops::read_vars(&vars(&repo, SHARED_HOST), Format::Yaml, &k.ids).unwrap();
    let keys: Vec<&str> = shared.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["SHARED_PASSWORD", "SHARED_TOKEN"]);

    // web3 keeps its own SHARED_PASSWORD in its host file (another classification): its value wins.
    repo.push(
        "web3",
        "SHARED_PASSWORD=own-web3\n",
        std::path::Path::new(".env"),
        &|_| Placement::Host,
        Some(&k.ids),
        Some(&author()),
    )
    .unwrap();
    let r3 = repo.render("web3", &k.ids).unwrap();
    assert_eq!(r3.expose_secret(), "SHARED_PASSWORD=own-web3\n");
    let r1 = repo.render("web1", &k.ids).unwrap();
    assert_eq!(
        r1.expose_secret(),
        "SHARED_PASSWORD=from-web1\nDB_PASSWORD=w1\n"
    );
}

#[test]
fn pushing_existing_files_needs_an_identity_and_bad_hosts_are_refused() {
    let k = key();
    let (_d, repo) = init(&k);
    push(&repo, "web1", ENV, &k);
    let no_ids = repo.push(
        "web1",
        ENV,
        std::path::Path::new(".env"),
        &classify,
        None,
        Some(&author()),
    );
    assert!(matches!(
        no_ids,
        Err(secretctl_gitops::repo::Error::IdentityRequired { .. })
    ));
    for bad in ["", "_shared", "../x", "a/b", ".hidden"] {
        let r = repo.push(
            bad,
            ENV,
            std::path::Path::new(".env"),
            &classify,
            Some(&k.ids),
            Some(&author()),
        );
        assert!(
            matches!(r, Err(secretctl_gitops::repo::Error::InvalidHost { .. })),
            "{bad}"
        );
    }
    let other = key();
    let err = repo.render("web1", &other.ids).unwrap_err();
    assert!(err.is_integrity(), "{err}");
    let err = repo.render("nope", &k.ids).unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[test]
fn diff_reports_keys_by_ciphertext_and_values_only_when_decrypting() {
    let k = key();
    let (_d, repo) = init(&k);
    push(&repo, "web1", ENV, &k);
    push(
        &repo,
        "web1",
        &ENV.replace("tok-0001", "tok-0002")
            .replace("URL=https://example.org", "URL=https://example.net"),
        &k,
    );
    let d = repo.diff("HEAD~1", None).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].host, "web1");
    let summary: Vec<(&str, ChangeKind, Source)> = d[0]
        .changes
        .iter()
        .map(|c| (c.key.as_str(), c.kind, c.source))
        .collect();
    assert_eq!(
        summary,
        [
            ("API_TOKEN", ChangeKind::Changed, Source::Vars),
            ("URL", ChangeKind::Changed, Source::Template)
        ]
    );
    assert!(d[0]
        .changes
        .iter()
        .all(|c| c.old.is_none() && c.new.is_none()));

    let d = repo.diff("HEAD~1", Some(&k.ids)).unwrap();
    let tok = &d[0].changes[0];
    assert_eq!(tok.old.as_ref().unwrap().expose_secret(), "tok-0001");
    assert_eq!(tok.new.as_ref().unwrap().expose_secret(), "tok-0002");
    assert!(repo.diff("no-such-rev", None).unwrap_err().is_not_found());
}

fn vars_text(k: &[&Key], pairs: &[(&str, &str)], previous: Option<(&str, &Identities)>) -> String {
    let v: Vec<(String, SecretString)> = pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), SecretString::from((*b).to_owned())))
        .collect();
    let r: Vec<Recipient> = k.iter().map(|k| k.recipient.clone()).collect();
    sops::write_vars(&v, Format::Yaml, &r, previous).unwrap()
}

fn plain(text: &str, ids: &Identities) -> Vec<(String, String)> {
    sops::read_vars(text, Format::Yaml, ids)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.expose_secret().to_owned()))
        .collect()
}

#[test]
fn merge_is_per_key_and_conflicts_keep_ours_encrypted() {
    let k = key();
    let base = vars_text(&[&k], &[("A", "1"), ("B", "1"), ("C", "1")], None);
    let ours = vars_text(
        &[&k],
        &[("A", "2"), ("B", "1"), ("C", "1")],
        Some((&base, &k.ids)),
    );
    let theirs = vars_text(
        &[&k],
        &[("A", "1"), ("B", "3"), ("D", "4")],
        Some((&base, &k.ids)),
    );
    let m = merge_vars(&base, &ours, &theirs, None, &k.ids).unwrap();
    assert!(m.conflicts.is_empty());
    assert_eq!(
        plain(&m.text, &k.ids),
        [
            ("A".into(), "2".into()),
            ("B".into(), "3".into()),
            ("D".into(), "4".into())
        ]
    );
    // Our data key and our unchanged ciphertexts are kept.
    assert_eq!(line_of(&m.text, "A"), line_of(&ours, "A"));

    let theirs = vars_text(
        &[&k],
        &[("A", "9"), ("B", "1"), ("C", "1")],
        Some((&base, &k.ids)),
    );
    let m = merge_vars(&base, &ours, &theirs, None, &k.ids).unwrap();
    assert_eq!(m.conflicts, ["A"]);
    assert!(sops::is_encrypted(&m.text, Format::Yaml));
    assert_eq!(plain(&m.text, &k.ids)[0], ("A".into(), "2".into()));

    // Same change on both sides is not a conflict; a file added on both sides merges from an empty base.
    let m = merge_vars("", &ours, &ours, None, &k.ids).unwrap();
    assert!(m.conflicts.is_empty());
    assert_eq!(m.text, ours);

    // Tampered input is an integrity error, not a silent merge.
    let bad = ours.replace("A:", "Z:");
    let err = merge_vars(&base, &bad, &theirs, None, &k.ids).unwrap_err();
    assert!(secretctl_gitops::repo::sops_is_integrity(&err), "{err}");
}

#[test]
fn merge_that_drops_a_recipient_rotates_the_data_key() {
    let (k1, k2) = (key(), key());
    let base = vars_text(&[&k1, &k2], &[("A", "1")], None);
    let ours = vars_text(&[&k1, &k2], &[("A", "2")], Some((&base, &k1.ids)));
    let theirs = sops::rotate_data_key(
        &base,
        Format::Yaml,
        &k1.ids,
        std::slice::from_ref(&k1.recipient),
    )
    .unwrap();
    let m = merge_vars(&base, &ours, &theirs, None, &k1.ids).unwrap();
    assert_eq!(
        sops::recipients_of(&m.text, Format::Yaml).unwrap(),
        std::slice::from_ref(&k1.recipient)
    );
    assert_eq!(plain(&m.text, &k1.ids), [("A".into(), "2".into())]);
    assert!(sops::read_vars(&m.text, Format::Yaml, &k2.ids).is_err());
    assert_ne!(line_of(&m.text, "A"), line_of(&ours, "A"));
}

#[test]
fn check_finds_staged_plaintext_secrets_only() {
    let k = key();
    let (_d, repo) = init(&k);
    push(&repo, "web1", ENV, &k);
    let is_secret = |k: &str| classify(k) != Placement::Plain;
    assert!(repo.check_staged(&is_secret).unwrap().is_empty());

    let g = git2::Repository::open(repo.root()).unwrap();
    let stage = |rel: &str, text: &str| {
        let p = repo.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        let mut index = g.index().unwrap();
        index.add_path(std::path::Path::new(rel)).unwrap();
        index.write().unwrap();
    };
    stage(
        "app/.env",
        "URL=x\nDB_PASSWORD=hunter2\nAPI_TOKEN=secretctl:vars:API_TOKEN\nEMPTY_PASSWORD=\n",
    );
    stage("hosts/web9/vars.yaml", "DB_PASSWORD: hunter2\n");
    stage("notes.txt", "DB_PASSWORD=hunter2\n");
    let mut f = repo.check_staged(&is_secret).unwrap();
    f.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(
        (f[0].path.as_str(), f[0].key.as_deref()),
        ("app/.env", Some("DB_PASSWORD"))
    );
    assert_eq!(
        (f[1].path.as_str(), f[1].key.as_deref()),
        ("hosts/web9/vars.yaml", None)
    );
    assert!(!format!("{f:?}").contains("hunter2"));

    // An encrypted vars file with one value swapped back to plaintext is caught too.
    let text = vars(&repo, "web1").replace(
        &line_of(&vars(&repo, "web1"), "API_TOKEN"),
        "API_TOKEN: plain",
    );
    stage("hosts/web1/vars.yaml", &text);
    let f = repo.check_staged(&is_secret).unwrap();
    assert!(f
        .iter()
        .any(|f| f.path == "hosts/web1/vars.yaml" && f.key.as_deref() == Some("API_TOKEN")));
}

#[test]
fn recipients_add_keeps_ciphertext_and_remove_rotates() {
    let (k1, k2) = (key(), key());
    let (_d, repo) = init(&k1);
    push(&repo, "web1", ENV, &k1);
    let before = vars(&repo, "web1");
    let mut seen = Vec::new();
    let out = repo
        .add_recipients(
            std::slice::from_ref(&k2.recipient),
            &k1.ids,
            &author(),
            &mut |done, total| seen.push((done, total)),
        )
        .unwrap();
    // Progress counts the vars files (`_shared` and web1) and ends at all of them.
    let total = repo.vars_files().unwrap().len();
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.last(), Some(&(total, total)));
    assert_eq!(out.recipients, [k1.recipient.clone(), k2.recipient.clone()]);
    assert!(out.commit.is_some());
    let added = vars(&repo, "web1");
    assert_eq!(
        line_of(&added, "DB_PASSWORD"),
        line_of(&before, "DB_PASSWORD")
    );
    assert!(repo.render("web1", &k2.ids).is_ok());
    assert_eq!(repo.recipients().unwrap(), out.recipients);

    let out = repo
        .remove_recipients(
            std::slice::from_ref(&k1.recipient),
            &k2.ids,
            &author(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(out.recipients, std::slice::from_ref(&k2.recipient));
    let removed = vars(&repo, "web1");
    assert_ne!(
        line_of(&removed, "DB_PASSWORD"),
        line_of(&before, "DB_PASSWORD")
    );
    assert!(repo.render("web1", &k1.ids).unwrap_err().is_integrity());
    assert!(repo.render("web1", &k2.ids).is_ok());
    let last = repo.remove_recipients(
        std::slice::from_ref(&k2.recipient),
        &k2.ids,
        &author(),
        &mut |_, _| {},
    );
    assert!(matches!(
        last,
        Err(secretctl_gitops::repo::Error::LastRecipient)
    ));
}

#[test]
fn push_without_an_author_writes_but_does_not_commit() {
    let k = key();
    let (_d, repo) = init(&k);
    let h = head(&repo);
    let out = repo
        .push(
            "web1",
            ENV,
            std::path::Path::new(".env"),
            &classify,
            Some(&k.ids),
            None,
        )
        .unwrap();
    assert!(out.commit.is_none());
    assert_eq!(out.changed.len(), 3);
    assert_eq!(head(&repo), h);
    assert!(repo.render("web1", &k.ids).is_ok());
}

#[test]
fn no_commit_while_a_merge_is_in_progress() {
    let k = key();
    let (_d, repo) = init(&k);
    let h = head(&repo);
    // What `git merge` leaves behind when it stops on a conflict.
    std::fs::write(repo.root().join(".git/MERGE_HEAD"), format!("{h}\n")).unwrap();
    let err = repo
        .push(
            "web1",
            ENV,
            std::path::Path::new(".env"),
            &classify,
            Some(&k.ids),
            Some(&author()),
        )
        .unwrap_err();
    assert!(
        matches!(err, secretctl_gitops::repo::Error::Busy { .. }),
        "{err}"
    );
    assert_eq!(head(&repo), h);
    // Nothing was written either.
    assert!(!repo.root().join("hosts/web1").exists());
}

#[test]
fn plaintext_is_refused_inside_the_working_tree() {
    let k = key();
    let (d, repo) = init(&k);
    assert!(repo.refuse_plaintext_at(&repo.root().join(".env")).is_err());
    assert!(repo
        .refuse_plaintext_at(&repo.root().join("new/dir/.env"))
        .is_err());
    assert!(repo
        .refuse_plaintext_at(&repo.root().join("hosts/../.env"))
        .is_err());
    assert!(repo.refuse_plaintext_at(&d.path().join("web1.env")).is_ok());
    // A symlink from outside into the working tree does not get around it.
    std::os::unix::fs::symlink(repo.root(), d.path().join("link")).unwrap();
    assert!(repo
        .refuse_plaintext_at(&d.path().join("link/.env"))
        .is_err());
}

#[test]
fn every_assignment_of_a_repeated_secret_key_leaves_the_template() {
    let k = key();
    let (_d, repo) = init(&k);
    let env = "DB_PASSWORD=old-secret-0001\nURL=x\nexport DB_PASSWORD = \"new-secret-0002\"\n";
    push(&repo, "web1", env, &k);
    let template = std::fs::read_to_string(repo.root().join("hosts/web1/env.template")).unwrap();
    assert!(!template.contains("secret-000"), "{template}");
    assert!(template.starts_with("URL=x\n"), "{template}");
    let rendered = repo.render("web1", &k.ids).unwrap();
    let doc = secretctl_envfile::EnvFile::parse(rendered.expose_secret()).unwrap();
    assert_eq!(doc.get("DB_PASSWORD"), Some("new-secret-0002"));
}

#[test]
fn concurrent_pushes_of_different_hosts_are_serialized() {
    let k = key();
    let (_d, repo) = init(&k);
    let root = repo.root().to_owned();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let root = root.clone();
            let text = format!("# {i}\nDB_PASSWORD=pw-{i}\n");
            std::thread::spawn(move || {
                let repo = Repo::open(&root).unwrap();
                repo.push(
                    &format!("web{i}"),
                    &text,
                    std::path::Path::new(".env"),
                    &classify,
                    None,
                    Some(&author()),
                )
                .unwrap()
            })
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap().commit.is_some());
    }
    let g = git2::Repository::open(&root).unwrap();
    let mut walk = g.revwalk().unwrap();
    walk.push_head().unwrap();
    assert_eq!(walk.count(), 5, "init + one commit per host");
    for i in 0..4 {
        let r = repo.render(&format!("web{i}"), &k.ids).unwrap();
        assert_eq!(r.expose_secret(), format!("# {i}\nDB_PASSWORD=pw-{i}\n"));
    }
    assert_eq!(g.statuses(None).unwrap().len(), 0);
}

/// For any three versions of a small vars file, the merge is exactly the per-key three-way rule.
mod merge_property {
    use super::*;
    use proptest::prelude::*;

    const KEYS: [&str; 4] = ["A", "B", "C", "D"];

    fn side() -> impl Strategy<Value = Vec<Option<u8>>> {
        proptest::collection::vec(proptest::option::of(0u8..3), KEYS.len())
    }

    fn pairs(side: &[Option<u8>]) -> Vec<(String, String)> {
        KEYS.iter()
            .zip(side)
            .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), format!("v{v}"))))
            .collect()
    }

    fn text(k: &Key, p: &[(String, String)], prev: Option<&str>) -> String {
        let refs: Vec<(&str, &str)> = p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        vars_text(&[k], &refs, prev.map(|t| (t, &k.ids)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn merge_is_the_three_way_rule(o in side(), a in side(), b in side()) {
            let k = key();
            let base = text(&k, &pairs(&o), None);
            let ours = text(&k, &pairs(&a), Some(&base));
            let theirs = text(&k, &pairs(&b), Some(&base));
            let m = merge_vars(&base, &ours, &theirs, None, &k.ids).unwrap();

            let mut expected = Vec::new();
            let mut conflicts = Vec::new();
            for (i, key) in KEYS.iter().enumerate() {
                let pick = if a[i] == b[i] || o[i] == b[i] {
                    a[i]
                } else if o[i] == a[i] {
                    b[i]
                } else {
                    conflicts.push((*key).to_owned());
                    a[i]
                };
                if let Some(v) = pick {
                    expected.push(((*key).to_owned(), format!("v{v}")));
                }
            }
            let mut got = plain(&m.text, &k.ids);
            got.sort();
            prop_assert_eq!(got, expected);
            let mut c = m.conflicts.clone();
            c.sort();
            prop_assert_eq!(c, conflicts);
        }
    }
}

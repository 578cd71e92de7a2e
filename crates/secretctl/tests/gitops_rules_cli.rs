//! `.sops.yaml` creation rules as sops applies them, end to end with the real `sops`, `age-keygen` and `git`:
//! `gitops encrypt` picks the rule `sops -e` picks (told by which age identity decrypts), `recipients add|remove`
//! edit only the age lists of the rules concerned, and `gitops updatekeys` re-wraps files as `sops updatekeys`.
//!
//! A test that needs a missing tool fails when `CI` is set and otherwise prints "skipped: <tool> not found".

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::Sandbox;

/// The sandbox, the tools, and three age identities (key file, recipient).
struct Fixture {
    s: Sandbox,
    sops: PathBuf,
    git: PathBuf,
    keys: Vec<(PathBuf, String)>,
}

fn fixture() -> Option<Fixture> {
    let sops = common::require_tool("sops")?;
    let git = common::require_tool("git")?;
    let keygen = common::require_tool("age-keygen")?;
    let s = Sandbox::new();
    let keys = ["a", "b", "c"]
        .iter()
        .map(|n| {
            let path = s.home().join(format!("{n}.key"));
            let out = s.command(&keygen).arg("-o").arg(&path).output().unwrap();
            assert!(out.status.success(), "age-keygen failed");
            let text = std::fs::read_to_string(&path).unwrap();
            let r = text
                .lines()
                .find_map(|l| l.strip_prefix("# public key: "))
                .unwrap()
                .trim()
                .to_owned();
            (path, r)
        })
        .collect();
    Some(Fixture { s, sops, git, keys })
}

impl Fixture {
    fn repo(&self) -> PathBuf {
        self.s.path("repo")
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.repo().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn secretctl(&self, key: usize, args: &[&str]) -> Output {
        self.s
            .secretctl()
            .env("SECRETCTL_AGE_KEY_FILE", &self.keys[key].0)
            .current_dir(self.repo())
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, key: usize, args: &[&str]) -> String {
        let out = self.secretctl(key, args);
        assert!(
            out.status.success(),
            "secretctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `sops ARGS` in the repository, decrypting with identity `key`.
    fn sops(&self, key: usize, args: &[&str]) -> Output {
        self.s
            .command(&self.sops)
            .env("SOPS_AGE_KEY_FILE", &self.keys[key].0)
            .current_dir(self.repo())
            .args(args)
            .output()
            .unwrap()
    }

    /// Which of the identities decrypt the SOPS file `rel` with `sops -d`, and the plaintext they get.
    fn readers(&self, rel: &str) -> (Vec<usize>, Option<String>) {
        let mut who = Vec::new();
        let mut plain = None;
        for k in 0..self.keys.len() {
            let out = self.sops(k, &["-d", rel]);
            if out.status.success() {
                who.push(k);
                plain = Some(String::from_utf8(out.stdout).unwrap());
            }
        }
        (who, plain)
    }

    fn git(&self, args: &[&str]) {
        let out = self
            .s
            .command(&self.git)
            .arg("-C")
            .arg(self.repo())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `gitops init` to identity 0, then `.sops.yaml` replaced by `config` and committed.
    fn init_with(&self, config: &str) {
        let repo = self.repo();
        let r = self.keys[0].1.clone();
        let out = self
            .s
            .secretctl()
            .args([
                "gitops",
                "init",
                "--repo",
                repo.to_str().unwrap(),
                "--recipient",
                &r,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.write(".sops.yaml", config);
        self.git(&["add", ".sops.yaml"]);
        self.git(&["commit", "-q", "-m", "rules"]);
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.repo().join(rel)).unwrap()
    }
}

/// Two rules for two `path_regex`es (the second with an `encrypted_suffix`, the first `mac_only_encrypted`), then
/// a catch-all for `shared/`: the rule (recipients and crypt rule) `gitops encrypt` applies is the one `sops -e`
/// applies, path by path, and a path no rule matches is refused by both.
const TWO_RULES: &str = "\
# the operator's comment
creation_rules:
  # hosts: identity 0
  - path_regex: ^hosts/.*\\.yaml$
    mac_only_encrypted: true
    age: RA
  - path_regex: apps/
    encrypted_suffix: _secret
    age: >-
      RB
  - path_regex: ^shared/
    key_groups:
      - age:
          - RA
          - RC
stores:
  yaml:
    indent: 4
";

fn config(f: &Fixture, text: &str) -> String {
    text.replace("RA", &f.keys[0].1)
        .replace("RB", &f.keys[1].1)
        .replace("RC", &f.keys[2].1)
}

#[test]
fn encrypt_picks_the_same_creation_rule_as_sops() {
    let Some(f) = fixture() else { return };
    f.init_with(&config(&f, TWO_RULES));
    let plain = "host: db.internal\npassword_secret: hunter2-rule\n";
    for (rel, readers) in [
        ("hosts/web1/app.yaml", vec![0]),
        ("deploy/apps/x.yaml", vec![1]),
        ("shared/y.yaml", vec![0, 2]),
    ] {
        let ours = format!("ours-{}", rel.replace('/', "-"));
        let theirs = format!("theirs-{}", rel.replace('/', "-"));
        // The same plaintext at the same path, encrypted by each tool.
        f.write(rel, plain);
        let text = f.ok(0, &["gitops", "encrypt", rel]);
        f.write(&ours, &text);
        let out = f.sops(0, &["-e", rel]);
        assert!(
            out.status.success(),
            "sops -e {rel}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        f.write(&theirs, &String::from_utf8(out.stdout).unwrap());
        for file in [&ours, &theirs] {
            let (who, dec) = f.readers(file);
            assert_eq!(who, readers, "{file}: decrypted by identities {who:?}");
            assert_eq!(dec.as_deref(), Some(plain), "{file}");
        }
        // The same crypt rule: the same values left readable, the same metadata fields.
        let (o, t) = (f.read(&ours), f.read(&theirs));
        for probe in [
            "host: db.internal",
            "encrypted_suffix: _secret",
            "mac_only_encrypted: true",
        ] {
            assert_eq!(
                o.contains(probe),
                t.contains(probe),
                "{rel}: `{probe}` in\n{o}\nvs\n{t}"
            );
        }
        assert!(!o.contains("hunter2-rule"));
    }
    assert!(f
        .read("ours-deploy-apps-x.yaml")
        .contains("host: db.internal"));
    assert!(!f
        .read("ours-hosts-web1-app.yaml")
        .contains("host: db.internal"));

    // No rule matches: both refuse.
    f.write("elsewhere/z.yaml", plain);
    let out = f.secretctl(0, &["gitops", "encrypt", "elsewhere/z.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no creation rule matches elsewhere/z.yaml"),
        "{err}"
    );
    assert!(!f.sops(0, &["-e", "elsewhere/z.yaml"]).status.success());
}

#[test]
fn a_rule_secretctl_cannot_honour_is_refused_by_name() {
    let Some(f) = fixture() else { return };
    let text = config(
        &f,
        "creation_rules:\n  - path_regex: ^vault/\n    gcp_kms: projects/p/locations/global/keyRings/r/cryptoKeys/k\n  - age: RA\n",
    );
    f.init_with(&text);
    f.write("vault/x.yaml", "a: b\n");
    let out = f.secretctl(0, &["gitops", "encrypt", "vault/x.yaml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(".sops.yaml:3: creation rule 1: gcp_kms master keys are not supported"),
        "{err}"
    );
    // The other rule still works.
    f.write("other/x.yaml", "a: b\n");
    f.ok(0, &["gitops", "encrypt", "--in-place", "other/x.yaml"]);
    assert_eq!(f.readers("other/x.yaml").0, vec![0]);
}

/// `recipients add` changes the age list of the rule governing the vars files only; the other rule, comments and
/// settings stay byte for byte; `recipients remove` takes it out again and re-keys the files it could read.
#[test]
fn recipients_add_and_remove_edit_only_the_rules_concerned() {
    let Some(f) = fixture() else { return };
    let text = config(
        &f,
        "# ops: keep this\ncreation_rules:\n  - path_regex: ^apps/\n    encrypted_regex: ^(data|stringData)$\n    age: RB # apps team\n  # the gitops hosts\n  - path_regex: ^hosts/\n    age:\n      - RA\n    mac_only_encrypted: false\n",
    );
    f.init_with(&text);
    let apps_rule = "  - path_regex: ^apps/\n    encrypted_regex: ^(data|stringData)$\n".to_owned()
        + &format!("    age: {} # apps team\n", f.keys[1].1);
    assert!(text.contains(&apps_rule));
    assert_eq!(f.readers("hosts/_shared/vars.yaml").0, vec![0]);

    let c = f.keys[2].1.clone();
    f.ok(0, &["gitops", "recipients", "add", &c]);
    let after = f.read(".sops.yaml");
    let want = text.replace(
        &format!("      - {}\n", f.keys[0].1),
        &format!("      - {}\n      - {c}\n", f.keys[0].1),
    );
    assert_eq!(after, want, "only the hosts rule's age list changes");
    assert!(after.contains(&apps_rule) && after.starts_with("# ops: keep this\n"));
    assert_eq!(f.readers("hosts/_shared/vars.yaml").0, vec![0, 2]);
    // sops agrees: a new file under hosts/ is for identities 0 and 2.
    f.write("hosts/new.yaml", "k: v\n");
    assert!(f.sops(0, &["-e", "-i", "hosts/new.yaml"]).status.success());
    assert_eq!(f.readers("hosts/new.yaml").0, vec![0, 2]);

    let a = f.keys[0].1.clone();
    f.ok(2, &["gitops", "recipients", "remove", &a]);
    let removed = f.read(".sops.yaml");
    assert_eq!(
        removed,
        text.replace(&format!("      - {a}\n"), &format!("      - {c}\n"))
    );
    let (who, plain) = f.readers("hosts/_shared/vars.yaml");
    assert_eq!(who, vec![2]);
    assert_eq!(plain.as_deref(), Some("{}\n"));
}

/// `gitops updatekeys` re-wraps a file to its rule's current recipients: it then decrypts with the new recipient
/// and not with a removed one, and its values are unchanged.
#[test]
fn updatekeys_rewraps_to_the_current_rule() {
    let Some(f) = fixture() else { return };
    let rules = |age: &str| {
        config(
            &f,
            &format!("creation_rules:\n  - path_regex: ^apps/\n    age: {age}\n  - age: RA\n"),
        )
    };
    f.init_with(&rules("RA"));
    let plain = "db:\n    password: hunter2-keys\n    port: 5432\n";
    f.write("apps/x.yaml", plain);
    assert!(f.sops(0, &["-e", "-i", "apps/x.yaml"]).status.success());
    assert_eq!(f.readers("apps/x.yaml").0, vec![0]);

    // A recipient added: the same data key wrapped to it too.
    f.write(".sops.yaml", &rules("RA,RB"));
    let out = f.ok(0, &["gitops", "updatekeys", "apps/x.yaml"]);
    assert!(
        out.contains("apps/x.yaml: rewrapped (2 recipient(s))"),
        "{out}"
    );
    assert_eq!(
        f.readers("apps/x.yaml"),
        (vec![0, 1], Some(plain.to_owned()))
    );
    let again = f.ok(0, &["gitops", "updatekeys", "apps/x.yaml"]);
    assert!(again.contains("unchanged"), "{again}");

    // A recipient removed: only the new one reads it; values unchanged.
    f.write(".sops.yaml", &rules("RC"));
    let out = f.ok(1, &["--json", "gitops", "updatekeys", "apps/x.yaml"]);
    assert!(out.contains("\"update\":\"rekeyed\""), "{out}");
    assert_eq!(f.readers("apps/x.yaml"), (vec![2], Some(plain.to_owned())));

    // A file outside the working tree is refused.
    let outside = f.s.path("outside.yaml");
    std::fs::write(&outside, "a: b\n").unwrap();
    let out = f.secretctl(2, &["gitops", "updatekeys", outside.to_str().unwrap()]);
    assert!(!out.status.success());
    let _ = Path::new("");
}

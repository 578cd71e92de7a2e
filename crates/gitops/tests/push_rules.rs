//! `push` of an instance through the library: where each key goes (the schema, then `.sops.yaml`), what is refused
//! in plaintext (credential shapes, downgrades), reviewed exceptions, pinned recipients, the values Compose
//! computes, and the schema that travels with the host.

// Helpers outside `#[test]` fns fail the test by panicking, which is what a test helper should do.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "git")]

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;
use secretctl_error::{ErrorKind, Kind};
use secretctl_gitops::repo::{
    Author, Error, PlainRefusal, PushOptions, PushOutcome, Repo, SchemaRestore,
};
use secretctl_gitops::sops::{self, Format, Identities, Recipient};
use secretctl_instance::credential::Rule;
use secretctl_instance::Instance;

struct Key {
    ids: Identities,
    recipient: Recipient,
}

fn key() -> Key {
    let id = age::x25519::Identity::generate();
    let text = format!("{}\n", id.to_string().expose_secret());
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

struct World {
    _dir: tempfile::TempDir,
    base: PathBuf,
    repo: Repo,
    k: Key,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().to_owned();
    let k = key();
    let repo = Repo::init(
        &base.join("repo"),
        std::slice::from_ref(&k.recipient),
        Path::new("/usr/local/bin/secretctl"),
        &author(),
    )
    .unwrap();
    World {
        _dir: dir,
        base,
        repo,
        k,
    }
}

impl World {
    /// An instance directory `name` with this `.env` and, when given, this schema.
    fn instance(&self, name: &str, env: &str, schema: Option<&str>) -> Instance {
        let dir = self.base.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".env"), env).unwrap();
        if let Some(s) = schema {
            std::fs::write(dir.join("secretctl.toml"), s).unwrap();
        }
        Instance::open_dir(&dir, None).unwrap()
    }

    fn push(&self, host: &str, inst: &Instance, opts: &PushOptions) -> Result<PushOutcome, Error> {
        self.repo
            .push_instance(host, inst, Some(&self.k.ids), Some(&author()), opts)
    }

    fn file(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.repo.root().join(rel)).ok()
    }

    fn vars(&self, host: &str) -> Vec<(String, String)> {
        let text = self.file(&format!("hosts/{host}/vars.yaml")).unwrap();
        sops::read_vars(&text, Format::Yaml, &self.k.ids)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, v.expose_secret().to_owned()))
            .collect()
    }

    fn head(&self) -> String {
        let g = git2::Repository::open(self.repo.root()).unwrap();
        let id = g.head().unwrap().peel_to_commit().unwrap().id();
        id.to_string()
    }

    /// Commit a file as another writer of the repository would.
    fn commit_file(&self, rel: &str, text: &str) {
        let path = self.repo.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        self.repo
            .commit(&[PathBuf::from(rel)], "another writer", &author())
            .unwrap();
    }
}

fn allow(keys: &[&str]) -> PushOptions {
    let mut o = PushOptions::default();
    o.allow_plain = keys.iter().map(|k| (*k).to_owned()).collect();
    o
}

const SHAPED_ENV: &str = "\
# shop, production
COMPOSE_PROJECT_NAME=shop

export PORT=8080
GREETING='hello   world' # a comment
PASSPHRASE=\"correct horse\"
EMPTY=
";

#[test]
fn without_a_schema_every_value_is_encrypted_and_the_template_keeps_the_shape() {
    let w = world();
    let inst = w.instance("web1", SHAPED_ENV, None);
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert!(out.plain_keys.is_empty(), "{:?}", out.plain_keys);
    let template = w.file("hosts/web1/env.template").unwrap();
    assert_eq!(
        template,
        "\
# shop, production
COMPOSE_PROJECT_NAME=secretctl:vars:COMPOSE_PROJECT_NAME

export PORT=secretctl:vars:PORT
GREETING=secretctl:vars:GREETING # a comment
PASSPHRASE=secretctl:vars:PASSPHRASE
EMPTY=secretctl:vars:EMPTY
"
    );
    let vars = w.vars("web1");
    let get = |k: &str| vars.iter().find(|(key, _)| key == k).unwrap().1.clone();
    assert_eq!(get("GREETING"), "hello   world");
    assert_eq!(get("PASSPHRASE"), "correct horse");
    assert_eq!(get("EMPTY"), "");
    // No schema, so none travels.
    assert!(w.file("hosts/web1/secretctl.toml").is_none());
    // Rendering gives every value back.
    let rendered = w.repo.render("web1", &w.k.ids).unwrap();
    let values = |t: &str| EnvFile::parse(t).unwrap().resolve(&|_| None).unwrap();
    let (a, b) = (values(SHAPED_ENV), values(rendered.expose_secret()));
    assert_eq!(a.len(), b.len());
    for ((ka, va), (kb, vb)) in a.iter().zip(&b) {
        assert_eq!((ka, va.expose_secret()), (kb, vb.expose_secret()));
    }
}

#[test]
fn declared_plain_values_stay_verbatim_and_shared_keys_go_to_shared() {
    let w = world();
    let schema = "[secrets.COMPOSE_PROJECT_NAME]\nplain = true\n[secrets.PORT]\nplain = true\n\
                  [secrets.PASSPHRASE]\nshared = true\n";
    let inst = w.instance("web1", SHAPED_ENV, Some(schema));
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(out.plain_keys, ["COMPOSE_PROJECT_NAME", "PORT"]);
    assert_eq!(out.shared_keys, ["PASSPHRASE"]);
    let template = w.file("hosts/web1/env.template").unwrap();
    assert!(
        template.starts_with("# shop, production\nCOMPOSE_PROJECT_NAME=shop\n\nexport PORT=8080\n")
    );
    // The schema travels, byte for byte.
    assert_eq!(w.file("hosts/web1/secretctl.toml").unwrap(), schema);
}

#[test]
fn a_plain_value_that_looks_like_a_credential_is_refused_until_reviewed() {
    let w = world();
    let env = "APP=shop\nDATABASE_URL=postgres://app:Sup3r-s3cret@db/app\n";
    let schema = "[secrets.APP]\nplain = true\n[secrets.DATABASE_URL]\nplain = true\n";
    let inst = w.instance("web1", env, Some(schema));
    let before = w.head();
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    let Error::PlaintextRefused { refusals, fix, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        refusals,
        &[PlainRefusal::LooksLikeCredential {
            key: "DATABASE_URL".into(),
            rule: Rule::UrlPassword
        }]
    );
    assert!(fix.ends_with("--allow-plain DATABASE_URL"), "{fix}");
    let msg = err.to_string();
    assert!(
        msg.contains("DATABASE_URL looks like a URL with a password (url-password)"),
        "{msg}"
    );
    assert!(!msg.contains("Sup3r"), "{msg}");
    // Nothing written, nothing committed.
    assert_eq!(w.head(), before);
    assert!(w.file("hosts/web1/env.template").is_none());

    // Reviewed: allowed, and recorded for exactly this value.
    let out = w.push("web1", &inst, &allow(&["DATABASE_URL"])).unwrap();
    assert_eq!(out.reviewed, ["DATABASE_URL"]);
    let template = w.file("hosts/web1/env.template").unwrap();
    assert!(
        template.starts_with("# secretctl:allow-plain DATABASE_URL sha256:"),
        "{template}"
    );
    assert!(template.ends_with("APP=shop\nDATABASE_URL=postgres://app:Sup3r-s3cret@db/app\n"));
    // The next push needs no flag; the rendered .env has no record line.
    w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(
        w.repo.render("web1", &w.k.ids).unwrap().expose_secret(),
        env
    );
    // A new value is a new review.
    std::fs::write(
        inst.env_path(),
        "APP=shop\nDATABASE_URL=postgres://app:0ther-s3cret@db/app\n",
    )
    .unwrap();
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    assert!(matches!(err, Error::PlaintextRefused { .. }), "{err}");
}

#[test]
fn sops_rules_leave_keys_unencrypted_as_sops_does() {
    let w = world();
    let sops_yaml = format!(
        "creation_rules:\n  - path_regex: ^hosts/\n    unencrypted_regex: ^PUBLIC_\n    age: {}\n",
        w.k.recipient
    );
    w.commit_file(".sops.yaml", &sops_yaml);
    let env = "PUBLIC_URL=https://shop.example.org\nDB_PASSWORD=pw-0001\nLOG_unencrypted=debug\n";
    let inst = w.instance("web1", env, None);
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(out.plain_keys, ["PUBLIC_URL", "LOG_unencrypted"]);
    assert_eq!(out.host_keys, ["DB_PASSWORD"]);
    let template = w.file("hosts/web1/env.template").unwrap();
    assert_eq!(
        template,
        "PUBLIC_URL=https://shop.example.org\nDB_PASSWORD=secretctl:vars:DB_PASSWORD\nLOG_unencrypted=debug\n"
    );
    // A .sops.yaml rule does not exempt a credential from content detection either.
    std::fs::write(
        inst.env_path(),
        "PUBLIC_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\n",
    )
    .unwrap();
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("PUBLIC_TOKEN looks like a GitHub token"),
        "{err}"
    );
}

#[test]
fn a_commit_cannot_downgrade_an_encrypted_key_to_plaintext() {
    let w = world();
    let inst = w.instance("web1", "DB_PASSWORD=pw-0001\nPORT=80\n", None);
    w.push("web1", &inst, &PushOptions::default()).unwrap();
    // Another writer makes DB_PASSWORD unencrypted in .sops.yaml.
    let sops_yaml = format!(
        "creation_rules:\n  - unencrypted_regex: ^(DB_PASSWORD|PORT)$\n    age: {}\n",
        w.k.recipient
    );
    w.commit_file(".sops.yaml", &sops_yaml);
    let before = (w.head(), w.file("hosts/web1/env.template"));
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("DB_PASSWORD is encrypted in hosts/web1/vars.yaml and would become plaintext (.sops.yaml: unencrypted_regex `^(DB_PASSWORD|PORT)$`)"),
        "{msg}"
    );
    assert!(
        msg.contains("--allow-plain DB_PASSWORD --allow-plain PORT"),
        "{msg}"
    );
    assert_eq!((w.head(), w.file("hosts/web1/env.template")), before);
    // The same for a schema that now declares it plain.
    let inst = w.instance(
        "web1",
        "DB_PASSWORD=pw-0001\nPORT=80\n",
        Some("[secrets.DB_PASSWORD]\nplain = true\n"),
    );
    w.commit_file(
        ".sops.yaml",
        &format!("creation_rules:\n  - age: {}\n", w.k.recipient),
    );
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("(declared `plain = true` in the schema)"),
        "{err}"
    );
    // Only the operator's flag does it.
    let out = w.push("web1", &inst, &allow(&["DB_PASSWORD"])).unwrap();
    assert_eq!(out.plain_keys, ["DB_PASSWORD"]);
    assert_eq!(w.vars("web1"), [("PORT".to_owned(), "80".to_owned())]);
}

#[test]
fn recipients_are_pinned_to_those_the_files_are_encrypted_to() {
    let w = world();
    let inst = w.instance("web1", "DB_PASSWORD=pw-0001\n", None);
    w.push("web1", &inst, &PushOptions::default()).unwrap();
    let other = key();
    let both = format!(
        "creation_rules:\n  - age: {},{}\n",
        w.k.recipient, other.recipient
    );
    w.commit_file(".sops.yaml", &both);
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    let Error::RecipientsChanged { changes, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(changes[0].file, Path::new("hosts/web1/vars.yaml"));
    assert_eq!(changes[0].added, std::slice::from_ref(&other.recipient));
    assert!(changes[0].removed.is_empty());
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "recipients add --repo {}",
            w.repo.root().display()
        )),
        "{msg}"
    );
    // A new host is pinned to the recipients the shared file carries.
    let fresh = w.instance("web2", "X=1\n", None);
    assert!(matches!(
        w.push("web2", &fresh, &PushOptions::default()).unwrap_err(),
        Error::RecipientsChanged { .. }
    ));
    // Accepted: the file is re-encrypted to both, and the other identity reads it.
    let mut opts = PushOptions::default();
    opts.accept_recipients = true;
    let out = w.push("web1", &inst, &opts).unwrap();
    assert_eq!(out.recipient_changes.len(), 1);
    let text = w.file("hosts/web1/vars.yaml").unwrap();
    assert_eq!(sops::recipients_of(&text, Format::Yaml).unwrap().len(), 2);
    assert!(sops::read_vars(&text, Format::Yaml, &other.ids).is_ok());

    // Dropping a recipient from .sops.yaml is refused the same way, listing it as removed.
    w.commit_file(
        ".sops.yaml",
        &format!("creation_rules:\n  - age: {}\n", w.k.recipient),
    );
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    let Error::RecipientsChanged { changes, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(changes[0].removed, std::slice::from_ref(&other.recipient));
    assert!(
        err.to_string().contains("recipients remove --repo"),
        "{err}"
    );
}

#[test]
fn vars_hold_the_values_compose_computes() {
    let w = world();
    let env = "\
HTPASSWD=user:$$apr1$$xyz$$abc
BASE=https://shop.example.org
CALLBACK=${BASE}/cb
SINGLE='lit $$ ${BASE}'
DOUBLE=\"a\\\\b \\\"q\\\" $$x\"
UNSET=pre-${NOT_SET}-post
";
    let inst = w.instance("web1", env, None);
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(
        out.unset_references,
        [("UNSET".to_owned(), "NOT_SET".to_owned())]
    );
    let vars = w.vars("web1");
    let get = |k: &str| vars.iter().find(|(key, _)| key == k).unwrap().1.clone();
    assert_eq!(get("HTPASSWD"), "user:$apr1$xyz$abc");
    assert_eq!(get("CALLBACK"), "https://shop.example.org/cb");
    assert_eq!(get("SINGLE"), "lit $$ ${BASE}");
    assert_eq!(get("DOUBLE"), "a\\b \"q\" $x");
    assert_eq!(get("UNSET"), "pre--post");
    // Rendered back, Compose computes the same values.
    let rendered = w.repo.render("web1", &w.k.ids).unwrap();
    let resolve = |t: &str| -> Vec<(String, String)> {
        EnvFile::parse(t)
            .unwrap()
            .resolve(&|_| None)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, v.expose_secret().to_owned()))
            .collect()
    };
    assert_eq!(resolve(rendered.expose_secret()), resolve(env));
}

#[test]
fn the_schema_travels_and_comes_back_on_a_new_host() {
    let w = world();
    let schema =
        "# the shop\n[secrets.PORT]\nplain = true\n[secrets.SMTP_PASSWORD]\nshared = true\n";
    let inst = w.instance("web1", "PORT=80\nSMTP_PASSWORD=relay-0001\n", Some(schema));
    w.push("web1", &inst, &PushOptions::default()).unwrap();

    let newhost = w.base.join("newhost");
    std::fs::create_dir_all(&newhost).unwrap();
    let env = newhost.join(".env");
    assert_eq!(
        w.repo.restore_schema("web1", &env).unwrap(),
        SchemaRestore::Restored(newhost.join("secretctl.toml"))
    );
    assert_eq!(
        std::fs::read_to_string(newhost.join("secretctl.toml")).unwrap(),
        schema
    );
    assert_eq!(
        w.repo.restore_schema("web1", &env).unwrap(),
        SchemaRestore::Same(newhost.join("secretctl.toml"))
    );
    std::fs::write(newhost.join("secretctl.toml"), "[secrets.PORT]\n").unwrap();
    assert!(matches!(
        w.repo.restore_schema("web1", &env).unwrap(),
        SchemaRestore::Differs { .. }
    ));
    assert_eq!(
        w.repo.restore_schema("web9", &env).unwrap(),
        SchemaRestore::NotInRepository
    );

    // An instance without a schema cannot push over the repository's: it would place every key differently.
    let bare = w.instance("bare/web1", "PORT=80\nSMTP_PASSWORD=relay-0001\n", None);
    let err = w.push("web1", &bare, &PushOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(
        err.to_string()
            .contains("show HEAD:hosts/web1/secretctl.toml >"),
        "{err}"
    );

    // A hostile schema in the repository is checked before it is written anywhere.
    w.commit_file(
        "hosts/web2/secretctl.toml",
        "[secrets.X]\nnot_a_field = 1\n",
    );
    let other = w.base.join("web2");
    std::fs::create_dir_all(&other).unwrap();
    assert!(matches!(
        w.repo
            .restore_schema("web2", &other.join(".env"))
            .unwrap_err(),
        Error::Schema { .. }
    ));
    assert!(!other.join("secretctl.toml").exists());
}

#[test]
fn a_shared_key_never_stays_shadowed_by_a_host_value() {
    let w = world();
    let env = "SMTP_PASSWORD=relay-0001\nDB_PASSWORD=pw-0001\n";
    // Pushed without a schema, the shared key lands in the host's file.
    w.push(
        "web1",
        &w.instance("web1", env, None),
        &PushOptions::default(),
    )
    .unwrap();
    assert!(w.vars("web1").iter().any(|(k, _)| k == "SMTP_PASSWORD"));
    let inst = w.instance(
        "web1",
        env,
        Some("[secrets.SMTP_PASSWORD]\nshared = true\n"),
    );
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(out.unshadowed, ["SMTP_PASSWORD"]);
    assert_eq!(
        w.vars("web1"),
        [("DB_PASSWORD".to_owned(), "pw-0001".to_owned())]
    );
    let shared = sops::read_vars(
        &w.file("hosts/_shared/vars.yaml").unwrap(),
        Format::Yaml,
        &w.k.ids,
    )
    .unwrap();
    assert_eq!(shared[0].0, "SMTP_PASSWORD");
    assert_eq!(shared[0].1.expose_secret(), "relay-0001");
}

#[test]
fn the_pre_commit_check_applies_the_rule_push_applies() {
    let w = world();
    let schema =
        "[secrets.PORT]\nplain = true\n[secrets.DSN]\nplain = true\n[secrets.DB_PASSWORD]\n";
    let env = "PORT=80\nDSN=https://user:Sup3r-s3cret@sentry.example.org/1\nDB_PASSWORD=pw-0001\n";
    let inst = w.instance("web1", env, Some(schema));
    w.push("web1", &inst, &allow(&["DSN"])).unwrap();
    // The operator's --schema (none here) says every key is secret; the host's own schema says otherwise.
    let everything_secret = |_: &str| true;
    assert!(w.repo.check_staged(&everything_secret).unwrap().is_empty());

    let g = git2::Repository::open(w.repo.root()).unwrap();
    let stage = |text: &str| {
        std::fs::write(w.repo.root().join("hosts/web1/env.template"), text).unwrap();
        let mut index = g.index().unwrap();
        index
            .add_path(Path::new("hosts/web1/env.template"))
            .unwrap();
        index.write().unwrap();
        w.repo.check_staged(&everything_secret).unwrap()
    };
    let template = w.file("hosts/web1/env.template").unwrap();
    // A declared-plain value changed: fine.
    assert!(stage(&template.replace("PORT=80", "PORT=81")).is_empty());
    // A secret in plaintext, and a reviewed credential whose value changed: both found, values never shown.
    let f = stage(
        &template
            .replace(
                "DB_PASSWORD=secretctl:vars:DB_PASSWORD",
                "DB_PASSWORD=hunter2",
            )
            .replace("Sup3r-s3cret", "0ther-s3cret"),
    );
    let found: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.key.as_deref().unwrap(), f.problem.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].0 == "DSN"
            && found[0]
                .1
                .contains("looks like a URL with a password (url-password)")
    );
    assert!(found[0].1.contains("--allow-plain DSN"));
    assert!(found[1].0 == "DB_PASSWORD" && found[1].1.contains("secret value staged in plaintext"));
    assert!(!format!("{f:?}").contains("hunter2") && !format!("{f:?}").contains("s3cret"));
}

#[test]
fn a_data_key_another_writer_chose_never_encrypts_the_next_values() {
    let w = world();
    let inst = w.instance("web1", "DB_PASSWORD=pw-0001\nAPI=a-0001\n", None);
    w.push("web1", &inst, &PushOptions::default()).unwrap();
    let id = |rel: &str| sops::data_key_id(&w.file(rel).unwrap(), Format::Yaml, &w.k.ids).unwrap();
    let first = id("hosts/web1/vars.yaml");
    std::fs::write(inst.env_path(), "DB_PASSWORD=pw-0002\nAPI=a-0001\n").unwrap();
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert!(out.rekeyed.is_empty());
    assert_eq!(
        id("hosts/web1/vars.yaml"),
        first,
        "the clone's own data key is kept"
    );

    // Another writer replaces the file with one of their own, to the same recipients, under a key they chose.
    let theirs = sops::write_vars(
        &vec![("DB_PASSWORD".to_owned(), "x".into())],
        Format::Yaml,
        std::slice::from_ref(&w.k.recipient),
        None,
    )
    .unwrap();
    w.commit_file("hosts/web1/vars.yaml", &theirs);
    let chosen = id("hosts/web1/vars.yaml");
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(out.rekeyed, [PathBuf::from("hosts/web1/vars.yaml")]);
    let now = id("hosts/web1/vars.yaml");
    assert!(now != chosen && now != first);
    assert_eq!(
        w.vars("web1")[0],
        ("DB_PASSWORD".to_owned(), "pw-0002".to_owned())
    );
    // From then on the new key is the clone's own again.
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert!(out.rekeyed.is_empty() && out.commit.is_none());
}

#[test]
fn the_clone_remembers_who_it_encrypted_a_host_to() {
    let w = world();
    let inst = w.instance("web1", "DB_PASSWORD=pw-0001\n", None);
    w.push("web1", &inst, &PushOptions::default()).unwrap();
    let stranger = key();
    // Another writer lists themselves in .sops.yaml *and* replaces the host's file with one that lists them too:
    // the file and .sops.yaml agree, but not with what this clone wrote.
    let both = vec![w.k.recipient.clone(), stranger.recipient.clone()];
    let theirs = sops::write_vars(
        &vec![("DB_PASSWORD".to_owned(), "x".into())],
        Format::Yaml,
        &both,
        None,
    )
    .unwrap();
    w.commit_file("hosts/web1/vars.yaml", &theirs);
    w.commit_file(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - age: {},{}\n",
            w.k.recipient, stranger.recipient
        ),
    );
    let err = w.push("web1", &inst, &PushOptions::default()).unwrap_err();
    let Error::RecipientsChanged { changes, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(changes[0].added, std::slice::from_ref(&stranger.recipient));
    // Deleting the host's files does not make it a new host either.
    std::fs::remove_file(w.repo.root().join("hosts/web1/vars.yaml")).unwrap();
    assert!(matches!(
        w.push("web1", &inst, &PushOptions::default()).unwrap_err(),
        Error::RecipientsChanged { .. }
    ));

    // The operator's own word (`recipients add`) is what changes it; the next push then encrypts to both.
    w.commit_file("hosts/web1/vars.yaml", &theirs);
    w.repo
        .add_recipients(
            std::slice::from_ref(&stranger.recipient),
            &w.k.ids,
            &author(),
            &mut |_, _| {},
        )
        .unwrap();
    let out = w.push("web1", &inst, &PushOptions::default()).unwrap();
    assert_eq!(
        out.rekeyed,
        [PathBuf::from("hosts/web1/vars.yaml")],
        "the key was the other writer's"
    );
    assert!(sops::read_vars(
        &w.file("hosts/web1/vars.yaml").unwrap(),
        Format::Yaml,
        &stranger.ids
    )
    .is_ok());
}

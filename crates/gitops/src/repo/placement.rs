//! Where `push` puts each key of a `.env`, and what it refuses to write in plaintext. The one rule, in order:
//!
//! 1. **Declared.** The caller's classification: for an instance ([`declared_placement`]) every key is a secret
//!    unless its schema declares it `plain = true`; a secret the schema marks `shared = true` goes to `_shared`.
//! 2. **sops.** A secret stays in plaintext when sops would leave it unencrypted in the vars file it would go to:
//!    the repository's `.sops.yaml` creation rule for that file says so (`unencrypted_suffix`, `unencrypted_regex`,
//!    `encrypted_suffix`, `encrypted_regex`, ...), or its name ends in `_unencrypted` (sops's default suffix, which
//!    the metadata of every vars file carries).
//! 3. **Plaintext is checked.** A value that would be written in plaintext is refused when it looks like a
//!    credential ([`secretctl_instance::credential::detect`]) or when the key is encrypted today in a vars file of
//!    the host (a commit to the schema or to `.sops.yaml` cannot downgrade it), unless the operator allows it on
//!    the command line (`--allow-plain KEY`). An allowed credential-looking value is recorded at the top of the
//!    template, bound to its digest, so later pushes of the same value pass and `gitops check` accepts it.
//!
//! Recipients are pinned the same way ([`recipient_changes`]): the files a push rewrites keep the recipients they
//! are encrypted to unless the operator accepts a change.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use secretctl_envfile::EnvFile;
use secretctl_instance::credential::{self, Rule};
use secretctl_instance::Instance;

use super::sopsconfig::CreationRule;
use super::template::{self, Placement, Reviewed};
use super::{is_placeholder, scan, validate_host, vars_path, Repo, HOSTS_DIR};
use crate::sops::{Format, Recipient, UNENCRYPTED_SUFFIX};

/// Where an instance declares `key` to go: [`Placement::Plain`] when the instance does not hold it secret
/// ([`Instance::is_secret`]: declared `plain = true`, or a version pointer), [`Placement::Shared`] when its schema
/// marks it `shared = true`, else [`Placement::Host`]. `.sops.yaml` and content detection come on top, in `push`.
#[must_use]
pub fn declared_placement(instance: &Instance, key: &str) -> Placement {
    if !instance.is_secret(key) {
        return Placement::Plain;
    }
    let shared = instance
        .schema()
        .and_then(|s| s.get(key).or_else(|| s.version_value_of(key)))
        .is_some_and(|spec| spec.shared);
    if shared {
        Placement::Shared
    } else {
        Placement::Host
    }
}

/// Why `push` refuses to write one value in plaintext. Never carries the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlainRefusal {
    /// The value looks like a credential.
    LooksLikeCredential {
        /// The key.
        key: String,
        /// The rule that fired.
        rule: Rule,
    },
    /// The key is encrypted today in a vars file of the host, and would become plaintext.
    WasEncrypted {
        /// The key.
        key: String,
        /// The vars file it is encrypted in, relative to the root.
        file: PathBuf,
        /// Why it would be plaintext now (the schema's declaration, or the `.sops.yaml` rule).
        because: String,
    },
}

impl PlainRefusal {
    /// The key refused.
    #[must_use]
    pub fn key(&self) -> &str {
        match self {
            PlainRefusal::LooksLikeCredential { key, .. }
            | PlainRefusal::WasEncrypted { key, .. } => key,
        }
    }
}

impl std::fmt::Display for PlainRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlainRefusal::LooksLikeCredential { key, rule } => write!(f, "{key} looks like {rule}"),
            PlainRefusal::WasEncrypted { key, file, because } => write!(
                f,
                "{key} is encrypted in {} and would become plaintext ({because})",
                file.display()
            ),
        }
    }
}

/// The plaintext a push would write, checked: what is refused, and which credential-looking values the operator
/// allowed (the reviewed exceptions the new template records).
#[derive(Debug, Default)]
pub(super) struct PlainCheck {
    pub refusals: Vec<PlainRefusal>,
    pub reviewed: Reviewed,
}

/// The placement rule of one push: the declared classification, then the `.sops.yaml` rules of the files the
/// values would go to.
pub(super) struct Placer<'a> {
    pub classify: &'a dyn Fn(&str) -> Placement,
    pub host_rule: &'a CreationRule,
    pub shared_rule: Option<&'a CreationRule>,
}

impl Placer<'_> {
    /// Where `key` goes, and for a plaintext key that was declared secret, why sops leaves it in plaintext.
    pub(super) fn place(&self, key: &str) -> (Placement, Option<String>) {
        let declared = (self.classify)(key);
        let rule = match declared {
            Placement::Plain => return (Placement::Plain, None),
            Placement::Shared => self.shared_rule.unwrap_or(self.host_rule),
            _ => self.host_rule,
        };
        if key.ends_with(UNENCRYPTED_SUFFIX) {
            return (
                Placement::Plain,
                Some(format!(
                    "sops leaves keys ending in `{UNENCRYPTED_SUFFIX}` unencrypted"
                )),
            );
        }
        if rule.crypt.leaves_unencrypted(key) {
            let why = format!(".sops.yaml: {}", rule.crypt.describe());
            return (Placement::Plain, Some(why));
        }
        (declared, None)
    }
}

/// Check every value of `doc` that `placer` leaves in plaintext, as the template will hold it. `encrypted` lists
/// the keys encrypted today, each with its vars file; `previous` is the reviewed list of the current template;
/// `allow` the keys the operator allows on the command line.
pub(super) fn check_plain(
    doc: &EnvFile,
    placer: &Placer<'_>,
    encrypted: &[(String, PathBuf)],
    previous: &Reviewed,
    allow: &[String],
) -> PlainCheck {
    let mut out = PlainCheck::default();
    // The first file listing a key, looked up per key in constant time (a push must stay linear in the keys).
    let mut encrypted_in: std::collections::HashMap<&str, &PathBuf> =
        std::collections::HashMap::new();
    for (k, file) in encrypted {
        encrypted_in.entry(k.as_str()).or_insert(file);
    }
    for (key, value) in doc.values() {
        let (placement, because) = placer.place(key);
        if placement != Placement::Plain {
            continue;
        }
        if value.is_empty() || is_placeholder(key, value) {
            continue;
        }
        let key = &key.to_owned();
        let allowed = allow.iter().any(|k| k == key);
        if let Some(file) = encrypted_in.get(key.as_str()) {
            if !allowed {
                let because =
                    because.unwrap_or_else(|| "declared `plain = true` in the schema".to_owned());
                out.refusals.push(PlainRefusal::WasEncrypted {
                    key: key.clone(),
                    file: (*file).clone(),
                    because,
                });
                continue;
            }
        }
        if let Some(rule) = credential::detect(value) {
            if allowed || template::is_reviewed(previous, key, value) {
                out.reviewed
                    .push((key.clone(), template::value_digest(value)));
            } else {
                out.refusals.push(PlainRefusal::LooksLikeCredential {
                    key: key.clone(),
                    rule,
                });
            }
        }
    }
    out
}

/// The keys a vars file holds encrypted, read without decrypting, each with the file.
pub(super) fn encrypted_keys(rel: &Path, text: Option<&str>) -> Vec<(String, PathBuf)> {
    text.map(|t| scan::entries(t, Format::Yaml))
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.encrypted)
        .map(|e| (e.key, rel.to_owned()))
        .collect()
}

/// A vars file whose recipients `.sops.yaml` would change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecipientChange {
    /// The file, relative to the root.
    pub file: PathBuf,
    /// Recipients `.sops.yaml` names that the file is not encrypted to.
    pub added: Vec<Recipient>,
    /// Recipients the file is encrypted to that `.sops.yaml` no longer names.
    pub removed: Vec<Recipient>,
}

/// How `wanted` (the `.sops.yaml` rule's recipients) differs from `current` (the file's), or `None`.
pub(super) fn recipient_changes(
    file: &Path,
    current: &[Recipient],
    wanted: &[Recipient],
) -> Option<RecipientChange> {
    let now: HashSet<String> = current.iter().map(ToString::to_string).collect();
    let then: HashSet<String> = wanted.iter().map(ToString::to_string).collect();
    let added: Vec<Recipient> = wanted
        .iter()
        .filter(|r| !now.contains(&r.to_string()))
        .cloned()
        .collect();
    let removed: Vec<Recipient> = current
        .iter()
        .filter(|r| !then.contains(&r.to_string()))
        .cloned()
        .collect();
    (!added.is_empty() || !removed.is_empty()).then(|| RecipientChange {
        file: file.to_owned(),
        added,
        removed,
    })
}

impl Repo {
    /// Which keys of the file at `rel` must not hold a plaintext value, by the rule `push` applies: for a host's
    /// template (`hosts/<host>/env.template`) with the host's schema beside it in the working tree
    /// (`hosts/<host>/secretctl.toml`, which `push` commits), that schema's classification; otherwise `fallback`.
    /// Either way a key the `.sops.yaml` rule for the host's vars file leaves unencrypted may be plaintext. A schema
    /// or `.sops.yaml` that cannot be read counts every key secret.
    pub(super) fn template_rule<'a>(
        &'a self,
        rel: &Path,
        fallback: &'a dyn Fn(&str) -> bool,
    ) -> Box<dyn Fn(&str) -> bool + 'a> {
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        let [HOSTS_DIR, host, "env.template"] = parts[..] else {
            return Box::new(fallback);
        };
        if validate_host(host).is_err() {
            return Box::new(fallback);
        }
        let config = match self.sops_config() {
            Ok(c) => c,
            Err(_) => return Box::new(|_: &str| true),
        };
        let Ok(Some(rule)) = config.rule_for(&vars_path(host).to_string_lossy()) else {
            return Box::new(|_: &str| true);
        };
        let rule = rule.clone();
        let shared = config
            .rule_for(&vars_path(super::SHARED_HOST).to_string_lossy())
            .ok()
            .flatten()
            .cloned();
        let dir = self.root.join(HOSTS_DIR).join(host);
        let instance = if dir
            .join(secretctl_instance::secretctl_schema::SCHEMA_FILE)
            .is_file()
        {
            match Instance::open_dir(&dir, None) {
                Ok(i) => Some(i),
                Err(_) => return Box::new(|_: &str| true),
            }
        } else {
            None
        };
        Box::new(move |key: &str| {
            let declared = |k: &str| match &instance {
                Some(i) => declared_placement(i, k),
                None if fallback(k) => Placement::Host,
                None => Placement::Plain,
            };
            let placer = Placer {
                classify: &declared,
                host_rule: &rule,
                shared_rule: shared.as_ref(),
            };
            placer.place(key).0 != Placement::Plain
        })
    }
}

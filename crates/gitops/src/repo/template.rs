//! A host's template: its `.env` with each secret value replaced by a placeholder. Every edit goes through the
//! lossless envfile document, so comments, order, quoting and every plaintext line stay byte-for-byte.
//!
//! A template may start with lines recording reviewed exceptions (`gitops push --allow-plain KEY`): a plaintext
//! value that looks like a credential, accepted by the operator for exactly that value:
//!
//! ```text
//! # secretctl:allow-plain PUBLIC_SENTRY_DSN sha256:<hex digest of the value>
//! ```
//!
//! The digest is of a value that stands in plaintext a few lines below, so it reveals nothing; a changed value no
//! longer matches and is refused again. `pull` leaves these lines out of the `.env` it writes.

use std::collections::{HashMap, HashSet};

use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::{EditError, EnvFile, ParseError};
use sha2::{Digest, Sha256};

use super::{is_placeholder, placeholder, ChangeKind, KeyChange, Source};
use crate::sops::Vars;

/// The start of a line recording a reviewed exception at the top of a template.
pub const ALLOW_PLAIN_PREFIX: &str = "# secretctl:allow-plain ";

/// `sha256:<hex>` of a plaintext value: what a reviewed exception is bound to.
pub(super) fn value_digest(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Reviewed exceptions: (key, digest of the value reviewed).
pub(super) type Reviewed = Vec<(String, String)>;

/// The reviewed exceptions at the top of `text`, and the rest of it (the template proper).
pub(super) fn split_reviewed(text: &str) -> (Reviewed, &str) {
    let mut reviewed = Vec::new();
    let mut rest = text;
    while let Some(line) = rest.strip_prefix(ALLOW_PLAIN_PREFIX) {
        let end = line.find('\n').map_or(line.len(), |i| i + 1);
        let mut words = line[..end].split_whitespace();
        if let (Some(key), Some(digest)) = (words.next(), words.next()) {
            reviewed.push((key.to_owned(), digest.to_owned()));
        }
        rest = &line[end..];
    }
    (reviewed, rest)
}

/// The lines recording `reviewed`, to put before a template.
fn reviewed_lines(reviewed: &Reviewed) -> String {
    reviewed
        .iter()
        .map(|(key, digest)| format!("{ALLOW_PLAIN_PREFIX}{key} {digest}\n"))
        .collect()
}

/// Whether the plaintext `value` of `key` was reviewed (`--allow-plain`) with exactly this value.
pub(super) fn is_reviewed(reviewed: &Reviewed, key: &str, value: &str) -> bool {
    let digest = value_digest(value);
    reviewed.iter().any(|(k, d)| k == key && *d == digest)
}

/// The prefix of a placeholder: a template holds `secretctl:vars:<KEY>` where the `.env` held `KEY`'s secret.
pub const PLACEHOLDER_PREFIX: &str = "secretctl:vars:";

/// Where `gitops push` puts a key of the `.env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Placement {
    /// Not a secret: stays in the template as written.
    Plain,
    /// A secret of this host: `hosts/<host>/vars.yaml`.
    Host,
    /// A secret every host shares: `hosts/_shared/vars.yaml`.
    Shared,
}

/// Why a template could not be made or rendered.
pub(super) enum TemplateError {
    Parse(ParseError),
    Edit(EditError),
}

impl From<ParseError> for TemplateError {
    fn from(e: ParseError) -> Self {
        TemplateError::Parse(e)
    }
}

impl From<EditError> for TemplateError {
    fn from(e: EditError) -> Self {
        TemplateError::Edit(e)
    }
}

impl TemplateError {
    /// The repository error for this problem in the file at `path`.
    pub(super) fn at(self, path: std::path::PathBuf) -> super::Error {
        match self {
            TemplateError::Parse(source) => super::Error::EnvParse { path, source },
            TemplateError::Edit(source) => super::Error::EnvEdit { path, source },
        }
    }
}

/// How many lines of `text` look like an assignment of each key (`KEY=`, `export KEY =`). A line inside a
/// multi-line quoted value can look like one too; over-counting only makes [`split`] move that key's line to the
/// end of the template.
fn assignment_lines(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut counts = std::collections::HashMap::new();
    for line in text.lines() {
        let l = line.trim_start_matches(['\u{feff}', ' ', '\t']);
        let l = match l.strip_prefix("export") {
            Some(r) if r.starts_with([' ', '\t']) => r.trim_start(),
            _ => l,
        };
        if let Some(end) = l.find(['=', ':']) {
            let key = l[..end].trim_end_matches([' ', '\t']);
            if !key.is_empty() {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// A `.env` split into its template and its secrets.
pub(super) struct Split {
    pub template: String,
    pub host: Vars,
    pub shared: Vars,
}

/// Split `env_text`: each key `place` puts in a vars file is replaced by its placeholder and its value (`value_of`:
/// the value Compose computes) goes to the host's or the shared vars; every other line stays as written. The
/// template starts with the lines of `reviewed`; lines of that form at the top of the `.env` are dropped (only the
/// repository and the command line say what was reviewed).
pub(super) fn split(
    env_text: &str,
    place: &dyn Fn(&str) -> Placement,
    value_of: &dyn Fn(&str) -> Option<SecretString>,
    reviewed: &Reviewed,
) -> Result<Split, TemplateError> {
    let (_, env_text) = split_reviewed(env_text);
    let mut doc = EnvFile::parse(env_text)?;
    let counts = assignment_lines(env_text);
    let mut host = Vec::new();
    let mut shared = Vec::new();
    // Every edit is collected first and made in one pass ([`EnvFile::set_all`]): one edit per key, each copying
    // the whole document, made a push quadratic in the number of keys.
    let mut repeated = Vec::new();
    let mut placeholders = Vec::new();
    for (key, literal) in doc.values() {
        let placement = place(key);
        if placement == Placement::Plain || is_placeholder(key, literal) {
            // Plain, or already a template line (a .env rendered without a value for it): nothing to store.
            continue;
        }
        let value = value_of(key).unwrap_or_else(|| SecretString::from(literal.to_owned()));
        if counts.get(key).copied().unwrap_or(0) > 1 {
            // Compose reads the last assignment, but the earlier ones hold (older) secrets too: remove them all.
            repeated.push(key.to_owned());
        }
        placeholders.push((key.to_owned(), placeholder(key)));
        match placement {
            Placement::Shared => shared.push((key.to_owned(), value)),
            _ => host.push((key.to_owned(), value)),
        }
    }
    for key in &repeated {
        doc.unset(key);
    }
    let pairs: Vec<(&str, &str)> = placeholders
        .iter()
        .map(|(k, p)| (k.as_str(), p.as_str()))
        .collect();
    doc.set_all(&pairs)?;
    let mut template = reviewed_lines(reviewed);
    template.push_str(&doc.render());
    Ok(Split {
        template,
        host,
        shared,
    })
}

/// The `.env` of a template: each placeholder replaced by the host's value, else the shared one, written with the
/// least quoting Compose reads back as exactly that value; the reviewed-exception lines left out.
pub(super) fn render(
    template_text: &str,
    host: &Vars,
    shared: &Vars,
) -> Result<SecretString, TemplateError> {
    let (_, template_text) = split_reviewed(template_text);
    let mut doc = EnvFile::parse(template_text)?;
    // Last value wins, as in a vars file read top to bottom.
    let index = |vars: &'_ Vars| -> HashMap<String, usize> {
        vars.iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect()
    };
    let (host_index, shared_index) = (index(host), index(shared));
    let value = |key: &str| {
        host_index
            .get(key)
            .map(|&i| &host[i].1)
            .or_else(|| shared_index.get(key).map(|&i| &shared[i].1))
    };
    let mut keys = HashSet::new();
    let mut sets: Vec<(String, &SecretString)> = Vec::new();
    let mut missing = Vec::new();
    for (key, literal) in doc.values() {
        keys.insert(key.to_owned());
        if !is_placeholder(key, literal) {
            continue;
        }
        match value(key) {
            Some(v) => sets.push((key.to_owned(), v)),
            None => missing.push(key.to_owned()),
        }
    }
    for key in &missing {
        doc.unset(key);
    }
    for (key, value) in host {
        if !keys.contains(key) {
            sets.push((key.clone(), value));
        }
    }
    let pairs: Vec<(&str, &str)> = sets
        .iter()
        .map(|(k, v)| (k.as_str(), v.expose_secret()))
        .collect();
    doc.set_all(&pairs)?;
    Ok(SecretString::from(doc.render()))
}

pub(super) fn diff(
    old: Option<&str>,
    new: Option<&str>,
    with_values: bool,
    changes: &mut Vec<KeyChange>,
) {
    // A template that does not parse is shown as if empty: `diff` describes, `pull` reports the error.
    let parse = |t: Option<&str>| t.and_then(|t| EnvFile::parse(t).ok());
    let (old, new) = (parse(old), parse(new));
    let pairs = |d: &Option<EnvFile>| -> Vec<(String, String)> {
        d.as_ref()
            .map(|d| {
                d.values()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (pairs(&old), pairs(&new));
    let old_index: HashMap<&str, &String> = old.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let new_keys: HashSet<&str> = new.iter().map(|(k, _)| k.as_str()).collect();
    let value = |v: &str| with_values.then(|| SecretString::from(v.to_owned()));
    for (k, v) in &new {
        let before = old_index.get(k.as_str()).copied();
        let kind = match before {
            None => Some(ChangeKind::Added),
            Some(b) if b != v => Some(ChangeKind::Changed),
            Some(_) => None,
        };
        if let Some(kind) = kind {
            changes.push(KeyChange {
                key: k.clone(),
                kind,
                source: Source::Template,
                old: before.and_then(|b| value(b)),
                new: value(v),
            });
        }
    }
    for (k, v) in &old {
        if !new_keys.contains(k.as_str()) {
            changes.push(KeyChange {
                key: k.clone(),
                kind: ChangeKind::Removed,
                source: Source::Template,
                old: value(v),
                new: None,
            });
        }
    }
}

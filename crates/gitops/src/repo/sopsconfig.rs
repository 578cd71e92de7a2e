//! The repository's `.sops.yaml`, read as `sops` reads it (getsops/sops `config/config.go`), so that an operator
//! who runs `sops -e` in the repository and `secretctl gitops push`/`encrypt` agree on who a file is encrypted to
//! and which of its values stay in plaintext.
//!
//! - `creation_rules` are tried **in order**; the rule for a file is the first with no `path_regex`, or whose
//!   `path_regex` (an unanchored regular expression) matches the file's path relative to the directory of
//!   `.sops.yaml`. No rule matching is an error, as in sops. A rule's `path_regex` is compiled when the search
//!   reaches it, and the rest of a rule is checked only when it is the one chosen (as sops does).
//! - Its age recipients are those of `key_groups` when that list is not empty (then `age` is ignored, as in sops),
//!   else those of `age` (a comma-separated string or a list). One key group is what sops writes as plain
//!   recipients; several groups (Shamir secret sharing of the data key, `shamir_threshold`) are refused.
//! - Its crypt rule is at most one of `unencrypted_suffix`, `encrypted_suffix`, `unencrypted_regex`,
//!   `encrypted_regex`, `unencrypted_comment_regex`, `encrypted_comment_regex` (more than one is an error, as in
//!   sops); none means sops's default, `unencrypted_suffix: _unencrypted`. `mac_only_encrypted` is kept.
//! - Vault Transit keys (`hc_vault_transit_uri`, a string or a list as `age`; a key group's `hc_vault` list) are
//!   kept beside the age recipients: `gitops encrypt` wraps the data key with them too. `gitops push` and the
//!   recipient commands, which write flat vars files re-wrapped on every change, refuse such a rule by name.
//! - Master keys other than age and Vault Transit (`pgp`, `kms`, `gcp_kms`, `azure_keyvault`, `hckms`, and the
//!   same in key groups) are refused with an error naming them: encrypting to fewer readers than the rule names
//!   would silently lock them out.
//! - Keys sops does not know are ignored (go-yaml's `Unmarshal` ignores unknown fields); a known key of the wrong
//!   type is an error for the whole file, as go-yaml's is.

// This file is loaded from the crate root (`sops_config`), as a directory module: its submodule is beside it.
#[path = "sopsconfig/edit.rs"]
mod edit;

use crate::goregex::GoRegex;

use crate::sops::tree::{Entry, Node, Scalar};
use crate::sops::{self, EncryptOptions, Recipient, UNENCRYPTED_SUFFIX};

#[cfg_attr(not(feature = "git"), allow(unused_imports))] // only the repository's commands edit
pub(crate) use edit::set_recipients;

/// The first line of every `.sops.yaml` we create (`gitops init`); later changes edit the file in place.
const HEADER: &str =
    "# Written by `secretctl gitops init`; `secretctl gitops recipients add|remove` edit the age lines in place.\n\
# sops reads the same rules, so `sops -e` in this repository encrypts to the same age recipients.\n";

/// The `.sops.yaml` text for `recipients`: one creation rule, no path restriction, so every file `sops` creates in
/// the repository is encrypted to the repository's recipients.
pub(crate) fn render(recipients: &[Recipient]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("creation_rules:\n  - age: >-\n");
    let last = recipients.len().saturating_sub(1);
    for (i, r) in recipients.iter().enumerate() {
        out.push_str("      ");
        out.push_str(&r.to_string());
        if i != last {
            out.push(',');
        }
        out.push('\n');
    }
    out
}

/// Why a `.sops.yaml` could not be used: the 1-based line (0 when it cannot be told) and what was wrong (never
/// file content beyond a recipient string or a pattern, which are public).
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}: {reason}")]
#[non_exhaustive]
pub struct ParseError {
    /// 1-based line, 0 when it cannot be told.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
    /// The file is valid for sops but uses something secretctl does not implement (another master key type,
    /// several key groups, a crypt rule the whole-file encryptor lacks).
    pub unsupported: bool,
}

impl secretctl_error::Kind for ParseError {
    fn kind(&self) -> secretctl_error::ErrorKind {
        if self.unsupported {
            secretctl_error::ErrorKind::Refused
        } else {
            secretctl_error::ErrorKind::Invalid
        }
    }
}

/// The age recipients that the `.sops.yaml` text `config` gives the file at `rel` (relative to the directory of
/// `.sops.yaml`), as sops chooses a creation rule: the first whose `path_regex` matches. `None` when no rule
/// matches. (`repo::recipients_for` is the same with the repository's error type.)
///
/// # Examples
/// ```
/// use secretctl_gitops::sops_config::recipients_for;
///
/// let a = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
/// let config = format!("creation_rules:\n  - path_regex: ^apps/\n    age: {a}\n");
/// assert_eq!(recipients_for(&config, "apps/x.yaml")?.unwrap()[0].to_string(), a);
/// assert!(recipients_for(&config, "hosts/x.yaml")?.is_none());
/// # Ok::<(), secretctl_gitops::sops_config::ParseError>(())
/// ```
///
/// # Errors
/// [`ParseError`]: text sops would not read, a rule that cannot be used, or one secretctl cannot honour.
pub fn recipients_for(config: &str, rel: &str) -> Result<Option<Vec<Recipient>>, ParseError> {
    let parsed = SopsConfig::parse(config)?;
    parsed
        .rule_for(rel)?
        .map(|r| r.age_only().map(|r| r.recipients.clone()))
        .transpose()
}

/// Which keys of a file a creation rule leaves in plaintext (sops's `shouldBeEncrypted`, for a flat file whose key
/// path is the key alone; the files `push` writes have no comments, so a comment rule never matches).
#[derive(Debug, Clone)]
pub(crate) enum CryptRule {
    /// `unencrypted_suffix` (sops's default `_unencrypted` when no rule is given): keys ending in it.
    UnencryptedSuffix(String),
    /// `encrypted_suffix`: every key except those ending in it.
    EncryptedSuffix(String),
    /// `unencrypted_regex`: keys it matches.
    UnencryptedRegex(GoRegex),
    /// `encrypted_regex`: every key it does not match.
    EncryptedRegex(GoRegex),
    /// `unencrypted_comment_regex`: keys under a matching comment; none in a file without comments.
    UnencryptedCommentRegex(String),
    /// `encrypted_comment_regex`: every key not under a matching comment; all of them in a file without comments.
    EncryptedCommentRegex(String),
}

impl CryptRule {
    /// True when sops would store `key`'s value in plaintext under this rule. A key a regex rule has no answer for
    /// ([`crate::goregex`]) counts as encrypted: the encryption itself then refuses it, so no guess ever leaves a
    /// value in plaintext.
    pub(crate) fn leaves_unencrypted(&self, key: &str) -> bool {
        match self {
            CryptRule::UnencryptedSuffix(s) => key.ends_with(s.as_str()),
            CryptRule::EncryptedSuffix(s) => !key.ends_with(s.as_str()),
            CryptRule::UnencryptedRegex(re) => re.matches(key) == Some(true),
            CryptRule::EncryptedRegex(re) => re.matches(key) == Some(false),
            CryptRule::UnencryptedCommentRegex(_) => false,
            CryptRule::EncryptedCommentRegex(_) => true,
        }
    }

    /// The rule as `.sops.yaml` spells it, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            CryptRule::UnencryptedSuffix(s) => format!("unencrypted_suffix `{s}`"),
            CryptRule::EncryptedSuffix(s) => format!("encrypted_suffix `{s}`"),
            CryptRule::UnencryptedRegex(re) => format!("unencrypted_regex `{}`", re.as_str()),
            CryptRule::EncryptedRegex(re) => format!("encrypted_regex `{}`", re.as_str()),
            CryptRule::UnencryptedCommentRegex(p) => format!("unencrypted_comment_regex `{p}`"),
            CryptRule::EncryptedCommentRegex(p) => format!("encrypted_comment_regex `{p}`"),
        }
    }
}

/// One creation rule, as sops applies it to the files it matches.
#[derive(Debug, Clone)]
pub(crate) struct CreationRule {
    /// Its 1-based position in `creation_rules` (messages name it so).
    pub number: usize,
    /// The age recipients, deduplicated, in file order.
    pub recipients: Vec<Recipient>,
    /// Which keys stay in plaintext.
    pub crypt: CryptRule,
    /// `mac_only_encrypted`: the MAC covers only the encrypted values.
    pub mac_only_encrypted: bool,
    /// The recipients are those of its (one) key group rather than of `age`.
    pub in_key_group: bool,
    /// Vault Transit keys (`hc_vault_transit_uri`, or the key group's `hc_vault`), in sops's URI form, in file
    /// order, deduplicated.
    pub hc_vault: Vec<String>,
    /// The line naming them (for errors).
    pub hc_vault_line: usize,
}

impl CreationRule {
    /// The rule's master keys (age recipients and Vault Transit keys), as `gitops encrypt` wraps a file's data
    /// key to them.
    pub(crate) fn master_keys(&self) -> sops::MasterKeys {
        #[cfg_attr(not(feature = "vault"), allow(unused_mut))]
        // without Vault a rule has no Transit key
        let mut keys = sops::MasterKeys {
            age: self.recipients.clone(),
            ..sops::MasterKeys::default()
        };
        // Each was checked when the rule was read (without Vault support, a rule naming one was refused).
        #[cfg(feature = "vault")]
        {
            keys.hc_vault = self
                .hc_vault
                .iter()
                .filter_map(|u| u.parse().ok())
                .collect();
        }
        keys
    }

    /// The rule for the commands that write flat vars files (`push`, `recipients`): age recipients only.
    ///
    /// # Errors
    /// The rule names Vault Transit keys: those files would be re-wrapped to its age recipients alone.
    pub(crate) fn age_only(&self) -> Result<&CreationRule, ParseError> {
        if self.hc_vault.is_empty() {
            return Ok(self);
        }
        Err(unsupported(
            self.hc_vault_line,
            format!(
                "creation rule {}: Vault Transit keys (hc_vault_transit_uri, hc_vault) are honoured by `gitops \
                 encrypt` only; gitops push and the recipient commands write vars files to age recipients alone, \
                 which would lock the Vault key's holders out (give these files a rule with only age recipients)",
                self.number
            ),
        ))
    }

    /// The rule as the SOPS encryptor takes it, for a whole file (`gitops encrypt`, `sops -e`).
    ///
    /// # Errors
    /// The rule names a crypt rule the SOPS reader and writer do not implement yet (`unencrypted_regex`, the
    /// comment rules): encrypting under another rule would store values in plaintext that sops would encrypt, or
    /// the reverse.
    pub(crate) fn encrypt_options(&self) -> Result<EncryptOptions, ParseError> {
        let mut opts = EncryptOptions {
            mac_only_encrypted: self.mac_only_encrypted,
            ..EncryptOptions::default()
        };
        match &self.crypt {
            CryptRule::UnencryptedSuffix(s) => opts.unencrypted_suffix = Some(s.clone()),
            CryptRule::EncryptedSuffix(s) => opts.encrypted_suffix = Some(s.clone()),
            CryptRule::EncryptedRegex(re) => opts.encrypted_regex = Some(re.as_str().to_owned()),
            other => {
                return Err(ParseError {
                    line: 0,
                    reason: format!(
                        "creation rule {}: {} is not supported for whole-file encryption yet (use \
                         encrypted_regex, encrypted_suffix or unencrypted_suffix)",
                        self.number,
                        other.describe()
                    ),
                    unsupported: true,
                })
            }
        }
        Ok(opts)
    }
}

/// What a rule says, for comparing two versions of a file: its `path_regex`, and its recipients, crypt rule and
/// MAC flag (or its error).
type RuleSummary = (
    Option<String>,
    Result<(Vec<Recipient>, String, bool), String>,
);

/// A rule as read: its `path_regex` (compiled when the search reaches it) and the rule, or why it cannot be used.
#[derive(Debug, Clone)]
struct Slot {
    path_regex: Option<String>,
    rule: Result<CreationRule, ParseError>,
}

/// A parsed `.sops.yaml`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SopsConfig {
    /// `None`: the file has no `creation_rules` (sops then says it has no creation rule).
    rules: Option<Vec<Slot>>,
    /// The text it was parsed from, for the lines of errors found later.
    text: String,
}

impl SopsConfig {
    /// Parse `.sops.yaml` text.
    ///
    /// # Errors
    /// Text that is not YAML, or a known key of the wrong type (for the whole file, as go-yaml's `Unmarshal`).
    pub(crate) fn parse(text: &str) -> Result<SopsConfig, ParseError> {
        let top = sops::yaml::parse(text).map_err(|e| ParseError {
            line: e.line,
            reason: e.reason.to_owned(),
            unsupported: false,
        })?;
        let list = match pair(&top, "creation_rules") {
            None | Some(Node::Scalar(Scalar::Null)) => {
                return Ok(SopsConfig {
                    rules: None,
                    text: text.to_owned(),
                })
            }
            Some(Node::Seq(list)) => list,
            Some(_) => {
                return Err(at(
                    line_of(text, "creation_rules"),
                    "creation_rules is not a list",
                ))
            }
        };
        let mut rules = Vec::new();
        for (i, item) in items(list).enumerate() {
            let n = i + 1;
            let Node::Map(entries) = item else {
                return Err(at(0, &format!("creation rule {n} is not a mapping")));
            };
            check_types(entries, n)?;
            rules.push(Slot {
                path_regex: string_field(entries, "path_regex"),
                rule: rule(text, entries, n),
            });
        }
        Ok(SopsConfig {
            rules: Some(rules),
            text: text.to_owned(),
        })
    }

    /// How many creation rules the file has.
    pub(crate) fn len(&self) -> usize {
        self.rules.as_ref().map_or(0, Vec::len)
    }

    /// The rule sops applies to the file at `rel` (relative to the directory of `.sops.yaml`): the first without a
    /// `path_regex` or whose `path_regex` matches; `Ok(None)` when no rule matches (sops refuses to create the file).
    ///
    /// # Errors
    /// A `path_regex` reached that does not compile, or that has no answer for `rel` ([`crate::goregex`]: sops's
    /// Go `regexp` could match it otherwise); the chosen rule cannot be used (a bad recipient or pattern, an
    /// unsupported key type); the file has no creation rules at all.
    pub(crate) fn rule_for(&self, rel: &str) -> Result<Option<&CreationRule>, ParseError> {
        let Some(rules) = &self.rules else {
            return Err(at(0, "the file has no creation_rules"));
        };
        for (i, slot) in rules.iter().enumerate() {
            let matches = match &slot.path_regex {
                None => true,
                Some(p) => compile(&self.text, p, "path_regex", i + 1)?
                    .matches(rel)
                    .ok_or_else(|| {
                        unsupported(
                            line_of(&self.text, p),
                            format!(
                                "creation rule {}: path_regex `{p}` has no answer for `{rel}`: {}",
                                i + 1,
                                crate::goregex::NO_ANSWER
                            ),
                        )
                    })?,
            };
            if matches {
                return slot.rule.as_ref().map(Some).map_err(Clone::clone);
            }
        }
        Ok(None)
    }

    /// The rule numbered `number` (1-based), when it is usable.
    pub(crate) fn rule(&self, number: usize) -> Option<&CreationRule> {
        self.rules
            .as_ref()?
            .get(number.checked_sub(1)?)
            .and_then(|s| s.rule.as_ref().ok())
    }

    /// Every age recipient any usable rule names, deduplicated, in file order.
    pub(crate) fn all_recipients(&self) -> Vec<Recipient> {
        let mut out: Vec<Recipient> = Vec::new();
        let rules = self
            .rules
            .iter()
            .flatten()
            .filter_map(|s| s.rule.as_ref().ok());
        for r in rules.flat_map(|r| &r.recipients) {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }

    /// What the file says, rule by rule, for checking that an edit changed only recipient lists: each rule's
    /// `path_regex`, and its recipients, crypt rule and MAC flag (or its error).
    fn summary(&self) -> Vec<RuleSummary> {
        self.rules
            .iter()
            .flatten()
            .map(|s| {
                let rule = match &s.rule {
                    Ok(r) => Ok((
                        r.recipients.clone(),
                        r.crypt.describe(),
                        r.mac_only_encrypted,
                    )),
                    Err(e) => Err(e.reason.clone()),
                };
                (s.path_regex.clone(), rule)
            })
            .collect()
    }
}

/// The age recipients named by any usable creation rule of a `.sops.yaml`, deduplicated, in file order.
pub(crate) fn parse(text: &str) -> Result<Vec<Recipient>, ParseError> {
    SopsConfig::parse(text).map(|c| c.all_recipients())
}

fn at(line: usize, reason: &str) -> ParseError {
    ParseError {
        line,
        reason: reason.to_owned(),
        unsupported: false,
    }
}

fn unsupported(line: usize, reason: String) -> ParseError {
    ParseError {
        line,
        reason,
        unsupported: true,
    }
}

/// The 1-based line of the first occurrence of `needle` in `text` (0 when absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

fn pair<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Node> {
    entries.iter().find_map(|e| match e {
        Entry::Pair(k, v) if k == key => Some(v),
        _ => None,
    })
}

fn items(seq: &[Node]) -> impl Iterator<Item = &Node> {
    seq.iter().filter(|n| !matches!(n, Node::Comment(_)))
}

/// A scalar as the text a Go `string` field receives (go-yaml decodes any scalar into a string).
fn text_of(node: &Node) -> Option<String> {
    match node {
        Node::Scalar(Scalar::Str(s)) => Some(s.clone()),
        Node::Scalar(Scalar::Int(i)) => Some(i.to_string()),
        Node::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
        Node::Scalar(Scalar::Float(f)) => Some(f.to_string()),
        Node::Scalar(Scalar::Null) => Some(String::new()),
        _ => None,
    }
}

/// A string field, `None` when absent or empty (sops treats `""` as unset). Its type was checked by
/// [`check_types`].
fn string_field(entries: &[Entry], key: &str) -> Option<String> {
    pair(entries, key)
        .and_then(text_of)
        .filter(|s| !s.is_empty())
}

/// The fields of a creation rule whose Go type is `string`, `bool`, `int` or `[]keyGroup`: any other YAML type
/// there makes go-yaml's `Unmarshal` (and so sops) fail for the whole file.
const STRING_FIELDS: [&str; 8] = [
    "path_regex",
    "aws_profile",
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
];

/// Master key types other than age, in a rule (`string or []string`) and in a key group (lists).
const OTHER_RULE_KEYS: [&str; 5] = ["pgp", "kms", "gcp_kms", "azure_keyvault", "hckms"];
const OTHER_GROUP_KEYS: [&str; 5] = ["pgp", "kms", "gcp_kms", "azure_keyvault", "hckms"];

fn check_types(entries: &[Entry], n: usize) -> Result<(), ParseError> {
    let wrong = |key: &str, what: &str| at(0, &format!("creation rule {n}: {key} is not {what}"));
    for field in STRING_FIELDS {
        if let Some(node) = pair(entries, field) {
            if text_of(node).is_none() {
                return Err(wrong(field, "a scalar"));
            }
        }
    }
    if field_set(entries, "shamir_threshold")
        && !matches!(
            pair(entries, "shamir_threshold"),
            Some(Node::Scalar(Scalar::Int(_) | Scalar::Null))
        )
    {
        return Err(wrong("shamir_threshold", "an integer"));
    }
    match pair(entries, "mac_only_encrypted") {
        None | Some(Node::Scalar(Scalar::Bool(_) | Scalar::Null)) => {}
        Some(_) => return Err(wrong("mac_only_encrypted", "true or false")),
    }
    match pair(entries, "key_groups") {
        None | Some(Node::Scalar(Scalar::Null)) => {}
        Some(Node::Seq(groups)) => {
            for g in items(groups) {
                check_group_types(g, n, 0)?;
            }
        }
        Some(_) => return Err(wrong("key_groups", "a list")),
    }
    Ok(())
}

fn field_set(entries: &[Entry], key: &str) -> bool {
    pair(entries, key).is_some()
}

/// Nesting of `merge:` groups accepted (a hostile file must not exhaust the stack).
const MAX_MERGE_DEPTH: usize = 16;

fn check_group_types(group: &Node, n: usize, depth: usize) -> Result<(), ParseError> {
    let Node::Map(g) = group else {
        return Err(at(
            0,
            &format!("creation rule {n}: a key group is not a mapping"),
        ));
    };
    if depth > MAX_MERGE_DEPTH {
        return Err(at(
            0,
            &format!("creation rule {n}: key groups merged too deeply"),
        ));
    }
    for e in g {
        let Entry::Pair(k, v) = e else { continue };
        match (k.as_str(), v) {
            (_, Node::Scalar(Scalar::Null)) => {}
            ("merge", Node::Seq(list)) => {
                for sub in items(list) {
                    check_group_types(sub, n, depth + 1)?;
                }
            }
            ("age" | "pgp" | "hc_vault", Node::Seq(list))
                if items(list).any(|i| text_of(i).is_none()) =>
            {
                return Err(at(
                    0,
                    &format!("creation rule {n}: a key group's {k} is not a list of strings"),
                ));
            }
            ("age" | "pgp" | "hc_vault", Node::Seq(_)) => {}
            ("kms" | "gcp_kms" | "hckms" | "azure_keyvault", Node::Seq(_)) => {}
            (
                "merge" | "age" | "pgp" | "hc_vault" | "kms" | "gcp_kms" | "hckms"
                | "azure_keyvault",
                _,
            ) => {
                return Err(at(
                    0,
                    &format!("creation rule {n}: a key group's {k} is not a list"),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// sops's `parseKeyField`: a string is split at commas (each part trimmed, empty parts skipped), a list is taken
/// as it is (its items must be strings).
fn key_field(node: &Node, key: &str, n: usize) -> Result<Vec<String>, ParseError> {
    match node {
        Node::Scalar(Scalar::Null) => Ok(Vec::new()),
        Node::Scalar(_) => Ok(split_keys(&text_of(node).unwrap_or_default())),
        Node::Seq(list) => items(list)
            .map(|k| match k {
                Node::Scalar(Scalar::Str(s)) => Ok(s.clone()),
                _ => Err(at(
                    0,
                    &format!("creation rule {n}: invalid {key} key configuration: expected string in list"),
                )),
            })
            .collect(),
        Node::Map(_) | Node::Comment(_) => Err(at(
            0,
            &format!("creation rule {n}: invalid {key} key configuration: expected a string or a list"),
        )),
    }
}

/// age's `MasterKeysFromRecipients`: comma-separated, each trimmed, empty parts skipped.
fn split_keys(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

fn compile(text: &str, pattern: &str, what: &str, n: usize) -> Result<GoRegex, ParseError> {
    GoRegex::new(pattern).map_err(|why| {
        at(
            line_of(text, pattern),
            &format!("creation rule {n}: {what} `{pattern}` {why}"),
        )
    })
}

/// The age keys and Vault Transit URIs of one key group (with its `merge`d groups); another key type is refused.
fn group_keys(
    text: &str,
    group: &Node,
    n: usize,
    out: &mut Vec<String>,
    vault: &mut Vec<String>,
) -> Result<(), ParseError> {
    let Node::Map(g) = group else { return Ok(()) };
    for key in OTHER_GROUP_KEYS {
        if pair(g, key).is_some_and(non_empty) {
            return Err(unsupported(line_of(text, key), other_key_reason(key, n)));
        }
    }
    if let Some(Node::Seq(list)) = pair(g, "merge") {
        for sub in items(list) {
            group_keys(text, sub, n, out, vault)?;
        }
    }
    if let Some(Node::Seq(list)) = pair(g, "hc_vault") {
        // sops's `keyGroup.Vault` is a list of URIs, each taken whole.
        vault.extend(items(list).filter_map(text_of).map(|u| u.trim().to_owned()));
    }
    if let Some(Node::Seq(list)) = pair(g, "age") {
        for item in items(list) {
            out.extend(split_keys(&text_of(item).unwrap_or_default()));
        }
    }
    Ok(())
}

fn non_empty(node: &Node) -> bool {
    match node {
        Node::Scalar(Scalar::Null) => false,
        Node::Scalar(_) => text_of(node).is_some_and(|s| !s.trim().is_empty()),
        Node::Seq(v) => items(v).next().is_some(),
        Node::Map(v) => v.iter().any(|e| matches!(e, Entry::Pair(..))),
        Node::Comment(_) => false,
    }
}

fn other_key_reason(key: &str, n: usize) -> String {
    format!(
        "creation rule {n}: {key} master keys are not supported; secretctl encrypts to age recipients and Vault \
         Transit keys only, and encrypting to fewer keys than the rule names would lock their holders out"
    )
}

fn rule(text: &str, entries: &[Entry], n: usize) -> Result<CreationRule, ParseError> {
    let groups: Vec<&Node> = match pair(entries, "key_groups") {
        Some(Node::Seq(list)) => items(list).collect(),
        _ => Vec::new(),
    };
    let mut keys = Vec::new();
    let mut vault = Vec::new();
    let in_key_group = !groups.is_empty();
    if groups.len() > 1 {
        return Err(unsupported(
            line_of(text, "key_groups"),
            format!(
                "creation rule {n}: {} key groups (Shamir secret sharing of the data key, shamir_threshold) are \
                 not supported; use one key group or `age`",
                groups.len()
            ),
        ));
    } else if let Some(group) = groups.first() {
        // With key groups, sops ignores the rule's own key fields.
        group_keys(text, group, n, &mut keys, &mut vault)?;
    } else {
        for key in OTHER_RULE_KEYS {
            if pair(entries, key).is_some_and(non_empty) {
                return Err(unsupported(line_of(text, key), other_key_reason(key, n)));
            }
        }
        if let Some(node) = pair(entries, "age") {
            keys = key_field(node, "age", n)?;
        }
        if let Some(node) = pair(entries, "hc_vault_transit_uri") {
            vault = key_field(node, "hc_vault_transit_uri", n)?;
        }
    }
    let hc_vault_line = line_of(text, "hc_vault");
    let mut hc_vault: Vec<String> = Vec::new();
    for uri in vault {
        check_transit_uri(&uri).map_err(|why| {
            at(
                line_of(text, &uri),
                &format!("creation rule {n}: `{uri}` is not a Vault Transit key: {why}"),
            )
        })?;
        if !hc_vault.contains(&uri) {
            hc_vault.push(uri);
        }
    }
    let mut recipients: Vec<Recipient> = Vec::new();
    for key in keys {
        let r: Recipient = key.parse().map_err(|_| {
            at(
                line_of(text, &key),
                &format!("creation rule {n}: `{key}` is not an age recipient (age1...)"),
            )
        })?;
        if !recipients.contains(&r) {
            recipients.push(r);
        }
    }
    let mut crypt = Vec::new();
    if let Some(s) = string_field(entries, "unencrypted_suffix") {
        crypt.push(CryptRule::UnencryptedSuffix(s));
    }
    if let Some(s) = string_field(entries, "encrypted_suffix") {
        crypt.push(CryptRule::EncryptedSuffix(s));
    }
    if let Some(p) = string_field(entries, "unencrypted_regex") {
        crypt.push(CryptRule::UnencryptedRegex(compile(
            text,
            &p,
            "unencrypted_regex",
            n,
        )?));
    }
    if let Some(p) = string_field(entries, "encrypted_regex") {
        crypt.push(CryptRule::EncryptedRegex(compile(
            text,
            &p,
            "encrypted_regex",
            n,
        )?));
    }
    if let Some(p) = string_field(entries, "unencrypted_comment_regex") {
        compile(text, &p, "unencrypted_comment_regex", n)?;
        crypt.push(CryptRule::UnencryptedCommentRegex(p));
    }
    if let Some(p) = string_field(entries, "encrypted_comment_regex") {
        compile(text, &p, "encrypted_comment_regex", n)?;
        crypt.push(CryptRule::EncryptedCommentRegex(p));
    }
    if crypt.len() > 1 {
        return Err(at(
            0,
            &format!(
                "creation rule {n}: more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, \
                 unencrypted_regex, encrypted_comment_regex and unencrypted_comment_regex (sops refuses it too)"
            ),
        ));
    }
    let crypt = crypt
        .pop()
        .unwrap_or_else(|| CryptRule::UnencryptedSuffix(UNENCRYPTED_SUFFIX.to_owned()));
    let mac_only_encrypted = matches!(
        pair(entries, "mac_only_encrypted"),
        Some(Node::Scalar(Scalar::Bool(true)))
    );
    Ok(CreationRule {
        number: n,
        recipients,
        crypt,
        mac_only_encrypted,
        in_key_group,
        hc_vault,
        hc_vault_line,
    })
}

/// A Vault Transit key URI as `--hc-vault-transit` takes it (`https://HOST:PORT/v1/MOUNT/keys/NAME`).
#[cfg(feature = "vault")]
fn check_transit_uri(uri: &str) -> Result<(), String> {
    uri.parse::<secretctl_vault::TransitUri>()
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Without Vault support a rule naming a Transit key cannot be honoured.
#[cfg(not(feature = "vault"))]
fn check_transit_uri(_: &str) -> Result<(), String> {
    Err("this build has no Vault support (cargo feature `vault`)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipient() -> Recipient {
        age::x25519::Identity::generate()
            .to_public()
            .to_string()
            .parse()
            .unwrap()
    }

    fn rule_of(text: &str, rel: &str) -> CreationRule {
        SopsConfig::parse(text)
            .unwrap()
            .rule_for(rel)
            .unwrap()
            .unwrap()
            .clone()
    }

    #[test]
    fn render_parse_round_trip() {
        let rs = vec![recipient(), recipient(), recipient()];
        assert_eq!(parse(&render(&rs)).unwrap(), rs);
        assert_eq!(parse(&render(&rs[..1])).unwrap(), rs[..1]);
    }

    #[test]
    fn reads_the_forms_sops_users_write() {
        let (a, b) = (recipient(), recipient());
        let inline = format!("creation_rules:\n  - path_regex: .*\\.yaml$\n    age: '{a},{b}'\n");
        assert_eq!(
            rule_of(&inline, "x.yaml").recipients,
            [a.clone(), b.clone()]
        );
        // A comment inside a folded scalar is part of the text for YAML (and sops), so it goes on its own line.
        let folded = format!("creation_rules:\n  # ops\n  - age: >-\n      {a},\n      {b}\n");
        assert_eq!(rule_of(&folded, "x").recipients, [a.clone(), b.clone()]);
        let list = format!("creation_rules:\n  - age:\n      - {b}\n      - ' {a} '\n");
        assert_eq!(rule_of(&list, "x").recipients, [b.clone(), a.clone()]);
        let groups = format!(
            "creation_rules:\n  - key_groups:\n      - age:\n          - {b}\n          - {a}\n"
        );
        let g = rule_of(&groups, "x");
        assert_eq!(g.recipients, [b.clone(), a.clone()]);
        assert!(g.in_key_group);
        // With key groups, sops ignores the rule's own `age`.
        let both = format!(
            "creation_rules:\n  - age: {a}\n    key_groups:\n      - age:\n          - {b}\n"
        );
        assert_eq!(rule_of(&both, "x").recipients, std::slice::from_ref(&b));
        let merged = format!(
            "creation_rules:\n  - key_groups:\n      - merge:\n          - age:\n              - {a}\n          - age:\n              - {b}\n"
        );
        assert_eq!(rule_of(&merged, "x").recipients, [a.clone(), b.clone()]);
        // Unknown keys are ignored, as go-yaml ignores them.
        let unknown = format!(
            "stores:\n  yaml:\n    indent: 2\ncreation_rules:\n  - age: {a}\n    colour: blue\n"
        );
        assert_eq!(rule_of(&unknown, "x").recipients, std::slice::from_ref(&a));
    }

    #[test]
    fn no_creation_rules_or_no_match_is_an_error_as_in_sops() {
        assert!(SopsConfig::parse("creation_rules: []\n")
            .unwrap()
            .rule_for("x")
            .unwrap()
            .is_none());
        assert!(SopsConfig::parse("destination_rules: []\n")
            .unwrap()
            .rule_for("x")
            .is_err());
    }

    #[test]
    fn a_bad_recipient_names_its_line_when_its_rule_is_chosen() {
        let a = recipient();
        let text = format!(
            "creation_rules:\n  - path_regex: ^ok/\n    age: {a}\n  - age: >-\n      age1notakey\n"
        );
        let c = SopsConfig::parse(&text).unwrap();
        assert!(c.rule_for("ok/x").is_ok());
        let err = c.rule_for("other").unwrap_err();
        assert_eq!(err.line, 5);
        assert!(err.reason.contains("age1notakey"));
    }

    #[test]
    fn a_field_of_the_wrong_type_fails_the_whole_file() {
        for bad in [
            "creation_rules:\n  - path_regex: [a]\n",
            "creation_rules:\n  - mac_only_encrypted: [1]\n",
            "creation_rules:\n  - shamir_threshold: two\n",
            "creation_rules:\n  - key_groups: x\n",
            "creation_rules:\n  - key_groups:\n      - age: age1x\n",
            "creation_rules: 3\n",
        ] {
            assert!(SopsConfig::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_path_regex_with_no_answer_refuses_instead_of_choosing_a_rule() {
        let (a, b) = (recipient(), recipient());
        let text =
            format!("creation_rules:\n  - path_regex: (?i)^hosts/\n    age: {a}\n  - age: {b}\n");
        let c = SopsConfig::parse(&text).unwrap();
        assert_eq!(c.rule_for("HOSTS/web1.yaml").unwrap().unwrap().number, 1);
        // Go folds U+212A KELVIN SIGN with k: it could choose rule 1 where a guess would fall through to rule 2.
        let e = c.rule_for("\u{212A}eys/web1.yaml").unwrap_err();
        assert!(
            e.unsupported && e.reason.contains("has no answer") && e.reason.contains("(?i)"),
            "{e:?}"
        );
        // Where the answer is certain (an ASCII path), nothing changes.
        assert_eq!(c.rule_for("other/web1.yaml").unwrap().unwrap().number, 2);
    }

    #[test]
    fn the_first_matching_rule_applies() {
        let (a, b) = (recipient(), recipient());
        let text = format!(
            "creation_rules:\n  - path_regex: ^hosts/web1/\n    age: {a}\n    unencrypted_regex: ^PUBLIC_\n  - age: {b}\n"
        );
        let c = SopsConfig::parse(&text).unwrap();
        let web1 = c.rule_for("hosts/web1/vars.yaml").unwrap().unwrap();
        assert_eq!(web1.recipients, std::slice::from_ref(&a));
        assert!(web1.crypt.leaves_unencrypted("PUBLIC_URL"));
        assert!(!web1.crypt.leaves_unencrypted("DB_PASSWORD"));
        let web2 = c.rule_for("hosts/web2/vars.yaml").unwrap().unwrap();
        assert_eq!(web2.recipients, std::slice::from_ref(&b));
        assert_eq!(web2.number, 2);
        // No rule given: sops's default suffix.
        assert!(web2.crypt.leaves_unencrypted("X_unencrypted"));
        assert!(!web2.crypt.leaves_unencrypted("PUBLIC_URL"));
        // The regex is unanchored, as Go's MatchString.
        let only = SopsConfig::parse(&format!(
            "creation_rules:\n  - path_regex: web9\n    age: {a}\n"
        ))
        .unwrap();
        assert!(only.rule_for("hosts/web9/vars.yaml").unwrap().is_some());
        assert!(only.rule_for("hosts/web1/vars.yaml").unwrap().is_none());
        // A bad path_regex is an error only once the search reaches it.
        let late = SopsConfig::parse(&format!(
            "creation_rules:\n  - path_regex: ^a/\n    age: {a}\n  - path_regex: '(('\n    age: {b}\n"
        ))
        .unwrap();
        assert!(late.rule_for("a/x").unwrap().is_some());
        assert_eq!(late.rule_for("b/x").unwrap_err().line, 4);
    }

    #[test]
    fn crypt_rules_as_sops_applies_them() {
        let a = recipient();
        let rule = |r: &str| rule_of(&format!("creation_rules:\n  - age: {a}\n    {r}\n"), "x");
        let r = rule("unencrypted_suffix: _PLAIN").crypt;
        assert!(r.leaves_unencrypted("HOST_PLAIN") && !r.leaves_unencrypted("X_unencrypted"));
        let r = rule("encrypted_suffix: _SECRET").crypt;
        assert!(!r.leaves_unencrypted("DB_SECRET") && r.leaves_unencrypted("DB_HOST"));
        let r = rule("encrypted_regex: ^(DB|API)_").crypt;
        assert!(!r.leaves_unencrypted("DB_PASSWORD") && r.leaves_unencrypted("PORT"));
        let r = rule("unencrypted_regex: HOST").crypt;
        assert!(r.leaves_unencrypted("DB_HOSTNAME") && !r.leaves_unencrypted("DB_PASSWORD"));
        assert!(!rule("unencrypted_comment_regex: public")
            .crypt
            .leaves_unencrypted("X"));
        assert!(rule("encrypted_comment_regex: secret")
            .crypt
            .leaves_unencrypted("X"));
        assert!(rule("mac_only_encrypted: true").mac_only_encrypted);
        assert!(!rule("mac_only_encrypted: false").mac_only_encrypted);
        // What the whole-file encryptor is given.
        let o = rule("encrypted_suffix: _SECRET").encrypt_options().unwrap();
        assert_eq!(o.encrypted_suffix.as_deref(), Some("_SECRET"));
        let o = rule("mac_only_encrypted: true").encrypt_options().unwrap();
        assert!(o.mac_only_encrypted && o.unencrypted_suffix.as_deref() == Some("_unencrypted"));
        assert!(
            rule("unencrypted_regex: HOST")
                .encrypt_options()
                .unwrap_err()
                .unsupported
        );
        let two = format!(
            "creation_rules:\n  - age: {a}\n    unencrypted_regex: a\n    encrypted_regex: b\n"
        );
        let c = SopsConfig::parse(&two).unwrap();
        assert!(c
            .rule_for("x")
            .unwrap_err()
            .reason
            .contains("more than one"));
        let bad = format!("creation_rules:\n  - age: {a}\n    unencrypted_regex: '(('\n");
        let err = SopsConfig::parse(&bad).unwrap().rule_for("x").unwrap_err();
        assert_eq!(err.line, 3, "{}", err.reason);
    }

    #[test]
    #[cfg(feature = "vault")] // a build without it refuses hc_vault rules outright
    fn other_master_keys_and_shamir_are_refused_clearly() {
        let (a, b) = (recipient(), recipient());
        let vault = format!(
            "creation_rules:\n  - age: {a}\n    hc_vault_transit_uri: https://vault:8200/v1/transit/keys/k\n"
        );
        // Vault Transit keys are kept for `encrypt`; the vars-file commands refuse them by name.
        let parsed = SopsConfig::parse(&vault).unwrap();
        let rule = parsed.rule_for("x").unwrap().unwrap();
        assert_eq!(rule.hc_vault, ["https://vault:8200/v1/transit/keys/k"]);
        assert_eq!(rule.master_keys().hc_vault.len(), 1);
        let err = rule.age_only().unwrap_err();
        assert!(err.unsupported && err.reason.contains("hc_vault_transit_uri") && err.line == 3);
        let group = format!(
            "creation_rules:\n  - key_groups:\n      - age:\n          - {a}\n        hc_vault:\n          - https://v:8200/v1/sops/transit/keys/a\n          - https://v:8200/v1/transit/keys/b\n"
        );
        let parsed = SopsConfig::parse(&group).unwrap();
        let rule = parsed.rule_for("x").unwrap().unwrap();
        assert_eq!(rule.hc_vault.len(), 2);
        assert_eq!(rule.recipients.len(), 1);
        let list = "creation_rules:\n  - hc_vault_transit_uri:\n      - https://v:8200/v1/transit/keys/a\n      - https://v:8200/v1/transit/keys/a\n";
        let parsed = SopsConfig::parse(list).unwrap();
        assert_eq!(parsed.rule_for("x").unwrap().unwrap().hc_vault.len(), 1);
        let bad = "creation_rules:\n  - hc_vault_transit_uri: vault:8200/transit/k\n";
        let err = SopsConfig::parse(bad).unwrap().rule_for("x").unwrap_err();
        assert!(!err.unsupported && err.line == 2, "{}", err.reason);
        let pgp = format!("creation_rules:\n  - key_groups:\n      - age:\n          - {a}\n        pgp:\n          - ABCDEF\n");
        assert!(
            SopsConfig::parse(&pgp)
                .unwrap()
                .rule_for("x")
                .unwrap_err()
                .unsupported
        );
        let shamir = format!(
            "creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age:\n          - {a}\n      - age:\n          - {b}\n"
        );
        let err = SopsConfig::parse(&shamir)
            .unwrap()
            .rule_for("x")
            .unwrap_err();
        assert!(
            err.unsupported && err.reason.contains("Shamir"),
            "{}",
            err.reason
        );
        // An unsupported rule that is not chosen does not matter.
        let other =
            format!("creation_rules:\n  - path_regex: ^a/\n    age: {a}\n  - pgp: ABCDEF\n");
        assert!(SopsConfig::parse(&other)
            .unwrap()
            .rule_for("a/x")
            .unwrap()
            .is_some());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            if let Ok(c) = SopsConfig::parse(&s) {
                let _ = c.rule_for("hosts/x/vars.yaml");
            }
        }
    }
}

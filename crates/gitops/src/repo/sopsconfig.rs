//! The repository's `.sops.yaml`: its creation rules, read as `sops` reads them (getsops/sops `config/config.go`),
//! so that an operator who runs `sops -e` in the repository and `secretctl gitops push` agree on who a file is
//! encrypted to and which of its keys stay in plaintext.
//!
//! - The rule for a file is the **first** creation rule with no `path_regex`, or whose `path_regex` (an unanchored
//!   regular expression) matches the file's path relative to the directory of `.sops.yaml`.
//! - Its age recipients are those of `age` (a comma-separated string or a list) and of `key_groups[*].age`.
//! - Its crypt rule is at most one of `unencrypted_suffix`, `encrypted_suffix`, `unencrypted_regex`,
//!   `encrypted_regex`, `unencrypted_comment_regex`, `encrypted_comment_regex` (more than one is an error, as in
//!   sops); none means sops's default, `unencrypted_suffix: _unencrypted`.

use regex::Regex;

use crate::sops::tree::{Entry, Node, Scalar};
use crate::sops::{self, Recipient, UNENCRYPTED_SUFFIX};

/// The first line of every `.sops.yaml` we write.
const HEADER: &str =
    "# Written by `secretctl gitops`; `secretctl gitops recipients add|remove` rewrites it.\n\
# sops reads the same rule, so `sops -e` in this repository encrypts to the same age recipients.\n";

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

/// Why a `.sops.yaml` could not be read: the 1-based line (0 when it cannot be told) and what was wrong (never
/// file content beyond a recipient string or a pattern, which are public).
#[derive(Debug)]
pub(crate) struct ParseError {
    pub line: usize,
    pub reason: String,
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
    UnencryptedRegex(Regex),
    /// `encrypted_regex`: every key it does not match.
    EncryptedRegex(Regex),
    /// `unencrypted_comment_regex`: keys under a matching comment; none in a file without comments.
    UnencryptedCommentRegex,
    /// `encrypted_comment_regex`: every key not under a matching comment; all of them in a file without comments.
    EncryptedCommentRegex,
}

impl CryptRule {
    /// True when sops would store `key`'s value in plaintext under this rule.
    pub(crate) fn leaves_unencrypted(&self, key: &str) -> bool {
        match self {
            CryptRule::UnencryptedSuffix(s) => key.ends_with(s.as_str()),
            CryptRule::EncryptedSuffix(s) => !key.ends_with(s.as_str()),
            CryptRule::UnencryptedRegex(re) => re.is_match(key),
            CryptRule::EncryptedRegex(re) => !re.is_match(key),
            CryptRule::UnencryptedCommentRegex => false,
            CryptRule::EncryptedCommentRegex => true,
        }
    }

    /// The rule as `.sops.yaml` spells it, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            CryptRule::UnencryptedSuffix(s) => format!("unencrypted_suffix `{s}`"),
            CryptRule::EncryptedSuffix(s) => format!("encrypted_suffix `{s}`"),
            CryptRule::UnencryptedRegex(re) => format!("unencrypted_regex `{}`", re.as_str()),
            CryptRule::EncryptedRegex(re) => format!("encrypted_regex `{}`", re.as_str()),
            CryptRule::UnencryptedCommentRegex => "unencrypted_comment_regex".to_owned(),
            CryptRule::EncryptedCommentRegex => "encrypted_comment_regex".to_owned(),
        }
    }
}

/// One creation rule.
#[derive(Debug, Clone)]
pub(crate) struct CreationRule {
    /// `path_regex`; `None` matches every file.
    path_regex: Option<Regex>,
    /// The age recipients, deduplicated, in file order.
    pub recipients: Vec<Recipient>,
    /// Which keys stay in plaintext.
    pub crypt: CryptRule,
}

/// A parsed `.sops.yaml`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SopsConfig {
    rules: Vec<CreationRule>,
}

impl SopsConfig {
    /// Parse `.sops.yaml` text. A file without `creation_rules` has no rule (sops then behaves as if there were no
    /// configuration).
    pub(crate) fn parse(text: &str) -> Result<SopsConfig, ParseError> {
        let top = sops::yaml::parse(text).map_err(|e| ParseError {
            line: e.line,
            reason: e.reason.to_owned(),
        })?;
        let rules = match pair(&top, "creation_rules") {
            None | Some(Node::Scalar(Scalar::Null)) => return Ok(SopsConfig::default()),
            Some(Node::Seq(list)) => list,
            Some(_) => return Err(at(0, "creation_rules is not a list")),
        };
        let mut out = Vec::new();
        for (i, item) in items(rules).enumerate() {
            let Node::Map(entries) = item else {
                return Err(at(0, &format!("creation rule {} is not a mapping", i + 1)));
            };
            out.push(rule(text, entries, i + 1)?);
        }
        Ok(SopsConfig { rules: out })
    }

    /// The rule sops applies to the file at `rel` (relative to the directory of `.sops.yaml`): the first without a
    /// `path_regex` or whose `path_regex` matches; `None` when no rule matches (sops refuses to create the file).
    pub(crate) fn rule_for(&self, rel: &str) -> Option<&CreationRule> {
        self.rules
            .iter()
            .find(|r| r.path_regex.as_ref().is_none_or(|re| re.is_match(rel)))
    }

    /// Every age recipient any rule names, deduplicated, in file order.
    pub(crate) fn all_recipients(&self) -> Vec<Recipient> {
        let mut out: Vec<Recipient> = Vec::new();
        for r in self.rules.iter().flat_map(|r| &r.recipients) {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }
}

/// The age recipients named by any creation rule of a `.sops.yaml`, deduplicated, in file order.
pub(crate) fn parse(text: &str) -> Result<Vec<Recipient>, ParseError> {
    SopsConfig::parse(text).map(|c| c.all_recipients())
}

fn at(line: usize, reason: &str) -> ParseError {
    ParseError {
        line,
        reason: reason.to_owned(),
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

fn string_field(entries: &[Entry], key: &str, n: usize) -> Result<Option<String>, ParseError> {
    match pair(entries, key) {
        None => Ok(None),
        Some(node) => text_of(node)
            .map(|s| Some(s).filter(|s| !s.is_empty()))
            .ok_or_else(|| at(0, &format!("creation rule {n}: {key} is not a string"))),
    }
}

/// sops's `parseKeyField`: a string is split at commas (each part trimmed, empty parts skipped), a list is taken
/// as it is.
fn age_keys(node: &Node, n: usize) -> Result<Vec<String>, ParseError> {
    match node {
        Node::Scalar(Scalar::Null) => Ok(Vec::new()),
        Node::Scalar(Scalar::Str(s)) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect()),
        Node::Seq(list) => items(list)
            .map(|k| match k {
                Node::Scalar(Scalar::Str(s)) => Ok(s.trim().to_owned()),
                _ => Err(at(
                    0,
                    &format!("creation rule {n}: an age key is not a string"),
                )),
            })
            .collect(),
        _ => Err(at(
            0,
            &format!("creation rule {n}: age is not a string or a list"),
        )),
    }
}

fn compile(text: &str, pattern: &str, what: &str, n: usize) -> Result<Regex, ParseError> {
    sops::compile_regex(pattern).map_err(|why| {
        at(
            line_of(text, pattern),
            &format!("creation rule {n}: {what} `{pattern}` {why}"),
        )
    })
}

fn rule(text: &str, entries: &[Entry], n: usize) -> Result<CreationRule, ParseError> {
    let path_regex = match string_field(entries, "path_regex", n)? {
        Some(p) => Some(compile(text, &p, "path_regex", n)?),
        None => None,
    };
    let mut keys = match pair(entries, "age") {
        Some(node) => age_keys(node, n)?,
        None => Vec::new(),
    };
    match pair(entries, "key_groups") {
        None | Some(Node::Scalar(Scalar::Null)) => {}
        Some(Node::Seq(groups)) => {
            for group in items(groups) {
                let Node::Map(g) = group else {
                    return Err(at(
                        0,
                        &format!("creation rule {n}: a key group is not a mapping"),
                    ));
                };
                if let Some(node) = pair(g, "age") {
                    keys.extend(age_keys(node, n)?);
                }
            }
        }
        Some(_) => {
            return Err(at(
                0,
                &format!("creation rule {n}: key_groups is not a list"),
            ))
        }
    }
    let mut recipients: Vec<Recipient> = Vec::new();
    for key in keys {
        let r: Recipient = key.parse().map_err(|_| {
            at(
                line_of(text, &key),
                &format!("`{key}` is not an age recipient (age1...)"),
            )
        })?;
        if !recipients.contains(&r) {
            recipients.push(r);
        }
    }
    let mut crypt = Vec::new();
    for field in ["unencrypted_suffix", "encrypted_suffix"] {
        if let Some(s) = string_field(entries, field, n)? {
            crypt.push(if field == "unencrypted_suffix" {
                CryptRule::UnencryptedSuffix(s)
            } else {
                CryptRule::EncryptedSuffix(s)
            });
        }
    }
    for field in ["unencrypted_regex", "encrypted_regex"] {
        if let Some(p) = string_field(entries, field, n)? {
            let re = compile(text, &p, field, n)?;
            crypt.push(if field == "unencrypted_regex" {
                CryptRule::UnencryptedRegex(re)
            } else {
                CryptRule::EncryptedRegex(re)
            });
        }
    }
    if string_field(entries, "unencrypted_comment_regex", n)?.is_some() {
        crypt.push(CryptRule::UnencryptedCommentRegex);
    }
    if string_field(entries, "encrypted_comment_regex", n)?.is_some() {
        crypt.push(CryptRule::EncryptedCommentRegex);
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
    Ok(CreationRule {
        path_regex,
        recipients,
        crypt,
    })
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
        assert_eq!(parse(&inline).unwrap(), [a.clone(), b.clone()]);
        // A comment inside a folded scalar is part of the text for YAML (and sops), so it goes on its own line.
        let folded = format!(
            "creation_rules:\n  # ops\n  - path_regex: x\n    age: >-\n      {a},\n      {b}\n  - path_regex: y\n    age: {a}\n"
        );
        assert_eq!(parse(&folded).unwrap(), [a.clone(), b.clone()]);
        let groups = format!(
            "creation_rules:\n  - key_groups:\n      - age:\n          - {b}\n          - {a}\n"
        );
        assert_eq!(parse(&groups).unwrap(), [b.clone(), a.clone()]);
        assert!(parse("creation_rules: []\n").unwrap().is_empty());
        assert!(parse("destination_rules: []\n").unwrap().is_empty());
    }

    #[test]
    fn a_bad_recipient_names_its_line() {
        let err = parse("creation_rules:\n  - age: >-\n      age1notakey\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("age1notakey"));
    }

    #[test]
    fn the_first_matching_rule_applies() {
        let (a, b) = (recipient(), recipient());
        let text = format!(
            "creation_rules:\n  - path_regex: ^hosts/web1/\n    age: {a}\n    unencrypted_regex: ^PUBLIC_\n  - age: {b}\n"
        );
        let c = SopsConfig::parse(&text).unwrap();
        let web1 = c.rule_for("hosts/web1/vars.yaml").unwrap();
        assert_eq!(web1.recipients, std::slice::from_ref(&a));
        assert!(web1.crypt.leaves_unencrypted("PUBLIC_URL"));
        assert!(!web1.crypt.leaves_unencrypted("DB_PASSWORD"));
        let web2 = c.rule_for("hosts/web2/vars.yaml").unwrap();
        assert_eq!(web2.recipients, std::slice::from_ref(&b));
        // No rule given: sops's default suffix.
        assert!(web2.crypt.leaves_unencrypted("X_unencrypted"));
        assert!(!web2.crypt.leaves_unencrypted("PUBLIC_URL"));
        assert_eq!(c.all_recipients(), [a.clone(), b.clone()]);
        // The regex is unanchored, as Go's MatchString.
        let only = SopsConfig::parse(&format!(
            "creation_rules:\n  - path_regex: web9\n    age: {a}\n"
        ))
        .unwrap();
        assert!(only.rule_for("hosts/web9/vars.yaml").is_some());
        assert!(only.rule_for("hosts/web1/vars.yaml").is_none());
    }

    #[test]
    fn crypt_rules_as_sops_applies_them() {
        let a = recipient();
        let rule = |r: &str| {
            let c =
                SopsConfig::parse(&format!("creation_rules:\n  - age: {a}\n    {r}\n")).unwrap();
            c.rule_for("hosts/h/vars.yaml").unwrap().crypt.clone()
        };
        let r = rule("unencrypted_suffix: _PLAIN");
        assert!(r.leaves_unencrypted("HOST_PLAIN") && !r.leaves_unencrypted("X_unencrypted"));
        let r = rule("encrypted_suffix: _SECRET");
        assert!(!r.leaves_unencrypted("DB_SECRET") && r.leaves_unencrypted("DB_HOST"));
        let r = rule("encrypted_regex: ^(DB|API)_");
        assert!(!r.leaves_unencrypted("DB_PASSWORD") && r.leaves_unencrypted("PORT"));
        let r = rule("unencrypted_regex: HOST");
        assert!(r.leaves_unencrypted("DB_HOSTNAME") && !r.leaves_unencrypted("DB_PASSWORD"));
        assert!(!rule("unencrypted_comment_regex: public").leaves_unencrypted("X"));
        assert!(rule("encrypted_comment_regex: secret").leaves_unencrypted("X"));
        let two = format!(
            "creation_rules:\n  - age: {a}\n    unencrypted_regex: a\n    encrypted_regex: b\n"
        );
        assert!(SopsConfig::parse(&two)
            .unwrap_err()
            .reason
            .contains("more than one"));
        let bad = format!("creation_rules:\n  - age: {a}\n    unencrypted_regex: '(('\n");
        let err = SopsConfig::parse(&bad).unwrap_err();
        assert_eq!(err.line, 3, "{}", err.reason);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}

//! What can be verified of a SOPS file **without** any private key: what `gitops check` (the pre-commit check,
//! which runs with no identity) verifies of a staged vars file.
//!
//! Without the data key the MAC cannot be recomputed (it is a hash of the plaintext values, encrypted with the data
//! key), so "the MAC verifies" means here, and only here, that the file is one `sops -d` would attempt to decrypt:
//!
//! - it parses as a SOPS file of its format and carries a `sops` metadata block of a supported kind (no Shamir key
//!   groups, no regex rule this implementation cannot apply, at most one crypt rule);
//! - the metadata has a `mac` that is a well-formed `ENC[AES256_GCM,...,type:str]` value and a valid
//!   `lastmodified` (the MAC's associated data);
//! - it names at least one age recipient, each an `age1...` key with an armored age file as its wrapped data key;
//! - every value the file's own crypt rule says is encrypted **is** a well-formed `ENC[AES256_GCM,...]` value;
//!   a plaintext value there is an error naming its key path.
//!
//! The values the rule leaves in plaintext (sops's `_unencrypted` keys, or everything `encrypted_regex` does not
//! match) and plaintext comments are returned, so that the caller can decide whether they may be plaintext.
//! Whether the ciphertexts and the MAC authenticate is decided only by decryption ([`super::read_vars`]), which
//! every command that reads values does.

use secrecy::SecretString;

use super::cipher;
use super::tree::{Entry, Node, Scalar};
use super::{
    key_path, normalize_lastmodified, parse_layout, require_meta, scalar_to_var, Error, Format,
    Layout, Recipient, Rules,
};

/// The armor line every age-wrapped data key starts with.
const AGE_ARMOR: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

/// A SOPS file as far as it can be checked without a private key ([`inspect`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct Inspection {
    /// The age recipients the data key is wrapped to, in file order.
    pub recipients: Vec<Recipient>,
    /// What the file stores in plaintext, in file order.
    pub plaintext: Vec<PlainValue>,
}

/// A value (or comment) a SOPS file stores in plaintext. Its `Debug` shows the key path only.
#[non_exhaustive]
pub struct PlainValue {
    /// The value's key path, `:`-separated (`DB_HOST`, `db:host`).
    pub key_path: String,
    /// The plaintext as stored.
    pub value: SecretString,
    /// True for a plaintext comment under `key_path` (or at the top level when it is empty) rather than a value.
    pub comment: bool,
}

impl std::fmt::Debug for PlainValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlainValue")
            .field("key_path", &self.key_path)
            .field("comment", &self.comment)
            .finish_non_exhaustive()
    }
}

/// Check `text` as a SOPS file of `format` without decrypting anything (see the module documentation for what
/// that covers and what it cannot).
///
/// # Errors
/// [`Error::Parse`]; [`Error::NoMetadata`] for a file that is not encrypted; [`Error::Metadata`] for a missing or
/// malformed MAC, `lastmodified`, recipient or wrapped key; [`Error::Unsupported`]; [`Error::BadValue`] naming the
/// key path of a value that should be encrypted and is not (or is not a well-formed encrypted value).
pub fn inspect(text: &str, format: Format) -> Result<Inspection, Error> {
    match parse_layout(text, format)? {
        Layout::Shared(doc, meta) => inspect_doc(&doc, require_meta(meta)?),
        Layout::PerDocument(docs) => {
            // Each document is a SOPS file of its own: every one must pass.
            let mut all: Option<Inspection> = None;
            for (doc, meta) in docs {
                let one = inspect_doc(&doc, meta)?;
                match &mut all {
                    None => all = Some(one),
                    Some(a) => {
                        for r in one.recipients {
                            if !a.recipients.contains(&r) {
                                a.recipients.push(r);
                            }
                        }
                        a.plaintext.extend(one.plaintext);
                    }
                }
            }
            all.ok_or(Error::NoMetadata)
        }
    }
}

fn inspect_doc(doc: &super::tree::Doc, meta: super::Metadata) -> Result<Inspection, Error> {
    meta.check_readable()?;
    let mac_ok = !meta.mac.is_empty() && cipher::parse(&meta.mac).is_ok_and(|m| m.ty == "str");
    if !mac_ok {
        return Err(Error::Metadata {
            reason: "the MAC is missing or is not an encrypted value",
        });
    }
    normalize_lastmodified(&meta.lastmodified)?;
    if meta.age.is_empty() {
        return Err(Error::Metadata {
            reason: "no age recipient: the data key is wrapped to nobody this repository can use",
        });
    }
    let mut recipients = Vec::with_capacity(meta.age.len());
    for key in &meta.age {
        let recipient = key.recipient.parse().map_err(|_| Error::Metadata {
            reason: "an age recipient is not age1...",
        })?;
        if !key.enc.trim_start().starts_with(AGE_ARMOR) {
            return Err(Error::Metadata {
                reason: "an age recipient's wrapped data key is not an armored age file",
            });
        }
        recipients.push(recipient);
    }
    let mut walk = Inspect {
        rules: meta.rules()?,
        path: Vec::new(),
        plaintext: Vec::new(),
    };
    for branch in &doc.0 {
        walk.entries(branch)?;
    }
    Ok(Inspection {
        recipients,
        plaintext: walk.plaintext,
    })
}

struct Inspect {
    rules: Rules,
    path: Vec<String>,
    plaintext: Vec<PlainValue>,
}

impl Inspect {
    fn entries(&mut self, entries: &[Entry]) -> Result<(), Error> {
        for e in entries {
            match e {
                Entry::Comment(c) => self.comment(&c.text)?,
                Entry::Pair(k, v) => {
                    self.path.push(k.clone());
                    let r = self.node(v);
                    self.path.pop();
                    r?;
                }
            }
        }
        Ok(())
    }

    fn node(&mut self, node: &Node) -> Result<(), Error> {
        match node {
            Node::Map(entries) => self.entries(entries),
            Node::Seq(items) => items.iter().try_for_each(|n| self.node(n)),
            Node::Comment(c) => self.comment(&c.text),
            Node::Scalar(Scalar::Null) => Ok(()),
            Node::Scalar(s) => self.scalar(s),
        }
    }

    fn scalar(&mut self, s: &Scalar) -> Result<(), Error> {
        if !self.rules.should_encrypt(&self.path)? {
            self.plaintext.push(PlainValue {
                key_path: key_path(&self.path),
                value: SecretString::from(scalar_to_var(s)),
                comment: false,
            });
            return Ok(());
        }
        let bad = |reason| Error::BadValue {
            key_path: key_path(&self.path),
            reason,
        };
        match s {
            Scalar::Str(t) if t.is_empty() => Ok(()),
            Scalar::Str(t) => cipher::parse(t).map(drop).map_err(bad),
            _ => Err(bad(
                "the value is not encrypted (expected ENC[AES256_GCM,...])",
            )),
        }
    }

    /// sops encrypts comments too; one that is not encrypted (written by hand, or by a sops older than 3.7) is
    /// plaintext the caller must judge.
    fn comment(&mut self, text: &str) -> Result<(), Error> {
        let encrypted = self.rules.should_encrypt(&self.path)? && cipher::parse(text).is_ok();
        if !encrypted && !text.trim().is_empty() {
            self.plaintext.push(PlainValue {
                key_path: self.path.join(":"),
                value: SecretString::from(text.to_owned()),
                comment: true,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;
    use crate::sops::{encrypt_file, write_vars, Identities};

    fn vars(pairs: &[(&str, &str)]) -> crate::sops::Vars {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), SecretString::from((*v).to_owned())))
            .collect()
    }

    #[test]
    fn a_file_we_wrote_passes_and_names_its_recipients() {
        let ids = Identities::generate();
        for format in [Format::Yaml, Format::Dotenv] {
            let text = write_vars(
                &vars(&[("DB_PASSWORD", "hunter2"), ("EMPTY", "")]),
                format,
                &ids.recipients(),
                None,
            )
            .unwrap();
            let found = inspect(&text, format).unwrap();
            assert_eq!(found.recipients, ids.recipients());
            assert!(found.plaintext.is_empty(), "{:?}", found.plaintext);
        }
    }

    #[test]
    fn values_the_rule_leaves_in_plaintext_are_returned() {
        let ids = Identities::generate();
        let plain = "db:\n    password: hunter2\n    host_unencrypted: db.internal\n# a note\n";
        let text = encrypt_file(plain, Format::Yaml, &ids.recipients()).unwrap();
        let found = inspect(&text, Format::Yaml).unwrap();
        let values: Vec<(&str, &str, bool)> = found
            .plaintext
            .iter()
            .map(|p| (p.key_path.as_str(), p.value.expose_secret(), p.comment))
            .collect();
        assert_eq!(values, [("db:host_unencrypted", "db.internal", false)]);
        assert!(!format!("{:?}", found.plaintext).contains("db.internal"));
    }

    #[test]
    fn a_plaintext_value_where_the_rule_encrypts_is_refused_by_key_path() {
        let ids = Identities::generate();
        let text = write_vars(
            &vars(&[("A", "x"), ("DB_PASSWORD", "hunter2")]),
            Format::Yaml,
            &ids.recipients(),
            None,
        )
        .unwrap();
        let start = text.find("DB_PASSWORD: ").unwrap();
        let end = start + text[start..].find('\n').unwrap();
        let tampered = format!("{}DB_PASSWORD: hunter2{}", &text[..start], &text[end..]);
        let err = inspect(&tampered, Format::Yaml).unwrap_err();
        assert!(
            matches!(&err, Error::BadValue { key_path, .. } if key_path == "DB_PASSWORD"),
            "{err:?}"
        );
        assert!(!err.to_string().contains("hunter2"));
        // A number is not an encrypted value either.
        let tampered = format!("{}DB_PASSWORD: 1234{}", &text[..start], &text[end..]);
        assert!(matches!(
            inspect(&tampered, Format::Yaml),
            Err(Error::BadValue { .. })
        ));
    }

    #[test]
    fn metadata_that_cannot_be_decrypted_is_refused() {
        let ids = Identities::generate();
        let text = write_vars(&vars(&[("A", "x")]), Format::Yaml, &ids.recipients(), None).unwrap();
        assert!(matches!(
            inspect("A: x\n", Format::Yaml),
            Err(Error::NoMetadata)
        ));
        let edit = |from: &str, to: &str| {
            let start = text.find(from).unwrap();
            let end = start + text[start..].find('\n').unwrap();
            format!("{}{to}{}", &text[..start], &text[end..])
        };
        for broken in [
            edit("    mac: ", "    mac: \"\""),
            edit("    mac: ", "    mac: not-encrypted"),
            edit("    lastmodified: ", "    lastmodified: yesterday"),
            edit("        - recipient: ", "        - recipient: bob"),
            edit("            -----BEGIN AGE", "            not an age file"),
        ] {
            assert!(
                matches!(inspect(&broken, Format::Yaml), Err(Error::Metadata { .. })),
                "{broken}"
            );
        }
    }
}

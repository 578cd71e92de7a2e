//! A SOPS file parsed once and asked several questions.
//!
//! `gitops push` reads the previous version of a vars file for the keys it encrypts, its recipients, its data key
//! and its values. A 100,000-key vars file is 16 MB; parsing it once per question made a push parse it six times.
//! [`Parsed`] is the file parsed once (nothing decrypted), and [`write_vars_over`] re-encrypts on top of it,
//! returning what the caller pins ([`Written`]) so the new text is not parsed again either.

use secrecy::ExposeSecret;

use super::cipher::OpenFailure;
use super::{
    check_keys, data_key, decrypt_doc, encrypt_doc, parse_layout, render, require_meta,
    same_recipients, wrap_all, DataKey, Doc, Entry, Error, Format, Layout, Metadata, Node,
    Recipient, Scalar, Stash, Unwrap, Vars, SOPS_VERSION,
};
use super::{
    mac_hasher, mac_hex, normalize_lastmodified, now_rfc3339, scalar_bytes, static_type, typed,
    verify_mac, ValueCipher,
};
use super::{Identities, Sha256};
use sha2::Digest;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use zeroize::Zeroizing;

/// A SOPS file, parsed and split into its documents and metadata; no value is decrypted.
pub(crate) struct Parsed {
    layout: Layout,
}

/// What [`write_vars_over`] wrote: the text, the id of its data key ([`super::data_key_id`]) and its recipients
/// ([`super::recipients_of`]), as those functions would read them back from `text`.
#[cfg_attr(not(feature = "git"), allow(dead_code))] // the id and recipients are the repository's pins (git)
pub(crate) struct Written {
    pub(crate) text: String,
    pub(crate) key_id: String,
    pub(crate) recipients: Vec<Recipient>,
}

impl Parsed {
    /// Parses `text` of `format`.
    ///
    /// # Errors
    /// As [`super::parse_layout`].
    pub(crate) fn parse(text: &str, format: Format) -> Result<Parsed, Error> {
        Ok(Parsed {
            layout: parse_layout(text, format)?,
        })
    }

    /// The metadata of a file of sops's usual layout (one metadata for every document).
    #[cfg(feature = "git")] // the repository's questions below are its only readers
    fn metadata(&self) -> Result<&Metadata, Error> {
        match &self.layout {
            Layout::Shared(_, Some(meta)) => Ok(meta),
            Layout::Shared(_, None) => Err(Error::NoMetadata),
            Layout::PerDocument(_) => Err(unsupported_stream()),
        }
    }

    /// The age recipients the file's metadata lists ([`super::recipients_of`]).
    ///
    /// # Errors
    /// As [`super::recipients_of`].
    #[cfg(feature = "git")] // push's recipient check is its only reader
    pub(crate) fn recipients(&self) -> Result<Vec<Recipient>, Error> {
        recipients_in(self.metadata()?)
    }

    /// The id of the file's data key ([`super::data_key_id`]).
    ///
    /// # Errors
    /// As [`super::data_key_id`].
    #[cfg(feature = "git")] // push's data-key check is its only reader
    pub(crate) fn data_key_id(&self, ids: &Identities) -> Result<String, Error> {
        let key = data_key(self.metadata()?, Unwrap::age(ids))?;
        Ok(key_id(&key))
    }

    /// Each top-level key of every document, and whether every scalar under it is a sops ciphertext (`false`
    /// when it holds no scalar): the `encrypted` of [`super::top_level`], without rendering the values.
    #[cfg(feature = "git")] // the repository's placement rules are its only reader
    pub(crate) fn top_level_encrypted(&self) -> Vec<(&str, bool)> {
        let docs: Vec<&Doc> = match &self.layout {
            Layout::Shared(doc, _) => vec![doc],
            Layout::PerDocument(docs) => docs.iter().map(|(d, _)| d).collect(),
        };
        docs.iter()
            .flat_map(|d| d.0.iter().flatten())
            .filter_map(|e| match e {
                Entry::Pair(key, node) => {
                    Some((key.as_str(), super::all_encrypted(node).unwrap_or(false)))
                }
                Entry::Comment(_) => None,
            })
            .collect()
    }

    /// The document and metadata, as [`super::parse_file`] gives them.
    fn into_file(self) -> Result<(Doc, Option<Metadata>), Error> {
        match self.layout {
            Layout::Shared(doc, meta) => Ok((doc, meta)),
            Layout::PerDocument(_) => Err(unsupported_stream()),
        }
    }
}

/// The plaintext document of flat vars.
fn new_doc(vars: &Vars) -> Doc {
    Doc::single(
        vars.iter()
            .map(|(k, v)| {
                Entry::Pair(
                    k.clone(),
                    Node::Scalar(Scalar::Str(v.expose_secret().to_owned())),
                )
            })
            .collect(),
    )
}

fn unsupported_stream() -> Error {
    Error::Unsupported {
        feature: "changing a YAML stream whose documents are encrypted separately (change each document on its own)",
    }
}

/// The age recipients of `meta`.
pub(super) fn recipients_in(meta: &Metadata) -> Result<Vec<Recipient>, Error> {
    meta.age
        .iter()
        .map(|k| {
            k.recipient.parse().map_err(|_| Error::Metadata {
                reason: "an age recipient is not age1...",
            })
        })
        .collect()
}

/// 32 hex digits of SHA-256 over a fixed label and the key.
pub(super) fn key_id(key: &DataKey) -> String {
    let mut h = Sha256::new();
    h.update(b"secretctl sops data key id v1\0");
    h.update(key.bytes());
    hex::encode(&h.finalize()[..16])
}

/// [`super::write_vars`] over a previous file already parsed (`previous`: its text, the text parsed, identities
/// that decrypt it), returning the data key id and recipients of what it wrote.
///
/// # Errors
/// As [`super::write_vars`].
pub(crate) fn write_vars_over(
    vars: &Vars,
    format: Format,
    recipients: &[Recipient],
    previous: Option<(&str, Parsed, &Identities)>,
) -> Result<Written, Error> {
    if recipients.is_empty() {
        return Err(Error::NoRecipients);
    }
    check_keys(vars, format)?;
    let Some((prev_text, prev, ids)) = previous else {
        return write_with_new_key(vars, format, recipients, None);
    };
    let (mut prev, meta) = prev.into_file()?;
    let mut meta = require_meta(meta)?;
    meta.check_writable()?;
    if let Some(flat) = Flat::decrypt(&prev, &meta, ids)? {
        return flat.write(vars, format, recipients, prev_text, meta);
    }
    let mut doc = new_doc(vars);
    let mut stash = Stash::default();
    let key = decrypt_doc(&mut prev, &meta, Unwrap::age(ids), Some(&mut stash))?;
    let prev_flat = prev.0.len() == 1
        && prev.0[0]
            .iter()
            .all(|e| matches!(e, Entry::Pair(_, Node::Scalar(_))));
    if prev_flat && same_recipients(&meta.age, recipients) && prev.0 == doc.0 {
        return written(prev_text.to_owned(), &key, &meta);
    }
    meta.version = SOPS_VERSION.to_owned();
    if recipient_removed(&meta, recipients) {
        return write_with_new_key(vars, format, recipients, Some(meta));
    }
    meta.age = wrap_all(&key, recipients, &meta.age)?;
    encrypt_doc(&mut doc, &mut meta, &key, Some(&mut stash))?;
    written(render(&doc, Some(&meta), format)?, &key, &meta)
}

/// What was written: `text`, the id of its data key and the recipients of its metadata.
fn written(text: String, key: &DataKey, meta: &Metadata) -> Result<Written, Error> {
    Ok(Written {
        text,
        key_id: key_id(key),
        recipients: recipients_in(meta)?,
    })
}

/// Whether a recipient of the previous file (`meta`) is not among `recipients`: it knew the data key.
fn recipient_removed(meta: &Metadata, recipients: &[Recipient]) -> bool {
    let now: HashSet<String> = recipients.iter().map(ToString::to_string).collect();
    meta.age.iter().any(|k| !now.contains(k.recipient.trim()))
}

/// `vars` encrypted under a new data key wrapped to `recipients` only: a new file, or (`meta`, the previous file's
/// metadata) a file a removed recipient could read, every value encrypted again.
fn write_with_new_key(
    vars: &Vars,
    format: Format,
    recipients: &[Recipient],
    meta: Option<Metadata>,
) -> Result<Written, Error> {
    let mut doc = new_doc(vars);
    let key = DataKey::generate().map_err(|_| Error::Random)?;
    let age = wrap_all(&key, recipients, &[])?;
    let mut meta = match meta {
        Some(mut meta) => {
            meta.age = age;
            meta
        }
        None => Metadata::new(age),
    };
    encrypt_doc(&mut doc, &mut meta, &key, None)?;
    written(render(&doc, Some(&meta), format)?, &key, &meta)
}

/// A flat previous file (one document of `KEY: scalar` pairs, no comment, no key twice; what every vars file is),
/// decrypted and verified without changing its tree: each value's plaintext is kept in one buffer, and each
/// ciphertext that may be reused is borrowed from the tree. This is [`super::decrypt_doc`] with the ciphertext
/// stash of [`super::Walk`], without a string, vector and hash-map entry per value.
struct Flat<'a> {
    key: super::DataKey,
    rules: super::Rules,
    /// Every plaintext value, one after the other.
    plain: Zeroizing<Vec<u8>>,
    /// Each key: where its value's text is in `plain` when the value is a string (`None`: null, a number, a
    /// boolean), and its ciphertext when it may be reused for the same plaintext (sops type `str`).
    keys: HashMap<&'a str, (Option<Range<usize>>, Option<&'a str>)>,
    /// The keys in the file's order.
    order: Vec<&'a str>,
}

impl<'a> Flat<'a> {
    /// Decrypts and verifies `doc` when it is flat; `None` when it is not (the general walk does it then).
    ///
    /// # Errors
    /// As [`super::decrypt_doc`], in the same order.
    fn decrypt(doc: &'a Doc, meta: &Metadata, ids: &Identities) -> Result<Option<Flat<'a>>, Error> {
        let [entries] = doc.0.as_slice() else {
            return Ok(None);
        };
        if !entries
            .iter()
            .all(|e| matches!(e, Entry::Pair(_, Node::Scalar(_))))
        {
            return Ok(None);
        }
        let key = data_key(meta, Unwrap::age(ids))?;
        let rules = meta.rules()?;
        let cipher = ValueCipher::new(&key);
        let mut hash = mac_hasher(&rules);
        let mut plain = Zeroizing::new(Vec::new());
        let mut keys = HashMap::with_capacity(entries.len());
        let mut order = Vec::with_capacity(entries.len());
        let mut ad = String::new();
        // Each value's plaintext, in turn (one buffer, wiped when dropped).
        let mut value = Zeroizing::new(Vec::with_capacity(4096));
        for e in entries {
            let Entry::Pair(k, Node::Scalar(s)) = e else {
                return Ok(None);
            };
            let path = std::slice::from_ref(k);
            let mut text: Option<Range<usize>> = None;
            let mut reusable: Option<&str> = None;
            if *s != Scalar::Null {
                let encrypted = rules.should_encrypt(path)?;
                let hashed = !rules.mac_only_encrypted || encrypted;
                match s {
                    Scalar::Str(enc) if encrypted && !enc.is_empty() => {
                        ad.clear();
                        ad.push_str(k);
                        ad.push(':');
                        let ty = match cipher.open_into(enc, &ad, &mut value) {
                            Ok(ty) => ty,
                            Err(OpenFailure::Parse(reason)) => {
                                return Err(Error::BadValue {
                                    key_path: k.clone(),
                                    reason,
                                })
                            }
                            Err(OpenFailure::Auth) => {
                                return Err(Error::Authentication {
                                    key_path: k.clone(),
                                })
                            }
                        };
                        if ty == "comment" {
                            // A comment in a list's place: the general walk turns it into a comment.
                            return Ok(None);
                        }
                        let bad_type = || Error::BadValue {
                            key_path: k.clone(),
                            reason: "the decrypted value does not match its type",
                        };
                        match ty {
                            "str" | "bytes" | "time" => {
                                std::str::from_utf8(&value).map_err(|_| bad_type())?;
                                if hashed {
                                    hash.update(value.as_slice());
                                }
                                let start = plain.len();
                                plain.extend_from_slice(&value);
                                text = Some(start..plain.len());
                                if static_type(ty) == Some("str") {
                                    reusable = Some(enc.as_str());
                                }
                            }
                            ty => {
                                let typed = typed(&value, ty).ok_or_else(bad_type)?;
                                if let (true, Some((bytes, _))) = (hashed, scalar_bytes(&typed)) {
                                    hash.update(bytes.as_slice());
                                }
                            }
                        }
                    }
                    Scalar::Str(_) if encrypted => {
                        // An empty string stays as it is (sops does not encrypt it).
                        text = Some(plain.len()..plain.len());
                    }
                    Scalar::Str(t) => {
                        if hashed {
                            hash.update(t.as_bytes());
                        }
                        let start = plain.len();
                        plain.extend_from_slice(t.as_bytes());
                        text = Some(start..plain.len());
                    }
                    _ if encrypted => {
                        return Err(Error::BadValue {
                            key_path: k.clone(),
                            reason: "the value is not encrypted (expected ENC[AES256_GCM,...])",
                        })
                    }
                    other => {
                        if let (true, Some((bytes, _))) = (hashed, scalar_bytes(other)) {
                            hash.update(bytes.as_slice());
                        }
                    }
                }
            }
            if keys.insert(k.as_str(), (text, reusable)).is_some() {
                // A key twice: the general walk's stash keeps every ciphertext of it.
                return Ok(None);
            }
            order.push(k.as_str());
        }
        verify_mac(&key, meta, &mac_hex(hash))?;
        Ok(Some(Flat {
            key,
            rules,
            plain,
            keys,
            order,
        }))
    }

    /// The plaintext of `key` when it is the string `value`.
    fn same(&self, key: &str, value: &[u8]) -> bool {
        matches!(self.keys.get(key), Some((Some(r), _)) if self.plain[r.clone()] == *value)
    }

    /// [`write_vars_over`] after [`Flat::decrypt`]: unchanged values keep their ciphertext.
    fn write(
        self,
        vars: &Vars,
        format: Format,
        recipients: &[Recipient],
        prev_text: &str,
        mut meta: Metadata,
    ) -> Result<Written, Error> {
        let unchanged = self.order.len() == vars.len()
            && self
                .order
                .iter()
                .zip(vars)
                .all(|(k, (nk, v))| *k == nk && self.same(k, v.expose_secret().as_bytes()));
        if unchanged && same_recipients(&meta.age, recipients) {
            return written(prev_text.to_owned(), &self.key, &meta);
        }
        meta.version = SOPS_VERSION.to_owned();
        if recipient_removed(&meta, recipients) {
            return write_with_new_key(vars, format, recipients, Some(meta));
        }
        meta.age = wrap_all(&self.key, recipients, &meta.age)?;
        let mut cipher = ValueCipher::new(&self.key);
        let mut hash = mac_hasher(&self.rules);
        let mut entries = Vec::with_capacity(vars.len());
        let mut ad = String::new();
        for (k, v) in vars {
            let bytes = v.expose_secret().as_bytes();
            let encrypted = self.rules.should_encrypt(std::slice::from_ref(k))?;
            if !self.rules.mac_only_encrypted || encrypted {
                hash.update(bytes);
            }
            let value = if encrypted && !bytes.is_empty() {
                let reuse = match self.keys.get(k.as_str()) {
                    Some((Some(r), Some(enc))) if self.plain[r.clone()] == *bytes => Some(*enc),
                    _ => None,
                };
                match reuse {
                    Some(enc) => enc.to_owned(),
                    None => {
                        ad.clear();
                        ad.push_str(k);
                        ad.push(':');
                        cipher
                            .encrypt(bytes, &ad, "str")
                            .map_err(|_| Error::Random)?
                    }
                }
            } else {
                v.expose_secret().to_owned()
            };
            entries.push(Entry::Pair(k.clone(), Node::Scalar(Scalar::Str(value))));
        }
        meta.lastmodified = now_rfc3339();
        let mac_ad = normalize_lastmodified(&meta.lastmodified)?;
        meta.mac = cipher
            .encrypt(mac_hex(hash).as_bytes(), &mac_ad, "str")
            .map_err(|_| Error::Random)?;
        written(
            render(&Doc::single(entries), Some(&meta), format)?,
            &self.key,
            &meta,
        )
    }
}

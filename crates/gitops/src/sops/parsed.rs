//! A SOPS file parsed once and asked several questions.
//!
//! `gitops push` reads the previous version of a vars file for the keys it encrypts, its recipients, its data key
//! and its values. A 100,000-key vars file is 16 MB; parsing it once per question made a push parse it six times.
//! [`Parsed`] is the file parsed once (nothing decrypted), and [`write_vars_over`] re-encrypts on top of it,
//! returning what the caller pins ([`Written`]) so the new text is not parsed again either.

use secrecy::ExposeSecret;

use super::{
    check_keys, data_key, decrypt_doc, encrypt_doc, parse_layout, render, require_meta,
    same_recipients, wrap_all, DataKey, Doc, Entry, Error, Format, Layout, Metadata, Node,
    Recipient, Scalar, Stash, Unwrap, Vars, SOPS_VERSION,
};
use super::{Identities, Sha256};
use sha2::Digest;
use std::collections::HashSet;

/// A SOPS file, parsed and split into its documents and metadata; no value is decrypted.
pub(crate) struct Parsed {
    layout: Layout,
}

/// What [`write_vars_over`] wrote: the text, the id of its data key ([`super::data_key_id`]) and its recipients
/// ([`super::recipients_of`]), as those functions would read them back from `text`.
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
    pub(crate) fn recipients(&self) -> Result<Vec<Recipient>, Error> {
        recipients_in(self.metadata()?)
    }

    /// The id of the file's data key ([`super::data_key_id`]).
    ///
    /// # Errors
    /// As [`super::data_key_id`].
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
    super::hex_lower(&h.finalize()[..16])
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
    let mut doc = Doc::single(
        vars.iter()
            .map(|(k, v)| {
                Entry::Pair(
                    k.clone(),
                    Node::Scalar(Scalar::Str(v.expose_secret().to_owned())),
                )
            })
            .collect(),
    );
    let written = |text: String, key: &DataKey, meta: &Metadata| -> Result<Written, Error> {
        Ok(Written {
            text,
            key_id: key_id(key),
            recipients: recipients_in(meta)?,
        })
    };
    let Some((prev_text, prev, ids)) = previous else {
        let key = DataKey::generate().map_err(|_| Error::Random)?;
        let mut meta = Metadata::new(wrap_all(&key, recipients, &[])?);
        encrypt_doc(&mut doc, &mut meta, &key, None)?;
        return written(render(&doc, Some(&meta), format)?, &key, &meta);
    };
    let (mut prev, meta) = prev.into_file()?;
    let mut meta = require_meta(meta)?;
    meta.check_writable()?;
    let mut stash = Stash::default();
    let key = decrypt_doc(&mut prev, &meta, Unwrap::age(ids), Some(&mut stash))?;
    let prev_flat = prev.0.len() == 1
        && prev.0[0]
            .iter()
            .all(|e| matches!(e, Entry::Pair(_, Node::Scalar(_))));
    if prev_flat && same_recipients(&meta.age, recipients) && prev.0 == doc.0 {
        return written(prev_text.to_owned(), &key, &meta);
    }
    let removed = {
        let now: HashSet<String> = recipients.iter().map(ToString::to_string).collect();
        meta.age.iter().any(|k| !now.contains(k.recipient.trim()))
    };
    meta.version = SOPS_VERSION.to_owned();
    if removed {
        let fresh = DataKey::generate().map_err(|_| Error::Random)?;
        meta.age = wrap_all(&fresh, recipients, &[])?;
        encrypt_doc(&mut doc, &mut meta, &fresh, None)?;
        written(render(&doc, Some(&meta), format)?, &fresh, &meta)
    } else {
        meta.age = wrap_all(&key, recipients, &meta.age)?;
        encrypt_doc(&mut doc, &mut meta, &key, Some(&mut stash))?;
        written(render(&doc, Some(&meta), format)?, &key, &meta)
    }
}

//! Vault / OpenBao KV v2: the data one instance's export writes at one KV path, and the way back to `.env` keys.
//!
//! The KV secret holds every data key of every Kubernetes Secret [`Manifest`] makes (the schema's `k8s_key`, else
//! the `.env` key), so an `ExternalSecret` that copies those properties produces exactly the Secrets `export k8s`
//! does. A data key must therefore be unique across the instance's Secrets.

use std::collections::BTreeMap;

use secrecy::SecretString;
use secretctl_schema::Schema;

use crate::{Error, Manifest};

/// Every data key of every Secret of `manifest`, with its value: what `export vault` writes at one KV path.
///
/// # Errors
/// [`Error::KvDuplicateKey`] when two Secrets have the same data key (give one another `k8s_key`).
pub fn kv_data(manifest: &Manifest) -> Result<BTreeMap<String, SecretString>, Error> {
    let mut data: BTreeMap<String, SecretString> = BTreeMap::new();
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for secret in manifest.secrets() {
        for (key, value) in secret.data() {
            if let Some(first) = owner.insert(key, secret.name()) {
                return Err(Error::KvDuplicateKey {
                    data_key: key.clone(),
                    first: first.to_owned(),
                    second: secret.name().to_owned(),
                });
            }
            data.insert(key.clone(), value.clone());
        }
    }
    Ok(data)
}

/// Where one KV value goes in the `.env`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportTarget {
    /// The KV data key.
    pub data_key: String,
    /// The `.env` key: the declared key whose `k8s_key` is the data key, else the data key itself.
    pub env_key: String,
    /// The key is declared versioned: the value becomes its next version.
    pub versioned: bool,
}

/// Map every KV data key back to its `.env` key, before anything is written, so an unmappable key refuses the
/// whole import.
///
/// # Errors
/// [`Error::KvUnknownKey`] for a data key that no declared `k8s_key` names and that is not a `.env` key name.
pub fn import_targets<'a>(
    schema: Option<&Schema>,
    data_keys: impl IntoIterator<Item = &'a str>,
    path: &str,
) -> Result<Vec<ImportTarget>, Error> {
    let mut out = Vec::new();
    for data_key in data_keys {
        let by_k8s_key = schema.and_then(|s| {
            s.secrets()
                .find(|spec| spec.k8s_key.as_deref() == Some(data_key))
        });
        let spec = by_k8s_key.or_else(|| schema.and_then(|s| s.get(data_key)));
        let env_key = match spec {
            Some(spec) => spec.key.clone(),
            None if is_env_key(data_key) => data_key.to_owned(),
            None => {
                return Err(Error::KvUnknownKey {
                    data_key: data_key.to_owned(),
                    path: path.to_owned(),
                })
            }
        };
        out.push(ImportTarget {
            data_key: data_key.to_owned(),
            env_key,
            versioned: spec.is_some_and(|s| s.versioned),
        });
    }
    Ok(out)
}

fn is_env_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_keys_map_back_through_k8s_key() {
        let schema = Schema::parse(
            "[secrets.JWT_SECRET]\nk8s_key = \"jwt-secret\"\n[secrets.DB_PASSWORD]\nversioned = true\n",
        )
        .unwrap();
        let t = import_targets(
            Some(&schema),
            ["jwt-secret", "DB_PASSWORD", "OTHER"],
            "secret/a",
        )
        .unwrap();
        let got: Vec<(&str, bool)> = t
            .iter()
            .map(|t| (t.env_key.as_str(), t.versioned))
            .collect();
        assert_eq!(
            got,
            [
                ("JWT_SECRET", false),
                ("DB_PASSWORD", true),
                ("OTHER", false)
            ]
        );
        let e = import_targets(Some(&schema), ["no-such-key"], "secret/a").unwrap_err();
        assert!(e.to_string().contains("k8s_key"), "{e}");
    }
}

//! sops's `hc_vault` master keys: the data key wrapped by a Vault / OpenBao Transit key.
//!
//! The metadata entry is sops 3.11's `stores.vaultkey` (`hcvault/keysource.go`): `vault_address`, `engine_path`,
//! `key_name`, `created_at` (RFC 3339) and `enc`, the Transit ciphertext (`vault:vN:…`) of the data key. sops sends
//! Transit `base64(data key)` as the plaintext, which is what [`secretctl_vault::Transit::encrypt`] sends for the
//! key's bytes, so each side reads the other's entries.
//!
//! Like sops, decryption connects to the address stored in the entry, with the token from `VAULT_TOKEN` /
//! `BAO_TOKEN` / `~/.vault-token`. The file may come from a hostile repository, so the token is only sent to an
//! address the operator named: the one in `VAULT_ADDR` / `BAO_ADDR`, or one `SOPS_HC_VAULT_ALLOWLIST` allows (sops's
//! variable: `all`, `none`, or comma-separated address prefixes).

use super::{tree::Entry, tree::Node, weak_string, Error, MAX_RECIPIENTS};

/// One `hc_vault` entry of a file's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HcVaultKey {
    pub(crate) vault_address: String,
    pub(crate) engine_path: String,
    pub(crate) key_name: String,
    pub(crate) created_at: String,
    pub(crate) enc: String,
}

/// The entry's fields in the order sops's dotenv and INI stores write them (sorted by name).
const FIELDS: [&str; 5] = [
    "created_at",
    "enc",
    "engine_path",
    "key_name",
    "vault_address",
];

impl HcVaultKey {
    fn empty() -> HcVaultKey {
        HcVaultKey {
            vault_address: String::new(),
            engine_path: String::new(),
            key_name: String::new(),
            created_at: String::new(),
            enc: String::new(),
        }
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        match name {
            "vault_address" => Some(&mut self.vault_address),
            "engine_path" => Some(&mut self.engine_path),
            "key_name" => Some(&mut self.key_name),
            "created_at" => Some(&mut self.created_at),
            "enc" => Some(&mut self.enc),
            _ => None,
        }
    }

    fn field(&self, name: &str) -> &str {
        match name {
            "vault_address" => &self.vault_address,
            "engine_path" => &self.engine_path,
            "key_name" => &self.key_name,
            "created_at" => &self.created_at,
            _ => &self.enc,
        }
    }

    fn check(self) -> Result<HcVaultKey, Error> {
        if self.vault_address.is_empty() || self.engine_path.is_empty() || self.key_name.is_empty()
        {
            return Err(Error::Metadata {
                reason: "an hc_vault entry has no vault_address, engine_path or key_name",
            });
        }
        if self.enc.is_empty() {
            return Err(Error::Metadata {
                reason: "an hc_vault entry has no enc",
            });
        }
        Ok(self)
    }

    /// The key in sops's `hc_vault_transit_uri` form (what errors name).
    pub(crate) fn uri(&self) -> String {
        format!(
            "{}/v1/{}/keys/{}",
            self.vault_address, self.engine_path, self.key_name
        )
    }
}

/// The `hc_vault` list of the YAML / JSON metadata.
pub(crate) fn from_yaml(node: &Node) -> Result<Vec<HcVaultKey>, Error> {
    let items = match node {
        Node::Seq(items) => items,
        Node::Scalar(super::Scalar::Null) => return Ok(Vec::new()),
        _ => {
            return Err(Error::Metadata {
                reason: "sops.hc_vault is not a list",
            })
        }
    };
    if items.len() > MAX_RECIPIENTS {
        return Err(Error::Metadata {
            reason: "too many hc_vault entries",
        });
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            Node::Comment(_) => {}
            Node::Map(fields) => {
                let mut key = HcVaultKey::empty();
                for f in fields {
                    if let Entry::Pair(name, value) = f {
                        if let (Some(slot), Some(text)) = (key.field_mut(name), weak_string(value))
                        {
                            *slot = text;
                        }
                    }
                }
                out.push(key.check()?);
            }
            _ => {
                return Err(Error::Metadata {
                    reason: "an hc_vault entry is not a mapping",
                })
            }
        }
    }
    Ok(out)
}

/// The `hc_vault` list as YAML / JSON metadata (sops's `vaultkey` field order).
pub(crate) fn to_yaml(keys: &[HcVaultKey]) -> Node {
    let order = [
        "vault_address",
        "engine_path",
        "key_name",
        "created_at",
        "enc",
    ];
    Node::Seq(
        keys.iter()
            .map(|k| {
                Node::Map(
                    order
                        .iter()
                        .map(|f| Entry::Pair((*f).to_owned(), super::str_node(k.field(f))))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// Collects `hc_vault__list_<i>__map_<field>` pairs of the dotenv / INI metadata (the `sops_` prefix removed).
#[derive(Default)]
pub(crate) struct Flat(std::collections::BTreeMap<usize, HcVaultKey>);

impl Flat {
    /// Takes `key` if it is an `hc_vault__list_` key; `Ok(false)` otherwise.
    pub(crate) fn take(&mut self, key: &str, value: &Node) -> Result<bool, Error> {
        let Some(rest) = key.strip_prefix("hc_vault__list_") else {
            return Ok(false);
        };
        let (idx, field) = rest.split_once("__map_").ok_or(Error::Metadata {
            reason: "malformed sops_hc_vault__list_ key",
        })?;
        let idx: usize = idx.parse().map_err(|_| Error::Metadata {
            reason: "malformed sops_hc_vault__list_ index",
        })?;
        if idx >= MAX_RECIPIENTS {
            return Err(Error::Metadata {
                reason: "too many hc_vault entries",
            });
        }
        let entry = self.0.entry(idx).or_insert_with(HcVaultKey::empty);
        if let (Some(slot), Some(text)) = (entry.field_mut(field), weak_string(value)) {
            *slot = text;
        }
        Ok(true)
    }

    /// The entries, in index order.
    pub(crate) fn finish(self) -> Result<Vec<HcVaultKey>, Error> {
        if self.0.keys().enumerate().any(|(n, i)| n != *i) {
            return Err(Error::Metadata {
                reason: "incomplete sops_hc_vault__list_ entries",
            });
        }
        self.0.into_values().map(HcVaultKey::check).collect()
    }
}

/// The `sops_hc_vault__list_<i>__map_<field>` pairs of the dotenv / INI metadata.
pub(crate) fn to_flat(keys: &[HcVaultKey]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        for f in FIELDS {
            out.push(Entry::Pair(
                format!("sops_hc_vault__list_{i}__map_{f}"),
                super::str_node(k.field(f)),
            ));
        }
    }
    out
}

#[cfg(feature = "vault")]
pub(crate) use transit::{allowed, unwrap, uri_of, wrap};

#[cfg(feature = "vault")]
mod transit {
    use secretctl_vault::{Client, Config, TransitUri};

    use super::HcVaultKey;
    use crate::sops::cipher::DataKey;
    use crate::sops::Error;

    fn allowlist_allows(list: &str, address: &str) -> bool {
        match list.trim() {
            "all" => true,
            "none" => false,
            list => {
                let address = format!("{}/", address.trim_end_matches('/'));
                list.split(',')
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .any(|u| address.starts_with(&format!("{}/", u.trim_end_matches('/'))))
            }
        }
    }

    /// Whether the token may be sent to `address` taken from a file: `SOPS_HC_VAULT_ALLOWLIST` when set, else
    /// only the `VAULT_ADDR` / `BAO_ADDR` the operator set.
    pub(crate) fn allowed(address: &str) -> bool {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        if let Some(list) = var("SOPS_HC_VAULT_ALLOWLIST") {
            return allowlist_allows(&list, address);
        }
        let own = var("VAULT_ADDR").or_else(|| var("BAO_ADDR"));
        own.is_some_and(|a| a.trim().trim_end_matches('/') == address.trim_end_matches('/'))
    }

    /// The Transit key of an entry read from a file, checked as an operator-given URI is.
    ///
    /// # Errors
    /// [`Error::Metadata`] for an address, mount or key name that is not one.
    pub(crate) fn uri_of(key: &HcVaultKey) -> Result<TransitUri, Error> {
        key.uri().parse().map_err(|_| Error::Metadata {
            reason:
                "an hc_vault entry's address, engine_path or key_name is not a Vault Transit key",
        })
    }

    fn client(address: &str) -> Result<Client, secretctl_vault::Error> {
        Client::new(Config::for_address(address)?)
    }

    /// Wraps the data key with the Transit key `uri` (Transit encrypt of base64(data key), as sops does).
    pub(crate) fn wrap(
        key: &DataKey,
        uri: &TransitUri,
        created_at: &str,
    ) -> Result<HcVaultKey, Error> {
        let wrap_error = |source| Error::HcVaultWrap {
            uri: uri.to_string(),
            source: Box::new(source),
        };
        let c = client(&uri.address).map_err(wrap_error)?;
        let enc = c
            .transit(&uri.mount)
            .encrypt(&uri.key, key.bytes())
            .map_err(wrap_error)?;
        Ok(HcVaultKey {
            vault_address: uri.address.clone(),
            engine_path: uri.mount.clone(),
            key_name: uri.key.clone(),
            created_at: created_at.to_owned(),
            enc,
        })
    }

    /// Unwraps the data key `enc` through the Transit key `uri`.
    pub(crate) fn unwrap(uri: &TransitUri, enc: &str) -> Result<DataKey, secretctl_vault::Error> {
        let c = client(&uri.address)?;
        let plain = c.transit(&uri.mount).decrypt(&uri.key, enc)?;
        DataKey::from_slice(&plain).ok_or_else(|| secretctl_vault::Error::NotAKey {
            uri: uri.to_string(),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::allowlist_allows;

        #[test]
        fn allowlist_is_sops_prefix_match() {
            assert!(allowlist_allows("all", "https://x:8200"));
            assert!(!allowlist_allows("none", "https://x:8200"));
            assert!(allowlist_allows(
                "https://a:8200, https://b:8200",
                "https://b:8200"
            ));
            assert!(!allowlist_allows("https://a:8200", "https://a:82000"));
            assert!(!allowlist_allows("https://a:8200", "https://evil"));
        }
    }
}

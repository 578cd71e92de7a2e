//! Transit: encrypt, decrypt, rewrap, key read and rotate; the `…/v1/<mount>/keys/<name>` URI sops also uses.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::client::{normalize_address, Client, Method};
use crate::Error;

/// A Transit key named the way sops's `hc_vault_transit_uri` names it:
/// `https://vault.example.org:8200/v1/transit/keys/NAME` (the mount may be any path, such as `sops/transit`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TransitUri {
    /// `https://host:port`.
    pub address: String,
    /// The Transit mount (`transit`).
    pub mount: String,
    /// The key name.
    pub key: String,
}

impl FromStr for TransitUri {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::BadAddress {
            what: "Transit key URI",
            value: s.to_owned(),
            reason: format!("{reason}; expected https://HOST:PORT/v1/MOUNT/keys/NAME"),
        };
        let (address, rest) = s.split_once("/v1/").ok_or_else(|| bad("no /v1/"))?;
        let (mount, key) = rest.rsplit_once("/keys/").ok_or_else(|| bad("no /keys/"))?;
        let ok = |p: &str| {
            !p.is_empty()
                && p.split('/').all(|seg| {
                    !seg.is_empty()
                        && seg != "."
                        && seg != ".."
                        && seg
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                })
        };
        if !ok(mount) || !ok(key) || key.contains('/') {
            return Err(bad(
                "the mount or key name has characters Vault paths do not",
            ));
        }
        Ok(TransitUri {
            address: normalize_address(address)
                .map_err(|_| bad("the address is not scheme://host[:port]"))?,
            mount: mount.to_owned(),
            key: key.to_owned(),
        })
    }
}

impl fmt::Display for TransitUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/v1/{}/keys/{}", self.address, self.mount, self.key)
    }
}

/// A Transit key's metadata (`GET <mount>/keys/<name>`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct TransitKeyInfo {
    /// The key name.
    pub name: String,
    /// The key type (`aes256-gcm96`, ...).
    #[serde(rename = "type")]
    pub key_type: String,
    /// The newest version: new ciphertexts are `vault:v<latest_version>:`.
    pub latest_version: u64,
    /// The oldest version that still decrypts.
    pub min_decryption_version: u64,
}

#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

#[derive(Deserialize)]
struct Ciphertext {
    ciphertext: String,
}

#[derive(Deserialize)]
struct Plaintext {
    plaintext: String,
}

/// The Transit engine at one mount of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Transit<'a> {
    client: &'a Client,
    mount: &'a str,
}

impl Client {
    /// The Transit engine mounted at `mount` (usually `transit`).
    #[must_use]
    pub fn transit<'a>(&'a self, mount: &'a str) -> Transit<'a> {
        Transit {
            client: self,
            mount,
        }
    }
}

fn missing<T>(client: &Client, op: &str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| Error::BadResponse {
        address: client.address().to_owned(),
        op: op.to_owned(),
        reason: "empty body".to_owned(),
    })
}

impl Transit<'_> {
    /// Encrypt `plaintext` under key `name`: `vault:vN:...`.
    ///
    /// # Errors
    /// What [`Client`] requests report (sealed, unreachable, denied, not found, ...).
    pub fn encrypt(&self, name: &str, plaintext: &[u8]) -> Result<String, Error> {
        let op = format!("transit encrypt with key {name}");
        let body = Zeroizing::new(format!(r#"{{"plaintext":"{}"}}"#, B64.encode(plaintext)));
        let path = format!("{}/encrypt/{name}", self.mount);
        let r: Option<Data<Ciphertext>> =
            self.client
                .call(Method::Post, &path, Some(body.as_bytes()), &op)?;
        Ok(missing(self.client, &op, r)?.data.ciphertext)
    }

    /// Decrypt `ciphertext` (`vault:vN:...`) with key `name`. The plaintext is zeroized on drop.
    ///
    /// # Errors
    /// What [`Client`] requests report; [`Error::BadResponse`] when the plaintext is not base64.
    pub fn decrypt(&self, name: &str, ciphertext: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
        let op = format!("transit decrypt with key {name}");
        let body = serde_json::json!({ "ciphertext": ciphertext }).to_string();
        let path = format!("{}/decrypt/{name}", self.mount);
        let r: Option<Data<Plaintext>> =
            self.client
                .call(Method::Post, &path, Some(body.as_bytes()), &op)?;
        let b64 = Zeroizing::new(missing(self.client, &op, r)?.data.plaintext);
        B64.decode(b64.as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| Error::BadResponse {
                address: self.client.address().to_owned(),
                op,
                reason: "the plaintext is not base64".to_owned(),
            })
    }

    /// Re-encrypt `ciphertext` under key `name`'s latest version without revealing the plaintext.
    ///
    /// # Errors
    /// What [`Client`] requests report.
    pub fn rewrap(&self, name: &str, ciphertext: &str) -> Result<String, Error> {
        let op = format!("transit rewrap with key {name}");
        let body = serde_json::json!({ "ciphertext": ciphertext }).to_string();
        let path = format!("{}/rewrap/{name}", self.mount);
        let r: Option<Data<Ciphertext>> =
            self.client
                .call(Method::Post, &path, Some(body.as_bytes()), &op)?;
        Ok(missing(self.client, &op, r)?.data.ciphertext)
    }

    /// Read key `name`'s metadata.
    ///
    /// # Errors
    /// What [`Client`] requests report ([`Error::NotFound`] for no such key).
    pub fn key(&self, name: &str) -> Result<TransitKeyInfo, Error> {
        let op = format!("read transit key {name}");
        let path = format!("{}/keys/{name}", self.mount);
        let r: Option<Data<TransitKeyInfo>> = self.client.call(Method::Get, &path, None, &op)?;
        Ok(missing(self.client, &op, r)?.data)
    }

    /// Create key `name` (`aes256-gcm96`); creating an existing key changes nothing.
    ///
    /// # Errors
    /// What [`Client`] requests report.
    pub fn create_key(&self, name: &str) -> Result<(), Error> {
        let op = format!("create transit key {name}");
        let path = format!("{}/keys/{name}", self.mount);
        self.client
            .call::<serde_json::Value>(Method::Post, &path, Some(b"{}"), &op)?;
        Ok(())
    }

    /// Rotate key `name`: new ciphertexts use a new version; old versions still decrypt.
    ///
    /// # Errors
    /// What [`Client`] requests report.
    pub fn rotate_key(&self, name: &str) -> Result<(), Error> {
        let op = format!("rotate transit key {name}");
        let path = format!("{}/keys/{name}/rotate", self.mount);
        self.client
            .call::<serde_json::Value>(Method::Post, &path, Some(b"{}"), &op)?;
        Ok(())
    }
}

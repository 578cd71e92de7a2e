//! KV version 2: read, write with check-and-set, metadata.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde::ser::SerializeMap as _;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::client::{Client, Method};
use crate::Error;

/// A KV v2 path as operators write it: `secret/app/prod` is mount `secret`, path `app/prod`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvPath {
    /// The KV v2 mount (the first segment).
    pub mount: String,
    /// The secret's path inside the mount.
    pub path: String,
}

impl std::str::FromStr for KvPath {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::BadAddress {
            what: "KV path",
            value: s.to_owned(),
            reason: format!("{reason}; expected MOUNT/PATH such as secret/myapp/prod"),
        };
        let s2 = s.trim_matches('/');
        let (mount, path) = s2
            .split_once('/')
            .ok_or_else(|| bad("no path after the mount"))?;
        let ok = |p: &str| {
            p.split('/').all(|seg| {
                !seg.is_empty()
                    && seg != "."
                    && seg != ".."
                    && seg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
            })
        };
        if !ok(mount) || !ok(path) {
            return Err(bad(
                "a segment is empty or has characters outside [A-Za-z0-9-_.@]",
            ));
        }
        Ok(KvPath {
            mount: mount.to_owned(),
            path: path.to_owned(),
        })
    }
}

impl std::fmt::Display for KvPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.mount, self.path)
    }
}

/// A KV v2 secret's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct KvMetadata {
    /// The newest version (0 when none was ever written).
    pub current_version: u64,
    /// The oldest version kept.
    #[serde(default)]
    pub oldest_version: u64,
}

/// One version of a KV v2 secret: its keys and values (secret) and its version.
pub struct KvSecret {
    /// Key → value.
    pub data: BTreeMap<String, SecretString>,
    /// The version read.
    pub version: u64,
}

impl std::fmt::Debug for KvSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KvSecret")
            .field("keys", &self.data.keys().collect::<Vec<_>>())
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

#[derive(Deserialize)]
struct ReadData {
    data: Option<BTreeMap<String, serde_json::Value>>,
    metadata: VersionMeta,
}

#[derive(Deserialize)]
struct VersionMeta {
    version: u64,
}

/// The values, serialized for the request body without an intermediate copy.
struct Exposed<'a>(&'a BTreeMap<String, SecretString>);

impl serde::Serialize for Exposed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v.expose_secret())?;
        }
        m.end()
    }
}

/// The KV v2 engine of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Kv<'a> {
    client: &'a Client,
}

impl Client {
    /// The KV v2 engine.
    #[must_use]
    pub fn kv(&self) -> Kv<'_> {
        Kv { client: self }
    }
}

impl Kv<'_> {
    /// The secret's metadata, `None` when nothing was ever written at `at`.
    ///
    /// # Errors
    /// What [`Client`] requests report.
    pub fn metadata(&self, at: &KvPath) -> Result<Option<KvMetadata>, Error> {
        let op = format!("read KV metadata of {at}");
        let path = format!("{}/metadata/{}", at.mount, at.path);
        match self
            .client
            .call::<Data<KvMetadata>>(Method::Get, &path, None, &op)
        {
            Ok(r) => Ok(r.map(|d| d.data)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Read the newest version of the secret at `at`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none (or it is deleted); [`Error::BadResponse`] when a value is not a
    /// string; what [`Client`] requests report.
    pub fn read(&self, at: &KvPath) -> Result<KvSecret, Error> {
        let op = format!("read KV secret {at}");
        let path = format!("{}/data/{}", at.mount, at.path);
        let r: Option<Data<ReadData>> = self.client.call(Method::Get, &path, None, &op)?;
        let r = r.ok_or_else(|| Error::BadResponse {
            address: self.client.address().to_owned(),
            op: op.clone(),
            reason: "empty body".to_owned(),
        })?;
        let Some(values) = r.data.data else {
            return Err(Error::NotFound {
                address: self.client.address().to_owned(),
                op,
                path,
            });
        };
        let mut data = BTreeMap::new();
        for (k, v) in values {
            let serde_json::Value::String(s) = v else {
                return Err(Error::BadResponse {
                    address: self.client.address().to_owned(),
                    op,
                    reason: format!("the value of {k:?} is not a string"),
                });
            };
            data.insert(k, SecretString::from(s));
        }
        Ok(KvSecret {
            data,
            version: r.data.metadata.version,
        })
    }

    /// Write `data` as a new version of `at` only if the current version is still `cas` (0: only if the secret does
    /// not exist yet). Returns the new version.
    ///
    /// # Errors
    /// [`Error::CasMismatch`] when another writer got there first (nothing is written); what [`Client`] requests
    /// report.
    pub fn write_cas(
        &self,
        at: &KvPath,
        data: &BTreeMap<String, SecretString>,
        cas: u64,
    ) -> Result<u64, Error> {
        let op = format!("write KV secret {at}");
        let path = format!("{}/data/{}", at.mount, at.path);
        let size: usize = data
            .iter()
            .map(|(k, v)| 2 * (k.len() + v.expose_secret().len()) + 8)
            .sum::<usize>()
            + 64;
        let mut body = Zeroizing::new(Vec::with_capacity(size));
        let doc = serde_json::json!({ "options": { "cas": cas } });
        body.extend_from_slice(br#"{"options":"#);
        serde_json::to_writer(&mut *body, &doc["options"]).map_err(|e| self.bad(&op, &e))?;
        body.extend_from_slice(br#","data":"#);
        serde_json::to_writer(&mut *body, &Exposed(data)).map_err(|e| self.bad(&op, &e))?;
        body.push(b'}');
        match self
            .client
            .call::<Data<VersionMeta>>(Method::Post, &path, Some(&body), &op)
        {
            Ok(Some(r)) => Ok(r.data.version),
            Ok(None) => Err(self.bad(&op, &"empty body")),
            Err(Error::Status { message, .. }) if message.contains("check-and-set") => {
                Err(Error::CasMismatch {
                    address: self.client.address().to_owned(),
                    path: at.to_string(),
                    version: cas,
                })
            }
            Err(Error::PermissionDenied {
                address, op, path, ..
            }) => Err(Error::PermissionDenied {
                address,
                op,
                capability: "create, update",
                path,
            }),
            Err(e) => Err(e),
        }
    }

    fn bad(&self, op: &str, e: &dyn std::fmt::Display) -> Error {
        Error::BadResponse {
            address: self.client.address().to_owned(),
            op: op.to_owned(),
            reason: e.to_string(),
        }
    }
}

//! The connection: address, token, namespace, TLS roots, and one request function with bounded reads.

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::Error;

/// Largest response body read; Transit and KV answers are a few kilobytes.
pub const MAX_RESPONSE_BYTES: u64 = 1 << 20;
/// Largest token file read (`~/.vault-token`).
const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// Where the server is and how to authenticate: [`Config::from_env`] reads what the `vault` and `bao` CLIs read.
#[derive(Clone)]
pub struct Config {
    /// `https://host:8200` (no trailing slash).
    pub address: String,
    /// The token, never shown.
    pub token: Option<SecretString>,
    /// Enterprise / OpenBao namespace, sent as `X-Vault-Namespace`.
    pub namespace: Option<String>,
    /// A PEM file of CA certificates that replace the built-in roots (`VAULT_CACERT`).
    pub ca_cert: Option<PathBuf>,
    /// Connect and whole-request timeout.
    pub timeout: Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("address", &self.address)
            .field("namespace", &self.namespace)
            .field("ca_cert", &self.ca_cert)
            .finish_non_exhaustive()
    }
}

fn env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
}

impl Config {
    /// The address from `VAULT_ADDR` (else `BAO_ADDR`), token from `VAULT_TOKEN` (else `BAO_TOKEN`, else
    /// `~/.vault-token`), `VAULT_NAMESPACE` (else `BAO_NAMESPACE`), `VAULT_CACERT` (else `BAO_CACERT`).
    ///
    /// # Errors
    /// [`Error::NoAddress`]; [`Error::BadAddress`].
    pub fn from_env() -> Result<Config, Error> {
        let address = env(&["VAULT_ADDR", "BAO_ADDR"]).ok_or(Error::NoAddress)?;
        Config::for_address(&address)
    }

    /// A config for `address`, with the token, namespace and CA from the environment as [`Config::from_env`].
    ///
    /// # Errors
    /// [`Error::BadAddress`].
    pub fn for_address(address: &str) -> Result<Config, Error> {
        let address = normalize_address(address)?;
        Ok(Config {
            address,
            token: token_from_env(),
            namespace: env(&["VAULT_NAMESPACE", "BAO_NAMESPACE"]),
            ca_cert: env(&["VAULT_CACERT", "BAO_CACERT"]).map(PathBuf::from),
            timeout: Duration::from_secs(30),
        })
    }
}

fn token_from_env() -> Option<SecretString> {
    if let Some(t) = env(&["VAULT_TOKEN", "BAO_TOKEN"]) {
        return Some(SecretString::from(t.trim().to_owned()));
    }
    let home = std::env::var_os("HOME")?;
    let path = Path::new(&home).join(".vault-token");
    let opts = secretctl_fs::ReadOptions::new(MAX_TOKEN_FILE_BYTES);
    let bytes = secretctl_fs::read(&path, &opts).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?.trim();
    (!text.is_empty()).then(|| SecretString::from(text.to_owned()))
}

/// `https://host:port` from what an operator typed: a scheme is required, a trailing `/` is dropped.
pub(crate) fn normalize_address(address: &str) -> Result<String, Error> {
    let bad = |reason: &str| Error::BadAddress {
        what: "address",
        value: address.to_owned(),
        reason: reason.to_owned(),
    };
    let a = address.trim().trim_end_matches('/');
    let rest = a
        .strip_prefix("https://")
        .or_else(|| a.strip_prefix("http://"))
        .ok_or_else(|| bad("it must start with https:// (or http:// for a local dev server)"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad("expected scheme://host[:port] and nothing else"));
    }
    Ok(a.to_owned())
}

/// A blocking client of one Vault / OpenBao server.
pub struct Client {
    config: Config,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.config.address)
            .finish_non_exhaustive()
    }
}

/// The HTTP method of a request (public for the test server only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl Client {
    /// A client configured from the environment ([`Config::from_env`]).
    ///
    /// # Errors
    /// As [`Config::from_env`] and [`Client::new`].
    pub fn from_env() -> Result<Client, Error> {
        Client::new(Config::from_env()?)
    }

    /// A client for `config`.
    ///
    /// # Errors
    /// [`Error::NoToken`] without a token; [`Error::CaCert`] for an unusable `ca_cert`.
    pub fn new(config: Config) -> Result<Client, Error> {
        if config.token.is_none() {
            return Err(Error::NoToken {
                address: config.address,
            });
        }
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &config.ca_cert {
            tls = tls.root_certs(read_ca(path)?);
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .max_redirects(0)
            .tls_config(tls.build())
            .build()
            .new_agent();
        Ok(Client { config, agent })
    }

    /// The server's address.
    #[must_use]
    pub fn address(&self) -> &str {
        &self.config.address
    }

    /// Send one request to `/v1/{path}` and decode the JSON answer (`None` for 204).
    pub(crate) fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        op: &str,
    ) -> Result<Option<T>, Error> {
        let url = format!("{}/v1/{path}", self.config.address);
        let token = self.config.token.as_ref().map_or("", |t| t.expose_secret());
        let result = match method {
            Method::Get => {
                let mut req = self.agent.get(&url).header("X-Vault-Token", token);
                if let Some(ns) = &self.config.namespace {
                    req = req.header("X-Vault-Namespace", ns);
                }
                req.call()
            }
            Method::Post => {
                let mut req = self
                    .agent
                    .post(&url)
                    .header("X-Vault-Token", token)
                    .header("Content-Type", "application/json");
                if let Some(ns) = &self.config.namespace {
                    req = req.header("X-Vault-Namespace", ns);
                }
                req.send(body.unwrap_or(b"{}"))
            }
        };
        let address = || self.config.address.clone();
        let mut resp = result.map_err(|e| Error::Unreachable {
            address: address(),
            op: op.to_owned(),
            reason: e.to_string(),
        })?;
        let status = resp.status().as_u16();
        let bytes = Zeroizing::new(
            resp.body_mut()
                .with_config()
                .limit(MAX_RESPONSE_BYTES)
                .read_to_vec()
                .map_err(|e| Error::BadResponse {
                    address: address(),
                    op: op.to_owned(),
                    reason: match e {
                        ureq::Error::BodyExceedsLimit(_) => {
                            format!("larger than {MAX_RESPONSE_BYTES} bytes")
                        }
                        e => e.to_string(),
                    },
                })?,
        );
        if (200..300).contains(&status) {
            if status == 204 || bytes.is_empty() {
                return Ok(None);
            }
            return serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Error::BadResponse {
                    address: address(),
                    op: op.to_owned(),
                    reason: format!(
                        "not the documented JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    ),
                });
        }
        let message = error_message(&bytes);
        Err(match status {
            503 if message.contains("sealed") => Error::Sealed {
                address: address(),
                op: op.to_owned(),
            },
            403 => Error::PermissionDenied {
                address: address(),
                op: op.to_owned(),
                capability: match method {
                    Method::Get => "read",
                    Method::Post => "update",
                },
                path: policy_path(path),
            },
            404 => Error::NotFound {
                address: address(),
                op: op.to_owned(),
                path: path.to_owned(),
            },
            _ => Error::Status {
                address: address(),
                op: op.to_owned(),
                status,
                message,
            },
        })
    }
}

/// The path a policy names (`transit/encrypt/NAME`), from an API path (which may carry a query).
fn policy_path(path: &str) -> String {
    path.split('?').next().unwrap_or(path).to_owned()
}

/// Vault's `{"errors": [...]}`, joined on one line and bounded.
fn error_message(bytes: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<String>,
    }
    let text = serde_json::from_slice::<Errors>(bytes)
        .map(|e| e.errors.join("; "))
        .unwrap_or_default();
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if one_line.trim().is_empty() {
        "no error message".to_owned()
    } else {
        one_line
    }
}

fn read_ca(path: &Path) -> Result<ureq::tls::RootCerts, Error> {
    let bad = |reason: String| Error::CaCert {
        path: path.display().to_string(),
        reason,
    };
    let pem = secretctl_fs::read(path, &secretctl_fs::ReadOptions::new(MAX_RESPONSE_BYTES))
        .map_err(|e| bad(e.to_string()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let ureq::tls::PemItem::Certificate(c) = item.map_err(|e| bad(e.to_string()))? {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        return Err(bad("no PEM certificate in it".to_owned()));
    }
    Ok(ureq::tls::RootCerts::from(certs))
}

//! External Secrets Operator: `ExternalSecret` manifests (API `external-secrets.io/v1`, the version the ESO CRDs
//! serve and store) whose target Secrets are exactly the Secrets [`Manifest`] makes (names and data keys), reading
//! the KV v2 secret `export vault` writes; and, on request, the `SecretStore` or `ClusterSecretStore` for it.
//!
//! No value is in any of it: an `ExternalSecret` only names where the operator finds each value.

use serde_json::{json, Map, Value};

use crate::encode::yaml_scalar;
use crate::k8s::{INSTANCE_LABEL, MANAGED_BY_LABEL};
use crate::Manifest;

/// The ESO API version the manifests use (served and stored by the ESO CRDs; `v1beta1` is deprecated).
pub const ESO_API_VERSION: &str = "external-secrets.io/v1";

/// Which kind of store the `ExternalSecret`s reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreKind {
    /// A `SecretStore` in the Secrets' namespace.
    #[default]
    SecretStore,
    /// A cluster-wide `ClusterSecretStore`.
    ClusterSecretStore,
}

impl StoreKind {
    /// `SecretStore` or `ClusterSecretStore`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SecretStore => "SecretStore",
            Self::ClusterSecretStore => "ClusterSecretStore",
        }
    }
}

/// Where the values are and how ESO reaches them.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EsoOptions {
    /// The KV v2 mount (`secret`).
    pub kv_mount: String,
    /// The secret's path inside the mount (`wiki/prod`), as `export vault --path MOUNT/PATH` wrote it.
    pub kv_path: String,
    /// The store's name.
    pub store_name: String,
    /// The store's kind.
    pub store_kind: StoreKind,
    /// How often ESO re-reads (`1h`).
    pub refresh_interval: String,
    /// The Vault server for the store (`https://vault:8200`).
    pub server: String,
    /// The Kubernetes auth role the store logs in with.
    pub auth_role: String,
    /// The Kubernetes auth mount (`kubernetes`).
    pub auth_mount: String,
}

impl EsoOptions {
    /// Options for the KV secret `mount/path`, a `SecretStore` named `vault` of `server`, Kubernetes auth with
    /// `role` at mount `kubernetes`, refreshed hourly.
    #[must_use]
    pub fn new(mount: &str, path: &str, server: &str, role: &str) -> EsoOptions {
        EsoOptions {
            kv_mount: mount.to_owned(),
            kv_path: path.to_owned(),
            store_name: "vault".to_owned(),
            store_kind: StoreKind::SecretStore,
            refresh_interval: "1h".to_owned(),
            server: server.to_owned(),
            auth_role: role.to_owned(),
            auth_mount: "kubernetes".to_owned(),
        }
    }
}

/// One `ExternalSecret` per Secret of `manifest`, each producing that Secret (same name, namespace and data keys)
/// from the KV secret.
#[must_use]
pub fn external_secrets(manifest: &Manifest, opts: &EsoOptions) -> Vec<Value> {
    manifest
        .secrets()
        .iter()
        .map(|s| {
            let labels: Map<String, Value> = s
                .labels()
                .map(|(k, v)| (k.to_owned(), Value::from(v)))
                .collect();
            let mut metadata = json!({ "name": s.name(), "labels": labels });
            if let Some(ns) = s.namespace() {
                metadata["namespace"] = ns.into();
            }
            let data: Vec<Value> = s
                .data()
                .keys()
                .map(|k| json!({ "secretKey": k, "remoteRef": { "key": opts.kv_path, "property": k } }))
                .collect();
            json!({
                "apiVersion": ESO_API_VERSION,
                "kind": "ExternalSecret",
                "metadata": metadata,
                "spec": {
                    "refreshInterval": opts.refresh_interval,
                    "secretStoreRef": { "name": opts.store_name, "kind": opts.store_kind.as_str() },
                    "target": {
                        "name": s.name(),
                        "creationPolicy": "Owner",
                        "template": {
                            "type": "Opaque",
                            "metadata": { "labels": { MANAGED_BY_LABEL: "secretctl" } },
                        },
                    },
                    "data": data,
                },
            })
        })
        .collect()
}

/// The store the `ExternalSecret`s reference: Vault KV v2 at the options' server and mount, Kubernetes auth.
/// A `SecretStore` goes into `namespace` (the Secrets'); a `ClusterSecretStore` has none.
#[must_use]
pub fn secret_store(opts: &EsoOptions, namespace: Option<&str>, instance: &str) -> Value {
    let mut metadata = json!({
        "name": opts.store_name,
        "labels": { MANAGED_BY_LABEL: "secretctl", INSTANCE_LABEL: instance },
    });
    if let (StoreKind::SecretStore, Some(ns)) = (opts.store_kind, namespace) {
        metadata["namespace"] = ns.into();
    }
    json!({
        "apiVersion": ESO_API_VERSION,
        "kind": opts.store_kind.as_str(),
        "metadata": metadata,
        "spec": {
            "provider": {
                "vault": {
                    "server": opts.server,
                    "path": opts.kv_mount,
                    "version": "v2",
                    "auth": {
                        "kubernetes": { "mountPath": opts.auth_mount, "role": opts.auth_role },
                    },
                },
            },
        },
    })
}

/// Documents as a YAML stream (`---` between them), keys in sorted order; every scalar a plain string when it is
/// unambiguous, else a JSON string literal (valid YAML).
#[must_use]
pub fn eso_yaml(documents: &[Value]) -> String {
    let mut out = String::new();
    for (i, d) in documents.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_value(&mut out, d, 0);
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => yaml_scalar(s).into_owned(),
        other => other.to_string(),
    }
}

fn write_value(out: &mut String, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match v {
                    Value::Object(inner) if !inner.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", yaml_scalar(k)));
                        write_value(out, v, indent + 2);
                    }
                    Value::Array(items) if !items.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", yaml_scalar(k)));
                        write_value(out, v, indent);
                    }
                    Value::Object(_) => out.push_str(&format!("{pad}{}: {{}}\n", yaml_scalar(k))),
                    Value::Array(_) => out.push_str(&format!("{pad}{}: []\n", yaml_scalar(k))),
                    v => out.push_str(&format!("{pad}{}: {}\n", yaml_scalar(k), scalar(v))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                let mut inner = String::new();
                write_value(&mut inner, item, indent + 2);
                // The first line of the item goes after `- `.
                let body = inner
                    .strip_prefix(&" ".repeat(indent + 2))
                    .unwrap_or(&inner);
                out.push_str(&format!("{pad}- {body}"));
            }
        }
        v => out.push_str(&format!("{pad}{}\n", scalar(v))),
    }
}

//! Kubernetes Secret manifests: grouping, checking, and rendering as YAML, JSON or SOPS-encrypted YAML.
//!
//! The writer is small and deterministic for one fixed shape (`v1/Secret`, `type: Opaque`, base64 `data`), not a
//! general YAML library. Every name, key and label value is checked against the Kubernetes rules when the
//! [`Manifest`] is built, so rendering never meets a string that needs more than the conservative quoting of
//! `yaml_scalar`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use secrecy::{ExposeSecret, SecretString};
use secretctl_gitops::sops;
use zeroize::Zeroizing;

use crate::encode::{base64_into, base64_len, json_string, yaml_scalar};
use crate::k8s::{
    is_data_key, is_dns1123_label, is_dns1123_subdomain, is_label_value, secret_name,
    ENCRYPTED_REGEX, INSTANCE_LABEL, MANAGED_BY_LABEL, SECRET_MAX_BYTES,
};
use crate::{Error, Selection};

/// One Kubernetes `Secret`: `type: Opaque`, base64 `data` in byte order of the keys.
#[derive(Debug, Clone)]
pub struct Secret {
    name: String,
    namespace: Option<String>,
    labels: Vec<(&'static str, String)>,
    /// Data key → value, in byte order of the key (the order `kubectl` prints, stable across runs).
    data: BTreeMap<String, SecretString>,
}

impl Secret {
    /// The Secret's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its namespace, if one is set.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// Its labels, in the order they are written.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> {
        self.labels.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// Its data: data key → value, in byte order of the key.
    #[must_use]
    pub fn data(&self) -> &BTreeMap<String, SecretString> {
        &self.data
    }

    /// Check the Secret against the Kubernetes rules, naming what is wrong and how to fix it; `from` says where the
    /// values were read.
    fn validate(&self, from: &str) -> Result<(), Error> {
        if !is_dns1123_subdomain(&self.name) {
            return Err(Error::BadSecretName {
                from: from.to_owned(),
                name: self.name.clone(),
            });
        }
        if let Some(ns) = &self.namespace {
            check_namespace(ns)?;
        }
        for (label, value) in &self.labels {
            if !is_label_value(value) {
                return Err(Error::BadLabelValue {
                    from: from.to_owned(),
                    label,
                    value: value.clone(),
                });
            }
        }
        let mut total = 0usize;
        for (key, value) in &self.data {
            if !is_data_key(key) {
                return Err(Error::BadDataKey {
                    from: from.to_owned(),
                    secret: self.name.clone(),
                    key: key.clone(),
                });
            }
            total = total.saturating_add(value.expose_secret().len());
        }
        if total > SECRET_MAX_BYTES {
            return Err(Error::SecretTooLarge {
                from: from.to_owned(),
                secret: self.name.clone(),
                total,
            });
        }
        Ok(())
    }

    /// An upper bound of the rendered size, so the output buffer never reallocates (and never leaves an
    /// unzeroized copy of an encoded secret behind).
    fn size_hint(&self) -> usize {
        let fixed = 512 + self.name.len() * 2 + self.namespace.as_ref().map_or(0, |n| n.len() * 2);
        let labels: usize = self
            .labels
            .iter()
            .map(|(k, v)| k.len() + v.len() * 2 + 16)
            .sum();
        let data: usize = self
            .data
            .iter()
            .map(|(k, v)| k.len() * 2 + base64_len(v.expose_secret().len()) + 16)
            .sum();
        fixed + labels + data
    }

    fn write_yaml(&self, out: &mut String) {
        out.push_str("apiVersion: v1\nkind: Secret\nmetadata:\n");
        let _ = writeln!(out, "  name: {}", yaml_scalar(&self.name));
        if let Some(ns) = &self.namespace {
            let _ = writeln!(out, "  namespace: {}", yaml_scalar(ns));
        }
        out.push_str("  labels:\n");
        for (label, value) in &self.labels {
            let _ = writeln!(out, "    {}: {}", yaml_scalar(label), yaml_scalar(value));
        }
        out.push_str("type: Opaque\ndata:\n");
        for (key, value) in &self.data {
            let _ = write!(out, "  {}: ", yaml_scalar(key));
            let start = out.len();
            base64_into(value.expose_secret().as_bytes(), out);
            if !out
                .as_bytes()
                .get(start)
                .is_some_and(u8::is_ascii_alphabetic)
                || matches!(
                    &out[start..],
                    "true" | "True" | "TRUE" | "null" | "Null" | "NULL"
                )
            {
                // A base64 value starting with a digit, '+' or '/' could read as a number or a tag in YAML, and
                // the 4-character encodings `true` and `null` (of 3-byte values) as a boolean or null: quote it
                // (the encoded text itself never needs escaping).
                out.insert(start, '"');
                out.push('"');
            }
            out.push('\n');
        }
    }

    fn write_json(&self, out: &mut String) {
        out.push_str("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":");
        out.push_str(&json_string(&self.name));
        if let Some(ns) = &self.namespace {
            out.push_str(",\"namespace\":");
            out.push_str(&json_string(ns));
        }
        out.push_str(",\"labels\":{");
        for (j, (label, value)) in self.labels.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&json_string(label));
            out.push(':');
            out.push_str(&json_string(value));
        }
        out.push_str("}},\"type\":\"Opaque\",\"data\":{");
        for (j, (key, value)) in self.data.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&json_string(key));
            out.push_str(":\"");
            base64_into(value.expose_secret().as_bytes(), out);
            out.push('"');
        }
        out.push_str("}}");
    }
}

/// Check a namespace against the Kubernetes rules (a DNS-1123 label).
///
/// # Errors
/// [`Error::BadNamespace`].
pub fn check_namespace(namespace: &str) -> Result<(), Error> {
    if is_dns1123_label(namespace) {
        Ok(())
    } else {
        Err(Error::BadNamespace {
            namespace: namespace.to_owned(),
        })
    }
}

/// The Kubernetes Secrets of an instance, in name order: what `kubectl apply -f` reads.
#[derive(Debug, Clone)]
pub struct Manifest {
    secrets: Vec<Secret>,
}

impl Manifest {
    /// Group the selected secrets into Secrets and check them against the Kubernetes rules.
    ///
    /// Each secret goes into the Secret its `k8s_secret` names (`{instance}` expanded), else into
    /// [`DEFAULT_SECRET_TEMPLATE`](crate::k8s::DEFAULT_SECRET_TEMPLATE) (`{instance}-secrets`), under its data key (the schema's `k8s_key`, else its own
    /// key). Every Secret is labelled [`MANAGED_BY_LABEL`]`: secretctl` and [`INSTANCE_LABEL`]`: <instance>`, and
    /// goes into `namespace`, else the schema's `[instance] namespace`, else none.
    ///
    /// # Errors
    /// [`Error::NothingToExport`]; [`Error::BadTemplate`]; [`Error::DuplicateDataKey`] when two keys become one
    /// data key of one Secret; [`Error::BadSecretName`], [`Error::BadNamespace`], [`Error::BadLabelValue`],
    /// [`Error::BadDataKey`], [`Error::SecretTooLarge`] for what Kubernetes would refuse.
    pub fn new(selection: Selection, namespace: Option<&str>) -> Result<Self, Error> {
        let (instance, source, items, default_namespace) = selection.into_parts();
        let from = source.describe();
        if items.is_empty() {
            return Err(Error::NothingToExport { from });
        }
        let namespace = namespace.map(str::to_owned).or(default_namespace);
        // Secret name → data key → (the key it came from, its value).
        let mut groups: BTreeMap<String, BTreeMap<String, (String, SecretString)>> =
            BTreeMap::new();
        for item in items {
            let name = secret_name(item.k8s_secret.as_deref(), &item.key, &instance)?;
            let data_key = item.k8s_key.unwrap_or_else(|| item.key.clone());
            let group = groups.entry(name.clone()).or_default();
            if let Some((first, _)) = group.get(&data_key) {
                return Err(Error::DuplicateDataKey {
                    from,
                    secret: name,
                    data_key,
                    first: first.clone(),
                    second: item.key,
                });
            }
            group.insert(data_key, (item.key, item.value));
        }
        let mut secrets = Vec::with_capacity(groups.len());
        for (name, data) in groups {
            let secret = Secret {
                name,
                namespace: namespace.clone(),
                labels: vec![
                    (MANAGED_BY_LABEL, "secretctl".to_owned()),
                    (INSTANCE_LABEL, instance.clone()),
                ],
                data: data.into_iter().map(|(k, (_, v))| (k, v)).collect(),
            };
            secret.validate(&from)?;
            secrets.push(secret);
        }
        Ok(Self { secrets })
    }

    /// Only the Secrets named in `names` (as they are after `{instance}` expansion), e.g. the one Secret a changed
    /// key belongs to.
    ///
    /// # Errors
    /// [`Error::UnknownSecret`] naming the unknown names and every name there is.
    pub fn only<S: AsRef<str>>(mut self, names: &[S]) -> Result<Self, Error> {
        let unknown: Vec<String> = names
            .iter()
            .map(AsRef::as_ref)
            .filter(|n| !self.secrets.iter().any(|s| s.name == *n))
            .map(str::to_owned)
            .collect();
        if !unknown.is_empty() {
            return Err(Error::UnknownSecret {
                unknown,
                existing: self.names().into_iter().map(str::to_owned).collect(),
            });
        }
        self.secrets
            .retain(|s| names.iter().any(|n| n.as_ref() == s.name));
        Ok(self)
    }

    /// The Secrets, in name order.
    #[must_use]
    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// The Secrets' names, in order.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        self.secrets.iter().map(|s| s.name.as_str()).collect()
    }

    /// The Secrets as a multi-document YAML stream (`---` between documents), the form `kubectl apply -f` and
    /// `kubernetes-validate` read. The same input gives byte-identical output.
    #[must_use]
    pub fn to_yaml(&self) -> Zeroizing<String> {
        render_yaml(&self.secrets)
    }

    /// The Secrets as one JSON `v1/List`, which `kubectl apply -f` reads like the YAML stream.
    #[must_use]
    pub fn to_json(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(
            self.secrets.iter().map(Secret::size_hint).sum::<usize>() + 64,
        ));
        out.push_str("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
        for (i, s) in self.secrets.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            s.write_json(&mut out);
        }
        out.push_str("]}\n");
        out
    }

    /// Each Secret as its own SOPS-encrypted YAML document for a gitops controller (its own data key and MAC, as
    /// Flux decrypts each resource on its own), in order. Only `data` is encrypted ([`ENCRYPTED_REGEX`]);
    /// `apiVersion`, `kind`, `metadata` and `type` stay readable. The result is ciphertext.
    ///
    /// # Errors
    /// [`Error::NoRecipients`] without a recipient; [`Error::Sops`] when encryption fails.
    pub fn to_sops(&self, recipients: &[sops::Recipient]) -> Result<Vec<String>, Error> {
        if recipients.is_empty() {
            return Err(Error::NoRecipients);
        }
        let mut opts = sops::EncryptOptions::default();
        opts.encrypted_regex = Some(ENCRYPTED_REGEX.to_owned());
        self.secrets
            .iter()
            .map(|s| {
                let plain = render_yaml(std::slice::from_ref(s));
                sops::encrypt_file_with(&plain, sops::Format::Yaml, recipients, &opts).map_err(
                    |error| Error::Sops {
                        secret: s.name.clone(),
                        error,
                    },
                )
            })
            .collect()
    }
}

fn render_yaml(secrets: &[Secret]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(
        secrets.iter().map(Secret::size_hint).sum::<usize>() + 8,
    ));
    for (i, s) in secrets.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        s.write_yaml(&mut out);
    }
    out
}

/// Documents joined into one YAML stream (`---` between them), as Flux reads a file of several resources.
#[must_use]
pub fn yaml_stream<S: AsRef<str>>(documents: &[S]) -> String {
    let mut all = String::with_capacity(documents.iter().map(|d| d.as_ref().len() + 4).sum());
    for (i, d) in documents.iter().enumerate() {
        if i > 0 {
            all.push_str("---\n");
        }
        all.push_str(d.as_ref());
    }
    all
}

/// The age recipients of SOPS-encrypted Secrets: every one `given` (`--age`), else the comma-separated list in
/// `from_env` (`SOPS_AGE_RECIPIENTS`, read as sops reads it).
///
/// # Errors
/// [`Error::NoRecipients`] when there is none; [`Error::Recipient`] for one that is not an age X25519 public key.
pub fn age_recipients(
    given: &[String],
    from_env: Option<&str>,
) -> Result<Vec<sops::Recipient>, Error> {
    let (list, from): (Vec<&str>, &'static str) = if given.is_empty() {
        let list = from_env
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        (list, "SOPS_AGE_RECIPIENTS")
    } else {
        (given.iter().map(String::as_str).collect(), "--age")
    };
    if list.is_empty() {
        return Err(Error::NoRecipients);
    }
    list.iter()
        .map(|r| r.parse().map_err(|error| Error::Recipient { from, error }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    fn sample() -> Manifest {
        let data = BTreeMap::from([
            ("MYSQL_ROOT_PASSWORD".to_owned(), secret("root")),
            ("1KEY".to_owned(), secret("\u{4e2d}")),
            ("MYSQL_PASSWORD".to_owned(), secret("secret")),
        ]);
        Manifest {
            secrets: vec![
                Secret {
                    name: "wiki-db-credentials".to_owned(),
                    namespace: Some("prod".to_owned()),
                    labels: vec![
                        (MANAGED_BY_LABEL, "secretctl".to_owned()),
                        (INSTANCE_LABEL, "wiki".to_owned()),
                    ],
                    data,
                },
                Secret {
                    name: "wiki-secrets".to_owned(),
                    namespace: None,
                    labels: vec![(MANAGED_BY_LABEL, "secretctl".to_owned())],
                    data: BTreeMap::from([("K".to_owned(), secret("v"))]),
                },
            ],
        }
    }

    #[test]
    fn yaml_is_deterministic_and_sorted() {
        let yaml = sample().to_yaml();
        let want = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: wiki-db-credentials\n  namespace: prod\n  \
                    labels:\n    app.kubernetes.io/managed-by: secretctl\n    app.kubernetes.io/instance: wiki\n\
                    type: Opaque\ndata:\n  \"1KEY\": \"5Lit\"\n  MYSQL_PASSWORD: c2VjcmV0\n  \
                    MYSQL_ROOT_PASSWORD: cm9vdA==\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  \
                    name: wiki-secrets\n  labels:\n    app.kubernetes.io/managed-by: secretctl\ntype: Opaque\n\
                    data:\n  K: dg==\n";
        assert_eq!(yaml.as_str(), want);
        assert!(
            yaml.len()
                <= sample()
                    .secrets
                    .iter()
                    .map(Secret::size_hint)
                    .sum::<usize>()
        );
    }

    #[test]
    fn json_is_a_parseable_list() {
        let json = sample().to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["kind"], "List");
        assert_eq!(v["items"][0]["data"]["MYSQL_PASSWORD"], "c2VjcmV0");
        assert_eq!(v["items"][0]["metadata"]["namespace"], "prod");
        assert_eq!(
            v["items"][1]["metadata"]["labels"][MANAGED_BY_LABEL],
            "secretctl"
        );
        assert!(v["items"][1]["metadata"].get("namespace").is_none());
    }

    #[test]
    fn validation_names_the_problem() {
        let mut m = sample().secrets.remove(0);
        assert!(m.validate("x").is_ok());
        m.data.insert("bad key".to_owned(), secret("x"));
        assert!(m
            .validate("x")
            .unwrap_err()
            .to_string()
            .contains("\"bad key\""));
        m.data.remove("bad key");
        m.namespace = Some("Prod".to_owned());
        assert!(m
            .validate("x")
            .unwrap_err()
            .to_string()
            .contains("--namespace"));
        m.namespace = None;
        m.name = "Wiki".to_owned();
        assert!(m
            .validate("x")
            .unwrap_err()
            .to_string()
            .contains("Secret name"));
        m.name = "wiki".to_owned();
        m.data
            .insert("BIG".to_owned(), secret(&"x".repeat(SECRET_MAX_BYTES)));
        assert!(m.validate("x").unwrap_err().to_string().contains("1 MiB"));
    }

    fn manifest(env: &str, schema: &str) -> Result<Manifest, Error> {
        let env = secretctl_envfile::EnvFile::parse(env).unwrap();
        let schema = secretctl_schema::Schema::parse(schema).unwrap();
        let selection = Selection::from_env(
            &env,
            std::path::Path::new("/srv/wiki/.env"),
            None,
            Some(&schema),
            &|k| crate::is_secret(Some(&schema), k),
            &|_| None,
        )?;
        Manifest::new(selection, None)
    }

    #[test]
    fn data_keys_come_from_k8s_key_and_never_collide() {
        let schema = "[instance]\nnamespace = \"prod\"\n[secrets.DATABASE_URL]\nk8s_secret = \"{instance}-db\"\n\
                      k8s_key = \"database-url\"\n[secrets.JWT]\nk8s_key = \"jwt-secret\"\n";
        let m = manifest("DATABASE_URL=u\nJWT=j\nAPI_TOKEN=t\n", schema).unwrap();
        assert_eq!(m.names(), ["wiki-db", "wiki-secrets"]);
        let keys: Vec<Vec<&str>> = m
            .secrets()
            .iter()
            .map(|s| s.data().keys().map(String::as_str).collect())
            .collect();
        assert_eq!(
            keys,
            [vec!["database-url"], vec!["API_TOKEN", "jwt-secret"]]
        );
        assert!(m.secrets().iter().all(|s| s.namespace() == Some("prod")));
        let err = manifest(
            "A_TOKEN=a\nB_TOKEN=b\n",
            "[secrets.A_TOKEN]\nk8s_key = \"t\"\n[secrets.B_TOKEN]\nk8s_key = \"t\"\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("A_TOKEN and B_TOKEN both become the data key t of the Kubernetes Secret wiki-secrets"),
            "{err}"
        );
        // A template with another placeholder, or a data key Kubernetes refuses, does not even get past the
        // schema (which uses the same rules); the export checks them again for a schema built some other way.
        for bad in [
            "[secrets.A_TOKEN]\nk8s_secret = \"{host}\"\n",
            "[secrets.A_TOKEN]\nk8s_key = \"..a\"\n",
        ] {
            assert!(secretctl_schema::Schema::parse(bad).is_err(), "{bad}");
        }
        let err = manifest("APP_URL=u\n", "").unwrap_err();
        assert!(matches!(err, Error::NothingToExport { .. }), "{err}");
    }

    #[test]
    fn only_keeps_the_named_secrets_and_names_the_others() {
        let m = sample().only(&["wiki-secrets"]).unwrap();
        assert_eq!(m.names(), ["wiki-secrets"]);
        let err = sample().only(&["wiki-secrets", "nope"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no Secret named nope; the Secrets of this instance are: wiki-db-credentials, wiki-secrets"
        );
        assert_eq!(
            secretctl_error::Kind::kind(&err),
            secretctl_error::ErrorKind::NotFound
        );
    }

    #[test]
    fn recipients_come_from_the_flags_else_the_environment() {
        let r = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        assert_eq!(
            age_recipients(&[], Some(&format!(" {r} ,{r}")))
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            age_recipients(&[r.to_owned()], Some("age1nope"))
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            age_recipients(&[], Some(" , ")),
            Err(Error::NoRecipients)
        ));
        let err = age_recipients(&["age1nope".to_owned()], None).unwrap_err();
        assert!(err.to_string().starts_with("--age: ") && err.to_string().contains("age1nope"));
        assert_eq!(yaml_stream(&["a\n", "b\n"]), "a\n---\nb\n");
    }
}

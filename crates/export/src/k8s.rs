//! The Kubernetes rules a Secret must follow (`k8s.io/apimachinery/pkg/util/validation`), and the fixed parts of
//! the Secrets secretctl writes. Every name, key and label value is checked against these before anything is
//! rendered, so the YAML writer never meets a string it would have to escape beyond quoting.

use crate::Error;

/// The label every exported Secret carries, so `kubectl get secret -l` finds what secretctl wrote.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The label naming the instance the secrets belong to.
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
/// Kubernetes refuses a Secret whose data exceeds 1 MiB.
pub const SECRET_MAX_BYTES: usize = 1 << 20;
/// The crypt rule of SOPS-encrypted Secrets: what Flux's documentation and `sops -e --encrypted-regex` use, so only
/// `data` (and `stringData`) is encrypted.
pub const ENCRYPTED_REGEX: &str = "^(data|stringData)$";

pub use secretctl_schema::k8s::{
    expand_template, is_data_key, is_dns1123_label, is_dns1123_subdomain, is_label_value,
    DEFAULT_SECRET_TEMPLATE,
};

/// The name of the Secret a key goes into: its `k8s_secret` template (from the schema), else
/// [`DEFAULT_SECRET_TEMPLATE`], with `{instance}` expanded. The one place this is decided: a caller that tells the
/// operator which Secret to re-apply after a key changed (`export k8s --secret NAME`) asks here.
///
/// # Errors
/// [`Error::BadTemplate`] naming `key` when the template has a placeholder other than `{instance}`.
pub fn secret_name(k8s_secret: Option<&str>, key: &str, instance: &str) -> Result<String, Error> {
    secretctl_schema::k8s::secret_name(k8s_secret, instance).ok_or_else(|| Error::BadTemplate {
        template: k8s_secret.unwrap_or(DEFAULT_SECRET_TEMPLATE).to_owned(),
        key: key.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_name_the_key_of_a_bad_template() {
        assert_eq!(secret_name(None, "K", "wiki").unwrap(), "wiki-secrets");
        assert_eq!(
            secret_name(Some("{instance}-db"), "K", "wiki").unwrap(),
            "wiki-db"
        );
        assert!(matches!(
            secret_name(Some("{host}"), "K", "wiki"),
            Err(Error::BadTemplate { key, .. }) if key == "K"
        ));
    }
}

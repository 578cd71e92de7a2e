//! The Kubernetes name rules (`k8s.io/apimachinery/pkg/util/validation`) the schema's Kubernetes fields must follow
//! (`k8s_secret`, `k8s_key`, `[instance] namespace`), and the `{instance}` template of Secret names. The schema checks
//! them when it is read; `secretctl-export` checks the names it renders with the same functions.

/// The Secret every key goes into when its `k8s_secret` names none.
pub const DEFAULT_SECRET_TEMPLATE: &str = "{instance}-secrets";

/// A DNS-1123 label (a namespace): at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
#[must_use]
pub fn is_dns1123_label(s: &str) -> bool {
    s.len() <= 63 && is_label_chars(s)
}

/// A DNS-1123 subdomain (a Secret's name): at most 253 characters, dot-separated DNS-1123 labels.
#[must_use]
pub fn is_dns1123_subdomain(s: &str) -> bool {
    // Each dot-separated part follows the label charset rule; the label length limit does not apply to parts.
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_label_chars)
}

/// 1 or more of `[a-z0-9-]`, starting and ending with a letter or digit.
fn is_label_chars(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            b.iter()
                .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && first != b'-'
                && last != b'-'
        }
        _ => false,
    }
}

/// A Secret (or ConfigMap) data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.`, `..` or `..`-prefixed.
#[must_use]
pub fn is_data_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
        && s != "."
        && !s.starts_with("..")
}

/// A label value: empty, or at most 63 characters of `[-_.a-zA-Z0-9]` starting and ending alphanumeric.
#[must_use]
pub fn is_label_value(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            b.len() <= 63
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
        }
        _ => true,
    }
}

/// Expand a Secret name template such as `{instance}-db-credentials`. Only `{instance}` is known: a template with
/// any other brace gives `None`, rather than a name that Kubernetes would refuse later.
#[must_use]
pub fn expand_template(template: &str, instance: &str) -> Option<String> {
    let expanded = template.replace("{instance}", instance);
    (!expanded.contains(['{', '}'])).then_some(expanded)
}

/// The name of the Secret a key with `k8s_secret` (`None`: [`DEFAULT_SECRET_TEMPLATE`]) goes into, for the instance
/// named `instance`; `None` when the template has a placeholder other than `{instance}`.
#[must_use]
pub fn secret_name(k8s_secret: Option<&str>, instance: &str) -> Option<String> {
    expand_template(k8s_secret.unwrap_or(DEFAULT_SECRET_TEMPLATE), instance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_name_rules() {
        assert!(is_dns1123_subdomain("demo-db-credentials"));
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(is_dns1123_subdomain(&"a".repeat(253)));
        for bad in [
            "",
            "Demo",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a_b",
            "a b",
            &"a".repeat(254),
        ] {
            assert!(!is_dns1123_subdomain(bad), "{bad:?}");
        }
        assert!(is_dns1123_label("prod-1"));
        assert!(is_dns1123_label(&"a".repeat(63)));
        for bad in ["", "a.b", "A", "-a", &"a".repeat(64)] {
            assert!(!is_dns1123_label(bad), "{bad:?}");
        }
        for good in ["MYSQL_PASSWORD", "a.b-c_d", "-x", "1", ".x", "database-url"] {
            assert!(is_data_key(good), "{good:?}");
        }
        for bad in ["", ".", "..", "..x", "a b", "a/b", "a:b", &"a".repeat(254)] {
            assert!(!is_data_key(bad), "{bad:?}");
        }
        for good in ["", "demo", "a.b_c-d", &"a".repeat(63)] {
            assert!(is_label_value(good), "{good:?}");
        }
        for bad in ["-a", "a-", "a/b", &"a".repeat(64)] {
            assert!(!is_label_value(bad), "{bad:?}");
        }
    }

    #[test]
    fn templates_expand_instance_only() {
        assert_eq!(
            expand_template("{instance}-db", "wiki").as_deref(),
            Some("wiki-db")
        );
        assert_eq!(expand_template("fixed", "wiki").as_deref(), Some("fixed"));
        assert!(expand_template("{host}-db", "wiki").is_none());
        assert!(expand_template("{instance", "wiki").is_none());
        assert_eq!(secret_name(None, "wiki").as_deref(), Some("wiki-secrets"));
    }
}

//! Content detection: does a value *look like* a credential, whatever its key is called?
//!
//! This is the second line of defence behind the classification ([`crate::Instance::is_secret`]): a key the
//! schema declares `plain = true` is still refused in plaintext (by `gitops push` and `gitops check`) when its
//! value has the shape of a credential. [`detect`] is a pure function of the value; it never looks at the key's
//! name (names are what the operator declares, shapes are what leaks).
//!
//! The rules, in the order they are tried ([`Rule`] names each):
//!
//! | rule | fires on |
//! |---|---|
//! | `private-key` | a PEM private key (`-----BEGIN ... PRIVATE KEY-----`, also OpenSSH, encrypted and PGP private key blocks), an age identity (`AGE-SECRET-KEY-1...`), a PuTTY key file |
//! | `jwt` | three dot-separated base64url segments whose first two start with `eyJ` (a JSON object) |
//! | `aws-access-key-id` | `AKIA`, `ASIA` and the other AWS key-id prefixes followed by 16 upper-case letters or digits |
//! | `github-token` | `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` followed by 30 or more letters and digits; `github_pat_...` |
//! | `gitlab-token` | `glpat-`, `gldt-`, `glrt-`, `gloas-`, `glcbt-`, `glptt-`, `glft-`, `glimt-`, `glagent-`, `glsoat-`, `glffct-` followed by 20 or more characters |
//! | `slack-webhook` | `https://hooks.slack.com/services/...` (and `/workflows/`, `/triggers/`) |
//! | `slack-token` | `xoxb-`, `xoxp-`, `xoxa-`, `xoxo-`, `xoxr-`, `xoxs-`, `xapp-` followed by 10 or more characters |
//! | `stripe-key` | `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`, `whsec_` followed by 16 or more letters and digits |
//! | `url-password` | a URL whose userinfo has a password: `scheme://user:PASSWORD@host`, `redis://:PASSWORD@host` |
//! | `high-entropy` | a run of 20 or more base64/base64url characters that looks random (see below) |
//!
//! **Not** credentials, by decision (each has a test): host names, ports, paths, booleans, numbers, e-mail
//! addresses, URLs without a password (or whose password is only a `${VAR}` reference, which the file resolves from
//! another key), version strings, image names, identifiers made of words (`my-project-2024`, `myProjectName`),
//! UUIDs (identifiers of tenants, clients and instances are ordinary configuration), content digests written with
//! their algorithm (`sha256:<hex>`, as in image digests), public keys (SSH `ssh-ed25519 AAAA...`, age recipients
//! `age1...`, PEM certificates and public keys) and Stripe publishable keys (`pk_live_...`, public by design).
//!
//! **Looks random** (`high-entropy`): a token is a maximal run of `A-Z a-z 0-9 + / = _ -`. It fires when it has
//! at least 20 letters and digits, both letters and digits, a Shannon entropy of at least 3 bits per character,
//! and one of:
//! - its letters and digits split into runs of one class (lower case; upper case, where a capital followed by lower
//!   case counts as one word; digits) that average under 3.2 characters: words and numbers make long runs
//!   (`release-2024-build` averages 5.3), random text short ones (base62 about 1.9, hex 2.1, lower case and
//!   digits 2.5);
//! - six consonants in a row (`y` counts as a vowel), which words rarely have and random letters often do;
//! - it is all hex digits, 32 or more (a 128-bit key, or a hash such as a git commit id, which `--allow-plain`
//!   accepts once reviewed).
//!
//! A random string of mostly lower-case letters can still escape it: content detection is a second line behind
//! "every key is secret unless declared plain", not a replacement.
//!
//! # Examples
//!
//! ```
//! use secretctl_instance::credential::{detect, Rule};
//!
//! assert_eq!(detect("postgres://app:hunter2@db/app"), Some(Rule::UrlPassword));
//! assert_eq!(detect("postgres://app:${DB_PASSWORD}@db/app"), None);
//! assert_eq!(detect("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), Some(Rule::HighEntropy));
//! assert_eq!(detect("db.internal.example.org"), None);
//! assert_eq!(Rule::UrlPassword.id(), "url-password");
//! ```

use std::fmt;

/// Which shape of credential a value has (see the module documentation for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A PEM or OpenSSH private key, an age identity, a PuTTY key file.
    PrivateKey,
    /// A JSON Web Token.
    Jwt,
    /// An AWS access key id.
    AwsAccessKeyId,
    /// A GitHub token.
    GithubToken,
    /// A GitLab token.
    GitlabToken,
    /// A Slack incoming-webhook URL.
    SlackWebhook,
    /// A Slack token.
    SlackToken,
    /// A Stripe secret or restricted key, or a webhook signing secret.
    StripeKey,
    /// A URL with a password in its userinfo.
    UrlPassword,
    /// A long string that looks random.
    HighEntropy,
}

impl Rule {
    /// Every rule, in the order [`detect`] tries them.
    pub const ALL: [Rule; 10] = [
        Rule::PrivateKey,
        Rule::Jwt,
        Rule::AwsAccessKeyId,
        Rule::GithubToken,
        Rule::GitlabToken,
        Rule::SlackWebhook,
        Rule::SlackToken,
        Rule::StripeKey,
        Rule::UrlPassword,
        Rule::HighEntropy,
    ];

    /// The rule's stable name (`url-password`, `high-entropy`, ...), as messages and `--json` print it.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Rule::PrivateKey => "private-key",
            Rule::Jwt => "jwt",
            Rule::AwsAccessKeyId => "aws-access-key-id",
            Rule::GithubToken => "github-token",
            Rule::GitlabToken => "gitlab-token",
            Rule::SlackWebhook => "slack-webhook",
            Rule::SlackToken => "slack-token",
            Rule::StripeKey => "stripe-key",
            Rule::UrlPassword => "url-password",
            Rule::HighEntropy => "high-entropy",
        }
    }

    /// What the value looks like, in the operator's words.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Rule::PrivateKey => "a private key",
            Rule::Jwt => "a JSON Web Token",
            Rule::AwsAccessKeyId => "an AWS access key id",
            Rule::GithubToken => "a GitHub token",
            Rule::GitlabToken => "a GitLab token",
            Rule::SlackWebhook => "a Slack webhook URL",
            Rule::SlackToken => "a Slack token",
            Rule::StripeKey => "a Stripe secret key",
            Rule::UrlPassword => "a URL with a password",
            Rule::HighEntropy => "a long random string",
        }
    }

    fn fires(self, value: &str) -> bool {
        match self {
            Rule::PrivateKey => private_key(value),
            Rule::Jwt => tokens(value, |c| is_b64url(c) || c == '.').any(is_jwt),
            Rule::AwsAccessKeyId => tokens(value, |c| c.is_ascii_alphanumeric()).any(is_aws_key_id),
            Rule::GithubToken => {
                tokens(value, |c| c.is_ascii_alphanumeric() || c == '_').any(is_github)
            }
            Rule::GitlabToken => tokens(value, is_b64url).any(is_gitlab),
            Rule::SlackWebhook => slack_webhook(value),
            Rule::SlackToken => {
                tokens(value, |c| c.is_ascii_alphanumeric() || c == '-').any(is_slack)
            }
            Rule::StripeKey => {
                tokens(value, |c| c.is_ascii_alphanumeric() || c == '_').any(is_stripe)
            }
            Rule::UrlPassword => url_password(value),
            Rule::HighEntropy => high_entropy(value),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description(), self.id())
    }
}

/// The first [`Rule`] that `value` matches, or `None` when it does not look like a credential.
#[must_use]
pub fn detect(value: &str) -> Option<Rule> {
    Rule::ALL.into_iter().find(|r| r.fires(value))
}

/// The maximal runs of characters for which `keep` holds.
fn tokens(value: &str, keep: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    value
        .split(move |c: char| !keep(c))
        .filter(|t| !t.is_empty())
}

fn is_b64url(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn private_key(value: &str) -> bool {
    if value.contains("AGE-SECRET-KEY-1") || value.contains("PuTTY-User-Key-File-") {
        return true;
    }
    let mut rest = value;
    while let Some(i) = rest.find("-----BEGIN ") {
        let header = &rest[i + "-----BEGIN ".len()..];
        let line = header.split(['\n', '\r']).next().unwrap_or(header);
        if let Some(end) = line.find("-----") {
            let label = &line[..end];
            if label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK") {
                return true;
            }
        }
        rest = header;
    }
    false
}

fn is_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts[..2]
            .iter()
            .all(|p| p.len() >= 10 && p.starts_with("eyJ"))
}

const AWS_PREFIXES: [&str; 12] = [
    "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA",
];

fn is_aws_key_id(token: &str) -> bool {
    token.len() == 20
        && AWS_PREFIXES.iter().any(|p| token.starts_with(p))
        && token
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn rest_after<'a>(token: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| token.strip_prefix(p))
}

fn is_github(token: &str) -> bool {
    if let Some(rest) = rest_after(token, &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) {
        return rest.len() >= 30 && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    }
    token
        .strip_prefix("github_pat_")
        .is_some_and(|rest| rest.len() >= 22)
}

const GITLAB_PREFIXES: [&str; 11] = [
    "glpat-", "gldt-", "glrt-", "gloas-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-",
    "glsoat-", "glffct-",
];

fn is_gitlab(token: &str) -> bool {
    rest_after(token, &GITLAB_PREFIXES).is_some_and(|rest| rest.len() >= 20)
}

fn is_slack(token: &str) -> bool {
    let prefixes = [
        "xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xapp-",
    ];
    rest_after(token, &prefixes).is_some_and(|rest| rest.len() >= 10)
}

fn is_stripe(token: &str) -> bool {
    let prefixes = ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"];
    rest_after(token, &prefixes)
        .is_some_and(|rest| rest.len() >= 16 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn slack_webhook(value: &str) -> bool {
    value.match_indices("hooks.slack.com/").any(|(i, m)| {
        let path = &value[i + m.len()..];
        ["services/", "workflows/", "triggers/"].iter().any(|kind| {
            path.strip_prefix(kind).is_some_and(|rest| {
                rest.chars()
                    .take_while(|c| !c.is_whitespace())
                    .filter(char::is_ascii_alphanumeric)
                    .count()
                    >= 8
            })
        })
    })
}

/// A password that is only a reference to another variable (`${DB_PASSWORD}`, `$DB_PASSWORD`): the file holds no
/// secret, Compose fills it in from another key.
fn is_reference(password: &str) -> bool {
    let name_ok = |n: &str| {
        let mut chars = n.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if let Some(inner) = password
        .strip_prefix("${")
        .and_then(|s| s.strip_suffix('}'))
    {
        let name = inner.split([':', '-', '?', '+']).next().unwrap_or_default();
        return !inner.contains(['$', '{', '}']) && name_ok(name) && name.len() == inner.len();
    }
    password.strip_prefix('$').is_some_and(name_ok)
}

fn url_password(value: &str) -> bool {
    value.match_indices("://").any(|(i, _)| {
        // The scheme: letters, digits, `+ - .`, starting with a letter, right before `://`.
        let scheme_len = value[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .count();
        let scheme = &value[i - scheme_len..i];
        if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return false;
        }
        let rest = &value[i + 3..];
        let authority = rest.split(char::is_whitespace).next().unwrap_or_default();
        // The userinfo ends at the first `@` that comes before any `/` (a path).
        let Some(at) = authority.find('@') else {
            return false;
        };
        if authority[..at].contains('/') {
            return false;
        }
        match authority[..at].split_once(':') {
            Some((_, password)) => !password.is_empty() && !is_reference(password),
            None => false,
        }
    })
}

fn is_uuid(token: &str) -> bool {
    let groups: Vec<&str> = token.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Algorithms whose `<alg>:<hex>` is a content digest (an image digest, a checksum), which names public content.
const DIGEST_PREFIXES: [&str; 6] = ["sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:"];

/// Public key material whose base64 is random-looking by nature.
fn is_public_key_material(value: &str) -> bool {
    const SSH: [&str; 6] = [
        "ssh-rsa ",
        "ssh-ed25519 ",
        "ssh-dss ",
        "ecdsa-sha2-",
        "sk-ssh-ed25519",
        "sk-ecdsa-sha2-",
    ];
    let t = value.trim_start();
    SSH.iter().any(|p| t.starts_with(p)) || (value.contains("-----BEGIN ") && !private_key(value))
}

fn shannon_entropy(token: &str) -> f64 {
    let mut counts = [0u32; 128];
    let mut n = 0u32;
    for b in token.bytes().filter(u8::is_ascii) {
        counts[usize::from(b)] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            // libm's log2, not f64::log2: see the workspace manifest (no C math library at start-up).
            -p * libm::log2(p)
        })
        .sum()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Lower,
    Upper,
    Digit,
}

fn class_of(b: u8) -> Option<Class> {
    match b {
        b'a'..=b'z' => Some(Class::Lower),
        b'A'..=b'Z' => Some(Class::Upper),
        b'0'..=b'9' => Some(Class::Digit),
        _ => None,
    }
}

/// The letters and digits of `token`, and how many runs of one class they form (a separator ends a run; a capital
/// followed by lower case is one word).
fn runs(token: &str) -> (usize, usize) {
    let bytes = token.as_bytes();
    let (mut alnum, mut runs) = (0usize, 0usize);
    let mut prev: Option<Class> = None;
    let mut prev_single_upper = false;
    for (i, &b) in bytes.iter().enumerate() {
        let Some(c) = class_of(b) else {
            prev = None;
            continue;
        };
        alnum += 1;
        let capitalised = prev == Some(Class::Upper) && c == Class::Lower && prev_single_upper;
        if prev != Some(c) && !capitalised {
            runs += 1;
        }
        prev_single_upper =
            c == Class::Upper && (i == 0 || class_of(bytes[i - 1]) != Some(Class::Upper));
        prev = Some(c);
    }
    (alnum, runs)
}

fn looks_random(token: &str) -> bool {
    let token = token.trim_end_matches('=');
    let (alnum, runs) = runs(token);
    if alnum < 20 || runs == 0 || is_uuid(token) {
        return false;
    }
    let has_digit = token.bytes().any(|b| b.is_ascii_digit());
    let has_letter = token.bytes().any(|b| b.is_ascii_alphabetic());
    // alnum and runs are at most a few thousand: exact in f64.
    #[allow(clippy::cast_precision_loss)] // both counts are far below 2^52
    let mean_run = alnum as f64 / runs as f64;
    // A hex string of 32 digits or more (128 bits) is a key or a hash whatever its runs.
    let long_hex = alnum >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit());
    has_digit
        && has_letter
        && shannon_entropy(token) >= 3.0
        && (long_hex || mean_run < 3.2 || consonant_cluster(token))
}

/// Six consonants in a row (`y` counts as a vowel): rare in words, common in random letters.
fn consonant_cluster(token: &str) -> bool {
    let mut run = 0;
    for b in token.bytes() {
        let b = b.to_ascii_lowercase();
        if b.is_ascii_lowercase() && !matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y') {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Each maximal run of characters for which `keep` holds, with its byte offset in `value`.
fn spans(value: &str, keep: impl Fn(char) -> bool) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in value.char_indices() {
        match (keep(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &value[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &value[s..]));
    }
    out
}

fn high_entropy(value: &str) -> bool {
    if is_public_key_material(value) {
        return false;
    }
    let keep = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-');
    spans(value, keep).into_iter().any(|(start, piece)| {
        let digest = piece.bytes().all(|b| b.is_ascii_hexdigit())
            && DIGEST_PREFIXES.iter().any(|p| value[..start].ends_with(p));
        let age_recipient = piece.starts_with("age1")
            && piece
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let publishable = piece.starts_with("pk_live_") || piece.starts_with("pk_test_");
        !digest && !age_recipient && !publishable && looks_random(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn fires(rule: Rule, value: &str) {
        assert_eq!(
            detect(value),
            Some(rule),
            "{value:?} should be {}",
            rule.id()
        );
    }

    #[track_caller]
    fn quiet(value: &str) {
        assert_eq!(detect(value), None, "{value:?} is ordinary configuration");
    }

    #[test]
    fn private_keys() {
        fires(
            Rule::PrivateKey,
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        );
        fires(
            Rule::PrivateKey,
            "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAA\\n",
        );
        fires(Rule::PrivateKey, "-----BEGIN PRIVATE KEY-----");
        fires(Rule::PrivateKey, "-----BEGIN ENCRYPTED PRIVATE KEY-----");
        fires(Rule::PrivateKey, "-----BEGIN EC PRIVATE KEY-----");
        fires(Rule::PrivateKey, "-----BEGIN PGP PRIVATE KEY BLOCK-----");
        fires(
            Rule::PrivateKey,
            "AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSQ5XJ0F",
        );
        fires(Rule::PrivateKey, "PuTTY-User-Key-File-3: ssh-ed25519");
    }

    #[test]
    fn jwts() {
        fires(
            Rule::Jwt,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        );
        // An unsigned token (alg none) still carries claims.
        fires(
            Rule::Jwt,
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
        );
        quiet("eyJ.eyJ.x");
    }

    #[test]
    fn cloud_and_forge_tokens() {
        fires(Rule::AwsAccessKeyId, "AKIAIOSFODNN7EXAMPLE");
        fires(Rule::AwsAccessKeyId, "id=ASIAY34FZKBOKMUTVV7A;");
        fires(
            Rule::GithubToken,
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        );
        fires(
            Rule::GithubToken,
            "ghs_abcdefghijklmnopqrstuvwxyz0123456789",
        );
        fires(
            Rule::GithubToken,
            "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd",
        );
        fires(Rule::GitlabToken, "glpat-xxxxxxxxxxxxxxxxxxxx");
        fires(Rule::GitlabToken, "gldt-abcdefghij0123456789");
        fires(Rule::SlackToken, "xoxb-1234567890-abcdefghij");
        fires(Rule::SlackToken, "xapp-1-A0123456789-abc");
        fires(
            Rule::SlackWebhook,
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        );
        fires(
            Rule::SlackWebhook,
            "https://hooks.slack.com/workflows/T0/A0/12345678/abcdefgh",
        );
        fires(Rule::StripeKey, "sk_live_abcdefghijklmnop1234");
        fires(Rule::StripeKey, "rk_test_51H0000000000000000000000");
        fires(Rule::StripeKey, "whsec_abcdefghijklmnopqrstuvwx");
    }

    #[test]
    fn urls_with_a_password() {
        fires(Rule::UrlPassword, "postgres://app:pw@db/app");
        fires(Rule::UrlPassword, "redis://:s3cret@redis:6379/0");
        fires(Rule::UrlPassword, "amqp://guest:gu#est@rabbit:5672/vhost");
        fires(
            Rule::UrlPassword,
            "mongodb+srv://admin:hunter2@cluster0.example.net/db?retryWrites=true",
        );
        fires(Rule::UrlPassword, "ldap://cn=admin:pw@ldap.example.org");
        // An escaped `$` is a password, not a reference.
        fires(Rule::UrlPassword, "postgres://app:$$pw@db/app");
    }

    #[test]
    fn random_strings() {
        fires(
            Rule::HighEntropy,
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        fires(Rule::HighEntropy, "5f4dcc3b5aa765d61d8327deb882cf99");
        fires(Rule::HighEntropy, "Xk9vR2mQ7pL4sT8wY3nB6cD1");
        fires(Rule::HighEntropy, "k8x2m9q4z7w1r5t3y6u0p2s8");
        fires(
            Rule::HighEntropy,
            "dGhpcyBpcyBhIHNlY3JldCB2YWx1ZSAxMjM0NQ==",
        );
        fires(
            Rule::HighEntropy,
            "django-insecure-3k9#x2ZqP8vR4mT7nB1cW6yL0dF5hJ",
        );
        // The high-entropy rule also catches tokens of services with no rule of their own.
        fires(
            Rule::HighEntropy,
            "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",
        );
        // A generated base62 secret of the lengths secretctl generates, from a fixed pseudo-random sequence.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for len in [24, 32, 40, 64] {
            for _ in 0..50 {
                let s: String = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        char::from(alphabet[usize::try_from(x % 62).unwrap()])
                    })
                    .collect();
                fires(Rule::HighEntropy, &s);
            }
        }
    }

    #[test]
    fn ordinary_configuration_is_not_a_credential() {
        for value in [
            "",
            "true",
            "false",
            "8080",
            "0.0.0.0:8080",
            "db",
            "db.internal.example.org",
            "db-primary-01.internal.example.org:5432",
            "/var/lib/postgresql/data/pgdata16",
            "/srv/app/config/production-settings.yaml",
            "C:\\Program Files\\App\\config.ini",
            "https://shop.example.org",
            "https://github.com/organization-name/repository-name/releases/download/v1.2.3/app.tar.gz",
            "https://example.org/api/v1/users?id=12345&page=2",
            "postgres://app@db/app",
            "postgres://app:${DB_PASSWORD}@db/app",
            "postgres://app:$DB_PASSWORD@db:5432/app",
            "redis://redis:6379/0",
            "ops@example.org",
            "Europe/Amsterdam",
            "en_US.UTF-8",
            "0 3 * * *",
            "info",
            "my-awesome-project-2024",
            "myAwesomeProjectName2024",
            "release-2024-01-01-build-1234",
            "nginx/nginx-prometheus-exporter:1.1.0",
            "ghcr.io/example-org/web-frontend:2024.06.1",
            "registry.example.org/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "123e4567-e89b-12d3-a456-426614174000",
            "12345678901234567890123",
            "v1.2.3-alpha.20240101",
            "pk_live_51H0000000000000000000000abcdefgh",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@host",
            "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----",
            "secretctl:vars:DB_PASSWORD",
            "admin",
            "%(asctime)s %(levelname)s %(message)s",
        ] {
            quiet(value);
        }
    }

    #[test]
    fn every_rule_has_a_name_and_a_description() {
        for rule in Rule::ALL {
            assert!(!rule.id().is_empty() && !rule.description().is_empty());
            assert!(rule.to_string().contains(rule.id()));
        }
    }
}

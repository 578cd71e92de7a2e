//! Immutable versioned secret names (`name_vN`) and Docker Swarm secret name rules.
//!
//! Operators on Docker Swarm keep secrets as immutable objects: a secret cannot be updated in place, so a rotation
//! creates a new object with the next version (`db_password_v2`) and moves the app's pointer to it
//! (`SECRET_DB_PASSWORD_VERSION=v2` in the instance's `.env`, the convention Co-op Cloud's recipes use). An existing
//! version is never rewritten.
//!
//! This crate owns the rules of those names:
//!
//! - [`VersionedName`]: `<base>_v<N>` with `N >= 1` written without leading zeros; [`FromStr`] and [`Display`](std::fmt::Display)
//!   round-trip exactly.
//! - [`swarm_name`]: the name `docker stack deploy` gives a stack's secret, `<stack>_<base>_v<N>`, checked against
//!   Swarm's rules (at most [`SWARM_NAME_MAX`] characters of `[A-Za-z0-9-_.]`, first and last a letter or digit).
//!   A name that is too long is reported with its exact length and the limit, before anything is deployed;
//!   [`swarm_budget`] tells how many characters are left.
//! - [`stack_from_domain`]: the stack name Co-op Cloud's `abra` derives from an app's domain.
//! - [`pointer`](mod@pointer): the version pointer keys in an envfile (`SECRET_<KEY>_VERSION`), and where each version's value
//!   is kept, read and bumped through the envfile crate's API.
//!
//! # Examples
//!
//! ```
//! use secretctl_naming::{stack_from_domain, swarm_name, VersionedName, SWARM_NAME_MAX};
//!
//! let name: VersionedName = "db_password_v1".parse()?;
//! assert_eq!(name.base(), "db_password");
//! assert_eq!(name.version(), 1);
//! let next = name.next()?;
//! assert_eq!(next.to_string(), "db_password_v2");
//!
//! let stack = stack_from_domain("wiki.example.com")?;
//! assert_eq!(stack, "wiki_example_com");
//! assert_eq!(swarm_name(&stack, &next)?, "wiki_example_com_db_password_v2");
//!
//! // One character over the limit is caught before deploy, with the exact length.
//! let long = VersionedName::new("a".repeat(SWARM_NAME_MAX - "s_".len() - "_v1".len() + 1), 1)?;
//! let err = swarm_name("s", &long).unwrap_err();
//! assert!(err.to_string().contains("65 characters"));
//! # Ok::<(), secretctl_naming::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::str::FromStr;

pub mod pointer;

/// The longest secret name Docker Swarm accepts (swarmkit's secret and config name validation).
pub const SWARM_NAME_MAX: usize = 64;

/// The longest stack name `abra` derives from a domain before it truncates (Co-op Cloud's
/// `MAX_SANITISED_APP_NAME_LENGTH`).
pub const ABRA_STACK_NAME_MAX: usize = 45;

/// The longest base name this crate accepts. Longer bases could never fit a Swarm name anyway; the bound keeps a
/// hostile input from being copied around without limit.
pub const BASE_MAX: usize = 255;

/// The largest version number. Versions are `u32`; the last one has no successor.
pub const VERSION_MAX: u32 = u32::MAX;

/// What went wrong with a name. Names are not secrets, so errors quote them (shortened when very long).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text has no `_v<N>` suffix.
    #[error("`{name}` is not a versioned name: expected `<base>_v<N>` (e.g. `db_password_v1`)")]
    NotVersioned {
        /// The text given (shortened).
        name: String,
    },
    /// The version part is not a positive integer without leading zeros, or is too large.
    #[error("`{name}`: the version must be a whole number from 1 to {max} without leading zeros", max = VERSION_MAX)]
    BadVersion {
        /// The text given (shortened).
        name: String,
    },
    /// The base part breaks a rule.
    #[error("`{base}` is not a valid base name: {reason}")]
    InvalidBase {
        /// The base given (shortened).
        base: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The version is the largest representable one, so there is no next version.
    #[error("`{name}` has the largest version number; it has no next version")]
    VersionOverflow {
        /// The name.
        name: String,
    },
    /// The stack name breaks a rule.
    #[error("`{stack}` is not a valid stack name: {reason}")]
    InvalidStack {
        /// The stack given (shortened).
        stack: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// No valid stack name can be derived from the domain.
    #[error("no stack name can be derived from the domain `{domain}`: {reason}; give the stack with --stack")]
    InvalidDomain {
        /// The domain given (shortened).
        domain: String,
        /// Why.
        reason: &'static str,
    },
    /// The Swarm secret name is longer than Swarm allows.
    #[error(
        "Docker Swarm secret name `{name}` is {length} characters; Swarm allows at most {limit} ({over} over): \
         shorten the stack or the secret's base name"
    )]
    SwarmTooLong {
        /// The full name.
        name: String,
        /// Its length in characters.
        length: usize,
        /// [`SWARM_NAME_MAX`].
        limit: usize,
        /// `length - limit`.
        over: usize,
    },
    /// The Swarm secret name has a character or an end Swarm refuses.
    #[error("`{name}` is not a valid Docker Swarm secret name: {reason}")]
    SwarmInvalid {
        /// The full name (shortened).
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A version pointer in an envfile does not hold a version like `v2`.
    #[error("{pointer_key} does not hold a version like `v2`; set it to the version in use")]
    BadPointer {
        /// The pointer key, e.g. `SECRET_DB_PASSWORD_VERSION`.
        pointer_key: String,
    },
    /// The key cannot be versioned (its lower-cased form is not a valid base name).
    #[error("{key} cannot be a versioned key: {reason}")]
    BadKey {
        /// The envfile key.
        key: String,
        /// Why.
        reason: &'static str,
    },
    /// The value key of the next version already exists; versions are immutable, so it is not overwritten.
    #[error(
        "{value_key} already exists; versions are immutable, so it is not overwritten: \
         remove it by hand if it is a leftover, or point {pointer_key} at it"
    )]
    VersionExists {
        /// The key that would hold the new version's value.
        value_key: String,
        /// The pointer key.
        pointer_key: String,
    },
    /// The envfile refused an edit.
    #[error("cannot edit the envfile: {0}")]
    Envfile(#[from] secretctl_envfile::EditError),
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> secretctl_error::ErrorKind {
        use secretctl_error::ErrorKind;
        match self {
            Self::BadPointer { .. } => ErrorKind::Invalid,
            Self::VersionExists { .. } => ErrorKind::Refused,
            Self::Envfile(e) => e.kind(),
            // A name, version, stack or key that breaks the naming rules or Docker Swarm's (too long, a bad
            // character, a version past the largest): a bad name, exit 2 from every command that meets one.
            _ => ErrorKind::Usage,
        }
    }
}

/// Longest excerpt of a hostile input an error repeats.
const QUOTE_MAX: usize = 80;

fn shorten(s: &str) -> String {
    if s.len() <= QUOTE_MAX {
        return s.to_owned();
    }
    let mut end = QUOTE_MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A versioned secret name: `<base>_v<N>`.
///
/// The base is 1 to [`BASE_MAX`] characters of ASCII letters, digits, `-`, `_` and `.`, starting and ending with a
/// letter or digit (so the name can sit inside a Docker Swarm name). `N` is from 1 to [`VERSION_MAX`], written
/// without leading zeros. Parsing splits at the *last* `_v`, so a base may itself contain `_v`
/// (`a_v1_v2` is version 2 of `a_v1`); `Display` writes `base`, `_v`, `N`, and the two round-trip.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionedName {
    base: String,
    version: u32,
}

impl VersionedName {
    /// A name from its parts.
    ///
    /// # Errors
    /// [`Error::InvalidBase`] when the base breaks a rule, [`Error::BadVersion`] for version 0.
    pub fn new(base: impl Into<String>, version: u32) -> Result<Self, Error> {
        let base = base.into();
        validate_base(&base)?;
        if version == 0 {
            return Err(Error::BadVersion {
                name: shorten(&format!("{base}_v0")),
            });
        }
        Ok(Self { base, version })
    }

    /// The base, e.g. `db_password`.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The version number, at least 1.
    #[must_use]
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The version as the pointer writes it: `v2`.
    #[must_use]
    pub fn version_tag(&self) -> String {
        format!("v{}", self.version)
    }

    /// The next version of the same base.
    ///
    /// # Errors
    /// [`Error::VersionOverflow`] when this is version [`VERSION_MAX`].
    pub fn next(&self) -> Result<Self, Error> {
        let version = self
            .version
            .checked_add(1)
            .ok_or_else(|| Error::VersionOverflow {
                name: shorten(&self.to_string()),
            })?;
        Ok(Self {
            base: self.base.clone(),
            version,
        })
    }
}

impl fmt::Display for VersionedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_v{}", self.base, self.version)
    }
}

impl FromStr for VersionedName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let Some(at) = s.rfind("_v") else {
            return Err(Error::NotVersioned { name: shorten(s) });
        };
        let (base, digits) = (&s[..at], &s[at + 2..]);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::NotVersioned { name: shorten(s) });
        }
        let version =
            parse_version(digits).ok_or_else(|| Error::BadVersion { name: shorten(s) })?;
        validate_base(base)?;
        Ok(Self {
            base: base.to_owned(),
            version,
        })
    }
}

/// Parse `N` of `vN`: decimal digits, no leading zero, 1..=VERSION_MAX.
fn parse_version(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Ten digits at most fit a u32; anything longer overflows without parsing it.
    if digits.len() > 10 {
        return None;
    }
    digits.parse::<u32>().ok()
}

/// Parse a version tag as pointers hold it: `v2` → 2.
///
/// # Errors
/// `None` when the text is not `v` followed by a version number without leading zeros.
#[must_use]
pub fn parse_version_tag(tag: &str) -> Option<u32> {
    tag.strip_prefix('v').and_then(parse_version)
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

fn validate_base(base: &str) -> Result<(), Error> {
    let err = |reason| Error::InvalidBase {
        base: shorten(base),
        reason,
    };
    let bytes = base.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return Err(err("it is empty"));
    };
    if bytes.len() > BASE_MAX {
        return Err(err("it is longer than 255 characters"));
    }
    if !bytes.iter().copied().all(is_name_char) {
        return Err(err(
            "only ASCII letters, digits, `-`, `_` and `.` are allowed",
        ));
    }
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(err("it must start and end with a letter or digit"));
    }
    Ok(())
}

/// Check a full Docker Swarm secret name against Swarm's rules and return how many characters are left.
///
/// Swarm (swarmkit's secret validation) accepts 1 to [`SWARM_NAME_MAX`] characters of `[A-Za-z0-9-_.]` whose first
/// and last character is a letter or digit.
///
/// # Errors
/// [`Error::SwarmTooLong`] with the exact length and limit, or [`Error::SwarmInvalid`] naming the broken rule.
pub fn validate_swarm_name(name: &str) -> Result<usize, Error> {
    let invalid = |reason| Error::SwarmInvalid {
        name: shorten(name),
        reason,
    };
    let bytes = name.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return Err(invalid("it is empty"));
    };
    if !bytes.iter().copied().all(is_name_char) {
        return Err(invalid(
            "only ASCII letters, digits, `-`, `_` and `.` are allowed",
        ));
    }
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(invalid(
            "the first and last character must be a letter or digit",
        ));
    }
    // All characters are ASCII here, so bytes are characters.
    let length = bytes.len();
    if length > SWARM_NAME_MAX {
        return Err(Error::SwarmTooLong {
            name: shorten(name),
            length,
            limit: SWARM_NAME_MAX,
            over: length - SWARM_NAME_MAX,
        });
    }
    Ok(SWARM_NAME_MAX - length)
}

fn validate_stack(stack: &str) -> Result<(), Error> {
    let err = |reason| Error::InvalidStack {
        stack: shorten(stack),
        reason,
    };
    let bytes = stack.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return Err(err("it is empty"));
    };
    if !bytes.iter().copied().all(is_name_char) {
        return Err(err(
            "only ASCII letters, digits, `-`, `_` and `.` are allowed",
        ));
    }
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(err("it must start and end with a letter or digit"));
    }
    Ok(())
}

/// The Docker Swarm secret name of `name` in `stack`: `<stack>_<base>_v<N>`, as `docker stack deploy` names a
/// stack's secrets, validated against Swarm's rules.
///
/// # Errors
/// [`Error::InvalidStack`] for a bad stack name, [`Error::SwarmTooLong`] (exact length and limit) or
/// [`Error::SwarmInvalid`] when the result breaks Swarm's rules.
pub fn swarm_name(stack: &str, name: &VersionedName) -> Result<String, Error> {
    validate_stack(stack)?;
    let full = format!("{stack}_{name}");
    validate_swarm_name(&full)?;
    Ok(full)
}

/// How many characters of [`SWARM_NAME_MAX`] remain for `<stack>_<base>_v<N>`; negative when it is over.
#[must_use]
pub fn swarm_budget(stack: &str, name: &VersionedName) -> i64 {
    let length = stack.len() + 1 + name.to_string().len();
    i64::try_from(SWARM_NAME_MAX).unwrap_or(i64::MAX) - i64::try_from(length).unwrap_or(i64::MAX)
}

/// The stack name Co-op Cloud's `abra` derives from an app's domain, made valid: every `.` becomes `_`
/// (`wiki.example.com` → `wiki_example_com`), a result longer than [`ABRA_STACK_NAME_MAX`] (45) characters is cut to
/// that length as abra does, and then what Docker refuses at either end (`_`, `-`, `.` left by the cut or by the
/// domain itself) is trimmed: a 44-character first label gives those 44 characters, not `…_`. The result is always
/// a valid stack name, so every versioned name short enough to fit is a valid Swarm name in it.
///
/// # Errors
/// [`Error::InvalidDomain`] when the domain has a character no stack name can hold (a space, `/`, a non-ASCII
/// letter: give the IDNA form `xn--…`) or no letter or digit at all (`...`).
pub fn stack_from_domain(domain: &str) -> Result<String, Error> {
    let err = |reason| Error::InvalidDomain {
        domain: shorten(domain),
        reason,
    };
    if !domain.bytes().all(is_name_char) {
        return Err(err(
            "a stack name holds only ASCII letters, digits, `-`, `_` and `.` (give a non-ASCII domain in its \
             IDNA form, xn--...)",
        ));
    }
    // All ASCII from here on, so bytes are characters.
    let cut = &domain[..domain.len().min(ABRA_STACK_NAME_MAX)];
    let stack = cut
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .replace('.', "_");
    if stack.is_empty() {
        return Err(err("it has no letter or digit to name a stack with"));
    }
    validate_stack(&stack)?;
    Ok(stack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use secretctl_error::{ErrorKind, Kind};

    #[test]
    fn error_kinds_follow_the_cli_contract() {
        // A name that breaks the naming rules is a usage error (exit 2)...
        let bad = "db_password_v01".parse::<VersionedName>().unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::Usage);
        let v1: VersionedName = "db_v1".parse().unwrap();
        let last = VersionedName::new("db", VERSION_MAX).unwrap();
        assert_eq!(last.next().unwrap_err().kind(), ErrorKind::Usage);
        // ...and so is a valid name that does not fit Swarm (a bad name wherever it is met).
        let long = VersionedName::new("b".repeat(60), 1).unwrap();
        assert_eq!(swarm_name("s", &long).unwrap_err().kind(), ErrorKind::Usage);
        assert_eq!(
            swarm_name("my stack", &v1).unwrap_err().kind(),
            ErrorKind::Usage
        );
        assert_eq!(
            swarm_name("stack-", &v1).unwrap_err().kind(),
            ErrorKind::Usage
        );
    }

    #[test]
    fn parses_and_displays() {
        let n: VersionedName = "db_password_v12".parse().unwrap();
        assert_eq!(n.base(), "db_password");
        assert_eq!(n.version(), 12);
        assert_eq!(n.to_string(), "db_password_v12");
        assert_eq!(n.version_tag(), "v12");
        let n: VersionedName = "a_v1_v2".parse().unwrap();
        assert_eq!((n.base(), n.version()), ("a_v1", 2));
    }

    #[test]
    fn rejects_bad_names() {
        for bad in [
            "",
            "v1",
            "_v1",
            "db_password",
            "db_password_v",
            "db_password_v0",
            "db_password_v01",
            "db_password_v1x",
            "db_password_V1",
            "db password_v1",
            "-db_v1",
            "db-_v1",
            "db_v4294967296",
            "db_v99999999999999999999999",
            "é_v1",
            "db_v+1",
            "db_v-1",
        ] {
            assert!(bad.parse::<VersionedName>().is_err(), "{bad:?} parsed");
        }
        assert!("db_v4294967295".parse::<VersionedName>().is_ok());
        assert!(VersionedName::new("db", 0).is_err());
        assert!(VersionedName::new("x".repeat(BASE_MAX + 1), 1).is_err());
        assert!(VersionedName::new("x".repeat(BASE_MAX), 1).is_ok());
    }

    #[test]
    fn next_version() {
        let n = VersionedName::new("db", 9).unwrap();
        assert_eq!(n.next().unwrap().to_string(), "db_v10");
        let last = VersionedName::new("db", VERSION_MAX).unwrap();
        assert!(matches!(last.next(), Err(Error::VersionOverflow { .. })));
    }

    #[test]
    fn swarm_budget_at_and_over_the_limit() {
        // stack "s" + "_" + base + "_v1" == 64 exactly.
        let base_len = SWARM_NAME_MAX - 2 - 3;
        let at = VersionedName::new("b".repeat(base_len), 1).unwrap();
        let name = swarm_name("s", &at).unwrap();
        assert_eq!(name.len(), 64);
        assert_eq!(swarm_budget("s", &at), 0);
        assert_eq!(validate_swarm_name(&name).unwrap(), 0);
        let over = VersionedName::new("b".repeat(base_len + 1), 1).unwrap();
        assert_eq!(swarm_budget("s", &over), -1);
        match swarm_name("s", &over) {
            Err(Error::SwarmTooLong {
                length,
                limit,
                over,
                ..
            }) => assert_eq!((length, limit, over), (65, 64, 1)),
            other => panic!("{other:?}"),
        }
        // The version going from 9 to 10 adds a character: v9 fits, v10 does not.
        let v9 = VersionedName::new("b".repeat(base_len), 9).unwrap();
        assert!(swarm_name("s", &v9).is_ok());
        assert!(swarm_name("s", &v9.next().unwrap()).is_err());
    }

    #[test]
    fn swarm_rules() {
        assert!(validate_swarm_name("a").is_ok());
        assert!(validate_swarm_name("a.b-c_d").is_ok());
        assert!(validate_swarm_name("").is_err());
        assert!(validate_swarm_name("_a").is_err());
        assert!(validate_swarm_name("a.").is_err());
        assert!(validate_swarm_name("a b").is_err());
        assert!(validate_swarm_name("a/b").is_err());
        let n = VersionedName::new("db", 1).unwrap();
        assert!(swarm_name("", &n).is_err());
        assert!(swarm_name("my stack", &n).is_err());
        assert!(swarm_name("_stack", &n).is_err());
        assert_eq!(swarm_name("app", &n).unwrap(), "app_db_v1");
    }

    #[test]
    fn stacks_from_domains() {
        let ok = |d: &str| stack_from_domain(d).unwrap();
        assert_eq!(ok("wiki.example.com"), "wiki_example_com");
        assert_eq!(ok("localhost"), "localhost");
        let long = format!("{}.example.com", "a".repeat(60));
        assert_eq!(ok(&long), "a".repeat(45));
        // The issue's case: a 44-character first label; abra's cut leaves `…a_`, which Swarm refuses.
        let label44 = format!("{}.example.com", "a".repeat(44));
        assert_eq!(ok(&label44), "a".repeat(44));
        let n = VersionedName::new("db_password", 1).unwrap();
        assert!(swarm_name(&ok(&label44), &n).is_ok());
        // A cut that ends on a hyphen, and dots at either end.
        assert_eq!(ok(&format!("{}-b.org", "a".repeat(44))), "a".repeat(44));
        assert_eq!(ok(".wiki.example.com."), "wiki_example_com");
        for bad in [
            "...",
            "",
            "-",
            "_._",
            "wiki example.com",
            "wiki/x",
            "wïki.com",
        ] {
            let err = stack_from_domain(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidDomain { .. }), "{bad:?}: {err}");
            assert_eq!(secretctl_error::Kind::kind(&err), ErrorKind::Usage);
        }
    }

    /// A domain as DNS writes it: labels of letters, digits and inner hyphens, at most 63 characters each.
    fn domain_strategy() -> impl Strategy<Value = String> {
        prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?", 1..6)
            .prop_map(|labels| labels.join("."))
    }

    #[test]
    fn version_tags() {
        assert_eq!(parse_version_tag("v1"), Some(1));
        assert_eq!(parse_version_tag("v10"), Some(10));
        for bad in ["", "v", "1", "v0", "v01", "V1", "v1 ", " v1", "v-1"] {
            assert_eq!(parse_version_tag(bad), None, "{bad:?}");
        }
    }

    fn base_strategy() -> impl Strategy<Value = String> {
        "[A-Za-z0-9]([A-Za-z0-9_.-]{0,40}[A-Za-z0-9])?"
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(base in base_strategy(), version in 1u32..) {
            let n = VersionedName::new(base, version).unwrap();
            let text = n.to_string();
            let back: VersionedName = text.parse().unwrap();
            prop_assert_eq!(&back, &n);
            prop_assert_eq!(back.to_string(), text);
        }

        #[test]
        fn parse_display_round_trip(s in "\\PC{0,40}") {
            if let Ok(n) = s.parse::<VersionedName>() {
                prop_assert_eq!(n.to_string(), s);
            }
        }

        #[test]
        fn every_valid_domain_gives_a_valid_stack(domain in domain_strategy(), version in 1u32..1000) {
            let stack = stack_from_domain(&domain).unwrap();
            prop_assert!(stack.len() <= ABRA_STACK_NAME_MAX);
            // What `name swarm --domain` checks: a short versioned name is a valid Swarm name in the stack.
            let n = VersionedName::new("db_password", version).unwrap();
            let full = swarm_name(&stack, &n).unwrap();
            prop_assert!(validate_swarm_name(&full).is_ok());
        }

        #[test]
        fn any_text_gives_a_valid_stack_or_an_error(text in "\\PC{0,80}") {
            if let Ok(stack) = stack_from_domain(&text) {
                prop_assert!(validate_stack(&stack).is_ok() && stack.len() <= ABRA_STACK_NAME_MAX);
            }
        }

        #[test]
        fn swarm_names_are_valid_or_over(stack in base_strategy(), base in base_strategy(), version in 1u32..) {
            let n = VersionedName::new(base, version).unwrap();
            let budget = swarm_budget(&stack, &n);
            match swarm_name(&stack, &n) {
                Ok(full) => {
                    prop_assert!(budget >= 0);
                    prop_assert!(full.len() <= SWARM_NAME_MAX);
                    prop_assert_eq!(full.len() as i64, 64 - budget);
                }
                Err(Error::SwarmTooLong { length, .. }) => {
                    prop_assert!(budget < 0);
                    prop_assert_eq!(length as i64, 64 - budget);
                }
                Err(e) => prop_assert!(false, "unexpected {}", e),
            }
        }
    }
}

//! Version pointers in an instance's envfile.
//!
//! A versioned key `KEY` (e.g. `DB_PASSWORD`) is kept in the `.env` as:
//!
//! ```text
//! DB_PASSWORD_V1=…                  # the value of version 1, never rewritten once written
//! DB_PASSWORD_V2=…                  # the value of version 2, added by a rotation
//! SECRET_DB_PASSWORD_VERSION=v2     # the pointer: the version the app uses (Co-op Cloud's convention)
//! ```
//!
//! The Docker Swarm secret of version `N` is `<stack>_<key in lower case>_v<N>` (`wiki_example_com_db_password_v2`);
//! [`versioned_name`] gives the `db_password_v2` part. A rotation ([`bump`]) adds the next version's value key and
//! moves the pointer; it refuses to touch a value key that already exists, so no version is ever rewritten.

use crate::{Error, VersionedName};

mod ops;
pub use ops::{advance, bump, current, current_value, Bumped};

/// The pointer key of `key`: `SECRET_<KEY>_VERSION`.
#[must_use]
pub fn pointer_key(key: &str) -> String {
    format!("SECRET_{key}_VERSION")
}

/// The key holding version `version`'s value: `<KEY>_V<N>`.
#[must_use]
pub fn value_key(key: &str, version: u32) -> String {
    format!("{key}_V{version}")
}

/// If `candidate` is the key of a version's value (`<KEY>_V<N>`, N without leading zeros), `(KEY, N)`. Whether
/// `KEY` is versioned at all is for the caller to say (its pointer exists, or a schema declares it).
#[must_use]
pub fn split_value_key(candidate: &str) -> Option<(&str, u32)> {
    let at = candidate.rfind("_V")?;
    let (key, digits) = (&candidate[..at], &candidate[at + 2..]);
    if key.is_empty() {
        return None;
    }
    crate::parse_version_tag(&format!("v{digits}")).map(|n| (key, n))
}

/// If `candidate` is a pointer key (`SECRET_<KEY>_VERSION`), the `KEY` it points for.
#[must_use]
pub fn pointed_key(candidate: &str) -> Option<&str> {
    candidate
        .strip_prefix("SECRET_")
        .and_then(|rest| rest.strip_suffix("_VERSION"))
        .filter(|k| !k.is_empty())
}

/// The versioned name of `key` at `version`: the key in lower case as the base (`DB_PASSWORD`, 2 →
/// `db_password_v2`).
///
/// # Errors
/// [`Error::BadKey`] when the lower-cased key is not a valid base (e.g. it starts with `_`).
pub fn versioned_name(key: &str, version: u32) -> Result<VersionedName, Error> {
    VersionedName::new(key.to_ascii_lowercase(), version).map_err(|e| Error::BadKey {
        key: crate::shorten(key),
        reason: match e {
            Error::InvalidBase { reason, .. } => reason,
            _ => "the version must be at least 1",
        },
    })
}

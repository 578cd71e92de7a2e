//! Reading and bumping pointers in an envfile.

use secretctl_envfile::EnvFile;

use super::{pointer_key, value_key, versioned_name};
use crate::{parse_version_tag, Error, VersionedName};

/// The version the pointer of `key` names, as a versioned name; `None` when there is no pointer (or it is empty).
///
/// # Errors
/// [`Error::BadPointer`] when the pointer does not hold `v<N>`; [`Error::BadKey`] when `key` cannot be versioned.
pub fn current(env: &EnvFile, key: &str) -> Result<Option<VersionedName>, Error> {
    let pointer = pointer_key(key);
    match env.get(&pointer) {
        None => Ok(None),
        Some("") => Ok(None),
        Some(tag) => {
            let version = parse_version_tag(tag).ok_or(Error::BadPointer {
                pointer_key: pointer,
            })?;
            versioned_name(key, version).map(Some)
        }
    }
}

/// The value of the version the pointer names: `(name, value)`, or `None` when there is no pointer. A pointer whose
/// value key is missing yields `Some((name, None))`, which a check reports.
///
/// # Errors
/// As [`current`].
pub fn current_value<'a>(
    env: &'a EnvFile,
    key: &str,
) -> Result<Option<(VersionedName, Option<&'a str>)>, Error> {
    Ok(current(env, key)?.map(|name| {
        let value = env.get(&value_key(key, name.version()));
        (name, value)
    }))
}

/// What [`bump`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bumped {
    /// The version the pointer named before, if any.
    pub previous: Option<VersionedName>,
    /// The version it names now.
    pub current: VersionedName,
    /// The key that now holds the new version's value.
    pub value_key: String,
    /// The pointer key.
    pub pointer_key: String,
}

/// Move the pointer of `key` to its next version (version 1 when there is no pointer) without writing a value:
/// for a key whose versions' values are kept elsewhere (the encrypted secret store). A value key of that version
/// in the envfile is refused as by [`bump`].
///
/// # Errors
/// As [`bump`].
pub fn advance(env: &mut EnvFile, key: &str) -> Result<Bumped, Error> {
    let previous = current(env, key)?;
    let next = match &previous {
        Some(name) => name.next()?,
        None => versioned_name(key, 1)?,
    };
    let pointer = pointer_key(key);
    let new_value_key = value_key(key, next.version());
    if env.contains(&new_value_key) {
        return Err(Error::VersionExists {
            value_key: new_value_key,
            pointer_key: pointer,
        });
    }
    env.set(&pointer, &next.version_tag())?;
    Ok(Bumped {
        previous,
        current: next,
        value_key: new_value_key,
        pointer_key: pointer,
    })
}

/// Add the next version of `key` with `value` and move the pointer to it (version 1 when there is no pointer).
///
/// Existing versions are never rewritten: when the new version's value key already exists, nothing changes and
/// [`Error::VersionExists`] is returned.
///
/// # Errors
/// [`Error::BadPointer`], [`Error::BadKey`], [`Error::VersionOverflow`], [`Error::VersionExists`], or
/// [`Error::Envfile`] when the envfile refuses the key.
pub fn bump(env: &mut EnvFile, key: &str, value: &str) -> Result<Bumped, Error> {
    let previous = current(env, key)?;
    let next = match &previous {
        Some(name) => name.next()?,
        None => versioned_name(key, 1)?,
    };
    let pointer = pointer_key(key);
    let new_value_key = value_key(key, next.version());
    if env.contains(&new_value_key) {
        return Err(Error::VersionExists {
            value_key: new_value_key,
            pointer_key: pointer,
        });
    }
    env.set(&new_value_key, value)?;
    env.set(&pointer, &next.version_tag())?;
    Ok(Bumped {
        previous,
        current: next,
        value_key: new_value_key,
        pointer_key: pointer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::{pointed_key, split_value_key};

    #[test]
    fn keys() {
        assert_eq!(pointer_key("DB_PASSWORD"), "SECRET_DB_PASSWORD_VERSION");
        assert_eq!(value_key("DB_PASSWORD", 3), "DB_PASSWORD_V3");
        assert_eq!(
            pointed_key("SECRET_DB_PASSWORD_VERSION"),
            Some("DB_PASSWORD")
        );
        assert_eq!(pointed_key("SECRET__VERSION"), None);
        assert_eq!(
            split_value_key("DB_PASSWORD_V12"),
            Some(("DB_PASSWORD", 12))
        );
        assert_eq!(split_value_key("A_V1_V2"), Some(("A_V1", 2)));
        for not in [
            "DB_PASSWORD",
            "_V1",
            "X_V0",
            "X_V01",
            "X_V",
            "X_V1a",
            "X_v1",
        ] {
            assert_eq!(split_value_key(not), None, "{not}");
        }
        assert_eq!(pointed_key("DB_PASSWORD"), None);
        assert_eq!(
            versioned_name("DB_PASSWORD", 2).unwrap().to_string(),
            "db_password_v2"
        );
        assert!(versioned_name("_X", 1).is_err());
    }

    #[test]
    fn bump_adds_a_version_and_moves_the_pointer() {
        let input = "# app\nDB_PASSWORD_V1=first\nSECRET_DB_PASSWORD_VERSION=v1\nOTHER=x\n";
        let mut env = EnvFile::parse(input).unwrap();
        assert_eq!(current(&env, "DB_PASSWORD").unwrap().unwrap().version(), 1);
        let b = bump(&mut env, "DB_PASSWORD", "second").unwrap();
        assert_eq!(b.previous.unwrap().version(), 1);
        assert_eq!(b.current.to_string(), "db_password_v2");
        assert_eq!(env.get("DB_PASSWORD_V1"), Some("first"));
        assert_eq!(env.get("DB_PASSWORD_V2"), Some("second"));
        assert_eq!(env.get("SECRET_DB_PASSWORD_VERSION"), Some("v2"));
        let (name, value) = current_value(&env, "DB_PASSWORD").unwrap().unwrap();
        assert_eq!((name.version(), value), (2, Some("second")));
        // The first version's line is byte-identical.
        assert!(env.render().contains("DB_PASSWORD_V1=first\n"));
    }

    #[test]
    fn bump_starts_at_one_and_never_overwrites() {
        let mut env = EnvFile::parse("").unwrap();
        let b = bump(&mut env, "API_TOKEN", "a").unwrap();
        assert_eq!((b.previous, b.current.version()), (None, 1));
        // A leftover V2 (pointer still at v1) is not overwritten.
        env.set("API_TOKEN_V2", "leftover").unwrap();
        let before = env.render();
        assert!(matches!(
            bump(&mut env, "API_TOKEN", "b"),
            Err(Error::VersionExists { .. })
        ));
        assert_eq!(env.render(), before);
    }

    #[test]
    fn bad_pointer_is_an_error() {
        let env = EnvFile::parse("SECRET_X_VERSION=2\n").unwrap();
        assert!(matches!(current(&env, "X"), Err(Error::BadPointer { .. })));
        let env = EnvFile::parse("SECRET_X_VERSION=\n").unwrap();
        assert_eq!(current(&env, "X").unwrap(), None);
    }
}

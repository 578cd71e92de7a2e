//! Reading and writing the records in an envfile.

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{fingerprint_key, rotated_key, DOMAIN, FINGERPRINT_BYTES, INSTANCE_KEY};
use crate::{Error, Generator};

/// When `key` was last generated or recorded by secretctl, if recorded. Accepts RFC 3339 (what secretctl writes)
/// or a plain date `YYYY-MM-DD` (midnight UTC), which is easier to write by hand.
///
/// # Errors
/// [`Error::BadRecord`] when the record holds neither.
pub fn rotated_at(env: &EnvFile, key: &str) -> Result<Option<OffsetDateTime>, Error> {
    let record = rotated_key(key);
    let Some(text) = env.get(&record).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let bad = || Error::BadRecord {
        key: record.clone(),
        expected: "a date like 2026-11-24 or 2026-11-24T05:41:10Z",
    };
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(Some(t));
    }
    let date = time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| bad())?;
    Ok(Some(date.midnight().assume_utc()))
}

/// How a value compares with its recorded fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fingerprint {
    /// The value is the one recorded.
    Matches,
    /// The value changed since it was recorded.
    Differs,
    /// No fingerprint is recorded for the key.
    NotRecorded,
}

fn instance_key(env: &EnvFile) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, Error> {
    let Some(text) = env.get(INSTANCE_KEY) else {
        return Ok(None);
    };
    let bytes = hex::decode(text)
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or(Error::BadRecord {
            key: INSTANCE_KEY.to_owned(),
            expected: "64 hexadecimal digits",
        })?;
    Ok(Some(zeroize::Zeroizing::new(bytes)))
}

fn fingerprint(instance_key: &[u8], key: &str, value: &str) -> [u8; FINGERPRINT_BYTES] {
    #[allow(clippy::expect_used)] // HMAC accepts a key of any length; this cannot fail
    let mut mac = Hmac::<Sha256>::new_from_slice(instance_key).expect("HMAC takes any key length");
    // Length-prefixed fields: no two (key, value) pairs feed the MAC the same bytes.
    mac.update(DOMAIN);
    mac.update(&(key.len() as u64).to_be_bytes());
    mac.update(key.as_bytes());
    mac.update(&(value.len() as u64).to_be_bytes());
    mac.update(value.as_bytes());
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; FINGERPRINT_BYTES];
    out.copy_from_slice(&full[..FINGERPRINT_BYTES]);
    out
}

/// Compare `value` with the fingerprint recorded for `key` (in constant time).
///
/// # Errors
/// [`Error::BadRecord`] when a fingerprint is recorded but is malformed, or the instance key is missing or malformed.
pub fn fingerprint_status(env: &EnvFile, key: &str, value: &str) -> Result<Fingerprint, Error> {
    let record = fingerprint_key(key);
    let Some(text) = env.get(&record).filter(|t| !t.is_empty()) else {
        return Ok(Fingerprint::NotRecorded);
    };
    let recorded = hex::decode(text)
        .ok()
        .filter(|b| b.len() == FINGERPRINT_BYTES)
        .ok_or(Error::BadRecord {
            key: record,
            expected: "32 hexadecimal digits",
        })?;
    let ik = instance_key(env)?.ok_or(Error::BadRecord {
        key: INSTANCE_KEY.to_owned(),
        expected: "the instance key the fingerprints were made with (it is missing)",
    })?;
    let now = fingerprint(&ik, key, value);
    Ok(if bool::from(now.ct_eq(recorded.as_slice())) {
        Fingerprint::Matches
    } else {
        Fingerprint::Differs
    })
}

/// The current time in whole seconds, as records hold it.
#[must_use]
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Record that `key` now holds `value`: its rotation date (`at`), and for a one-shot key its fingerprint (creating
/// the instance key on first use).
///
/// # Errors
/// [`Error::Envfile`] when the envfile refuses a record key, [`Error::Rng`] when the instance key cannot be
/// generated, [`Error::BadRecord`] when an existing instance key is malformed.
pub fn record(
    env: &mut EnvFile,
    key: &str,
    value: &str,
    one_shot: bool,
    at: OffsetDateTime,
) -> Result<(), Error> {
    let stamp = at
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .map_err(|_| Error::BadRecord {
            key: rotated_key(key),
            expected: "a date that RFC 3339 can write",
        })?;
    env.set(&rotated_key(key), &stamp)?;
    if one_shot {
        let ik = match instance_key(env)? {
            Some(ik) => ik,
            None => {
                let fresh = Generator::Hex(64).try_generate()?;
                env.set(INSTANCE_KEY, fresh.expose_secret())?;
                instance_key(env)?.ok_or(Error::BadRecord {
                    key: INSTANCE_KEY.to_owned(),
                    expected: "64 hexadecimal digits",
                })?
            }
        };
        env.set(
            &fingerprint_key(key),
            &hex::encode(fingerprint(&ik, key, value)),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn records_round_trip_through_the_envfile() {
        let mut env = EnvFile::parse("# my app\nAPP_SECRET_KEY=abc\n").unwrap();
        let at = datetime!(2026-11-24 05:41:10.5 UTC);
        record(&mut env, "APP_SECRET_KEY", "abc", true, at).unwrap();
        let text = env.render();
        assert!(text.starts_with("# my app\nAPP_SECRET_KEY=abc\n"), "{text}");
        assert!(
            text.contains("SECRETCTL_ROTATED_APP_SECRET_KEY=2026-11-24T05:41:10Z\n"),
            "{text}"
        );
        // The fingerprint is not a plain hash of the value: it depends on the instance key.
        let env = EnvFile::parse(&text).unwrap();
        assert_eq!(
            rotated_at(&env, "APP_SECRET_KEY").unwrap(),
            Some(datetime!(2026-11-24 05:41:10 UTC))
        );
        assert_eq!(
            fingerprint_status(&env, "APP_SECRET_KEY", "abc").unwrap(),
            Fingerprint::Matches
        );
        assert_eq!(
            fingerprint_status(&env, "APP_SECRET_KEY", "abd").unwrap(),
            Fingerprint::Differs
        );
        assert_eq!(
            fingerprint_status(&env, "OTHER", "abc").unwrap(),
            Fingerprint::NotRecorded
        );
        // A different instance key gives a different fingerprint for the same value.
        let mut other = EnvFile::parse("").unwrap();
        record(&mut other, "APP_SECRET_KEY", "abc", true, at).unwrap();
        assert_ne!(
            env.get(&fingerprint_key("APP_SECRET_KEY")),
            other.get(&fingerprint_key("APP_SECRET_KEY"))
        );
        assert_ne!(env.get(INSTANCE_KEY), other.get(INSTANCE_KEY));
    }

    #[test]
    fn the_fingerprint_binds_the_key_name() {
        let ik = [7u8; 32];
        assert_ne!(fingerprint(&ik, "A", "x"), fingerprint(&ik, "B", "x"));
        assert_ne!(fingerprint(&ik, "A", "\0x"), fingerprint(&ik, "A\0", "x"));
        assert_ne!(
            fingerprint(&ik, "A", "x"),
            fingerprint(&[8u8; 32], "A", "x")
        );
    }

    #[test]
    fn hand_written_and_bad_records() {
        let env = EnvFile::parse("SECRETCTL_ROTATED_A=2020-01-02\nSECRETCTL_ROTATED_B=yesterday\n")
            .unwrap();
        assert_eq!(
            rotated_at(&env, "A").unwrap(),
            Some(datetime!(2020-01-02 00:00 UTC))
        );
        assert!(matches!(
            rotated_at(&env, "B"),
            Err(Error::BadRecord { .. })
        ));
        assert_eq!(rotated_at(&env, "C").unwrap(), None);
        let env =
            EnvFile::parse("SECRETCTL_FINGERPRINT_A=00112233445566778899aabbccddeeff\n").unwrap();
        assert!(matches!(
            fingerprint_status(&env, "A", "v"),
            Err(Error::BadRecord { .. })
        ));
        let env =
            EnvFile::parse("SECRETCTL_FINGERPRINT_A=zz\nSECRETCTL_INSTANCE_KEY=00\n").unwrap();
        assert!(matches!(
            fingerprint_status(&env, "A", "v"),
            Err(Error::BadRecord { .. })
        ));
    }

    #[test]
    fn not_one_shot_records_only_the_date() {
        let mut env = EnvFile::parse("").unwrap();
        record(&mut env, "DB_PASSWORD", "pw", false, now()).unwrap();
        assert_eq!(env.keys(), vec!["SECRETCTL_ROTATED_DB_PASSWORD"]);
    }
}

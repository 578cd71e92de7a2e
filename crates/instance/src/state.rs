//! What secretctl records about an instance's secrets, kept out of the `.env` in `.secretctl/state.toml`.
//!
//! ```toml
//! # secretctl state of this instance: rotation dates and one-shot fingerprints (not read by the app).
//! instance_key = "<64 hex digits>"     # random; keys the fingerprints below (a secret: the file is 0600)
//!
//! [keys.APP_SECRET_KEY]
//! rotated = "2026-11-24T05:41:10Z"     # when secretctl last generated or recorded the value
//! fingerprint = "<32 hex digits>"      # keyed fingerprint of a one-shot value
//! ```
//!
//! A fingerprint is HMAC-SHA256 keyed with the instance key over a domain label, the key name and the value,
//! truncated to 128 bits. It is never a plain hash: without the instance key a fingerprint does not help anyone
//! guess a short value.
//!
//! Earlier versions kept the same records as `SECRETCTL_ROTATED_<KEY>`, `SECRETCTL_FINGERPRINT_<KEY>` and
//! `SECRETCTL_INSTANCE_KEY` lines in the `.env`, where Compose's `env_file:` handed them to every container.
//! [`State::absorb_legacy`] moves them here (a record already in the state file wins) and removes the lines.

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;
use secretctl_schema::Generator;
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::Error;

/// The directory, inside the instance directory, that holds secretctl's own files.
pub const STATE_DIR: &str = ".secretctl";
/// The state file's name inside [`STATE_DIR`].
pub const STATE_FILE: &str = "state.toml";
/// The largest state file read.
pub const MAX_STATE_BYTES: u64 = 4 << 20;

/// The prefix of the records older versions kept in the `.env`.
pub const LEGACY_PREFIX: &str = "SECRETCTL_";
const LEGACY_ROTATED: &str = "SECRETCTL_ROTATED_";
const LEGACY_FINGERPRINT: &str = "SECRETCTL_FINGERPRINT_";
const LEGACY_INSTANCE_KEY: &str = "SECRETCTL_INSTANCE_KEY";

const DOMAIN: &[u8] = b"secretctl one-shot fingerprint v1";
const FINGERPRINT_BYTES: usize = 16;

/// Whether `key` is one of the records older versions kept in the `.env` (and [`State::absorb_legacy`] moves).
#[must_use]
pub fn is_legacy_record(key: &str) -> bool {
    key == LEGACY_INSTANCE_KEY
        || key
            .strip_prefix(LEGACY_ROTATED)
            .or_else(|| key.strip_prefix(LEGACY_FINGERPRINT))
            .is_some_and(|k| !k.is_empty())
}

/// What is recorded about one key. Fields hold the text as stored, so a malformed record read from an old `.env`
/// is kept (and reported by `check`) rather than dropped.
#[derive(Clone, Default, PartialEq, Eq)]
struct Record {
    rotated: Option<String>,
    fingerprint: Option<String>,
}

/// How a one-shot value compares with its recorded fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fingerprint {
    /// The value is the one recorded.
    Matches,
    /// The value changed since it was recorded.
    Differs,
    /// No fingerprint is recorded.
    NotRecorded,
}

/// The records of one instance: rotation dates, one-shot fingerprints and the key those are made with.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct State {
    instance_key: Option<Zeroizing<String>>,
    keys: BTreeMap<String, Record>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The instance key is a secret: only the keys recorded are shown.
        f.debug_struct("State")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    instance_key: Option<String>,
    #[serde(default)]
    keys: BTreeMap<String, RawRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    rotated: Option<String>,
    fingerprint: Option<String>,
}

/// Now, to the second (records carry no sub-second precision).
#[must_use]
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
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

impl State {
    /// Parse a state file's text. `path` is only used in errors.
    ///
    /// # Errors
    /// [`Error::BadState`] naming the file and line.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let raw: RawState = toml::from_str(text).map_err(|e| Error::BadState {
            path: path.to_path_buf(),
            message: format!(
                "{}{}",
                e.span()
                    .map(|s| format!("line {}: ", secretctl_schema::line_of(text, s.start)))
                    .unwrap_or_default(),
                e.message().trim_end().replace('\n', "; ")
            ),
        })?;
        Ok(Self {
            instance_key: raw.instance_key.map(Zeroizing::new),
            keys: raw
                .keys
                .into_iter()
                .map(|(k, r)| {
                    (
                        k,
                        Record {
                            rotated: r.rotated,
                            fingerprint: r.fingerprint,
                        },
                    )
                })
                .collect(),
        })
    }

    /// Read the state file at `path`; a missing file is an empty state.
    ///
    /// # Errors
    /// [`Error::Unsafe`] when the file or its directory is a symlink or not what it should be; [`Error::Io`],
    /// [`Error::BadState`].
    pub fn load(path: &Path) -> Result<Self, Error> {
        if let Some(dir) = path.parent() {
            match std::fs::symlink_metadata(dir) {
                Ok(m) if !m.file_type().is_dir() => {
                    return Err(Error::Unsafe {
                        path: dir.to_path_buf(),
                        why: "is not a directory (a symlink is never followed)",
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
                Err(source) => {
                    return Err(Error::Io {
                        path: dir.to_path_buf(),
                        action: "read",
                        error: source,
                    })
                }
                Ok(_) => {}
            }
        }
        // secretctl's own file: a link there is never followed, whatever the process's policy.
        let opts = secretctl_fs::ReadOptions::new(MAX_STATE_BYTES)
            .symlinks(secretctl_fs::Symlinks::Refuse);
        let bytes = match secretctl_fs::read(path, &opts) {
            Ok(bytes) => bytes,
            Err(secretctl_fs::Error::NotFound { .. }) => return Ok(Self::default()),
            Err(secretctl_fs::Error::TooLarge { .. }) => {
                return Err(Error::BadState {
                    path: path.to_path_buf(),
                    message: format!("larger than {MAX_STATE_BYTES} bytes"),
                })
            }
            Err(e) => return Err(fs_error(path, "read", e)),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| Error::BadState {
            path: path.to_path_buf(),
            message: "not UTF-8 text".to_owned(),
        })?;
        Self::parse(text, path)
    }

    /// The state as the text of a state file, keys sorted (so two people's rotations of different keys touch
    /// different lines).
    #[must_use]
    pub fn render(&self) -> Zeroizing<String> {
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = Zeroizing::new(String::from(
            "# secretctl state of this instance: rotation dates and one-shot fingerprints (not read by the app).\n\
             # Written by secretctl; see docs/formats/schema.md. Holds a secret (instance_key): keep it 0600.\n",
        ));
        if let Some(k) = &self.instance_key {
            let _ = writeln!(out, "instance_key = {}", q(k));
        }
        for (key, r) in &self.keys {
            if r.rotated.is_none() && r.fingerprint.is_none() {
                continue;
            }
            let _ = write!(out, "\n[keys.{}]\n", q(key));
            if let Some(t) = &r.rotated {
                let _ = writeln!(out, "rotated = {}", q(t));
            }
            if let Some(f) = &r.fingerprint {
                let _ = writeln!(out, "fingerprint = {}", q(f));
            }
        }
        out
    }

    /// Whether nothing is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.instance_key.is_none() && self.keys.values().all(|r| *r == Record::default())
    }

    /// The keys that have a record, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Move the records older versions kept in `env` (`SECRETCTL_ROTATED_*`, `SECRETCTL_FINGERPRINT_*`,
    /// `SECRETCTL_INSTANCE_KEY`) into this state, removing those lines from `env`. A record the state already holds
    /// wins over the `.env`'s copy. Returns how many lines moved.
    pub fn absorb_legacy(&mut self, env: &mut EnvFile) -> usize {
        let legacy: Vec<String> = env
            .keys()
            .into_iter()
            .filter(|k| is_legacy_record(k))
            .map(str::to_owned)
            .collect();
        for line_key in &legacy {
            let Some(value) = env.get(line_key).map(|v| Zeroizing::new(v.to_owned())) else {
                continue;
            };
            if line_key == LEGACY_INSTANCE_KEY {
                if self.instance_key.is_none() {
                    self.instance_key = Some(Zeroizing::new(value.to_string()));
                }
            } else if let Some(key) = line_key.strip_prefix(LEGACY_ROTATED) {
                let r = self.keys.entry(key.to_owned()).or_default();
                if r.rotated.is_none() {
                    r.rotated = Some(value.to_string());
                }
            } else if let Some(key) = line_key.strip_prefix(LEGACY_FINGERPRINT) {
                let r = self.keys.entry(key.to_owned()).or_default();
                if r.fingerprint.is_none() {
                    r.fingerprint = Some(value.to_string());
                }
            }
        }
        for line_key in &legacy {
            env.unset(line_key);
        }
        legacy.len()
    }

    /// Take from `other` every record this state lacks (the instance key, a key's date or fingerprint); what this
    /// state holds wins.
    pub fn fill_from(&mut self, other: State) {
        if self.instance_key.is_none() {
            self.instance_key = other.instance_key;
        }
        for (key, r) in other.keys {
            let mine = self.keys.entry(key).or_default();
            if mine.rotated.is_none() {
                mine.rotated = r.rotated;
            }
            if mine.fingerprint.is_none() {
                mine.fingerprint = r.fingerprint;
            }
        }
    }

    /// When `key` was last generated or recorded.
    ///
    /// # Errors
    /// [`Error::BadRecord`] when the recorded date does not parse.
    pub fn rotated_at(&self, key: &str) -> Result<Option<OffsetDateTime>, Error> {
        let Some(text) = self
            .keys
            .get(key)
            .and_then(|r| r.rotated.as_deref())
            .filter(|t| !t.is_empty())
        else {
            return Ok(None);
        };
        if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
            return Ok(Some(t));
        }
        let date = time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| Error::BadRecord {
            key: key.to_owned(),
            field: "rotated",
            expected: "a date like 2026-11-24 or 2026-11-24T05:41:10Z",
        })?;
        Ok(Some(date.midnight().assume_utc()))
    }

    fn instance_key_bytes(&self) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
        let Some(text) = &self.instance_key else {
            return Ok(None);
        };
        let bytes = hex::decode(text.as_bytes())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or(Error::BadRecord {
                key: "instance_key".to_owned(),
                field: "instance_key",
                expected: "64 hexadecimal digits",
            })?;
        Ok(Some(Zeroizing::new(bytes)))
    }

    /// How `value` compares with the fingerprint recorded for the one-shot `key`.
    ///
    /// # Errors
    /// [`Error::BadRecord`] when the fingerprint or the instance key is malformed or missing.
    pub fn fingerprint_status(&self, key: &str, value: &str) -> Result<Fingerprint, Error> {
        let Some(text) = self
            .keys
            .get(key)
            .and_then(|r| r.fingerprint.as_deref())
            .filter(|t| !t.is_empty())
        else {
            return Ok(Fingerprint::NotRecorded);
        };
        let recorded = hex::decode(text)
            .ok()
            .filter(|b| b.len() == FINGERPRINT_BYTES)
            .ok_or(Error::BadRecord {
                key: key.to_owned(),
                field: "fingerprint",
                expected: "32 hexadecimal digits",
            })?;
        let ik = self.instance_key_bytes()?.ok_or(Error::BadRecord {
            key: key.to_owned(),
            field: "fingerprint",
            expected: "an instance_key to check it with (the instance_key is missing)",
        })?;
        let now = fingerprint(&ik, key, value);
        Ok(if bool::from(now.ct_eq(recorded.as_slice())) {
            Fingerprint::Matches
        } else {
            Fingerprint::Differs
        })
    }

    /// Record that `key` got `value` at `at`: the rotation date, and for a one-shot key its fingerprint (creating
    /// the instance key on first use).
    ///
    /// # Errors
    /// [`Error::Schema`] when the OS random generator fails; [`Error::BadRecord`] for a malformed instance key.
    pub fn record(
        &mut self,
        key: &str,
        value: &str,
        one_shot: bool,
        at: OffsetDateTime,
    ) -> Result<(), Error> {
        let at = at.replace_nanosecond(0).unwrap_or(at);
        let stamp = at.format(&Rfc3339).map_err(|_| Error::BadRecord {
            key: key.to_owned(),
            field: "rotated",
            expected: "a date that RFC 3339 can write",
        })?;
        let fp = if one_shot {
            let ik = match self.instance_key_bytes()? {
                Some(ik) => ik,
                None => {
                    let fresh = Generator::Hex(64)
                        .try_generate()
                        .map_err(secretctl_schema::Error::from)?;
                    self.instance_key = Some(Zeroizing::new(fresh.expose_secret().to_owned()));
                    self.instance_key_bytes()?.ok_or(Error::BadRecord {
                        key: key.to_owned(),
                        field: "instance_key",
                        expected: "64 hexadecimal digits",
                    })?
                }
            };
            Some(hex::encode(fingerprint(&ik, key, value)))
        } else {
            None
        };
        let r = self.keys.entry(key.to_owned()).or_default();
        r.rotated = Some(stamp);
        if fp.is_some() {
            r.fingerprint = fp;
        }
        Ok(())
    }
}

/// Where the state file of the instance in `dir` is.
#[must_use]
pub fn state_path(dir: &Path) -> PathBuf {
    dir.join(STATE_DIR).join(STATE_FILE)
}

/// A refusal of `secretctl-fs` at a file of the instance's own (a link, not a regular file) as [`Error::Unsafe`];
/// anything else as [`Error::Io`] whose cause says what happened.
pub(crate) fn fs_error(path: &Path, action: &'static str, e: secretctl_fs::Error) -> Error {
    match e {
        secretctl_fs::Error::Symlink { .. }
        | secretctl_fs::Error::DanglingSymlink { .. }
        | secretctl_fs::Error::SymlinkOwner { .. } => Error::Unsafe {
            path: path.to_path_buf(),
            why: "is a symbolic link (a symlink is never followed there)",
        },
        secretctl_fs::Error::NotRegular { .. } => Error::Unsafe {
            path: path.to_path_buf(),
            why: "is not a regular file (a symlink is never followed)",
        },
        e => Error::Io {
            path: path.to_path_buf(),
            action,
            error: e.into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn records_round_trip_through_the_state_file() {
        let mut s = State::default();
        let at = datetime!(2026-11-24 05:41:10.5 UTC);
        s.record("APP_SECRET_KEY", "abc", true, at).unwrap();
        s.record("DB_PASSWORD", "pw", false, at).unwrap();
        let text = s.render();
        assert!(
            text.contains("rotated = \"2026-11-24T05:41:10Z\""),
            "{}",
            *text
        );
        let back = State::parse(&text, Path::new("state.toml")).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            back.rotated_at("APP_SECRET_KEY").unwrap(),
            Some(datetime!(2026-11-24 05:41:10 UTC))
        );
        assert_eq!(
            back.fingerprint_status("APP_SECRET_KEY", "abc").unwrap(),
            Fingerprint::Matches
        );
        assert_eq!(
            back.fingerprint_status("APP_SECRET_KEY", "abd").unwrap(),
            Fingerprint::Differs
        );
        assert_eq!(
            back.fingerprint_status("DB_PASSWORD", "pw").unwrap(),
            Fingerprint::NotRecorded
        );
        // Another instance key gives another fingerprint for the same value.
        let mut other = State::default();
        other.record("APP_SECRET_KEY", "abc", true, at).unwrap();
        assert_ne!(other.render(), s.render());
        // Debug shows no secret.
        let dbg = format!("{s:?}");
        assert!(
            !dbg.contains(s.instance_key.as_deref().unwrap().as_str()),
            "{dbg}"
        );
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
    fn legacy_records_move_out_of_the_env_and_still_verify() {
        // Written the way earlier versions wrote them (same HMAC construction, same instance key).
        let ik = "11".repeat(32);
        let fp = hex::encode(fingerprint(&[0x11; 32], "APP_SECRET_KEY", "k1"));
        let text = format!(
            "# app\nAPP_SECRET_KEY=k1\nSECRETCTL_ROTATED_APP_SECRET_KEY=2026-01-02T03:04:05Z\n\
             SECRETCTL_FINGERPRINT_APP_SECRET_KEY={fp}\nDB_PASSWORD=pw\nSECRETCTL_ROTATED_DB_PASSWORD=2020-01-02\n\
             SECRETCTL_INSTANCE_KEY={ik}\nSECRETCTL_OTHER=kept\n"
        );
        let mut env = EnvFile::parse(&text).unwrap();
        let mut s = State::default();
        assert_eq!(s.absorb_legacy(&mut env), 4);
        assert_eq!(
            env.render(),
            "# app\nAPP_SECRET_KEY=k1\nDB_PASSWORD=pw\nSECRETCTL_OTHER=kept\n"
        );
        assert_eq!(
            s.fingerprint_status("APP_SECRET_KEY", "k1").unwrap(),
            Fingerprint::Matches
        );
        assert_eq!(
            s.rotated_at("DB_PASSWORD").unwrap(),
            Some(datetime!(2020-01-02 00:00 UTC))
        );
        // A second pass finds nothing; a record already in the state wins over a stale line.
        assert_eq!(s.absorb_legacy(&mut env), 0);
        let mut stale = EnvFile::parse("SECRETCTL_ROTATED_DB_PASSWORD=1999-01-01\n").unwrap();
        assert_eq!(s.absorb_legacy(&mut stale), 1);
        assert_eq!(
            s.rotated_at("DB_PASSWORD").unwrap(),
            Some(datetime!(2020-01-02 00:00 UTC))
        );
    }

    #[test]
    fn malformed_records_are_kept_and_reported() {
        let mut env = EnvFile::parse("SECRETCTL_ROTATED_B=yesterday\n").unwrap();
        let mut s = State::default();
        s.absorb_legacy(&mut env);
        assert!(matches!(s.rotated_at("B"), Err(Error::BadRecord { .. })));
        assert!(s.render().contains("yesterday"));
        let bad = "[keys.A]\nfingerprint = \"zz\"\n";
        let s = State::parse(bad, Path::new("s")).unwrap();
        assert!(matches!(
            s.fingerprint_status("A", "v"),
            Err(Error::BadRecord { .. })
        ));
        let err = State::parse("[keys.A]\nrotatd = \"x\"\n", Path::new("s")).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn loading_refuses_symlinks_and_reads_missing_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path());
        assert!(State::load(&path).unwrap().is_empty());
        std::fs::create_dir(dir.path().join(STATE_DIR)).unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "").unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(matches!(State::load(&path), Err(Error::Unsafe { .. })));
    }
}

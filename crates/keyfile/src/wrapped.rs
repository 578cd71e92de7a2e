//! A master key held only wrapped by a key-management service (Vault / OpenBao Transit): the [`KeyWrap`] trait a
//! service client implements, and the wrapped-key file that takes the place of a 32-byte key file.
//!
//! A wrapped-key file is small JSON (see docs/formats/keyfile.md), mode 0400 like a key file:
//! ```text
//! {"format":"secretctl-wrapped-key","version":1,"wrapped_by":"https://bao:8200/v1/transit/keys/secretctl",
//!  "key_id":"<16 hex>","ciphertext":"vault:v1:..."}
//! ```
//! It never holds the key in plaintext. The keyfile and every retired `<id>.key` of a wrapped keyring have this
//! form; a file of exactly 32 bytes is a plain key file (a wrapped-key file is always longer), so the two never
//! mix up. Unwrapping happens once per key when a [`Keyring`](crate::Keyring) is opened; the keys then live only
//! in memory, zeroized on drop.

use std::path::{Path, PathBuf};

use secretctl_envelope::{Key, KeyId, KEY_LEN};
use secretctl_error::Kind;
use secretctl_fs::{Owner, ReadOptions};
use serde::{Deserialize, Serialize};

use crate::fs::{self as kfs, Lock};
use crate::keyring::keyring_dir;
use crate::Error;

/// Largest wrapped-key file we read; a real one is a few hundred bytes.
const MAX_WRAPPED_BYTES: u64 = 16 * 1024;
const FORMAT: &str = "secretctl-wrapped-key";

/// A failure of the wrapping service, with the kind the caller maps (sealed, unreachable, denied, ...).
pub trait WrapFailure: std::error::Error + Kind + Send + Sync + 'static {}
impl<T: std::error::Error + Kind + Send + Sync + 'static> WrapFailure for T {}

/// What a wrapping service returns on failure.
pub type WrapError = Box<dyn WrapFailure>;

/// A key-management service that wraps the master key: the keyring calls it to wrap a new key, to unwrap each key
/// once when it is opened, and to re-wrap after the service's own key is rotated.
///
/// `secretctl-vault`'s `TransitKeyWrap` implements it for Vault / OpenBao Transit.
pub trait KeyWrap: std::fmt::Debug + Send + Sync {
    /// Where the wrapping key lives, as written into the wrapped-key file (a Transit key URI).
    fn uri(&self) -> String;
    /// Wrap `key`, returning the service's ciphertext (`vault:vN:...`).
    ///
    /// # Errors
    /// The service's failure.
    fn wrap(&self, key: &Key) -> Result<String, WrapError>;
    /// Unwrap `ciphertext` back into the key.
    ///
    /// # Errors
    /// The service's failure, or a plaintext that is not a 32-byte key.
    fn unwrap(&self, ciphertext: &str) -> Result<Key, WrapError>;
    /// Re-wrap `ciphertext` under the service's latest key version without exposing the key.
    ///
    /// # Errors
    /// The service's failure.
    fn rewrap(&self, ciphertext: &str) -> Result<String, WrapError>;
}

/// The content of a wrapped-key file. Nothing here is secret without the wrapping service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    format: String,
    version: u32,
    /// Where the wrapping key lives ([`KeyWrap::uri`]).
    pub wrapped_by: String,
    /// The id of the key inside, checked after unwrapping.
    #[serde(with = "display_fromstr")]
    pub key_id: KeyId,
    /// The service's ciphertext of the 32 key bytes.
    pub ciphertext: String,
}

mod display_fromstr {
    use secretctl_envelope::KeyId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(id: &KeyId, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(id)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<KeyId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl WrappedKey {
    /// Parse a wrapped-key file's bytes (`path` is for the error only).
    ///
    /// # Errors
    /// [`Error::BadWrappedKey`] for anything but a version-1 wrapped-key file.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<WrappedKey, Error> {
        let bad = |reason: String| Error::BadWrappedKey {
            path: path.to_path_buf(),
            reason,
        };
        let w: WrappedKey = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if w.format != FORMAT || w.version != 1 {
            return Err(bad(format!(
                "unknown format {:?} version {}",
                w.format, w.version
            )));
        }
        if w.ciphertext.is_empty() || w.ciphertext.len() > 8192 {
            return Err(bad("ciphertext is empty or too long".to_owned()));
        }
        Ok(w)
    }

    fn render(&self) -> String {
        // Serializing plain strings into JSON cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The wrapping service a wrapped keyfile names (its [`KeyWrap::uri`]), or `None` for a plain 32-byte keyfile.
/// Callers use it to connect to the right service before [`Keyring::open_wrapped`](crate::Keyring::open_wrapped).
///
/// # Errors
/// What reading the keyfile reports ([`Error::NotFound`], [`Error::LoosePermissions`], ...);
/// [`Error::BadWrappedKey`] for a file that is neither.
pub fn wrapped_by(keyfile: &Path, allow_loose: bool) -> Result<Option<String>, Error> {
    Ok(match read_file(keyfile, allow_loose)? {
        File::Plain(_) => None,
        File::Wrapped(w) => Some(w.wrapped_by),
    })
}

enum File {
    // Boxed: a Key carries its expanded cipher state (about 1 KiB).
    Plain(Box<Key>),
    Wrapped(WrappedKey),
}

fn read_file(path: &Path, allow_loose: bool) -> Result<File, Error> {
    let opts = ReadOptions::new(MAX_WRAPPED_BYTES)
        .private(!allow_loose)
        .owner(Owner::CallerOrRoot);
    let bytes = secretctl_fs::read(path, &opts).map_err(|e| match e {
        secretctl_fs::Error::TooLarge { path, size, .. } => Error::WrongSize { path, size },
        e => kfs::from_fs("open", e),
    })?;
    if bytes.len() == KEY_LEN {
        let mut key = zeroize::Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(&bytes);
        return Ok(File::Plain(Box::new(Key::from_bytes(&key))));
    }
    if bytes.first() != Some(&b'{') {
        return Err(Error::WrongSize {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    WrappedKey::parse(&bytes, path).map(File::Wrapped)
}

fn wrap_err(action: &'static str, path: &Path, e: WrapError) -> Error {
    Error::Wrap {
        action,
        path: path.to_path_buf(),
        kind: e.kind(),
        source: e,
    }
}

/// Read a key file of a keyring: a plain 32-byte file, or (when `wrap` is given) a wrapped-key file, unwrapped and
/// checked against the key id it records.
pub(crate) fn read_key(
    path: &Path,
    allow_loose: bool,
    wrap: Option<&dyn KeyWrap>,
) -> Result<Key, Error> {
    match read_file(path, allow_loose)? {
        File::Plain(key) => Ok(*key),
        File::Wrapped(w) => {
            let Some(wrap) = wrap else {
                return Err(Error::NeedsUnwrap {
                    path: path.to_path_buf(),
                    wrapped_by: w.wrapped_by,
                });
            };
            let key = wrap
                .unwrap(&w.ciphertext)
                .map_err(|e| wrap_err("unwrap", path, e))?;
            if key.id() != w.key_id {
                return Err(Error::RetiredKeyMismatch {
                    path: path.to_path_buf(),
                });
            }
            Ok(key)
        }
    }
}

fn wrapped_text(key: &Key, path: &Path, wrap: &dyn KeyWrap) -> Result<String, Error> {
    let ciphertext = wrap.wrap(key).map_err(|e| wrap_err("wrap", path, e))?;
    let w = WrappedKey {
        format: FORMAT.to_owned(),
        version: 1,
        wrapped_by: wrap.uri(),
        key_id: key.id(),
        ciphertext,
    };
    Ok(w.render())
}

/// Write a key file of a keyring atomically: wrapped when `wrap` is given, else the 32 bytes.
pub(crate) fn write_key(path: &Path, key: &Key, wrap: Option<&dyn KeyWrap>) -> Result<(), Error> {
    match wrap {
        None => kfs::replace(path, key.expose_secret(), kfs::KEY_MODE),
        Some(wrap) => {
            let text = wrapped_text(key, path, wrap)?;
            kfs::replace(path, text.as_bytes(), kfs::KEY_MODE)
        }
    }
}

/// Create a new wrapped keyfile at `path`: a random key, wrapped by `wrap`, written new (never overwriting) with the
/// same rules as [`create`](crate::create). The key is returned in memory only.
///
/// # Errors
/// [`Error::Exists`]; [`Error::Wrap`] when the service fails (nothing is written); [`Error::Io`].
pub fn create_wrapped(path: &Path, wrap: &dyn KeyWrap) -> Result<Key, Error> {
    kfs::create_private_dir(&kfs::parent_of(path))?;
    let _lock = Lock::acquire(path)?;
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::Exists {
            path: path.to_path_buf(),
        });
    }
    let key = Key::try_generate()?;
    let text = wrapped_text(&key, path, wrap)?;
    kfs::write_new(path, text.as_bytes(), kfs::KEY_MODE)?;
    Ok(key)
}

/// One file [`rewrap`] re-wrapped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rewrapped {
    /// The wrapped-key file.
    pub path: PathBuf,
    /// The id of the key it holds (unchanged).
    #[serde(serialize_with = "ser_display")]
    pub key_id: KeyId,
    /// The ciphertext's key version prefix before (`vault:v1`).
    pub from: String,
    /// ... and after (`vault:v2`).
    pub to: String,
}

fn ser_display<S: serde::Serializer>(v: &KeyId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn version_prefix(ciphertext: &str) -> String {
    let mut parts = ciphertext.splitn(3, ':');
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => format!("{a}:{b}"),
        _ => String::new(),
    }
}

/// Re-wrap the keyfile and every retired key of its keyring under the wrapping service's latest key version
/// (after the Transit key was rotated). The keys themselves do not change, so no store row is touched; each file is
/// replaced atomically, and an interrupted run can simply be repeated.
///
/// # Errors
/// [`Error::NotWrapped`] for a plain keyfile; [`Error::Wrap`] when the service
/// fails (files already re-wrapped stay valid: the service decrypts every version it still keeps);
/// what reading and writing the files reports.
pub fn rewrap(
    keyfile: &Path,
    allow_loose: bool,
    wrap: &dyn KeyWrap,
) -> Result<Vec<Rewrapped>, Error> {
    let _lock = Lock::acquire(keyfile)?;
    let mut files = vec![keyfile.to_path_buf()];
    let dir = keyring_dir(keyfile);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut more: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".key"))
                    .is_some_and(|id| id.parse::<KeyId>().is_ok())
            })
            .map(|e| e.path())
            .collect();
        more.sort();
        files.extend(more);
    }
    let mut done = Vec::new();
    for path in files {
        let w = match read_file(&path, allow_loose)? {
            File::Wrapped(w) => w,
            File::Plain(_) if path == keyfile => {
                return Err(Error::NotWrapped { path });
            }
            File::Plain(_) => continue,
        };
        let ciphertext = wrap
            .rewrap(&w.ciphertext)
            .map_err(|e| wrap_err("rewrap", &path, e))?;
        let from = version_prefix(&w.ciphertext);
        let to = version_prefix(&ciphertext);
        let new = WrappedKey { ciphertext, ..w };
        kfs::replace(&path, new.render().as_bytes(), kfs::KEY_MODE)?;
        done.push(Rewrapped {
            path,
            key_id: new.key_id,
            from,
            to,
        });
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    //! The keyring's wrapped mode with an in-process stand-in for the wrapping service (the real one, Vault
    //! Transit, is exercised against a real OpenBao server in `crates/vault/tests`), so that every crash point of a
    //! rotation can be stopped at.

    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::keyring::Step;
    use crate::{Keyring, LoadOptions};

    /// "Wraps" by XOR with a per-version pad, as `test:vN:<hex>`; `down` makes every call fail (an outage).
    #[derive(Debug, Default)]
    struct Pad {
        version: Mutex<u8>,
        down: Mutex<bool>,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("service down")]
    struct Down;
    impl Kind for Down {
        fn kind(&self) -> secretctl_error::ErrorKind {
            secretctl_error::ErrorKind::Io
        }
    }

    impl Pad {
        fn check(&self) -> Result<(), WrapError> {
            if *self.down.lock().unwrap() {
                return Err(Box::new(Down));
            }
            Ok(())
        }
    }

    fn xor(bytes: &[u8], v: u8) -> Vec<u8> {
        bytes.iter().map(|b| b ^ v.wrapping_mul(37)).collect()
    }

    impl KeyWrap for Pad {
        fn uri(&self) -> String {
            "https://kms.invalid:8200/v1/transit/keys/test".to_owned()
        }
        fn wrap(&self, key: &Key) -> Result<String, WrapError> {
            self.check()?;
            let v = *self.version.lock().unwrap();
            let hex: String = xor(key.expose_secret(), v)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Ok(format!("test:v{v}:{hex}"))
        }
        fn unwrap(&self, ciphertext: &str) -> Result<Key, WrapError> {
            self.check()?;
            let mut parts = ciphertext.splitn(3, ':');
            let (_, v, hex) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
            let v: u8 = v.trim_start_matches('v').parse().unwrap();
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            let plain = xor(&bytes, v);
            Ok(Key::from_bytes(plain.as_slice().try_into().unwrap()))
        }
        fn rewrap(&self, ciphertext: &str) -> Result<String, WrapError> {
            let key = self.unwrap(ciphertext)?;
            self.wrap(&key)
        }
    }

    #[test]
    fn a_wrapped_keyring_never_holds_a_plain_key_and_rotation_is_crash_safe_at_every_step() {
        for step in [
            Step::StageNew,
            Step::RetireOld,
            Step::WriteIndex,
            Step::SwapKeyfile,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let keyfile = dir.path().join("k").join("master.key");
            let pad = Arc::new(Pad {
                version: Mutex::new(1),
                ..Pad::default()
            });
            let first = create_wrapped(&keyfile, &*pad).unwrap();
            let mut ring =
                Keyring::open_wrapped(&keyfile, LoadOptions::default(), pad.clone()).unwrap();
            let new = Key::generate();
            ring.install(new.clone(), Some(step)).unwrap();
            // Every file written is a wrapped-key file holding neither key in plaintext.
            for entry in walk(dir.path()) {
                let bytes = std::fs::read(&entry).unwrap();
                for k in [&first, &new] {
                    assert!(
                        !bytes.windows(32).any(|w| w == k.expose_secret()),
                        "{}",
                        entry.display()
                    );
                }
                if entry.extension().is_some_and(|e| e == "key") {
                    WrappedKey::parse(&bytes, &entry).unwrap();
                }
            }
            let again =
                Keyring::open_wrapped(&keyfile, LoadOptions::default(), pad.clone()).unwrap();
            assert!(again.keys().get(&first.id()).is_some(), "{step:?}");
            if step >= Step::SwapKeyfile {
                assert_eq!(again.active_id(), new.id());
            } else {
                assert_eq!(again.active_id(), first.id());
            }
        }
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn an_outage_writes_nothing_and_rewrap_moves_every_file_to_the_new_version() {
        let dir = tempfile::tempdir().unwrap();
        let keyfile = dir.path().join("master.key");
        let pad = Arc::new(Pad {
            version: Mutex::new(1),
            ..Pad::default()
        });
        let first = create_wrapped(&keyfile, &*pad).unwrap();
        let mut ring =
            Keyring::open_wrapped(&keyfile, LoadOptions::default(), pad.clone()).unwrap();
        let second = ring.rotate().unwrap();
        let before = std::fs::read(&keyfile).unwrap();
        *pad.down.lock().unwrap() = true;
        let e = ring.rotate().unwrap_err();
        assert!(
            matches!(
                e,
                Error::Wrap {
                    kind: secretctl_error::ErrorKind::Io,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(std::fs::read(&keyfile).unwrap(), before);
        let e = Keyring::open_wrapped(&keyfile, LoadOptions::default(), pad.clone()).unwrap_err();
        assert!(e.to_string().contains("unwrap"), "{e}");
        *pad.down.lock().unwrap() = false;
        *pad.version.lock().unwrap() = 2;
        let done = rewrap(&keyfile, false, &*pad).unwrap();
        assert_eq!(done.len(), 2);
        assert!(done
            .iter()
            .all(|r| r.from == "test:v1" && r.to == "test:v2"));
        let ring = Keyring::open_wrapped(&keyfile, LoadOptions::default(), pad).unwrap();
        assert_eq!(ring.active_id(), second);
        assert_eq!(ring.retired_ids(), vec![first.id()]);
        // A plain keyfile is not re-wrapped.
        let plain = dir.path().join("plain.key");
        crate::create(&plain).unwrap();
        assert!(matches!(
            rewrap(&plain, false, &Pad::default()),
            Err(Error::NotWrapped { .. })
        ));
    }

    #[test]
    fn hostile_wrapped_key_files_are_typed_errors() {
        let p = Path::new("w.key");
        let good = r#"{"format":"secretctl-wrapped-key","version":1,"wrapped_by":"u","key_id":"0011223344556677","ciphertext":"vault:v1:x"}"#;
        let w = WrappedKey::parse(good.as_bytes(), p).unwrap();
        assert_eq!(WrappedKey::parse(w.render().as_bytes(), p).unwrap(), w);
        for bad in [
            good.replace("\"version\":1", "\"version\":2"),
            good.replace("secretctl-wrapped-key", "other"),
            good.replace("\"ciphertext\"", "\"extra\":1,\"ciphertext\""),
            good.replace("0011223344556677", "xyz"),
            good.replace("vault:v1:x", ""),
            good.replace("vault:v1:x", &"a".repeat(9000)),
            good[..40].to_owned(),
            "{".repeat(10_000),
        ] {
            let e = WrappedKey::parse(bad.as_bytes(), p).unwrap_err();
            assert!(matches!(e, Error::BadWrappedKey { .. }), "{e}");
        }
    }
}

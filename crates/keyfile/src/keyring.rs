//! The persisted keyring: the active keyfile plus retired keys kept next to it until nothing references them.
//!
//! On disk (see docs/formats/keyfile.md):
//! ```text
//! master.key                    the active key, 32 bytes, 0400
//! master.key.keyring/           0700
//!     <key id>.key              a retired (or, during a rotation, staged) key, 32 bytes, 0400
//!     index.json                creation and retirement times, 0600, written atomically
//!     stores.json               every store the keyring has sealed for (URLs without credentials), 0600
//! ```
//! Writers are serialized by `secretctl_fs::lock` of the keyfile (a lock on its directory; no lock file).
//! The keyfile alone says which key is active; every `<id>.key` whose id is not the active one is retired. The
//! index only carries times, so losing it loses no key.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use secretctl_envelope::{Key, KeyId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::fs::{self as kfs, Lock};
use crate::wrapped::{self, KeyWrap};
use crate::{Error, LoadOptions};

/// Whether a key is the one new ciphertexts are sealed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyState {
    /// The key in the keyfile: new ciphertexts are sealed under it.
    Active,
    /// A former key kept so that ciphertexts not yet re-encrypted still open.
    Retired,
}

impl KeyState {
    /// `active` or `retired`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Active => "active",
            KeyState::Retired => "retired",
        }
    }
}

impl std::fmt::Display for KeyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One key of the keyring as `secretctl key list` shows it. Nothing here is secret. Serialized as
/// `{"id", "state", "created", "retired"}` with times in RFC 3339 (or null); displayed as a row of
/// [`KeyInfo::HEADER`]'s table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// The key id.
    #[serde(serialize_with = "ser_display")]
    pub id: KeyId,
    /// Active or retired.
    #[serde(serialize_with = "ser_display")]
    pub state: KeyState,
    /// When the key was created (from the index, else the key file's modification time).
    #[serde(serialize_with = "ser_time")]
    pub created: Option<OffsetDateTime>,
    /// When the key stopped being active, for retired keys the index knows about.
    #[serde(serialize_with = "ser_time")]
    pub retired: Option<OffsetDateTime>,
}

impl KeyInfo {
    /// The header of the table whose rows are [`KeyInfo`]'s `Display`.
    pub const HEADER: &'static str = "ID                STATE    CREATED               RETIRED";
}

fn rfc3339(t: Option<OffsetDateTime>) -> Option<String> {
    t.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
}

fn ser_display<S: serde::Serializer>(v: &impl std::fmt::Display, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn ser_time<S: serde::Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
    rfc3339(*t).serialize(s)
}

/// `id  state  created  retired`, aligned under [`KeyInfo::HEADER`], `-` for an unknown time.
impl std::fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let created = rfc3339(self.created).unwrap_or_else(|| "-".into());
        let retired = rfc3339(self.retired).unwrap_or_else(|| "-".into());
        let (id, state) = (self.id.to_string(), self.state.as_str());
        write!(f, "{id:<16}  {state:<7}  {created:<20}  {retired}")
    }
}

/// Largest index file we read; a real one is a few hundred bytes per key.
const MAX_INDEX_BYTES: u64 = 1 << 20;
const INDEX_FORMAT: &str = "secretctl-keyring";

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct Index {
    format: String,
    version: u32,
    keys: BTreeMap<String, IndexEntry>,
}

#[derive(Serialize, Deserialize, Default, Clone, Copy, Debug)]
#[serde(deny_unknown_fields)]
struct IndexEntry {
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created: Option<i64>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retired: Option<i64>,
}

/// The steps of installing a new active key, in order. A crash after any of them leaves every key that a
/// ciphertext may reference loadable (see `install`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// The new key is durably written as `<dir>/<new id>.key`.
    StageNew,
    /// The old active key is durably written as `<dir>/<old id>.key`.
    RetireOld,
    /// The index records the new key's creation and the old key's retirement.
    WriteIndex,
    /// The keyfile is atomically replaced by the new key (then the staged copy is removed).
    SwapKeyfile,
}

/// The master keyfile and its retired keys, loaded.
#[derive(Debug)]
pub struct Keyring {
    keyfile: PathBuf,
    opts: LoadOptions,
    active: KeyId,
    keys: secretctl_envelope::Keyring,
    index: Index,
    active_mtime: Option<i64>,
    file_mtimes: BTreeMap<KeyId, i64>,
    /// The service that wraps every key file of this keyring (Vault Transit), or `None` for plain key files.
    wrap: Option<Arc<dyn KeyWrap>>,
    stores: Vec<String>,
}

/// The stores file: every store this keyring has sealed values for, so that retiring a key can check them all.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct Stores {
    format: String,
    version: u32,
    stores: Vec<String>,
}

const STORES_FORMAT: &str = "secretctl-keyring-stores";
/// Largest stores file we read (thousands of URLs).
const MAX_STORES_BYTES: u64 = 1 << 20;

impl Keyring {
    /// Load the keyfile (the active key) and every retired key next to it.
    ///
    /// # Errors
    /// Everything [`load`](crate::load) reports for the keyfile and for each retired key file;
    /// [`Error::RetiredKeyMismatch`] when a retired key file does not hold the key its name says;
    /// [`Error::BadIndex`] for a damaged index.
    pub fn open(keyfile: &Path, opts: LoadOptions) -> Result<Keyring, Error> {
        Self::open_with(keyfile, opts, None)
    }

    /// Open a keyring whose key files are wrapped by `wrap` (see [`create_wrapped`](crate::create_wrapped)):
    /// each key is unwrapped once, here, and kept in memory; keys made by [`Keyring::rotate`] are written wrapped.
    ///
    /// # Errors
    /// As [`Keyring::open`]; [`Error::Wrap`] when the service cannot unwrap a key.
    pub fn open_wrapped(
        keyfile: &Path,
        opts: LoadOptions,
        wrap: Arc<dyn KeyWrap>,
    ) -> Result<Keyring, Error> {
        Self::open_with(keyfile, opts, Some(wrap))
    }

    fn open_with(
        keyfile: &Path,
        opts: LoadOptions,
        wrap: Option<Arc<dyn KeyWrap>>,
    ) -> Result<Keyring, Error> {
        let loose = opts.allow_loose_permissions;
        let active = wrapped::read_key(keyfile, loose, wrap.as_deref())?;
        let active_id = active.id();
        let active_mtime = fs::metadata(keyfile).ok().map(|m| m.mtime());
        let mut keys = secretctl_envelope::Keyring::new();
        keys.insert(active);
        let dir = keyring_dir(keyfile);
        let mut file_mtimes = BTreeMap::new();
        let index = read_index(&dir)?;
        let stores = read_stores(&dir)?;
        match fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(|e| Error::io("list", &dir, e))?;
                    let name = entry.file_name();
                    let Some(id) = name.to_str().and_then(key_file_id) else {
                        continue;
                    };
                    if id == active_id {
                        // A staged copy of the active key left by an interrupted rotation.
                        continue;
                    }
                    let path = entry.path();
                    let key = wrapped::read_key(&path, loose, wrap.as_deref())?;
                    if key.id() != id {
                        return Err(Error::RetiredKeyMismatch { path });
                    }
                    if let Ok(m) = fs::metadata(&path) {
                        file_mtimes.insert(id, m.mtime());
                    }
                    keys.insert(key);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("list", &dir, e)),
        }
        Ok(Keyring {
            keyfile: keyfile.to_path_buf(),
            opts,
            active: active_id,
            keys,
            index,
            active_mtime,
            file_mtimes,
            wrap,
            stores,
        })
    }

    /// Every store this keyring has sealed values for, as recorded by [`Keyring::record_store`], oldest first.
    #[must_use]
    pub fn stores(&self) -> &[String] {
        &self.stores
    }

    /// Record that values are sealed for the store `url` (which must hold no credential: the caller strips any
    /// password). A store already recorded is not written again.
    ///
    /// # Errors
    /// [`Error::BadIndex`] when `url` is empty or holds a control character, or the stores file is damaged;
    /// [`Error::Io`] for a failed write.
    pub fn record_store(&mut self, url: &str) -> Result<(), Error> {
        if self.stores.iter().any(|s| s == url) {
            return Ok(());
        }
        let dir = keyring_dir(&self.keyfile);
        if url.is_empty() || url.chars().any(char::is_control) {
            return Err(Error::BadIndex {
                path: stores_path(&dir),
                reason: "a store URL is empty or holds a control character".to_owned(),
            });
        }
        let _lock = Lock::acquire(&self.keyfile)?;
        kfs::create_private_dir(&dir)?;
        // Another process may have recorded stores since we loaded.
        let mut stores = read_stores(&dir)?;
        if !stores.iter().any(|s| s == url) {
            stores.push(url.to_owned());
            write_stores(&dir, &stores)?;
        }
        self.stores = stores;
        Ok(())
    }

    /// Forget the store `url` (it was deleted for good): retiring a key no longer checks it. Returns whether it
    /// was recorded.
    ///
    /// # Errors
    /// As [`Keyring::record_store`].
    pub fn forget_store(&mut self, url: &str) -> Result<bool, Error> {
        let dir = keyring_dir(&self.keyfile);
        let _lock = Lock::acquire(&self.keyfile)?;
        let mut stores = read_stores(&dir)?;
        let before = stores.len();
        stores.retain(|s| s != url);
        let found = stores.len() != before;
        if found {
            write_stores(&dir, &stores)?;
        }
        self.stores = stores;
        Ok(found)
    }

    /// The keyfile this keyring belongs to.
    #[must_use]
    pub fn keyfile(&self) -> &Path {
        &self.keyfile
    }

    /// The active key: new ciphertexts are sealed under it.
    #[must_use]
    pub fn active(&self) -> &Key {
        match self.keys.get(&self.active) {
            Some(k) => k,
            // Every constructor and mutation inserts the active key before recording its id.
            None => unreachable!("the active key is always in the keyring"),
        }
    }

    /// The active key's id.
    #[must_use]
    pub fn active_id(&self) -> KeyId {
        self.active
    }

    /// Every key, active and retired, for [`secretctl_envelope::open`].
    #[must_use]
    pub fn keys(&self) -> &secretctl_envelope::Keyring {
        &self.keys
    }

    /// Ids of the retired keys, ascending.
    #[must_use]
    pub fn retired_ids(&self) -> Vec<KeyId> {
        self.keys
            .ids()
            .into_iter()
            .filter(|id| *id != self.active)
            .collect()
    }

    /// Every key with its state and times: the active key first, then retired keys, newest retirement first.
    #[must_use]
    pub fn list(&self) -> Vec<KeyInfo> {
        let mut out: Vec<KeyInfo> = self
            .keys
            .ids()
            .into_iter()
            .map(|id| {
                let entry = self
                    .index
                    .keys
                    .get(&id.to_string())
                    .copied()
                    .unwrap_or_default();
                let fallback = if id == self.active {
                    self.active_mtime
                } else {
                    self.file_mtimes.get(&id).copied()
                };
                KeyInfo {
                    id,
                    state: if id == self.active {
                        KeyState::Active
                    } else {
                        KeyState::Retired
                    },
                    created: entry.created.or(fallback).and_then(ts),
                    retired: if id == self.active {
                        None
                    } else {
                        entry.retired.and_then(ts)
                    },
                }
            })
            .collect();
        out.sort_by(|a, b| {
            a.state
                .cmp(&b.state)
                .then(b.retired.cmp(&a.retired))
                .then(a.id.cmp(&b.id))
        });
        out
    }

    /// Make a new random key active; the old active key is kept as retired so its ciphertexts still open.
    ///
    /// Crash-safe: the new key is durably staged and the old key durably saved as retired before the keyfile is
    /// atomically replaced, so a crash at any point leaves every key a ciphertext may reference loadable.
    ///
    /// # Errors
    /// [`Error::Envelope`] if the OS random number generator fails; [`Error::Io`] for a failed write.
    pub fn rotate(&mut self) -> Result<KeyId, Error> {
        let _lock = Lock::acquire(&self.keyfile)?;
        self.refresh_active()?;
        let new = Key::try_generate()?;
        let id = new.id();
        self.install(new, None)?;
        Ok(id)
    }

    /// Make `key` the active key, keeping the current active key as retired (restore with `--force`).
    ///
    /// # Errors
    /// As [`Keyring::rotate`].
    pub fn install_key(&mut self, key: Key) -> Result<(), Error> {
        let _lock = Lock::acquire(&self.keyfile)?;
        self.refresh_active()?;
        self.install(key, None)
    }

    /// Another process may have rotated since we loaded: take the keyfile's current key as the one to retire.
    fn refresh_active(&mut self) -> Result<(), Error> {
        let loose = self.opts.allow_loose_permissions;
        let current = wrapped::read_key(&self.keyfile, loose, self.wrap.as_deref())?;
        if current.id() != self.active {
            self.active = current.id();
            self.keys.insert(current);
        }
        Ok(())
    }

    /// Install `new` as the active key, running the steps in order; `stop_after` ends early to simulate a crash
    /// (tests only). The caller holds the lock.
    pub(crate) fn install(&mut self, new: Key, stop_after: Option<Step>) -> Result<(), Error> {
        let new_id = new.id();
        let old_id = self.active;
        if new_id == old_id {
            return Ok(());
        }
        let dir = keyring_dir(&self.keyfile);
        kfs::create_private_dir(&dir)?;
        let now = OffsetDateTime::now_utc().unix_timestamp();

        // Key files are written under a temporary name and renamed into place, so a crash never leaves a partial
        // `<id>.key`; a file already there under this name holds this very key (the name is its id) and is simply
        // replaced by an identical one.
        let staged = dir.join(key_file_name(new_id));
        wrapped::write_key(&staged, &new, self.wrap.as_deref())?;
        if stop_after == Some(Step::StageNew) {
            return Ok(());
        }

        let retired = dir.join(key_file_name(old_id));
        wrapped::write_key(&retired, self.active(), self.wrap.as_deref())?;
        if stop_after == Some(Step::RetireOld) {
            return Ok(());
        }

        let mut index = self.index.clone();
        index.format = INDEX_FORMAT.to_owned();
        index.version = 1;
        let old_created = self.list().into_iter().find(|k| k.id == old_id);
        let old_entry = index.keys.entry(old_id.to_string()).or_default();
        if old_entry.created.is_none() {
            old_entry.created = old_created
                .and_then(|k| k.created)
                .map(OffsetDateTime::unix_timestamp);
        }
        old_entry.retired = Some(now);
        let new_entry = index.keys.entry(new_id.to_string()).or_default();
        new_entry.created.get_or_insert(now);
        new_entry.retired = None;
        write_index(&dir, &index)?;
        self.index = index;
        if stop_after == Some(Step::WriteIndex) {
            return Ok(());
        }

        wrapped::write_key(&self.keyfile, &new, self.wrap.as_deref())?;
        self.file_mtimes.insert(old_id, now);
        self.active = new_id;
        self.keys.insert(new);
        if stop_after == Some(Step::SwapKeyfile) {
            return Ok(());
        }

        kfs::remove(&staged)?;
        Ok(())
    }

    /// Delete a retired key for good. The caller has checked that no ciphertext references it.
    ///
    /// # Errors
    /// [`Error::ActiveKey`] for the active key; [`Error::NoSuchRetiredKey`] when there is no such retired key;
    /// [`Error::Io`] for a failed removal.
    pub fn destroy_retired(&mut self, id: KeyId) -> Result<(), Error> {
        let _lock = Lock::acquire(&self.keyfile)?;
        self.refresh_active()?;
        if id == self.active {
            return Err(Error::ActiveKey(id));
        }
        let dir = keyring_dir(&self.keyfile);
        let path = dir.join(key_file_name(id));
        if !path.exists() {
            return Err(Error::NoSuchRetiredKey(id));
        }
        kfs::remove(&path)?;
        self.keys.remove(&id);
        self.file_mtimes.remove(&id);
        if self.index.keys.remove(&id.to_string()).is_some() {
            let index = self.index.clone();
            write_index(&dir, &index)?;
        }
        Ok(())
    }
}

fn ts(unix: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).ok()
}

/// `<keyfile>.keyring`, the directory of retired keys and the index.
#[must_use]
pub fn keyring_dir(keyfile: &Path) -> PathBuf {
    kfs::sibling(keyfile, ".keyring")
}

fn key_file_name(id: KeyId) -> String {
    format!("{id}.key")
}

fn key_file_id(name: &str) -> Option<KeyId> {
    name.strip_suffix(".key")?.parse().ok()
}

fn index_path(dir: &Path) -> PathBuf {
    dir.join("index.json")
}

fn read_index(dir: &Path) -> Result<Index, Error> {
    let path = index_path(dir);
    // Read up to one byte more than the limit, so that an oversized index is reported as damaged, not unreadable.
    let Some(bytes) = kfs::read_optional(&path, MAX_INDEX_BYTES + 1)? else {
        return Ok(Index::default());
    };
    if bytes.len() as u64 > MAX_INDEX_BYTES {
        return Err(Error::BadIndex {
            path,
            reason: format!("larger than {MAX_INDEX_BYTES} bytes"),
        });
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::BadIndex {
        path: path.clone(),
        reason: "not UTF-8 text".to_owned(),
    })?;
    let index: Index = serde_json::from_str(text).map_err(|e| Error::BadIndex {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    if index.format != INDEX_FORMAT || index.version != 1 {
        return Err(Error::BadIndex {
            path,
            reason: format!(
                "unknown format {:?} version {}",
                index.format, index.version
            ),
        });
    }
    if let Some(bad) = index.keys.keys().find(|k| k.parse::<KeyId>().is_err()) {
        return Err(Error::BadIndex {
            path,
            reason: format!("{bad:?} is not a key id"),
        });
    }
    Ok(index)
}

fn write_index(dir: &Path, index: &Index) -> Result<(), Error> {
    let path = index_path(dir);
    let mut text = serde_json::to_string_pretty(index).map_err(|e| Error::BadIndex {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    kfs::replace(&path, text.as_bytes(), kfs::PRIVATE_MODE)
}

fn stores_path(dir: &Path) -> PathBuf {
    dir.join("stores.json")
}

fn read_stores(dir: &Path) -> Result<Vec<String>, Error> {
    let path = stores_path(dir);
    let Some(bytes) = kfs::read_optional(&path, MAX_STORES_BYTES + 1)? else {
        return Ok(Vec::new());
    };
    let bad = |reason: String| Error::BadIndex {
        path: path.clone(),
        reason,
    };
    if bytes.len() as u64 > MAX_STORES_BYTES {
        return Err(bad(format!("larger than {MAX_STORES_BYTES} bytes")));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("not UTF-8 text".to_owned()))?;
    let file: Stores = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if file.format != STORES_FORMAT || file.version != 1 {
        return Err(bad(format!(
            "unknown format {:?} version {}",
            file.format, file.version
        )));
    }
    if file
        .stores
        .iter()
        .any(|s| s.is_empty() || s.chars().any(char::is_control))
    {
        return Err(bad(
            "a store URL is empty or holds a control character".to_owned()
        ));
    }
    Ok(file.stores)
}

fn write_stores(dir: &Path, stores: &[String]) -> Result<(), Error> {
    let path = stores_path(dir);
    let file = Stores {
        format: STORES_FORMAT.to_owned(),
        version: 1,
        stores: stores.to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| Error::BadIndex {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    kfs::replace(&path, text.as_bytes(), kfs::PRIVATE_MODE)
}

#[cfg(test)]
mod store_list_tests {
    use super::*;

    #[test]
    fn stores_are_recorded_once_kept_across_loads_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let keyfile = dir.path().join("master.key");
        crate::create(&keyfile).unwrap();
        let mut ring = Keyring::open(&keyfile, LoadOptions::default()).unwrap();
        assert!(ring.stores().is_empty());
        ring.record_store("sqlite:/srv/a.db").unwrap();
        ring.record_store("postgres://app@db:5432/s").unwrap();
        ring.record_store("sqlite:/srv/a.db").unwrap();
        let again = Keyring::open(&keyfile, LoadOptions::default()).unwrap();
        assert_eq!(
            again.stores(),
            ["sqlite:/srv/a.db", "postgres://app@db:5432/s"]
        );
        let path = keyring_dir(&keyfile).join("stores.json");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(ring.record_store("sqlite:/x\ny").is_err());
        assert!(ring.forget_store("sqlite:/srv/a.db").unwrap());
        assert!(!ring.forget_store("sqlite:/srv/a.db").unwrap());
        let again = Keyring::open(&keyfile, LoadOptions::default()).unwrap();
        assert_eq!(again.stores(), ["postgres://app@db:5432/s"]);
        // A damaged file is an error, not an empty list (retire would check nothing).
        fs::write(&path, b"{").unwrap();
        assert!(matches!(
            Keyring::open(&keyfile, LoadOptions::default()),
            Err(Error::BadIndex { .. })
        ));
    }
}

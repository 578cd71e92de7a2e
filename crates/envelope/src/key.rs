//! Key material, key ids and the in-memory keyring.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use aes_gcm::{Aes256Gcm, KeyInit};
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;
use zeroize::ZeroizeOnDrop;

use crate::Error;

/// Length in bytes of every key: 256 bits.
pub const KEY_LEN: usize = 32;

/// The label that the key id derivation authenticates under the key.
const KEY_ID_LABEL: &[u8] = b"secretctl key id v1";

/// A 256-bit secret key.
///
/// The bytes live in a [`SecretBox`] and are zeroized on drop, as are the cached AES round keys. `Debug` shows the
/// key id only. The key id and the expanded AES-256 key schedule are computed once, when the key is made, so
/// sealing many values under one key does not repeat that work.
pub struct Key {
    bytes: SecretBox<[u8; KEY_LEN]>,
    id: KeyId,
    // Expanded AES-256 round keys + GHASH key; `aes` is built with its `zeroize` feature, so they are wiped on drop.
    aes: Aes256Gcm,
}

impl ZeroizeOnDrop for Key {}

impl Key {
    /// A key from its 32 bytes (e.g. read from a keyfile).
    #[must_use]
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> Key {
        let secret = SecretBox::<[u8; KEY_LEN]>::init_with_mut(|k| k.copy_from_slice(bytes));
        Key::from_secret(secret)
    }

    fn from_secret(bytes: SecretBox<[u8; KEY_LEN]>) -> Key {
        let raw = bytes.expose_secret();
        let id = derive_id(raw);
        let aes = Aes256Gcm::new(raw.into());
        Key { bytes, id, aes }
    }

    /// A fresh random key from the operating system's CSPRNG.
    ///
    /// # Panics
    /// If the operating system's random number generator fails, which on supported systems does not happen once
    /// the system is booted; use [`Key::try_generate`] to get an error instead.
    #[must_use]
    pub fn generate() -> Key {
        match Key::try_generate() {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        }
    }

    /// A fresh random key from the operating system's CSPRNG.
    ///
    /// # Errors
    /// [`Error::Rng`] if the operating system's random number generator fails.
    pub fn try_generate() -> Result<Key, Error> {
        let mut failed = false;
        let secret = SecretBox::<[u8; KEY_LEN]>::init_with_mut(|k| {
            failed = OsRng.try_fill_bytes(k).is_err();
        });
        if failed {
            return Err(Error::Rng);
        }
        Ok(Key::from_secret(secret))
    }

    /// The key's id: the first 8 bytes of HMAC-SHA256(key, "secretctl key id v1").
    #[must_use]
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The raw key bytes, for writing a keyfile or a backup only.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; KEY_LEN] {
        self.bytes.expose_secret()
    }

    pub(crate) fn aes(&self) -> &Aes256Gcm {
        &self.aes
    }
}

impl Clone for Key {
    fn clone(&self) -> Key {
        Key {
            bytes: SecretBox::<[u8; KEY_LEN]>::init_with_mut(|k| {
                k.copy_from_slice(self.bytes.expose_secret());
            }),
            id: self.id,
            aes: self.aes.clone(),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn derive_id(key: &[u8; KEY_LEN]) -> KeyId {
    // HMAC accepts keys of any length, so this cannot fail for a 32-byte key.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(KEY_ID_LABEL);
    let tag = mac.finalize().into_bytes();
    let mut id = [0u8; 8];
    id.copy_from_slice(&tag[..8]);
    KeyId(id)
}

/// A key's public identifier: 8 bytes derived from the key under HMAC, never the key or a plain hash of it.
///
/// `Display` and `FromStr` use 16 lowercase hexadecimal characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = Error;

    fn from_str(s: &str) -> Result<KeyId, Error> {
        let b = s.as_bytes();
        if b.len() != 16 || !b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(Error::BadKeyId);
        }
        let mut id = [0u8; 8];
        hex::decode_to_slice(b, &mut id).map_err(|_| Error::BadKeyId)?;
        Ok(KeyId(id))
    }
}

/// An in-memory set of keys looked up by id: what [`open`](crate::open) chooses from.
#[derive(Default, Clone, Debug)]
pub struct Keyring {
    keys: BTreeMap<KeyId, Key>,
}

impl Keyring {
    /// An empty keyring.
    #[must_use]
    pub fn new() -> Self {
        Keyring::default()
    }

    /// Add a key; a key with the same id is replaced (same id means same key, barring a 64-bit collision).
    pub fn insert(&mut self, key: Key) {
        self.keys.insert(key.id(), key);
    }

    /// The key with this id.
    #[must_use]
    pub fn get(&self, id: &KeyId) -> Option<&Key> {
        self.keys.get(id)
    }

    /// Remove and return the key with this id.
    pub fn remove(&mut self, id: &KeyId) -> Option<Key> {
        self.keys.remove(id)
    }

    /// Every key id, in ascending order.
    #[must_use]
    pub fn ids(&self) -> Vec<KeyId> {
        self.keys.keys().copied().collect()
    }

    /// How many keys the keyring holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when the keyring holds no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

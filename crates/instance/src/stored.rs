//! Values out of the `.env` (`store = true`): the values of an instance's versioned secrets live in the encrypted
//! secret store, and the `.env` keeps only the pointers `SECRET_<KEY>_VERSION=vN`, as Co-op Cloud's `abra` keeps
//! none in the app's `.env`.
//!
//! Version `N` of `KEY` is the store secret (owner = the instance name, name = `<key in lower case>_v<N>`, the
//! Swarm name without the stack), put once and never again: versions stay immutable. A new version is put into the
//! store first and the pointer moved after, under the `.env`'s lock; a failed put leaves the `.env` as it was.

use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::EnvFile;
use secretctl_keyfile::Keyring;
use secretctl_naming::pointer;
use secretctl_store::Store;

use crate::{Error, Instance, Rule};

/// The encrypted secret store and the keyring that opens it, where `store = true` values live.
#[derive(Debug)]
pub struct ValueStore {
    store: Store,
    keyring: Keyring,
}

impl ValueStore {
    /// The store and keyring to use.
    #[must_use]
    pub fn new(store: Store, keyring: Keyring) -> Self {
        Self { store, keyring }
    }

    /// The store's name of version `version` of `key`: `db_password_v2`.
    fn name(key: &str, version: u32) -> Result<String, Error> {
        pointer::versioned_name(key, version)
            .map(|n| n.to_string())
            .map_err(|error| Error::Naming {
                path: std::path::PathBuf::from(key),
                error,
            })
    }

    /// The value of version `version` of `key` of `owner`, as text.
    ///
    /// # Errors
    /// [`Error::Store`] (not found, integrity, the store failing); [`Error::NotText`] for a value that is not
    /// UTF-8.
    pub fn get(&mut self, owner: &str, key: &str, version: u32) -> Result<SecretString, Error> {
        let name = Self::name(key, version)?;
        let secret = self
            .store
            .get(self.keyring.keys(), owner, &name, None)
            .map_err(Box::new)?;
        let text = std::str::from_utf8(secret.expose_value()).map_err(|_| Error::NotText {
            owner: owner.to_owned(),
            name: name.clone(),
        })?;
        Ok(SecretString::from(text.to_owned()))
    }

    /// Whether the store holds version `version` of `key` of `owner` (nothing is decrypted).
    fn has(&mut self, owner: &str, key: &str, version: u32) -> Result<bool, Error> {
        let name = Self::name(key, version)?;
        match self.store.history(owner, &name) {
            Ok(rows) => Ok(!rows.is_empty()),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(Box::new(e).into()),
        }
    }

    /// Put version `version` of `key` of `owner`; refused when the store has it already (versions are immutable).
    pub(crate) fn put_new(
        &mut self,
        owner: &str,
        key: &str,
        version: u32,
        value: &SecretString,
    ) -> Result<(), Error> {
        let name = Self::name(key, version)?;
        if self.has(owner, key, version)? {
            return Err(Error::Refused {
                key: key.to_owned(),
                rule: Rule::Immutable,
                message: format!(
                    "the secret store already holds {owner}/{name}; versions are immutable, so it is not \
                     overwritten (a leftover of an interrupted write: remove it with `secretctl secret rm {owner} \
                     {name}` once you know it is not in use)"
                ),
                fix: None,
            });
        }
        self.store
            .put(
                self.keyring.active(),
                owner,
                &name,
                value.expose_secret().as_bytes(),
            )
            .map_err(Box::new)?;
        Ok(())
    }
}

/// One version moved from the `.env` into the store by [`Instance::migrate_to_store`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Moved {
    /// The versioned key.
    pub key: String,
    /// The version.
    pub version: u32,
    /// The `.env` key that held it and is now gone.
    pub value_key: String,
    /// The store's name of it (owner = the instance).
    pub name: String,
}

impl Instance {
    /// Whether the values of `key`'s versions live in the secret store (`store = true`).
    #[must_use]
    pub fn in_store(&self, key: &str) -> bool {
        self.schema.as_ref().is_some_and(|s| s.in_store(key))
    }

    /// Whether any secret of the instance keeps its values in the secret store.
    #[must_use]
    pub fn uses_store(&self) -> bool {
        self.schema
            .as_ref()
            .is_some_and(|s| s.secrets().any(|spec| s.in_store(&spec.key)))
    }

    /// Whether reading the instance's current values needs the secret store: a `store = true` key whose pointer
    /// names a version the `.env` does not hold (before a migration every value is still in the `.env`).
    ///
    /// # Errors
    /// The `.env` cannot be read; [`Error::Naming`] for a malformed pointer.
    pub fn reads_store(&self) -> Result<bool, Error> {
        if !self.uses_store() {
            return Ok(false);
        }
        let (env, _) = self.read()?;
        let Some(schema) = &self.schema else {
            return Ok(false);
        };
        for spec in schema.secrets().filter(|s| schema.in_store(&s.key)) {
            let current =
                pointer::current_value(&env, &spec.key).map_err(|error| Error::Naming {
                    path: self.env_path.clone(),
                    error,
                })?;
            if matches!(current, Some((_, None))) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The store owner of this instance's values: its name.
    pub(crate) fn owner(&self) -> Result<String, Error> {
        self.name().ok_or_else(|| Error::NoInstanceName {
            path: self.env_path.clone(),
        })
    }

    /// The value store, required for `key`.
    pub(crate) fn need_store<'s>(
        &self,
        key: &str,
        store: Option<&'s mut ValueStore>,
    ) -> Result<&'s mut ValueStore, Error> {
        store.ok_or_else(|| Error::StoreNeeded {
            key: key.to_owned(),
        })
    }

    /// The value of version `version` of the store-backed `key` (for `export value`).
    ///
    /// # Errors
    /// [`Error::NoInstanceName`]; those of [`ValueStore::get`].
    pub fn stored_value(
        &self,
        store: &mut ValueStore,
        key: &str,
        version: u32,
    ) -> Result<SecretString, Error> {
        store.get(&self.owner()?, key, version)
    }

    /// The `.env` as it is, with the value of the version each store-backed pointer names added in memory as
    /// `<KEY>_V<N>` (never written): what an export reads, so that it exports the same secrets as when the values
    /// were in the `.env`.
    ///
    /// # Errors
    /// The `.env` cannot be read; [`Error::Naming`] for a malformed pointer; those of [`ValueStore::get`].
    pub fn env_with_stored_values(&self, store: &mut ValueStore) -> Result<EnvFile, Error> {
        let (mut env, _) = self.read()?;
        let Some(schema) = &self.schema else {
            return Ok(env);
        };
        let owner = self.owner()?;
        for spec in schema.secrets().filter(|s| schema.in_store(&s.key)) {
            let key = spec.key.as_str();
            let current = pointer::current(&env, key).map_err(|error| Error::Naming {
                path: self.env_path.clone(),
                error,
            })?;
            let Some(name) = current else { continue };
            let value_key = pointer::value_key(key, name.version());
            if env.contains(&value_key) {
                continue;
            }
            let value = store.get(&owner, key, name.version())?;
            env.set(&value_key, value.expose_secret())
                .map_err(|error| secretctl_envfile::Error::Edit {
                    path: self.env_path.clone(),
                    error,
                })?;
        }
        Ok(env)
    }

    /// Move the values of every store-backed versioned key out of the `.env` into the secret store
    /// (`secretctl env migrate-to-store`): each `<KEY>_V<N>` becomes the store secret (instance, `<key>_v<N>`) and
    /// its line leaves the `.env`; the pointers stay. The puts come first, the `.env` is written after, under its
    /// lock: run again after an interruption, a version the store already holds with the same value is simply
    /// dropped from the `.env`.
    ///
    /// # Errors
    /// [`Error::NoSchema`]; [`Error::Refused`] when the store holds a different value for a version (nothing is
    /// written to the `.env`); those of the store.
    pub fn migrate_to_store(&self, store: &mut ValueStore) -> Result<Vec<Moved>, Error> {
        let schema = self.require_schema("`secretctl env migrate-to-store`")?;
        let owner = self.owner()?;
        self.transact(false, |env, _, _| {
            let mut moved = Vec::new();
            for key in env.keys() {
                let Some((base, version)) = pointer::split_value_key(key) else {
                    continue;
                };
                if !schema.in_store(base) {
                    continue;
                }
                let value = SecretString::from(env.get(key).unwrap_or_default().to_owned());
                let name = ValueStore::name(base, version)?;
                if store.has(&owner, base, version)? {
                    let stored = store.get(&owner, base, version)?;
                    if stored.expose_secret() != value.expose_secret() {
                        return Err(Error::Refused {
                            key: key.to_owned(),
                            rule: Rule::Immutable,
                            message: format!(
                                "the secret store holds {owner}/{name} with a value other than {key}'s in {}; \
                                 versions are immutable, so neither is changed",
                                self.env_path.display()
                            ),
                            fix: None,
                        });
                    }
                } else {
                    store.put_new(&owner, base, version, &value)?;
                }
                moved.push(Moved {
                    key: base.to_owned(),
                    version,
                    value_key: key.to_owned(),
                    name,
                });
            }
            for m in &moved {
                env.unset(&m.value_key);
            }
            Ok(moved)
        })
    }
}

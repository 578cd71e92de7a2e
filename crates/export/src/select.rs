//! Choosing what to export: the values of an instance's `.env` (or of its owner in the store), in the order the
//! schema declares them, then every other secret key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use secretctl_envelope::Keyring;
use secretctl_envfile::EnvFile;
use secretctl_naming::{parse_version_tag, pointer};
use secretctl_schema::{is_secret_name, Schema, SecretSpec};
use secretctl_store::{Store, StoreUrl};

use crate::swarm::{shell_quote, url_has_password};
use crate::Error;

/// The classification of keys the export uses unless told otherwise: what the schema says
/// ([`Schema::is_secret`]), else the key's name ([`is_secret_name`]).
///
/// [`Selection::from_env`] takes the classification as a parameter; pass this function to keep this rule.
#[must_use]
pub fn is_secret(schema: Option<&Schema>, key: &str) -> bool {
    schema.map_or_else(|| is_secret_name(key), |s| s.is_secret(key))
}

/// The instance's name: `given` (`--instance`), else the schema's `[instance] name`, else the name of the
/// directory holding the `.env`.
///
/// # Errors
/// [`Error::NoInstanceName`] when none is given and the directory has no UTF-8 name.
pub fn instance_name(
    given: Option<&str>,
    schema: Option<&Schema>,
    env_path: &Path,
) -> Result<String, Error> {
    given
        .map(str::to_owned)
        .or_else(|| secretctl_instance::instance_name(schema, env_path))
        .ok_or_else(|| Error::NoInstanceName {
            path: env_path.to_path_buf(),
        })
}

/// Where the values of a [`Selection`] were read; the Swarm script reads each value from there again.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Source {
    /// A `.env`, by the path given (absolute, so that the Swarm script works from any directory).
    Env(PathBuf),
    /// An owner's secrets in the encrypted store.
    Store(StoreSource),
}

impl Source {
    /// Where the values were read, for messages: the `.env`'s path, or the store (password redacted) and owner.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Source::Env(path) => path.display().to_string(),
            Source::Store(s) => format!("{} (owner {})", s.shown(), s.owner),
        }
    }
}

/// A store as the source of an export: its URL, the owner, and the keyfile options `secretctl export value`
/// needs to open it again from the Swarm script.
#[derive(Clone)]
#[non_exhaustive]
pub struct StoreSource {
    /// The store URL (`sqlite:PATH` or `postgres://...`), as `secretctl` reads it from `SECRETCTL_STORE`.
    pub url: String,
    /// The owner whose secrets are exported (the instance).
    pub owner: String,
    /// The keyfile, when it is not the default one.
    pub keyfile: Option<PathBuf>,
    /// The keyfile is opened even if group or other users can read it.
    pub allow_loose_permissions: bool,
}

impl StoreSource {
    /// The store at `url`, the secrets of `owner`, the default keyfile.
    #[must_use]
    pub fn new(url: impl Into<String>, owner: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            owner: owner.into(),
            keyfile: None,
            allow_loose_permissions: false,
        }
    }

    /// The same source opened with another keyfile (and whether its permissions may be loose).
    #[must_use]
    pub fn with_keyfile(mut self, keyfile: Option<PathBuf>, allow_loose_permissions: bool) -> Self {
        self.keyfile = keyfile;
        self.allow_loose_permissions = allow_loose_permissions;
        self
    }

    /// The URL as it may be shown: a PostgreSQL password replaced by `***`.
    #[must_use]
    pub fn shown(&self) -> String {
        self.url
            .parse::<StoreUrl>()
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// The command that puts `name` into this store for this owner, as an operator would run it.
    fn put_command(&self, name: &str) -> String {
        let mut words = vec!["secretctl", "secret", "put", &self.owner, name];
        let with_password = url_has_password(&self.url);
        if !with_password {
            words.extend(["--store", &self.url]);
        }
        let keyfile = self.keyfile.as_ref().map(|k| k.display().to_string());
        if let Some(k) = &keyfile {
            words.extend(["--keyfile", k]);
        }
        if self.allow_loose_permissions {
            words.push("--allow-loose-permissions");
        }
        let mut fix = format!("`{}` (value on stdin", command(&words));
        if with_password {
            fix.push_str(", SECRETCTL_STORE set to the store's URL");
        }
        fix.push(')');
        fix
    }
}

impl fmt::Debug for StoreSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreSource")
            .field("url", &self.shown())
            .field("owner", &self.owner)
            .field("keyfile", &self.keyfile)
            .field("allow_loose_permissions", &self.allow_loose_permissions)
            .finish()
    }
}

/// Shell words as one command line.
fn command(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One secret to export.
#[derive(Debug, Clone)]
pub struct Item {
    pub(crate) key: String,
    pub(crate) value: SecretString,
    version: Option<u32>,
    pub(crate) k8s_secret: Option<String>,
    pub(crate) k8s_key: Option<String>,
    declared_versioned: bool,
    fix: Option<String>,
}

impl Item {
    /// The `.env` key or the store name.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value (of the version in use, for a versioned key).
    #[must_use]
    pub fn value(&self) -> &SecretString {
        &self.value
    }

    /// The version in use, for a versioned secret (every store secret is versioned).
    #[must_use]
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// The Kubernetes Secret the schema puts the key in (a name template with `{instance}`), if it names one.
    #[must_use]
    pub fn k8s_secret(&self) -> Option<&str> {
        self.k8s_secret.as_deref()
    }

    /// The key of the value in its Kubernetes Secret: the schema's `k8s_key`, else the key itself.
    #[must_use]
    pub fn data_key(&self) -> &str {
        self.k8s_key.as_deref().unwrap_or(&self.key)
    }

    /// The schema declares the key `versioned` (every store secret counts as versioned without a schema).
    #[must_use]
    pub fn declared_versioned(&self) -> bool {
        self.declared_versioned
    }

    /// The command that creates version 1 of a key declared versioned that has no pointer, if there is one.
    pub(crate) fn version_fix(&self) -> Option<&str> {
        self.fix.as_deref()
    }

    fn new(
        key: String,
        value: SecretString,
        version: Option<u32>,
        spec: Option<&SecretSpec>,
    ) -> Self {
        Self {
            key,
            value,
            version,
            k8s_secret: spec.and_then(|s| s.k8s_secret.clone()),
            k8s_key: spec.and_then(|s| s.k8s_key.clone()),
            declared_versioned: spec.is_some_and(|s| s.versioned),
            fix: None,
        }
    }
}

/// What one export works on: the instance, where its values come from, and the secrets, in export order.
#[derive(Debug, Clone)]
pub struct Selection {
    instance: String,
    source: Source,
    items: Vec<Item>,
    domain: Option<String>,
    namespace: Option<String>,
}

impl Selection {
    /// Choose what to export from an instance's `.env`.
    ///
    /// - The values are the ones Docker Compose computes (`lookup` answers for variables the file does not define;
    ///   Compose uses the process environment).
    /// - First the keys the schema declares, in declared order; each must have a value. Then every other key, in
    ///   file order. Either kind only when `is_secret` classifies it as a secret: that parameter is the whole key
    ///   classification (pass [`is_secret`] for the default rule, under which every declared key is one).
    ///   secretctl's own `SECRETCTL_*` records never.
    /// - A versioned key (a pointer `SECRET_<KEY>_VERSION=vN`) is exported once, under its own name, with the value
    ///   of the version in use (`<KEY>_V<N>`); neither the pointer nor the per-version keys are exported on their own.
    /// - The instance is `instance`, else the schema's `[instance] name`, else the `.env`'s directory name
    ///   ([`instance_name`]).
    ///
    /// `path` names the `.env` in messages and, in the Swarm script, where to read each value again: give it
    /// absolute.
    ///
    /// # Errors
    /// [`Error::NoInstanceName`]; [`Error::Interpolation`]; [`Error::Pointer`] for a malformed pointer;
    /// [`Error::MissingVersion`] when a pointer names a missing version; [`Error::NoValue`] when a declared key has
    /// no value (with the command that sets one).
    pub fn from_env(
        env: &EnvFile,
        path: &Path,
        instance: Option<&str>,
        schema: Option<&Schema>,
        is_secret: &dyn Fn(&str) -> bool,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let instance = instance_name(instance, schema, path)?;
        let mut values = Values {
            path,
            resolved: env
                .resolve(lookup)
                .map_err(|source| Error::Interpolation {
                    path: path.to_path_buf(),
                    source,
                })?
                .into_iter()
                .collect(),
        };
        let domain = values
            .resolved
            .get("DOMAIN")
            .map(|d| d.expose_secret().to_owned());

        // Versioned keys: every key with a version pointer.
        let mut versioned: BTreeMap<String, u32> = BTreeMap::new();
        for key in env.keys() {
            if let Some(base) = pointer::pointed_key(key) {
                let current = pointer::current(env, base).map_err(|error| Error::Pointer {
                    path: path.to_path_buf(),
                    error,
                })?;
                if let Some(name) = current {
                    versioned.insert(base.to_owned(), name.version());
                }
            }
        }
        let declared: Vec<&SecretSpec> = schema
            .map(|s| s.secrets().filter(|spec| is_secret(&spec.key)).collect())
            .unwrap_or_default();
        let is_declared = |key: &str| schema.is_some_and(|s| s.get(key).is_some());
        let is_per_version_key = |key: &str| {
            key.rsplit_once("_V").is_some_and(|(base, n)| {
                parse_version_tag(&format!("v{n}")).is_some()
                    && (versioned.contains_key(base)
                        || schema
                            .and_then(|s| s.get(base))
                            .is_some_and(|s| s.versioned))
            })
        };

        let mut items = Vec::new();
        // First what the schema declares, in declared order; a declared key must have a value.
        for spec in &declared {
            let key = spec.key.as_str();
            let (value, version) = match versioned.get(key) {
                Some(&version) => (values.take_version(key, version)?, Some(version)),
                None => {
                    let fix = || value_fix(spec, path, schema.and_then(Schema::file));
                    (values.take(key, true, fix)?, None)
                }
            };
            let mut item = Item::new(key.to_owned(), value, version, Some(spec));
            if spec.versioned && version.is_none() {
                item.fix = version_fix(spec, path, schema.and_then(Schema::file));
            }
            items.push(item);
        }
        // Then every other key of the .env that is a secret (or is versioned), in file order. secretctl's own
        // records (rotation dates, the fingerprint key) belong to the instance, not the app.
        for key in env.keys() {
            if is_declared(key)
                || pointer::pointed_key(key).is_some()
                || is_per_version_key(key)
                || versioned.contains_key(key)
                || secretctl_schema::state::is_metadata_key(key)
                || !is_secret(key)
            {
                continue;
            }
            let value = values.take(key, false, || None)?;
            items.push(Item::new(key.to_owned(), value, None, None));
        }
        for (key, &version) in &versioned {
            if is_declared(key) {
                continue;
            }
            let value = values.take_version(key, version)?;
            let mut item = Item::new(key.clone(), value, Some(version), None);
            item.declared_versioned = true;
            items.push(item);
        }
        Ok(Self {
            instance,
            source: Source::Env(path.to_path_buf()),
            items,
            domain,
            namespace: schema.and_then(|s| s.instance().namespace.clone()),
        })
    }

    /// Choose what to export from the store: the latest version of every secret of `source.owner`, or, with a
    /// schema, of every secret it declares (in declared order, grouped as it says).
    ///
    /// # Errors
    /// [`Error::NotInStore`] when a declared secret is missing (with the command that puts it); [`Error::Store`]
    /// when the store fails or a value does not authenticate; [`Error::NotUtf8`], [`Error::VersionTooLarge`].
    pub fn from_store(
        store: &mut Store,
        keyring: &Keyring,
        source: StoreSource,
        schema: Option<&Schema>,
    ) -> Result<Self, Error> {
        let owner = source.owner.clone();
        let wanted: Vec<(String, Option<&SecretSpec>)> = match schema {
            Some(schema) => schema.secrets().map(|s| (s.key.clone(), Some(s))).collect(),
            None => {
                let mut names: Vec<String> = store
                    .list(Some(&owner))
                    .map_err(|e| Error::Store(Box::new(e)))?
                    .into_iter()
                    .map(|info| info.name)
                    .collect();
                names.dedup();
                names.into_iter().map(|n| (n, None)).collect()
            }
        };
        let mut items = Vec::with_capacity(wanted.len());
        for (name, spec) in wanted {
            let (version, value) = match store_get(store, keyring, &owner, &name, None) {
                Err(Error::Store(e)) if e.is_not_found() && spec.is_some() => {
                    return Err(Error::NotInStore {
                        fix: source.put_command(&name),
                        owner,
                        name,
                        source: e,
                    });
                }
                other => other?,
            };
            let version = u32::try_from(version).map_err(|_| Error::VersionTooLarge {
                owner: owner.clone(),
                name: name.clone(),
                version,
            })?;
            let mut item = Item::new(name, value, Some(version), spec);
            // Without a schema, every stored secret is versioned (store versions are immutable).
            item.declared_versioned = spec.is_none_or(|s| s.versioned);
            items.push(item);
        }
        Ok(Self {
            instance: owner,
            source: Source::Store(source),
            items,
            domain: None,
            namespace: schema.and_then(|s| s.instance().namespace.clone()),
        })
    }

    /// The instance: names the Secrets (`{instance}`), labels them, and is the store owner.
    #[must_use]
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Where the values were read.
    #[must_use]
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The secrets, in export order.
    #[must_use]
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// `DOMAIN` from the `.env`: the Co-op Cloud convention the default Swarm stack name derives from.
    #[must_use]
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The namespace the schema's `[instance]` table gives the Secrets, if any.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub(crate) fn into_parts(self) -> (String, Source, Vec<Item>, Option<String>) {
        (self.instance, self.source, self.items, self.namespace)
    }
}

/// The resolved values of a `.env`, each moved out once.
struct Values<'a> {
    path: &'a Path,
    resolved: BTreeMap<String, SecretString>,
}

impl Values<'_> {
    /// Move the value of `key` out; `fix` says how to give it one when it has none.
    fn take(
        &mut self,
        key: &str,
        declared: bool,
        fix: impl FnOnce() -> Option<String>,
    ) -> Result<SecretString, Error> {
        self.resolved.remove(key).ok_or_else(|| Error::NoValue {
            path: self.path.to_path_buf(),
            key: key.to_owned(),
            declared,
            fix: fix(),
        })
    }

    /// Move the value of version `version` of the versioned `key` (the key `<KEY>_V<N>`) out.
    fn take_version(&mut self, key: &str, version: u32) -> Result<SecretString, Error> {
        self.resolved
            .remove(&pointer::value_key(key, version))
            .ok_or_else(|| Error::MissingVersion {
                path: self.path.to_path_buf(),
                key: key.to_owned(),
                version,
            })
    }
}

/// `--file PATH` and, when the schema came from a file, `--schema FILE`: the command then works from any
/// directory.
fn file_words<'a>(path: &'a str, schema_file: Option<&'a str>) -> Vec<&'a str> {
    let mut words = vec!["--file", path];
    if let Some(s) = schema_file {
        words.extend(["--schema", s]);
    }
    words
}

/// A path as a recommended command names it: absolute, so the command works from any directory.
fn shown_path(path: &Path) -> String {
    std::path::absolute(path)
        .as_deref()
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The command that gives a declared key without a value one.
fn value_fix(spec: &SecretSpec, path: &Path, schema_file: Option<&Path>) -> Option<String> {
    if spec.versioned {
        return version_fix(spec, path, schema_file);
    }
    let path = shown_path(path);
    let schema_file = schema_file.map(shown_path);
    let mut words = vec!["secretctl", "env", "set", spec.key.as_str()];
    if spec.generator.is_some() {
        words.push("--generate");
        words.extend(file_words(&path, schema_file.as_deref()));
        Some(format!("`{}`", command(&words)))
    } else {
        words.extend(["--file", &path]);
        Some(format!("`{}` (value on stdin)", command(&words)))
    }
}

/// The command that creates version 1 of a declared versioned key: `env rotate`, which needs a generator.
fn version_fix(spec: &SecretSpec, path: &Path, schema_file: Option<&Path>) -> Option<String> {
    spec.generator?;
    let path = shown_path(path);
    let schema_file = schema_file.map(shown_path);
    let mut words = vec!["secretctl", "env", "rotate", spec.key.as_str()];
    words.extend(file_words(&path, schema_file.as_deref()));
    Some(format!("`{}`", command(&words)))
}

/// Open (owner, name) at `version`, or its latest version: the version and its value, which must be UTF-8 to be
/// exported.
fn store_get(
    store: &mut Store,
    keyring: &Keyring,
    owner: &str,
    name: &str,
    version: Option<u64>,
) -> Result<(u64, SecretString), Error> {
    let secret = store
        .get(keyring, owner, name, version)
        .map_err(|e| Error::Store(Box::new(e)))?;
    let value = std::str::from_utf8(secret.expose_value()).map_err(|_| Error::NotUtf8 {
        owner: owner.to_owned(),
        name: name.to_owned(),
    })?;
    Ok((secret.info().version, SecretString::from(value.to_owned())))
}

/// The value of version `version` of the versioned `key` of a `.env` (the key `<KEY>_V<N>`), as Docker Compose
/// computes it: what the Swarm script pipes into `docker secret create`.
///
/// # Errors
/// [`Error::Interpolation`]; [`Error::NoSuchVersion`] when the version has no value key.
pub fn env_version_value(
    env: &EnvFile,
    path: &Path,
    key: &str,
    version: u32,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<SecretString, Error> {
    let value_key = pointer::value_key(key, version);
    env.resolve(lookup)
        .map_err(|source| Error::Interpolation {
            path: path.to_path_buf(),
            source,
        })?
        .into_iter()
        .find(|(k, _)| *k == value_key)
        .map(|(_, v)| v)
        .ok_or_else(|| Error::NoSuchVersion {
            path: path.to_path_buf(),
            key: key.to_owned(),
            version,
        })
}

/// The value of version `version` of (owner, name) in the store, which must be UTF-8 text.
///
/// # Errors
/// [`Error::Store`] (not found, integrity, the store failing); [`Error::NotUtf8`].
pub fn store_version_value(
    store: &mut Store,
    keyring: &Keyring,
    owner: &str,
    name: &str,
    version: u32,
) -> Result<SecretString, Error> {
    store_get(store, keyring, owner, name, Some(u64::from(version))).map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn select(env: &str, schema: Option<&Schema>) -> Result<Selection, Error> {
        let env = EnvFile::parse(env).unwrap();
        Selection::from_env(
            &env,
            Path::new("/srv/wiki/.env"),
            None,
            schema,
            &|k| is_secret(schema, k),
            &no_env,
        )
    }

    fn keys(s: &Selection) -> Vec<(&str, &str, Option<u32>)> {
        s.items()
            .iter()
            .map(|i| (i.key(), i.value().expose_secret(), i.version()))
            .collect()
    }

    #[test]
    fn declared_keys_come_first_then_secrets_in_file_order_then_versioned() {
        let schema =
            Schema::parse("[secrets.B_PASSWORD]\nk8s_key = \"b-password\"\n[secrets.PLAIN]\n")
                .unwrap();
        let s = select(
            "DOMAIN=wiki.example.com\nZ_TOKEN=z\nPLAIN=p\nB_PASSWORD=b\nK_V1=one\nK_V2=two\n\
             SECRET_K_VERSION=v2\nSECRETCTL_ROTATED_B_PASSWORD=2024-01-01\n",
            Some(&schema),
        )
        .unwrap();
        assert_eq!(
            keys(&s),
            [
                ("B_PASSWORD", "b", None),
                ("PLAIN", "p", None),
                ("Z_TOKEN", "z", None),
                ("K", "two", Some(2))
            ]
        );
        assert_eq!(s.items()[0].data_key(), "b-password");
        assert_eq!(s.items()[2].data_key(), "Z_TOKEN");
        assert!(s.items()[3].declared_versioned());
        assert_eq!(s.instance(), "wiki");
        assert_eq!(s.domain(), Some("wiki.example.com"));
    }

    #[test]
    fn the_classification_is_one_parameter() {
        let env = EnvFile::parse("APP_URL=u\nDB_PASSWORD=p\n").unwrap();
        let every = Selection::from_env(
            &env,
            Path::new("/x/.env"),
            Some("i"),
            None,
            &|_| true,
            &no_env,
        )
        .unwrap();
        assert_eq!(every.items().len(), 2);
        let none = Selection::from_env(
            &env,
            Path::new("/x/.env"),
            Some("i"),
            None,
            &|_| false,
            &no_env,
        )
        .unwrap();
        assert!(none.items().is_empty());
    }

    #[test]
    fn the_instance_comes_from_the_flag_the_schema_or_the_directory() {
        let schema = Schema::parse("[instance]\nname = \"mw\"\nnamespace = \"prod\"\n").unwrap();
        let env = Path::new("/srv/wiki/.env");
        assert_eq!(instance_name(Some("x"), Some(&schema), env).unwrap(), "x");
        assert_eq!(instance_name(None, Some(&schema), env).unwrap(), "mw");
        assert_eq!(instance_name(None, None, env).unwrap(), "wiki");
        assert!(matches!(
            instance_name(None, None, Path::new("/")),
            Err(Error::NoInstanceName { .. })
        ));
        let s = select("A_TOKEN=a\n", Some(&schema)).unwrap();
        assert_eq!((s.instance(), s.namespace()), ("mw", Some("prod")));
    }

    #[test]
    fn missing_values_name_the_command_that_sets_them() {
        let schema = Schema::parse(
            "[secrets.GEN]\ngenerator = \"hex:8\"\n[secrets.GIVEN]\n[secrets.VER]\ngenerator = \"hex:8\"\n\
             versioned = true\n",
        )
        .unwrap();
        let err = select("GIVEN=x\nVER=y\n", Some(&schema)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/srv/wiki/.env: GEN is declared in the schema but has no value; run \
             `secretctl env set GEN --generate --file /srv/wiki/.env`"
        );
        let err = select("GEN=x\nVER=y\n", Some(&schema)).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("run `secretctl env set GIVEN --file /srv/wiki/.env` (value on stdin)"),
            "{err}"
        );
        let err = select("GEN=x\nGIVEN=y\n", Some(&schema)).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("run `secretctl env rotate VER --file /srv/wiki/.env`"),
            "{err}"
        );
        let err = select("K_V1=a\nSECRET_K_VERSION=v3\n", None).unwrap_err();
        assert!(
            matches!(err, Error::MissingVersion { version: 3, .. }),
            "{err}"
        );
        let err = select("K_V1=a\nSECRET_K_VERSION=3\n", None).unwrap_err();
        assert!(matches!(err, Error::Pointer { .. }), "{err}");
    }

    #[test]
    fn a_version_value_is_read_by_its_key() {
        let env = EnvFile::parse("K_V1=one\nK_V2=\"two ${X:-x}\"\n").unwrap();
        let path = Path::new("/x/.env");
        let v = env_version_value(&env, path, "K", 2, &no_env).unwrap();
        assert_eq!(v.expose_secret(), "two x");
        assert!(matches!(
            env_version_value(&env, path, "K", 3, &no_env),
            Err(Error::NoSuchVersion { version: 3, .. })
        ));
    }

    #[test]
    fn store_sources_never_show_a_password() {
        let s = StoreSource::new("postgres://app:hunter2@db/secrets", "wiki")
            .with_keyfile(Some(PathBuf::from("/k/master key")), true);
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!Source::Store(s.clone()).describe().contains("hunter2"));
        let fix = s.put_command("db_password");
        assert!(!fix.contains("hunter2"), "{fix}");
        assert_eq!(
            fix,
            "`secretctl secret put wiki db_password --keyfile '/k/master key' --allow-loose-permissions` \
             (value on stdin, SECRETCTL_STORE set to the store's URL)"
        );
        let s = StoreSource::new("sqlite:/srv/my store.db", "wiki");
        assert_eq!(
            s.put_command("x"),
            "`secretctl secret put wiki x --store 'sqlite:/srv/my store.db'` (value on stdin)"
        );
    }
}

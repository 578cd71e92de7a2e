//! Creating an instance: a directory with a `.env` where every declared secret has a value, and the schema beside
//! it so that later commands find it wherever they are run from.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;
use secretctl_schema::{Generator, Schema, SCHEMA_FILE};
use zeroize::Zeroizing;

use crate::state::{self, State};
use crate::{Error, Escrowed, Fix, Instance, Pass, Rule, ValueStore};

/// What [`Instance::init`] did to one declared key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitOutcome {
    /// A value was generated (for a versioned key: its version, e.g. `v1`).
    Generated {
        /// The generator used.
        generator: Generator,
        /// The version created, for a versioned key.
        version: Option<String>,
    },
    /// The key already had a value (or one was given), which is kept.
    Kept,
    /// The key has no value and no generator: the operator must set it with `fix`.
    Missing {
        /// The command that sets it (value on stdin).
        fix: Fix,
    },
}

/// What [`Instance::init`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct InitReport {
    /// The `.env` did not exist before.
    pub created: bool,
    /// The `.env` (or the state) changed.
    pub changed: bool,
    /// Where the schema came from: its path, or "the built-in example schema".
    pub schema_origin: String,
    /// The schema was written to `DIR/secretctl.toml`.
    pub schema_written: bool,
    /// `DIR/secretctl.toml` already existed and differs from the schema given with `--schema` (later commands use
    /// the one in the directory).
    pub schema_differs: bool,
    /// Each declared key, in declared order, and what happened to it.
    pub keys: Vec<(String, InitOutcome)>,
    /// How many `SECRETCTL_*` record lines moved out of the `.env`.
    pub migrated: usize,
    /// The password store entries the generated values were escrowed to (`init --pass`).
    pub escrowed: Vec<Escrowed>,
}

impl Instance {
    /// Create (or complete) the instance in `dir`: the directory (0700) when missing, a `.env` (0600) where every
    /// declared secret that has no value gets one from its generator, the records of each in the state file, and
    /// the schema written to `dir/secretctl.toml` when none is there. The schema is `schema` when given, else the
    /// one already in `dir`, else the built-in example. `given` seeds the values: a new `.env` starts as a copy of
    /// it (comments and all); an existing one gains its missing keys, and a conflicting value refuses the whole
    /// operation. Nothing is ever overwritten.
    ///
    /// # Errors
    /// [`Error::NotADirectory`], [`Error::Refused`] (a conflicting given value), and those of reading and writing
    /// the files.
    pub fn init(
        dir: &Path,
        schema: Option<&Path>,
        given: Option<&Path>,
    ) -> Result<(Self, InitReport), Error> {
        Self::init_with(dir, schema, given, None, None)
    }

    /// [`Instance::init`], escrowing every generated value with `pass` (`secretctl init --pass`) before the `.env`
    /// is written (when `pass` fails, nothing is written), and putting the versions of `store = true` keys into
    /// `store` (without it, such a key is reported missing, with the `env rotate` that creates its version 1).
    ///
    /// # Errors
    /// Those of [`Instance::init`]; [`Error::Escrow`]; [`Error::Store`].
    pub fn init_with(
        dir: &Path,
        schema: Option<&Path>,
        given: Option<&Path>,
        pass: Option<&Pass>,
        store: Option<&mut ValueStore>,
    ) -> Result<(Self, InitReport), Error> {
        let in_dir = dir.join(SCHEMA_FILE);
        let (schema, schema_text, schema_origin) = if let Some(path) = schema {
            let text = Schema::read_text(path)?;
            (Schema::load(path)?, Some(text), path.display().to_string())
        } else if in_dir.is_file() {
            (Schema::load(&in_dir)?, None, in_dir.display().to_string())
        } else {
            let s = Schema::builtin_example();
            let text = s.to_toml();
            (s, Some(text), "the built-in example schema".to_owned())
        };
        let given = given.map(EnvFile::load).transpose()?;
        match std::fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|source| Error::Io {
                    path: dir.to_path_buf(),
                    action: "create",
                    error: source,
                })?,
            Ok(m) if m.is_dir() => {}
            _ if dir.is_dir() => {}
            _ => {
                return Err(Error::NotADirectory {
                    path: dir.to_path_buf(),
                })
            }
        }
        let instance = Self {
            dir: dir.to_path_buf(),
            env_path: dir.join(crate::ENV_FILE),
            state_path: state::state_path(dir),
            schema: Some(schema),
            schema_explicit: false,
        };
        let created = !instance.env_path.exists();
        let (keys, changed, migrated, escrowed) =
            instance.transact(true, |env, state, migrated| {
                let before = Zeroizing::new(env.as_str().to_owned());
                let state_before = state.clone();
                if let Some(given) = &given {
                    instance.merge_given(env, given, created)?;
                }
                let mut escrowed = Vec::new();
                let keys = instance.fill(env, state, pass, store, &mut escrowed)?;
                let changed =
                    migrated > 0 || env.as_str() != before.as_str() || *state != state_before;
                Ok((keys, changed, migrated, escrowed))
            })?;
        let mut schema_written = false;
        let mut schema_differs = false;
        if let Some(text) = &schema_text {
            if in_dir.exists() {
                schema_differs = std::fs::read(&in_dir).ok().as_deref() != Some(text.as_bytes());
            } else {
                secretctl_envfile::fs::write_atomic(&in_dir, text.as_bytes(), 0o644).map_err(
                    |source| Error::Io {
                        path: in_dir.clone(),
                        action: "write",
                        error: source,
                    },
                )?;
                schema_written = true;
            }
        }
        let report = InitReport {
            created,
            changed,
            schema_origin,
            schema_written,
            schema_differs,
            keys,
            migrated,
            escrowed,
        };
        Ok((instance, report))
    }

    fn merge_given(&self, env: &mut EnvFile, given: &EnvFile, created: bool) -> Result<(), Error> {
        let edit = |error| secretctl_envfile::Error::Edit {
            path: self.env_path.clone(),
            error,
        };
        if created {
            *env = EnvFile::parse(given.as_str()).map_err(|error| {
                secretctl_envfile::Error::Parse {
                    path: self.env_path.clone(),
                    error,
                }
            })?;
            return Ok(());
        }
        let conflicts: Vec<&str> = given
            .keys()
            .into_iter()
            .filter(|k| env.get(k).is_some_and(|v| Some(v) != given.get(k)))
            .collect();
        if !conflicts.is_empty() {
            return Err(Error::Refused {
                key: conflicts.join(", "),
                rule: Rule::InitConflict,
                message: format!(
                    "{} already has a different value for {}; init never overwrites a value",
                    self.env_path.display(),
                    conflicts.join(", ")
                ),
                fix: conflicts
                    .first()
                    .map(|k| self.fix(&["env", "set", k], "--file", &["--force"], true)),
            });
        }
        for key in given.keys() {
            if !env.contains(key) {
                if let Some(v) = given.get(key) {
                    env.set(key, v).map_err(edit)?;
                }
            }
        }
        Ok(())
    }

    /// Give every declared key without a value one from its generator; record a baseline for kept values.
    fn fill(
        &self,
        env: &mut EnvFile,
        state: &mut State,
        pass: Option<&Pass>,
        mut store: Option<&mut ValueStore>,
        escrowed: &mut Vec<Escrowed>,
    ) -> Result<Vec<(String, InitOutcome)>, Error> {
        let Some(schema) = &self.schema else {
            return Ok(Vec::new());
        };
        let naming = |source| Error::Naming {
            path: self.env_path.clone(),
            error: source,
        };
        let now = state::now();
        let mut out = Vec::new();
        for spec in schema.secrets() {
            let key = spec.key.as_str();
            let outcome = if spec.versioned && schema.in_store(key) {
                if pointer::current(env, key).map_err(naming)?.is_some() {
                    InitOutcome::Kept
                } else if let (Some(generator), Some(store)) =
                    (spec.generator, store.as_deref_mut())
                {
                    // Version 1 goes to the store (after the escrow); the .env gets only the pointer.
                    let value = generator
                        .try_generate()
                        .map_err(secretctl_schema::Error::from)?;
                    let b = pointer::advance(env, key).map_err(naming)?;
                    let version = b.current.version();
                    if let Some(pass) = pass {
                        escrowed.push(self.escrow(pass, key, Some(version), &value)?);
                    }
                    store.put_new(&self.owner()?, key, version, &value)?;
                    state.record(key, value.expose_secret(), spec.one_shot, now)?;
                    InitOutcome::Generated {
                        generator,
                        version: Some(b.current.version_tag()),
                    }
                } else {
                    InitOutcome::Missing {
                        fix: self.replace_fix(spec, false),
                    }
                }
            } else if spec.versioned {
                if pointer::current(env, key).map_err(naming)?.is_some() {
                    InitOutcome::Kept
                } else if let Some(v) = env
                    .get(key)
                    .filter(|v| !v.is_empty())
                    .map(|v| Zeroizing::new(v.to_owned()))
                {
                    // A plain value given for a versioned key becomes its version 1.
                    pointer::bump(env, key, &v).map_err(naming)?;
                    state.record(key, &v, spec.one_shot, now)?;
                    InitOutcome::Kept
                } else if let Some(generator) = spec.generator {
                    let value = generator
                        .try_generate()
                        .map_err(secretctl_schema::Error::from)?;
                    let b = pointer::bump(env, key, value.expose_secret()).map_err(naming)?;
                    state.record(key, value.expose_secret(), spec.one_shot, now)?;
                    if let Some(pass) = pass {
                        let version = Some(b.current.version());
                        escrowed.push(self.escrow(pass, key, version, &value)?);
                    }
                    InitOutcome::Generated {
                        generator,
                        version: Some(b.current.version_tag()),
                    }
                } else {
                    InitOutcome::Missing {
                        fix: self.replace_fix(spec, false),
                    }
                }
            } else if let Some(v) = env.get(key).filter(|v| !v.is_empty()) {
                // Kept as it is; a first record gives `check` its baseline (rotation date, one-shot fingerprint).
                if state.rotated_at(key)?.is_none() {
                    let v = Zeroizing::new(v.to_owned());
                    state.record(key, &v, spec.one_shot, now)?;
                }
                InitOutcome::Kept
            } else if let Some(generator) = spec.generator {
                let value = generator
                    .try_generate()
                    .map_err(secretctl_schema::Error::from)?;
                env.set(key, value.expose_secret()).map_err(|error| {
                    secretctl_envfile::Error::Edit {
                        path: self.env_path.clone(),
                        error,
                    }
                })?;
                state.record(key, value.expose_secret(), spec.one_shot, now)?;
                if let Some(pass) = pass {
                    escrowed.push(self.escrow(pass, key, None, &value)?);
                }
                InitOutcome::Generated {
                    generator,
                    version: None,
                }
            } else {
                InitOutcome::Missing {
                    fix: self.replace_fix(spec, false),
                }
            };
            out.push((key.to_owned(), outcome));
        }
        Ok(out)
    }

    /// The instance directory's schema file (`DIR/secretctl.toml`).
    #[must_use]
    pub fn schema_path(&self) -> PathBuf {
        self.dir.join(SCHEMA_FILE)
    }
}

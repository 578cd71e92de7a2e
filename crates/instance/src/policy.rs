//! Writing an instance's secrets with the schema's policy, the `.env` and the state file together under one lock.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::EnvFile;
use secretctl_fs::{Symlinks, WriteOptions};
use secretctl_naming::pointer::{self, Bumped};
use secretctl_schema::{Generator, SecretSpec};
use zeroize::Zeroizing;

use crate::state::{self, State, STATE_DIR};
use crate::{Error, Fix, Instance, K8sSteps, Rule, ValueStore};

/// How a write may proceed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetOptions {
    /// Change a one-shot key that has a value, or a key the pods of a Kubernetes instance read from a Secret.
    pub force: bool,
    /// Escrow the new value with `pass` first (see [`crate::escrow`]); the `.env` is written only when that worked.
    pub pass: bool,
}

impl SetOptions {
    /// Options with `force` as given.
    #[must_use]
    pub fn force(force: bool) -> Self {
        Self { force, pass: false }
    }

    /// These options, escrowing the new value with `pass` when `pass` is true.
    #[must_use]
    pub fn with_pass(mut self, pass: bool) -> Self {
        self.pass = pass;
        self
    }
}

/// What a write did.
#[derive(Debug)]
#[non_exhaustive]
pub struct Change {
    /// The key written.
    pub key: String,
    /// Whether the `.env` changed (setting the value a key already has changes nothing).
    pub changed: bool,
    /// For a versioned key: the version added and the pointer moved.
    pub version: Option<Bumped>,
    /// The generator that made the value, when it was generated.
    pub generator: Option<Generator>,
    /// How many `SECRETCTL_*` record lines moved from the `.env` to the state file in this write.
    pub migrated: usize,
    /// On a Kubernetes instance: what still has to be run for the pods to see the change.
    pub k8s: Option<K8sSteps>,
    /// The password store entry the new value was escrowed to (`SetOptions::pass`).
    pub escrowed: Option<String>,
    /// For a `store = true` key: the secret store's name of the new version (owner = the instance).
    pub stored: Option<String>,
}

impl Change {
    fn new(key: &str, migrated: usize) -> Self {
        Self {
            key: key.to_owned(),
            changed: false,
            version: None,
            generator: None,
            migrated,
            k8s: None,
            escrowed: None,
            stored: None,
        }
    }

    /// With `opts.pass`, escrow `value` (the new version's, when one was added) before anything is written.
    fn escrow(
        mut self,
        inst: &Instance,
        opts: SetOptions,
        value: &SecretString,
    ) -> Result<Self, Error> {
        if opts.pass && self.changed {
            let version = self.version.as_ref().map(|b| b.current.version());
            let done = inst.escrow(&crate::Pass::new(), &self.key, version, value)?;
            self.escrowed = Some(done.path);
        }
        Ok(self)
    }
}

/// The current value of a declared key (the pointed version's value for a versioned key), when it has one.
pub(crate) fn current_value<'e>(spec: &SecretSpec, env: &'e EnvFile) -> Option<&'e str> {
    if spec.versioned {
        match pointer::current_value(env, &spec.key) {
            Ok(Some((_, Some(v)))) if !v.is_empty() => Some(v),
            _ => None,
        }
    } else {
        env.get(&spec.key).filter(|v| !v.is_empty())
    }
}

/// An edit of an instance in progress: its `.env` and state as read under the `.env`'s lock, and what they were.
struct Edit {
    env_path: std::path::PathBuf,
    env: EnvFile,
    state: State,
    migrated: usize,
    env_before: Zeroizing<String>,
    state_before: State,
    _lock: secretctl_fs::Lock,
}

thread_local! {
    /// The edit of [`Instance::batch`] running on this thread, which every edit of the same `.env` joins.
    static BATCH: std::cell::RefCell<Option<Edit>> = const { std::cell::RefCell::new(None) };
}

/// Empties [`BATCH`] when dropped.
struct BatchGuard;

impl Drop for BatchGuard {
    fn drop(&mut self) {
        // The value is dropped outside the borrow (its drop releases the lock).
        let edit = BATCH.with(|slot| slot.try_borrow_mut().ok().and_then(|mut s| s.take()));
        drop(edit);
    }
}

impl Instance {
    /// Run `f` on the `.env` and the state under the `.env`'s lock. Old `SECRETCTL_*` records in the `.env` move
    /// to the state first. When `f` fails nothing is written; otherwise the state file is written before the
    /// `.env` (a crash between the two leaves every record, in one place or both), each atomically. Inside
    /// [`Instance::batch`] `f` edits the batch's copy instead, which the batch writes once at its end.
    pub(crate) fn transact<T>(
        &self,
        create: bool,
        f: impl FnOnce(&mut EnvFile, &mut State, usize) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut f = Some(f);
        let batched = BATCH.with(|slot| {
            let Ok(mut slot) = slot.try_borrow_mut() else {
                // Only an edit made inside another edit's closure could get here; none is.
                return Some(Err(self.nested("an edit of this .env is already running")));
            };
            match slot.as_mut() {
                Some(e) if e.env_path == self.env_path => {
                    f.take().map(|f| f(&mut e.env, &mut e.state, e.migrated))
                }
                _ => None,
            }
        });
        if let Some(out) = batched {
            return out;
        }
        let Some(f) = f else {
            return Err(self.nested("the edit already ran"));
        };
        let mut e = self.open_edit(create)?;
        let out = f(&mut e.env, &mut e.state, e.migrated)?;
        self.commit_edit(&e)?;
        Ok(out)
    }

    /// Several edits as one: every [`Instance::set`], [`Instance::add_version`] (and the other writers of this
    /// instance) that `f` makes edits one copy of the `.env` and the state, read under the `.env`'s lock, and both
    /// files are written once, after `f` returned `Ok`; when `f` (any edit in it) fails, neither file changes.
    /// Effects outside the two files (an escrow to `pass`, a value put in the secret store) happen as each edit
    /// runs, as they do outside a batch. Edits through another [`Instance`] of the same `.env` made inside `f` are
    /// not part of the batch (and would wait for its lock): make them through `f`'s argument.
    ///
    /// # Errors
    /// What `f` returns; [`Error::Io`] for a batch inside a batch and for the lock; [`Error::Envfile`] and the
    /// state's errors when reading or writing.
    pub fn batch<T>(
        &self,
        create: bool,
        f: impl FnOnce(&Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if BATCH.with(|slot| slot.try_borrow().map_or(true, |s| s.is_some())) {
            return Err(self.nested("a batch of edits is already running"));
        }
        let edit = self.open_edit(create)?;
        BATCH.with(|slot| *slot.borrow_mut() = Some(edit));
        // Emptied however `f` ends (a panic included), so no later edit on this thread sees a stale batch.
        let guard = BatchGuard;
        let out = f(self);
        let edit = BATCH.with(|slot| slot.borrow_mut().take());
        drop(guard);
        let out = out?;
        if let Some(edit) = edit {
            self.commit_edit(&edit)?;
        }
        Ok(out)
    }

    fn nested(&self, why: &str) -> Error {
        Error::Io {
            path: self.env_path.clone(),
            action: "edit",
            error: std::io::Error::other(why.to_owned()),
        }
    }

    /// Lock the `.env`, read it and the state, and move old records into the state.
    fn open_edit(&self, create: bool) -> Result<Edit, Error> {
        // The lock of the .env's real file (every path to it takes the same one); the state file is written while
        // it is held, so the two change together for every writer.
        let lock = secretctl_fs::lock(&self.env_path).map_err(|e| Error::Io {
            path: self.env_path.clone(),
            action: "lock",
            error: e.into(),
        })?;
        let mut env = match EnvFile::load(&self.env_path) {
            Ok(env) => env,
            Err(secretctl_envfile::Error::NotFound { .. }) if create => EnvFile::new(),
            Err(e) => return Err(e.into()),
        };
        let mut state = State::load(&self.state_path)?;
        let env_before = Zeroizing::new(env.as_str().to_owned());
        let state_before = state.clone();
        let migrated = state.absorb_legacy(&mut env);
        Ok(Edit {
            env_path: self.env_path.clone(),
            env,
            state,
            migrated,
            env_before,
            state_before,
            _lock: lock,
        })
    }

    /// Write what an edit changed: the state first, then the `.env`, each atomically (the lock still held).
    fn commit_edit(&self, e: &Edit) -> Result<(), Error> {
        let env_changed = e.env.as_str() != e.env_before.as_str();
        if env_changed {
            // Before the state is written: a .env too large to read again is refused with nothing changed.
            e.env.check_size(&self.env_path)?;
        }
        if e.state != e.state_before {
            self.save_state(&e.state)?;
        }
        if env_changed {
            e.env.save(&self.env_path)?;
        }
        Ok(())
    }

    /// The state as it is now, with any records still in an old `.env` read (not moved: reading writes nothing).
    pub(crate) fn read(&self) -> Result<(EnvFile, State), Error> {
        let mut env = EnvFile::load(&self.env_path)?;
        let mut state = State::load(&self.state_path)?;
        state.absorb_legacy(&mut env);
        Ok((env, state))
    }

    /// Write the state file: 0600 in a 0700 `.secretctl` directory, both owned like the `.env` (root editing a
    /// service user's instance leaves nothing that user cannot read or replace). A symlink is never followed.
    fn save_state(&self, state: &State) -> Result<(), Error> {
        let dir = self.dir.join(STATE_DIR);
        let owner = std::fs::metadata(&self.env_path)
            .or_else(|_| std::fs::metadata(&self.dir))
            .ok()
            .map(|m| (m.uid(), m.gid()));
        let opts = |mode| {
            let o = WriteOptions::new(mode).symlinks(Symlinks::Refuse);
            match owner {
                Some((uid, gid)) => o.owner(uid, gid),
                None => o,
            }
        };
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_dir() => {}
            Ok(_) => {
                return Err(Error::Unsafe {
                    path: dir,
                    why: "is not a directory (a symlink is never followed)",
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                secretctl_fs::create_dir(&dir, &opts(0o700)).map_err(|e| Error::Io {
                    path: dir.clone(),
                    action: "create",
                    error: e.into(),
                })?;
            }
            Err(source) => {
                return Err(Error::Io {
                    path: dir,
                    action: "read",
                    error: source,
                })
            }
        }
        secretctl_fs::replace(&self.state_path, state.render().as_bytes(), &opts(0o600))
            .map_err(|e| state::fs_error(&self.state_path, "write", e))
    }

    /// Refuse a key name the `.env` cannot hold before anything else is looked at (exit 2, not "not found").
    pub(crate) fn check_key(&self, key: &str) -> Result<(), Error> {
        EnvFile::check_key(key).map_err(|error| {
            Error::Envfile(secretctl_envfile::Error::Edit {
                path: self.env_path.clone(),
                error,
            })
        })
    }

    fn spec(&self, key: &str) -> Option<&SecretSpec> {
        self.schema.as_ref().and_then(|s| s.get(key))
    }

    /// The spec of a declared key, for commands that need one.
    fn declared(&self, key: &str, what: &str) -> Result<&SecretSpec, Error> {
        let schema = self.require_schema(what)?;
        schema.get(key).ok_or_else(|| Error::NotDeclared {
            key: key.to_owned(),
            schema: schema.file().map_or_else(
                || self.dir.join(secretctl_schema::SCHEMA_FILE),
                Path::to_path_buf,
            ),
        })
    }

    fn schema_shown(&self) -> String {
        self.schema
            .as_ref()
            .and_then(|s| s.file())
            .map_or_else(|| "the schema".to_owned(), |p| p.display().to_string())
    }

    /// The command that sets `spec`'s key to a value of the operator's (the right door for its kind).
    fn set_fix(&self, spec: &SecretSpec, force: bool) -> Fix {
        let mut tail = Vec::new();
        if spec.versioned {
            tail.push("--new-version");
        }
        if force {
            tail.push("--force");
        }
        self.fix(&["env", "set", &spec.key], "--file", &tail, true)
    }

    /// The command that adds the operator's value as the next version of the versioned `key`.
    fn new_version_fix(&self, key: &str) -> Fix {
        self.fix(&["env", "set", key], "--file", &["--new-version"], true)
    }

    /// If `key` holds a version's value (`<KEY>_V<N>`) of a versioned key (declared `versioned`, or with a pointer
    /// in `env`): `(KEY, N)`.
    fn version_key<'k>(&self, env: &EnvFile, key: &'k str) -> Option<(&'k str, u32)> {
        let (base, version) = pointer::split_value_key(key)?;
        let versioned = self.spec(base).is_some_and(|s| s.versioned)
            || env.contains(&pointer::pointer_key(base));
        versioned.then_some((base, version))
    }

    /// Refuse rewriting an existing version's value: versions are immutable.
    fn check_immutable(&self, env: &EnvFile, key: &str) -> Result<(), Error> {
        match self.version_key(env, key) {
            // `store = true`: no version's value belongs in the .env, whether or not it exists.
            Some((base, version)) if self.in_store(base) => Err(Error::Refused {
                key: key.to_owned(),
                rule: Rule::Immutable,
                message: format!(
                    "{key} would be version v{version} of {base}, whose values live in the encrypted secret store \
                     (store = true), never in {file}; a new value becomes the next version of {base}",
                    file = self.env_path.display()
                ),
                fix: Some(self.new_version_fix(base)),
            }),
            Some((base, version)) if env.contains(key) => Err(Error::Refused {
                key: key.to_owned(),
                rule: Rule::Immutable,
                message: format!(
                    "{key} is version v{version} of {base} in {file}: versions are immutable, so it is never \
                     overwritten; a new value becomes the next version of {base}",
                    file = self.env_path.display()
                ),
                fix: Some(self.new_version_fix(base)),
            }),
            _ => Ok(()),
        }
    }

    /// The command that replaces `spec`'s value with a generated one, when it has a generator.
    pub(crate) fn generate_fix(&self, spec: &SecretSpec, has_value: bool) -> Option<Fix> {
        spec.generator?;
        let force = spec.one_shot && has_value;
        let tail: &[&str] = if force { &["--force"] } else { &[] };
        Some(if spec.versioned || has_value {
            self.fix(&["env", "rotate", &spec.key], "--file", tail, false)
        } else {
            self.fix(&["env", "set", &spec.key], "--file", &["--generate"], false)
        })
    }

    /// The command that gives `spec`'s key a new value: generated when it can be, else the operator's.
    pub(crate) fn replace_fix(&self, spec: &SecretSpec, has_value: bool) -> Fix {
        self.generate_fix(spec, has_value)
            .unwrap_or_else(|| self.set_fix(spec, spec.one_shot && has_value))
    }

    /// Refuse a value a declared key must not have: empty, or shorter than `min_length`.
    fn check_value(&self, spec: &SecretSpec, value: &str) -> Result<(), Error> {
        let fix = || {
            self.generate_fix(spec, true)
                .or(Some(self.set_fix(spec, false)))
        };
        if value.is_empty() {
            return Err(Error::Refused {
                key: spec.key.clone(),
                rule: Rule::Empty,
                message: format!(
                    "{key} is declared in {schema}; an empty value is not accepted for it",
                    key = spec.key,
                    schema = self.schema_shown()
                ),
                fix: fix(),
            });
        }
        if let Some(min) = spec.min_length {
            let len = value.chars().count();
            if len < min {
                return Err(Error::Refused {
                    key: spec.key.clone(),
                    rule: Rule::MinLength,
                    message: format!(
                        "{key}: the value has {len} characters, shorter than min_length {min} in {schema}",
                        key = spec.key,
                        schema = self.schema_shown()
                    ),
                    fix: fix(),
                });
            }
        }
        Ok(())
    }

    /// Refuse changing a key that has a value when a rule says so: one-shot (what it breaks), or read by pods
    /// from a Kubernetes Secret (the steps). `again` is the command that was run, to be repeated with --force.
    fn check_change(
        &self,
        spec: &SecretSpec,
        env: &EnvFile,
        opts: SetOptions,
        again: impl Fn() -> Fix,
    ) -> Result<(), Error> {
        if opts.force || current_value(spec, env).is_none() {
            return Ok(());
        }
        if spec.one_shot {
            return Err(Error::Refused {
                key: spec.key.clone(),
                rule: Rule::OneShot,
                message: format!(
                    "{key} is one-shot: changing it means {breaks}",
                    key = spec.key,
                    breaks = spec.breaks_text()
                ),
                fix: Some(again()),
            });
        }
        if let Some(steps) = self.k8s_steps(spec) {
            return Err(Error::Refused {
                key: spec.key.clone(),
                rule: Rule::Orchestrator,
                message: format!(
                    "{key} is read by the pods from the Kubernetes Secret {secret} (orchestrator = kubernetes in \
                     {schema}), so changing {env} alone changes nothing they see. To change it where they read it, \
                     record the new value with the command at the end of this line, then run {steps}",
                    key = spec.key,
                    secret = steps.secret,
                    schema = self.schema_shown(),
                    env = self.env_path.display(),
                ),
                fix: Some(again()),
            });
        }
        Ok(())
    }

    /// Set `key` to `value`. For a declared key the schema's policy applies: not empty, at least `min_length`,
    /// a one-shot key with a value only with `force`, a versioned key only through [`Instance::add_version`], and
    /// on a Kubernetes instance a key the pods read from a Secret only with `force` (the change then carries the
    /// steps that bring it to the pods). The rotation date (and a one-shot key's fingerprint) is recorded with it.
    /// An undeclared key is simply set. Setting the value a key already has changes nothing.
    ///
    /// # Errors
    /// [`Error::Refused`] naming the rule and the fix; [`Error::Envfile`], [`Error::Io`] and the like.
    pub fn set(&self, key: &str, value: &SecretString, opts: SetOptions) -> Result<Change, Error> {
        self.check_key(key)?;
        let spec = self.spec(key);
        if let Some(spec) = spec {
            if spec.versioned {
                return Err(Error::Refused {
                    key: key.to_owned(),
                    rule: Rule::Versioned,
                    message: format!(
                        "{key} is versioned: versions are never overwritten, a new value becomes the next version"
                    ),
                    fix: Some(self.set_fix(spec, opts.force)),
                });
            }
            self.check_value(spec, value.expose_secret())?;
        }
        self.write_value(key, spec, value, opts, None, || {
            let tail: &[&str] = &["--force"];
            self.fix(&["env", "set", key], "--file", tail, true)
        })
    }

    /// Set a declared `key` to a value from the schema's generator, with [`Instance::set`]'s policy (a versioned
    /// key is refused: [`Instance::rotate`] adds its next version).
    ///
    /// # Errors
    /// [`Error::NoSchema`], [`Error::NotDeclared`], [`Error::Refused`] (no generator, one-shot, versioned,
    /// orchestrator), and those of [`Instance::set`].
    pub fn generate(&self, key: &str, opts: SetOptions) -> Result<Change, Error> {
        self.check_key(key)?;
        let spec = self.declared(key, "`secretctl env set --generate`")?;
        if spec.versioned {
            return Err(Error::Refused {
                key: key.to_owned(),
                rule: Rule::Versioned,
                message: format!("{key} is versioned: a generated value becomes its next version"),
                fix: Some(self.fix(&["env", "rotate", key], "--file", &[], false)),
            });
        }
        let generator = self.generator_of(spec)?;
        let value = generator
            .try_generate()
            .map_err(secretctl_schema::Error::from)?;
        self.write_value(key, Some(spec), &value, opts, Some(generator), || {
            self.fix(
                &["env", "set", key],
                "--file",
                &["--generate", "--force"],
                false,
            )
        })
    }

    fn generator_of(&self, spec: &SecretSpec) -> Result<Generator, Error> {
        spec.generator.ok_or_else(|| Error::Refused {
            key: spec.key.clone(),
            rule: Rule::NoGenerator,
            message: format!(
                "{schema} declares no generator for {key}, so secretctl cannot make its value (add generator = \
                 \"alnum:32\", or hex:N, base64:N, words:N, to [secrets.{key}] to let it)",
                key = spec.key,
                schema = self.schema_shown()
            ),
            fix: Some(self.set_fix(spec, false)),
        })
    }

    fn write_value(
        &self,
        key: &str,
        spec: Option<&SecretSpec>,
        value: &SecretString,
        opts: SetOptions,
        generator: Option<Generator>,
        again: impl Fn() -> Fix,
    ) -> Result<Change, Error> {
        self.transact(true, |env, state, migrated| {
            self.check_immutable(env, key)?;
            let mut change = Change::new(key, migrated);
            change.generator = generator;
            if env.get(key) == Some(value.expose_secret()) {
                return Ok(change);
            }
            if let Some(spec) = spec {
                self.check_change(spec, env, opts, &again)?;
            }
            env.set(key, value.expose_secret()).map_err(|error| {
                secretctl_envfile::Error::Edit {
                    path: self.env_path.clone(),
                    error,
                }
            })?;
            if let Some(spec) = spec {
                state.record(key, value.expose_secret(), spec.one_shot, state::now())?;
                change.k8s = self.k8s_steps(spec);
            }
            change.changed = true;
            change.escrow(self, opts, value)
        })
    }

    /// Replace a declared key's value with a fresh one from its generator: the next version for a versioned key.
    /// A one-shot key with a value, or a key the pods of a Kubernetes instance read from a Secret, needs `force`.
    ///
    /// # Errors
    /// [`Error::NoSchema`], [`Error::NotDeclared`], [`Error::Refused`] (no generator: the fix sets a value of
    /// the operator's; one-shot; orchestrator), [`Error::Envfile`] (`NotFound` when the `.env` does not exist).
    pub fn rotate(&self, key: &str, opts: SetOptions) -> Result<Change, Error> {
        self.rotate_with(key, opts, None)
    }

    /// [`Instance::rotate`], with the secret store where a `store = true` key's versions live.
    ///
    /// # Errors
    /// Those of [`Instance::rotate`]; [`Error::StoreNeeded`] for a store-backed key without `store`;
    /// [`Error::Store`].
    pub fn rotate_with(
        &self,
        key: &str,
        opts: SetOptions,
        store: Option<&mut ValueStore>,
    ) -> Result<Change, Error> {
        self.check_key(key)?;
        let spec = self.declared(key, "`secretctl env rotate`")?;
        let generator = self.generator_of(spec)?;
        let value = generator
            .try_generate()
            .map_err(secretctl_schema::Error::from)?;
        let mut change = self.new_value(spec, &value, opts, store, || {
            self.fix(&["env", "rotate", key], "--file", &["--force"], false)
        })?;
        change.generator = Some(generator);
        Ok(change)
    }

    /// Add `value` as the next version of a declared versioned key and move its pointer (`env set --new-version`):
    /// the operator's own value, with the same policy as a generated one.
    ///
    /// # Errors
    /// [`Error::Refused`] when the key is not versioned, or the value breaks the policy; those of
    /// [`Instance::rotate`].
    pub fn add_version(
        &self,
        key: &str,
        value: &SecretString,
        opts: SetOptions,
    ) -> Result<Change, Error> {
        self.add_version_with(key, value, opts, None)
    }

    /// [`Instance::add_version`], with the secret store where a `store = true` key's versions live.
    ///
    /// # Errors
    /// Those of [`Instance::add_version`]; [`Error::StoreNeeded`] for a store-backed key without `store`;
    /// [`Error::Store`].
    pub fn add_version_with(
        &self,
        key: &str,
        value: &SecretString,
        opts: SetOptions,
        store: Option<&mut ValueStore>,
    ) -> Result<Change, Error> {
        self.check_key(key)?;
        let what = "`secretctl env set --new-version`";
        let Some(spec) = self.spec(key) else {
            // Not declared: a key with a pointer in the .env is versioned all the same.
            return self.add_undeclared_version(key, value, what, opts);
        };
        if !spec.versioned {
            return Err(Error::Refused {
                key: key.to_owned(),
                rule: Rule::NotVersioned,
                message: format!(
                    "{key} is not versioned in {schema} (versioned = true makes it so)",
                    schema = self.schema_shown()
                ),
                fix: Some(self.set_fix(spec, opts.force)),
            });
        }
        self.check_value(spec, value.expose_secret())?;
        self.new_value(spec, value, opts, store, || {
            self.fix(
                &["env", "set", key],
                "--file",
                &["--new-version", "--force"],
                true,
            )
        })
    }

    /// `--new-version` for a key the schema does not declare: allowed when the `.env` has its pointer.
    fn add_undeclared_version(
        &self,
        key: &str,
        value: &SecretString,
        what: &str,
        opts: SetOptions,
    ) -> Result<Change, Error> {
        self.transact(false, |env, state, migrated| {
            if !env.contains(&pointer::pointer_key(key)) {
                return Err(self
                    .declared(key, what)
                    .err()
                    .unwrap_or_else(|| Error::NoValue {
                        key: pointer::pointer_key(key),
                        path: self.env_path.clone(),
                    }));
            }
            if value.expose_secret().is_empty() {
                return Err(Error::Refused {
                    key: key.to_owned(),
                    rule: Rule::Empty,
                    message: format!("{key}: an empty value is not accepted as a version"),
                    fix: Some(self.new_version_fix(key)),
                });
            }
            let mut change = Change::new(key, migrated);
            change.version = Some(self.bump(env, key, value)?);
            state.record(key, value.expose_secret(), false, state::now())?;
            change.changed = true;
            change.escrow(self, opts, value)
        })
    }

    fn bump(&self, env: &mut EnvFile, key: &str, value: &SecretString) -> Result<Bumped, Error> {
        pointer::bump(env, key, value.expose_secret()).map_err(|source| Error::Naming {
            path: self.env_path.clone(),
            error: source,
        })
    }

    fn new_value(
        &self,
        spec: &SecretSpec,
        value: &SecretString,
        opts: SetOptions,
        store: Option<&mut ValueStore>,
        again: impl Fn() -> Fix,
    ) -> Result<Change, Error> {
        let key = spec.key.as_str();
        let store = match self.in_store(key) {
            true => Some(self.need_store(key, store)?),
            false => None,
        };
        self.transact(false, |env, state, migrated| {
            self.check_change(spec, env, opts, &again)?;
            let mut change = Change::new(key, migrated);
            if let Some(store) = store {
                // The value goes to the store (after the escrow), the pointer moves in the .env, written last.
                let bumped = pointer::advance(env, key).map_err(|error| Error::Naming {
                    path: self.env_path.clone(),
                    error,
                })?;
                let version = bumped.current.version();
                change.version = Some(bumped);
                change.changed = true;
                change = change.escrow(self, opts, value)?;
                store.put_new(&self.owner()?, key, version, value)?;
                change.stored = change.version.as_ref().map(|b| b.current.to_string());
                state.record(key, value.expose_secret(), spec.one_shot, state::now())?;
                change.k8s = self.k8s_steps(spec);
                return Ok(change);
            }
            if spec.versioned {
                change.version = Some(self.bump(env, key, value)?);
            } else {
                env.set(key, value.expose_secret()).map_err(|error| {
                    secretctl_envfile::Error::Edit {
                        path: self.env_path.clone(),
                        error,
                    }
                })?;
            }
            state.record(key, value.expose_secret(), spec.one_shot, state::now())?;
            change.k8s = self.k8s_steps(spec);
            change.changed = true;
            change.escrow(self, opts, value)
        })
    }

    /// Remove every assignment of `key` from the `.env`. Returns whether it was there. The value of the version
    /// a pointer names is in use and is not removed.
    ///
    /// # Errors
    /// [`Error::Refused`] ([`Rule::InUse`]) for the version the pointer names; [`Error::Envfile`] (`NotFound`
    /// when the `.env` does not exist), [`Error::Io`].
    pub fn unset(&self, key: &str) -> Result<bool, Error> {
        self.check_key(key)?;
        self.transact(false, |env, _, _| {
            if let Some((base, version)) = self.version_key(env, key) {
                let current = pointer::current(env, base).ok().flatten();
                if current.is_some_and(|c| c.version() == version) {
                    return Err(Error::Refused {
                        key: key.to_owned(),
                        rule: Rule::InUse,
                        message: format!(
                            "{key} is the version {pointer} names (v{version}) in {file}: the app uses it, so it \
                             is not removed; add the next version first (then v{version} can go)",
                            pointer = pointer::pointer_key(base),
                            file = self.env_path.display()
                        ),
                        fix: Some(self.new_version_fix(base)),
                    });
                }
            }
            Ok(env.unset(key))
        })
    }

    /// Rename `from` to `to` in the `.env`, keeping value and layout. A version's value key (`<KEY>_V<N>` of a
    /// versioned key) is neither renamed nor made by a rename: versions are immutable.
    ///
    /// # Errors
    /// [`Error::Refused`] ([`Rule::Immutable`]); [`Error::Envfile`] (the key is missing, the new name is taken or
    /// invalid), [`Error::Io`].
    pub fn rename(&self, from: &str, to: &str) -> Result<(), Error> {
        self.check_key(from)?;
        self.check_key(to)?;
        self.transact(false, |env, _, _| {
            for key in [from, to] {
                if let Some((base, version)) = self.version_key(env, key) {
                    return Err(Error::Refused {
                        key: key.to_owned(),
                        rule: Rule::Immutable,
                        message: format!(
                            "{key} is version v{version} of {base}: versions are immutable, so it is not renamed \
                             (a new value becomes the next version of {base})"
                        ),
                        fix: Some(self.new_version_fix(base)),
                    });
                }
            }
            env.rename(from, to)
                .map_err(|error| secretctl_envfile::Error::Edit {
                    path: self.env_path.clone(),
                    error,
                })
                .map_err(Error::from)
        })
    }

    /// The instance's state as the text of its state file (records an old `.env` still holds included), for a
    /// copy elsewhere (gitops push); `None` when nothing is recorded.
    ///
    /// # Errors
    /// The `.env` or the state file cannot be read.
    pub fn state_text(&self) -> Result<Option<Zeroizing<String>>, Error> {
        let (_, state) = self.read()?;
        Ok((!state.is_empty()).then(|| state.render()))
    }

    /// Replace the instance's state with `text` (a state file's text, e.g. from gitops pull), under the `.env`'s
    /// lock; records the instance holds that `text` lacks are kept.
    ///
    /// # Errors
    /// [`Error::BadState`] when `text` is not a state file; the files cannot be read or written.
    pub fn restore_state(&self, text: &str) -> Result<(), Error> {
        let mut incoming = State::parse(text, &self.state_path)?;
        self.transact(true, |_, state, _| {
            incoming.fill_from(std::mem::take(state));
            *state = incoming;
            Ok(())
        })
    }

    /// Accept the current values of one-shot keys that changed on purpose: their fingerprints are recorded again.
    ///
    /// # Errors
    /// [`Error::NoSchema`], [`Error::NotOneShot`] for a key the schema does not declare one-shot,
    /// [`Error::NoValue`] for a key without a value.
    pub fn accept(&self, keys: &[String]) -> Result<(), Error> {
        let schema = self.require_schema("`secretctl check --accept`")?;
        self.transact(false, |env, state, _| {
            for key in keys {
                let spec = schema
                    .get(key)
                    .filter(|s| s.one_shot)
                    .ok_or_else(|| Error::NotOneShot { key: key.clone() })?;
                let value = current_value(spec, env).ok_or_else(|| Error::NoValue {
                    key: key.clone(),
                    path: self.env_path.clone(),
                })?;
                state.record(key, value, true, state::now())?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str =
        "[secrets.DB_PASSWORD]\nmin_length = 12\n\n[secrets.API_TOKEN]\nversioned = true\n";

    fn instance(env: &str) -> (tempfile::TempDir, Instance) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".env"), env).expect("write .env");
        std::fs::write(dir.path().join("secretctl.toml"), SCHEMA).expect("write schema");
        let inst = Instance::open(&dir.path().join(".env"), None).expect("open");
        (dir, inst)
    }

    fn value(v: &str) -> SecretString {
        SecretString::from(v.to_owned())
    }

    #[test]
    fn a_batch_writes_every_edit_once_or_none() {
        let before =
            "# kept\nDB_PASSWORD=old-password-1\nAPI_TOKEN_V1=t1\nSECRET_API_TOKEN_VERSION=v1\n";
        let (dir, inst) = instance(before);
        let env_path = dir.path().join(".env");
        let state_path = dir.path().join(STATE_DIR);

        // The second edit breaks the policy: the first is not written either, and no state appears.
        let err = inst
            .batch(false, |i| {
                i.add_version("API_TOKEN", &value("t2"), SetOptions::default())?;
                i.set("DB_PASSWORD", &value("short"), SetOptions::default())
            })
            .expect_err("min_length refuses");
        assert!(matches!(err, Error::Refused { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&env_path).expect("read"), before);
        assert!(!state_path.exists());

        // Both edits pass: one write holding both, the comment kept.
        inst.batch(false, |i| {
            i.add_version("API_TOKEN", &value("t2"), SetOptions::default())?;
            i.set(
                "DB_PASSWORD",
                &value("new-password-22"),
                SetOptions::default(),
            )
        })
        .expect("batch");
        let after = std::fs::read_to_string(&env_path).expect("read");
        assert!(after.starts_with("# kept\n"), "{after}");
        assert!(after.contains("DB_PASSWORD=new-password-22"), "{after}");
        assert!(
            after.contains("API_TOKEN_V2=t2") && after.contains("API_TOKEN_V1=t1"),
            "{after}"
        );
        assert!(after.contains("SECRET_API_TOKEN_VERSION=v2"), "{after}");
        assert!(state_path.exists());

        // Outside a batch an edit is its own write again, and a batch inside a batch is refused.
        inst.set(
            "DB_PASSWORD",
            &value("third-password"),
            SetOptions::default(),
        )
        .expect("set");
        let nested = inst.batch(false, |i| i.batch(false, |_| Ok(())));
        assert!(matches!(nested, Err(Error::Io { .. })));
        assert!(std::fs::read_to_string(&env_path)
            .expect("read")
            .contains("DB_PASSWORD=third-password"));
    }
}

//! `secretctl env`: read and edit a Docker Compose .env without losing a byte of it. Writes go through the
//! instance (`secretctl-instance`), which applies the schema's policy and keeps the records in the state file.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use secretctl_instance::{Change, Instance, SetOptions, ValueStore};
use serde_json::json;

use crate::cli::{Deferred, Globals};
use crate::common::{say, SchemaOpt, StoreArgs};
use crate::input::read_value;

/// The `env` verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the keys in file order; with --json, the values Docker Compose computes for them.
    List(Deferred<ListArgs>),
    /// Print the value of KEY (as Docker Compose computes it, or as written with --raw).
    Get(Deferred<GetArgs>),
    /// Set KEY to a value read from stdin (or --from-file, or --generate); only that value's bytes change.
    Set(Deferred<SetArgs>),
    /// Remove every assignment of KEY.
    Unset(Deferred<KeyArgs>),
    /// Rename KEY to NEW_KEY, keeping its value and layout.
    Rename(Deferred<RenameArgs>),
    /// Replace KEY's value with a freshly generated one (from the schema's generator).
    Rotate(Deferred<RotateArgs>),
    /// Move the values of the versioned secrets the schema declares `store = true` (or all, under `[instance]
    /// store = true`) out of the .env into the encrypted secret store; the .env keeps only the version pointers.
    #[command(name = "migrate-to-store")]
    MigrateToStore(Deferred<MigrateArgs>),
}

/// Arguments of `secretctl env migrate-to-store`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub file: FileOpt,
    #[command(flatten)]
    pub schema: SchemaOpt,
    #[command(flatten)]
    pub at: StoreArgs,
}

/// Which instance's .env a verb works on.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub struct FileOpt {
    /// The .env file; its instance's schema is the secretctl.toml beside it [default: ./.env].
    #[arg(long, value_name = "F", conflicts_with = "instance")]
    pub file: Option<PathBuf>,
    /// The instance directory (its .env and secretctl.toml), instead of --file.
    #[arg(long, value_name = "DIR")]
    pub instance: Option<PathBuf>,
}

impl FileOpt {
    /// The .env file named by --file or --instance, else `./.env`.
    pub fn path(&self) -> PathBuf {
        match (&self.file, &self.instance) {
            (Some(f), _) => f.clone(),
            (None, Some(d)) => d.join(secretctl_instance::ENV_FILE),
            (None, None) => PathBuf::from(secretctl_instance::ENV_FILE),
        }
    }

    /// The instance, with the schema given by --schema or the one beside the .env.
    pub fn instance(&self, schema: &SchemaOpt) -> anyhow::Result<Instance> {
        Ok(Instance::open(&self.path(), schema.schema.as_deref())?)
    }
}

/// Arguments of `secretctl env list`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct ListArgs {
    #[command(flatten)]
    pub file: FileOpt,
    /// Interpolate against this process's environment first, as `docker compose` does (default: only the
    /// keys defined earlier in the file).
    #[arg(long)]
    pub use_environment: bool,
}

/// Arguments of `secretctl env get`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct GetArgs {
    /// The key to read.
    #[arg(value_name = "KEY")]
    pub key: String,
    #[command(flatten)]
    pub file: FileOpt,
    /// Print the value as written (quotes and escapes removed), without interpolating `$VAR` references.
    #[arg(long)]
    pub raw: bool,
    /// Interpolate against this process's environment first, as `docker compose` does.
    #[arg(long, conflicts_with = "raw")]
    pub use_environment: bool,
}

/// Arguments of `secretctl env set`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct SetArgs {
    /// The key to set (letters, digits, `_ . - [ ]`).
    #[arg(value_name = "KEY")]
    pub key: String,
    /// The value. Works, but other users can see it (ps, shell history): prefer stdin or --from-file.
    #[arg(value_name = "VALUE", conflicts_with_all = ["from_file", "generate"])]
    pub value: Option<String>,
    #[command(flatten)]
    pub file: FileOpt,
    /// Read the value from this file (a single trailing newline is dropped).
    #[arg(long, value_name = "F", conflicts_with = "generate")]
    pub from_file: Option<PathBuf>,
    /// Generate the value with the schema's generator for KEY.
    #[arg(long, conflicts_with = "new_version")]
    pub generate: bool,
    /// For a versioned KEY: add the value as its next version (KEY_V<N+1>) and move its pointer.
    #[arg(long)]
    pub new_version: bool,
    /// Change a one-shot key that has a value, or a key the pods of a Kubernetes instance read from a Secret.
    #[arg(long)]
    pub force: bool,
    /// Also write the new value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned
    /// key) or secretctl/<instance>/<name>; the .env is written only when that worked.
    #[arg(long)]
    pub pass: bool,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// Where `store = true` values live (used only for such a key).
    #[command(flatten)]
    pub at: StoreArgs,
}

/// Arguments of `secretctl env unset`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct KeyArgs {
    /// The key to remove.
    #[arg(value_name = "KEY")]
    pub key: String,
    #[command(flatten)]
    pub file: FileOpt,
}

/// Arguments of `secretctl env rename`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct RenameArgs {
    /// The key to rename.
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Its new name.
    #[arg(value_name = "NEW_KEY")]
    pub new_key: String,
    #[command(flatten)]
    pub file: FileOpt,
}

/// Arguments of `secretctl env rotate`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct RotateArgs {
    /// The key to rotate; the schema must declare a generator for it.
    #[arg(value_name = "KEY")]
    pub key: String,
    #[command(flatten)]
    pub file: FileOpt,
    /// Rotate a one-shot key even though rotating it breaks something (the schema says what), or a key the pods
    /// of a Kubernetes instance read from a Secret.
    #[arg(long)]
    pub force: bool,
    /// Also write the new value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a versioned
    /// key) or secretctl/<instance>/<name>; the .env is written only when that worked.
    #[arg(long)]
    pub pass: bool,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// Where `store = true` values live (used only for such a key).
    #[command(flatten)]
    pub at: StoreArgs,
}

pub fn run(g: Globals, command: Command) -> anyhow::Result<()> {
    match command {
        Command::List(Deferred(a)) => crate::env_read::list(g, &a),
        Command::Get(Deferred(a)) => crate::env_read::get(g, &a),
        Command::Set(Deferred(a)) => set(g, &a),
        Command::Unset(Deferred(a)) => unset(g, &a),
        Command::Rename(Deferred(a)) => rename(g, &a),
        Command::Rotate(Deferred(a)) => rotate(g, &a),
        Command::MigrateToStore(Deferred(a)) => migrate(g, &a),
    }
}

/// The secret store of `at`, when `inst` keeps values there (`store = true`); created when missing.
pub fn value_store(inst: &Instance, at: &StoreArgs) -> anyhow::Result<Option<ValueStore>> {
    if !inst.uses_store() {
        return Ok(None);
    }
    Ok(Some(ValueStore::new(at.open(true)?, at.keyfile.keyring()?)))
}

fn migrate(g: Globals, a: &MigrateArgs) -> anyhow::Result<()> {
    let inst = a.file.instance(&a.schema)?;
    let mut store = ValueStore::new(a.at.open(true)?, a.at.keyfile.keyring()?);
    let moved = inst.migrate_to_store(&mut store)?;
    let file = inst.env_path().display().to_string();
    if g.json {
        return g.print(&json!({"file": file, "moved": moved}), "");
    }
    for m in &moved {
        say(format!("{} -> secret store {}", m.value_key, m.name))?;
    }
    eprintln!(
        "moved {} version value(s) out of {file} into the secret store; the pointers stay",
        moved.len()
    );
    Ok(())
}

/// Print what a write did: one line (or JSON object) and the notices that come with it.
fn report(g: Globals, verb: &str, inst: &Instance, change: &Change) -> anyhow::Result<()> {
    let (file, key) = (inst.env_path().display().to_string(), &change.key);
    if change.migrated > 0 {
        let (n, state) = (change.migrated, inst.state_path().display());
        eprintln!(
            "notice: moved {n} secretctl record line(s) (SECRETCTL_*) from {file} to {state}; the .env now holds \
             only what the app reads"
        );
    }
    if let Some(path) = &change.escrowed {
        eprintln!("escrowed the new value of {key} to pass: {path}");
    }
    if let Some(steps) = &change.k8s {
        let secret = &steps.secret;
        eprintln!("notice: the pods read {key} from the Kubernetes Secret {secret}: run {steps}");
    }
    if g.json {
        let mut doc = serde_json::to_value(change)?;
        doc["file"] = file.into();
        return g.print(&doc, "");
    }
    let how = change.generator.map_or_else(String::new, |gen| {
        format!(" ({gen}, {} bits of entropy)", gen.reported_entropy_bits())
    });
    let line = match &change.version {
        Some(v) => {
            let (vk, pk, cur) = (&v.value_key, &v.pointer_key, v.current.version_tag());
            let prev = v
                .previous
                .as_ref()
                .map_or("(none)".into(), |p| p.version_tag());
            let vk = match &change.stored {
                Some(name) => format!("{name} to the secret store"),
                None => vk.clone(),
            };
            format!("{verb} {key} in {file}: added {vk}{how}, {pk} {prev} -> {cur}")
        }
        None => format!("{verb} {key} in {file}{how}"),
    };
    // The new value's version, or the rotation, is the command's result (stdout); a plain set is a notice.
    let result = change.version.is_some() || verb == "rotated";
    match (change.changed, result) {
        (false, _) => eprintln!("{key} in {file} already had that value; nothing changed"),
        (true, true) => say(line)?,
        (true, false) => eprintln!("{line}"),
    }
    Ok(())
}

fn set(g: Globals, a: &SetArgs) -> anyhow::Result<()> {
    let inst = a.file.instance(&a.schema)?;
    let opts = SetOptions::force(a.force).with_pass(a.pass);
    let change = if a.generate {
        inst.generate(&a.key, opts)?
    } else {
        let prompt = format!("Value for {}: ", a.key);
        let value = read_value(a.value.as_deref(), a.from_file.as_deref(), &prompt)?;
        if a.new_version {
            let mut store = value_store(&inst, &a.at)?;
            inst.add_version_with(&a.key, &value, opts, store.as_mut())?
        } else {
            inst.set(&a.key, &value, opts)?
        }
    };
    report(g, "set", &inst, &change)
}

fn rotate(g: Globals, a: &RotateArgs) -> anyhow::Result<()> {
    let inst = a.file.instance(&a.schema)?;
    let mut store = value_store(&inst, &a.at)?;
    let opts = SetOptions::force(a.force).with_pass(a.pass);
    let change = inst.rotate_with(&a.key, opts, store.as_mut())?;
    report(g, "rotated", &inst, &change)
}

/// Print what an unset or rename did (`changed` false: the key already had that name).
fn written(g: Globals, verb: &str, key: &str, env: &Path, changed: bool) -> anyhow::Result<()> {
    let file = env.display().to_string();
    match (g.json, changed) {
        (true, _) => return g.print(&json!({"key": key, "file": file, "changed": changed}), ""),
        (false, true) => eprintln!("{verb} {key} in {file}"),
        (false, false) => eprintln!("{key} in {file} already had that value; nothing changed"),
    }
    Ok(())
}

fn unset(g: Globals, a: &KeyArgs) -> anyhow::Result<()> {
    let inst = a.file.instance(&SchemaOpt { schema: None })?;
    if !inst.unset(&a.key)? {
        return Err(crate::env_read::not_set(inst.env_path(), &a.key));
    }
    written(g, "removed", &a.key, inst.env_path(), true)
}

fn rename(g: Globals, a: &RenameArgs) -> anyhow::Result<()> {
    let inst = a.file.instance(&SchemaOpt { schema: None })?;
    inst.rename(&a.key, &a.new_key)?;
    let changed = a.key != a.new_key;
    written(g, "renamed to", &a.new_key, inst.env_path(), changed)
}

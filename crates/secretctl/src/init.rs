//! `secretctl init [DIR]`: create an instance directory with a `.env` where every declared secret is generated.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;
use secretctl_schema::{state, Schema, SCHEMA_FILE};
use serde_json::json;

use crate::cli::Globals;
use crate::common::SchemaOpt;
use crate::env_rotate::{edit_env, env_error, schema_error};
use crate::exit::{coded, ErrorKind};
use crate::generate::round2;

/// Arguments of `secretctl init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The instance directory; created when missing.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// Values already given (like `canasta create -e`): copied into the new .env and kept; only the declared secrets
    /// it lacks are generated.
    #[arg(long, value_name = "F")]
    pub env_file: Option<PathBuf>,
}

/// One generated secret, for output (never its value).
struct Generated {
    key: String,
    generator: String,
    bits: f64,
    version: Option<String>,
}

/// What init did.
#[derive(Default)]
struct Outcome {
    generated: Vec<Generated>,
    kept: Vec<String>,
    missing: Vec<String>,
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let dir = &args.dir;
    let in_dir = dir.join(SCHEMA_FILE);
    // The schema: --schema, else DIR/secretctl.toml, else the built-in example.
    let (schema, schema_text, origin) = if let Some(path) = args.schema.schema.as_deref() {
        let text = Schema::read_text(path).map_err(schema_error)?;
        (
            Schema::load(path).map_err(schema_error)?,
            Some(text),
            path.display().to_string(),
        )
    } else if in_dir.is_file() {
        (
            Schema::load(&in_dir).map_err(schema_error)?,
            None,
            in_dir.display().to_string(),
        )
    } else {
        let s = Schema::builtin_example();
        let text = s.to_toml();
        (s, Some(text), "the built-in example schema".to_owned())
    };
    let given = match &args.env_file {
        Some(path) => Some(EnvFile::load(path).map_err(env_error)?),
        None => None,
    };

    if !dir.exists() {
        create_private_dir(dir)?;
    } else if !dir.is_dir() {
        return Err(coded(
            ErrorKind::Usage,
            anyhow!("{}: not a directory", dir.display()),
        ));
    }
    let env_path = dir.join(".env");
    let existed = env_path.exists();
    let before = if existed {
        Some(zeroize::Zeroizing::new(
            std::fs::read(&env_path)
                .with_context(|| format!("cannot read {}", env_path.display()))?,
        ))
    } else {
        None
    };
    let env_shown = env_path.display().to_string();

    let outcome = edit_env(&env_path, true, |env| {
        let mut out = Outcome::default();
        if let Some(given) = &given {
            if existed {
                let conflicts: Vec<&str> = given
                    .keys()
                    .into_iter()
                    .filter(|k| env.get(k).is_some_and(|v| Some(v) != given.get(k)))
                    .collect();
                if !conflicts.is_empty() {
                    return Err(coded(
                        ErrorKind::Other,
                        anyhow!(
                            "{env_shown} already has a different value for {}; init never overwrites a value: \
                             edit it with `secretctl env set`",
                            conflicts.join(", ")
                        ),
                    ));
                }
                for key in given.keys() {
                    if !env.contains(key) {
                        if let Some(v) = given.get(key) {
                            env.set(key, v).with_context(|| env_shown.clone())?;
                        }
                    }
                }
            } else {
                // A new instance starts as a copy of the given file, comments and all.
                *env = EnvFile::parse(given.as_str()).with_context(|| env_shown.clone())?;
            }
        }
        let now = state::now();
        for spec in schema.secrets() {
            let key = spec.key.as_str();
            if spec.versioned {
                if pointer::current(env, key)
                    .with_context(|| env_shown.clone())?
                    .is_some()
                {
                    out.kept.push(key.to_owned());
                    continue;
                }
                // A plain value given for a versioned key becomes its version 1.
                let given_value = env
                    .get(key)
                    .filter(|v| !v.is_empty())
                    .map(|v| zeroize::Zeroizing::new(v.to_owned()));
                if let Some(v) = given_value {
                    pointer::bump(env, key, &v).with_context(|| env_shown.clone())?;
                    state::record(env, key, &v, spec.one_shot, now)?;
                    out.kept.push(key.to_owned());
                    continue;
                }
                let Some(generator) = spec.generator else {
                    out.missing.push(key.to_owned());
                    continue;
                };
                let value = generator.try_generate()?;
                let b = pointer::bump(env, key, value.expose_secret())
                    .with_context(|| env_shown.clone())?;
                state::record(env, key, value.expose_secret(), spec.one_shot, now)?;
                out.generated.push(Generated {
                    key: key.to_owned(),
                    generator: generator.to_string(),
                    bits: round2(generator.entropy_bits()),
                    version: Some(b.current.version_tag()),
                });
            } else if let Some(v) = env.get(key).filter(|v| !v.is_empty()) {
                // Kept as it is; a first record gives `check` its baseline (rotation date, one-shot fingerprint).
                if state::rotated_at(env, key)?.is_none() {
                    let v = zeroize::Zeroizing::new(v.to_owned());
                    state::record(env, key, &v, spec.one_shot, now)?;
                }
                out.kept.push(key.to_owned());
            } else if let Some(generator) = spec.generator {
                let value = generator.try_generate()?;
                env.set(key, value.expose_secret())
                    .with_context(|| env_shown.clone())?;
                state::record(env, key, value.expose_secret(), spec.one_shot, now)?;
                out.generated.push(Generated {
                    key: key.to_owned(),
                    generator: generator.to_string(),
                    bits: round2(generator.entropy_bits()),
                    version: None,
                });
            } else {
                out.missing.push(key.to_owned());
            }
        }
        Ok(out)
    })?;

    // Later commands run in DIR find the schema there.
    let changed = match &before {
        None => true,
        Some(before) => {
            let after = zeroize::Zeroizing::new(
                std::fs::read(&env_path)
                    .with_context(|| format!("cannot read {}", env_path.display()))?,
            );
            after.as_slice() != before.as_slice()
        }
    };
    let mut schema_written = false;
    if in_dir.exists() {
        if let Some(text) = &schema_text {
            if std::fs::read(&in_dir).ok().as_deref() != Some(text.as_bytes())
                && args.schema.schema.is_some()
            {
                eprintln!(
                    "warning: {} differs from {origin}; later commands in {} use {}",
                    in_dir.display(),
                    dir.display(),
                    in_dir.display()
                );
            }
        }
    } else if let Some(text) = &schema_text {
        secretctl_envfile::fs::write_atomic(&in_dir, text.as_bytes(), 0o644)
            .with_context(|| format!("cannot write {}", in_dir.display()))?;
        schema_written = true;
    }

    let schema_shown = in_dir.display().to_string();
    if g.json {
        let generated: Vec<_> = outcome
            .generated
            .iter()
            .map(|x| json!({"key": x.key, "generator": x.generator, "entropy_bits": x.bits, "version": x.version}))
            .collect();
        println!(
            "{}",
            json!({
                "dir": dir.display().to_string(), "env_file": env_shown, "created": !existed, "changed": changed,
                "schema": origin, "schema_file": schema_shown, "schema_written": schema_written,
                "generated": generated, "kept": outcome.kept, "missing": outcome.missing,
            })
        );
    } else {
        println!(
            "{} {env_shown} (mode 0600) from {origin}",
            match (existed, changed) {
                (false, _) => "created",
                (true, true) => "updated",
                (true, false) => "unchanged:",
            }
        );
        for x in &outcome.generated {
            match &x.version {
                Some(v) => println!(
                    "  generated {} {v} ({}, {} bits of entropy)",
                    x.key, x.generator, x.bits
                ),
                None => println!(
                    "  generated {} ({}, {} bits of entropy)",
                    x.key, x.generator, x.bits
                ),
            }
        }
        for k in &outcome.kept {
            println!("  kept      {k} (already set)");
        }
        for k in &outcome.missing {
            println!(
                "  missing   {k}: the schema declares no generator; set it with `secretctl env set {k} --file {env_shown}`"
            );
        }
        if schema_written {
            println!("wrote {schema_shown}: edit it to declare your app's secrets, then run `secretctl check` in {}", dir.display());
        }
    }
    Ok(())
}

/// Create the instance directory (and parents) with mode 0700: it holds secrets.
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

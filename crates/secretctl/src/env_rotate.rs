//! `secretctl env rotate KEY` and `env set KEY --generate`: new values from the schema's generators, honouring
//! one-shot keys, and adding a new immutable version (moving the pointer) for versioned keys.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;
use secretctl_schema::{state, Generator, Schema, SecretSpec};
use serde_json::json;

use crate::cli::Globals;
use crate::common::SchemaOpt;
use crate::exit::{coded, ErrorKind};

/// Arguments of `secretctl env rotate`.
#[derive(Debug, clap::Args)]
pub struct RotateArgs {
    /// The key to rotate; the schema must declare a generator for it.
    #[arg(value_name = "KEY")]
    pub key: String,
    /// The .env file.
    #[arg(long, value_name = "F", default_value = ".env")]
    pub file: PathBuf,
    /// Rotate a one-shot key even though rotating it breaks something (the schema says what).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub schema: SchemaOpt,
}

/// The schema commands use, or an error that says how to get one.
pub(crate) fn require_schema(explicit: Option<&Path>, what: &str) -> anyhow::Result<Schema> {
    let schema = Schema::find(explicit).map_err(schema_error)?;
    schema.ok_or_else(|| {
        coded(
            ErrorKind::NotFound,
            anyhow!(
                "{what} needs a schema: no ./secretctl.toml here; pass --schema FILE, or run `secretctl init` to \
                 write one"
            ),
        )
    })
}

/// Attach the right exit code to a schema error: a missing file is "not found".
pub(crate) fn schema_error(e: secretctl_schema::Error) -> anyhow::Error {
    let code = match &e {
        secretctl_schema::Error::Io { source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            ErrorKind::NotFound
        }
        _ => ErrorKind::Other,
    };
    coded(code, e)
}

/// Attach the right exit code to an envfile error: a missing file is "not found".
pub(crate) fn env_error(e: secretctl_envfile::Error) -> anyhow::Error {
    let code = if matches!(e, secretctl_envfile::Error::NotFound { .. }) {
        ErrorKind::NotFound
    } else {
        ErrorKind::Other
    };
    coded(code, e)
}

/// Run `f` on the envfile at `path` under its lock. The file is saved only when `f` succeeds (and changed it); on
/// error every edit `f` made is undone first.
pub(crate) fn edit_env<T>(
    path: &Path,
    create: bool,
    f: impl FnOnce(&mut EnvFile) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let mut failed: Option<anyhow::Error> = None;
    let result = secretctl_envfile::update(path, create, |env| match f(env) {
        Ok(v) => Ok(v),
        Err(e) => {
            failed = Some(e);
            // Any error makes `update` write nothing; this one only carries the abort out.
            Err(secretctl_envfile::Error::Edit {
                path: path.to_path_buf(),
                error: secretctl_envfile::EditError::NotFound {
                    key: "(edit aborted)".to_owned(),
                },
            })
        }
    });
    match (result, failed) {
        (_, Some(e)) => Err(e),
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err(env_error(e)),
    }
}

/// The spec of `key` with its generator, or an error saying what to declare.
fn generator_of<'s>(schema: &'s Schema, key: &str) -> anyhow::Result<(&'s SecretSpec, Generator)> {
    let file = schema
        .file()
        .map_or_else(|| "the schema".to_owned(), |p| p.display().to_string());
    let spec = schema.get(key).ok_or_else(|| {
        coded(
            ErrorKind::NotFound,
            anyhow!("{key} is not declared in {file}; add [secrets.{key}] with a generator (e.g. generator = \"alnum:32\")"),
        )
    })?;
    let generator = spec.generator.ok_or_else(|| {
        coded(
            ErrorKind::Usage,
            anyhow!(
                "{file} declares no generator for {key}; add generator = \"alnum:32\" (or hex:N, base64:N, words:N) \
                 to [secrets.{key}], or set the value with `secretctl env set {key}` (value on stdin)"
            ),
        )
    })?;
    Ok((spec, generator))
}

/// The error for a one-shot key that would change without --force.
fn one_shot_refusal(spec: &SecretSpec, verb: &str) -> anyhow::Error {
    coded(
        ErrorKind::Other,
        anyhow!(
            "{key} is one-shot: {verb} it means {breaks}; pass --force to do it anyway",
            key = spec.key,
            breaks = spec.breaks_text()
        ),
    )
}

/// The current value of a declared key (the pointed version's value for a versioned key), when it has one.
fn has_value(spec: &SecretSpec, env: &EnvFile) -> bool {
    if spec.versioned {
        matches!(pointer::current_value(env, &spec.key), Ok(Some((_, Some(v)))) if !v.is_empty())
    } else {
        env.get(&spec.key).is_some_and(|v| !v.is_empty())
    }
}

/// What a rotation did, for output.
struct Rotated {
    version: Option<pointer::Bumped>,
}

pub fn rotate(g: Globals, args: RotateArgs) -> anyhow::Result<()> {
    let schema = require_schema(args.schema.schema.as_deref(), "`secretctl env rotate`")?;
    let (spec, generator) = generator_of(&schema, &args.key)?;
    if !args.file.exists() {
        return Err(coded(
            ErrorKind::NotFound,
            anyhow!(
                "{}: no such file; create the instance with `secretctl init`",
                args.file.display()
            ),
        ));
    }
    let value = generator.try_generate()?;
    let rotated = edit_env(&args.file, false, |env| {
        if spec.one_shot && has_value(spec, env) && !args.force {
            return Err(one_shot_refusal(spec, "rotating"));
        }
        let version = if spec.versioned {
            Some(
                pointer::bump(env, &spec.key, value.expose_secret())
                    .with_context(|| args.file.display().to_string())?,
            )
        } else {
            env.set(&spec.key, value.expose_secret())
                .with_context(|| args.file.display().to_string())?;
            None
        };
        state::record(
            env,
            &spec.key,
            value.expose_secret(),
            spec.one_shot,
            state::now(),
        )
        .with_context(|| args.file.display().to_string())?;
        Ok(Rotated { version })
    })?;
    let bits = crate::generate::round2(generator.entropy_bits());
    let file = args.file.display().to_string();
    if g.json {
        let mut out = json!({
            "key": spec.key, "file": file, "generator": generator.to_string(), "entropy_bits": bits,
        });
        if let Some(v) = &rotated.version {
            out["versioned"] = json!({
                "previous": v.previous.as_ref().map(|p| p.version_tag()),
                "current": v.current.version_tag(),
                "name": v.current.to_string(),
                "value_key": v.value_key,
                "pointer_key": v.pointer_key,
            });
        }
        println!("{out}");
    } else {
        match &rotated.version {
            Some(v) => println!(
                "rotated {key} in {file}: added {vk} ({generator}, {bits} bits of entropy), {pk} {prev} -> {cur}",
                key = spec.key,
                vk = v.value_key,
                pk = v.pointer_key,
                prev = v.previous.as_ref().map_or_else(|| "(none)".to_owned(), |p| p.version_tag()),
                cur = v.current.version_tag(),
            ),
            None => println!(
                "rotated {key} in {file} ({generator}, {bits} bits of entropy)",
                key = spec.key
            ),
        }
    }
    Ok(())
}

/// `env set KEY` (value given) and `env set KEY --generate` (value from the schema's generator): the new value and
/// the schema's records for it (rotation date, a one-shot key's fingerprint) are written together, under one lock,
/// so the records never run ahead of the value. Returns whether the file changed.
///
/// Without a schema (none given and no `./secretctl.toml`), or for an undeclared key, a given value is simply set.
/// For a declared key it refuses a one-shot key that already has a value unless `force` (saying what changing it
/// breaks), and refuses a versioned key (versions change only through `env rotate`). `--generate` needs a schema
/// that declares a generator for `key`.
pub fn set_value(
    env_file: &Path,
    key: &str,
    value: Option<SecretString>,
    force: bool,
    schema: Option<&Path>,
) -> anyhow::Result<bool> {
    let schema = match value {
        Some(_) => Schema::find(schema).map_err(schema_error)?,
        None => Some(require_schema(schema, "--generate")?),
    };
    let spec = schema.as_ref().and_then(|s| s.get(key));
    let value = match (value, schema.as_ref()) {
        (Some(v), _) => v,
        (None, Some(schema)) => generator_of(schema, key)?.1.try_generate()?,
        // require_schema returned an error for this already
        (None, None) => return Err(anyhow!("--generate needs a schema")),
    };
    if let Some(spec) = spec.filter(|s| s.versioned) {
        return Err(coded(
            ErrorKind::Usage,
            anyhow!(
                "{key} is versioned: versions are never overwritten; add the next one with `secretctl env rotate {key}`",
                key = spec.key
            ),
        ));
    }
    edit_env(env_file, true, |env| {
        if env.get(key) == Some(value.expose_secret()) {
            return Ok(false);
        }
        if let Some(spec) = spec {
            if spec.one_shot && has_value(spec, env) && !force {
                return Err(one_shot_refusal(spec, "changing"));
            }
        }
        env.set(key, value.expose_secret()).map_err(|error| {
            crate::env::env_error(secretctl_envfile::Error::Edit {
                path: env_file.to_path_buf(),
                error,
            })
        })?;
        if let Some(spec) = spec {
            state::record(env, key, value.expose_secret(), spec.one_shot, state::now())
                .with_context(|| env_file.display().to_string())?;
        }
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "[secrets.APP_SECRET_KEY]\ngenerator = \"hex:64\"\none_shot = true\nbreaks = \"sessions end\"\n\n\
                          [secrets.API_TOKEN]\ngenerator = \"alnum:8\"\nversioned = true\n";

    #[test]
    fn set_value_writes_the_value_and_its_records_together() {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("secretctl.toml");
        std::fs::write(&schema, SCHEMA).unwrap();
        let env = dir.path().join(".env");
        let v = |s: &str| Some(SecretString::from(s.to_owned()));

        // A first value is written and recorded in the same save.
        assert!(set_value(&env, "APP_SECRET_KEY", v("first"), false, Some(&schema)).unwrap());
        let doc = EnvFile::load(&env).unwrap();
        assert_eq!(doc.get("APP_SECRET_KEY"), Some("first"));
        assert_eq!(
            state::fingerprint_status(&doc, "APP_SECRET_KEY", "first").unwrap(),
            state::Fingerprint::Matches
        );
        let before = std::fs::read(&env).unwrap();
        // The same value again is no change; a different one is refused without --force, naming what breaks,
        // and nothing is written.
        assert!(!set_value(&env, "APP_SECRET_KEY", v("first"), false, Some(&schema)).unwrap());
        let err = set_value(&env, "APP_SECRET_KEY", v("second"), false, Some(&schema)).unwrap_err();
        assert!(err.to_string().contains("sessions end") && err.to_string().contains("--force"));
        assert_eq!(std::fs::read(&env).unwrap(), before);
        // --generate is refused the same way.
        assert!(set_value(&env, "APP_SECRET_KEY", None, false, Some(&schema)).is_err());
        assert_eq!(std::fs::read(&env).unwrap(), before);
        // With --force the new value and its fingerprint are written.
        assert!(set_value(&env, "APP_SECRET_KEY", v("second"), true, Some(&schema)).unwrap());
        let doc = EnvFile::load(&env).unwrap();
        assert_eq!(doc.get("APP_SECRET_KEY"), Some("second"));
        assert_eq!(
            state::fingerprint_status(&doc, "APP_SECRET_KEY", "second").unwrap(),
            state::Fingerprint::Matches
        );
        // Versioned keys are refused (exit 2); undeclared keys are set without records.
        let versioned = set_value(&env, "API_TOKEN", v("x"), true, Some(&schema)).unwrap_err();
        assert_eq!(crate::exit::code_of(&versioned), 2);
        assert!(set_value(&env, "OTHER", v("x"), false, Some(&schema)).unwrap());
        assert!(!EnvFile::load(&env)
            .unwrap()
            .keys()
            .iter()
            .any(|k| k.contains("OTHER") && *k != "OTHER"));
        // An invalid key name is a usage error; a named schema that is missing is "not found".
        let bad = set_value(&env, "BAD KEY", v("x"), false, Some(&schema)).unwrap_err();
        assert_eq!(crate::exit::code_of(&bad), 2);
        let missing = dir.path().join("missing.toml");
        let err = set_value(&env, "OTHER", v("y"), false, Some(&missing)).unwrap_err();
        assert_eq!(crate::exit::code_of(&err), 4);
    }
}

//! `secretctl env list|get`: what Docker Compose reads from an instance's .env, values written byte-exact and
//! wiped from memory after.

use std::path::Path;

use anyhow::anyhow;
use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::{EnvFile, Error as EnvError, InterpolationError};
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::{say, write_stdout, write_value};
use crate::env::{GetArgs, ListArgs};
use crate::exit::{coded, ErrorKind};

/// Add the hint a person needs to an envfile error, on the same line; its kind (and so its exit code) stays the
/// library's.
fn env_error(e: EnvError) -> anyhow::Error {
    use secretctl_error::Kind as _;
    let hint = match &e {
        EnvError::NotFound { .. } => {
            " (create it with `secretctl init DIR`, or name the right file with --file)"
        }
        EnvError::Parse { .. } => " (fix that line; Docker Compose rejects it too)",
        EnvError::Interpolation {
            error: InterpolationError::Required { .. },
            ..
        } => " (set it earlier in the file, or in the environment with --use-environment)",
        _ => "",
    };
    let message = match &e {
        // The I/O cause goes on the same line: one line per error.
        EnvError::Io { source, .. } => format!("{e}: {source}"),
        _ => e.to_string(),
    };
    coded(e.kind(), anyhow!("{message}{hint}"))
}

/// The values Docker Compose computes (with `env`, from this process's environment first), warning about each
/// reference to a variable that is not set.
fn resolve(path: &Path, doc: &EnvFile, env: bool) -> anyhow::Result<Vec<(String, SecretString)>> {
    let lookup = |name: &str| env.then(|| std::env::var(name).ok()).flatten();
    let resolution = doc.resolve_report(&lookup).map_err(|error| {
        let path = path.to_path_buf();
        env_error(EnvError::Interpolation { path, error })
    })?;
    for u in &resolution.unset {
        let (file, line, key, var) = (path.display(), u.line, &u.key, &u.variable);
        eprintln!(
            "warning: {file}: line {line}: {key} references ${var}, which is not set; Docker Compose uses an \
             empty string"
        );
    }
    Ok(resolution.values)
}

/// Bytes that may hold secret values, wiped when dropped.
type Buffer = Zeroizing<Vec<u8>>;

/// `pairs` as one JSON object and a newline, in their order (a serde_json `Map` would sort them), written into a
/// buffer that is wiped after.
fn json_object<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> anyhow::Result<Buffer> {
    let mut out = Zeroizing::new(Vec::new());
    serde::Serializer::collect_map(&mut serde_json::Serializer::new(&mut *out), pairs)?;
    out.push(b'\n');
    Ok(out)
}

pub(crate) fn list(g: Globals, a: &ListArgs) -> anyhow::Result<()> {
    let path = a.file.path();
    let doc = EnvFile::load(&path).map_err(env_error)?;
    if !g.json {
        return doc.keys().into_iter().try_for_each(say);
    }
    let values = resolve(&path, &doc, a.use_environment)?;
    write_stdout(&[&json_object(
        values.iter().map(|(k, v)| (k.as_str(), v.expose_secret())),
    )?])
}

/// "KEY is not set", with the command that sets it.
pub(crate) fn not_set(path: &Path, key: &str) -> anyhow::Error {
    let file = path.display().to_string();
    let fix = secretctl_instance::Fix::new(["secretctl", "env", "set", key, "--file", &file], true);
    let err = anyhow!("{file}: {key} is not set (add it with {fix})");
    coded(ErrorKind::NotFound, err)
}

pub(crate) fn get(g: Globals, a: &GetArgs) -> anyhow::Result<()> {
    let (path, key) = (a.file.path(), a.key.as_str());
    EnvFile::check_key(key).map_err(|error| {
        let path = path.clone();
        env_error(EnvError::Edit { path, error })
    })?;
    let doc = EnvFile::load(&path).map_err(env_error)?;
    let value = if !doc.contains(key) {
        None
    } else if a.raw {
        Some(Zeroizing::new(doc.get(key).unwrap_or_default().to_owned()))
    } else {
        let values = resolve(&path, &doc, a.use_environment)?;
        let found = values.into_iter().find(|(k, _)| k == key);
        found.map(|(_, v)| Zeroizing::new(v.expose_secret().to_owned()))
    };
    let value = value.ok_or_else(|| not_set(&path, key))?;
    if g.json {
        return write_stdout(&[&json_object([("key", key), ("value", value.as_str())])?]);
    }
    write_value(value.as_bytes())
}

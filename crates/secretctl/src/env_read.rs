//! `secretctl env list|get`: what Docker Compose reads from an instance's .env, values written byte-exact and
//! wiped from memory after.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::{EnvFile, Error as EnvError, InterpolationError};
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::env::{GetArgs, ListArgs};
use crate::exit::{coded, ErrorKind};

/// Add the hint a person needs to an envfile error, on the same line; its kind (and so its exit code) stays the
/// library's.
pub(crate) fn env_error(e: EnvError) -> anyhow::Error {
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

fn load(path: &Path) -> anyhow::Result<EnvFile> {
    EnvFile::load(path).map_err(env_error)
}

fn resolve(
    path: &Path,
    doc: &EnvFile,
    use_environment: bool,
) -> anyhow::Result<Vec<(String, SecretString)>> {
    let lookup = |name: &str| {
        if use_environment {
            std::env::var(name).ok()
        } else {
            None
        }
    };
    let resolution = doc.resolve_report(&lookup).map_err(|error| {
        env_error(EnvError::Interpolation {
            path: path.to_path_buf(),
            error,
        })
    })?;
    for u in &resolution.unset {
        eprintln!(
            "warning: {}: line {}: {} references ${}, which is not set; Docker Compose uses an empty string",
            path.display(),
            u.line,
            u.key,
            u.variable
        );
    }
    Ok(resolution.values)
}

/// Write bytes that may hold secret values to stdout, then wipe them.
fn emit(out: Zeroizing<Vec<u8>>) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

fn push_json_string(buf: &mut Zeroizing<Vec<u8>>, s: &str) -> anyhow::Result<()> {
    serde_json::to_writer(&mut **buf, s)?;
    Ok(())
}

pub(crate) fn list(g: Globals, a: &ListArgs) -> anyhow::Result<()> {
    let path = a.file.path();
    let doc = load(&path)?;
    let mut out = Zeroizing::new(Vec::new());
    if g.json {
        // Written by hand to keep file order (a serde_json Map would sort) and to zeroize the buffer.
        let values = resolve(&path, &doc, a.use_environment)?;
        out.push(b'{');
        for (i, (k, v)) in values.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_json_string(&mut out, k)?;
            out.push(b':');
            push_json_string(&mut out, v.expose_secret())?;
        }
        out.extend_from_slice(b"}\n");
    } else {
        for k in doc.keys() {
            out.extend_from_slice(k.as_bytes());
            out.push(b'\n');
        }
    }
    emit(out)
}

pub(crate) fn not_set(path: &Path, key: &str) -> anyhow::Error {
    let fix = secretctl_instance::Fix::new(
        [
            "secretctl",
            "env",
            "set",
            key,
            "--file",
            &path.display().to_string(),
        ],
        true,
    );
    coded(
        ErrorKind::NotFound,
        anyhow!("{}: {key} is not set (add it with {fix})", path.display()),
    )
}

pub(crate) fn get(g: Globals, a: &GetArgs) -> anyhow::Result<()> {
    let path = a.file.path();
    EnvFile::check_key(&a.key).map_err(|error| {
        env_error(EnvError::Edit {
            path: path.clone(),
            error,
        })
    })?;
    let doc = load(&path)?;
    if !doc.contains(&a.key) {
        return Err(not_set(&path, &a.key));
    }
    let value: Zeroizing<String> = if a.raw {
        Zeroizing::new(doc.get(&a.key).unwrap_or_default().to_owned())
    } else {
        let values = resolve(&path, &doc, a.use_environment)?;
        let found = values
            .iter()
            .find(|(k, _)| *k == a.key)
            .map(|(_, v)| Zeroizing::new(v.expose_secret().to_owned()));
        found.ok_or_else(|| not_set(&path, &a.key))?
    };
    let mut out = Zeroizing::new(Vec::new());
    if g.json {
        out.extend_from_slice(b"{\"key\":");
        push_json_string(&mut out, &a.key)?;
        out.extend_from_slice(b",\"value\":");
        push_json_string(&mut out, &value)?;
        out.extend_from_slice(b"}\n");
    } else {
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    emit(out)
}

//! `secretctl env`: read and edit a Docker Compose .env without losing a byte of it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Subcommand;
use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::{EditError, EnvFile, Error as EnvError, InterpolationError};
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::SchemaOpt;
use crate::exit::{coded, ErrorKind};
use crate::input::{read_value, ValueSource};

/// Arguments of `secretctl env`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// The `env` verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the keys in file order; with --json, the values Docker Compose computes for them.
    List(ListArgs),
    /// Print the value of KEY (as Docker Compose computes it, or as written with --raw).
    Get(GetArgs),
    /// Set KEY to a value read from stdin (or --from-file, or --generate); only that value's bytes change.
    Set(SetArgs),
    /// Remove every assignment of KEY.
    Unset(UnsetArgs),
    /// Rename KEY to NEW_KEY, keeping its value and layout.
    Rename(RenameArgs),
    /// Replace KEY's value with a freshly generated one (from the schema's generator).
    Rotate(crate::env_rotate::RotateArgs),
}

/// The .env file every verb works on.
#[derive(Debug, Clone, clap::Args)]
pub struct FileOpt {
    /// The .env file.
    #[arg(long, value_name = "F", default_value = ".env")]
    pub file: PathBuf,
}

/// Arguments of `secretctl env list`.
#[derive(Debug, clap::Args)]
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
    #[arg(long)]
    pub generate: bool,
    /// With --generate: replace a one-shot key that already has a value.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub schema: SchemaOpt,
}

/// Arguments of `secretctl env unset`.
#[derive(Debug, clap::Args)]
pub struct UnsetArgs {
    /// The key to remove.
    #[arg(value_name = "KEY")]
    pub key: String,
    #[command(flatten)]
    pub file: FileOpt,
}

/// Arguments of `secretctl env rename`.
#[derive(Debug, clap::Args)]
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

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::List(a) => list(g, &a),
        Command::Get(a) => get(g, &a),
        Command::Set(a) => set(g, a),
        Command::Unset(a) => unset(g, &a),
        Command::Rename(a) => rename(g, &a),
        Command::Rotate(a) => crate::env_rotate::rotate(g, a),
    }
}

/// One line naming the file and the fix, with the documented exit code.
pub(crate) fn env_error(e: EnvError) -> anyhow::Error {
    let code = match &e {
        EnvError::NotFound { .. }
        | EnvError::Edit {
            error: EditError::NotFound { .. },
            ..
        } => ErrorKind::NotFound,
        EnvError::Edit {
            error: EditError::InvalidKey { .. },
            ..
        } => ErrorKind::Usage,
        _ => ErrorKind::Other,
    };
    let hint = match &e {
        EnvError::NotFound { .. } => " (create it with `secretctl env set KEY`, or pass --file)",
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
    coded(code, anyhow!("{message}{hint}"))
}

fn load(path: &Path) -> anyhow::Result<EnvFile> {
    EnvFile::load(path).map_err(env_error)
}

fn lookup_for(use_environment: bool) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        if use_environment {
            std::env::var(name).ok()
        } else {
            None
        }
    }
}

fn resolve(
    path: &Path,
    doc: &EnvFile,
    use_environment: bool,
) -> anyhow::Result<Vec<(String, SecretString)>> {
    let lookup = lookup_for(use_environment);
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

fn list(g: Globals, a: &ListArgs) -> anyhow::Result<()> {
    let path = &a.file.file;
    let doc = load(path)?;
    let mut out = Zeroizing::new(Vec::new());
    if g.json {
        // Written by hand to keep file order (a serde_json Map would sort) and to zeroize the buffer.
        let values = resolve(path, &doc, a.use_environment)?;
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

fn not_set(path: &Path, key: &str) -> anyhow::Error {
    coded(
        ErrorKind::NotFound,
        anyhow!(
            "{}: {key} is not set (add it with `secretctl env set {key}`)",
            path.display()
        ),
    )
}

fn get(g: Globals, a: &GetArgs) -> anyhow::Result<()> {
    let path = &a.file.file;
    let doc = load(path)?;
    if !doc.contains(&a.key) {
        return Err(not_set(path, &a.key));
    }
    let value: Zeroizing<String> = if a.raw {
        Zeroizing::new(doc.get(&a.key).unwrap_or_default().to_owned())
    } else {
        let values = resolve(path, &doc, a.use_environment)?;
        let found = values
            .iter()
            .find(|(k, _)| *k == a.key)
            .map(|(_, v)| Zeroizing::new(v.expose_secret().to_owned()));
        found.ok_or_else(|| not_set(path, &a.key))?
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

fn report(g: Globals, verb: &str, key: &str, path: &Path, changed: bool) -> anyhow::Result<()> {
    if g.json {
        let v = serde_json::json!({
            "key": key,
            "file": path.display().to_string(),
            "changed": changed,
        });
        println!("{v}");
    } else if changed {
        eprintln!("{verb} {key} in {}", path.display());
    } else {
        eprintln!(
            "{key} in {} already had that value; nothing changed",
            path.display()
        );
    }
    Ok(())
}

fn set(g: Globals, a: SetArgs) -> anyhow::Result<()> {
    let path = a.file.file.clone();
    let value = if a.generate {
        None
    } else {
        let source = match (&a.value, &a.from_file) {
            (Some(v), _) => ValueSource::Argv(v),
            (None, Some(f)) => ValueSource::File(f),
            (None, None) => ValueSource::Stdin,
        };
        Some(read_value(source, &format!("Value for {}: ", a.key))?)
    };
    // The schema's rules (one-shot, versioned) and its records are applied in the same locked write as the value.
    let changed =
        crate::env_rotate::set_value(&path, &a.key, value, a.force, a.schema.schema.as_deref())?;
    report(g, "set", &a.key, &path, changed)
}

fn unset(g: Globals, a: &UnsetArgs) -> anyhow::Result<()> {
    let path = &a.file.file;
    secretctl_envfile::update(path, false, |doc| {
        if doc.unset(&a.key) {
            Ok(())
        } else {
            Err(EnvError::Edit {
                path: path.clone(),
                error: EditError::NotFound { key: a.key.clone() },
            })
        }
    })
    .map_err(env_error)?;
    report(g, "removed", &a.key, path, true)
}

fn rename(g: Globals, a: &RenameArgs) -> anyhow::Result<()> {
    let path = &a.file.file;
    let changed = secretctl_envfile::update(path, false, |doc| {
        doc.rename(&a.key, &a.new_key)
            .map_err(|error| EnvError::Edit {
                path: path.clone(),
                error,
            })?;
        Ok(a.key != a.new_key)
    })
    .map_err(env_error)?;
    report(g, "renamed to", &a.new_key, path, changed)
}

//! `secretctl key init | id | list | backup | restore` (and `rotate`, `retire`, which live in `rotate.rs`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use secretctl_keyfile::{
    BackupTo, Identities, KeyId, Keyring, LoadOptions, RestoreOptions, RestoreOutcome, Unlock,
};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::common::KeyfileOpt;
use crate::exit::{coded, ErrorKind};
use crate::input::{read_value, ValueSource};
use crate::rotate;

/// Arguments of `secretctl key`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: KeyCommand,
}

/// The verbs of `secretctl key`.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites.
    ///
    /// The default location is /etc/secretctl/master.key when run as root, otherwise
    /// $XDG_CONFIG_HOME/secretctl/master.key (~/.config/secretctl/master.key). Back the key up right away with
    /// `secretctl key backup`: without it, everything encrypted under it is lost with the file.
    Init(InitArgs),
    /// Print the active key's id (a keyed derivation of the key; safe to share).
    Id(IdArgs),
    /// List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted.
    List(ListArgs),
    /// Write an age-encrypted backup of the active key to stdout or --output.
    ///
    /// Encrypt to one or more age X25519 recipients (`--recipient age1...`, as printed by `age-keygen`) or to a
    /// passphrase (`--passphrase`, prompted on the terminal, or `--passphrase-file`). The backup is ASCII-armored
    /// by default so it can be pasted into a password manager or a cloud secret manager; the reference `age` tool
    /// decrypts it (`age -d -i identity.txt backup.age`).
    Backup(BackupArgs),
    /// Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64).
    ///
    /// The key id is checked against --expect-id before anything is written. An existing keyfile holding a
    /// different key is never replaced without --force, and even then it is kept as a retired key.
    Restore(RestoreArgs),
    /// Make a new key active and re-encrypt the store under it.
    Rotate(rotate::RotateArgs),
    /// Remove a retired key once nothing references it.
    Retire(rotate::RetireArgs),
}

/// Arguments of `secretctl key init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
}

/// Arguments of `secretctl key id`.
#[derive(Debug, clap::Args)]
pub struct IdArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
}

/// Arguments of `secretctl key list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
}

/// Arguments of `secretctl key backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
    /// Encrypt to this age X25519 recipient (age1...); repeat for several.
    #[arg(long = "recipient", short = 'r', value_name = "AGE_RECIPIENT")]
    pub recipients: Vec<String>,
    /// Encrypt to recipients listed in FILE, one per line (`#` comments allowed).
    #[arg(long, short = 'R', value_name = "FILE")]
    pub recipients_file: Vec<PathBuf>,
    /// Encrypt to a passphrase, prompted twice on the terminal.
    #[arg(long, conflicts_with_all = ["recipients", "recipients_file"])]
    pub passphrase: bool,
    /// Encrypt to the passphrase in FILE (a trailing newline is ignored).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["recipients", "recipients_file"])]
    pub passphrase_file: Option<PathBuf>,
    /// Write the binary age format instead of ASCII armor (requires --output or a non-terminal stdout).
    #[arg(long)]
    pub binary: bool,
    /// Print the key as plain base64 instead of an encrypted backup. Anyone who sees it has the key.
    #[arg(long, conflicts_with_all = ["recipients", "recipients_file", "passphrase", "passphrase_file", "binary"])]
    pub raw_base64: bool,
    /// Write the backup to FILE (created new, mode 0600) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `secretctl key restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
    /// The backup file [default: stdin].
    #[arg(value_name = "BACKUP")]
    pub backup: Option<PathBuf>,
    /// Decrypt an age backup with the X25519 identities in FILE (as written by age-keygen); repeatable.
    #[arg(long, short = 'i', value_name = "FILE")]
    pub identity: Vec<PathBuf>,
    /// Decrypt an age passphrase backup, prompting for the passphrase on the terminal.
    #[arg(long, conflicts_with = "identity")]
    pub passphrase: bool,
    /// Decrypt an age passphrase backup with the passphrase in FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "identity")]
    pub passphrase_file: Option<PathBuf>,
    /// The backup is a raw base64 export (`key backup --raw-base64`).
    #[arg(long, conflicts_with_all = ["identity", "passphrase", "passphrase_file"])]
    pub base64: bool,
    /// Refuse the backup unless it holds the key with this id (as printed by `secretctl key id`).
    #[arg(long, value_name = "KEY_ID")]
    pub expect_id: Option<KeyId>,
    /// Make the restored key active even if the keyfile holds a different key (which is kept as retired).
    #[arg(long)]
    pub force: bool,
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    match args.command {
        KeyCommand::Init(a) => init(g, &a),
        KeyCommand::Id(a) => id(g, &a),
        KeyCommand::List(a) => list(g, &a),
        KeyCommand::Backup(a) => backup(g, &a),
        KeyCommand::Restore(a) => restore(g, &a),
        KeyCommand::Rotate(a) => rotate::rotate(g, a),
        KeyCommand::Retire(a) => rotate::retire(g, a),
    }
}

fn load_opts(k: &KeyfileOpt) -> LoadOptions {
    LoadOptions {
        allow_loose_permissions: k.allow_loose_permissions,
    }
}

fn init(g: Globals, a: &InitArgs) -> anyhow::Result<()> {
    let path = a.keyfile.path();
    let key = secretctl_keyfile::create(&path)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let v = json!({ "keyfile": path.display().to_string(), "key_id": key.id().to_string() });
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "created keyfile {} (key id {})",
            path.display(),
            key.id()
        )?;
        eprintln!(
            "next: back it up with `secretctl key backup --recipient age1...` (or --passphrase); \
             without a backup, a lost keyfile loses every secret encrypted under it"
        );
    }
    Ok(())
}

fn id(g: Globals, a: &IdArgs) -> anyhow::Result<()> {
    let path = a.keyfile.path();
    let key = secretctl_keyfile::load(&path, load_opts(&a.keyfile))?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let v = json!({ "keyfile": path.display().to_string(), "key_id": key.id().to_string() });
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "{}", key.id())?;
    }
    Ok(())
}

fn rfc3339(t: Option<time::OffsetDateTime>) -> Option<String> {
    t.and_then(|t| t.format(&Rfc3339).ok())
}

fn list(g: Globals, a: &ListArgs) -> anyhow::Result<()> {
    let path = a.keyfile.path();
    let ring = Keyring::open(&path, load_opts(&a.keyfile))?;
    let keys = ring.list();
    let mut out = std::io::stdout().lock();
    if g.json {
        let items: Vec<_> = keys
            .iter()
            .map(|k| {
                json!({
                    "id": k.id.to_string(),
                    "state": k.state.as_str(),
                    "created": rfc3339(k.created),
                    "retired": rfc3339(k.retired),
                })
            })
            .collect();
        let v = json!({ "keyfile": path.display().to_string(), "keys": items });
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "{:<16}  {:<7}  {:<20}  RETIRED",
            "ID", "STATE", "CREATED"
        )?;
        for k in &keys {
            writeln!(
                out,
                "{:<16}  {:<7}  {:<20}  {}",
                k.id.to_string(),
                k.state.as_str(),
                rfc3339(k.created).unwrap_or_else(|| "-".into()),
                rfc3339(k.retired).unwrap_or_else(|| "-".into()),
            )?;
        }
    }
    Ok(())
}

/// A passphrase from a file, or from the terminal (asked twice when `confirm`). Never from argv.
fn passphrase(file: Option<&Path>, confirm: bool) -> anyhow::Result<SecretString> {
    let p = if let Some(file) = file {
        read_value(ValueSource::File(file), "")?
    } else {
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt)
                .map(|s| SecretString::from(Zeroizing::new(s).as_str().to_owned()))
                .map_err(|e| {
                    coded(
                        ErrorKind::Usage,
                        anyhow::anyhow!(
                            "cannot prompt for a passphrase ({e}); use --passphrase-file FILE when there is no terminal"
                        ),
                    )
                })
        };
        let p = ask("Passphrase: ")?;
        if confirm {
            let again = ask("Passphrase (again): ")?;
            if again.expose_secret() != p.expose_secret() {
                return Err(coded(
                    ErrorKind::Usage,
                    anyhow::anyhow!("the passphrases do not match"),
                ));
            }
        }
        p
    };
    if p.expose_secret().is_empty() {
        return Err(coded(
            ErrorKind::Usage,
            anyhow::anyhow!("the passphrase is empty"),
        ));
    }
    Ok(p)
}

fn write_output(path: Option<&Path>, bytes: &[u8], binary: bool) -> anyhow::Result<()> {
    if let Some(path) = path {
        return Ok(secretctl_keyfile::write_backup(path, bytes)?);
    }
    let mut out = std::io::stdout().lock();
    if binary && out.is_terminal() {
        return Err(coded(
            ErrorKind::Usage,
            anyhow::anyhow!("refusing to write a binary backup to a terminal; use --output FILE"),
        ));
    }
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

fn backup(_g: Globals, a: &BackupArgs) -> anyhow::Result<()> {
    let path = a.keyfile.path();
    let key = secretctl_keyfile::load(&path, load_opts(&a.keyfile))?;
    if a.raw_base64 {
        eprintln!(
            "warning: --raw-base64 writes the master key UNENCRYPTED; anyone who sees the output can decrypt \
             every secret. Prefer --recipient or --passphrase."
        );
        let b64 = secretctl_keyfile::export_base64(&key);
        let mut text = Zeroizing::new(b64.expose_secret().as_bytes().to_vec());
        text.push(b'\n');
        return write_output(a.output.as_deref(), &text, false);
    }
    let file = if a.passphrase || a.passphrase_file.is_some() {
        let p = passphrase(a.passphrase_file.as_deref(), true)?;
        secretctl_keyfile::backup(
            &key,
            &BackupTo::Passphrase {
                passphrase: &p,
                work_factor: None,
            },
            !a.binary,
        )?
    } else {
        let mut recipients = a.recipients.clone();
        for f in &a.recipients_file {
            recipients.extend(secretctl_keyfile::read_recipients_file(f)?);
        }
        if recipients.is_empty() {
            return Err(coded(
                ErrorKind::Usage,
                anyhow::anyhow!(
                    "say whom to encrypt the backup to: --recipient age1... (see age-keygen), --recipients-file FILE, \
                     --passphrase or --passphrase-file FILE"
                ),
            ));
        }
        secretctl_keyfile::backup(&key, &BackupTo::Recipients(&recipients), !a.binary)?
    };
    write_output(a.output.as_deref(), &file, a.binary)?;
    if a.output.is_some() {
        eprintln!(
            "wrote backup of key {} to {}",
            key.id(),
            a.output.as_deref().unwrap_or(Path::new("-")).display()
        );
    }
    Ok(())
}

fn restore(g: Globals, a: &RestoreArgs) -> anyhow::Result<()> {
    let path = a.keyfile.path();
    let data = match &a.backup {
        Some(p) if p.as_os_str() != "-" => secretctl_keyfile::read_backup_file(p)?,
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(coded(
                    ErrorKind::Usage,
                    anyhow::anyhow!("give the backup file as an argument or pipe it on stdin"),
                ));
            }
            secretctl_keyfile::read_backup(stdin.lock(), Path::new("stdin"))?
        }
    };
    let source = a
        .backup
        .as_ref()
        .map_or_else(|| "stdin".to_owned(), |p| p.display().to_string());
    let key = if a.base64 {
        secretctl_keyfile::decode_backup(&data, &Unlock::Base64)
    } else if a.passphrase || a.passphrase_file.is_some() {
        let p = passphrase(a.passphrase_file.as_deref(), false)?;
        secretctl_keyfile::decode_backup(&data, &Unlock::Passphrase(&p))
    } else if !a.identity.is_empty() {
        let ids = Identities::from_files(&a.identity)?;
        secretctl_keyfile::decode_backup(&data, &Unlock::Identities(&ids))
    } else {
        let hint = if secretctl_keyfile::is_age(&data) {
            "it is an age file: pass --identity FILE or --passphrase"
        } else {
            "pass --identity FILE or --passphrase for an age backup, or --base64 for a raw export"
        };
        return Err(coded(
            ErrorKind::Usage,
            anyhow::anyhow!("cannot tell how to read the backup {source}: {hint}"),
        ));
    }
    .with_context(|| format!("cannot restore from {source}"))?;
    let restored = key.id();
    let opts = RestoreOptions {
        expected_id: a.expect_id,
        force: a.force,
        load: load_opts(&a.keyfile),
    };
    let outcome = secretctl_keyfile::restore(&path, key, opts)?;
    let mut out = std::io::stdout().lock();
    let (status, retired) = match outcome {
        RestoreOutcome::Created => ("created", None),
        RestoreOutcome::AlreadyPresent => ("unchanged", None),
        RestoreOutcome::Replaced { retired } => ("replaced", Some(retired)),
        _ => ("restored", None),
    };
    if g.json {
        let v = json!({
            "keyfile": path.display().to_string(),
            "key_id": restored.to_string(),
            "status": status,
            "retired": retired.map(|r| r.to_string()),
        });
        writeln!(out, "{v}")?;
    } else {
        match retired {
            Some(r) => writeln!(
                out,
                "restored key {restored} to {} (the previous key {r} is kept as retired)",
                path.display()
            )?,
            None if status == "unchanged" => {
                writeln!(
                    out,
                    "{} already holds key {restored}; nothing to do",
                    path.display()
                )?;
            }
            None => writeln!(out, "restored key {restored} to {}", path.display())?,
        }
    }
    Ok(())
}

//! `secretctl key init | id | list | backup | restore` (and `rotate`, `retire`, which live in `rotate.rs`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use secretctl_keyfile::{
    BackupTo, Identities, KeyId, KeyInfo, RestoreOptions, RestoreOutcome, Unlock,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::{Deferred, Globals};
use crate::common::{write_stdout, KeyfileOpt};
use crate::exit::usage;
use crate::input::read_value;
use crate::key_transit;
use crate::rotate;

/// The verbs of `secretctl key`.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create the master keyfile: 32 random bytes, mode 0400, in a 0700 directory. Never overwrites.
    ///
    /// The default location is /etc/secretctl/master.key when run as root, otherwise
    /// $XDG_CONFIG_HOME/secretctl/master.key (~/.config/secretctl/master.key). Back the key up right away with
    /// `secretctl key backup`: without it, everything encrypted under it is lost with the file.
    ///
    /// With --transit the key is random and stored only as Vault / OpenBao Transit ciphertext (see docs/vault.md).
    Init(Deferred<key_transit::InitArgs>),
    /// Print the active key's id (a keyed derivation of the key; safe to share).
    Id(Deferred<KeyfileOpt>),
    /// List the keyring: the active key and the retired keys kept for ciphertexts not yet re-encrypted.
    List(Deferred<KeyfileOpt>),
    /// Write an age-encrypted backup of the active key to stdout or --output.
    ///
    /// Encrypt to one or more age X25519 recipients (`--recipient age1...`, as printed by `age-keygen`) or to a
    /// passphrase (`--passphrase`, prompted on the terminal, or `--passphrase-file`). The backup is ASCII-armored
    /// by default so it can be pasted into a password manager or a cloud secret manager; the reference `age` tool
    /// decrypts it (`age -d -i identity.txt backup.age`).
    Backup(Deferred<BackupArgs>),
    /// Restore the master keyfile from a backup (age with --identity or --passphrase, or --base64).
    ///
    /// The key id is checked against --expect-id before anything is written. An existing keyfile holding a
    /// different key is never replaced without --force, and even then it is kept as a retired key.
    Restore(Deferred<RestoreArgs>),
    /// Make a new key active and re-encrypt the store under it.
    Rotate(Deferred<rotate::RotateArgs>),
    /// Remove a retired key once nothing references it.
    Retire(Deferred<rotate::RetireArgs>),
    /// Re-wrap a Transit-wrapped keyfile and its retired keys under the Transit key's latest version.
    ///
    /// Run it after rotating the Transit key (`bao write -f transit/keys/NAME/rotate`). The keys themselves do not
    /// change, so no store row is touched.
    Rewrap(Deferred<KeyfileOpt>),
}

/// Arguments of `secretctl key backup`.
#[derive(Debug, clap::Args)]
#[group(skip)]
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
#[group(skip)]
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

pub fn run(g: Globals, command: KeyCommand) -> anyhow::Result<()> {
    let id_json = |path: &Path, id: KeyId| json!({ "keyfile": path.display().to_string(), "key_id": id.to_string() });
    match command {
        KeyCommand::Init(Deferred(a)) if a.transit.is_some() => {
            let uri = a.transit.as_ref().ok_or_else(|| usage("--transit"))?;
            key_transit::init(g, &a.keyfile, uri)
        }
        KeyCommand::Init(Deferred(a)) => {
            let path = a.keyfile.path();
            let id = secretctl_keyfile::create(&path)?.id();
            let text = format!("created keyfile {} (key id {id})", path.display());
            g.print(&id_json(&path, id), text)?;
            if !g.json {
                eprintln!(
                    "next: back it up with `secretctl key backup --recipient age1...` (or --passphrase); \
                     without a backup, a lost keyfile loses every secret encrypted under it"
                );
            }
            Ok(())
        }
        KeyCommand::Id(Deferred(k)) => {
            let path = k.path();
            let id = k.active_key()?.id();
            g.print(&id_json(&path, id), id)
        }
        KeyCommand::List(Deferred(k)) => {
            let keys = k.keyring()?.list();
            let rows: Vec<String> = keys.iter().map(ToString::to_string).collect();
            let text = format!("{}\n{}", KeyInfo::HEADER, rows.join("\n"));
            let doc = json!({ "keyfile": k.path().display().to_string(), "keys": keys });
            g.print(&doc, text)
        }
        KeyCommand::Backup(Deferred(a)) => backup(&a),
        KeyCommand::Restore(Deferred(a)) => restore(g, &a),
        KeyCommand::Rotate(Deferred(a)) => rotate::rotate(g, a),
        KeyCommand::Retire(Deferred(a)) => rotate::retire(g, a),
        KeyCommand::Rewrap(Deferred(k)) => key_transit::rewrap(g, &k),
    }
}

/// A passphrase from a file, or from the terminal (asked twice when `confirm`). Never from argv.
fn passphrase(file: Option<&Path>, confirm: bool) -> anyhow::Result<SecretString> {
    let ask = |prompt: &str| {
        let answer = rpassword::prompt_password(prompt).map_err(|e| {
            usage(format!(
                "cannot prompt for a passphrase ({e}); use --passphrase-file FILE when there is no terminal"
            ))
        })?;
        Ok::<_, anyhow::Error>(SecretString::from(
            Zeroizing::new(answer).as_str().to_owned(),
        ))
    };
    let p = match file {
        Some(file) => read_value(None, Some(file), "")?,
        None => ask("Passphrase: ")?,
    };
    let again = || ask("Passphrase (again): ");
    if file.is_none() && confirm && again()?.expose_secret() != p.expose_secret() {
        return Err(usage("the passphrases do not match"));
    }
    if p.expose_secret().is_empty() {
        return Err(usage("the passphrase is empty"));
    }
    Ok(p)
}

fn write_output(path: Option<&Path>, bytes: &[u8], binary: bool) -> anyhow::Result<()> {
    match path {
        Some(path) => Ok(secretctl_keyfile::write_backup(path, bytes)?),
        None if binary && std::io::stdout().is_terminal() => Err(usage(
            "refusing to write a binary backup to a terminal; use --output FILE",
        )),
        None => write_stdout(&[bytes]),
    }
}

fn backup(a: &BackupArgs) -> anyhow::Result<()> {
    let key = a.keyfile.active_key()?;
    if a.raw_base64 {
        eprintln!(
            "warning: --raw-base64 writes the master key UNENCRYPTED; anyone who sees the output can decrypt \
             every secret. Prefer --recipient or --passphrase."
        );
        let b64 = secretctl_keyfile::export_base64(&key);
        let text = Zeroizing::new(format!("{}\n", b64.expose_secret()));
        return write_output(a.output.as_deref(), text.as_bytes(), false);
    }
    let file = if a.passphrase || a.passphrase_file.is_some() {
        let p = passphrase(a.passphrase_file.as_deref(), true)?;
        let to = BackupTo::Passphrase {
            passphrase: &p,
            work_factor: None,
        };
        secretctl_keyfile::backup(&key, &to, !a.binary)?
    } else {
        let mut recipients = a.recipients.clone();
        for f in &a.recipients_file {
            recipients.extend(secretctl_keyfile::read_recipients_file(f)?);
        }
        if recipients.is_empty() {
            return Err(usage(
                "say whom to encrypt the backup to: --recipient age1... (see age-keygen), --recipients-file FILE, \
                 --passphrase or --passphrase-file FILE",
            ));
        }
        secretctl_keyfile::backup(&key, &BackupTo::Recipients(&recipients), !a.binary)?
    };
    write_output(a.output.as_deref(), &file, a.binary)?;
    if let Some(output) = &a.output {
        eprintln!("wrote backup of key {} to {}", key.id(), output.display());
    }
    Ok(())
}

fn restore(g: Globals, a: &RestoreArgs) -> anyhow::Result<()> {
    let path = a.keyfile.path();
    let data = match &a.backup {
        Some(p) if p.as_os_str() != "-" => secretctl_keyfile::read_backup_file(p)?,
        _ if std::io::stdin().is_terminal() => {
            return Err(usage(
                "give the backup file as an argument or pipe it on stdin",
            ));
        }
        _ => secretctl_keyfile::read_backup(std::io::stdin().lock(), Path::new("stdin"))?,
    };
    let source = a
        .backup
        .as_ref()
        .map_or("stdin".into(), |p| p.display().to_string());
    let unlock = if a.base64 {
        Unlock::Base64
    } else if a.passphrase || a.passphrase_file.is_some() {
        Unlock::Passphrase(&passphrase(a.passphrase_file.as_deref(), false)?)
    } else if !a.identity.is_empty() {
        Unlock::Identities(&Identities::from_files(&a.identity)?)
    } else {
        let hint = if secretctl_keyfile::is_age(&data) {
            "it is an age file: pass --identity FILE or --passphrase"
        } else {
            "pass --identity FILE or --passphrase for an age backup, or --base64 for a raw export"
        };
        return Err(usage(format!(
            "cannot tell how to read the backup {source}: {hint}"
        )));
    };
    let key = secretctl_keyfile::decode_backup(&data, &unlock);
    let key = key.with_context(|| format!("cannot restore from {source}"))?;
    let (restored, keyfile) = (key.id(), path.display());
    let (expected_id, force, load) = (a.expect_id, a.force, a.keyfile.load_options());
    let opts = RestoreOptions {
        expected_id,
        force,
        load,
    };
    let outcome = secretctl_keyfile::restore(&path, key, opts)?;
    let text = match outcome {
        RestoreOutcome::AlreadyPresent => {
            format!("{keyfile} already holds key {restored}; nothing to do")
        }
        RestoreOutcome::Replaced { retired } => {
            let kept = format!("(the previous key {retired} is kept as retired)");
            format!("restored key {restored} to {keyfile} {kept}")
        }
        _ => format!("restored key {restored} to {keyfile}"),
    };
    let mut doc = serde_json::to_value(outcome)?;
    doc["keyfile"] = keyfile.to_string().into();
    doc["key_id"] = restored.to_string().into();
    g.print(&doc, text)
}

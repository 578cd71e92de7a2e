//! `gitops encrypt|decrypt`: their arguments, sops's `--input-type` / `--output-type` and `--hc-vault-transit`.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use secretctl_gitops::repo::{self, Repo};
use secretctl_gitops::sops::{Format, Formats, MasterKeys, Recipient, Unwrap};
use secretctl_vault::TransitUri;

use crate::common::write_stdout;
use crate::gitops::IdentityOpt;

/// sops's `--input-type` / `--output-type`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub(crate) struct FormatArgs {
    /// The file's format: yaml, json, dotenv, ini or binary [default: from its extension, as sops does:
    /// .yaml/.yml, .json, .env, .ini, anything else binary].
    #[arg(long, value_name = "TYPE")]
    input_type: Option<Format>,
    /// The format to write [default: the input's].
    #[arg(long, value_name = "TYPE")]
    output_type: Option<Format>,
}

impl FormatArgs {
    /// The formats as the library takes them.
    pub(crate) fn formats(&self) -> Formats {
        Formats::new(self.input_type, self.output_type)
    }
}

/// The master keys of `gitops encrypt`: sops's `--age` (ours `--recipient`) and `--hc-vault-transit`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub(crate) struct KeyArgs {
    /// Recipients [default, without --hc-vault-transit: those in the repository's .sops.yaml].
    #[arg(long = "recipient", value_name = "AGE1...")]
    recipients: Vec<Recipient>,
    /// A Vault / OpenBao Transit key that also wraps the data key, as sops's --hc-vault-transit
    /// (https://HOST:8200/v1/MOUNT/keys/NAME); repeat or separate with commas. The token comes from VAULT_TOKEN,
    /// BAO_TOKEN or ~/.vault-token.
    #[arg(long = "hc-vault-transit", value_name = "URI", value_delimiter = ',')]
    hc_vault: Vec<TransitUri>,
}

impl KeyArgs {
    /// The master keys given, or `None` for none (then the repository's .sops.yaml rule names them, as sops
    /// takes its config only without key flags).
    pub(crate) fn master_keys(&self) -> Option<MasterKeys> {
        if self.recipients.is_empty() && self.hc_vault.is_empty() {
            return None;
        }
        let mut keys = MasterKeys::default();
        keys.age.clone_from(&self.recipients);
        keys.hc_vault.clone_from(&self.hc_vault);
        Some(keys)
    }
}

#[derive(Debug, clap::Args)]
#[group(skip)]
pub(crate) struct EncryptArgs {
    /// The plaintext file (YAML, JSON, dotenv, INI, or any file as binary).
    file: PathBuf,
    #[command(flatten)]
    formats: FormatArgs,
    #[command(flatten)]
    keys: KeyArgs,
    /// Replace the file with its encrypted form.
    #[arg(long)]
    in_place: bool,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
pub(crate) struct DecryptArgs {
    /// The SOPS file.
    file: PathBuf,
    #[command(flatten)]
    formats: FormatArgs,
    /// Replace the file with its plaintext (written 0600); refused inside a git working tree.
    #[arg(long)]
    in_place: bool,
    #[command(flatten)]
    identity: IdentityOpt,
}

/// `gitops encrypt`: to the keys given, else as the repository's `.sops.yaml` rule for the file says.
pub(crate) fn encrypt(dir: &Path, a: &EncryptArgs) -> anyhow::Result<()> {
    let formats = a.formats.formats();
    let encrypted = match a.keys.master_keys() {
        None => Repo::open(dir)?.encrypt_file(&a.file, a.in_place, formats)?,
        Some(keys) => repo::encrypt_file_at_to(&a.file, &keys, a.in_place, formats)?,
    };
    write_stdout(&[if a.in_place {
        b""
    } else {
        encrypted.as_bytes()
    }])
}

/// `gitops decrypt`: with the age identities, and through Vault for `hc_vault` key groups.
pub(crate) fn decrypt(a: &DecryptArgs) -> anyhow::Result<()> {
    let (ids, formats) = (a.identity.load()?, a.formats.formats());
    let unwrap = Unwrap::with_vault(ids.as_ref());
    let plain = repo::decrypt_file_at_using(&a.file, unwrap, a.in_place, formats)?;
    write_stdout(&[if a.in_place {
        b""
    } else {
        plain.expose_secret().as_bytes()
    }])
}

//! sops's `--input-type` / `--output-type` flags of `gitops encrypt|decrypt`, and `--hc-vault-transit`.

use secretctl_gitops::sops::{Format, Formats, MasterKeys, Recipient};
use secretctl_vault::TransitUri;

/// sops's `--input-type` / `--output-type`.
#[derive(Debug, clap::Args)]
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

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

/// sops's `--hc-vault-transit` of `gitops encrypt`.
#[derive(Debug, clap::Args)]
pub(crate) struct VaultKeyArgs {
    /// A Vault / OpenBao Transit key that also wraps the data key, as sops's --hc-vault-transit
    /// (https://HOST:8200/v1/MOUNT/keys/NAME); repeat or separate with commas. The token comes from VAULT_TOKEN,
    /// BAO_TOKEN or ~/.vault-token.
    #[arg(long = "hc-vault-transit", value_name = "URI", value_delimiter = ',')]
    hc_vault: Vec<TransitUri>,
}

impl VaultKeyArgs {
    /// The master keys: `age` and these Transit keys; `age` defaults to `default_age` (the repository's
    /// .sops.yaml) only when no key at all was given, as sops takes its config only without key flags.
    pub(crate) fn keys(
        &self,
        age: Vec<Recipient>,
        default_age: impl FnOnce() -> anyhow::Result<Vec<Recipient>>,
    ) -> anyhow::Result<MasterKeys> {
        let mut keys = MasterKeys::default();
        keys.age = match age.is_empty() && self.hc_vault.is_empty() {
            true => default_age()?,
            false => age,
        };
        keys.hc_vault.clone_from(&self.hc_vault);
        Ok(keys)
    }
}

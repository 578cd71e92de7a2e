//! `secretctl key init --transit URI` and `key rewrap`: the master key held only as Vault / OpenBao Transit
//! ciphertext. The rules are `secretctl_vault`'s (`create_keyfile`, `rewrap_keyfile`); this module prints.

use secretctl_vault::TransitUri;
use serde_json::json;

use crate::cli::Globals;
use crate::common::KeyfileOpt;

/// Arguments of `secretctl key init`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct InitArgs {
    #[command(flatten)]
    pub keyfile: KeyfileOpt,
    /// Keep the key only wrapped by this Vault / OpenBao Transit key (VAULT_ADDR/v1/transit/keys/NAME): a random key
    /// is encrypted by Transit and only the ciphertext is written; each run unwraps it in memory. The token comes
    /// from VAULT_TOKEN (or BAO_TOKEN, or ~/.vault-token).
    #[arg(long, value_name = "URI")]
    pub transit: Option<TransitUri>,
}

/// `key init --transit URI`.
pub fn init(g: Globals, keyfile: &KeyfileOpt, uri: &TransitUri) -> anyhow::Result<()> {
    let path = keyfile.path();
    let id = secretctl_vault::create_keyfile(&path, uri)?.id();
    let text = format!(
        "created keyfile {} (key id {id}), wrapped by Vault Transit key {uri}",
        path.display()
    );
    let doc = json!({ "keyfile": path.display().to_string(), "key_id": id.to_string(), "transit": uri.to_string() });
    g.print(&doc, text)?;
    if !g.json {
        eprintln!(
            "next: back the key up with `secretctl key backup --recipient age1...`: the wrapped keyfile is useless \
             without this Transit key"
        );
    }
    Ok(())
}

/// `key rewrap`.
pub fn rewrap(g: Globals, keyfile: &KeyfileOpt) -> anyhow::Result<()> {
    let done = secretctl_vault::rewrap_keyfile(&keyfile.path(), keyfile.load_options())?;
    let lines: Vec<String> = done
        .iter()
        .map(|r| {
            format!(
                "re-wrapped key {} in {} ({} -> {})",
                r.key_id,
                r.path.display(),
                r.from,
                r.to
            )
        })
        .collect();
    g.print(&done, lines.join("\n"))
}

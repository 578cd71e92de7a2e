//! Options shared by several command groups.

use std::path::PathBuf;

/// Where the master keyfile is.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyfileOpt {
    /// The master keyfile [default: /etc/secretctl/master.key for root, else ~/.config/secretctl/master.key].
    #[arg(long, env = "SECRETCTL_KEYFILE", value_name = "PATH")]
    pub keyfile: Option<PathBuf>,
    /// Load the keyfile even if group or other users can read it (not recommended; fix it with chmod 0400).
    #[arg(long)]
    pub allow_loose_permissions: bool,
}

impl KeyfileOpt {
    /// The keyfile path: the flag, `SECRETCTL_KEYFILE`, or the default location.
    pub fn path(&self) -> PathBuf {
        self.keyfile
            .clone()
            .unwrap_or_else(secretctl_keyfile::default_path)
    }
}

/// Which secret store to use.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreOpt {
    /// The store: `sqlite:PATH` or a `postgres://` URL [default: sqlite:store.db next to the keyfile].
    #[arg(long, env = "SECRETCTL_STORE", value_name = "URL")]
    pub store: Option<String>,
}

/// Which schema (secretctl.toml) to use.
#[derive(Debug, Clone, clap::Args)]
pub struct SchemaOpt {
    /// The instance's schema [default: the secretctl.toml beside the .env, when it exists].
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

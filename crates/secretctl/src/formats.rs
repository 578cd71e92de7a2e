//! sops's `--input-type` / `--output-type` flags of `gitops encrypt|decrypt`.

use secretctl_gitops::sops::{Format, Formats};

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

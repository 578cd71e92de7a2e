//! `secretctl store init URL`: create a secret store on purpose (every other command refuses a missing one).

use secretctl_store::{Store, StoreUrl};
use serde_json::json;

use crate::cli::Globals;

/// The verbs of `secretctl store`.
#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Create the store at URL (`sqlite:PATH` or a `postgres://` URL of an empty database).
    ///
    /// A database that already holds secretctl's tables is left as it is; one that holds other tables is
    /// refused. Reads, `key rotate`, `key retire` and exports never create a store.
    Init {
        /// The store: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB` (password from PGPASSWORD or ~/.pgpass).
        #[arg(value_name = "URL")]
        url: String,
    },
}

pub fn run(g: Globals, command: Cmd) -> anyhow::Result<()> {
    match command {
        Cmd::Init { url } => {
            let url: StoreUrl = url.parse()?;
            let (_, created) = Store::init(&url)?;
            let text = if created {
                format!("created store {url}")
            } else {
                format!("{url} is already a secretctl store; nothing to do")
            };
            g.print(
                &json!({ "store": url.to_string(), "created": created }),
                text,
            )
        }
    }
}

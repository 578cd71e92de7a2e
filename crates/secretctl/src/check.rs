//! `secretctl check`: an instance's `.env` and state against its schema.

use anyhow::anyhow;
use secretctl_instance::state;
use serde_json::json;

use crate::cli::Globals;
use crate::common::SchemaOpt;
use crate::env::FileOpt;
use crate::exit::{coded, ErrorKind};

/// Arguments of `secretctl check`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// The .env to check; its schema is the secretctl.toml beside it [default: ./.env].
    #[arg(long = "env", visible_alias = "file", value_name = "F")]
    pub env: Option<std::path::PathBuf>,
    /// The instance directory (its .env and secretctl.toml), instead of --env.
    #[arg(long, value_name = "DIR", conflicts_with = "env")]
    pub instance: Option<std::path::PathBuf>,
    /// Accept the current value of a one-shot KEY that changed on purpose (records it again); repeatable.
    #[arg(long, value_name = "KEY")]
    pub accept: Vec<String>,
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let (file, instance) = (args.env, args.instance);
    let inst = FileOpt { file, instance }.instance(&args.schema)?;
    if !args.accept.is_empty() {
        inst.accept(&args.accept)?;
    }
    let findings = inst.check(state::now())?;
    let env_file = inst.env_path().display().to_string();
    let schema = inst.require_schema("`secretctl check`")?;
    let schema_file = schema.file().map(|p| p.display().to_string());
    let (ok, n) = (findings.is_empty(), findings.len());
    let doc =
        json!({"ok": ok, "env_file": env_file, "schema_file": schema_file, "findings": findings});
    let lines = findings
        .iter()
        .map(|f| format!("{env_file}: {}", f.message));
    let mut text: Vec<String> = lines.collect();
    if ok {
        let (schema_file, m) = (
            schema_file.as_deref().unwrap_or("the schema"),
            schema.secrets().count(),
        );
        text.push(format!(
            "ok: {env_file} meets {schema_file} ({m} declared secrets)"
        ));
    }
    g.print(&doc, text.join("\n"))?;
    if ok {
        return Ok(());
    }
    let s = if n == 1 { "" } else { "s" };
    let problems = anyhow!("{env_file}: {n} problem{s} found; fix each line above");
    Err(coded(ErrorKind::Refused, problems))
}

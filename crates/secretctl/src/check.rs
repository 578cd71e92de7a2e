//! `secretctl check`: an instance's `.env` against its schema.

use std::path::PathBuf;

use anyhow::anyhow;
use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;
use secretctl_schema::check::check;
use secretctl_schema::state;
use serde_json::json;

use crate::cli::Globals;
use crate::common::SchemaOpt;
use crate::env_rotate::{edit_env, env_error, require_schema};
use crate::exit::{coded, ErrorKind};

/// Arguments of `secretctl check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// The .env to check.
    #[arg(
        long = "env",
        visible_alias = "file",
        value_name = "F",
        default_value = ".env"
    )]
    pub env: PathBuf,
    /// Accept the current value of a one-shot KEY that changed on purpose (records it again); repeatable.
    #[arg(long, value_name = "KEY")]
    pub accept: Vec<String>,
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let schema = require_schema(args.schema.schema.as_deref(), "`secretctl check`")?;
    let file = args.env.display().to_string();
    if !args.accept.is_empty() {
        edit_env(&args.env, false, |env| {
            for key in &args.accept {
                let spec = schema.get(key).filter(|s| s.one_shot).ok_or_else(|| {
                    coded(
                        ErrorKind::Usage,
                        anyhow!("--accept {key}: the schema declares no one-shot key {key}"),
                    )
                })?;
                let value = if spec.versioned {
                    pointer::current_value(env, key)?
                        .and_then(|(_, v)| v)
                        .map(str::to_owned)
                } else {
                    env.get(key).map(str::to_owned)
                };
                let value = zeroize::Zeroizing::new(value.ok_or_else(|| {
                    coded(
                        ErrorKind::NotFound,
                        anyhow!("--accept {key}: {key} has no value in {file}"),
                    )
                })?);
                state::record(env, key, &value, true, state::now())?;
            }
            Ok(())
        })?;
    }
    let env = EnvFile::load(&args.env).map_err(env_error)?;
    let findings = check(&schema, &env, state::now());
    let schema_file = schema.file().map(|p| p.display().to_string());
    if g.json {
        let list: Vec<_> = findings
            .iter()
            .map(|f| json!({"key": f.key, "kind": f.kind.as_str(), "message": f.message}))
            .collect();
        println!(
            "{}",
            json!({"ok": findings.is_empty(), "env_file": file, "schema_file": schema_file, "findings": list})
        );
    } else {
        for f in &findings {
            println!("{file}: {}", f.message);
        }
        if findings.is_empty() {
            println!(
                "ok: {file} meets {} ({} declared secrets)",
                schema_file.as_deref().unwrap_or("the schema"),
                schema.secrets().count()
            );
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(coded(
            ErrorKind::Other,
            anyhow!(
                "{file}: {} problem{} found; fix each line above",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            ),
        ))
    }
}

//! `secretctl init [DIR]`: create an instance directory with a `.env` where every declared secret is generated.

use std::path::{Path, PathBuf};

use secretctl_instance::secretctl_schema::{Schema, SCHEMA_FILE};
use secretctl_instance::{Instance, Pass, ValueStore};

use crate::cli::Globals;
use crate::common::{say, SchemaOpt, StoreArgs};

/// Arguments of `secretctl init`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// The instance directory; created when missing.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub schema: SchemaOpt,
    /// Values already given (like `canasta create -e`): copied into the new .env and kept; only the declared secrets
    /// it lacks are generated.
    #[arg(long, value_name = "F")]
    pub env_file: Option<PathBuf>,
    /// Also write every generated value to the `pass` password store, at secretctl/<instance>/<name>_v<N> (a
    /// versioned key) or secretctl/<instance>/<name>; the .env is written only when that worked.
    #[arg(long)]
    pub pass: bool,
    /// Where `store = true` values live (used only when the schema keeps values there).
    #[command(flatten)]
    pub at: StoreArgs,
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let (dir, schema) = (&args.dir, args.schema.schema.as_deref());
    let pass = args.pass.then(Pass::new);
    // The store only when the schema keeps values there (a missing or bad schema is init's to report).
    let declared = schema.map_or_else(|| dir.join(SCHEMA_FILE), Path::to_path_buf);
    let uses_store =
        Schema::load(&declared).is_ok_and(|s| s.secrets().any(|spec| s.in_store(&spec.key)));
    let mut store = match uses_store {
        true => Some(ValueStore::new(
            args.at.open(true)?,
            args.at.keyfile.keyring()?,
        )),
        false => None,
    };
    let given = args.env_file.as_deref();
    let (inst, report) = Instance::init_with(dir, schema, given, pass.as_ref(), store.as_mut())?;
    let env_shown = inst.env_path().display().to_string();
    let schema_shown = inst.schema_path().display().to_string();
    let state = inst.state_path().display().to_string();
    let origin = &report.schema_origin;
    if report.schema_differs && schema.is_some() {
        let dir = dir.display();
        let used = format!("later commands in {dir} use {schema_shown}");
        eprintln!("warning: {schema_shown} differs from {origin}; {used}");
    }
    if report.migrated > 0 {
        let n = report.migrated;
        eprintln!(
            "notice: moved {n} secretctl record line(s) (SECRETCTL_*) from {env_shown} to {state}"
        );
    }
    if g.json {
        let mut doc = serde_json::to_value(&report)?;
        doc["dir"] = dir.display().to_string().into();
        doc["env_file"] = env_shown.into();
        doc["schema_file"] = schema_shown.into();
        doc["state_file"] = state.into();
        return g.print(&doc, "");
    }
    let how = match (report.created, report.changed) {
        (true, _) => "created",
        (false, true) => "updated",
        (false, false) => "unchanged:",
    };
    say(format!("{how} {env_shown} (mode 0600) from {origin}"))?;
    if !report.keys.is_empty() {
        say(&report)?;
    }
    if report.schema_written {
        let dir = secretctl_instance::shell_quote(&dir.display().to_string()).into_owned();
        let then = format!("then run `secretctl check --instance {dir}`");
        say(format!(
            "wrote {schema_shown}: edit it to declare your app's secrets, {then}"
        ))?;
    }
    Ok(())
}

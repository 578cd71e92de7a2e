//! `secretctl generate SPEC`: print one freshly generated secret value.

use std::io::Write;

use anyhow::Context;
use secrecy::ExposeSecret;
use secretctl_schema::Generator;
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::exit::{coded, ErrorKind};

/// Arguments of `secretctl generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The generator: alnum:N (letters and digits), hex:N, base64:N (URL-safe alphabet) or words:N (EFF wordlist,
    /// joined by `-`). N counts characters, or words.
    #[arg(value_name = "SPEC")]
    pub spec: String,
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let generator: Generator = args.spec.parse().map_err(|e| coded(ErrorKind::Usage, e))?;
    let value = generator.try_generate()?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let quoted = Zeroizing::new(serde_json::to_string(value.expose_secret())?);
        let line = Zeroizing::new(format!(
            "{{\"generator\":{},\"entropy_bits\":{},\"value\":{}}}",
            serde_json::to_string(&generator.to_string())?,
            serde_json::to_string(&generator.reported_entropy_bits())?,
            quoted.as_str()
        ));
        writeln!(out, "{}", line.as_str()).context("cannot write to stdout")?;
    } else {
        writeln!(out, "{}", value.expose_secret()).context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

//! `secretctl generate SPEC`: print one freshly generated secret value.

use std::io::Write;

use anyhow::Context;
use secrecy::ExposeSecret;
use secretctl_instance::Pass;
use secretctl_schema::Generator;
use zeroize::Zeroizing;

use crate::cli::Globals;
use crate::exit::{coded, ErrorKind};

/// Arguments of `secretctl generate`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// The generator: alnum:N (letters and digits), hex:N, base64:N (URL-safe alphabet) or words:N (EFF wordlist,
    /// joined by `-`), optionally with the options below after commas (alnum:20,symbols). N counts characters, or
    /// words.
    #[arg(value_name = "SPEC")]
    pub spec: String,
    /// alnum: add pwgen's 32 symbols to the letters and digits (like `pwgen -y`).
    #[arg(long)]
    pub symbols: bool,
    /// alnum: leave out characters easily mistaken for one another, B8G6I1l0OQDS5Z2 (like `pwgen -B`).
    #[arg(long)]
    pub no_ambiguous: bool,
    /// words: join the words with C (one of -_.:;+=/~^*!@#%& or a space) instead of `-`.
    #[arg(long, value_name = "C")]
    pub separator: Option<String>,
    /// words: start each word with a capital letter.
    #[arg(long)]
    pub capitalize: bool,
    /// words: append a random digit, symbol, or both (like pwqgen's separators).
    #[arg(long, value_name = "WHAT", value_parser = ["digit", "symbol", "both"])]
    pub append: Option<String>,
    /// Also write the value to ENTRY of the `pass` password store (e.g. secretctl/wiki/smtp_password_v1), with
    /// `pass insert --multiline --force` and the value on its stdin; nothing is printed when that fails.
    #[arg(long, value_name = "ENTRY")]
    pub pass: Option<String>,
}

impl Args {
    /// The generator of SPEC with the options given as flags (the same options the schema's spec takes).
    fn generator(&self) -> anyhow::Result<Generator> {
        let mut options = Vec::new();
        if self.symbols {
            options.push("symbols".to_owned());
        }
        if self.no_ambiguous {
            options.push("no-ambiguous".to_owned());
        }
        if let Some(c) = &self.separator {
            options.push(format!("separator={c}"));
        }
        if self.capitalize {
            options.push("capitalize".to_owned());
        }
        if let Some(a) = &self.append {
            options.push(format!("append={a}"));
        }
        let generator: Generator = self.spec.parse().map_err(|e| coded(ErrorKind::Usage, e))?;
        options
            .iter()
            .try_fold(generator, |g, o| g.with(o))
            .map_err(|e| coded(ErrorKind::Usage, e))
    }
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let generator = args.generator()?;
    let value = generator.try_generate()?;
    if let Some(entry) = &args.pass {
        Pass::new().insert(entry, &value)?;
        eprintln!("escrowed the value to pass: {entry}");
    }
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
        // The value alone on stdout (so `$(secretctl generate …)` captures only it); what it is worth on stderr.
        let bits = generator.reported_entropy_bits();
        eprintln!("{generator}: {bits} bits of entropy");
    }
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

//! Reading secret values: stdin, a file or a prompt, never required on argv.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{bail, Context};
use secrecy::SecretString;
use zeroize::Zeroizing;

/// Largest secret value we read (stdin or file); larger input is refused rather than buffered without bound.
pub const MAX_VALUE_BYTES: u64 = 1 << 20;

/// Read one secret value from where the flags say: a file's whole content, else the value given on the command
/// line (which works, but warns that argv is visible to other users), else standard input (a prompt when it is a
/// terminal). A single trailing `\n` (or `\r\n`) is stripped from stdin and files, as `echo` adds one.
///
/// # Errors
/// Unreadable file or stdin, input over [`MAX_VALUE_BYTES`], or input that is not UTF-8.
pub fn read_value(
    argv: Option<&str>,
    file: Option<&Path>,
    prompt: &str,
) -> anyhow::Result<SecretString> {
    if let Some(path) = file {
        // Opened like every secret file: no-follow (unless --follow-symlinks), a FIFO fails at once, bounded.
        let bytes = secretctl_fs::read(path, &secretctl_fs::ReadOptions::new(MAX_VALUE_BYTES))?;
        return read_limited(bytes.as_slice(), &path.display().to_string());
    }
    if let Some(v) = argv {
        eprintln!(
            "warning: a value on the command line is visible to other users (ps, shell history); \
             pipe it on stdin or use --from-file"
        );
        return Ok(SecretString::from(v.to_owned()));
    }
    if std::io::stdin().is_terminal() {
        let v = Zeroizing::new(
            rpassword::prompt_password(prompt).context("cannot read from the terminal")?,
        );
        Ok(SecretString::from(v.as_str().to_owned()))
    } else {
        read_limited(std::io::stdin().lock(), "stdin")
    }
}

fn read_limited(r: impl Read, what: &str) -> anyhow::Result<SecretString> {
    let mut buf = Zeroizing::new(Vec::new());
    r.take(MAX_VALUE_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > MAX_VALUE_BYTES {
        bail!("{what}: value is larger than {MAX_VALUE_BYTES} bytes; refusing it");
    }
    if buf.ends_with(b"\n") {
        buf.pop();
        if buf.ends_with(b"\r") {
            buf.pop();
        }
    }
    let s = std::str::from_utf8(&buf).with_context(|| format!("{what}: value is not UTF-8"))?;
    Ok(SecretString::from(s.to_owned()))
}

//! Bulk import and export: JSON lines `{"owner","name","value"}` (or `"value_base64"` for a value that is not
//! UTF-8), and a `.env` as one owner's secrets. Both stream: memory holds one batch, whatever the number of secrets.

use std::io::{BufRead, Read, Write};

use base64::Engine as _;
use secrecy::ExposeSecret;
use secretctl_envelope::Keyring;
use zeroize::{Zeroize, Zeroizing};

use crate::backend::RawRow;
use crate::{check_names, open_row, Error, Store, MAX_VALUE_LEN};

/// What [`Store::import`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportFormat {
    /// One JSON object per line: `{"owner": ..., "name": ..., "value": ...}` or `"value_base64"` instead of
    /// `"value"`; blank lines are skipped.
    Jsonl,
    /// A `.env` file (Docker Compose's syntax, values as Compose computes them, without the process environment):
    /// each key becomes a secret of one owner.
    Env,
}

/// Secrets per transaction of an import.
pub const IMPORT_BATCH: usize = 16384;
/// Bytes of values per transaction of an import, at most (a batch of large values is committed early).
const BATCH_BYTES: usize = 16 << 20;
/// Longest JSON line read: a value of [`MAX_VALUE_LEN`] bytes escaped as `\u00XX` throughout, and the names.
const MAX_LINE: usize = 6 * MAX_VALUE_LEN + 4096;
/// Largest `.env` imported.
const MAX_ENV: u64 = 64 << 20;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    owner: String,
    name: String,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    value_base64: Option<String>,
}

impl Drop for Line {
    fn drop(&mut self) {
        if let Some(v) = &mut self.value {
            v.zeroize();
        }
        if let Some(v) = &mut self.value_base64 {
            v.zeroize();
        }
    }
}

/// Secrets waiting for their transaction.
#[derive(Default)]
struct Batch {
    items: Vec<(String, String, Zeroizing<Vec<u8>>)>,
    bytes: usize,
}

fn bad(line: u64, reason: impl Into<String>) -> Error {
    Error::BadImport {
        line,
        reason: reason.into(),
    }
}

impl Store {
    /// Import secrets from `input` (see [`ImportFormat`]), each stored as the next version of its (owner, name)
    /// under the keyring's active key (the store is recorded in the keyring first, as by [`Store::put_active`]), [`IMPORT_BATCH`] per transaction. `owner` is required for [`ImportFormat::Env`] and, for JSON
    /// lines, only lines of that owner are accepted. `progress` hears the count after each committed batch.
    /// Returns how many secrets were stored. A bad line stops the import: the batches committed before it stay.
    ///
    /// # Errors
    /// [`Error::Keyfile`] when the keyring cannot record the store; [`Error::BadImport`] for a line that is not an object with `owner`, `name` and exactly one of `value` /
    /// `value_base64`, for a .env that does not parse, or a missing `owner`; [`Error::BadName`],
    /// [`Error::ValueTooLarge`]; what [`Store::put_many`] reports (a key the store does not know).
    pub fn import(
        &mut self,
        keyring: &mut secretctl_keyfile::Keyring,
        input: &mut dyn BufRead,
        format: ImportFormat,
        owner: Option<&str>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, Error> {
        keyring.record_store(&self.url.without_credentials())?;
        self.set_audit_key(keyring.active());
        self.backend.begin_bulk()?;
        let imported = self.import_batches(keyring.active(), input, format, owner, progress);
        // Restored (and the write-ahead log folded in) on error too: the store stays usable.
        let ended = self.backend.end_bulk();
        let done = imported?;
        ended?;
        Ok(done)
    }

    /// [`Store::import`] once the store is recorded and the backend is ready for bulk writes.
    fn import_batches(
        &mut self,
        key: &secretctl_envelope::Key,
        input: &mut dyn BufRead,
        format: ImportFormat,
        owner: Option<&str>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, Error> {
        let mut batch = Batch::default();
        let mut done = 0u64;
        match format {
            ImportFormat::Jsonl => {
                let mut buf = Zeroizing::new(Vec::new());
                let mut number = 0u64;
                loop {
                    buf.clear();
                    number += 1;
                    let n = input
                        .take(MAX_LINE as u64 + 1)
                        .read_until(b'\n', &mut buf)
                        .map_err(|source| Error::Read {
                            what: format!("line {number}"),
                            source,
                        })?;
                    if n == 0 {
                        break;
                    }
                    if buf.len() > MAX_LINE {
                        return Err(bad(number, "line too long"));
                    }
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let (o, name, value) = parse_line(&buf, number)?;
                    if owner.is_some_and(|want| want != o) {
                        return Err(bad(number, format!("owner `{o}` is not --owner")));
                    }
                    self.add(key, &mut batch, o, name, value, &mut done, progress)?;
                }
            }
            ImportFormat::Env => {
                let owner =
                    owner.ok_or_else(|| bad(0, "a .env is one owner's secrets: pass --owner"))?;
                let mut text = Zeroizing::new(String::new());
                input
                    .take(MAX_ENV + 1)
                    .read_to_string(&mut text)
                    .map_err(|source| Error::Read {
                        what: "the .env".to_owned(),
                        source,
                    })?;
                if text.len() as u64 > MAX_ENV {
                    return Err(bad(0, format!("the .env is larger than {MAX_ENV} bytes")));
                }
                let doc = secretctl_envfile::EnvFile::parse(&text)
                    .map_err(|e| bad(e.line as u64, e.to_string()))?;
                let values = doc
                    .resolve_report(&|_| None)
                    .map_err(|e| bad(0, e.to_string()))?
                    .values;
                for (k, v) in values {
                    let value = Zeroizing::new(v.expose_secret().as_bytes().to_vec());
                    self.add(
                        key,
                        &mut batch,
                        owner.to_owned(),
                        k,
                        value,
                        &mut done,
                        progress,
                    )?;
                }
            }
        }
        self.flush(key, &mut batch, &mut done, progress)?;
        Ok(done)
    }

    #[allow(clippy::too_many_arguments)] // private step of `import`: the batch and the counters it advances
    fn add(
        &mut self,
        key: &secretctl_envelope::Key,
        batch: &mut Batch,
        owner: String,
        name: String,
        value: Zeroizing<Vec<u8>>,
        done: &mut u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Error> {
        check_names(&owner, &name)?;
        if value.len() > MAX_VALUE_LEN {
            return Err(Error::ValueTooLarge {
                what: format!("{owner}/{name}"),
            });
        }
        batch.bytes += value.len();
        batch.items.push((owner, name, value));
        if batch.items.len() >= IMPORT_BATCH || batch.bytes >= BATCH_BYTES {
            self.flush(key, batch, done, progress)?;
        }
        Ok(())
    }

    fn flush(
        &mut self,
        key: &secretctl_envelope::Key,
        batch: &mut Batch,
        done: &mut u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Error> {
        if batch.items.is_empty() {
            return Ok(());
        }
        let items: Vec<(&str, &str, &[u8])> = batch
            .items
            .iter()
            .map(|(o, n, v)| (o.as_str(), n.as_str(), v.as_slice()))
            .collect();
        self.put_many(key, &items)?;
        *done += items.len() as u64;
        batch.items.clear();
        batch.bytes = 0;
        progress(*done);
        Ok(())
    }

    /// Write the latest version of every secret (of `owner`, or all) to `out` as JSON lines (`value`, or
    /// `value_base64` for a value that is not UTF-8), in batches: memory stays flat. The export is recorded in the
    /// audit log. Returns how many secrets were written.
    ///
    /// # Errors
    /// A row that does not open (as [`Store::get`] reports it); [`Error::Read`] when writing fails; a database
    /// error.
    pub fn export(
        &mut self,
        keyring: &Keyring,
        owner: Option<&str>,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, Error> {
        if let Some(o) = owner {
            crate::check_name("owner", o)?;
        }
        let known = self.known_keys()?;
        let mut after = 0;
        let mut count = 0u64;
        let mut line = Zeroizing::new(Vec::new());
        loop {
            let rows: Vec<RawRow> = self.backend.fetch_latest(owner, after, 4096)?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            for row in &rows {
                let secret = open_row(keyring, &known, row)?;
                line.clear();
                write_line(&mut line, &row.owner, &row.name, secret.expose_value());
                out.write_all(&line).map_err(Error::Write)?;
                count += 1;
            }
            progress(count);
        }
        out.flush().map_err(Error::Write)?;
        let of = owner.map(|o| format!(" of {o}")).unwrap_or_default();
        self.default_audit_key(keyring, None);
        self.record("export", &format!("{count} secrets{of} exported"))?;
        Ok(count)
    }
}

/// One JSON line, into `out` (a buffer the caller wipes).
fn write_line(out: &mut Vec<u8>, owner: &str, name: &str, value: &[u8]) {
    let mut doc = serde_json::Map::new();
    doc.insert("owner".into(), owner.into());
    doc.insert("name".into(), name.into());
    let (field, mut text) = match std::str::from_utf8(value) {
        Ok(s) => ("value", s.to_owned()),
        Err(_) => (
            "value_base64",
            base64::engine::general_purpose::STANDARD.encode(value),
        ),
    };
    doc.insert(
        field.into(),
        serde_json::Value::String(std::mem::take(&mut text)),
    );
    let mut doc = serde_json::Value::Object(doc);
    // Serializing a map of strings into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &doc);
    out.push(b'\n');
    if let Some(serde_json::Value::String(s)) = doc.get_mut(field) {
        s.zeroize();
    }
}

fn parse_line(buf: &[u8], number: u64) -> Result<(String, String, Zeroizing<Vec<u8>>), Error> {
    // serde's messages can quote the input: only the category and column are reported, never a value.
    let mut line: Line = serde_json::from_slice(buf).map_err(|e| {
        bad(
            number,
            format!(
                "not an object with owner, name and value or value_base64 ({:?} error at column {})",
                e.classify(),
                e.column()
            ),
        )
    })?;
    let value = match (line.value.take(), line.value_base64.take()) {
        (Some(v), None) => Zeroizing::new(v.into_bytes()),
        (None, Some(b)) => {
            let b = Zeroizing::new(b);
            Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(b.as_bytes())
                    .map_err(|_| bad(number, "value_base64 is not base64"))?,
            )
        }
        _ => {
            return Err(bad(
                number,
                "exactly one of value and value_base64 is needed",
            ))
        }
    };
    Ok((
        std::mem::take(&mut line.owner),
        std::mem::take(&mut line.name),
        value,
    ))
}

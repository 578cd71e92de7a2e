//! How the store's reports read: `Serialize` gives the JSON shapes `docs/json.md` documents (times RFC 3339 in UTC,
//! key ids as 16 hex digits), `Display` the lines people read. Nothing here holds a value.

use std::fmt;

use secretctl_envelope::KeyId;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::{AuditEntry, MasterKeyRotation, RotateSummary, SecretInfo};

/// A time in seconds since the Unix epoch as RFC 3339 in UTC, or the number itself when it is out of range.
#[must_use]
pub(crate) fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

pub(crate) fn ser_rfc3339<S: Serializer>(unix: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*unix))
}

pub(crate) fn ser_display<S: Serializer>(v: &impl fmt::Display, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Rows' metadata as a listing shows them: every secret with its owner and name (`secretctl secret list`), or
/// the versions of one secret without them (`secret history`). As JSON an array of objects; as text a table.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    rows: &'a [SecretInfo],
    names: bool,
}

impl<'a> Listing<'a> {
    /// Rows of several secrets: each with its owner and name.
    #[must_use]
    pub fn secrets(rows: &'a [SecretInfo]) -> Self {
        Self { rows, names: true }
    }

    /// The versions of one secret (as [`Store::history`](crate::Store::history) returns them): version, key id
    /// and time only.
    #[must_use]
    pub fn versions(rows: &'a [SecretInfo]) -> Self {
        Self { rows, names: false }
    }
}

/// One version of a secret: a row without its owner and name.
#[derive(Serialize)]
struct Version {
    version: u64,
    #[serde(serialize_with = "ser_display")]
    key_id: KeyId,
    #[serde(serialize_with = "ser_rfc3339")]
    created_at: i64,
}

impl Serialize for Listing<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.names {
            return self.rows.serialize(s);
        }
        s.collect_seq(self.rows.iter().map(|r| Version {
            version: r.version,
            key_id: r.key_id,
            created_at: r.created_at,
        }))
    }
}

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = self.rows;
        let w_owner = rows.iter().map(|r| r.owner.len()).max().unwrap_or(0).max(5);
        let w_name = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
        if self.names {
            write!(f, "{:w_owner$}  {:w_name$}  ", "OWNER", "NAME")?;
        }
        write!(f, "VERSION  KEY ID            CREATED")?;
        for r in rows {
            writeln!(f)?;
            if self.names {
                write!(f, "{:w_owner$}  {:w_name$}  ", r.owner, r.name)?;
            }
            let created = rfc3339(r.created_at);
            write!(f, "{:>7}  {}  {created}", r.version, r.key_id)?;
        }
        Ok(())
    }
}

/// `text` with every character a terminal could act on escaped: control characters (C0, DEL, C1) as `\n`, `\t`,
/// `\u{1b}`..., bidirectional overrides and line/paragraph separators as `\u{...}`, and `\` itself as `\\`, so
/// that a stored actor or name can never forge a line or recolour the output.
pub(crate) struct Escaped<'a>(pub &'a str);

/// Characters printed escaped: controls, and the invisible ones that reorder or break lines.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                c if needs_escape(c) => write!(f, "{}", c.escape_default())?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// `time  actor  operation  owner/name vN  (detail)`, `-` for a record about no one secret; every stored text
/// escaped (control characters, bidirectional overrides and line separators as escape sequences, `\` as `\\`).
impl fmt::Display for AuditEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (at, actor, op) = (
            rfc3339(self.at),
            Escaped(&self.actor),
            Escaped(&self.operation),
        );
        write!(f, "{at}  {actor}  {op}  ")?;
        let (owner, name) = (
            self.owner.as_deref().map(Escaped),
            self.name.as_deref().map(Escaped),
        );
        match (owner, name, self.version) {
            (Some(o), Some(n), Some(v)) => write!(f, "{o}/{n} v{v}")?,
            (Some(o), Some(n), None) => write!(f, "{o}/{n}")?,
            _ => f.write_str("-")?,
        }
        match &self.detail {
            Some(d) => write!(f, "  ({})", Escaped(d)),
            None => Ok(()),
        }
    }
}

/// serde_json's compact output, with every character [`needs_escape`] names written as a `\uXXXX` escape (JSON
/// already escapes C0 controls): the same strings for a JSON reader, nothing a terminal acts on for a person.
struct SafeJson;

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Audit records as one JSON array (as `secretctl --json secret audit` prints it), with control, bidirectional and
/// line-separator characters of stored texts escaped as `\uXXXX`.
///
/// # Errors
/// Never in practice (serializing to memory); a serde error otherwise.
pub fn audit_json(entries: &[AuditEntry]) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeJson);
    serde::Serialize::serialize(entries, &mut ser)?;
    // The formatter writes only valid UTF-8 (input fragments and ASCII escapes).
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `re-encrypted N rows in S s (R rows/s); active key K`.
impl fmt::Display for RotateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, seconds) = (self.rotated, self.elapsed.as_secs_f64());
        let (rate, active) = (self.rows_per_second(), self.active);
        write!(
            f,
            "re-encrypted {rows} rows in {seconds:.2} s ({rate:.0} rows/s); active key {active}"
        )
    }
}

/// `{"rows", "seconds", "rows_per_second", "active_key", "resumed", "retired_keys": [...]}`.
impl Serialize for MasterKeyRotation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let summary = &self.summary;
        let retired: Vec<String> = self.retired.iter().map(ToString::to_string).collect();
        let mut st = s.serialize_struct("MasterKeyRotation", 7)?;
        st.serialize_field("rows", &summary.rotated)?;
        st.serialize_field("seconds", &summary.elapsed.as_secs_f64())?;
        st.serialize_field("rows_per_second", &summary.rows_per_second())?;
        st.serialize_field("active_key", &summary.active.to_string())?;
        st.serialize_field("resumed", &self.resumed())?;
        st.serialize_field("retired_keys", &retired)?;
        st.serialize_field("audit_checkpoint", &self.audit_checkpoint)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use secretctl_envelope::Key;
    use serde_json::json;

    use super::*;
    use crate::RotationPlan;

    fn info(owner: &str, name: &str, version: u64, key: &Key) -> SecretInfo {
        SecretInfo {
            owner: owner.into(),
            name: name.into(),
            version,
            key_id: key.id(),
            created_at: 0,
        }
    }

    #[test]
    fn listings_as_json_and_text() {
        let key = Key::generate();
        let id = key.id().to_string();
        let rows = [
            info("tenant-42", "api_token", 1, &key),
            info("a", "b", 12, &key),
        ];
        let time = "1970-01-01T00:00:00Z";
        assert_eq!(
            serde_json::to_value(Listing::secrets(&rows)).unwrap(),
            json!([{"owner": "tenant-42", "name": "api_token", "version": 1, "key_id": id, "created_at": time},
                   {"owner": "a", "name": "b", "version": 12, "key_id": id, "created_at": time}])
        );
        assert_eq!(
            serde_json::to_value(Listing::versions(&rows[..1])).unwrap(),
            json!([{"version": 1, "key_id": id, "created_at": time}])
        );
        assert_eq!(
            Listing::secrets(&rows).to_string(),
            format!(
                "OWNER      NAME       VERSION  KEY ID            CREATED\n\
                 tenant-42  api_token        1  {id}  {time}\n\
                 a          b               12  {id}  {time}"
            )
        );
        assert_eq!(
            Listing::versions(&[]).to_string(),
            "VERSION  KEY ID            CREATED"
        );
    }

    #[test]
    fn audit_entries_never_hold_a_value_and_read_as_one_line() {
        let mut e = AuditEntry {
            at: 86_400,
            actor: "ops".into(),
            operation: "put".into(),
            owner: Some("t".into()),
            name: Some("n".into()),
            version: Some(2),
            detail: None,
        };
        assert_eq!(e.to_string(), "1970-01-02T00:00:00Z  ops  put  t/n v2");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"at": "1970-01-02T00:00:00Z", "actor": "ops", "operation": "put", "owner": "t", "name": "n",
                   "version": 2, "detail": null})
        );
        e.version = None;
        e.detail = Some("3 rows".into());
        assert_eq!(
            e.to_string(),
            "1970-01-02T00:00:00Z  ops  put  t/n  (3 rows)"
        );
        e.owner = None;
        assert_eq!(e.to_string(), "1970-01-02T00:00:00Z  ops  put  -  (3 rows)");
        assert_eq!(rfc3339(i64::MAX), i64::MAX.to_string());
    }

    #[test]
    fn stored_texts_are_printed_escaped_in_text_and_json() {
        let e = AuditEntry {
            at: 0,
            actor: "evil\n1970-01-01T00:00:00Z  root  rm  x\u{1b}[31m\u{202e}\u{9b}\\".into(),
            operation: "get".into(),
            owner: Some("o\r".into()),
            name: Some("n\t".into()),
            version: None,
            detail: Some("d\u{2028}".into()),
        };
        let text = e.to_string();
        assert!(!text.chars().any(needs_escape), "{text:?}");
        assert!(!text.contains('\n'));
        assert!(
            text.contains("evil\\n1970") && text.contains("\\u{1b}[31m") && text.contains("\\\\"),
            "{text}"
        );
        let json = audit_json(std::slice::from_ref(&e)).unwrap();
        assert!(!json.chars().any(needs_escape), "{json:?}");
        assert!(
            json.contains("\\u202e") && json.contains("\\u009b") && json.contains("\\u2028"),
            "{json}"
        );
        // The same strings for a JSON reader.
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back[0]["actor"], e.actor.as_str());
        assert_eq!(back[0]["detail"], "d\u{2028}");
    }

    #[test]
    fn a_rotation_reports_rows_rate_and_keys() {
        let (active, retired) = (Key::generate().id(), Key::generate().id());
        let summary = RotateSummary {
            rotated: 10,
            elapsed: Duration::from_secs(2),
            active,
        };
        let done = MasterKeyRotation {
            plan: RotationPlan::NewKey { active, retired },
            summary,
            retired: vec![retired],
            audit_checkpoint: Some(7),
        };
        assert_eq!(
            summary.to_string(),
            format!("re-encrypted 10 rows in 2.00 s (5 rows/s); active key {active}")
        );
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            json!({"rows": 10, "seconds": 2.0, "rows_per_second": 5.0, "active_key": active.to_string(),
                   "resumed": false, "retired_keys": [retired.to_string()], "audit_checkpoint": 7})
        );
    }
}

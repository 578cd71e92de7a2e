//! How the workflows' outcomes read: `Serialize` gives the JSON shapes `docs/json.md` documents (paths and
//! commits as strings), `Display` the lines people read.
//!
//! A value is serialized or displayed only when it is there, and it is there only in a diff the caller asked to
//! decrypt ([`Repo::diff`](super::Repo::diff) with identities): printing it is what that caller asked for.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Finding, HostDiff, KeyChange, PushOutcome, RecipientsOutcome};

fn ser_paths<S: Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(paths.iter().map(|p| p.display().to_string()))
}

fn ser_commit<S: Serializer>(commit: &Option<git2::Oid>, s: S) -> Result<S::Ok, S::Error> {
    commit.map(|c| c.to_string()).serialize(s)
}

/// `{"changed": [paths], "commit": sha or null, "host_keys": [...], "shared_keys": [...], "plain_keys": [...],
/// "reviewed": [...]}`.
impl Serialize for PushOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            #[serde(serialize_with = "ser_paths")]
            changed: &'a [PathBuf],
            #[serde(serialize_with = "ser_commit")]
            commit: &'a Option<git2::Oid>,
            host_keys: &'a [String],
            shared_keys: &'a [String],
            plain_keys: &'a [String],
            reviewed: &'a [String],
        }
        Shape {
            changed: &self.changed,
            commit: &self.commit,
            host_keys: &self.host_keys,
            shared_keys: &self.shared_keys,
            plain_keys: &self.plain_keys,
            reviewed: &self.reviewed,
        }
        .serialize(s)
    }
}

impl PushOutcome {
    /// What the operator should know about this push besides what changed, one line each (for stderr): values
    /// pushed without a variable the `.env` does not set, shared keys moved out of the host's vars, files
    /// re-encrypted under a new data key, recipient changes accepted.
    #[must_use]
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (key, var) in &self.unset_references {
            out.push(format!(
                "warning: {key} refers to ${var}, which the .env does not set: pushed as Compose computes it \
                 without {var}"
            ));
        }
        for key in &self.unshadowed {
            out.push(format!(
                "note: {key} is shared: moved from the host's vars to hosts/_shared, so its shared value applies"
            ));
        }
        for f in &self.rekeyed {
            out.push(format!(
                "note: {}: its data key is not the one this clone wrote it with (someone else re-encrypted it); \
                 encrypted under a new data key",
                f.display()
            ));
        }
        for c in &self.recipient_changes {
            out.push(format!(
                "note: {} re-encrypted to the recipients .sops.yaml names (accepted)",
                c.file.display()
            ));
        }
        out
    }
}

/// `{"recipients": [age1...], "changed": [paths], "commit": sha or null}`.
impl Serialize for RecipientsOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            recipients: Vec<String>,
            #[serde(serialize_with = "ser_paths")]
            changed: &'a [PathBuf],
            #[serde(serialize_with = "ser_commit")]
            commit: &'a Option<git2::Oid>,
        }
        Shape {
            recipients: self.recipients.iter().map(ToString::to_string).collect(),
            changed: &self.changed,
            commit: &self.commit,
        }
        .serialize(s)
    }
}

/// `{"key", "change": "added" | "removed" | "changed", "file": "vars" | "template"}`, plus `"old"` and `"new"` in
/// a decrypted diff.
impl Serialize for KeyChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("key", &self.key)?;
        map.serialize_entry("change", self.kind.as_str())?;
        map.serialize_entry("file", self.source.as_str())?;
        for (field, value) in [("old", &self.old), ("new", &self.new)] {
            if let Some(v) = value {
                map.serialize_entry(field, v.expose_secret())?;
            }
        }
        map.end()
    }
}

/// `{"host", "changes": [...]}`.
impl Serialize for HostDiff {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("host", &self.host)?;
        map.serialize_entry("changes", &self.changes)?;
        map.end()
    }
}

/// `~ KEY (vars)`, and in a decrypted diff `: "old" -> "new"` (a missing side as `(none)`).
impl fmt::Display for KeyChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, key, file) = (self.kind.sign(), &self.key, self.source.as_str());
        write!(f, "{sign} {key} ({file})")?;
        if self.old.is_none() && self.new.is_none() {
            return Ok(());
        }
        let show = |v: &Option<SecretString>| {
            v.as_ref().map_or_else(
                || "(none)".to_owned(),
                |v| format!("{:?}", v.expose_secret()),
            )
        };
        write!(f, ": {} -> {}", show(&self.old), show(&self.new))
    }
}

/// `host NAME:` and one indented line per changed key.
impl fmt::Display for HostDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "host {}:", self.host)?;
        for c in &self.changes {
            write!(f, "\n  {c}")?;
        }
        Ok(())
    }
}

/// `{"path", "key": KEY or null, "problem"}`.
impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("key", &self.key)?;
        map.serialize_entry("problem", &self.problem)?;
        map.end()
    }
}

/// `path: KEY: problem` (without `KEY: ` when the finding is about the whole file).
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path)?;
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.problem)
    }
}

/// `{"files": [{"path": ..., "update": "unchanged"|"rewrapped"|"rekeyed", "recipients": [...]}]}`.
impl Serialize for super::UpdateKeysOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct File {
            path: String,
            update: &'static str,
            recipients: Vec<String>,
        }
        #[derive(Serialize)]
        struct Shape {
            files: Vec<File>,
        }
        Shape {
            files: self
                .files
                .iter()
                .map(|(p, u, r)| File {
                    path: p.display().to_string(),
                    update: u.as_str(),
                    recipients: r.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        }
        .serialize(s)
    }
}

/// One line per file: `PATH: rewrapped (N recipient(s))`.
impl fmt::Display for super::UpdateKeysOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (p, u, r)) in self.files.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(
                f,
                "{}: {} ({} recipient(s))",
                p.display(),
                u.as_str(),
                r.len()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{ChangeKind, Source};
    use super::*;

    fn change(key: &str, kind: ChangeKind, old: Option<&str>, new: Option<&str>) -> KeyChange {
        KeyChange {
            key: key.into(),
            kind,
            source: Source::Vars,
            old: old.map(|v| SecretString::from(v.to_owned())),
            new: new.map(|v| SecretString::from(v.to_owned())),
        }
    }

    #[test]
    fn a_diff_shows_values_only_when_it_has_them() {
        let diff = HostDiff {
            host: "web1".into(),
            changes: vec![
                change("A", ChangeKind::Added, None, None),
                change("B", ChangeKind::Changed, Some("x"), Some("y\"z")),
                change("C", ChangeKind::Removed, Some("gone"), None),
            ],
        };
        assert_eq!(
            diff.to_string(),
            "host web1:\n  + A (vars)\n  ~ B (vars): \"x\" -> \"y\\\"z\"\n  - C (vars): \"gone\" -> (none)"
        );
        assert_eq!(
            serde_json::to_value(&diff).unwrap(),
            json!({"host": "web1", "changes": [
                {"key": "A", "change": "added", "file": "vars"},
                {"key": "B", "change": "changed", "file": "vars", "old": "x", "new": "y\"z"},
                {"key": "C", "change": "removed", "file": "vars", "old": "gone"},
            ]})
        );
    }

    #[test]
    fn outcomes_and_findings_as_json_and_text() {
        let pushed = PushOutcome {
            changed: vec![PathBuf::from("hosts/web1/vars.yaml")],
            host_keys: vec!["DB_PASSWORD".into()],
            plain_keys: vec!["APP_URL".into()],
            unset_references: vec![("DB_PASSWORD".into(), "PEPPER".into())],
            ..PushOutcome::default()
        };
        assert_eq!(
            serde_json::to_value(&pushed).unwrap(),
            json!({"changed": ["hosts/web1/vars.yaml"], "commit": null, "host_keys": ["DB_PASSWORD"],
                   "shared_keys": [], "plain_keys": ["APP_URL"], "reviewed": []})
        );
        let notes = pushed.notes();
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains("DB_PASSWORD refers to $PEPPER"),
            "{notes:?}"
        );
        let recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        let oid = git2::Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let done = RecipientsOutcome {
            recipients: vec![recipient.parse().unwrap()],
            changed: vec![],
            commit: Some(oid),
        };
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            json!({"recipients": [recipient], "changed": [], "commit": oid.to_string()})
        );
        let mut finding = Finding {
            path: "hosts/web1/vars.yaml".into(),
            key: Some("DB_PASSWORD".into()),
            problem: "not encrypted".into(),
        };
        assert_eq!(
            finding.to_string(),
            "hosts/web1/vars.yaml: DB_PASSWORD: not encrypted"
        );
        assert_eq!(
            serde_json::to_value(&finding).unwrap(),
            json!({"path": "hosts/web1/vars.yaml", "key": "DB_PASSWORD", "problem": "not encrypted"})
        );
        finding.key = None;
        assert_eq!(finding.to_string(), "hosts/web1/vars.yaml: not encrypted");
    }
}

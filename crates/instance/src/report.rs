//! The JSON shapes of what writes and `init` did (`docs/json.md`), and `init`'s lines for people. The paths of the
//! instance's files are the [`Instance`](crate::Instance)'s, so a caller adds them beside these fields; nothing here
//! holds a value.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::{Change, InitOutcome, InitReport};

/// `{"key", "changed"}`, with `"generator", "entropy_bits"` for a generated value, `"versioned": {"name", "current",
/// "previous", "value_key", "pointer_key"}` for a new version, and `"k8s_steps"` on a Kubernetes instance.
impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("key", &self.key)?;
        map.serialize_entry("changed", &self.changed)?;
        if let Some(generator) = &self.generator {
            map.serialize_entry("generator", &generator.to_string())?;
            map.serialize_entry("entropy_bits", &generator.reported_entropy_bits())?;
        }
        if let Some(v) = &self.version {
            #[derive(Serialize)]
            struct Versioned<'a> {
                name: String,
                current: String,
                previous: Option<String>,
                value_key: &'a str,
                pointer_key: &'a str,
            }
            let versioned = Versioned {
                name: v.current.to_string(),
                current: v.current.version_tag(),
                previous: v.previous.as_ref().map(|p| p.version_tag()),
                value_key: &v.value_key,
                pointer_key: &v.pointer_key,
            };
            map.serialize_entry("versioned", &versioned)?;
        }
        if let Some(steps) = &self.k8s {
            map.serialize_entry("k8s_steps", steps)?;
        }
        if let Some(path) = &self.escrowed {
            map.serialize_entry("escrowed", path)?;
        }
        if let Some(name) = &self.stored {
            map.serialize_entry("stored", name)?;
        }
        map.end()
    }
}

/// `{"created", "changed", "schema", "schema_written", "generated": [{"key", "generator", "entropy_bits",
/// "version"}], "kept": [KEY...], "missing": [KEY...]}`.
impl Serialize for InitReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Generated<'a> {
            key: &'a str,
            generator: String,
            entropy_bits: f64,
            version: &'a Option<String>,
        }
        let (mut generated, mut kept, mut missing) = (Vec::new(), Vec::new(), Vec::new());
        for (key, outcome) in &self.keys {
            match outcome {
                InitOutcome::Generated { generator, version } => generated.push(Generated {
                    key,
                    generator: generator.to_string(),
                    entropy_bits: generator.reported_entropy_bits(),
                    version,
                }),
                InitOutcome::Missing { .. } => missing.push(key),
                InitOutcome::Kept => kept.push(key),
            }
        }
        let mut map = s.serialize_map(Some(7))?;
        map.serialize_entry("created", &self.created)?;
        map.serialize_entry("changed", &self.changed)?;
        map.serialize_entry("schema", &self.schema_origin)?;
        map.serialize_entry("schema_written", &self.schema_written)?;
        map.serialize_entry("generated", &generated)?;
        map.serialize_entry("kept", &kept)?;
        map.serialize_entry("missing", &missing)?;
        if !self.escrowed.is_empty() {
            map.serialize_entry("escrowed", &self.escrowed)?;
        }
        map.end()
    }
}

/// One line per declared key: `  generated KEY v1 (alnum:32, 190.53 bits of entropy)`, `  kept      KEY (already
/// set)` or `  missing   KEY: ...` with the command that sets it.
impl fmt::Display for InitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, outcome)) in self.keys.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match outcome {
                InitOutcome::Generated { generator, version } => {
                    let version = version
                        .as_ref()
                        .map(|v| format!(" {v}"))
                        .unwrap_or_default();
                    let bits = generator.reported_entropy_bits();
                    write!(
                        f,
                        "  generated {key}{version} ({generator}, {bits} bits of entropy)"
                    )?;
                }
                InitOutcome::Missing { fix } => write!(
                    f,
                    "  missing   {key}: the schema declares no generator; set it with {fix}"
                )?,
                InitOutcome::Kept => write!(f, "  kept      {key} (already set)")?,
            }
        }
        for e in &self.escrowed {
            write!(f, "\n  escrowed  {} to pass: {}", e.key, e.path)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use secretctl_naming::pointer::Bumped;
    use serde_json::json;

    use super::*;
    use crate::{Finding, FindingKind, Fix, K8sSteps};

    #[test]
    fn a_change_names_what_it_did_and_never_a_value() {
        let mut change = Change {
            key: "TOK".into(),
            changed: true,
            version: None,
            generator: None,
            migrated: 2,
            k8s: None,
            escrowed: None,
            stored: None,
        };
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({"key": "TOK", "changed": true})
        );
        change.generator = Some("hex:16".parse().unwrap());
        change.version = Some(Bumped {
            previous: Some("tok_v1".parse().unwrap()),
            current: "tok_v2".parse().unwrap(),
            value_key: "TOK_V2".into(),
            pointer_key: "TOK_VERSION".into(),
        });
        change.k8s = Some(K8sSteps {
            key: "TOK".into(),
            secret: "wiki-secrets".into(),
            namespace: Some("prod".into()),
            commands: vec!["kubectl rollout restart deployment/wiki".into()],
            note: None,
        });
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({"key": "TOK", "changed": true, "generator": "hex:16", "entropy_bits": 64.0,
                   "versioned": {"name": "tok_v2", "current": "v2", "previous": "v1", "value_key": "TOK_V2",
                                 "pointer_key": "TOK_VERSION"},
                   "k8s_steps": {"secret": "wiki-secrets", "commands": ["kubectl rollout restart deployment/wiki"],
                                 "note": null}})
        );
    }

    #[test]
    fn an_init_report_sorts_keys_by_outcome() {
        let fix = Fix::new(["secretctl", "env", "set", "S3_KEY"], true);
        let report = InitReport {
            created: true,
            changed: true,
            schema_origin: "the built-in example schema".into(),
            schema_written: true,
            schema_differs: false,
            keys: vec![
                ("A".into(), InitOutcome::Kept),
                ("S3_KEY".into(), InitOutcome::Missing { fix }),
                (
                    "TOK".into(),
                    InitOutcome::Generated {
                        generator: "words:1".parse().unwrap(),
                        version: Some("v1".into()),
                    },
                ),
            ],
            migrated: 0,
            escrowed: Vec::new(),
        };
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            json!({"created": true, "changed": true, "schema": "the built-in example schema",
                   "schema_written": true, "kept": ["A"], "missing": ["S3_KEY"],
                   "generated": [{"key": "TOK", "generator": "words:1", "entropy_bits": 12.92, "version": "v1"}]})
        );
        assert_eq!(
            report.to_string(),
            "  kept      A (already set)\n  missing   S3_KEY: the schema declares no generator; set it with \
             `secretctl env set S3_KEY` (value on stdin)\n  generated TOK v1 (words:1, 12.92 bits of entropy)"
        );
    }

    #[test]
    fn a_finding_carries_its_kind_and_fix() {
        let finding = Finding {
            key: "K".into(),
            kind: FindingKind::TooShort,
            message: "K: too short".into(),
            fix: Some(Fix::new(["secretctl", "env", "rotate", "K"], false)),
        };
        assert_eq!(
            serde_json::to_value(&finding).unwrap(),
            json!({"key": "K", "kind": "too_short", "message": "K: too short",
                   "fix": {"command": "secretctl env rotate K", "stdin": false}})
        );
    }
}

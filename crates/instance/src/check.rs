//! `check`: an instance's `.env` and state against its schema.
//!
//! Findings, one per problem, in declared order: a declared key that is missing (or empty), a value shorter than its
//! `min_length`, a key overdue for rotation (or with `rotate_every` but no recorded rotation date), a one-shot key
//! whose value changed since secretctl recorded it, and a malformed record or version pointer. Each names the key
//! and carries the [`Fix`] that resolves it, a command that works when run as printed; none contains a value.

use std::fmt;

use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;
use secretctl_schema::{format_duration, Schema, SecretSpec};
use time::OffsetDateTime;

use crate::state::{Fingerprint, State};
use crate::{Error, Fix, Instance};

/// What kind of problem a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// A declared key has no value.
    Missing,
    /// The value is shorter than `min_length`.
    TooShort,
    /// The value is older than `rotate_every` allows.
    Overdue,
    /// `rotate_every` is declared but no rotation date is recorded.
    RotationUnknown,
    /// A one-shot value differs from the one recorded.
    OneShotChanged,
    /// A record or a version pointer is malformed.
    BadRecord,
}

impl FindingKind {
    /// The name used in JSON output (`missing`, `too_short`, ...).
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooShort => "too_short",
            Self::Overdue => "overdue",
            Self::RotationUnknown => "rotation_unknown",
            Self::OneShotChanged => "one_shot_changed",
            Self::BadRecord => "bad_record",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialized as its [`as_str`](FindingKind::as_str) name.
impl serde::Serialize for FindingKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem `check` found. Serialized as `{"key", "kind", "message", "fix": {"command", "stdin"} or null}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The declared key.
    pub key: String,
    /// What kind of problem.
    pub kind: FindingKind,
    /// One line for people, starting with the key and ending with the fix; never a value.
    pub message: String,
    /// The command that resolves it.
    pub fix: Option<Fix>,
}

enum Current<'a> {
    Value(&'a str),
    Missing(String),
    /// A versioned key without a pointer whose versions up to N are there (a pointer line lost in an edit).
    Unpointed(u32),
    Bad(String),
    /// The version the pointer names lives in the secret store (`store = true`): nothing to read here.
    Stored,
}

/// The highest N with a non-empty `KEY_V<N>` in `env`.
fn latest_version(env: &EnvFile, key: &str) -> Option<u32> {
    let prefix = format!("{key}_V");
    env.keys()
        .into_iter()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter_map(|n| secretctl_naming::parse_version_tag(&format!("v{n}")))
        .filter(|&n| {
            env.get(&pointer::value_key(key, n))
                .is_some_and(|v| !v.is_empty())
        })
        .max()
}

fn current<'a>(spec: &SecretSpec, env: &'a EnvFile, in_store: bool) -> Current<'a> {
    let key = &spec.key;
    if spec.versioned {
        match pointer::current_value(env, key) {
            Err(e) => Current::Bad(e.to_string()),
            Ok(None) => match latest_version(env, key) {
                Some(n) => Current::Unpointed(n),
                None => {
                    Current::Missing(format!("no version pointer {}", pointer::pointer_key(key)))
                }
            },
            Ok(Some((_, None))) if in_store => Current::Stored,
            Ok(Some((name, None))) => Current::Missing(format!(
                "{} points at {} but {} is missing",
                pointer::pointer_key(key),
                name.version_tag(),
                pointer::value_key(key, name.version())
            )),
            Ok(Some((_, Some("")))) => {
                Current::Missing("the current version's value is empty".to_owned())
            }
            Ok(Some((_, Some(v)))) => Current::Value(v),
        }
    } else {
        match env.get(key) {
            Some(v) if !v.is_empty() => Current::Value(v),
            _ => Current::Missing("missing".to_owned()),
        }
    }
}

impl Instance {
    /// Check the instance's `.env` and state against its schema at time `now`. Reads only: records still in an
    /// old `.env` are taken into account without being moved.
    ///
    /// # Errors
    /// [`Error::NoSchema`]; the `.env` or the state file cannot be read.
    pub fn check(&self, now: OffsetDateTime) -> Result<Vec<Finding>, Error> {
        let schema = self.require_schema("`secretctl check`")?;
        let (env, state) = self.read()?;
        Ok(self.findings(schema, &env, &state, now))
    }

    fn findings(
        &self,
        schema: &Schema,
        env: &EnvFile,
        state: &State,
        now: OffsetDateTime,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for spec in schema.secrets() {
            let key = spec.key.as_str();
            let mut push = |kind, message: String, fix: Option<Fix>| {
                let message = match &fix {
                    Some(f) => format!("{key}: {message}; fix: {f}"),
                    None => format!("{key}: {message}"),
                };
                out.push(Finding {
                    key: key.to_owned(),
                    kind,
                    message,
                    fix,
                });
            };
            let value = match current(spec, env, schema.in_store(key)) {
                Current::Value(v) => Some(v),
                Current::Missing(m) => {
                    push(FindingKind::Missing, m, Some(self.replace_fix(spec, false)));
                    None
                }
                Current::Unpointed(n) => {
                    let pointer_key = pointer::pointer_key(key);
                    let set = self.fix(&["env", "set", &pointer_key], "--file", &[], false);
                    let fix = Fix {
                        command: format!("printf 'v{n}' | {}", set.command),
                        stdin: false,
                    };
                    push(
                        FindingKind::Missing,
                        format!(
                            "no version pointer {pointer_key}, but {} holds version {n}; point {pointer_key} at the \
                             version in use",
                            pointer::value_key(key, n)
                        ),
                        Some(fix),
                    );
                    None
                }
                Current::Bad(m) => {
                    push(FindingKind::BadRecord, m, None);
                    None
                }
                Current::Stored => None,
            };
            let Some(value) = value else { continue };
            if let Some(min) = spec.min_length {
                let len = value.chars().count();
                if len < min {
                    push(
                        FindingKind::TooShort,
                        format!("{len} characters, shorter than min_length {min}"),
                        Some(self.replace_fix(spec, true)),
                    );
                }
            }
            if let Some(every) = spec.rotate_every {
                let rotate = Some(self.replace_fix(spec, true));
                match state.rotated_at(key) {
                    Err(e) => push(FindingKind::BadRecord, e.to_string(), rotate),
                    Ok(None) => push(
                        FindingKind::RotationUnknown,
                        format!(
                            "rotate_every is {} but no rotation date is recorded in {}",
                            format_duration(every),
                            self.state_path.display()
                        ),
                        rotate,
                    ),
                    Ok(Some(at)) => {
                        let due = time::Duration::try_from(every)
                            .ok()
                            .and_then(|d| at.checked_add(d));
                        if due.is_none_or(|due| due < now) {
                            push(
                                FindingKind::Overdue,
                                format!(
                                    "overdue for rotation: last rotated {}, rotate_every {}",
                                    at.date(),
                                    format_duration(every)
                                ),
                                rotate,
                            );
                        }
                    }
                }
            }
            if spec.one_shot {
                let accept = || Some(self.fix(&["check"], "--env", &["--accept", key], false));
                match state.fingerprint_status(key, value) {
                    Err(e) => push(FindingKind::BadRecord, e.to_string(), accept()),
                    Ok(Fingerprint::Differs) => push(
                        FindingKind::OneShotChanged,
                        format!(
                            "one-shot value changed since secretctl recorded it; changing it means {}. Restore the \
                             previous value, or accept the new one",
                            spec.breaks_text()
                        ),
                        accept(),
                    ),
                    Ok(_) => {}
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const SCHEMA: &str = r#"
[secrets.DB_PASSWORD]
generator = "alnum:32"
min_length = 16
rotate_every = "90d"

[secrets.APP_SECRET_KEY]
generator = "hex:64"
one_shot = true
breaks = "logs everybody out"

[secrets.API_TOKEN]
generator = "alnum:20"
versioned = true

[secrets.MANUAL]
"#;

    fn kinds(findings: &[Finding]) -> Vec<(&str, FindingKind)> {
        findings.iter().map(|f| (f.key.as_str(), f.kind)).collect()
    }

    fn instance() -> (tempfile::TempDir, Instance) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secretctl.toml"), SCHEMA).unwrap();
        let i = Instance::open_dir(dir.path(), None).unwrap();
        (dir, i)
    }

    #[test]
    fn a_good_env_has_no_findings_and_each_rule_fires() {
        let (_dir, inst) = instance();
        let schema = inst.schema().unwrap().clone();
        let t0 = datetime!(2026-01-01 00:00 UTC);
        let mut env = EnvFile::parse("MANUAL=x\n").unwrap();
        let mut state = State::default();
        env.set("DB_PASSWORD", "0123456789abcdef").unwrap();
        state
            .record("DB_PASSWORD", "0123456789abcdef", false, t0)
            .unwrap();
        env.set("APP_SECRET_KEY", "k1").unwrap();
        state.record("APP_SECRET_KEY", "k1", true, t0).unwrap();
        pointer::bump(&mut env, "API_TOKEN", "t1").unwrap();
        assert_eq!(inst.findings(&schema, &env, &state, t0), vec![]);
        // Day 90 is still fine; day 91 is overdue.
        let day90 = datetime!(2026-04-01 00:00 UTC);
        assert_eq!(inst.findings(&schema, &env, &state, day90), vec![]);
        let f = inst.findings(&schema, &env, &state, datetime!(2026-04-02 00:00 UTC));
        assert_eq!(kinds(&f), [("DB_PASSWORD", FindingKind::Overdue)]);
        assert!(
            f[0].message.contains("last rotated 2026-01-01"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .fix
            .as_ref()
            .unwrap()
            .command
            .contains("env rotate DB_PASSWORD --file "));

        let mut bad = EnvFile::parse(env.as_str()).unwrap();
        bad.set("DB_PASSWORD", "tinyv").unwrap();
        bad.set("APP_SECRET_KEY", "changedvalue").unwrap();
        bad.unset("MANUAL");
        bad.set("SECRET_API_TOKEN_VERSION", "v2").unwrap();
        let f = inst.findings(&schema, &bad, &state, t0);
        assert_eq!(
            kinds(&f),
            [
                ("DB_PASSWORD", FindingKind::TooShort),
                ("APP_SECRET_KEY", FindingKind::OneShotChanged),
                ("API_TOKEN", FindingKind::Missing),
                ("MANUAL", FindingKind::Missing),
            ]
        );
        assert!(f[1].message.contains("logs everybody out"));
        for finding in &f {
            assert!(!finding.message.contains("tinyv"));
            assert!(!finding.message.contains("changedvalue"));
        }
        assert!(f[0]
            .message
            .contains("5 characters, shorter than min_length 16"));
        // MANUAL has no generator: its fix asks for a value on stdin.
        let manual = f[3].fix.as_ref().unwrap();
        assert!(manual.stdin && manual.command.contains("env set MANUAL --file "));
        // The missing version of API_TOKEN is added by a rotation.
        assert!(f[2]
            .fix
            .as_ref()
            .unwrap()
            .command
            .contains("env rotate API_TOKEN"));
    }

    #[test]
    fn unrecorded_and_malformed_records() {
        let (_dir, inst) = instance();
        let schema = inst.schema().unwrap().clone();
        let t0 = datetime!(2026-01-01 00:00 UTC);
        let env = EnvFile::parse(
            "DB_PASSWORD=0123456789abcdef\nAPP_SECRET_KEY=k\nSECRET_API_TOKEN_VERSION=two\nMANUAL=m\n",
        )
        .unwrap();
        let f = inst.findings(&schema, &env, &State::default(), t0);
        assert_eq!(
            kinds(&f),
            [
                ("DB_PASSWORD", FindingKind::RotationUnknown),
                ("API_TOKEN", FindingKind::BadRecord)
            ]
        );
        let mut env = EnvFile::parse(
            "DB_PASSWORD=0123456789abcdef\nSECRETCTL_ROTATED_DB_PASSWORD=later\nAPP_SECRET_KEY=k\n\
             SECRETCTL_FINGERPRINT_APP_SECRET_KEY=00112233445566778899aabbccddeeff\nMANUAL=m\n",
        )
        .unwrap();
        let mut state = State::default();
        state.absorb_legacy(&mut env);
        let f = inst.findings(&schema, &env, &state, t0);
        assert_eq!(
            kinds(&f),
            [
                ("DB_PASSWORD", FindingKind::BadRecord),
                ("APP_SECRET_KEY", FindingKind::BadRecord),
                ("API_TOKEN", FindingKind::Missing),
            ]
        );
    }
}

//! `secretctl check`: an instance's `.env` against its schema.
//!
//! Findings, one per problem, in declared order: a declared key that is missing (or empty), a value shorter than its
//! `min_length`, a key overdue for rotation (or with `rotate_every` but no recorded rotation date), a one-shot key
//! whose value changed since secretctl recorded it, and a malformed secretctl record. Messages name the key and the
//! fix; they never contain a value.

use std::fmt;

use secretctl_envfile::EnvFile;
use secretctl_naming::pointer;
use time::OffsetDateTime;

use crate::state::{self, Fingerprint};
use crate::{format_duration, Schema, SecretSpec};

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// A declared key has no value.
    Missing,
    /// The value is shorter than `min_length`.
    TooShort,
    /// The last rotation is longer ago than `rotate_every`.
    Overdue,
    /// The key has `rotate_every` but no rotation date is recorded.
    RotationUnknown,
    /// A one-shot value differs from the one secretctl recorded.
    OneShotChanged,
    /// A secretctl record or version pointer is malformed.
    BadRecord,
}

impl FindingKind {
    /// The kind as `--json` writes it.
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

/// One problem with one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The declared key.
    pub key: String,
    /// What is wrong.
    pub kind: FindingKind,
    /// One line for people: the key, what is wrong and the fix; never a value.
    pub message: String,
}

/// Where a declared key's current value is, and the value.
enum Current<'a> {
    Value(&'a str),
    Missing(String),
    Bad(String),
}

fn current<'a>(spec: &SecretSpec, env: &'a EnvFile) -> Current<'a> {
    let key = &spec.key;
    if spec.versioned {
        match pointer::current_value(env, key) {
            Err(e) => Current::Bad(e.to_string()),
            Ok(None) => Current::Missing(format!(
                "no version pointer {}; create version 1 with `secretctl env rotate {key}`",
                pointer::pointer_key(key)
            )),
            Ok(Some((name, None))) => Current::Missing(format!(
                "{} points at {} but {} is missing; restore it, or add the next version with `secretctl env rotate {key}`",
                pointer::pointer_key(key),
                name.version_tag(),
                pointer::value_key(key, name.version())
            )),
            Ok(Some((_, Some("")))) => Current::Missing("the current version's value is empty".to_owned()),
            Ok(Some((_, Some(v)))) => Current::Value(v),
        }
    } else {
        match env.get(key) {
            Some(v) if !v.is_empty() => Current::Value(v),
            _ => Current::Missing(if spec.generator.is_some() {
                format!("missing; generate it with `secretctl env set {key} --generate`")
            } else {
                format!("missing; set it with `secretctl env set {key}` (value on stdin)")
            }),
        }
    }
}

/// Check `env` against `schema` at time `now`.
#[must_use]
pub fn check(schema: &Schema, env: &EnvFile, now: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    for spec in schema.secrets() {
        let key = spec.key.as_str();
        let mut push = |kind, message: String| {
            out.push(Finding {
                key: key.to_owned(),
                kind,
                message: format!("{key}: {message}"),
            });
        };
        let value = match current(spec, env) {
            Current::Value(v) => Some(v),
            Current::Missing(m) => {
                push(FindingKind::Missing, m);
                None
            }
            Current::Bad(m) => {
                push(FindingKind::BadRecord, m);
                None
            }
        };
        if let (Some(v), Some(min)) = (value, spec.min_length) {
            let len = v.chars().count();
            if len < min {
                push(
                    FindingKind::TooShort,
                    format!(
                        "{len} characters, shorter than min_length {min}; replace it with `secretctl env rotate {key}`"
                    ),
                );
            }
        }
        if let (Some(_), Some(every)) = (value, spec.rotate_every) {
            match state::rotated_at(env, key) {
                Err(e) => push(FindingKind::BadRecord, e.to_string()),
                Ok(None) => push(
                    FindingKind::RotationUnknown,
                    format!(
                        "rotate_every is {} but no rotation date is recorded ({}); rotate it with \
                         `secretctl env rotate {key}`",
                        format_duration(every),
                        state::rotated_key(key)
                    ),
                ),
                Ok(Some(at)) => {
                    let due = time::Duration::try_from(every)
                        .ok()
                        .and_then(|d| at.checked_add(d));
                    if due.is_none_or(|due| due < now) {
                        push(
                            FindingKind::Overdue,
                            format!(
                                "overdue for rotation: last rotated {}, rotate_every {}; rotate it with \
                                 `secretctl env rotate {key}`",
                                at.date(),
                                format_duration(every)
                            ),
                        );
                    }
                }
            }
        }
        if let (Some(v), true) = (value, spec.one_shot) {
            match state::fingerprint_status(env, key, v) {
                Err(e) => push(FindingKind::BadRecord, e.to_string()),
                Ok(Fingerprint::Differs) => push(
                    FindingKind::OneShotChanged,
                    format!(
                        "one-shot value changed since secretctl recorded it; changing it means {}. Restore the \
                         previous value, or accept the new one with `secretctl check --accept {key}`",
                        spec.breaks_text()
                    ),
                ),
                Ok(_) => {}
            }
        }
    }
    out
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

    #[test]
    fn a_good_env_has_no_findings_and_each_rule_fires() {
        let schema = Schema::parse(SCHEMA).unwrap();
        let t0 = datetime!(2026-01-01 00:00 UTC);
        let mut env = EnvFile::parse("MANUAL=x\n").unwrap();
        env.set("DB_PASSWORD", "0123456789abcdef").unwrap();
        state::record(&mut env, "DB_PASSWORD", "0123456789abcdef", false, t0).unwrap();
        env.set("APP_SECRET_KEY", "k1").unwrap();
        state::record(&mut env, "APP_SECRET_KEY", "k1", true, t0).unwrap();
        pointer::bump(&mut env, "API_TOKEN", "t1").unwrap();
        assert_eq!(check(&schema, &env, t0), vec![]);
        // Day 90 is still fine; day 91 is overdue.
        assert_eq!(
            check(&schema, &env, datetime!(2026-04-01 00:00 UTC)),
            vec![]
        );
        let f = check(&schema, &env, datetime!(2026-04-02 00:00 UTC));
        assert_eq!(kinds(&f), [("DB_PASSWORD", FindingKind::Overdue)]);
        assert!(
            f[0].message.contains("last rotated 2026-01-01"),
            "{}",
            f[0].message
        );

        let mut bad = EnvFile::parse(env.as_str()).unwrap();
        bad.set("DB_PASSWORD", "tinyv").unwrap();
        bad.set("APP_SECRET_KEY", "changedvalue").unwrap();
        bad.unset("MANUAL");
        bad.set("SECRET_API_TOKEN_VERSION", "v2").unwrap();
        let f = check(&schema, &bad, t0);
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
    }

    #[test]
    fn unrecorded_and_malformed_records() {
        let schema = Schema::parse(SCHEMA).unwrap();
        let env = EnvFile::parse(
            "DB_PASSWORD=0123456789abcdef\nAPP_SECRET_KEY=k\nSECRET_API_TOKEN_VERSION=two\nMANUAL=m\n",
        )
        .unwrap();
        let f = check(&schema, &env, datetime!(2026-01-01 00:00 UTC));
        assert_eq!(
            kinds(&f),
            [
                ("DB_PASSWORD", FindingKind::RotationUnknown),
                ("API_TOKEN", FindingKind::BadRecord)
            ]
        );
        let env = EnvFile::parse(
            "DB_PASSWORD=0123456789abcdef\nSECRETCTL_ROTATED_DB_PASSWORD=later\nAPP_SECRET_KEY=k\n\
             SECRETCTL_FINGERPRINT_APP_SECRET_KEY=00112233445566778899aabbccddeeff\nMANUAL=m\n",
        )
        .unwrap();
        let f = check(&schema, &env, datetime!(2026-01-01 00:00 UTC));
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

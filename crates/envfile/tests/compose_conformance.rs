//! The Docker Compose `.env` conformance corpus (`tests/data/compose-conformance/`, see its `SOURCE.md`): every
//! input loads, renders back byte-identical, and resolves to exactly the values compose-go's own parser returned
//! for it, or fails where compose-go failed.
// Helpers outside #[test] fns unwrap too: in a test, a panic with its location is the failure report.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;
use serde_json::{Map, Value};

/// Cases the corpus had when it was copied; fewer means files went missing.
const CASES: usize = 86;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose-conformance")
}

/// What secretctl computes for one case file: its values as a JSON object, or `None` where it refuses the file.
fn ours(path: &Path) -> Option<Value> {
    let doc = EnvFile::load(path).ok()?;
    assert_eq!(
        doc.render().as_bytes(),
        std::fs::read(path).unwrap(),
        "{}: render is not the input",
        path.display()
    );
    let values = doc.resolve(&|_| None).ok()?;
    let object: Map<String, Value> = values
        .into_iter()
        .map(|(k, v)| (k, Value::from(v.expose_secret())))
        .collect();
    Some(Value::Object(object))
}

#[test]
fn every_case_matches_what_compose_go_returned() {
    let dir = corpus();
    let mut ids: Vec<String> = std::fs::read_dir(dir.join("cases"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("cases").display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "env"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert_eq!(ids.len(), CASES, "cases in {}", dir.display());

    let mut failures = Vec::new();
    for id in &ids {
        let expected_path = dir.join("expected").join(format!("{id}.json"));
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
        )
        .unwrap();
        let got = ours(&dir.join("cases").join(format!("{id}.env")));
        match (expected.get("ok"), got) {
            (Some(want), Some(got)) if *want == got => {}
            (None, None) => {}
            (Some(want), Some(got)) => failures.push(format!("{id}: want {want}, got {got}")),
            (Some(_), None) => failures.push(format!("{id}: compose-go reads it, we refuse it")),
            (None, Some(got)) => {
                failures.push(format!("{id}: compose-go refuses it, we read {got}"))
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

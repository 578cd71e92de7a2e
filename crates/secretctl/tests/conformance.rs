//! The Docker Compose .env conformance corpus (`crates/envfile/tests/data/compose-conformance/`, produced by running
//! compose-go's own parser; see its `SOURCE.md`), run through the built binary exactly as the acceptance runner
//! does: the corpus's `run.sh` with `secretctl env list --json --file {}`.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; helpers outside #[test] fns too

mod common;

use std::path::Path;

use common::{require_tool, secretctl_bin, Sandbox};

#[test]
fn envfile_conformance_corpus_passes() {
    // run.sh compares outputs with python3.
    let Some(_python) = require_tool("python3") else {
        return;
    };
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../envfile/tests/data/compose-conformance");
    let cases = std::fs::read_dir(dir.join("cases"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("cases").display()))
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "env"))
        })
        .count();
    assert!(cases > 0, "no cases in {}", dir.display());
    let sandbox = Sandbox::new();
    let out = sandbox
        .command("bash")
        .arg(dir.join("run.sh"))
        .env(
            "ENV_PARSE_CMD",
            format!("{} env list --json --file {{}}", secretctl_bin().display()),
        )
        .env("ENV_PARSE_FAIL_ON_PANIC", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!("{cases} passed, 0 failed"),
        "failures:\n{}\nstderr: {}",
        failures.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}

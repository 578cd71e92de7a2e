//! The Docker Compose .env conformance corpus (produced by running compose-go's own parser), run through the
//! built binary exactly as the acceptance runner does: `secretctl env list --json --file {}`.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; helpers outside #[test] fns too

use std::path::Path;
use std::process::Command;

#[test]
fn envfile_conformance_corpus_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/envfile");
    let runner = dir.join("run.sh");
    if !runner.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the conformance corpus is missing at {}",
            dir.display()
        );
        eprintln!("skipped: conformance corpus not found at {}", dir.display());
        return;
    }
    let cases = std::fs::read_dir(dir.join("cases"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "env"))
        })
        .count();
    assert!(cases > 0, "no cases in {}", dir.display());
    let out = Command::new("bash")
        .arg(&runner)
        .env(
            "ENV_PARSE_CMD",
            format!(
                "{} env list --json --file {{}}",
                env!("CARGO_BIN_EXE_secretctl")
            ),
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

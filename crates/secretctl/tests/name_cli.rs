//! `secretctl name parse|next|swarm|stack` through the built binary.
// Helpers outside #[test] fns panic on purpose too: a panic is how an integration test reports failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Sandbox;

fn run(args: &[&str]) -> std::process::Output {
    let sandbox = Sandbox::new();
    sandbox.secretctl().args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(&all)).unwrap()
}

#[test]
fn parse_and_next() {
    assert_eq!(
        ok(&["name", "parse", "db_password_v12"]),
        "base: db_password\nversion: 12\n"
    );
    let v = json(&["name", "parse", "a_v1_v2"]);
    assert_eq!(
        (v["base"].as_str(), v["version"].as_u64()),
        (Some("a_v1"), Some(2))
    );
    assert_eq!(ok(&["name", "next", "db_password_v9"]), "db_password_v10\n");
    assert_eq!(json(&["name", "next", "x_v1"])["next"], "x_v2");
    for bad in [
        "db_password",
        "db_password_v0",
        "db_password_v01",
        "_v1",
        "db password_v1",
        "db_v4294967296",
    ] {
        let out = run(&["name", "parse", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    }
    let out = run(&["name", "next", "x_v4294967295"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no next version"));
}

#[test]
fn swarm_names_right_at_and_just_over_the_limit() {
    // "s" + "_" + 59 characters + "_v1" = 64.
    let at = format!("{}_v1", "b".repeat(59));
    let out = run(&["name", "swarm", &at, "--stack", "s"]);
    assert!(out.status.success());
    let name = String::from_utf8(out.stdout).unwrap();
    assert_eq!(name.trim_end().len(), 64);
    assert_eq!(name, format!("s_{at}\n"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("64 of 64 characters; 0 left"));
    let v = json(&["name", "swarm", &at, "--stack", "s"]);
    assert_eq!(
        (
            v["length"].as_u64(),
            v["limit"].as_u64(),
            v["remaining"].as_i64()
        ),
        (Some(64), Some(64), Some(0))
    );

    // A name Swarm refuses is a bad name: exit 2 (DESIGN.md), as every bad name is (tests/exit_codes.rs).
    let over = format!("{}_v1", "b".repeat(60));
    let out = run(&["name", "swarm", &over, "--stack", "s"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is 65 characters; Swarm allows at most 64 (1 over)"),
        "{err}"
    );

    // The version's digits count: v9 fits at 64, v10 does not.
    let v9 = format!("{}_v9", "b".repeat(59));
    assert!(run(&["name", "swarm", &v9, "--stack", "s"])
        .status
        .success());
    let v10 = ok(&["name", "next", &v9]);
    assert_eq!(
        run(&["name", "swarm", v10.trim_end(), "--stack", "s"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn swarm_rules_and_stacks_from_domains() {
    assert_eq!(
        ok(&[
            "name",
            "swarm",
            "db_password_v2",
            "--domain",
            "wiki.example.com"
        ]),
        "wiki_example_com_db_password_v2\n"
    );
    let v = json(&[
        "name",
        "swarm",
        "db_password_v2",
        "--domain",
        "wiki.example.com",
    ]);
    assert_eq!(
        (v["stack"].as_str(), v["remaining"].as_i64()),
        (Some("wiki_example_com"), Some(33))
    );
    assert_eq!(
        ok(&["name", "stack", "wiki.example.com"]),
        "wiki_example_com\n"
    );
    // abra cuts a long stack name to 45 characters.
    let long = format!("{}.example.com", "a".repeat(50));
    assert_eq!(
        ok(&["name", "stack", &long]),
        format!("{}\n", "a".repeat(45))
    );
    for bad_stack in ["my stack", "_stack", "stack-", ""] {
        let out = run(&["name", "swarm", "db_v1", "--stack", bad_stack]);
        assert_eq!(out.status.code(), Some(2), "{bad_stack:?}");
    }
    // --stack or --domain is required, not both.
    assert_eq!(run(&["name", "swarm", "db_v1"]).status.code(), Some(2));
    assert_eq!(
        run(&["name", "swarm", "db_v1", "--stack", "s", "--domain", "a.b"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn every_domain_gives_a_stack_swarm_accepts_or_a_clear_error() {
    // A 44-character first label: abra's cut at 45 leaves a trailing `_`, which Swarm refuses; the `_` goes.
    let domain = format!("{}.example.com", "a".repeat(44));
    let stack = ok(&["name", "stack", &domain]);
    assert_eq!(stack, format!("{}\n", "a".repeat(44)));
    let full = ok(&["name", "swarm", "db_password_v1", "--domain", &domain]);
    assert_eq!(full, format!("{}_db_password_v1\n", "a".repeat(44)));
    // The stack it prints is one `name swarm --stack` accepts.
    ok(&[
        "name",
        "swarm",
        "db_password_v1",
        "--stack",
        stack.trim_end(),
    ]);
    // No letter or digit, or a character no stack can hold: exit 2 with the reason, nothing on stdout.
    for bad in ["...", "wiki example.com", "wïki.example.com"] {
        for args in [
            vec!["name", "stack", bad],
            vec!["name", "swarm", "db_v1", "--domain", bad],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(out.stdout.is_empty());
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(
                err.contains("no stack name can be derived from the domain"),
                "{err}"
            );
            assert!(err.contains("--stack"), "{err}");
        }
    }
}

//! The operator manual is executable: every ```sh block of the pages listed here runs, in order, in a fresh
//! directory with the built `secretctl` first on PATH, and must succeed. A command that is meant to fail is
//! written so in the page itself (`! secretctl ...` or `... || echo "refused, as expected"`).
//!
//! Blocks fenced as ```text or ```console are shown, not run.

// Helpers outside #[test] functions unwrap too: in a test, a panic with its location is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{secretctl_bin, tool_dirs, Sandbox};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The ```sh blocks of a Markdown page, in order.
fn sh_blocks(markdown: &str) -> Vec<String> {
    enum State {
        Prose,
        Run(String),
        Skip,
    }
    let mut blocks = Vec::new();
    let mut state = State::Prose;
    for line in markdown.lines() {
        let fence = line.trim_start().strip_prefix("```");
        state = match (state, fence) {
            (State::Prose, Some(info)) if info.trim() == "sh" => State::Run(String::new()),
            (State::Prose, Some(_)) => State::Skip,
            (State::Run(block), Some(_)) => {
                blocks.push(block);
                State::Prose
            }
            (State::Skip, Some(_)) => State::Prose,
            (State::Run(mut block), None) => {
                block.push_str(line);
                block.push('\n');
                State::Run(block)
            }
            (other, None) => other,
        };
    }
    blocks
}

fn run_page(page: &str) {
    let path = workspace_root().join("docs").join(page);
    let markdown = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let blocks = sh_blocks(&markdown);
    assert!(!blocks.is_empty(), "{page} has no ```sh blocks to run");

    let sandbox = Sandbox::new();
    // The built secretctl first, then the tools dir and PATH as every test sees them.
    let bin_dir = secretctl_bin().parent().unwrap().to_path_buf();
    let path_var = std::iter::once(bin_dir).chain(tool_dirs());

    let mut script = String::from("set -euo pipefail\n");
    for (i, block) in blocks.iter().enumerate() {
        script.push_str(&format!("echo '--- {page} block {}' >&2\n", i + 1));
        script.push_str(block);
    }
    let out = sandbox
        .command("bash")
        .arg("-c")
        .arg(&script)
        .env("PATH", std::env::join_paths(path_var).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{page}: a ```sh block failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sh_blocks_are_found_in_order_and_other_blocks_are_skipped() {
    let md = "intro\n```sh\necho one\n```\n```text\nnot run\n```\n```\nplain\n```\n```sh\necho two\n```\n";
    assert_eq!(
        sh_blocks(md),
        vec!["echo one\n".to_owned(), "echo two\n".to_owned()]
    );
}

#[test]
fn quickstart_runs() {
    run_page("quickstart.md");
}

#[test]
fn kubernetes_and_swarm_runs() {
    run_page("kubernetes-and-swarm.md");
}

#[test]
fn gitops_runs() {
    run_page("gitops.md");
}

#[test]
fn keyfile_runbook_runs() {
    run_page("keyfile-runbook.md");
}

#[test]
fn naming_runs() {
    run_page("naming.md");
}

#[test]
fn vault_runs() {
    // The page starts its own OpenBao dev server.
    if common::require_tool("bao").is_none() {
        return;
    }
    run_page("vault.md");
}

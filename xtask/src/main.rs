//! secretctl's automation, run as `cargo xtask <task>`.
//!
//! `cargo xtask ci` runs exactly what CI runs (`.ci/run` installs the reference tools and starts PostgreSQL, then
//! calls it). It first checks that every reference tool the tests need is there, and fails naming the missing ones;
//! then it runs the tests with `SECRETCTL_REQUIRE_TOOLS=1`, so that no test skips for want of a tool.

mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci                 tools check, fmt check, clippy -D warnings, tests, docs -D warnings, fuzz build, cargo deny
  tools              check that every reference tool the tests need is installed (.ci/install-tools.sh)
  fuzz [SECONDS]     run every fuzz target for SECONDS each (default 60); needs cargo-fuzz
  bench [ARGS...]    run the criterion benches (cargo bench -p secretctl-benches ARGS...)
  crash [--kills N]  SIGKILL a store rotation N times (default 200) and check nothing is lost
  man [--check]      generate man pages into docs/man (or check they are current)
  completions [--check]  generate shell completions into docs/completions (or check)";

fn main() -> std::process::ExitCode {
    match try_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line per cause, no backtrace: the message says what to do.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        println!("{USAGE}");
        return Ok(());
    };
    let rest = &args[1..];
    match task.as_str() {
        "ci" => ci(),
        "tools" => {
            eprintln!("==> reference tools");
            tools::check()
        }
        "fuzz" => fuzz(rest),
        "bench" => bench(rest),
        "crash" => crash(rest),
        "man" => generated("man", rest),
        "completions" => generated("completions", rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task `{other}`\n{USAGE}"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(what: &str, mut cmd: Command) -> Result<()> {
    eprintln!("\n==> {what}");
    let started = std::time::Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("cannot start `{what}`"))?;
    eprintln!(
        "<== {what}: {status} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    if !status.success() {
        bail!("`{what}` failed ({status})");
    }
    Ok(())
}

/// `cargo` for a CI step: tests fail rather than skip when a reference tool is missing, and find the tools where
/// the check found them.
fn ci_cargo() -> Command {
    let mut c = cargo();
    c.env("SECRETCTL_REQUIRE_TOOLS", "1");
    if let Some(dir) = tools::tools_dir() {
        c.env("SECRETCTL_TOOLS_VENV", dir);
    }
    c
}

fn ci() -> Result<()> {
    eprintln!("==> reference tools");
    tools::check()?;

    let mut fmt = ci_cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    run("cargo fmt --check", fmt)?;

    let mut clippy = ci_cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run("cargo clippy -D warnings", clippy)?;

    let mut test = ci_cargo();
    test.args(["test", "--workspace", "--no-fail-fast"]);
    run("cargo test --workspace", test)?;

    let mut doc = ci_cargo();
    doc.args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    run("cargo doc -D warnings", doc)?;

    fuzz_build()?;

    // Man pages and completions are checked in; they must describe the binary that ships.
    generated("man", &["--check".to_owned()])?;
    generated("completions", &["--check".to_owned()])?;

    let mut deny = ci_cargo();
    deny.args(["deny", "check", "licenses", "bans", "sources"]);
    run("cargo deny check licenses bans sources", deny)?;

    eprintln!("\nci: all green");
    Ok(())
}

fn fuzz_build() -> Result<()> {
    // cargo-fuzz (checked up front) needs nightly flags (-Zsanitizer); the machine has stable only, which accepts
    // them with RUSTC_BOOTSTRAP=1.
    let mut cmd = ci_cargo();
    cmd.args(["fuzz", "build", "--dev", "--fuzz-dir", "fuzz"])
        .env("RUSTC_BOOTSTRAP", "1");
    run("cargo fuzz build", cmd)
}

fn fuzz(rest: &[String]) -> Result<()> {
    let secs: u64 = match rest.first() {
        Some(s) => s.parse().context("fuzz: SECONDS must be a whole number")?,
        None => 60,
    };
    let out = cargo()
        .args(["fuzz", "list", "--fuzz-dir", "fuzz"])
        .env("RUSTC_BOOTSTRAP", "1")
        .output()
        .context("cargo fuzz list (is cargo-fuzz installed?)")?;
    if !out.status.success() {
        bail!("cargo fuzz list failed: is cargo-fuzz installed?");
    }
    for target in String::from_utf8_lossy(&out.stdout).lines() {
        let mut cmd = cargo();
        cmd.args(["fuzz", "run", "--fuzz-dir", "fuzz", target, "--"])
            .arg(format!("-max_total_time={secs}"))
            .env("RUSTC_BOOTSTRAP", "1");
        run(&format!("cargo fuzz run {target}"), cmd)?;
    }
    Ok(())
}

fn bench(rest: &[String]) -> Result<()> {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "secretctl-benches"]).args(rest);
    run("cargo bench", cmd)
}

fn crash(rest: &[String]) -> Result<()> {
    let kills = match rest {
        [] => 200,
        [flag, n] if flag == "--kills" => n.parse().context("--kills takes a whole number")?,
        _ => bail!("usage: cargo xtask crash [--kills N]"),
    };
    let kills: u32 = kills;
    let mut cmd = cargo();
    cmd.args([
        "test",
        "--release",
        "-p",
        "secretctl-store",
        "--test",
        "crash",
        "--",
        "--nocapture",
    ])
    .env("SECRETCTL_CRASH_KILLS", kills.to_string());
    run(&format!("crash test with {kills} kills"), cmd)
}

fn generated(kind: &str, rest: &[String]) -> Result<()> {
    let check = match rest {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask {kind} [--check]"),
    };
    let dir = root().join("docs").join(kind);
    let mut cmd = cargo();
    cmd.args(["run", "--quiet", "-p", "secretctl", "--", "__generate"])
        .arg(kind)
        .arg(&dir);
    if check {
        cmd.arg("--check");
    }
    run(
        &format!("generate {kind}{}", if check { " --check" } else { "" }),
        cmd,
    )
}

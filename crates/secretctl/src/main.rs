//! `secretctl`: the thin command-line front end over the secretctl libraries.
// The process starts at the C `main` below, not through the standard library's runtime: see start.rs.
#![cfg_attr(not(test), no_main)]
// No unsafe code but start.rs's, which allows it for itself, and the entry point's name.
#![deny(unsafe_code)]
// The doc comments of the argument types are clap's --help text for a terminal, where `<instance>` reads as a
// placeholder; rustdoc would take it for an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

mod assets;
mod check;
mod cli;
mod common;
mod env;
mod env_read;
mod escrow;
mod exit;
mod export;
mod export_vault;
mod formats;
mod generate;
mod gitops;
mod init;
mod input;
mod key;
mod key_transit;
mod name;
mod progress;
mod rotate;
mod secret;
mod start;
mod store;

use std::io::Write;

use crate::cli::{Command, Deferred, Globals};

/// The process's entry point, called by the C runtime (see start.rs).
#[cfg(not(test))]
// `no_mangle` makes this function the `main` symbol the C runtime calls; nothing else in the program has that name.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    start::run(secretctl)
}

/// The whole command: its exit status.
#[cfg_attr(test, allow(dead_code))]
fn secretctl() -> u8 {
    // Before anything is read: no core file, no ptrace by other users, for everything this process will hold.
    if let Err(e) = secretctl_fs::harden_process() {
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot turn off core dumps for this process: {e}"
        );
        return 1;
    }
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; clap knows which exit code each wants.
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if cli.follow_symlinks {
        secretctl_fs::Symlinks::FollowSameOwner.set_process_default();
    }
    let globals = Globals { json: cli.json };
    match run(globals, cli.command) {
        Ok(()) => 0,
        Err(err) if exit::is_broken_pipe(&err) => 0,
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            for line in exit::report_lines(&err) {
                let _ = writeln!(stderr, "{line}");
            }
            exit::code_of(&err)
        }
    }
}

fn run(g: Globals, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init(Deferred(a)) => init::run(g, a),
        Command::Env(a) => env::run(g, a.0),
        Command::Key(a) => key::run(g, a.0),
        Command::Secret(a) => secret::run(g, a.0),
        Command::Store(a) => store::run(g, a.0),
        Command::Name(a) => name::run(g, a.0),
        Command::Generate(Deferred(a)) => generate::run(g, a),
        Command::Check(Deferred(a)) => check::run(g, a),
        Command::Gitops(a) => gitops::run(g, a),
        Command::Export(a) => export::run(g, a.0),
        Command::Import(a) => export_vault::import(g, a.0),
        Command::GenerateAssets(Deferred(a)) => assets::run(&a),
        Command::Escrow(a) => escrow::run(g, a.0),
        Command::Completions { shell } => {
            let mut cmd = cli::eager_command();
            clap_complete::generate(shell, &mut cmd, "secretctl", &mut std::io::stdout());
            Ok(())
        }
    }
}

//! Man pages and shell completions generated from the clap definition (`cargo xtask man | completions`).
//!
//! Run through the hidden `secretctl __generate KIND DIR [--check]`, so the files always describe the binary that
//! ships; `--check` fails when a checked-in file differs from what the binary would generate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::CommandFactory;

use crate::cli::Cli;

/// What to generate.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// roff man pages, one per command (`secretctl-env-set.1`).
    Man,
    /// completion scripts for bash, zsh, fish, elvish and PowerShell.
    Completions,
}

/// Arguments of the hidden `__generate` command.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// man or completions.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The directory to write into (docs/man or docs/completions).
    pub dir: PathBuf,
    /// Do not write: fail if a file in DIR differs from what would be generated.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let files = match args.kind {
        Kind::Man => man_pages()?,
        Kind::Completions => completions(),
    };
    let task = match args.kind {
        Kind::Man => "man",
        Kind::Completions => "completions",
    };
    if args.check {
        let mut stale = Vec::new();
        for (name, want) in &files {
            let path = args.dir.join(name);
            if std::fs::read(&path).ok().as_deref() != Some(want.as_slice()) {
                stale.push(path.display().to_string());
            }
        }
        if !stale.is_empty() {
            bail!(
                "{} generated file(s) are missing or stale ({}); regenerate with `cargo xtask {task}`",
                stale.len(),
                stale.join(", ")
            );
        }
        eprintln!("{}: {} files current", args.dir.display(), files.len());
        return Ok(());
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    for (name, bytes) in &files {
        let path = args.dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!("wrote {} files into {}", files.len(), args.dir.display());
    Ok(())
}

fn man_pages() -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut root = Cli::command();
    root.build();
    add_pages(&root, "secretctl", &mut out)?;
    Ok(out)
}

fn add_pages(
    cmd: &clap::Command,
    name: &str,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> anyhow::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let cmd = cmd.clone().name(name.to_owned());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .context("rendering a man page")?;
    out.insert(format!("{name}.1"), buf);
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        add_pages(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

fn completions() -> BTreeMap<String, Vec<u8>> {
    use clap_complete::Shell;
    let mut out = BTreeMap::new();
    for (shell, file) in [
        (Shell::Bash, "secretctl.bash"),
        (Shell::Zsh, "_secretctl"),
        (Shell::Fish, "secretctl.fish"),
        (Shell::Elvish, "secretctl.elv"),
        (Shell::PowerShell, "_secretctl.ps1"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "secretctl", &mut buf);
        out.insert(file.to_owned(), buf);
    }
    out
}

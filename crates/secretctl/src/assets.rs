//! Man pages and shell completions generated from the clap definition (`cargo xtask man | completions`).
//!
//! Run through the hidden `secretctl __generate KIND DIR [--check]`, so the files always describe the binary that
//! ships; `--check` fails when a checked-in file differs from what the binary would generate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context};

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
#[group(skip)]
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
    let (files, task) = match args.kind {
        Kind::Man => (man_pages()?, "man"),
        Kind::Completions => (completions(), "completions"),
    };
    let (dir, n) = (&args.dir, files.len());
    if args.check {
        let mut stale = Vec::new();
        for (name, want) in &files {
            let path = dir.join(name);
            if std::fs::read(&path).ok().as_ref() != Some(want) {
                stale.push(path.display().to_string());
            }
        }
        if !stale.is_empty() {
            let (m, list) = (stale.len(), stale.join(", "));
            let fix = format!("regenerate with `cargo xtask {task}`");
            bail!("{m} generated file(s) are missing or stale ({list}); {fix}");
        }
        eprintln!("{}: {n} files current", dir.display());
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!("wrote {n} files into {}", dir.display());
    Ok(())
}

/// One page per command that is not hidden, `secretctl-env-set.1` for `secretctl env set`.
fn man_pages() -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let (mut out, mut root) = (BTreeMap::new(), crate::cli::eager_command());
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
    let (cmd, mut buf) = (cmd.clone().name(name.to_owned()), Vec::new());
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(&mut buf).context("rendering a man page")?;
    out.insert(format!("{name}.1"), buf);
    for sub in cmd.get_subcommands().filter(|sub| sub.get_name() != "help") {
        add_pages(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

fn completions() -> BTreeMap<String, Vec<u8>> {
    use clap_complete::Shell;
    let files = [
        (Shell::Bash, "secretctl.bash"),
        (Shell::Zsh, "_secretctl"),
        (Shell::Fish, "secretctl.fish"),
        (Shell::Elvish, "secretctl.elv"),
        (Shell::PowerShell, "_secretctl.ps1"),
    ];
    let script = |shell| {
        let mut buf = Vec::new();
        clap_complete::generate(
            shell,
            &mut crate::cli::eager_command(),
            "secretctl",
            &mut buf,
        );
        buf
    };
    files
        .into_iter()
        .map(|(shell, file)| (file.to_owned(), script(shell)))
        .collect()
}

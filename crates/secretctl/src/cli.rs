//! The command line: `secretctl [--json] <group> <verb>`.

use clap::{Parser, Subcommand};

use crate::{assets, check, env, export, generate, gitops, init, key, name, secret};

/// Keep the secret state of self-hosted deployments safe.
///
/// secretctl manages an instance's `.env`, its master keyfile, an encrypted secret store, a gitops repository of
/// SOPS-encrypted vars files, and hands secrets to Kubernetes and Docker Swarm. Secret values are read from stdin
/// or a file, never required on the command line.
///
/// Exit codes: 0 ok, 1 operational error, 2 usage error, 3 authentication/integrity failure, 4 not found.
#[derive(Debug, Parser)]
#[command(
    name = "secretctl",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Print machine-readable JSON instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an instance directory with a .env where every declared secret is generated.
    Init(init::Args),
    /// Read and edit a Docker Compose .env file without losing a byte of it.
    Env(env::Args),
    /// Manage the master keyfile: create, show its id, back up, restore, rotate, retire.
    Key(key::Args),
    /// Store and read secrets in the encrypted secret store.
    Secret(secret::Args),
    /// Versioned secret names (name_vN) and Docker Swarm name rules.
    Name(name::Args),
    /// Print one freshly generated secret value.
    Generate(generate::Args),
    /// Check a .env against its schema: missing, too short, overdue, one-shot keys changed.
    Check(check::Args),
    /// Keep encrypted vars files in a git repository (SOPS format, age recipients).
    Gitops(gitops::Args),
    /// Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names).
    Export(export::Args),
    /// Print shell completions for SHELL.
    ///
    /// Example: `secretctl completions bash > /etc/bash_completion.d/secretctl`
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Generate man pages or completion files (used by `cargo xtask man | completions`).
    #[command(name = "__generate", hide = true)]
    GenerateAssets(assets::Args),
}

/// Options every command sees.
#[derive(Debug, Clone, Copy)]
pub struct Globals {
    /// `--json` was given.
    pub json: bool,
}

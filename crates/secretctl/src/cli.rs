//! The command line: `secretctl [--json] <group> <verb>`.

use std::sync::atomic::{AtomicBool, Ordering};

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::{assets, check, env, escrow, export, generate, gitops, init, key, name, secret, store};

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

    /// Follow a symbolic link where a secret file belongs (.env, keyfile) when the link and the file it points to
    /// have the same owner; without it such a link is refused.
    #[arg(long, global = true)]
    pub follow_symlinks: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an instance directory with a .env where every declared secret is generated.
    #[command(after_help = "Examples:
  secretctl init my-instance  # built-in example schema, written to my-instance/secretctl.toml
  # keep the values old.env already has
  secretctl init wiki --schema wiki.toml --env-file old.env")]
    Init(Deferred<init::Args>),
    /// Read and edit a Docker Compose .env file without losing a byte of it.
    #[command(after_help = "Examples:
  secretctl env list --file .env  # keys in file order
  secretctl --json env list  # {\"KEY\": \"value\", ...} as Docker Compose computes them
  # value from stdin; only that value's bytes change
  printf '%s' \"$pw\" | secretctl env set DB_PASSWORD
  secretctl env set APP_SECRET_KEY --generate  # from the schema's generator
  secretctl env rotate DB_PASSWORD  # new value; one-shot keys need --force")]
    #[command(subcommand)]
    Env(Deferred<env::Command>),
    /// Manage the master keyfile: create, show its id, back up, restore, rotate, retire.
    #[command(after_help = "Examples:
  secretctl key init  # 32 random bytes, 0400, never overwrites
  secretctl key backup --recipient age1... --output master.key.age
  secretctl key restore --identity backup-identity.txt --expect-id 3f9c0b7e5a1d2c48 master.key.age
  secretctl key rotate  # new key, re-encrypt the store; rerun resumes after a crash
  secretctl key retire 3f9c0b7e5a1d2c48  # only once no stored secret needs it")]
    #[command(subcommand)]
    Key(Deferred<key::KeyCommand>),
    /// Store and read secrets in the encrypted secret store.
    #[command(after_help = "Examples:
  printf '%s' \"$token\" | secretctl secret put tenant-42 api_token
  secretctl secret get tenant-42 api_token --version 1
  secretctl --json secret list tenant-42  # names, versions, key ids; nothing decrypted
  secretctl secret audit")]
    #[command(subcommand)]
    Secret(Deferred<secret::Cmd>),
    /// Create the encrypted secret store on purpose (no other command creates one, but a put to the default store).
    #[command(after_help = "Examples:
  secretctl store init sqlite:/var/lib/secretctl/store.db
  PGPASSWORD=... secretctl store init postgres://secretctl@db:5432/secrets")]
    #[command(subcommand)]
    Store(Deferred<store::Cmd>),
    /// Versioned secret names (name_vN) and Docker Swarm name rules.
    #[command(after_help = "Examples:
  secretctl name parse db_password_v12
  secretctl name next db_password_v9  # db_password_v10
  # checked against Swarm's 64 characters
  secretctl name swarm db_password_v2 --domain wiki.example.com")]
    #[command(subcommand)]
    Name(Deferred<name::NameCommand>),
    /// Print one freshly generated secret value.
    #[command(after_help = "Examples:
  secretctl generate alnum:32
  secretctl --json generate words:6  # the value and its entropy in bits")]
    Generate(Deferred<generate::Args>),
    /// Check a .env against its schema: missing, too short, overdue, one-shot keys changed.
    #[command(after_help = "Examples:
  secretctl check  # ./.env against ./secretctl.toml; exit 1 on any finding
  secretctl --json check --env /srv/wiki/.env --schema /srv/wiki/secretctl.toml")]
    Check(Deferred<check::Args>),
    /// Keep encrypted vars files in a git repository (SOPS format, age recipients).
    #[command(after_help = "Examples:
  secretctl gitops init --repo ops --recipient age1...
  secretctl gitops push --repo ops --host web1 --env .env
  secretctl gitops pull --repo ops --host web1 --out .env --identity ops-identity.txt
  secretctl gitops diff --repo ops HEAD~1  # which keys changed per host, never values")]
    Gitops(gitops::Args),
    /// Hand secrets to Kubernetes (Secret manifests) or Docker Swarm (versioned secret names).
    #[command(after_help = "Examples:
  secretctl export k8s --instance wiki -n prod | kubectl apply -f -
  secretctl export k8s --sops --age age1... --out-dir manifests/
  secretctl export swarm --stack wiki_example_com --out create-secrets.sh")]
    #[command(subcommand)]
    Export(Deferred<export::ExportCommand>),
    /// Bring secrets in from a secrets manager (Vault / OpenBao KV v2) through the instance's policy.
    #[command(after_help = "Examples:
  secretctl import vault --path secret/wiki/prod --env /srv/wiki/.env")]
    #[command(subcommand)]
    Import(Deferred<crate::export_vault::ImportCommand>),
    /// Print shell completions for SHELL.
    ///
    /// Example: `secretctl completions bash > /etc/bash_completion.d/secretctl`
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Generate man pages or completion files (used by `cargo xtask man | completions`).
    #[command(name = "__generate", hide = true)]
    GenerateAssets(Deferred<assets::Args>),
    /// Copy an instance's current secret values to the operator's `pass` password store.
    #[command(after_help = "Examples:
  secretctl escrow pass --instance /srv/wiki  # secretctl/wiki/<name>_v<N> for each versioned secret")]
    #[command(subcommand)]
    Escrow(Deferred<escrow::Command>),
}

/// A group's subcommands, or a command's arguments, built only when that group or command is chosen
/// (`Command::defer`): parsing `secretctl env get` builds the `env` group's commands, without their arguments, and
/// the arguments of `get`, and nothing of the other groups and commands (start-up time: every command's arguments
/// and help text would otherwise be allocated on every run). Help, completions and man pages see the whole tree:
/// clap builds a deferred group or command when its help is asked for, and [`eager_command`] builds everything at
/// once. (A command holding a group, like `gitops`, cannot itself be deferred: clap keeps one deferred step per
/// command.)
#[derive(Debug)]
pub struct Deferred<T>(pub T);

/// The command line of this process, as `Cli::try_parse` reads it, except that clap's command tree is not freed
/// afterwards: nothing uses it again, the process ends soon, and tearing down its hundreds of allocations was ~1%
/// of a `secret get` (start-up time). It holds names, help texts, and the values of the variables its arguments
/// read (`SECRETCTL_STORE` among them, which the parsed arguments hold as well); freeing them would not wipe them
/// either, and the process leaves no core file (`secretctl_fs::harden_process`).
pub fn parse() -> Result<Cli, clap::Error> {
    let mut cmd = Cli::command();
    let parsed = match cmd.try_get_matches_from_mut(std::env::args_os()) {
        Ok(mut matches) => Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd)),
        Err(e) => Err(e),
    };
    std::mem::forget(cmd);
    parsed
}

/// Set by [`eager_command`]: groups are built at once, as without [`Deferred`].
static EAGER: AtomicBool = AtomicBool::new(false);

/// The whole command tree, every group built (for completions and man pages, which walk all of it).
pub fn eager_command() -> clap::Command {
    EAGER.store(true, Ordering::Relaxed);
    let cmd = Cli::command();
    EAGER.store(false, Ordering::Relaxed);
    cmd
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

/// Adds `T`'s subcommands, keeping the texts the group's variant gave (clap applies the variant's attributes
/// before a deferred group is built, and `T`'s own doc comment would replace them).
fn build_group<T: Subcommand>(cmd: clap::Command) -> clap::Command {
    keep_texts(cmd, T::augment_subcommands)
}

/// Adds `T`'s arguments, keeping the texts the command's variant gave (as [`build_group`]).
fn build_args<T: Args>(cmd: clap::Command) -> clap::Command {
    keep_texts(cmd, T::augment_args)
}

/// `build(cmd)` with the about and after-help texts `cmd` had before.
fn keep_texts(cmd: clap::Command, build: fn(clap::Command) -> clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let after_help = cmd.get_after_help().cloned();
    let after_long_help = cmd.get_after_long_help().cloned();
    let mut cmd = build(cmd);
    if let Some(t) = about {
        cmd = cmd.about(t);
    }
    if let Some(t) = long_about {
        cmd = cmd.long_about(t);
    }
    if let Some(t) = after_help {
        cmd = cmd.after_help(t);
    }
    if let Some(t) = after_long_help {
        cmd = cmd.after_long_help(t);
    }
    cmd
}

/// `now(cmd)` when the whole tree is being built ([`eager_command`]), else `cmd` with `later` deferred until clap
/// builds that command.
fn now_or_later(
    cmd: clap::Command,
    now: fn(clap::Command) -> clap::Command,
    later: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    if EAGER.load(Ordering::Relaxed) {
        now(cmd)
    } else {
        cmd.defer(later)
    }
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        now_or_later(cmd, T::augment_subcommands, build_group::<T>)
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        let update = T::augment_subcommands_for_update;
        now_or_later(cmd, update, update)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        now_or_later(cmd, T::augment_args, build_args::<T>)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        let update = T::augment_args_for_update;
        now_or_later(cmd, update, update)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// Options every command sees.
#[derive(Debug, Clone, Copy)]
pub struct Globals {
    /// `--json` was given.
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What clap prints for `args` (help and usage errors are `Err`s carrying the text).
    fn render(cmd: clap::Command, args: &[&str]) -> String {
        match cmd.try_get_matches_from(args) {
            Ok(_) => "parsed".to_owned(),
            Err(e) => e.render().to_string(),
        }
    }

    /// Deferring groups and commands changes nothing a user sees: every group's and every command's help, and
    /// usage errors in a group or a command, read the same as from the eagerly built tree that man pages are made
    /// from.
    #[test]
    fn deferred_groups_print_what_the_eager_tree_prints() {
        let eager = eager_command();
        let mut checked = 0;
        for group in eager.get_subcommands() {
            let g = group.get_name();
            let mut cases = vec![
                vec!["secretctl", g, "--help"],
                vec!["secretctl", g, "-h"],
                vec!["secretctl", "help", g],
                vec!["secretctl", g, "--no-such-flag"],
            ];
            for verb in group.get_subcommands() {
                let v = verb.get_name();
                cases.push(vec!["secretctl", g, v, "--help"]);
                cases.push(vec!["secretctl", "help", g, v]);
                // Usage errors inside a deferred command: an unknown flag, and no arguments at all.
                cases.push(vec!["secretctl", g, v, "--no-such-flag"]);
                cases.push(vec!["secretctl", g, v]);
            }
            for args in cases {
                assert_eq!(
                    render(Cli::command(), &args),
                    render(eager_command(), &args),
                    "{args:?}"
                );
                checked += 1;
            }
        }
        assert!(
            checked > 100,
            "only {checked} cases: the tree was not walked"
        );
    }
}

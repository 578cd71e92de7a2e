//! `secretctl gitops`: a git repository of SOPS-encrypted vars files (age recipients), per host.
//!
//! Every workflow is a function of `secretctl_gitops::repo`; this module reads the arguments and prints the
//! reports (docs/json.md documents the `--json` shapes).

use std::path::PathBuf;

use anyhow::Context;
use secrecy::ExposeSecret;
use secretctl_gitops::repo::{self, Author, PushOptions, Repo, SchemaRestore};
use secretctl_gitops::sops::{Identities, Recipient};
use secretctl_instance::Instance;
use serde_json::json;

use crate::cli::{Deferred, Globals};
use crate::common::{say, write_stdout, SchemaOpt};
use crate::exit::usage;
use crate::formats::{self, DecryptArgs, EncryptArgs};
use crate::progress::Progress;

/// Arguments of `secretctl gitops`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Args {
    /// The gitops repository (any directory inside its working tree).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    repo: PathBuf,

    #[command(subcommand)]
    command: Deferred<Cmd>,
}

/// Where age identities come from.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub(crate) struct IdentityOpt {
    /// An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then
    /// $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY].
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
}

impl IdentityOpt {
    pub(crate) fn load(&self) -> anyhow::Result<Option<Identities>> {
        match &self.identity {
            Some(path) => Identities::from_key_file(path)
                .map(Some)
                .with_context(|| format!("{}: cannot load age identities", path.display())),
            None => Identities::from_env().context(
                "cannot load age identities from SECRETCTL_AGE_KEY_FILE / SOPS_AGE_KEY_FILE",
            ),
        }
    }

    fn require(&self) -> anyhow::Result<Identities> {
        self.load()?.ok_or_else(|| {
            let fix = "pass --identity FILE or set SECRETCTL_AGE_KEY_FILE to your age key file";
            usage(format!("no age identity: {fix}"))
        })
    }
}

/// Who the commits are by.
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
struct AuthorOpt {
    /// Commit author name [default: git config user.name].
    #[arg(long, value_name = "NAME")]
    author_name: Option<String>,
    /// Commit author email [default: git config user.email].
    #[arg(long, value_name = "EMAIL")]
    author_email: Option<String>,
}

impl AuthorOpt {
    fn author(&self) -> Author {
        Author {
            name: self.author_name.clone(),
            email: self.author_email.clone(),
        }
    }
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Create a gitops repository: layout, .sops.yaml, .gitattributes, merge driver, diff textconv and
    /// pre-commit check.
    Init {
        /// An age recipient (age1...) every vars file is encrypted to; repeat for several.
        #[arg(long = "recipient", value_name = "AGE1...", required = true)]
        recipients: Vec<Recipient>,
        #[command(flatten)]
        author: AuthorOpt,
    },
    /// Register the merge driver, diff textconv and pre-commit check in a clone's local git config and hooks
    /// (git never takes them from the repository itself).
    Setup,
    /// Split the host's .env into its template and encrypted vars, and commit what changed.
    Push(Deferred<PushArgs>),
    /// Render the host's .env from its template, the shared vars and its own vars (written 0600).
    Pull(Deferred<PullArgs>),
    /// Which keys changed per host between REV and the working tree; never values unless --show-values.
    Diff(Deferred<DiffArgs>),
    /// git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A.
    MergeDriver(Deferred<MergeArgs>),
    /// git diff textconv for vars files: key names and ciphertext digests, never values.
    Textconv {
        /// The file git hands over.
        file: PathBuf,
    },
    /// Encrypt one file as `sops -e` does (to stdout, or --in-place).
    Encrypt(Deferred<EncryptArgs>),
    /// Decrypt one file as `sops -d` does (to stdout, or --in-place).
    Decrypt(Deferred<DecryptArgs>),
    /// Pre-commit check: fail if a secret is staged in plaintext.
    Check {
        #[command(flatten)]
        schema: SchemaOpt,
    },
    /// Re-wrap each file's data key to its .sops.yaml creation rule's recipients, as `sops updatekeys`.
    Updatekeys {
        /// The SOPS files (in the working tree); written, not committed.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        identity: IdentityOpt,
    },
    /// Add or remove age recipients across every vars file.
    Recipients {
        #[command(subcommand)]
        command: RecipientsCmd,
    },
}

#[derive(Debug, clap::Args)]
#[group(skip)]
struct PushArgs {
    /// The host whose .env this is.
    #[arg(long)]
    host: String,
    /// The instance's .env.
    #[arg(long, value_name = "FILE", default_value = ".env")]
    env: PathBuf,
    #[command(flatten)]
    schema: SchemaOpt,
    #[command(flatten)]
    identity: IdentityOpt,
    #[command(flatten)]
    author: AuthorOpt,
    /// Write the files but do not commit (e.g. to resolve a conflicted merge, then `git add`).
    #[arg(long)]
    no_commit: bool,
    /// Allow KEY in plaintext after review: a plain value that looks like a credential (recorded in the template
    /// for that value), or a key encrypted today that the schema or .sops.yaml now leaves plain; repeatable.
    #[arg(long = "allow-plain", value_name = "KEY")]
    allow_plain: Vec<String>,
    /// Encrypt to the recipients .sops.yaml names even where the host's files are encrypted to others.
    #[arg(long)]
    accept_recipients: bool,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
struct PullArgs {
    /// The host to render.
    #[arg(long)]
    host: String,
    /// Where to write the .env.
    #[arg(long, value_name = "FILE", default_value = ".env")]
    out: PathBuf,
    /// Overwrite values of the existing .env that were never pushed (refused otherwise, listing their keys).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    identity: IdentityOpt,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
struct DiffArgs {
    /// The revision to compare with.
    #[arg(default_value = "HEAD")]
    rev: String,
    /// Decrypt and print the old and new values.
    #[arg(long)]
    show_values: bool,
    #[command(flatten)]
    identity: IdentityOpt,
}

#[derive(Debug, clap::Args)]
#[group(skip)]
struct MergeArgs {
    /// The common ancestor's version (%O).
    base: PathBuf,
    /// Our version, overwritten with the result (%A).
    ours: PathBuf,
    /// Their version (%B).
    theirs: PathBuf,
    /// Conflict marker size (%L); unused, conflicts are reported by key.
    marker_size: Option<String>,
    /// The file's path in the repository (%P), used for its format.
    path: Option<PathBuf>,
    #[command(flatten)]
    identity: IdentityOpt,
}

#[derive(Debug, clap::Subcommand)]
enum RecipientsCmd {
    /// Wrap every vars file's data key to more recipients (values unchanged) and commit.
    Add(RecipientsArgs),
    /// Remove recipients: every vars file they could read gets a new data key; commit.
    Remove(RecipientsArgs),
}

#[derive(Debug, clap::Args)]
#[group(skip)]
struct RecipientsArgs {
    /// The recipients to add (`add`) or remove (`remove`).
    #[arg(required = true, value_name = "AGE1...")]
    recipients: Vec<Recipient>,
    #[command(flatten)]
    identity: IdentityOpt,
    #[command(flatten)]
    author: AuthorOpt,
}

fn exe() -> anyhow::Result<PathBuf> {
    std::env::current_exe()
        .context("cannot find the secretctl executable to register as git's merge driver")
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let dir = args.repo.as_path();
    match args.command.0 {
        Cmd::Init { recipients, author } => {
            let repo = Repo::init(dir, &recipients, &exe()?, &author.author())?;
            let (root, n) = (repo.root().display(), recipients.len());
            let list: Vec<String> = recipients.iter().map(ToString::to_string).collect();
            let registered = "merge driver and diff textconv registered";
            let text =
                format!("initialised gitops repository {root} for {n} recipient(s); {registered}");
            g.print(&json!({ "repo": repo.root(), "recipients": list }), text)
        }
        Cmd::Setup => {
            let repo = Repo::open(dir)?;
            repo.configure(&exe()?)?;
            let root = repo.root().display();
            let what = "the secretctl merge driver, diff textconv and pre-commit check";
            say(format_args!("registered {what} for {root}"))
        }
        Cmd::Push(Deferred(a)) => push(g, &Repo::open(dir)?, a),
        Cmd::Pull(Deferred(a)) => {
            let (repo, ids) = (Repo::open(dir)?, a.identity.require()?);
            repo.pull_with(&a.host, &a.out, &ids, a.force)?;
            // The instance's schema and records (rotation dates, fingerprints) travel beside its .env.
            match repo.restore_schema(&a.host, &a.out)? {
                SchemaRestore::Restored(p) => eprintln!("restored the schema {}", p.display()),
                SchemaRestore::Differs { local, repository } => eprintln!(
                    "note: {} differs from the repository's {}; kept the local one",
                    local.display(),
                    repository.display()
                ),
                _ => {}
            }
            if let Some(state) = repo.render_state(&a.host, &ids)? {
                Instance::open(&a.out, None)?.restore_state(state.expose_secret())?;
            }
            let text = format_args!("wrote {} for host {}", a.out.display(), a.host);
            g.print(&json!({ "host": a.host, "out": a.out }), text)
        }
        Cmd::Diff(Deferred(a)) => {
            let ids = a.show_values.then(|| a.identity.require()).transpose()?;
            let diffs = Repo::open(dir)?.diff(&a.rev, ids.as_ref())?;
            if diffs.is_empty() && !g.json {
                say("no changes")?;
            }
            g.print_all(&diffs)
        }
        Cmd::MergeDriver(Deferred(a)) => {
            let ids = a.identity.require()?;
            Ok(repo::merge_driver(
                &a.base,
                &a.ours,
                &a.theirs,
                a.path.as_deref(),
                &ids,
            )?)
        }
        Cmd::Textconv { file } => write_stdout(&[repo::textconv_file(&file)?.as_bytes()]),
        Cmd::Encrypt(Deferred(a)) => formats::encrypt(dir, &a),
        Cmd::Decrypt(Deferred(a)) => formats::decrypt(&a),
        Cmd::Check { schema } => {
            // The instance rule: every key is secret unless the schema (--schema, else ./secretctl.toml) declares it
            // plain; values that look like credentials are refused even when declared plain.
            let inst = Instance::open(std::path::Path::new(".env"), schema.schema.as_deref())?;
            let findings = Repo::open(dir)?.check_staged(&|k| inst.is_secret(k))?;
            g.print_all(&findings)?;
            if !findings.is_empty() {
                let count = findings.len();
                return Err(repo::Error::StagedFindings { count }.into());
            }
            if g.json {
                Ok(())
            } else {
                say("ok: no secret staged in plaintext")
            }
        }
        Cmd::Updatekeys { files, identity } => {
            let done = Repo::open(dir)?.update_keys(&files, &identity.require()?)?;
            g.print(&done, &done)
        }
        Cmd::Recipients { command } => recipients(g, &Repo::open(dir)?, command),
    }
}

fn push(g: Globals, repo: &Repo, a: PushArgs) -> anyhow::Result<()> {
    // The instance of that .env: its schema places the keys, its state and schema travel with it.
    let inst = Instance::open(&a.env, a.schema.schema.as_deref())?;
    let (ids, author) = (
        a.identity.load()?,
        (!a.no_commit).then(|| a.author.author()),
    );
    let mut opts = PushOptions::default();
    (opts.allow_plain, opts.accept_recipients) = (a.allow_plain, a.accept_recipients);
    let pushed = repo.push_instance(&a.host, &inst, ids.as_ref(), author.as_ref(), &opts)?;
    for note in pushed.notes() {
        eprintln!("{note}");
    }
    let host = &a.host;
    let files = pushed.changed.iter().map(|p| p.display().to_string());
    let files = files.collect::<Vec<_>>().join(", ");
    let text = if let Some(commit) = pushed.commit {
        let (n, m, p) = (
            pushed.host_keys.len(),
            pushed.shared_keys.len(),
            pushed.plain_keys.len(),
        );
        let short = &commit.to_string()[..12];
        format!("pushed host {host}: {files} ({n} host secret(s), {m} shared, {p} plain); commit {short}")
    } else if a.no_commit && !pushed.changed.is_empty() {
        format!("wrote host {host}: {files} (not committed; `git add` them)")
    } else {
        format!("host {host}: nothing changed, nothing committed")
    };
    let mut doc = serde_json::to_value(&pushed)?;
    doc["host"] = host.as_str().into();
    g.print(&doc, text)
}

fn recipients(g: Globals, repo: &Repo, command: RecipientsCmd) -> anyhow::Result<()> {
    let mut bar = Progress::bar("vars files");
    let mut progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let (a, add) = match command {
        RecipientsCmd::Add(a) => (a, true),
        RecipientsCmd::Remove(a) => (a, false),
    };
    let (recipients, ids, author) = (&a.recipients, a.identity.require()?, a.author.author());
    let done = if add {
        repo.add_recipients(recipients, &ids, &author, &mut progress)?
    } else {
        repo.remove_recipients(recipients, &ids, &author, &mut progress)?
    };
    bar.finish_and_clear();
    let verb = ["removed (data keys rotated)", "added"][usize::from(add)];
    let (n, m) = (done.changed.len(), done.recipients.len());
    let text = format!("recipients {verb}: {n} file(s) rewritten; now {m} recipient(s)");
    g.print(&done, text)
}

//! `secretctl gitops`: a git repository of SOPS-encrypted vars files (age recipients), per host.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use secrecy::ExposeSecret;
use secretctl_gitops::repo::{self, Author, ChangeKind, Placement, Repo, Source};
use secretctl_gitops::sops::{Identities, Recipient};
use serde_json::json;

use crate::cli::Globals;
use crate::common::SchemaOpt;
use crate::exit::{coded, ErrorKind, WithCode};

/// Arguments of `secretctl gitops`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gitops repository (any directory inside its working tree).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    repo: PathBuf,

    #[command(subcommand)]
    command: Cmd,
}

/// Where age identities come from.
#[derive(Debug, Clone, clap::Args)]
struct IdentityOpt {
    /// An age identity file (AGE-SECRET-KEY-1... lines) [default: $SECRETCTL_AGE_KEY_FILE, then
    /// $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY].
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
}

impl IdentityOpt {
    fn load(&self) -> anyhow::Result<Option<Identities>> {
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
            coded(
                ErrorKind::Usage,
                anyhow::anyhow!(
                    "no age identity: pass --identity FILE or set SECRETCTL_AGE_KEY_FILE to your age key file"
                ),
            )
        })
    }
}

/// Who the commits are by.
#[derive(Debug, Clone, clap::Args)]
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
        recipients: Vec<String>,
        #[command(flatten)]
        author: AuthorOpt,
    },
    /// Register the merge driver, diff textconv and pre-commit check in a clone's local git config and hooks
    /// (git never takes them from the repository itself).
    Setup,
    /// Split the host's .env into its template and encrypted vars, and commit what changed.
    Push {
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
    },
    /// Render the host's .env from its template, the shared vars and its own vars (written 0600).
    Pull {
        /// The host to render.
        #[arg(long)]
        host: String,
        /// Where to write the .env.
        #[arg(long, value_name = "FILE", default_value = ".env")]
        out: PathBuf,
        #[command(flatten)]
        identity: IdentityOpt,
    },
    /// Which keys changed per host between REV and the working tree; never values unless --show-values.
    Diff {
        /// The revision to compare with.
        #[arg(default_value = "HEAD")]
        rev: String,
        /// Decrypt and print the old and new values.
        #[arg(long)]
        show_values: bool,
        #[command(flatten)]
        identity: IdentityOpt,
    },
    /// git merge driver for vars files: `merge-driver %O %A %B %L %P`; writes the encrypted merge to %A.
    MergeDriver {
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
    },
    /// git diff textconv for vars files: key names and ciphertext digests, never values.
    Textconv {
        /// The file git hands over.
        file: PathBuf,
    },
    /// Encrypt one file as `sops -e` does (to stdout, or --in-place).
    Encrypt {
        /// The plaintext YAML or dotenv file.
        file: PathBuf,
        /// Recipients [default: those in the repository's .sops.yaml].
        #[arg(long = "recipient", value_name = "AGE1...")]
        recipients: Vec<String>,
        /// Replace the file with its encrypted form.
        #[arg(long)]
        in_place: bool,
    },
    /// Decrypt one file as `sops -d` does (to stdout, or --in-place).
    Decrypt {
        /// The SOPS file.
        file: PathBuf,
        /// Replace the file with its plaintext (written 0600); refused inside a git working tree.
        #[arg(long)]
        in_place: bool,
        #[command(flatten)]
        identity: IdentityOpt,
    },
    /// Pre-commit check: fail if a secret is staged in plaintext.
    Check {
        #[command(flatten)]
        schema: SchemaOpt,
    },
    /// Add or remove age recipients across every vars file.
    Recipients {
        #[command(subcommand)]
        command: RecipientsCmd,
    },
}

#[derive(Debug, clap::Subcommand)]
enum RecipientsCmd {
    /// Wrap every vars file's data key to more recipients (values unchanged) and commit.
    Add {
        /// The recipients to add.
        #[arg(required = true, value_name = "AGE1...")]
        recipients: Vec<String>,
        #[command(flatten)]
        identity: IdentityOpt,
        #[command(flatten)]
        author: AuthorOpt,
    },
    /// Remove recipients: every vars file they could read gets a new data key; commit.
    Remove {
        /// The recipients to remove.
        #[arg(required = true, value_name = "AGE1...")]
        recipients: Vec<String>,
        #[command(flatten)]
        identity: IdentityOpt,
        #[command(flatten)]
        author: AuthorOpt,
    },
}

fn parse_recipients(list: &[String]) -> anyhow::Result<Vec<Recipient>> {
    list.iter()
        .map(|s| {
            s.parse::<Recipient>()
                .map_err(|_| anyhow::anyhow!("`{s}` is not an age recipient (age1...)"))
                .code(ErrorKind::Usage)
        })
        .collect()
}

fn exe() -> anyhow::Result<PathBuf> {
    std::env::current_exe()
        .context("cannot find the secretctl executable to register as git's merge driver")
}

/// Where a key goes: the schema's classification when there is one, else the name heuristics. The one rule
/// `push` and `check` are given, so the lead can swap it for the instance's classification.
fn classifier(opt: &SchemaOpt) -> anyhow::Result<impl Fn(&str) -> Placement> {
    let schema = secretctl_schema::Schema::find(opt.schema.as_deref())
        .context("cannot load the schema (secretctl.toml)")?;
    Ok(move |key: &str| match &schema {
        Some(s) => match s.get(key).or_else(|| s.version_value_of(key)) {
            Some(spec) if spec.shared => Placement::Shared,
            Some(_) => Placement::Host,
            None if s.is_secret(key) => Placement::Host,
            None => Placement::Plain,
        },
        None if secretctl_schema::is_secret_name(key) => Placement::Host,
        None => Placement::Plain,
    })
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let dir = args.repo.as_path();
    match args.command {
        Cmd::Init { recipients, author } => {
            let recipients = parse_recipients(&recipients)?;
            let repo = Repo::init(dir, &recipients, &exe()?, &author.author())?;
            let root = repo.root().display();
            if g.json {
                let list: Vec<String> = recipients.iter().map(ToString::to_string).collect();
                let doc = json!({ "repo": repo.root(), "recipients": list });
                writeln!(out, "{doc}")?;
            } else {
                writeln!(
                    out,
                    "initialised gitops repository {root} for {} recipient(s); merge driver and diff textconv registered",
                    recipients.len()
                )?;
            }
        }
        Cmd::Setup => {
            let repo = Repo::open(dir)?;
            repo.configure(&exe()?)?;
            writeln!(
                out,
                "registered the secretctl merge driver, diff textconv and pre-commit check for {}",
                repo.root().display()
            )?;
        }
        Cmd::Push {
            host,
            env,
            schema,
            identity,
            author,
            no_commit,
        } => {
            let repo = Repo::open(dir)?;
            let classify = classifier(&schema)?;
            let ids = identity.load()?;
            let author = (!no_commit).then(|| author.author());
            let pushed = repo.push_file(&host, &env, &classify, ids.as_ref(), author.as_ref())?;
            let changed: Vec<String> = pushed
                .changed
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let (hosts, shared) = (&pushed.host_keys, &pushed.shared_keys);
            if g.json {
                let commit = pushed.commit.map(|o| o.to_string());
                let doc = json!({ "host": host, "changed": changed, "commit": commit, "host_keys": hosts,
                                  "shared_keys": shared });
                writeln!(out, "{doc}")?;
            } else if let Some(commit) = pushed.commit {
                let (files, n, m) = (changed.join(", "), hosts.len(), shared.len());
                let short = &commit.to_string()[..12];
                writeln!(
                    out,
                    "pushed host {host}: {files} ({n} host secret(s), {m} shared); commit {short}"
                )?;
            } else if no_commit && !changed.is_empty() {
                let files = changed.join(", ");
                writeln!(
                    out,
                    "wrote host {host}: {files} (not committed; `git add` them)"
                )?;
            } else {
                writeln!(out, "host {host}: nothing changed, nothing committed")?;
            }
        }
        Cmd::Pull {
            host,
            out: path,
            identity,
        } => {
            let repo = Repo::open(dir)?;
            repo.pull(&host, &path, &identity.require()?)?;
            if g.json {
                writeln!(out, "{}", json!({ "host": host, "out": path }))?;
            } else {
                writeln!(out, "wrote {} for host {host}", path.display())?;
            }
        }
        Cmd::Diff {
            rev,
            show_values,
            identity,
        } => {
            let repo = Repo::open(dir)?;
            let ids = show_values.then(|| identity.require()).transpose()?;
            print_diff(&mut out, g.json, &repo.diff(&rev, ids.as_ref())?)?;
        }
        Cmd::MergeDriver {
            base,
            ours,
            theirs,
            marker_size: _,
            path,
            identity,
        } => {
            let ids = identity.require()?;
            let conflicts = repo::merge_driver(&base, &ours, &theirs, path.as_deref(), &ids)?;
            if !conflicts.is_empty() {
                let shown = path.as_deref().unwrap_or(&ours).display();
                for key in &conflicts {
                    eprintln!("conflict: {shown}: {key} changed differently on both sides");
                }
                return Err(coded(
                    ErrorKind::Other,
                    anyhow::anyhow!(
                        "{shown}: {} key(s) conflict; ours is kept for them. Resolve with `secretctl gitops decrypt`, \
                         edit, `secretctl gitops encrypt --in-place`, then `git add`",
                        conflicts.len()
                    ),
                ));
            }
        }
        Cmd::Textconv { file } => out.write_all(repo::textconv_file(&file)?.as_bytes())?,
        Cmd::Encrypt {
            file,
            recipients,
            in_place,
        } => {
            let recipients = if recipients.is_empty() {
                Repo::open(dir)?.recipients()?
            } else {
                parse_recipients(&recipients)?
            };
            let encrypted = repo::encrypt_file_at(&file, &recipients, in_place)?;
            if !in_place {
                out.write_all(encrypted.as_bytes())?;
            }
        }
        Cmd::Decrypt {
            file,
            in_place,
            identity,
        } => {
            let plain = repo::decrypt_file_at(&file, &identity.require()?, in_place)?;
            if !in_place {
                out.write_all(plain.expose_secret().as_bytes())?;
            }
        }
        Cmd::Check { schema } => {
            let repo = Repo::open(dir)?;
            let classify = classifier(&schema)?;
            let findings = repo.check_staged(&|k| classify(k) != Placement::Plain)?;
            if g.json {
                let list: Vec<_> = findings
                    .iter()
                    .map(|f| json!({ "path": f.path, "key": f.key, "problem": f.problem }))
                    .collect();
                writeln!(out, "{}", serde_json::Value::Array(list))?;
            } else {
                for f in &findings {
                    match &f.key {
                        Some(k) => writeln!(out, "{}: {k}: {}", f.path, f.problem)?,
                        None => writeln!(out, "{}: {}", f.path, f.problem)?,
                    }
                }
            }
            if !findings.is_empty() {
                return Err(coded(
                    ErrorKind::Other,
                    anyhow::anyhow!(
                        "{} secret(s) staged in plaintext; unstage them (git restore --staged FILE) and use `secretctl gitops push`",
                        findings.len()
                    ),
                ));
            }
            if !g.json {
                writeln!(out, "ok: no secret staged in plaintext")?;
            }
        }
        Cmd::Recipients { command } => recipients(g, &mut out, &Repo::open(dir)?, command)?,
    }
    Ok(())
}

fn recipients(
    g: Globals,
    out: &mut impl Write,
    repo: &Repo,
    command: RecipientsCmd,
) -> anyhow::Result<()> {
    let bar = files_progress_bar();
    let mut progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let (changed, verb) = match command {
        RecipientsCmd::Add {
            recipients,
            identity,
            author,
        } => {
            let (list, ids) = (parse_recipients(&recipients)?, identity.require()?);
            (
                repo.add_recipients(&list, &ids, &author.author(), &mut progress)?,
                "added",
            )
        }
        RecipientsCmd::Remove {
            recipients,
            identity,
            author,
        } => {
            let (list, ids) = (parse_recipients(&recipients)?, identity.require()?);
            let done = repo.remove_recipients(&list, &ids, &author.author(), &mut progress)?;
            (done, "removed (data keys rotated)")
        }
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let files: Vec<String> = changed
        .changed
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let now = changed.recipients.len();
    if g.json {
        let list: Vec<String> = changed.recipients.iter().map(ToString::to_string).collect();
        let commit = changed.commit.map(|o| o.to_string());
        writeln!(
            out,
            "{}",
            json!({ "recipients": list, "changed": files, "commit": commit })
        )?;
    } else {
        let n = files.len();
        writeln!(
            out,
            "recipients {verb}: {n} file(s) rewritten; now {now} recipient(s)"
        )?;
    }
    Ok(())
}

fn print_diff(out: &mut impl Write, json: bool, diffs: &[repo::HostDiff]) -> anyhow::Result<()> {
    let kind = |k: ChangeKind| match k {
        ChangeKind::Added => ("added", '+'),
        ChangeKind::Removed => ("removed", '-'),
        _ => ("changed", '~'),
    };
    let source = |s: Source| match s {
        Source::Template => "template",
        _ => "vars",
    };
    if json {
        let list: Vec<_> = diffs
            .iter()
            .map(|d| {
                let changes: Vec<_> = d
                    .changes
                    .iter()
                    .map(|c| {
                        let mut v = serde_json::json!({
                            "key": c.key,
                            "change": kind(c.kind).0,
                            "file": source(c.source),
                        });
                        if let Some(old) = &c.old {
                            v["old"] = old.expose_secret().into();
                        }
                        if let Some(new) = &c.new {
                            v["new"] = new.expose_secret().into();
                        }
                        v
                    })
                    .collect();
                serde_json::json!({ "host": d.host, "changes": changes })
            })
            .collect();
        serde_json::to_writer(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    if diffs.is_empty() {
        writeln!(out, "no changes")?;
    }
    for d in diffs {
        writeln!(out, "host {}:", d.host)?;
        for c in &d.changes {
            let (_, sign) = kind(c.kind);
            write!(out, "  {sign} {} ({})", c.key, source(c.source))?;
            match (&c.old, &c.new) {
                (None, None) => {}
                (old, new) => {
                    let show = |v: &Option<secrecy::SecretString>| {
                        v.as_ref().map_or_else(
                            || "(none)".to_owned(),
                            |v| format!("{:?}", v.expose_secret()),
                        )
                    };
                    write!(out, ": {} -> {}", show(old), show(new))?;
                }
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// A progress bar over the repository's vars files, on stderr when it is a terminal; nothing otherwise (scripts and
/// CI logs stay quiet).
fn files_progress_bar() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} vars files {msg}")
        {
            bar.set_style(style);
        }
        bar
    })
}

//! `secretctl gitops`: a git repository of SOPS-encrypted vars files (age recipients), per host.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use secrecy::ExposeSecret;
use secretctl_gitops::repo::{self, Author, ChangeKind, Placement, Repo, Source};
use secretctl_gitops::sops::{self, Format, Identities, Recipient};
use zeroize::Zeroizing;

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

/// Attach the documented exit code to a repository error.
fn repo_code(e: repo::Error) -> anyhow::Error {
    let code = if matches!(e, repo::Error::PlaintextInRepository { .. }) {
        ErrorKind::Usage
    } else if e.is_integrity() {
        ErrorKind::Integrity
    } else if e.is_not_found() {
        ErrorKind::NotFound
    } else {
        ErrorKind::Other
    };
    coded(code, e)
}

/// Attach the documented exit code to a format error about `path`.
fn sops_code(path: &Path, e: sops::Error) -> anyhow::Error {
    let code = if repo::sops_is_integrity(&e) {
        ErrorKind::Integrity
    } else {
        ErrorKind::Other
    };
    coded(
        code,
        anyhow::Error::new(e).context(format!("{}", path.display())),
    )
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

fn open(dir: &Path) -> anyhow::Result<Repo> {
    Repo::open(dir).map_err(|e| coded(ErrorKind::NotFound, e))
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Other
        };
        coded(
            code,
            anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
        )
    })?;
    let mut buf = Vec::new();
    file.take(repo::MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if buf.len() as u64 > repo::MAX_FILE_BYTES {
        bail!(
            "{}: larger than {} bytes; refusing it",
            path.display(),
            repo::MAX_FILE_BYTES
        );
    }
    String::from_utf8(buf).map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", path.display()))
}

fn exe() -> anyhow::Result<PathBuf> {
    std::env::current_exe()
        .context("cannot find the secretctl executable to register as git's merge driver")
}

/// The secret classification of a key: the schema when there is one, else the name heuristics.
struct Classifier {
    schema: Option<secretctl_schema::Schema>,
}

impl Classifier {
    fn load(opt: &SchemaOpt) -> anyhow::Result<Classifier> {
        let schema = secretctl_schema::Schema::find(opt.schema.as_deref())
            .context("cannot load the schema (secretctl.toml)")?;
        Ok(Classifier { schema })
    }

    fn placement(&self, key: &str) -> Placement {
        match &self.schema {
            Some(s) => match s.get(key).or_else(|| s.version_value_of(key)) {
                Some(spec) if spec.shared => Placement::Shared,
                Some(_) => Placement::Host,
                None if s.is_secret(key) => Placement::Host,
                None => Placement::Plain,
            },
            None if secretctl_schema::is_secret_name(key) => Placement::Host,
            None => Placement::Plain,
        }
    }

    fn is_secret(&self, key: &str) -> bool {
        self.placement(key) != Placement::Plain
    }
}

pub fn run(g: Globals, args: Args) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.command {
        Cmd::Init { recipients, author } => {
            let recipients = parse_recipients(&recipients)?;
            let repo = Repo::init(&args.repo, &recipients, &exe()?, &author.author())
                .map_err(repo_code)?;
            if g.json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({
                        "repo": repo.root(),
                        "recipients": recipients.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    }),
                )?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "initialised gitops repository {} for {} recipient(s); merge driver and diff textconv registered",
                    repo.root().display(),
                    recipients.len()
                )?;
            }
        }
        Cmd::Setup => {
            let repo = open(&args.repo)?;
            repo.configure(&exe()?).map_err(repo_code)?;
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
            let repo = open(&args.repo)?;
            let classifier = Classifier::load(&schema)?;
            // The .env holds every secret in plaintext: wiped when dropped.
            let env_text = Zeroizing::new(read_text(&env)?);
            let ids = identity.load()?;
            let outcome = repo
                .push(
                    &host,
                    &env_text,
                    &env,
                    &|k| classifier.placement(k),
                    ids.as_ref(),
                    (!no_commit).then(|| author.author()).as_ref(),
                )
                .map_err(repo_code)?;
            let changed: Vec<String> = outcome
                .changed
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            if g.json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({
                        "host": host,
                        "changed": changed,
                        "commit": outcome.commit.map(|o| o.to_string()),
                        "host_keys": outcome.host_keys,
                        "shared_keys": outcome.shared_keys,
                    }),
                )?;
                writeln!(out)?;
            } else if let Some(commit) = outcome.commit {
                writeln!(
                    out,
                    "pushed host {host}: {} ({} host secret(s), {} shared); commit {}",
                    changed.join(", "),
                    outcome.host_keys.len(),
                    outcome.shared_keys.len(),
                    &commit.to_string()[..12]
                )?;
            } else if no_commit && !changed.is_empty() {
                writeln!(
                    out,
                    "wrote host {host}: {} (not committed; `git add` them)",
                    changed.join(", ")
                )?;
            } else {
                writeln!(out, "host {host}: nothing changed, nothing committed")?;
            }
        }
        Cmd::Pull {
            host,
            out: out_path,
            identity,
        } => {
            let repo = open(&args.repo)?;
            repo.refuse_plaintext_at(&out_path).map_err(repo_code)?;
            let ids = identity.require()?;
            let text = repo.render(&host, &ids).map_err(repo_code)?;
            // The same lock `secretctl env set` takes, so a concurrent edit of the .env is not lost silently.
            let _lock = secretctl_envfile::fs::lock_exclusive(&out_path)
                .with_context(|| format!("cannot lock {}", out_path.display()))?;
            secretctl_envfile::fs::write_atomic(&out_path, text.expose_secret().as_bytes(), 0o600)
                .with_context(|| format!("cannot write {}", out_path.display()))?;
            if g.json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({ "host": host, "out": out_path }),
                )?;
                writeln!(out)?;
            } else {
                writeln!(out, "wrote {} for host {host}", out_path.display())?;
            }
        }
        Cmd::Diff {
            rev,
            show_values,
            identity,
        } => {
            let repo = open(&args.repo)?;
            let ids = if show_values {
                Some(identity.require()?)
            } else {
                None
            };
            let diffs = repo.diff(&rev, ids.as_ref()).map_err(repo_code)?;
            print_diff(&mut out, g.json, &diffs)?;
        }
        Cmd::MergeDriver {
            base,
            ours,
            theirs,
            marker_size: _,
            path,
            identity,
        } => merge_driver(&base, &ours, &theirs, path.as_deref(), &identity)?,
        Cmd::Textconv { file } => {
            let text = read_text(&file)?;
            let format = repo::detect_format(&text).unwrap_or_else(|| Format::from_path(&file));
            out.write_all(repo::textconv(&text, format).as_bytes())?;
        }
        Cmd::Encrypt {
            file,
            recipients,
            in_place,
        } => {
            let recipients = if recipients.is_empty() {
                open(&args.repo)?.recipients().map_err(repo_code)?
            } else {
                parse_recipients(&recipients)?
            };
            let text = Zeroizing::new(read_text(&file)?);
            let format = Format::from_path(&file);
            if sops::is_encrypted(&text, format) {
                bail!(
                    "{}: already encrypted (it has sops metadata)",
                    file.display()
                );
            }
            let enc =
                sops::encrypt_file(&text, format, &recipients).map_err(|e| sops_code(&file, e))?;
            if in_place {
                secretctl_envfile::fs::write_atomic(&file, enc.as_bytes(), 0o600)
                    .with_context(|| format!("cannot write {}", file.display()))?;
            } else {
                out.write_all(enc.as_bytes())?;
            }
        }
        Cmd::Decrypt {
            file,
            in_place,
            identity,
        } => {
            if in_place {
                let dir = file
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                if let Ok(repo) = Repo::open(dir) {
                    repo.refuse_plaintext_at(&file).map_err(repo_code)?;
                }
            }
            let ids = identity.require()?;
            let text = read_text(&file)?;
            let format = Format::from_path(&file);
            let plain = sops::decrypt_file(&text, format, &ids).map_err(|e| sops_code(&file, e))?;
            if in_place {
                secretctl_envfile::fs::write_atomic(&file, plain.expose_secret().as_bytes(), 0o600)
                    .with_context(|| format!("cannot write {}", file.display()))?;
            } else {
                out.write_all(plain.expose_secret().as_bytes())?;
            }
        }
        Cmd::Check { schema } => {
            let repo = open(&args.repo)?;
            let classifier = Classifier::load(&schema)?;
            let findings = repo
                .check_staged(&|k| classifier.is_secret(k))
                .map_err(repo_code)?;
            if g.json {
                let list: Vec<_> = findings
                    .iter()
                    .map(|f| serde_json::json!({ "path": f.path, "key": f.key, "problem": f.problem }))
                    .collect();
                serde_json::to_writer(&mut out, &list)?;
                writeln!(out)?;
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
        Cmd::Recipients { command } => {
            let repo = open(&args.repo)?;
            let bar = files_progress_bar();
            let mut progress = |done: usize, total: usize| {
                if let Some(bar) = &bar {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }
            };
            let (outcome, verb) = match command {
                RecipientsCmd::Add {
                    recipients,
                    identity,
                    author,
                } => {
                    let list = parse_recipients(&recipients)?;
                    let ids = identity.require()?;
                    (
                        repo.add_recipients(&list, &ids, &author.author(), &mut progress)
                            .map_err(repo_code)?,
                        "added",
                    )
                }
                RecipientsCmd::Remove {
                    recipients,
                    identity,
                    author,
                } => {
                    let list = parse_recipients(&recipients)?;
                    let ids = identity.require()?;
                    (
                        repo.remove_recipients(&list, &ids, &author.author(), &mut progress)
                            .map_err(repo_code)?,
                        "removed (data keys rotated)",
                    )
                }
            };
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let changed: Vec<String> = outcome
                .changed
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            if g.json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({
                        "recipients": outcome.recipients.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "changed": changed,
                        "commit": outcome.commit.map(|o| o.to_string()),
                    }),
                )?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "recipients {verb}: {} file(s) rewritten; now {} recipient(s)",
                    changed.len(),
                    outcome.recipients.len()
                )?;
            }
        }
    }
    Ok(())
}

fn merge_driver(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: Option<&Path>,
    identity: &IdentityOpt,
) -> anyhow::Result<()> {
    let ids = identity.require()?;
    let (o, a, b) = (read_text(base)?, read_text(ours)?, read_text(theirs)?);
    let format = path.map(Format::from_path);
    let shown = path.unwrap_or(ours);
    let outcome = repo::merge_vars(&o, &a, &b, format, &ids).map_err(|e| sops_code(shown, e))?;
    // Only the encrypted result is ever written, and only to %A, which git then records.
    secretctl_envfile::fs::write_atomic(ours, outcome.text.as_bytes(), 0o600)
        .with_context(|| format!("cannot write the merge result to {}", ours.display()))?;
    if outcome.conflicts.is_empty() {
        return Ok(());
    }
    let mut err = std::io::stderr().lock();
    for key in &outcome.conflicts {
        let _ = writeln!(
            err,
            "conflict: {}: {key} changed differently on both sides",
            shown.display()
        );
    }
    Err(coded(
        ErrorKind::Other,
        anyhow::anyhow!(
            "{}: {} key(s) conflict; ours is kept for them. Resolve with `secretctl gitops decrypt`, edit, \
             `secretctl gitops encrypt --in-place`, then `git add`",
            shown.display(),
            outcome.conflicts.len()
        ),
    ))
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

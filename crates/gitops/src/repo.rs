//! A gitops repository: layout, push, pull, diff, merge driver, recipients, pre-commit check (git2).
//!
//! # Layout
//! ```text
//! .sops.yaml                    the repository's age recipients, as a sops creation rule
//! .gitattributes                vars files use the `secretctl` merge driver and diff textconv
//! hosts/<host>/env.template     the host's .env with every secret value replaced by a placeholder
//! hosts/<host>/vars.yaml        the host's secret values, SOPS-encrypted to the recipients
//! hosts/<host>/state.yaml       the instance's state file, SOPS-encrypted
//! hosts/<host>/secretctl.toml   the instance's schema (it holds no secret)
//! hosts/_shared/vars.yaml       values every host shares; a host's own value wins
//! ```
//! A placeholder is the value `secretctl:vars:<KEY>` (see [`placeholder`]). Files are read from and written to
//! the working tree; commits are made with git2 from HEAD's tree plus exactly the files an operation changed, so
//! anything else the operator has staged is neither committed nor lost.
//!
//! The repository is hostile input (anyone who can push a commit writes it): a symbolic link at any component of a
//! file secretctl reads or writes below the root is refused, never followed ([`Error::SymlinkInRepository`]); host
//! directories are validated by name; plaintext destinations are resolved through every link before anything is
//! decrypted ([`Repo::refuse_plaintext_at`]). The pre-commit check ([`Repo::check_staged_with`]) reads the index
//! git is about to commit (`GIT_INDEX_FILE`).
//!
//! # Examples
//! ```
//! use secretctl_gitops::repo::{is_placeholder, placeholder, vars_path};
//!
//! assert_eq!(placeholder("DB_PASSWORD"), "secretctl:vars:DB_PASSWORD");
//! assert!(is_placeholder("DB_PASSWORD", "secretctl:vars:DB_PASSWORD"));
//! assert!(!is_placeholder("DB_PASSWORD", "hunter2"));
//! assert_eq!(vars_path("web1").to_str(), Some("hosts/web1/vars.yaml"));
//! ```

mod files;
mod guard;
mod local;
mod merge;
mod object;
mod placement;
mod push;
mod recipients;
mod report;
mod scan;
mod schema;
use crate::sops_config as sopsconfig;
mod staged;
mod template;

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use secretctl_error::{ErrorKind, Kind};

use crate::sops::{self, Format, Identities, Recipient, Vars};

pub use files::{decrypt_file_at, encrypt_file_at, merge_driver, read_text, textconv_file};
pub use files::{decrypt_file_at_using, encrypt_file_at_to};
pub use merge::{detect_format, merge_vars, MergeOutcome};
pub use placement::{declared_placement, PlainRefusal, RecipientChange};
pub use push::PushOptions;
pub use recipients::{KeyUpdate, UpdateKeysOutcome};
pub use scan::{entries, textconv, Entry};
pub use schema::SchemaRestore;
pub use staged::CheckRules;
pub use template::{Placement, ALLOW_PLAIN_PREFIX, PLACEHOLDER_PREFIX};

/// The pseudo-host whose vars every host shares.
pub const SHARED_HOST: &str = "_shared";
/// The directory holding one directory per host.
pub const HOSTS_DIR: &str = "hosts";
/// The repository's sops configuration, listing its recipients.
pub const SOPS_CONFIG: &str = ".sops.yaml";
/// The git attributes file registering the merge driver and the diff textconv.
pub const GITATTRIBUTES: &str = ".gitattributes";
/// The name of the merge driver and diff driver in git's configuration and `.gitattributes`.
pub const DRIVER: &str = "secretctl";

/// git's file mode of a symbolic link.
const LINK_MODE: i32 = 0o120_000;

/// Largest file this module reads or writes (a vars file, a template, a state file, a staged blob, a file
/// encrypted or decrypted in place, a pulled `.env`): the one limit of every secret file,
/// [`secretctl_envfile::MAX_FILE_BYTES`]. Every writer checks it before writing anything ([`Error::WouldBeTooLarge`]).
pub const MAX_FILE_BYTES: u64 = secretctl_envfile::MAX_FILE_BYTES;

/// The index entry of the working-tree file `rel` whose content is the blob `id`, with the file's stat data as
/// `git add` records it (git's index keeps 32-bit stat fields: larger values are truncated, as git truncates them).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // git's on-disk index format, see above
fn index_entry(rel: &Path, id: git2::Oid, meta: &std::fs::Metadata) -> git2::IndexEntry {
    use std::os::unix::fs::MetadataExt;
    let mode = if meta.mode() & 0o111 != 0 {
        0o100_755
    } else {
        0o100_644
    };
    git2::IndexEntry {
        ctime: git2::IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32),
        mtime: git2::IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode,
        uid: meta.uid(),
        gid: meta.gid(),
        file_size: meta.size() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: rel.as_os_str().as_encoded_bytes().to_vec(),
    }
}

/// Refuse to write `len` bytes to `path` when secretctl would then refuse to read the file.
fn check_size(path: &Path, len: usize) -> Result<()> {
    let size = len as u64;
    if size > MAX_FILE_BYTES {
        return Err(Error::WouldBeTooLarge {
            path: path.to_owned(),
            size,
        });
    }
    Ok(())
}

/// Errors of repository operations. Messages name the file and the fix, never a secret value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The directory is not (inside) a git repository.
    #[error("{}: not a git repository; run `secretctl gitops init --repo {}` or pass --repo", path.display(), path.display())]
    NotARepository {
        /// The directory.
        path: PathBuf,
        /// What git2 said.
        #[source]
        source: git2::Error,
    },
    /// The repository has no working tree (a bare repository).
    #[error("{}: a bare repository has no working tree; use a clone", path.display())]
    Bare {
        /// The repository.
        path: PathBuf,
    },
    /// A git operation failed.
    #[error("{what}: {source}")]
    Git {
        /// What was being done.
        what: String,
        /// What git2 said.
        #[source]
        source: git2::Error,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file is larger than [`MAX_FILE_BYTES`].
    #[error("{}: larger than {MAX_FILE_BYTES} bytes; refusing it", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// Writing a file would make one larger than [`MAX_FILE_BYTES`], which secretctl refuses to read: refused
    /// before anything of the operation was written.
    #[error("{}: refusing to write it: {size} bytes, more than the {MAX_FILE_BYTES} bytes secretctl reads; nothing was written", path.display())]
    WouldBeTooLarge {
        /// The file.
        path: PathBuf,
        /// The size it would have.
        size: u64,
    },
    /// A file is not UTF-8 text.
    #[error("{}: not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// A vars file could not be decrypted, verified or written.
    #[error("{}: {source}", path.display())]
    Sops {
        /// The file.
        path: PathBuf,
        /// The format error.
        #[source]
        source: sops::Error,
    },
    /// A .env or template is not a valid Compose envfile.
    #[error("{}: {source}", path.display())]
    EnvParse {
        /// The file.
        path: PathBuf,
        /// Where and what (never the text).
        #[source]
        source: secretctl_envfile::ParseError,
    },
    /// A template could not be edited (a key name the envfile dialect cannot write).
    #[error("{}: {source}", path.display())]
    EnvEdit {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: secretctl_envfile::EditError,
    },
    /// `.sops.yaml` could not be read.
    #[error("{}:{line}: {reason}; fix that line of .sops.yaml", path.display())]
    SopsConfig {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What was wrong.
        reason: String,
    },
    /// The creation rule that applies uses something secretctl does not implement (another master key type than
    /// age, Vault Transit, several key groups, a crypt rule the whole-file encryptor lacks).
    #[error("{}:{line}: {reason}", path.display())]
    SopsConfigUnsupported {
        /// The `.sops.yaml`.
        path: PathBuf,
        /// 1-based line (0 when it cannot be told).
        line: usize,
        /// What is not supported.
        reason: String,
    },
    /// The repository lists no recipients.
    #[error("{}: no age recipients; run `secretctl gitops init --recipient age1...` or `secretctl gitops recipients add age1...`", path.display())]
    NoRecipients {
        /// The `.sops.yaml` that was read.
        path: PathBuf,
    },
    /// `gitops init` on a repository that already has a `.sops.yaml`.
    #[error("{}: already exists; this repository is initialised (use `secretctl gitops recipients add` to change recipients)", path.display())]
    AlreadyInitialized {
        /// The existing `.sops.yaml`.
        path: PathBuf,
    },
    /// A host name that cannot be a directory name in the repository.
    #[error("invalid host name `{}`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `_`", guard::shown(host))]
    InvalidHost {
        /// The name given.
        host: String,
    },
    /// The repository has nothing for this host.
    #[error("{}: no such file; push from host `{host}` first (`secretctl gitops push --host {host}`)", path.display())]
    HostNotFound {
        /// The host.
        host: String,
        /// The template that is missing.
        path: PathBuf,
    },
    /// An encrypted file must be decrypted to be updated, and no identity was given.
    #[error("{}: encrypted; an age identity is needed to update it (set SECRETCTL_AGE_KEY_FILE or pass --identity)", path.display())]
    IdentityRequired {
        /// The file.
        path: PathBuf,
    },
    /// A merge, rebase, cherry-pick... is in progress, so a commit now would not be what git expects.
    #[error("a {state} is in progress in the repository; finish it first (or pass --no-commit, then `git add` the files)")]
    Busy {
        /// What git is in the middle of.
        state: String,
    },
    /// A plaintext output inside the repository's working tree.
    #[error("{}: inside the repository's working tree; plaintext is never written there, choose a path outside it", path.display())]
    PlaintextInRepository {
        /// The refused path.
        path: PathBuf,
    },
    /// No commit author is configured.
    #[error("no commit author: set `git config user.name` and `git config user.email` (or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL), or pass --author-name and --author-email")]
    NoAuthor,
    /// A symbolic link inside the repository, where secretctl reads or writes a file (never followed: anyone who
    /// can push a commit could point it at any file on this host).
    #[error(
        "{}: a symbolic link{} inside the gitops repository; secretctl never follows a link there (whoever \
         committed it could point it at any file on this host): remove it (`rm -- {}`) and restore the real file \
         from a commit you trust",
        rel.display(), link_target(target.as_deref()), guard::shell_path(path)
    )]
    SymlinkInRepository {
        /// The link, as a path to remove it by.
        path: PathBuf,
        /// The link, relative to the repository's root.
        rel: PathBuf,
        /// Where it points (it is never opened).
        target: Option<PathBuf>,
    },
    /// A path inside the repository that is not a plain relative path (`..`, absolute).
    #[error("{}: not a path inside the repository", path.display())]
    InvalidRepositoryPath {
        /// The path.
        path: PathBuf,
    },
    /// A directory under `hosts/` whose name is not a host name (or a link, or not a directory).
    #[error(
        "{}: not a host directory secretctl can use ({reason}); rename or remove it",
        guard::shown(&path.to_string_lossy())
    )]
    InvalidHostDir {
        /// The directory, relative to the root.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A file could not be opened, read or replaced safely (`secretctl_fs`).
    #[error(transparent)]
    File {
        /// What `secretctl_fs` refused, naming the file.
        source: secretctl_fs::Error,
    },
    /// `pull` would overwrite values that the repository never held for the host (local changes never pushed).
    #[error("{}", unpushed_message(path, host, keys, repo))]
    UnpushedChanges {
        /// The `.env` that would be overwritten.
        path: PathBuf,
        /// The host.
        host: String,
        /// Its keys whose values the repository never held (never the values).
        keys: Vec<String>,
        /// The repository's root.
        repo: PathBuf,
    },
    /// The merge driver found keys both sides changed differently; the file holds our value for them.
    #[error("{}", merge::conflict_message(path, keys, repo.as_deref()))]
    MergeConflict {
        /// The vars file, relative to the root (git's `%P`), or the file git handed over.
        path: PathBuf,
        /// The conflicting keys.
        keys: Vec<String>,
        /// The repository's root, when the driver runs inside one.
        repo: Option<PathBuf>,
    },
    /// `gitops check` found problems in what git is about to commit (each is a [`Finding`], with its fix).
    #[error("{count} problem(s) in what git is about to commit, each listed above with its fix; nothing was committed")]
    StagedFindings {
        /// How many findings.
        count: usize,
    },
    /// Removing recipients would leave none.
    #[error("removing these recipients would leave none; add the new recipient first")]
    LastRecipient,
    /// `push` would write values in plaintext that must not be: they look like credentials, or they are encrypted
    /// today. Names the keys and rules, never a value.
    #[error("{}: refusing to write {} value(s) in plaintext: {}; keep them encrypted (remove `plain = true` from the schema, or the .sops.yaml rule that leaves them unencrypted), or after review run `{fix}`", path.display(), refusals.len(), join(refusals))]
    PlaintextRefused {
        /// The `.env` pushed.
        path: PathBuf,
        /// Each key refused, and why.
        refusals: Vec<PlainRefusal>,
        /// The command that accepts them after review (`--allow-plain KEY` for each).
        fix: String,
    },
    /// `.sops.yaml` names other recipients than a host's files are encrypted to: `push` does not change who can
    /// read a host's secrets.
    #[error("{}: .sops.yaml names other recipients than the host's files are encrypted to: {}; if that is intended, run {}, or push with --accept-recipients; otherwise restore .sops.yaml", repo.display(), describe_changes(changes), recipients_fix(repo, changes))]
    RecipientsChanged {
        /// The repository's root.
        repo: PathBuf,
        /// Each file and how its recipients would change.
        changes: Vec<RecipientChange>,
    },
    /// No creation rule of `.sops.yaml` applies to a file (sops refuses to create it too).
    #[error("{}: no creation rule matches {}; add one whose path_regex matches it (or none)", path.display(), file.display())]
    NoCreationRule {
        /// The `.sops.yaml`.
        path: PathBuf,
        /// The file, relative to the root.
        file: PathBuf,
    },
    /// The values of a `.env` cannot be computed (a `${VAR:?message}` whose variable the file does not set, a
    /// malformed reference).
    #[error("{}: {source}", path.display())]
    EnvResolve {
        /// The file.
        path: PathBuf,
        /// Which key and variable (never a value).
        #[source]
        source: secretctl_envfile::InterpolationError,
    },
    /// The repository holds the host's schema and the instance has none: pushing would place every key by the
    /// default rule (shared keys into the host's file, plain keys encrypted) and leave the schema behind.
    #[error("{}: the repository holds host {host}'s schema, and the instance has none at {}; restore it with `{fix}` (or remove it from the repository), then push again", path.display(), expected.display())]
    SchemaNotLocal {
        /// The host.
        host: String,
        /// `hosts/<host>/secretctl.toml` in the working tree.
        path: PathBuf,
        /// Where the instance's schema would be.
        expected: PathBuf,
        /// The command that restores it (from the repository's last commit).
        fix: String,
    },
    /// The instance's schema could not be read.
    #[error("{}: {source}", path.display())]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// Why.
        #[source]
        source: secretctl_instance::secretctl_schema::Error,
    },
    /// The instance (its state) could not be read or written.
    #[error(transparent)]
    Instance(#[from] secretctl_instance::Error),
    /// A revision does not exist.
    #[error("unknown revision `{rev}`: {source}")]
    UnknownRevision {
        /// The revision given.
        rev: String,
        /// What git2 said.
        #[source]
        source: git2::Error,
    },
}

impl Kind for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::NotARepository { .. }
            | Error::Bare { .. }
            | Error::HostNotFound { .. }
            | Error::UnknownRevision { .. } => ErrorKind::NotFound,
            // What the operator asked for is wrong: no identity given where one is needed, a host name that
            // cannot be a directory, plaintext aimed into the working tree.
            Error::IdentityRequired { .. }
            | Error::InvalidHost { .. }
            | Error::PlaintextInRepository { .. } => ErrorKind::Usage,
            Error::AlreadyInitialized { .. }
            | Error::Busy { .. }
            | Error::LastRecipient
            | Error::SymlinkInRepository { .. }
            | Error::UnpushedChanges { .. }
            | Error::StagedFindings { .. }
            | Error::PlaintextRefused { .. }
            | Error::RecipientsChanged { .. }
            | Error::SchemaNotLocal { .. }
            | Error::SopsConfigUnsupported { .. }
            | Error::WouldBeTooLarge { .. } => ErrorKind::Refused,
            Error::File { source } => source.kind(),
            Error::InvalidRepositoryPath { .. }
            | Error::InvalidHostDir { .. }
            | Error::NoCreationRule { .. }
            | Error::EnvResolve { .. } => ErrorKind::Invalid,
            Error::MergeConflict { .. } => ErrorKind::Other,
            Error::Schema { source, .. } => source.kind(),
            Error::Instance(source) => source.kind(),
            Error::Read { source, .. } => secretctl_error::io_kind(source),
            Error::Git { .. } => ErrorKind::Io,
            Error::TooLarge { .. }
            | Error::NotUtf8 { .. }
            | Error::EnvParse { .. }
            | Error::EnvEdit { .. }
            | Error::SopsConfig { .. }
            | Error::NoRecipients { .. } => ErrorKind::Invalid,
            Error::Sops { source, .. } => source.kind(),
            Error::NoAuthor => ErrorKind::Other,
        }
    }
}

impl Error {
    /// True for authentication and integrity failures: tampered ciphertext or MAC, or no matching identity. The
    /// same as `kind() == ErrorKind::Integrity`.
    #[must_use]
    pub fn is_integrity(&self) -> bool {
        self.kind() == ErrorKind::Integrity
    }

    /// True when the thing asked for does not exist (a repository, a host, a revision, a file). The same as
    /// `kind() == ErrorKind::NotFound`.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }
}

/// The message of [`Error::UnpushedChanges`], with the two commands that resolve it.
fn unpushed_message(path: &Path, host: &str, keys: &[String], repo: &Path) -> String {
    let (repo, env) = (guard::shell_path(repo), guard::shell_path(path));
    let held = if keys.len() == 1 {
        "holds a value"
    } else {
        "hold values"
    };
    format!(
        "{}: {} {held} the repository never held for host {host} (changes not pushed); pull would lose \
         them. Push them first (`secretctl gitops push --repo {repo} --host {host} --env {env}`) or overwrite \
         them (`secretctl gitops pull --repo {repo} --host {host} --out {env} --force`)",
        path.display(),
        keys.join(", "),
    )
}

/// ` to <target>` for a link's message (escaped: the target is whatever a commit wrote).
fn link_target(target: Option<&Path>) -> String {
    target
        .map(|t| format!(" to {}", guard::shown(&t.to_string_lossy())))
        .unwrap_or_default()
}

/// The age recipients that the `.sops.yaml` text `config` gives the file at `rel` (its path relative to the
/// directory of `.sops.yaml`), as sops chooses a creation rule: the first whose `path_regex` matches. `None` when
/// no rule matches.
///
/// # Examples
/// ```
/// use secretctl_gitops::repo::recipients_for;
///
/// let a = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
/// let config = format!("creation_rules:\n  - path_regex: ^apps/\n    age: {a}\n");
/// assert_eq!(recipients_for(&config, "apps/x.yaml")?.unwrap()[0].to_string(), a);
/// assert!(recipients_for(&config, "hosts/x.yaml")?.is_none());
/// # Ok::<(), secretctl_gitops::repo::Error>(())
/// ```
///
/// # Errors
/// [`Error::SopsConfig`] for text sops would not read or a rule that cannot be used,
/// [`Error::SopsConfigUnsupported`] for a rule secretctl cannot honour (another key type, several key groups).
pub fn recipients_for(config: &str, rel: &str) -> Result<Option<Vec<Recipient>>> {
    sopsconfig::recipients_for(config, rel).map_err(|e| config_error(Path::new(SOPS_CONFIG), e))
}

/// The error for a `.sops.yaml` problem found at `path`.
fn config_error(path: &Path, e: sopsconfig::ParseError) -> Error {
    if e.unsupported {
        Error::SopsConfigUnsupported {
            path: path.to_owned(),
            line: e.line,
            reason: e.reason,
        }
    } else {
        Error::SopsConfig {
            path: path.to_owned(),
            line: e.line,
            reason: e.reason,
        }
    }
}

/// True for the SOPS errors that mean "tampered or wrong key" rather than "malformed": those of kind
/// [`ErrorKind::Integrity`].
#[must_use]
pub fn sops_is_integrity(e: &sops::Error) -> bool {
    e.kind() == ErrorKind::Integrity
}

type Result<T, E = Error> = std::result::Result<T, E>;

fn join(refusals: &[PlainRefusal]) -> String {
    let parts: Vec<String> = refusals.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

fn describe_changes(changes: &[RecipientChange]) -> String {
    let list = |rs: &[Recipient]| {
        rs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let parts: Vec<String> = changes
        .iter()
        .map(|c| {
            let mut what = Vec::new();
            if !c.added.is_empty() {
                what.push(format!("adds {}", list(&c.added)));
            }
            if !c.removed.is_empty() {
                what.push(format!("removes {}", list(&c.removed)));
            }
            format!("for {} it {}", c.file.display(), what.join(" and "))
        })
        .collect();
    parts.join("; ")
}

/// The `recipients add`/`remove` commands that make every file agree with `.sops.yaml`.
fn recipients_fix(repo: &Path, changes: &[RecipientChange]) -> String {
    let mut added: Vec<String> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for c in changes {
        for r in &c.added {
            if !added.contains(&r.to_string()) {
                added.push(r.to_string());
            }
        }
        for r in &c.removed {
            if !removed.contains(&r.to_string()) {
                removed.push(r.to_string());
            }
        }
    }
    let repo = secretctl_instance::shell_quote(&repo.display().to_string()).into_owned();
    let mut commands = Vec::new();
    if !added.is_empty() {
        commands.push(format!(
            "`secretctl gitops recipients add --repo {repo} {}`",
            added.join(" ")
        ));
    }
    if !removed.is_empty() {
        commands.push(format!(
            "`secretctl gitops recipients remove --repo {repo} {}`",
            removed.join(" ")
        ));
    }
    commands.join(" and ")
}

fn git_err(what: impl Into<String>) -> impl FnOnce(git2::Error) -> Error {
    let what = what.into();
    move |source| Error::Git { what, source }
}

/// The author of the commits an operation makes: the fields given, else `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else
/// git's configuration (`user.name`/`user.email`), as git itself resolves them.
#[derive(Debug, Clone, Default)]
pub struct Author {
    /// `--author-name`, else `user.name`.
    pub name: Option<String>,
    /// `--author-email`, else `user.email`.
    pub email: Option<String>,
}

/// The placeholder a template holds instead of the secret value of `key`.
#[must_use]
pub fn placeholder(key: &str) -> String {
    format!("{PLACEHOLDER_PREFIX}{key}")
}

/// True when `value` is the placeholder for `key`.
#[must_use]
pub fn is_placeholder(key: &str, value: &str) -> bool {
    value
        .strip_prefix(PLACEHOLDER_PREFIX)
        .is_some_and(|k| k == key)
}

/// `hosts/<host>/vars.yaml`, relative to the repository root.
#[must_use]
pub fn vars_path(host: &str) -> PathBuf {
    Path::new(HOSTS_DIR).join(host).join("vars.yaml")
}

/// `hosts/<host>/env.template`, relative to the repository root.
#[must_use]
pub fn template_path(host: &str) -> PathBuf {
    Path::new(HOSTS_DIR).join(host).join("env.template")
}

/// Check that `host` is usable as a directory name (and is not the shared pseudo-host).
///
/// # Errors
/// [`Error::InvalidHost`] for an empty name, one starting with `.` or `_`, or one with other characters than
/// ASCII letters, digits, `.`, `_`, `-` (at most 64).
pub fn validate_host(host: &str) -> Result<()> {
    let ok = !host.is_empty()
        && host.len() <= 64
        && !host.starts_with(['.', '_'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidHost {
            host: host.to_owned(),
        })
    }
}

/// Check a directory name read from the repository's `hosts/` (`rel` is its path, for the error): a valid host
/// name or [`SHARED_HOST`].
fn check_host_dir(name: &str, rel: &Path) -> Result<()> {
    if name == SHARED_HOST || validate_host(name).is_ok() {
        Ok(())
    } else {
        Err(Error::InvalidHostDir {
            path: rel.to_owned(),
            reason: "a host name has letters, digits, `.`, `_` and `-`, and does not start with `.` or `_`",
        })
    }
}

/// Where a host's instance state travels, relative to the root: `hosts/<host>/state.yaml`, a SOPS file whose one
/// value `state` is the instance's state file (rotation dates, one-shot fingerprints, the instance key).
#[must_use]
pub fn state_path(host: &str) -> PathBuf {
    Path::new(HOSTS_DIR).join(host).join(STATE_FILE)
}

/// Where a host's instance schema travels, relative to the root: `hosts/<host>/secretctl.toml` (a copy of the
/// instance's `secretctl.toml`, which holds no secret).
#[must_use]
pub fn schema_path(host: &str) -> PathBuf {
    Path::new(HOSTS_DIR)
        .join(host)
        .join(secretctl_instance::secretctl_schema::SCHEMA_FILE)
}

/// The file name of [`state_path`].
pub const STATE_FILE: &str = "state.yaml";
/// The one key of a state file.
const STATE_KEY: &str = "state";

/// Where a vars file (or a host's encrypted state) lives relative to the root: `hosts/*/vars.yaml`,
/// `hosts/*/state.yaml`. Both are SOPS files encrypted to the repository's recipients.
#[must_use]
pub fn is_vars_path(rel: &Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = rel.iter().collect();
    parts.len() == 3
        && parts[0] == HOSTS_DIR
        && (parts[2] == "vars.yaml"
            || parts[2] == "vars.yml"
            || parts[2] == "vars.env"
            || parts[2] == STATE_FILE)
}

/// What `push` did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct PushOutcome {
    /// Files (relative to the root) whose content changed, in the order written.
    pub changed: Vec<PathBuf>,
    /// The commit made, if anything changed.
    pub commit: Option<git2::Oid>,
    /// Secret keys stored in the host's vars file.
    pub host_keys: Vec<String>,
    /// Secret keys stored in the shared vars file.
    pub shared_keys: Vec<String>,
    /// Keys left in plaintext in the template (declared plain, or left unencrypted by `.sops.yaml`).
    pub plain_keys: Vec<String>,
    /// Plaintext keys whose value looks like a credential and that were reviewed (`--allow-plain`, now or
    /// before, for this exact value): recorded at the top of the template.
    pub reviewed: Vec<String>,
    /// Secret keys whose value refers to a variable the `.env` does not set, with the variable: stored as Compose
    /// computes it without that variable (empty), which differs if the environment sets it.
    pub unset_references: Vec<(String, String)>,
    /// Keys the host's vars file held that the schema marks shared: moved out of it, so the shared value is no
    /// longer shadowed.
    pub unshadowed: Vec<String>,
    /// Recipient changes accepted with [`PushOptions::accept_recipients`].
    pub recipient_changes: Vec<RecipientChange>,
    /// The host's own files (vars, state) whose data key was not the one this clone last wrote them with
    /// (someone else re-encrypted them): written under a new data key, so a key chosen by another writer never
    /// encrypts this push's values.
    pub rekeyed: Vec<PathBuf>,
}

/// What a recipients change did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RecipientsOutcome {
    /// The repository's recipients afterwards.
    pub recipients: Vec<Recipient>,
    /// Files re-written.
    pub changed: Vec<PathBuf>,
    /// The commit made, if anything changed.
    pub commit: Option<git2::Oid>,
}

/// How one key differs between two versions of a host's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeKind {
    /// The key is new.
    Added,
    /// The key is gone.
    Removed,
    /// The key's value (or ciphertext) changed.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    /// `+`, `-` or `~`, as a diff line starts.
    #[must_use]
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// Which file of a host a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// The encrypted vars file.
    Vars,
    /// The template (non-secret values and placeholders).
    Template,
}

impl Source {
    /// `vars` or `template`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Vars => "vars",
            Source::Template => "template",
        }
    }
}

/// One changed key. Values are only present when the diff was asked to decrypt.
#[derive(Debug)]
#[non_exhaustive]
pub struct KeyChange {
    /// The key, control characters escaped (a vars file's keys are whatever a commit wrote).
    pub key: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Vars file or template.
    pub source: Source,
    /// The old value (decrypted diffs only).
    pub old: Option<SecretString>,
    /// The new value (decrypted diffs only).
    pub new: Option<SecretString>,
}

/// The changed keys of one host.
#[derive(Debug)]
#[non_exhaustive]
pub struct HostDiff {
    /// The host (or [`SHARED_HOST`]).
    pub host: String,
    /// Its changed keys, vars first, then template, each in file order.
    pub changes: Vec<KeyChange>,
}

/// A secret staged in plaintext, found by [`Repo::check_staged`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The staged file, relative to the root.
    pub path: String,
    /// The key, when the finding is about one key.
    pub key: Option<String>,
    /// What is wrong.
    pub problem: String,
}

/// A gitops repository with a working tree.
pub struct Repo {
    git: git2::Repository,
    root: PathBuf,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("root", &self.root).finish()
    }
}

/// Insert (or replace) the blob at `parts` under `base`, returning the new tree.
fn upsert(
    repo: &git2::Repository,
    base: Option<&git2::Tree<'_>>,
    parts: &[&str],
    blob: git2::Oid,
) -> Result<git2::Oid, git2::Error> {
    let mut builder = repo.treebuilder(base)?;
    match parts {
        [] => return Err(git2::Error::from_str("empty path")),
        [name] => {
            builder.insert(name, blob, 0o100_644)?;
        }
        [dir, rest @ ..] => {
            let sub = match base.and_then(|t| t.get_name(dir)) {
                Some(e) if e.kind() == Some(git2::ObjectType::Tree) => {
                    Some(repo.find_tree(e.id())?)
                }
                _ => None,
            };
            let oid = upsert(repo, sub.as_ref(), rest, blob)?;
            builder.insert(dir, oid, 0o040_000)?;
        }
    }
    builder.write()
}

/// The commit signature, resolved as git does: the author's fields, else `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`,
/// else `user.name`/`user.email` from `cfg`.
fn signature_from(author: &Author, cfg: Option<&git2::Config>) -> Result<git2::Signature<'static>> {
    let from_env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let from_cfg = |k: &str| cfg.and_then(|c| c.get_string(k).ok());
    let name = author
        .name
        .clone()
        .or_else(|| from_env("GIT_AUTHOR_NAME"))
        .or_else(|| from_cfg("user.name"));
    let email = author
        .email
        .clone()
        .or_else(|| from_env("GIT_AUTHOR_EMAIL"))
        .or_else(|| from_cfg("user.email"));
    match (name, email) {
        (Some(n), Some(e)) if !n.is_empty() && !e.is_empty() => {
            git2::Signature::now(&n, &e).map_err(git_err("invalid commit author"))
        }
        _ => Err(Error::NoAuthor),
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Repo {
    /// Open the repository containing `dir`.
    ///
    /// # Errors
    /// [`Error::NotARepository`] when there is none, [`Error::Bare`] when it has no working tree.
    pub fn open(dir: &Path) -> Result<Repo> {
        let git = git2::Repository::discover(dir).map_err(|source| Error::NotARepository {
            path: dir.to_owned(),
            source,
        })?;
        let root = git
            .workdir()
            .ok_or_else(|| Error::Bare {
                path: dir.to_owned(),
            })?
            .to_owned();
        Ok(Repo { git, root })
    }

    /// Create (or adopt an existing) git repository at `dir` with the gitops layout: `.sops.yaml` listing
    /// `recipients`, `.gitattributes` for the merge driver and textconv, an empty encrypted shared vars file,
    /// the local git configuration for the drivers (see [`Repo::configure`]), and a first commit.
    ///
    /// # Errors
    /// [`Error::AlreadyInitialized`] when `.sops.yaml` exists, [`Error::NoRecipients`] for an empty list,
    /// [`Error::NoAuthor`], and git or I/O failures.
    pub fn init(dir: &Path, recipients: &[Recipient], exe: &Path, author: &Author) -> Result<Repo> {
        if recipients.is_empty() {
            return Err(Error::NoRecipients {
                path: dir.join(SOPS_CONFIG),
            });
        }
        // A link counts as existing (it is never followed, so never overwritten).
        if std::fs::symlink_metadata(dir.join(SOPS_CONFIG)).is_ok() {
            return Err(Error::AlreadyInitialized {
                path: dir.join(SOPS_CONFIG),
            });
        }
        // Resolve the author before creating anything, so a missing one leaves no half-made repository (a new
        // repository's configuration is the global one; an existing repository's own is read below).
        if author.name.is_none() || author.email.is_none() {
            let cfg = git2::Repository::open(dir)
                .and_then(|r| r.config())
                .or_else(|_| git2::Config::open_default())
                .ok();
            signature_from(author, cfg.as_ref())?;
        }
        let git = git2::Repository::init_opts(
            dir,
            git2::RepositoryInitOptions::new()
                .mkpath(true)
                .initial_head("main"),
        )
        .map_err(git_err(format!(
            "cannot create a git repository in {}",
            dir.display()
        )))?;
        let root = git
            .workdir()
            .ok_or_else(|| Error::Bare {
                path: dir.to_owned(),
            })?
            .to_owned();
        let repo = Repo { git, root };
        repo.signature(author)?;
        repo.configure(exe)?;
        let mut files = vec![
            (PathBuf::from(SOPS_CONFIG), sopsconfig::render(recipients)),
            (PathBuf::from(GITATTRIBUTES), gitattributes()),
        ];
        let shared = vars_path(SHARED_HOST);
        if std::fs::symlink_metadata(repo.root.join(&shared)).is_err() {
            let text = sops::write_vars(&Vec::new(), Format::Yaml, recipients, None).map_err(
                |source| Error::Sops {
                    path: shared.clone(),
                    source,
                },
            )?;
            files.push((shared, text));
        }
        for (rel, text) in &files {
            repo.write(rel, text)?;
        }
        let paths: Vec<PathBuf> = files.into_iter().map(|(p, _)| p).collect();
        repo.commit(&paths, "secretctl gitops init", author)?;
        Ok(repo)
    }

    /// The working tree's root.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Serialize the commands that write the working tree and commit (`push`, recipient changes): the lock of the
    /// git directory (`secretctl_fs::lock`; no lock file), held until the guard is dropped.
    fn lock(&self) -> Result<secretctl_fs::Lock> {
        secretctl_fs::lock(&self.git.path().join("secretctl"))
            .map_err(|source| Error::File { source })
    }

    /// Refuse `path` (existing or not) as a destination for plaintext: when the file it really names (every link
    /// followed, `..` resolved) is inside this repository's working tree, or inside any other git working tree
    /// that is a gitops repository (one with a `.sops.yaml` at its root). A path whose real location cannot be
    /// told is refused too.
    ///
    /// # Errors
    /// [`Error::PlaintextInRepository`].
    pub fn refuse_plaintext_at(&self, path: &Path) -> Result<()> {
        let elsewhere = guard::git_working_tree_of(path).is_some_and(|t| guard::is_gitops_tree(&t));
        if guard::is_inside(&self.root, path) || elsewhere {
            Err(Error::PlaintextInRepository {
                path: path.to_owned(),
            })
        } else {
            Ok(())
        }
    }

    /// Register the merge driver and diff textconv in the repository's local git configuration, running `exe`,
    /// and install a pre-commit hook running `gitops check` (unless there is one). A fresh clone needs this once
    /// (`secretctl gitops setup`): git never takes drivers or hooks from a repository.
    ///
    /// # Errors
    /// The configuration cannot be written.
    pub fn configure(&self, exe: &Path) -> Result<()> {
        let mut cfg = self
            .git
            .config()
            .and_then(|c| c.open_level(git2::ConfigLevel::Local))
            .map_err(git_err("cannot open the repository's git config"))?;
        let exe = shell_quote(&exe.to_string_lossy());
        let set = |cfg: &mut git2::Config, k: &str, v: &str| {
            cfg.set_str(k, v).map_err(git_err(format!(
                "cannot set {k} in the repository's git config"
            )))
        };
        set(
            &mut cfg,
            "merge.secretctl.name",
            "secretctl: three-way merge of SOPS vars files per key",
        )?;
        set(
            &mut cfg,
            "merge.secretctl.driver",
            &format!("{exe} gitops merge-driver %O %A %B %L %P"),
        )?;
        set(
            &mut cfg,
            "diff.secretctl.textconv",
            &format!("{exe} gitops textconv"),
        )?;
        cfg.set_bool("diff.secretctl.cachetextconv", false)
            .map_err(git_err("cannot set diff.secretctl.cachetextconv"))?;
        self.install_pre_commit_hook(&exe)
    }

    /// Install `.git/hooks/pre-commit` running `gitops check`, unless a pre-commit hook already exists (an
    /// operator's own hook is never replaced; docs/gitops.md shows the line to add to it).
    fn install_pre_commit_hook(&self, quoted_exe: &str) -> Result<()> {
        let hooks = self.git.path().join("hooks");
        let file_error = |source| Error::File { source };
        secretctl_fs::create_dir(&hooks, &secretctl_fs::WriteOptions::new(0o755))
            .map_err(file_error)?;
        let script = format!(
            "#!/bin/sh\n# Installed by `secretctl gitops`: refuse commits that stage a secret in plaintext. git sets\n\
             # GIT_INDEX_FILE to the index it is about to commit (commit -a, commit PATH); the check reads that one.\n\
             exec {quoted_exe} gitops check --repo \"$(git rev-parse --show-toplevel)\"\n"
        );
        let opts = secretctl_fs::WriteOptions::new(0o755);
        match secretctl_fs::create_new(&hooks.join("pre-commit"), script.as_bytes(), &opts) {
            Ok(()) | Err(secretctl_fs::Error::Exists { .. }) => Ok(()),
            Err(source) => Err(Error::File { source }),
        }
    }

    /// The repository's recipients, from `.sops.yaml`.
    ///
    /// # Errors
    /// A missing or unreadable `.sops.yaml`, one naming no recipient, or an invalid recipient in it.
    pub fn recipients(&self) -> Result<Vec<Recipient>> {
        let path = self.root.join(SOPS_CONFIG);
        let text = self
            .read(Path::new(SOPS_CONFIG))?
            .ok_or_else(|| Error::NoRecipients { path: path.clone() })?;
        let recipients = sopsconfig::parse(&text).map_err(|e| config_error(&path, e))?;
        if recipients.is_empty() {
            return Err(Error::NoRecipients { path });
        }
        Ok(recipients)
    }

    /// Read a working-tree file, `None` when it does not exist. A symbolic link at the file or at any directory
    /// on its way below the root is refused, never followed.
    ///
    /// # Errors
    /// [`Error::SymlinkInRepository`]; [`Error::File`] for a file that is not a regular file, is larger than
    /// [`MAX_FILE_BYTES`] or cannot be read; [`Error::NotUtf8`].
    pub fn read(&self, rel: &Path) -> Result<Option<String>> {
        guard::read_file(&self.root, rel)
    }

    /// Write a working-tree file atomically (vars files 0600, others 0644), creating its directory; never through
    /// a link.
    fn write(&self, rel: &Path, text: &str) -> Result<()> {
        let mode = if is_vars_path(rel) { 0o600 } else { 0o644 };
        guard::write_file(&self.root, rel, text, mode)
    }

    fn signature(&self, author: &Author) -> Result<git2::Signature<'static>> {
        signature_from(author, self.git.config().ok().as_ref())
    }

    /// Fail now, before anything is written, if a commit would fail later: git is in the middle of a merge (or
    /// similar), or there is no author.
    fn check_can_commit(&self, author: &Author) -> Result<()> {
        let state = self.git.state();
        if state != git2::RepositoryState::Clean {
            return Err(Error::Busy {
                state: format!("{state:?}").to_lowercase(),
            });
        }
        self.signature(author).map(drop)
    }

    /// Commit the working-tree content of `paths` on top of HEAD (or as the first commit), and stage the same
    /// content in the index. Returns `None` when the resulting tree equals HEAD's.
    ///
    /// # Errors
    /// [`Error::NoAuthor`], an unreadable file, or a git failure.
    pub fn commit(
        &self,
        paths: &[PathBuf],
        message: &str,
        author: &Author,
    ) -> Result<Option<git2::Oid>> {
        self.check_can_commit(author)?;
        let head = match self.git.head() {
            Ok(h) => Some(h.peel_to_commit().map_err(git_err("cannot read HEAD"))?),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                None
            }
            Err(e) => return Err(git_err("cannot read HEAD")(e)),
        };
        let head_tree = match &head {
            Some(c) => Some(c.tree().map_err(git_err("cannot read HEAD's tree"))?),
            None => None,
        };
        let mut tree_oid = head_tree.as_ref().map(git2::Tree::id);
        // Each file is read, hashed and compressed once: the index gets the blob the commit has (staging the path
        // again would hash and compress a 16 MB vars file a second time).
        let mut staged: Vec<(&PathBuf, git2::Oid, std::fs::Metadata)> = Vec::new();
        for rel in paths {
            let not_found = || Error::Read {
                path: self.root.join(rel),
                source: std::io::ErrorKind::NotFound.into(),
            };
            // Stat before reading: a change after the stat leaves the index entry's stat stale, so git
            // re-reads the file rather than trusting an entry that names older content.
            let meta =
                std::fs::symlink_metadata(self.root.join(rel)).map_err(|source| Error::Read {
                    path: self.root.join(rel),
                    source,
                })?;
            let text = self.read(rel)?.ok_or_else(not_found)?;
            let blob = if text.len() >= object::LARGE {
                object::write_blob(&self.git, text.as_bytes())
            } else {
                self.git.blob(text.as_bytes())
            }
            .map_err(git_err("cannot write a git object"))?;
            staged.push((rel, blob, meta));
            let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
            let base = match tree_oid {
                Some(oid) => Some(
                    self.git
                        .find_tree(oid)
                        .map_err(git_err("cannot read a tree"))?,
                ),
                None => None,
            };
            tree_oid = Some(
                upsert(&self.git, base.as_ref(), &parts, blob).map_err(git_err(format!(
                    "cannot add {} to the commit",
                    rel.display()
                )))?,
            );
        }
        let Some(tree_oid) = tree_oid else {
            return Ok(None);
        };
        if head_tree.as_ref().map(git2::Tree::id) == Some(tree_oid) {
            return Ok(None);
        }
        let sig = self.signature(author)?;
        let tree = self
            .git
            .find_tree(tree_oid)
            .map_err(git_err("cannot read the new tree"))?;
        let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
        let oid = self
            .git
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .map_err(git_err("cannot commit"))?;
        let mut index = self.git.index().map_err(git_err("cannot open the index"))?;
        // Reload first, so entries staged by others since this repository was opened are kept.
        index
            .read(false)
            .map_err(git_err("cannot read the index"))?;
        for (rel, id, meta) in staged {
            index
                .add(&index_entry(rel, id, &meta))
                .map_err(git_err(format!("cannot stage {}", rel.display())))?;
        }
        index.write().map_err(git_err("cannot write the index"))?;
        Ok(Some(oid))
    }

    fn read_vars_file(
        &self,
        rel: &Path,
        ids: Option<&Identities>,
    ) -> Result<Option<(String, Vars)>> {
        let Some(text) = self.read(rel)? else {
            return Ok(None);
        };
        let ids = ids.ok_or_else(|| Error::IdentityRequired {
            path: rel.to_owned(),
        })?;
        let vars = sops::read_vars(&text, Format::Yaml, ids).map_err(|source| Error::Sops {
            path: rel.to_owned(),
            source,
        })?;
        Ok(Some((text, vars)))
    }

    /// Render a host's `.env` from its template, the shared vars and its own vars (its own value wins). A
    /// placeholder with no value anywhere is omitted; a key in the host's vars but not in the template is
    /// appended.
    ///
    /// # Errors
    /// [`Error::HostNotFound`] without a template, vars files `ids` cannot decrypt or verify, an unparsable
    /// template.
    pub fn render(&self, host: &str, ids: &Identities) -> Result<SecretString> {
        self.render_with(host, ids, &|rel| self.read(rel))
    }

    /// [`Repo::render`] from the files `read` returns (the working tree's, or a commit's).
    fn render_with(
        &self,
        host: &str,
        ids: &Identities,
        read: &dyn Fn(&Path) -> Result<Option<String>>,
    ) -> Result<SecretString> {
        validate_host(host)?;
        let tpl = template_path(host);
        let template_text = read(&tpl)?.ok_or_else(|| Error::HostNotFound {
            host: host.to_owned(),
            path: self.root.join(&tpl),
        })?;
        let decrypt = |rel: PathBuf| -> Result<Vars> {
            match read(&rel)? {
                None => Ok(Vec::new()),
                Some(text) => sops::read_vars(&text, Format::Yaml, ids)
                    .map_err(|source| Error::Sops { path: rel, source }),
            }
        };
        let host_vars = decrypt(vars_path(host))?;
        let shared_vars = decrypt(vars_path(SHARED_HOST))?;
        template::render(&template_text, &host_vars, &shared_vars).map_err(|e| e.at(tpl))
    }

    /// The instance state pushed for `host` ([`Repo::push_with_state`]), decrypted; `None` when none was pushed.
    ///
    /// # Errors
    /// An invalid host; a state file `ids` cannot decrypt or verify, or without its `state` value.
    pub fn render_state(&self, host: &str, ids: &Identities) -> Result<Option<SecretString>> {
        validate_host(host)?;
        let rel = state_path(host);
        let Some((_, vars)) = self.read_vars_file(&rel, Some(ids))? else {
            return Ok(None);
        };
        let state = vars
            .into_iter()
            .find(|(k, _)| k == STATE_KEY)
            .map(|(_, v)| v);
        state.map(Some).ok_or(Error::Sops {
            path: rel,
            source: sops::Error::Metadata {
                reason: "a host's state file without its `state` value",
            },
        })
    }

    /// Every vars file in the working tree (`hosts/*/vars.yaml`, and the hosts' `state.yaml`), relative to the
    /// root, sorted.
    ///
    /// # Errors
    /// `hosts/` cannot be listed.
    pub fn vars_files(&self) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for host in self.worktree_hosts()? {
            for rel in [vars_path(&host), state_path(&host)] {
                guard::check_no_links(&self.root, &rel)?;
                if std::fs::symlink_metadata(self.root.join(&rel)).is_ok_and(|m| m.is_file()) {
                    out.push(rel);
                }
            }
        }
        Ok(out)
    }

    /// The host directories of the working tree, sorted. Every entry of `hosts/` that is not a plain file must be
    /// a directory named as a host (or `_shared`): a link, or a directory no host can have, is refused rather than
    /// skipped, since a recipients change that skipped it would leave its files readable by a removed recipient.
    fn worktree_hosts(&self) -> Result<Vec<String>> {
        guard::check_no_links(&self.root, Path::new(HOSTS_DIR))?;
        let dir = self.root.join(HOSTS_DIR);
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(Error::Read { path: dir, source }),
        };
        let mut hosts = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|source| Error::Read {
                path: dir.clone(),
                source,
            })?;
            let rel = Path::new(HOSTS_DIR).join(entry.file_name());
            let file_type = entry.file_type().map_err(|source| Error::Read {
                path: self.root.join(&rel),
                source,
            })?;
            if file_type.is_symlink() {
                guard::check_no_links(&self.root, &rel)?;
            }
            if !file_type.is_dir() {
                continue;
            }
            let name = entry.file_name();
            let name = name.to_str().ok_or(Error::InvalidHostDir {
                path: rel.clone(),
                reason: "not UTF-8",
            })?;
            check_host_dir(name, &rel)?;
            hosts.push(name.to_owned());
        }
        hosts.sort();
        Ok(hosts)
    }

    /// Read a file as it is at `rev` (`None` when it does not exist there).
    ///
    /// # Errors
    /// [`Error::UnknownRevision`], an unreadable object, a blob larger than [`MAX_FILE_BYTES`] or not UTF-8.
    pub fn read_at(&self, rev: &str, rel: &Path) -> Result<Option<String>> {
        let tree = self.tree_at(rev)?;
        self.read_in_tree(&tree, rel)
    }

    fn tree_at(&self, rev: &str) -> Result<git2::Tree<'_>> {
        self.git
            .revparse_single(rev)
            .and_then(|o| o.peel_to_tree())
            .map_err(|source| Error::UnknownRevision {
                rev: rev.to_owned(),
                source,
            })
    }

    fn read_in_tree(&self, tree: &git2::Tree<'_>, rel: &Path) -> Result<Option<String>> {
        let entry = match tree.get_path(rel) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(git_err(format!("cannot read {}", rel.display()))(e)),
        };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(None);
        }
        if entry.filemode() == LINK_MODE {
            // A link committed where a file belongs: its blob is the link's target, never a file's content.
            return Err(Error::SymlinkInRepository {
                path: self.root.join(rel),
                rel: rel.to_owned(),
                target: self.blob_text(entry.id(), rel).ok().map(PathBuf::from),
            });
        }
        self.blob_text(entry.id(), rel).map(Some)
    }

    fn blob_text(&self, oid: git2::Oid, rel: &Path) -> Result<String> {
        let blob = self
            .git
            .find_blob(oid)
            .map_err(git_err(format!("cannot read {}", rel.display())))?;
        if blob.size() as u64 > MAX_FILE_BYTES {
            return Err(Error::TooLarge {
                path: rel.to_owned(),
            });
        }
        String::from_utf8(blob.content().to_vec()).map_err(|_| Error::NotUtf8 {
            path: rel.to_owned(),
        })
    }

    /// Which keys changed per host between `rev` and the working tree. Without `ids`, vars files are compared by
    /// ciphertext (unchanged values keep theirs) and no value is returned; with `ids` they are decrypted and
    /// compared by value, and the values are returned.
    ///
    /// # Errors
    /// [`Error::UnknownRevision`], unreadable files, and (with `ids`) vars files that fail to decrypt.
    pub fn diff(&self, rev: &str, ids: Option<&Identities>) -> Result<Vec<HostDiff>> {
        let tree = self.tree_at(rev)?;
        let mut hosts = self.worktree_hosts()?;
        if let Ok(entry) = tree.get_path(Path::new(HOSTS_DIR)) {
            if let Ok(hosts_tree) = self.git.find_tree(entry.id()) {
                for e in &hosts_tree {
                    if e.kind() == Some(git2::ObjectType::Tree) {
                        let name = String::from_utf8_lossy(e.name_bytes()).into_owned();
                        check_host_dir(&name, &Path::new(HOSTS_DIR).join(&name))?;
                        if !hosts.contains(&name) {
                            hosts.push(name);
                        }
                    }
                }
            }
        }
        hosts.sort();
        let mut out = Vec::new();
        for host in hosts {
            let mut changes = Vec::new();
            let vars_rel = vars_path(&host);
            let old = self.read_in_tree(&tree, &vars_rel)?;
            let new = self.read(&vars_rel)?;
            match ids {
                Some(ids) => {
                    diff_decrypted(&vars_rel, old.as_deref(), new.as_deref(), ids, &mut changes)?
                }
                None => diff_ciphertext(old.as_deref(), new.as_deref(), &mut changes),
            }
            let tpl_rel = template_path(&host);
            let old = self.read_in_tree(&tree, &tpl_rel)?;
            let new = self.read(&tpl_rel)?;
            template::diff(old.as_deref(), new.as_deref(), ids.is_some(), &mut changes);
            if !changes.is_empty() {
                out.push(HostDiff { host, changes });
            }
        }
        Ok(out)
    }
}

fn diff_ciphertext(old: Option<&str>, new: Option<&str>, changes: &mut Vec<KeyChange>) {
    let old = old
        .map(|t| scan::entries(t, Format::Yaml))
        .unwrap_or_default();
    let new = new
        .map(|t| scan::entries(t, Format::Yaml))
        .unwrap_or_default();
    // The last entry of a key wins; lookups by key keep the diff linear.
    let old_by_key: std::collections::HashMap<&str, &scan::Entry> =
        old.iter().map(|o| (o.key.as_str(), o)).collect();
    let new_keys: std::collections::HashSet<&str> = new.iter().map(|n| n.key.as_str()).collect();
    for n in &new {
        let kind = match old_by_key.get(n.key.as_str()) {
            None => Some(ChangeKind::Added),
            Some(o) if !o.same_as(n) => Some(ChangeKind::Changed),
            Some(_) => None,
        };
        if let Some(kind) = kind {
            changes.push(KeyChange {
                key: guard::shown(&n.key),
                kind,
                source: Source::Vars,
                old: None,
                new: None,
            });
        }
    }
    for o in &old {
        if !new_keys.contains(o.key.as_str()) {
            changes.push(KeyChange {
                key: guard::shown(&o.key),
                kind: ChangeKind::Removed,
                source: Source::Vars,
                old: None,
                new: None,
            });
        }
    }
}

fn diff_decrypted(
    rel: &Path,
    old: Option<&str>,
    new: Option<&str>,
    ids: &Identities,
    changes: &mut Vec<KeyChange>,
) -> Result<()> {
    let read = |t: Option<&str>| -> Result<Vars> {
        match t {
            None => Ok(Vec::new()),
            Some(t) => sops::read_vars(t, Format::Yaml, ids).map_err(|source| Error::Sops {
                path: rel.to_owned(),
                source,
            }),
        }
    };
    let old = read(old)?;
    let new = read(new)?;
    // The last value of a key wins; lookups by key keep the diff linear.
    let old_by_key: std::collections::HashMap<&str, &SecretString> =
        old.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let new_keys: std::collections::HashSet<&str> = new.iter().map(|(k, _)| k.as_str()).collect();
    for (k, v) in &new {
        let before = old_by_key.get(k.as_str()).copied();
        let kind = match before {
            None => Some(ChangeKind::Added),
            Some(b) if b.expose_secret() != v.expose_secret() => Some(ChangeKind::Changed),
            Some(_) => None,
        };
        if let Some(kind) = kind {
            changes.push(KeyChange {
                key: guard::shown(k),
                kind,
                source: Source::Vars,
                old: before.cloned(),
                new: Some(v.clone()),
            });
        }
    }
    for (k, v) in &old {
        if !new_keys.contains(k.as_str()) {
            changes.push(KeyChange {
                key: guard::shown(k),
                kind: ChangeKind::Removed,
                source: Source::Vars,
                old: Some(v.clone()),
                new: None,
            });
        }
    }
    Ok(())
}

fn gitattributes() -> String {
    format!(
        "# secretctl gitops: vars files merge per key (on decrypted values, re-encrypted) and diff by key name,\n\
         # never by value. Drivers are configured per clone: run `secretctl gitops setup` after cloning.\n\
         {HOSTS_DIR}/*/vars.yaml merge={DRIVER} diff={DRIVER}\n\
         {HOSTS_DIR}/*/vars.env merge={DRIVER} diff={DRIVER}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        for ok in ["web1", "db-2.example.org", "A_b"] {
            assert!(validate_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "_shared",
            ".git",
            "..",
            "a/b",
            "a b",
            "é",
            "x\n",
            &"a".repeat(65),
        ] {
            assert!(validate_host(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn placeholders_name_their_key() {
        assert!(is_placeholder("A", &placeholder("A")));
        assert!(!is_placeholder("A", &placeholder("B")));
        assert!(!is_placeholder("A", "secretctl:vars:"));
        assert!(!is_placeholder("A", " secretctl:vars:A"));
    }

    #[test]
    fn driver_commands_survive_the_shell() {
        assert_eq!(shell_quote("/usr/bin/secretctl"), "'/usr/bin/secretctl'");
        assert_eq!(shell_quote("/opt/it's here/x"), r"'/opt/it'\''s here/x'");
    }
}

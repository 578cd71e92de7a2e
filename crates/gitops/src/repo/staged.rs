//! The pre-commit check: what git is about to commit, and nothing else.
//!
//! git runs the pre-commit hook with `GIT_INDEX_FILE` naming the index it will commit: `.git/index.lock` for
//! `git commit -a`, a temporary `next-index` for `git commit PATH`, the ordinary index otherwise. The check reads
//! that index (the ordinary one when the variable is not set) and compares it with `HEAD`; every file that differs
//! is checked in its staged version:
//!
//! | staged file | must |
//! |---|---|
//! | a vars file (`hosts/*/vars.yaml`, `vars.env`, `state.yaml`) | pass [`sops::inspect`] (a SOPS file whose every value that should be encrypted is, with a well-formed MAC), be encrypted to exactly the recipients of its creation rule in the staged `.sops.yaml`, and store in plaintext only keys that are not secret |
//! | an envfile (`.env`, `*.env`, `.env.*`) or a template (`env.template`) | hold, for each secret key, its placeholder or nothing, and assign a secret key at most once |
//! | `.sops.yaml` | give every vars file of the commit a creation rule naming the recipients it is encrypted to (recipients change only through `secretctl gitops recipients`, which rewrites both) |
//! | a symbolic link under `hosts/` or at `.sops.yaml` | not be there: secretctl never follows links in the repository |
//! | any other file | pass content detection, when the caller gives a detector ([`CheckRules::detect`]) |
//!
//! With a detector, values that are allowed in plaintext (declared-plain keys of envfiles, plaintext values of SOPS
//! files) must not look like credentials either. `git commit --amend` commits `HEAD`'s parent plus this index: the
//! files `HEAD` changed were checked when `HEAD` was committed (or written by `secretctl gitops push`), and the
//! files staged now are checked here. A commit made with `--no-verify` skips the hook and is not re-checked.
//!
//! Each finding names the file (and the key), never a value, and ends with a fix that works as printed.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;

use super::guard::{shell_path, shown};
use super::template;
use super::{
    detect_format, git_err, is_placeholder, is_vars_path, sopsconfig::SopsConfig, Error, Finding,
    Repo, Result, HOSTS_DIR, LINK_MODE, SOPS_CONFIG,
};
use crate::sops::{self, Format, Recipient};

/// A content detector: `Some(what it looks like)` when a value looks like a credential (a URL with a password, a
/// token format, a private key, a random-looking string), whatever its key is called. The default is
/// [`secretctl_instance::credential::detect`].
pub type Detector<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The default detector: [`secretctl_instance::credential::detect`], named as "a URL with a password
/// (url-password)".
fn default_detect(value: &str) -> Option<String> {
    secretctl_instance::credential::detect(value).map(|rule| rule.to_string())
}

/// What [`Repo::check_staged_with`] needs to know about keys and values: the caller's classification and,
/// optionally, content detection.
#[derive(Clone, Copy)]
#[must_use]
pub struct CheckRules<'a> {
    is_secret: &'a dyn Fn(&str) -> bool,
    detect: Option<Detector<'a>>,
}

impl std::fmt::Debug for CheckRules<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckRules")
            .field("detect", &self.detect.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> CheckRules<'a> {
    /// Rules from the classification `is_secret`: true for a key that must never be committed in plaintext.
    /// Without a detector, files other than vars files, envfiles and templates are not inspected.
    pub fn new(is_secret: &'a dyn Fn(&str) -> bool) -> Self {
        CheckRules {
            is_secret,
            detect: None,
        }
    }

    /// Content detection as well: every other staged text file, and every value that may be plaintext, is refused
    /// when `detect` says it looks like a credential.
    pub fn detect(self, detect: Detector<'a>) -> Self {
        CheckRules {
            detect: Some(detect),
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StagedKind {
    Vars(Format),
    Env,
    Other,
}

fn staged_kind(rel: &Path) -> StagedKind {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if is_vars_path(rel) {
        return StagedKind::Vars(Format::from_path(rel));
    }
    if name == ".env"
        || name.starts_with(".env.")
        || name.ends_with(".env")
        || name == "env.template"
    {
        return StagedKind::Env;
    }
    StagedKind::Other
}

/// Whether a link at `rel` is one secretctl would be asked to follow: anything under `hosts/`, and `.sops.yaml`.
fn link_is_refused(rel: &Path) -> bool {
    rel.starts_with(HOSTS_DIR) || rel == Path::new(SOPS_CONFIG)
}

/// One staged file being checked, and how to take it out of the commit.
struct Staged<'a> {
    /// As shown in findings (escaped).
    shown: String,
    rel: &'a Path,
    root: &'a Path,
    /// Whether `HEAD` has this file (then the fix restores it, else it unstages it).
    in_head: bool,
}

impl Staged<'_> {
    fn finding(&self, key: Option<&str>, problem: &str) -> Finding {
        Finding {
            path: self.shown.clone(),
            key: key.map(shown),
            problem: format!("{problem}; {}", self.fix()),
        }
    }

    /// A command that takes the staged change out of the commit.
    fn fix(&self) -> String {
        let (root, rel) = (shell_path(self.root), shell_path(self.rel));
        if self.in_head {
            format!(
                "back to the committed version (this discards the change): `git -C {root} restore --staged --worktree -- {rel}`"
            )
        } else {
            format!("unstage it (it stays on disk): `git -C {root} rm -q --cached -- {rel}`")
        }
    }
}

impl Repo {
    /// [`Repo::check_staged_with`] without content detection.
    ///
    /// # Errors
    /// As [`Repo::check_staged_with`].
    pub fn check_staged(&self, is_secret: &dyn Fn(&str) -> bool) -> Result<Vec<Finding>> {
        self.check_staged_with(&CheckRules::new(is_secret).detect(&default_detect))
    }

    /// The pre-commit check: the files of the index git is about to commit (`GIT_INDEX_FILE`, else the
    /// repository's index) that differ from `HEAD` and would put a secret into git in plaintext (see the module
    /// documentation for the rule of each kind of file). Each [`Finding`] ends with a command that fixes it.
    ///
    /// # Errors
    /// The index or `HEAD` cannot be read.
    pub fn check_staged_with(&self, rules: &CheckRules<'_>) -> Result<Vec<Finding>> {
        let head_tree = match self.git.head() {
            Ok(h) => Some(h.peel_to_tree().map_err(git_err("cannot read HEAD"))?),
            Err(_) => None,
        };
        let index = self.staged_index()?;
        let diff = self
            .git
            .diff_tree_to_index(head_tree.as_ref(), Some(&index), None)
            .map_err(git_err("cannot compare the index with HEAD"))?;
        let config = self.staged_config(&index);
        let mut findings = Vec::new();
        let mut sops_config_changed = false;
        for delta in diff.deltas() {
            if matches!(
                delta.status(),
                git2::Delta::Deleted | git2::Delta::Conflicted
            ) {
                continue;
            }
            let file = delta.new_file();
            let Some(rel) = file.path() else { continue };
            sops_config_changed |= rel == Path::new(SOPS_CONFIG);
            let staged = Staged {
                shown: shown(&rel.to_string_lossy()),
                rel,
                root: &self.root,
                in_head: head_tree.as_ref().is_some_and(|t| t.get_path(rel).is_ok()),
            };
            if i32::from(file.mode()) == LINK_MODE {
                if link_is_refused(rel) {
                    findings.push(staged.finding(
                        None,
                        "a symbolic link where secretctl reads a file; it never follows links in the repository",
                    ));
                }
                continue;
            }
            let kind = staged_kind(rel);
            if kind == StagedKind::Other && rules.detect.is_none() {
                // Other files are read only for content detection.
                continue;
            }
            let text = match self.blob_text(file.id(), rel) {
                Ok(t) => t,
                // A binary file cannot hold a text secret.
                Err(Error::NotUtf8 { .. }) if kind == StagedKind::Other => continue,
                Err(_) => {
                    findings
                        .push(staged.finding(None, "cannot be checked (too large or not UTF-8)"));
                    continue;
                }
            };
            match kind {
                StagedKind::Vars(format) => {
                    let recipients = wanted_for(&config, rel);
                    check_vars(&staged, &text, format, &recipients, rules, &mut findings);
                }
                StagedKind::Env => {
                    // A host's template is checked by push's own rule (the host's schema, `.sops.yaml`).
                    let is_secret = self.template_rule(rel, rules.is_secret);
                    check_envfile(&staged, &text, &*is_secret, rules.detect, &mut findings);
                }
                StagedKind::Other => check_other_file(&staged, &text, rules, &mut findings),
            }
        }
        if sops_config_changed {
            if let Ok(config) = &config {
                self.check_recipients_change(&index, head_tree.as_ref(), config, &mut findings);
            }
        }
        Ok(findings)
    }

    /// A staged `.sops.yaml` whose recipients differ from those the vars files of the commit are encrypted to:
    /// who can read a host's secrets changes only through `secretctl gitops recipients`, which rewraps the files
    /// and rewrites `.sops.yaml` together. (Vars files staged themselves are compared with it one by one.)
    fn check_recipients_change(
        &self,
        index: &git2::Index,
        head_tree: Option<&git2::Tree<'_>>,
        config: &SopsConfig,
        findings: &mut Vec<Finding>,
    ) {
        let mut differ = Vec::new();
        for entry in index.iter() {
            let rel = PathBuf::from(String::from_utf8_lossy(&entry.path).into_owned());
            let unchanged = head_tree
                .and_then(|t| t.get_path(&rel).ok())
                .is_some_and(|e| e.id() == entry.id);
            if !is_vars_path(&rel) || !unchanged {
                continue;
            }
            let Ok(text) = self.blob_text(entry.id, &rel) else {
                continue;
            };
            let format = detect_format(&text).unwrap_or_else(|| Format::from_path(&rel));
            let Ok(found) = sops::inspect(&text, format) else {
                continue;
            };
            let Ok(wanted) = wanted_for(&Ok(config.clone()), &rel) else {
                differ.push(shown(&rel.to_string_lossy()));
                continue;
            };
            let same = found.recipients.len() == wanted.len()
                && found.recipients.iter().all(|r| wanted.contains(r));
            if !same {
                differ.push(shown(&rel.to_string_lossy()));
            }
        }
        if differ.is_empty() {
            return;
        }
        let staged = Staged {
            shown: SOPS_CONFIG.to_owned(),
            rel: Path::new(SOPS_CONFIG),
            root: &self.root,
            in_head: head_tree.is_some_and(|t| t.get_path(Path::new(SOPS_CONFIG)).is_ok()),
        };
        findings.push(staged.finding(
            None,
            &format!(
                "lists other recipients than {} {} encrypted to; recipients change only through secretctl gitops \
                 recipients add or remove, which rewraps the files with it",
                differ.join(", "),
                if differ.len() == 1 { "is" } else { "are" },
            ),
        ));
    }

    /// The index git is about to commit: `GIT_INDEX_FILE` (relative to the current directory, as git hands it to
    /// hooks, which run at the top of the working tree), else the repository's own.
    fn staged_index(&self) -> Result<git2::Index> {
        match std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty()) {
            Some(path) => {
                let path =
                    std::path::absolute(PathBuf::from(path)).map_err(|source| Error::Read {
                        path: PathBuf::from("GIT_INDEX_FILE"),
                        source,
                    })?;
                git2::Index::open(&path).map_err(git_err(format!(
                    "cannot read the index {} (GIT_INDEX_FILE)",
                    path.display()
                )))
            }
            None => {
                let mut index = self.git.index().map_err(git_err("cannot open the index"))?;
                // Another process (git add) may have changed the index since this repository was opened.
                index
                    .read(false)
                    .map_err(git_err("cannot read the index"))?;
                Ok(index)
            }
        }
    }

    /// The `.sops.yaml` in `index` (what the commit will hold), or why there is none.
    fn staged_config(&self, index: &git2::Index) -> std::result::Result<SopsConfig, String> {
        let rel = Path::new(SOPS_CONFIG);
        let Some(entry) = index.get_path(rel, 0) else {
            return Err(format!(
                "the commit has no {SOPS_CONFIG}, so its recipients are unknown"
            ));
        };
        if i32::try_from(entry.mode).is_ok_and(|m| m == LINK_MODE) {
            return Err(format!("{SOPS_CONFIG} is a symbolic link"));
        }
        let text = self
            .blob_text(entry.id, rel)
            .map_err(|e| format!("{SOPS_CONFIG} cannot be read: {e}"))?;
        SopsConfig::parse(&text).map_err(|e| format!("{SOPS_CONFIG}:{}: {}", e.line, e.reason))
    }
}

/// The recipients the creation rule of `config` for the vars file `rel` names (each file is encrypted to its own
/// rule's recipients), or why there are none.
fn wanted_for(
    config: &std::result::Result<SopsConfig, String>,
    rel: &Path,
) -> std::result::Result<Vec<Recipient>, String> {
    let config = config.as_ref().map_err(Clone::clone)?;
    match config.rule_for(&rel.to_string_lossy()) {
        Ok(Some(rule)) if !rule.recipients.is_empty() => Ok(rule.recipients.clone()),
        Ok(Some(rule)) => Err(format!(
            "{SOPS_CONFIG}: creation rule {} lists no age recipient",
            rule.number
        )),
        Ok(None) => Err(format!("no creation rule of {SOPS_CONFIG} matches it")),
        Err(e) => Err(format!("{SOPS_CONFIG}:{}: {}", e.line, e.reason)),
    }
}

/// A staged vars file: a SOPS file (checked without a key, [`sops::inspect`]) encrypted to the repository's
/// recipients, with no secret key stored in plaintext.
fn check_vars(
    staged: &Staged<'_>,
    text: &str,
    format: Format,
    recipients: &std::result::Result<Vec<Recipient>, String>,
    rules: &CheckRules<'_>,
    findings: &mut Vec<Finding>,
) {
    let found = match sops::inspect(text, format) {
        Ok(found) => found,
        Err(sops::Error::NoMetadata) => {
            let (root, abs) = (
                shell_path(staged.root),
                shell_path(&staged.root.join(staged.rel)),
            );
            let rel = shell_path(staged.rel);
            findings.push(Finding {
                path: staged.shown.clone(),
                key: None,
                problem: format!(
                    "vars file is not encrypted; encrypt it: `secretctl gitops encrypt --repo {root} --in-place {abs} && git -C {root} add -- {rel}`"
                ),
            });
            return;
        }
        Err(sops::Error::BadValue { key_path, reason }) => {
            findings.push(staged.finding(
                Some(&key_path),
                &format!("value not encrypted where the file's sops rule encrypts it ({reason})"),
            ));
            return;
        }
        Err(e) => {
            findings.push(staged.finding(None, &format!("not a valid SOPS file: {e}")));
            return;
        }
    };
    match recipients {
        Ok(wanted) => {
            let extra: Vec<String> = found
                .recipients
                .iter()
                .filter(|r| !wanted.contains(r))
                .map(ToString::to_string)
                .collect();
            let missing: Vec<String> = wanted
                .iter()
                .filter(|r| !found.recipients.contains(r))
                .map(ToString::to_string)
                .collect();
            if !extra.is_empty() || !missing.is_empty() {
                let mut why = Vec::new();
                if !extra.is_empty() {
                    why.push(format!("also readable by {}", extra.join(", ")));
                }
                if !missing.is_empty() {
                    why.push(format!("not readable by {}", missing.join(", ")));
                }
                findings.push(staged.finding(
                    None,
                    &format!(
                        "encrypted to other recipients than {SOPS_CONFIG} lists ({}); recipients change only \
                         through secretctl gitops recipients add or remove",
                        why.join("; ")
                    ),
                ));
            }
        }
        Err(why) => findings
            .push(staged.finding(None, &format!("its recipients cannot be verified: {why}"))),
    }
    for p in &found.plaintext {
        let key = p.key_path.split(':').next().unwrap_or_default();
        if !p.comment && (rules.is_secret)(key) {
            findings.push(staged.finding(
                Some(&p.key_path),
                "secret value stored in plaintext (the file's sops rule leaves it unencrypted)",
            ));
        } else if let Some(rule) = rules.detect.and_then(|d| d(p.value.expose_secret())) {
            let what = if p.comment {
                "a plaintext comment"
            } else {
                "a plaintext value"
            };
            findings.push(staged.finding(
                Some(p.key_path.as_str()).filter(|k| !k.is_empty()),
                &format!("{what} that looks like {rule}"),
            ));
        }
    }
}

/// How many lines of an envfile assign `key` (`KEY=`, `export KEY =`). A line of a multi-line quoted value can
/// look like one too; that over-counts, which only makes the check stricter.
/// How many lines of `text` look like `KEY=` (or `export KEY =`) for each key, in one pass.
fn assignments(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut counts = std::collections::HashMap::new();
    for line in text.lines() {
        let l = line.trim_start();
        let l = match l.strip_prefix("export") {
            Some(r) if r.starts_with([' ', '\t']) => r.trim_start(),
            _ => l,
        };
        if let Some(eq) = l.find('=') {
            *counts
                .entry(l[..eq].trim_end_matches([' ', '\t']))
                .or_insert(0) += 1;
        }
    }
    counts
}

/// A staged envfile or template: each secret key holds its placeholder or nothing, and is assigned once (the
/// check sees the value Compose reads, the last one; an earlier assignment could hide a secret).
fn check_envfile(
    staged: &Staged<'_>,
    text: &str,
    is_secret: &dyn Fn(&str) -> bool,
    detect: Option<Detector<'_>>,
    findings: &mut Vec<Finding>,
) {
    // Values an operator reviewed and allowed in plaintext (`push --allow-plain KEY`) head a template.
    let (reviewed, body) = template::split_reviewed(text);
    let Ok(doc) = EnvFile::parse(body) else {
        findings.push(staged.finding(None, "cannot be parsed as a .env, so it cannot be checked"));
        return;
    };
    let counts = assignments(body);
    for (key, value) in doc.values() {
        if is_secret(key) {
            if !value.is_empty() && !is_placeholder(key, value) {
                findings.push(staged.finding(Some(key), "secret value staged in plaintext"));
            } else if counts.get(key).copied().unwrap_or(0) > 1 {
                findings.push(staged.finding(
                    Some(key),
                    "a secret key assigned more than once (an earlier assignment can hold a value)",
                ));
            }
        } else if let Some(rule) = detect
            .and_then(|d| d(value))
            .filter(|_| !template::is_reviewed(&reviewed, key, value))
        {
            findings.push(staged.finding(
                Some(key),
                &format!(
                    "declared plain, but the value looks like {rule}; keep it encrypted (remove \
                     `plain = true`), or review it and record the exception with `secretctl gitops push \
                     --allow-plain {key}`"
                ),
            ));
        }
    }
}

/// Content detection of a staged file that is neither a vars file nor an envfile: the one place where the
/// detector meets arbitrary files. A SOPS file's plaintext values are checked; any other text line by line (the
/// line, the value after `=` or `: `, and each word), naming the line.
///
/// Without a detector nothing is inspected here: the classification (`is_secret`) is about envfile keys, and
/// applying it to every `key: value` line of arbitrary files would refuse ordinary configuration.
fn check_other_file(
    staged: &Staged<'_>,
    text: &str,
    rules: &CheckRules<'_>,
    findings: &mut Vec<Finding>,
) {
    let Some(detect) = rules.detect else { return };
    if let Some(format) = detect_format(text) {
        if let Ok(found) = sops::inspect(text, format) {
            for p in &found.plaintext {
                if let Some(rule) = detect(p.value.expose_secret()) {
                    findings.push(staged.finding(
                        Some(p.key_path.as_str()).filter(|k| !k.is_empty()),
                        &format!("a plaintext value that looks like {rule}"),
                    ));
                }
            }
            return;
        }
    }
    for (n, line) in text.lines().enumerate() {
        if let Some(rule) = candidates(line).into_iter().find_map(detect) {
            findings.push(staged.finding(None, &format!("line {}: looks like {rule}", n + 1)));
        }
    }
}

/// The parts of a line a detector is asked about: the line, the value of a `KEY=value` or `key: value`, and
/// each word (split at white space, quotes and brackets). SOPS ciphertexts are left out.
fn candidates(line: &str) -> Vec<&str> {
    fn unquote(s: &str) -> &str {
        s.trim().trim_matches(['"', '\'']).trim()
    }
    let t = line.trim();
    let mut out = vec![t];
    if let Some((_, v)) = t.split_once('=') {
        out.push(unquote(v));
    }
    if let Some((_, v)) = t.split_once(": ") {
        out.push(unquote(v));
    }
    out.extend(
        t.split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '`' | ',' | ';' | '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>'
                )
        })
        .filter(|w| w.len() >= 8),
    );
    out.retain(|c| !c.is_empty() && !c.contains("ENC[AES256_GCM,"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_staged_files_are_checked() {
        let kind = |p: &str| staged_kind(Path::new(p));
        assert_eq!(kind("hosts/web1/vars.yaml"), StagedKind::Vars(Format::Yaml));
        assert_eq!(
            kind("hosts/web1/vars.env"),
            StagedKind::Vars(Format::Dotenv)
        );
        assert_eq!(
            kind("hosts/web1/state.yaml"),
            StagedKind::Vars(Format::Yaml)
        );
        assert_eq!(kind("hosts/web1/env.template"), StagedKind::Env);
        for env in [".env", "app/.env", ".env.production", "prod.env"] {
            assert_eq!(kind(env), StagedKind::Env, "{env}");
        }
        for other in [
            "README.md",
            "hosts/vars.yaml",
            "x/hosts/web1/vars.yaml",
            "envfile.rs",
        ] {
            assert_eq!(kind(other), StagedKind::Other, "{other}");
        }
        assert!(link_is_refused(Path::new("hosts/web1/env.template")));
        assert!(link_is_refused(Path::new(".sops.yaml")));
        assert!(!link_is_refused(Path::new("docs/current")));
    }

    #[test]
    fn assignments_are_counted_as_compose_reads_them() {
        let text = "A=1\nexport A = 2\n  A=3\nAB=4\n# A=5\nB=A=6\n";
        let counts = assignments(text);
        assert_eq!(counts["A"], 3);
        assert_eq!(counts["AB"], 1);
        assert_eq!(counts["B"], 1);
    }

    #[test]
    fn a_detector_is_asked_about_values_words_and_lines() {
        let c = candidates("  url: \"postgres://app:pw@db/app\" # main db");
        assert!(c.contains(&"postgres://app:pw@db/app"), "{c:?}");
        let c = candidates("TOKEN='ghp_abcdefghijklmnop'");
        assert!(c.contains(&"ghp_abcdefghijklmnop"), "{c:?}");
        let c = candidates("x: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]");
        assert!(c.iter().all(|w| !w.contains("ENC[")), "{c:?}");
    }

    #[test]
    fn fixes_are_commands_for_the_file() {
        let root = Path::new("/srv/ops repo");
        let rel = Path::new("app/.env");
        let new = Staged {
            shown: "app/.env".into(),
            rel,
            root,
            in_head: false,
        };
        assert_eq!(
            new.fix(),
            "unstage it (it stays on disk): `git -C '/srv/ops repo' rm -q --cached -- app/.env`"
        );
        let tracked = Staged {
            in_head: true,
            ..new
        };
        assert!(tracked
            .fix()
            .ends_with("`git -C '/srv/ops repo' restore --staged --worktree -- app/.env`"));
    }
}

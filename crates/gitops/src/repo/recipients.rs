//! Who can read the repository's files: `recipients add|remove` (edit the age lists of the creation rules in
//! `.sops.yaml` that govern the vars files, in place, and re-wrap the vars files), and `updatekeys` (re-wrap named
//! files to their rule's current recipients, as `sops updatekeys`).

use std::path::{Path, PathBuf};

use super::sopsconfig::{self, SopsConfig};
use super::{vars_path, Author, Error, RecipientsOutcome, Repo, Result, SHARED_HOST, SOPS_CONFIG};
use crate::sops::{self, Format, Identities, Recipient};

/// What `updatekeys` did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyUpdate {
    /// Its recipients already were the rule's.
    Unchanged,
    /// Recipients were added: the same data key wrapped to them (values and MAC untouched), as `sops updatekeys`.
    Rewrapped,
    /// A recipient was removed: a new data key, every value re-encrypted (the removed recipient knew the old
    /// key, so keeping it would let them read values written later).
    Rekeyed,
}

impl KeyUpdate {
    /// `unchanged`, `rewrapped` or `rekeyed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUpdate::Unchanged => "unchanged",
            KeyUpdate::Rewrapped => "rewrapped",
            KeyUpdate::Rekeyed => "rekeyed",
        }
    }
}

/// What `updatekeys` did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct UpdateKeysOutcome {
    /// Each file (relative to the root), what was done, and its recipients afterwards.
    pub files: Vec<(PathBuf, KeyUpdate, Vec<Recipient>)>,
}

fn contains_all(have: &[Recipient], want: &[Recipient]) -> bool {
    want.iter().all(|r| have.contains(r))
}

/// The new text of a file encrypted to `current` so that it is encrypted to exactly `wanted`, and how.
fn update_to(
    text: &str,
    format: Format,
    ids: &Identities,
    current: &[Recipient],
    wanted: &[Recipient],
) -> std::result::Result<(KeyUpdate, Option<String>), sops::Error> {
    if !contains_all(wanted, current) {
        let new = sops::rotate_data_key(text, format, ids, wanted)?;
        Ok((KeyUpdate::Rekeyed, Some(new)))
    } else if !contains_all(current, wanted) {
        let new = sops::rewrap(text, format, ids, wanted)?;
        Ok((KeyUpdate::Rewrapped, Some(new)))
    } else {
        Ok((KeyUpdate::Unchanged, None))
    }
}

impl Repo {
    /// The `.sops.yaml` text (it must exist).
    fn sops_config_text(&self) -> Result<String> {
        self.read(Path::new(SOPS_CONFIG))?
            .ok_or_else(|| Error::NoRecipients {
                path: self.root.join(SOPS_CONFIG),
            })
    }

    /// The numbers of the creation rules that govern the repository's vars files: the rule of every vars file in
    /// the working tree and of the shared vars file, in file order.
    fn governing_rules(&self, config: &SopsConfig) -> Result<Vec<usize>> {
        let mut files = self.vars_files()?;
        files.push(vars_path(SHARED_HOST));
        let mut out = Vec::new();
        for rel in files {
            let n = self.rule_for(config, &rel)?.number;
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Add recipients to the creation rules of `.sops.yaml` that govern the vars files (their age lists are edited
    /// in place; every other byte of the file is kept), then wrap every vars file's *same* data key to its rule's
    /// recipients (values untouched), and commit. `progress` is told (files done, files in all) as the vars files
    /// are processed.
    ///
    /// # Errors
    /// A `.sops.yaml` rule that cannot be used or edited in place, a vars file `ids` cannot decrypt,
    /// [`Error::NoAuthor`], I/O and git failures.
    pub fn add_recipients(
        &self,
        add: &[Recipient],
        ids: &Identities,
        author: &Author,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<RecipientsOutcome> {
        let _lock = self.lock()?;
        let config = self.sops_config()?;
        let mut changes = Vec::new();
        for n in self.governing_rules(&config)? {
            let Some(rule) = config.rule(n) else { continue };
            let mut list = rule.recipients.clone();
            for r in add {
                if !list.contains(r) {
                    list.push(r.clone());
                }
            }
            if list != rule.recipients {
                changes.push((n, list));
            }
        }
        let outcome = self.rewrite_recipients(
            &changes,
            author,
            "secretctl gitops: add recipients",
            progress,
            |text, current, wanted| {
                if contains_all(current, wanted) {
                    return Ok(None);
                }
                let mut all = current.to_vec();
                all.extend(wanted.iter().filter(|r| !current.contains(r)).cloned());
                sops::rewrap(text, Format::Yaml, ids, &all).map(Some)
            },
        )?;
        self.pin_all()?;
        Ok(outcome)
    }

    /// Remove recipients from every creation rule of `.sops.yaml` that lists them (edited in place), then give
    /// every vars file that was readable by one of them a **new** data key (every value re-encrypted) wrapped to its
    /// rule's recipients, because a removed recipient knew the old one; commit. `progress` is told (files done,
    /// files in all) as the vars files are processed.
    ///
    /// # Errors
    /// [`Error::LastRecipient`] when a rule would be left with none, a vars file `ids` cannot decrypt,
    /// [`Error::NoAuthor`], I/O and git failures.
    pub fn remove_recipients(
        &self,
        remove: &[Recipient],
        ids: &Identities,
        author: &Author,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<RecipientsOutcome> {
        let _lock = self.lock()?;
        let config = self.sops_config()?;
        let mut changes = Vec::new();
        for n in 1..=config.len() {
            let Some(rule) = config.rule(n) else { continue };
            let list: Vec<Recipient> = rule
                .recipients
                .iter()
                .filter(|r| !remove.contains(r))
                .cloned()
                .collect();
            if list.len() != rule.recipients.len() {
                if list.is_empty() {
                    return Err(Error::LastRecipient);
                }
                changes.push((n, list));
            }
        }
        let outcome = self.rewrite_recipients(
            &changes,
            author,
            "secretctl gitops: remove recipients, rotate data keys",
            progress,
            |text, current, wanted| {
                let wanted: Vec<Recipient> = wanted
                    .iter()
                    .filter(|r| !remove.contains(r))
                    .cloned()
                    .collect();
                if wanted.is_empty() {
                    return Err(sops::Error::NoRecipients);
                }
                update_to(text, Format::Yaml, ids, current, &wanted).map(|(_, t)| t)
            },
        )?;
        self.pin_all()?;
        Ok(outcome)
    }

    /// The common part of adding and removing recipients: `.sops.yaml` gets the rule `changes` (rule number, new
    /// age list); `rewrite` gets each vars file's text, current recipients and its rule's recipients afterwards and
    /// returns its new text (or `None` to leave it); every new text is written, and the change is committed with
    /// `message`. `progress` is told (files done, files in all). Nothing is written unless every file was
    /// rewritten successfully.
    fn rewrite_recipients(
        &self,
        changes: &[(usize, Vec<Recipient>)],
        author: &Author,
        message: &str,
        progress: &mut dyn FnMut(usize, usize),
        mut rewrite: impl FnMut(
            &str,
            &[Recipient],
            &[Recipient],
        ) -> std::result::Result<Option<String>, sops::Error>,
    ) -> Result<RecipientsOutcome> {
        let config_path = self.root.join(SOPS_CONFIG);
        let old_text = self.sops_config_text()?;
        let new_text = if changes.is_empty() {
            old_text.clone()
        } else {
            sopsconfig::set_recipients(&old_text, changes)
                .map_err(|e| super::config_error(&config_path, e))?
        };
        let config =
            SopsConfig::parse(&new_text).map_err(|e| super::config_error(&config_path, e))?;
        let mut outcome = RecipientsOutcome::default();
        let mut pending = Vec::new();
        let files = self.vars_files()?;
        let total = files.len();
        for (done, rel) in files.into_iter().enumerate() {
            progress(done, total);
            let Some(text) = self.read(&rel)? else {
                continue;
            };
            let wanted = self.rule_for(&config, &rel)?.recipients.clone();
            let sops_error = |source| Error::Sops {
                path: rel.clone(),
                source,
            };
            let current = sops::recipients_of(&text, Format::Yaml).map_err(sops_error)?;
            if let Some(new) = rewrite(&text, &current, &wanted).map_err(sops_error)? {
                pending.push((rel, new));
            }
        }
        progress(total, total);
        if new_text != old_text {
            pending.push((PathBuf::from(SOPS_CONFIG), new_text));
        }
        for (rel, text) in &pending {
            super::check_size(&self.root.join(rel), text.len())?;
        }
        outcome.changed = pending.iter().map(|(p, _)| p.clone()).collect();
        if !outcome.changed.is_empty() {
            self.check_can_commit(author)?;
        }
        for (rel, text) in &pending {
            self.write(rel, text)?;
        }
        if !outcome.changed.is_empty() {
            outcome.commit = self.commit(&outcome.changed, message, author)?;
        }
        outcome.recipients = config.all_recipients();
        Ok(outcome)
    }

    /// `sops updatekeys FILE...`: re-wrap each file's data key to the recipients of the `.sops.yaml` creation rule
    /// that applies to it ([`Repo::rule_path`]). Recipients added: the same data key wrapped to them, values
    /// untouched (as sops). A recipient removed: a new data key and every value re-encrypted (sops keeps the key;
    /// secretctl does not, since the removed recipient knew it). Every file is checked and re-encrypted before any
    /// is written; vars files' recipients are recorded as this clone's own (the next push accepts them). Nothing is
    /// committed, as with sops.
    ///
    /// # Errors
    /// [`Error::InvalidRepositoryPath`] for a file outside the working tree; as [`Repo::read`]; the rule errors of
    /// [`Repo::encrypt_file`]; [`Error::Sops`] for a file `ids` cannot decrypt or that does not verify.
    pub fn update_keys(&self, files: &[PathBuf], ids: &Identities) -> Result<UpdateKeysOutcome> {
        let _lock = self.lock()?;
        let config = self.sops_config()?;
        let mut outcome = UpdateKeysOutcome::default();
        let mut pending = Vec::new();
        for file in files {
            let rel = PathBuf::from(self.rule_path(file));
            if rel.is_absolute() || rel.as_os_str().is_empty() {
                return Err(Error::InvalidRepositoryPath { path: file.clone() });
            }
            let text = self.read(&rel)?.ok_or_else(|| Error::Read {
                path: file.clone(),
                source: std::io::ErrorKind::NotFound.into(),
            })?;
            let format = Format::from_path(&rel);
            let wanted = self.rule_for(&config, &rel)?.recipients.clone();
            let sops_error = |source| Error::Sops {
                path: rel.clone(),
                source,
            };
            let current = sops::recipients_of(&text, format).map_err(sops_error)?;
            let (what, new) =
                update_to(&text, format, ids, &current, &wanted).map_err(sops_error)?;
            if let Some(new) = new {
                pending.push((rel.clone(), new));
            }
            outcome.files.push((rel, what, wanted));
        }
        for (rel, text) in &pending {
            super::check_size(&self.root.join(rel), text.len())?;
        }
        for (rel, text) in &pending {
            self.write(rel, text)?;
            if super::is_vars_path(rel) {
                self.pin_recipients(rel, text)?;
            }
        }
        Ok(outcome)
    }
}

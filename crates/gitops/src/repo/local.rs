//! What `pull` must not overwrite: values of a host's `.env` that the repository never held for that host, that
//! is changes made on the host and never pushed.
//!
//! A value is safe to overwrite when the repository has held it for that key of that host: in the working tree, or
//! in one of the versions of the host's files in `HEAD`'s history (newest first, at most [`MAX_VERSIONS`]
//! distinct versions within the last [`MAX_COMMITS`] commits). A key the `.env` has and the repository never had
//! counts as a change too; a key the `.env` lacks does not (pull brings it back). Versions this identity cannot
//! decrypt (files encrypted before it was a recipient) are skipped. Comments and layout are not compared: `pull`
//! rewrites them from the template.

use std::collections::HashSet;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use secretctl_envfile::EnvFile;
use zeroize::Zeroizing;

use super::{template_path, vars_path, Repo, Result, SHARED_HOST};
use crate::sops::Identities;

/// How many commits of `HEAD`'s history are looked at.
const MAX_COMMITS: usize = 1000;
/// How many distinct versions of a host's files are rendered (each one decrypts its vars files).
const MAX_VERSIONS: usize = 50;

/// The keys of `pending` whose value `rendered` (a `.env` the repository renders) does not hold are kept.
fn settle(pending: &mut Vec<(String, Zeroizing<String>)>, rendered: &SecretString) {
    let Ok(doc) = EnvFile::parse(rendered.expose_secret()) else {
        return;
    };
    let values: std::collections::HashMap<&str, &str> = doc.values().into_iter().collect();
    pending.retain(|(k, v)| values.get(k.as_str()) != Some(&v.as_str()));
}

impl Repo {
    /// The keys of `local` (the `.env` `pull` would overwrite, in its order) whose values the repository never
    /// held for `host`. `current` is the working tree's rendering, already made by the caller.
    ///
    /// # Errors
    /// `HEAD`'s history cannot be walked.
    pub(super) fn unpushed_keys(
        &self,
        host: &str,
        local: &EnvFile,
        current: &SecretString,
        ids: &Identities,
    ) -> Result<Vec<String>> {
        let mut pending: Vec<(String, Zeroizing<String>)> = local
            .values()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Zeroizing::new(v.to_owned())))
            .collect();
        settle(&mut pending, current);
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let Ok(head) = self.git.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(pending.into_iter().map(|(k, _)| k).collect());
        };
        let mut walk = self
            .git
            .revwalk()
            .map_err(super::git_err("cannot walk the history"))?;
        // Newest first, read incrementally (a topological order would read the whole history first).
        walk.set_sorting(git2::Sort::TIME)
            .and_then(|()| walk.push(head.id()))
            .map_err(super::git_err("cannot walk the history"))?;
        let files = [template_path(host), vars_path(host), vars_path(SHARED_HOST)];
        let mut seen = HashSet::new();
        for oid in walk.take(MAX_COMMITS) {
            let Ok(tree) = oid
                .and_then(|o| self.git.find_commit(o))
                .and_then(|c| c.tree())
            else {
                continue;
            };
            let version: Vec<Option<git2::Oid>> = files
                .iter()
                .map(|f| tree.get_path(f).ok().map(|e| e.id()))
                .collect();
            if version[0].is_none() || !seen.insert(version) {
                continue;
            }
            if seen.len() > MAX_VERSIONS {
                break;
            }
            let read = |rel: &Path| self.read_in_tree(&tree, rel);
            if let Ok(rendered) = self.render_with(host, ids, &read) {
                settle(&mut pending, &rendered);
                if pending.is_empty() {
                    break;
                }
            }
        }
        Ok(pending.into_iter().map(|(k, _)| k).collect())
    }
}

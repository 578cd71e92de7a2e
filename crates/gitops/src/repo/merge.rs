//! Three-way merge of encrypted vars files, per key, on decrypted values; the result is encrypted before it
//! leaves this module, so the merge driver never has plaintext to write.

use std::collections::{HashMap, HashSet};

use std::path::Path;

use secrecy::ExposeSecret;

use super::guard::{shell_path, shown};
use crate::sops::{self, Format, Identities, Recipient, Vars};

/// What a merge produced.
#[derive(Debug)]
#[non_exhaustive]
pub struct MergeOutcome {
    /// The merged file, encrypted. On a conflict, conflicting keys keep *our* value (git still marks the file
    /// conflicted, because the driver exits non-zero).
    pub text: String,
    /// Keys both sides changed to different values. Empty when the merge is clean.
    pub conflicts: Vec<String>,
}

/// The format of a vars file from its content: whichever format's SOPS metadata it carries.
#[must_use]
pub fn detect_format(text: &str) -> Option<Format> {
    // JSON first: a JSON object is also a YAML flow mapping, and must stay JSON.
    if sops::is_encrypted(text, Format::Json) {
        Some(Format::Json)
    } else if sops::is_encrypted(text, Format::Yaml) {
        Some(Format::Yaml)
    } else if sops::is_encrypted(text, Format::Dotenv) {
        Some(Format::Dotenv)
    } else {
        None
    }
}

fn read(text: &str, format: Format, ids: &Identities) -> Result<Vars, sops::Error> {
    if text.trim().is_empty() {
        // A side where the file does not exist (git hands the driver an empty file).
        return Ok(Vec::new());
    }
    sops::read_vars(text, format, ids)
}

fn recipients(text: &str, format: Format) -> Result<Vec<Recipient>, sops::Error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    sops::recipients_of(text, format)
}

/// Each key's value: the last occurrence wins, as in a .env. One pass, so merging stays linear in the keys.
fn index(vars: &Vars) -> HashMap<&str, &secrecy::SecretString> {
    vars.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

fn same(a: Option<&secrecy::SecretString>, b: Option<&secrecy::SecretString>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.expose_secret() == b.expose_secret(),
        _ => false,
    }
}

/// Merge `ours` and `theirs`, both descended from `base`, key by key. An empty text stands for "no file".
///
/// A key changed (or added, or removed) on one side only takes that side's value; a key both sides changed the
/// same way is taken once; a key both sides changed differently is a conflict and keeps our value. Recipients are
/// merged the same way (a recipient either side removed is removed); when that removes one of our recipients,
/// the data key is rotated, because the removed recipient knew it. Otherwise our data key and the ciphertext of
/// every value equal to ours are kept, so the merge commit's diff shows only the merged keys.
///
/// # Errors
/// A side that is not a SOPS file, that `ids` cannot decrypt, or whose MAC or values fail authentication.
pub fn merge_vars(
    base: &str,
    ours: &str,
    theirs: &str,
    format: Option<Format>,
    ids: &Identities,
) -> Result<MergeOutcome, sops::Error> {
    let format = format
        .or_else(|| detect_format(ours))
        .or_else(|| detect_format(theirs))
        .unwrap_or(Format::Yaml);
    let o = read(base, format, ids)?;
    let a = read(ours, format, ids)?;
    let b = read(theirs, format, ids)?;

    let mut keys: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (k, _) in a.iter().chain(b.iter()).chain(o.iter()) {
        if seen.insert(k.as_str()) {
            keys.push(k);
        }
    }
    let (oi, ai, bi) = (index(&o), index(&a), index(&b));
    let mut merged: Vars = Vec::new();
    let mut conflicts = Vec::new();
    for key in keys {
        let (ov, av, bv) = (
            oi.get(key).copied(),
            ai.get(key).copied(),
            bi.get(key).copied(),
        );
        let pick = if same(av, bv) || same(ov, bv) {
            av
        } else if same(ov, av) {
            bv
        } else {
            conflicts.push(key.to_owned());
            av
        };
        if let Some(v) = pick {
            merged.push((key.to_owned(), v.clone()));
        }
    }

    let (ro, ra, rb) = (
        recipients(base, format)?,
        recipients(ours, format)?,
        recipients(theirs, format)?,
    );
    let mut merged_recipients: Vec<Recipient> = Vec::new();
    for r in ra.iter().chain(rb.iter()) {
        let keep = (ra.contains(r) && rb.contains(r)) || !ro.contains(r);
        if keep && !merged_recipients.contains(r) {
            merged_recipients.push(r.clone());
        }
    }
    let lost_one_of_ours = ra.iter().any(|r| !merged_recipients.contains(r));
    let previous = if ours.trim().is_empty() || lost_one_of_ours {
        None
    } else {
        Some((ours, ids))
    };
    let text = sops::write_vars(&merged, format, &merged_recipients, previous)?;
    Ok(MergeOutcome { text, conflicts })
}

/// The message of [`super::Error::MergeConflict`]: which keys, what the file holds now, and the commands that
/// resolve the conflict, each of which works as printed in the repository at `repo` (they are only given when the
/// driver knows the file's path in the repository and the repository).
pub(super) fn conflict_message(path: &Path, keys: &[String], repo: Option<&Path>) -> String {
    let names: Vec<String> = keys.iter().map(|k| shown(k)).collect();
    let mut msg = format!(
        "{}: {} changed differently on both sides; the file now holds our value for {} and the merged value of \
         every other key, encrypted",
        shown(&path.to_string_lossy()),
        names.join(", "),
        if keys.len() == 1 { "it" } else { "them" },
    );
    if let Some(repo) = repo {
        let git = format!("git -C {}", shell_path(repo));
        let file = shell_path(path);
        msg.push_str(&format!(
            ". Keep ours: `{git} add -- {file}`; or take their whole file: `{git} checkout --theirs -- {file} && \
             {git} add -- {file}`; then finish as git asks (git commit, or git rebase --continue). To choose per \
             key, set the values in the host's .env and push it with --no-commit (docs/gitops.md, \"Merging \
             concurrent edits\")"
        ));
    } else {
        msg.push_str(
            "; resolve it as docs/gitops.md describes (\"Merging concurrent edits\"), then `git add` the file",
        );
    }
    msg
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;

    #[test]
    fn a_json_vars_file_is_json_although_it_is_also_yaml() {
        let ids = Identities::generate();
        let vars = vec![("A".to_owned(), SecretString::from("x"))];
        let json = sops::write_vars(&vars, Format::Json, &ids.recipients(), None).unwrap();
        assert_eq!(detect_format(&json), Some(Format::Json));
        let back = sops::read_vars(&json, Format::Json, &ids).unwrap();
        assert_eq!(back[0].1.expose_secret(), "x");
        let yaml = sops::write_vars(&vars, Format::Yaml, &ids.recipients(), None).unwrap();
        assert_eq!(detect_format(&yaml), Some(Format::Yaml));
    }
}

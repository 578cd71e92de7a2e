//! `gitops push`: a host's `.env` split into its template and encrypted vars, with the instance's state and schema,
//! committed. Where each key goes, and what is refused in plaintext, is [`super::placement`]'s rule.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use secretctl_envfile::EnvFile;
use secretctl_instance::secretctl_schema::Schema;
use secretctl_instance::Instance;
use zeroize::Zeroizing;

use super::placement::{self, declared_placement, Placer, RecipientChange};
use super::sopsconfig::{CreationRule, SopsConfig};
use super::template::{self, Placement};
use super::{
    files::read_text, schema_path, state_path, template_path, validate_host, vars_path, Author,
    Error, PushOutcome, Repo, Result, SHARED_HOST, SOPS_CONFIG, STATE_KEY,
};
use crate::sops::{self, Format, Identities, Recipient, Vars};

/// What the operator decided on the command line for one push.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PushOptions {
    /// `--allow-plain KEY`: keys allowed in plaintext although their value looks like a credential, or although
    /// they are encrypted today (a reviewed downgrade). A credential-looking value allowed this way is recorded
    /// at the top of the template, bound to its digest, so later pushes of the same value need no flag.
    pub allow_plain: Vec<String>,
    /// `--accept-recipients`: encrypt to the recipients `.sops.yaml` names even where they differ from those the
    /// host's files are encrypted to (a removed recipient's files get a new data key).
    pub accept_recipients: bool,
}

/// What a push does with the instance's schema.
#[derive(Clone, Copy)]
enum SchemaTravel<'a> {
    /// Leave `hosts/<host>/secretctl.toml` as it is (the pushes that are given a classification, not an instance).
    Untouched,
    /// The instance's schema text (none: the instance has no schema).
    Instance(Option<&'a str>),
}

/// One push, however it was asked for.
struct Request<'a> {
    host: &'a str,
    env_text: &'a str,
    env_path: &'a Path,
    state: Option<&'a str>,
    schema: SchemaTravel<'a>,
    /// A schema given explicitly (not the one beside the `.env`), for the commands messages print.
    schema_flag: Option<&'a Path>,
    classify: &'a dyn Fn(&str) -> Placement,
}

fn rel_str(rel: &Path) -> String {
    rel.to_string_lossy().into_owned()
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_owned())
}

impl Repo {
    /// Split a host's `.env` into its template and vars and commit what changed.
    ///
    /// Each key is placed by `classify` ([`Placement::Plain`] stays in the template verbatim; [`Placement::Host`]
    /// and [`Placement::Shared`] are replaced by a [`super::placeholder`] and stored encrypted in the host's or the
    /// shared vars file), and then by the repository's `.sops.yaml`: a key its creation rule leaves unencrypted,
    /// as sops would, stays in plaintext too. Every value left in plaintext is checked: one that looks like a
    /// credential, or whose key is encrypted today, is refused ([`Error::PlaintextRefused`]). The vars files hold
    /// the values Compose computes from the `.env`. The host's vars file becomes exactly the host's secrets; the
    /// shared file gets this host's shared values and keeps every other key. Unchanged values keep their
    /// ciphertext and a file whose content would not change is not rewritten; nothing changed, nothing committed.
    /// With `author` `None` the files are written but not committed (to finish a conflicted merge with
    /// `git add`/`git commit`).
    ///
    /// # Errors
    /// An invalid host, an unparsable `.env` or one whose interpolation fails, `.sops.yaml` errors (no rule for the
    /// file, no recipients), [`Error::RecipientsChanged`], [`Error::PlaintextRefused`], vars files `ids` cannot
    /// decrypt (or no `ids` when they exist), [`Error::NoAuthor`], and I/O or git failures.
    pub fn push(
        &self,
        host: &str,
        env_text: &str,
        env_path: &Path,
        classify: &dyn Fn(&str) -> Placement,
        ids: Option<&Identities>,
        author: Option<&Author>,
    ) -> Result<PushOutcome> {
        self.push_with_state(host, env_text, env_path, None, classify, ids, author)
    }

    /// [`Repo::push`], and with `state` the instance's state file too: encrypted as the one value of
    /// `hosts/<host>/state.yaml` ([`state_path`]), in the same commit. An unchanged state keeps its ciphertext.
    ///
    /// # Errors
    /// As [`Repo::push`].
    #[allow(clippy::too_many_arguments)] // push's arguments plus the state; a struct would only rename them
    pub fn push_with_state(
        &self,
        host: &str,
        env_text: &str,
        env_path: &Path,
        state: Option<&str>,
        classify: &dyn Fn(&str) -> Placement,
        ids: Option<&Identities>,
        author: Option<&Author>,
    ) -> Result<PushOutcome> {
        let req = Request {
            host,
            env_text,
            env_path,
            state,
            schema: SchemaTravel::Untouched,
            schema_flag: None,
            classify,
        };
        self.push_request(&req, ids, author, &PushOptions::default())
    }

    /// Push an instance: its `.env` placed by the instance's classification ([`declared_placement`]: every key
    /// is secret unless its schema declares it `plain = true`; `shared = true` goes to `_shared`) and by
    /// `.sops.yaml`, as [`Repo::push`] does; its state file encrypted as `hosts/<host>/state.yaml`; its schema
    /// (which holds no secret) as `hosts/<host>/secretctl.toml`, so that a new host gets it back with `pull`.
    ///
    /// # Errors
    /// As [`Repo::push`]; the `.env`, state or schema cannot be read; [`Error::SchemaNotLocal`] when the
    /// repository holds a schema for the host and the instance has none.
    pub fn push_instance(
        &self,
        host: &str,
        instance: &Instance,
        ids: Option<&Identities>,
        author: Option<&Author>,
        opts: &PushOptions,
    ) -> Result<PushOutcome> {
        let env_text = Zeroizing::new(read_text(instance.env_path())?);
        let state = instance.state_text()?;
        let schema_text = match instance.schema() {
            Some(schema) => Some(match schema.file() {
                Some(path) => Schema::read_text(path).map_err(|source| Error::Schema {
                    path: path.to_owned(),
                    source,
                })?,
                None => schema.to_toml(),
            }),
            None => None,
        };
        let beside = instance
            .env_path()
            .with_file_name(secretctl_instance::secretctl_schema::SCHEMA_FILE);
        let schema_flag = instance
            .schema()
            .and_then(Schema::file)
            .filter(|f| absolute(f) != absolute(&beside));
        let classify = |key: &str| declared_placement(instance, key);
        let req = Request {
            host,
            env_text: &env_text,
            env_path: instance.env_path(),
            state: state.as_ref().map(|s| s.as_str()),
            schema: SchemaTravel::Instance(schema_text.as_deref()),
            schema_flag,
            classify: &classify,
        };
        self.push_request(&req, ids, author, opts)
    }

    /// The repository's `.sops.yaml`, parsed.
    pub(super) fn sops_config(&self) -> Result<SopsConfig> {
        let path = self.root.join(SOPS_CONFIG);
        let text = self
            .read(Path::new(SOPS_CONFIG))?
            .ok_or_else(|| Error::NoRecipients { path: path.clone() })?;
        SopsConfig::parse(&text).map_err(|e| super::config_error(&path, e))
    }

    /// The creation rule sops applies to `rel` (relative to the root), with at least one age recipient and no
    /// Vault Transit key (the vars files push and the recipient commands write).
    ///
    /// # Errors
    /// [`Error::NoCreationRule`] when none matches, [`Error::NoRecipients`] for a rule without age recipients,
    /// [`Error::SopsConfig`] / [`Error::SopsConfigUnsupported`] for a rule that cannot be used.
    pub(super) fn rule_for<'c>(
        &self,
        config: &'c SopsConfig,
        rel: &Path,
    ) -> Result<&'c CreationRule> {
        let path = self.root.join(SOPS_CONFIG);
        let rule = self.file_rule_for(config, rel)?;
        let rule = rule.age_only().map_err(|e| super::config_error(&path, e))?;
        if rule.recipients.is_empty() {
            return Err(Error::NoRecipients { path });
        }
        Ok(rule)
    }

    /// The creation rule sops applies to `rel` for a whole-file `encrypt`: age recipients, Vault Transit keys, or
    /// both.
    ///
    /// # Errors
    /// As [`Repo::rule_for`], Vault Transit keys allowed.
    pub(super) fn file_rule_for<'c>(
        &self,
        config: &'c SopsConfig,
        rel: &Path,
    ) -> Result<&'c CreationRule> {
        let path = self.root.join(SOPS_CONFIG);
        let rule = config
            .rule_for(&rel_str(rel))
            .map_err(|e| super::config_error(&path, e))?
            .ok_or_else(|| Error::NoCreationRule {
                path: path.clone(),
                file: rel.to_owned(),
            })?;
        if rule.recipients.is_empty() && rule.hc_vault.is_empty() {
            return Err(Error::NoRecipients { path });
        }
        Ok(rule)
    }

    /// The name, in the clone's own git configuration, of what this clone last wrote the vars file `rel` with
    /// (`datakey`, `recipients`).
    fn pin_setting(rel: &Path, what: &str) -> String {
        format!("secretctl.{}.{what}", rel_str(rel))
    }

    fn local_config(&self) -> Result<git2::Config> {
        self.git
            .config()
            .and_then(|c| c.open_level(git2::ConfigLevel::Local))
            .map_err(super::git_err("cannot open the repository's git config"))
    }

    /// A pin of the vars file `rel` from the clone's own `.git/config` (which no commit can change): the id
    /// ([`sops::data_key_id`]) of the data key this clone last wrote it with (`datakey`), or the recipients
    /// (`recipients`, comma-separated); `None` before the first write.
    fn pinned(&self, rel: &Path, what: &str) -> Result<Option<String>> {
        match self
            .local_config()?
            .get_string(&Self::pin_setting(rel, what))
        {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(super::git_err("cannot read the repository's git config")(e)),
        }
    }

    /// The recipients this clone last wrote the vars file `rel` to, when it did.
    fn pinned_recipients(&self, rel: &Path) -> Result<Option<Vec<Recipient>>> {
        let Some(list) = self.pinned(rel, "recipients")? else {
            return Ok(None);
        };
        let setting = Self::pin_setting(rel, "recipients");
        list.split(',')
            .filter(|r| !r.is_empty())
            .map(|r| {
                r.parse().map_err(|_| Error::Git {
                    what: format!("{setting} in the repository's git config"),
                    source: git2::Error::from_str("not a list of age recipients"),
                })
            })
            .collect::<Result<Vec<Recipient>>>()
            .map(Some)
    }

    fn set_pin(&self, rel: &Path, what: &str, value: &str) -> Result<()> {
        if self.pinned(rel, what)?.as_deref() == Some(value) {
            return Ok(());
        }
        self.local_config()?
            .set_str(&Self::pin_setting(rel, what), value)
            .map_err(super::git_err("cannot write the repository's git config"))
    }

    /// Record the recipients of `text` (the vars file `rel`) in the clone's `.git/config`.
    pub(super) fn pin_recipients(&self, rel: &Path, text: &str) -> Result<()> {
        let recipients = sops::recipients_of(text, Format::Yaml).map_err(|source| Error::Sops {
            path: rel.to_owned(),
            source,
        })?;
        self.pin_recipient_list(rel, &recipients)
    }

    /// Record `recipients` as those of the vars file `rel`.
    fn pin_recipient_list(&self, rel: &Path, recipients: &[Recipient]) -> Result<()> {
        let list: Vec<String> = recipients.iter().map(ToString::to_string).collect();
        self.set_pin(rel, "recipients", &list.join(","))
    }

    /// Record the data key and the recipients of the vars file `rel` as this push wrote it in the clone's
    /// `.git/config` (what [`sops::data_key_id`] and [`sops::recipients_of`] would read back from its text).
    fn pin_written(&self, rel: &Path, written: &sops::Written) -> Result<()> {
        self.set_pin(rel, "datakey", &written.key_id)?;
        self.pin_recipient_list(rel, &written.recipients)
    }

    /// After `recipients add|remove` (the operator's own word on who reads the files): record the recipients of
    /// every host's own files as they now are, so the next push accepts them. Their data keys are not vouched for
    /// (adding a recipient keeps whatever key a file had): a key this clone did not write is still replaced at
    /// the next push.
    pub(super) fn pin_all(&self) -> Result<()> {
        let shared = vars_path(SHARED_HOST);
        for rel in self.vars_files()?.iter().filter(|r| **r != shared) {
            if let Some(text) = self.read(rel)? {
                self.pin_recipients(rel, &text)?;
            }
        }
        Ok(())
    }

    /// `secretctl gitops push ... --allow-plain KEY...`: the command that accepts `keys` after review.
    fn allow_plain_fix(&self, req: &Request<'_>, keys: &[&str]) -> String {
        let mut words = vec![
            "secretctl".to_owned(),
            "gitops".to_owned(),
            "push".to_owned(),
            "--repo".to_owned(),
            self.root.display().to_string(),
            "--host".to_owned(),
            req.host.to_owned(),
            "--env".to_owned(),
            absolute(req.env_path).display().to_string(),
        ];
        if let Some(schema) = req.schema_flag {
            words.push("--schema".to_owned());
            words.push(absolute(schema).display().to_string());
        }
        for key in keys {
            words.push("--allow-plain".to_owned());
            words.push((*key).to_owned());
        }
        let quoted: Vec<String> = words
            .iter()
            .map(|w| secretctl_instance::shell_quote(w).into_owned())
            .collect();
        quoted.join(" ")
    }

    #[allow(clippy::too_many_lines)] // one pass: read, decide, check, encrypt, write, commit; each step is short
    fn push_request(
        &self,
        req: &Request<'_>,
        ids: Option<&Identities>,
        author: Option<&Author>,
        opts: &PushOptions,
    ) -> Result<PushOutcome> {
        let _lock = self.lock()?;
        let host = req.host;
        validate_host(host)?;
        let config = self.sops_config()?;
        let host_rel = vars_path(host);
        let shared_rel = vars_path(SHARED_HOST);
        let state_rel = state_path(host);
        let host_rule = self.rule_for(&config, &host_rel)?;
        // The shared file's rule decides placement only; a push that writes it checks the rule below.
        let shared_rule = config.rule_for(&rel_str(&shared_rel)).ok().flatten();
        let placer = Placer {
            classify: req.classify,
            host_rule,
            shared_rule,
        };

        let schema_rel = schema_path(host);
        if let SchemaTravel::Instance(None) = req.schema {
            if self.read(&schema_rel)?.is_some() {
                let expected = absolute(
                    &req.env_path
                        .with_file_name(secretctl_instance::secretctl_schema::SCHEMA_FILE),
                );
                let q = |s: &str| secretctl_instance::shell_quote(s).into_owned();
                let fix = format!(
                    "git -C {} show HEAD:{} > {}",
                    q(&self.root.display().to_string()),
                    q(&rel_str(&schema_rel)),
                    q(&expected.display().to_string())
                );
                return Err(Error::SchemaNotLocal {
                    host: host.to_owned(),
                    path: self.root.join(&schema_rel),
                    expected,
                    fix,
                });
            }
        }

        let env_error = |source| Error::EnvParse {
            path: req.env_path.to_owned(),
            source,
        };
        let (_, body) = template::split_reviewed(req.env_text);
        let doc = EnvFile::parse(body).map_err(env_error)?;
        // The value the app reads is what Compose computes from the file alone.
        let resolved = doc
            .resolve_report(&|_| None)
            .map_err(|source| Error::EnvResolve {
                path: req.env_path.to_owned(),
                source,
            })?;

        // Each previous vars file is read and parsed once; write_vars_over decrypts (and verifies) it to keep
        // unchanged ciphertexts.
        let mut prev_host = Before::read(self, &host_rel)?;
        let prev_shared = self.read(&shared_rel)?;
        let mut prev_state = match req.state {
            Some(_) => Before::read(self, &state_rel)?,
            None => None,
        };
        let prev_template = self.read(&template_path(host))?;
        let prev_reviewed = prev_template
            .as_deref()
            .map(|t| template::split_reviewed(t).0)
            .unwrap_or_default();

        let values: HashMap<&str, &SecretString> = resolved
            .values
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        let value_of = |key: &str| values.get(key).map(|v| (*v).clone());
        // The keys encrypted today: the host's file first (its first `host_encrypted` entries), then the shared one.
        let mut encrypted = Before::encrypted_keys(prev_host.as_ref(), &host_rel);
        let host_encrypted = encrypted.len();
        encrypted.extend(placement::encrypted_keys(
            &shared_rel,
            prev_shared.as_deref(),
        ));
        let plain =
            placement::check_plain(&doc, &placer, &encrypted, &prev_reviewed, &opts.allow_plain);
        let place = |key: &str| placer.place(key).0;
        let split = template::split(req.env_text, &place, &value_of, &plain.reviewed)
            .map_err(|e| e.at(req.env_path.to_owned()))?;

        // Who can read the files this push rewrites changes only when the operator says so.
        let shared_rule = if split.shared.is_empty() {
            None
        } else {
            Some(self.rule_for(&config, &shared_rel)?)
        };
        let state_rule = match req.state {
            Some(_) => Some(self.rule_for(&config, &state_rel)?),
            None => None,
        };
        let mut changes: Vec<RecipientChange> = Vec::new();
        // For the host's own files, the recipients this clone last wrote them to, when it did (a commit can
        // change what a file says, not what the clone remembers); otherwise those the file is encrypted to.
        let mut pin = |rel: &Path, prev: Option<&Before>, wanted: &[Recipient]| -> Result<()> {
            if changes.iter().any(|c| c.file == rel) {
                return Ok(());
            }
            let remembered = if *rel == host_rel || *rel == state_rel {
                self.pinned_recipients(rel)?
            } else {
                None
            };
            let current = match (remembered, prev) {
                (Some(r), _) => r,
                (None, Some(before)) => before.recipients().map_err(|source| Error::Sops {
                    path: rel.to_owned(),
                    source,
                })?,
                (None, None) => return Ok(()),
            };
            changes.extend(placement::recipient_changes(rel, &current, wanted));
            Ok(())
        };
        let shared_before = prev_shared.as_deref().map(Before::unparsed);
        pin(&host_rel, prev_host.as_ref(), &host_rule.recipients)?;
        if let Some(rule) = shared_rule {
            pin(&shared_rel, shared_before.as_ref(), &rule.recipients)?;
        }
        if let Some(rule) = state_rule {
            pin(&state_rel, prev_state.as_ref(), &rule.recipients)?;
        }
        if prev_host.is_none() && prev_state.is_none() {
            // A host whose files are gone (or new): what the clone remembers, else the repository's recipients as
            // its shared file carries them.
            pin(&host_rel, None, &host_rule.recipients)?;
            pin(&shared_rel, shared_before.as_ref(), &host_rule.recipients)?;
        }
        if !changes.is_empty() && !opts.accept_recipients {
            return Err(Error::RecipientsChanged {
                repo: self.root.clone(),
                changes,
            });
        }
        if !plain.refusals.is_empty() {
            let keys: Vec<&str> = plain
                .refusals
                .iter()
                .map(placement::PlainRefusal::key)
                .collect();
            let fix = self.allow_plain_fix(req, &keys);
            return Err(Error::PlaintextRefused {
                path: req.env_path.to_owned(),
                refusals: plain.refusals,
                fix,
            });
        }

        // Everything is computed (and every precondition checked) before the first file is written, so a
        // failing push leaves the working tree as it was.
        let sops_error = |rel: &Path| {
            let rel = rel.to_owned();
            move |source| Error::Sops { path: rel, source }
        };
        let mut pending: Vec<(PathBuf, String)> =
            vec![(template_path(host), split.template.clone())];
        if prev_host.is_some() && ids.is_none() {
            return Err(Error::IdentityRequired { path: host_rel });
        }
        // A host's own file is re-encrypted under its data key (unchanged values keep their ciphertext) only when
        // that key is the one this clone last wrote it with; otherwise someone else chose it, and a fresh one is
        // made.
        let mut rekeyed: Vec<PathBuf> = Vec::new();
        let mut keep_key = |rel: &Path, prev: Option<&Before>| -> Result<bool> {
            let (Some(before), Some(ids)) = (prev, ids) else {
                return Ok(true);
            };
            let id = before.data_key_id(ids).map_err(sops_error(rel))?;
            match self.pinned(rel, "datakey")? {
                Some(pinned) if pinned != id => {
                    rekeyed.push(rel.to_owned());
                    Ok(false)
                }
                _ => Ok(true),
            }
        };
        let mut written: Vec<(PathBuf, sops::Written)> = Vec::new();
        if !(split.host.is_empty() && prev_host.is_none()) {
            let keep = keep_key(&host_rel, prev_host.as_ref())?;
            let w = Before::write(
                &split.host,
                &host_rule.recipients,
                prev_host.as_mut().zip(ids).filter(|_| keep),
            )
            .map_err(sops_error(&host_rel))?;
            pending.push((host_rel.clone(), w.text.clone()));
            written.push((host_rel.clone(), w));
        }
        if let Some(rule) = shared_rule {
            let previous = self.read_vars_file(&shared_rel, ids)?;
            let mut vars: Vars = previous
                .as_ref()
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            for (k, v) in &split.shared {
                match vars.iter_mut().find(|(key, _)| key == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => vars.push((k.clone(), v.clone())),
                }
            }
            // Every host writes the shared file, so its data key is not pinned (each host would re-key what the
            // others wrote, forever).
            let previous = previous
                .as_ref()
                .zip(ids)
                .map(|((t, _), i)| (t.as_str(), i));
            let text = sops::write_vars(&vars, Format::Yaml, &rule.recipients, previous)
                .map_err(sops_error(&shared_rel))?;
            pending.push((shared_rel.clone(), text));
        }
        if let (Some(state), Some(rule)) = (req.state, state_rule) {
            if prev_state.is_some() && ids.is_none() {
                return Err(Error::IdentityRequired { path: state_rel });
            }
            let vars: Vars = vec![(STATE_KEY.to_owned(), SecretString::from(state.to_owned()))];
            let keep = keep_key(&state_rel, prev_state.as_ref())?;
            let w = Before::write(
                &vars,
                &rule.recipients,
                prev_state.as_mut().zip(ids).filter(|_| keep),
            )
            .map_err(sops_error(&state_rel))?;
            pending.push((state_rel.clone(), w.text.clone()));
            written.push((state_rel.clone(), w));
        }
        if let SchemaTravel::Instance(Some(text)) = req.schema {
            pending.push((schema_rel, text.to_owned()));
        }

        // Every file is checked before any is written: a refused push leaves the working tree as it was.
        for (rel, text) in &pending {
            super::check_size(&self.root.join(rel), text.len())?;
        }
        let mut outcome = PushOutcome::default();
        for (rel, text) in &pending {
            // The files read above (under the lock) are not read again.
            let before = if *rel == host_rel {
                prev_host.as_ref().map(|b| Some(b.text.as_str()))
            } else if *rel == state_rel {
                prev_state.as_ref().map(|b| Some(b.text.as_str()))
            } else if *rel == shared_rel {
                Some(prev_shared.as_deref())
            } else if *rel == template_path(host) {
                Some(prev_template.as_deref())
            } else {
                None
            };
            let same = match before {
                Some(before) => before == Some(text.as_str()),
                None => self.read(rel)?.as_deref() == Some(text.as_str()),
            };
            if !same {
                outcome.changed.push(rel.clone());
            }
        }
        if let Some(author) = author.filter(|_| !outcome.changed.is_empty()) {
            self.check_can_commit(author)?;
        }
        for (rel, text) in &pending {
            if outcome.changed.contains(rel) {
                self.write(rel, text)?;
            }
        }
        if ids.is_some() {
            for (rel, w) in &written {
                self.pin_written(rel, w)?;
            }
        }
        outcome.rekeyed = rekeyed;

        outcome.host_keys = split.host.iter().map(|(k, _)| k.clone()).collect();
        outcome.shared_keys = split.shared.iter().map(|(k, _)| k.clone()).collect();
        outcome.plain_keys = doc
            .keys()
            .into_iter()
            .filter(|k| place(k) == Placement::Plain)
            .map(str::to_owned)
            .collect();
        outcome.reviewed = plain.reviewed.into_iter().map(|(k, _)| k).collect();
        outcome.unset_references = resolved
            .unset
            .into_iter()
            .filter(|u| place(&u.key) != Placement::Plain)
            .map(|u| (u.key, u.variable))
            .collect();
        let shared_keys: std::collections::HashSet<&str> =
            outcome.shared_keys.iter().map(String::as_str).collect();
        outcome.unshadowed = encrypted
            .into_iter()
            .take(host_encrypted)
            .map(|(k, _)| k)
            .filter(|k| shared_keys.contains(k.as_str()))
            .collect();
        outcome.recipient_changes = changes;
        if let Some(author) = author.filter(|_| !outcome.changed.is_empty()) {
            outcome.commit = self.commit(
                &outcome.changed,
                &format!("secretctl gitops push: host {host}"),
                author,
            )?;
        }
        Ok(outcome)
    }
}

/// A vars file as it was before this push: its text, read once under the lock, and parsed once (the 16 MB vars
/// file of a 100,000-key host was parsed six times). A file that does not parse gives, wherever it is used, the
/// error the function reading it from its text gives.
struct Before {
    text: String,
    parsed: Option<std::result::Result<sops::Parsed, sops::Error>>,
}

impl Before {
    /// The working-tree file `rel`, parsed; `None` when it does not exist.
    fn read(repo: &Repo, rel: &Path) -> Result<Option<Before>> {
        Ok(repo.read(rel)?.map(|text| {
            let parsed = Some(sops::Parsed::parse(&text, Format::Yaml));
            Before { text, parsed }
        }))
    }

    /// A file read only for its recipients (parsed when asked).
    fn unparsed(text: &str) -> Before {
        Before {
            text: text.to_owned(),
            parsed: None,
        }
    }

    fn parsed(&self) -> Option<&sops::Parsed> {
        self.parsed.as_ref().and_then(|p| p.as_ref().ok())
    }

    /// [`placement::encrypted_keys`] of this file.
    fn encrypted_keys(before: Option<&Before>, rel: &Path) -> Vec<(String, PathBuf)> {
        let Some(before) = before else {
            return Vec::new();
        };
        match before.parsed() {
            Some(p) => p
                .top_level_encrypted()
                .into_iter()
                .filter(|(_, encrypted)| *encrypted)
                .map(|(k, _)| (k.to_owned(), rel.to_owned()))
                .collect(),
            None => placement::encrypted_keys(rel, Some(&before.text)),
        }
    }

    /// [`sops::recipients_of`] of this file.
    fn recipients(&self) -> std::result::Result<Vec<Recipient>, sops::Error> {
        match self.parsed() {
            Some(p) => p.recipients(),
            None => sops::recipients_of(&self.text, Format::Yaml),
        }
    }

    /// [`sops::data_key_id`] of this file.
    fn data_key_id(&self, ids: &Identities) -> std::result::Result<String, sops::Error> {
        match self.parsed() {
            Some(p) => p.data_key_id(ids),
            None => sops::data_key_id(&self.text, Format::Yaml, ids),
        }
    }

    /// [`sops::write_vars`] over this file (its parsed form is used up) when given, else a new file.
    fn write(
        vars: &Vars,
        recipients: &[Recipient],
        previous: Option<(&mut Before, &Identities)>,
    ) -> std::result::Result<sops::Written, sops::Error> {
        let Some((before, ids)) = previous else {
            return sops::write_vars_over(vars, Format::Yaml, recipients, None);
        };
        match before.parsed.take() {
            Some(Ok(parsed)) => sops::write_vars_over(
                vars,
                Format::Yaml,
                recipients,
                Some((&before.text, parsed, ids)),
            ),
            // Not parsed, or unparsable: the error write_vars gives for this text.
            _ => {
                let text =
                    sops::write_vars(vars, Format::Yaml, recipients, Some((&before.text, ids)))?;
                let parsed = sops::Parsed::parse(&text, Format::Yaml)?;
                Ok(sops::Written {
                    key_id: parsed.data_key_id(ids)?,
                    recipients: parsed.recipients()?,
                    text,
                })
            }
        }
    }
}

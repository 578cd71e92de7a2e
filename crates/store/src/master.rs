//! The master key's life cycle against one store: rotate (or resume an interrupted rotation) and retire.
//!
//! These are the decisions `secretctl key rotate` and `key retire` make, in one place, so that a daemon embedding
//! the store makes the same ones by calling [`Store::rotate_master_key`] and [`Store::retire_key`].

use secretctl_envelope::KeyId;
use secretctl_keyfile::Keyring;

use crate::{Error, Progress, RotateOptions, RotateSummary, Store, StoreUrl};

/// Whether [`Store::rotate_master_key`] may make a new key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotateMode {
    /// Finish an interrupted rotation when rows are not under the active key; otherwise make a new key active and
    /// re-encrypt every row under it.
    #[default]
    RotateOrResume,
    /// Only finish an interrupted rotation; never make a new key.
    ResumeOnly,
}

/// What [`Store::rotate_master_key`] decided to do, before it re-encrypts anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationPlan {
    /// Rows were not under the active key (a rotation was interrupted, or a writer used an old key): finish
    /// re-encrypting them under the active key. No key is made.
    Resume {
        /// Rows not under the active key when the run started.
        pending: u64,
        /// The active key they are re-encrypted under.
        active: KeyId,
    },
    /// Every row was under the active key: a new key was made active, and the previous one kept as retired.
    NewKey {
        /// The new active key.
        active: KeyId,
        /// The previous active key, now retired.
        retired: KeyId,
    },
    /// [`RotateMode::ResumeOnly`] and every row is under the active key: nothing was done.
    NothingToResume {
        /// The active key.
        active: KeyId,
    },
}

/// What [`Store::rotate_master_key`] tells its caller as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationEvent {
    /// The decision, before any row is re-encrypted (a new key, if one is made, is already active).
    Planned(RotationPlan),
    /// A batch of rows was committed.
    Progress(Progress),
}

/// What a finished [`Store::rotate_master_key`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MasterKeyRotation {
    /// What was decided.
    pub plan: RotationPlan,
    /// Rows re-encrypted, time taken, and the key every row is now under.
    pub summary: RotateSummary,
    /// The keyring's retired keys afterwards. No row of this store uses them any more; other stores sharing the
    /// keyfile may.
    pub retired: Vec<KeyId>,
    /// The audit record up to which the audit log verified and was checkpointed under the active key (so it stays
    /// verifiable once the old keys are retired); `None` when it did not verify (nothing was checkpointed: run
    /// [`Store::verify_audit`] to see why).
    pub audit_checkpoint: Option<u64>,
}

impl MasterKeyRotation {
    /// True when this run finished an interrupted rotation instead of making a new key.
    #[must_use]
    pub fn resumed(&self) -> bool {
        matches!(self.plan, RotationPlan::Resume { .. })
    }
}

impl Store {
    /// Rotate the master key and re-encrypt this store under it, or finish an interrupted rotation.
    ///
    /// The decision: when rows are not under the keyring's active key (a previous rotation was interrupted after
    /// the keyfile was rotated, or a writer used an old key), they are re-encrypted under the active key and no
    /// new key is made. Only when every row is under the active key is a new key made active (the old one kept as
    /// retired, see [`Keyring::rotate`]) and every row re-encrypted under it; with [`RotateMode::ResumeOnly`]
    /// nothing is done then. `on_event` hears the decision first, then the progress of [`Store::rotate`].
    ///
    /// A crash at any point loses nothing: the old key is kept before the keyfile changes, and each batch of rows
    /// is one transaction; calling this again finishes the job without making yet another key.
    ///
    /// # Errors
    /// [`Error::Keyfile`] when a new key cannot be made; what [`Store::pending`] reports; a row that does not open
    /// stops the rotation with [`Error::RotationStopped`] (its kind is the row's: tampered rows are integrity
    /// failures), or the bare error when even the rows left cannot be counted.
    pub fn rotate_master_key(
        &mut self,
        keyring: &mut Keyring,
        mode: RotateMode,
        options: &RotateOptions,
        on_event: &mut dyn FnMut(RotationEvent),
    ) -> Result<MasterKeyRotation, Error> {
        // The keyring learns of every store it seals for, so that retiring a key checks this one too.
        keyring.record_store(&self.url.without_credentials())?;
        let before = keyring.active_id();
        let pending = self.pending(before)?;
        let plan = if pending > 0 {
            RotationPlan::Resume {
                pending,
                active: before,
            }
        } else if mode == RotateMode::ResumeOnly {
            RotationPlan::NothingToResume { active: before }
        } else {
            let active = keyring.rotate()?;
            self.set_audit_key(keyring.active());
            RotationPlan::NewKey {
                active,
                retired: before,
            }
        };
        on_event(RotationEvent::Planned(plan));
        if let RotationPlan::NothingToResume { active } = plan {
            return Ok(MasterKeyRotation {
                plan,
                summary: RotateSummary {
                    rotated: 0,
                    elapsed: std::time::Duration::ZERO,
                    active,
                },
                retired: keyring.retired_ids(),
                audit_checkpoint: None,
            });
        }
        let active = keyring.active().clone();
        let result = self.rotate(keyring.keys(), &active, options, &mut |p| {
            on_event(RotationEvent::Progress(p));
        });
        let summary = result.map_err(|e| match self.pending(active.id()) {
            Ok(pending) => Error::RotationStopped {
                pending,
                source: Box::new(e),
            },
            Err(_) => e,
        })?;
        let audit_checkpoint = match self.rekey_audit(keyring.keys(), &active) {
            Ok(seq) => Some(seq),
            Err(e) => {
                self.record("rekey", &format!("audit log not checkpointed: {e}"))?;
                None
            }
        };
        Ok(MasterKeyRotation {
            plan,
            summary,
            retired: keyring.retired_ids(),
            audit_checkpoint,
        })
    }

    /// Destroy the retired key `id` once no row of this store needs it, and note it in the audit table.
    ///
    /// A key may be destroyed only when it is not the active key, is a retired key of `keyring`, and no row of
    /// this store references it by its key id column or its envelope header ([`Store::references`]). Other stores
    /// sharing the keyfile are not checked: retire only once each of them is rotated.
    ///
    /// # Errors
    /// [`Error::RetireActive`] for the active key; [`Error::NoRetiredKey`] when `keyring` has no retired key `id`;
    /// [`Error::KeyInUse`] when rows still reference it; what [`Store::references`] reports; [`Error::Keyfile`]
    /// when the key file cannot be removed; a database error.
    pub fn retire_key(&mut self, keyring: &mut Keyring, id: KeyId) -> Result<(), Error> {
        let keyfile = keyring.keyfile().to_path_buf();
        if id == keyring.active_id() {
            return Err(Error::RetireActive { id, keyfile });
        }
        if !keyring.retired_ids().contains(&id) {
            return Err(Error::NoRetiredKey { id, keyfile });
        }
        let rows = self.references(id)?;
        if rows > 0 {
            return Err(Error::KeyInUse {
                id,
                rows,
                store: self.url().without_credentials(),
            });
        }
        self.set_audit_key(keyring.active());
        keyring.destroy_retired(id)?;
        self.record("retire", &format!("key {id} destroyed"))
    }
}

/// What [`retire_key_everywhere`] checked.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RetireReport {
    /// The stores that were checked and hold no row under the key.
    pub checked: Vec<String>,
    /// The stores that could not be checked and were skipped (`force`), with why.
    pub skipped: Vec<(String, Error)>,
}

/// Destroy the retired key `id` of `keyring` once no store the keyring has sealed for ([`Keyring::stores`]), nor
/// `also` (the store named on the command line), holds a row that needs it: what `secretctl key retire` does.
///
/// A store that cannot be opened (unreachable, deleted, renamed) refuses the retirement, since it cannot prove that
/// it needs nothing; with `force` it is skipped, and `warn` hears about it. A store that holds rows under the key
/// always refuses: those rows would be lost. The retirement is noted in the audit table of every store checked.
///
/// # Errors
/// [`Error::RetireActive`], [`Error::NoRetiredKey`] as [`Store::retire_key`]; [`Error::StoreUnreachable`] without
/// `force`; [`Error::KeyInUse`]; [`Error::Keyfile`] when the key file cannot be removed.
pub fn retire_key_everywhere(
    keyring: &mut Keyring,
    id: KeyId,
    also: Option<&StoreUrl>,
    force: bool,
    warn: &mut dyn FnMut(&str, &Error),
) -> Result<RetireReport, Error> {
    let keyfile = keyring.keyfile().to_path_buf();
    if id == keyring.active_id() {
        return Err(Error::RetireActive { id, keyfile });
    }
    if !keyring.retired_ids().contains(&id) {
        return Err(Error::NoRetiredKey { id, keyfile });
    }
    let mut urls: Vec<String> = keyring.stores().to_vec();
    if let Some(url) = also {
        let url = url.without_credentials();
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    let mut report = RetireReport::default();
    let mut open = Vec::new();
    for shown in urls {
        let opened = shown
            .parse::<StoreUrl>()
            .and_then(|url| Store::open_existing(&url));
        let mut store = match opened {
            Ok(store) => store,
            Err(e) if force => {
                warn(&shown, &e);
                report.skipped.push((shown, e));
                continue;
            }
            Err(e) => {
                return Err(Error::StoreUnreachable {
                    store: shown,
                    id,
                    source: Box::new(e),
                })
            }
        };
        let rows = store.references(id)?;
        if rows > 0 {
            return Err(Error::KeyInUse {
                id,
                rows,
                store: store.url().without_credentials(),
            });
        }
        store.set_audit_key(keyring.active());
        report.checked.push(shown);
        open.push(store);
    }
    keyring.destroy_retired(id)?;
    for store in &mut open {
        store.record("retire", &format!("key {id} destroyed"))?;
    }
    Ok(report)
}

//! The verifiable audit log: every record is chained to the one before it and MACed under a key derived from the
//! master key, so a record deleted, edited or moved in the database is found by [`Store::verify_audit`].
//!
//! For record `n` (its sequence number, the row id, 1, 2, 3, ... with no gap):
//!
//! ```text
//! chain(n) = SHA-256("secretctl/audit/v1" ‖ chain(n-1) ‖ n ‖ at ‖ actor ‖ operation ‖ owner ‖ name ‖ version ‖ detail)
//! mac(n)   = HMAC-SHA256(audit key, "row" ‖ chain(n))
//! audit key = HKDF-SHA256(master key, info "secretctl/store/audit-mac/v1")
//! ```
//!
//! with integers as 8 bytes big-endian, strings length-prefixed, absent fields a distinct tag, and `chain(0)` 32 zero
//! bytes. Each record names the master key (`key_id`) its MAC is under. A checkpoint (an *anchor*) is
//! `(kind, n, chain(n))` MACed as `HMAC(audit key, "anchor" ‖ kind ‖ n ‖ chain(n))`:
//! - `prune` anchors stand for the records deleted by [`Store::prune_audit`]: verification starts from the newest
//!   one instead of `chain(0)`, so it still passes after a prune and still finds a record deleted after it;
//! - `rekey` anchors are written by a master-key rotation under the new key at the head of a chain that verified
//!   under the old keys; records before it whose key has since been retired are vouched for by the anchor (the
//!   recomputed chain must reach the anchored value), so the chain stays verifiable after `key retire`.
//!
//! What it cannot see: records deleted from the end of the log (nothing follows them). `secret audit --verify`
//! prints the newest sequence number so it can be compared with a copy kept elsewhere.

use hmac::{Hmac, Mac};
use secretctl_envelope::{Key, KeyId, Keyring};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::backend::{RawAnchor, RawAudit, RawAuditRow};
use crate::{Error, Store};

type HmacSha256 = Hmac<Sha256>;

/// The chain value before the first record.
pub(crate) const GENESIS: [u8; 32] = [0; 32];

const CHAIN_DOMAIN: &[u8] = b"secretctl/audit/v1";
const KEY_INFO: &[u8] = b"secretctl/store/audit-mac/v1";

/// The MAC key of the audit log, derived from one master key; names that master key in each record.
pub(crate) struct AuditKey {
    key_id: KeyId,
    mac_key: Zeroizing<[u8; 32]>,
}

impl AuditKey {
    pub(crate) fn derive(master: &Key) -> AuditKey {
        let hk = hkdf::Hkdf::<Sha256>::new(None, master.expose_secret());
        let mut mac_key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit of 255 * 32; expand cannot fail.
        let _ = hk.expand(KEY_INFO, &mut *mac_key);
        AuditKey {
            key_id: master.id(),
            mac_key,
        }
    }

    pub(crate) fn key_id(&self) -> KeyId {
        self.key_id
    }

    fn mac(&self, parts: &[&[u8]]) -> HmacSha256 {
        // HMAC takes a key of any length; `new_from_slice` cannot fail.
        let mut m = <HmacSha256 as Mac>::new_from_slice(&*self.mac_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        for p in parts {
            m.update(p);
        }
        m
    }

    pub(crate) fn mac_row(&self, chain: &[u8]) -> Vec<u8> {
        self.mac(&[b"row", chain]).finalize().into_bytes().to_vec()
    }

    fn verify_row(&self, chain: &[u8], mac: &[u8]) -> bool {
        self.mac(&[b"row", chain]).verify_slice(mac).is_ok()
    }

    pub(crate) fn mac_anchor(&self, kind: &str, seq: i64, hash: &[u8]) -> Vec<u8> {
        let seq = seq.to_be_bytes();
        self.mac(&[b"anchor", &lp(kind.as_bytes()), &seq, hash])
            .finalize()
            .into_bytes()
            .to_vec()
    }

    fn verify_anchor(&self, a: &RawAnchor) -> bool {
        let seq = a.seq.to_be_bytes();
        self.mac(&[b"anchor", &lp(a.kind.as_bytes()), &seq, &a.hash])
            .verify_slice(&a.mac)
            .is_ok()
    }
}

fn lp(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as u64).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

/// `chain(n)` from `chain(n-1)` and record `n`.
pub(crate) fn chain(prev: &[u8], seq: i64, e: &RawAudit) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(CHAIN_DOMAIN);
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(e.at.to_be_bytes());
    for s in [Some(&e.actor), Some(&e.operation)] {
        opt_str(&mut h, s.map(String::as_str));
    }
    opt_str(&mut h, e.owner.as_deref());
    opt_str(&mut h, e.name.as_deref());
    match e.version {
        Some(v) => {
            h.update([1]);
            h.update(v.to_be_bytes());
        }
        None => h.update([0]),
    }
    opt_str(&mut h, e.detail.as_deref());
    h.finalize().to_vec()
}

fn opt_str(h: &mut Sha256, s: Option<&str>) {
    match s {
        Some(s) => {
            h.update([1]);
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update([0]),
    }
}

/// What a new record carries besides its fields: its chain value, and its MAC with the key it is under (none when
/// no audit key was set: the record is then reported as unattested by verification).
pub(crate) struct Link {
    pub chain: Vec<u8>,
    pub key_id: Option<String>,
    pub mac: Option<Vec<u8>>,
}

/// Make record `seq`'s link after `prev`: the backends call this inside the transaction that appends it.
pub(crate) fn link(key: Option<&AuditKey>, prev: &[u8], seq: i64, e: &RawAudit) -> Link {
    let chain = chain(prev, seq, e);
    Link {
        mac: key.map(|k| k.mac_row(&chain)),
        key_id: key.map(|k| k.key_id.to_string()),
        chain,
    }
}

/// What [`Store::verify_audit`] found: how many records verified, and the newest one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditVerified {
    /// Records verified (those still in the table).
    pub rows: u64,
    /// Sequence number of the newest record (0 when there is none); compare it with a copy kept elsewhere to find
    /// records deleted from the end.
    pub head: u64,
    /// Sequence number of the prune checkpoint verification started from (0 when the log was never pruned).
    pub pruned_through: u64,
}

impl std::fmt::Display for AuditVerified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "verified {} rows (newest record {})",
            self.rows, self.head
        )?;
        if self.pruned_through > 0 {
            write!(
                f,
                "; records up to {} were pruned behind a verified checkpoint",
                self.pruned_through
            )?;
        }
        Ok(())
    }
}

impl serde::Serialize for AuditVerified {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("AuditVerified", 4)?;
        st.serialize_field("verified", &true)?;
        st.serialize_field("rows", &self.rows)?;
        st.serialize_field("head", &self.head)?;
        st.serialize_field("pruned_through", &self.pruned_through)?;
        st.end()
    }
}

fn broken(seq: i64, what: &str) -> Error {
    Error::AuditBroken {
        seq: u64::try_from(seq).unwrap_or(0),
        what: what.to_owned(),
    }
}

/// Where a walk of the chain stands.
struct Walk {
    prev: Vec<u8>,
    last: i64,
    rows: u64,
    /// The first record whose key is not in the keyring, waiting for a later anchor to vouch for it.
    unvouched: Option<(i64, String)>,
}

impl Store {
    /// Check the whole audit log: every record present (no gap in the sequence), unaltered and in order (each
    /// MAC under the key its record names, over a chain through every record before it), and every checkpoint.
    /// Records under a key `keyring` no longer holds are accepted when a later rotation checkpoint under a key it
    /// holds vouches for them.
    ///
    /// # Errors
    /// [`Error::AuditBroken`] naming the first record missing, altered or out of order (or a checkpoint that does
    /// not verify); [`Error::AuditKeyMissing`] when a record's key is gone and nothing vouches for it; a database
    /// error.
    pub fn verify_audit(&mut self, keyring: &Keyring) -> Result<AuditVerified, Error> {
        self.walk_audit(keyring, None).map(|(v, _)| v)
    }

    /// Verify the chain up to record `through` (all when `None`); returns what verified and `chain(last)`.
    pub(crate) fn walk_audit(
        &mut self,
        keyring: &Keyring,
        through: Option<i64>,
    ) -> Result<(AuditVerified, Vec<u8>), Error> {
        let anchors = self.backend.audit_anchors()?;
        let key_of = |id: &str| id.parse::<KeyId>().ok().and_then(|k| keyring.get(&k));
        let check_anchor = |a: &RawAnchor| -> Result<(), Error> {
            let key = key_of(&a.key_id).ok_or_else(|| Error::AuditKeyMissing {
                seq: u64::try_from(a.seq).unwrap_or(0),
                key_id: a.key_id.clone(),
            })?;
            if AuditKey::derive(key).verify_anchor(a) {
                Ok(())
            } else {
                Err(broken(
                    a.seq,
                    "its checkpoint was altered (the MAC does not match)",
                ))
            }
        };
        let base = anchors
            .iter()
            .filter(|a| a.kind == "prune")
            .max_by_key(|a| a.seq);
        let mut walk = Walk {
            prev: GENESIS.to_vec(),
            last: 0,
            rows: 0,
            unvouched: None,
        };
        if let Some(b) = base {
            check_anchor(b)?;
            walk.prev.clone_from(&b.hash);
            walk.last = b.seq;
        }
        let pruned_through = walk.last;
        let rekeys: std::collections::BTreeMap<i64, &RawAnchor> = anchors
            .iter()
            .filter(|a| a.kind == "rekey" && a.seq > pruned_through)
            .map(|a| (a.seq, a))
            .collect();
        let mut keys: Vec<(String, AuditKey)> = Vec::new();
        'outer: loop {
            let rows = self.backend.audit_rows(walk.last, 4096)?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                if through.is_some_and(|t| row.id > t) {
                    break 'outer;
                }
                self.check_row(&row, &mut walk, &mut keys, keyring)?;
                if let Some(a) = rekeys.get(&row.id) {
                    check_anchor(a)?;
                    if a.hash != walk.prev {
                        let from = walk.unvouched.as_ref().map_or(row.id, |(s, _)| *s);
                        return Err(broken(
                            from,
                            &format!("a record from here to {} was altered, deleted or reordered (the rotation checkpoint at {} does not match)", row.id, row.id),
                        ));
                    }
                    walk.unvouched = None;
                }
            }
        }
        if let Some((seq, key_id)) = walk.unvouched {
            return Err(Error::AuditKeyMissing {
                seq: u64::try_from(seq).unwrap_or(0),
                key_id,
            });
        }
        let verified = AuditVerified {
            rows: walk.rows,
            head: u64::try_from(walk.last).unwrap_or(0),
            pruned_through: u64::try_from(pruned_through).unwrap_or(0),
        };
        Ok((verified, walk.prev))
    }

    fn check_row(
        &self,
        row: &RawAuditRow,
        walk: &mut Walk,
        keys: &mut Vec<(String, AuditKey)>,
        keyring: &Keyring,
    ) -> Result<(), Error> {
        let expected = walk.last + 1;
        if row.id != expected {
            return Err(broken(expected, "is missing (deleted from the table)"));
        }
        let h = chain(&walk.prev, row.id, &row.entry);
        let (Some(key_id), Some(mac)) = (&row.key_id, &row.mac) else {
            return Err(broken(row.id, "has no MAC (written outside secretctl)"));
        };
        if row.chain.as_deref() != Some(h.as_slice()) {
            return Err(broken(
                row.id,
                "was altered, or a record before it was (its chain does not match)",
            ));
        }
        if !keys.iter().any(|(id, _)| id == key_id) {
            if let Some(k) = key_id.parse::<KeyId>().ok().and_then(|k| keyring.get(&k)) {
                keys.push((key_id.clone(), AuditKey::derive(k)));
            }
        }
        match keys.iter().find(|(id, _)| id == key_id) {
            Some((_, k)) if k.verify_row(&h, mac) => {}
            Some(_) => {
                return Err(broken(
                    row.id,
                    "was altered or moved (its MAC does not match)",
                ))
            }
            None => {
                walk.unvouched.get_or_insert((row.id, key_id.clone()));
            }
        }
        walk.prev = h;
        walk.last = row.id;
        walk.rows += 1;
        Ok(())
    }

    /// After a master-key rotation: if the audit chain verifies under `keyring` (old and new keys), write a
    /// checkpoint under `active` at its newest record, so it keeps verifying once the old keys are retired.
    /// Returns the sequence number anchored (0 for an empty log).
    ///
    /// # Errors
    /// What [`Store::verify_audit`] reports (nothing is anchored then); a database error.
    pub fn rekey_audit(&mut self, keyring: &Keyring, active: &Key) -> Result<u64, Error> {
        let (verified, hash) = self.walk_audit(keyring, None)?;
        let seq = i64::try_from(verified.head).map_err(|_| Error::OutOfRange("sequence"))?;
        if seq == 0 {
            return Ok(0);
        }
        let key = AuditKey::derive(active);
        let anchor = RawAnchor {
            seq,
            kind: "rekey".to_owned(),
            mac: key.mac_anchor("rekey", seq, &hash),
            hash,
            key_id: key.key_id().to_string(),
        };
        self.backend.add_anchor(&anchor)?;
        Ok(verified.head)
    }

    /// Delete the audit records older than `before` (Unix seconds), keeping a checkpoint of the last one deleted
    /// (its sequence number and chain value, MACed under `active`) so that [`Store::verify_audit`] still passes
    /// afterwards and still finds a record deleted after the checkpoint. The whole chain is verified first: a
    /// damaged log is never pruned (that would hide the damage). The prune itself is recorded. Returns how many
    /// records were deleted.
    ///
    /// # Errors
    /// What [`Store::verify_audit`] reports; a database error.
    pub fn prune_audit(
        &mut self,
        keyring: &Keyring,
        active: &Key,
        before: i64,
    ) -> Result<u64, Error> {
        self.walk_audit(keyring, None)?;
        let Some(through) = self.backend.audit_prune_point(before)? else {
            return Ok(0);
        };
        let (_, hash) = self.walk_audit(keyring, Some(through))?;
        let key = AuditKey::derive(active);
        let anchor = RawAnchor {
            seq: through,
            kind: "prune".to_owned(),
            mac: key.mac_anchor("prune", through, &hash),
            hash,
            key_id: key.key_id().to_string(),
        };
        let deleted = self.backend.prune(&anchor)?;
        let when = crate::report::rfc3339(before);
        self.set_audit_key(active);
        self.record(
            "prune",
            &format!(
                "{deleted} audit records before {when} deleted; checkpoint at record {through}"
            ),
        )?;
        Ok(deleted)
    }

    /// Chain and MAC, under `key`, every record written before the audit was verifiable (a store migrated from
    /// schema 2): they are vouched for as they are now.
    pub(crate) fn attest_legacy(&mut self, key: &Key) -> Result<(), Error> {
        let key = AuditKey::derive(key);
        let mut prev = GENESIS.to_vec();
        let mut after = 0;
        loop {
            let rows = self.backend.audit_rows(after, 4096)?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            let mut updates = Vec::new();
            for row in &rows {
                if row.mac.is_some() {
                    prev = row.chain.clone().unwrap_or_default();
                    continue;
                }
                let l = link(Some(&key), &prev, row.id, &row.entry);
                prev.clone_from(&l.chain);
                updates.push((row.id, l));
            }
            self.backend.attest(&updates)?;
        }
        Ok(())
    }
}

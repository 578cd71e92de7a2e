//! What each database backend provides: plain row storage, with every write in one transaction.
//!
//! Backends never see a key or a plaintext: `put` receives a sealing callback that runs inside the transaction
//! (the version, and so the envelope's context, is only known there), and rotation hands them finished envelopes.

use crate::Error;

/// One stored row as the database holds it.
pub(crate) struct RawRow {
    pub id: i64,
    pub owner: String,
    pub name: String,
    pub version: i64,
    pub key_id: String,
    pub envelope: Vec<u8>,
    pub created_at: i64,
}

/// A row's metadata, without its ciphertext.
pub(crate) struct RawMeta {
    pub owner: String,
    pub name: String,
    pub version: i64,
    pub key_id: String,
    pub created_at: i64,
}

/// One audit record as the database holds it.
pub(crate) struct RawAudit {
    pub at: i64,
    pub actor: String,
    pub operation: String,
    pub owner: Option<String>,
    pub name: Option<String>,
    pub version: Option<i64>,
    pub detail: Option<String>,
}

/// One audit record with its place in the chain, as [`Store::verify_audit`](crate::Store::verify_audit) reads it.
pub(crate) struct RawAuditRow {
    pub id: i64,
    pub entry: RawAudit,
    pub chain: Option<Vec<u8>>,
    pub key_id: Option<String>,
    pub mac: Option<Vec<u8>>,
}

/// A checkpoint of the audit chain (`prune` or `rekey`).
pub(crate) struct RawAnchor {
    pub seq: i64,
    pub kind: String,
    pub hash: Vec<u8>,
    pub key_id: String,
    pub mac: Vec<u8>,
}

/// Which audit records to list.
#[derive(Default)]
pub(crate) struct AuditQuery<'a> {
    pub owner: Option<&'a str>,
    pub name: Option<&'a str>,
    pub operation: Option<&'a str>,
    pub since: Option<i64>,
    pub limit: usize,
}

/// Links a new audit record (sequence number, fields) to the chain value before it; called by the backend inside
/// the transaction that appends the record.
pub(crate) type Signer<'a> = dyn Fn(&[u8], i64, &RawAudit) -> crate::audit::Link + 'a;

/// A re-encrypted row: written only if the row is still under `old_key` (another rotation may have won).
pub(crate) struct Update {
    pub id: i64,
    pub old_key: String,
    pub envelope: Vec<u8>,
}

/// A value to store under the next version of (owner, name).
pub(crate) struct PutItem<'a> {
    pub owner: &'a str,
    pub name: &'a str,
    pub value: &'a [u8],
}

/// Seals one value for (owner, name, version); called by the backend inside its transaction.
pub(crate) type Sealer<'a> = dyn FnMut(&str, &str, i64, &[u8]) -> Result<Vec<u8>, Error> + 'a;

/// The storage operations the store needs; SQLite and PostgreSQL implement them with the same semantics.
pub(crate) trait Backend: Send {
    /// Add the next version of each item, sealed by `seal`, with one audit record each, in one transaction.
    fn put(
        &mut self,
        items: &[PutItem<'_>],
        key_id: &str,
        actor: &str,
        now: i64,
        seal: &mut Sealer<'_>,
        sign: &Signer<'_>,
    ) -> Result<Vec<i64>, Error>;

    /// The row for (owner, name) at `version`, or the latest one.
    fn get(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<i64>,
    ) -> Result<Option<RawRow>, Error>;

    /// Metadata of every row, optionally of one owner or one (owner, name), ordered by owner, name, version.
    fn list(&mut self, owner: Option<&str>, name: Option<&str>) -> Result<Vec<RawMeta>, Error>;

    /// Delete one version or all versions of (owner, name), with an audit record each, in one transaction.
    /// Returns the versions deleted.
    fn remove(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<i64>,
        actor: &str,
        now: i64,
        sign: &Signer<'_>,
    ) -> Result<Vec<i64>, Error>;

    /// Append one audit record, durably.
    fn audit(&mut self, entry: &RawAudit, sign: &Signer<'_>) -> Result<(), Error>;

    /// The newest `limit` audit records matching the query, oldest first.
    fn audit_log(&mut self, query: &AuditQuery<'_>) -> Result<Vec<RawAudit>, Error>;

    /// Up to `limit` audit records with id > `after`, in id order, with their links.
    fn audit_rows(&mut self, after: i64, limit: usize) -> Result<Vec<RawAuditRow>, Error>;

    /// Every checkpoint of the audit chain.
    fn audit_anchors(&mut self) -> Result<Vec<RawAnchor>, Error>;

    /// Add a checkpoint (a `rekey` one; replaces one at the same place).
    fn add_anchor(&mut self, anchor: &RawAnchor) -> Result<(), Error>;

    /// The newest record such that it and every record before it is older than `before`, if any.
    fn audit_prune_point(&mut self, before: i64) -> Result<Option<i64>, Error>;

    /// In one transaction: store the `prune` checkpoint, delete the records up to it and the checkpoints it
    /// supersedes. Returns how many records were deleted.
    fn prune(&mut self, anchor: &RawAnchor) -> Result<u64, Error>;

    /// Set the links of records written before the audit was chained (migration), in one transaction.
    fn attest(&mut self, links: &[(i64, crate::audit::Link)]) -> Result<(), Error>;

    /// The schema version the store records.
    fn schema(&self) -> i64;

    /// Migrate a schema 1 or 2 store to the current schema in one transaction (a no-op when another process did it meanwhile).
    fn migrate(&mut self, actor: &str, now: i64) -> Result<(), Error>;

    /// The latest version of (owner, name) as puts and removals through secretctl left it (0 for none).
    fn current(&mut self, owner: &str, name: &str) -> Result<i64, Error>;

    /// The newest row of (owner, name) and [`Backend::current`] for it, read together (one statement where the
    /// backend can: a read of the latest version is the most common command).
    fn latest(&mut self, owner: &str, name: &str) -> Result<(Option<RawRow>, i64), Error> {
        let row = self.get(owner, name, None)?;
        Ok((row, self.current(owner, name)?))
    }

    /// Every key id this store has sealed under (recorded on put and rotation).
    fn known_keys(&mut self) -> Result<Vec<String>, Error>;

    /// Rows per key id column.
    fn key_counts(&mut self) -> Result<Vec<(String, i64)>, Error>;

    /// Rows whose key id column is not `key_id`: a count, without grouping (no sort of every row).
    fn count_not_under(&mut self, key_id: &str) -> Result<i64, Error>;

    /// Record that the store seals under `key_id` from now on, and prepare for a long run of batches.
    fn begin_rotation(&mut self, key_id: &str, now: i64) -> Result<(), Error>;

    /// A second connection that reads rotation batches ([`BatchReader::fetch_batch`]) on another thread while this
    /// one writes, where the backend has one to spare (SQLite); `None`: the rotation reads on this connection.
    fn batch_reader(&self) -> Result<Option<Box<dyn BatchReader>>, Error> {
        Ok(None)
    }

    /// Up to `limit` rows whose key id column is not `not_under` (all rows when it is empty), with id > `after`,
    /// in id order.
    fn fetch_batch(
        &mut self,
        not_under: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error>;

    /// Up to `limit` rows that are the latest version of their (owner, name) as secretctl recorded it, of `owner`
    /// or all, with id > `after`, in id order.
    fn fetch_latest(
        &mut self,
        owner: Option<&str>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error>;

    /// Fold the write-ahead log into the database after a bulk write (SQLite), so the next process opens fast.
    fn checkpoint(&mut self) -> Result<(), Error>;

    /// Prepare for a run of large put transactions (an import): SQLite keeps more pages in its cache and checkpoints
    /// less often. Each commit stays as durable as any other.
    fn begin_bulk(&mut self) -> Result<(), Error> {
        Ok(())
    }

    /// Undo [`Backend::begin_bulk`] and fold the write-ahead log into the database.
    fn end_bulk(&mut self) -> Result<(), Error> {
        self.checkpoint()
    }

    /// Write re-encrypted rows under `new_key` in one transaction. Returns how many rows changed.
    fn apply_batch(&mut self, new_key: &str, updates: &[Update]) -> Result<u64, Error>;

    /// Make everything written so far durable (rotation batches may be committed with relaxed syncing).
    fn end_rotation(&mut self) -> Result<(), Error>;
}

/// Reads a rotation's batches on a connection of its own (see [`Backend::batch_reader`]). It only reads: every
/// write, and so every check that a row is still as read, stays on the backend's connection.
pub(crate) trait BatchReader: Send {
    /// As [`Backend::fetch_batch`].
    fn fetch_batch(
        &mut self,
        not_under: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error>;
}

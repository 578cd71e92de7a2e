//! The PostgreSQL backend: for daemons on several hosts sharing one store.

use postgres::Client;
use postgres::NoTls;

use crate::audit::{Link, GENESIS};
use crate::backend::{
    AuditQuery, Backend, PutItem, RawAnchor, RawAudit, RawAuditRow, RawMeta, RawRow, Sealer,
    Signer, Update,
};
use crate::{Error, SCHEMA_VERSION};

/// Advisory lock key that serialises schema creation between processes ("secretct" in ASCII).
const SCHEMA_LOCK: i64 = 0x7365_6372_6574_6374;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS secretctl_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS secretctl_secrets (
    id BIGSERIAL PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    envelope BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (owner, name, version)
);
CREATE TABLE IF NOT EXISTS secretctl_versions (
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    last BIGINT NOT NULL,
    current BIGINT NOT NULL,
    PRIMARY KEY (owner, name)
);
CREATE TABLE IF NOT EXISTS secretctl_keys (key_id TEXT PRIMARY KEY, first_used BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS secretctl_audit (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    owner TEXT,
    name TEXT,
    version BIGINT,
    detail TEXT,
    key_id TEXT,
    chain BYTEA,
    mac BYTEA
);
CREATE TABLE IF NOT EXISTS secretctl_audit_anchor (
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    hash BYTEA NOT NULL,
    key_id TEXT NOT NULL,
    mac BYTEA NOT NULL,
    PRIMARY KEY (kind, seq)
);
";

/// Schema 2 -> 3: audit records numbered 1, 2, 3... without gaps, with chain and MAC columns (set by the store
/// right after, see `Store::attest_legacy`); the checkpoints' table.
const MIGRATE_2_TO_3: &str = "
CREATE TABLE secretctl_audit_v3 (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    owner TEXT,
    name TEXT,
    version BIGINT,
    detail TEXT,
    key_id TEXT,
    chain BYTEA,
    mac BYTEA
);
INSERT INTO secretctl_audit_v3 (id, at, actor, operation, owner, name, version, detail)
    SELECT row_number() OVER (ORDER BY id), at, actor, operation, owner, name, version, detail FROM secretctl_audit;
DROP TABLE secretctl_audit;
ALTER TABLE secretctl_audit_v3 RENAME TO secretctl_audit;
CREATE TABLE IF NOT EXISTS secretctl_audit_anchor (
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    hash BYTEA NOT NULL,
    key_id TEXT NOT NULL,
    mac BYTEA NOT NULL,
    PRIMARY KEY (kind, seq)
);
UPDATE secretctl_meta SET v = '3' WHERE k = 'schema_version';
";

/// Advisory lock key that serialises appends to the audit chain ("secretca").
const AUDIT_LOCK: i64 = 0x7365_6372_6574_6361;

/// The end of the audit chain inside one transaction (which holds [`AUDIT_LOCK`] until it ends).
struct Appender {
    seq: i64,
    prev: Vec<u8>,
}

impl Appender {
    fn load(tx: &mut postgres::Transaction<'_>) -> Result<Appender, Error> {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])?;
        let last = tx.query_opt(
            "SELECT id, chain FROM secretctl_audit ORDER BY id DESC LIMIT 1",
            &[],
        )?;
        let (seq, prev) = match last {
            Some(r) => (
                r.get::<_, i64>(0),
                r.get::<_, Option<Vec<u8>>>(1)
                    .unwrap_or_else(|| GENESIS.to_vec()),
            ),
            None => tx
                .query_opt(
                    "SELECT seq, hash FROM secretctl_audit_anchor WHERE kind = 'prune' ORDER BY seq DESC LIMIT 1",
                    &[],
                )?
                .map_or((0, GENESIS.to_vec()), |r| (r.get(0), r.get(1))),
        };
        Ok(Appender { seq, prev })
    }

    fn append(
        &mut self,
        tx: &mut postgres::Transaction<'_>,
        e: &RawAudit,
        sign: &Signer<'_>,
    ) -> Result<(), Error> {
        let seq = self.seq + 1;
        let link = sign(&self.prev, seq, e);
        tx.execute(
            "INSERT INTO secretctl_audit (id, at, actor, operation, owner, name, version, detail, key_id, chain, mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &seq, &e.at, &e.actor, &e.operation, &e.owner, &e.name, &e.version, &e.detail, &link.key_id,
                &link.chain, &link.mac,
            ],
        )?;
        self.seq = seq;
        self.prev = link.chain;
        Ok(())
    }
}

fn entry(at: i64, actor: &str, op: &str, owner: &str, name: &str, version: i64) -> RawAudit {
    RawAudit {
        at,
        actor: actor.to_owned(),
        operation: op.to_owned(),
        owner: Some(owner.to_owned()),
        name: Some(name.to_owned()),
        version: Some(version),
        detail: None,
    }
}

/// Schema 1 -> 2: the latest version of each (owner, name) is recorded, so a deleted latest row is detected.
const MIGRATE_1_TO_2: &str = "
ALTER TABLE secretctl_versions ADD COLUMN current BIGINT NOT NULL DEFAULT 0;
INSERT INTO secretctl_versions (owner, name, last, current)
    SELECT owner, name, max(version), 0 FROM secretctl_secrets GROUP BY owner, name
    ON CONFLICT (owner, name) DO NOTHING;
UPDATE secretctl_versions AS v SET current = coalesce((SELECT max(s.version) FROM secretctl_secrets AS s
    WHERE s.owner = v.owner AND s.name = v.name), 0);
UPDATE secretctl_meta SET v = '2' WHERE k = 'schema_version';
";

pub(crate) struct Postgres {
    client: Client,
    schema: i64,
}

impl Postgres {
    /// Open the store in the database at `url`. With `create`, an empty database becomes a new store (returned with
    /// `true`) and a database holding other tables is refused; without it, nothing is created: a database without
    /// secretctl's tables is [`Error::NoStore`].
    pub(crate) fn open(url: &str, create: bool) -> Result<(Postgres, bool), Error> {
        let (config, at) = crate::pgconn::config(url)?;
        let mut client = config
            .connect(NoTls)
            .map_err(|source| Error::PostgresConnect { at, source })?;
        let shown = crate::redact_password(url);
        let mut created = false;
        if !is_store(&mut client)? {
            if !create {
                return Err(Error::NoStore { store: shown });
            }
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
            // Catalog lookups (to_regclass) may use a snapshot older than the lock: count with the statement's own.
            let row = tx.query_one(
                "SELECT count(*) FILTER (WHERE c.relname = 'secretctl_meta' AND n.nspname = current_schema()), \
                 count(*) FROM pg_catalog.pg_class c \
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
                 AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%' \
                 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')",
                &[],
            )?;
            let (ours, objects): (i64, i64) = (row.get(0), row.get(1));
            if ours == 0 {
                if objects > 0 {
                    return Err(Error::ForeignDatabase { store: shown });
                }
                tx.batch_execute(SCHEMA)?;
                tx.execute(
                    "INSERT INTO secretctl_meta (k, v) VALUES ('schema_version', $1)",
                    &[&SCHEMA_VERSION.to_string()],
                )?;
                created = true;
            }
            tx.commit()?;
        }
        let v: String = client
            .query_one(
                "SELECT v FROM secretctl_meta WHERE k = 'schema_version'",
                &[],
            )?
            .get(0);
        let found: i64 = v.parse().map_err(|_| Error::OutOfRange("schema version"))?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok((
            Postgres {
                client,
                schema: found,
            },
            created,
        ))
    }
}

/// True when the database (as the search path sees it) holds secretctl's tables.
fn is_store(client: &mut impl postgres::GenericClient) -> Result<bool, Error> {
    Ok(client
        .query_one("SELECT to_regclass('secretctl_meta') IS NOT NULL", &[])?
        .get(0))
}

fn raw_row(r: &postgres::Row) -> RawRow {
    RawRow {
        id: r.get(0),
        owner: r.get(1),
        name: r.get(2),
        version: r.get(3),
        key_id: r.get(4),
        envelope: r.get(5),
        created_at: r.get(6),
    }
}

impl Backend for Postgres {
    fn put(
        &mut self,
        items: &[PutItem<'_>],
        key_id: &str,
        actor: &str,
        now: i64,
        seal: &mut Sealer<'_>,
        sign: &Signer<'_>,
    ) -> Result<Vec<i64>, Error> {
        let mut tx = self.client.transaction()?;
        let next = tx.prepare(
            "INSERT INTO secretctl_versions (owner, name, last, current) VALUES ($1, $2, 1, 1) \
             ON CONFLICT (owner, name) DO UPDATE SET last = secretctl_versions.last + 1, \
             current = secretctl_versions.last + 1 RETURNING last",
        )?;
        let insert = tx.prepare(
            "INSERT INTO secretctl_secrets (owner, name, version, key_id, envelope, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )?;
        let mut chain = Appender::load(&mut tx)?;
        let mut versions = Vec::with_capacity(items.len());
        for item in items {
            let version: i64 = tx.query_one(&next, &[&item.owner, &item.name])?.get(0);
            // On error the transaction is dropped, which rolls it back.
            let envelope = seal(item.owner, item.name, version, item.value)?;
            tx.execute(
                &insert,
                &[&item.owner, &item.name, &version, &key_id, &envelope, &now],
            )?;
            chain.append(
                &mut tx,
                &entry(now, actor, "put", item.owner, item.name, version),
                sign,
            )?;
            versions.push(version);
        }
        tx.execute(
            "INSERT INTO secretctl_keys (key_id, first_used) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING",
            &[&key_id, &now],
        )?;
        tx.commit()?;
        Ok(versions)
    }

    fn get(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<i64>,
    ) -> Result<Option<RawRow>, Error> {
        let row = self.client.query_opt(
            "SELECT id, owner, name, version, key_id, envelope, created_at FROM secretctl_secrets \
             WHERE owner = $1 AND name = $2 AND ($3::BIGINT IS NULL OR version = $3) \
             ORDER BY version DESC LIMIT 1",
            &[&owner, &name, &version],
        )?;
        Ok(row.as_ref().map(raw_row))
    }

    fn list(&mut self, owner: Option<&str>, name: Option<&str>) -> Result<Vec<RawMeta>, Error> {
        let rows = self.client.query(
            "SELECT owner, name, version, key_id, created_at FROM secretctl_secrets \
             WHERE ($1::TEXT IS NULL OR owner = $1) AND ($2::TEXT IS NULL OR name = $2) \
             ORDER BY owner, name, version",
            &[&owner, &name],
        )?;
        Ok(rows
            .iter()
            .map(|r| RawMeta {
                owner: r.get(0),
                name: r.get(1),
                version: r.get(2),
                key_id: r.get(3),
                created_at: r.get(4),
            })
            .collect())
    }

    fn remove(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<i64>,
        actor: &str,
        now: i64,
        sign: &Signer<'_>,
    ) -> Result<Vec<i64>, Error> {
        let mut tx = self.client.transaction()?;
        let removed: Vec<i64> = tx
            .query(
                "DELETE FROM secretctl_secrets WHERE owner = $1 AND name = $2 \
                 AND ($3::BIGINT IS NULL OR version = $3) RETURNING version",
                &[&owner, &name, &version],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut chain = Appender::load(&mut tx)?;
        for v in &removed {
            chain.append(&mut tx, &entry(now, actor, "rm", owner, name, *v), sign)?;
        }
        if !removed.is_empty() {
            // As in SQLite: only a removal through secretctl of the latest version (or all) moves the latest.
            tx.execute(
                "UPDATE secretctl_versions SET current = coalesce((SELECT max(version) FROM secretctl_secrets \
                 WHERE owner = $1 AND name = $2), 0) \
                 WHERE owner = $1 AND name = $2 AND ($3::BIGINT IS NULL OR current = $3)",
                &[&owner, &name, &version],
            )?;
        }
        tx.commit()?;
        Ok(removed)
    }

    fn audit(&mut self, e: &RawAudit, sign: &Signer<'_>) -> Result<(), Error> {
        let mut tx = self.client.transaction()?;
        Appender::load(&mut tx)?.append(&mut tx, e, sign)?;
        tx.commit()?;
        Ok(())
    }

    fn audit_log(&mut self, q: &AuditQuery<'_>) -> Result<Vec<RawAudit>, Error> {
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let rows = self.client.query(
            "SELECT at, actor, operation, owner, name, version, detail FROM \
             (SELECT * FROM secretctl_audit WHERE ($2::TEXT IS NULL OR owner = $2) \
              AND ($3::TEXT IS NULL OR name = $3) AND ($4::TEXT IS NULL OR operation = $4) \
              AND ($5::BIGINT IS NULL OR at >= $5) ORDER BY id DESC LIMIT $1) AS recent ORDER BY id",
            &[&limit, &q.owner, &q.name, &q.operation, &q.since],
        )?;
        Ok(rows
            .iter()
            .map(|r| RawAudit {
                at: r.get(0),
                actor: r.get(1),
                operation: r.get(2),
                owner: r.get(3),
                name: r.get(4),
                version: r.get(5),
                detail: r.get(6),
            })
            .collect())
    }

    fn audit_rows(&mut self, after: i64, limit: usize) -> Result<Vec<RawAuditRow>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client.query(
            "SELECT id, at, actor, operation, owner, name, version, detail, chain, key_id, mac \
             FROM secretctl_audit WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &limit],
        )?;
        Ok(rows
            .iter()
            .map(|r| RawAuditRow {
                id: r.get(0),
                entry: RawAudit {
                    at: r.get(1),
                    actor: r.get(2),
                    operation: r.get(3),
                    owner: r.get(4),
                    name: r.get(5),
                    version: r.get(6),
                    detail: r.get(7),
                },
                chain: r.get(8),
                key_id: r.get(9),
                mac: r.get(10),
            })
            .collect())
    }

    fn audit_anchors(&mut self) -> Result<Vec<RawAnchor>, Error> {
        let rows = self.client.query(
            "SELECT seq, kind, hash, key_id, mac FROM secretctl_audit_anchor ORDER BY seq",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| RawAnchor {
                seq: r.get(0),
                kind: r.get(1),
                hash: r.get(2),
                key_id: r.get(3),
                mac: r.get(4),
            })
            .collect())
    }

    fn add_anchor(&mut self, a: &RawAnchor) -> Result<(), Error> {
        self.client.execute(
            "INSERT INTO secretctl_audit_anchor (seq, kind, hash, key_id, mac) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind, seq) DO UPDATE SET hash = $3, key_id = $4, mac = $5",
            &[&a.seq, &a.kind, &a.hash, &a.key_id, &a.mac],
        )?;
        Ok(())
    }

    fn audit_prune_point(&mut self, before: i64) -> Result<Option<i64>, Error> {
        let p: Option<i64> = self
            .client
            .query_one(
                "SELECT coalesce((SELECT min(id) - 1 FROM secretctl_audit WHERE at >= $1), \
                 (SELECT max(id) FROM secretctl_audit))",
                &[&before],
            )?
            .get(0);
        Ok(p.filter(|p| *p > 0))
    }

    fn prune(&mut self, a: &RawAnchor) -> Result<u64, Error> {
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])?;
        tx.execute(
            "INSERT INTO secretctl_audit_anchor (seq, kind, hash, key_id, mac) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind, seq) DO UPDATE SET hash = $3, key_id = $4, mac = $5",
            &[&a.seq, &a.kind, &a.hash, &a.key_id, &a.mac],
        )?;
        tx.execute(
            "DELETE FROM secretctl_audit_anchor WHERE (kind = 'prune' AND seq < $1) OR (kind <> 'prune' AND seq <= $1)",
            &[&a.seq],
        )?;
        let n = tx.execute("DELETE FROM secretctl_audit WHERE id <= $1", &[&a.seq])?;
        tx.commit()?;
        Ok(n)
    }

    fn attest(&mut self, links: &[(i64, Link)]) -> Result<(), Error> {
        let mut tx = self.client.transaction()?;
        let st = tx.prepare(
            "UPDATE secretctl_audit SET key_id = $2, chain = $3, mac = $4 WHERE id = $1 AND mac IS NULL",
        )?;
        for (id, l) in links {
            tx.execute(&st, &[id, &l.key_id, &l.chain, &l.mac])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn schema(&self) -> i64 {
        self.schema
    }

    fn migrate(&mut self, actor: &str, now: i64) -> Result<(), Error> {
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        let found: String = tx
            .query_one(
                "SELECT v FROM secretctl_meta WHERE k = 'schema_version'",
                &[],
            )?
            .get(0);
        if found == "1" {
            tx.batch_execute(MIGRATE_1_TO_2)?;
            tx.execute(
                "INSERT INTO secretctl_audit (id, at, actor, operation, detail) \
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM secretctl_audit), $1, $2, 'migrate', \
                 'schema 1 -> 2: latest versions recorded')",
                &[&now, &actor],
            )?;
        }
        if found == "1" || found == "2" {
            tx.batch_execute(MIGRATE_2_TO_3)?;
        }
        tx.commit()?;
        self.schema = SCHEMA_VERSION;
        Ok(())
    }

    fn current(&mut self, owner: &str, name: &str) -> Result<i64, Error> {
        let row = self.client.query_opt(
            "SELECT current FROM secretctl_versions WHERE owner = $1 AND name = $2",
            &[&owner, &name],
        )?;
        Ok(row.map_or(0, |r| r.get(0)))
    }

    fn known_keys(&mut self) -> Result<Vec<String>, Error> {
        let rows = self
            .client
            .query("SELECT key_id FROM secretctl_keys ORDER BY first_used", &[])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn key_counts(&mut self) -> Result<Vec<(String, i64)>, Error> {
        let rows = self.client.query(
            "SELECT key_id, count(*) FROM secretctl_secrets GROUP BY key_id ORDER BY key_id",
            &[],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn count_not_under(&mut self, key_id: &str) -> Result<i64, Error> {
        let row = self.client.query_one(
            "SELECT count(*) FROM secretctl_secrets WHERE key_id <> $1",
            &[&key_id],
        )?;
        Ok(row.get(0))
    }

    fn begin_rotation(&mut self, key_id: &str, now: i64) -> Result<(), Error> {
        self.client.execute(
            "INSERT INTO secretctl_keys (key_id, first_used) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING",
            &[&key_id, &now],
        )?;
        Ok(())
    }

    fn fetch_batch(
        &mut self,
        not_under: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client.query(
            "SELECT id, owner, name, version, key_id, envelope, created_at FROM secretctl_secrets \
             WHERE id > $1 AND key_id <> $2 ORDER BY id LIMIT $3",
            &[&after, &not_under, &limit],
        )?;
        Ok(rows.iter().map(raw_row).collect())
    }

    fn fetch_latest(
        &mut self,
        owner: Option<&str>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client.query(
            "SELECT s.id, s.owner, s.name, s.version, s.key_id, s.envelope, s.created_at \
             FROM secretctl_secrets AS s JOIN secretctl_versions AS v \
             ON v.owner = s.owner AND v.name = s.name AND v.current = s.version \
             WHERE s.id > $1 AND ($2::TEXT IS NULL OR s.owner = $2) ORDER BY s.id LIMIT $3",
            &[&after, &owner, &limit],
        )?;
        Ok(rows.iter().map(raw_row).collect())
    }

    fn checkpoint(&mut self) -> Result<(), Error> {
        // PostgreSQL checkpoints on its own.
        Ok(())
    }

    fn apply_batch(&mut self, new_key: &str, updates: &[Update]) -> Result<u64, Error> {
        let ids: Vec<i64> = updates.iter().map(|u| u.id).collect();
        let olds: Vec<&str> = updates.iter().map(|u| u.old_key.as_str()).collect();
        let envelopes: Vec<&[u8]> = updates.iter().map(|u| u.envelope.as_slice()).collect();
        // One statement per batch: the round trip per row would dominate otherwise.
        let changed = self.client.execute(
            "UPDATE secretctl_secrets AS s SET key_id = $1, envelope = u.envelope \
             FROM unnest($2::BIGINT[], $3::TEXT[], $4::BYTEA[]) AS u(id, old_key, envelope) \
             WHERE s.id = u.id AND s.key_id = u.old_key",
            &[&new_key, &ids, &olds, &envelopes],
        )?;
        Ok(changed)
    }

    fn end_rotation(&mut self) -> Result<(), Error> {
        // Every batch was its own committed transaction; PostgreSQL made each durable at commit.
        Ok(())
    }
}

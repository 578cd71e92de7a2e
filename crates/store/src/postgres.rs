//! The PostgreSQL backend: for daemons on several hosts sharing one store.

use postgres::Client;
use postgres::NoTls;

use crate::backend::{Backend, PutItem, RawAudit, RawMeta, RawRow, Sealer, Update};
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
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    owner TEXT,
    name TEXT,
    version BIGINT,
    detail TEXT
);
";

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
        let audit = tx.prepare(
            "INSERT INTO secretctl_audit (at, actor, operation, owner, name, version) \
             VALUES ($1, $2, 'put', $3, $4, $5)",
        )?;
        let mut versions = Vec::with_capacity(items.len());
        for item in items {
            let version: i64 = tx.query_one(&next, &[&item.owner, &item.name])?.get(0);
            // On error the transaction is dropped, which rolls it back.
            let envelope = seal(item.owner, item.name, version, item.value)?;
            tx.execute(
                &insert,
                &[&item.owner, &item.name, &version, &key_id, &envelope, &now],
            )?;
            tx.execute(&audit, &[&now, &actor, &item.owner, &item.name, &version])?;
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
        let audit = tx.prepare(
            "INSERT INTO secretctl_audit (at, actor, operation, owner, name, version) \
             VALUES ($1, $2, 'rm', $3, $4, $5)",
        )?;
        for v in &removed {
            tx.execute(&audit, &[&now, &actor, &owner, &name, v])?;
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

    fn audit(&mut self, e: &RawAudit) -> Result<(), Error> {
        self.client.execute(
            "INSERT INTO secretctl_audit (at, actor, operation, owner, name, version, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &e.at,
                &e.actor,
                &e.operation,
                &e.owner,
                &e.name,
                &e.version,
                &e.detail,
            ],
        )?;
        Ok(())
    }

    fn audit_log(&mut self, limit: usize) -> Result<Vec<RawAudit>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client.query(
            "SELECT at, actor, operation, owner, name, version, detail FROM \
             (SELECT * FROM secretctl_audit ORDER BY id DESC LIMIT $1) AS recent ORDER BY id",
            &[&limit],
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
                "INSERT INTO secretctl_audit (at, actor, operation, detail) \
                 VALUES ($1, $2, 'migrate', 'schema 1 -> 2: latest versions recorded')",
                &[&now, &actor],
            )?;
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

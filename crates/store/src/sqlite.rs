//! The embedded SQLite backend: one file, created 0600, WAL journal, every write in an immediate transaction.

use std::fs::OpenOptions;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::audit::{Link, GENESIS};
use crate::backend::{
    AuditQuery, Backend, BatchReader, PutItem, RawAnchor, RawAudit, RawAuditRow, RawMeta, RawRow,
    Sealer, Signer, Update,
};
use crate::{Error, SCHEMA_VERSION};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// SQLite page cache of an import, KiB.
const BULK_CACHE_KIB: i64 = 8 << 10;

/// WAL pages after which a commit checkpoints (SQLite's default is 1000).
const WAL_PAGES: i64 = 128;

/// WAL pages after which a commit checkpoints during an import or a rotation (64 MiB of 4 KiB pages).
const BULK_WAL_PAGES: i64 = 16384;

/// SQLite's own page cache size (`cache_size = -2000`: 2000 KiB), restored after an import or a rotation.
const DEFAULT_CACHE_KIB: i64 = 2000;

/// WAL size past which closing a connection copies the WAL into the database and truncates it (about 16 frames of
/// 4 KiB): see `impl Drop for Sqlite`.
const WAL_TRUNCATE_BYTES: u64 = 64 * 1024;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS secretctl_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS secretctl_secrets (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    envelope BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (owner, name, version)
);
CREATE TABLE IF NOT EXISTS secretctl_versions (
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    last INTEGER NOT NULL,
    current INTEGER NOT NULL,
    PRIMARY KEY (owner, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS secretctl_keys (key_id TEXT PRIMARY KEY, first_used INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS secretctl_audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    owner TEXT,
    name TEXT,
    version INTEGER,
    detail TEXT,
    key_id TEXT,
    chain BLOB,
    mac BLOB
);
CREATE TABLE IF NOT EXISTS secretctl_audit_anchor (
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    hash BLOB NOT NULL,
    key_id TEXT NOT NULL,
    mac BLOB NOT NULL,
    PRIMARY KEY (kind, seq)
) WITHOUT ROWID;
";

/// Schema 2 -> 3: audit records are numbered 1, 2, 3... without gaps and carry a chain value and a MAC (set by the
/// store right after, see `Store::attest_legacy`); checkpoints get their table.
const MIGRATE_2_TO_3: &str = "
CREATE TABLE secretctl_audit_v3 (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    owner TEXT,
    name TEXT,
    version INTEGER,
    detail TEXT,
    key_id TEXT,
    chain BLOB,
    mac BLOB
);
INSERT INTO secretctl_audit_v3 (id, at, actor, operation, owner, name, version, detail)
    SELECT row_number() OVER (ORDER BY id), at, actor, operation, owner, name, version, detail FROM secretctl_audit;
DROP TABLE secretctl_audit;
ALTER TABLE secretctl_audit_v3 RENAME TO secretctl_audit;
CREATE TABLE IF NOT EXISTS secretctl_audit_anchor (
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    hash BLOB NOT NULL,
    key_id TEXT NOT NULL,
    mac BLOB NOT NULL,
    PRIMARY KEY (kind, seq)
) WITHOUT ROWID;
UPDATE secretctl_meta SET v = '3' WHERE k = 'schema_version';
";

/// Schema 1 -> 2: the latest version of each (owner, name) is recorded, so a deleted latest row is detected.
const MIGRATE_1_TO_2: &str = "
ALTER TABLE secretctl_versions ADD COLUMN current INTEGER NOT NULL DEFAULT 0;
INSERT OR IGNORE INTO secretctl_versions (owner, name, last, current)
    SELECT owner, name, max(version), 0 FROM secretctl_secrets GROUP BY owner, name;
UPDATE secretctl_versions SET current = coalesce((SELECT max(s.version) FROM secretctl_secrets AS s
    WHERE s.owner = secretctl_versions.owner AND s.name = secretctl_versions.name), 0);
UPDATE secretctl_meta SET v = '2' WHERE k = 'schema_version';
";

/// The end of the audit chain inside one write transaction: the next record's sequence number follows `seq`, and
/// its chain value follows `prev`.
struct Appender {
    seq: i64,
    prev: Vec<u8>,
}

impl Appender {
    fn load(tx: &Connection) -> rusqlite::Result<Appender> {
        let last = tx
            .prepare_cached("SELECT id, chain FROM secretctl_audit ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
            })
            .optional()?;
        let (seq, prev) = match last {
            Some((seq, chain)) => (seq, chain.unwrap_or_else(|| GENESIS.to_vec())),
            None => tx
                .prepare_cached(
                    "SELECT seq, hash FROM secretctl_audit_anchor WHERE kind = 'prune' ORDER BY seq DESC LIMIT 1",
                )?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((0, GENESIS.to_vec())),
        };
        Ok(Appender { seq, prev })
    }

    /// Sequence number and link of the next record, `e`, written by the caller in the same transaction.
    fn link(&mut self, e: &RawAudit, sign: &Signer<'_>) -> (i64, Link) {
        self.seq += 1;
        let link = sign(&self.prev, self.seq, e);
        self.prev.clone_from(&link.chain);
        (self.seq, link)
    }

    fn append(&mut self, tx: &Connection, e: &RawAudit, sign: &Signer<'_>) -> rusqlite::Result<()> {
        // On an error the transaction, and with it this appender, is dropped.
        let (seq, link) = self.link(e, sign);
        tx.prepare_cached(
            "INSERT INTO secretctl_audit (id, at, actor, operation, owner, name, version, detail, key_id, chain, mac) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            seq, e.at, e.actor, e.operation, e.owner, e.name, e.version, e.detail, link.key_id, link.chain, link.mac
        ])?;
        Ok(())
    }
}

/// Secrets per multi-row INSERT of a put: one statement (its cursors opened, its program run) per chunk rather than
/// per secret. 32 rows of 11 audit columns stay far below SQLite's limit on bound parameters.
const PUT_CHUNK: usize = 32;

/// A secret of a put, sealed and linked into the audit chain, waiting for its chunk's INSERTs.
struct Pending<'a> {
    owner: &'a str,
    name: &'a str,
    version: i64,
    envelope: Vec<u8>,
    seq: i64,
    link: Link,
}

/// `INSERT INTO <head> VALUES (?, ...), ...`: `rows` rows of `cols` parameters.
fn multi_row(head: &str, cols: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; cols].join(", "));
    format!("{head} VALUES {}", vec![row; rows].join(", "))
}

/// Insert the secrets rows and audit records of `pending`: a full chunk in two statements, fewer one by one.
fn insert_chunk(
    tx: &Connection,
    pending: &[Pending<'_>],
    key_id: &str,
    actor: &str,
    now: i64,
) -> rusqlite::Result<()> {
    // OR ROLLBACK: a failing row ends the whole transaction (as any error of a put does), so SQLite keeps no
    // statement journal (a temporary file written for every page a multi-row statement touches) to undo the
    // statement alone.
    const SECRETS: &str =
        "INSERT OR ROLLBACK INTO secretctl_secrets (owner, name, version, key_id, envelope, created_at)";
    const AUDIT: &str = "INSERT OR ROLLBACK INTO secretctl_audit \
        (id, at, actor, operation, owner, name, version, detail, key_id, chain, mac)";
    static SECRETS_CHUNK: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| multi_row(SECRETS, 6, PUT_CHUNK));
    static AUDIT_CHUNK: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| multi_row(AUDIT, 11, PUT_CHUNK));
    static SECRETS_ONE: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| multi_row(SECRETS, 6, 1));
    static AUDIT_ONE: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| multi_row(AUDIT, 11, 1));
    let (secrets_sql, audit_sql, per) = if pending.len() == PUT_CHUNK {
        (&*SECRETS_CHUNK, &*AUDIT_CHUNK, PUT_CHUNK)
    } else {
        (&*SECRETS_ONE, &*AUDIT_ONE, 1)
    };
    let mut secrets = tx.prepare_cached(secrets_sql)?;
    let mut audit = tx.prepare_cached(audit_sql)?;
    for rows in pending.chunks(per) {
        let mut i = 0;
        for p in rows {
            secrets.raw_bind_parameter(i + 1, p.owner)?;
            secrets.raw_bind_parameter(i + 2, p.name)?;
            secrets.raw_bind_parameter(i + 3, p.version)?;
            secrets.raw_bind_parameter(i + 4, key_id)?;
            secrets.raw_bind_parameter(i + 5, &p.envelope)?;
            secrets.raw_bind_parameter(i + 6, now)?;
            i += 6;
        }
        secrets.raw_execute()?;
        let mut i = 0;
        for p in rows {
            audit.raw_bind_parameter(i + 1, p.seq)?;
            audit.raw_bind_parameter(i + 2, now)?;
            audit.raw_bind_parameter(i + 3, actor)?;
            audit.raw_bind_parameter(i + 4, "put")?;
            audit.raw_bind_parameter(i + 5, p.owner)?;
            audit.raw_bind_parameter(i + 6, p.name)?;
            audit.raw_bind_parameter(i + 7, p.version)?;
            audit.raw_bind_parameter(i + 8, rusqlite::types::Null)?;
            audit.raw_bind_parameter(i + 9, &p.link.key_id)?;
            audit.raw_bind_parameter(i + 10, &p.link.chain)?;
            audit.raw_bind_parameter(i + 11, &p.link.mac)?;
            i += 11;
        }
        audit.raw_execute()?;
    }
    Ok(())
}

/// Overwrite an optional string in place (keeping its allocation).
fn set(slot: &mut Option<String>, value: &str) {
    match slot {
        Some(s) => {
            s.clear();
            s.push_str(value);
        }
        None => *slot = Some(value.to_owned()),
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

impl Drop for Sqlite {
    /// A process that is the store's only connection rebuilds the WAL index by reading every frame of the WAL
    /// (SQLite's recovery), and a recovered WAL counts as not yet checkpointed: without this, the WAL of a store used
    /// by short-lived commands (each audited read appends to it) keeps growing, and every command reads all of it,
    /// then checkpoints all of it again at its commit. So a connection that leaves a WAL past
    /// [`WAL_TRUNCATE_BYTES`] copies it into the database and truncates it (synced first: `synchronous=FULL`). It
    /// does not wait: with another connection busy the checkpoint does what it can and a later command finishes
    /// it. Errors are ignored: this only keeps the store fast, every write is already durable.
    fn drop(&mut self) {
        let big = std::fs::symlink_metadata(wal_path(&self.path))
            .is_ok_and(|m| m.len() > WAL_TRUNCATE_BYTES);
        if big && self.conn.busy_timeout(Duration::ZERO).is_ok() {
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

/// After an import or a rotation: the usual checkpoint interval and page cache again, and the WAL folded into the
/// database and truncated. A checkpoint under synchronous=FULL fsyncs the WAL and the database file; TRUNCATE leaves
/// an empty WAL, so the next process does not read the long run's WAL to rebuild its index.
fn end_long_run(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "wal_autocheckpoint", WAL_PAGES)?;
    conn.pragma_update(None, "cache_size", -DEFAULT_CACHE_KIB)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

/// The WAL file of the database at `db` (SQLite names it so).
fn wal_path(db: &Path) -> std::ffi::OsString {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    wal
}

/// The (device, inode) of the WAL file of the database at `db`, if there is one.
fn wal_identity(db: &Path) -> Option<(u64, u64)> {
    std::fs::symlink_metadata(wal_path(db))
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

/// The databases whose directory an open synced for a WAL file it created, for the unit test (tests run in
/// parallel: by path).
#[cfg(test)]
static WAL_DIR_SYNCS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// fsync the directory holding the database at `db` (the working directory for a bare file name).
fn sync_dir(db: &Path) -> std::io::Result<()> {
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty());
    std::fs::File::open(dir.unwrap_or(Path::new(".")))?.sync_all()
}

/// No store at `path` (nothing was created).
fn no_store(path: &Path) -> Error {
    Error::NoStore {
        store: format!("sqlite:{}", path.display()),
    }
}

/// A database error of the store at `path`.
fn sqlite_error(path: &Path, source: rusqlite::Error) -> Error {
    Error::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

/// SQLite's answer to a statement naming a table the database does not have.
fn is_no_such_table(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(msg))
        if f.extended_code == rusqlite::ffi::SQLITE_ERROR && msg.starts_with("no such table"))
}

/// SQLite's "database is locked" (any of its extended codes).
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy)
    )
}

pub(crate) struct Sqlite {
    path: PathBuf,
    conn: Connection,
    schema: i64,
}

impl Sqlite {
    /// Open the store in the SQLite file at `path`. With `create`, a missing file or an empty database becomes a new
    /// store (returned with `true`); a database holding anything else is refused. Without it, nothing is created and
    /// nothing is written: a missing file, an empty or foreign database is [`Error::NoStore`].
    pub(crate) fn open(path: &Path, create: bool) -> Result<(Sqlite, bool), Error> {
        let shown = path.display().to_string();
        let io = |source| Error::Io {
            path: shown.clone(),
            source,
        };
        if create {
            // Create the file ourselves so it is 0600 from the first byte whatever the umask; SQLite gives the -wal
            // and -shm files the database file's mode.
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(f) => {
                    f.set_permissions(std::fs::Permissions::from_mode(0o600))
                        .map_err(io)?;
                    f.sync_all().map_err(io)?;
                    sync_dir(path).map_err(io)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(e)),
            }
        } else if !path.is_file() {
            return Err(no_store(path));
        }
        let wal_before = wal_identity(path);
        // Never let SQLite create the file: only the code above does, 0600.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sqlite_error(path, e))?;
        let mut s = Sqlite {
            path: path.to_path_buf(),
            conn,
            schema: 0,
        };
        s.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| s.err(e))?;
        // Two processes opening a new file at once race to switch it to WAL and create the tables. SQLite answers
        // one of them "busy" at once, without waiting, where waiting could deadlock; every step below is idempotent,
        // so that one starts again until the busy timeout.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let mut pause = Duration::from_millis(2);
        loop {
            match s.initialise(create) {
                Err(Error::Sqlite { source, .. })
                    if is_busy(&source) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
                Ok(created) => {
                    // This build of SQLite does not sync the directory itself (SQLITE_DISABLE_DIRSYNC in
                    // .cargo/config.toml): it did so in every process that wrote, once per connection (an fsync
                    // of ~60 us on a read, whose audit record is a write). What needs it is a WAL file this open
                    // created (the first open of a store, or after another tool removed the WAL): its name must be
                    // on disk before a commit into it counts as durable. Done here, before any commit.
                    if wal_identity(path) != wal_before {
                        #[cfg(test)]
                        WAL_DIR_SYNCS
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(path.to_path_buf());
                        sync_dir(path).map_err(io)?;
                    }
                    return Ok((s, created));
                }
            }
        }
    }

    /// Check (and with `create`, make) the database a store of ours; true when this call created its tables.
    fn initialise(&mut self, create: bool) -> Result<bool, Error> {
        // A read only, which also gives the schema version: a file that is not a database, or a database without
        // our tables, is not touched.
        let recorded = match self.recorded_schema() {
            Ok(recorded) => recorded,
            Err(e) if is_busy(&e) => return Err(self.err(e)),
            Err(_) if !create => return Err(no_store(&self.path)),
            Err(_) => {
                return Err(Error::ForeignDatabase {
                    store: format!("sqlite:{}", self.path.display()),
                })
            }
        };
        let ours = recorded.is_some();
        if !ours && !create {
            return Err(no_store(&self.path));
        }
        // WAL first: the tables of a new store are then created in a WAL transaction, so once that transaction has
        // committed nothing below can be answered "busy" and make a retry report the store as found, not created.
        // A database holding anything else is left exactly as it is (create_schema refuses it).
        if ours || self.is_empty().map_err(|e| self.err(e))? {
            self.set_durability().map_err(|e| self.err(e))?;
        }
        let created = !ours && self.create_schema()?;
        match recorded {
            Some(Some(version)) => self.set_schema(&version)?,
            // Created just now (here or by another process), or our tables without a version row (an error there).
            _ => self.check_schema()?,
        }
        Ok(created)
    }

    /// True when the database holds no table, index, view or trigger.
    fn is_empty(&self) -> rusqlite::Result<bool> {
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n == 0)
    }

    /// `None` when the database does not hold secretctl's tables (none, or a view of that name); for a store, the
    /// schema version its meta table records (`None` inside when that row is missing). One statement, as every
    /// command opens the store.
    fn recorded_schema(&self) -> rusqlite::Result<Option<Option<String>>> {
        let found = self.conn.query_row(
            "SELECT (SELECT type FROM sqlite_master WHERE name = 'secretctl_meta'), \
             (SELECT v FROM secretctl_meta WHERE k = 'schema_version')",
            [],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                ))
            },
        );
        match found {
            Ok((Some(kind), version)) if kind == "table" => Ok(Some(version)),
            Ok(_) => Ok(None),
            Err(e) if is_no_such_table(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// WAL journal and full syncing: a committed write survives a power cut. In WAL mode `synchronous=FULL` fsyncs
    /// the WAL at every commit (`NORMAL` would not: a power cut could lose a committed read's audit record), so
    /// one commit costs one fsync. Closing does not checkpoint: that would fsync the WAL and the database once more
    /// for every short-lived process (a read); commits checkpoint every 1000 pages instead.
    fn set_durability(&self) -> rusqlite::Result<()> {
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        // The first connection of a process rebuilds the WAL index by reading the whole WAL: keep it short (512 KiB)
        // so a read stays cheap, at the price of a checkpoint every ~100 small commits.
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WAL_PAGES)?;
        self.conn
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )
            .map(drop)
    }

    /// Create secretctl's tables in an empty database, in one transaction. Returns false when another process
    /// created them meanwhile; refuses a database that holds anything else.
    fn create_schema(&mut self) -> Result<bool, Error> {
        let foreign = || Error::ForeignDatabase {
            store: format!("sqlite:{}", self.path.display()),
        };
        let run = |conn: &mut Connection| -> rusqlite::Result<Option<bool>> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (ours, objects): (i64, i64) = tx.query_row(
                "SELECT count(*) FILTER (WHERE type = 'table' AND name = 'secretctl_meta'), count(*) \
                 FROM sqlite_master",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if ours > 0 {
                return Ok(Some(false));
            }
            if objects > 0 {
                return Ok(None);
            }
            tx.execute_batch(SCHEMA)?;
            tx.execute(
                "INSERT INTO secretctl_meta (k, v) VALUES ('schema_version', ?1)",
                [SCHEMA_VERSION.to_string()],
            )?;
            tx.commit()?;
            Ok(Some(true))
        };
        run(&mut self.conn)
            .map_err(|e| self.err(e))?
            .ok_or_else(foreign)
    }

    fn err(&self, source: rusqlite::Error) -> Error {
        sqlite_error(&self.path, source)
    }

    fn check_schema(&mut self) -> Result<(), Error> {
        let version = self.read_schema()?;
        self.set_schema(&version)
    }

    /// Take the schema version a store records, refusing one newer than this build knows.
    fn set_schema(&mut self, version: &str) -> Result<(), Error> {
        self.schema = version
            .parse()
            .map_err(|_| Error::OutOfRange("schema version"))?;
        if self.schema > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found: self.schema,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    fn read_schema(&mut self) -> Result<String, Error> {
        self.conn
            .query_row(
                "SELECT v FROM secretctl_meta WHERE k = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Schema 1 -> 2: every (owner, name) gets a `current` version, its newest row as the store holds it now.
    fn do_migrate(&mut self, actor: &str, now: i64) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: String = tx.query_row(
            "SELECT v FROM secretctl_meta WHERE k = 'schema_version'",
            [],
            |r| r.get(0),
        )?;
        if found == "1" {
            tx.execute_batch(MIGRATE_1_TO_2)?;
            tx.execute(
                "INSERT INTO secretctl_audit (id, at, actor, operation, detail) \
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM secretctl_audit), ?1, ?2, 'migrate', \
                 'schema 1 -> 2: latest versions recorded')",
                params![now, actor],
            )?;
        }
        if found == "1" || found == "2" {
            tx.execute_batch(MIGRATE_2_TO_3)?;
        }
        // Otherwise another process migrated it meanwhile.
        tx.commit()
    }

    fn do_put(
        &mut self,
        items: &[PutItem<'_>],
        key_id: &str,
        actor: &str,
        now: i64,
        seal: &mut Sealer<'_>,
        sign: &Signer<'_>,
    ) -> Result<Result<Vec<i64>, Error>, rusqlite::Error> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut chain = Appender::load(&tx)?;
        let mut versions = Vec::with_capacity(items.len());
        // One audit entry, its strings overwritten per item: no allocation per secret for it.
        let mut e = entry(now, actor, "put", "", "", 0);
        let mut pending: Vec<Pending<'_>> = Vec::with_capacity(PUT_CHUNK);
        {
            let mut first = tx.prepare_cached(
                "INSERT OR IGNORE INTO secretctl_versions (owner, name, last, current) VALUES (?1, ?2, 1, 1)",
            )?;
            let mut next = tx.prepare_cached(
                "UPDATE secretctl_versions SET last = last + 1, current = last + 1 \
                 WHERE owner = ?1 AND name = ?2 RETURNING last",
            )?;
            for item in items {
                // A new (owner, name) is one plain insert; only an existing one pays for the update.
                let version: i64 = if first.execute(params![item.owner, item.name])? == 1 {
                    1
                } else {
                    next.query_row(params![item.owner, item.name], |r| r.get(0))?
                };
                let envelope = match seal(item.owner, item.name, version, item.value) {
                    Ok(e) => e,
                    // Dropping the transaction rolls it back.
                    Err(e) => return Ok(Err(e)),
                };
                set(&mut e.owner, item.owner);
                set(&mut e.name, item.name);
                e.version = Some(version);
                let (seq, link) = chain.link(&e, sign);
                pending.push(Pending {
                    owner: item.owner,
                    name: item.name,
                    version,
                    envelope,
                    seq,
                    link,
                });
                if pending.len() == PUT_CHUNK {
                    insert_chunk(&tx, &pending, key_id, actor, now)?;
                    pending.clear();
                }
                versions.push(version);
            }
        }
        insert_chunk(&tx, &pending, key_id, actor, now)?;
        tx.execute(
            "INSERT OR IGNORE INTO secretctl_keys (key_id, first_used) VALUES (?1, ?2)",
            params![key_id, now],
        )?;
        tx.commit()?;
        Ok(Ok(versions))
    }

    fn do_remove(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<i64>,
        actor: &str,
        now: i64,
        sign: &Signer<'_>,
    ) -> rusqlite::Result<Vec<i64>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let removed: Vec<i64> = {
            let mut st = tx.prepare(
                "DELETE FROM secretctl_secrets WHERE owner = ?1 AND name = ?2 AND (?3 IS NULL OR version = ?3) \
                 RETURNING version",
            )?;
            let rows = st.query_map(params![owner, name, version], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut chain = Appender::load(&tx)?;
        for v in &removed {
            chain.append(&tx, &entry(now, actor, "rm", owner, name, *v), sign)?;
        }
        if !removed.is_empty() {
            // Removing the latest version (or all) through secretctl moves the latest to the newest row left; a row
            // deleted behind secretctl's back leaves it alone, so reads report the rollback.
            tx.execute(
                "UPDATE secretctl_versions SET current = coalesce((SELECT max(version) FROM secretctl_secrets \
                 WHERE owner = ?1 AND name = ?2), 0) \
                 WHERE owner = ?1 AND name = ?2 AND (?3 IS NULL OR current = ?3)",
                params![owner, name, version],
            )?;
        }
        tx.commit()?;
        Ok(removed)
    }

    fn do_apply(&mut self, new_key: &str, updates: &[Update]) -> rusqlite::Result<u64> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changed = 0u64;
        {
            let mut st = tx.prepare_cached(
                "UPDATE secretctl_secrets SET key_id = ?1, envelope = ?2 WHERE id = ?3 AND key_id = ?4",
            )?;
            for u in updates {
                changed += st.execute(params![new_key, u.envelope, u.id, u.old_key])? as u64;
            }
        }
        tx.commit()?;
        Ok(changed)
    }
}

/// A rotation's read connection (see [`Backend::batch_reader`]).
struct SqliteReader {
    path: PathBuf,
    conn: Connection,
}

impl BatchReader for SqliteReader {
    fn fetch_batch(
        &mut self,
        not_under: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error> {
        fetch_rows(&self.conn, not_under, after, limit).map_err(|e| sqlite_error(&self.path, e))
    }
}

/// Up to `limit` rows not under `not_under` with id > `after`, in id order.
fn fetch_rows(
    conn: &Connection,
    not_under: &str,
    after: i64,
    limit: usize,
) -> rusqlite::Result<Vec<RawRow>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut st = conn.prepare_cached(
        "SELECT id, owner, name, version, key_id, envelope, created_at FROM secretctl_secrets \
         WHERE id > ?1 AND key_id <> ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = st.query_map(params![after, not_under, limit], raw_row)?;
    rows.collect()
}

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        owner: r.get(1)?,
        name: r.get(2)?,
        version: r.get(3)?,
        key_id: r.get(4)?,
        envelope: r.get(5)?,
        created_at: r.get(6)?,
    })
}

impl Backend for Sqlite {
    fn put(
        &mut self,
        items: &[PutItem<'_>],
        key_id: &str,
        actor: &str,
        now: i64,
        seal: &mut Sealer<'_>,
        sign: &Signer<'_>,
    ) -> Result<Vec<i64>, Error> {
        self.do_put(items, key_id, actor, now, seal, sign)
            .map_err(|e| self.err(e))?
    }

    fn get(
        &mut self,
        owner: &str,
        name: &str,
        version: Option<i64>,
    ) -> Result<Option<RawRow>, Error> {
        self.conn
            .prepare_cached(
                "SELECT id, owner, name, version, key_id, envelope, created_at FROM secretctl_secrets \
                 WHERE owner = ?1 AND name = ?2 AND (?3 IS NULL OR version = ?3) \
                 ORDER BY version DESC LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row(params![owner, name, version], raw_row)
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    fn list(&mut self, owner: Option<&str>, name: Option<&str>) -> Result<Vec<RawMeta>, Error> {
        let run = |conn: &Connection| -> rusqlite::Result<Vec<RawMeta>> {
            let mut st = conn.prepare_cached(
                "SELECT owner, name, version, key_id, created_at FROM secretctl_secrets \
                 WHERE (?1 IS NULL OR owner = ?1) AND (?2 IS NULL OR name = ?2) \
                 ORDER BY owner, name, version",
            )?;
            let rows = st.query_map(params![owner, name], |r| {
                Ok(RawMeta {
                    owner: r.get(0)?,
                    name: r.get(1)?,
                    version: r.get(2)?,
                    key_id: r.get(3)?,
                    created_at: r.get(4)?,
                })
            })?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
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
        self.do_remove(owner, name, version, actor, now, sign)
            .map_err(|e| self.err(e))
    }

    fn audit(&mut self, e: &RawAudit, sign: &Signer<'_>) -> Result<(), Error> {
        // A lone record (a read, a miss, a verification) is its own fully synced transaction: an audited read is
        // on disk before its value is shown.
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            Appender::load(&tx)?.append(&tx, e, sign)?;
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    fn audit_log(&mut self, q: &AuditQuery<'_>) -> Result<Vec<RawAudit>, Error> {
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let run = |conn: &Connection| -> rusqlite::Result<Vec<RawAudit>> {
            let mut st = conn.prepare_cached(
                "SELECT at, actor, operation, owner, name, version, detail FROM \
                 (SELECT * FROM secretctl_audit WHERE (?2 IS NULL OR owner = ?2) AND (?3 IS NULL OR name = ?3) \
                  AND (?4 IS NULL OR operation = ?4) AND (?5 IS NULL OR at >= ?5) ORDER BY id DESC LIMIT ?1) \
                 ORDER BY id",
            )?;
            let rows =
                st.query_map(params![limit, q.owner, q.name, q.operation, q.since], |r| {
                    Ok(RawAudit {
                        at: r.get(0)?,
                        actor: r.get(1)?,
                        operation: r.get(2)?,
                        owner: r.get(3)?,
                        name: r.get(4)?,
                        version: r.get(5)?,
                        detail: r.get(6)?,
                    })
                })?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn audit_rows(&mut self, after: i64, limit: usize) -> Result<Vec<RawAuditRow>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let run = |conn: &Connection| -> rusqlite::Result<Vec<RawAuditRow>> {
            let mut st = conn.prepare_cached(
                "SELECT id, at, actor, operation, owner, name, version, detail, chain, key_id, mac \
                 FROM secretctl_audit WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = st.query_map(params![after, limit], |r| {
                Ok(RawAuditRow {
                    id: r.get(0)?,
                    entry: RawAudit {
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        operation: r.get(3)?,
                        owner: r.get(4)?,
                        name: r.get(5)?,
                        version: r.get(6)?,
                        detail: r.get(7)?,
                    },
                    chain: r.get(8)?,
                    key_id: r.get(9)?,
                    mac: r.get(10)?,
                })
            })?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn audit_anchors(&mut self) -> Result<Vec<RawAnchor>, Error> {
        let run = |conn: &Connection| -> rusqlite::Result<Vec<RawAnchor>> {
            let mut st = conn.prepare_cached(
                "SELECT seq, kind, hash, key_id, mac FROM secretctl_audit_anchor ORDER BY seq",
            )?;
            let rows = st.query_map([], |r| {
                Ok(RawAnchor {
                    seq: r.get(0)?,
                    kind: r.get(1)?,
                    hash: r.get(2)?,
                    key_id: r.get(3)?,
                    mac: r.get(4)?,
                })
            })?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn add_anchor(&mut self, a: &RawAnchor) -> Result<(), Error> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO secretctl_audit_anchor (seq, kind, hash, key_id, mac) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.seq, a.kind, a.hash, a.key_id, a.mac],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    fn audit_prune_point(&mut self, before: i64) -> Result<Option<i64>, Error> {
        self.conn
            .query_row(
                "SELECT coalesce((SELECT min(id) - 1 FROM secretctl_audit WHERE at >= ?1), \
                 (SELECT max(id) FROM secretctl_audit))",
                [before],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map(|p| p.filter(|p| *p > 0))
            .map_err(|e| self.err(e))
    }

    fn prune(&mut self, a: &RawAnchor) -> Result<u64, Error> {
        let run = |conn: &mut Connection| -> rusqlite::Result<u64> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT OR REPLACE INTO secretctl_audit_anchor (seq, kind, hash, key_id, mac) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.seq, a.kind, a.hash, a.key_id, a.mac],
            )?;
            tx.execute(
                "DELETE FROM secretctl_audit_anchor WHERE (kind = 'prune' AND seq < ?1) OR (kind <> 'prune' AND seq <= ?1)",
                [a.seq],
            )?;
            let n = tx.execute("DELETE FROM secretctl_audit WHERE id <= ?1", [a.seq])?;
            tx.commit()?;
            Ok(n as u64)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    fn attest(&mut self, links: &[(i64, Link)]) -> Result<(), Error> {
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut st = tx.prepare_cached(
                    "UPDATE secretctl_audit SET key_id = ?2, chain = ?3, mac = ?4 WHERE id = ?1 AND mac IS NULL",
                )?;
                for (id, l) in links {
                    st.execute(params![id, l.key_id, l.chain, l.mac])?;
                }
            }
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    fn schema(&self) -> i64 {
        self.schema
    }

    fn migrate(&mut self, actor: &str, now: i64) -> Result<(), Error> {
        self.do_migrate(actor, now).map_err(|e| self.err(e))?;
        self.check_schema()
    }

    fn latest(&mut self, owner: &str, name: &str) -> Result<(Option<RawRow>, i64), Error> {
        // Each answer comes from one statement, so from one snapshot. The common case, a secret with rows, is the
        // simplest statement SQLite can plan (parsing and planning the one below cost as much again as running it,
        // in every process that reads a secret): the newest row with the recorded current version beside it.
        let newest = self
            .conn
            .prepare_cached(
                "SELECT id, owner, name, version, key_id, envelope, created_at, \
                 (SELECT current FROM secretctl_versions WHERE owner = ?1 AND name = ?2) \
                 FROM secretctl_secrets WHERE owner = ?1 AND name = ?2 ORDER BY version DESC LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row(params![owner, name], |r| {
                    Ok((raw_row(r)?, r.get::<_, Option<i64>>(7)?.unwrap_or(0)))
                })
                .optional()
            })
            .map_err(|e| self.err(e))?;
        if let Some((row, current)) = newest {
            return Ok((Some(row), current));
        }
        // No row (a miss, or every row deleted): one row always, the newest secret row's columns (NULL when there
        // is none, or one a put added since the statement above) and the recorded current version.
        self.conn
            .prepare_cached(
                "SELECT s.id, s.owner, s.name, s.version, s.key_id, s.envelope, s.created_at, \
                 (SELECT current FROM secretctl_versions WHERE owner = ?1 AND name = ?2) \
                 FROM (SELECT 1) LEFT JOIN secretctl_secrets s ON s.id = \
                 (SELECT id FROM secretctl_secrets WHERE owner = ?1 AND name = ?2 ORDER BY version DESC LIMIT 1)",
            )
            .and_then(|mut st| {
                st.query_row(params![owner, name], |r| {
                    let current = r.get::<_, Option<i64>>(7)?.unwrap_or(0);
                    let row = match r.get::<_, Option<i64>>(0)? {
                        Some(_) => Some(raw_row(r)?),
                        None => None,
                    };
                    Ok((row, current))
                })
            })
            .map_err(|e| self.err(e))
    }

    fn current(&mut self, owner: &str, name: &str) -> Result<i64, Error> {
        self.conn
            .prepare_cached("SELECT current FROM secretctl_versions WHERE owner = ?1 AND name = ?2")
            .and_then(|mut st| st.query_row(params![owner, name], |r| r.get(0)).optional())
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }

    fn known_keys(&mut self) -> Result<Vec<String>, Error> {
        let run = |conn: &Connection| -> rusqlite::Result<Vec<String>> {
            let mut st =
                conn.prepare_cached("SELECT key_id FROM secretctl_keys ORDER BY first_used")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn key_counts(&mut self) -> Result<Vec<(String, i64)>, Error> {
        let run = |conn: &Connection| -> rusqlite::Result<Vec<(String, i64)>> {
            let mut st = conn.prepare_cached(
                "SELECT key_id, count(*) FROM secretctl_secrets GROUP BY key_id ORDER BY key_id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn count_not_under(&mut self, key_id: &str) -> Result<i64, Error> {
        self.conn
            .prepare_cached("SELECT count(*) FROM secretctl_secrets WHERE key_id <> ?1")
            .and_then(|mut st| st.query_row([key_id], |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    fn begin_rotation(&mut self, key_id: &str, now: i64) -> Result<(), Error> {
        let run = |conn: &Connection| -> rusqlite::Result<()> {
            conn.execute(
                "INSERT OR IGNORE INTO secretctl_keys (key_id, first_used) VALUES (?1, ?2)",
                params![key_id, now],
            )?;
            // Batches are committed without an fsync each: a lost batch after a power cut leaves its rows under
            // the old key, which stays in the keyring until `end_rotation` has synced and `key retire` checked.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // Fewer, larger checkpoints (each one syncs) while every row is rewritten. The page cache stays at 4 MiB:
            // rows are visited in id order, so a bigger cache buys little and would count against peak memory.
            conn.pragma_update(None, "wal_autocheckpoint", BULK_WAL_PAGES)?;
            conn.pragma_update(None, "cache_size", -4096)
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn fetch_batch(
        &mut self,
        not_under: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error> {
        fetch_rows(&self.conn, not_under, after, limit).map_err(|e| self.err(e))
    }

    fn batch_reader(&self) -> Result<Option<Box<dyn BatchReader>>, Error> {
        let run = || -> rusqlite::Result<Connection> {
            // The file exists (this connection has it open): without SQLITE_OPEN_CREATE nothing is created.
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(&self.path, flags)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // Rows are read once, in id order: a small cache is enough.
            conn.pragma_update(None, "cache_size", -1024)?;
            conn.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )?;
            Ok(conn)
        };
        let conn = run().map_err(|e| self.err(e))?;
        Ok(Some(Box::new(SqliteReader {
            path: self.path.clone(),
            conn,
        })))
    }

    fn fetch_latest(
        &mut self,
        owner: Option<&str>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<RawRow>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let run = |conn: &Connection| -> rusqlite::Result<Vec<RawRow>> {
            let mut st = conn.prepare_cached(
                "SELECT s.id, s.owner, s.name, s.version, s.key_id, s.envelope, s.created_at \
                 FROM secretctl_secrets AS s JOIN secretctl_versions AS v \
                 ON v.owner = s.owner AND v.name = s.name AND v.current = s.version \
                 WHERE s.id > ?1 AND (?2 IS NULL OR s.owner = ?2) ORDER BY s.id LIMIT ?3",
            )?;
            let rows = st.query_map(params![after, owner, limit], raw_row)?;
            rows.collect()
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn checkpoint(&mut self) -> Result<(), Error> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| self.err(e))
    }

    fn begin_bulk(&mut self) -> Result<(), Error> {
        let run = |conn: &Connection| -> rusqlite::Result<()> {
            // Every batch writes into the secrets index and the versions table at random places (names arrive in no
            // order): a page cache of BULK_CACHE_KIB keeps those pages instead of spilling and re-reading them in
            // each transaction. A fixed size: memory does not grow with the number of secrets.
            conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
            // One checkpoint per 64 MiB of WAL rather than per 512 KiB: a page written by many batches is copied
            // into the database once. Commits still fsync the WAL (synchronous stays FULL).
            conn.pragma_update(None, "wal_autocheckpoint", BULK_WAL_PAGES)
        };
        run(&self.conn).map_err(|e| self.err(e))
    }

    fn end_bulk(&mut self) -> Result<(), Error> {
        end_long_run(&self.conn).map_err(|e| self.err(e))
    }

    fn apply_batch(&mut self, new_key: &str, updates: &[Update]) -> Result<u64, Error> {
        self.do_apply(new_key, updates).map_err(|e| self.err(e))
    }

    fn end_rotation(&mut self) -> Result<(), Error> {
        let run = |conn: &Connection| -> rusqlite::Result<()> {
            conn.pragma_update(None, "synchronous", "FULL")?;
            end_long_run(conn)
        };
        run(&self.conn).map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

    use super::*;

    fn dir_syncs(db: &Path) -> usize {
        let synced = WAL_DIR_SYNCS.lock().unwrap();
        synced.iter().filter(|p| p.as_path() == db).count()
    }

    /// A database whose `secretctl_meta` is a view (a crafted file claiming to be a store) is foreign: nothing is
    /// read from it as a store and nothing is written to it, not even the switch to WAL.
    #[test]
    fn a_view_named_like_our_meta_table_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("other.db");
        let other = Connection::open(&db).unwrap();
        other
            .execute_batch(
                "CREATE TABLE t (x); CREATE VIEW secretctl_meta AS SELECT 'schema_version' AS k, '3' AS v;",
            )
            .unwrap();
        drop(other);
        let before = std::fs::read(&db).unwrap();
        assert!(matches!(
            Sqlite::open(&db, false),
            Err(Error::NoStore { .. })
        ));
        assert!(matches!(
            Sqlite::open(&db, true),
            Err(Error::ForeignDatabase { .. })
        ));
        assert_eq!(std::fs::read(&db).unwrap(), before, "the file is untouched");
    }

    /// SQLite is built without its directory syncs; the store syncs the directory when, and only when, an open
    /// creates the WAL file: a new store, or one whose WAL another tool removed (sqlite3 does on close).
    #[test]
    fn the_directory_is_synced_when_an_open_creates_the_wal_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let wal = dir.path().join("store.db-wal");
        drop(Sqlite::open(&db, true).unwrap());
        assert!(wal.exists());
        assert_eq!(dir_syncs(&db), 1, "a new store's WAL");
        drop(Sqlite::open(&db, false).unwrap());
        assert_eq!(dir_syncs(&db), 1, "the WAL was there: nothing to sync");
        // Another SQLite client, with SQLite's default close (checkpoint, then remove the WAL).
        let other = Connection::open(&db).unwrap();
        other
            .query_row("SELECT count(*) FROM secretctl_meta", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap();
        drop(other);
        assert!(!wal.exists(), "the other client removed the WAL");
        drop(Sqlite::open(&db, false).unwrap());
        assert!(wal.exists());
        assert_eq!(dir_syncs(&db), 2, "a WAL created by a read");
    }
}

//! Test stores for both backends, and raw database access for tests that edit rows behind the store's back.
#![allow(dead_code)] // each test binary uses a different part of this module
#![allow(clippy::unwrap_used)] // test scaffolding outside #[test] fns: a failed step should panic where it failed

use std::sync::atomic::{AtomicU32, Ordering};

use secretctl_store::StoreUrl;

/// A throwaway store: a SQLite file in a temp dir, or a fresh database on the test PostgreSQL server.
pub struct TestStore {
    pub url: StoreUrl,
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>, // (admin URL, database name) to drop at the end
}

impl TestStore {
    pub fn sqlite() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let url = StoreUrl::Sqlite(dir.path().join("store.db"));
        TestStore {
            url,
            label: "sqlite",
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh database on `SECRETCTL_TEST_POSTGRES_URL`'s server; `None` (after printing why) when the variable
    /// is unset outside CI. In CI a missing server is a failure.
    pub fn postgres() -> Option<TestStore> {
        let admin = postgres_admin_url()?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let db = format!(
            "secretctl_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .expect("connect to SECRETCTL_TEST_POSTGRES_URL");
        client
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        let url = with_database(&admin, &db);
        Some(TestStore {
            url: StoreUrl::Postgres(url),
            label: "postgres",
            _dir: None,
            pg: Some((admin, db)),
        })
    }

    /// The URL as a string, for child processes and the CLI.
    pub fn url_string(&self) -> String {
        match &self.url {
            StoreUrl::Sqlite(p) => format!("sqlite:{}", p.display()),
            StoreUrl::Postgres(u) => u.clone(),
            _ => unreachable!("only two backends"),
        }
    }

    /// Run SQL with text parameters written `$1`, `$2`... (both databases accept that spelling).
    pub fn exec(&self, sql: &str, params: &[&str]) -> u64 {
        match &self.url {
            StoreUrl::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute(sql, rusqlite::params_from_iter(params.iter()))
                    .unwrap() as u64
            }
            StoreUrl::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
                let p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|s| s as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                c.execute(sql, &p).unwrap()
            }
            _ => unreachable!("only two backends"),
        }
    }

    /// The raw envelope bytes of one row.
    pub fn envelope(&self, owner: &str, name: &str, version: i64) -> Vec<u8> {
        let sql = "SELECT envelope FROM secretctl_secrets WHERE owner = $1 AND name = $2 AND version = $3";
        match &self.url {
            StoreUrl::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.query_row(sql, rusqlite::params![owner, name, version], |r| r.get(0))
                    .unwrap()
            }
            StoreUrl::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
                c.query_one(sql, &[&owner, &name, &version]).unwrap().get(0)
            }
            _ => unreachable!("only two backends"),
        }
    }

    /// Overwrite the raw envelope bytes of one row.
    pub fn set_envelope(&self, owner: &str, name: &str, version: i64, envelope: &[u8]) {
        let sql = "UPDATE secretctl_secrets SET envelope = $1 WHERE owner = $2 AND name = $3 AND version = $4";
        let n = match &self.url {
            StoreUrl::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute(sql, rusqlite::params![envelope, owner, name, version])
                    .unwrap() as u64
            }
            StoreUrl::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
                c.execute(sql, &[&envelope, &owner, &name, &version])
                    .unwrap()
            }
            _ => unreachable!("only two backends"),
        };
        assert_eq!(n, 1, "no row {owner}/{name} v{version} to overwrite");
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((admin, db)) = &self.pg {
            if let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
            }
        }
    }
}

/// `SECRETCTL_TEST_POSTGRES_URL`, or `None` after printing a skip notice; panics in CI (`CI` set).
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("SECRETCTL_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "SECRETCTL_TEST_POSTGRES_URL is not set but CI is: start the server with `source .ci/postgres.sh start`"
            );
            eprintln!("skipped: postgres not found (SECRETCTL_TEST_POSTGRES_URL unset; `source .ci/postgres.sh start`)");
            None
        }
    }
}

/// `url` with its database (the path) replaced by `db`, keeping any query string.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Every backend available: SQLite always, PostgreSQL when the test server is up.
pub fn backends() -> Vec<TestStore> {
    let mut v = vec![TestStore::sqlite()];
    if let Some(pg) = TestStore::postgres() {
        v.push(pg);
    }
    v
}

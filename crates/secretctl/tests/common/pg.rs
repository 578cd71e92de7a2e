//! Throwaway databases on the test PostgreSQL server (`SECRETCTL_TEST_POSTGRES_URL`, started by
//! `source .ci/postgres.sh start`): the CLI tests of the store run against it as well as SQLite.

use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh, empty database, dropped at the end.
pub struct PgDb {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl PgDb {
    /// A new empty database; `None` (after printing why) when no server is configured outside CI. In CI a missing
    /// server is a failure.
    pub fn new() -> Option<PgDb> {
        let admin = match std::env::var("SECRETCTL_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "SECRETCTL_TEST_POSTGRES_URL is not set but CI is: `source .ci/postgres.sh start`"
                );
                eprintln!("skipped: postgres not found (SECRETCTL_TEST_POSTGRES_URL unset)");
                return None;
            }
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "secretctl_cli_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let url = format!("{base}/{name}");
        Some(PgDb { admin, name, url })
    }

    /// A client of this database.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }

    /// Run SQL statements.
    pub fn exec(&self, sql: &str) {
        self.client().batch_execute(sql).unwrap();
    }

    /// The tables of the database's public schema, sorted.
    pub fn tables(&self) -> Vec<String> {
        self.client()
            .query(
                "SELECT table_name::TEXT FROM information_schema.tables WHERE table_schema = 'public' \
                 ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

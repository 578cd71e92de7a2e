//! The instance's schema travels with its host: `push` commits it as `hosts/<host>/secretctl.toml` (it holds no
//! secret), and on a new host [`Repo::restore_schema`] puts it back beside the `.env` when there is none, so
//! `check` and `env rotate` work there and report what they reported on the old host.

use std::path::{Path, PathBuf};

use secretctl_instance::secretctl_schema::{Schema, SCHEMA_FILE};

use super::{schema_path, validate_host, Error, Repo, Result};

/// What [`Repo::restore_schema`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaRestore {
    /// The repository holds no schema for the host; nothing was written.
    NotInRepository,
    /// There was no schema beside the `.env`: the repository's was written there.
    Restored(PathBuf),
    /// The schema beside the `.env` is the repository's.
    Same(PathBuf),
    /// The schema beside the `.env` differs from the repository's; it was kept as it is.
    Differs {
        /// The instance's schema.
        local: PathBuf,
        /// The repository's (`hosts/<host>/secretctl.toml` in the working tree).
        repository: PathBuf,
    },
}

impl Repo {
    /// Put the schema pushed for `host` beside `env_path` (as `secretctl.toml`, mode 0644, atomically) when there
    /// is none there; an existing one is never replaced, only compared. The repository's copy must be a valid
    /// schema: it is input from whoever can write the repository.
    ///
    /// # Errors
    /// An invalid host; the repository's schema cannot be read or is not a valid schema ([`Error::Schema`]); the
    /// local one cannot be read; [`Error::File`] when it cannot be written.
    pub fn restore_schema(&self, host: &str, env_path: &Path) -> Result<SchemaRestore> {
        validate_host(host)?;
        let rel = schema_path(host);
        let repository = self.root.join(&rel);
        let Some(text) = self.read(&rel)? else {
            return Ok(SchemaRestore::NotInRepository);
        };
        Schema::parse(&text).map_err(|source| Error::Schema {
            path: repository.clone(),
            source,
        })?;
        let local = env_path.with_file_name(SCHEMA_FILE);
        match std::fs::symlink_metadata(&local) {
            Ok(_) => {
                let current = Schema::read_text(&local).map_err(|source| Error::Schema {
                    path: local.clone(),
                    source,
                })?;
                Ok(if current == text {
                    SchemaRestore::Same(local)
                } else {
                    SchemaRestore::Differs { local, repository }
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let opts = secretctl_fs::WriteOptions::new(0o644);
                secretctl_fs::replace(&local, text.as_bytes(), &opts)
                    .map_err(|source| Error::File { source })?;
                Ok(SchemaRestore::Restored(local))
            }
            Err(source) => Err(Error::Read {
                path: local,
                source,
            }),
        }
    }
}

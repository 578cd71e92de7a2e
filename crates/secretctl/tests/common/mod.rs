//! Scaffolding shared by the CLI's integration tests, written once:
//! - [`Sandbox`]: the one way to run the built binary (or a script that runs it) with a clean environment;
//! - [`find_tool`] / [`require_tool`]: the one way to find a reference tool (`age`, `sops`, `kubernetes-validate`,
//!   `docker-compose`, ...), failing rather than skipping when `cargo xtask ci` or CI runs the tests;
//! - [`StoreEnv`]: a keyfile and a SQLite store in a sandbox, for the `key` and `secret` commands.

// Each test binary compiles this module and uses only part of it (and of what it re-exports).
#![allow(dead_code, unused_imports)]
// Helpers outside #[test] fns: a failed step panics with its location, which is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod fake_docker;
pub mod instance;
pub mod pg;
mod sandbox;
mod store_env;
mod tools;

pub use fake_docker::FakeDocker;
pub use sandbox::{clean, secretctl_bin, Sandbox};
pub use store_env::StoreEnv;
pub use tools::{
    find_tool, missing, require_tool, tool_dirs, tool_path, tools_required, tools_venv,
};

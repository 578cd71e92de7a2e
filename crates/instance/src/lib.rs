//! An instance: a directory with its `.env`, its schema (`secretctl.toml`) and its state (`.secretctl/state.toml`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod fix;
pub mod state;

pub use error::Error;
pub use fix::{shell_quote, Fix};
pub use state::State;

//! Lossless Docker Compose .env documents: parse, query, edit, render, atomic save.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

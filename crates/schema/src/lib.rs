//! An instance's declared secrets: generators, policy, rotation schedule.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

//! Immutable versioned secret names (name_vN) and Docker Swarm secret name rules.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

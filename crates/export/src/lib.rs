//! Kubernetes Secret manifests and Docker Swarm scripts for an instance's secrets (being moved here from the binary).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

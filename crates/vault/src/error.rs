//! The one error type of this crate.

use secretctl_error::ErrorKind;

/// What went wrong talking to Vault / OpenBao.
///
/// Every message names the server's address and the operation, and says what fixes it; none carries the token or
/// a secret value (Vault's own error texts never echo either).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No address was configured.
    #[error("no Vault address: export VAULT_ADDR=https://vault.example.org:8200 (or BAO_ADDR)")]
    NoAddress,
    /// The address or a Transit key URI is not usable.
    #[error("{what} {value:?} is not valid: {reason}")]
    BadAddress {
        /// `address` or `Transit key URI`.
        what: &'static str,
        /// What was given (an address, never a token).
        value: String,
        /// Why.
        reason: String,
    },
    /// No token was found.
    #[error("no Vault token for {address}: set VAULT_TOKEN (or BAO_TOKEN) to a token, or log in with `bao login`, which writes ~/.vault-token")]
    NoToken {
        /// The server.
        address: String,
    },
    /// `VAULT_CACERT` could not be read or holds no certificate.
    #[error("cannot use the CA certificate {path} (VAULT_CACERT): {reason}")]
    CaCert {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The server could not be reached.
    #[error("cannot reach Vault at {address} to {op}: {reason}; check that the server is running and VAULT_ADDR is right, then retry")]
    Unreachable {
        /// The server.
        address: String,
        /// The operation (`transit encrypt with key secretctl`, ...).
        op: String,
        /// The transport error.
        reason: String,
    },
    /// The server is sealed.
    #[error(
        "Vault at {address} is sealed, cannot {op}; unseal it (`bao operator unseal`) and retry"
    )]
    Sealed {
        /// The server.
        address: String,
        /// The operation.
        op: String,
    },
    /// 403: the token is expired, revoked or lacks a policy.
    #[error("Vault at {address} denied {op}: the token is expired, revoked, or lacks a policy granting {capability} on {path}; set VAULT_TOKEN to a token whose policy grants it (docs/vault.md lists the policies) and retry")]
    PermissionDenied {
        /// The server.
        address: String,
        /// The operation.
        op: String,
        /// The capability the policy must grant (`update`, `read`, `create, update`).
        capability: &'static str,
        /// The API path (without `/v1/`).
        path: String,
    },
    /// 404.
    #[error("Vault at {address} has nothing at {path} ({op}); check the path, the mount and that the key or secret exists")]
    NotFound {
        /// The server.
        address: String,
        /// The operation.
        op: String,
        /// The API path.
        path: String,
    },
    /// A KV v2 check-and-set write found another version than the one it read.
    #[error("KV secret {path} at {address} is no longer at version {version}: another writer changed it; nothing was written, re-run to write over the new version")]
    CasMismatch {
        /// The server.
        address: String,
        /// The KV path (`secret/app/prod`).
        path: String,
        /// The version this write expected.
        version: u64,
    },
    /// Any other error status.
    #[error("Vault at {address} refused {op} (HTTP {status}): {message}")]
    Status {
        /// The server.
        address: String,
        /// The operation.
        op: String,
        /// The HTTP status.
        status: u16,
        /// Vault's `errors`, joined.
        message: String,
    },
    /// The response was not what the API documents, or larger than we read.
    #[error("Vault at {address} sent an unexpected response to {op}: {reason}")]
    BadResponse {
        /// The server.
        address: String,
        /// The operation.
        op: String,
        /// What is wrong (never a value).
        reason: String,
    },
    /// Transit returned a plaintext that is not a 32-byte key.
    #[error("Transit key {uri} unwrapped something that is not a 32-byte master key; the wrapped key file is not for this Transit key")]
    NotAKey {
        /// The Transit key.
        uri: String,
    },
    /// The keyfile or keyring failed.
    #[error(transparent)]
    Keyfile(#[from] secretctl_keyfile::Error),
}

impl secretctl_error::Kind for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NoAddress | Self::BadAddress { .. } | Self::NoToken { .. } => ErrorKind::Usage,
            Self::CaCert { .. } | Self::BadResponse { .. } => ErrorKind::Invalid,
            // An outage or a token problem is an operational failure (exit 1), fixed outside secretctl.
            Self::Unreachable { .. } | Self::Sealed { .. } => ErrorKind::Io,
            Self::PermissionDenied { .. } => ErrorKind::Refused,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::CasMismatch { .. } | Self::Status { .. } => ErrorKind::Other,
            Self::NotAKey { .. } => ErrorKind::Integrity,
            Self::Keyfile(e) => e.kind(),
        }
    }
}

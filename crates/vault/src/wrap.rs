//! The master key held by Transit: [`TransitKeyWrap`] implements `secretctl_keyfile::KeyWrap`, and
//! [`open_keyring`] opens a keyring whichever kind its keyfile is.

use std::path::Path;
use std::sync::Arc;

use secretctl_envelope::{Key, KEY_LEN};
use secretctl_keyfile::{KeyWrap, Keyring, LoadOptions, WrapError};

use crate::client::{Client, Config};
use crate::transit::TransitUri;
use crate::Error;

/// A Transit key wrapping the master key(s) of a keyring.
#[derive(Debug)]
pub struct TransitKeyWrap {
    client: Client,
    uri: TransitUri,
}

impl TransitKeyWrap {
    /// Wrap with the Transit key at `uri`, talking to `client` (whose address should be the URI's).
    #[must_use]
    pub fn new(client: Client, uri: TransitUri) -> TransitKeyWrap {
        TransitKeyWrap { client, uri }
    }

    /// Wrap with the Transit key at `uri`: the address is the URI's, the token, namespace and CA come from the
    /// environment as in [`Config::from_env`].
    ///
    /// # Errors
    /// [`Error::NoToken`], [`Error::CaCert`].
    pub fn from_uri(uri: &TransitUri) -> Result<TransitKeyWrap, Error> {
        let client = Client::new(Config::for_address(&uri.address)?)?;
        Ok(TransitKeyWrap::new(client, uri.clone()))
    }

    /// The Transit key.
    #[must_use]
    pub fn uri(&self) -> &TransitUri {
        &self.uri
    }

    /// The client.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }
}

fn boxed(e: Error) -> WrapError {
    Box::new(e)
}

impl KeyWrap for TransitKeyWrap {
    fn uri(&self) -> String {
        self.uri.to_string()
    }

    fn wrap(&self, key: &Key) -> Result<String, WrapError> {
        let t = self.client.transit(&self.uri.mount);
        t.encrypt(&self.uri.key, key.expose_secret()).map_err(boxed)
    }

    fn unwrap(&self, ciphertext: &str) -> Result<Key, WrapError> {
        let t = self.client.transit(&self.uri.mount);
        let bytes = t.decrypt(&self.uri.key, ciphertext).map_err(boxed)?;
        let Ok(bytes) = <&[u8; KEY_LEN]>::try_from(bytes.as_slice()) else {
            return Err(Box::new(Error::NotAKey {
                uri: self.uri.to_string(),
            }));
        };
        Ok(Key::from_bytes(bytes))
    }

    fn rewrap(&self, ciphertext: &str) -> Result<String, WrapError> {
        let t = self.client.transit(&self.uri.mount);
        t.rewrap(&self.uri.key, ciphertext).map_err(boxed)
    }
}

/// Open the keyring of `keyfile`: a plain keyfile as [`Keyring::open`] does, a Transit-wrapped one through the
/// Transit key it names (address from the file, token from the environment), unwrapping each key once.
///
/// # Errors
/// What [`Keyring::open`] reports; [`Error::NoToken`] and the Transit failures (sealed, unreachable, denied) for a
/// wrapped keyfile.
pub fn open_keyring(keyfile: &Path, opts: LoadOptions) -> Result<Keyring, Error> {
    // A plain keyfile (the usual kind) is read once; a wrapped one is known by what reading it as plain reports.
    let uri = match Keyring::open(keyfile, opts) {
        Ok(keyring) => return Ok(keyring),
        Err(e) => wrapping_uri(keyfile, e)?,
    };
    let wrap = TransitKeyWrap::from_uri(&uri.parse()?)?;
    Ok(Keyring::open_wrapped(keyfile, opts, Arc::new(wrap))?)
}

/// The active master key of `keyfile`, plain or Transit-wrapped (for `key backup` and `key id`).
///
/// # Errors
/// As [`open_keyring`].
pub fn load_active_key(keyfile: &Path, opts: LoadOptions) -> Result<Key, Error> {
    match secretctl_keyfile::wrapped_by(keyfile, opts.allow_loose_permissions)? {
        None => Ok(secretctl_keyfile::load(keyfile, opts)?),
        Some(_) => Ok(open_keyring(keyfile, opts)?.active().clone()),
    }
}

/// The Transit key URI of a wrapped `keyfile`, from the error reading it as a plain keyfile gave; any other error
/// (including a wrapped retired key beside a plain keyfile) is returned as it is.
fn wrapping_uri(keyfile: &Path, e: secretctl_keyfile::Error) -> Result<String, Error> {
    match e {
        secretctl_keyfile::Error::NeedsUnwrap { path, wrapped_by } if path == keyfile => {
            Ok(wrapped_by)
        }
        e => Err(e.into()),
    }
}

/// Create a Transit-wrapped keyfile at `keyfile`: a random key, stored only as the ciphertext of the Transit key at
/// `uri` (which must exist). Never overwrites.
///
/// # Errors
/// [`Error::NoToken`]; the Transit failures (nothing is written); what
/// [`create_wrapped`](secretctl_keyfile::create_wrapped) reports.
pub fn create_keyfile(keyfile: &Path, uri: &TransitUri) -> Result<Key, Error> {
    let wrap = TransitKeyWrap::from_uri(uri)?;
    Ok(secretctl_keyfile::create_wrapped(keyfile, &wrap)?)
}

/// Re-wrap `keyfile` and its retired keys under the Transit key's latest version (after `bao write -f
/// transit/keys/NAME/rotate`). No key changes, so no store row is touched.
///
/// # Errors
/// [`secretctl_keyfile::Error::NotWrapped`] for a plain keyfile; the Transit failures.
pub fn rewrap_keyfile(
    keyfile: &Path,
    opts: LoadOptions,
) -> Result<Vec<secretctl_keyfile::Rewrapped>, Error> {
    let loose = opts.allow_loose_permissions;
    let Some(uri) = secretctl_keyfile::wrapped_by(keyfile, loose)? else {
        return Err(secretctl_keyfile::Error::NotWrapped {
            path: keyfile.to_path_buf(),
        }
        .into());
    };
    let wrap = TransitKeyWrap::from_uri(&uri.parse()?)?;
    Ok(secretctl_keyfile::rewrap(keyfile, loose, &wrap)?)
}

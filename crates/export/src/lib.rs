//! Hand an instance's secrets to Kubernetes (Secret manifests, plain or SOPS-encrypted) or Docker Swarm (versioned
//! secret names and a `docker secret create` script that never puts a value on argv), as typed values: nothing
//! here prints or writes a file.
//!
//! An export is three steps:
//!
//! 1. **Choose** what to export: [`Selection::from_env`] reads the values Docker Compose computes from an
//!    already-loaded `.env` (declared keys first, in the schema's order; then every other key the classification
//!    passed in calls secret; a versioned key once, at the version its pointer names), or [`Selection::from_store`]
//!    reads an owner's latest versions from the encrypted store.
//! 2. **Shape** it: [`Manifest::new`] groups the secrets into Kubernetes Secrets (the schema's `k8s_secret`, with
//!    `{instance}` expanded, else `{instance}-secrets`; data keys from the schema's `k8s_key`, else the `.env`
//!    key) and checks every name against the Kubernetes rules ([`k8s`]); [`SwarmPlan::new`] names the versioned
//!    secrets in a Swarm stack and checks them against Docker's rules.
//! 3. **Render**: [`Manifest::to_yaml`] / [`Manifest::to_json`] into [`zeroize::Zeroizing`] buffers (the output
//!    holds the values), [`Manifest::to_sops`] for gitops, [`SwarmPlan::script`] (which holds no value).
//!
//! Every failure is an [`Error`] with a [`secretctl_error::ErrorKind`]; none carries a value.
//!
//! # Examples
//!
//! ```
//! use secretctl_envfile::EnvFile;
//! use secretctl_export::{is_secret, Manifest, Selection, SwarmPlan};
//! use secretctl_schema::Schema;
//!
//! let env = EnvFile::parse(
//!     "DOMAIN=wiki.example.com\nDATABASE_URL=postgres://wiki:pw@db/wiki\nAPI_TOKEN=t0k\n\
//!      DB_PASSWORD_V1=one\nDB_PASSWORD_V2=two\nSECRET_DB_PASSWORD_VERSION=v2\n",
//! )?;
//! let schema = Schema::parse(
//!     "[instance]\nnamespace = \"prod\"\n\n\
//!      [secrets.DATABASE_URL]\nk8s_secret = \"{instance}-db\"\nk8s_key = \"database-url\"\n",
//! )?;
//! let no_environment = |_: &str| None;
//! let selection = Selection::from_env(
//!     &env,
//!     "/srv/wiki/.env".as_ref(),
//!     None, // the instance: the schema's [instance] name, else the directory's name
//!     Some(&schema),
//!     &|key| is_secret(Some(&schema), key),
//!     &no_environment,
//! )?;
//! assert_eq!(selection.instance(), "wiki");
//!
//! // Swarm: the versioned secrets only, in the stack derived from DOMAIN.
//! let plan = SwarmPlan::new(&selection, None)?;
//! assert_eq!(plan.secrets()[0].swarm_name(), "wiki_example_com_db_password_v2");
//! assert!(!plan.script().contains("two"));
//!
//! // Kubernetes: one Secret per group, in the schema's namespace.
//! let manifest = Manifest::new(selection, None)?;
//! assert_eq!(manifest.names(), ["wiki-db", "wiki-secrets"]);
//! let yaml = manifest.only(&["wiki-db"])?.to_yaml();
//! assert!(yaml.contains("  namespace: prod\n"));
//! assert!(yaml.contains("  database-url: cG9zdGdyZXM6Ly93aWtpOnB3QGRiL3dpa2k=\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod encode;
mod error;
mod eso;
pub mod k8s;
mod kv;
mod manifest;
mod select;
mod swarm;

pub use error::Error;
pub use eso::{eso_yaml, external_secrets, secret_store, EsoOptions, StoreKind, ESO_API_VERSION};
pub use kv::{import_targets, kv_data, ImportTarget};
pub use manifest::{age_recipients, check_namespace, yaml_stream, Manifest, Secret};
pub use select::{
    env_version_value, instance_name, is_secret, store_version_value, Item, Selection, Source,
    StoreSource,
};
pub use swarm::{shell_quote, SwarmPlan, SwarmSecret, SWARM_SECRET_MAX_BYTES};

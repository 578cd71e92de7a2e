//! `secretctl key rotate` and `key retire`: the master key changes, and the store is re-encrypted under it.
//!
//! The decisions (rotate or resume an interrupted rotation; may this key be destroyed) are the store's:
//! [`Store::rotate_master_key`](secretctl_store::Store::rotate_master_key) and
//! [`Store::retire_key`](secretctl_store::Store::retire_key). This module reads the arguments and prints.

use secretctl_envelope::KeyId;
use secretctl_store::{
    retire_key_everywhere, RotateMode, RotateOptions, RotationEvent, RotationPlan,
};
use serde_json::json;

use crate::cli::Globals;
use crate::common::StoreArgs;
use crate::progress::Progress;

/// Arguments of `secretctl key rotate`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct RotateArgs {
    #[command(flatten)]
    at: StoreArgs,
    /// Only finish an interrupted rotation; never create a new key.
    #[arg(long)]
    resume: bool,
    /// Rows re-encrypted per transaction.
    #[arg(long, value_name = "N", default_value_t = 4096)]
    batch_size: usize,
}

/// Arguments of `secretctl key retire`.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct RetireArgs {
    /// The retired key to destroy (16 hex characters, as `secretctl key list` shows it).
    key_id: KeyId,
    #[command(flatten)]
    at: StoreArgs,
    /// Retire even when a store the keyring has sealed for cannot be reached (a warning per store).
    #[arg(long)]
    force: bool,
}

pub fn rotate(g: Globals, args: RotateArgs) -> anyhow::Result<()> {
    // Never a new empty store: a mistyped --store must not rotate the keyfile against nothing.
    let (mut keyring, mut store) = (args.at.keyfile.keyring()?, args.at.open(false)?);
    let url = store.url().to_string();
    let mode = if args.resume {
        RotateMode::ResumeOnly
    } else {
        RotateMode::RotateOrResume
    };
    let mut bar = Progress::bar("rows re-encrypted");
    let mut on_event = |event| {
        match event {
        RotationEvent::Planned(RotationPlan::Resume { pending, active }) => eprintln!(
            "resuming: {pending} rows of {url} are not yet under the active key {active}; finishing that \
             rotation (no new key is made)"
        ),
        RotationEvent::Planned(RotationPlan::NewKey { active, retired }) => eprintln!(
            "new active key {active}; key {retired} is retired and kept until the store no longer uses it"
        ),
        RotationEvent::Progress(p) => {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
        _ => {}
    }
    };
    let options = RotateOptions::default().with_batch_size(args.batch_size);
    let result = store.rotate_master_key(&mut keyring, mode, &options, &mut on_event);
    bar.finish_and_clear();
    let done = result?;
    let retired: Vec<String> = done.retired.iter().map(ToString::to_string).collect();
    let mut text = done.summary.to_string();
    if !retired.is_empty() {
        let (list, other) = (
            retired.join(", "),
            "other stores sharing this keyfile are rotated too",
        );
        text += &format!(
            "\nretired keys no row of this store uses any more: {list} (destroy each with `secretctl key \
             retire ID` once {other})"
        );
    }
    g.print(&done, text)?;
    if done.audit_checkpoint.is_none() && !matches!(done.plan, RotationPlan::NothingToResume { .. })
    {
        eprintln!(
            "warning: the audit log of {url} did not verify, so it was not checkpointed under the new key; see \
             `secretctl secret audit --verify --store {url}`"
        );
    }
    if let RotationPlan::NothingToResume { active } = done.plan {
        eprintln!("nothing to resume: every row is under the active key {active}");
    }
    Ok(())
}

pub fn retire(g: Globals, args: RetireArgs) -> anyhow::Result<()> {
    let (id, mut keyring) = (args.key_id, args.at.keyfile.keyring()?);
    // Every store the keyring has sealed for, and the one named here: a store that cannot be checked refuses.
    let url = args.at.url()?;
    let mut warn = |store: &str, e: &secretctl_store::Error| {
        eprintln!("warning: {store} was not checked ({e}); --force retires key {id} anyway");
    };
    let report = retire_key_everywhere(&mut keyring, id, Some(&url), args.force, &mut warn)?;
    let stores = report.checked.join(", ");
    let text = format!("destroyed retired key {id}: no row of {stores} references it");
    let skipped: Vec<&str> = report.skipped.iter().map(|(s, _)| s.as_str()).collect();
    let doc = json!({ "destroyed": id.to_string(), "checked": report.checked, "skipped": skipped });
    g.print(&doc, text)
}

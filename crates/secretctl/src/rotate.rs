//! `secretctl key rotate` and `key retire`: the master key changes, and the store is re-encrypted under it.
//!
//! The decisions (rotate or resume an interrupted rotation; may this key be destroyed) are the store's:
//! [`Store::rotate_master_key`](secretctl_store::Store::rotate_master_key) and
//! [`Store::retire_key`](secretctl_store::Store::retire_key). This module reads the arguments and prints.

use std::io::{IsTerminal, Write};

use secretctl_envelope::KeyId;
use secretctl_store::{RotateMode, RotateOptions, RotationEvent, RotationPlan};

use crate::cli::Globals;
use crate::secret::{open_keyring, open_store, StoreArgs};

/// Arguments of `secretctl key rotate`.
#[derive(Debug, clap::Args)]
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
pub struct RetireArgs {
    /// The retired key to destroy (16 hex characters, as `secretctl key list` shows it).
    key_id: KeyId,
    #[command(flatten)]
    at: StoreArgs,
}

pub fn rotate(g: Globals, args: RotateArgs) -> anyhow::Result<()> {
    let mut keyring = open_keyring(&args.at.keyfile)?;
    // Never a new empty store: a mistyped --store must not rotate the keyfile against nothing.
    let mut store = open_store(&args.at, false)?;
    let url = store.url().to_string();
    let mode = if args.resume {
        RotateMode::ResumeOnly
    } else {
        RotateMode::RotateOrResume
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} re-encrypting [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let mut on_event = |event| {
        match event {
        RotationEvent::Planned(RotationPlan::Resume { pending, active }) => eprintln!(
            "resuming: {pending} rows of {url} are not yet under the active key {active}; finishing that rotation \
             (no new key is made)"
        ),
        RotationEvent::Planned(RotationPlan::NewKey { active, retired }) => eprintln!(
            "new active key {active}; key {retired} is retired and kept until the store no longer uses it"
        ),
        RotationEvent::Progress(p) => {
            if let Some(bar) = &bar {
                bar.set_length(p.total);
                bar.set_position(p.done);
            }
        }
        _ => {}
    }
    };
    let options = RotateOptions::default().with_batch_size(args.batch_size);
    let result = store.rotate_master_key(&mut keyring, mode, &options, &mut on_event);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let done = result?;
    let (rows, seconds) = (done.summary.rotated, done.summary.elapsed.as_secs_f64());
    let (rate, active) = (done.summary.rows_per_second(), done.summary.active);
    let retired: Vec<String> = done.retired.iter().map(ToString::to_string).collect();
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc = serde_json::json!({
            "rows": rows, "seconds": seconds, "rows_per_second": rate,
            "active_key": active.to_string(), "resumed": done.resumed(), "retired_keys": retired,
        });
        writeln!(out, "{doc}")?;
    } else {
        writeln!(
            out,
            "re-encrypted {rows} rows in {seconds:.2} s ({rate:.0} rows/s); active key {active}"
        )?;
        if !retired.is_empty() {
            writeln!(
                out,
                "retired keys no row of this store uses any more: {} (destroy each with `secretctl key retire ID` \
                 once other stores sharing this keyfile are rotated too)",
                retired.join(", ")
            )?;
        }
    }
    if let RotationPlan::NothingToResume { active } = done.plan {
        eprintln!("nothing to resume: every row is under the active key {active}");
    }
    Ok(())
}

pub fn retire(g: Globals, args: RetireArgs) -> anyhow::Result<()> {
    let id = args.key_id;
    let mut keyring = open_keyring(&args.at.keyfile)?;
    // Refuse to guess: a store that does not exist cannot prove that nothing references the key.
    let mut store = open_store(&args.at, false)?;
    store.retire_key(&mut keyring, id)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        let doc = serde_json::json!({ "destroyed": id.to_string() });
        writeln!(out, "{doc}")?;
    } else {
        let url = store.url();
        writeln!(
            out,
            "destroyed retired key {id}: no row of {url} references it"
        )?;
    }
    Ok(())
}

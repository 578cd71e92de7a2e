//! `secretctl key rotate` and `key retire`: the master key changes, and the store is re-encrypted under it.
//!
//! Resume story: `key rotate` first looks at the store. If rows are still sealed under a key other than the
//! active one (a previous `key rotate` was interrupted, or a writer used an old key), it finishes re-encrypting
//! them under the current active key instead of creating yet another key; only when every row is under the active
//! key does it make a new key. `--resume` never creates a key. A crash at any point loses nothing: the keyfile
//! rotation keeps the old key as retired before the swap, and each batch of rows is one transaction.

use std::io::{IsTerminal, Write};

use anyhow::anyhow;
use secretctl_envelope::KeyId;
use secretctl_store::{Progress, RotateOptions};

use crate::cli::Globals;
use crate::exit::{coded, ErrorKind, WithCode};
use crate::secret::{open_keyring, open_store, store_error, StoreArgs};

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
    key_id: String,
    #[command(flatten)]
    at: StoreArgs,
}

pub fn rotate(g: Globals, args: RotateArgs) -> anyhow::Result<()> {
    let mut keyring = open_keyring(&args.at.keyfile)?;
    let mut store = open_store(&args.at, true)?;
    let before = keyring.active_id();
    let pending = store.pending(before).map_err(store_error)?;
    let resumed = pending > 0;
    if resumed {
        eprintln!(
            "resuming: {pending} rows of {} are not yet under the active key {before}; finishing that rotation \
             (no new key is made)",
            store.url()
        );
    } else if args.resume {
        report(g, 0, 0.0, 0.0, before, false, &keyring.retired_ids())?;
        eprintln!("nothing to resume: every row is under the active key {before}");
        return Ok(());
    } else {
        let new = keyring.rotate().code(ErrorKind::Other)?;
        eprintln!("new active key {new}; key {before} is retired and kept until the store no longer uses it");
    }
    let active = keyring.active().clone();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} re-encrypting [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let mut on_progress = |p: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    };
    let options = RotateOptions::default().with_batch_size(args.batch_size);
    let result = store.rotate(keyring.keys(), &active, &options, &mut on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = result.map_err(|e| {
        let done = store.pending(active.id()).ok();
        let err = store_error(e);
        match done {
            Some(left) => err.context(format!(
                "rotation stopped with {left} rows still under old keys (they still open); fix the cause and \
                 run `secretctl key rotate` again to finish"
            )),
            None => err,
        }
    })?;
    report(
        g,
        summary.rotated,
        summary.elapsed.as_secs_f64(),
        summary.rows_per_second(),
        summary.active,
        resumed,
        &keyring.retired_ids(),
    )
}

fn report(
    g: Globals,
    rows: u64,
    seconds: f64,
    rate: f64,
    active: KeyId,
    resumed: bool,
    retired: &[KeyId],
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let retired_text: Vec<String> = retired.iter().map(ToString::to_string).collect();
    if g.json {
        let doc = serde_json::json!({
            "rows": rows, "seconds": seconds, "rows_per_second": rate,
            "active_key": active.to_string(), "resumed": resumed, "retired_keys": retired_text,
        });
        writeln!(out, "{doc}")?;
    } else {
        writeln!(
            out,
            "re-encrypted {rows} rows in {seconds:.2} s ({rate:.0} rows/s); active key {active}"
        )?;
        if !retired_text.is_empty() {
            writeln!(
                out,
                "retired keys no row of this store uses any more: {} (destroy each with `secretctl key retire ID` \
                 once other stores sharing this keyfile are rotated too)",
                retired_text.join(", ")
            )?;
        }
    }
    Ok(())
}

pub fn retire(g: Globals, args: RetireArgs) -> anyhow::Result<()> {
    let id: KeyId = args.key_id.parse().map_err(|e| {
        coded(
            ErrorKind::Usage,
            anyhow!("`{}` is not a key id: {e}", args.key_id),
        )
    })?;
    let mut keyring = open_keyring(&args.at.keyfile)?;
    if id == keyring.active_id() {
        return Err(coded(
            ErrorKind::Other,
            anyhow!(
                "key {id} is the active key of {}; run `secretctl key rotate` first, then retire it",
                args.at.keyfile.path().display()
            ),
        ));
    }
    if !keyring.retired_ids().contains(&id) {
        return Err(coded(
            ErrorKind::NotFound,
            anyhow!(
                "no retired key {id} next to {}; `secretctl key list` shows the keys",
                args.at.keyfile.path().display()
            ),
        ));
    }
    // Refuse to guess: a store that does not exist cannot prove that nothing references the key.
    let mut store = open_store(&args.at, false)?;
    let refs = store.references(id).map_err(store_error)?;
    if refs > 0 {
        return Err(coded(
            ErrorKind::Other,
            anyhow!(
                "{refs} rows of {} still reference key {id}; run `secretctl key rotate` to finish re-encrypting \
                 them, then retire it",
                store.url()
            ),
        ));
    }
    keyring.destroy_retired(id).code(ErrorKind::Other)?;
    store
        .record("retire", &format!("key {id} destroyed"))
        .map_err(store_error)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        writeln!(
            out,
            "{}",
            serde_json::json!({ "destroyed": id.to_string() })
        )?;
    } else {
        writeln!(
            out,
            "destroyed retired key {id}: no row of {} references it",
            store.url()
        )?;
    }
    Ok(())
}

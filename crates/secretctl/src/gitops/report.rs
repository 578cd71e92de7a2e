//! The verbs of `secretctl gitops` whose reports take more than a line to print: push, recipients, diff.

use std::io::{IsTerminal, Write};

use secrecy::{ExposeSecret, SecretString};
use secretctl_gitops::repo::{HostDiff, PushOptions, Repo};
use secretctl_instance::Instance;
use serde_json::json;

use super::{paths, strings, PushArgs, RecipientsCmd};
use crate::cli::Globals;

pub(super) fn push(
    g: Globals,
    out: &mut impl Write,
    repo: &Repo,
    a: PushArgs,
) -> anyhow::Result<()> {
    // The instance of that .env: its schema places the keys, its state and schema travel with it.
    let inst = Instance::open(&a.env, a.schema.schema.as_deref())?;
    let author = (!a.no_commit).then(|| a.author.author());
    let ids = a.identity.load()?;
    let mut opts = PushOptions::default();
    opts.allow_plain = a.allow_plain;
    opts.accept_recipients = a.accept_recipients;
    let pushed = repo.push_instance(&a.host, &inst, ids.as_ref(), author.as_ref(), &opts)?;
    for (key, var) in &pushed.unset_references {
        eprintln!("warning: {key} refers to ${var}, which the .env does not set: pushed as Compose computes it without {var}");
    }
    for key in &pushed.unshadowed {
        eprintln!("note: {key} is shared: moved from the host's vars to hosts/_shared, so its shared value applies");
    }
    for f in &pushed.rekeyed {
        eprintln!("note: {}: its data key is not the one this clone wrote it with (someone else re-encrypted it); encrypted under a new data key", f.display());
    }
    for c in &pushed.recipient_changes {
        eprintln!(
            "note: {} re-encrypted to the recipients .sops.yaml names (accepted)",
            c.file.display()
        );
    }
    let (host, changed) = (&a.host, paths(&pushed.changed));
    let (hosts, shared, plain) = (&pushed.host_keys, &pushed.shared_keys, &pushed.plain_keys);
    if g.json {
        let commit = pushed.commit.map(|o| o.to_string());
        let doc = json!({ "host": host, "changed": changed, "commit": commit, "host_keys": hosts,
                          "shared_keys": shared, "plain_keys": plain, "reviewed": pushed.reviewed });
        writeln!(out, "{doc}")?;
    } else if let Some(commit) = pushed.commit {
        let (files, n, m, p) = (changed.join(", "), hosts.len(), shared.len(), plain.len());
        let short = &commit.to_string()[..12];
        writeln!(
            out,
            "pushed host {host}: {files} ({n} host secret(s), {m} shared, {p} plain); commit {short}"
        )?;
    } else if a.no_commit && !changed.is_empty() {
        let files = changed.join(", ");
        writeln!(
            out,
            "wrote host {host}: {files} (not committed; `git add` them)"
        )?;
    } else {
        writeln!(out, "host {host}: nothing changed, nothing committed")?;
    }
    Ok(())
}

pub(super) fn recipients(
    g: Globals,
    out: &mut impl Write,
    repo: &Repo,
    command: RecipientsCmd,
) -> anyhow::Result<()> {
    // A progress bar over the vars files, on stderr when it is a terminal; scripts and CI logs stay quiet.
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} vars files {msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let mut progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let (done, verb) = match command {
        RecipientsCmd::Add(a) => {
            let (ids, author) = (a.identity.require()?, a.author.author());
            (
                repo.add_recipients(&a.recipients, &ids, &author, &mut progress)?,
                "added",
            )
        }
        RecipientsCmd::Remove(a) => {
            let (ids, author) = (a.identity.require()?, a.author.author());
            let done = repo.remove_recipients(&a.recipients, &ids, &author, &mut progress)?;
            (done, "removed (data keys rotated)")
        }
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let (changed, now) = (paths(&done.changed), strings(&done.recipients));
    if g.json {
        let commit = done.commit.map(|o| o.to_string());
        writeln!(
            out,
            "{}",
            json!({ "recipients": now, "changed": changed, "commit": commit })
        )?;
    } else {
        let (n, m) = (changed.len(), now.len());
        writeln!(
            out,
            "recipients {verb}: {n} file(s) rewritten; now {m} recipient(s)"
        )?;
    }
    Ok(())
}

/// Which keys changed per host; values only when the diff decrypted them.
pub(super) fn print_diff(
    out: &mut impl Write,
    json: bool,
    diffs: &[HostDiff],
) -> anyhow::Result<()> {
    if json {
        let list: Vec<_> = diffs
            .iter()
            .map(|d| {
                let changes: Vec<_> = d.changes.iter().map(|c| {
                    let mut v = json!({ "key": c.key, "change": c.kind.as_str(), "file": c.source.as_str() });
                    if let Some(old) = &c.old {
                        v["old"] = old.expose_secret().into();
                    }
                    if let Some(new) = &c.new {
                        v["new"] = new.expose_secret().into();
                    }
                    v
                }).collect();
                json!({ "host": d.host, "changes": changes })
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(list))?;
        return Ok(());
    }
    if diffs.is_empty() {
        writeln!(out, "no changes")?;
    }
    let show = |v: &Option<SecretString>| {
        v.as_ref().map_or_else(
            || "(none)".to_owned(),
            |v| format!("{:?}", v.expose_secret()),
        )
    };
    for d in diffs {
        writeln!(out, "host {}:", d.host)?;
        for c in &d.changes {
            write!(out, "  {} {} ({})", c.kind.sign(), c.key, c.source.as_str())?;
            if c.old.is_some() || c.new.is_some() {
                write!(out, ": {} -> {}", show(&c.old), show(&c.new))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

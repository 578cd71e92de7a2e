//! criterion benches for secretctl-store.
//!
//! - `store/rotate/*`: rotation throughput (secrets/s) on SQLite for 100k and 1M secrets, and on PostgreSQL for
//!   100k when `SECRETCTL_TEST_POSTGRES_URL` is set. Each iteration re-encrypts every row (alternating between
//!   two keys). The peak resident memory of the rotation is printed so "flat in the number of secrets" can be
//!   checked (Linux: VmHWM after resetting it through /proc/self/clear_refs).
//! - `store/put` and `store/get`: one put / get against the raw envelope seal / open of the same value in the same
//!   group, so the storage overhead (transaction, fsync, audit record) reads as a ratio.
//! - `store/import`: `Store::import` of 100k JSON lines into a new SQLite store (secrets/s; goal ≥ 100,000/s), with
//!   the raw envelope seal of the same 100k values in the same group as the peer.
#![allow(missing_docs)] // criterion_main generates an undocumented main

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use secretctl_envelope::{Context, Key, Keyring};
use secretctl_store::{ImportFormat, RotateOptions, Store, StoreUrl, CONTEXT_DOMAIN};

const VALUE: &[u8] = b"correct-horse-battery-staple-0123456789";

fn fill(store: &mut Store, key: &Key, n: usize) {
    // Chunks keep the setup's own memory flat too.
    for start in (0..n).step_by(10_000) {
        let names: Vec<String> = (start..n.min(start + 10_000))
            .map(|i| format!("secret{i}"))
            .collect();
        let items: Vec<(&str, &str, &[u8])> = names
            .iter()
            .map(|n| ("tenant", n.as_str(), VALUE))
            .collect();
        store.put_many(key, &items).expect("fill the store");
    }
}

/// Reset the peak-RSS counter (Linux); returns false where that is not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn rotate_bench(c: &mut Criterion, label: &str, url: &StoreUrl, n: usize) {
    let k1 = Key::generate();
    let k2 = Key::generate();
    let mut ring = Keyring::new();
    ring.insert(k1.clone());
    ring.insert(k2.clone());
    let mut group = c.benchmark_group("store/rotate");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(if n >= 1_000_000 { 60 } else { 10 }));
    let mut to_k2 = true;
    let mut peak = 0u64;
    let mut store: Option<Store> = None;
    group.bench_function(BenchmarkId::new(label, n), |b| {
        // Filled here rather than up front so a filtered-out size costs nothing.
        let store = store.get_or_insert_with(|| {
            let mut store = Store::open(url).expect("open the store");
            let setup = Instant::now();
            fill(&mut store, &k1, n);
            eprintln!(
                "store/rotate/{label}: filled {n} secrets in {:.1}s",
                setup.elapsed().as_secs_f64()
            );
            store
        });
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let target = if to_k2 { &k2 } else { &k1 };
                to_k2 = !to_k2;
                let measured = reset_peak_rss();
                let summary = store
                    .rotate(&ring, target, &RotateOptions::default(), &mut |_| {})
                    .expect("rotate");
                assert_eq!(summary.rotated, n as u64);
                if measured {
                    peak = peak.max(peak_rss_kib().unwrap_or(0));
                }
                total += summary.elapsed;
            }
            total
        });
    });
    group.finish();
    if peak > 0 {
        eprintln!(
            "store/rotate/{label}/{n}: peak RSS during rotation {} MiB",
            peak / 1024
        );
    }
}

fn rotation(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    for n in [100_000usize, 1_000_000] {
        let url = StoreUrl::Sqlite(dir.path().join(format!("rotate-{n}.db")));
        rotate_bench(c, "sqlite", &url, n);
    }
    if let Some(url) = postgres_url("rotate") {
        rotate_bench(c, "postgres", &url, 100_000);
    }
}

fn postgres_url(tag: &str) -> Option<StoreUrl> {
    let url = std::env::var("SECRETCTL_TEST_POSTGRES_URL").ok()?;
    // A fresh database so repeated runs do not pile rows up.
    let db = format!("secretctl_bench_{tag}_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).ok()?;
    admin.batch_execute(&format!("CREATE DATABASE {db}")).ok()?;
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    format!("{base}/{db}").parse().ok()
}

fn put_get(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = Key::generate();
    let mut ring = Keyring::new();
    ring.insert(key.clone());
    let mut stores = vec![("sqlite", StoreUrl::Sqlite(dir.path().join("putget.db")))];
    if let Some(url) = postgres_url("putget") {
        stores.push(("postgres", url));
    }

    let mut group = c.benchmark_group("store/put");
    group.throughput(Throughput::Bytes(VALUE.len() as u64));
    group.bench_function("envelope-seal", |b| {
        let ctx = Context::new(CONTEXT_DOMAIN, "tenant", "name", 1);
        b.iter(|| secretctl_envelope::seal(&key, &ctx, VALUE).expect("seal"));
    });
    for (label, url) in &stores {
        let mut store = Store::open(url).expect("open");
        group.bench_function(*label, |b| {
            b.iter(|| store.put(&key, "tenant", "name", VALUE).expect("put"));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("store/get");
    group.throughput(Throughput::Bytes(VALUE.len() as u64));
    let ctx = Context::new(CONTEXT_DOMAIN, "tenant", "name", 1);
    let env = secretctl_envelope::seal(&key, &ctx, VALUE).expect("seal");
    group.bench_function("envelope-open", |b| {
        b.iter(|| secretctl_envelope::open(&ring, &ctx, &env).expect("open"));
    });
    for (label, url) in &stores {
        let mut store = Store::open(url).expect("open");
        store.put(&key, "tenant", "fixed", VALUE).expect("put");
        group.bench_function(*label, |b| {
            b.iter(|| store.get(&ring, "tenant", "fixed", None).expect("get"));
        });
    }
    group.finish();
}

fn import(c: &mut Criterion) {
    let n = 100_000usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let keyfile = dir.path().join("master.key");
    secretctl_keyfile::create(&keyfile).expect("keyfile");
    let mut ring =
        secretctl_keyfile::Keyring::open(&keyfile, secretctl_keyfile::LoadOptions::default())
            .expect("keyring");
    let mut lines = Vec::new();
    for i in 0..n {
        lines.extend_from_slice(
            format!(
                "{{\"owner\":\"tenant-{}\",\"name\":\"secret_{i}\",\"value\":\"value-{i}-0123456789abcdef\"}}\n",
                i % 100
            )
            .as_bytes(),
        );
    }
    let mut group = c.benchmark_group("store/import");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let key = ring.active().clone();
    group.bench_function(BenchmarkId::new("envelope-seal", n), |b| {
        b.iter(|| {
            for i in 0..n {
                let ctx = Context::new(CONTEXT_DOMAIN, "tenant", "secret", i as u64);
                secretctl_envelope::seal(&key, &ctx, VALUE).expect("seal");
            }
        });
    });
    let mut round = 0u32;
    group.bench_function(BenchmarkId::new("sqlite", n), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let url = StoreUrl::Sqlite(dir.path().join(format!("import-{round}.db")));
                let mut store = Store::open(&url).expect("open");
                let started = Instant::now();
                let done = store
                    .import(
                        &mut ring,
                        &mut &lines[..],
                        ImportFormat::Jsonl,
                        None,
                        &mut |_| {},
                    )
                    .expect("import");
                total += started.elapsed();
                assert_eq!(done, n as u64);
                drop(store);
                let _ = std::fs::remove_file(dir.path().join(format!("import-{round}.db")));
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, put_get, rotation, import);
criterion_main!(benches);

//! criterion benches for secretctl-envfile: parsing a 10,000-line .env against dotenvy (same group, same bytes),
//! and setting one key in that file.
//!
//! Run: `cargo bench -p secretctl-benches --bench envfile`
#![allow(missing_docs)] // criterion_main generates an undocumented main
#![allow(clippy::unwrap_used)] // a bench whose setup fails must stop, not measure an error path

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use secretctl_envfile::EnvFile;

/// A 10,000-line file in the dialect dotenvy and Compose share (no interpolation: dotenvy would also consult the
/// process environment), so both parsers do the same work and succeed.
fn document(lines: usize) -> String {
    let mut s = String::with_capacity(lines * 40);
    for i in 0..lines {
        let line = match i % 10 {
            0 => format!("# section {i}: database and cache settings"),
            1 => String::new(),
            2 => format!("APP_KEY_{i}=plain-value-{i}.example.org:5432"),
            3 => format!("export EXPORTED_{i}=value_{i}"),
            4 => format!("QUOTED_{i}='single quoted value {i} with spaces'"),
            5 => format!("DOUBLE_{i}=\"double quoted\\nwith an escape {i}\""),
            6 => format!("TOKEN_{i}=0123456789abcdef0123456789abcdef{i}"),
            7 => format!("COMMENTED_{i}=value{i} # an inline comment"),
            8 => format!("URL_{i}=postgres://user:pw@db:5432/app_{i}"),
            _ => format!("EMPTY_{i}="),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s
}

fn parse(c: &mut Criterion) {
    let text = document(10_000);
    // Both parsers must accept the input, or the comparison measures an early error.
    assert_eq!(
        dotenvy::from_read_iter(text.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.len())
            .ok(),
        Some(EnvFile::parse(&text).unwrap().keys().len())
    );
    let mut g = c.benchmark_group("envfile_parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_with_input(
        BenchmarkId::new("secretctl_envfile", "10000_lines"),
        &text,
        |b, t| b.iter(|| EnvFile::parse(black_box(t)).unwrap()),
    );
    g.bench_with_input(
        BenchmarkId::new("secretctl_envfile_parse_and_resolve", "10000_lines"),
        &text,
        |b, t| {
            b.iter(|| {
                EnvFile::parse(black_box(t))
                    .unwrap()
                    .resolve(&|_| None)
                    .unwrap()
            })
        },
    );
    g.bench_with_input(BenchmarkId::new("dotenvy", "10000_lines"), &text, |b, t| {
        b.iter(|| {
            dotenvy::from_read_iter(black_box(t).as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
        })
    });
    g.finish();
}

fn set(c: &mut Criterion) {
    let text = document(10_000);
    let mut g = c.benchmark_group("envfile_set");
    g.throughput(Throughput::Elements(1));
    let mut doc = EnvFile::parse(&text).unwrap();
    let mut flip = false;
    g.bench_function(BenchmarkId::new("set_existing_key", "10000_lines"), |b| {
        b.iter(|| {
            // Alternate values so that every iteration really rewrites the value.
            flip = !flip;
            let v = if flip {
                "new value with spaces"
            } else {
                "plain"
            };
            doc.set(black_box("TOKEN_5006"), black_box(v)).unwrap();
        })
    });
    let mut doc = EnvFile::parse(&text).unwrap();
    g.bench_function(
        BenchmarkId::new("set_new_key_then_unset", "10000_lines"),
        |b| {
            b.iter(|| {
                doc.set(black_box("BRAND_NEW_KEY"), black_box("v")).unwrap();
                assert!(doc.unset("BRAND_NEW_KEY"));
            })
        },
    );
    g.bench_function(BenchmarkId::new("parse_set_render", "10000_lines"), |b| {
        b.iter(|| {
            let mut doc = EnvFile::parse(black_box(&text)).unwrap();
            doc.set("TOKEN_5006", "rotated").unwrap();
            doc.render()
        })
    });
    g.finish();
}

criterion_group!(benches, parse, set);
criterion_main!(benches);

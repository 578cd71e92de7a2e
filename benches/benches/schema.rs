//! criterion benches for secretctl-schema: generators against the raw OS RNG they draw from, and schema parsing
//! against parsing the same TOML into an untyped table.
#![allow(missing_docs)] // criterion_main generates an undocumented main

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand_core::{OsRng, RngCore};
use secrecy::ExposeSecret;
use secretctl_schema::{Generator, Schema};

fn generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    for spec in ["alnum:32", "hex:64", "base64:43", "words:8", "alnum:4096"] {
        let g: Generator = spec.parse().expect("valid spec");
        let len = g.try_generate().expect("OS RNG").expose_secret().len();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("secretctl", spec), &g, |b, g| {
            b.iter(|| black_box(g.try_generate().expect("OS RNG")));
        });
        // Baseline peer: the OS RNG filling as many bytes as the value has characters.
        group.bench_with_input(
            BenchmarkId::new("osrng_fill_bytes", spec),
            &len,
            |b, &len| {
                let mut buf = vec![0u8; len];
                b.iter(|| {
                    OsRng.fill_bytes(&mut buf);
                    black_box(&buf);
                });
            },
        );
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let text = Schema::builtin_example().to_toml();
    let mut group = c.benchmark_group("schema_parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("secretctl", |b| {
        b.iter(|| black_box(Schema::parse(black_box(&text)).expect("valid")))
    });
    group.bench_function("toml_table", |b| {
        b.iter(|| black_box(black_box(&text).parse::<toml::Table>().expect("valid")));
    });
    group.finish();
}

criterion_group!(benches, generators, parse);
criterion_main!(benches);

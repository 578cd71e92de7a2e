//! criterion benches for secretctl-naming: parsing and validating names against the bare string split they wrap.
#![allow(missing_docs)] // criterion_main generates an undocumented main

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use secretctl_naming::{swarm_name, VersionedName};

fn parse(c: &mut Criterion) {
    let name = "db_password_v12";
    let mut group = c.benchmark_group("name_parse");
    group.throughput(Throughput::Bytes(name.len() as u64));
    group.bench_function("secretctl", |b| {
        b.iter(|| black_box(black_box(name).parse::<VersionedName>().expect("valid")));
    });
    // Baseline peer: split at the last `_v` and parse the number, with none of the rules checked.
    group.bench_function("rsplit_parse_u32", |b| {
        b.iter(|| {
            let (base, n) = black_box(name).rsplit_once("_v").expect("has _v");
            black_box((base, n.parse::<u32>().expect("number")))
        });
    });
    group.finish();

    let v: VersionedName = name.parse().expect("valid");
    let mut group = c.benchmark_group("swarm_name");
    group.throughput(Throughput::Bytes(
        ("wiki_example_com_".len() + name.len()) as u64,
    ));
    group.bench_function("secretctl", |b| {
        b.iter(|| black_box(swarm_name(black_box("wiki_example_com"), &v).expect("fits")));
    });
    group.bench_function("format_only", |b| {
        b.iter(|| black_box(format!("{}_{}", black_box("wiki_example_com"), v)))
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);

//! criterion benches for secretctl-gitops (filled in with the crate).
#![allow(missing_docs)] // criterion_main generates an undocumented main

use criterion::{criterion_group, criterion_main, Criterion};

fn none(_c: &mut Criterion) {}

criterion_group!(benches, none);
criterion_main!(benches);

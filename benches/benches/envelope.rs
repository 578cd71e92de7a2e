//! criterion benches for secretctl-envelope, each group holding the raw AEAD peers so ratios read in one run.
//!
//! - `envelope/seal/<size>` and `envelope/open/<size>` (32 B, 1 KiB, 64 KiB, 1 MiB): the envelope (AES-256-GCM)
//!   against the raw aes-gcm 0.10 call with a cached key (the backend the envelope uses), aes-gcm 0.11 and
//!   aws-lc-rs. Every seal, raw or not, draws its nonce from the OS (a real caller must), and the raw peers
//!   authenticate associated data of the same length as the envelope's. `raw-aes-gcm-0.10-fixed-nonce` shows what
//!   the nonce costs on its own.
//! - `envelope/xchacha/<size>`: the envelope with XChaCha20-Poly1305 against the raw chacha20poly1305 call.
//! - `envelope/key`: one 12-byte nonce from the OS alone, key setup (AES key schedule + key id) and armor
//!   encode/decode.
#![allow(missing_docs)] // criterion_main generates an undocumented main

use std::hint::black_box;

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand_core::{OsRng, RngCore};
use secretctl_envelope::{
    open, open_with_key, seal, seal_with, Algorithm, Context, Envelope, Key, Keyring,
};

const SIZES: [usize; 4] = [32, 1024, 64 * 1024, 1024 * 1024];
const KEY: [u8; 32] = [0x42; 32];
const CTX: Context<'static> = Context {
    domain: "secretctl/store",
    owner: "tenant-0001",
    name: "DB_PASSWORD",
    version: 3,
};

/// Associated data of the same length as the envelope's (13-byte header + encoded context).
fn aad() -> Vec<u8> {
    let mut v = vec![0u8; 13];
    v.extend_from_slice(&CTX.encode());
    v
}

fn nonce12() -> [u8; 12] {
    let mut n = [0u8; 12];
    OsRng.fill_bytes(&mut n);
    n
}

fn seal_group(c: &mut Criterion) {
    let key = Key::from_bytes(&KEY);
    let raw010 = aes_gcm::Aes256Gcm::new((&KEY).into());
    let raw011 = {
        use aes_gcm_011::KeyInit as _;
        aes_gcm_011::Aes256Gcm::new((&KEY).into())
    };
    let lc = aws_lc_rs::aead::LessSafeKey::new(
        aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &KEY).expect("aws-lc key"),
    );
    let aad = aad();
    for size in SIZES {
        let pt = vec![0x5au8; size];
        let mut g = c.benchmark_group(format!("envelope/seal/{size}"));
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_function("secretctl-envelope", |b| {
            b.iter(|| seal(&key, black_box(&CTX), black_box(&pt)).expect("seal"));
        });
        g.bench_function("raw-aes-gcm-0.10", |b| {
            b.iter(|| {
                let n = nonce12();
                let payload = Payload {
                    msg: black_box(&pt[..]),
                    aad: &aad,
                };
                raw010.encrypt((&n).into(), payload).expect("raw seal")
            });
        });
        g.bench_function("raw-aes-gcm-0.10-fixed-nonce", |b| {
            let n = [7u8; 12];
            b.iter(|| {
                let payload = Payload {
                    msg: black_box(&pt[..]),
                    aad: &aad,
                };
                raw010.encrypt((&n).into(), payload).expect("raw seal")
            });
        });
        g.bench_function("raw-aes-gcm-0.11", |b| {
            use aes_gcm_011::aead::{Aead as _, Payload as Payload011};
            b.iter(|| {
                let n = nonce12();
                let payload = Payload011 {
                    msg: black_box(&pt[..]),
                    aad: &aad,
                };
                raw011.encrypt((&n).into(), payload).expect("raw seal")
            });
        });
        g.bench_function("raw-aws-lc-rs", |b| {
            b.iter(|| {
                let n = aws_lc_rs::aead::Nonce::assume_unique_for_key(nonce12());
                let mut buf = Vec::with_capacity(pt.len() + 16);
                buf.extend_from_slice(black_box(&pt));
                let tag = lc
                    .seal_in_place_separate_tag(n, aws_lc_rs::aead::Aad::from(&aad[..]), &mut buf)
                    .expect("raw seal");
                buf.extend_from_slice(tag.as_ref());
                buf
            });
        });
        g.finish();
    }
}

fn open_group(c: &mut Criterion) {
    let key = Key::from_bytes(&KEY);
    let mut ring = Keyring::new();
    ring.insert(key.clone());
    let raw010 = aes_gcm::Aes256Gcm::new((&KEY).into());
    let raw011 = {
        use aes_gcm_011::KeyInit as _;
        aes_gcm_011::Aes256Gcm::new((&KEY).into())
    };
    let lc = aws_lc_rs::aead::LessSafeKey::new(
        aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &KEY).expect("aws-lc key"),
    );
    let aad = aad();
    let n = [9u8; 12];
    for size in SIZES {
        let pt = vec![0x5au8; size];
        let env = seal(&key, &CTX, &pt).expect("seal");
        let raw_ct = raw010
            .encrypt(
                (&n).into(),
                Payload {
                    msg: &pt,
                    aad: &aad,
                },
            )
            .expect("raw seal");
        let mut g = c.benchmark_group(format!("envelope/open/{size}"));
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_function("secretctl-envelope", |b| {
            b.iter(|| open(&ring, black_box(&CTX), black_box(&env)).expect("open"));
        });
        g.bench_function("raw-aes-gcm-0.10", |b| {
            b.iter(|| {
                let payload = Payload {
                    msg: black_box(&raw_ct[..]),
                    aad: &aad,
                };
                raw010.decrypt((&n).into(), payload).expect("raw open")
            });
        });
        g.bench_function("raw-aes-gcm-0.11", |b| {
            use aes_gcm_011::aead::{Aead as _, Payload as Payload011};
            b.iter(|| {
                let payload = Payload011 {
                    msg: black_box(&raw_ct[..]),
                    aad: &aad,
                };
                raw011.decrypt((&n).into(), payload).expect("raw open")
            });
        });
        g.bench_function("raw-aws-lc-rs", |b| {
            b.iter(|| {
                let mut buf = black_box(&raw_ct[..]).to_vec();
                let len = lc
                    .open_in_place(
                        aws_lc_rs::aead::Nonce::assume_unique_for_key(n),
                        aws_lc_rs::aead::Aad::from(&aad[..]),
                        &mut buf,
                    )
                    .expect("raw open")
                    .len();
                buf.truncate(len);
                buf
            });
        });
        g.finish();
    }
}

fn xchacha_group(c: &mut Criterion) {
    let key = Key::from_bytes(&KEY);
    let raw = chacha20poly1305::XChaCha20Poly1305::new((&KEY).into());
    let aad = aad();
    for size in [32usize, 64 * 1024] {
        let pt = vec![0x5au8; size];
        let env = seal_with(Algorithm::XChaCha20Poly1305, &key, &CTX, &pt).expect("seal");
        let mut g = c.benchmark_group(format!("envelope/xchacha/{size}"));
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_function("secretctl-envelope-seal", |b| {
            b.iter(|| {
                seal_with(
                    Algorithm::XChaCha20Poly1305,
                    &key,
                    black_box(&CTX),
                    black_box(&pt),
                )
                .expect("seal")
            });
        });
        g.bench_function("raw-chacha20poly1305-seal", |b| {
            b.iter(|| {
                let mut n = [0u8; 24];
                OsRng.fill_bytes(&mut n);
                let mut buf = Vec::with_capacity(pt.len() + 16);
                buf.extend_from_slice(black_box(&pt));
                let tag = raw
                    .encrypt_in_place_detached((&n).into(), &aad, &mut buf)
                    .expect("raw seal");
                buf.extend_from_slice(&tag);
                buf
            });
        });
        g.bench_function("secretctl-envelope-open", |b| {
            b.iter(|| open_with_key(&key, black_box(&CTX), black_box(&env)).expect("open"));
        });
        g.finish();
    }
}

fn key_group(c: &mut Criterion) {
    let mut g = c.benchmark_group("envelope/key");
    g.bench_function("os-nonce-12-bytes", |b| {
        b.iter(nonce12);
    });
    g.bench_function("Key::from_bytes", |b| {
        b.iter(|| Key::from_bytes(black_box(&KEY)));
    });
    let key = Key::from_bytes(&KEY);
    let env = seal(&key, &CTX, &[1u8; 32]).expect("seal");
    let text = env.to_string();
    g.bench_with_input(BenchmarkId::new("armor-encode", 32), &env, |b, env| {
        b.iter(|| env.to_string());
    });
    g.bench_with_input(BenchmarkId::new("armor-decode", 32), &text, |b, text| {
        b.iter(|| text.parse::<Envelope>().expect("armor"));
    });
    g.finish();
}

criterion_group!(benches, seal_group, open_group, xchacha_group, key_group);
criterion_main!(benches);

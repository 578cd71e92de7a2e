//! criterion benches for secretctl-gitops: a 1,000-key vars file encrypted, decrypted and re-encrypted in the
//! SOPS format, against raw AES-256-GCM (32-byte IV) sealing the same values as the baseline peer.
#![allow(missing_docs)]
// criterion_main generates an undocumented main
// Bench setup failing is a bug to see at once, as in tests.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use aes_gcm::aead::consts::U32;
use aes_gcm::aes::Aes256;
use aes_gcm::{AeadInPlace, AesGcm, KeyInit};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use secrecy::SecretString;
use secretctl_gitops::sops::{self, Format, Identities, Vars};

fn vars(n: usize) -> Vars {
    (0..n)
        .map(|i| {
            (
                format!("SECRET_KEY_{i:04}"),
                SecretString::from(format!("value-{i:04}-Zm9vYmFyYmF6cXV4")),
            )
        })
        .collect()
}

fn bench_vars_file(c: &mut Criterion) {
    let ids = Identities::generate();
    let recipients = ids.recipients();
    for n in [100usize, 1_000] {
        let v = vars(n);
        let mut group = c.benchmark_group(format!("gitops/vars_{n}_keys"));
        for format in [Format::Yaml, Format::Dotenv] {
            let text = sops::write_vars(&v, format, &recipients, None).unwrap();
            group.throughput(Throughput::Bytes(text.len() as u64));
            let name = format!("{format:?}").to_lowercase();
            group.bench_function(BenchmarkId::new("encrypt", &name), |b| {
                b.iter(|| sops::write_vars(black_box(&v), format, &recipients, None).unwrap());
            });
            group.bench_function(BenchmarkId::new("decrypt", &name), |b| {
                b.iter(|| sops::read_vars(black_box(&text), format, &ids).unwrap());
            });
            // A push that changes one value: decrypt, verify, keep 999 ciphertexts, encrypt one.
            let mut changed = v.clone();
            changed[n / 2].1 = SecretString::from("changed");
            group.bench_function(BenchmarkId::new("reencrypt_one_changed", &name), |b| {
                b.iter(|| {
                    sops::write_vars(
                        black_box(&changed),
                        format,
                        &recipients,
                        Some((&text, &ids)),
                    )
                    .unwrap()
                });
            });
        }
        // Baseline peer: AES-256-GCM with sops's 32-byte IV over the same values and key paths, no format.
        let key = [7u8; 32];
        let cipher = AesGcm::<Aes256, U32>::new(&key.into());
        let nonce = aes_gcm::Nonce::<U32>::from([9u8; 32]);
        let plain: Vec<(String, Vec<u8>)> = v
            .iter()
            .map(|(k, s)| {
                (
                    format!("{k}:"),
                    secrecy::ExposeSecret::expose_secret(s).as_bytes().to_vec(),
                )
            })
            .collect();
        group.bench_function(BenchmarkId::new("raw_aes_gcm_seal", "values"), |b| {
            b.iter(|| {
                for (ad, p) in &plain {
                    let mut buf = p.clone();
                    let tag = cipher
                        .encrypt_in_place_detached(&nonce, ad.as_bytes(), &mut buf)
                        .unwrap();
                    black_box((buf, tag));
                }
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench_vars_file);
criterion_main!(benches);

//! criterion benches for secretctl-gitops: a 1,000-key vars file encrypted, decrypted and re-encrypted in the
//! SOPS format, against raw AES-256-GCM (32-byte IV) sealing the same values as the baseline peer; and the
//! repository workflows at 1k / 10k / 100k keys (push of a `.env` with one value changed, pull, the merge driver),
//! each against the SOPS format work alone as its peer, so the ratio shows what the workflow adds and the three
//! sizes show that it scales linearly.
#![allow(missing_docs)]
// criterion_main generates an undocumented main
// Bench setup failing is a bug to see at once, as in tests.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;

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

fn env_text(n: usize, changed: Option<&str>) -> String {
    let mut out = String::with_capacity(n * 40);
    for i in 0..n {
        match changed {
            Some(v) if i == n / 2 => out.push_str(&format!("KEY_{i:06}={v}\n")),
            _ => out.push_str(&format!("KEY_{i:06}=value-{i:06}-Zm9vYmFyYmF6cXV4\n")),
        }
    }
    out
}

fn bench_workflow(c: &mut Criterion) {
    use secretctl_gitops::repo::{self, Author, Placement, Repo};
    let ids = Identities::generate();
    let recipients = ids.recipients();
    let author = Author {
        name: Some("Bench".to_owned()),
        email: Some("bench@example.invalid".to_owned()),
    };
    let secret = |_: &str| Placement::Host;
    for n in [1_000usize, 10_000, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo::init(
            &dir.path().join("repo"),
            &recipients,
            Path::new("secretctl"),
            &author,
        )
        .unwrap();
        let env_path = dir.path().join("app.env");
        let (a, b) = (env_text(n, Some("first")), env_text(n, Some("second")));
        repo.push("web1", &a, &env_path, &secret, Some(&ids), Some(&author))
            .unwrap();
        let mut group = c.benchmark_group(format!("gitops/workflow_{n}_keys"));
        group.throughput(Throughput::Bytes(a.len() as u64));
        if n >= 10_000 {
            group.sample_size(10);
        }
        // Each push changes one value (it alternates between two .env texts) and commits.
        let mut flip = false;
        group.bench_function(BenchmarkId::new("push_one_changed", n), |bench| {
            bench.iter(|| {
                flip = !flip;
                let text = if flip { &b } else { &a };
                repo.push("web1", text, &env_path, &secret, Some(&ids), Some(&author))
                    .unwrap()
            });
        });
        let out = dir.path().join("pulled.env");
        group.bench_function(BenchmarkId::new("pull", n), |bench| {
            bench.iter(|| repo.pull_with("web1", &out, &ids, true).unwrap());
        });
        // The merge driver's work: three vars files, each side changed one different value.
        let v: Vars = (0..n)
            .map(|i| {
                (
                    format!("KEY_{i:06}"),
                    SecretString::from(format!("value-{i:06}")),
                )
            })
            .collect();
        let base = sops::write_vars(&v, Format::Yaml, &recipients, None).unwrap();
        let side = |k: usize| {
            let mut w = v.clone();
            w[k].1 = SecretString::from("changed");
            sops::write_vars(&w, Format::Yaml, &recipients, Some((&base, &ids))).unwrap()
        };
        let (ours, theirs) = (side(1), side(n - 1));
        group.bench_function(BenchmarkId::new("merge_driver", n), |bench| {
            bench.iter(|| {
                repo::merge_vars(black_box(&base), &ours, &theirs, Some(Format::Yaml), &ids)
                    .unwrap()
            });
        });
        // Peer: the SOPS work alone, re-encrypting the vars file with one value changed (what push must do).
        group.bench_function(BenchmarkId::new("sops_reencrypt_one_changed", n), |bench| {
            let mut w = v.clone();
            w[n / 2].1 = SecretString::from("changed");
            bench.iter(|| {
                sops::write_vars(
                    black_box(&w),
                    Format::Yaml,
                    &recipients,
                    Some((&base, &ids)),
                )
                .unwrap()
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench_vars_file, bench_workflow);
criterion_main!(benches);

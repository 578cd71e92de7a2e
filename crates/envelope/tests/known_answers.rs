//! The frozen vectors in `tests/data/` open with today's code, and the raw AEADs, given the associated data exactly
//! as docs/formats/envelope.md describes it (built here independently of the crate), open the envelope body.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns: a panic is how a test reports failure

use std::collections::BTreeMap;
use std::path::PathBuf;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use secretctl_envelope::{open, open_with_key, Algorithm, Context, Envelope, Error, Key, Keyring};

fn kats() -> Vec<(PathBuf, BTreeMap<String, String>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "kat") {
            let text = std::fs::read_to_string(&path).unwrap();
            let fields = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(|l| {
                    let (k, v) = l.split_once(": ").unwrap();
                    (k.to_owned(), v.to_owned())
                })
                .collect();
            out.push((path, fields));
        }
    }
    assert!(out.len() >= 4, "frozen vectors missing from tests/data");
    out
}

/// The documented associated data: the 13 header bytes, then for domain, owner and name a big-endian u64 length
/// and the bytes, then the version as a big-endian u64.
fn documented_aad(header: &[u8], f: &BTreeMap<String, String>) -> Vec<u8> {
    let mut aad = header.to_vec();
    for k in ["domain", "owner", "name"] {
        aad.extend_from_slice(&(f[k].len() as u64).to_be_bytes());
        aad.extend_from_slice(f[k].as_bytes());
    }
    aad.extend_from_slice(&f["version"].parse::<u64>().unwrap().to_be_bytes());
    aad
}

#[test]
fn frozen_vectors_open() {
    for (path, f) in kats() {
        let key = Key::from_bytes(&hex::decode(&f["key"]).unwrap().try_into().unwrap());
        let ctx = Context::new(
            &f["domain"],
            &f["owner"],
            &f["name"],
            f["version"].parse().unwrap(),
        );
        let from_hex = Envelope::from_bytes(&hex::decode(&f["envelope"]).unwrap()).unwrap();
        let from_armor: Envelope = f["armor"].parse().unwrap();
        assert_eq!(from_hex, from_armor, "{}", path.display());
        assert_eq!(from_hex.key_id().to_string(), f["key_id"]);
        assert_eq!(
            from_hex.algorithm(),
            f["algorithm"].parse::<Algorithm>().unwrap()
        );
        let mut ring = Keyring::new();
        ring.insert(key.clone());
        let plain = open(&ring, &ctx, &from_hex).unwrap();
        assert_eq!(
            hex::encode(plain.expose_secret()),
            f["plaintext"],
            "{}",
            path.display()
        );
        // The same bytes under a neighbouring version do not open.
        let moved = Context {
            version: ctx.version.wrapping_add(1),
            ..ctx
        };
        assert_eq!(
            open_with_key(&key, &moved, &from_hex).unwrap_err(),
            Error::AuthenticationFailed
        );
    }
}

#[test]
fn raw_aead_with_documented_aad_opens_the_body() {
    for (path, f) in kats() {
        let key = hex::decode(&f["key"]).unwrap();
        let bytes = hex::decode(&f["envelope"]).unwrap();
        assert_eq!(&bytes[..3], b"SCE");
        assert_eq!(bytes[3], 1);
        let (alg, nonce_len) = match f["algorithm"].as_str() {
            "aes-256-gcm" => (1u8, 12),
            "xchacha20-poly1305" => (2u8, 24),
            other => panic!("unknown algorithm {other}"),
        };
        assert_eq!(bytes[4], alg);
        assert_eq!(hex::encode(&bytes[5..13]), f["key_id"]);
        let nonce = &bytes[13..13 + nonce_len];
        assert_eq!(hex::encode(nonce), f["nonce"]);
        let body = &bytes[13 + nonce_len..];
        let aad = documented_aad(&bytes[..13], &f);
        let payload = Payload {
            msg: body,
            aad: &aad,
        };
        let plain = match alg {
            1 => aes_gcm::Aes256Gcm::new_from_slice(&key)
                .unwrap()
                .decrypt(aes_gcm::Nonce::from_slice(nonce), payload),
            _ => chacha20poly1305::XChaCha20Poly1305::new_from_slice(&key)
                .unwrap()
                .decrypt(chacha20poly1305::XNonce::from_slice(nonce), payload),
        }
        .unwrap_or_else(|_| {
            panic!(
                "{}: raw AEAD rejected the documented layout",
                path.display()
            )
        });
        assert_eq!(hex::encode(plain), f["plaintext"], "{}", path.display());
    }
}

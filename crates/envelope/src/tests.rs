//! Unit tests: round trips, context binding, tamper detection, header errors, and the frozen known answers
//! (which need the crate-internal fixed-nonce seal).

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

fn key(b: u8) -> Key {
    Key::from_bytes(&[b; KEY_LEN])
}

fn ring(keys: &[&Key]) -> Keyring {
    let mut r = Keyring::new();
    for k in keys {
        r.insert((*k).clone());
    }
    r
}

const CTX: Context<'static> = Context {
    domain: "secretctl/test",
    owner: "tenant-a",
    name: "DB_PASSWORD",
    version: 1,
};

#[test]
fn seal_open_round_trip_both_algorithms() {
    let k = key(7);
    let r = ring(&[&k]);
    for alg in [Algorithm::Aes256Gcm, Algorithm::XChaCha20Poly1305] {
        for len in [0usize, 1, 15, 16, 17, 32, 1000] {
            let pt: Vec<u8> = (0..len)
                .map(|i| u8::try_from(i * 31 % 251).unwrap())
                .collect();
            let env = seal_with(alg, &k, &CTX, &pt).unwrap();
            assert_eq!(env.algorithm(), alg);
            assert_eq!(env.key_id(), k.id());
            assert_eq!(env.as_bytes().len(), pt.len() + alg.overhead());
            assert_eq!(env.plaintext_len(), len);
            assert_eq!(open(&r, &CTX, &env).unwrap().expose_secret(), &pt[..]);
            assert_eq!(
                open_with_key(&k, &CTX, &env).unwrap().expose_secret(),
                &pt[..]
            );
        }
    }
}

#[test]
fn nonces_differ_between_seals() {
    let k = key(1);
    let a = seal(&k, &CTX, b"same").unwrap();
    let b = seal(&k, &CTX, b"same").unwrap();
    assert_ne!(a.nonce(), b.nonce());
    assert_ne!(a.as_bytes(), b.as_bytes());
}

#[test]
fn long_context_uses_heap_aad_and_still_binds() {
    let k = key(2);
    let long = "x".repeat(1000);
    let ctx = Context::new("secretctl/test", &long, "n", 3);
    let env = seal(&k, &ctx, b"v").unwrap();
    assert_eq!(open_with_key(&k, &ctx, &env).unwrap().expose_secret(), b"v");
    let longer = "x".repeat(1001);
    let other = Context::new("secretctl/test", &longer, "n", 3);
    assert_eq!(
        open_with_key(&k, &other, &env).unwrap_err(),
        Error::AuthenticationFailed
    );
}

#[test]
fn stack_and_heap_aad_agree_with_documented_encoding() {
    let long = "y".repeat(300);
    for ctx in [CTX, Context::new("d", &long, "", u64::MAX)] {
        let header = [b'S', b'C', b'E', 1, 1, 1, 2, 3, 4, 5, 6, 7, 8];
        let got = with_aad(&header, &ctx, <[u8]>::to_vec);
        assert_eq!(got, associated_data(&header, &ctx));
        let mut manual = header.to_vec();
        for f in [ctx.domain, ctx.owner, ctx.name] {
            manual.extend_from_slice(&(f.len() as u64).to_be_bytes());
            manual.extend_from_slice(f.as_bytes());
        }
        manual.extend_from_slice(&ctx.version.to_be_bytes());
        assert_eq!(got, manual);
    }
}

#[test]
fn every_context_field_is_bound() {
    let k = key(3);
    let r = ring(&[&k]);
    for alg in [Algorithm::Aes256Gcm, Algorithm::XChaCha20Poly1305] {
        let env = seal_with(alg, &k, &CTX, b"secret").unwrap();
        let swaps = [
            Context {
                domain: "secretctl/other",
                ..CTX
            },
            Context {
                owner: "tenant-b",
                ..CTX
            },
            Context {
                name: "DB_PASSWORD2",
                ..CTX
            },
            Context { version: 2, ..CTX },
            // Moving bytes between adjacent fields must not collide.
            Context {
                owner: "tenant-aD",
                name: "B_PASSWORD",
                ..CTX
            },
        ];
        for ctx in swaps {
            assert_eq!(
                open(&r, &ctx, &env).unwrap_err(),
                Error::AuthenticationFailed,
                "{ctx:?}"
            );
        }
    }
}

#[test]
fn wrong_key_is_reported_before_decryption() {
    let k1 = key(1);
    let k2 = key(2);
    let env = seal(&k1, &CTX, b"v").unwrap();
    assert_eq!(
        open(&ring(&[&k2]), &CTX, &env).unwrap_err(),
        Error::UnknownKeyId(k1.id())
    );
    assert_eq!(
        open_with_key(&k2, &CTX, &env).unwrap_err(),
        Error::KeyIdMismatch {
            envelope: k1.id(),
            key: k2.id()
        }
    );
    // A key id rewritten to another key's still fails: the header is in the associated data, the key differs.
    let mut bytes = env.into_bytes();
    bytes[5..13].copy_from_slice(&k2.id().0);
    let forged = Envelope::from_vec(bytes).unwrap();
    assert_eq!(
        open(&ring(&[&k1, &k2]), &CTX, &forged).unwrap_err(),
        Error::AuthenticationFailed
    );
}

#[test]
fn header_errors_are_distinct() {
    let k = key(4);
    let good = seal(&k, &CTX, b"value").unwrap().into_bytes();
    assert_eq!(Envelope::from_bytes(b"").unwrap_err(), Error::Truncated);
    assert_eq!(Envelope::from_bytes(b"SC").unwrap_err(), Error::Truncated);
    assert_eq!(Envelope::from_bytes(b"SCE").unwrap_err(), Error::Truncated);
    assert_eq!(Envelope::from_bytes(b"X").unwrap_err(), Error::BadMagic);
    assert_eq!(
        Envelope::from_bytes(b"SCX\x01\x01").unwrap_err(),
        Error::BadMagic
    );
    let mut v = good.clone();
    v[3] = 2;
    assert_eq!(
        Envelope::from_bytes(&v).unwrap_err(),
        Error::UnsupportedVersion(2)
    );
    let mut v = good.clone();
    v[4] = 9;
    assert_eq!(
        Envelope::from_bytes(&v).unwrap_err(),
        Error::UnsupportedAlgorithm(9)
    );
    for cut in 0..Algorithm::Aes256Gcm.overhead() {
        assert!(Envelope::from_bytes(&good[..cut]).is_err());
    }
    assert!(Envelope::from_bytes(&good[..Algorithm::Aes256Gcm.overhead()]).is_ok());
}

#[test]
fn armor_round_trips_and_rejects_junk() {
    let k = key(5);
    let env = seal(&k, &CTX, b"value").unwrap();
    let text = env.to_string();
    assert!(text.starts_with("sce1:"));
    assert!(!text.contains('='));
    assert_eq!(text.parse::<Envelope>().unwrap(), env);
    assert_eq!(
        "sce2:AAAA".parse::<Envelope>().unwrap_err(),
        Error::BadArmor
    );
    assert_eq!("sce1:@@@".parse::<Envelope>().unwrap_err(), Error::BadArmor);
    assert_eq!(
        format!("{text}=").parse::<Envelope>().unwrap_err(),
        Error::BadArmor
    );
    assert_eq!(
        format!(" {text}").parse::<Envelope>().unwrap_err(),
        Error::BadArmor
    );
    assert_eq!("sce1:".parse::<Envelope>().unwrap_err(), Error::Truncated);
}

#[test]
fn secrets_stay_out_of_debug() {
    let k = Key::from_bytes(&[0xAB; KEY_LEN]);
    let dbg = format!("{k:?}");
    assert!(!dbg.to_lowercase().contains("abab"), "{dbg}");
    assert!(!dbg.contains("171"), "{dbg}");
    let env = seal(&k, &CTX, b"PLAINTEXT-MARKER").unwrap();
    let p = open_with_key(&k, &CTX, &env).unwrap();
    assert_eq!(format!("{p:?}"), "Plaintext { .. }");
    assert!(!format!("{:?}", ring(&[&k])).to_lowercase().contains("abab"));
}

#[test]
fn key_id_is_keyed_and_parses() {
    let k = key(9);
    // Not a plain hash of the key: HMAC-SHA256(key, label), first 8 bytes (see docs/formats/envelope.md).
    use hmac::Mac;
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&[9; 32]).unwrap();
    mac.update(b"secretctl key id v1");
    assert_eq!(&k.id().0[..], &mac.finalize().into_bytes()[..8]);
    let s = k.id().to_string();
    assert_eq!(s.len(), 16);
    assert_eq!(s.parse::<KeyId>().unwrap(), k.id());
    assert_eq!(
        "ABCDEF0123456789".parse::<KeyId>().unwrap_err(),
        Error::BadKeyId
    );
    assert_eq!(
        "abcdef012345678".parse::<KeyId>().unwrap_err(),
        Error::BadKeyId
    );
    assert_eq!(
        "abcdef012345678g".parse::<KeyId>().unwrap_err(),
        Error::BadKeyId
    );
    assert_eq!(
        "+bcdef0123456789".parse::<KeyId>().unwrap_err(),
        Error::BadKeyId
    );
    assert_ne!(key(1).id(), key(2).id());
    assert_eq!(Key::generate().expose_secret().len(), KEY_LEN);
    assert_ne!(Key::generate().id(), Key::generate().id());
}

/// Exhaustive single-bit flips over small envelopes of both algorithms: every one fails to open.
#[test]
fn every_single_bit_flip_fails() {
    let k = key(6);
    let r = ring(&[&k]);
    for alg in [Algorithm::Aes256Gcm, Algorithm::XChaCha20Poly1305] {
        for pt in [
            &b""[..],
            b"x",
            b"sixteen bytes!!!",
            b"a 32-byte secret value for tests",
        ] {
            let good = seal_with(alg, &k, &CTX, pt).unwrap().into_bytes();
            for bit in 0..good.len() * 8 {
                let mut bad = good.clone();
                bad[bit / 8] ^= 1 << (bit % 8);
                let res = Envelope::from_vec(bad).and_then(|e| open(&r, &CTX, &e));
                assert!(res.is_err(), "{alg} flip of bit {bit} opened");
            }
        }
    }
}

fn arb_ctx() -> impl Strategy<Value = (String, String, String, u64)> {
    // Small alphabets make accidental boundary collisions likely, which is what injectivity must survive.
    let s = "[ab\\x00\\x08]{0,6}";
    (
        s,
        s,
        s,
        prop_oneof![Just(0u64), Just(1), Just(u64::MAX), any::<u64>()],
    )
}

proptest! {
    #[test]
    fn context_encoding_is_injective(a in arb_ctx(), b in arb_ctx()) {
        let ca = Context::new(&a.0, &a.1, &a.2, a.3);
        let cb = Context::new(&b.0, &b.1, &b.2, b.3);
        prop_assert_eq!(ca == cb, ca.encode() == cb.encode());
    }

    #[test]
    fn seal_open_any_plaintext(pt in proptest::collection::vec(any::<u8>(), 0..300), xchacha in any::<bool>()) {
        let alg = if xchacha { Algorithm::XChaCha20Poly1305 } else { Algorithm::Aes256Gcm };
        let k = key(8);
        let env = seal_with(alg, &k, &CTX, &pt).unwrap();
        let back: Envelope = env.to_string().parse().unwrap();
        let opened = open_with_key(&k, &CTX, &back).unwrap();
        prop_assert_eq!(opened.expose_secret(), &pt[..]);
    }

    #[test]
    fn ciphertext_opens_only_under_its_own_context(a in arb_ctx(), b in arb_ctx()) {
        let k = key(8);
        let ca = Context::new(&a.0, &a.1, &a.2, a.3);
        let cb = Context::new(&b.0, &b.1, &b.2, b.3);
        let env = seal(&k, &ca, b"v").unwrap();
        let res = open_with_key(&k, &cb, &env);
        if ca == cb {
            prop_assert!(res.is_ok());
        } else {
            prop_assert_eq!(res.unwrap_err(), Error::AuthenticationFailed);
        }
    }

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let k = key(8);
        if let Ok(e) = Envelope::from_bytes(&bytes) {
            let _ = open_with_key(&k, &CTX, &e);
        }
    }
}

/// One frozen vector from `tests/data/*.kat`.
pub(crate) struct Kat {
    pub(crate) fields: BTreeMap<String, String>,
}

impl Kat {
    pub(crate) fn get(&self, k: &str) -> &str {
        self.fields
            .get(k)
            .unwrap_or_else(|| panic!("missing field {k}"))
    }
    pub(crate) fn hex(&self, k: &str) -> Vec<u8> {
        hex::decode(self.get(k)).unwrap()
    }
}

pub(crate) fn kats() -> Vec<(PathBuf, Kat)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "kat") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut fields = BTreeMap::new();
            for line in text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            {
                let (k, v) = line
                    .split_once(": ")
                    .unwrap_or_else(|| (line.trim_end_matches(':'), ""));
                fields.insert(k.to_owned(), v.to_owned());
            }
            out.push((path, Kat { fields }));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Sealing today with a vector's key, nonce and context yields exactly the frozen bytes.
#[test]
fn known_answers_reseal_byte_for_byte() {
    let all = kats();
    assert!(all.len() >= 4, "expected the frozen vectors in tests/data");
    for (path, kat) in all {
        let key = Key::from_bytes(&kat.hex("key").try_into().unwrap());
        let alg: Algorithm = kat.get("algorithm").parse().unwrap();
        let version: u64 = kat.get("version").parse().unwrap();
        let ctx = Context::new(
            kat.get("domain"),
            kat.get("owner"),
            kat.get("name"),
            version,
        );
        let env =
            seal_with_nonce(alg, &key, &ctx, &kat.hex("nonce"), &kat.hex("plaintext")).unwrap();
        assert_eq!(
            hex::encode(env.as_bytes()),
            kat.get("envelope"),
            "{}",
            path.display()
        );
        assert_eq!(env.to_string(), kat.get("armor"), "{}", path.display());
        assert_eq!(
            key.id().to_string(),
            kat.get("key_id"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn error_kinds_follow_the_cli_contract() {
    use secretctl_error::{ErrorKind, Kind};
    let (k1, k2) = (key(1), key(2));
    let env = seal(&k1, &CTX, b"value").unwrap();
    // Tampering, a wrong context and an unknown key are integrity failures (exit 3).
    let mut bytes = env.as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered = Envelope::from_vec(bytes).unwrap();
    assert_eq!(
        open(&ring(&[&k1]), &CTX, &tampered).unwrap_err().kind(),
        ErrorKind::Integrity
    );
    let other = Context::new("secretctl/test", "tenant-b", "DB_PASSWORD", 1);
    assert_eq!(
        open(&ring(&[&k1]), &other, &env).unwrap_err().kind(),
        ErrorKind::Integrity
    );
    assert_eq!(
        open(&ring(&[&k2]), &CTX, &env).unwrap_err().kind(),
        ErrorKind::Integrity
    );
    // Bytes that are not an envelope are invalid input (exit 1); a key id typed wrong is a usage error (exit 2).
    assert_eq!(
        Envelope::from_bytes(b"not an envelope at all")
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
    assert_eq!("xyz".parse::<KeyId>().unwrap_err().kind(), ErrorKind::Usage);
}

//! Property test: random sequences of put / rm / get / rotate on a SQLite store behave like a simple in-memory
//! model (versions start at 1, are never reused, `rm` removes exactly what it says, rotation changes no value).

mod common;

use std::collections::BTreeMap;

use common::TestStore;
use proptest::prelude::*;
use secretctl_envelope::{Key, Keyring};
use secretctl_store::{RotateOptions, Store, Versions};

#[derive(Clone, Debug)]
enum Op {
    Put(u8, u8, Vec<u8>),
    RmOne(u8, u8, u64),
    RmAll(u8, u8),
    Get(u8, u8, Option<u64>),
    Rotate,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3u8, 0..3u8, proptest::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(o, n, v)| Op::Put(o, n, v)),
        1 => (0..3u8, 0..3u8, 1..6u64).prop_map(|(o, n, v)| Op::RmOne(o, n, v)),
        1 => (0..3u8, 0..3u8).prop_map(|(o, n)| Op::RmAll(o, n)),
        3 => (0..3u8, 0..3u8, proptest::option::of(1..6u64)).prop_map(|(o, n, v)| Op::Get(o, n, v)),
        1 => Just(Op::Rotate),
    ]
}

/// Live versions of one (owner, name) and their values.
type Live = BTreeMap<u64, Vec<u8>>;

#[derive(Default)]
struct Model {
    // (owner, name) -> (last version handed out, live versions)
    secrets: BTreeMap<(String, String), (u64, Live)>,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn store_matches_model(ops in proptest::collection::vec(op(), 1..40)) {
        let t = TestStore::sqlite();
        let mut store = Store::open(&t.url).unwrap();
        let mut keys = vec![Key::generate()];
        let mut ring = Keyring::new();
        ring.insert(keys[0].clone());
        let mut model = Model::default();
        let name = |o: u8, n: u8| (format!("owner{o}"), format!("name{n}"));

        for op in ops {
            match op {
                Op::Put(o, n, v) => {
                    let (owner, nm) = name(o, n);
                    let version = store.put(keys.last().unwrap(), &owner, &nm, &v).unwrap();
                    let entry = model.secrets.entry((owner, nm)).or_default();
                    entry.0 += 1;
                    prop_assert_eq!(version, entry.0);
                    entry.1.insert(version, v);
                }
                Op::RmOne(o, n, v) => {
                    let (owner, nm) = name(o, n);
                    let got = store.remove(&owner, &nm, Versions::One(v));
                    let live = model.secrets.get_mut(&(owner, nm)).and_then(|e| e.1.remove(&v));
                    match live {
                        Some(_) => prop_assert_eq!(got.unwrap(), vec![v]),
                        None => prop_assert!(got.unwrap_err().is_not_found()),
                    }
                }
                Op::RmAll(o, n) => {
                    let (owner, nm) = name(o, n);
                    let got = store.remove(&owner, &nm, Versions::All);
                    let live: Vec<u64> = model
                        .secrets
                        .get_mut(&(owner, nm))
                        .map(|e| std::mem::take(&mut e.1).into_keys().collect())
                        .unwrap_or_default();
                    if live.is_empty() {
                        prop_assert!(got.unwrap_err().is_not_found());
                    } else {
                        prop_assert_eq!(got.unwrap(), live);
                    }
                }
                Op::Get(o, n, v) => {
                    let (owner, nm) = name(o, n);
                    let got = store.get(&ring, &owner, &nm, v);
                    let want = model.secrets.get(&(owner, nm)).and_then(|e| match v {
                        Some(v) => e.1.get(&v).map(|val| (v, val.clone())),
                        None => e.1.iter().next_back().map(|(k, val)| (*k, val.clone())),
                    });
                    match want {
                        Some((version, value)) => {
                            let s = got.unwrap();
                            prop_assert_eq!(s.info().version, version);
                            prop_assert_eq!(s.expose_value(), value.as_slice());
                        }
                        None => prop_assert!(got.unwrap_err().is_not_found()),
                    }
                }
                Op::Rotate => {
                    keys.push(Key::generate());
                    ring.insert(keys.last().unwrap().clone());
                    let live: u64 = model.secrets.values().map(|e| e.1.len() as u64).sum();
                    let summary = store
                        .rotate(&ring, keys.last().unwrap(), &RotateOptions::default().with_batch_size(3), &mut |_| {})
                        .unwrap();
                    prop_assert_eq!(summary.rotated, live);
                }
            }
        }
        // The listing is exactly the model's live versions.
        let listed: Vec<(String, String, u64)> = store
            .list(None)
            .unwrap()
            .into_iter()
            .map(|i| (i.owner, i.name, i.version))
            .collect();
        let expected: Vec<(String, String, u64)> = model
            .secrets
            .iter()
            .flat_map(|((o, n), e)| e.1.keys().map(move |v| (o.clone(), n.clone(), *v)))
            .collect();
        prop_assert_eq!(listed, expected);
    }
}

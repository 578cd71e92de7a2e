use secretctl_envelope::{Key, Keyring};
use secretctl_store::{RotateOptions, Store, StoreUrl};
use std::time::Instant;
fn main() {
    let dir = tempfile::tempdir().unwrap();
    let n: usize = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let bs: usize = std::env::var("BS").ok().and_then(|v| v.parse().ok()).unwrap_or(4096);
    let url = StoreUrl::Sqlite(dir.path().join("s.db"));
    let mut s = Store::open(&url).unwrap();
    let k1 = Key::generate(); let k2 = Key::generate();
    let names: Vec<String> = (0..n).map(|i| format!("secret{i}")).collect();
    for c in names.chunks(10000) {
        let items: Vec<(&str,&str,&[u8])> = c.iter().map(|n| ("tenant", n.as_str(), &b"correct-horse-battery-staple-0123456789"[..])).collect();
        s.put_many(&k1, &items).unwrap();
    }
    let mut r = Keyring::new(); r.insert(k1.clone()); r.insert(k2.clone());
    for (i, k) in [&k2, &k1, &k2].iter().enumerate() {
        let t = Instant::now();
        let sum = s.rotate(&r, k, &RotateOptions::default().with_batch_size(bs), &mut |_| {}).unwrap();
        eprintln!("run {i}: {} rows {:.3}s {:.0}/s", sum.rotated, t.elapsed().as_secs_f64(), sum.rows_per_second());
    }
}

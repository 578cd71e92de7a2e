//! Crash safety, proven by killing real processes.
//!
//! 1. Kill during rotation: 10,000 secrets are rotated by a child process that is SIGKILLed at a random moment,
//!    again and again (`SECRETCTL_CRASH_KILLS`, default 20; `cargo xtask crash --kills 200` for the long run).
//!    After every kill every secret must still open to its original value, and progress must never go backwards;
//!    at the end an uninterrupted run must finish the rotation. When a rotation completes between kills, the next
//!    rounds rotate to a fresh key, so kills keep landing mid-rotation.
//! 2. Concurrent puts: two child processes put into the same names at once while a third rotates, and one of the
//!    putters is SIGKILLed part way: every put a child reported as committed must be there with its value,
//!    versions must be gap-free per name, and nothing else may be in the store.
//!
//! Both run on SQLite, and on PostgreSQL when `SECRETCTL_TEST_POSTGRES_URL` is set (required in CI).
//! The children are this same binary, re-run with `SECRETCTL_CRASH_CHILD` set.
#![allow(clippy::unwrap_used)] // harness = false: this is test code outside #[test] fns, failures must panic

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestStore;
use secretctl_envelope::{Key, Keyring, KEY_LEN};
use secretctl_store::{RotateOptions, Store, StoreUrl};

const SECRETS: usize = 10_000;
const BATCH: usize = 256;
const PUTS_PER_CHILD: usize = 500;

fn main() {
    match std::env::var("SECRETCTL_CRASH_CHILD").as_deref() {
        Ok("rotate") => return child_rotate(),
        Ok("put") => return child_put(),
        _ => {}
    }
    // Behave like a libtest binary towards `--list` and name filters.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("crash: test");
        return;
    }
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-')) {
        if !"crash".contains(filter.as_str()) {
            return;
        }
    }
    let kills: u32 = std::env::var("SECRETCTL_CRASH_KILLS").ok().map_or(20, |v| {
        v.parse().expect("SECRETCTL_CRASH_KILLS is a number")
    });
    let seed = std::env::var("SECRETCTL_CRASH_SEED").ok().map_or_else(
        || {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            (t.as_secs() << 30) ^ u64::from(t.subsec_nanos()) | 1
        },
        |v| v.parse().expect("SECRETCTL_CRASH_SEED is a number"),
    );
    println!("crash: seed {seed} (set SECRETCTL_CRASH_SEED to replay), {kills} kills per backend");
    let mut rng = XorShift(seed);
    let started = Instant::now();

    let mut stores = vec![TestStore::sqlite()];
    // PostgreSQL is slower per row; it gets the same scenario with up to 20 kills.
    if let Some(pg) = TestStore::postgres() {
        stores.push(pg);
    }
    for t in &stores {
        let kills = if t.label == "postgres" {
            kills.min(20)
        } else {
            kills
        };
        kill_during_rotation(t, kills, &mut rng);
    }
    for t in [TestStore::sqlite()]
        .into_iter()
        .chain(TestStore::postgres())
    {
        concurrent_puts(&t, &mut rng);
    }
    println!(
        "crash: all passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// A small deterministic generator: the kill moments only need to be spread out and replayable.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn value_of(i: usize, seed_tag: u64) -> Vec<u8> {
    format!("value-{i}-{seed_tag:x}-{}", "x".repeat(i % 40)).into_bytes()
}

fn write_keys(path: &Path, keys: &[Key]) {
    let mut bytes = Vec::new();
    for k in keys {
        bytes.extend_from_slice(k.expose_secret());
    }
    std::fs::write(path, bytes).unwrap();
}

fn read_keys(path: &Path) -> Vec<Key> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .chunks_exact(KEY_LEN)
        .map(|c| Key::from_bytes(c.try_into().unwrap()))
        .collect()
}

fn ring(keys: &[Key]) -> Keyring {
    let mut r = Keyring::new();
    for k in keys {
        r.insert(k.clone());
    }
    r
}

fn spawn_child(mode: &str, url: &str, keys: &Path, extra: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.env("SECRETCTL_CRASH_CHILD", mode)
        .env("SECRETCTL_CRASH_URL", url)
        .env("SECRETCTL_CRASH_KEYS", keys)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Child: rotate the store to the last key of the keys file, with all of them in the keyring.
fn child_rotate() {
    let url: StoreUrl = std::env::var("SECRETCTL_CRASH_URL")
        .unwrap()
        .parse()
        .unwrap();
    let keys = read_keys(Path::new(&std::env::var("SECRETCTL_CRASH_KEYS").unwrap()));
    let active = keys.last().unwrap().clone();
    let mut store = Store::open(&url).unwrap();
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    let started = Instant::now();
    let summary = store
        .rotate(
            &ring(&keys),
            &active,
            &RotateOptions::default().with_batch_size(BATCH),
            &mut |_| {},
        )
        .unwrap();
    writeln!(
        out,
        "done {} {}",
        summary.rotated,
        started.elapsed().as_micros()
    )
    .unwrap();
}

/// Child: put PUTS_PER_CHILD values into 10 shared names, reporting each committed (name, version, value).
fn child_put() {
    let url: StoreUrl = std::env::var("SECRETCTL_CRASH_URL")
        .unwrap()
        .parse()
        .unwrap();
    let keys = read_keys(Path::new(&std::env::var("SECRETCTL_CRASH_KEYS").unwrap()));
    let who = std::env::var("SECRETCTL_CRASH_WHO").unwrap();
    let mut store = Store::open(&url).unwrap();
    store.set_actor(who.clone());
    let mut out = std::io::stdout().lock();
    for i in 0..PUTS_PER_CHILD {
        let name = format!("n{}", i % 10);
        let value = format!("{who}-{i}");
        let v = store
            .put(&keys[0], "concurrent", &name, value.as_bytes())
            .unwrap();
        writeln!(out, "ok {name} {v} {value}").unwrap();
        out.flush().unwrap();
    }
}

/// Every secret opens to its original value; returns how many rows are under `active`.
fn check_all(url: &StoreUrl, keys: &[Key], active: &Key, seed_tag: u64) -> u64 {
    let mut store = Store::open(url).unwrap();
    let mut seen = vec![false; SECRETS];
    let mut under_active = 0;
    let n = store
        .verify(&ring(keys), &mut |s| {
            let i: usize = s.info().name[1..].parse().unwrap();
            assert_eq!(s.info().owner, format!("t{}", i % 13));
            assert_eq!(
                s.expose_value(),
                value_of(i, seed_tag),
                "secret {i} changed"
            );
            assert!(!seen[i], "secret {i} twice");
            seen[i] = true;
            if s.info().key_id == active.id() {
                under_active += 1;
            }
        })
        .unwrap();
    assert_eq!(n, SECRETS as u64, "rows lost or added");
    under_active
}

fn kill_during_rotation(t: &TestStore, kills: u32, rng: &mut XorShift) {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let keys_path = dir.path().join("keys");
    let seed_tag = rng.below(u64::MAX);
    let url = t.url_string();

    let mut keys = vec![Key::generate()];
    {
        let mut store = Store::open(&t.url).unwrap();
        let values: Vec<(String, String, Vec<u8>)> = (0..SECRETS)
            .map(|i| {
                (
                    format!("t{}", i % 13),
                    format!("s{i}"),
                    value_of(i, seed_tag),
                )
            })
            .collect();
        let items: Vec<(&str, &str, &[u8])> = values
            .iter()
            .map(|(o, n, v)| (o.as_str(), n.as_str(), v.as_slice()))
            .collect();
        store.put_many(&keys[0], &items).unwrap();
    }

    // Calibrate: one uninterrupted rotation tells how long a kill window is.
    keys.push(Key::generate());
    write_keys(&keys_path, &keys);
    let mut child = spawn_child("rotate", &url, &keys_path, &[]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let done = lines.next().unwrap().unwrap();
    assert!(child.wait().unwrap().success());
    let parts: Vec<u64> = done
        .split(' ')
        .skip(1)
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(parts[0], SECRETS as u64);
    let window_us = parts[1].max(1000);
    assert_eq!(
        check_all(&t.url, &keys, keys.last().unwrap(), seed_tag),
        SECRETS as u64
    );
    println!(
        "crash[{}]: {SECRETS} secrets, full rotation takes {:.1} ms in the child",
        t.label,
        window_us as f64 / 1000.0
    );

    let mut killed = 0u32;
    let mut completed = 0u32;
    let mut mid_rotation_kills = 0u32;
    let mut under_active = SECRETS as u64;
    while killed < kills {
        if under_active == SECRETS as u64 {
            // The last rotation finished: start another, to a fresh key.
            keys.push(Key::generate());
            write_keys(&keys_path, &keys);
            under_active = 0;
        }
        let mut child = spawn_child("rotate", &url, &keys_path, &[]);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().unwrap().unwrap(), "ready");
        std::thread::sleep(Duration::from_micros(rng.below(window_us)));
        let exited_by_itself = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if exited_by_itself {
            assert!(status.success(), "rotation child failed: {status}");
            completed += 1;
        } else {
            killed += 1;
        }
        let now_under = check_all(&t.url, &keys, keys.last().unwrap(), seed_tag);
        assert!(
            now_under >= under_active,
            "rotation went backwards: {now_under} < {under_active} rows under the active key"
        );
        if !exited_by_itself && now_under > under_active && now_under < SECRETS as u64 {
            mid_rotation_kills += 1;
        }
        under_active = now_under;
    }

    // An uninterrupted run finishes whatever rotation is in progress.
    let mut child = spawn_child("rotate", &url, &keys_path, &[]);
    assert!(child.wait().unwrap().success());
    let active = keys.last().unwrap();
    assert_eq!(check_all(&t.url, &keys, active, seed_tag), SECRETS as u64);
    let mut store = Store::open(&t.url).unwrap();
    for old in &keys[..keys.len() - 1] {
        assert_eq!(store.references(old.id()).unwrap(), 0);
    }
    // With the rotation finished, the active key alone opens everything.
    assert_eq!(
        store
            .verify(&ring(std::slice::from_ref(active)), &mut |_| {})
            .unwrap(),
        SECRETS as u64
    );
    assert!(
        mid_rotation_kills > 0,
        "no kill landed while a rotation was making progress"
    );
    println!(
        "crash[{}]: {killed} kills ({mid_rotation_kills} between committed batches of a running rotation), \
         {completed} runs finished before their kill, {} keys; every secret opened after every kill; \
         {:.1}s",
        t.label,
        keys.len(),
        started.elapsed().as_secs_f64()
    );
}

fn concurrent_puts(t: &TestStore, rng: &mut XorShift) {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let url = t.url_string();
    let put_keys = dir.path().join("put-keys");
    let rotate_keys = dir.path().join("rotate-keys");
    let old = Key::generate();
    let new = Key::generate();
    write_keys(&put_keys, std::slice::from_ref(&old));
    write_keys(&rotate_keys, &[old.clone(), new.clone()]);
    // Create the schema before three processes race to. The store knows the old key, as a store that daemons have
    // written under it does (a put under a key the store never knew is refused).
    drop(Store::open(&t.url).unwrap());
    t.exec(
        "INSERT INTO secretctl_keys (key_id, first_used) VALUES ($1, 0)",
        &[&old.id().to_string()],
    );

    // Each putter's reported lines arrive on a channel as they are printed.
    let putter = |who: &'static str| {
        let mut child = spawn_child(
            "put",
            &url,
            &put_keys,
            &[("SECRETCTL_CRASH_WHO", who.to_owned())],
        );
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        (child, rx)
    };
    let (mut left, left_out) = putter("left");
    let (mut right, right_out) = putter("right");
    let mut rotator = spawn_child("rotate", &url, &rotate_keys, &[]);

    // Kill `right` part way through its puts: once it has committed some, at a random moment after that.
    let mut right_lines = Vec::new();
    let wait_until = Instant::now() + Duration::from_secs(120);
    while right_lines.len() < 10 {
        let line = right_out
            .recv_timeout(wait_until.saturating_duration_since(Instant::now()))
            .expect("the right putter reports its puts");
        right_lines.push(line);
    }
    std::thread::sleep(Duration::from_millis(rng.below(20)));
    right.kill().unwrap();
    right.wait().unwrap();
    assert!(left.wait().unwrap().success(), "left putter failed");
    assert!(rotator.wait().unwrap().success(), "rotator failed");
    right_lines.extend(right_out.iter());
    let mut reported: Vec<String> = left_out.iter().collect();
    let right_count = right_lines.len();
    assert!(
        right_count < PUTS_PER_CHILD,
        "right finished before it was killed; the kill proved nothing"
    );
    reported.extend(right_lines);
    assert_eq!(
        reported.len() - right_count,
        PUTS_PER_CHILD,
        "left did not report every put"
    );

    // Everything reported is there with its value; versions are gap-free; nothing unreported is there, except
    // at most one put `right` committed in the instant before it was killed, before it could report it.
    let mut expected: HashMap<(String, u64), String> = HashMap::new();
    for line in &reported {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts[0], "ok", "{line}");
        let prev = expected.insert(
            (parts[1].to_owned(), parts[2].parse().unwrap()),
            parts[3].to_owned(),
        );
        assert!(prev.is_none(), "version handed out twice: {line}");
    }
    let mut store = Store::open(&t.url).unwrap();
    let keyring = ring(&[old.clone(), new.clone()]);
    let mut per_name: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut unreported = 0;
    store
        .verify(&keyring, &mut |s| {
            let info = s.info();
            assert_eq!(info.owner, "concurrent");
            per_name
                .entry(info.name.clone())
                .or_default()
                .push(info.version);
            match expected.remove(&(info.name.clone(), info.version)) {
                Some(v) => assert_eq!(
                    s.expose_value(),
                    v.as_bytes(),
                    "{}/{}",
                    info.name,
                    info.version
                ),
                None => {
                    assert!(
                        s.expose_value().starts_with(b"right-"),
                        "unexpected row {}/{}",
                        info.name,
                        info.version
                    );
                    unreported += 1;
                }
            }
        })
        .unwrap();
    assert!(
        expected.is_empty(),
        "reported puts missing from the store: {:?}",
        expected.keys().collect::<Vec<_>>()
    );
    assert!(unreported <= 1, "{unreported} rows nobody reported");
    for (name, mut versions) in per_name {
        versions.sort_unstable();
        let want: Vec<u64> = (1..=versions.len() as u64).collect();
        assert_eq!(versions, want, "versions of {name} have gaps or repeats");
    }
    println!(
        "crash[{}]: concurrent puts: left {PUTS_PER_CHILD} + right {right_count} (killed) reported, all present \
         and intact while a rotation ran; {:.1}s",
        t.label,
        started.elapsed().as_secs_f64()
    );
}

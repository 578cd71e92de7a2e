//! The client against a real `bao server -dev`: Transit, KV v2, the wrapped keyring, and the failure modes.

#![allow(clippy::unwrap_used)] // Tests fail by panicking.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use secretctl_error::{ErrorKind, Kind};
use secretctl_keyfile::{Keyring, LoadOptions};
use secretctl_vault::dev::DevServer;
use secretctl_vault::{Error, KvPath, TransitKeyWrap, TransitUri};

#[path = "../../secretctl/tests/common/tools.rs"]
#[allow(dead_code)] // Shared with the CLI's tests; only part is used here.
mod tools;

fn server() -> Option<DevServer> {
    let bao = tools::require_tool("bao")?;
    let s = DevServer::start(&bao);
    s.enable_transit("secretctl");
    Some(s)
}

fn no_token_in(s: &DevServer, e: &Error) {
    let text = format!("{e} {e:?}");
    assert!(!text.contains(s.root_token()), "token in {text}");
}

#[test]
fn transit_round_trip_rewrap_and_rotate() {
    let Some(s) = server() else { return };
    let c = s.client();
    assert!(!format!("{c:?}").contains(s.root_token()));
    let t = c.transit("transit");
    let ct = t
        .encrypt("secretctl", b"thirty-two bytes of key material")
        .unwrap();
    assert!(ct.starts_with("vault:v1:"), "{ct}");
    assert_eq!(
        &t.decrypt("secretctl", &ct).unwrap()[..],
        b"thirty-two bytes of key material"
    );
    assert_eq!(t.key("secretctl").unwrap().latest_version, 1);
    t.rotate_key("secretctl").unwrap();
    assert_eq!(t.key("secretctl").unwrap().latest_version, 2);
    let re = t.rewrap("secretctl", &ct).unwrap();
    assert!(re.starts_with("vault:v2:"), "{re}");
    assert_eq!(
        &t.decrypt("secretctl", &re).unwrap()[..],
        b"thirty-two bytes of key material"
    );
    // A key that does not exist: decrypting names the server and operation.
    let e = t.key("nope").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains(&s.address), "{e}");
}

#[test]
fn kv_check_and_set() {
    let Some(s) = server() else { return };
    let c = s.client();
    let kv = c.kv();
    let at: KvPath = "secret/app/prod".parse().unwrap();
    assert!(kv.metadata(&at).unwrap().is_none());
    let data: BTreeMap<String, SecretString> = [(
        "jwt-secret".to_owned(),
        SecretString::from("s3cr\"et\n".to_owned()),
    )]
    .into();
    assert_eq!(kv.write_cas(&at, &data, 0).unwrap(), 1);
    assert_eq!(kv.metadata(&at).unwrap().unwrap().current_version, 1);
    let read = kv.read(&at).unwrap();
    assert_eq!(read.version, 1);
    assert_eq!(read.data["jwt-secret"].expose_secret(), "s3cr\"et\n");
    assert!(!format!("{read:?}").contains("s3cr"));
    // A writer that read version 0 loses against the one that wrote version 1.
    let e = kv.write_cas(&at, &data, 0).unwrap_err();
    assert!(matches!(e, Error::CasMismatch { version: 0, .. }), "{e}");
    assert!(e.to_string().contains("secret/app/prod"), "{e}");
    assert_eq!(e.kind().exit_code(), 1);
    assert_eq!(kv.write_cas(&at, &data, 1).unwrap(), 2);
}

#[test]
fn wrapped_keyring_rotates_and_rewraps() {
    let Some(s) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("master.key");
    let uri: TransitUri = format!("{}/v1/transit/keys/secretctl", s.address)
        .parse()
        .unwrap();
    let wrap = || Arc::new(TransitKeyWrap::new(s.client(), uri.clone()));
    let key = secretctl_keyfile::create_wrapped(&keyfile, &*wrap()).unwrap();
    let text = std::fs::read_to_string(&keyfile).unwrap();
    assert!(
        text.contains("vault:v1:") && text.contains(&key.id().to_string()),
        "{text}"
    );
    // A plain open refuses and says how to unwrap.
    let e = Keyring::open(&keyfile, LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("VAULT_TOKEN"), "{e}");
    let mut ring = Keyring::open_wrapped(&keyfile, LoadOptions::default(), wrap()).unwrap();
    assert_eq!(ring.active_id(), key.id());
    let new = ring.rotate().unwrap();
    let ring = Keyring::open_wrapped(&keyfile, LoadOptions::default(), wrap()).unwrap();
    assert_eq!(ring.active_id(), new);
    assert_eq!(ring.retired_ids(), vec![key.id()]);
    // Rotate the Transit key, re-wrap: both files move to v2, the keys stay.
    s.client()
        .transit("transit")
        .rotate_key("secretctl")
        .unwrap();
    let done = secretctl_keyfile::rewrap(&keyfile, false, &*wrap()).unwrap();
    assert_eq!(done.len(), 2);
    assert!(
        done.iter()
            .all(|r| r.from == "vault:v1" && r.to == "vault:v2"),
        "{done:?}"
    );
    let ring = Keyring::open_wrapped(&keyfile, LoadOptions::default(), wrap()).unwrap();
    assert_eq!(ring.active_id(), new);
    assert_eq!(ring.retired_ids(), vec![key.id()]);
}

#[test]
fn failure_modes_name_address_operation_and_fix() {
    let Some(mut s) = server() else { return };
    let at: KvPath = "secret/app/prod".parse().unwrap();
    // 403 from a token with a read-only policy.
    let ro = s.token_with_policy(
        "ro",
        r#"path "secret/data/*" { capabilities = ["read"] }"#,
        "1h",
    );
    let c = s.client_with(&ro);
    let data: BTreeMap<String, SecretString> =
        [("k".to_owned(), SecretString::from("v".to_owned()))].into();
    let e = c.kv().write_cas(&at, &data, 0).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("denied")
            && text.contains(&s.address)
            && text.contains("secret/data/app/prod"),
        "{text}"
    );
    assert!(text.contains("set VAULT_TOKEN"), "{text}");
    assert!(!text.contains(&ro));
    assert_eq!(e.kind().exit_code(), 1);
    let e = c.transit("transit").encrypt("secretctl", b"x").unwrap_err();
    assert!(matches!(e, Error::PermissionDenied { .. }), "{e}");
    // An expired token.
    let short = s.token_with_policy(
        "short",
        r#"path "transit/*" { capabilities = ["update"] }"#,
        "1s",
    );
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let e = s
        .client_with(&short)
        .transit("transit")
        .encrypt("secretctl", b"x")
        .unwrap_err();
    assert!(matches!(e, Error::PermissionDenied { .. }), "{e}");
    assert!(e.to_string().contains("expired"), "{e}");
    assert!(!format!("{e} {e:?}").contains(&short));
    // Sealed.
    s.seal();
    let e = s
        .client()
        .transit("transit")
        .encrypt("secretctl", b"x")
        .unwrap_err();
    assert!(matches!(e, Error::Sealed { .. }), "{e}");
    assert!(
        e.to_string().contains("bao operator unseal") && e.to_string().contains(&s.address),
        "{e}"
    );
    no_token_in(&s, &e);
    s.unseal();
    s.client()
        .transit("transit")
        .encrypt("secretctl", b"x")
        .unwrap();
    // Unreachable.
    let c = s.client();
    s.stop();
    let e = c.kv().read(&at).unwrap_err();
    assert!(matches!(e, Error::Unreachable { .. }), "{e}");
    assert!(
        e.to_string().contains(&s.address)
            && e.to_string().contains("read KV secret secret/app/prod"),
        "{e}"
    );
    assert_eq!(e.kind().exit_code(), 1);
}

#[test]
fn uris_and_paths_parse_strictly() {
    let u: TransitUri = "https://vault.example.org:8200/v1/transit/keys/app"
        .parse()
        .unwrap();
    assert_eq!(
        (u.address.as_str(), u.mount.as_str(), u.key.as_str()),
        ("https://vault.example.org:8200", "transit", "app")
    );
    for bad in [
        "vault.example.org/v1/transit/keys/x",
        "https://h/v1/transit/x",
        "https://h/v1/../keys/x",
        "https://h/v1/t/keys/",
    ] {
        assert!(bad.parse::<TransitUri>().is_err(), "{bad}");
    }
    assert!("secret".parse::<KvPath>().is_err());
    assert!("secret/../x".parse::<KvPath>().is_err());
    assert_eq!("secret/a/b".parse::<KvPath>().unwrap().path, "a/b");
}

#[test]
fn tls_with_vault_cacert_and_without_it() {
    let Some(bao) = tools::require_tool("bao") else {
        return;
    };
    let s = DevServer::start_tls(&bao);
    assert!(s.address.starts_with("https://"));
    // The generated CA as VAULT_CACERT: works.
    s.enable_transit("secretctl");
    let ct = s
        .client()
        .transit("transit")
        .encrypt("secretctl", b"x")
        .unwrap();
    assert!(ct.starts_with("vault:v1:"));
    // Mozilla's roots only: the dev CA is not trusted, and the error says where and what.
    let mut config = secretctl_vault::Config::for_address(&s.address).unwrap();
    config.token = Some(SecretString::from(s.root_token().to_owned()));
    config.ca_cert = None;
    let e = secretctl_vault::Client::new(config)
        .unwrap()
        .transit("transit")
        .encrypt("secretctl", b"x")
        .unwrap_err();
    assert!(matches!(e, Error::Unreachable { .. }), "{e}");
    no_token_in(&s, &e);
    // A CA file that holds no certificate is refused up front.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let mut config = secretctl_vault::Config::for_address(&s.address).unwrap();
    config.token = Some(SecretString::from("t".to_owned()));
    config.ca_cert = Some(bad);
    let e = secretctl_vault::Client::new(config).unwrap_err();
    assert!(matches!(e, Error::CaCert { .. }), "{e}");
}

#[test]
fn namespace_header_selects_the_namespace() {
    let Some(s) = server() else { return };
    use secretctl_vault::Method;
    s.api(Method::Post, "sys/namespaces/team-a", Some("{}"))
        .unwrap();
    // KV v2 inside the namespace only.
    let mut config = secretctl_vault::Config::for_address(&s.address).unwrap();
    config.token = Some(SecretString::from(s.root_token().to_owned()));
    config.namespace = Some("team-a".to_owned());
    let in_ns = secretctl_vault::Client::new(config).unwrap();
    // Mount a KV v2 engine at kv/ inside the namespace through the client's own header.
    let at: KvPath = "kv/app/prod".parse().unwrap();
    let e = in_ns.kv().read(&at).unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotFound { .. } | Error::PermissionDenied { .. } | Error::Status { .. }
        ),
        "{e}"
    );
    s.bao_cmd()
        .env("VAULT_NAMESPACE", "team-a")
        .env("BAO_NAMESPACE", "team-a")
        .args(["secrets", "enable", "-path=kv", "kv-v2"])
        .status()
        .unwrap()
        .success()
        .then_some(())
        .unwrap();
    let data: BTreeMap<String, SecretString> =
        [("k".to_owned(), SecretString::from("v".to_owned()))].into();
    // KV v2 mounts upgrade asynchronously: retry briefly.
    let mut version = None;
    for _ in 0..50 {
        if let Ok(v) = in_ns.kv().write_cas(&at, &data, 0) {
            version = Some(v);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(version, Some(1));
    assert_eq!(in_ns.kv().read(&at).unwrap().version, 1);
    // The root namespace has no kv/ mount.
    assert!(s.client().kv().read(&at).is_err());
}

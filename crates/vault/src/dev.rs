//! A real `bao server -dev` for tests (feature `test-server`): started on a free 127.0.0.1 port with a random root
//! token, killed when dropped. Shared by this crate's tests and the CLI's, so there is one way to start a server.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::client::{Client, Config, Method};
use crate::Error;

/// A running dev server.
#[derive(Debug)]
pub struct DevServer {
    child: Child,
    bao: PathBuf,
    dir: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The CA certificate of a `-dev-tls` server (for `VAULT_CACERT`).
    pub ca_cert: Option<PathBuf>,
    root_token: String,
    unseal_key: String,
}

fn random_hex(n: usize) -> std::io::Result<String> {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl DevServer {
    /// Start `bao server -dev` (the `bao` at `bao`) and wait until it is unsealed and answering.
    ///
    /// # Panics
    /// When the server does not start within 30 seconds (the test fails with the server's log).
    #[must_use]
    pub fn start(bao: &Path) -> DevServer {
        DevServer::start_with(bao, false)
    }

    /// Start `bao server -dev -dev-tls`: HTTPS with a generated CA ([`DevServer::ca_cert`]).
    ///
    /// # Panics
    /// As [`DevServer::start`].
    #[must_use]
    pub fn start_tls(bao: &Path) -> DevServer {
        DevServer::start_with(bao, true)
    }

    fn start_with(bao: &Path, tls: bool) -> DevServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let root_token = format!("root-{}", random_hex(16).expect("random bytes"));
        let dir =
            std::env::temp_dir().join(format!("secretctl-bao-{}", random_hex(8).expect("random")));
        std::fs::create_dir_all(&dir).expect("server dir");
        let log = std::fs::File::create(dir.join("server.log")).expect("server log");
        let mut cmd = Command::new(bao);
        cmd.args(["server", "-dev", "-dev-no-store-token"]);
        if tls {
            cmd.arg("-dev-tls")
                .arg(format!("-dev-tls-cert-dir={}", dir.display()));
        }
        let ca_cert = tls.then(|| dir.join("vault-ca.pem"));
        let child = cmd
            .arg(format!("-dev-root-token-id={root_token}"))
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .env("HOME", &dir)
            .env_remove("VAULT_TOKEN")
            .env_remove("BAO_TOKEN")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("bao server -dev starts");
        let mut server = DevServer {
            child,
            bao: bao.to_path_buf(),
            dir,
            address: format!("{}://127.0.0.1:{port}", if tls { "https" } else { "http" }),
            ca_cert,
            root_token,
            unseal_key: String::new(),
        };
        let start = Instant::now();
        loop {
            let log = std::fs::read_to_string(server.dir.join("server.log")).unwrap_or_default();
            let key = log
                .lines()
                .find_map(|l| l.trim().strip_prefix("Unseal Key: "))
                .map(str::to_owned);
            if let Some(key) = key {
                if server.api(Method::Get, "sys/health", None).is_ok() {
                    server.unseal_key = key;
                    return server;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "bao server -dev did not start:\n{log}"
            );
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("bao server -dev exited ({status}):\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The root token (a test secret: tests assert it never appears in output).
    #[must_use]
    pub fn root_token(&self) -> &str {
        &self.root_token
    }

    /// A client with the root token.
    ///
    /// # Panics
    /// Never for a started server.
    #[must_use]
    pub fn client(&self) -> Client {
        self.client_with(&self.root_token)
    }

    /// A client with `token`.
    ///
    /// # Panics
    /// Never for a started server.
    #[must_use]
    pub fn client_with(&self, token: &str) -> Client {
        let mut config = Config::for_address(&self.address).expect("address");
        config.token = Some(SecretString::from(token.to_owned()));
        config.namespace = None;
        config.ca_cert.clone_from(&self.ca_cert);
        Client::new(config).expect("client")
    }

    /// One API call with the root token.
    ///
    /// # Errors
    /// The API's.
    pub fn api(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<Option<serde_json::Value>, Error> {
        self.client()
            .call(method, path, body.map(str::as_bytes), "test setup")
    }

    /// Enable Transit at `transit/` and create key `name`.
    ///
    /// # Panics
    /// When the server refuses.
    pub fn enable_transit(&self, name: &str) {
        self.api(
            Method::Post,
            "sys/mounts/transit",
            Some(r#"{"type":"transit"}"#),
        )
        .expect("enable transit");
        self.client()
            .transit("transit")
            .create_key(name)
            .expect("create key");
    }

    /// Write policy `name` (HCL) and create a token with it and `ttl` (`"1h"`, `"2s"`).
    ///
    /// # Panics
    /// When the server refuses.
    #[must_use]
    pub fn token_with_policy(&self, name: &str, hcl: &str, ttl: &str) -> String {
        let body = serde_json::json!({ "policy": hcl }).to_string();
        self.api(
            Method::Post,
            &format!("sys/policies/acl/{name}"),
            Some(&body),
        )
        .expect("write policy");
        let body =
            serde_json::json!({ "policies": [name], "ttl": ttl, "no_default_policy": false })
                .to_string();
        let r = self
            .api(Method::Post, "auth/token/create", Some(&body))
            .expect("create token")
            .expect("token body");
        r["auth"]["client_token"]
            .as_str()
            .expect("client_token")
            .to_owned()
    }

    /// Seal the server (`bao operator seal`).
    ///
    /// # Panics
    /// When it fails.
    pub fn seal(&self) {
        let ok = self
            .bao_cmd()
            .args(["operator", "seal"])
            .status()
            .expect("bao runs");
        assert!(ok.success(), "bao operator seal failed");
    }

    /// Unseal it again with the dev server's unseal key.
    ///
    /// # Panics
    /// When it fails.
    pub fn unseal(&self) {
        let body = serde_json::json!({ "key": self.unseal_key }).to_string();
        self.api(Method::Post, "sys/unseal", Some(&body))
            .expect("unseal");
    }

    /// `bao` with `VAULT_ADDR` and the root token in its environment.
    #[must_use]
    pub fn bao_cmd(&self) -> Command {
        let mut c = Command::new(&self.bao);
        if let Some(ca) = &self.ca_cert {
            c.env("VAULT_CACERT", ca).env("BAO_CACERT", ca);
        }
        c.env("VAULT_ADDR", &self.address)
            .env("BAO_ADDR", &self.address)
            .env("VAULT_TOKEN", &self.root_token)
            .env("BAO_TOKEN", &self.root_token)
            .env("HOME", &self.dir)
            .stdout(Stdio::null());
        c
    }

    /// Stop the server now (an outage); it cannot be restarted (a dev server keeps everything in memory).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

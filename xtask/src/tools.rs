//! The reference tools the tests need, checked before `cargo xtask ci` runs anything: a missing tool fails the run
//! here, naming the tool and the install script, instead of letting a test skip. The lookup is the one the tests
//! use (`crates/secretctl/tests/common/tools.rs`): the tools dir's `bin/` first, then `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Result};

/// What installs a missing tool.
const INSTALL: &str = "`bash .ci/install-tools.sh` installs it";

/// A program some test runs, why, and what installs it.
struct Tool {
    name: &'static str,
    needed_by: &'static str,
    install: &'static str,
}

const TOOLS: &[Tool] = &[
    Tool {
        name: "age",
        needed_by: "key backup/restore interop with the reference age",
        install: INSTALL,
    },
    Tool {
        name: "age-keygen",
        needed_by: "age identities for key backup, gitops and the canary test",
        install: INSTALL,
    },
    Tool {
        name: "sops",
        needed_by: "SOPS interop of gitops vars files and export --sops",
        install: INSTALL,
    },
    Tool {
        name: "kubernetes-validate",
        needed_by: "validating exported Kubernetes manifests",
        install: INSTALL,
    },
    Tool {
        name: "docker-compose",
        needed_by: "what Docker Compose v2 reads from a .env, by `docker-compose config`",
        install: INSTALL,
    },
    Tool {
        name: "bao",
        needed_by: "the Vault/OpenBao tests (`bao server -dev`: Transit, KV v2, sops hc_vault)",
        install: INSTALL,
    },
    Tool {
        name: "pass",
        needed_by: "escrow of generated values to the operator's password store",
        install: INSTALL,
    },
    Tool {
        name: "gpg",
        needed_by: "the password store `pass` escrows into (a temporary GNUPGHOME)",
        install: INSTALL,
    },
    Tool {
        name: "kubectl",
        needed_by: "comparing exported Secrets with `kubectl create secret --dry-run=client`",
        install:
            "the machine image provides it (.ci/install-tools.sh cannot: it is no Debian package)",
    },
    Tool {
        name: "script",
        needed_by: "a pseudo-terminal for age's passphrase prompts",
        install: INSTALL,
    },
    Tool {
        name: "git",
        needed_by: "the gitops repository tests",
        install: INSTALL,
    },
    Tool {
        name: "bash",
        needed_by: "the docs, the conformance runner and the generated Swarm script",
        install: INSTALL,
    },
    Tool {
        name: "python3",
        needed_by: "the Compose conformance runner",
        install: INSTALL,
    },
];

/// The tools dir `.ci/install-tools.sh` fills: `$SECRETCTL_TOOLS_VENV`, else `$XDG_CACHE_HOME/secretctl-tools`
/// (or `~/.cache/secretctl-tools`).
pub fn tools_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(v) = var("SECRETCTL_TOOLS_VENV") {
        return Some(PathBuf::from(v));
    }
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("secretctl-tools"))
}

fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    tools_dir()
        .map(|d| d.join("bin"))
        .into_iter()
        .chain(std::env::split_paths(&path))
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

/// Check every tool, print where each was found, and fail listing every one that is missing.
///
/// # Errors
/// When anything a test or a CI step needs is missing; the message names each missing thing and what installs it.
pub fn check() -> Result<()> {
    let mut missing = Vec::new();
    for tool in TOOLS {
        match find(tool.name) {
            Some(path) => eprintln!("  {:<20} {}", tool.name, path.display()),
            None => missing.push(format!(
                "{}: needed for {}; {}",
                tool.name, tool.needed_by, tool.install
            )),
        }
    }

    // export_cli parses manifests with PyYAML from the tools venv's python (kubernetes-validate depends on it).
    let python = tools_dir()
        .map(|d| d.join("bin/python3"))
        .filter(|p| is_executable(p));
    let pyyaml = python
        .as_ref()
        .is_some_and(|p| succeeds(Command::new(p).args(["-c", "import yaml"])));
    if pyyaml {
        eprintln!("  {:<20} tools venv python3", "PyYAML");
    } else {
        missing.push(format!(
            "PyYAML in the tools venv's python3: needed to read exported YAML; {INSTALL}"
        ));
    }

    for sub in ["deny", "fuzz"] {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        if succeeds(Command::new(cargo).args([sub, "--version"])) {
            eprintln!("  {:<20} ok", format!("cargo {sub}"));
        } else {
            missing.push(format!(
                "cargo-{sub}: a CI step runs `cargo {sub}`; {INSTALL}"
            ));
        }
    }

    match std::env::var("SECRETCTL_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => eprintln!("  {:<20} {url}", "PostgreSQL"),
        _ => missing.push(
            "PostgreSQL: the store tests need a server and SECRETCTL_TEST_POSTGRES_URL is unset; \
             `source .ci/postgres.sh start` starts a throwaway one"
                .to_owned(),
        ),
    }

    if missing.is_empty() {
        return Ok(());
    }
    bail!(
        "missing what the tests need (`bash .ci/run` installs the tools and starts PostgreSQL, then runs \
         `cargo xtask ci`):\n  - {}",
        missing.join("\n  - ")
    )
}

//! A `docker` stand-in for the Swarm scripts `export swarm` writes: no Swarm is needed to see what
//! `docker secret create` would have received.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::find_tool;

/// The stand-in: `secret inspect`, `secret create NAME -` (the bytes read from stdin; an empty secret refused, as
/// Docker refuses one), plus `secret ls --filter name=X --format …` (the
/// names containing X, as Docker's name filter matches) and `secret rm NAME` (refused for a name listed in
/// `in-use`, as Docker refuses a secret a service uses).
const FAKE_DOCKER: &str = r#"#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_DOCKER_DIR/argv.log"
case "$1 $2" in
"secret inspect")
    [ -e "$FAKE_DOCKER_DIR/secrets/$3" ]
    exit $?
    ;;
"secret create")
    shift 2
    while [ $# -gt 2 ]; do shift; done
    [ "$2" = "-" ] || exit 3
    [ ! -e "$FAKE_DOCKER_DIR/secrets/$1" ] || { echo "secret $1 already exists" >&2; exit 1; }
    cat > "$FAKE_DOCKER_DIR/secrets/$1"
    [ -s "$FAKE_DOCKER_DIR/secrets/$1" ] || { rm "$FAKE_DOCKER_DIR/secrets/$1"; echo "empty secret" >&2; exit 1; }
    echo fake-id
    ;;
"secret ls")
    [ $# -eq 6 ] && [ "$3" = "--filter" ] && [ "$5" = "--format" ] && [ "$6" = "{{.Name}}" ] || exit 3
    filter="${4#name=}"
    ls "$FAKE_DOCKER_DIR/secrets" | while read -r n; do
        case "$n" in *"$filter"*) printf '%s\n' "$n" ;; esac
    done
    ;;
"secret rm")
    if grep -qx "$3" "$FAKE_DOCKER_DIR/in-use" 2>/dev/null; then
        echo "Error response from daemon: secret '$3' is in use by the following service: wiki_app" >&2
        exit 1
    fi
    rm "$FAKE_DOCKER_DIR/secrets/$3" || exit 1
    echo "$3"
    ;;
*) exit 2 ;;
esac
"#;

/// The stand-in's directory: `bin/docker`, `secrets/NAME` (each created secret's bytes), `argv.log`, `in-use`.
pub struct FakeDocker {
    dir: tempfile::TempDir,
}

impl FakeDocker {
    /// A stand-in holding the secrets `existing` (value `old`), of which `in_use` are used by a service.
    pub fn new(existing: &[&str], in_use: &[&str]) -> FakeDocker {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("bin")).unwrap();
        fs::create_dir(dir.path().join("secrets")).unwrap();
        let docker = dir.path().join("bin/docker");
        fs::write(&docker, FAKE_DOCKER).unwrap();
        fs::set_permissions(&docker, fs::Permissions::from_mode(0o755)).unwrap();
        for name in existing {
            fs::write(dir.path().join("secrets").join(name), "old").unwrap();
        }
        fs::write(dir.path().join("in-use"), in_use.join("\n") + "\n").unwrap();
        FakeDocker { dir }
    }

    /// Run a script with this `docker` first on PATH, `$SECRETCTL` the binary under test, and `env` set.
    pub fn run_script(&self, script: &Path, env: &[(&str, &Path)]) -> Output {
        let bash = find_tool("bash").expect("bash");
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new(bash);
        cmd.arg(script)
            .env("PATH", path)
            .env("FAKE_DOCKER_DIR", self.dir.path())
            .env("SECRETCTL", assert_cmd::cargo::cargo_bin("secretctl"))
            .env_remove("SECRETCTL_STORE")
            .env_remove("SECRETCTL_KEYFILE")
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// The secrets it holds and their values.
    pub fn secrets(&self) -> BTreeMap<String, Vec<u8>> {
        fs::read_dir(self.dir.path().join("secrets"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    /// Every command line it was run with, one per line.
    pub fn argv_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("argv.log")).unwrap_or_default()
    }
}

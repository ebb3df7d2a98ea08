#!/usr/bin/env bash
# Installs the validators for exported files into one cache directory:
# a Python venv (check-jsonschema ships the compose-spec schema,
# kubernetes-validate ships Kubernetes schemas), a local node_modules
# (Istio models, the AsyncAPI parser, mermaid in jsdom) and graphviz from apt.
# Idempotent: a second run only checks that everything is present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${SWITCHBOARD_VALIDATORS_DIR:-${CARGO_TARGET_DIR:-$here/../../target}/validators}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

# Reinstall when the pinned versions change (a stamp holds their checksum).
stamp="$(cat "$here/requirements.txt" "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ] || [ ! -x "$cache/venv/bin/check-jsonschema" ] \
    || [ ! -x "$cache/venv/bin/kubernetes-validate" ] || [ ! -d "$cache/node/node_modules/mermaid" ]; then
    rm -rf "$cache/venv" "$cache/node"
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    mkdir -p "$cache/node"
    cp "$here/package.json" "$here/package-lock.json" "$cache/node/"
    (cd "$cache/node" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$stamp" > "$cache/stamp"
fi

if ! command -v dot >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz >/dev/null
    else
        echo "graphviz (dot) is missing and this user cannot install it" >&2
        exit 1
    fi
fi

echo "$cache"

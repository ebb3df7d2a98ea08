#!/usr/bin/env bash
# Validates every exported file under DIR with the real validator of its
# format, one validator process per format, and exits non-zero on any failure.
#
# Files are recognised by name (what `switchboard export` and
# export-samples.sh write):
#   *compose*.yaml|yml        compose-spec schema (check-jsonschema)
#   *k8s*.yaml, *kubernetes*.yaml, or YAML files in a directory holding a
#   kustomization.yaml        kubernetes-validate --strict
#   *istio*.yaml              @kubernetes-models/istio
#   *asyncapi*.yaml|json      @asyncapi/parser
#   *.dot, *.gv               graphviz dot -Tsvg
#   *.mmd                     mermaid.parse in jsdom
# Usage: tools/validators/run.sh DIR
set -uo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR   (validates every exported file under DIR)" >&2
    exit 2
fi
dir="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$("$here/install.sh" | tail -n 1)" || { echo "installing the validators failed" >&2; exit 1; }
cp "$here"/*.mjs "$cache/node/"

compose=() k8s=() istio=() asyncapi=() dot=() mermaid=()
while IFS= read -r -d '' f; do
    base="$(basename "$f")"
    lower="$(printf '%s' "$base" | tr '[:upper:]' '[:lower:]')"
    case "$lower" in
        kustomization.yaml | kustomization.yml) continue ;;
        *.dot | *.gv) dot+=("$f"); continue ;;
        *.mmd) mermaid+=("$f"); continue ;;
    esac
    case "$lower" in
        *.yaml | *.yml | *.json) ;;
        *) continue ;;
    esac
    if [ -f "$(dirname "$f")/kustomization.yaml" ]; then k8s+=("$f")
    elif [[ "$lower" == *compose* ]]; then compose+=("$f")
    elif [[ "$lower" == *istio* ]]; then istio+=("$f")
    elif [[ "$lower" == *asyncapi* ]]; then asyncapi+=("$f")
    elif [[ "$lower" == *k8s* || "$lower" == *kubernetes* ]]; then k8s+=("$f")
    fi
done < <(find "$dir" -type f -print0 | sort -z)

status=0
total=$(( ${#compose[@]} + ${#k8s[@]} + ${#istio[@]} + ${#asyncapi[@]} + ${#dot[@]} + ${#mermaid[@]} ))
if [ "$total" -eq 0 ]; then
    echo "no exported files found under $dir" >&2
    exit 1
fi

run() {
    local label="$1"; shift
    echo "== $label"
    if ! "$@"; then
        echo "== $label: FAILED"
        status=1
    fi
}

if [ ${#compose[@]} -gt 0 ]; then
    run "compose (${#compose[@]} files)" "$cache/venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec "${compose[@]}"
fi
if [ ${#k8s[@]} -gt 0 ]; then
    run "kubernetes (${#k8s[@]} files)" "$cache/venv/bin/kubernetes-validate" --strict --no-warn --quiet "${k8s[@]}"
fi
if [ ${#istio[@]} -gt 0 ]; then
    run "istio (${#istio[@]} files)" node "$cache/node/istio.mjs" "${istio[@]}"
fi
if [ ${#asyncapi[@]} -gt 0 ]; then
    run "asyncapi (${#asyncapi[@]} files)" node "$cache/node/asyncapi.mjs" "${asyncapi[@]}"
fi
if [ ${#dot[@]} -gt 0 ]; then
    dot_check() {
        local ok=0
        for f in "$@"; do
            if dot -Tsvg "$f" -o /dev/null; then echo "ok       dot      $f"; else echo "FAILED   dot      $f"; ok=1; fi
        done
        return $ok
    }
    run "dot (${#dot[@]} files)" dot_check "${dot[@]}"
fi
if [ ${#mermaid[@]} -gt 0 ]; then
    run "mermaid (${#mermaid[@]} files)" node "$cache/node/mermaid.mjs" "${mermaid[@]}"
fi

echo "validated $total files: $([ $status -eq 0 ] && echo 'all passed' || echo 'FAILURES above')"
exit $status

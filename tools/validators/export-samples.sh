#!/usr/bin/env bash
# Exports every sample design (samples/*.json|yaml) and the validator test
# designs (tools/validators/designs/*.json, among them one with hostile names
# and one with every service registry the exporters know)
# in every format into OUT_DIR, their emulated Compose and Kubernetes
# variants (--emulate), plus Compose and Kubernetes exports of the import
# fixtures, then validates everything with run.sh.
# Usage: tools/validators/export-samples.sh [OUT_DIR]   (from the repository root)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/target/exports}"
rm -rf "$out" "$out-designs"
mkdir -p "$out"
cd "$root"
cargo build --quiet -p switchboard
bin="${CARGO_TARGET_DIR:-$root/target}/debug/switchboard"

shopt -s nullglob
designs=(samples/*.json samples/*.yaml samples/*.yml tools/validators/designs/*.json)
for design in "${designs[@]}"; do
    base="$(basename "${design%.*}")"
    for format in compose k8s istio asyncapi dot mermaid; do
        case "$format" in
            dot) ext=dot ;;
            mermaid) ext=mmd ;;
            *) ext=yaml ;;
        esac
        "$bin" export "$design" --format "$format" -o "$out/$base.$format.$ext" --quiet
    done
done
# The emulated variants (every node `serve-node` in the switchboard image,
# plus a load generator) pass the same validators as the plain exports.
for design in "${designs[@]}"; do
    base="$(basename "${design%.*}")"
    "$bin" export "$design" --format compose --emulate -o "$out/$base.emulated.compose.yaml" --quiet
    "$bin" export "$design" --format k8s --emulate -o "$out/$base.emulated.k8s.yaml" --quiet
done
# The split layout and the Istio-mesh variant once per test design (the
# samples are covered by the single file).
for design in tools/validators/designs/*.json; do
    base="$(basename "${design%.*}")"
    "$bin" export "$design" --format k8s --split "$out/$base-k8s-split" --quiet
    "$bin" export "$design" --format k8s --mesh istio -o "$out/$base.k8s-mesh.yaml" --quiet
done
for fixture in tests/fixtures/import/*; do
    case "$fixture" in
        # Refused on purpose with a message (their tests check it): a Helm
        # template and a file of only Istio objects have no deployment to export.
        *chart-template.yaml | *mesh-only.istio.yaml) continue ;;
        # An override file is merged into its base file below.
        *.override.*) continue ;;
    esac
    # Only the part before the first dot: the fixtures' own names say compose or k8s.
    base="$(basename "$fixture")"
    base="imported-${base%%.*}"
    overrides=()
    for o in "$(dirname "$fixture")/${base#imported-}".override.*; do
        [ -e "$o" ] && overrides+=(-f "$o")
    done
    mkdir -p "$out-designs"
    "$bin" import "$fixture" "${overrides[@]}" -o "$out-designs/$base.json" --quiet
    "$bin" export "$out-designs/$base.json" --format compose -o "$out/$base.compose.yaml" --quiet
    "$bin" export "$out-designs/$base.json" --format k8s -o "$out/$base.k8s.yaml" --quiet
done
exec "$root/tools/validators/run.sh" "$out"

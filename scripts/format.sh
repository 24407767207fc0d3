#!/usr/bin/env bash
# Checks (default) or fixes (--fix) the formatting of Sources and Tests with the toolchain's swift-format,
# using the repository's .swift-format configuration.
#
#   bash scripts/format.sh          # lint; exits non-zero on any finding
#   bash scripts/format.sh --fix    # rewrite files in place
set -euo pipefail

cd "$(dirname "$0")/.."

paths=()
for dir in Sources Tests Examples; do
    [[ -d "$dir" ]] && paths+=("$dir")
done

case "${1:-}" in
    "")
        exec swift format lint --strict --parallel --recursive "${paths[@]}"
        ;;
    --fix)
        exec swift format format --in-place --parallel --recursive "${paths[@]}"
        ;;
    *)
        echo "usage: bash scripts/format.sh [--fix]" >&2
        exit 2
        ;;
esac

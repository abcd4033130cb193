#!/usr/bin/env bash
# Wall time of seguro and hadolint on the same Dockerfiles, each tool in one process,
# in one run. usage: bench/lint-vs-hadolint.sh [N files, default 300]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
corpus=../shared/corpus/dev
mapfile -t files < <(ls "$corpus" | head -n "$n" | sed "s#^#$corpus/#")
hadolint=$(pyenv which hadolint 2>/dev/null || command -v hadolint)
cargo build -q --release -p seguro
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
ts=$(t target/release/seguro lint --isolated --format json "${files[@]}")
tn=$(t target/release/seguro lint --isolated --format json --ignore SG51 "${files[@]}")
th=$(t "$hadolint" --no-fail -f json "${files[@]}")
echo "files: ${#files[@]}"
echo "hadolint:                      ${th}s"
echo "seguro (default rules):        ${ts}s  ratio $(echo "$th / $ts" | bc -l | cut -c1-6)x"
echo "seguro (no build-context rules, as hadolint): ${tn}s  ratio $(echo "$th / $tn" | bc -l | cut -c1-6)x"

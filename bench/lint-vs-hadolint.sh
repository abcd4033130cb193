#!/usr/bin/env bash
# Wall time of seguro and hadolint on the same Dockerfiles, each tool in one process, in
# one run, alternating, best of several runs each (the first `ls` N files of the corpus).
# usage: bench/lint-vs-hadolint.sh [N files, default 300] [runs, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
runs=${2:-5}
hadolint=$(pyenv which hadolint 2>/dev/null || command -v hadolint)
cargo build -q --release -p seguro
bin=${CARGO_TARGET_DIR:-target}/release/seguro
python3 - "$bin" "$hadolint" "$n" "$runs" <<'EOF'
import os, subprocess, sys, time

seguro, hadolint, n, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
corpus = "../shared/corpus/dev"
files = [os.path.join(corpus, f) for f in sorted(os.listdir(corpus))[:n]]
tools = {
    "hadolint": [hadolint, "--no-fail", "-f", "json", *files],
    "seguro (default rules)": [seguro, "lint", "--isolated", "--format", "json", *files],
    "seguro (no build-context rules, as hadolint)":
        [seguro, "lint", "--isolated", "--format", "json", "--ignore", "SG51", *files],
}
best = {name: float("inf") for name in tools}
for _ in range(runs):
    for name, argv in tools.items():
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best[name] = min(best[name], time.perf_counter() - start)
print(f"files: {len(files)}, best of {runs} runs each")
h = best["hadolint"]
for name, t in best.items():
    ratio = "" if name == "hadolint" else f"   {h / t:6.1f}x faster than hadolint"
    print(f"{name:46} {t * 1000:9.1f} ms{ratio}")
EOF

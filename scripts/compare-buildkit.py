#!/usr/bin/env python3
"""Compare `seguro dump` with BuildKit's own parser on a folder of Dockerfiles.

BuildKit's parser is reached through the PyPI package `dockerfile` (a cgo wrapper of
moby/buildkit's frontend/dockerfile/parser, v0.12.5). For every file, both parsers must
agree on refusal, and on every instruction: command, ONBUILD trigger, exec form, start
and end line, flags, values and heredoc bodies. The package drops ENV/LABEL separators
and NUL bytes, and appends heredoc bodies to `original`; the comparison allows for
exactly that.

usage: scripts/compare-buildkit.py DIR [--seguro PATH] [--show N] [--jobs N]
exit status: 0 when every file agrees, 1 otherwise.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys

try:
    import dockerfile
except ImportError:
    sys.exit("the PyPI package `dockerfile` is needed: pip install dockerfile")


def buildkit(path):
    try:
        return dockerfile.parse_file(path), None
    except dockerfile.GoParseError as e:
        return None, str(e)
    except (UnicodeDecodeError, ValueError) as e:
        return None, f"python: {e}"


def seguro(binary, path):
    p = subprocess.run([binary, "dump", path], capture_output=True)
    if p.returncode not in (0, 1):
        return None, f"crash: exit {p.returncode}: {p.stderr.decode(errors='replace')[:200]}"
    out = json.loads(p.stdout)
    if p.returncode == 1:
        return None, "; ".join(e["message"] for e in out["errors"])
    return out, None


def normalise_buildkit(cmd):
    return {
        "cmd": cmd.cmd.lower(),
        "sub_cmd": cmd.sub_cmd.lower() if cmd.sub_cmd else None,
        "json": cmd.json,
        "start_line": cmd.start_line,
        "end_line": cmd.end_line,
        "flags": list(cmd.flags),
        "value": list(cmd.value),
        "heredocs": [(h.name, h.content) for h in cmd.heredocs],
        "original": cmd.original,
    }


def normalise_seguro(inst):
    value = list(inst["value"])
    kind = inst["sub_cmd"] or inst["cmd"]
    if kind in ("env", "label"):
        # The package drops the separator of each key, value, separator triple.
        value = [v for i, v in enumerate(value) if i % 3 != 2]
    value = [v.replace("\x00", "") for v in value]
    return {
        "cmd": inst["cmd"],
        "sub_cmd": inst["sub_cmd"],
        "json": inst["json"],
        "start_line": inst["start_line"],
        "end_line": inst["end_line"],
        "flags": [] if inst["sub_cmd"] else list(inst["flags"]),
        "value": value,
        "heredocs": [(h["name"], h["content"]) for h in inst["heredocs"]],
        "original": inst["original"],
    }


def compare(binary, path):
    bk, bk_err = buildkit(path)
    sg, sg_err = seguro(binary, path)
    if sg_err and sg_err.startswith("crash"):
        return "seguro crashed", sg_err
    if bk is None and sg is None:
        return None, None
    if bk is None:
        return "only buildkit refuses", bk_err
    if sg is None:
        return "only seguro refuses", sg_err
    a = [normalise_buildkit(c) for c in bk]
    b = [normalise_seguro(i) for i in sg["instructions"]]
    if len(a) != len(b):
        return "instruction count", f"buildkit {len(a)} seguro {len(b)}"
    for x, y in zip(a, b):
        for key in ("cmd", "sub_cmd", "json", "start_line", "end_line", "flags", "value", "heredocs"):
            if x[key] != y[key]:
                return f"field {key}", f"line {x['start_line']}: buildkit {x[key]!r} seguro {y[key]!r}"
        # The package appends heredoc bodies to `original`.
        if x["original"] != y["original"] and not (y["heredocs"] and x["original"].startswith(y["original"])):
            return "field original", f"line {x['start_line']}: {x['original']!r} vs {y['original']!r}"
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--seguro", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "seguro"))
    ap.add_argument("--show", type=int, default=5, help="examples to print per disagreement class")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    files = sorted(
        os.path.join(args.dir, f) for f in os.listdir(args.dir) if os.path.isfile(os.path.join(args.dir, f))
    )
    classes = collections.defaultdict(list)
    both_refuse = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for path, (cls, detail) in zip(files, pool.map(lambda f: compare(args.seguro, f), files)):
            if cls:
                classes[cls].append((path, detail))
    agree = len(files) - sum(len(v) for v in classes.values())
    print(f"files: {len(files)}  agree: {agree} ({100.0 * agree / max(len(files), 1):.2f}%)")
    for cls, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{cls}: {len(items)}")
        for path, detail in items[: args.show]:
            print(f"  {os.path.basename(path)}: {detail}")
    return 0 if not classes else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Lints the whole corpus in one process (files/s, peak memory), then one synthetic RUN
# at growing sizes to show the cost grows linearly with RUN size. The corpus files all
# live in one directory, which is therefore every file's build context (2,640 files):
# the context rules (SG51x) read it once and share it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p seguro
bin=${CARGO_TARGET_DIR:-target}/release/seguro
corpus=../shared/corpus/dev
n=$(ls "$corpus" | wc -l)
out=$( { /usr/bin/time -f "%e %M" "$bin" lint --isolated --format json "$corpus"/* >/dev/null || true; } 2>&1 | tail -1 )
secs=${out% *}; kb=${out#* }
echo "corpus: $n files in ${secs}s = $(echo "$n / $secs" | bc) files/s, peak RSS $((kb / 1024)) MiB"
tmp=$(mktemp -d)
for lines in 500 1000 2000 4000 8000; do
  { echo "FROM debian:12"; echo "RUN set -eux \\"
    for i in $(seq "$lines"); do echo "  && apt-get install -y pkg$i=1.$i curl && curl -fsSL https://x/$i -o /tmp/f$i \\"; done
    echo "  && true"; } > "$tmp/Dockerfile"
  size=$(stat -c %s "$tmp/Dockerfile")
  s=$(date +%s.%N); "$bin" lint --isolated --format json "$tmp/Dockerfile" >/dev/null || true; e=$(date +%s.%N)
  echo "RUN of $lines lines ($((size / 1024)) KiB): $(echo "($e - $s) * 1000" | bc | cut -d. -f1) ms"
done
# A second shape: pipes, cd, update + install, chmod and substitutions on every line.
for lines in 1000 2000 4000 8000; do
  { echo "FROM debian:12"; echo "RUN set -eux \\"
    for i in $(seq "$lines"); do echo "  && cat /etc/f$i | grep x | tee /tmp/o$i > /dev/null ; cd /d$i ; apt-get update && pip install p$i ; chmod 777 /x$i ; echo \$(sha256sum f$i) \\"; done
    echo "  && true"; } > "$tmp/Dockerfile"
  size=$(stat -c %s "$tmp/Dockerfile")
  s=$(date +%s.%N); "$bin" lint --isolated --format json "$tmp/Dockerfile" >/dev/null || true; e=$(date +%s.%N)
  echo "mixed RUN of $lines lines ($((size / 1024)) KiB): $(echo "($e - $s) * 1000" | bc | cut -d. -f1) ms"
done
rm -rf "$tmp"

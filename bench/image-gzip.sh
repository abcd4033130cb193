#!/usr/bin/env bash
# Reads a 1 GiB (uncompressed) gzip layer with seguro's image reader and with
# `gzip -dc LAYER | tar -t` in the same run. The layer holds ~40,000 files of mixed,
# realistic content (text made of words, incompressible binary runs, zero padding), so it
# compresses about like a real distribution layer. seguro's reader does more than the
# pipe: it also hashes the stored blob and the uncompressed tar (sha256 twice), parses every
# header and keeps account/secret files' bodies.
#
#   bench/image-gzip.sh            # build the example in release, generate, compare
#   READER=path/to/read_image bench/image-gzip.sh   # use an already built reader
#   SIZE_MIB=256 bench/image-gzip.sh                # a smaller layer
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${SIZE_MIB:-1024}
if [ -z "${READER:-}" ]; then
  cargo build -q --release -p seguro-image --example read_image ${FEATURES:+--features "$FEATURES"}
  READER=${CARGO_TARGET_DIR:-target}/release/examples/read_image
fi
work=${WORK:-$(mktemp -d)}
img=$work/layout
if [ ! -f "$img/index.json" ]; then
  echo "generating a ${size_mib} MiB layer in $work ..." >&2
  python3 - "$work" "$size_mib" <<'PY'
import hashlib, io, json, os, random, subprocess, sys, tarfile
work, size_mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
words = [''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz_') for _ in range(rnd.randint(2, 12)))
         for _ in range(5000)]
pool = bytearray()
while len(pool) < 96 << 20:
    kind = rnd.random()
    if kind < 0.65:    # source code / text / config
        pool += (' '.join(rnd.choices(words, k=20000)).replace('_ ', '\n') + '\n').encode()
    elif kind < 0.85:  # compiled code, images: incompressible
        pool += rnd.randbytes(64 << 10)
    else:              # padding, sparse sections
        pool += bytes(rnd.randint(4, 64) << 10)
pool = bytes(pool)
target = size_mib << 20
os.makedirs(f"{work}/layout/blobs/sha256", exist_ok=True)
gz_path = f"{work}/layer.tar.gz"
with open(gz_path, 'wb') as out:
    gz = subprocess.Popen(['gzip', '-6', '-n'], stdin=subprocess.PIPE, stdout=out)
    class Tee(io.RawIOBase):
        def __init__(self): self.h = hashlib.sha256(); self.n = 0
        def writable(self): return True
        def write(self, b):
            self.h.update(b); self.n += len(b); gz.stdin.write(b); return len(b)
    tee = Tee()
    t = tarfile.open(fileobj=tee, mode='w|', format=tarfile.PAX_FORMAT)
    written, i = 0, 0
    while written < target:
        d = f"usr/lib/pkg{i // 200:04d}"
        if i % 200 == 0:
            ti = tarfile.TarInfo(d); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
        size = min(int(rnd.lognormvariate(9.3, 1.6)), 16 << 20, target - written)
        off = rnd.randrange(0, len(pool) - size)
        ti = tarfile.TarInfo(f"{d}/file{i:06d}.{rnd.choice(['so', 'py', 'txt', 'json', 'h', 'bin'])}")
        ti.size = size; ti.mode = 0o644
        t.addfile(ti, io.BytesIO(pool[off:off + size]))
        written += size; i += 1
    ti = tarfile.TarInfo("etc/passwd"); data = b"root:x:0:0:root:/root:/bin/sh\n"; ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
    t.close()
    gz.stdin.close(); gz.wait()
diff_id = "sha256:" + tee.h.hexdigest()
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{work}/layout/blobs/sha256/{d}", 'wb').write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
h = hashlib.sha256()
with open(gz_path, 'rb') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''): h.update(chunk)
layer = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
         "digest": "sha256:" + h.hexdigest(), "size": os.path.getsize(gz_path)}
os.link(gz_path, f"{work}/layout/blobs/sha256/{h.hexdigest()}")
config = blob(json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                          "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode())
manifest = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
                            "layers": [layer]}).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest}]},
          open(f"{work}/layout/index.json", 'w'))
open(f"{work}/layout/oci-layout", 'w').write('{"imageLayoutVersion":"1.0.0"}')
print(f"{i} files, {tee.n >> 20} MiB tar, {os.path.getsize(gz_path) >> 20} MiB gzip", file=sys.stderr)
PY
fi
layer=$work/layer.tar.gz
best() { sort -n | head -1; }
t_pipe=$(for _ in 1 2 3; do /usr/bin/time -f %e bash -c "gzip -dc '$layer' | tar -t >/dev/null" 2>&1 | tail -1; done | best)
t_seguro=$(for _ in 1 2 3; do /usr/bin/time -f %e "$READER" "$img" 2>&1 >/dev/null | tail -1; done | best)
"$READER" "$img" 2>&1 >/dev/null | grep -v '^[0-9.]*$' >&2 || true
echo "gzip -dc | tar -t : ${t_pipe}s"
echo "seguro reader     : ${t_seguro}s (ratio $(echo "scale=2; $t_seguro / $t_pipe" | bc))"

//! Throughput of `seguro_shell::parse` (plus the common queries) on a ~28 KB script and on
//! the RUN bodies of the shared corpus: `cargo bench -p seguro-shell`.

#[path = "../tests/support/extract.rs"]
mod extract;

use std::time::{Duration, Instant};

const CHUNK: &str = r#"set -eux; \
apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311 curl gnupg "libssl3=3.0.*" && rm -rf /var/lib/apt/lists/*
savedAptMark="$(apt-mark showmanual)"; dpkgArch="$(dpkg --print-architecture | awk -F- '{ print $NF }')"
curl -fsSL -o /tmp/node.tar.xz "https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz" && echo "$NODE_SHA256  /tmp/node.tar.xz" | sha256sum -c -
for key in 4ED778F539E3634C779C87C6D7062848A1AB005C 141F07595B7B3FFE74309A937405533BE57C7D57; do gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$key"; done
if [ -f /etc/alpine-release ]; then apk add --no-cache bash=5.2.15-r0 'git>2'; else pip install --no-cache-dir -r requirements.txt flask==2.3.2; fi
tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 --no-same-owner && rm /tmp/node.tar.xz
case "$dpkgArch" in amd64) ARCH='x64';; arm64) ARCH='arm64';; *) echo "unsupported"; exit 1 ;; esac
su app -c 'npm ci --omit=dev && npm cache clean --force' && chown -R app:app /app && chmod 0755 /app
"#;

fn measure(label: &str, inputs: &[String], rounds: usize) -> Duration {
    let bytes: usize = inputs.iter().map(String::len).sum();
    let mut best = Duration::MAX;
    let mut sink = 0usize;
    for _ in 0..rounds {
        let t = Instant::now();
        for i in inputs {
            let s = seguro_shell::parse(i);
            sink += s.commands().count() + s.package_ops().len() + s.downloads().len();
            sink += s.pipes_to_shell().len();
        }
        best = best.min(t.elapsed());
    }
    let mbps = bytes as f64 / best.as_secs_f64() / 1e6;
    #[allow(clippy::print_stdout)]
    {
        println!(
            "{label}: {} inputs, {bytes} bytes, best of {rounds}: {best:?} ({mbps:.1} MB/s) [{sink}]",
            inputs.len()
        );
    }
    best
}

fn main() {
    let mut big = String::new();
    while big.len() < 28 * 1024 {
        big.push_str(CHUNK);
    }
    // the Dockerfile layer joins continuation lines before handing the body over
    let big = big.replace("\\\n", " ");
    measure("28 KB script", &[big], 20);

    let dir = std::path::Path::new("/work/shared/corpus/dev");
    let mut bodies = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if let Ok(src) = std::fs::read_to_string(e.path()) {
                bodies.extend(extract::run_bodies(&src));
            }
        }
    }
    if !bodies.is_empty() {
        measure("corpus RUN bodies", &bodies, 5);
    }
}

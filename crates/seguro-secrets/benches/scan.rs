//! Throughput of `scan`: MB/s on 10 MB of generated text without secrets and on the real
//! Dockerfiles of the dev corpus (read at run time, never copied).
//!
//! Run with `cargo bench -p seguro-secrets`. Set `SEGURO_CORPUS` to point at another corpus
//! directory. Prints one line per data set.
#![allow(clippy::print_stdout)] // A harness-less benchmark reports on stdout.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

/// Words with no scanner anchor in them.
const PLAIN: &[&str] = &[
    "the",
    "build",
    "image",
    "layer",
    "install",
    "package",
    "version",
    "update",
    "run",
    "copy",
    "from",
    "stage",
    "user",
    "group",
    "home",
    "directory",
    "file",
    "binary",
    "release",
    "download",
    "verify",
    "checksum",
    "archive",
    "extract",
    "configure",
    "make",
    "clean",
    "cache",
    "remove",
    "apt-get",
    "-y",
    "--no-install-recommends",
    "&&",
    "\\",
    "rm",
    "-rf",
    "/var/lib/apt/lists/*",
    "curl",
    "-fsSL",
    "tar",
    "-xzf",
    "python3",
    "pip",
    "node",
    "npm",
    "ci",
    "go",
    "mod",
    "download",
    "cargo",
    "build",
    "--release",
    "1.2.3",
    "amd64",
    "arm64",
    "linux",
    "debian",
    "bookworm",
    "alpine",
    "3.20",
    "ENV",
    "ARG",
    "WORKDIR",
    "/app",
    "EXPOSE",
    "8080",
    "HEALTHCHECK",
    "CMD",
    "ENTRYPOINT",
    "LABEL",
    "maintainer",
    "description",
    "because",
    "which",
    "when",
    "where",
    "every",
    "other",
    "about",
    "would",
    "these",
    "could",
];

/// Words that carry an anchor (`key`, `token`, `://` …) but no secret.
const ANCHORED: &[&str] = &[
    "apt-key",
    "--recv-keys",
    "keyserver.ubuntu.com",
    "https://deb.debian.org/debian",
    "https://github.com/org/repo/releases/download/v1.2.3/tool.tar.gz",
    "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
    "--disabled-password",
    "PASSWORD_FILE=/run/secrets/db",
    "token",
    "authors",
    "$PWD",
    "TZ=Asia/Tokyo",
];

fn generate(size: usize, anchored_per_mille: u64, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut s = String::with_capacity(size + 128);
    let mut col = 0;
    while s.len() < size {
        let w = if anchored_per_mille > 0 && rng.next() % 1000 < anchored_per_mille {
            rng.pick(ANCHORED)
        } else {
            rng.pick(PLAIN)
        };
        s.push_str(w);
        col += w.len() + 1;
        if col > 80 {
            s.push('\n');
            col = 0;
        } else {
            s.push(' ');
        }
    }
    s
}

fn corpus_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SEGURO_CORPUS") {
        return Some(PathBuf::from(p));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        here.join("../../../shared/corpus/dev"),
        PathBuf::from("/work/shared/corpus/dev"),
    ];
    candidates.into_iter().find(|p| p.is_dir())
}

fn read_corpus() -> Option<String> {
    let dir = corpus_dir()?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut all = String::new();
    for p in paths {
        if let Ok(bytes) = std::fs::read(&p) {
            all.push_str(&String::from_utf8_lossy(&bytes));
            all.push('\n');
        }
    }
    Some(all)
}

/// Runs `scan` over `text` for at least `min` wall time; returns MB/s and the finding count.
fn measure(text: &str, min: Duration) -> (f64, usize) {
    let n = seguro_secrets::scan(text).len(); // warm-up (builds the automaton)
    let start = Instant::now();
    let mut iters = 0u32;
    while start.elapsed() < min || iters < 3 {
        black_box(seguro_secrets::scan(black_box(text)));
        iters += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = text.len() as f64 * iters as f64 / 1e6;
    (mb / secs, n)
}

fn main() {
    // `cargo test --benches` runs benches with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let min = if quick {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(2)
    };
    let size = if quick { 1_000_000 } else { 10_000_000 };

    let plain = generate(size, 0, 0x9E37_79B9_7F4A_7C15);
    let (mbs, n) = measure(&plain, min);
    println!(
        "no-secret text, no anchor words   {:>6.1} MB  {mbs:>8.1} MB/s  findings {n}",
        plain.len() as f64 / 1e6
    );

    let anchored = generate(size, 20, 0x1234_5678_9ABC_DEF1);
    let (mbs, n) = measure(&anchored, min);
    println!(
        "no-secret text, 2% anchor words   {:>6.1} MB  {mbs:>8.1} MB/s  findings {n}",
        anchored.len() as f64 / 1e6
    );

    match read_corpus() {
        Some(c) => {
            let (mbs, n) = measure(&c, min);
            println!(
                "dev corpus Dockerfiles            {:>6.1} MB  {mbs:>8.1} MB/s  findings {n}",
                c.len() as f64 / 1e6
            );
        }
        None => println!("dev corpus not found (set SEGURO_CORPUS)"),
    }
}

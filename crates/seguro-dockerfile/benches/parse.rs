//! Parser throughput: the real-world corpus and synthetic large files, in MB/s on one core.
//!
//! `cargo bench -p seguro-dockerfile --bench parse` (reads ../shared/corpus/dev in place).

use std::hint::black_box;
use std::time::{Duration, Instant};

fn measure(label: &str, bytes: usize, mut f: impl FnMut()) {
    // Warm up, then repeat for at least one second.
    f();
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < Duration::from_secs(1) || runs < 3 {
        f();
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64() / f64::from(runs);
    let mbps = bytes as f64 / secs / 1e6;
    println!(
        "{label:<40} {:>9.2} MB  {:>9.3} ms/run  {mbps:>8.1} MB/s",
        bytes as f64 / 1e6,
        secs * 1e3
    );
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let mut files: Vec<String> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if let Ok(bytes) = std::fs::read(e.path()) {
                files.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    let total: usize = files.iter().map(String::len).sum();
    if !files.is_empty() {
        measure(
            &format!("corpus ({} files), parse", files.len()),
            total,
            || {
                for f in &files {
                    black_box(seguro_dockerfile::parse(black_box(f)));
                }
            },
        );
        measure("corpus, parse + model", total, || {
            for f in &files {
                let df = seguro_dockerfile::parse(black_box(f));
                black_box(seguro_dockerfile::Model::new(&df));
            }
        });
    } else {
        println!("corpus not found at {}: skipped", dir.display());
    }
    // One big RUN with many continuation lines (cost must stay linear).
    for lines in [1_000usize, 10_000, 100_000] {
        let mut src = String::from("FROM debian:12\nRUN set -eux \\\n");
        for i in 0..lines {
            src.push_str(&format!("  && echo step-{i} > /tmp/f{i} \\\n"));
        }
        src.push_str("  && true\n");
        measure(
            &format!("one RUN, {lines} continuation lines"),
            src.len(),
            || {
                black_box(seguro_dockerfile::parse(black_box(&src)));
            },
        );
    }
    // Many small instructions.
    let mut many = String::from("FROM alpine:3.20\n");
    for i in 0..50_000 {
        many.push_str(&format!(
            "ENV K{i}=v{i} X{i}=\"y {i}\"\nCOPY --chown=1:1 a{i} /b/\n"
        ));
    }
    measure("100k ENV/COPY instructions", many.len(), || {
        black_box(seguro_dockerfile::parse(black_box(&many)));
    });
}

//! Reads an image with `seguro_image::open` and prints a one-line summary per layer, the
//! time taken and the peak memory: used by `bench/image-gzip.sh` and for debugging.
//!
//! `cargo run --release -p seguro-image --example read_image -- IMAGE [--platform P]`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut options = seguro_image::Options::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--platform" => options.platform = args.next(),
            _ => path = Some(PathBuf::from(a)),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: read_image IMAGE [--platform os/arch]");
        std::process::exit(2);
    };
    let start = Instant::now();
    let image = match seguro_image::open(&path, &options) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let elapsed = start.elapsed();
    println!(
        "{:?} platform={} manifest={} config={} user={:?} names={:?}",
        image
            .format
            .as_ref()
            .map(|f| format!("{f:?}"))
            .unwrap_or_default(),
        image.platform.as_deref().unwrap_or("?"),
        image.manifest_digest.as_deref().unwrap_or("-"),
        image.config_digest,
        image.config.user,
        image.names,
    );
    let mut bytes = 0;
    for l in &image.layers {
        bytes += l.tar_size;
        println!(
            "{} {:?} stored={} tar={} entries={} hazards={}",
            l.label(),
            l.compression,
            l.stored_size,
            l.tar_size,
            l.entries.len(),
            l.entries.iter().filter(|e| e.hazard.is_some()).count()
        );
    }
    for w in &image.warnings {
        println!("warning: {w}");
    }
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_default();
    eprintln!(
        "read {} layers, {} MiB uncompressed in {:.3}s ({:.0} MiB/s), peak RSS {hwm}",
        image.layers.len(),
        bytes >> 20,
        elapsed.as_secs_f64(),
        (bytes as f64 / 1048576.0) / elapsed.as_secs_f64()
    );
}

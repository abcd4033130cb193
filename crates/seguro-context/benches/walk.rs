//! Walk benchmark: a generated 200,000-file context (node_modules-like depth) walked with
//! a realistic `.dockerignore` and with none, against `find DIR -type f | wc -l`.
//!
//! Run with `cargo bench -p seguro-context --bench walk`. Set `SEGURO_BENCH_FILES` to
//! change the size. The tree is created under the temp dir and removed at the end.

#![allow(clippy::print_stdout)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const IGNORE: &str = "node_modules\n.git\n*.log\n!important.log\ndist/**\n**/*.tmp\n";

/// Writes `total` files: about 70 % in node_modules (packages with nested lib/ and
/// node_modules/ levels), the rest in src/, .git/, dist/ and logs.
fn generate(root: &Path, total: usize) -> usize {
    let mut n = 0;
    let write = |p: PathBuf, n: &mut usize| {
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        let body = format!("// {}\n", p.display());
        fs::write(&p, &body[..body.len().min(40 + (*n % 64))]).expect("write");
        *n += 1;
    };
    let nm = total * 7 / 10;
    let mut pkg = 0;
    while n < nm {
        let base = root.join("node_modules").join(format!("pkg-{pkg}"));
        for f in ["package.json", "index.js", "README.md", "LICENSE"] {
            write(base.join(f), &mut n);
        }
        for i in 0..12 {
            write(
                base.join("lib")
                    .join(format!("m{}", i % 3))
                    .join(format!("f{i}.js")),
                &mut n,
            );
        }
        for i in 0..8 {
            write(
                base.join("node_modules")
                    .join(format!("dep-{}", i % 2))
                    .join("dist")
                    .join(format!("d{i}.js")),
                &mut n,
            );
        }
        pkg += 1;
    }
    let git = nm + total / 20;
    let mut i = 0;
    while n < git {
        write(
            root.join(".git/objects")
                .join(format!("{:02x}", i % 256))
                .join(format!("obj{i}")),
            &mut n,
        );
        i += 1;
    }
    let dist = git + total / 20;
    while n < dist {
        write(
            root.join("dist")
                .join(format!("chunk{}", i % 40))
                .join(format!("c{i}.js")),
            &mut n,
        );
        i += 1;
    }
    while n < total {
        let m = n % 100;
        let dir = root
            .join("src")
            .join(format!("mod{}", n % 50))
            .join(format!("sub{}", n % 7));
        let name = match m {
            0 => format!("debug{n}.log"),
            1 => format!("scratch{n}.tmp"),
            2 => "important.log".to_string(),
            _ => format!("file{n}.ts"),
        };
        write(dir.join(name), &mut n);
    }
    write(root.join("Dockerfile"), &mut n);
    fs::write(root.join(".dockerignore"), IGNORE).expect("write .dockerignore");
    n + 1
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = f(); // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        last = f();
        times.push(t.elapsed());
    }
    (median(times), last)
}

fn main() {
    let total: usize = std::env::var("SEGURO_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let root = std::env::temp_dir().join(format!("seguro-context-bench-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let t = Instant::now();
    let written = generate(&root, total);
    println!(
        "generated {written} files in {:.1?} under {}",
        t.elapsed(),
        root.display()
    );

    let patterns = seguro_context::ignorefile::read(IGNORE);
    let runs = 7;

    let (d_ignore, files) = time(runs, || {
        seguro_context::walk(&root, &patterns).expect("walk")
    });
    let (d_all, all) = time(runs, || {
        seguro_context::walk(&root, &[] as &[&str]).expect("walk")
    });
    let (d_find, found) = time(runs, || {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("find '{}' -type f | wc -l", root.display()))
            .output()
            .expect("run find");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
    });

    let per_s = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "walk with .dockerignore: {:>8.1?}  {} files sent, {} pruned dirs ({:.0} files/s of the tree)",
        d_ignore,
        files.files.len(),
        files.pruned.len(),
        per_s(written, d_ignore)
    );
    println!(
        "walk without ignore:     {:>8.1?}  {} files sent ({:.0} files/s)",
        d_all,
        all.files.len(),
        per_s(all.files.len(), d_all)
    );
    println!(
        "find -type f | wc -l:    {:>8.1?}  {} files ({:.0} files/s)",
        d_find,
        found,
        per_s(found, d_find)
    );
    println!(
        "ratio walk/find: {:.2}x with .dockerignore, {:.2}x without",
        d_ignore.as_secs_f64() / d_find.as_secs_f64(),
        d_all.as_secs_f64() / d_find.as_secs_f64()
    );
    assert_eq!(
        all.files.len(),
        found,
        "an unfiltered walk sees what find sees"
    );
    let _ = fs::remove_dir_all(&root);
}

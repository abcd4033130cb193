//! Measures parsing on the real Dockerfiles of `/work/shared/corpus/dev` (read in place):
//! how many RUN bodies fall back to the tolerant splitter, why, and how fast. Ignored by
//! default: `cargo test -p seguro-shell --release --test corpus -- --ignored --nocapture`.

use std::collections::BTreeMap;
use std::path::Path;

#[path = "support/extract.rs"]
mod extract;
use extract::run_bodies;

fn check_spans(src: &str, s: &seguro_shell::Script) {
    let ok = |sp: seguro_shell::Span| {
        (sp.start as usize) <= src.len()
            && (sp.end as usize) <= src.len()
            && sp.start <= sp.end
            && src.is_char_boundary(sp.start as usize)
            && src.is_char_boundary(sp.end as usize)
    };
    for c in s.commands() {
        assert!(ok(c.span), "{src:?}");
        for w in c.words() {
            assert!(ok(w.span), "{src:?} {w:?}");
        }
        for r in &c.redirects {
            assert!(ok(r.target.span), "{src:?}");
        }
    }
}

#[test]
#[ignore = "reads the shared corpus; run explicitly"]
fn corpus_rejection_rate() {
    let dir = Path::new("/work/shared/corpus/dev");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut bodies = Vec::new();
    for e in entries.flatten() {
        if let Ok(src) = std::fs::read_to_string(e.path()) {
            for b in run_bodies(&src) {
                bodies.push((e.file_name().to_string_lossy().into_owned(), b));
            }
        }
    }
    let total_bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();
    let start = std::time::Instant::now();
    let mut degraded = 0;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples = String::new();
    let mut commands = 0;
    for (f, b) in &bodies {
        let s = seguro_shell::parse(b);
        commands += s.commands().count();
        if s.degraded() {
            degraded += 1;
            for p in s.problems() {
                let k: String = p
                    .split(" (detected")
                    .next()
                    .unwrap_or(p)
                    .split(" at line")
                    .next()
                    .unwrap_or(p)
                    .to_owned();
                *kinds.entry(k).or_default() += 1;
            }
            examples.push_str(&format!("=== {f} {:?}\n{b}\n", s.problems()));
        }
    }
    let el = start.elapsed();
    // how close the tolerant splitter comes to the full parse (program names in order)
    let mut same = 0;
    let mut compared = 0;
    for (_, b) in &bodies {
        let full = seguro_shell::parse(b);
        if full.degraded() {
            continue;
        }
        compared += 1;
        let tol = seguro_shell::parse_tolerant(b);
        let names = |s: &seguro_shell::Script| {
            s.commands()
                .map(|c| c.program().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
        };
        if names(&full) == names(&tol) {
            same += 1;
        } else if std::env::var_os("SEGURO_SHELL_DIFF").is_some() {
            examples.push_str(&format!(
                "--- DIFF\n{b}\nfull: {:?}\ntol:  {:?}\n",
                names(&full),
                names(&tol)
            ));
        }
    }
    for (_, b) in &bodies {
        check_spans(b, &seguro_shell::parse(b));
    }
    let _ = std::fs::write(
        std::env::temp_dir().join("seguro_shell_degraded.txt"),
        examples,
    );
    let msg = format!(
        "RUN bodies: {}, degraded: {} ({:.3}%), commands: {commands}, {} bytes in {:?} ({:.1} MB/s)\ntolerant splitter gives the same commands on {same}/{compared}\nkinds: {kinds:#?}",
        bodies.len(),
        degraded,
        100.0 * degraded as f64 / bodies.len().max(1) as f64,
        total_bytes,
        el,
        total_bytes as f64 / el.as_secs_f64() / 1e6
    );
    std::fs::write(std::env::temp_dir().join("seguro_shell_corpus.txt"), &msg).ok();
    assert!(degraded * 200 <= bodies.len(), "{msg}");
}

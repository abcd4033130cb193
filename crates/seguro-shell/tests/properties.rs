//! Property-style tests with a small hand-rolled generator: random bytes and shell-ish token
//! soups never panic, finish quickly, and every span lies inside the input on char
//! boundaries.

use seguro_shell::{Script, Span, parse};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "((",
    "))",
    "{",
    "}",
    ";",
    "&&",
    "||",
    "|",
    "&",
    "\n",
    "if",
    "then",
    "fi",
    "else",
    "for",
    "in",
    "do",
    "done",
    "while",
    "case",
    "esac",
    ";;",
    "a",
    "b=c",
    "$(",
    "`",
    "\"",
    "'",
    "<",
    ">",
    ">>",
    "2>&1",
    "<<EOF",
    "<<-'X'",
    "EOF",
    "X",
    "\tX",
    "function",
    "!",
    "[[",
    "]]",
    "${",
    "$((",
    "x",
    "echo",
    "--",
    "=",
    "\\",
    "sudo",
    "sh",
    "-c",
    "bash",
    "curl",
    "-fsSL",
    "https://x",
    "|",
    "wget",
    "-O-",
    "apt-get",
    "install",
    "-y",
    "pip",
    "npm",
    "sha256sum",
    "-c",
    "-",
    "é",
    "ü=1",
    "$'a\\n'",
    "<(",
    ">(",
    "#",
    "# c",
    "\\\n",
    "eval",
    "'x y'",
    "\"a $(b) c\"",
    "`d`",
    "set",
    "-o",
    "pipefail",
    "xargs",
    "env",
    "A=1",
    "tee",
    "f",
    "=",
    "@",
    "*",
];

fn check(src: &str, s: &Script) {
    let ok = |sp: Span| {
        sp.start <= sp.end
            && (sp.end as usize) <= src.len()
            && src.is_char_boundary(sp.start as usize)
            && src.is_char_boundary(sp.end as usize)
    };
    for c in s.commands() {
        assert!(ok(c.span), "command span {:?} in {src:?}", c.span);
        for w in c.words() {
            assert!(ok(w.span), "word span {:?} in {src:?}", w.span);
        }
        for a in &c.assignments {
            assert!(ok(a.span) && ok(a.value.span), "assignment span in {src:?}");
        }
        for r in &c.redirects {
            assert!(ok(r.target.span), "redirect span in {src:?}");
            if let Some(h) = &r.heredoc {
                assert!(ok(h.span), "heredoc span in {src:?}");
            }
        }
        for w in &c.wrappers {
            assert!(ok(w.span), "wrapper span in {src:?}");
        }
    }
    // the queries must not panic either
    let _ = s.package_ops();
    for d in s.downloads() {
        let _ = s.download_verified(&d);
    }
    let _ = s.pipes_to_shell();
    let _ = s.pipelines_without_pipefail().count();
    let _ = s.cd_commands().count();
    for c in s.commands() {
        let _ = seguro_shell::programs::files::chmod(c);
        let _ = seguro_shell::programs::files::extract(c);
        let _ = seguro_shell::programs::gpg::key_fetch(c);
        let _ = seguro_shell::programs::verify::check_kind(s, c);
    }
}

fn both(src: &str) {
    check(src, &parse(src));
    check(src, &seguro_shell::parse_tolerant(src));
}

#[test]
fn token_soups() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let n = rng.below(40) + 1;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(TOKENS[rng.below(TOKENS.len())]);
            if rng.below(3) > 0 {
                s.push(' ');
            }
        }
        both(&s);
    }
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let alphabet: Vec<char> = "abc$(){}[]'\"`\\|&;<>#=\n\t -éü€😀0123".chars().collect();
    for _ in 0..3000 {
        let n = rng.below(60);
        let s: String = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        both(&s);
        // arbitrary bytes, made valid UTF-8 lossily
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next() & 0xff) as u8).collect();
        let s = String::from_utf8_lossy(&bytes).into_owned();
        both(&s);
    }
}

#[test]
fn pathological_inputs_finish_quickly() {
    let cases = [
        "(".repeat(5000),
        ")".repeat(5000),
        format!("echo {}a{}", "$(".repeat(3000), ")".repeat(3000)),
        "$(".repeat(5000),
        "`".repeat(5001),
        format!(
            "{} true; {}",
            "if true; then ".repeat(500),
            "fi; ".repeat(500)
        ),
        format!("{} a; {}", "{ ".repeat(2000), "} ".repeat(2000)),
        format!("{}a{}", "(".repeat(300), ")".repeat(300)),
        "if ".repeat(3000),
        "\"".repeat(5001),
        "<<EOF ".repeat(2000),
        "a | ".repeat(5000),
        "sh -c \"".repeat(500),
        format!("{}echo hi{}", "sh -c '".repeat(40), "'".repeat(40)),
        format!("{}x{}", "${a:-".repeat(2000), "}".repeat(2000)),
        "\\".repeat(10001),
    ];
    for c in &cases {
        let t = std::time::Instant::now();
        both(c);
        assert!(
            t.elapsed().as_secs() < 20,
            "{} took {:?}",
            &c[..c.len().min(40)],
            t.elapsed()
        );
    }
}

#[test]
fn deep_nesting_does_not_overflow_a_small_stack() {
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for n in [10, 20, 24, 30, 100] {
                both(&format!("{}a{}", "(".repeat(n), ")".repeat(n)));
                both(&format!(
                    "{} true; {}",
                    "if true; then ".repeat(n),
                    "fi; ".repeat(n)
                ));
                both(&format!("echo {}a{}", "$(".repeat(n), ")".repeat(n)));
            }
        })
        .expect("spawn");
    assert!(h.join().is_ok());
}

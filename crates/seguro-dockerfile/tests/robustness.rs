//! Malformed input of any kind gives diagnostics, never a panic or a hang, and every
//! span stays inside the input.

use seguro_dockerfile::{Dockerfile, Model, dump, parse};
use std::time::{Duration, Instant};

fn check_spans(src: &str, df: &Dockerfile) {
    let ok = |s: seguro_dockerfile::Span| {
        s.start <= s.end && (s.end as usize) <= src.len() && src.is_char_boundary(s.start as usize)
    };
    for inst in &df.instructions {
        assert!(ok(inst.span) && ok(inst.keyword_span), "{:?}", inst.span);
        for f in &inst.flags {
            assert!(ok(f.span));
        }
        for a in &inst.args {
            assert!(ok(a.span));
        }
        for h in &inst.heredocs {
            assert!(ok(h.span));
        }
    }
    for e in df.errors.iter().chain(&df.warnings) {
        assert!(ok(e.span), "{e:?}");
    }
}

fn parse_all(src: &str) -> Dockerfile {
    let df = parse(src);
    check_spans(src, &df);
    let model = Model::new(&df);
    for i in 0..df.instructions.len() {
        let _ = model.expand(&df.instructions[i].original, i);
    }
    let _ = serde_json::to_string(&dump::dump(src, &df)).unwrap();
    let _ = dump::sexpr(&df);
    df
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn token_soup_never_panics() {
    let tokens = [
        "FROM",
        "RUN",
        "COPY",
        "ADD",
        "ENV",
        "LABEL",
        "ARG",
        "ONBUILD",
        "HEALTHCHECK",
        "CMD",
        "SHELL",
        "USER",
        "EXPOSE",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\\",
        "`",
        "#",
        "# escape=`",
        "# syntax=x",
        "<<EOF",
        "<<-'E'",
        "EOF",
        "E",
        "\"",
        "'",
        "[",
        "]",
        ",",
        "=",
        "--",
        "--mount=type=cache",
        "--from=",
        "${",
        "}",
        "$A",
        ":-",
        "é",
        "\u{feff}",
        "\u{a0}",
        "\u{85}",
        "\0",
        "[\"a\"",
        "1",
        "AS",
        "x",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let n = (rng.next() % 40) as usize;
        let src: String = (0..n).map(|_| rng.pick(&tokens)).collect();
        parse_all(&src);
    }
}

#[test]
fn binary_and_lossy_input() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(20_000).collect();
    let text = String::from_utf8_lossy(&bytes);
    let df = parse_all(&text);
    assert!(!df.errors.is_empty());
    parse_all("\u{feff}\u{feff}FROM a\n");
    parse_all("FROM a\nRUN \u{fffd}\u{fffd}\\\n\u{fffd}\n");
}

#[test]
fn ten_megabyte_line_is_an_error_not_a_hang() {
    let src = format!("FROM a\nRUN echo {}\nUSER app\n", "x".repeat(10 << 20));
    let start = Instant::now();
    let df = parse_all(&src);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(df.parser_errors().any(|e| e.message.contains("65535")));
    assert_eq!(df.instructions.len(), 3, "the rest of the file is kept");
}

#[test]
fn deep_continuations_and_many_heredocs() {
    let mut src = String::from("FROM a\nRUN true");
    for _ in 0..200_000 {
        src.push_str(" \\\n  && true");
    }
    src.push('\n');
    for i in 0..2_000 {
        src.push_str(&format!("COPY <<F{i} /f{i}\nbody {i}\nF{i}\n"));
    }
    let start = Instant::now();
    let df = parse_all(&src);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(df.instructions.len(), 2_002);
    assert!(df.errors.is_empty(), "{:?}", &df.errors[..1]);
}

#[test]
fn unterminated_constructs_are_reported_with_a_place() {
    for src in [
        "FROM a\nRUN <<EOF\nnever ends\n",
        "FROM a\nCMD [\"a\", 1]\n",
        "FROM a\nENV X\n",
        "# escape=x\nFROM a\n",
        "# escape=`\n# escape=\\\nFROM a\n",
        "   \n\n# only a comment\n",
        "FROM a\nRUN <<'EOF\nx\n",
    ] {
        let df = parse_all(src);
        assert!(!df.errors.is_empty(), "{src:?}");
    }
}

#[test]
fn deep_json_nesting() {
    let src = format!(
        "FROM a\nCMD [{}\"x\"{}]\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    parse_all(&src);
}

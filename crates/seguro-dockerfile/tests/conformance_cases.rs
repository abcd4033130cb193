//! One named test per conformance case, read in place from `shared/conformance`:
//! every BuildKit parser fixture (`parser::positive::<case>`, `parser::negative::<case>`)
//! and every Linux line of BuildKit's `envVarTest` (`lexer::envVarTest::line<N>`), so a
//! failure names its case. `cargo test -p seguro-dockerfile --test conformance_cases`.

use libtest_mimic::{Arguments, Failed, Trial};
use seguro_dockerfile::lex::Lexer;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
}

fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap_or_default()).unwrap_or_default()
}

fn parser_trials() -> Vec<Trial> {
    let mut trials = Vec::new();
    for (sub, positive) in [("testfiles", true), ("testfiles-negative", false)] {
        let dir = root().join("buildkit-parser").join(sub);
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        cases.sort();
        let expected = if positive { 33 } else { 4 };
        let kind = if positive { "positive" } else { "negative" };
        trials.push(Trial::test(
            format!("parser::{kind}::case_count"),
            move || {
                if cases_len(&dir) == expected {
                    Ok(())
                } else {
                    Err(format!("expected {expected} {kind} cases in {}", dir.display()).into())
                }
            },
        ));
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            trials.push(Trial::test(format!("parser::{kind}::{name}"), move || {
                let src = read(&case.join("Dockerfile"));
                let df = seguro_dockerfile::parse(&src);
                let refused: Vec<_> = df.parser_errors().map(|e| e.message.clone()).collect();
                if !positive {
                    return if refused.is_empty() {
                        Err("parsed, but BuildKit refuses it".into())
                    } else {
                        Ok(())
                    };
                }
                if !refused.is_empty() {
                    return Err(format!("refused: {refused:?}").into());
                }
                let got = seguro_dockerfile::dump::sexpr(&df);
                let want = read(&case.join("result"));
                if got == want {
                    Ok(())
                } else {
                    Err(format!("--- expected\n{want}--- got\n{got}").into())
                }
            }));
        }
    }
    trials
}

fn cases_len(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().filter(|e| e.path().is_dir()).count())
        .unwrap_or(0)
}

fn lexer_trials() -> Vec<Trial> {
    let env: Vec<(String, String)> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let text = read(&root().join("shell-lexer/envVarTest"));
    let mut trials = Vec::new();
    let mut runnable = 0;
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        let [platform, source, expected] = fields[..] else {
            continue;
        };
        if platform == "W" {
            continue;
        }
        runnable += 1;
        let (source, expected, env) = (source.to_string(), expected.to_string(), env.clone());
        trials.push(Trial::test(
            format!("lexer::envVarTest::line{}", n + 1),
            move || {
                let got = Lexer::new('\\').process_word(&source, &env);
                match (expected.as_str(), got) {
                    ("error", Err(_)) => Ok(()),
                    ("error", Ok(v)) => Err(Failed::from(format!(
                        "{source:?}: expected an error, got {v:?}"
                    ))),
                    (want, Ok(v)) if v == want => Ok(()),
                    (want, got) => {
                        Err(format!("{source:?}: expected {want:?}, got {got:?}").into())
                    }
                }
            },
        ));
    }
    trials.push(Trial::test("lexer::envVarTest::case_count", move || {
        if runnable == 228 {
            Ok(())
        } else {
            Err(format!("expected 228 runnable lines, found {runnable}").into())
        }
    }));
    trials
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = parser_trials();
    trials.extend(lexer_trials());
    libtest_mimic::run(&args, trials).exit();
}

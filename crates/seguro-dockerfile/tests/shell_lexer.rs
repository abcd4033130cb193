//! Conformance of the shell word lexer with BuildKit's `frontend/dockerfile/shell` test data.
//!
//! The fixtures are read in place from `shared/conformance/shell-lexer/` (see the README
//! there for the formats). Each test checks every case of one fixture and, on failure,
//! lists every failing case with its line and input.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use seguro_dockerfile::lex::{Env, Lexer, env_from_kv_list};
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/shell-lexer");
    assert!(
        dir.is_dir(),
        "conformance data missing: expected the shell-lexer fixtures at {}",
        dir.display()
    );
    dir
}

/// The fixture's lines as Go's `bufio.Scanner` yields them: split on `\n`, one trailing
/// `\r` dropped, no empty final line.
fn fixture_lines(name: &str) -> Vec<String> {
    let path = fixture_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let text = String::from_utf8(bytes).unwrap_or_else(|err| panic!("{name}: {err}"));
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned())
        .collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    lines
}

fn inline_cases() -> Value {
    let path = fixture_dir().join("inline-cases.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn cases<'a>(root: &'a Value, key: &str) -> &'a [Value] {
    root[key]["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("inline-cases.json: `{key}.cases` is not an array"))
}

fn text<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("case {case}: `{field}` is not a string"))
}

fn string_list(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn string_set(value: &Value) -> BTreeSet<String> {
    string_list(value).into_iter().map(str::to_owned).collect()
}

fn assert_no_failures(fixture: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{fixture}: {} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn env_var_test() {
    let env: Vec<(String, String)> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect();
    let lexer = Lexer::new('\\');
    let mut failures = Vec::new();
    let mut runnable = 0;
    for (index, raw) in fixture_lines("envVarTest").iter().enumerate() {
        let line_number = index + 1;
        if raw.starts_with('#') {
            continue;
        }
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(
            fields.len(),
            3,
            "envVarTest:{line_number}: malformed line {raw:?}"
        );
        let (platform, source, expected) = (fields[0].trim(), fields[1].trim(), fields[2].trim());
        match platform {
            "A" | "U" => {}
            "W" => continue,
            other => panic!("envVarTest:{line_number}: unknown platform {other:?}"),
        }
        runnable += 1;
        let got = lexer.process_word(source, &env);
        let ok = match (&got, expected) {
            (Err(_), "error") => true,
            (Ok(word), expected) => expected != "error" && word == expected,
            (Err(_), _) => false,
        };
        if !ok {
            failures.push(format!(
                "line {line_number}: input {source:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert_eq!(runnable, 228, "envVarTest: runnable line count changed");
    assert_no_failures("envVarTest", &failures);
}

#[test]
fn words_test() {
    let lexer = Lexer::new('\\');
    let mut env: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for (index, line) in fixture_lines("wordsTest").iter().enumerate() {
        let line_number = index + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(entry) = line.strip_prefix("ENV ") {
            let entry = entry.trim_start_matches(' ');
            let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
            env.push((key.to_owned(), value.to_owned()));
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(
            fields.len(),
            2,
            "wordsTest:{line_number}: malformed line {line:?}"
        );
        count += 1;
        let input = fields[0].trim();
        let expected: Vec<&str> = fields[1].trim_start_matches(' ').split(',').collect();
        let got = lexer
            .process_words(input, &env)
            .unwrap_or_else(|_| vec!["error".to_owned()]);
        if got != expected {
            failures.push(format!(
                "line {line_number}: input {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert_eq!(count, 24, "wordsTest: case count changed");
    assert_no_failures("wordsTest", &failures);
}

/// `process_word_with_matches` and `process_word_platform` share one shape.
fn check_with_matches(root: &Value, key: &str, expected_count: usize) {
    let lexer = Lexer::new('\\');
    let all = cases(root, key);
    assert_eq!(all.len(), expected_count, "{key}: case count changed");
    let mut failures = Vec::new();
    for case in all {
        let input = text(case, "input");
        let env = string_map(&case["env"]);
        let got = lexer.process_word_with_matches(input, &env);
        let line = &case["line"];
        let mut problem = String::new();
        match (&got, case["error"].as_bool().unwrap_or(false)) {
            (Err(_), true) => {}
            (Ok(found), true) => {
                let _ = write!(problem, "expected an error, got {:?}", found.result);
            }
            (Err(err), false) => {
                let _ = write!(problem, "unexpected error: {err}");
            }
            (Ok(found), false) => {
                let result = text(case, "result");
                if found.result != result {
                    let _ = write!(
                        problem,
                        "result {:?} != expected {result:?}; ",
                        found.result
                    );
                }
                for (field, got_set) in
                    [("matched", &found.matched), ("unmatched", &found.unmatched)]
                {
                    if case.get(field).is_some() && *got_set != string_set(&case[field]) {
                        let _ = write!(
                            problem,
                            "{field} {got_set:?} != expected {:?}; ",
                            string_set(&case[field])
                        );
                    }
                }
            }
        }
        if !problem.is_empty() {
            failures.push(format!(
                "lex_test.go line {line}: input {input:?}: {problem}"
            ));
        }
    }
    assert_no_failures(key, &failures);
}

#[test]
fn inline_process_word_with_matches() {
    check_with_matches(&inline_cases(), "process_word_with_matches", 47);
}

#[test]
fn inline_process_word_platform() {
    check_with_matches(&inline_cases(), "process_word_platform", 3);
}

#[test]
fn inline_process_word_required() {
    let root = inline_cases();
    let lexer = Lexer::new('\\');
    let all = cases(&root, "process_word_required");
    assert_eq!(all.len(), 6, "process_word_required: case count changed");
    let mut failures = Vec::new();
    for case in all {
        let input = text(case, "input");
        let env = env_from_kv_list(&string_list(&case["env"]));
        let got = lexer.process_word(input, &env);
        let ok = if case["error"].as_bool().unwrap_or(false) {
            let needle = text(case, "error_contains");
            matches!(&got, Err(err) if err.message.contains(needle))
        } else {
            matches!(&got, Ok(word) if word == text(case, "result"))
        };
        if !ok {
            failures.push(format!(
                "lex_test.go line {}: input {input:?} with env {:?}: got {got:?}, case {case}",
                case["line"], case["env"]
            ));
        }
    }
    assert_no_failures("process_word_required", &failures);
}

#[test]
fn inline_env_lookup() {
    let root = inline_cases();
    let all = cases(&root, "env_lookup");
    assert_eq!(all.len(), 7, "env_lookup: case count changed");
    let mut failures = Vec::new();
    for case in all {
        let env = env_from_kv_list(&string_list(&case["env"]));
        let name = text(case, "name");
        let got = env.get(name).unwrap_or_default();
        if got != text(case, "value") {
            failures.push(format!(
                "lex_test.go line {}: {name:?} in {:?}: got {got:?}, expected {:?}",
                case["line"], case["env"], case["value"]
            ));
        }
    }
    assert_no_failures("env_lookup", &failures);
}

//! Runs every case of `shared/conformance/dockerignore/cases.json`, read in place.
//!
//! Each test walks one section and names every failing case by its id.

use std::fs;
use std::path::PathBuf;

use seguro_context::gopath::clean;
use seguro_context::{MatchInfo, MatchType, Matcher, ignorefile};
use serde_json::Value;

fn cases() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/dockerignore/cases.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("cases.json is JSON")
}

fn section<'a>(all: &'a Value, key: &str) -> &'a Vec<Value> {
    all[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} missing"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn id(case: &Value) -> String {
    case["id"].as_str().unwrap_or("?").to_string()
}

fn report(section: &str, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{section}: {} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn counts() {
    let all = cases();
    assert_eq!(section(&all, "matcher_cases").len(), 147);
    assert_eq!(section(&all, "file_parsing_cases").len(), 2);
    assert_eq!(section(&all, "construction_cases").len(), 6);
    assert_eq!(section(&all, "compile_cases").len(), 21);
    assert_eq!(section(&all, "context_cases").len(), 4);
}

/// The ancestors of a raw path as patternmatcher's tests walk them (parent split on `/`).
fn parent_prefixes(path: &str) -> Vec<String> {
    let parent = seguro_context::gopath::dir(path);
    if parent == "." {
        return Vec::new();
    }
    let parts: Vec<&str> = parent.split('/').collect();
    (1..=parts.len()).map(|i| parts[..i].join("/")).collect()
}

/// Runs one case under one mode; `Err` when matching (or building) fails.
fn run_mode(mode: &str, patterns: &[String], path: &str) -> Result<bool, String> {
    let m = Matcher::new(patterns).map_err(|e| e.to_string())?;
    let r = match mode {
        "CleanThenMatchesOrParentMatches" => {
            let p = clean(path);
            if p == "." {
                Ok(false)
            } else {
                m.matches_or_parent_matches(&p)
            }
        }
        "MatchesOrParentMatches" => m.matches_or_parent_matches(path),
        "Matches" => {
            let p = clean(path);
            if p == "." { Ok(false) } else { m.matches(&p) }
        }
        "MatchesUsingParentResult" => {
            let mut parent = false;
            for a in parent_prefixes(path) {
                parent = m.matches_using_parent_result(&a, parent).unwrap_or(false);
            }
            m.matches_using_parent_result(path, parent)
        }
        "MatchesUsingParentResults" => {
            let mut info = MatchInfo::default();
            for a in parent_prefixes(path) {
                if let Ok((_, next)) = m.matches_using_parent_results(&a, &info) {
                    info = next;
                }
            }
            m.matches_using_parent_results(path, &info).map(|(b, _)| b)
        }
        "MatchesUsingParentResultsNoContext" => m
            .matches_using_parent_results(path, &MatchInfo::default())
            .map(|(b, _)| b),
        other => panic!("unknown mode {other}"),
    };
    r.map_err(|e| e.to_string())
}

#[test]
fn matcher_cases() {
    let all = cases();
    let mut failures = Vec::new();
    let mut runs = 0;
    for case in section(&all, "matcher_cases") {
        let platform = case["platform"].as_str().unwrap_or("all");
        if platform != "all" && platform != "unix" {
            continue;
        }
        let patterns = strings(&case["patterns"]);
        let path = case["path"].as_str().unwrap_or_default();
        let expected = case["match"].as_bool().unwrap_or(false);
        let is_error = case.get("error").is_some();

        if is_error && case["error_stage"].as_str() == Some("match") {
            // Building must succeed and every call must fail, without crashing.
            match Matcher::new(&patterns) {
                Err(e) => failures.push(format!("{}: construction failed: {e}", id(case))),
                Ok(m) => {
                    let calls = case["repeat_calls"].as_u64().unwrap_or(1);
                    for call in 0..calls {
                        if m.matches_or_parent_matches(path).is_ok() {
                            failures.push(format!("{}: call {call} did not fail", id(case)));
                        }
                    }
                }
            }
            runs += 1;
            continue;
        }

        // The harness rule of the README: clean, `.` never matches, MatchesOrParentMatches.
        let mut modes = vec!["CleanThenMatchesOrParentMatches".to_string()];
        modes.extend(strings(&case["modes"]));
        modes.dedup();
        for mode in &modes {
            runs += 1;
            let got = run_mode(mode, &patterns, path);
            match (is_error, got) {
                (true, Ok(v)) => {
                    failures.push(format!("{} [{mode}]: expected an error, got {v}", id(case)))
                }
                (false, Err(e)) => {
                    failures.push(format!("{} [{mode}]: unexpected error {e}", id(case)))
                }
                (false, Ok(v)) if v != expected => failures.push(format!(
                    "{} [{mode}]: {patterns:?} vs {path:?}: got {v}, want {expected}",
                    id(case)
                )),
                _ => {}
            }
        }
    }
    assert!(runs > 300, "only {runs} runs");
    report("matcher_cases", failures);
}

#[test]
fn file_parsing_cases() {
    let all = cases();
    let mut failures = Vec::new();
    for case in section(&all, "file_parsing_cases") {
        let input = case["input"].as_str().unwrap_or("");
        let want = strings(&case["patterns"]);
        let got = ignorefile::read(input);
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", id(case)));
        }
    }
    report("file_parsing_cases", failures);
}

#[test]
fn construction_cases() {
    let all = cases();
    let mut failures = Vec::new();
    for case in section(&all, "construction_cases") {
        let patterns = strings(&case["patterns"]);
        let built = Matcher::new(&patterns);
        if case.get("error").is_some() {
            if built.is_ok() {
                failures.push(format!("{}: expected an error", id(case)));
            }
            continue;
        }
        let Ok(m) = built else {
            failures.push(format!("{}: unexpected error", id(case)));
            continue;
        };
        if let Some(n) = case["active_pattern_count"].as_u64()
            && m.patterns().len() as u64 != n
        {
            failures.push(format!(
                "{}: {} active patterns, want {n}",
                id(case),
                m.patterns().len()
            ));
        }
        if let Some(ex) = case["exclusions"].as_bool()
            && m.exclusions() != ex
        {
            failures.push(format!(
                "{}: exclusions {}, want {ex}",
                id(case),
                m.exclusions()
            ));
        }
    }
    report("construction_cases", failures);
}

#[test]
fn compile_cases() {
    let all = cases();
    let mut failures = Vec::new();
    for case in section(&all, "compile_cases") {
        let pattern = case["pattern"].as_str().unwrap_or_default();
        let m = match Matcher::new([pattern]) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{}: {e}", id(case)));
                continue;
            }
        };
        let p = &m.patterns()[0];
        let want = match case["match_type"].as_str().unwrap_or_default() {
            "exactMatch" => MatchType::Exact,
            "prefixMatch" => MatchType::Prefix,
            "suffixMatch" => MatchType::Suffix,
            _ => MatchType::Regexp,
        };
        if p.match_type() != want {
            failures.push(format!(
                "{}: {pattern:?} is {:?}, want {want:?}",
                id(case),
                p.match_type()
            ));
        }
        if let Some(re) = case["regexp"].as_str()
            && p.go_regexp() != Some(re)
        {
            failures.push(format!(
                "{}: {pattern:?} regexp {:?}, want {re:?}",
                id(case),
                p.go_regexp()
            ));
        }
    }
    report("compile_cases", failures);
}

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "seguro-context-conf-{tag}-{}-{nanos}",
        std::process::id()
    ));
    fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

#[test]
fn context_cases() {
    let all = cases();
    let mut failures = Vec::new();
    for (n, case) in section(&all, "context_cases").iter().enumerate() {
        let ignore_text = case["ignore_text"].as_str().unwrap_or_default();
        let patterns = ignorefile::read(ignore_text);
        let built = Matcher::new(&patterns);

        // On disk too: the whole walk, with the ignore file BuildKit picks.
        let dir = temp_dir(&format!("case{n}"));
        let ignore_file = case["ignore_file"].as_str().unwrap_or(".dockerignore");
        let dockerfile = case["dockerfile"].as_str().unwrap_or("Dockerfile");
        for f in strings(&case["context_files"]) {
            let content = if f == ignore_file {
                ignore_text.to_string()
            } else if f == dockerfile {
                case["dockerfile_text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            } else {
                format!("{f}\n")
            };
            fs::write(dir.join(&f), content).expect("write case file");
        }
        let picked = seguro_context::dockerignore_for(&dir, &dir.join(dockerfile));
        if picked.as_deref() != Some(dir.join(ignore_file).as_path()) {
            failures.push(format!("{}: ignore file picked {picked:?}", id(case)));
        }
        let walked = seguro_context::walk_for_dockerfile(&dir, &dir.join(dockerfile));

        if case.get("error").is_some() {
            if built.is_ok() || walked.is_ok() {
                failures.push(format!("{}: expected an error", id(case)));
            }
        } else {
            let m = built.expect("patterns build");
            let (_, walked) = walked.expect("walk");
            let sent: Vec<&str> = walked.files.iter().map(|f| f.path.as_str()).collect();
            for f in strings(&case["sent"]) {
                if m.matches_or_parent_matches(&f) != Ok(false) {
                    failures.push(format!("{}: {f} should be sent (matcher)", id(case)));
                }
                if !sent.contains(&f.as_str()) {
                    failures.push(format!("{}: {f} should be sent (walk)", id(case)));
                }
            }
            for f in strings(&case["excluded"]) {
                if m.matches_or_parent_matches(&f) != Ok(true) {
                    failures.push(format!("{}: {f} should be excluded (matcher)", id(case)));
                }
                if sent.contains(&f.as_str()) {
                    failures.push(format!("{}: {f} should be excluded (walk)", id(case)));
                }
            }
        }
        fs::remove_dir_all(&dir).ok();
    }
    report("context_cases", failures);
}

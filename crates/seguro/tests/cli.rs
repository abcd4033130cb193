//! The `seguro lint` / `rule` / `rules` contract as users see it: the built binary run on
//! temporary files and directories.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_seguro");
const MAINTAINER: &str = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\nRUN echo hi\n";
const CLEAN: &str = "FROM alpine:3.20\nRUN echo hi\n";

/// A fresh, empty temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seguro-cli-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn seguro(dir: &Path, args: &[&str]) -> Output {
    seguro_stdin(dir, args, None)
}

fn seguro_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("SEGURO_FORMAT")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run seguro");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            pipe.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(out), stderr(out)))
}

/// Codes of the diagnostics of a `--format json` run.
fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Tags open and close in order, one root element: enough to call XML well-formed here.
fn assert_balanced_xml(xml: &str) {
    assert!(xml.starts_with("<?xml "), "{xml}");
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "stray `>` in text: {text:?}");
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "`<` inside a tag: {tag:?}");
        if tag.starts_with('?') {
            assert!(tag.ends_with('?'));
        } else if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else {
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            if stack.is_empty() {
                roots += 1;
            }
            if !tag.ends_with('/') {
                stack.push(name.to_string());
            }
        }
        // Attribute values: quotes balanced, no raw `&` that is not an entity.
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in {tag:?}"
        );
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1);
    for (i, _) in xml.match_indices('&') {
        let entity = &xml[i..xml[i..].find(';').map_or(xml.len(), |e| i + e + 1)];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity)
                || entity.starts_with("&#"),
            "bad entity {entity:?}"
        );
    }
}

#[test]
fn exit_codes() {
    let t = TempDir::new("exit");
    t.write("bad/Dockerfile", MAINTAINER);
    t.write("good/Dockerfile", CLEAN);
    let sel = ["lint", "--select", "SG701"];
    assert_eq!(code(&seguro(t.path(), &[&sel[..], &["good"]].concat())), 0);
    let out = seguro(t.path(), &[&sel[..], &["bad"]].concat());
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    // The threshold: a warning does not fail `--fail-on error`.
    let out = seguro(
        t.path(),
        &[&sel[..], &["--fail-on", "error", "bad"]].concat(),
    );
    assert_eq!(code(&out), 0);
    let out = seguro(t.path(), &[&sel[..], &["--fail-on", "off", "bad"]].concat());
    assert_eq!(code(&out), 0);
    // Usage, I/O and unknown rules: 2.
    let out = seguro(t.path(), &["lint", "missing/Dockerfile"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("missing/Dockerfile"),
        "{}",
        stderr(&out)
    );
    let out = seguro(t.path(), &["lint", "--select", "SG7O1", "bad"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("did you mean `SG701`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(code(&seguro(t.path(), &["lint", "--format", "yaml"])), 2);
    // One unparsable file is a finding (SG000), not an error, and does not hide others.
    t.write("broken/Dockerfile", "FROM alpine:3.20 AS\n");
    let out = seguro(t.path(), &["lint", "--format", "json", "broken", "bad"]);
    assert_eq!(code(&out), 1);
    let found = codes(&json(&out));
    assert!(found.contains(&"SG000".to_string()), "{found:?}");
    assert!(found.contains(&"SG701".to_string()), "{found:?}");
}

#[test]
fn json_matches_the_contract() {
    let t = TempDir::new("json");
    t.write("Dockerfile", MAINTAINER);
    let out = seguro(t.path(), &["lint", "--select", "SG701", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "seguro");
    assert!(v["tool"]["version"].is_string());
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "aliases",
        "help",
        "fix",
        "related",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "SG701");
    assert_eq!(d["name"], "maintainer-deprecated");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["file"], "Dockerfile");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(d["end_line"], 2);
    assert!(d["aliases"].as_array().unwrap().contains(&"DL4000".into()));
    let fix = &d["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert!(fix["title"].is_string());
    let edit = &fix["edits"][0];
    for key in ["line", "column", "end_line", "end_column", "content"] {
        assert!(edit.get(key).is_some(), "missing {key} in {edit}");
    }
    let s = &v["summary"];
    assert_eq!(s["files"], 1);
    assert_eq!(s["errors"], 0);
    assert_eq!(s["warnings"], 1);
    assert_eq!(s["infos"], 0);
    assert_eq!(s["fixable"], 1);
    // SEGURO_FORMAT chooses the format too.
    let out = Command::new(BIN)
        .args(["lint", "--select", "SG701"])
        .current_dir(t.path())
        .env("SEGURO_FORMAT", "json")
        .output()
        .unwrap();
    assert_eq!(json(&out)["summary"]["files"], 1);
}

#[test]
fn sarif_is_2_1_0_with_locations_and_rules() {
    let t = TempDir::new("sarif");
    t.write("a dir/Dockerfile", MAINTAINER);
    let out = seguro(
        t.path(),
        &["lint", "--select", "SG701", "--format", "sarif"],
    );
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "SG701"));
    for r in rules {
        assert!(r["helpUri"].as_str().unwrap().ends_with(".md"));
        assert!(
            r["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## What it does")
        );
        assert!(r["properties"]["security-severity"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    for res in results {
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "a%20dir/Dockerfile");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert_eq!(res["level"], "warning");
    }
}

#[test]
fn github_checkstyle_junit_gitlab() {
    let t = TempDir::new("formats");
    // A message and a file name that need escaping.
    t.write("we<ird&/Dockerfile", MAINTAINER);
    t.write("clean/Dockerfile", CLEAN);
    let run = |format: &str| {
        let out = seguro(t.path(), &["lint", "--select", "SG701", "--format", format]);
        assert_eq!(code(&out), 1, "{format}: {}", stderr(&out));
        stdout(&out)
    };
    let gh = run("github");
    let line = gh.lines().next().unwrap();
    assert!(
        line.starts_with("::warning file=we<ird&/Dockerfile,line=2,col=1,endLine=2,endColumn="),
        "{line}"
    );
    assert!(
        line.contains(",title=SG701 maintainer-deprecated::"),
        "{line}"
    );
    assert_eq!(gh.lines().count(), 1);

    let checkstyle = run("checkstyle");
    assert_balanced_xml(&checkstyle);
    assert!(checkstyle.contains("name=\"we&lt;ird&amp;/Dockerfile\""));
    assert!(checkstyle.contains("source=\"seguro.SG701\""));

    let junit = run("junit");
    assert_balanced_xml(&junit);
    assert_eq!(junit.matches("<testsuite ").count(), 2);
    assert_eq!(junit.matches("<failure ").count(), 1);

    let gitlab: Value = serde_json::from_str(&run("gitlab")).unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue["check_name"], "SG701");
    assert_eq!(issue["severity"], "major");
    assert_eq!(issue["location"]["path"], "we<ird&/Dockerfile");
    assert_eq!(issue["location"]["lines"]["begin"], 2);
    let fp = issue["fingerprint"].as_str().unwrap().to_string();
    // Stable across runs and across lines added above the finding.
    let again: Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert_eq!(again[0]["fingerprint"], fp.as_str());
    t.write(
        "we<ird&/Dockerfile",
        format!("# a comment\n{MAINTAINER}").as_bytes(),
    );
    let moved: Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert_eq!(moved[0]["fingerprint"], fp.as_str());
    assert_eq!(moved[0]["location"]["lines"]["begin"], 3);
}

#[test]
fn human_output_has_a_frame_a_help_line_and_no_colour_in_a_pipe() {
    let t = TempDir::new("human");
    t.write("Dockerfile", MAINTAINER);
    let out = Command::new(BIN)
        .args(["lint", "--select", "SG701"])
        .current_dir(t.path())
        .env_remove("NO_COLOR")
        .env_remove("SEGURO_FORMAT")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "colour in a pipe:\n{text}");
    assert!(text.contains("warning[SG701]"), "{text}");
    assert!(text.contains("maintainer-deprecated"), "{text}");
    assert!(text.contains("--> Dockerfile:2:1"), "{text}");
    assert!(text.contains("2 | MAINTAINER Jane Doe"), "{text}");
    assert!(text.contains("help: "), "{text}");
    assert!(text.contains("fix: "), "{text}");
    assert!(
        text.contains("1 finding is fixable with `seguro lint --fix`"),
        "{text}"
    );
    // Only the offending line is shown, not the rest of the file.
    assert!(!text.contains("echo hi"), "{text}");

    // A secret on a framed line is masked; the caret still points at its finding.
    let token = "ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe";
    t.write(
        "s/Dockerfile",
        format!("FROM alpine:3.20\nRUN curl -u me:{token} https://x/y && sudo ls\n"),
    );
    let out = seguro(t.path(), &["lint", "--select", "SG202", "s"]);
    let text = stdout(&out);
    assert!(!text.contains(token), "{text}");
    assert!(
        text.contains("2 | RUN curl -u me:ghp_**** https://x/y && sudo ls"),
        "{text}"
    );
    let frame: Vec<&str> = text.lines().collect();
    let at = frame.iter().position(|l| l.starts_with("2 | ")).unwrap();
    assert_eq!(frame[at].find("sudo"), frame[at + 1].find('^'), "{text}");

    let out = seguro(t.path(), &["lint", "--select", "SG701", "--statistics"]);
    let text = stdout(&out);
    assert!(text.contains("SG701") && text.contains("[*]"), "{text}");
    let out = seguro(
        t.path(),
        &[
            "lint",
            "--select",
            "SG701",
            "--statistics",
            "--format",
            "json",
        ],
    );
    let v = json(&out);
    assert_eq!(v[0]["code"], "SG701");
    assert_eq!(v[0]["count"], 1);
}

#[test]
fn fix_rewrites_only_what_it_must() {
    let t = TempDir::new("fix");
    let bad = t.write("bad/Dockerfile", MAINTAINER);
    let good = t.write("good/Dockerfile", CLEAN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    // Without --fix nothing is written.
    let out = seguro(t.path(), &["lint", "--select", "SG701"]);
    assert_eq!(code(&out), 1);
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), MAINTAINER);
    let good_mtime = std::fs::metadata(&good).unwrap().modified().unwrap();

    let out = seguro(t.path(), &["lint", "--select", "SG701", "--fix"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let fixed = std::fs::read_to_string(&bad).unwrap();
    assert!(!fixed.contains("MAINTAINER"), "{fixed}");
    assert!(
        fixed.contains("LABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\""),
        "{fixed}"
    );
    assert!(fixed.ends_with("RUN echo hi\n"));
    assert!(stdout(&out).contains("Fixed 1 finding"), "{}", stdout(&out));
    assert_eq!(std::fs::read(&good).unwrap(), CLEAN.as_bytes());
    assert_eq!(
        std::fs::metadata(&good).unwrap().modified().unwrap(),
        good_mtime
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&bad).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file left behind.
    let left: Vec<_> = std::fs::read_dir(bad.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec!["Dockerfile"]);
    // Stable: a second --fix changes nothing.
    let out = seguro(t.path(), &["lint", "--select", "SG701", "--fix"]);
    assert_eq!(code(&out), 0);
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), fixed);
}

#[test]
fn diff_writes_nothing() {
    let t = TempDir::new("diff");
    let bad = t.write("Dockerfile", MAINTAINER);
    let out = seguro(t.path(), &["lint", "--select", "SG701", "--diff"]);
    assert_eq!(code(&out), 1);
    let diff = stdout(&out);
    assert!(
        diff.contains("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n-MAINTAINER Jane Doe <jane@example.com>\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n+LABEL org.opencontainers.image.authors="),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), MAINTAINER);
    t.write("Dockerfile", CLEAN);
    let out = seguro(t.path(), &["lint", "--select", "SG701", "--diff"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).is_empty());
}

#[test]
fn config_discovery_isolated_and_explicit() {
    let t = TempDir::new("config");
    // The config selects only `sudo`: the MAINTAINER finding is not reported.
    t.write("proj/seguro.toml", "select = [\"sudo\"]\n");
    t.write("proj/sub/Dockerfile", MAINTAINER);
    let out = seguro(t.path(), &["lint", "--format", "json", "proj"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(codes(&json(&out)).is_empty());
    // Found from the file's directory even when the cwd is elsewhere.
    let out = seguro(&t.path().join("proj/sub"), &["lint", "--format", "json"]);
    assert_eq!(code(&out), 0);
    // --isolated ignores it.
    let out = seguro(
        t.path(),
        &["lint", "--isolated", "--format", "json", "proj"],
    );
    assert!(codes(&json(&out)).contains(&"SG701".to_string()));
    assert_eq!(code(&out), 1);
    // --config wins over discovery.
    t.write("other.toml", "select = [\"SG7\"]\nfail-on = \"error\"\n");
    let out = seguro(
        t.path(),
        &["lint", "--config", "other.toml", "--format", "json", "proj"],
    );
    assert_eq!(codes(&json(&out)), vec!["SG701"]);
    assert_eq!(code(&out), 0, "fail-on error from the config");
    // The command line wins over the config.
    let out = seguro(t.path(), &["lint", "--select", "SG701", "proj"]);
    assert_eq!(code(&out), 1);
    let out = seguro(
        t.path(),
        &[
            "lint",
            "--isolated",
            "--ignore",
            "DL4000",
            "--format",
            "json",
            "proj",
        ],
    );
    assert!(!codes(&json(&out)).contains(&"SG701".to_string()));

    // A broken config: exit 2, naming the file.
    t.write("broken/seguro.toml", "bogus = 1\n");
    t.write("broken/Dockerfile", CLEAN);
    let out = seguro(t.path(), &["lint", "broken"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("seguro.toml"), "{}", stderr(&out));

    // .hadolint.yaml is read when there is no seguro config.
    t.write(
        "legacy/.hadolint.yaml",
        "ignored:\n  - DL4000\n  - DL9999\n",
    );
    t.write("legacy/Dockerfile", MAINTAINER);
    let out = seguro(t.path(), &["lint", "--format", "json", "legacy"]);
    let found = codes(&json(&out));
    assert!(!found.contains(&"SG701".to_string()), "{found:?}");
    let out = seguro(
        t.path(),
        &["lint", "--isolated", "--format", "json", "legacy"],
    );
    assert!(codes(&json(&out)).contains(&"SG701".to_string()));
    // And given explicitly.
    let out = seguro(
        t.path(),
        &[
            "lint",
            "--config",
            "legacy/.hadolint.yaml",
            "--format",
            "json",
            "proj",
        ],
    );
    assert!(!codes(&json(&out)).contains(&"SG701".to_string()));
}

#[test]
fn pragmas_suppress_and_unused_ones_are_reported() {
    let t = TempDir::new("pragma");
    t.write(
        "a/Dockerfile",
        "FROM alpine:3.20\n# seguro: ignore=SG701 reason=\"legacy\"\nMAINTAINER me\n",
    );
    t.write(
        "b/Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER me\n",
    );
    let out = seguro(
        t.path(),
        &["lint", "--select", "SG701,SG202", "--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(codes(&json(&out)).is_empty());

    t.write(
        "c/Dockerfile",
        "FROM alpine:3.20\n# seguro: ignore=sudo\nRUN echo hi\n# hadolint ignore=DL4000\nMAINTAINER me\n",
    );
    let out = seguro(
        t.path(),
        &[
            "lint",
            "--select",
            "SG701,SG202",
            "--report-unused-pragmas",
            "--format",
            "json",
            "c",
        ],
    );
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{v}");
    assert_eq!(diags[0]["code"], "SG005");
    assert_eq!(diags[0]["name"], "unused-pragma");
    assert_eq!(diags[0]["line"], 2);
}

#[test]
fn stdin() {
    let t = TempDir::new("stdin");
    let out = seguro_stdin(
        t.path(),
        &["lint", "--select", "SG701", "--format", "json", "-"],
        Some(MAINTAINER.as_bytes()),
    );
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["diagnostics"][0]["file"], "<stdin>");
    let out = seguro_stdin(
        t.path(),
        &[
            "lint",
            "--select",
            "SG701",
            "--format",
            "json",
            "--stdin-filename",
            "app/Dockerfile",
            "-",
        ],
        Some(MAINTAINER.as_bytes()),
    );
    assert_eq!(json(&out)["diagnostics"][0]["file"], "app/Dockerfile");
    // --fix on stdin prints the fixed file.
    let out = seguro_stdin(
        t.path(),
        &["lint", "--select", "SG701", "--fix", "-"],
        Some(MAINTAINER.as_bytes()),
    );
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("FROM alpine:3.20\nLABEL org.opencontainers"));
}

#[test]
fn directory_walk_honours_gitignore() {
    let t = TempDir::new("walk");
    for f in [
        "Dockerfile",
        "svc/Dockerfile.prod",
        "svc/api.Dockerfile",
        "svc/web.dockerfile",
        "podman/Containerfile",
        ".devcontainer/Dockerfile",
        "ignored/Dockerfile",
        "build.log",
    ] {
        t.write(f, MAINTAINER);
    }
    t.write("Dockerfile.dockerignore", "*\n");
    t.write("notes.txt", "MAINTAINER me\n");
    t.write(".gitignore", "ignored/\n*.log\n");
    let out = seguro(t.path(), &["lint", "--select", "SG701", "--format", "json"]);
    let v = json(&out);
    let mut files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    let sorted = {
        let mut s = files.clone();
        s.sort();
        s
    };
    assert_eq!(files, sorted, "output sorted by path");
    files.dedup();
    assert_eq!(
        files,
        vec![
            ".devcontainer/Dockerfile",
            "Dockerfile",
            "podman/Containerfile",
            "svc/Dockerfile.prod",
            "svc/api.Dockerfile",
            "svc/web.dockerfile",
        ]
    );
    assert_eq!(v["summary"]["files"], 6);
    // A file named explicitly is linted whatever its name.
    let out = seguro(
        t.path(),
        &["lint", "--select", "SG701", "--format", "json", "notes.txt"],
    );
    assert_eq!(json(&out)["summary"]["files"], 1);
}

#[test]
fn non_utf8_and_binary_files_do_not_crash() {
    let t = TempDir::new("bytes");
    let latin1 = t.write(
        "a/Dockerfile",
        b"FROM alpine:3.20\nMAINTAINER J\xe9r\xf4me\n",
    );
    let out = seguro(
        t.path(),
        &["lint", "--select", "SG701", "--format", "json", "a"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("not valid UTF-8").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert_eq!(codes(&json(&out)), vec!["SG701"]);
    // --fix never rewrites a file it could only read lossily.
    let before = std::fs::read(&latin1).unwrap();
    let out = seguro(t.path(), &["lint", "--select", "SG701", "--fix", "a"]);
    assert_ne!(code(&out), 2);
    assert_eq!(std::fs::read(&latin1).unwrap(), before);

    let mut binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    binary.extend_from_slice(b"\x00\x00\xff\xfe\n\r\n");
    t.write("b/Dockerfile", &binary);
    for format in [
        "human",
        "json",
        "sarif",
        "github",
        "checkstyle",
        "junit",
        "gitlab",
    ] {
        let out = seguro(t.path(), &["lint", "--format", format, "b"]);
        assert!(matches!(code(&out), 0 | 1), "{format}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

#[test]
fn output_file() {
    let t = TempDir::new("output");
    t.write("Dockerfile", MAINTAINER);
    let out = seguro(
        t.path(),
        &[
            "lint",
            "--select",
            "SG701",
            "--format",
            "sarif",
            "-o",
            "report.sarif",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).is_empty());
    let v: Value =
        serde_json::from_slice(&std::fs::read(t.path().join("report.sarif")).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn rule_and_rules() {
    let t = TempDir::new("rules");
    for key in ["SG701", "maintainer-deprecated", "DL4000", "dl4000"] {
        let out = seguro(t.path(), &["rule", key]);
        assert_eq!(code(&out), 0, "{key}");
        let text = stdout(&out);
        assert!(
            text.starts_with("# SG701 maintainer-deprecated\n"),
            "{text}"
        );
        assert!(text.contains("## What it does"));
    }
    let out = seguro(t.path(), &["rule", "maintainer-deprecatd"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("did you mean `maintainer-deprecated`"),
        "{}",
        stderr(&out)
    );

    let out = seguro(t.path(), &["rules", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let v = json(&out);
    let rules = v.as_array().unwrap();
    assert!(rules.len() >= 2);
    for r in rules {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys = keys;
        keys.sort();
        assert_eq!(
            keys,
            [
                "aliases", "code", "fixable", "name", "section", "severity", "summary"
            ]
        );
    }
    let out = seguro(t.path(), &["rules"]);
    assert!(stdout(&out).lines().any(|l| l.starts_with("SG701 ")));
}

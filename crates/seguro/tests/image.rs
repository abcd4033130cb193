//! `seguro image`: exit codes, the JSON shape with `location`, secrets masked in every
//! format, unreadable input as exit 2 — on real images written in every format by
//! `seguro_image::build` from the image notation of the rules' documentation.

use seguro_image::build::Format as ImageFormat;
use seguro_image::rules::example::example_spec;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TOKEN: &str = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
const NPM_TOKEN: &str = "npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR";

/// An image with a finding for most rules, secrets included.
fn bad_image() -> String {
    format!(
        "name acme/app:latest
config User=root
config ExposedPorts=8080/tcp
config Env=GITHUB_TOKEN={TOKEN}
config Env=GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
layer RUN |1 NPM_TOKEN={NPM_TOKEN} /bin/sh -c apt-get update && apt-get -y upgrade # buildkit
file /etc/passwd 0644 \"root:x:0:0:root:/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\n\"
file /etc/shadow 0640 \"root::19000:0:99999:7:::\\n\"
file /bin/sh 0755
file /var/lib/dpkg/status 0644
file /usr/local/bin/backup 4755
file /root/.npmrc 0600 \"//registry.npmjs.org/:_authToken={NPM_TOKEN}\\n\"
layer RUN /bin/sh -c rm /root/.npmrc # buildkit
delete /root/.npmrc
dir /app 0777
"
    )
}

/// An image no default rule reports (info rules aside).
const GOOD_IMAGE: &str = "name acme/app:1.4.2
config User=app
config Labels=org.opencontainers.image.source=https://github.com/acme/app
config Labels=org.opencontainers.image.version=1.4.2
config Labels=org.opencontainers.image.revision=6f1e0b7c2a9d4e5f8a3b1c0d9e8f7a6b5c4d3e2f
config Labels=org.opencontainers.image.created=2026-11-28T10:00:00Z
layer COPY / / # buildkit
file /etc/passwd 0644 \"root:x:0:0:root:/root:/bin/sh\\napp:x:1000:1000::/home/app:/bin/sh\\n\"
file /etc/shadow 0640 \"root:*:19000:0:99999:7:::\\napp:!:19000::::::\\n\"
file /bin/su 4755
file /app/server 0755
";

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn write(desc: &str, format: ImageFormat) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let name = match format {
        ImageFormat::OciLayout => "layout",
        _ => "image.tar",
    };
    let path = dir.path().join(name);
    example_spec(desc).unwrap().write(format, &path).unwrap();
    Fixture { _dir: dir, path }
}

fn seguro(args: &[&str], image: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seguro"))
        .arg("image")
        .arg(image)
        .args(["--isolated"])
        .args(args)
        .env_remove("SEGURO_FORMAT")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), String::from_utf8_lossy(&o.stderr)))
}

fn codes(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn every_format_gives_the_same_findings() {
    let bad = bad_image();
    let mut seen: Option<Vec<String>> = None;
    for format in ImageFormat::ALL {
        let img = write(&bad, format);
        let out = seguro(&["--format", "json"], &img.path);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = json(&out);
        let found = codes(&v);
        for code in [
            "SI001", "SI003", "SI004", "SI005", "SI006", "SI007", "SI009", "SI011", "SI013",
            "SI016", "SI017",
        ] {
            assert!(
                found.iter().any(|c| c == code),
                "{format:?}: {code} missing from {found:?}"
            );
        }
        match &seen {
            None => seen = Some(found),
            Some(first) => assert_eq!(first, &found, "{format:?} differs"),
        }
    }
}

#[test]
fn json_shape_and_location() {
    let img = write(&bad_image(), ImageFormat::OciArchive);
    let out = seguro(&["--format", "json"], &img.path);
    let v = json(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["files"], 1);
    let diags = v["diagnostics"].as_array().unwrap();
    let file = img.path.to_string_lossy();
    for d in diags {
        assert_eq!(d["file"], file.as_ref());
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(d.get(key).is_some_and(Value::is_null), "{key} in {d}");
        }
        assert!(d["location"].is_object(), "{d}");
        assert!(d["aliases"].is_array() && d["related"].is_array());
    }
    let secret_file = diags
        .iter()
        .find(|d| d["code"] == "SI006")
        .expect("SI006 finding");
    assert_eq!(secret_file["location"]["path"], "/root/.npmrc");
    assert_eq!(secret_file["location"]["layer"]["index"], 0);
    let digest = secret_file["location"]["layer"]["digest"].as_str().unwrap();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    assert!(
        secret_file["message"]
            .as_str()
            .unwrap()
            .contains("deleted in layer 1")
    );
    let user = diags.iter().find(|d| d["code"] == "SI001").unwrap();
    assert_eq!(user["location"]["field"], "config.User");
    assert_eq!(user["aliases"], serde_json::json!(["CIS-DI-0001"]));
    let history = diags.iter().find(|d| d["code"] == "SI005").unwrap();
    assert_eq!(history["location"]["history"], 0);
    assert_eq!(history["location"]["layer"]["index"], 0);
    let summary = &v["summary"];
    let total = summary["errors"].as_u64().unwrap()
        + summary["warnings"].as_u64().unwrap()
        + summary["infos"].as_u64().unwrap();
    assert_eq!(total as usize, diags.len());
}

#[test]
fn secrets_are_masked_in_every_format() {
    let img = write(&bad_image(), ImageFormat::DockerOci);
    for format in [
        "human",
        "json",
        "sarif",
        "github",
        "checkstyle",
        "junit",
        "gitlab",
    ] {
        let out = seguro(&["--format", format], &img.path);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = stdout(&out) + &String::from_utf8_lossy(&out.stderr);
        assert!(
            !text.contains(TOKEN),
            "{format} shows the GitHub token:\n{text}"
        );
        assert!(
            !text.contains(NPM_TOKEN),
            "{format} shows the npm token:\n{text}"
        );
        assert!(
            !text.contains(&TOKEN[4..16]),
            "{format} shows part of a token:\n{text}"
        );
        assert!(
            !text.contains(&NPM_TOKEN[4..16]),
            "{format} shows part of a token:\n{text}"
        );
        assert!(text.contains("SI004"), "{format}:\n{text}");
    }
}

#[test]
fn human_output_names_the_place() {
    let img = write(&bad_image(), ImageFormat::OciLayout);
    let out = seguro(&[], &img.path);
    let text = stdout(&out);
    let name = img.path.to_string_lossy();
    assert!(
        text.contains(&format!("{name}:layer 0 (sha256:")) && text.contains(") /root/.npmrc"),
        "{text}"
    );
    assert!(text.contains(&format!("{name}:config.User")), "{text}");
    assert!(text.contains("error[SI006]"), "{text}");
    assert!(text.contains("in 1 image."), "{text}");
}

#[test]
fn sarif_has_logical_locations() {
    let img = write(&bad_image(), ImageFormat::OciLayout);
    let v = json(&seguro(&["--format", "sarif"], &img.path));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "SI006"));
    let results = run["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "SI006").unwrap();
    let loc = &r["locations"][0];
    assert!(loc["physicalLocation"]["region"].is_null());
    assert!(loc["physicalLocation"]["artifactLocation"]["uri"].is_string());
    assert_eq!(loc["logicalLocations"][0]["name"], "/root/.npmrc");
    assert!(
        loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .starts_with("layer 0 (sha256:")
    );
    assert_eq!(r["properties"]["location"]["path"], "/root/.npmrc");
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "SI006");
}

#[test]
fn exit_codes_follow_the_threshold_and_selection() {
    let good = write(GOOD_IMAGE, ImageFormat::DockerLegacy);
    let out = seguro(&["--format", "json"], &good.path);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Only info findings are left (build tools, waste … none here).
    let v = json(&out);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] == "info"),
        "{v}"
    );
    assert_eq!(
        seguro(&["--fail-on", "info", "--select", "SI011"], &good.path)
            .status
            .code(),
        Some(0)
    );

    let bad = write(&bad_image(), ImageFormat::DockerLegacy);
    assert_eq!(seguro(&[], &bad.path).status.code(), Some(1));
    assert_eq!(
        seguro(&["--fail-on", "off"], &bad.path).status.code(),
        Some(0)
    );
    // Selection by code, name, alias and prefix.
    let only = |sel: &str| {
        codes(&json(&seguro(
            &["--format", "json", "--select", sel],
            &bad.path,
        )))
    };
    assert_eq!(only("SI001"), ["SI001"]);
    assert_eq!(only("runs-as-root"), ["SI001"]);
    assert_eq!(only("CIS-DI-0001"), ["SI001"]);
    assert_eq!(only("DKL-LI-0001"), ["SI016"]);
    assert!(only("SI00").iter().all(|c| c.starts_with("SI00")));
    let ignored = codes(&json(&seguro(
        &["--format", "json", "--ignore", "SI006,secret-in-env"],
        &bad.path,
    )));
    assert!(
        !ignored.iter().any(|c| c == "SI006" || c == "SI004"),
        "{ignored:?}"
    );
    // An unknown rule is a usage error.
    let out = seguro(&["--select", "SI999"], &bad.path);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn configuration_files_select_image_rules() {
    let bad = write(&bad_image(), ImageFormat::OciArchive);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("seguro.toml");
    std::fs::write(
        &cfg,
        "select = [\"SI0\"]\nignore = [\"SI001\", \"tag-latest\"]\n[severity]\nSI013 = \"error\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_seguro"))
        .args(["image", "--format", "json", "--config"])
        .arg(&cfg)
        .arg(&bad.path)
        .output()
        .unwrap();
    let v = json(&out);
    let found = codes(&v);
    assert!(
        !found.iter().any(|c| c == "SI001" || c == "SI011"),
        "{found:?}"
    );
    assert!(found.iter().any(|c| c == "SI013"));
    let ww = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SI013")
        .unwrap();
    assert_eq!(ww["severity"], "error");
}

#[test]
fn bad_input_is_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    // Missing file.
    let missing = dir.path().join("nope.tar");
    let out = seguro(&[], &missing);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nope.tar") && err.contains("no such file"),
        "{err}"
    );
    // A registry reference whose registry does not answer (loopback, nothing listening).
    let out = seguro(&[], Path::new("127.0.0.1:9/acme/app:1.0"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("127.0.0.1:9"), "{err}");
    // Not an image.
    let junk = dir.path().join("junk.tar");
    std::fs::write(&junk, b"this is not a tar file at all").unwrap();
    let out = seguro(&[], &junk);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("junk.tar"), "{err}");
    // An empty directory.
    let out = seguro(&[], dir.path());
    assert_eq!(out.status.code(), Some(2));
    // A truncated layer blob: the blob is named.
    let img = write(GOOD_IMAGE, ImageFormat::OciLayout);
    let blobs = img.path.join("blobs/sha256");
    let mut biggest: Option<(u64, PathBuf)> = None;
    for e in std::fs::read_dir(&blobs).unwrap() {
        let p = e.unwrap().path();
        let len = std::fs::metadata(&p).unwrap().len();
        if biggest.as_ref().is_none_or(|(l, _)| len > *l) {
            biggest = Some((len, p));
        }
    }
    let (len, blob) = biggest.unwrap();
    let bytes = std::fs::read(&blob).unwrap();
    std::fs::write(&blob, &bytes[..len as usize / 2]).unwrap();
    let out = seguro(&[], &img.path);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let hex = blob.file_name().unwrap().to_string_lossy();
    assert!(err.contains(&hex[..12]), "{err}");
}

#[test]
fn image_rules_are_listed_and_documented() {
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_seguro"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        stdout(&o)
    };
    let list: Value = serde_json::from_str(&run(&["rules", "--format", "json"])).unwrap();
    let si: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"].as_str().unwrap().starts_with("SI"))
        .collect();
    assert_eq!(si.len(), 23);
    let s1 = si.iter().find(|r| r["code"] == "SI001").unwrap();
    assert_eq!(s1["name"], "runs-as-root");
    assert_eq!(s1["severity"], "warning");
    assert_eq!(s1["section"], "3.1.2");
    assert_eq!(s1["aliases"], serde_json::json!(["CIS-DI-0001"]));
    assert_eq!(s1["fixable"], "none");
    assert!(run(&["rules"]).lines().any(|l| l.starts_with("SI023")));
    let page = run(&["rule", "SI006"]);
    assert!(page.starts_with("# SI006 secret-file-in-layer"), "{page}");
    assert!(page.contains("## Why it matters") && page.contains("```text"));
    assert!(run(&["rule", "DKL-LI-0002"]).starts_with("# SI017"));
}

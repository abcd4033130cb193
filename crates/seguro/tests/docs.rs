//! `docs/rules/` is what `seguro rules --write-docs` generates from the rules' doc
//! comments: this fails when a rule was added or its doc changed without regenerating.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "cargo run -p seguro -- rules --write-docs docs/rules";

fn markdown_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn docs_rules_is_up_to_date() {
    let committed_dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let fresh_dir = std::env::temp_dir().join(format!("seguro-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh_dir);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_seguro"))
        .args(["rules", "--write-docs"])
        .arg(&fresh_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = markdown_files(&fresh_dir);
    let _ = std::fs::remove_dir_all(&fresh_dir);
    let committed = markdown_files(&committed_dir);
    assert!(fresh.contains_key("README.md") && fresh.len() > 1);

    let mut stale = Vec::new();
    for (name, text) in &fresh {
        match committed.get(name) {
            None => stale.push(format!("{name} is missing")),
            Some(old) if old != text => stale.push(format!("{name} is out of date")),
            Some(_) => {}
        }
    }
    for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
        stale.push(format!("{name} belongs to no rule"));
    }
    assert!(
        stale.is_empty(),
        "docs/rules/ is stale ({}); regenerate it with `{REGENERATE}`",
        stale.join(", ")
    );
}

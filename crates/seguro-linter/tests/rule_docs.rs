//! Every rule's documentation is complete and true: the fixed headings are there, the
//! `## Example` block fires the rule and its `Use instead:` block does not, and the
//! `## Aliases` section lists exactly the rule's aliases.
//!
//! A rule that only runs with some configuration (required labels, trusted registries)
//! gives it in its example, either as comment lines at the top of the ```dockerfile block
//! (`# seguro.toml: trusted-registries = ["registry.example.com"]`, one TOML line each;
//! the `Use instead:` block reuses the example's when it has none) or as a ```toml block
//! in the `## Example` section. The examples are linted with it, only that rule selected
//! (plus the example configuration's `extend-select`).
//!
//! A rule that reads the build context describes it with `# context: …` lines at the top
//! of the block (see `seguro_linter::lint::example_context`); the example is then linted
//! as a `Dockerfile` inside a temporary directory holding those files (the `Use instead:`
//! block reuses the example's context when it describes none).

use seguro_linter::lint::{example_context, write_example_context};
use seguro_linter::rule::RuleMeta;
use seguro_linter::{Config, Options, lint, registry};

const HEADINGS: [&str; 6] = [
    "What it does",
    "Why it matters",
    "Example",
    "Fix",
    "Aliases",
    "References",
];

/// The ```toml block of the Example section, if any.
fn example_config(meta: &RuleMeta) -> Option<String> {
    let section = meta.doc_section("Example")?;
    let start = section.find("```toml\n")? + "```toml\n".len();
    let end = section[start..].find("```")?;
    Some(section[start..start + end].to_string())
}

/// The `# seguro.toml: …` lines of an example block, as TOML.
fn inline_config(block: &str) -> String {
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("# seguro.toml:"))
        .map(|l| format!("{}\n", l.trim()))
        .collect()
}

/// The findings of `meta`'s rule alone on `src` (`first`: the Example block, whose
/// inline configuration applies when `src` has none).
fn findings(meta: &'static RuleMeta, src: &str, first: &str) -> Result<Vec<String>, String> {
    let mut toml = example_config(meta).unwrap_or_default();
    let inline = match inline_config(src) {
        own if own.is_empty() => inline_config(first),
        own => own,
    };
    toml.push_str(&inline);
    let mut config = Config::from_toml(&toml, None).map_err(|e| e.to_string())?;
    // Only this rule, plus what the example's own configuration adds (`extend-select`,
    // for a rule such as unused-pragma that judges other rules' findings).
    config.select = Some(vec![meta.code]);
    let mut entries = example_context(src);
    if entries.is_empty() {
        entries = example_context(first);
    }
    let diagnostics = if entries.is_empty() {
        lint("Dockerfile", src, &config, Options::default())
    } else {
        let dir = std::env::temp_dir().join(format!(
            "seguro-rule-docs-{}-{}",
            meta.code,
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        write_example_context(&dir, &entries).map_err(|e| e.to_string())?;
        let file = dir.join("Dockerfile");
        std::fs::write(&file, src).map_err(|e| e.to_string())?;
        let options = Options {
            context: Some(&dir),
            ..Options::default()
        };
        let found = lint(&file.to_string_lossy(), src, &config, options);
        let _ = std::fs::remove_dir_all(&dir);
        found
    };
    Ok(diagnostics
        .into_iter()
        .filter(|d| d.code == meta.code)
        .map(|d| d.message)
        .collect())
}

/// The ids listed under `## Aliases` (`None.`, `—` and `-` mean none).
fn doc_aliases(meta: &RuleMeta) -> Vec<String> {
    let section = meta.doc_section("Aliases").unwrap_or_default();
    let text = section.trim().trim_end_matches('.');
    if ["none", "—", "-", ""].contains(&text.to_ascii_lowercase().as_str()) {
        return Vec::new();
    }
    text.split([',', '\n'])
        .map(|a| {
            a.trim()
                .trim_matches('`')
                .trim_end_matches('.')
                .trim()
                .to_string()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

fn problems(meta: &'static RuleMeta) -> Vec<String> {
    let mut out = Vec::new();
    for heading in HEADINGS {
        if meta.doc_section(heading).is_none() {
            out.push(format!("no `## {heading}` section"));
        }
    }
    let examples = meta.doc_examples("Example");
    if examples.len() == 2 {
        match findings(meta, &examples[0], &examples[0]) {
            Ok(f) if f.is_empty() => out.push(format!(
                "the Example does not fire the rule (a rule that needs configuration gives \
                 it as `# seguro.toml: key = value` lines in the block):\n{}",
                examples[0]
            )),
            Ok(_) => {}
            Err(e) => out.push(format!("the Example's configuration is invalid: {e}")),
        }
        match findings(meta, &examples[1], &examples[0]) {
            Ok(f) if !f.is_empty() => out.push(format!(
                "the `Use instead:` example fires the rule ({}):\n{}",
                f.join("; "),
                examples[1]
            )),
            _ => {}
        }
    } else {
        out.push(format!(
            "`## Example` must hold two ```dockerfile blocks (the example, then `Use \
             instead:`), found {}",
            examples.len()
        ));
    }
    let mut documented = doc_aliases(meta);
    let mut declared: Vec<String> = meta.aliases.iter().map(|a| a.to_string()).collect();
    documented.sort();
    declared.sort();
    if documented != declared {
        out.push(format!(
            "`## Aliases` lists {documented:?} but the metadata has {declared:?}"
        ));
    }
    out
}

#[test]
fn every_rule_doc_is_complete_and_true() {
    let mut report = String::new();
    let mut checked = 0;
    for rule in registry::all() {
        let meta = rule.meta();
        checked += 1;
        for p in problems(meta) {
            report.push_str(&format!("{} {}: {p}\n", meta.code, meta.name));
        }
    }
    assert!(checked > 0, "the registry is empty");
    assert!(report.is_empty(), "rule documentation problems:\n{report}");
}

#[test]
fn alias_sections_are_read() {
    let sudo = registry::find("SG202").expect("SG202 exists");
    assert_eq!(
        doc_aliases(sudo),
        vec!["DL3004", "DS-0010", "CKV2_DOCKER_1"]
    );
    let invalid = registry::find("SG000").expect("SG000 exists");
    assert!(doc_aliases(invalid).is_empty());
}

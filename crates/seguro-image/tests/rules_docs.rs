//! Every image rule's documentation is complete and true: the fixed headings are there,
//! the `## Example` section holds two ```text image descriptions (the notation of
//! `seguro_image::rules::example`), the first fires the rule and the `Use instead:` one
//! does not — on the in-memory image, and on a real image written in every format and
//! read back — and `## Aliases` lists exactly the rule's aliases.

use seguro_image::build::Format;
use seguro_image::check::check_rule;
use seguro_image::rules::example::{example_image, example_spec};
use seguro_image::rules::{ImageRule, RULES};
use seguro_linter::RuleMeta;

const HEADINGS: [&str; 6] = [
    "What it does",
    "Why it matters",
    "Example",
    "Fix",
    "Aliases",
    "References",
];

/// The ids listed under `## Aliases` (`None.` means none).
fn doc_aliases(meta: &RuleMeta) -> Vec<String> {
    let section = meta.doc_section("Aliases").unwrap_or_default();
    let text = section.trim().trim_end_matches('.');
    if text.eq_ignore_ascii_case("none") || text.is_empty() {
        return Vec::new();
    }
    text.split([',', '\n'])
        .map(|a| a.trim().trim_matches('`').to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Findings of `rule` on the description, in memory.
fn in_memory(rule: &dyn ImageRule, desc: &str) -> Result<Vec<String>, String> {
    let image = example_image(desc)?;
    Ok(check_rule(&image, rule)
        .into_iter()
        .map(|d| d.message)
        .collect())
}

/// Findings of `rule` on the description written as a real image in `format` and read
/// back with `seguro_image::open`.
fn on_disk(rule: &dyn ImageRule, desc: &str, format: Format) -> Result<Vec<String>, String> {
    let spec = example_spec(desc)?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("image");
    spec.write(format, &path).map_err(|e| e.to_string())?;
    let image = seguro_image::open(&path, &Default::default()).map_err(|e| e.to_string())?;
    Ok(check_rule(&image, rule)
        .into_iter()
        .map(|d| d.message)
        .collect())
}

fn problems(rule: &dyn ImageRule) -> Vec<String> {
    let meta = rule.meta();
    let mut out = Vec::new();
    for heading in HEADINGS {
        if meta.doc_section(heading).is_none() {
            out.push(format!("no `## {heading}` section"));
        }
    }
    let blocks = meta.doc_blocks("Example", "text");
    if blocks.len() != 2 {
        out.push(format!(
            "`## Example` must hold two ```text blocks (the example, then `Use instead:`), found {}",
            blocks.len()
        ));
        return out;
    }
    // (description, whether it must fire, what is wrong otherwise)
    let checks = [
        (&blocks[0], true, "the Example does not fire the rule"),
        (
            &blocks[1],
            false,
            "the `Use instead:` example fires the rule",
        ),
    ];
    for (desc, must_fire, what) in checks {
        let ok = |f: &[String]| f.is_empty() != must_fire;
        match in_memory(rule, desc) {
            Ok(f) if ok(&f) => {}
            Ok(f) => out.push(format!("{what} ({f:?}):\n{desc}")),
            Err(e) => out.push(format!("bad example: {e}")),
        }
        for format in Format::ALL {
            match on_disk(rule, desc, format) {
                Ok(f) if ok(&f) => {}
                Ok(f) => out.push(format!("{what} as a {format:?} image ({f:?}):\n{desc}")),
                Err(e) => out.push(format!("example as a {format:?} image: {e}")),
            }
        }
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
    if meta.summary.is_empty() {
        out.push("no summary line".into());
    }
    out
}

#[test]
fn every_image_rule_doc_is_complete_and_true() {
    let mut report = String::new();
    for rule in RULES {
        for p in problems(*rule) {
            report.push_str(&format!("{} {}: {p}\n", rule.meta().code, rule.meta().name));
        }
    }
    assert_eq!(RULES.len(), 23);
    assert!(
        report.is_empty(),
        "image rule documentation problems:\n{report}"
    );
}

#[test]
fn rule_names_and_codes_are_unique_across_the_registry() {
    seguro_image::rules::register();
    let metas = seguro_linter::registry::metas();
    for (i, a) in metas.iter().enumerate() {
        for b in &metas[i + 1..] {
            assert_ne!(a.code, b.code);
            assert_ne!(a.name, b.name, "{} and {} share a name", a.code, b.code);
        }
    }
    // Registered rules are found by code, name and alias, and by family prefix.
    assert_eq!(
        seguro_linter::registry::find("SI001").unwrap().name,
        "runs-as-root"
    );
    assert_eq!(
        seguro_linter::registry::find("runs-as-root").unwrap().code,
        "SI001"
    );
    let by_alias = seguro_linter::registry::resolve("CIS-DI-0010");
    let codes: Vec<&str> = by_alias.iter().map(|m| m.code).collect();
    assert_eq!(codes, ["SI004", "SI005", "SI006"]);
    assert_eq!(seguro_linter::registry::resolve("SI").len(), 23);
    assert_eq!(seguro_linter::registry::resolve("SI02").len(), 4);
    // Registering twice adds nothing.
    seguro_image::rules::register();
    assert_eq!(seguro_linter::registry::metas().len(), metas.len());
}

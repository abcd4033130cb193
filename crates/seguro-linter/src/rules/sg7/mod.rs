//! Rules SG7xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

mod labels;

pub mod sg701_maintainer_deprecated;
pub mod sg702_label_required;
pub mod sg703_label_format;
pub mod sg704_label_schema_deprecated;
pub mod sg705_label_key_invalid;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg701_maintainer_deprecated::MaintainerDeprecated,
    &sg702_label_required::LabelRequired,
    &sg703_label_format::LabelFormat,
    &sg704_label_schema_deprecated::LabelSchemaDeprecated,
    &sg705_label_key_invalid::LabelKeyInvalid,
];

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::config::Config;
    use crate::lint::{Options, lint};

    /// Each rule's Example fires and its Use-instead block does not (SG702 needs a
    /// required label configured, as its Example says).
    #[test]
    fn doc_examples() {
        for rule in RULES {
            let meta = rule.meta();
            let config = Config {
                select: Some(vec![meta.code]),
                required_labels: vec!["org.opencontainers.image.source".to_string()],
                ..Config::default()
            };
            let check = |src: &str| lint("Dockerfile", src, &config, Options::default());
            let blocks = meta.doc_examples("Example");
            assert_eq!(blocks.len(), 2, "{}: two dockerfile blocks", meta.code);
            assert!(
                !check(&blocks[0]).is_empty(),
                "{}: Example should fire",
                meta.code
            );
            let quiet = check(&blocks[1]);
            assert!(
                quiet.is_empty(),
                "{}: Use instead fires: {quiet:#?}",
                meta.code
            );
        }
    }
    /// False-positive survey: lints every file of the dev corpus with this family's
    /// rules and prints per-rule counts and each finding.
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)]
    fn corpus() {
        let dir = std::path::Path::new("/work/shared/corpus/dev");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let codes = ["SG702", "SG703", "SG704", "SG705"];
        let mut counts = std::collections::BTreeMap::new();
        for path in &files {
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            let index = seguro_dockerfile::LineIndex::new(&src);
            for code in codes {
                let config = Config {
                    select: Some(vec![code]),
                    required_labels: vec![
                        "org.opencontainers.image.source".to_string(),
                        "org.opencontainers.image.licenses".to_string(),
                    ],
                    ..Config::default()
                };
                for d in lint("Dockerfile", &src, &config, Options::default()) {
                    *counts.entry(code).or_insert(0) += 1;
                    let line = index.line_col(&src, d.span.start).line;
                    println!(
                        "{code} {}:{line} {} | {}",
                        path.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
                        d.message,
                        d.help.unwrap_or_default()
                    );
                }
            }
        }
        for code in codes {
            println!("COUNT {code} {}", counts.get(code).copied().unwrap_or(0));
        }
    }
}

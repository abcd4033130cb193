//! Rules SG5xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

mod sources;

pub mod context;

pub mod sg501_prefer_copy;
pub mod sg502_copy_from_undefined_stage;
pub mod sg503_copy_from_self;
pub mod sg504_copy_dest_not_dir;
pub mod sg505_add_archive_extract;
pub mod sg506_copy_whole_stage_fs;
pub mod sg510_broad_copy_without_dockerignore;
pub mod sg511_secret_in_context;
pub mod sg512_vcs_dir_copied;
pub mod sg513_copy_ignored_file;
pub mod sg514_large_context;
pub mod sg515_dockerignore_pattern;

#[cfg(test)]
pub(crate) mod test_context;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg501_prefer_copy::PreferCopy,
    &sg502_copy_from_undefined_stage::CopyFromUndefinedStage,
    &sg503_copy_from_self::CopyFromSelf,
    &sg504_copy_dest_not_dir::CopyDestNotDir,
    &sg505_add_archive_extract::AddArchiveExtract,
    &sg506_copy_whole_stage_fs::CopyWholeStageFs,
    &sg510_broad_copy_without_dockerignore::BroadCopyWithoutDockerignore,
    &sg511_secret_in_context::SecretInContext,
    &sg512_vcs_dir_copied::VcsDirCopied,
    &sg513_copy_ignored_file::CopyIgnoredFile,
    &sg514_large_context::LargeContext,
    &sg515_dockerignore_pattern::DockerignorePattern,
];

#[cfg(test)]
mod tests {
    use super::RULES;
    use super::context::{example_context, write_example_context};
    use super::test_context::Ctx;
    use crate::diagnostic::Diagnostic;
    use crate::rules::test_support::check;

    /// The findings of `code` on a doc block; a block whose context is described by
    /// `# context:` lines (or whose Example's is, for `Use instead:`) is linted in it.
    fn check_block(code: &'static str, block: &str, example: &str) -> Vec<Diagnostic> {
        let mut entries = example_context(block);
        if entries.is_empty() {
            entries = example_context(example);
        }
        if entries.is_empty() {
            return check(code, block);
        }
        let t = Ctx::new(&format!("doc-{code}"));
        write_example_context(&t.root, &entries).expect("write the example context");
        t.lint(code, block)
    }

    /// Each rule's Example fires and its Use-instead block does not.
    #[test]
    fn doc_examples() {
        for rule in RULES {
            let meta = rule.meta();
            let blocks = meta.doc_examples("Example");
            assert_eq!(blocks.len(), 2, "{}: two dockerfile blocks", meta.code);
            assert!(
                !check_block(meta.code, &blocks[0], &blocks[0]).is_empty(),
                "{}: Example should fire",
                meta.code
            );
            let quiet = check_block(meta.code, &blocks[1], &blocks[0]);
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
        let codes = ["SG501", "SG502", "SG503", "SG504", "SG505", "SG506"];
        let mut counts = std::collections::BTreeMap::new();
        for path in &files {
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            let index = seguro_dockerfile::LineIndex::new(&src);
            for code in codes {
                for d in crate::rules::test_support::check(code, &src) {
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

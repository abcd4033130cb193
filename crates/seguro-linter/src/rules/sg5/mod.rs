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

    /// False-positive survey: lints every file of the dev corpus with this family's
    /// rules and prints per-rule counts and each finding.
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)]
    fn corpus() {
        crate::rules::test_support::corpus_survey(&[
            "SG501", "SG502", "SG503", "SG504", "SG505", "SG506",
        ]);
    }
}

//! Rules SG7xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub(crate) mod labels;

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

    /// False-positive survey: lints every file of the dev corpus with this family's
    /// rules and prints per-rule counts and each finding.
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)]
    fn corpus() {
        crate::rules::test_support::corpus_survey(&["SG702", "SG703", "SG704", "SG705"]);
    }
}

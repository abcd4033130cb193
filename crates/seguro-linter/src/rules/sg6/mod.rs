//! Rules SG6xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub mod sg601_build_tools_in_final_stage;
pub mod sg602_stage_name_duplicate;
pub mod sg603_stage_name_reserved;
pub mod sg604_stage_name_casing;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg601_build_tools_in_final_stage::BuildToolsInFinalStage,
    &sg602_stage_name_duplicate::StageNameDuplicate,
    &sg603_stage_name_reserved::StageNameReserved,
    &sg604_stage_name_casing::StageNameCasing,
];

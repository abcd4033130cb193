//! Rules SG1xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub mod sg101_base_image_unpinned_tag;
pub mod sg102_base_image_not_digest_pinned;
pub mod sg103_untrusted_registry;
pub mod sg104_base_image_not_minimal;
pub mod sg105_from_platform_constant;
pub mod sg106_base_image_arg_invalid;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg101_base_image_unpinned_tag::BaseImageUnpinnedTag,
    &sg102_base_image_not_digest_pinned::BaseImageNotDigestPinned,
    &sg103_untrusted_registry::UntrustedRegistry,
    &sg104_base_image_not_minimal::BaseImageNotMinimal,
    &sg105_from_platform_constant::FromPlatformConstant,
    &sg106_base_image_arg_invalid::BaseImageArgInvalid,
];

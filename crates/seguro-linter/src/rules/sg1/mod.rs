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

/// The stages whose base is an image reference fixed by the Dockerfile (no variable left
/// to the build command), with the resolved text and the parsed reference.
pub(crate) fn fixed_base_images<'c>(
    cx: &'c crate::checker::Checker<'_>,
) -> impl Iterator<
    Item = (
        &'c seguro_dockerfile::model::Stage,
        &'c str,
        seguro_dockerfile::reference::ImageRef,
    ),
> + 'c {
    cx.model.stages.iter().filter_map(move |stage| {
        let seguro_dockerfile::model::Base::Image(resolved) = &stage.base else {
            return None;
        };
        // A variable without a value: the reference is chosen at build time.
        let depends_on_build = cx
            .model
            .expand(&stage.base_raw, stage.from_index)
            .is_none_or(|e| !e.unresolved.is_empty());
        if depends_on_build {
            return None;
        }
        let image = seguro_dockerfile::reference::ImageRef::parse_normalized(resolved).ok()?;
        Some((stage, resolved.as_str(), image))
    })
}

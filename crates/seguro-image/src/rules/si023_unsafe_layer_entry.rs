//! SI023: layer entries that are unsafe as written (path traversal, escaping links,
//! duplicates, overlay whiteouts …).

use crate::check::{ImageChecker, absolute};
use crate::model::{EntryRef, Hazard};
use crate::rules::{Check, report_all};

declare_image_rule! {
    /// ## What it does
    /// Reports every layer entry the image reader marked as unsafe as written, in any
    /// layer.
    ///
    /// Unsafe entries are:
    /// - a name with `..` climbing above the root (`../../etc/cron.d/x`), or an absolute
    ///   name (`/etc/x`);
    /// - a symlink or hardlink whose target leaves the image root, or a hardlink to a path
    ///   no layer has;
    /// - an overlayfs whiteout (a 0/0 character device, not part of OCI layers), a bare
    ///   `.wh.` name;
    /// - the same path twice in one layer (the last wins), a name that is not UTF-8.
    ///
    /// seguro never extracts layers, so these cannot hurt it; they show a layer that was
    /// crafted or produced by a broken tool.
    ///
    /// ## Why it matters
    /// Tools that do extract layers (runtimes, scanners, `tar -x` in CI scripts) have
    /// been tricked by exactly these entries into writing outside their target directory
    /// (the "tar slip" family of path traversal bugs). No legitimate build produces them.
    ///
    /// ## Example
    /// ```text
    /// layer
    /// file /etc/cron.d/evil 0644
    /// hazard parent-traversal
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer
    /// file /etc/cron.d/job 0644
    /// ```
    ///
    /// ## Fix
    /// None: rebuild the image with a standard builder, and find out where the layer came
    /// from.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-22, CWE-59; chapter 3.1.1.
    pub struct UnsafeLayerEntry {
        code: "SI023",
        name: "unsafe-layer-entry",
        severity: Warning,
        section: "3.1.1",
        aliases: [],
        fixable: None,
    }
}

fn describe(h: &Hazard) -> &'static str {
    match h {
        Hazard::ParentTraversal => "its name climbs above the root with `..`",
        Hazard::AbsoluteName => "its name is absolute",
        Hazard::LinkEscape => "its link target leaves the image root",
        Hazard::DanglingHardlink => "it is a hardlink to a path no layer has",
        Hazard::OverlayWhiteout => {
            "it is an overlayfs whiteout (a 0/0 character device), not an OCI whiteout"
        }
        Hazard::Duplicate => "the same path appears twice in the layer (the last one wins)",
        Hazard::BadWhiteout => "it is a bare `.wh.` whiteout, which names nothing",
        Hazard::NonUtf8Name => "its name is not UTF-8",
    }
}

impl Check for UnsafeLayerEntry {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (li, layer) in cx.image.layers.iter().enumerate() {
            for (ei, e) in layer.entries.iter().enumerate() {
                let Some(h) = &e.hazard else { continue };
                let link = e
                    .link
                    .as_deref()
                    .map(|l| format!(" (-> `{l}`)"))
                    .unwrap_or_default();
                found.push((
                    format!(
                        "unsafe entry `{}`{link} in {}: {}",
                        absolute(&e.path),
                        cx.layer_label(li),
                        describe(h)
                    ),
                    cx.at_entry(EntryRef {
                        layer: li,
                        entry: ei,
                    }),
                ));
            }
        }
        report_all(
            cx,
            found,
            "rebuild the image with a standard builder and check where this layer came from",
            "unsafe entries",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fire, one, quiet};

    #[test]
    fn fires_for_every_hazard() {
        for h in [
            "parent-traversal",
            "absolute-name",
            "link-escape",
            "dangling-hardlink",
            "overlay-whiteout",
            "duplicate",
            "bad-whiteout",
            "non-utf8-name",
        ] {
            fire("SI023", &[&format!("layer\nfile /x 0644\nhazard {h}\n")]);
        }
        let d = one(
            "SI023",
            "layer\nsymlink /x ../../../etc/shadow\nhazard link-escape\n",
        );
        assert!(
            d.message.contains("-> `../../../etc/shadow`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn deleted_entries_still_count() {
        assert_eq!(
            check(
                "SI023",
                "layer\nfile /x\nhazard absolute-name\nlayer\ndelete /x\n"
            )
            .len(),
            1
        );
    }

    #[test]
    fn stays_quiet() {
        quiet("SI023", &["layer\nfile /x\nsymlink /y x\n", ""]);
    }
}

//! SI022: bytes a layer ships that later layers delete or overwrite.

use crate::check::{ImageChecker, absolute};
use crate::model::{EntryKind, EntryRef};
use crate::rules::{Check, human_size};

declare_image_rule! {
    /// ## What it does
    /// For each layer, adds up the bytes of its regular files that the final filesystem
    /// does not show because a later layer deleted them (a whiteout, an opaque directory)
    /// or wrote the same path again, and reports layers wasting at least 10 MiB that way,
    /// with the three biggest paths.
    ///
    /// ## Why it matters
    /// Every layer is downloaded and stored whole: a 300 MB archive unpacked in one RUN and
    /// removed in the next still costs 300 MB on every pull, and whatever it held (build
    /// caches, sources, credentials) can still be read from it. Doing the work and the
    /// cleanup in one RUN, or copying only the result from a build stage, removes the
    /// waste.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c curl -fsSLo /tmp/sdk.tgz https://example.com/sdk.tgz # buildkit
    /// file /tmp/sdk.tgz 0644 size=12M
    /// layer RUN /bin/sh -c tar -xzf /tmp/sdk.tgz -C /opt && rm /tmp/sdk.tgz # buildkit
    /// file /opt/sdk/bin/tool 0755 size=1M
    /// delete /tmp/sdk.tgz
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c curl -fsSLo /tmp/sdk.tgz https://example.com/sdk.tgz && tar -xzf /tmp/sdk.tgz -C /opt && rm /tmp/sdk.tgz # buildkit
    /// file /opt/sdk/bin/tool 0755 size=1M
    /// ```
    ///
    /// ## Fix
    /// None: merge the steps, or build in a separate stage and copy the result.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.6.
    pub struct LargeLayerWaste {
        code: "SI022",
        name: "large-layer-waste",
        severity: Info,
        section: "3.1.6",
        aliases: [],
        fixable: None,
    }
}

/// Layers wasting fewer bytes than this are not reported.
pub const THRESHOLD: u64 = 10 * 1024 * 1024;

impl Check for LargeLayerWaste {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (li, layer) in cx.image.layers.iter().enumerate() {
            let mut hidden: Vec<(u64, &str, usize)> = layer
                .entries
                .iter()
                .enumerate()
                .filter(|(ei, e)| {
                    e.kind == EntryKind::File
                        && e.size > 0
                        && !cx.view.is_visible(EntryRef {
                            layer: li,
                            entry: *ei,
                        })
                })
                .map(|(ei, e)| (e.size, e.path.as_str(), ei))
                .collect();
            let total: u64 = hidden.iter().map(|h| h.0).sum();
            if total < THRESHOLD {
                continue;
            }
            hidden.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            let biggest = hidden
                .iter()
                .take(3)
                .map(|(size, path, _)| format!("`{}` {}", absolute(path), human_size(*size)))
                .collect::<Vec<_>>()
                .join(", ");
            let at = cx.at_entry(EntryRef {
                layer: li,
                entry: hidden[0].2,
            });
            found.push((
                format!(
                    "{} ships {} in {} file{} that later layers delete or overwrite (biggest: {biggest})",
                    cx.layer_label(li),
                    human_size(total),
                    hidden.len(),
                    if hidden.len() == 1 { "" } else { "s" },
                ),
                at,
            ));
        }
        for (message, at) in found {
            cx.report(message, at).set_help(
                "create and remove temporary files in the same RUN, or build in another stage \
                 and copy only the result",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI022",
            &[
                "layer\nfile /tmp/a.tgz size=20M\nlayer\ndelete /tmp/a.tgz\n",
                "layer\nfile /opt/x size=6M\nfile /opt/y size=6M\nlayer\nopaque /opt\n",
                "layer\nfile /usr/lib/big.so size=12M\nlayer\nfile /usr/lib/big.so size=12M\n",
            ],
        );
        let d = one(
            "SI022",
            "layer\nfile /tmp/a size=8M\nfile /tmp/b size=4M\nfile /keep size=40M\nlayer\ndelete /tmp\n",
        );
        assert!(d.message.contains("12.0 MiB in 2 files"), "{}", d.message);
        assert!(
            d.message.contains("`/tmp/a` 8.0 MiB, `/tmp/b` 4.0 MiB"),
            "{}",
            d.message
        );
        let loc = d.location.unwrap();
        assert_eq!(loc.layer.unwrap().index, 0);
        assert_eq!(loc.path.as_deref(), Some("/tmp/a"));
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI022",
            &[
                "layer\nfile /tmp/a.tgz size=2M\nlayer\ndelete /tmp/a.tgz\n",
                "layer\nfile /opt/big size=200M\n",
                "layer\nfile /opt/big size=200M\nlayer\nfile /opt/other size=1M\n",
            ],
        );
    }
}

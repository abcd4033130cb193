//! SG505: ADD of a local tar archive, which ADD unpacks without saying so (off by default).

use super::sources::{SourceKind, copies, source_kind};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds `ADD` of a local file named as a tar archive (`.tar`, `.tar.gz`, `.tgz`,
    /// `.tar.xz`, `.tar.bz2`, `.tar.zst`…), which ADD unpacks into the destination.
    /// Off by default: enable it where every unpacking should be explicit.
    ///
    /// ## Why it matters
    /// The extraction is implicit: `ADD app.tar.gz /opt/` writes the archive's tree,
    /// with the owners, modes and paths stored in it (setuid bits included), and nothing
    /// in the line says so. Teams that review what lands in the image may prefer the
    /// explicit form. `ADD --unpack=…` states the intent and is not reported; remote
    /// archives are never unpacked (SG405 checks downloads).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD --unpack=true app.tar.gz /opt/
    /// ```
    ///
    /// ## Fix
    /// None: whether to unpack (`ADD --unpack=true`), copy as is (COPY) or unpack in a
    /// RUN with a bind mount is the author's choice.
    ///
    /// ## Aliases
    /// —
    ///
    /// ## References
    /// Chapter 3.1.5.
    pub struct AddArchiveExtract {
        code: "SG505",
        name: "add-archive-extract",
        severity: Off,
        section: "3.1.5",
        aliases: [],
        fixable: None,
    }
}

impl Check for AddArchiveExtract {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, String)> = Vec::new();
        for add in copies(cx, Kind::Add, true) {
            if add.inst.flag("unpack").is_some() {
                continue;
            }
            let dest = add.dest.value.clone().unwrap_or_else(|| {
                cx.src
                    .get(add.dest.span.range())
                    .unwrap_or_default()
                    .to_string()
            });
            for source in &add.sources {
                if source_kind(source) != SourceKind::Archive {
                    continue;
                }
                let name = cx.src.get(source.span.range()).unwrap_or_default();
                found.push((source.span, name.to_string(), dest.clone()));
            }
        }
        for (span, name, dest) in found {
            cx.report(
                span,
                format!("ADD unpacks the local archive `{name}` into `{dest}`"),
            )
            .set_help("say so with `ADD --unpack=true`, or use COPY to keep the archive as a file");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG505",
            &[
                "FROM a\nADD --chown=1 src.tar.gz /x\n",
                "FROM a\nadd rootfs.tar.xz /\n",
                "FROM a\nADD [\"a.tgz\", \"/opt/\"]\n",
                "FROM a\nADD dist/*.tar.gz /opt/\n",
                "FROM a\nARG V=1.2\nADD app-$V.tar /opt/\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG505",
            &[
                "FROM a\nADD https://example.com/x.tar.gz /tmp/\n",
                "FROM a\nADD --unpack=true app.tar.gz /opt/\n",
                "FROM a\nADD --unpack=false app.tar.gz /opt/\n",
                "FROM a\nCOPY app.tar.gz /opt/\n",
                "FROM a\nADD app.py /app/\n",
                "FROM a\nADD data.gz /data/\n",
                "FROM a\nARG F\nADD $F /opt/\n",
            ],
        );
    }
}

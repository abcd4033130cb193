//! SG506: `COPY --from=x / /` copies a whole stage or image over the root filesystem.

use super::sources::{FromRef, copies, resolve_from};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<stage or image> / /`: the entire filesystem of another stage or
    /// image copied onto the root of this one (a relative destination counts when the
    /// working directory is `/`).
    ///
    /// ## Why it matters
    /// Multi-stage builds exist to leave compilers, package managers, caches and secrets
    /// of the build stage behind. Copying `/` brings all of it into the final image and
    /// undoes the separation. A stage built `FROM scratch` holds only what was
    /// deliberately copied into it (an "export" or squash stage), so copying it whole is
    /// not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix
    /// None: which files the image needs is for the author to say.
    ///
    /// ## Aliases
    /// DL3067
    ///
    /// ## References
    /// Chapter 3.1.6.
    pub struct CopyWholeStageFs {
        code: "SG506",
        name: "copy-whole-stage-fs",
        severity: Warning,
        section: "3.1.6",
        aliases: ["DL3067"],
        fixable: None,
    }
}

impl Check for CopyWholeStageFs {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for c in copies(cx, Kind::Copy, false) {
            let Some(from) = c.inst.flag("from").and_then(|f| f.value.as_deref()) else {
                continue;
            };
            let what = match resolve_from(cx, from) {
                FromRef::Stage(s) => {
                    if cx.model.root_base(s) == Some(&Base::Scratch) {
                        continue;
                    }
                    format!("stage `{from}`")
                }
                FromRef::Image(image) => format!("image `{image}`"),
                _ => continue,
            };
            let workdir = cx
                .model
                .state_before(c.index)
                .and_then(|s| s.workdir.clone())
                .unwrap_or_else(|| "/".to_string());
            let dest_is_root = c
                .dest
                .value
                .as_deref()
                .is_some_and(|d| normalize(d, &workdir) == "/");
            let root_source = c.sources.iter().find(|s| {
                !s.heredoc && s.value.as_deref().is_some_and(|v| normalize(v, "/") == "/")
            });
            if let (true, Some(source)) = (dest_is_root, root_source) {
                found.push((
                    Span {
                        start: source.span.start,
                        end: c.dest.span.end,
                    },
                    what,
                ));
            }
        }
        for (span, what) in found {
            cx.report(
                span,
                format!("the whole filesystem of {what} is copied onto `/`"),
            )
            .set_help("copy only the files the image needs; the rest of the build stage (compilers, package managers, caches) comes along otherwise");
        }
    }
}

/// A path made absolute against `base` with `.`, `..` and repeated `/` resolved.
fn normalize(path: &str, base: &str) -> String {
    if path.starts_with('/') {
        seguro_context::gopath::clean(path)
    } else {
        seguro_context::gopath::clean(&format!("/{base}/{path}"))
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG506",
            &[
                "FROM a AS build\nFROM b\nCOPY --from=build / /\n",
                "FROM a AS build\nFROM b\ncopy --from=build /. /\n",
                "FROM a\nFROM b\nCOPY --from=0 / /\n",
                "FROM a AS build\nFROM b\nCOPY --from=build [\"/\", \"/\"]\n",
                "FROM a AS build\nFROM b\nWORKDIR /\nCOPY --from=build / .\n",
                "FROM b\nCOPY --from=busybox:1.36 / /\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG506",
            &[
                "FROM a AS build\nFROM b\nCOPY --from=build /out/app /app\n",
                "FROM a AS build\nFROM b\nCOPY --from=build / /rootfs/\n",
                "FROM a AS build\nFROM b\nWORKDIR /srv\nCOPY --from=build / .\n",
                "FROM a AS build\nFROM scratch AS export\nCOPY --from=build /out/ /\nFROM b\nCOPY --from=export / /\n",
                "FROM a\nCOPY / /\n",
                "FROM a AS build\nFROM b\nONBUILD COPY --from=build / /\n",
            ],
        );
    }
}

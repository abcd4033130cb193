//! SG502: `COPY --from` names no earlier stage and no usable image.

use super::sources::{FromRef, OFFICIAL_IMAGES, resolve_from};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<x>` where `<x>` is not a stage defined before the current one
    /// and cannot be an image either: a stage defined later, a stage number out of range,
    /// a variable (BuildKit does not expand `--from`), an invalid reference, or a bare
    /// name that is no stage and no Docker Hub official image (most often a mistyped or
    /// renamed stage).
    ///
    /// ## Why it matters
    /// A mistyped stage name is read as an image name: the build pulls whatever
    /// `docker.io/library/<name>` is, or fails late. A later stage or a variable makes
    /// BuildKit stop with an error. References with a registry, a namespace or a tag
    /// (`--from=composer:2`, `--from=ghcr.io/acme/tools`) and official images
    /// (`--from=busybox`) are images and are not reported. A name passed as a named build
    /// context (`--build-context weed=…`) cannot be seen from the Dockerfile: silence the
    /// finding with a pragma there.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=builder /out/app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /usr/local/bin/app
    /// COPY --from=composer:2 /usr/bin/composer /usr/local/bin/composer
    /// ```
    ///
    /// ## Fix
    /// None: which stage was meant is for the author to say (the help names a close one).
    ///
    /// ## Aliases
    /// DL3022
    ///
    /// ## References
    /// Chapter 3.1.6.
    pub struct CopyFromUndefinedStage {
        code: "SG502",
        name: "copy-from-undefined-stage",
        severity: Error,
        section: "3.1.6",
        aliases: ["DL3022"],
        fixable: None,
    }
}

impl Check for CopyFromUndefinedStage {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, String)> = Vec::new();
        for (i, inst) in cx.of_kind(Kind::Copy) {
            let Some(flag) = inst.flag("from") else {
                continue;
            };
            let Some(value) = flag.value.as_deref() else {
                continue;
            };
            let Some(current) = cx.model.stage_of(i) else {
                continue;
            };
            let finding = match resolve_from(cx, value) {
                FromRef::Stage(s) if s > current.index => {
                    let line = cx
                        .model
                        .stages
                        .get(s)
                        .and_then(|st| cx.df.instructions.get(st.from_index))
                        .map_or(0, |f| f.start_line);
                    Some((
                        format!(
                            "`--from={value}` names a stage defined later (line {line}); BuildKit fails: a stage can only copy from stages before it"
                        ),
                        "move that stage above this one".to_string(),
                    ))
                }
                FromRef::Stage(_) => None,
                FromRef::BadIndex(n) => Some((
                    format!(
                        "`--from={n}`: there is no stage {n} (this Dockerfile has {} stage{})",
                        cx.model.stages.len(),
                        if cx.model.stages.len() == 1 { "" } else { "s" }
                    ),
                    "stages are numbered from 0; better, name the stage with `AS` and copy from the name"
                        .to_string(),
                )),
                FromRef::Variable => Some((
                    format!("`--from={value}`: BuildKit does not expand variables in --from"),
                    "declare a stage `FROM <the image> AS <name>` (ARG in the global scope works there) and copy --from=<name>"
                        .to_string(),
                )),
                FromRef::Invalid => Some((
                    format!("`--from={value}` is neither a stage nor a valid image reference"),
                    stage_list_help(cx, value, current.index),
                )),
                FromRef::Image(image) if image == "scratch" => Some((
                    "`--from=scratch` names the empty image: there is nothing to copy".to_string(),
                    stage_list_help(cx, &image, current.index),
                )),
                FromRef::Image(image) if is_bare_unknown(&image) => Some((
                    format!("`--from={image}` names no stage of this Dockerfile"),
                    stage_list_help(cx, &image, current.index),
                )),
                FromRef::Image(_) => None,
            };
            if let Some((message, help)) = finding {
                found.push((flag.span, message, help));
            }
        }
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// A one-word name without tag, namespace or registry that is no official image.
fn is_bare_unknown(image: &str) -> bool {
    !image.contains(['/', ':', '@', '.']) && !OFFICIAL_IMAGES.contains(&image)
}

/// Help naming the closest earlier stage, or saying how BuildKit reads the name.
fn stage_list_help(cx: &Checker<'_>, name: &str, current: usize) -> String {
    let lowered = name.to_lowercase();
    let earlier: Vec<&str> = cx
        .model
        .stages
        .iter()
        .take(current)
        .filter_map(|s| s.name.as_deref())
        .collect();
    if let Some(close) = earlier
        .iter()
        .copied()
        .filter(|s| similar(s, &lowered))
        .min_by_key(|s| distance(s, &lowered))
    {
        return format!("did you mean the stage `{close}`?");
    }
    let stages = if earlier.is_empty() {
        "no earlier stage has a name".to_string()
    } else {
        format!("earlier stages: {}", earlier.join(", "))
    };
    format!(
        "{stages}; otherwise BuildKit pulls the image `docker.io/library/{lowered}` or uses a build context passed as `--build-context {lowered}=…`"
    )
}

/// Close enough to be a typo or a renamed stage (`builder` for `build`).
fn similar(stage: &str, name: &str) -> bool {
    let shorter = stage.len().min(name.len());
    distance(stage, name) <= if shorter <= 3 { 1 } else { 2 }
        || (shorter >= 3 && (stage.starts_with(name) || name.starts_with(stage)))
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let v = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            cur.push(v);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG502",
            &[
                "FROM a AS build\nFROM b\nCOPY --from=builder /x /x\n",
                "FROM a\nFROM b\nCOPY --from=build /x /x\n",
                "FROM a\nCOPY --from=later /x /x\nFROM b AS later\n",
                "FROM a\nCOPY --from=1 /x /x\nFROM b\n",
                "FROM a\nFROM b\nCOPY --from=5 /x /x\n",
                "FROM a\nCOPY --from=-1 /x /x\n",
                "ARG B=build\nFROM a AS build\nFROM b\nCOPY --from=$B /x /x\n",
                "FROM a\nCOPY --from=Not_Valid! /x /x\n",
                "FROM a AS build\nFROM b\ncopy --from=buidl /x /x\n",
                "FROM a\nCOPY --from=scratch /x /x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG502",
            &[
                "FROM a AS build\nFROM b\nCOPY --from=build /x /x\n",
                "FROM a AS Build\nFROM b\nCOPY --from=BUILD /x /x\n",
                "FROM a\nFROM b\nCOPY --from=0 /x /x\n",
                "FROM a\nCOPY --from=alpine /etc/x /x\n",
                "FROM a\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/\n",
                "FROM a\nCOPY --from=ghcr.io/acme/tools:1 /bin/t /bin/\n",
                "FROM a\nCOPY --from=acme/tools /bin/t /bin/\n",
                "FROM a\nCOPY --from=mcr.microsoft.com/azurelinux/distroless/minimal:3.0 /x /x\n",
                "FROM a\nCOPY --from=busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000 /bin/sh /bin/\n",
                // Own stage: SG503's business.
                "FROM a AS x\nCOPY --from=x /a /b\n",
                // ONBUILD copies refer to the downstream Dockerfile's stages.
                "FROM a\nONBUILD COPY --from=builder /x /x\n",
                "FROM a\nCOPY /x /x\n",
            ],
        );
    }

    #[test]
    fn helps() {
        let d = check(
            "SG502",
            "FROM a AS build\nFROM b\nCOPY --from=builder /x /x\n",
        );
        assert_eq!(
            d[0].message,
            "`--from=builder` names no stage of this Dockerfile"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean the stage `build`?")
        );
        let d = check("SG502", "FROM a\nFROM b\nCOPY --from=weed /x /x\n");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("--build-context weed=")
        );
    }
}

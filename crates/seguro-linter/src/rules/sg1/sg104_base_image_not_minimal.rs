//! SG104: the final image starts from a full image that has a drop-in minimal variant.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use crate::rules::sg6::sg601_build_tools_in_final_stage::is_build_environment;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::reference::ImageRef;

declare_rule! {
    /// ## What it does
    /// Looks at the image the final stage starts from (following `FROM <stage>`
    /// chains) and reports it when it is the full variant of an image that publishes a
    /// drop-in minimal one under the same name:
    ///
    /// | image | full | minimal variant |
    /// |---|---|---|
    /// | `python`, `ruby`, `perl` | `3.12`, `3.12-bookworm` | `3.12-slim`, `3.12-slim-bookworm` |
    /// | `node` | `20`, `20-bookworm` | `20-slim`, `20-bookworm-slim` |
    /// | `debian` | `bookworm`, `12` | `bookworm-slim`, `12-slim` |
    /// | `oraclelinux` | `9` | `9-slim` |
    /// | `rockylinux`, `almalinux` | `9` | `9-minimal` |
    /// | Red Hat UBI | `ubi9/ubi` | `ubi9/ubi-minimal`, `ubi9/ubi-micro` |
    ///
    /// Tags that are already minimal (`slim`, `alpine`, `minimal`, `micro`,
    /// `distroless`, `chiseled`, `busybox`) and Windows tags are left alone, as are
    /// distributions with no such variant (`ubuntu`, `alpine`) and build stages. SDK
    /// images (`golang`, `maven`, a full JDK…) are SG601's, and so is the decision that
    /// an image is a development environment, where the full variant is wanted: a dev
    /// container, a `Dockerfile.dev` or `AS dev` target, an image that runs a shell, an
    /// interpreter with no script or a build tool (see SG601).
    ///
    /// ## Why it matters
    /// The full variants carry compilers, headers, version-control clients and hundreds
    /// of libraries the application never calls: every one is attack surface and a
    /// source of scanner findings. The slim variant of the same image usually runs the
    /// same application unchanged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix
    /// None: the application may need something only the full image has.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CIS Docker Benchmark 4.3; chapter 3.1.1.
    pub struct BaseImageNotMinimal {
        code: "SG104",
        name: "base-image-not-minimal",
        severity: Info,
        section: "3.1.1",
        aliases: [],
        fixable: None,
    }
}

/// Debian release names that image tags end with.
const CODENAMES: &[&str] = &[
    "trixie", "bookworm", "bullseye", "buster", "stretch", "jessie",
];

/// Tag words that already mean a small image, or a Windows one.
const MINIMAL_WORDS: &[&str] = &[
    "slim",
    "alpine",
    "minimal",
    "micro",
    "distroless",
    "chiseled",
    "busybox",
    "windowsservercore",
    "nanoserver",
];

impl Check for BaseImageNotMinimal {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(stage) = cx.final_stage() else {
            return;
        };
        if is_build_environment(cx, stage) {
            return;
        }
        let chain = cx.model.chain(stage.index);
        let Some(root) = chain.last() else {
            return;
        };
        let Base::Image(name) = &root.base else {
            return;
        };
        let Ok(image) = ImageRef::parse_normalized(name) else {
            return;
        };
        if image.digest.is_some() && image.tag.is_none() {
            // Pinned by digest alone: the variant is not visible.
            return;
        }
        let tag = image.tag.clone().unwrap_or_default();
        if MINIMAL_WORDS.iter().any(|w| tag.contains(w)) {
            return;
        }
        let Some((suggestion, what)) = minimal_variant(&image, &tag) else {
            return;
        };
        let span = root.base_span;
        cx.report(
            span,
            format!(
                "the final image starts from `{}`, {what}",
                image.familiar_string()
            ),
        )
        .set_help(format!(
            "use `{suggestion}` if the application runs on it, or build in another stage and copy the result into a minimal image"
        ));
    }
}

/// The minimal variant of a full image, when the image publishes one, and what the
/// full one carries.
fn minimal_variant(image: &ImageRef, tag: &str) -> Option<(String, &'static str)> {
    const LANGUAGE: &str =
        "the full variant, with compilers, headers and version-control tools (buildpack-deps)";
    const DISTRO: &str = "the full variant, with packages its minimal variant leaves out";
    let name = image.familiar_name();
    let with_tag = |t: String| format!("{name}:{t}");
    Some(match name.as_str() {
        "python" | "ruby" | "perl" => (with_tag(slim_tag(tag, false)), LANGUAGE),
        "node" => (with_tag(slim_tag(tag, true)), LANGUAGE),
        "debian" => (
            with_tag(suffixed(tag, "slim")),
            "the non-slim variant, with documentation, locales and tools the slim one drops",
        ),
        "oraclelinux" => (with_tag(suffixed(tag, "slim")), DISTRO),
        "rockylinux" | "almalinux" => (with_tag(suffixed(tag, "minimal")), DISTRO),
        _ => (ubi_minimal(image)?, DISTRO),
    })
}

/// `3.12` → `3.12-slim`, `3.12-bookworm` → `3.12-slim-bookworm` (node:
/// `20-bookworm-slim`), no tag → `slim`.
fn slim_tag(tag: &str, codename_first: bool) -> String {
    if tag.is_empty() || tag == "latest" {
        return "slim".to_string();
    }
    if let Some((version, codename)) = tag.rsplit_once('-')
        && CODENAMES.contains(&codename)
        && !codename_first
    {
        return format!("{version}-slim-{codename}");
    }
    format!("{tag}-slim")
}

/// `tag-suffix`, or the bare suffix for no tag.
fn suffixed(tag: &str, suffix: &str) -> String {
    if tag.is_empty() || tag == "latest" {
        suffix.to_string()
    } else {
        format!("{tag}-{suffix}")
    }
}

/// `registry.access.redhat.com/ubi9/ubi` → `…/ubi9/ubi-minimal`; `redhat/ubi9` →
/// `redhat/ubi9-minimal`.
fn ubi_minimal(image: &ImageRef) -> Option<String> {
    let red_hat = matches!(
        image.domain.as_str(),
        "registry.access.redhat.com" | "registry.redhat.io"
    );
    let is_ubi = |s: &str| {
        s.strip_prefix("ubi")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let tag = image
        .tag
        .as_deref()
        .map(|t| format!(":{t}"))
        .unwrap_or_default();
    match image.path.split('/').collect::<Vec<_>>().as_slice() {
        [release, "ubi"] if red_hat && is_ubi(release) => {
            Some(format!("{}/{release}/ubi-minimal{tag}", image.domain))
        }
        ["redhat", release] if image.is_docker_hub() && is_ubi(release) => {
            Some(format!("redhat/{release}-minimal{tag}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG104",
            &[
                "FROM python:3.12\nCMD [\"python\", \"app.py\"]\n",
                "FROM python\nEXPOSE 8000\n",
                "FROM node:20-bookworm\nCMD [\"node\", \"a.js\"]\n",
                "FROM debian:bookworm\nENTRYPOINT [\"/app\"]\n",
                "FROM golang:1.22 AS build\nFROM debian:12\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
                "FROM ruby:3.3 AS base\nFROM base\nCMD [\"ruby\", \"app.rb\"]\n",
                "FROM registry.access.redhat.com/ubi9/ubi:9.4\nCMD [\"/app\"]\n",
                "ARG PY=3.11\nFROM python:$PY\nCMD [\"python\", \"-m\", \"app\"]\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG104",
            &[
                "FROM python:3.12-slim\n",
                "FROM python:3.12-slim-bookworm\n",
                "FROM node:20-alpine\n",
                "FROM debian:bookworm-slim\n",
                "FROM gcr.io/distroless/python3-debian12\n",
                "FROM ubuntu:24.04\n",
                "FROM alpine:3.20\n",
                "FROM scratch\n",
                "FROM python:3.12 AS build\nFROM python:3.12-slim\nCOPY --from=build /w /w\n",
                "FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\n",
                "FROM python:3.12-windowsservercore-ltsc2022\n",
                "FROM rockylinux:9-minimal\n",
                // SDK images are SG601's.
                "FROM golang:1.22\n",
                // Development environments.
                "FROM python:3.12 AS dev\nCMD [\"python\", \"app.py\"]\n",
                "FROM node:20\nCMD [\"node\"]\n",
            ],
        );
    }

    #[test]
    fn suggestions() {
        for (src, want) in [
            ("FROM python:3.12\n", "python:3.12-slim"),
            ("FROM python:3.12-bookworm\n", "python:3.12-slim-bookworm"),
            ("FROM node:20-bookworm\n", "node:20-bookworm-slim"),
            ("FROM debian:12\n", "debian:12-slim"),
            ("FROM rockylinux:9\n", "rockylinux:9-minimal"),
            ("FROM redhat/ubi9\n", "redhat/ubi9-minimal"),
        ] {
            let d = check("SG104", &format!("{src}CMD [\"/app\"]\n"));
            let help = d.first().and_then(|d| d.help.clone()).unwrap_or_default();
            assert!(help.contains(&format!("`{want}`")), "{src}: {help}");
        }
    }
}

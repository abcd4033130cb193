//! SG101: FROM an image with no tag, or `:latest`, and no digest.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds FROM lines whose image has no tag (which means `:latest`) or the `:latest`
    /// tag, and no `@sha256:` digest. ARG defaults are resolved first, so `ARG
    /// BASE=node` / `FROM $BASE` is caught. `scratch`, earlier stages and images
    /// pinned by digest (`:latest@sha256:…` too) are fine; a reference that depends on
    /// an ARG with no default is left alone, since its value comes from the build.
    ///
    /// ## Why it matters
    /// `latest` moves: the same Dockerfile builds on a different base from one day to
    /// the next, with new packages, a new major version or a compromised release, and
    /// nothing in the Dockerfile or its history shows it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG BASE=node
    /// FROM $BASE
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG BASE=node:20.11-bookworm-slim
    /// FROM $BASE
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// None: which version to pin is for the author.
    ///
    /// ## Aliases
    /// DL3006, DL3007, DS-0001, CKV_DOCKER_7
    ///
    /// ## References
    /// CWE-1357 (reliance on insufficiently trustworthy component); chapter 3.1.1, 3.2.1.
    pub struct BaseImageUnpinnedTag {
        code: "SG101",
        name: "base-image-unpinned-tag",
        severity: Warning,
        section: "3.1.1",
        aliases: ["DL3006", "DL3007", "DS-0001", "CKV_DOCKER_7"],
        fixable: None,
    }
}

impl Check for BaseImageUnpinnedTag {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (stage, resolved, image) in super::fixed_base_images(cx) {
            if image.digest.is_some() {
                continue;
            }
            let written = if stage.base_raw == *resolved {
                format!("`{resolved}`")
            } else {
                format!("`{}` (`{resolved}`)", stage.base_raw)
            };
            let message = match image.tag.as_deref() {
                None => format!("{written} has no tag: it pulls whatever `latest` is today"),
                Some("latest") => format!("{written} uses the moving `latest` tag"),
                Some(_) => continue,
            };
            found.push((stage.base_span, message, image.familiar_name()));
        }
        for (span, message, name) in found {
            cx.report(span, message).set_help(format!(
                "pin a version tag, ideally with its digest: `{name}:<version>@sha256:<digest>`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG101",
            &[
                "FROM ubuntu\n",
                "FROM ubuntu:latest\n",
                "FROM ghcr.io/acme/app:latest AS app\n",
                "FROM registry.example.com:5000/team/app\n",
                "ARG BASE=node\nFROM $BASE\n",
                "ARG TAG=latest\nFROM python:${TAG}\n",
                "ARG REGISTRY=docker.io\nFROM ${REGISTRY}/library/ubuntu\n",
                "FROM --platform=$BUILDPLATFORM golang AS build\nFROM scratch\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG101",
            &[
                "FROM ubuntu:24.04\n",
                "FROM scratch\n",
                "FROM alpine:3.20 AS build\nFROM build\n",
                "FROM alpine:3.20 AS Build\nFROM build AS two\nFROM BUILD\n",
                "FROM ubuntu:latest@sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30\n",
                "FROM ubuntu@sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30\n",
                // Resolved from ARG defaults to a pinned tag.
                "ARG VERSION=3.12\nFROM python:${VERSION}-slim\n",
                "ARG GO=1.22\nFROM golang:${GO:-1.21}\n",
                // Chosen at build time: no default to judge.
                "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n",
                "ARG TAG\nFROM node:$TAG\n",
                "ARG REGISTRY\nFROM ${REGISTRY}/ubuntu:22.04\n",
                "FROM $UNDECLARED\n",
            ],
        );
    }

    #[test]
    fn message_names_the_resolved_image() {
        let d = check("SG101", "ARG BASE=node\nFROM $BASE\n");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("`$BASE` (`node`)"),
            "{}",
            d[0].message
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("node:<version>")
        );
    }
}

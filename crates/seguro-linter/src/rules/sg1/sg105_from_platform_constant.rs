//! SG105: `FROM --platform=<constant>`.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds `FROM --platform=` with a constant value (`linux/amd64`). Variables such
    /// as `$BUILDPLATFORM` or `${TARGETPLATFORM}` are fine, and so is a constant on a
    /// stage whose name says which platform it is for (`FROM --platform=linux/arm64
    /// alpine AS build-arm64`), the pattern BuildKit documents for per-architecture
    /// stages picked with `FROM build-${TARGETARCH}`. A Dockerfile kept in a directory
    /// named for one platform (`ubuntu22.04-arm32v7/Dockerfile`) is also left alone: it
    /// is built for that platform only, by design.
    ///
    /// ## Why it matters
    /// A constant platform makes the stage run (emulated) on that platform whatever the
    /// build asks for: a multi-platform build silently ships amd64 binaries in the arm64
    /// image, or crawls through QEMU. It also hides which platform the base image digest
    /// belongs to when the image is later pinned.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// None: drop the flag and pass `--platform` to the build, or use `$BUILDPLATFORM`
    /// for stages that cross-compile.
    ///
    /// ## Aliases
    /// DL3029, FromPlatformFlagConstDisallowed
    ///
    /// ## References
    /// BuildKit `FromPlatformFlagConstDisallowed`; chapter 3.1.1.
    pub struct FromPlatformConstant {
        code: "SG105",
        name: "from-platform-constant",
        severity: Warning,
        section: "3.1.1",
        aliases: ["DL3029", "FromPlatformFlagConstDisallowed"],
        fixable: None,
    }
}

impl Check for FromPlatformConstant {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (_, inst) in cx.of_kind(Kind::From) {
            let Some(flag) = inst.flag("platform") else {
                continue;
            };
            let value = flag.value.as_deref().unwrap_or("");
            if value.is_empty() || value.contains('$') {
                continue;
            }
            let stage_name = match inst.args.as_slice() {
                [_, as_word, name] if as_word.value.eq_ignore_ascii_case("as") => {
                    name.value.to_ascii_lowercase()
                }
                _ => String::new(),
            };
            let path = cx.file.to_ascii_lowercase();
            let file_name = path.rsplit(['/', '\\']).next().unwrap_or("");
            let dir = path.strip_suffix(file_name).unwrap_or("");
            if names_platform(&stage_name, value, true) || names_platform(dir, value, false) {
                continue;
            }
            found.push((flag.span, value.to_string()));
        }
        for (span, value) in found {
            cx.report(
                span,
                format!("`--platform={value}` pins this stage to one platform"),
            )
            .set_help(
                "drop it and pass `--platform` to the build, or use `$BUILDPLATFORM` for a stage that cross-compiles",
            );
        }
    }
}

/// Whether a stage name mentions the OS or architecture of `platform` (a directory
/// path: the architecture).
fn names_platform(name: &str, platform: &str, with_os: bool) -> bool {
    if name.is_empty() {
        return false;
    }
    let lowered = platform.to_ascii_lowercase();
    let mut parts = lowered.split('/');
    let os = parts.next().unwrap_or("");
    let arch = parts.next().unwrap_or("");
    let variant = parts.next().unwrap_or("");
    let aliases: Vec<&str> = match (arch, variant) {
        ("amd64", _) => vec!["amd64", "x86_64", "x64", "x86-64"],
        ("arm64", _) => vec!["arm64", "aarch64"],
        ("386", _) => vec!["386", "i386", "x86"],
        ("arm", "v6") => vec!["arm32v6", "armv6", "armel"],
        ("arm", _) => vec!["arm32v7", "armv7", "armhf", "arm32"],
        ("", _) => Vec::new(),
        (other, _) => vec![other],
    };
    (with_os && !os.is_empty() && name.contains(os)) || aliases.iter().any(|a| name.contains(a))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG105",
            &[
                "FROM --platform=linux/amd64 alpine:3.20\n",
                "FROM --platform=linux/arm64 alpine:3.20 AS build\n",
                "FROM --platform=\"linux/amd64\" alpine:3.20\n",
            ],
        );
    }

    #[test]
    fn per_platform_directories() {
        use crate::config::Config;
        use crate::lint::{Options, lint};
        let config = Config {
            select: Some(vec!["SG105"]),
            ..Config::default()
        };
        let src = "FROM --platform=linux/arm/v7 ubuntu:22.04\n";
        let run = |file: &str| lint(file, src, &config, Options::default()).len();
        assert_eq!(run("release/ubuntu22.04-arm32v7/docker/Dockerfile"), 0);
        assert_eq!(run("release/ubuntu22.04/docker/Dockerfile"), 1);
        assert_eq!(run("linux/Dockerfile"), 1);
    }

    #[test]
    fn quiet() {
        pass(
            "SG105",
            &[
                "FROM alpine:3.20\n",
                "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n",
                "FROM --platform=${TARGETPLATFORM} alpine:3.20\n",
                "FROM --platform=$TARGETOS/$TARGETARCH alpine:3.20\n",
                "FROM --platform=linux/amd64 alpine AS build_amd64\nFROM --platform=linux/arm64 alpine AS build-aarch64\n",
                "FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022 AS windows\n",
            ],
        );
    }
}

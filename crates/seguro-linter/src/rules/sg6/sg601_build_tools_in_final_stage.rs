//! SG601: compilers, `-dev` packages or an SDK base image in the image that ships.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::{Base, Stage};
use seguro_dockerfile::reference::ImageRef;
use seguro_dockerfile::{Instruction, Kind, Span};
use seguro_shell::{Action, Manager, PackageKind};

declare_rule! {
    /// ## What it does
    /// Looks at the image that ships (the final stage and the stages it is built FROM)
    /// and reports:
    /// - a base image that is an SDK: `golang`, `rust`, `gcc`, `maven`, `gradle`,
    ///   `buildpack-deps`, a full JDK (`openjdk`, `eclipse-temurin`, `amazoncorretto`
    ///   without `jre`), the .NET SDK, `nvidia/cuda:*-devel`, `swift`, `haskell`,
    ///   `dart`, `clojure`;
    /// - a package install of a compiler or build tool (`gcc`, `g++`, `clang`,
    ///   `build-essential`, `build-base`, `cmake`, `autoconf`, `golang`, `rustc`,
    ///   `cargo`, `maven`, a JDK…) or of a `-dev`/`-devel` package (apt, apk, dnf, yum,
    ///   microdnf, zypper), unless a later command of the image removes it again
    ///   (`apt-get purge`, `apk del` of the package or of its `--virtual` group, the
    ///   `apt-mark auto` + `purge --auto-remove` idiom of the official images).
    ///
    /// Builder stages that the final stage only copies from are never reported. Images
    /// whose purpose is to be a build environment are left alone: a dev container
    /// (`.devcontainer/`, `mcr.microsoft.com/devcontainers/*`), a file or final stage
    /// named for it (`Dockerfile.dev`, `ci.Dockerfile`, `AS builder`, `AS test`…), an
    /// image whose ENTRYPOINT/CMD runs a build tool (`["make"]`, `["mvn", "-v"]`) or a
    /// shell or interpreter with no script (`["bash"]`, `["python3"]`, `["irb"]`: the
    /// official language images themselves), and an image with no ENTRYPOINT, CMD or
    /// EXPOSE at all (a toolbox image that keeps its base's shell).
    ///
    /// ## Why it matters
    /// A compiler in the running image lets an attacker who gets a shell build
    /// exploits and tools on the spot; SDKs and headers add hundreds of packages, each
    /// a source of CVEs, to an image that only needs the built program. A multi-stage
    /// build compiles in one stage and copies the result into a small runtime image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /app .
    /// CMD ["/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## Fix
    /// None: splitting a build into stages is a change of design.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-1104 (use of unmaintained third-party components); chapter 3.1.6, 3.1.1.
    pub struct BuildToolsInFinalStage {
        code: "SG601",
        name: "build-tools-in-final-stage",
        severity: Warning,
        section: "3.1.6",
        aliases: [],
        fixable: None,
    }
}

/// Words that name a build or development image (file name parts, stage names).
const DEV_WORDS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "devcontainer",
    "build",
    "builder",
    "buildenv",
    "ci",
    "toolchain",
    "sdk",
    "test",
    "tests",
    "testing",
];

/// Build tools: an image whose ENTRYPOINT/CMD runs one is a build tool image.
const TOOL_COMMANDS: &[&str] = &[
    "make",
    "cmake",
    "gcc",
    "g++",
    "cc",
    "clang",
    "go",
    "cargo",
    "rustc",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "ant",
    "javac",
    "bazel",
    "bazelisk",
    "ninja",
    "meson",
    "scons",
    "sbt",
    "lein",
    "ballerina",
    "buildah",
    "esy",
    "fastlane",
    "flutter",
];

/// Shells and interpreters: run with no script (`["bash"]`, `["python3"]`, `["perl",
/// "-de0"]`) they make the image an interactive environment.
const REPLS: &[&str] = &[
    "sh",
    "bash",
    "ash",
    "zsh",
    "node",
    "python",
    "pypy",
    "irb",
    "perl",
    "erl",
    "iex",
    "jshell",
    "ghci",
    "repl",
    "clojure",
    "clj",
    "scala",
    "php",
    "swift",
    "julia",
    "R",
    "lua",
    "yarn",
    "npm",
    "pnpm",
    "dotnet",
    "dart",
    "pwsh",
    "pwsh-preview",
    "powershell",
];

/// Directories that hold development, test or CI images.
const DEV_DIRS: &[&str] = &[
    ".devcontainer",
    "devcontainer",
    "test",
    "tests",
    "testing",
    "e2e",
    "ci",
    ".ci",
];

/// Packages that are compilers, build tools or SDKs, whatever the package manager.
const BUILD_PACKAGES: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "cpp",
    "clang",
    "llvm",
    "gfortran",
    "build-essential",
    "build-base",
    "alpine-sdk",
    "cmake",
    "autoconf",
    "automake",
    "libtool",
    "nasm",
    "yasm",
    "golang",
    "golang-go",
    "go",
    "rust",
    "rustc",
    "cargo",
    "maven",
    "gradle",
    "default-jdk",
    "default-jdk-headless",
    "dotnet-sdk",
    "linux-headers",
    "kernel-headers",
];

impl Check for BuildToolsInFinalStage {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(stage) = cx.final_stage() else {
            return;
        };
        if is_build_environment(cx, stage) {
            return;
        }
        let mut found: Vec<(Span, String, String)> = Vec::new();
        let chain = cx.model.chain(stage.index);
        if let Some(root) = chain.last()
            && let Base::Image(name) = &root.base
            && let Ok(image) = ImageRef::parse_normalized(name)
            && let Some(what) = sdk_image(&image)
        {
            found.push((
                root.base_span,
                format!(
                    "the final image is built on `{}`, which ships {what}",
                    image.familiar_string()
                ),
                "build in a separate stage and copy only the result into a runtime image (distroless, alpine, `-slim`, a JRE)".to_string(),
            ));
        }
        found.extend(installed_tools(cx));
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// Whether the image that ships is meant to be a build or development environment
/// (also used by SG104).
pub(crate) fn is_build_environment(cx: &Checker<'_>, stage: &Stage) -> bool {
    let path = cx.file.replace('\\', "/").to_ascii_lowercase();
    let (dirs, file_name) = path.rsplit_once('/').unwrap_or(("", &path));
    if dirs.split('/').any(|d| DEV_DIRS.contains(&d)) {
        return true;
    }
    let has_dev_word = |s: &str| {
        s.to_ascii_lowercase()
            .split(['.', '-', '_'])
            .any(|w| DEV_WORDS.contains(&w))
    };
    if has_dev_word(file_name) || stage.name.as_deref().is_some_and(has_dev_word) {
        return true;
    }
    let chain = cx.model.chain(stage.index);
    if let Some(Base::Image(name)) = chain.last().map(|s| &s.base)
        && (name.contains("/devcontainers/") || name.contains("/vscode/devcontainers/"))
    {
        return true;
    }
    let mut entrypoint = None;
    let mut cmd = None;
    let mut exposes = false;
    for i in cx.final_image_instructions() {
        let Some(inst) = cx.df.instructions.get(i) else {
            continue;
        };
        match inst.kind {
            Kind::Cmd => cmd = Some((i, inst)),
            // ENTRYPOINT resets a CMD inherited from another stage.
            Kind::Entrypoint => {
                entrypoint = Some(inst);
                let stage_of = |j: usize| cx.model.stage_of(j).map(|s| s.index);
                if cmd.is_some_and(|(j, _)| stage_of(j) != stage_of(i)) {
                    cmd = None;
                }
            }
            Kind::Expose => exposes = true,
            _ => {}
        }
    }
    if entrypoint.is_none() && cmd.is_none() {
        // Nothing runs by default but the base's shell, REPL or tool.
        return !exposes;
    }
    let runs_tool = |inst: Option<&Instruction>| {
        let Some(words) = inst.map(command_words) else {
            return false;
        };
        if words.iter().any(|w| w == "repl" || w == "--repl") {
            return true;
        }
        let Some((program, args)) = words.split_first() else {
            return false;
        };
        let program = program.rsplit(['/', '\\']).next().unwrap_or("");
        // `go.bash` → `go`; `python3.12`, `perl5.38.5` → `python`, `perl`.
        let program = [".sh", ".bash", ".ash"]
            .iter()
            .find_map(|ext| program.strip_suffix(ext))
            .unwrap_or(program);
        let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        let only_flags = args.iter().all(|a| a.starts_with('-'));
        TOOL_COMMANDS.contains(&program) || (REPLS.contains(&base) && only_flags)
    };
    runs_tool(entrypoint) || (entrypoint.is_none_or(is_wrapper) && runs_tool(cmd.map(|(_, c)| c)))
}

/// The words of a CMD/ENTRYPOINT (shell form: split on whitespace), without a leading
/// init wrapper (`dumb-init --`, `tini --`).
fn command_words(inst: &Instruction) -> Vec<String> {
    let words: Vec<String> = if inst.json {
        inst.args.iter().map(|a| a.value.clone()).collect()
    } else {
        inst.args
            .first()
            .map(|a| a.value.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let is_init = |w: &String| {
        let name = w.rsplit('/').next().unwrap_or("");
        matches!(name, "tini" | "dumb-init")
    };
    if words.first().is_some_and(is_init) && words.len() > 1 {
        let rest = words.iter().skip(1).skip_while(|w| w.starts_with('-'));
        return rest.cloned().collect();
    }
    words
}

/// An ENTRYPOINT that only prepares the environment and runs its arguments (the
/// `docker-entrypoint.sh` of official images, `tini`, `dumb-init`).
fn is_wrapper(inst: &Instruction) -> bool {
    let words = command_words(inst);
    let Some(program) = words.first() else {
        // An init alone (`["tini", "--"]`).
        return true;
    };
    let program = program.rsplit(['/', '\\']).next().unwrap_or("");
    program.contains("entrypoint")
        || matches!(program, "tini" | "dumb-init" | "gosu" | "su-exec" | "env")
}

/// What an SDK base image ships, if it is one.
fn sdk_image(image: &ImageRef) -> Option<&'static str> {
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let jre = tag.contains("jre");
    Some(match image.familiar_name().as_str() {
        "golang" => "the Go toolchain",
        "rust" => "the Rust toolchain",
        "gcc" => "the GCC compilers",
        "maven" => "Maven and a full JDK",
        "gradle" => "Gradle and a full JDK",
        "buildpack-deps" if !tag.contains("curl") && !tag.contains("scm") => {
            "compilers and development headers"
        }
        "openjdk"
        | "eclipse-temurin"
        | "amazoncorretto"
        | "sapmachine"
        | "ibmjava"
        | "ibm-semeru-runtimes"
            if !jre =>
        {
            "a full JDK"
        }
        "mcr.microsoft.com/openjdk/jdk" => "a full JDK",
        "mcr.microsoft.com/dotnet/sdk" | "mcr.microsoft.com/dotnet/core/sdk" => "the .NET SDK",
        "nvidia/cuda" if tag.contains("devel") => "the CUDA development toolkit",
        "swift" if !tag.contains("slim") => "the Swift toolchain",
        "haskell" => "the GHC toolchain",
        "dart" => "the Dart SDK",
        "clojure" => "Leiningen and a full JDK",
        _ => return None,
    })
}

/// An install of build packages in the shipped image.
struct Install {
    /// Position in the image's history (instruction, script, command).
    at: (usize, usize, usize),
    family: &'static str,
    /// The `--virtual` group of an apk install.
    group: Option<String>,
    packages: Vec<(String, Span)>,
}

/// A removal of packages in the shipped image.
struct Removal {
    at: (usize, usize, usize),
    family: &'static str,
    /// The names removed; `None`: every package the same script installed (the
    /// `apt-mark auto '.*'` + `apt-get purge --auto-remove` idiom).
    names: Option<Vec<String>>,
}

/// Build packages installed in the image that ships and not removed later.
fn installed_tools(cx: &Checker<'_>) -> Vec<(Span, String, String)> {
    let shipped = cx.final_image_instructions();
    let mut installs: Vec<Install> = Vec::new();
    let mut removals: Vec<Removal> = Vec::new();
    for (script_no, rs) in cx.scripts.iter().enumerate() {
        let Some(order) = shipped.iter().position(|&i| i == rs.instruction) else {
            continue;
        };
        let Some(script) = rs.script() else {
            continue;
        };
        let Some(inst) = cx.df.instructions.get(rs.instruction) else {
            continue;
        };
        // ONBUILD triggers run in another build.
        if inst.kind == Kind::Onbuild {
            continue;
        }
        let marks_auto = script
            .commands()
            .any(|c| c.is("apt-mark") && c.positional(0).is_some_and(|w| w.is("auto")));
        for c in script.commands() {
            let Some(op) = rs.package_op(c) else {
                continue;
            };
            let Some(family) = family(op.manager) else {
                continue;
            };
            let at = (order, script_no, c.sequence_index);
            match op.action {
                Action::Install => {
                    let packages: Vec<(String, Span)> = op
                        .packages
                        .iter()
                        .filter(|p| matches!(p.kind, PackageKind::Name | PackageKind::Group))
                        .filter(|p| is_build_package(family, &p.name))
                        .map(|p| (p.name.clone(), rs.file_span(inst, p.span)))
                        .collect();
                    let group = (op.manager == Manager::Apk)
                        .then(|| op.flag_value(&["--virtual", "-t"]))
                        .flatten()
                        .map(|w| w.text().to_string());
                    installs.push(Install {
                        at,
                        family,
                        group,
                        packages,
                    });
                }
                Action::Remove => {
                    let names: Vec<String> = op.packages.iter().map(|p| p.name.clone()).collect();
                    let auto = family == "apt"
                        && marks_auto
                        && (op.has_flag(&["--auto-remove", "--autoremove"])
                            || op.subcommand.as_ref().is_some_and(|s| s.is("autoremove")));
                    removals.push(Removal {
                        at,
                        family,
                        names: Some(names),
                    });
                    if auto {
                        removals.push(Removal {
                            at,
                            family,
                            names: None,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for install in installs {
        let kept: Vec<&(String, Span)> = install
            .packages
            .iter()
            .filter(|(name, _)| {
                !removals.iter().any(|r| {
                    r.at > install.at
                        && r.family == install.family
                        && match &r.names {
                            None => r.at.0 == install.at.0 && r.at.1 == install.at.1,
                            Some(names) => names
                                .iter()
                                .any(|n| n == name || install.group.as_deref() == Some(n.as_str())),
                        }
                })
            })
            .collect();
        let Some((_, span)) = kept.first() else {
            continue;
        };
        let names: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
        let listed = if names.len() > 6 {
            format!("{}, …", names[..6].join(", "))
        } else {
            names.join(", ")
        };
        out.push((
            *span,
            format!("build tools installed in the final image: {listed}"),
            "install them in a build stage and copy only the result, or remove them in the same RUN after use".to_string(),
        ));
    }
    out
}

/// The package family a manager installs from, for managers of system packages.
fn family(manager: Manager) -> Option<&'static str> {
    match manager {
        Manager::AptGet | Manager::Apt | Manager::Aptitude => Some("apt"),
        Manager::Apk => Some("apk"),
        Manager::Dnf | Manager::Yum | Manager::Microdnf | Manager::Tdnf => Some("rpm"),
        Manager::Zypper => Some("zypper"),
        _ => None,
    }
}

/// Whether a system package is a compiler, build tool, SDK or development package.
fn is_build_package(family: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if BUILD_PACKAGES.contains(&name.as_str()) {
        return true;
    }
    let jdk = |n: &str| {
        (n.starts_with("openjdk") && (n.ends_with("-jdk") || n.ends_with("-jdk-headless")))
            || (n.starts_with("java-") && n.ends_with("-openjdk-devel"))
            || n.starts_with("dotnet-sdk-")
            || n.starts_with("temurin-") && n.ends_with("-jdk")
    };
    if jdk(&name) {
        return true;
    }
    if name.starts_with("clang-") || name.starts_with("gcc-") || name.starts_with("g++-") {
        return name
            .split('-')
            .nth(1)
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    }
    match family {
        "apt" | "apk" => name.ends_with("-dev"),
        "rpm" | "zypper" => {
            name.ends_with("-devel") || name == "development tools" || name == "@development-tools"
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG601",
            &[
                "FROM golang:1.22\nCOPY . .\nRUN go build -o /app\nCMD [\"/app\"]\n",
                "FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n",
                "FROM eclipse-temurin:21\nCOPY app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
                "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev && pip install psycopg2\nCMD [\"python\", \"app.py\"]\n",
                "FROM alpine:3.20\nRUN apk add --no-cache build-base\nEXPOSE 8080\n",
                "FROM rockylinux:9\nRUN dnf install -y gcc-c++ openssl-devel\nCMD [\"/srv/app\"]\n",
                // Tools installed in a stage the final stage is built FROM.
                "FROM python:3.12-slim AS base\nRUN apt-get install -y build-essential\nFROM base\nCMD [\"python\", \"app.py\"]\n",
                // Removed, but only the other package.
                "FROM alpine:3.20\nRUN apk add gcc musl-dev && apk del gcc\nCMD [\"/app\"]\n",
                // Applications started by a package manager or the .NET host.
                "FROM node:20\nRUN apt-get install -y build-essential libkrb5-dev\nCMD [\"yarn\", \"start\"]\n",
                "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCMD [\"dotnet\", \"app.dll\"]\n",
                // A shell that runs a script is an application.
                "FROM golang:1.22\nCOPY run.sh /\nCMD [\"sh\", \"-c\", \"/run.sh\"]\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG601",
            &[
                // Multi-stage: the builder is not shipped.
                "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
                "FROM python:3.12 AS build\nRUN apt-get install -y gcc\nFROM python:3.12-slim\nCOPY --from=build /w /w\nCMD [\"python\"]\n",
                // Removed in the same RUN (apk virtual group, apt purge, apt-mark idiom).
                "FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc musl-dev && make && apk del .build-deps\nCMD [\"/app\"]\n",
                "FROM debian:12-slim\nRUN apt-get install -y gcc && make && apt-get purge -y gcc\nCMD [\"/app\"]\n",
                "FROM debian:12-slim\nRUN savedAptMark=\"$(apt-mark showmanual)\"; apt-get install -y libssl-dev gcc; make; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove\nCMD [\"/app\"]\n",
                // Runtime packages.
                "FROM debian:12-slim\nRUN apt-get install -y libpq5 ca-certificates udev\nCMD [\"/app\"]\n",
                "FROM eclipse-temurin:21-jre\nCOPY app.jar /\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
                // Build environments.
                "FROM ubuntu:24.04\nRUN apt-get install -y build-essential cmake\n",
                "FROM golang:1.22\nENTRYPOINT [\"go\"]\n",
                "FROM gcc:14\nCMD [\"bash\"]\n",
                // The official language images: an interpreter with no script.
                "FROM buildpack-deps:bookworm\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"node\"]\n",
                "FROM buildpack-deps:bookworm\nCMD [\"perl5.38.5\", \"-de0\"]\n",
                "FROM eclipse-temurin:21-jdk\nENTRYPOINT [\"entrypoint\"]\nCMD [\"repl\"]\n",
                "FROM eclipse-temurin:21-jdk\nENTRYPOINT [\"entrypoint\"]\nCMD [\"-M\", \"--repl\"]\n",
                // Build tool images.
                "FROM golang:1.22\nRUN apk add gcc\nENTRYPOINT [\"/builder/go.bash\"]\n",
                "FROM node:20\nRUN apt-get install -y build-essential\nENTRYPOINT [\"dumb-init\", \"--\", \"yarn\"]\n",
                "FROM mcr.microsoft.com/dotnet/sdk:8.0\nENTRYPOINT [\"dotnet\"]\n",
                "FROM golang:1.22 AS dev\nCMD [\"/app\"]\n",
                "FROM mcr.microsoft.com/devcontainers/base:ubuntu\nRUN apt-get install -y gcc\nCMD [\"sleep\", \"infinity\"]\n",
                // ONBUILD triggers run in another build.
                "FROM golang:1.22-alpine AS x\nFROM alpine:3.20\nONBUILD RUN apk add gcc\nCMD [\"/app\"]\n",
            ],
        );
    }

    #[test]
    fn dev_file_names() {
        use crate::config::Config;
        use crate::lint::{Options, lint};
        let config = Config {
            select: Some(vec!["SG601"]),
            ..Config::default()
        };
        let src = "FROM golang:1.22\nCMD [\"/app\"]\n";
        for file in [
            "Dockerfile.dev",
            "docker/ci.Dockerfile",
            ".devcontainer/Dockerfile",
            "tests/gpu/Dockerfile.cuda",
        ] {
            assert!(
                lint(file, src, &config, Options::default()).is_empty(),
                "{file}"
            );
        }
        for file in [
            "deploy/Dockerfile",
            "build/Dockerfile",
            "contest/Dockerfile",
        ] {
            assert_eq!(
                lint(file, src, &config, Options::default()).len(),
                1,
                "{file}"
            );
        }
    }

    #[test]
    fn message_lists_packages() {
        let d = check(
            "SG601",
            "FROM debian:12-slim\nRUN apt-get install -y curl gcc libssl-dev\nCMD [\"/app\"]\n",
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.ends_with("gcc, libssl-dev"),
            "{}",
            d[0].message
        );
    }
}

//! SG201: the final image runs as root (no USER, or a last USER that is root).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::reference::ImageRef;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Checks the user the final image runs as: the last `USER` of the final stage (or of
    /// the `--target` stage), following `FROM <stage>` chains so a USER set in an earlier
    /// stage counts. It reports a last USER that is `root`, `0`, `root:<group>` or
    /// `0:<group>` (after resolving ARG/ENV values; on Windows,
    /// `ContainerAdministrator`), and a final stage that never sets
    /// USER at all, unless its base image is known to run as a non-root user.
    ///
    /// Base images known to default to a non-root user (the table is small on purpose):
    /// `gcr.io/distroless/*` with a `nonroot` or `debug-nonroot` tag (or a `-nonroot`
    /// suffix); `cgr.dev/chainguard/*` except `wolfi-base`, `chainguard-base` and
    /// `busybox`; `bitnami/*` except `bitnami/minideb`; any tag containing `rootless`
    /// (`docker:dind-rootless`, `gitea/gitea:1-rootless`); the `chiseled` and `distroless`
    /// tags of `mcr.microsoft.com/dotnet/*`; `mcr.microsoft.com/windows/nanoserver`;
    /// `nginxinc/nginx-unprivileged`; `jenkins/jenkins`, `jenkins/agent`,
    /// `jenkins/inbound-agent`; `grafana/grafana*`; `prom/*` and `quay.io/prometheus/*`;
    /// `sonarqube`, `solr`, `haproxy`, `jetty`, `elasticsearch`, `kibana`, `logstash`
    /// (Docker Hub and `docker.elastic.co`); `apache/airflow`; `jupyter/*` and
    /// `quay.io/jupyter/*`; `selenium/*`; `cimg/*` and `circleci/*`; `gitpod/workspace-*`;
    /// `quay.io/keycloak/keycloak`; Red Hat UBI/RHEL language and service images
    /// (`ubi9/nodejs-20`, `ubi8/python-311`, `ubi9/openjdk-17`, `rhel8/postgresql-12` …).
    /// The official `postgres`, `mysql`, `mariadb`, `redis`, `mongo`, `rabbitmq`,
    /// `cassandra`, `couchdb`, `memcached`, `zookeeper` and `influxdb` images start their
    /// service as an unprivileged user from their entrypoint script, so they count as
    /// non-root as long as the Dockerfile keeps their ENTRYPOINT.
    ///
    /// `FROM scratch` with no USER is reported when the stage has a CMD or ENTRYPOINT: the
    /// container then runs as uid 0. A scratch stage with neither only exports files
    /// (`docker build --output`) and is left alone. A base written with an ARG that has no
    /// value is not judged.
    ///
    /// ## Why it matters
    /// A process running as root in the container is root on the host's kernel: a
    /// container escape or a mounted host path gives full control. A non-root USER is the
    /// cheapest defence in depth, and orchestrators (`runAsNonRoot`) can enforce it only
    /// if the image sets it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -r app
    /// USER app
    /// RUN make
    /// USER root
    /// CMD ["/usr/local/bin/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -r app
    /// USER app
    /// CMD ["/usr/local/bin/app"]
    /// ```
    ///
    /// ## Fix
    /// None: which user the service can run as is a decision for the author.
    ///
    /// ## Aliases
    /// DL3002, DS-0002, CKV_DOCKER_3, CKV_DOCKER_8
    ///
    /// ## References
    /// CWE-250; chapter 3.1.2.
    pub struct RootFinalUser {
        code: "SG201",
        name: "root-final-user",
        severity: Error,
        section: "3.1.2",
        aliases: ["DL3002", "DS-0002", "CKV_DOCKER_3", "CKV_DOCKER_8"],
        fixable: None,
    }
}

impl Check for RootFinalUser {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(stage) = cx.final_stage() else {
            return;
        };
        let Some(state) = cx.model.state_after_stage(stage.index) else {
            return;
        };
        let found: Option<(Span, String, &str)> = match &state.user {
            Some((_, i)) => {
                let Some(inst) = cx.df.instructions.get(*i) else {
                    return;
                };
                let Some(arg) = inst.args.first() else {
                    return;
                };
                // Judge the resolved value; a variable without a value is unknown.
                let Some(expanded) = cx.model.expand(&arg.value, *i) else {
                    return;
                };
                if !expanded.unresolved.is_empty() || !is_root(&expanded.value) {
                    return;
                }
                let shown = if expanded.value == arg.value {
                    format!("`USER {}`", arg.value)
                } else {
                    format!("`USER {}` (resolves to `{}`)", arg.value, expanded.value)
                };
                let inherited = !stage.instructions.contains(i);
                let message = if inherited {
                    format!("the final image runs as root: {shown} is inherited from an earlier stage")
                } else {
                    format!("the final image runs as root: the last USER is {shown}")
                };
                Some((arg.span, message, "switch to a non-root USER after the steps that need root"))
            }
            None => match cx.model.root_base(stage.index) {
                // A scratch stage with nothing to run is an export of files
                // (`docker build --output`), not an image that runs.
                Some(Base::Scratch) if !final_has(cx, &[Kind::Cmd, Kind::Entrypoint]) => None,
                Some(Base::Image(image))
                    if drops_privileges(image) && !final_has(cx, &[Kind::Entrypoint]) =>
                {
                    None
                }
                Some(Base::Scratch) => Some((
                    stage.base_span,
                    "the final image is built FROM scratch and never sets USER, so it runs as uid 0".to_string(),
                    "add `USER 65532:65532` (or another non-root uid) before the end of the stage",
                )),
                Some(Base::Image(image)) if !runs_as_non_root(image) => Some((
                    stage.base_span,
                    format!(
                        "the final image never sets USER, so it runs as the default user of `{image}`, which is root"
                    ),
                    "create an unprivileged user and add `USER <name>` at the end of the final stage",
                )),
                _ => None,
            },
        };
        if let Some((span, message, help)) = found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// Whether the final image (with the stages it is built on) has one of these instructions.
fn final_has(cx: &Checker<'_>, kinds: &[Kind]) -> bool {
    cx.final_image_instructions().iter().any(|&i| {
        cx.df
            .instructions
            .get(i)
            .is_some_and(|x| kinds.contains(&x.kind))
    })
}

/// Official images whose entrypoint script starts the service as an unprivileged user
/// (`gosu`, `su-exec`, `USER` in the image): quiet while that entrypoint is kept.
fn drops_privileges(image: &str) -> bool {
    let Ok(r) = ImageRef::parse_normalized(image) else {
        return false;
    };
    r.is_official_image()
        && matches!(
            r.repository(),
            "postgres"
                | "mysql"
                | "mariadb"
                | "redis"
                | "mongo"
                | "rabbitmq"
                | "cassandra"
                | "couchdb"
                | "memcached"
                | "zookeeper"
                | "influxdb"
        )
}

/// `root`, `0`, `root:<group>`, `0:<group>` (a uid of zeros is still 0), and Windows'
/// `ContainerAdministrator`.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root"
        || name.eq_ignore_ascii_case("ContainerAdministrator")
        || (!name.is_empty() && name.bytes().all(|b| b == b'0'))
}

/// Whether the image is known to run as a non-root user when no USER is set.
fn runs_as_non_root(image: &str) -> bool {
    let Ok(r) = ImageRef::parse_normalized(image) else {
        return false;
    };
    let tag = r.tag.as_deref().unwrap_or("");
    let path = r.path.as_str();
    let first = path.split('/').next().unwrap_or("");
    let repo = r.repository();
    if tag.contains("rootless") {
        return true;
    }
    match r.domain.as_str() {
        "gcr.io" if path.starts_with("distroless/") => {
            tag == "nonroot" || tag.ends_with("-nonroot") || tag.starts_with("nonroot-")
        }
        "cgr.dev" => !matches!(repo, "wolfi-base" | "chainguard-base" | "busybox"),
        "mcr.microsoft.com" => {
            path.starts_with("windows/nanoserver")
                || (path.starts_with("dotnet/")
                    && (tag.contains("chiseled") || tag.contains("distroless")))
        }
        "docker.elastic.co" => matches!(repo, "elasticsearch" | "kibana" | "logstash"),
        "quay.io" => matches!(first, "prometheus" | "jupyter") || path == "keycloak/keycloak",
        "registry.access.redhat.com" | "registry.redhat.io" => {
            (first.starts_with("ubi") || first.starts_with("rhel"))
                && [
                    "nodejs-",
                    "python-",
                    "ruby-",
                    "php-",
                    "perl-",
                    "go-toolset",
                    "openjdk-",
                    "nginx-",
                    "httpd-",
                    "postgresql-",
                    "mysql-",
                    "mariadb-",
                    "redis-",
                ]
                .iter()
                .any(|p| repo.starts_with(p))
        }
        "docker.io" => {
            if let Some(official) = path.strip_prefix("library/") {
                return matches!(
                    official,
                    "sonarqube"
                        | "solr"
                        | "haproxy"
                        | "jetty"
                        | "elasticsearch"
                        | "kibana"
                        | "logstash"
                );
            }
            match first {
                "bitnami" => repo != "minideb",
                "prom" | "jupyter" | "selenium" | "cimg" | "circleci" => true,
                "nginxinc" => repo == "nginx-unprivileged",
                "jenkins" => matches!(repo, "jenkins" | "agent" | "inbound-agent"),
                "grafana" => repo.starts_with("grafana"),
                "apache" => repo == "airflow",
                "gitpod" => repo.starts_with("workspace-"),
                _ => false,
            }
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
            "SG201",
            &[
                "FROM debian:12\nRUN make\n",
                "FROM debian:12\nUSER root\n",
                "FROM debian:12\nUSER 0\n",
                "FROM debian:12\nUSER 0:0\n",
                "FROM debian:12\nUSER root:staff\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n",
                "FROM debian:12\nUSER app\nRUN x\nUSER root\n",
                // resolved through ARG / ENV
                "FROM debian:12\nARG user=root\nUSER ${user}\n",
                "ARG BASE=alpine:3.20\nFROM $BASE\nENV U=0\nUSER $U\n",
                // inherited through a stage chain
                "FROM debian:12 AS base\nUSER root\nFROM base\nRUN x\n",
                "FROM debian:12 AS base\nRUN x\nFROM base AS final\nCMD [\"x\"]\n",
                // scratch without USER
                "FROM golang:1.22 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
                "FROM scratch AS base\nCMD [\"/app\"]\nFROM base\nCOPY app /app\n",
                "FROM postgres:16\nENTRYPOINT [\"/my-entrypoint.sh\"]\n",
                "FROM registry.access.redhat.com/ubi9/ubi\nRUN x\n",
                // a non-root builder does not make the final stage non-root
                "FROM golang:1.22 AS build\nUSER app\nFROM debian:12\nCOPY --from=build /a /a\n",
                // distroless without the nonroot tag
                "FROM gcr.io/distroless/static-debian12\nCOPY a /a\n",
                "FROM cgr.dev/chainguard/wolfi-base\nRUN x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG201",
            &[
                "FROM debian:12\nUSER 1000\n",
                "FROM debian:12\nUSER app:app\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerUser\n",
                "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN x\n",
                "FROM debian:12\nUSER root\nRUN apt-get update\nUSER app\n",
                // USER inherited from an earlier stage
                "FROM debian:12 AS base\nUSER app\nFROM base\nRUN x\n",
                "FROM debian:12 AS base\nUSER 1001\nFROM base AS mid\nFROM mid\nCMD [\"x\"]\n",
                // known non-root bases
                "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY a /a\n",
                "FROM gcr.io/distroless/base:debug-nonroot\nCOPY a /a\n",
                "FROM cgr.dev/chainguard/python:latest-dev\nRUN x\n",
                "FROM bitnami/postgresql:16\n",
                "FROM docker:27-dind-rootless\n",
                "FROM nginxinc/nginx-unprivileged:1.27\n",
                "FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled\n",
                "ARG BASE=gcr.io/distroless/java21:nonroot\nFROM $BASE\n",
                "FROM registry.redhat.io/rhel8/postgresql-12\nCOPY a /a\n",
                // export-only scratch stage
                "FROM golang:1.22 AS build\nRUN go build -o /out/app\nFROM scratch\nCOPY --from=build /out /\n",
                // entrypoint drops privileges
                "FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n",
                "FROM redis:7\nCMD [\"redis-server\", \"/etc/redis.conf\"]\n",
                // unknown user value: not judged
                "FROM debian:12\nARG UID\nUSER $UID\n",
                // unresolved base: not judged
                "FROM $BASE\nRUN x\n",
                // only the --target / final stage matters
                "FROM debian:12 AS build\nUSER root\nRUN make\nFROM debian:12\nUSER 1000\n",
            ],
        );
    }

    #[test]
    fn names_the_problem() {
        let d = check("SG201", "FROM debian:12 AS base\nUSER root\nFROM base\n");
        assert!(d[0].message.contains("inherited"), "{d:?}");
        let d = check("SG201", "FROM debian:12\nARG u=root\nUSER $u\n");
        assert!(d[0].message.contains("resolves to `root`"), "{d:?}");
        // reported on the USER argument
        let src = "FROM debian:12\nUSER root\n";
        let d = check("SG201", src);
        assert_eq!(&src[d[0].span.range()], "root");
    }

    #[test]
    fn target() {
        use crate::config::Config;
        use crate::lint::{Options, lint};
        let config = Config {
            select: Some(vec!["SG201"]),
            ..Config::default()
        };
        let src = "FROM debian:12 AS dev\nRUN x\nFROM debian:12\nUSER app\n";
        let opts = Options {
            target: Some("dev"),
            ..Options::default()
        };
        assert_eq!(lint("Dockerfile", src, &config, opts).len(), 1);
        assert!(lint("Dockerfile", src, &config, Options::default()).is_empty());
    }
}

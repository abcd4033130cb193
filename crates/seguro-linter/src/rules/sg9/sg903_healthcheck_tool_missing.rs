//! SG903: the HEALTHCHECK runs a tool (curl, wget, a shell) the final image does not have.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::reference::ImageRef;
use seguro_dockerfile::{Instruction, Kind, Span};
use seguro_shell::Action;

/// The tools this rule reasons about.
const TOOLS: &[&str] = &["sh", "bash", "curl", "wget"];

declare_rule! {
    /// ## What it does
    /// Checks that the final image's HEALTHCHECK (its own or inherited through `FROM
    /// <stage>`) can run: a shell-form `HEALTHCHECK CMD …` needs `/bin/sh` (or the SHELL
    /// in effect), and `curl`, `wget` or `bash` in the check must exist in the image. What
    /// a base image has is known for a few families only, and the rule stays quiet for
    /// any other base:
    ///
    /// | base | sh | bash | curl | wget |
    /// |---|---|---|---|---|
    /// | `scratch` | no | no | no | no |
    /// | `gcr.io/distroless/*` | no | no | no | no |
    /// | `gcr.io/distroless/*:debug*` | busybox | no | no | busybox |
    /// | `cgr.dev/chainguard/*` (not `-dev`) | no | no | no | no |
    /// | `cgr.dev/chainguard/{wolfi-base,chainguard-base,busybox}` | yes | no | no | busybox |
    /// | `mcr.microsoft.com/dotnet/*` chiseled / distroless | no | no | no | no |
    /// | `alpine`, `busybox` | yes | no | no | busybox |
    /// | `debian`, `ubuntu` | yes | yes | no | no |
    ///
    /// A tool counts as added when the final image installs a package of that name
    /// (`apk add curl`, `apt-get install wget`, `busybox`), copies or adds a file whose
    /// path names it (`COPY --from=busybox:1.36 /bin/wget /bin/wget`), or, for the shell,
    /// runs a shell-form RUN (the build could not have run it without one).
    ///
    /// ## Why it matters
    /// A health check that cannot start fails every time: the container is marked
    /// unhealthy and restarted in a loop, or the failure is ignored and the check protects
    /// nothing. It is a frequent mistake when moving a service to a minimal base.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN CGO_ENABLED=0 go build -o /server .
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /server /server
    /// HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1
    /// ENTRYPOINT ["/server"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN CGO_ENABLED=0 go build -o /server .
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /server /server
    /// HEALTHCHECK CMD ["/server", "-healthcheck"]
    /// ENTRYPOINT ["/server"]
    /// ```
    ///
    /// ## Fix
    /// None: install the tool, or probe with the application itself.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.9 and 3.1.1.
    pub struct HealthcheckToolMissing {
        code: "SG903",
        name: "healthcheck-tool-missing",
        severity: Warning,
        section: "3.1.9",
        aliases: [],
        fixable: None,
    }
}

/// What a base image is known to contain: `Some(true)` present, `Some(false)` absent.
#[derive(Clone, Copy, Debug, Default)]
struct Tools {
    sh: Option<bool>,
    bash: Option<bool>,
    curl: Option<bool>,
    wget: Option<bool>,
}

impl Tools {
    const fn all(v: bool) -> Tools {
        Tools {
            sh: Some(v),
            bash: Some(v),
            curl: Some(v),
            wget: Some(v),
        }
    }

    fn get(&mut self, tool: &str) -> Option<&mut Option<bool>> {
        match tool {
            "sh" => Some(&mut self.sh),
            "bash" => Some(&mut self.bash),
            "curl" => Some(&mut self.curl),
            "wget" => Some(&mut self.wget),
            _ => None,
        }
    }

    fn add(&mut self, tool: &str) {
        if tool == "busybox" {
            self.sh = Some(true);
            self.wget = Some(true);
        } else if let Some(t) = self.get(tool) {
            *t = Some(true);
        }
    }

    fn missing(&mut self, tool: &str) -> bool {
        self.get(tool).is_some_and(|t| *t == Some(false))
    }
}

impl Check for HealthcheckToolMissing {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(stage) = cx.final_stage() else {
            return;
        };
        let (label, mut tools) = match cx.model.root_base(stage.index) {
            Some(Base::Scratch) => ("scratch".to_string(), Tools::all(false)),
            Some(Base::Image(image)) => match base_tools(image) {
                Some(t) => (image.clone(), t),
                None => return,
            },
            _ => return,
        };
        let indices = cx.final_image_instructions();
        let Some(&hc) = indices.iter().rev().find(|&&i| {
            cx.df
                .instructions
                .get(i)
                .is_some_and(|x| x.kind == Kind::Healthcheck)
        }) else {
            return;
        };
        let Some(inst) = cx.df.instructions.get(hc) else {
            return;
        };
        if !inst
            .args
            .first()
            .is_some_and(|a| a.value.eq_ignore_ascii_case("cmd"))
        {
            return;
        }
        added_tools(cx, &indices, &mut tools);
        let shell: Vec<String> = cx
            .model
            .state_before(hc)
            .and_then(|s| s.shell.clone())
            .unwrap_or_default();
        let Some((span, tool)) = needed(inst, &shell)
            .into_iter()
            .find(|(_, tool)| tools.missing(tool))
        else {
            return;
        };
        let message = if inst.json || tool != shell_name(&shell) {
            format!("the HEALTHCHECK runs `{tool}`, which `{label}` does not have")
        } else {
            format!("a shell-form HEALTHCHECK runs `{tool} -c`, but `{label}` has no `{tool}`")
        };
        cx.report(span, message).set_help(
            "install the tool in the final stage, or probe with the application itself (exec form)",
        );
    }
}

/// The shell a shell-form HEALTHCHECK runs with.
fn shell_name(shell: &[String]) -> &str {
    shell
        .first()
        .map(|s| s.rsplit('/').next().unwrap_or(s))
        .unwrap_or("sh")
}

/// The tools the HEALTHCHECK needs, with where each is named.
fn needed(inst: &Instruction, shell: &[String]) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    if inst.json {
        let words: Vec<&seguro_dockerfile::Arg> = inst.args.iter().skip(1).collect();
        let Some(first) = words.first() else {
            return out;
        };
        let prog = first.value.rsplit('/').next().unwrap_or(&first.value);
        if TOOLS.contains(&prog) {
            out.push((first.span, prog.to_string()));
        }
        if matches!(prog, "sh" | "bash")
            && let Some(k) = words.iter().position(|a| a.value == "-c")
            && let Some(script) = words.get(k + 1)
        {
            for c in seguro_shell::parse(&script.value).commands() {
                if let Some(p) = c.program().filter(|p| TOOLS.contains(p)) {
                    out.push((script.span, p.to_string()));
                }
            }
        }
        return out;
    }
    let Some((text, start)) = inst.shell_script() else {
        return out;
    };
    let whole = inst.args.get(1).map_or(inst.keyword_span, |a| a.span);
    out.push((whole, shell_name(shell).to_string()));
    for c in seguro_shell::parse(text).commands() {
        let Some(p) = c.program().filter(|p| TOOLS.contains(p)) else {
            continue;
        };
        let span = c.name.as_ref().map_or(c.span, |n| n.span);
        let file = inst.original_span(start + span.start as usize, start + span.end as usize);
        out.push((file, p.to_string()));
    }
    out
}

/// Marks tools the final image adds: installed packages, copied files, shell-form RUNs.
fn added_tools(cx: &Checker<'_>, indices: &[usize], tools: &mut Tools) {
    for (_, rs, script) in cx.run_scripts() {
        let Some(inst) = cx.df.instructions.get(rs.instruction) else {
            continue;
        };
        if inst.kind != Kind::Run || !indices.contains(&rs.instruction) {
            continue;
        }
        tools.add("sh");
        for op in script.package_ops() {
            if op.action != Action::Install {
                continue;
            }
            for p in &op.packages {
                let name = p.name.as_str();
                if let Some(t) = ["busybox", "curl", "wget", "bash"]
                    .into_iter()
                    .find(|t| name == *t || name.starts_with(&format!("{t}-")))
                {
                    tools.add(t);
                }
            }
        }
    }
    for &i in indices {
        let Some(inst) = cx.df.instructions.get(i) else {
            continue;
        };
        match inst.kind {
            Kind::Run if inst.json => {
                if let Some(first) = inst.args.first() {
                    let prog = first.value.rsplit('/').next().unwrap_or(&first.value);
                    if matches!(prog, "sh" | "bash" | "busybox") {
                        tools.add("sh");
                    }
                }
            }
            Kind::Copy | Kind::Add => {
                let texts = inst
                    .args
                    .iter()
                    .map(|a| a.value.as_str())
                    .chain(inst.flag_values("from"));
                for text in texts {
                    let lower = text.to_ascii_lowercase();
                    for t in ["busybox", "curl", "wget", "bash"] {
                        if lower.contains(t) {
                            tools.add(t);
                        }
                    }
                    if lower.ends_with("/sh")
                        || lower.contains("/bin/sh")
                        || lower == "/bin"
                        || lower == "/bin/"
                    {
                        tools.add("sh");
                    }
                }
            }
            _ => {}
        }
    }
}

/// What a base image is known to contain (see the table in the rule's doc).
fn base_tools(image: &str) -> Option<Tools> {
    let r = ImageRef::parse_normalized(image).ok()?;
    let tag = r.tag.as_deref().unwrap_or("");
    let repo = r.repository();
    let busybox = Tools {
        sh: Some(true),
        bash: Some(false),
        curl: Some(false),
        wget: Some(true),
    };
    match r.domain.as_str() {
        "gcr.io" if r.path.starts_with("distroless/") => Some(if tag.contains("debug") {
            busybox
        } else {
            Tools::all(false)
        }),
        "cgr.dev" if r.path.starts_with("chainguard/") => {
            if tag.contains("dev") {
                None
            } else if matches!(repo, "wolfi-base" | "chainguard-base" | "busybox") {
                Some(busybox)
            } else if matches!(repo, "curl" | "wget" | "bash") {
                None
            } else {
                Some(Tools::all(false))
            }
        }
        "mcr.microsoft.com"
            if r.path.starts_with("dotnet/")
                && (tag.contains("chiseled") || tag.contains("distroless")) =>
        {
            Some(Tools::all(false))
        }
        "docker.io" => match r.path.as_str() {
            "library/alpine" | "library/busybox" => Some(busybox),
            "library/debian" | "library/ubuntu" => Some(Tools {
                sh: Some(true),
                bash: Some(true),
                curl: Some(false),
                wget: Some(false),
            }),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG903",
            &[
                "FROM gcr.io/distroless/static\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n",
                "FROM gcr.io/distroless/base-debian12\nHEALTHCHECK CMD /app -check\n",
                "FROM scratch\nCOPY app /app\nHEALTHCHECK CMD [\"wget\", \"-q\", \"http://localhost/\"]\n",
                "FROM alpine:3.20\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
                "FROM alpine:3.20\nHEALTHCHECK CMD [\"bash\", \"-c\", \"true\"]\n",
                "FROM debian:12-slim\nRUN apt-get update && apt-get install -y ca-certificates\nHEALTHCHECK CMD wget -qO- http://localhost/\n",
                "FROM gcr.io/distroless/base:debug\nHEALTHCHECK CMD curl -f http://localhost/\n",
                "FROM cgr.dev/chainguard/nginx\nHEALTHCHECK CMD [\"sh\", \"-c\", \"wget -q localhost\"]\n",
                // inherited through a stage chain
                "FROM alpine:3.20 AS base\nHEALTHCHECK CMD curl -f localhost\nFROM base\n",
                "ARG BASE=gcr.io/distroless/static:nonroot\nFROM $BASE\nHEALTHCHECK CMD [\"curl\", \"localhost\"]\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG903",
            &[
                "FROM gcr.io/distroless/static\nHEALTHCHECK CMD [\"/server\", \"-healthcheck\"]\n",
                "FROM alpine:3.20\nRUN apk add --no-cache curl\nHEALTHCHECK CMD curl -f http://localhost/\n",
                "FROM alpine:3.20\nHEALTHCHECK CMD wget -q --spider http://localhost/ || exit 1\n",
                "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nHEALTHCHECK CMD curl -f localhost\n",
                "FROM gcr.io/distroless/base:debug\nHEALTHCHECK CMD wget -q localhost\n",
                "FROM scratch\nCOPY --from=busybox:1.36 /bin/busybox /bin/busybox\nHEALTHCHECK CMD [\"/bin/busybox\", \"wget\", \"localhost\"]\n",
                "FROM gcr.io/distroless/static\nCOPY --from=build /usr/bin/curl /usr/bin/curl\nHEALTHCHECK CMD [\"curl\", \"localhost\"]\n",
                // unknown base: not judged
                "FROM node:20-alpine\nHEALTHCHECK CMD curl -f localhost\n",
                "FROM python:3.12-slim\nHEALTHCHECK CMD curl -f localhost\n",
                "FROM cgr.dev/chainguard/python:latest-dev\nHEALTHCHECK CMD curl -f localhost\n",
                "FROM gcr.io/distroless/static\nHEALTHCHECK NONE\n",
                // the check belongs to another stage
                "FROM gcr.io/distroless/static AS x\nHEALTHCHECK CMD curl localhost\nFROM debian:12\nRUN apt-get install -y curl\n",
            ],
        );
    }

    #[test]
    fn spans_and_messages() {
        let src =
            "FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\n";
        let d = check("SG903", src);
        assert_eq!(&src[d[0].span.range()], "curl");
        assert!(d[0].message.contains("`alpine:3.20`"), "{}", d[0].message);
        let src = "FROM gcr.io/distroless/static\nHEALTHCHECK CMD /app -check\n";
        let d = check("SG903", src);
        assert_eq!(&src[d[0].span.range()], "/app -check");
        assert!(d[0].message.contains("shell-form"), "{}", d[0].message);
    }
}

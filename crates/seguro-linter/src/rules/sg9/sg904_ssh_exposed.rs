//! SG904: an SSH server in the final image (port 22 exposed, or an sshd package installed).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};
use seguro_shell::Action;

/// Packages that install an SSH server (Debian's `ssh` and Alpine's `openssh` pull one in).
const SSH_SERVERS: &[&str] = &[
    "openssh-server",
    "openssh-server-pam",
    "openssh",
    "ssh",
    "dropbear",
    "tinyssh",
];

declare_rule! {
    /// ## What it does
    /// Reports an SSH server in the final image (the final or `--target` stage and the
    /// stages it is built `FROM`): `EXPOSE 22` (also `22/tcp`, a range holding 22, or an
    /// ARG resolving to it), or a package that installs `sshd` (`openssh-server`,
    /// Alpine's `openssh`, Debian's `ssh`, `dropbear`). Client packages
    /// (`openssh-client`) and builder stages are fine.
    ///
    /// ## Why it matters
    /// An SSH daemon is a second way into the container that bypasses the engine's access
    /// control, needs credentials or keys baked in or managed separately, and adds a
    /// network service to patch. `docker exec` / `kubectl exec` give a shell without it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
    /// CMD ["/app"]
    /// ```
    ///
    /// ## Fix
    /// None: the way operators reach the container has to change.
    ///
    /// ## Aliases
    /// DS-0004, CKV_DOCKER_1
    ///
    /// ## References
    /// CWE-1188; chapter 3.1.1 and 3.1.9.
    pub struct SshExposed {
        code: "SG904",
        name: "ssh-exposed",
        severity: Warning,
        section: "3.1.1",
        aliases: ["DS-0004", "CKV_DOCKER_1"],
        fixable: None,
    }
}

impl Check for SshExposed {
    fn run(&self, cx: &mut Checker<'_>) {
        let indices = cx.final_image_instructions();
        let mut found: Vec<(Span, String)> = Vec::new();
        for &i in &indices {
            let Some(inst) = cx.df.instructions.get(i) else {
                continue;
            };
            if inst.kind != Kind::Expose {
                continue;
            }
            for arg in &inst.args {
                let value = cx.expand(&arg.value, i);
                if value.split_whitespace().any(holds_port_22) {
                    found.push((
                        arg.span,
                        format!("the final image exposes the SSH port (`{value}`)"),
                    ));
                }
            }
        }
        for (_, rs, script) in cx.run_scripts() {
            let Some(inst) = cx.df.instructions.get(rs.instruction) else {
                continue;
            };
            if inst.kind != Kind::Run || !indices.contains(&rs.instruction) {
                continue;
            }
            for op in script.package_ops() {
                if op.action != Action::Install {
                    continue;
                }
                for p in &op.packages {
                    if SSH_SERVERS.contains(&p.name.as_str()) {
                        found.push((
                            rs.file_span(inst, p.span),
                            format!(
                                "`{} {} {}` installs an SSH server in the final image",
                                op.manager.name(),
                                op.subcommand.as_ref().map_or("install", |w| w.text()),
                                p.name
                            ),
                        ));
                    }
                }
            }
        }
        for (span, message) in found {
            cx.report(span, message).set_help(
                "use `docker exec` / `kubectl exec` instead of an SSH daemon in the image",
            );
        }
    }
}

/// `22`, `22/tcp`, or a range such as `20-25`.
fn holds_port_22(spec: &str) -> bool {
    let port = spec.split('/').next().unwrap_or("");
    match port.split_once('-') {
        Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) => a <= 22 && 22 <= b,
            _ => false,
        },
        None => port.parse::<u32>() == Ok(22),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG904",
            &[
                "FROM a\nEXPOSE 22\n",
                "FROM a\nEXPOSE 80 22/tcp\n",
                "FROM a\nARG SSH_PORT=22\nEXPOSE ${SSH_PORT}\n",
                "FROM a\nEXPOSE 20-25\n",
                "FROM debian:12\nRUN apt-get update && apt-get install -y openssh-server\n",
                "FROM alpine:3.20\nRUN apk add --no-cache openssh\n",
                "FROM debian:12\nRUN apt-get install -y ssh\n",
                "FROM alpine:3.20\nRUN apk add dropbear\n",
                "FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache openssh-server\nEOF\n",
                "FROM debian:12 AS base\nRUN apt-get install -y openssh-server\nFROM base\nCMD [\"x\"]\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG904",
            &[
                "FROM a\nEXPOSE 2222 8022 122\n",
                "FROM a\nEXPOSE 80\n",
                "FROM debian:12\nRUN apt-get install -y openssh-client git\n",
                "FROM alpine:3.20\nRUN apk add --no-cache openssh-client\n",
                // only the builder has it
                "FROM debian:12 AS build\nRUN apt-get install -y openssh-server\nEXPOSE 22\nFROM debian:12\nCOPY --from=build /a /a\n",
                "FROM debian:12\nRUN apt-get remove -y openssh-server\n",
                "FROM debian:12\nRUN echo openssh-server\n",
            ],
        );
    }

    #[test]
    fn span() {
        let src = "FROM debian:12\nRUN apt-get install -y curl openssh-server\n";
        let d = check("SG904", src);
        assert_eq!(&src[d[0].span.range()], "openssh-server");
    }
}

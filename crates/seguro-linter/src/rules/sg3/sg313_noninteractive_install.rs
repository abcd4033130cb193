//! SG313: package-manager commands that would stop at a confirmation prompt.

use super::{Finding, OpAt, earlier_setting, insert_after, runs, variable_flags};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::rule::Check;
use seguro_shell::{Action, Manager, Script};

declare_rule! {
    /// ## What it does
    /// Finds package installs, upgrades and removals that ask for confirmation:
    /// `apt-get`/`apt`/`aptitude` without `-y` (`--yes`, `--assume-yes`, `-qq`,
    /// `-o APT::Get::Assume-Yes=true`), `yum`/`dnf`/`tdnf` without `-y`/`--assumeyes`, and
    /// `zypper` without `-n`/`--non-interactive` (or `-y`/`--no-confirm`). A command fed
    /// by `yes |`, and a setting written by an earlier step of the stage
    /// (`APT::Get::Assume-Yes "true";`, `assumeyes=1` in dnf.conf/yum.conf), count too.
    /// Options held in a variable (`apt-get install $APT_OPTS curl`) are judged by its
    /// value when an ARG, ENV or earlier assignment gives it; when the value is unknown the
    /// command is not reported.
    ///
    /// `DEBIAN_FRONTEND=noninteractive` is not enough: it silences debconf questions, not
    /// apt's own "Do you want to continue?". `apk`, `microdnf` and `pip` never prompt.
    ///
    /// ## Why it matters
    /// A build has no terminal: the prompt reads end-of-file and the package manager
    /// aborts, so the build fails, or works only as long as no extra dependency needs
    /// confirming.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// Safe: inserts `-y` (zypper: `-n`) after the program name. It only answers the
    /// confirmation prompt; what gets installed is unchanged.
    ///
    /// ## Aliases
    /// DL3014, DL3030, DL3034, DL3038, DS-0021
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct NoninteractiveInstall {
        code: "SG313",
        name: "noninteractive-install",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3014", "DL3030", "DL3034", "DL3038", "DS-0021"],
        fixable: Sometimes,
    }
}

/// `APT::Get::Assume-Yes "true"`, `assumeyes=1`, `assume-yes=true` in a config line.
fn assumes_yes(line: &str) -> bool {
    ["assume-yes", "assumeyes"].iter().any(|key| {
        line.find(key).is_some_and(|at| {
            let rest = line[at + key.len()..].trim_start_matches(|c: char| {
                c == '"' || c == '\'' || c == '=' || c.is_whitespace()
            });
            ["true", "1", "yes", "on"].iter().any(|v| {
                rest.strip_prefix(v)
                    .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric()))
            })
        })
    })
}

/// Whether the command's flags answer the prompt.
fn answers(at: &OpAt<'_>) -> bool {
    let op = &at.op;
    match op.manager {
        Manager::AptGet | Manager::Apt | Manager::Aptitude => {
            let quiet = op
                .flags
                .iter()
                .filter(|f| f.name == "-q" && f.value.is_none())
                .count()
                >= 2
                || op.flags.iter().any(|f| {
                    matches!(f.name.as_str(), "-q" | "--quiet")
                        && f.value.as_ref().is_some_and(|v| v.text() == "2")
                });
            let option = op.flags.iter().any(|f| {
                matches!(f.name.as_str(), "-o" | "--option")
                    && f.value
                        .as_ref()
                        .is_some_and(|v| assumes_yes(&v.text().to_ascii_lowercase()))
            });
            quiet || option || op.has_flag(&["-y", "--yes", "--assume-yes", "--force-yes"])
        }
        Manager::Zypper => op.has_flag(&["-n", "--non-interactive", "-y", "--no-confirm"]),
        _ => op.has_flag(&["-y", "--assumeyes", "--assumeno"]),
    }
}

/// Whether an option word held in a variable answers the prompt (`-y`, `-qqy`, `--yes`).
fn hidden_yes(manager: Manager, flag: &str) -> bool {
    let long = match manager {
        Manager::Zypper => &["--non-interactive", "--no-confirm"][..],
        Manager::AptGet | Manager::Apt | Manager::Aptitude => {
            &["--yes", "--assume-yes", "--force-yes"][..]
        }
        _ => &["--assumeyes", "--assumeno"][..],
    };
    let short: &[char] = if manager == Manager::Zypper {
        &['y', 'n']
    } else {
        &['y']
    };
    let apt_quiet = manager.family() == "apt" && flag.matches('q').count() >= 2;
    long.contains(&flag)
        || (!flag.starts_with("--") && flag.starts_with('-') && (flag.contains(short) || apt_quiet))
}

/// Whether `yes` (or `echo y`) feeds the command through a pipe.
fn fed_yes(script: &Script, at: &OpAt<'_>) -> bool {
    let c = at.cmd;
    if c.index_in_pipeline == 0 {
        return false;
    }
    script
        .pipeline(c.pipeline)
        .and_then(|p| p.commands.get(c.index_in_pipeline - 1))
        .and_then(|&id| script.command(id))
        .is_some_and(|prev| prev.is_any(&["yes", "echo", "printf"]))
}

impl Check for NoninteractiveInstall {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut findings = Vec::new();
        for run in runs(cx).iter() {
            for at in &run.ops {
                let prompts = matches!(
                    at.op.manager,
                    Manager::AptGet
                        | Manager::Apt
                        | Manager::Aptitude
                        | Manager::Dnf
                        | Manager::Yum
                        | Manager::Tdnf
                        | Manager::Zypper
                ) && matches!(
                    at.op.action,
                    Action::Install | Action::Upgrade | Action::DistUpgrade | Action::Remove
                );
                if !prompts || answers(at) {
                    continue;
                }
                // `apt-get install $APT_OPTS curl`: judged by what the variable holds.
                let Some(hidden) = variable_flags(cx, run, at) else {
                    continue;
                };
                if hidden.iter().any(|f| hidden_yes(at.op.manager, f)) {
                    continue;
                }
                let script = run.scripts.get(at.script_pos).map(|(_, s)| *s);
                if script.is_some_and(|s| fed_yes(s, at)) {
                    continue;
                }
                if earlier_setting(cx, run.index, assumes_yes) {
                    continue;
                }
                let flag = if at.op.manager == Manager::Zypper {
                    "-n"
                } else {
                    "-y"
                };
                let label = at.label();
                let mut f = Finding::new(
                    at.head_span(),
                    format!(
                        "`{label}` can stop at a confirmation prompt, which a build cannot answer"
                    ),
                    format!("add `{flag}`"),
                );
                f.fix = at
                    .cmd
                    .name
                    .as_ref()
                    .and_then(|name| insert_after(cx.src, at, name, flag))
                    .map(|edit| Fix::safe(format!("Add `{flag}`"), vec![edit]));
                findings.push(f);
            }
        }
        for f in findings {
            f.emit(cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG313",
            &[
                "FROM debian\nRUN apt-get install curl\n",
                "FROM debian\nRUN DEBIAN_FRONTEND=noninteractive apt-get install curl\n",
                "FROM debian\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get install curl\n",
                "FROM debian\nRUN apt-get -q install curl\n",
                "FROM debian\nARG APT_OPTS=--no-install-recommends\nRUN apt-get install $APT_OPTS curl\n",
                "FROM debian\nRUN apt install curl\n",
                "FROM debian\nRUN apt-get upgrade\n",
                "FROM debian\nRUN apt-get purge curl\n",
                "FROM centos\nRUN yum install httpd\n",
                "FROM fedora\nRUN dnf install httpd\n",
                "FROM opensuse/leap\nRUN zypper install curl\n",
                "FROM debian\nRUN if true; then apt-get install curl; fi\n",
                "FROM debian\nRUN <<EOF\napt-get install curl\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG313",
            &[
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM debian\nARG APT_OPTS=\"-qqy --no-install-recommends\"\nRUN apt-get install $APT_OPTS curl\n",
                "FROM debian\nRUN apt-get install $APT_OPTS curl\n",
                "FROM debian\nRUN if apt-get install -s curl > /dev/null; then apt-get install -y curl; fi\n",
                "FROM debian\nRUN apt-get install curl -y\n",
                "FROM debian\nRUN apt-get -yqq install curl\n",
                "FROM debian\nRUN apt-get -qq install curl\n",
                "FROM debian\nRUN apt-get -q -q install curl\n",
                "FROM debian\nRUN apt-get -q=2 install curl\n",
                "FROM debian\nRUN apt-get install --yes curl\n",
                "FROM debian\nRUN apt-get install --assume-yes curl\n",
                "FROM debian\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\n",
                "FROM debian\nRUN yes | apt-get install curl\n",
                "FROM debian\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\nRUN apt-get install curl\n",
                "FROM debian\nRUN apt-get update\n",
                "FROM centos\nRUN yum install -y httpd\n",
                "FROM centos\nRUN yum -y install httpd\n",
                "FROM fedora\nRUN dnf install --assumeyes httpd\n",
                "FROM fedora\nRUN echo 'assumeyes=True' >> /etc/dnf/dnf.conf\nRUN dnf install httpd\n",
                "FROM ubi-minimal\nRUN microdnf install httpd\n",
                "FROM opensuse/leap\nRUN zypper -n install curl\n",
                "FROM opensuse/leap\nRUN zypper --non-interactive install curl\n",
                "FROM opensuse/leap\nRUN zypper install -y curl\n",
                "FROM alpine\nRUN apk add curl\n",
                "FROM python\nRUN pip install flask\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG313",
            &[
                (
                    "FROM debian\nRUN apt-get update && apt-get install curl\n",
                    "FROM debian\nRUN apt-get update && apt-get -y install curl\n",
                ),
                (
                    "FROM opensuse/leap\nRUN zypper in curl\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl\n",
                ),
                (
                    "FROM fedora\nRUN <<EOF\ndnf install httpd\nEOF\n",
                    "FROM fedora\nRUN <<EOF\ndnf -y install httpd\nEOF\n",
                ),
            ],
        );
    }
}

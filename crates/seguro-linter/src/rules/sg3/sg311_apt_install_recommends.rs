//! SG311: `apt-get install` that also installs recommended packages.

use super::{Finding, earlier_setting, insert_after, runs, variable_flags};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Fix};
use crate::rule::Check;
use seguro_shell::Manager;

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` and `apt install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`), and `aptitude install` without
    /// `--without-recommends`. An earlier step of the stage (or of a stage it is built
    /// on) that writes `APT::Install-Recommends "false"` to an apt configuration file
    /// counts too. Options held in a variable (`apt-get install $APT_OPTS curl`) are
    /// judged by its value when an ARG, ENV or earlier assignment gives it; when the value
    /// is unknown the command is not reported.
    ///
    /// ## Why it matters
    /// By default apt also installs every package the requested ones *recommend*: often
    /// dozens of packages (documentation tools, X libraries, compilers) the image never
    /// uses. Each one is attack surface, scanner findings and size.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y curl=7.88.1-10+deb12u5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 ca-certificates \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// Unsafe: inserts `--no-install-recommends` after `install`. The image then lacks
    /// the recommended packages, and some programs need one of them at run time (`curl`
    /// over HTTPS needs `ca-certificates`, which it only recommends), so review the
    /// package list after applying it (`--unsafe-fixes`).
    ///
    /// ## Aliases
    /// DL3015, DS-0029
    ///
    /// ## References
    /// Chapter 3.1.1 (minimal images).
    pub struct AptInstallRecommends {
        code: "SG311",
        name: "apt-install-recommends",
        severity: Info,
        section: "3.1.1",
        aliases: ["DL3015", "DS-0029"],
        fixable: Sometimes,
    }
}

/// `APT::Install-Recommends "false";` (or `=0`, `no`, `off`) in a config line.
fn disables_recommends(line: &str) -> bool {
    let Some(at) = line.find("install-recommends") else {
        return false;
    };
    let rest = line[at + "install-recommends".len()..]
        .trim_start_matches(|c: char| c == '"' || c == '\'' || c == '=' || c.is_whitespace());
    ["false", "0", "no", "off"].iter().any(|v| {
        rest.strip_prefix(v)
            .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric()))
    })
}

impl Check for AptInstallRecommends {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut findings = Vec::new();
        for run in runs(cx).iter() {
            for at in &run.ops {
                let aptitude = at.op.manager == Manager::Aptitude;
                if !matches!(at.op.manager, Manager::AptGet | Manager::Apt) && !aptitude {
                    continue;
                }
                if !at.sub_is(&["install"]) {
                    continue;
                }
                let flag = if aptitude {
                    at.op.has_flag(&["--without-recommends", "-R"])
                } else {
                    at.op.has_flag(&["--no-install-recommends"])
                };
                let option = at.op.flags.iter().any(|f| {
                    matches!(f.name.as_str(), "-o" | "--option")
                        && f.value.as_ref().is_some_and(|v| {
                            disables_recommends(&v.text().to_ascii_lowercase().replace("apt::", ""))
                        })
                });
                if flag || option || earlier_setting(cx, run.index, disables_recommends) {
                    continue;
                }
                // `apt-get install $APT_OPTS curl`: judged by what the variable holds.
                let Some(hidden) = variable_flags(cx, run, at) else {
                    continue;
                };
                if hidden
                    .iter()
                    .any(|f| f == "--no-install-recommends" || f == "--without-recommends")
                {
                    continue;
                }
                let insert = if aptitude {
                    "--without-recommends"
                } else {
                    "--no-install-recommends"
                };
                let label = at.label();
                let mut f = Finding::new(
                    at.head_span(),
                    format!("`{label}` also installs every recommended package"),
                    format!("add `{insert}` and name the packages the image really needs"),
                );
                f.fix = at
                    .op
                    .subcommand
                    .as_ref()
                    .and_then(|sub| insert_after(cx.src, at, sub, insert))
                    .map(|edit| {
                        Fix::new(format!("Add `{insert}`"), Applicability::Unsafe, vec![edit])
                    });
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
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG311",
            &[
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt install -y curl\n",
                "FROM debian\nRUN aptitude install -y curl\n",
                "FROM debian\nARG APT_OPTS=-y\nRUN apt-get install $APT_OPTS curl\n",
                "FROM debian\nRUN DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n",
                "FROM debian\nRUN apt-get install -y -o APT::Install-Recommends=true curl\n",
                "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
                // a setting in another, unrelated stage does not count
                "FROM debian AS a\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norec\nFROM debian\nRUN apt-get install -y curl\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG311",
            &[
                "FROM debian\nRUN apt-get install -y --no-install-recommends curl\n",
                "FROM debian\nARG APT_OPTS=\"-y --no-install-recommends\"\nRUN apt-get install $APT_OPTS curl\n",
                "FROM debian\nRUN apt-get install -y $APT_OPTS curl\n",
                "FROM debian\nRUN apt-get install -y curl --no-install-recommends\n",
                "FROM debian\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n",
                "FROM debian\nRUN apt-get -o APT::Install-Recommends=0 install -y curl\n",
                "FROM debian\nRUN aptitude install -y --without-recommends curl\n",
                "FROM debian\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norec\nRUN apt-get install -y curl\n",
                "FROM debian AS base\nRUN printf 'APT::Install-Recommends \"0\";\\n' > /etc/apt/apt.conf.d/01norecommend\nFROM base\nRUN apt-get install -y curl\n",
                "FROM debian\nCOPY <<EOF /etc/apt/apt.conf.d/99norec\nAPT::Install-Recommends \"false\";\nEOF\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update\n",
                "FROM debian\nRUN apt-get remove -y curl\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        let cases = [
            (
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n",
            ),
            (
                "FROM debian\nRUN apt-get update \\\n && apt-get -y install \\\n  curl\n",
                "FROM debian\nRUN apt-get update \\\n && apt-get -y install --no-install-recommends \\\n  curl\n",
            ),
            (
                "FROM debian\nRUN <<EOF\napt-get install -y curl\nEOF\n",
                "FROM debian\nRUN <<EOF\napt-get install --no-install-recommends -y curl\nEOF\n",
            ),
        ];
        for (before, after) in cases {
            let diags = check("SG311", before);
            let (safe, _) = crate::fix::apply(before, &diags, false);
            assert_eq!(safe, before, "the fix is not safe");
            let (fixed, n) = crate::fix::apply(before, &diags, true);
            assert_eq!(n, 1);
            assert_eq!(fixed, after);
        }
    }
}

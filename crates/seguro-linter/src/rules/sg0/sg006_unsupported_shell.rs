//! SG006: RUN scripts under a shell seguro does not model (PowerShell, cmd) are skipped.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::Analysis;

declare_rule! {
    /// ## What it does
    /// Says, once per stage, that the stage's RUN scripts run under a shell seguro does
    /// not analyse (`SHELL ["pwsh", …]`, `cmd` on Windows images), so the rules about
    /// RUN (pinning, downloads, sudo…) did not look at them.
    ///
    /// ## Why it matters
    /// Silence is not a clean bill of health: reading PowerShell as POSIX sh would give
    /// nonsense findings, so seguro skips those scripts and tells you so.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
    /// SHELL ["pwsh", "-Command"]
    /// RUN Install-Module -Name Pester -Force
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
    /// RUN pwsh -Command 'Install-Module -Name Pester -RequiredVersion 5.6.1 -Force'
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.
    pub struct UnsupportedShell {
        code: "SG006",
        name: "unsupported-shell",
        severity: Info,
        section: "3.1",
        aliases: [],
        fixable: None,
    }
}

impl Check for UnsupportedShell {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut reported_stages = Vec::new();
        let mut found = Vec::new();
        for rs in cx.scripts {
            let Analysis::Unsupported { shell } = &rs.analysis else {
                continue;
            };
            let stage = cx.model.stage_of(rs.instruction).map(|s| s.index);
            if reported_stages.contains(&stage) {
                continue;
            }
            reported_stages.push(stage);
            let inst = &cx.df.instructions[rs.instruction];
            found.push((inst.keyword_span, shell.clone()));
        }
        for (span, shell) in found {
            cx.report(
                span,
                format!(
                    "RUN scripts of this stage run under `{shell}`, which seguro does not analyse"
                ),
            )
            .set_help("the RUN rules skipped these scripts; review them by hand");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG006",
            &[
                "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Item x\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n",
                "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN echo hi\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG006",
            &[
                "FROM a\nRUN ls | wc -l\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN ls\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"/bin/sh\", \"-c\"]\nRUN ls\n",
            ],
        );
    }

    #[test]
    fn once_per_stage() {
        let d = crate::rules::test_support::check(
            "SG006",
            "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN a\nRUN b\nFROM b\nSHELL [\"cmd\", \"/c\"]\nRUN c\n",
        );
        assert_eq!(d.len(), 2);
    }
}

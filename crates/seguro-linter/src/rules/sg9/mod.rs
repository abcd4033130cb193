//! Rules SG9xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::diagnostic::Edit;
use crate::rule::Rule;
use seguro_dockerfile::{Instruction, Span};

pub mod sg901_healthcheck_missing;
pub mod sg902_healthcheck_multiple;
pub mod sg903_healthcheck_tool_missing;
pub mod sg904_ssh_exposed;
pub mod sg905_port_invalid;
pub mod sg906_exec_form_recommended;
pub mod sg907_multiple_cmd_entrypoint;
pub mod sg908_workdir_relative;
pub mod sg909_cd_instead_of_workdir;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg901_healthcheck_missing::HealthcheckMissing,
    &sg902_healthcheck_multiple::HealthcheckMultiple,
    &sg903_healthcheck_tool_missing::HealthcheckToolMissing,
    &sg904_ssh_exposed::SshExposed,
    &sg905_port_invalid::PortInvalid,
    &sg906_exec_form_recommended::ExecFormRecommended,
    &sg907_multiple_cmd_entrypoint::MultipleCmdEntrypoint,
    &sg908_workdir_relative::WorkdirRelative,
    &sg909_cd_instead_of_workdir::CdInsteadOfWorkdir,
];
/// An edit deleting an instruction's lines: from the start of its first line (when only
/// blanks precede it) through the end of its last line and its newline.
pub(crate) fn delete_instruction(src: &str, inst: &Instruction) -> Edit {
    let mut start = inst.span.start as usize;
    let mut end = (inst.span.end as usize).min(src.len());
    let line_start = src
        .get(..start)
        .and_then(|before| before.rfind('\n').map(|n| n + 1))
        .unwrap_or(0);
    if src
        .get(line_start..start)
        .is_some_and(|s| s.chars().all(|c| c == ' ' || c == '\t'))
    {
        start = line_start;
    }
    if src.get(end..).is_some_and(|rest| rest.starts_with("\r\n")) {
        end += 2;
    } else if src.get(end..).is_some_and(|rest| rest.starts_with('\n')) {
        end += 1;
    }
    Edit {
        span: Span::new(start, end),
        replacement: String::new(),
    }
}

#[cfg(test)]
mod tests {
    /// Odd and broken inputs never make the SG2/SG9 rules panic.
    #[test]
    fn odd_inputs_do_not_panic() {
        let codes = [
            "SG201", "SG203", "SG204", "SG205", "SG206", "SG207", "SG901", "SG902", "SG903",
            "SG904", "SG905", "SG906", "SG907", "SG908", "SG909",
        ];
        let inputs = [
            "",
            "USER root\n",
            "FROM\n",
            "FROM a\nUSER\nWORKDIR\nEXPOSE\nVOLUME\nHEALTHCHECK\nCMD\nENTRYPOINT\n",
            "FROM a\nHEALTHCHECK CMD\nHEALTHCHECK CMD []\nHEALTHCHECK NONE x\n",
            "FROM a\nEXPOSE / - -/ 1-/tcp :: é/ü 99999999999999999999999\n",
            "FROM a\nWORKDIR ${X:?boom}\nUSER ${Y:?no}\nEXPOSE ${Z:?z}\n",
            "FROM a\nRUN chmod\nRUN chmod -R\nRUN mkdir -m\nRUN install -m\nRUN find -exec chmod\n",
            "FROM a\nRUN useradd -u\nRUN useradd -u é\nRUN passwd -d\nRUN cd\nRUN cd é && x\n",
            "FROM a\nCOPY --chmod= a b\nADD --chmod=é a\nRUN --security= x\n",
            "FROM a AS a\nFROM a AS b\nFROM b\nUSER é\nCMD é \"\n",
            "FROM scratch\nCMD [\"\"]\nHEALTHCHECK CMD [\"\"]\n",
            "FROM a\nRUN <<EOF\ncd \"$(\nEOF\n",
        ];
        for src in inputs {
            for code in codes {
                let _ = crate::rules::test_support::check(code, src);
            }
        }
    }

    #[test]
    #[ignore = "reads the shared corpus; run with --ignored --nocapture"]
    fn corpus_sg9() {
        crate::rules::test_support::corpus_survey(&[
            "SG901", "SG902", "SG903", "SG904", "SG905", "SG906", "SG907", "SG908", "SG909",
        ]);
    }
}

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

/// Lints every Dockerfile of the shared corpus with only `codes` selected, prints the
/// count per rule and writes each finding (file, line, message, source line) to
/// `$TMPDIR/seguro-corpus-<code>.txt` for reading by hand.
#[cfg(test)]
#[allow(clippy::print_stdout)]
pub(crate) fn corpus_report(codes: &[&'static str]) {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("corpus not found at {}", dir.display());
        return;
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut counts: BTreeMap<&str, (usize, usize)> = codes.iter().map(|c| (*c, (0, 0))).collect();
    let mut text: BTreeMap<&str, String> = BTreeMap::new();
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let index = seguro_dockerfile::LineIndex::new(&src);
        for code in codes {
            let found = crate::rules::test_support::check(code, &src);
            if found.is_empty() {
                continue;
            }
            let entry = counts.entry(code).or_default();
            entry.0 += found.len();
            entry.1 += 1;
            let out = text.entry(code).or_default();
            for d in found {
                let at = index.line_col(&src, d.span.start);
                let line = src.lines().nth(at.line as usize - 1).unwrap_or("");
                let _ = writeln!(
                    out,
                    "{name}:{}: {}\n    | {}",
                    at.line,
                    d.message,
                    line.trim()
                );
            }
        }
    }
    println!("{} files", files.len());
    for (code, (n, f)) in &counts {
        println!("{code}: {n} findings in {f} files");
    }
    let tmp = std::env::temp_dir();
    for (code, t) in text {
        let _ = std::fs::write(tmp.join(format!("seguro-corpus-{code}.txt")), t);
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
        super::corpus_report(&[
            "SG901", "SG902", "SG903", "SG904", "SG905", "SG906", "SG907", "SG908", "SG909",
        ]);
    }
}

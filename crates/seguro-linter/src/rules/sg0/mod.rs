//! Rules SG0xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub mod sg000_invalid_dockerfile;
pub mod sg001_undefined_variable;
pub mod sg002_legacy_key_value;
pub mod sg003_instruction_casing;
pub mod sg004_onbuild_misuse;
pub mod sg005_unused_pragma;
pub mod sg006_unsupported_shell;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg000_invalid_dockerfile::InvalidDockerfile,
    &sg001_undefined_variable::UndefinedVariable,
    &sg002_legacy_key_value::LegacyKeyValue,
    &sg003_instruction_casing::InstructionCasing,
    &sg004_onbuild_misuse::OnbuildMisuse,
    &sg005_unused_pragma::UnusedPragma,
    &sg006_unsupported_shell::UnsupportedShell,
];

/// The candidate closest to `name` when it is close enough to be a likely typo
/// (same letters in another case, or one or two edits away for longer names).
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lowered = name.to_ascii_lowercase();
    let limit = if name.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&lowered, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggestions() {
        assert_eq!(closest("VERSOIN", ["VERSION", "OTHER"]), Some("VERSION"));
        assert_eq!(closest("app_dir", ["APP_DIR"]), Some("APP_DIR"));
        assert_eq!(closest("ABC", ["XYZ"]), None);
        assert_eq!(closest("A", ["A"]), None);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        const CODES: &[&str] = &[
            "SG001", "SG002", "SG003", "SG004", "SG101", "SG102", "SG103", "SG104", "SG105",
            "SG106", "SG601", "SG602", "SG603", "SG604",
        ];
        let inputs = [
            "",
            "FROM",
            "FROM \\\n",
            "ENV\n",
            "ENV A\n",
            "LABEL =\n",
            "ARG =x\nFROM ${=}\n",
            "FROM a AS\nFROM b AS b c\n",
            "FROM ${A:-${B:-${C\n",
            "FROM --platform= a\nCOPY --from= a b\nRUN --mount=from= x\n",
            "ONBUILD\nONBUILD ONBUILD\nFROM a\nONBUILD FROM\n",
            "FROM é AS É\nENV é ü\nLABEL ü \"ö\"\nWORKDIR $é\n",
            "# escape=`\nFROM a\nENV A `\n  b\nCOPY [\"$X\", \"/y\"]\n",
            "FROM a\nCMD []\nENTRYPOINT\nRUN apt-get install\nRUN apk add --virtual\n",
            "FROM a\nENV A=${B C=$D\nUSER $\nVOLUME [\"\"]\n",
        ];
        for src in inputs {
            for code in CODES {
                let _ = crate::rules::test_support::check(code, src);
            }
        }
    }

    /// Lints the real-world corpus with the rules of SG0, SG1 and SG6 owned here and
    /// prints per-rule counts; `SEGURO_CORPUS_DUMP=<file>` writes every finding.
    #[test]
    #[ignore = "reads ../shared/corpus/dev; run with --ignored --nocapture"]
    #[allow(clippy::print_stderr)]
    fn corpus() {
        use crate::config::Config;
        use crate::lint::{Options, lint};
        use std::collections::BTreeMap;
        use std::fmt::Write as _;
        const CODES: &[&str] = &[
            "SG001", "SG002", "SG003", "SG004", "SG101", "SG102", "SG103", "SG104", "SG105",
            "SG106", "SG601", "SG602", "SG603", "SG604",
        ];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/dev");
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("no corpus at {dir}");
            return;
        };
        let config = Config {
            select: Some(CODES.to_vec()),
            trusted_registries: vec!["docker.io".to_string()],
            ..Config::default()
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut dump = String::new();
        let mut fix_stats = (0usize, 0usize, Vec::<String>::new());
        for path in &files {
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // `owner__repo__path__to__Dockerfile` → `path/to/Dockerfile`.
            let file = name
                .splitn(3, "__")
                .nth(2)
                .unwrap_or(name)
                .replace("__", "/");
            let found = lint(&file, &src, &config, Options::default());
            fix_keeps_meaning(&src, &found, &mut fix_stats);
            let index = seguro_dockerfile::LineIndex::new(&src);
            let mut seen: Vec<&str> = Vec::new();
            for d in &found {
                let entry = counts.entry(d.code).or_default();
                entry.0 += 1;
                if !seen.contains(&d.code) {
                    entry.1 += 1;
                    seen.push(d.code);
                }
                let lc = index.line_col(&src, d.span.start);
                let text = src.get(d.span.range()).unwrap_or("").replace('\n', "⏎");
                let _ = writeln!(
                    dump,
                    "{}\t{name}:{}\t{}\t[{text}]{}",
                    d.code,
                    lc.line,
                    d.message,
                    if d.fix.is_some() { "\tFIX" } else { "" }
                );
            }
        }
        eprintln!("{} files", files.len());
        for code in CODES {
            let (n, f) = counts.get(code).copied().unwrap_or_default();
            eprintln!("{code}: {n} findings in {f} files");
        }
        eprintln!(
            "fixes of SG002/SG003/SG604: {} files fixed, {} changed meaning {:?}",
            fix_stats.0, fix_stats.1, fix_stats.2
        );
        assert_eq!(fix_stats.1, 0, "a fix changed what the Dockerfile means");
        if let Ok(out) = std::env::var("SEGURO_CORPUS_DUMP") {
            let _ = std::fs::write(out, dump);
        }
    }

    /// Applies the safe fixes of the syntax rules and checks that ENV, LABEL and stage
    /// names mean the same afterwards.
    fn fix_keeps_meaning(
        src: &str,
        found: &[crate::diagnostic::Diagnostic],
        stats: &mut (usize, usize, Vec<String>),
    ) {
        use seguro_dockerfile::lex::Lexer;
        use seguro_dockerfile::{Kind, Model, parse};
        let ours: Vec<_> = found
            .iter()
            .filter(|d| matches!(d.code, "SG002" | "SG003" | "SG604"))
            .cloned()
            .collect();
        let (fixed, n) = crate::fix::apply(src, &ours, false);
        if n == 0 {
            return;
        }
        stats.0 += 1;
        let meaning = |text: &str| {
            let df = parse(text);
            let model = Model::new(&df);
            let lexer = Lexer::new(df.escape);
            let mut out: Vec<String> = Vec::new();
            for s in &model.stages {
                out.push(format!("{:?} {:?}", s.name, s.base));
                if let Some(st) = model.state_after_stage(s.index) {
                    out.push(format!("{:?}", st.env));
                }
            }
            for inst in df.instructions.iter().filter(|i| i.kind == Kind::Label) {
                for kv in inst.args.chunks(3) {
                    let word = |w: &str| lexer.process_word(w, &seguro_dockerfile::lex::EmptyEnv);
                    out.push(format!("{:?}={:?}", word(&kv[0].value), word(&kv[1].value)));
                }
            }
            (out, df.errors.len())
        };
        if meaning(src) != meaning(&fixed) {
            stats.1 += 1;
            stats
                .2
                .push(fixed.lines().take(3).collect::<Vec<_>>().join(" / "));
        }
    }
}

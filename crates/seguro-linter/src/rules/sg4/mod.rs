//! Rules SG4xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub mod sg401_pipe_to_shell;
pub mod sg402_download_unverified;
pub mod sg403_tls_verify_disabled;
pub mod sg404_plain_http_download;
pub mod sg405_add_remote_without_checksum;
pub mod sg406_signature_check_disabled;
pub mod sg407_pip_extra_index_url;
pub mod sg408_pipefail;
pub mod sg409_gpg_key_short_id;
pub(crate) mod shared;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg401_pipe_to_shell::PipeToShell,
    &sg402_download_unverified::DownloadUnverified,
    &sg403_tls_verify_disabled::TlsVerifyDisabled,
    &sg404_plain_http_download::PlainHttpDownload,
    &sg405_add_remote_without_checksum::AddRemoteWithoutChecksum,
    &sg406_signature_check_disabled::SignatureCheckDisabled,
    &sg407_pip_extra_index_url::PipExtraIndexUrl,
    &sg408_pipefail::Pipefail,
    &sg409_gpg_key_short_id::GpgKeyShortId,
];

#[cfg(test)]
pub(crate) mod tests {
    use super::RULES;
    use crate::rules::test_support::check;

    /// Each rule's Example fires and its Use-instead block does not.
    #[test]
    fn doc_examples() {
        for rule in RULES {
            let meta = rule.meta();
            let blocks = meta.doc_examples("Example");
            assert_eq!(blocks.len(), 2, "{}: two dockerfile blocks", meta.code);
            assert!(
                !check(meta.code, &blocks[0]).is_empty(),
                "{}: Example should fire",
                meta.code
            );
            let quiet = check(meta.code, &blocks[1]);
            assert!(
                quiet.is_empty(),
                "{}: Use instead fires: {quiet:#?}",
                meta.code
            );
        }
    }

    /// Lints every file of `/work/shared/corpus/dev` with the given rules and prints each
    /// finding (`CODE file:line message | source line`) and per-rule counts.
    #[allow(clippy::print_stdout)]
    pub(crate) fn survey(codes: &[&'static str]) {
        let dir = std::path::Path::new("/work/shared/corpus/dev");
        let Ok(entries) = std::fs::read_dir(dir) else {
            println!("no corpus at {}", dir.display());
            return;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let mut counts = std::collections::BTreeMap::new();
        let mut files_with = std::collections::BTreeMap::new();
        for path in &files {
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            let index = seguro_dockerfile::LineIndex::new(&src);
            for &code in codes {
                let found = check(code, &src);
                if !found.is_empty() {
                    *files_with.entry(code).or_insert(0) += 1;
                }
                for d in found {
                    *counts.entry(code).or_insert(0) += 1;
                    let line = index.line_col(&src, d.span.start).line;
                    let text = src.get(d.span.range()).unwrap_or("").replace('\n', "⏎");
                    let text: String = text.chars().take(140).collect();
                    println!(
                        "{code} {}:{line} {} | {text}",
                        path.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
                        d.message,
                    );
                }
            }
        }
        for &code in codes {
            println!(
                "COUNT {code} {} findings in {} files (of {})",
                counts.get(code).copied().unwrap_or(0),
                files_with.get(code).copied().unwrap_or(0),
                files.len()
            );
        }
    }

    /// No panic on truncated real files (every 5th corpus file, cut every 211 bytes), for
    /// every SG4 and SG8 rule.
    #[test]
    #[ignore]
    fn robust_on_truncated_files() {
        let dir = std::path::Path::new("/work/shared/corpus/dev");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let codes = [
            "SG401", "SG402", "SG403", "SG404", "SG405", "SG406", "SG407", "SG408", "SG409",
            "SG801", "SG802", "SG803", "SG804", "SG805", "SG806",
        ];
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for path in files.iter().step_by(5) {
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            let mut cut = 0;
            while cut < src.len() {
                if src.is_char_boundary(cut) {
                    for code in codes {
                        let _ = check(code, &src[..cut]);
                    }
                }
                cut += 211;
            }
        }
    }

    /// False-positive survey of the SG4 rules on the dev corpus.
    #[test]
    #[ignore]
    fn corpus() {
        survey(&[
            "SG401", "SG402", "SG403", "SG404", "SG405", "SG406", "SG407", "SG408", "SG409",
        ]);
    }
}

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
    use crate::rules::test_support::check;

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
        crate::rules::test_support::corpus_survey(&[
            "SG401", "SG402", "SG403", "SG404", "SG405", "SG406", "SG407", "SG408", "SG409",
        ]);
    }
}

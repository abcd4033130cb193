//! Image rules (SI001–SI023): one rule per file, declared with `declare_image_rule!`, whose
//! doc comment is the rule's documentation, as for the Dockerfile rules.
//!
//! The rules share [`seguro_linter::RuleMeta`], [`seguro_linter::Severity`] and
//! [`seguro_linter::Diagnostic`] with the Dockerfile rules, so selection (`--select`,
//! `--ignore`, codes, names, aliases), severities, documentation and the report formats
//! work the same; [`register`] adds them to `seguro_linter::registry`.
//!
//! Add a rule: a new file, one `mod` line and one entry in [`RULES`].

use crate::check::ImageChecker;
use seguro_linter::RuleMeta;

/// Declares an image rule: a unit struct, its metadata from the fields, and its
/// documentation from the doc comment; the check is written as `impl Check`. The sibling
/// of `seguro_linter::declare_rule!` (which is tied to Dockerfile checks).
macro_rules! declare_image_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident { $($fields:tt)* }
    ) => {
        seguro_linter::declare_rule_meta! { $(#[doc = $doc])* pub struct $ty { $($fields)* } }

        impl $crate::rules::ImageRule for $ty {
            fn meta(&self) -> &'static seguro_linter::RuleMeta {
                static META: seguro_linter::RuleMeta = $ty::META;
                &META
            }
            fn check(&self, cx: &mut $crate::check::ImageChecker<'_>) {
                <$ty as $crate::rules::Check>::run(self, cx)
            }
        }
    };
}

pub mod example;
pub mod history;
pub mod si001_runs_as_root;
pub mod si002_user_unknown;
pub mod si003_healthcheck_missing;
pub mod si004_secret_in_env;
pub mod si005_secret_in_history;
pub mod si006_secret_file_in_layer;
pub mod si007_setuid_setgid_file;
pub mod si008_package_cache_left;
pub mod si009_upgrade_in_history;
pub mod si010_remote_fetch_in_history;
pub mod si011_tag_latest;
pub mod si012_labels_missing;
pub mod si013_world_writable;
pub mod si014_unneeded_files;
pub mod si015_build_tools_present;
pub mod si016_empty_password;
pub mod si017_duplicate_uid_gid;
pub mod si018_sudo_present;
pub mod si019_ssh_server;
pub mod si020_file_capabilities;
pub mod si021_healthcheck_tool_missing;
pub mod si022_large_layer_waste;
pub mod si023_unsafe_layer_entry;

#[cfg(test)]
pub(crate) mod test_support;

/// An image rule: metadata plus a check over one image.
pub trait ImageRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut ImageChecker<'_>);
}

/// The check half of a rule declared with `declare_image_rule!`.
pub trait Check {
    fn run(&self, cx: &mut ImageChecker<'_>);
}

/// Every image rule, in code order.
pub static RULES: &[&dyn ImageRule] = &[
    &si001_runs_as_root::RunsAsRoot,
    &si002_user_unknown::UserUnknown,
    &si003_healthcheck_missing::HealthcheckMissing,
    &si004_secret_in_env::SecretInEnv,
    &si005_secret_in_history::SecretInHistory,
    &si006_secret_file_in_layer::SecretFileInLayer,
    &si007_setuid_setgid_file::SetuidSetgidFile,
    &si008_package_cache_left::PackageCacheLeft,
    &si009_upgrade_in_history::UpgradeInHistory,
    &si010_remote_fetch_in_history::RemoteFetchInHistory,
    &si011_tag_latest::TagLatest,
    &si012_labels_missing::LabelsMissing,
    &si013_world_writable::WorldWritable,
    &si014_unneeded_files::UnneededFiles,
    &si015_build_tools_present::BuildToolsPresent,
    &si016_empty_password::EmptyPassword,
    &si017_duplicate_uid_gid::DuplicateUidGid,
    &si018_sudo_present::SudoPresent,
    &si019_ssh_server::SshServer,
    &si020_file_capabilities::FileCapabilities,
    &si021_healthcheck_tool_missing::HealthcheckToolMissing,
    &si022_large_layer_waste::LargeLayerWaste,
    &si023_unsafe_layer_entry::UnsafeLayerEntry,
];

/// The metadata of every image rule, in code order.
pub fn metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).collect()
}

/// Adds the image rules to `seguro_linter::registry` (idempotent), so that `--select`,
/// configuration files, `seguro rule` and the report formats know them.
pub fn register() {
    seguro_linter::registry::register(&metas());
}

/// The image rule with this code.
pub fn find(code: &str) -> Option<&'static dyn ImageRule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code))
}

/// How many findings of one kind a rule reports before summing up the rest in one.
pub(crate) const MAX_PER_RULE: usize = 25;

/// Reports each `(message, location)` with `help`, at most [`MAX_PER_RULE`] of them; the
/// rest are summed up in one more finding (`… and 12 more setuid files`).
pub(crate) fn report_all(
    cx: &mut ImageChecker<'_>,
    found: Vec<(String, seguro_linter::diagnostic::Location)>,
    help: &str,
    what: &str,
) {
    let total = found.len();
    for (i, (message, at)) in found.into_iter().enumerate() {
        let rest = total - i - 1;
        if i == MAX_PER_RULE && rest > 0 {
            cx.report(format!("{message} (and {rest} more {what} not listed)"), at)
                .set_help(help);
            return;
        }
        cx.report(message, at).set_help(help);
    }
}

/// The stock `PATH` of Docker when the image sets none.
pub(crate) const DEFAULT_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Directories searched for programs when the rule has no `PATH` to go by.
pub(crate) const BIN_DIRS: &[&str] = &[
    "usr/local/sbin",
    "usr/local/bin",
    "usr/sbin",
    "usr/bin",
    "sbin",
    "bin",
];

/// `1.5 MiB`, `312 B`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = UNITS[0];
    for u in &UNITS[1..] {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

/// Whether a port key of `ExposedPorts` (`22`, `22/tcp`, `2222/udp`) is `port`/tcp.
pub(crate) fn is_tcp_port(key: &str, port: u16) -> bool {
    let (num, proto) = key.split_once('/').unwrap_or((key, "tcp"));
    num.trim() == port.to_string() && proto.trim().eq_ignore_ascii_case("tcp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<&str> = metas().iter().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(codes.len(), 23);
        assert!(codes.iter().all(|c| c.starts_with("SI")));
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(20 * 1024 * 1024), "20.0 MiB");
    }

    #[test]
    fn ports() {
        assert!(is_tcp_port("22", 22));
        assert!(is_tcp_port("22/tcp", 22));
        assert!(!is_tcp_port("22/udp", 22));
        assert!(!is_tcp_port("2222/tcp", 22));
    }
}

//! SI020: files with Linux capabilities (`security.capability` extended attribute).

use crate::check::{ImageChecker, absolute};
use crate::model::EntryKind;
use crate::rules::si007_setuid_setgid_file::is_stock;
use crate::rules::{Check, report_all};

declare_image_rule! {
    /// ## What it does
    /// Finds files of the final filesystem carrying file capabilities (the
    /// `security.capability` extended attribute, recorded in the layer tar as
    /// `SCHILY.xattr.security.capability`) and names the capabilities granted
    /// (`cap_net_raw`, `cap_sys_admin` …, `+e` when effective).
    ///
    /// Not reported: a stock program of a system directory (see SI007) holding only
    /// `cap_net_raw` (Debian's `ping`), and any file holding only `cap_net_bind_service`
    /// (the usual way to let a non-root server bind a port below 1024).
    ///
    /// ## Why it matters
    /// File capabilities are a finer-grained setuid: whoever runs the program gets the
    /// privilege. `cap_sys_admin`, `cap_dac_override`, `cap_setuid` on a program is root
    /// in all but name; they also survive `USER`, and scanners that look only at mode
    /// bits miss them.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c setcap cap_sys_admin+ep /usr/local/bin/tool # buildkit
    /// file /usr/local/bin/tool 0755 xattr=security.capability:0100000200002000000000000000000000000000
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c setcap cap_net_bind_service+ep /usr/local/bin/server # buildkit
    /// file /usr/local/bin/server 0755 xattr=security.capability:0100000200040000000000000000000000000000
    /// ```
    ///
    /// ## Fix
    /// None: remove the capability (`setcap -r FILE`) and grant what the workload needs at
    /// run time (`--cap-add`), where it is visible.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-250; capabilities(7); chapter 3.1.2.
    pub struct FileCapabilities {
        code: "SI020",
        name: "file-capabilities",
        severity: Warning,
        section: "3.1.2",
        aliases: [],
        fixable: None,
    }
}

const NAMES: [&str; 41] = [
    "cap_chown",
    "cap_dac_override",
    "cap_dac_read_search",
    "cap_fowner",
    "cap_fsetid",
    "cap_kill",
    "cap_setgid",
    "cap_setuid",
    "cap_setpcap",
    "cap_linux_immutable",
    "cap_net_bind_service",
    "cap_net_broadcast",
    "cap_net_admin",
    "cap_net_raw",
    "cap_ipc_lock",
    "cap_ipc_owner",
    "cap_sys_module",
    "cap_sys_rawio",
    "cap_sys_chroot",
    "cap_sys_ptrace",
    "cap_sys_pacct",
    "cap_sys_admin",
    "cap_sys_boot",
    "cap_sys_nice",
    "cap_sys_resource",
    "cap_sys_time",
    "cap_sys_tty_config",
    "cap_mknod",
    "cap_lease",
    "cap_audit_write",
    "cap_audit_control",
    "cap_setfcap",
    "cap_mac_override",
    "cap_mac_admin",
    "cap_syslog",
    "cap_wake_alarm",
    "cap_block_suspend",
    "cap_audit_read",
    "cap_perfmon",
    "cap_bpf",
    "cap_checkpoint_restore",
];

/// The capability names of a `vfs_cap_data` value (permitted and inheritable sets) and
/// whether they are effective; `None` when the value is not one.
pub(crate) fn decode(value: &[u8]) -> Option<(Vec<String>, bool)> {
    let word = |i: usize| -> Option<u32> {
        let b = value.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let magic = word(0)?;
    let effective = magic & 1 != 0;
    let (mut permitted, mut inheritable) = (u64::from(word(1)?), u64::from(word(2)?));
    if magic & 0xff00_0000 >= 0x0200_0000 {
        permitted |= u64::from(word(3).unwrap_or(0)) << 32;
        inheritable |= u64::from(word(4).unwrap_or(0)) << 32;
    }
    let all = permitted | inheritable;
    let names = (0..64)
        .filter(|b| all & (1u64 << b) != 0)
        .map(|b| {
            NAMES
                .get(b)
                .map_or_else(|| format!("cap_{b}"), |n| n.to_string())
        })
        .collect();
    Some((names, effective))
}

impl Check for FileCapabilities {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (r, e) in cx.view.entries() {
            if !matches!(e.kind, EntryKind::File | EntryKind::Hardlink) {
                continue;
            }
            let Some((_, value)) = e.xattrs.iter().find(|(n, _)| n == "security.capability") else {
                continue;
            };
            let (names, effective) = decode(value).unwrap_or_default();
            let only = |cap: &str| names.len() == 1 && names[0] == cap;
            if only("cap_net_bind_service") || (only("cap_net_raw") && is_stock(&e.path)) {
                continue;
            }
            let caps = if names.is_empty() {
                "unreadable capabilities".to_string()
            } else {
                format!(
                    "{}{}",
                    names.join(","),
                    if effective { "+ep" } else { "+p" }
                )
            };
            found.push((
                format!(
                    "`{}` carries file capabilities ({caps}): whoever runs it gets them",
                    absolute(&e.path)
                ),
                cx.at_entry(r),
            ));
        }
        report_all(
            cx,
            found,
            "remove them (`setcap -r FILE`) and grant capabilities at run time (`--cap-add`)",
            "files with capabilities",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::decode;
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn decodes() {
        // v2, effective, cap_net_raw (bit 13).
        let v = [
            1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(decode(&v), Some((vec!["cap_net_raw".to_string()], true)));
        // bit 39 (cap_bpf) in the high word.
        let v = [
            0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(decode(&v), Some((vec!["cap_bpf".to_string()], false)));
        assert_eq!(decode(&[1, 2]), None);
    }

    #[test]
    fn fires() {
        fire(
            "SI020",
            &[
                "layer\nfile /usr/local/bin/tool 0755 xattr=security.capability:0100000200002000000000000000000000000000\n",
                "layer\nfile /opt/ping 0755 xattr=security.capability:0100000200200000000000000000000000000000\n",
                "layer\nfile /usr/bin/x 0755 xattr=security.capability:01\n",
            ],
        );
        let d = one(
            "SI020",
            "layer\nfile /usr/local/bin/tool 0755 xattr=security.capability:0100000200002000000000000000000000000000\n",
        );
        assert!(d.message.contains("cap_sys_admin+ep"), "{}", d.message);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI020",
            &[
                "layer\nfile /bin/ping 0755 xattr=security.capability:0100000200200000000000000000000000000000\n",
                "layer\nfile /srv/node 0755 xattr=security.capability:0100000200040000000000000000000000000000\n",
                "layer\nfile /usr/bin/x 0755 xattr=user.comment:00\n",
                "layer\nfile /usr/bin/x 0755 xattr=security.capability:0100000200002000000000000000000000000000\nlayer\nfile /usr/bin/x 0755\n",
            ],
        );
    }
}

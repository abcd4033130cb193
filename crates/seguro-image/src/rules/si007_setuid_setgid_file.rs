//! SI007: setuid/setgid files in the final filesystem, beyond the stock ones.

use crate::check::{ImageChecker, absolute};
use crate::model::EntryKind;
use crate::rules::{Check, report_all};

declare_image_rule! {
    /// ## What it does
    /// Finds regular files (and hardlinks) of the final filesystem with the setuid or
    /// setgid bit, except the stock programs distributions ship that way.
    ///
    /// Stock programs are these names, in a system directory (`/bin`, `/sbin`,
    /// `/usr/bin`, `/usr/sbin`, `/usr/lib/openssh`, `/usr/libexec`,
    /// `/usr/libexec/openssh`):
    /// `su`, `passwd`, `mount`, `umount`, `chsh`, `chfn`, `gpasswd`, `newgrp`, `ping`,
    /// `ping6`, `unix_chkpwd`, `expiry`, `chage`, `wall`, `write`, `bsd-write`,
    /// `ssh-agent`, `ssh-keysign`, `crontab`, `sudo`, `sudoedit` (sudo is SI018's
    /// finding).
    ///
    /// A hardlink is judged by the file it points to (it is the same inode): a hardlink
    /// named `passwd` to `/opt/tool` is reported, `/usr/local/bin/chpw` linked to
    /// `/usr/bin/passwd` is not. Setgid directories (shared group directories such as
    /// `/var/mail`) are not reported; files deleted by a later layer are not either (they
    /// cannot be executed).
    ///
    /// ## Why it matters
    /// A setuid-root program runs as root whoever starts it: any bug in it is a privilege
    /// escalation inside the container, and with `--security-opt no-new-privileges`
    /// missing, a way to undo `USER`. Programs an application image does not need should
    /// not keep the bit (`chmod a-s`), and custom setuid binaries deserve a review.
    ///
    /// ## Example
    /// ```text
    /// layer
    /// file /usr/local/bin/backup 4755 uid=0
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer
    /// file /usr/local/bin/backup 0755 uid=0
    /// file /bin/su 4755 uid=0
    /// ```
    ///
    /// ## Fix
    /// None: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +` in the final
    /// stage removes the bits from every file, stock ones included.
    ///
    /// ## Aliases
    /// CIS-DI-0008
    ///
    /// ## References
    /// CWE-250; CIS Docker Benchmark 4.8; chapter 3.1.2.
    pub struct SetuidSetgidFile {
        code: "SI007",
        name: "setuid-setgid-file",
        severity: Warning,
        section: "3.1.2",
        aliases: ["CIS-DI-0008"],
        fixable: None,
    }
}

/// Directories the stock setuid/setgid programs live in.
pub(crate) const SYSTEM_DIRS: &[&str] = &[
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "usr/lib/openssh",
    "usr/libexec",
    "usr/libexec/openssh",
];

/// Programs distributions ship setuid or setgid.
pub(crate) const STOCK: &[&str] = &[
    "su",
    "passwd",
    "mount",
    "umount",
    "chsh",
    "chfn",
    "gpasswd",
    "newgrp",
    "ping",
    "ping6",
    "unix_chkpwd",
    "expiry",
    "chage",
    "wall",
    "write",
    "bsd-write",
    "ssh-agent",
    "ssh-keysign",
    "crontab",
    "sudo",
    "sudoedit",
];

/// Whether `path` (normalised) is a stock program in a system directory.
pub(crate) fn is_stock(path: &str) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    SYSTEM_DIRS.contains(&dir) && STOCK.contains(&name)
}

impl Check for SetuidSetgidFile {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (r, e) in cx.view.entries() {
            if !matches!(e.kind, EntryKind::File | EntryKind::Hardlink)
                || !(e.is_setuid() || e.is_setgid())
            {
                continue;
            }
            let target = cx
                .view
                .data_entry(r)
                .filter(|(t, _)| *t != r)
                .map(|(_, t)| t.path.as_str());
            if is_stock(target.unwrap_or(&e.path)) {
                continue;
            }
            let bits = match (e.is_setuid(), e.is_setgid()) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                _ => "setgid",
            };
            let owner = if e.is_setuid() {
                format!("uid {}", e.uid)
            } else {
                format!("gid {}", e.gid)
            };
            let link = target
                .map(|t| format!(" (hardlink to `{}`)", absolute(t)))
                .unwrap_or_default();
            found.push((
                format!(
                    "`{}`{link} is {bits} ({owner}, mode {:04o}): it runs with its owner's privileges whoever starts it",
                    absolute(&e.path),
                    e.mode & 0o7777
                ),
                cx.at_entry(r),
            ));
        }
        report_all(
            cx,
            found,
            "remove the bit in the final stage (`chmod a-s FILE`) unless the image needs it",
            "setuid/setgid files",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI007",
            &[
                "layer\nfile /usr/local/bin/backup 4755\n",
                "layer\nfile /opt/tool 2755 gid=42\n",
                "layer\nfile /usr/bin/pkexec 4755\n",
                "layer\nfile /tmp/su 4755\n",
                "layer\nfile /opt/tool 4755\nlayer\nhardlink /usr/bin/passwd /opt/tool 4755\n",
                "layer\nfile /opt/tool 0755\nlayer\nhardlink /usr/local/bin/tool /opt/tool 4755\n",
            ],
        );
        let d = one(
            "SI007",
            "layer\nfile /opt/tool 0755\nlayer\nhardlink /usr/bin/passwd /opt/tool 4755\n",
        );
        assert!(
            d.message.contains("hardlink to `/opt/tool`"),
            "{}",
            d.message
        );
        assert_eq!(d.location.unwrap().layer.unwrap().index, 1);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI007",
            &[
                "layer\nfile /bin/su 4755\nfile /usr/bin/passwd 4755\nfile /usr/bin/chage 2755\nfile /usr/lib/openssh/ssh-keysign 4755\n",
                "layer\nfile /usr/bin/passwd 4755\nhardlink /usr/local/bin/chpw /usr/bin/passwd 4755\n",
                "layer\ndir /var/mail 2775\nfile /usr/bin/app 0755\n",
                "layer\nfile /opt/tool 4755\nlayer\ndelete /opt/tool\n",
                "layer\nfile /opt/tool 4755\nlayer\nfile /opt/tool 0755\n",
            ],
        );
    }
}

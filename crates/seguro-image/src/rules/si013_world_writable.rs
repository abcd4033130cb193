//! SI013: world-writable files and directories (without the sticky bit) in the final
//! filesystem.

use crate::check::{ImageChecker, absolute, is_under};
use crate::model::EntryKind;
use crate::rules::{Check, report_all};

declare_image_rule! {
    /// ## What it does
    /// Finds regular files and directories of the final filesystem that anyone may write
    /// (mode `o+w`); directories with the sticky bit (`1777`, where users cannot delete
    /// each other's files) are not reported. Symlinks (always `0777`), devices and
    /// FIFOs are not judged, nor anything under `/tmp`, `/var/tmp`, `/dev/shm` and
    /// `/run/lock`, nor `/proc` and `/sys`.
    ///
    /// ## Why it matters
    /// Inside the container every user, including the unprivileged one the image runs
    /// as, can change a world-writable program, configuration or library, or swap files
    /// in a world-writable directory: a compromised process gains persistence and can
    /// tamper with what root runs later. `chmod 777` is the usual shortcut when a
    /// permission error appears; give the directory to the runtime user instead.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c chmod -R 777 /app # buildkit
    /// dir /app 0777
    /// file /app/server.js 0666
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c chown -R app:app /app # buildkit
    /// dir /app 0755 uid=1000
    /// file /app/server.js 0644 uid=1000
    /// dir /tmp 1777
    /// ```
    ///
    /// ## Fix
    /// None: `chown` the paths to the runtime user and drop the `o+w` bit.
    ///
    /// ## Aliases
    /// world-writable
    ///
    /// ## References
    /// CWE-732; chapter 3.1.2.
    pub struct WorldWritable {
        code: "SI013",
        name: "image-world-writable",
        severity: Warning,
        section: "3.1.2",
        aliases: ["world-writable"],
        fixable: None,
    }
}

/// Directories whose world-writable contents are expected.
const SCRATCH_DIRS: &[&str] = &[
    "tmp", "var/tmp", "dev/shm", "run/lock", "var/lock", "proc", "sys",
];

impl Check for WorldWritable {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (r, e) in cx.view.entries() {
            let kind = match e.kind {
                EntryKind::File | EntryKind::Hardlink => "file",
                EntryKind::Dir => "directory",
                _ => continue,
            };
            if e.mode & 0o002 == 0 || (e.kind == EntryKind::Dir && e.mode & 0o1000 != 0) {
                continue;
            }
            if SCRATCH_DIRS.iter().any(|d| is_under(&e.path, d)) {
                continue;
            }
            found.push((
                format!(
                    "{kind} `{}` is world-writable (mode {:04o}): any user in the container can change it",
                    absolute(&e.path),
                    e.mode & 0o7777
                ),
                cx.at_entry(r),
            ));
        }
        report_all(
            cx,
            found,
            "give the path to the user that needs to write it (`chown`) and remove `o+w`; \
             a shared directory needs the sticky bit (`chmod 1777`)",
            "world-writable paths",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fire, quiet};

    #[test]
    fn fires() {
        fire(
            "SI013",
            &[
                "layer\ndir /app 0777\n",
                "layer\nfile /etc/app.conf 0666\n",
                "layer\nfile /usr/local/bin/run 0777\n",
                "layer\ndir /app 0755\nlayer\ndir /app 0757\n",
            ],
        );
    }

    #[test]
    fn caps_the_number_of_findings() {
        let desc: String = std::iter::once("layer\n".to_string())
            .chain((0..40).map(|i| format!("file /app/f{i:02} 0666\n")))
            .collect();
        let found = check("SI013", &desc);
        assert_eq!(found.len(), 26);
        assert!(
            found[25].message.contains("and 14 more"),
            "{}",
            found[25].message
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI013",
            &[
                "layer\ndir /tmp 1777\ndir /var/tmp 1777\nfile /tmp/x 0666\ndir /tmp/d 0777\n",
                "layer\ndir /shared 1777\n",
                "layer\nsymlink /app/link /etc/passwd\n",
                "layer\ndir /app 0777\nlayer\ndir /app 0755\n",
                "layer\nfile /app/x 0666\nlayer\ndelete /app/x\n",
                "layer\nfile /etc/app.conf 0664\n",
            ],
        );
    }
}

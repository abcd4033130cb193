//! SI017: two accounts sharing a UID in `/etc/passwd`, or two groups sharing a GID in
//! `/etc/group`.

use crate::check::ImageChecker;
use crate::rules::Check;
use std::collections::BTreeMap;

declare_image_rule! {
    /// ## What it does
    /// Reads `/etc/passwd` and `/etc/group` of the final filesystem (symlinks and
    /// hardlinks followed) and reports each UID held by several user names and each GID
    /// held by several group names. Lines that are too short or whose ID is not a number
    /// are skipped (dockle panics on them).
    ///
    /// ## Why it matters
    /// The kernel only knows numbers: two names with one UID are one identity, so a
    /// second account with UID 0 is a hidden root, and files "owned by" one user belong
    /// to the other. It usually comes from a `useradd -o`, or from appending to
    /// `/etc/passwd` by hand.
    ///
    /// ## Example
    /// ```text
    /// layer
    /// file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\nadmin:x:0:0::/home/admin:/bin/sh\n"
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer
    /// file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\nadmin:x:1000:1000::/home/admin:/bin/sh\n"
    /// ```
    ///
    /// ## Fix
    /// None: give each account its own ID (`useradd` without `-o`).
    ///
    /// ## Aliases
    /// DKL-LI-0002
    ///
    /// ## References
    /// CWE-286; chapter 3.1.2.
    pub struct DuplicateUidGid {
        code: "SI017",
        name: "duplicate-uid-gid",
        severity: Warning,
        section: "3.1.2",
        aliases: ["DKL-LI-0002"],
        fixable: None,
    }
}

/// `id → names`, for ids held by more than one name.
fn duplicates<'a>(items: impl Iterator<Item = (Option<u64>, &'a str)>) -> Vec<(u64, Vec<&'a str>)> {
    let mut by_id: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
    for (id, name) in items {
        if let Some(id) = id {
            let names = by_id.entry(id).or_default();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    by_id.into_iter().filter(|(_, n)| n.len() > 1).collect()
}

impl Check for DuplicateUidGid {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let acc = cx.accounts;
        let mut found = Vec::new();
        if let Some(r) = acc.passwd.entry {
            for (uid, names) in
                duplicates(acc.passwd.lines.iter().map(|u| (u.uid, u.name.as_str())))
            {
                let root = if uid == 0 {
                    " (all of them are root)"
                } else {
                    ""
                };
                found.push((
                    r,
                    "/etc/passwd",
                    format!("UID {uid} is shared by users {}{root}", list(&names)),
                ));
            }
        }
        if let Some(r) = acc.group.entry {
            for (gid, names) in duplicates(acc.group.lines.iter().map(|g| (g.gid, g.name.as_str())))
            {
                found.push((
                    r,
                    "/etc/group",
                    format!("GID {gid} is shared by groups {}", list(&names)),
                ));
            }
        }
        for (r, path, message) in found {
            let mut at = cx.at_entry(r);
            at.path = Some(path.into());
            cx.report(format!("{message} in {path}"), at)
                .set_help("give every account and group its own ID");
        }
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI017",
            &[
                "layer\nfile /etc/passwd 0644 \"root:x:0:0::/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\n\"\n",
                "layer\nfile /etc/group 0644 \"staff:x:50:\\nwheel:x:50:\\n\"\n",
            ],
        );
        let d = one(
            "SI017",
            "layer\nfile /etc/passwd 0644 \"root:x:0:0::/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\n\"\n",
        );
        assert!(
            d.message.contains("`root`, `toor`") && d.message.contains("root)"),
            "{}",
            d.message
        );
    }

    #[test]
    fn short_lines_do_not_panic() {
        let found = check(
            "SI017",
            "layer\nfile /etc/passwd 0644 \"root\\nx:y\\na:x:\\nb:x:zz\\nc:x:5\\nd:x:5\\n\"\nfile /etc/group 0644 \"g\\n:\\nh:x\\n\"\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("UID 5"));
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI017",
            &[
                "layer\nfile /etc/passwd 0644 \"root:x:0:0::/root:/bin/sh\\napp:x:1000:1000::/:/bin/sh\\n\"\n",
                "layer\nfile /etc/group 0644 \"root:x:0:\\napp:x:1000:\\n\"\n",
                "layer\nfile /etc/passwd 0644 \"a:x:1:1::/:/bin/sh\\na:x:1:1::/:/bin/sh\\n\"\n",
                "",
            ],
        );
    }
}

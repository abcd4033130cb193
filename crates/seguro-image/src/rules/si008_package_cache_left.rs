//! SI008: package-manager indexes and caches left in the final filesystem.

use crate::check::{ImageChecker, absolute, is_under};
use crate::model::{EntryKind, EntryRef};
use crate::rules::{Check, human_size};

declare_image_rule! {
    /// ## What it does
    /// Finds package-manager indexes and download caches in the final filesystem, one
    /// finding per cache with its file count and size.
    ///
    /// The caches:
    /// - apt: `/var/lib/apt/lists/*` (not `lock`, `partial/`, `auxfiles/`),
    ///   `/var/cache/apt/archives/*.deb`, `/var/cache/apt/*.bin`;
    /// - apk: `/var/cache/apk/*`, `/etc/apk/cache/*`;
    /// - yum/dnf/zypper: `/var/cache/yum/`, `/var/cache/dnf/`, `/var/cache/libdnf5/`,
    ///   `/var/cache/zypp/`;
    /// - pip: `.cache/pip/` in `/root` or any home under `/home`;
    /// - npm: `.npm/_cacache/` there; yarn: `.cache/yarn/`, `/usr/local/share/.cache/yarn/`.
    ///
    /// Empty directories and lock files are not reported.
    ///
    /// ## Why it matters
    /// Caches make the image bigger for nothing (apt lists alone are 20–50 MB), and the
    /// package index records exactly what could be installed at build time, which helps an
    /// attacker inside the container install tools. Clean in the same RUN that installs,
    /// or use a cache mount (`RUN --mount=type=cache,target=/var/cache/apt`).
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit
    /// file /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4 0644 size=90K
    /// file /var/lib/apt/lists/lock 0640
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # buildkit
    /// dir /var/lib/apt/lists 0755
    /// file /var/lib/apt/lists/lock 0640
    /// ```
    ///
    /// ## Fix
    /// None: remove the cache in the RUN that fills it (`rm -rf /var/lib/apt/lists/*`,
    /// `apk add --no-cache`, `pip install --no-cache-dir`, `npm cache clean --force`), or
    /// use a cache mount.
    ///
    /// ## Aliases
    /// DKL-DI-0005, DKL-DI-0004, package-cache-left
    ///
    /// ## References
    /// Chapter 3.1.1.
    pub struct PackageCacheLeft {
        code: "SI008",
        name: "image-package-cache-left",
        severity: Info,
        section: "3.1.1",
        aliases: ["DKL-DI-0005", "DKL-DI-0004", "package-cache-left"],
        fixable: None,
    }
}

/// Which cache a path of the merged view belongs to, and that cache's directory.
fn cache_of(path: &str) -> Option<(&'static str, String)> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(rest) = path.strip_prefix("var/lib/apt/lists/") {
        let first = rest.split('/').next().unwrap_or("");
        if matches!(first, "lock" | "partial" | "auxfiles") {
            return None;
        }
        return Some(("the apt package lists", "var/lib/apt/lists".into()));
    }
    if is_under(path, "var/cache/apt") {
        if name == "lock" || path.contains("/partial/") {
            return None;
        }
        if name.ends_with(".deb") || name.ends_with(".bin") {
            return Some(("the apt download cache", "var/cache/apt".into()));
        }
        return None;
    }
    for (dir, what) in [
        ("var/cache/apk", "the apk cache"),
        ("etc/apk/cache", "the apk cache"),
        ("var/cache/yum", "the yum cache"),
        ("var/cache/dnf", "the dnf cache"),
        ("var/cache/libdnf5", "the dnf cache"),
        ("var/cache/zypp", "the zypper cache"),
        ("usr/local/share/.cache/yarn", "the yarn cache"),
    ] {
        if is_under(path, dir) && path != dir {
            return (!name.ends_with(".lock") && name != "lock").then(|| (what, dir.to_string()));
        }
    }
    // Per-user caches: root/… or home/<user>/…
    let (home, rest) = if let Some(rest) = path.strip_prefix("root/") {
        ("root".to_string(), rest)
    } else if let Some(rest) = path.strip_prefix("home/") {
        let (user, rest) = rest.split_once('/')?;
        (format!("home/{user}"), rest)
    } else {
        return None;
    };
    for (dir, what) in [
        (".cache/pip", "the pip cache"),
        (".npm/_cacache", "the npm cache"),
        (".cache/yarn", "the yarn cache"),
    ] {
        if is_under(rest, dir) && rest != dir {
            return Some((what, format!("{home}/{dir}")));
        }
    }
    None
}

impl Check for PackageCacheLeft {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        // cache dir → (what, files, bytes, biggest file)
        let mut caches: Vec<(String, &'static str, usize, u64, EntryRef, u64)> = Vec::new();
        for (r, e) in cx.view.entries() {
            if e.kind != EntryKind::File {
                continue;
            }
            let Some((what, dir)) = cache_of(&e.path) else {
                continue;
            };
            match caches.iter_mut().find(|c| c.0 == dir) {
                Some(c) => {
                    c.2 += 1;
                    c.3 += e.size;
                    if e.size > c.5 {
                        c.4 = r;
                        c.5 = e.size;
                    }
                }
                None => caches.push((dir, what, 1, e.size, r, e.size)),
            }
        }
        for (dir, what, files, bytes, biggest, _) in caches {
            let mut at = cx.at_entry(biggest);
            at.path = Some(absolute(&dir));
            cx.report(
                format!(
                    "{what} is left in the image: {files} file{} ({}) under `{}`",
                    if files == 1 { "" } else { "s" },
                    human_size(bytes),
                    absolute(&dir)
                ),
                at,
            )
            .set_help("clean the cache in the RUN that fills it, or use `RUN --mount=type=cache`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI008",
            &[
                "layer\nfile /var/lib/apt/lists/x_Packages size=3M\n",
                "layer\nfile /var/cache/apt/archives/curl_8.deb size=300K\n",
                "layer\nfile /var/cache/apk/APKINDEX.1.tar.gz size=600K\n",
                "layer\nfile /var/cache/dnf/repo/packages/x.rpm\n",
                "layer\nfile /root/.cache/pip/http/a/b size=1M\n",
                "layer\nfile /home/app/.npm/_cacache/index-v5/x\n",
            ],
        );
        let d = one(
            "SI008",
            "layer\nfile /var/lib/apt/lists/a_Packages size=2M\nfile /var/lib/apt/lists/b_Packages size=1M\nfile /var/lib/apt/lists/lock\n",
        );
        assert!(d.message.contains("2 files (3.0 MiB)"), "{}", d.message);
        assert_eq!(
            d.location.unwrap().path.as_deref(),
            Some("/var/lib/apt/lists")
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI008",
            &[
                "layer\ndir /var/lib/apt/lists\nfile /var/lib/apt/lists/lock\ndir /var/lib/apt/lists/partial\n",
                "layer\nfile /var/lib/apt/lists/x_Packages size=3M\nlayer\ndelete /var/lib/apt/lists/x_Packages\n",
                "layer\nfile /var/cache/apt/archives/lock\nfile /var/cache/debconf/config.dat\n",
                "layer\nfile /root/.cache/other/x\nfile /home/app/.npmrc\n",
            ],
        );
    }
}

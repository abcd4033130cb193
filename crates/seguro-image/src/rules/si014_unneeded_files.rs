//! SI014: files from the developer's checkout that an image does not need (`.git`,
//! Dockerfiles, compose files, editor folders).

use crate::check::{ImageChecker, absolute, is_under};
use crate::model::EntryKind;
use crate::rules::{Check, report_all};

declare_image_rule! {
    /// ## What it does
    /// Finds, in the final filesystem, files copied from a developer's checkout that an
    /// image does not need.
    ///
    /// They are:
    /// - version control: `.git` (directory, or the file of a worktree), `.svn`, `.hg`;
    /// - build files: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`,
    ///   `.dockerignore`, `docker-compose*.yml`/`.yaml`, `compose.yml`/`.yaml`;
    /// - editor and OS leftovers: `.vscode`, `.idea`, `.DS_Store`, `Thumbs.db`.
    ///
    /// A directory is reported once, not file by file. Paths under `node_modules`,
    /// `vendor`, `site-packages` and `dist-packages` are skipped: packages ship their own
    /// files. Secret files such as `.env` are SI006's.
    ///
    /// ## Why it matters
    /// `.git` holds the whole history of the code, including files deleted long ago
    /// (credentials committed once), and tells an attacker exactly which commit runs.
    /// Build and editor files make the image bigger and reveal internal paths, hosts and
    /// build arguments. A `.dockerignore` keeps them out of the build context.
    ///
    /// ## Example
    /// ```text
    /// layer COPY . /app # buildkit
    /// dir /app/.git 0755
    /// file /app/.git/config 0644
    /// file /app/Dockerfile 0644
    /// file /app/server.js 0644
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer COPY . /app # buildkit
    /// file /app/server.js 0644
    /// file /app/node_modules/left-pad/.DS_Store 0644
    /// ```
    ///
    /// ## Fix
    /// None: add the names to `.dockerignore` (`seguro context --suggest-dockerignore`
    /// writes one) and rebuild.
    ///
    /// ## Aliases
    /// DKL-LI-0003
    ///
    /// ## References
    /// CWE-538; chapter 3.2.4.
    pub struct UnneededFiles {
        code: "SI014",
        name: "unneeded-files",
        severity: Info,
        section: "3.2.4",
        aliases: ["DKL-LI-0003"],
        fixable: None,
    }
}

/// Directories whose contents belong to third-party packages.
const PACKAGE_DIRS: &[&str] = &["node_modules", "vendor", "site-packages", "dist-packages"];

/// What the last component `name` is, if it is unneeded.
fn unneeded(name: &str, is_dir: bool) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        ".git" | ".svn" | ".hg" => "version-control data",
        ".vscode" | ".idea" if is_dir => "editor settings",
        ".ds_store" | "thumbs.db" if !is_dir => "an OS leftover",
        ".dockerignore" | "containerfile" | "dockerfile" if !is_dir => "a build file",
        _ if is_dir => return None,
        n if n.starts_with("dockerfile.") || n.ends_with(".dockerfile") => "a build file",
        n if (n.starts_with("docker-compose") || n.starts_with("compose"))
            && (n.ends_with(".yml") || n.ends_with(".yaml")) =>
        {
            "a compose file"
        }
        _ => return None,
    })
}

impl Check for UnneededFiles {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        let mut reported: Option<String> = None;
        for (r, e) in cx.view.entries() {
            if reported.as_deref().is_some_and(|d| is_under(&e.path, d)) {
                continue;
            }
            if e.path.split('/').any(|c| PACKAGE_DIRS.contains(&c)) {
                continue;
            }
            let is_dir = e.kind == EntryKind::Dir;
            let Some(what) = unneeded(e.file_name(), is_dir) else {
                continue;
            };
            found.push((
                format!(
                    "`{}` is {what}{}: the image does not need it",
                    absolute(&e.path),
                    if is_dir { " (a directory)" } else { "" }
                ),
                cx.at_entry(r),
            ));
            reported = Some(e.path.clone());
        }
        report_all(
            cx,
            found,
            "keep it out of the build context with `.dockerignore` (see `seguro context \
             --suggest-dockerignore`)",
            "unneeded paths",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fire, quiet};

    #[test]
    fn fires() {
        fire(
            "SI014",
            &[
                "layer\ndir /app/.git\nfile /app/.git/HEAD\n",
                "layer\nfile /app/.git\n",
                "layer\nfile /src/Dockerfile\n",
                "layer\nfile /src/Dockerfile.prod\nfile /src/api.Dockerfile\n",
                "layer\nfile /src/docker-compose.override.yml\n",
                "layer\nfile /src/compose.yaml\n",
                "layer\ndir /src/.vscode\n",
                "layer\nfile /src/.DS_Store\n",
            ],
        );
    }

    #[test]
    fn a_directory_is_reported_once() {
        let found = check(
            "SI014",
            "layer\ndir /app/.git\nfile /app/.git/HEAD\ndir /app/.git/objects\nfile /app/.git/objects/ab\nfile /app/.git/Dockerfile\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].location.as_ref().unwrap().path.as_deref(),
            Some("/app/.git")
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI014",
            &[
                "layer\nfile /app/node_modules/x/.DS_Store\ndir /app/vendor/y/.git\n",
                "layer\nfile /usr/lib/python3/dist-packages/z/Dockerfile\n",
                "layer\nfile /app/.gitkeep\nfile /app/compose.json\nfile /app/.idea\n",
                "layer\ndir /app/.git\nlayer\ndelete /app/.git\n",
            ],
        );
    }
}

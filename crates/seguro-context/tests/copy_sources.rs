//! COPY/ADD source resolution against real contexts.

mod common;

use common::{Tree, walk_tree};
use seguro_context::{ContextFiles, SourceError, resolve_sources, walk};

fn taken(files: &ContextFiles, sources: &[&str], excludes: &[&str], parents: bool) -> Vec<String> {
    let r = resolve_sources(files, sources, excludes, parents);
    assert_eq!(r.error(), None, "{sources:?}");
    r.files().into_iter().map(str::to_string).collect()
}

fn app() -> Tree {
    let t = Tree::new("copy");
    t.file("Dockerfile", "FROM scratch\n")
        .file("package.json", "{}")
        .file("tsconfig.json", "{}")
        .file("README.md", "")
        .file("src/index.ts", "")
        .file("src/lib/util.ts", "")
        .file("src/lib/util.test.ts", "")
        .file("docs/guide.md", "")
        .file("config/app.json", "");
    t
}

#[test]
fn whole_context() {
    let t = app();
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    let all: Vec<String> = files.files.iter().map(|f| f.path.clone()).collect();
    for src in [".", "./", "..", "/", "./."] {
        assert_eq!(taken(&files, &[src], &[], false), all, "{src}");
    }
}

#[test]
fn directories_and_wildcards() {
    let t = app();
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    assert_eq!(
        taken(&files, &["src/"], &[], false),
        ["src/index.ts", "src/lib/util.test.ts", "src/lib/util.ts"]
    );
    // `*` does not cross `/`: config/app.json is not taken.
    assert_eq!(
        taken(&files, &["*.json"], &[], false),
        ["package.json", "tsconfig.json"]
    );
    // A matched directory brings everything below it.
    assert_eq!(
        taken(&files, &["s*"], &[], false),
        ["src/index.ts", "src/lib/util.test.ts", "src/lib/util.ts"]
    );
    assert_eq!(
        taken(&files, &["src/*/util.ts"], &[], false),
        ["src/lib/util.ts"]
    );
    assert_eq!(
        taken(&files, &["*/*.json"], &[], false),
        ["config/app.json"]
    );
    // A wildcard matching nothing is not an error in BuildKit.
    let r = resolve_sources(&files, &["*.lock"], &[] as &[&str], false);
    assert_eq!(r.error(), None);
    assert!(r.sources[0].files.is_empty());
    assert!(r.sources[0].wildcard);
    // A class.
    assert_eq!(
        taken(&files, &["[pt]*.json"], &[], false),
        ["package.json", "tsconfig.json"]
    );
}

#[test]
fn missing_sources_fail() {
    let t = app();
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    let r = resolve_sources(
        &files,
        &["missing.txt", "package.json"],
        &[] as &[&str],
        false,
    );
    assert_eq!(
        r.sources[0].error,
        Some(SourceError::NotFound {
            path: "missing.txt".into()
        })
    );
    assert_eq!(r.sources[1].files, ["package.json"]);
    // The directory before the wildcard must exist.
    let r = resolve_sources(&files, &["fixtures/*.sh"], &[] as &[&str], false);
    assert_eq!(
        r.sources[0].error,
        Some(SourceError::WildcardBaseNotFound {
            base: "fixtures".into()
        })
    );
    // ...unless it is itself a wildcard.
    let r = resolve_sources(&files, &["fixture[s]/*.sh"], &[] as &[&str], false);
    assert_eq!(r.error(), None);
    // An escaped star is not a wildcard: the backslash stays in the path looked for.
    let r = resolve_sources(&files, &["src\\*"], &[] as &[&str], false);
    assert_eq!(
        r.sources[0].error,
        Some(SourceError::NotFound {
            path: "src\\*".into()
        })
    );
    assert!(!r.sources[0].wildcard);
}

#[test]
fn ignored_sources() {
    let t = app();
    t.file(".env", "SECRET=1")
        .file("fixtures/a.sh", "")
        .ignore(".env\nfixtures\n*.md\n");
    let files = walk_tree(&t);
    let r = resolve_sources(
        &files,
        &[".env", "fixtures/*.sh", "README.md", "src", "gone.txt"],
        &[] as &[&str],
        false,
    );
    let s = &r.sources;
    assert!(s[0].dockerignore.excluded_by_dockerignore && s[0].error.is_some());
    assert!(s[0].dockerignore.lint_copy_ignored_file);
    assert!(s[1].dockerignore.excluded_by_dockerignore);
    assert_eq!(
        s[1].error,
        Some(SourceError::WildcardBaseNotFound {
            base: "fixtures".into()
        })
    );
    // BuildKit's lint takes the source text as a path: `fixtures/*.sh` is below `fixtures`.
    assert!(s[1].dockerignore.lint_copy_ignored_file);
    assert!(s[2].dockerignore.excluded_by_dockerignore);
    assert!(!s[3].dockerignore.excluded_by_dockerignore && s[3].error.is_none());
    // Missing on disk too: not an ignore problem.
    assert!(!s[4].dockerignore.excluded_by_dockerignore && s[4].error.is_some());

    // With an exception in the file, BuildKit's lint stays silent; the failure is real.
    t.ignore(".env\n!src\n");
    let files = walk_tree(&t);
    let r = resolve_sources(&files, &[".env"], &[] as &[&str], false);
    assert!(r.sources[0].dockerignore.excluded_by_dockerignore);
    assert!(!r.sources[0].dockerignore.lint_copy_ignored_file);
}

/// BuildKit's `testExcludedFilesOnCopy` (frontend/dockerfile), on the same tree.
#[test]
fn exclude_flag_as_buildkit_tests_it() {
    let t = Tree::new("exclude");
    for (p, c) in [
        ("dir1/file-101.png", "2"),
        ("dir1/file-102.txt", "3"),
        ("dir1/file-103.jpeg", "4"),
        ("dir2/file-201.pdf", "6"),
        ("dir2/file-202.jpeg", "7"),
        ("dir2/file-203.png", "8"),
        ("dir3/file-301.mp3", "9"),
        ("dir3/file-302.mpeg", "10"),
    ] {
        t.file(p, c);
    }
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    assert_eq!(
        taken(&files, &["."], &["*/*.png", "*/*.jpeg"], false),
        [
            "dir1/file-102.txt",
            "dir2/file-201.pdf",
            "dir3/file-301.mp3",
            "dir3/file-302.mpeg"
        ]
    );
    assert_eq!(
        taken(&files, &["."], &["*/*.pdf", "*/*.txt"], false),
        [
            "dir1/file-101.png",
            "dir1/file-103.jpeg",
            "dir2/file-202.jpeg",
            "dir2/file-203.png",
            "dir3/file-301.mp3",
            "dir3/file-302.mpeg"
        ]
    );
    assert_eq!(
        taken(&files, &["dir3/"], &["*.mp3"], false),
        ["dir3/file-302.mpeg"]
    );
    assert_eq!(
        taken(
            &files,
            &["dir*"],
            &["*.mp3", "*.jpeg", "*.png", "*.pdf", "*.txt"],
            false
        ),
        ["dir3/file-302.mpeg"]
    );
    assert_eq!(
        taken(
            &files,
            &["dir*"],
            &["*.mp*", "*.jpeg", "*.png", "*.pdf"],
            false
        ),
        ["dir1/file-102.txt"]
    );
    assert!(taken(&files, &["dir*"], &["*"], false).is_empty());
    // Exclusions apply below what a source takes, never to the source itself.
    assert_eq!(
        taken(&files, &["dir1/file-101.png"], &["*.png"], false),
        ["dir1/file-101.png"]
    );
    // A bad pattern is an error.
    let r = resolve_sources(&files, &["."], &["!"], false);
    assert!(matches!(r.error(), Some(SourceError::Pattern(_))));
}

#[test]
fn symlink_sources_are_followed() {
    let t = Tree::new("copy-links");
    t.file("real/a.txt", "a")
        .file("real/sub/b.txt", "b")
        .symlink("real/sub/inner-link", "../a.txt")
        .symlink("linkdir", "real")
        .symlink("linkfile", "real/a.txt")
        .symlink("abs", "/real/a.txt")
        .symlink("dangling", "nowhere")
        .symlink("escape", "../../../../etc/passwd");
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    // The link is followed; links below are copied as links.
    assert_eq!(
        taken(&files, &["linkdir"], &[], false),
        ["real/a.txt", "real/sub/b.txt", "real/sub/inner-link"]
    );
    assert_eq!(
        taken(&files, &["linkdir/sub/*.txt"], &[], false),
        ["real/sub/b.txt"]
    );
    assert_eq!(taken(&files, &["linkfile"], &[], false), ["real/a.txt"]);
    // Absolute targets are read from the context root.
    assert_eq!(taken(&files, &["abs"], &[], false), ["real/a.txt"]);
    let r = resolve_sources(&files, &["dangling", "escape", "d*"], &[] as &[&str], false);
    assert_eq!(
        r.sources[0].error,
        Some(SourceError::DanglingSymlink {
            path: "dangling".into()
        })
    );
    // `..` stops at the context root: /etc/passwd of the context, which is not there.
    assert_eq!(
        r.sources[1].error,
        Some(SourceError::DanglingSymlink {
            path: "escape".into()
        })
    );
    assert_eq!(
        r.sources[2].error,
        Some(SourceError::DanglingSymlink {
            path: "dangling".into()
        })
    );
    // Copying the whole context never follows links.
    assert!(taken(&files, &["."], &[], false).contains(&"dangling".to_string()));
}

#[test]
fn parents_flag() {
    let t = app();
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    assert_eq!(
        taken(&files, &["src/lib/*.ts"], &[], true),
        ["src/lib/util.test.ts", "src/lib/util.ts"]
    );
    assert_eq!(
        taken(&files, &["src/./lib/*.ts"], &[], true),
        ["src/lib/util.test.ts", "src/lib/util.ts"]
    );
    assert_eq!(
        taken(&files, &["**/*.json"], &[], true),
        ["config/app.json", "package.json", "tsconfig.json"]
    );
    // Exclusions are relative to the copy root (`src`): `*.test.ts` does not reach lib/.
    assert_eq!(
        taken(&files, &["src/./lib"], &["*.test.ts"], true),
        ["src/lib/util.test.ts", "src/lib/util.ts"]
    );
    assert_eq!(
        taken(&files, &["src/./lib"], &["lib/*.test.ts"], true),
        ["src/lib/util.ts"]
    );
}

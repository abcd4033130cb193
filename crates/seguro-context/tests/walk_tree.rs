//! The context walk on real trees: what BuildKit sends.

mod common;

use common::{Tree, sent, walk_tree};
use seguro_context::{FileKind, ProblemKind, clean_then_matches, walk};

#[test]
fn secrets_at_several_depths() {
    let t = Tree::new("secrets");
    t.file("Dockerfile", "FROM scratch\n")
        .file(".env", "A=1")
        .file("app/.env", "B=2")
        .file("app/deep/er/.env", "C=3")
        .file("app/main.py", "print()")
        .file("keys/id_rsa", "-----BEGIN")
        .file("keys/id_rsa.pub", "ssh-rsa");

    // Docker patterns are anchored at the root: `.env` is only the top-level one.
    t.ignore(".env\n");
    let files = walk_tree(&t);
    assert_eq!(
        sent(&files),
        [
            ".dockerignore",
            "Dockerfile",
            "app/.env",
            "app/deep/er/.env",
            "app/main.py",
            "keys/id_rsa",
            "keys/id_rsa.pub"
        ]
    );

    t.ignore("**/.env\nkeys/id_*\n!keys/*.pub\n");
    let files = walk_tree(&t);
    assert_eq!(
        sent(&files),
        [
            ".dockerignore",
            "Dockerfile",
            "app/main.py",
            "keys/id_rsa.pub"
        ]
    );
    assert_eq!(files.excluded_entries, 4);
}

#[test]
fn exceptions_re_include() {
    let t = Tree::new("except");
    t.file("Dockerfile", "")
        .file("README.md", "")
        .file("CHANGELOG.md", "")
        .file("docs/keep.md", "")
        .file("docs/other.md", "")
        .file("docs/img/logo.png", "");
    t.ignore("*.md\n!README.md\ndocs\n!docs/keep.md\n");
    let files = walk_tree(&t);
    assert_eq!(
        sent(&files),
        [".dockerignore", "Dockerfile", "README.md", "docs/keep.md"]
    );
    // The excluded directory is sent because something below it is; docs/img is not.
    assert_eq!(files.dirs, ["docs"]);
    assert!(files.pruned.contains(&"docs/img".to_string()));
}

#[test]
fn exception_re_includes_a_secret() {
    let t = Tree::new("secret-back");
    t.file("Dockerfile", "")
        .file("secrets/dev.key", "k")
        .file("secrets/prod.key", "k")
        .file("secrets/notes.txt", "");
    t.ignore("secrets/\n!secrets/prod.key\n");
    let files = walk_tree(&t);
    assert_eq!(
        sent(&files),
        [".dockerignore", "Dockerfile", "secrets/prod.key"]
    );
    assert_eq!(files.is_excluded("secrets/prod.key"), Ok(false));
    assert_eq!(files.is_excluded("secrets/dev.key"), Ok(true));
}

#[test]
fn per_dockerfile_ignore_file() {
    let t = Tree::new("per-df");
    t.file("docker/app.Dockerfile", "FROM scratch\n")
        .file("docker/app.Dockerfile.dockerignore", "secret.txt\n")
        .file("docker/web.Dockerfile", "FROM scratch\n")
        .file("secret.txt", "s")
        .file("public.txt", "p")
        .ignore("public.txt\n");

    let app = t.path("docker/app.Dockerfile");
    assert_eq!(
        seguro_context::dockerignore_for(&t.root, &app),
        Some(t.path("docker/app.Dockerfile.dockerignore"))
    );
    let (_, files) = seguro_context::walk_for_dockerfile(&t.root, &app).expect("walk");
    assert!(sent(&files).contains(&"public.txt"));
    assert!(!sent(&files).contains(&"secret.txt"));

    // Without its own ignore file, a Dockerfile uses the context's.
    let web = t.path("docker/web.Dockerfile");
    assert_eq!(
        seguro_context::dockerignore_for(&t.root, &web),
        Some(t.path(".dockerignore"))
    );
    let (_, files) = seguro_context::walk_for_dockerfile(&t.root, &web).expect("walk");
    assert!(sent(&files).contains(&"secret.txt"));
    assert!(!sent(&files).contains(&"public.txt"));

    // A directory named like an ignore file is not one.
    let t2 = Tree::new("per-df-dir");
    t2.file("Dockerfile", "").dir(".dockerignore");
    assert_eq!(
        seguro_context::dockerignore_for(&t2.root, &t2.path("Dockerfile")),
        None
    );
}

#[test]
fn symlinks_are_sent_as_links() {
    let t = Tree::new("links");
    t.file("Dockerfile", "")
        .file("real/file.txt", "hello")
        .file("real/sub/deep.txt", "deep")
        .symlink("to-file", "real/file.txt")
        .symlink("to-dir", "real")
        .symlink("dangling", "does/not/exist")
        .symlink("outside-abs", "/etc/passwd")
        .symlink("outside-rel", "../../outside");
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    assert_eq!(
        sent(&files),
        [
            "Dockerfile",
            "dangling",
            "outside-abs",
            "outside-rel",
            "real/file.txt",
            "real/sub/deep.txt",
            "to-dir",
            "to-file"
        ]
    );
    let link = files.get("to-dir").expect("to-dir");
    assert_eq!(link.kind, FileKind::Symlink);
    assert_eq!(link.link_target.as_deref(), Some("real"));
    assert_eq!(link.size, 0);
    assert_eq!(
        files
            .get("outside-abs")
            .and_then(|f| f.link_target.as_deref()),
        Some("/etc/passwd")
    );
    assert_eq!(
        files.get("real/file.txt").map(|f| (f.kind, f.size)),
        Some((FileKind::File, 5))
    );
    assert_eq!(files.total_bytes(), 9);
    // A link to a directory is not a directory: patterns for its "contents" never apply.
    let files = walk(&t.root, &["to-dir/**"]).expect("walk");
    assert!(sent(&files).contains(&"to-dir"));
    let files = walk(&t.root, &["to-dir"]).expect("walk");
    assert!(!sent(&files).contains(&"to-dir"));
}

/// chmod 000 does not stop root; skip what only an unprivileged user sees.
fn privileged(t: &Tree, rel: &str) -> bool {
    std::fs::File::open(t.path(rel)).is_ok()
}

#[test]
fn unreadable_entries_are_problems() {
    let t = Tree::new("unreadable");
    t.file("Dockerfile", "")
        .file("locked.txt", "x")
        .file("open.txt", "y")
        .file("private/a.txt", "")
        .file("cache/a.txt", "")
        .file("logs/keep.log", "")
        .chmod("locked.txt", 0o000)
        .chmod("private", 0o000)
        .chmod("cache", 0o000)
        .chmod("logs", 0o000);
    let root_user = privileged(&t, "locked.txt");
    // cache and logs are excluded but must be walked (a glob exception turns pruning
    // off), and BuildKit ignores the permission error there.
    let files = walk(&t.root, &["cache", "logs", "!**/keep.log"])
        .expect("walk never fails on unreadable entries");
    assert!(sent(&files).contains(&"open.txt"));
    assert!(
        sent(&files).contains(&"locked.txt"),
        "an unreadable file is still sent (and fails the build)"
    );
    if root_user {
        assert!(
            files.problems.is_empty(),
            "root reads everything: {:?}",
            files.problems
        );
        assert!(sent(&files).contains(&"logs/keep.log"));
        return;
    }
    let problem = |p: &str| files.problems.iter().find(|x| x.path == p);
    let locked = problem("locked.txt").expect("locked.txt reported");
    assert_eq!(
        (locked.kind, locked.fails_build),
        (ProblemKind::UnreadableFile, true)
    );
    let private = problem("private").expect("private reported");
    assert_eq!(
        (private.kind, private.fails_build),
        (ProblemKind::UnreadableDir, true)
    );
    let logs = problem("logs").expect("logs reported");
    assert!(!logs.fails_build);
    assert!(!problem("cache").expect("cache reported").fails_build);

    // With plain patterns the excluded directory is pruned and never read.
    let files = walk(&t.root, &["cache"]).expect("walk");
    assert!(
        files.problems.iter().all(|p| p.path != "cache"),
        "a pruned directory is never read"
    );
    assert!(
        files
            .problems
            .iter()
            .any(|p| p.path == "private" && p.fails_build)
    );
}

#[test]
fn names_with_spaces_and_glob_characters() {
    let t = Tree::new("names");
    t.file("Dockerfile", "")
        .file("my file.txt", "")
        .file("[abc].txt", "")
        .file("a.txt", "")
        .file("star*.txt", "")
        .file("starx.txt", "")
        .file("q?.txt", "")
        .file("qz.txt", "")
        .file("dir with space/inner file", "");
    let names = |patterns: &[&str]| {
        let files = walk(&t.root, patterns).expect("walk");
        sent(&files)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let all = names(&[]);
    assert_eq!(all.len(), 9);

    let left = names(&["my file.txt", "dir with space"]);
    assert!(!left.contains(&"my file.txt".to_string()));
    assert!(!left.contains(&"dir with space/inner file".to_string()));

    // `[abc].txt` is a class: it matches a.txt, not the file named `[abc].txt`.
    let left = names(&["[abc].txt"]);
    assert!(left.contains(&"[abc].txt".to_string()));
    assert!(!left.contains(&"a.txt".to_string()));
    // Escaped, it names the file.
    let left = names(&["\\[abc\\].txt"]);
    assert!(!left.contains(&"[abc].txt".to_string()));
    assert!(left.contains(&"a.txt".to_string()));

    let left = names(&["star\\*.txt", "q\\?.txt"]);
    assert!(!left.contains(&"star*.txt".to_string()));
    assert!(left.contains(&"starx.txt".to_string()));
    assert!(!left.contains(&"q?.txt".to_string()));
    assert!(left.contains(&"qz.txt".to_string()));

    let left = names(&["star*.txt"]);
    assert!(!left.contains(&"star*.txt".to_string()) && !left.contains(&"starx.txt".to_string()));
}

#[test]
fn parent_exclusion_is_not_undone_by_an_ancestor_exception() {
    let t = Tree::new("a-b");
    t.file("a/b/x", "").file("a/c", "").file("a/b2/y", "");
    let patterns = ["a/b", "!a"];
    // docker/cli's per-path check would send a/b/x ...
    assert_eq!(clean_then_matches("a/b/x", &patterns), Ok(false));
    // ... BuildKit does not: a/b is excluded and pruned, `!a` never looks inside.
    let files = walk(&t.root, &patterns).expect("walk");
    assert_eq!(sent(&files), ["a/b2/y", "a/c"]);
    assert_eq!(files.pruned, ["a/b"]);
    assert_eq!(files.is_excluded("a/b/x"), Ok(true));

    // With a glob exception the directory is walked, and the answer is the same.
    let files = walk(&t.root, &["a/b", "!a", "!zz*"]).expect("walk");
    assert_eq!(sent(&files), ["a/b2/y", "a/c"]);
    assert!(files.pruned.is_empty());
}

#[test]
fn double_star_patterns() {
    let t = Tree::new("dstar");
    t.file("app.log", "")
        .file("src/a.log", "")
        .file("src/deep/b.log", "")
        .file("src/main.rs", "")
        .file("dist/bundle.js", "")
        .file("dist/maps/bundle.js.map", "")
        .file("build/tmp/x.tmp", "")
        .file("x.tmp", "");
    let files = walk(&t.root, &["**/*.log", "dist/**", "**/*.tmp"]).expect("walk");
    assert_eq!(sent(&files), ["src/main.rs"]);
    // `dist/**` excludes what is below dist, not dist itself: the empty directory is sent.
    assert!(files.has_dir("dist"));
    assert!(files.has_dir("build/tmp"));
    assert_eq!(files.pruned, ["dist/maps"]);
}

#[test]
fn node_modules_is_pruned() {
    let t = Tree::new("nm");
    t.file("package.json", "{}").file("index.js", "");
    for i in 0..20 {
        t.file(
            &format!("node_modules/pkg{i}/index.js"),
            "module.exports = 1;",
        );
        t.file(&format!("node_modules/pkg{i}/lib/util.js"), "");
    }
    t.file("node_modules/keep/LICENSE", "MIT");
    let files = walk(&t.root, &["node_modules"]).expect("walk");
    assert_eq!(sent(&files), ["index.js", "package.json"]);
    assert_eq!(files.pruned, ["node_modules"]);
    assert_eq!(
        files.excluded_entries, 0,
        "nothing inside a pruned directory is looked at"
    );

    let files = walk(&t.root, &["node_modules", "!node_modules/keep/**"]).expect("walk");
    assert_eq!(
        sent(&files),
        ["index.js", "node_modules/keep/LICENSE", "package.json"]
    );
    assert_eq!(files.pruned.len(), 20);
    assert!(!files.pruned.contains(&"node_modules".to_string()));
}

#[test]
fn is_excluded_agrees_with_the_walk() {
    let t = Tree::new("agree");
    for p in [
        "a/b/c.txt",
        "a/b/d.log",
        "a/e.txt",
        "f/g/h.txt",
        "f/i.log",
        "j.txt",
        "k/l/m/n.log",
        "k/o.txt",
    ] {
        t.file(p, "");
    }
    let everything = walk(&t.root, &[] as &[&str]).expect("walk");
    for patterns in [
        vec!["a", "!a/b/*.txt"],
        vec!["**/*.log", "!k/**"],
        vec!["*", "!f", "f/g"],
        vec!["a/b", "!a"],
        vec!["k/l", "!k/l/m/n.log"],
        vec!["?/*/*", "!a/b/c.txt"],
    ] {
        let files = walk(&t.root, &patterns).expect("walk");
        for f in &everything.files {
            let is_sent = files.get(&f.path).is_some();
            assert_eq!(
                files.is_excluded(&f.path),
                Ok(!is_sent),
                "{patterns:?} {}",
                f.path
            );
        }
    }
}

#[test]
fn hardlinks_count_once() {
    let t = Tree::new("hard");
    t.file("a.bin", "0123456789");
    std::fs::hard_link(t.path("a.bin"), t.path("b.bin")).expect("link");
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    assert_eq!(
        files.get("b.bin").and_then(|f| f.hardlink_to.as_deref()),
        Some("a.bin")
    );
    assert_eq!(files.total_bytes(), 10);
}

#[test]
fn heaviest_dirs() {
    let t = Tree::new("heavy");
    t.file("big/a", &"x".repeat(1000))
        .file("big/inner/b", &"x".repeat(500))
        .file("small/c", "xx")
        .file("top", "x");
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    let heavy = files.heaviest_dirs(2);
    assert_eq!(heavy.len(), 2);
    assert_eq!(
        (heavy[0].path.as_str(), heavy[0].bytes, heavy[0].files),
        ("big", 1500, 2)
    );
    assert_eq!((heavy[1].path.as_str(), heavy[1].bytes), ("big/inner", 500));
    assert_eq!(files.total_bytes(), 1503);
}

#[test]
fn bad_patterns_stop_the_walk() {
    let t = Tree::new("bad");
    t.file("x", "");
    assert!(walk(&t.root, &["!"]).is_err());
    assert!(walk(&t.root, &["[-x]"]).is_err());
    // Accepted by New, refused by the regexp parser when first evaluated.
    assert!(walk(&t.root, &["[Local-Only]"]).is_err());
    assert!(walk(&t.path("x"), &[] as &[&str]).is_err());
}

#[test]
fn non_utf8_names() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new("bytes");
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.txt");
    std::fs::write(t.root.join(name), "x").expect("write");
    t.file("good.txt", "");
    let files = walk(&t.root, &[] as &[&str]).expect("walk");
    assert_eq!(sent(&files), ["bad\u{FFFD}.txt", "good.txt"]);
    // Go reads the invalid byte as one character.
    let files = walk(&t.root, &["bad?.txt"]).expect("walk");
    assert_eq!(sent(&files), ["good.txt"]);
}

//! Layer changeset semantics: whiteouts and opaque directories hide lower layers only,
//! symlinks resolve inside the image root, hardlinks lead to their target's data.

use seguro_image::build::{EntrySpec, ImageSpec};
use seguro_image::{EntryKind, Hazard, Image, Options, open};

fn image(layers: Vec<Vec<EntrySpec>>) -> Image {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = ImageSpec::new();
    for l in layers {
        spec = spec.layer(l);
    }
    spec.write_oci_layout(dir.path()).unwrap();
    open(dir.path(), &Options::default()).unwrap()
}

fn visible(img: &Image) -> Vec<String> {
    img.merged().paths.keys().cloned().collect()
}

#[test]
fn whiteouts_hide_lower_layers_only() {
    let img = image(vec![
        vec![
            EntrySpec::file("a/x", "1"),
            EntrySpec::file("a/y", "2"),
            EntrySpec::file("b/z", "3"),
            EntrySpec::file("n", "lower"),
        ],
        vec![
            EntrySpec::whiteout("a/x"),
            EntrySpec::whiteout("b"),
            // Same layer: the whiteout of `n` hides the lower `n`, not this one.
            EntrySpec::file("n", "upper"),
            EntrySpec::whiteout("n"),
        ],
    ]);
    assert_eq!(visible(&img), ["a/y", "n"]);
    let fs = img.merged();
    assert_eq!(fs.get("n").unwrap().layer, 1);
    assert!(img.is_deleted_later(0, "a/x"));
    assert!(img.is_deleted_later(0, "b/z"));
    assert!(!img.is_deleted_later(0, "a/y"));
    assert!(!img.is_deleted_later(1, "n"));
    // Deleted is not gone: the entry is still in layer 0.
    assert!(
        img.all_entries()
            .any(|(r, e)| r.layer == 0 && e.path == "a/x")
    );
}

#[test]
fn opaque_directory_applies_before_the_layers_own_entries() {
    let img = image(vec![
        vec![
            EntrySpec::dir("c"),
            EntrySpec::file("c/old", "1"),
            EntrySpec::file("c/sub/deep", "2"),
            EntrySpec::file("cc/keep", "3"),
        ],
        vec![
            // The opaque marker comes after the new file in the tar: still applied first.
            EntrySpec::file("c/new", "4"),
            EntrySpec::opaque("c"),
        ],
    ]);
    assert_eq!(visible(&img), ["c", "c/new", "cc/keep"]);
    assert!(img.is_deleted_later(0, "c/old"));
    assert!(img.is_deleted_later(0, "c/sub/deep"));
    assert!(!img.is_deleted_later(0, "c"));
    assert!(!img.is_deleted_later(0, "cc/keep"));
}

#[test]
fn aufs_metadata_is_not_a_whiteout() {
    let img = image(vec![
        vec![EntrySpec::file("plnk", "keep")],
        vec![
            EntrySpec::file(".wh..wh.plnk", ""),
            EntrySpec::file(".wh..wh.aufs", ""),
        ],
    ]);
    assert!(
        img.layers[1]
            .entries
            .iter()
            .all(|e| e.kind == EntryKind::Other)
    );
    assert_eq!(visible(&img), ["plnk"]);
}

#[test]
fn file_replacing_a_directory_removes_its_children() {
    let img = image(vec![
        vec![EntrySpec::dir("d"), EntrySpec::file("d/f", "x")],
        vec![EntrySpec::file("d", "now a file")],
    ]);
    assert_eq!(visible(&img), ["d"]);
}

#[test]
fn hardlink_to_setuid_binary_leads_to_the_binary() {
    let img = image(vec![
        vec![
            EntrySpec::file("usr/bin/sudo", "ELF").mode(0o4755),
            EntrySpec::file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
        ],
        vec![
            EntrySpec::hardlink("usr/local/bin/helper", "usr/bin/sudo").mode(0o4755),
            EntrySpec::hardlink("etc/passwd.bak", "etc/passwd"),
        ],
    ]);
    let fs = img.merged();
    let link = fs.lookup_nofollow("usr/local/bin/helper").unwrap();
    assert_eq!(img.entry(link).unwrap().kind, EntryKind::Hardlink);
    assert!(img.entry(link).unwrap().is_setuid());
    let data = fs.lookup("usr/local/bin/helper").unwrap();
    assert_eq!(data.layer, 0);
    assert_eq!(img.entry(data).unwrap().path, "usr/bin/sudo");
    // The hardlink's own body is empty; its content is the target's.
    assert_eq!(
        img.file_content("etc/passwd.bak"),
        Some(&b"root:x:0:0::/root:/bin/sh\n"[..])
    );
    assert!(img.layers[1].entries.iter().all(|e| e.hazard.is_none()));
}

#[test]
fn dangling_hardlink_is_a_hazard() {
    let img = image(vec![vec![EntrySpec::hardlink("x", "nowhere")]]);
    assert_eq!(
        img.layers[0].entries[0].hazard,
        Some(Hazard::DanglingHardlink)
    );
    assert_eq!(img.merged().lookup("x"), None);
}

#[test]
fn symlinked_etc_passwd_is_read_through_the_link() {
    let img = image(vec![vec![
        EntrySpec::dir("etc"),
        EntrySpec::symlink("etc/passwd", "/data/accounts/passwd"),
        EntrySpec::file("data/accounts/passwd", "root:x:0:0::/root:/bin/sh\n"),
    ]]);
    let fs = img.merged();
    assert_eq!(
        fs.resolve("etc/passwd").as_deref(),
        Some("data/accounts/passwd")
    );
    assert_eq!(
        img.file_content("/etc/passwd"),
        Some(&b"root:x:0:0::/root:/bin/sh\n"[..])
    );
    assert_eq!(
        img.entry(fs.lookup_nofollow("etc/passwd").unwrap())
            .unwrap()
            .kind,
        EntryKind::Symlink
    );
}

#[test]
fn symlinked_directory_trick_lands_where_extraction_would() {
    // A lower layer makes `etc` a symlink; an upper layer writes `etc/passwd`: the file
    // lands in the link's target, inside the image.
    let img = image(vec![
        vec![
            EntrySpec::dir("private/etc"),
            EntrySpec::symlink("etc", "../private/etc"),
        ],
        vec![EntrySpec::file("etc/passwd", "evil:x:0:0::/:/bin/sh\n")],
    ]);
    let fs = img.merged();
    assert!(fs.get("private/etc/passwd").is_some());
    assert_eq!(fs.get("etc/passwd"), None);
    assert_eq!(
        img.file_content("etc/passwd"),
        Some(&b"evil:x:0:0::/:/bin/sh\n"[..])
    );
}

#[test]
fn dot_dot_is_clamped_at_the_root_and_loops_end() {
    let img = image(vec![vec![
        EntrySpec::file("etc/shadow", "root:*:1::::::\n"),
        EntrySpec::symlink("app/link", "../../../../../../etc/shadow"),
        EntrySpec::symlink("loop/a", "b"),
        EntrySpec::symlink("loop/b", "a"),
    ]]);
    let fs = img.merged();
    assert_eq!(fs.resolve("app/link").as_deref(), Some("etc/shadow"));
    assert!(img.file_content("app/link").is_some());
    assert_eq!(fs.resolve("loop/a"), None);
    assert_eq!(fs.lookup("loop/a"), None);
    // Climbing above the root from the link's directory is flagged.
    let link = &img.layers[0].entries[1];
    assert_eq!(link.hazard, Some(Hazard::LinkEscape));
}

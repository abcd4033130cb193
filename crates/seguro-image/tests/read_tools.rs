//! Images made by real tools read to the same model: umoci builds an OCI layout (a layer
//! added verbatim, then a layer from `unpack`/`repack` with a real whiteout), skopeo
//! converts it to `docker-archive:`, `oci-archive:` and a zstd OCI layout.
//!
//! Needs `umoci` and `skopeo` on PATH (`scripts/setup/image-tools.sh` installs them); when
//! they are missing each test prints a note and passes.

use seguro_image::build::{EntrySpec, layer_tar};
use seguro_image::{Compression, EntryKind, Image, Options, SourceFormat, open};
use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(dir: &Path, args: &[&str]) {
    let out = Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        out.status.success(),
        "{args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(path: &Path) -> Image {
    open(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn umoci_layout_and_skopeo_conversions_agree() {
    if !have("umoci") || !have("skopeo") {
        eprintln!("skipped: umoci and skopeo are not installed (scripts/setup/image-tools.sh)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let base = layer_tar(&[
        EntrySpec::dir("etc"),
        EntrySpec::file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
        EntrySpec::dir("usr/bin"),
        EntrySpec::file("usr/bin/su", "ELF-su").mode(0o4755),
        EntrySpec::hardlink("usr/bin/newgrp", "usr/bin/su").mode(0o4755),
        EntrySpec::symlink("bin", "usr/bin"),
        // A (fake) npm token, deleted again by the second layer.
        EntrySpec::file(
            "root/.npmrc",
            "//registry.npmjs.org/:_authToken=npm_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n",
        )
        .mode(0o600),
        EntrySpec::file("usr/local/bin/helper", "ELF-helper").mode(0o4755),
    ])
    .unwrap();
    std::fs::write(dir.join("base.tar"), base).unwrap();
    run(dir, &["umoci", "init", "--layout", "L"]);
    run(dir, &["umoci", "new", "--image", "L:t"]);
    run(
        dir,
        &[
            "umoci",
            "raw",
            "add-layer",
            "--history.created_by",
            "ADD base.tar /",
            "--image",
            "L:t",
            "base.tar",
        ],
    );
    // A second layer the umoci way: unpack, change, repack (writes `.wh.` whiteouts).
    run(
        dir,
        &["umoci", "unpack", "--rootless", "--image", "L:t", "bundle"],
    );
    std::fs::remove_file(dir.join("bundle/rootfs/root/.npmrc")).unwrap();
    std::fs::write(dir.join("bundle/rootfs/etc/motd"), "hello\n").unwrap();
    run(dir, &["umoci", "repack", "--image", "L:t", "bundle"]);
    run(
        dir,
        &[
            "umoci",
            "config",
            "--image",
            "L:t",
            "--config.user",
            "app",
            "--config.env",
            "A=b",
            "--config.cmd",
            "/app",
        ],
    );
    let skopeo = |dest: &str, extra: &[&str]| {
        let mut args = vec!["skopeo", "--insecure-policy", "copy", "-q"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["oci:L:t", dest]);
        run(dir, &args);
    };
    skopeo("docker-archive:D.tar:example.com/app:t", &[]);
    skopeo("oci-archive:O.tar:t", &[]);
    skopeo(
        "oci:Z:t",
        &["--dest-compress", "--dest-compress-format", "zstd"],
    );

    let layout = read(&dir.join("L"));
    let docker = read(&dir.join("D.tar"));
    let archive = read(&dir.join("O.tar"));
    let zstd = read(&dir.join("Z"));
    assert_eq!(layout.format, Some(SourceFormat::OciLayout));
    assert_eq!(docker.format, Some(SourceFormat::DockerSaveLegacy));
    assert_eq!(archive.format, Some(SourceFormat::OciArchive));
    assert_eq!(layout.names, ["t"]);
    assert!(
        docker
            .names
            .iter()
            .any(|n| n.ends_with("example.com/app:t")),
        "{:?}",
        docker.names
    );

    // What umoci wrote reads as written.
    assert_eq!(layout.config.user, "app");
    assert!(layout.config.env.contains(&"A=b".to_string()));
    assert_eq!(layout.config.cmd, ["/app"]);
    assert_eq!(layout.layers.len(), 2);
    assert_eq!(
        layout.layers[0]
            .history
            .map(|h| layout.config.history[h].created_by.as_str()),
        Some("ADD base.tar /")
    );
    let l0 = &layout.layers[0].entries;
    let su2 = l0.iter().find(|e| e.path == "usr/bin/newgrp").unwrap();
    assert_eq!(su2.kind, EntryKind::Hardlink);
    assert!(su2.is_setuid());
    let wh = layout.layers[1]
        .entries
        .iter()
        .find(|e| e.kind == EntryKind::Whiteout)
        .expect("umoci wrote a whiteout");
    assert_eq!(wh.path, "root/.npmrc");
    assert!(layout.is_deleted_later(0, "root/.npmrc"));
    let fs = layout.merged();
    assert!(fs.get("root/.npmrc").is_none());
    assert!(fs.get("etc/motd").is_some());
    assert_eq!(
        layout.entry(fs.lookup("bin/newgrp").unwrap()).unwrap().path,
        "usr/bin/su"
    );
    // The deleted credential is still in layer 0, content kept for the secret checks.
    let npmrc = l0.iter().find(|e| e.path == "root/.npmrc").unwrap();
    assert!(npmrc.content.as_deref().unwrap().starts_with(b"//registry"));

    // Every conversion reads to the same config, diff IDs and entries.
    for (name, other) in [
        ("docker-archive", &docker),
        ("oci-archive", &archive),
        ("zstd", &zstd),
    ] {
        assert_eq!(other.config, layout.config, "{name}");
        assert_eq!(other.layers.len(), layout.layers.len(), "{name}");
        for (a, b) in layout.layers.iter().zip(&other.layers) {
            assert_eq!(a.diff_id, b.diff_id, "{name}");
            assert_eq!(a.entries, b.entries, "{name} layer {}", a.index);
        }
    }
    assert!(
        docker
            .layers
            .iter()
            .all(|l| l.compression == Compression::None)
    );
    assert!(
        layout
            .layers
            .iter()
            .all(|l| l.compression == Compression::Gzip)
    );
    assert!(
        zstd.layers
            .iter()
            .all(|l| l.compression == Compression::Zstd)
    );
    assert_eq!(archive.manifest_digest, layout.manifest_digest);

    // ... and so to the same findings, in the same layers and paths (digests differ:
    // docker-archive layers are stored uncompressed).
    let findings = |image: &Image| {
        let mut out: Vec<(String, Option<usize>, Option<String>)> =
            seguro_image::check::check(image, &seguro_linter::Config::default())
                .into_iter()
                .map(|d| {
                    let at = d.location.unwrap_or_default();
                    (d.code.to_string(), at.layer.map(|l| l.index), at.path)
                })
                .collect();
        out.sort();
        out
    };
    let expected = findings(&layout);
    let has = |code: &str, path: &str| {
        expected
            .iter()
            .any(|(c, _, p)| c == code && p.as_deref().is_some_and(|p| p.ends_with(path)))
    };
    // The token file whited out in the upper layer is still in the lower one; a setuid
    // helper outside the stock allow-list is reported, su is not.
    assert!(has("SI006", "root/.npmrc"), "{expected:?}");
    assert!(has("SI007", "usr/local/bin/helper"), "{expected:?}");
    assert!(!has("SI007", "usr/bin/su"), "{expected:?}");
    for (name, other) in [
        ("docker-archive", &docker),
        ("oci-archive", &archive),
        ("zstd", &zstd),
    ] {
        assert_eq!(findings(other), expected, "{name}");
    }
}

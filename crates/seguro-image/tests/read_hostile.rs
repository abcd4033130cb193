//! Hostile and broken images: each is a hazard on an entry or a clear error, never a panic,
//! never a file outside the image read, never unbounded memory.

use seguro_image::build::{EntrySpec, Format, ImageSpec, LayerSpec, gzip};
use seguro_image::{EntryKind, Error, Hazard, Image, Limits, Options, open};
use serde_json::json;
use std::path::{Path, PathBuf};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(spec: &ImageSpec, format: Format, dir: &Path) -> PathBuf {
    let p = dir.join(format!("{format:?}"));
    spec.write(format, &p).unwrap();
    p
}

fn open_default(path: &Path) -> Result<Image, Error> {
    open(path, &Options::default())
}

fn with_limits(f: impl FnOnce(&mut Limits)) -> Options {
    let mut o = Options::default();
    f(&mut o.limits);
    o
}

fn hex64(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

#[test]
fn unsafe_names_become_hazards() {
    let dir = tmp();
    let spec = ImageSpec::new().layer(vec![
        EntrySpec::file("../../etc/cron.d/evil", "* * * * * root sh"),
        EntrySpec::file("/etc/abs", "x"),
        EntrySpec::file(&b"bad\xffname"[..], "x"),
        EntrySpec::file("tmp/.wh.", ""),
        EntrySpec::char_device("gone", 0, 0),
        EntrySpec::file("dup", "1"),
        EntrySpec::file("dup", "2"),
        EntrySpec::symlink("escape", "../../../../host/etc/shadow"),
        EntrySpec::hardlink("hl", "../../outside"),
        EntrySpec::file("fine", "ok"),
    ]);
    for format in [Format::OciLayout, Format::DockerLegacy] {
        let image = open_default(&write(&spec, format, dir.path())).unwrap();
        let e = &image.layers[0].entries;
        let hazard = |p: &str| e.iter().rev().find(|x| x.path == p).unwrap().hazard.clone();
        assert_eq!(hazard("etc/cron.d/evil"), Some(Hazard::ParentTraversal));
        assert_eq!(hazard("etc/abs"), Some(Hazard::AbsoluteName));
        assert_eq!(hazard("bad\u{fffd}name"), Some(Hazard::NonUtf8Name));
        assert_eq!(e[3].hazard, Some(Hazard::BadWhiteout));
        assert_eq!(e[3].kind, EntryKind::Other);
        assert_eq!(hazard("gone"), Some(Hazard::OverlayWhiteout));
        assert_eq!(e[5].hazard, None);
        assert_eq!(e[6].hazard, Some(Hazard::Duplicate));
        assert_eq!(hazard("escape"), Some(Hazard::LinkEscape));
        assert_eq!(hazard("hl"), Some(Hazard::LinkEscape));
        assert_eq!(hazard("fine"), None);
        // Duplicates: the last one wins.
        let fs = image.merged();
        assert_eq!(fs.get("dup").unwrap().entry, 6);
    }
}

/// A gzip layer holding one file of `total` zero bytes: a header member, then the same
/// 1 MiB-of-zeros member repeated (about 1 KiB each), then the end-of-archive blocks.
fn zeros_layer(total: u64) -> Vec<u8> {
    let mut h = tar::Header::new_ustar();
    h.set_path("zeros").unwrap();
    h.set_size(total);
    h.set_mode(0o644);
    h.set_cksum();
    let mut out = gzip(h.as_bytes(), 1).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut enc, &vec![0u8; 1 << 20]).unwrap();
    let mib = enc.finish().unwrap();
    for _ in 0..total >> 20 {
        out.extend_from_slice(&mib);
    }
    out.extend(gzip(&[0u8; 1024], 1).unwrap());
    out
}

#[test]
fn decompression_bomb_hits_the_layer_cap() {
    let dir = tmp();
    let blob = zeros_layer(1 << 30);
    assert!(blob.len() < 2 << 20, "{}", blob.len());
    let spec = ImageSpec::new().layer_spec(LayerSpec::raw(blob).diff_id(&hex64('0')));
    let path = write(&spec, Format::OciLayout, dir.path());
    let opts = with_limits(|l| l.max_layer_bytes = 32 << 20);
    match open(&path, &opts) {
        Err(
            e @ Error::LimitExceeded {
                limit: "max_layer_bytes",
                ..
            },
        ) => {
            assert!(e.to_string().contains("max_layer_bytes"), "{e}");
            assert!(e.to_string().contains("layer 0"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn image_cap_counts_all_layers() {
    let dir = tmp();
    let spec = ImageSpec::new()
        .layer_spec(LayerSpec::raw(zeros_layer(8 << 20)))
        .layer_spec(LayerSpec::raw(zeros_layer(8 << 20)));
    let path = write(&spec, Format::OciLayout, dir.path());
    assert!(open_default(&path).is_ok());
    let opts = with_limits(|l| l.max_image_bytes = 12 << 20);
    assert!(matches!(
        open(&path, &opts),
        Err(Error::LimitExceeded {
            limit: "max_image_bytes",
            ..
        })
    ));
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Streams a 1 GiB layer to the end (digests verified) and checks peak memory stays small.
/// Slow in a debug build (inflating and hashing 1 GiB without optimisation): run it with
/// `cargo test --release -p seguro-image --test read_hostile -- --ignored --nocapture`.
#[test]
#[ignore = "1 GiB of decompression: run in release (see the doc comment)"]
fn one_gib_of_zeros_streams_in_bounded_memory() {
    let dir = tmp();
    let spec = ImageSpec::new().layer_spec(LayerSpec::raw(zeros_layer(1 << 30)));
    let path = write(&spec, Format::OciArchive, dir.path());
    let before = vm_hwm_kib().unwrap_or(0);
    let start = std::time::Instant::now();
    let image = open_default(&path).unwrap();
    let after = vm_hwm_kib().unwrap_or(0);
    assert_eq!(image.layers[0].entries[0].size, 1 << 30);
    assert_eq!(image.layers[0].tar_size, (1 << 30) + 512 + 1024);
    eprintln!(
        "1 GiB zeros layer: {:?}, VmHWM before {before} KiB, after {after} KiB",
        start.elapsed()
    );
    assert!(after < 256 * 1024, "peak RSS {after} KiB");
}

#[test]
fn entry_cap() {
    let dir = tmp();
    let entries = (0..100)
        .map(|i| EntrySpec::file(format!("f{i}"), ""))
        .collect();
    let path = write(
        &ImageSpec::new().layer(entries),
        Format::OciLayout,
        dir.path(),
    );
    let opts = with_limits(|l| l.max_entries = 50);
    assert!(matches!(
        open(&path, &opts),
        Err(Error::LimitExceeded {
            limit: "max_entries",
            ..
        })
    ));
}

#[test]
fn huge_manifest_json_hits_the_json_cap() {
    let dir = tmp();
    let big = "x".repeat(9 << 20);
    let spec = ImageSpec::new()
        .layer(vec![EntrySpec::file("a", "a")])
        .manifest_json(json!([{"Config": "c.json", "Layers": [], "Padding": big}]));
    let path = write(&spec, Format::DockerLegacy, dir.path());
    match open_default(&path) {
        Err(
            e @ Error::LimitExceeded {
                limit: "max_json_bytes",
                ..
            },
        ) => {
            assert!(e.to_string().contains("manifest.json"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_blob_is_an_error() {
    let dir = tmp();
    let entries = (0..50)
        .map(|i| EntrySpec::file(format!("f{i}"), vec![b'a' + (i % 26) as u8; 4000]))
        .collect();
    let spec = ImageSpec::new().layer(entries);
    // OCI layout: the file is shorter than its descriptor says.
    let layout = write(&spec, Format::OciLayout, dir.path());
    let image = open_default(&layout).unwrap();
    let blob = layout
        .join("blobs/sha256")
        .join(&image.layers[0].digest[7..]);
    let bytes = std::fs::read(&blob).unwrap();
    std::fs::write(&blob, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(
        open_default(&layout),
        Err(Error::SizeMismatch { .. })
    ));
    // Legacy docker save: no size or digest to compare, the tar stream itself ends early.
    let legacy = write(&spec, Format::DockerLegacy, dir.path());
    let cut = dir.path().join("cut.tar");
    rewrite_tar(&legacy, &cut, |name, data| {
        name.ends_with("layer.tar")
            .then(|| data[..data.len() / 2].to_vec())
    });
    match open_default(&cut) {
        Err(e @ (Error::Malformed { .. } | Error::DiffIdMismatch { .. })) => {
            assert!(e.to_string().contains("layer 0"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // A gzip stream cut short, with a descriptor size that matches the cut.
    let full = gzip(
        &seguro_image::build::layer_tar(&[EntrySpec::file("x", vec![7u8; 100_000])]).unwrap(),
        1,
    )
    .unwrap();
    let short = full[..full.len() / 2].to_vec();
    let spec = ImageSpec::new().layer_spec(LayerSpec::raw(short).diff_id(&hex64('1')));
    let path = write(&spec, Format::OciLayout, &dir.path().join("gz"));
    assert!(matches!(open_default(&path), Err(Error::Malformed { .. })));
}

#[test]
fn digest_that_lies_is_an_error() {
    let dir = tmp();
    let spec = ImageSpec::new()
        .layer_spec(LayerSpec::new(vec![EntrySpec::file("a", "a")]).digest(&hex64('a')));
    for format in [
        Format::OciLayout,
        Format::OciArchive,
        Format::DockerContainerd,
    ] {
        match open_default(&write(&spec, format, dir.path())) {
            Err(e @ Error::DigestMismatch { .. }) => {
                assert!(e.to_string().contains(&hex64('a')), "{e}")
            }
            other => panic!("{format:?}: {other:?}"),
        }
    }
    // A diff ID that lies (the only check of a legacy docker save layer).
    let spec = ImageSpec::new()
        .layer_spec(LayerSpec::new(vec![EntrySpec::file("a", "a")]).diff_id(&hex64('b')));
    for format in Format::ALL {
        assert!(
            matches!(
                open_default(&write(&spec, format, dir.path())),
                Err(Error::DiffIdMismatch { .. })
            ),
            "{format:?}"
        );
    }
    // A tampered config blob.
    let layout = write(
        &ImageSpec::new(),
        Format::OciLayout,
        &dir.path().join("cfg"),
    );
    let image = open_default(&layout).unwrap();
    let cfg = layout.join("blobs/sha256").join(&image.config_digest[7..]);
    std::fs::write(
        &cfg,
        br#"{"architecture":"amd64","os":"linux","config":{"User":"root"}}"#,
    )
    .unwrap();
    assert!(matches!(
        open_default(&layout),
        Err(Error::DigestMismatch { .. } | Error::SizeMismatch { .. })
    ));
}

#[test]
fn traversal_digests_never_become_paths() {
    let dir = tmp();
    // A file where `blobs/sha256/../../x` would lead.
    let spec = ImageSpec::new()
        .layer_spec(LayerSpec::new(vec![EntrySpec::file("a", "a")]).digest("sha256:../../x"));
    for format in [Format::OciLayout, Format::OciArchive] {
        let path = write(&spec, format, &dir.path().join("t"));
        if format == Format::OciLayout {
            std::fs::write(path.join("x"), b"not a layer").unwrap();
        }
        match open_default(&path) {
            Err(e @ Error::InvalidDigest { .. }) => {
                assert!(e.to_string().contains("sha256:../../x"), "{e}")
            }
            other => panic!("{format:?}: {other:?}"),
        }
    }
    // In index.json too.
    let layout = dir.path().join("idx");
    std::fs::create_dir_all(layout.join("blobs/sha256")).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(
        layout.join("index.json"),
        br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../../etc/passwd","size":10}]}"#,
    )
    .unwrap();
    assert!(matches!(
        open_default(&layout),
        Err(Error::InvalidDigest { .. })
    ));
}

#[test]
fn manifest_json_paths_must_stay_inside() {
    let dir = tmp();
    for (config, layers) in [
        ("/etc/passwd", vec![]),
        ("../../etc/passwd", vec![]),
        ("ok.json", vec!["../../../etc/passwd"]),
    ] {
        // A real config so that only the paths are wrong.
        let spec = ImageSpec::new().manifest_json(json!([{"Config": config, "Layers": layers}]));
        let path = write(&spec, Format::DockerLegacy, dir.path());
        match open_default(&path) {
            Err(e @ Error::UnsafePath { .. }) => assert!(e.to_string().contains("etc/passwd")),
            // `ok.json` is not in the archive: the config is missing, reported first.
            Err(Error::MissingBlob { .. }) if config == "ok.json" => {}
            other => panic!("{config}: {other:?}"),
        }
    }
}

/// A legacy archive written by hand: `manifest.json` and a config, plus `members`.
fn legacy_with(dir: &Path, layer_member: &str, members: &[(&str, Option<&str>)]) -> PathBuf {
    let config = serde_json::to_vec(&json!({"architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [hex64('c')]}}))
    .unwrap();
    let path = dir.join("hand.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&path).unwrap());
    let mut add = |name: &str, data: &[u8], link: Option<&str>| {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).unwrap();
        h.set_mode(0o644);
        match link {
            Some(t) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_link_name_literal(t).unwrap();
                h.set_size(0);
            }
            None => h.set_size(data.len() as u64),
        }
        h.set_cksum();
        b.append(&h, data).unwrap();
    };
    add("config.json", &config, None);
    let manifest = json!([{"Config": "config.json", "Layers": [layer_member]}]);
    add(
        "manifest.json",
        &serde_json::to_vec(&manifest).unwrap(),
        None,
    );
    for (name, link) in members {
        add(name, b"", *link);
    }
    b.finish().unwrap();
    path
}

#[test]
fn outer_symlinks_stay_inside_the_archive() {
    let dir = tmp();
    let path = legacy_with(
        dir.path(),
        "l/layer.tar",
        &[("l/layer.tar", Some("../../../etc/passwd"))],
    );
    assert!(matches!(open_default(&path), Err(Error::UnsafePath { .. })));
    let path = legacy_with(
        dir.path(),
        "l/layer.tar",
        &[("l/layer.tar", Some("/etc/passwd"))],
    );
    assert!(matches!(open_default(&path), Err(Error::UnsafePath { .. })));
    let path = legacy_with(dir.path(), "a", &[("a", Some("b")), ("b", Some("a"))]);
    match open_default(&path) {
        Err(e @ Error::Malformed { .. }) => assert!(e.to_string().contains("links"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bzip2_and_xz_layers_are_unsupported_clearly() {
    let dir = tmp();
    for (magic, name) in [
        (&b"BZh91AY&SY"[..], "bzip2"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0, 0][..], "xz"),
    ] {
        let spec = ImageSpec::new().layer_spec(LayerSpec::raw(magic.to_vec()).diff_id(&hex64('d')));
        match open_default(&write(&spec, Format::OciLayout, &dir.path().join(name))) {
            Err(e @ Error::Unsupported { .. }) => assert!(e.to_string().contains(name), "{e}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn not_an_image() {
    let dir = tmp();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(matches!(
        open_default(&empty),
        Err(Error::NotAnImage { .. })
    ));
    let junk = dir.path().join("junk");
    std::fs::write(&junk, b"hello, this is not a tar file at all").unwrap();
    assert!(open_default(&junk).is_err());
    let random: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&junk, random).unwrap();
    assert!(open_default(&junk).is_err());
    assert!(matches!(
        open_default(&dir.path().join("nope")),
        Err(Error::Io { .. })
    ));
    // Valid JSON of the wrong shape.
    std::fs::write(empty.join("index.json"), b"[1,2,3]").unwrap();
    assert!(matches!(open_default(&empty), Err(Error::Malformed { .. })));
}

#[test]
fn artifact_manifest_is_not_an_image() {
    let dir = tmp();
    let layout = dir.path();
    std::fs::create_dir_all(layout.join("blobs/sha256")).unwrap();
    let put = |bytes: &[u8]| {
        let d = seguro_image::digest::sha256_digest(bytes);
        std::fs::write(layout.join("blobs/sha256").join(&d[7..]), bytes).unwrap();
        (d, bytes.len())
    };
    let (cd, cs) = put(b"{}");
    let manifest = serde_json::to_vec(&json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": cd, "size": cs},
        "layers": []}))
    .unwrap();
    let (md, ms) = put(&manifest);
    std::fs::write(
        layout.join("index.json"),
        serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms}]}))
        .unwrap(),
    )
    .unwrap();
    match open_default(layout) {
        Err(e @ Error::Unsupported { .. }) => assert!(e.to_string().contains("artifact"), "{e}"),
        other => panic!("{other:?}"),
    }
}

/// Copies a tar, replacing the data of members for which `f` returns new bytes.
fn rewrite_tar(from: &Path, to: &Path, f: impl Fn(&str, &[u8]) -> Option<Vec<u8>>) {
    use std::io::Read;
    let mut input = tar::Archive::new(std::fs::File::open(from).unwrap());
    let mut out = tar::Builder::new(std::fs::File::create(to).unwrap());
    for e in input.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        let mut h = e.header().clone();
        if let Some(new) = f(&name, &data) {
            data = new;
            h.set_size(data.len() as u64);
            h.set_cksum();
        }
        out.append(&h, data.as_slice()).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn an_index_repeating_a_nested_index_reads_it_once() {
    let dir = tmp();
    let multi = seguro_image::build::MultiPlatform::new(vec![
        ImageSpec::new().layer(vec![EntrySpec::file("a", "a")]),
    ]);
    multi.write_oci_layout(dir.path()).unwrap();
    let index_path = dir.path().join("index.json");
    let mut index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&index_path).unwrap()).unwrap();
    let entry = index["manifests"][0].clone();
    index["manifests"] = json!(vec![entry; 20_000]);
    std::fs::write(&index_path, serde_json::to_vec(&index).unwrap()).unwrap();
    let start = std::time::Instant::now();
    let image = open_default(dir.path()).unwrap();
    assert_eq!(image.layers[0].entries[0].path, "a");
    assert!(start.elapsed().as_secs() < 10);
}

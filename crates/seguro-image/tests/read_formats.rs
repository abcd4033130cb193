//! The same image written in every format (and every layer compression) reads back to the
//! same model; multi-platform indexes, attestations, missing and foreign blobs.

use seguro_image::build::{EntrySpec, Format, ImageSpec, LayerSpec, MultiPlatform};
use seguro_image::{Compression, EntryKind, Error, Image, Options, SourceFormat, open};
use serde_json::json;
use std::path::{Path, PathBuf};

fn config() -> serde_json::Value {
    json!({
        "architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
        "config": {
            "User": "app", "Env": ["PATH=/usr/bin", "API_TOKEN=abc"], "Cmd": ["/app"],
            "WorkingDir": "/srv", "ExposedPorts": {"8080/tcp": {}}, "Labels": {"a": "b"},
            "Healthcheck": {"Test": ["CMD-SHELL", "curl -f localhost"], "Interval": 30000000000u64,
                            "Retries": 3}
        },
        "container_config": {"User": "root", "Cmd": ["/bin/sh", "-c", "#(nop) CMD"]},
        "history": [
            {"created_by": "ADD rootfs /", "comment": "base"},
            {"created_by": "ENV A=b", "empty_layer": true},
            {"created_by": "RUN add key"},
            {"created_by": "RUN rm key"},
        ]
    })
}

/// Three layers touching every entry kind the model has.
fn sample() -> ImageSpec {
    let long = format!("usr/share/{}/file.txt", "d".repeat(120));
    ImageSpec::new()
        .config(config())
        .name("example.com/app:1.0")
        .layer(vec![
            EntrySpec::dir("etc"),
            EntrySpec::file(
                "etc/passwd",
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/srv:/bin/sh\n",
            ),
            EntrySpec::file("etc/shadow", "root:*:19000::::::\n").mode(0o640),
            EntrySpec::dir("usr/bin"),
            EntrySpec::file("usr/bin/su", "ELF-su").mode(0o4755),
            EntrySpec::hardlink("usr/bin/su2", "usr/bin/su").mode(0o4755),
            EntrySpec::file("usr/bin/ping", "ELF-ping")
                .xattr("security.capability", vec![1u8, 0, 0, 2, 0, 0x20, 0, 0]),
            EntrySpec::symlink("bin", "usr/bin"),
            EntrySpec::char_device("dev/null", 1, 3),
            EntrySpec::fifo("run/fifo"),
            EntrySpec::file(long.as_str(), "long name"),
            EntrySpec::dir("srv").owner(1000, 1000),
        ])
        .layer(vec![
            EntrySpec::dir("root/.ssh").mode(0o700),
            EntrySpec::file(
                "root/.ssh/id_rsa",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n",
            )
            .mode(0o600),
            EntrySpec::opaque("usr/share"),
        ])
        .layer(vec![EntrySpec::whiteout("root/.ssh/id_rsa")])
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(spec: &ImageSpec, format: Format, dir: &Path) -> PathBuf {
    let p = dir.join(format!("{format:?}"));
    spec.write(format, &p).unwrap();
    p
}

fn read(path: &Path) -> Image {
    open(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What must be equal whatever the format.
fn assert_same_model(a: &Image, b: &Image, what: &str) {
    assert_eq!(a.config, b.config, "{what}: config");
    assert_eq!(a.config_digest, b.config_digest, "{what}: config digest");
    assert_eq!(a.layers.len(), b.layers.len(), "{what}: layer count");
    for (la, lb) in a.layers.iter().zip(&b.layers) {
        assert_eq!(la.diff_id, lb.diff_id, "{what}: diff id");
        assert_eq!(la.tar_size, lb.tar_size, "{what}: tar size");
        assert_eq!(la.history, lb.history, "{what}: history");
        assert_eq!(
            la.entries, lb.entries,
            "{what}: entries of layer {}",
            la.index
        );
    }
}

#[test]
fn all_five_formats_read_to_the_same_model() {
    let dir = tmp();
    let spec = sample();
    let reference = read(&write(&spec, Format::OciLayout, dir.path()));

    // The reference itself is right.
    let c = &reference.config;
    assert_eq!(c.user, "app");
    assert_eq!(c.env, ["PATH=/usr/bin", "API_TOKEN=abc"]);
    assert_eq!(c.exposed_ports, ["8080/tcp"]);
    let hc = c.healthcheck.as_ref().unwrap();
    assert_eq!(hc.test, ["CMD-SHELL", "curl -f localhost"]);
    assert_eq!(hc.interval, Some(30_000_000_000));
    assert_eq!(hc.retries, Some(3));
    assert_eq!(c.history.len(), 4);
    assert_eq!(
        c.history.iter().map(|h| h.layer).collect::<Vec<_>>(),
        [Some(0), None, Some(1), Some(2)]
    );
    assert_eq!(reference.layers[1].history, Some(2));
    assert_eq!(reference.layers.len(), 3);
    assert_eq!(reference.platform.as_deref(), Some("linux/amd64"));
    assert_eq!(reference.layers[0].compression, Compression::Gzip);
    let l0 = &reference.layers[0].entries;
    let find = |p: &str| l0.iter().find(|e| e.path == p).unwrap();
    assert!(find("usr/bin/su").is_setuid());
    assert_eq!(find("usr/bin/su2").kind, EntryKind::Hardlink);
    assert_eq!(find("usr/bin/su2").link.as_deref(), Some("usr/bin/su"));
    assert!(find("usr/bin/su2").is_setuid());
    assert_eq!(find("usr/bin/ping").xattrs[0].0, "security.capability");
    assert_eq!(find("bin").kind, EntryKind::Symlink);
    assert_eq!(find("dev/null").kind, EntryKind::CharDevice);
    assert_eq!(find("run/fifo").kind, EntryKind::Fifo);
    assert_eq!(find("srv").uid, 1000);
    assert!(
        find(&format!("usr/share/{}/file.txt", "d".repeat(120)))
            .content
            .is_none()
    );
    assert!(
        find("etc/passwd")
            .content
            .as_deref()
            .unwrap()
            .starts_with(b"root:x:0:0")
    );
    assert!(find("usr/bin/su").content.is_none());
    assert!(l0.iter().all(|e| e.hazard.is_none()), "{l0:#?}");
    let l1 = &reference.layers[1].entries;
    assert!(
        l1.iter()
            .any(|e| e.kind == EntryKind::OpaqueWhiteout && e.path == "usr/share")
    );
    assert!(
        l1.iter()
            .any(|e| e.path == "root/.ssh/id_rsa" && e.content.is_some())
    );
    let l2 = &reference.layers[2].entries;
    assert_eq!(l2[0].kind, EntryKind::Whiteout);
    assert_eq!(l2[0].path, "root/.ssh/id_rsa");

    for format in Format::ALL {
        let image = read(&write(&spec, format, dir.path()));
        assert_same_model(&reference, &image, &format!("{format:?}"));
        let expected = match format {
            Format::OciLayout => SourceFormat::OciLayout,
            Format::OciArchive => SourceFormat::OciArchive,
            Format::DockerLegacy => SourceFormat::DockerSaveLegacy,
            Format::DockerOci => SourceFormat::DockerSaveOci,
            Format::DockerContainerd => SourceFormat::DockerSaveContainerd,
        };
        assert_eq!(image.format, Some(expected), "{format:?}");
        assert_eq!(
            image.manifest_digest.is_some(),
            format != Format::DockerLegacy
        );
        assert!(
            image.names.iter().any(|n| n.contains("1.0")),
            "{format:?}: {:?}",
            image.names
        );
        assert!(
            image.warnings.is_empty(),
            "{format:?}: {:?}",
            image.warnings
        );
        let plain = matches!(format, Format::DockerLegacy | Format::DockerOci);
        for l in &image.layers {
            let want = if plain {
                Compression::None
            } else {
                Compression::Gzip
            };
            assert_eq!(l.compression, want, "{format:?}");
            if plain {
                assert_eq!(l.digest, l.diff_id);
            }
        }
    }
    // skopeo's docker-archive shape: every layer.tar a symlink to a top-level <diffid>.tar.
    let image = read(&write(
        &spec.clone().skopeo_shape(),
        Format::DockerLegacy,
        &dir.path().join("s"),
    ));
    assert_same_model(&reference, &image, "skopeo shape");
}

#[test]
fn every_layer_compression_reads_the_same() {
    let dir = tmp();
    let reference = read(&write(&sample(), Format::OciLayout, dir.path()));
    for (name, c) in [
        ("none", Compression::None),
        ("gzip", Compression::Gzip),
        ("zstd", Compression::Zstd),
    ] {
        for format in [
            Format::OciArchive,
            Format::DockerContainerd,
            Format::DockerLegacy,
        ] {
            let spec = sample().compression(c);
            let image = read(&write(&spec, format, &dir.path().join(name)));
            assert_same_model(&reference, &image, &format!("{name} {format:?}"));
            assert!(
                image.layers.iter().all(|l| l.compression == c),
                "{name} {format:?}"
            );
        }
    }
}

#[test]
fn multi_member_gzip_is_read_to_the_end() {
    let dir = tmp();
    let entries: Vec<EntrySpec> = (0..200)
        .map(|i| EntrySpec::file(format!("data/f{i:03}"), vec![b'x'; 700 + i]))
        .collect();
    let spec = ImageSpec::new().layer_spec(LayerSpec::new(entries).gzip_members(5));
    let image = read(&write(&spec, Format::OciLayout, dir.path()));
    assert_eq!(image.layers[0].entries.len(), 200);
    assert_eq!(image.layers[0].entries[199].path, "data/f199");
    assert_eq!(image.layers[0].entries[199].size, 899);
}

fn platform_image(arch: &str, marker: &str) -> ImageSpec {
    ImageSpec::new()
        .config(json!({"architecture": arch, "os": "linux", "config": {}}))
        .layer(vec![EntrySpec::file(marker, arch)])
}

#[test]
fn multi_platform_index_with_attestations() {
    let dir = tmp();
    let multi = MultiPlatform::new(vec![
        platform_image("arm64", "arm"),
        platform_image("amd64", "amd"),
    ])
    .attestations();
    let layout = dir.path().join("layout");
    multi.write_oci_layout(&layout).unwrap();
    let archive = dir.path().join("archive.tar");
    multi.write_oci_archive(&archive).unwrap();
    for path in [&layout, &archive] {
        let image = read(path);
        assert_eq!(image.platform.as_deref(), Some("linux/amd64"));
        assert_eq!(image.layers[0].entries[0].path, "amd");
        assert!(
            image.warnings.iter().any(|w| w.contains("linux/arm64")),
            "{:?}",
            image.warnings
        );

        let opts = Options {
            platform: Some("linux/arm64".into()),
            ..Options::default()
        };
        let arm = open(path, &opts).unwrap();
        assert_eq!(arm.layers[0].entries[0].path, "arm");
        assert_eq!(arm.config.architecture, "arm64");

        let opts = Options {
            platform: Some("linux/s390x".into()),
            ..Options::default()
        };
        match open(path, &opts) {
            Err(e @ Error::Platform { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("linux/s390x") && msg.contains("linux/arm64"),
                    "{msg}"
                );
                assert!(
                    !msg.contains("unknown"),
                    "attestations are not platforms: {msg}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn no_amd64_and_no_choice_is_an_error() {
    let dir = tmp();
    let multi = MultiPlatform::new(vec![
        platform_image("arm64", "arm"),
        platform_image("riscv64", "rv"),
    ]);
    multi.write_oci_layout(dir.path()).unwrap();
    assert!(matches!(
        open(dir.path(), &Options::default()),
        Err(Error::Platform {
            requested: None,
            ..
        })
    ));
}

#[test]
fn platform_without_local_blobs_is_reported_clearly() {
    let dir = tmp();
    let multi = MultiPlatform::new(vec![
        platform_image("amd64", "amd"),
        platform_image("arm64", "arm"),
    ])
    .attestations()
    .missing("linux/arm64");
    multi.write_oci_layout(dir.path()).unwrap();
    assert_eq!(read(dir.path()).layers[0].entries[0].path, "amd");
    let opts = Options {
        platform: Some("linux/arm64".into()),
        ..Options::default()
    };
    match open(dir.path(), &opts) {
        Err(e @ Error::MissingBlob { .. }) => {
            assert!(e.to_string().contains("linux/arm64"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_foreign_layer_is_a_warning() {
    let dir = tmp();
    let spec = ImageSpec::new()
        .layer_spec(LayerSpec::new(vec![EntrySpec::file("Windows/x", "x")]).foreign())
        .layer(vec![EntrySpec::file("app/a", "a")]);
    for format in [Format::OciLayout, Format::OciArchive] {
        let image = read(&write(&spec, format, dir.path()));
        assert_eq!(image.layers.len(), 2);
        assert!(image.layers[0].entries.is_empty());
        assert_eq!(image.layers[1].entries[0].path, "app/a");
        assert!(
            image.warnings[0].contains("foreign layer"),
            "{:?}",
            image.warnings
        );
    }
}

#[test]
fn missing_needed_blob_is_an_error() {
    let dir = tmp();
    let spec =
        ImageSpec::new().layer_spec(LayerSpec::new(vec![EntrySpec::file("a", "a")]).omit_blob());
    for format in Format::ALL {
        let path = write(&spec, format, dir.path());
        match open(&path, &Options::default()) {
            Err(e @ Error::MissingBlob { .. }) => assert!(e.to_string().contains("layer 0"), "{e}"),
            other => panic!("{format:?}: {other:?}"),
        }
    }
}

#[test]
fn gzip_compressed_docker_save_is_read() {
    let dir = tmp();
    let tar = write(&sample(), Format::DockerLegacy, dir.path());
    let gz = dir.path().join("image.tar.gz");
    let bytes = seguro_image::build::gzip(&std::fs::read(&tar).unwrap(), 1).unwrap();
    std::fs::write(&gz, bytes).unwrap();
    let a = read(&tar);
    let b = read(&gz);
    assert_same_model(&a, &b, "gzip outer");
}

#[test]
fn docker_25_0_0_index_without_layers_falls_back_to_manifest_json() {
    // moby#47065: Docker 25.0.0 wrote an OCI manifest with no layers.
    let dir = tmp();
    let spec = sample();
    let good = read(&write(&spec, Format::DockerOci, dir.path()));
    let broken = dir.path().join("broken.tar");
    rewrite_tar(
        &write(&spec, Format::DockerOci, dir.path()),
        &broken,
        |name, data| {
            if name == "index.json" {
                return Some(br#"{"schemaVersion":2,"manifests":null}"#.to_vec());
            }
            let _ = data;
            None
        },
    );
    let image = read(&broken);
    assert_eq!(image.format, Some(SourceFormat::DockerSaveLegacy));
    assert!(
        image
            .warnings
            .iter()
            .any(|w| w.contains("index.json not used")),
        "{:?}",
        image.warnings
    );
    assert_same_model(&good, &image, "fallback");
}

/// Copies a tar, replacing the data of members for which `f` returns new bytes.
pub fn rewrite_tar(from: &Path, to: &Path, f: impl Fn(&str, &[u8]) -> Option<Vec<u8>>) {
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

/// A blob source that is not a file: what a registry client plugs in.
struct MemorySource(std::collections::HashMap<String, Vec<u8>>);

impl seguro_image::BlobSource for MemorySource {
    fn describe(&self) -> String {
        "memory".into()
    }
    fn open_blob(
        &self,
        digest: &seguro_image::digest::Digest,
        _size: Option<u64>,
    ) -> std::io::Result<Option<Box<dyn std::io::Read + '_>>> {
        Ok(self
            .0
            .get(digest.as_str())
            .map(|b| Box::new(b.as_slice()) as Box<dyn std::io::Read>))
    }
}

#[test]
fn read_oci_from_any_blob_source() {
    let dir = tmp();
    let layout = write(&sample(), Format::OciLayout, dir.path());
    let mut blobs = std::collections::HashMap::new();
    for f in std::fs::read_dir(layout.join("blobs/sha256")).unwrap() {
        let f = f.unwrap();
        let name = format!("sha256:{}", f.file_name().to_string_lossy());
        blobs.insert(name, std::fs::read(f.path()).unwrap());
    }
    let source = MemorySource(blobs);
    let index = std::fs::read(layout.join("index.json")).unwrap();
    let from_memory = seguro_image::read_oci(&source, &index, &Options::default()).unwrap();
    let from_disk = read(&layout);
    assert_same_model(&from_disk, &from_memory, "memory source");
    assert_eq!(from_memory.manifest_digest, from_disk.manifest_digest);
    // A registry resolves a tag to the manifest itself: that works as the root too.
    let manifest = &source.0[from_disk.manifest_digest.as_deref().unwrap()];
    let direct = seguro_image::read_oci(&source, manifest, &Options::default()).unwrap();
    assert_same_model(&from_disk, &direct, "manifest root");
    assert_eq!(direct.manifest_digest, from_disk.manifest_digest);
}

#[test]
fn zstd_frame_with_a_huge_window_is_refused_not_raised() {
    // libzstd's default 128 MiB window limit is kept as a memory guard.
    let tar = seguro_image::build::layer_tar(&[EntrySpec::file("a", "a")]).unwrap();
    let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    enc.window_log(30).unwrap();
    enc.long_distance_matching(true).unwrap();
    std::io::Write::write_all(&mut enc, &tar).unwrap();
    let blob = enc.finish().unwrap();
    let dir = tmp();
    let spec = ImageSpec::new()
        .layer_spec(LayerSpec::raw(blob).diff_id(&seguro_image::digest::sha256_digest(&tar)));
    match open(
        &write(&spec, Format::OciLayout, dir.path()),
        &Options::default(),
    ) {
        Err(e @ Error::Unsupported { .. }) => assert!(e.to_string().contains("window"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_stream_is_spooled_and_read() {
    let dir = tmp();
    let tar = write(&sample(), Format::DockerContainerd, dir.path());
    let reference = read(&tar);
    let gz = seguro_image::build::gzip(&std::fs::read(&tar).unwrap(), 2).unwrap();
    let image =
        seguro_image::open_reader(&mut gz.as_slice(), "stdin", &Options::default()).unwrap();
    assert_same_model(&reference, &image, "stream");
    assert_eq!(image.source, "stdin");
    // The spool is capped too.
    let mut opts = Options::default();
    opts.limits.max_image_bytes = 1000;
    assert!(matches!(
        seguro_image::open_reader(&mut gz.as_slice(), "stdin", &opts),
        Err(Error::LimitExceeded {
            limit: "max_image_bytes",
            ..
        })
    ));
}

#[test]
fn repeated_layer_is_a_symlink_inside_docker_save() {
    let dir = tmp();
    let same = vec![EntrySpec::file("etc/motd", "hi")];
    let spec = ImageSpec::new()
        .layer(same.clone())
        .layer(vec![EntrySpec::file("x", "x")])
        .layer(same);
    let path = write(&spec, Format::DockerLegacy, dir.path());
    // The third layer.tar is a symlink member pointing at the first.
    let mut links = 0;
    for e in tar::Archive::new(std::fs::File::open(&path).unwrap())
        .entries()
        .unwrap()
    {
        let e = e.unwrap();
        if e.header().entry_type() == tar::EntryType::Symlink {
            links += 1;
            assert!(e.link_name().unwrap().unwrap().starts_with(".."));
        }
    }
    assert_eq!(links, 1);
    let image = read(&path);
    assert_eq!(image.layers.len(), 3);
    assert_eq!(image.layers[0].diff_id, image.layers[2].diff_id);
    assert_eq!(image.layers[2].entries[0].path, "etc/motd");
}

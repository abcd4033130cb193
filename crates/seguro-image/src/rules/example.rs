//! A small text notation for images, used by the rules' documentation examples and
//! tests: each line sets a config field or adds a history step, a layer or an entry.
//!
//! ```text
//! # comment lines and blank lines are ignored
//! name app:1.4.2
//! config User=app
//! config Env=PATH=/usr/bin:/bin
//! config ExposedPorts=8080/tcp
//! config Labels=org.opencontainers.image.version=1.4.2
//! config Healthcheck=CMD curl -f http://localhost:8080/
//! config Shell=/bin/bash -c
//! annotation org.opencontainers.image.revision=abc123
//! history ENV A=b
//! layer RUN /bin/sh -c make # buildkit
//! file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\n"  # a comment
//! file /usr/bin/su 4755 uid=0 gid=0
//! file /var/cache/big.tar size=20M
//! file /usr/bin/ping 0755 xattr=security.capability:0100000200200000000000000000000000000000
//! dir /app 0755
//! symlink /bin/sh busybox
//! hardlink /usr/local/bin/pw /usr/bin/passwd 4755
//! delete /root/.npmrc                    # a whiteout
//! opaque /var/cache                      # an opaque whiteout
//! hazard parent-traversal                # marks the previous entry
//! ```
//!
//! `name` adds a tag or name the source gives the image; `config Field=value` sets a config
//! field (`Env`, `ExposedPorts`, `Labels`, `Volumes` add one entry each; `Healthcheck` takes
//! `NONE`, `CMD prog args…` or `CMD-SHELL script`; `Shell`, `Cmd`, `Entrypoint` are words);
//! `annotation` adds a manifest annotation; `history TEXT` adds a history step that made no
//! layer and `layer [TEXT]` a new layer with the step that made it (both take `TEXT` as
//! `created_by`, verbatim). The entry lines (`file`, `dir`, `symlink`, `hardlink`,
//! `delete` for a whiteout, `opaque` for an opaque whiteout) go into the last layer and may
//! end with a ` # comment`; `hazard NAME` marks the entry before it.
//!
//! Modes are octal (default `0644` for files, `0755` for directories, `0777` for
//! symlinks); `size=` takes `K`, `M`, `G` suffixes; a quoted string is the file's
//! content (escapes `\n`, `\t`, `\\`, `\"`, `\xHH`); entries before the first `layer` line
//! go into a first layer.

use crate::model::{
    Entry, EntryKind, Hazard, Healthcheck, History, Image, ImageConfig, Layer, SourceFormat,
};

/// Builds the [`Image`] a description gives, or says which line is wrong.
pub fn example_image(text: &str) -> Result<Image, String> {
    let mut img = Image {
        source: "example".to_string(),
        format: Some(SourceFormat::OciLayout),
        config: ImageConfig {
            architecture: "amd64".into(),
            os: "linux".into(),
            ..ImageConfig::default()
        },
        platform: Some("linux/amd64".into()),
        ..Image::default()
    };
    for (n, raw) in text.lines().enumerate() {
        line(&mut img, raw).map_err(|e| format!("line {}: {e}: `{}`", n + 1, raw.trim()))?;
    }
    for (i, layer) in img.layers.iter_mut().enumerate() {
        layer.index = i;
        let fake = format!("{:064x}", 0xa11ce000_u64 + i as u64);
        layer.digest = format!("sha256:{fake}");
        layer.diff_id = format!("sha256:{fake}");
        layer.tar_size = layer
            .entries
            .iter()
            .map(|e| 512 + e.size.div_ceil(512) * 512)
            .sum();
        layer.stored_size = layer.tar_size;
        layer.media_type = "application/vnd.oci.image.layer.v1.tar".into();
    }
    img.config.diff_ids = img.layers.iter().map(|l| l.diff_id.clone()).collect();
    img.config_digest = format!("sha256:{:064x}", 0xc0f1_u64);
    Ok(img)
}

/// The same image as a [`crate::build::ImageSpec`], to write as a real image in any
/// format. A file given only a `size=` gets that many zero bytes. Of the hazards, only
/// those a tar name can carry are written (`parent-traversal`: `../../` before the name,
/// `absolute-name`: a leading `/`, `duplicate`: the entry twice, `non-utf8-name`: a
/// `0xff` byte after it); the others are an error.
pub fn example_spec(text: &str) -> Result<crate::build::ImageSpec, String> {
    use crate::build::{EntrySpec, ImageSpec};
    let img = example_image(text)?;
    let c = &img.config;
    let mut config = serde_json::json!({
        "User": c.user,
        "Env": c.env,
        "Labels": c.labels,
        "ExposedPorts": c.exposed_ports.iter().map(|p| (p.clone(), serde_json::json!({}))).collect::<serde_json::Map<_, _>>(),
    });
    if !c.volumes.is_empty() {
        config["Volumes"] = c
            .volumes
            .iter()
            .map(|v| (v.clone(), serde_json::json!({})))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    for (key, words) in [
        ("Cmd", &c.cmd),
        ("Entrypoint", &c.entrypoint),
        ("Shell", &c.shell),
    ] {
        if !words.is_empty() {
            config[key] = serde_json::json!(words);
        }
    }
    if !c.working_dir.is_empty() {
        config["WorkingDir"] = serde_json::json!(c.working_dir);
    }
    if let Some(h) = &c.healthcheck {
        config["Healthcheck"] = serde_json::json!({ "Test": h.test });
    }
    let history: Vec<serde_json::Value> = c
        .history
        .iter()
        .map(|h| serde_json::json!({"created_by": h.created_by, "empty_layer": h.empty_layer}))
        .collect();
    let mut spec = ImageSpec::new().config(serde_json::json!({
        "architecture": c.architecture,
        "os": c.os,
        "config": config,
        "history": history,
    }));
    for name in &img.names {
        spec = spec.name(name);
    }
    for (k, v) in &img.annotations {
        spec = spec.annotation(k, v);
    }
    for layer in &img.layers {
        let mut entries = Vec::new();
        for e in &layer.entries {
            let mut name = e.path.clone().into_bytes();
            let spec_entry = match e.kind {
                EntryKind::File => EntrySpec::file(
                    name.clone(),
                    e.content
                        .clone()
                        .unwrap_or_else(|| vec![0; e.size as usize]),
                ),
                EntryKind::Dir => EntrySpec::dir(name.clone()),
                EntryKind::Symlink => {
                    EntrySpec::symlink(name.clone(), e.link.clone().unwrap_or_default())
                }
                EntryKind::Hardlink => {
                    EntrySpec::hardlink(name.clone(), e.link.clone().unwrap_or_default())
                }
                EntryKind::Whiteout => EntrySpec::whiteout(&e.path),
                EntryKind::OpaqueWhiteout => EntrySpec::opaque(&e.path),
                _ => return Err(format!("`{}`: entry kind not written", e.path)),
            };
            let mut spec_entry = spec_entry.owner(e.uid, e.gid);
            if !matches!(e.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout) {
                spec_entry = spec_entry.mode(e.mode);
            }
            for (k, v) in &e.xattrs {
                spec_entry = spec_entry.xattr(k, v.clone());
            }
            match &e.hazard {
                None => entries.push(spec_entry),
                Some(Hazard::ParentTraversal) => {
                    name.splice(0..0, b"../../".iter().copied());
                    spec_entry.name = name;
                    entries.push(spec_entry);
                }
                Some(Hazard::AbsoluteName) => {
                    name.insert(0, b'/');
                    spec_entry.name = name;
                    entries.push(spec_entry);
                }
                Some(Hazard::Duplicate) => {
                    entries.push(spec_entry.clone());
                    entries.push(spec_entry);
                }
                Some(Hazard::NonUtf8Name) => {
                    name.push(0xff);
                    spec_entry.name = name;
                    entries.push(spec_entry);
                }
                Some(other) => return Err(format!("hazard {other:?} is not written")),
            }
        }
        spec = spec.layer(entries);
    }
    Ok(spec)
}

fn line(img: &mut Image, raw: &str) -> Result<(), String> {
    let text = raw.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(());
    }
    let (keyword, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    // History and config text is taken as written (`# buildkit`, `#(nop)` are part of it);
    // entry lines may end with a ` # comment`.
    let rest = match keyword {
        "name" | "annotation" | "config" | "history" | "layer" => rest.trim(),
        _ => strip_comment(rest.trim()),
    };
    match keyword {
        "name" => img.names.push(rest.to_string()),
        "annotation" => {
            let (k, v) = rest.split_once('=').ok_or("expected KEY=VALUE")?;
            img.annotations.insert(k.to_string(), v.to_string());
        }
        "config" => config(&mut img.config, rest)?,
        "history" => img.config.history.push(History {
            created_by: rest.to_string(),
            empty_layer: true,
            ..History::default()
        }),
        "layer" => new_layer(img, rest),
        "file" | "dir" | "symlink" | "hardlink" | "delete" | "opaque" => {
            let entry = entry(keyword, rest)?;
            if img.layers.is_empty() {
                new_layer(img, "");
            }
            img.layers
                .last_mut()
                .expect("a layer exists")
                .entries
                .push(entry);
        }
        "hazard" => {
            let e = img
                .layers
                .last_mut()
                .and_then(|l| l.entries.last_mut())
                .ok_or("`hazard` needs an entry before it")?;
            e.hazard = Some(hazard(rest)?);
        }
        other => return Err(format!("unknown keyword `{other}`")),
    }
    Ok(())
}

/// Drops a ` # comment` (outside quotes).
fn strip_comment(s: &str) -> &str {
    let mut quoted = false;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match c {
            '"' if prev != '\\' => quoted = !quoted,
            '#' if !quoted && prev.is_whitespace() => return s[..i].trim_end(),
            _ => {}
        }
        prev = c;
    }
    s
}

fn new_layer(img: &mut Image, created_by: &str) {
    let index = img.layers.len();
    img.config.history.push(History {
        created_by: created_by.to_string(),
        empty_layer: false,
        layer: Some(index),
        ..History::default()
    });
    img.layers.push(Layer {
        index,
        history: Some(img.config.history.len() - 1),
        ..Layer::default()
    });
}

fn config(c: &mut ImageConfig, rest: &str) -> Result<(), String> {
    let (key, value) = rest.split_once('=').ok_or("expected Field=value")?;
    match key {
        "User" => c.user = value.to_string(),
        "Env" => c.env.push(value.to_string()),
        "ExposedPorts" => c.exposed_ports.push(value.to_string()),
        "Volumes" => c.volumes.push(value.to_string()),
        "Labels" => {
            let (k, v) = value.split_once('=').ok_or("expected Labels=KEY=VALUE")?;
            c.labels.insert(k.to_string(), v.to_string());
        }
        "Healthcheck" => {
            let value = value.trim();
            let test = match value.split_once(char::is_whitespace) {
                _ if value.is_empty() => Vec::new(),
                Some(("CMD-SHELL", script)) => vec!["CMD-SHELL".into(), script.trim().into()],
                Some((first, args)) => std::iter::once(first)
                    .chain(args.split_whitespace())
                    .map(str::to_string)
                    .collect(),
                None => vec![value.to_string()],
            };
            c.healthcheck = Some(Healthcheck {
                test,
                ..Healthcheck::default()
            });
        }
        "Shell" => c.shell = value.split_whitespace().map(str::to_string).collect(),
        "Cmd" => c.cmd = value.split_whitespace().map(str::to_string).collect(),
        "Entrypoint" => c.entrypoint = value.split_whitespace().map(str::to_string).collect(),
        "WorkingDir" => c.working_dir = value.to_string(),
        other => return Err(format!("unknown config field `{other}`")),
    }
    Ok(())
}

fn entry(keyword: &str, rest: &str) -> Result<Entry, String> {
    let words = tokens(rest)?;
    let mut words = words.into_iter();
    let path = words.next().ok_or("expected a path")?.text;
    let path = crate::check::normalize(&path);
    let mut e = Entry {
        path,
        kind: EntryKind::File,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 0,
        link: None,
        xattrs: Vec::new(),
        content: None,
        hazard: None,
    };
    match keyword {
        "dir" => {
            e.kind = EntryKind::Dir;
            e.mode = 0o755;
        }
        "symlink" => {
            e.kind = EntryKind::Symlink;
            e.mode = 0o777;
            e.link = Some(words.next().ok_or("expected a link target")?.text);
        }
        "hardlink" => {
            e.kind = EntryKind::Hardlink;
            e.mode = 0o755;
            let target = words.next().ok_or("expected a link target")?.text;
            e.link = Some(crate::check::normalize(&target));
        }
        "delete" => {
            e.kind = EntryKind::Whiteout;
            e.mode = 0;
        }
        "opaque" => {
            e.kind = EntryKind::OpaqueWhiteout;
            e.mode = 0;
        }
        _ => {}
    }
    for w in words {
        if w.quoted {
            e.size = w.bytes.len() as u64;
            e.content = Some(w.bytes);
        } else if let Some(v) = w.text.strip_prefix("size=") {
            e.size = size(v)?;
        } else if let Some(v) = w.text.strip_prefix("uid=") {
            e.uid = v.parse().map_err(|_| format!("bad uid `{v}`"))?;
        } else if let Some(v) = w.text.strip_prefix("gid=") {
            e.gid = v.parse().map_err(|_| format!("bad gid `{v}`"))?;
        } else if let Some(v) = w.text.strip_prefix("xattr=") {
            let (name, hex) = v.split_once(':').unwrap_or((v, ""));
            e.xattrs.push((name.to_string(), from_hex(hex)?));
        } else if w.text.len() >= 3 && w.text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            e.mode = u32::from_str_radix(&w.text, 8).map_err(|e| e.to_string())?;
        } else {
            return Err(format!("unexpected `{}`", w.text));
        }
    }
    Ok(e)
}

fn hazard(name: &str) -> Result<Hazard, String> {
    Ok(match name {
        "parent-traversal" => Hazard::ParentTraversal,
        "absolute-name" => Hazard::AbsoluteName,
        "link-escape" => Hazard::LinkEscape,
        "dangling-hardlink" => Hazard::DanglingHardlink,
        "overlay-whiteout" => Hazard::OverlayWhiteout,
        "duplicate" => Hazard::Duplicate,
        "bad-whiteout" => Hazard::BadWhiteout,
        "non-utf8-name" => Hazard::NonUtf8Name,
        other => return Err(format!("unknown hazard `{other}`")),
    })
}

fn size(v: &str) -> Result<u64, String> {
    let (num, mult) = match v.chars().last() {
        Some('K') => (&v[..v.len() - 1], 1024),
        Some('M') => (&v[..v.len() - 1], 1024 * 1024),
        Some('G') => (&v[..v.len() - 1], 1024 * 1024 * 1024),
        _ => (v, 1),
    };
    num.parse::<u64>()
        .map(|n| n * mult)
        .map_err(|_| format!("bad size `{v}`"))
}

fn from_hex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd hex `{s}`"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| format!("bad hex `{s}`")))
        .collect()
}

struct Token {
    text: String,
    bytes: Vec<u8>,
    quoted: bool,
}

/// Whitespace-separated words; `"…"` is one word with escapes.
fn tokens(s: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let mut bytes = Vec::new();
            loop {
                let c = chars.next().ok_or("unterminated string")?;
                match c {
                    '"' => break,
                    '\\' => match chars.next().ok_or("unterminated escape")? {
                        'n' => bytes.push(b'\n'),
                        't' => bytes.push(b'\t'),
                        '0' => bytes.push(0),
                        '\\' => bytes.push(b'\\'),
                        '"' => bytes.push(b'"'),
                        'x' => {
                            let h: String = chars.by_ref().take(2).collect();
                            bytes.push(
                                u8::from_str_radix(&h, 16).map_err(|_| format!("bad \\x{h}"))?,
                            );
                        }
                        other => return Err(format!("unknown escape `\\{other}`")),
                    },
                    c => {
                        let mut buf = [0; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            out.push(Token {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                bytes,
                quoted: true,
            });
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                w.push(c);
                chars.next();
            }
            out.push(Token {
                bytes: w.clone().into_bytes(),
                text: w,
                quoted: false,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_description() {
        let img = example_image(
            "name app:1\nconfig User=app\nconfig Env=A=b=c\nconfig Healthcheck=CMD-SHELL curl -f x || exit 1\n\
             history ENV A=b\nlayer RUN make # buildkit\nfile /etc/passwd 0600 \"a:x:0:0\\n\" uid=0\n\
             file /big size=2M\nsymlink /bin/sh busybox\nhardlink /x /etc/passwd 4755\ndelete /tmp/y\nhazard duplicate\n\
             layer\nopaque /var\nfile /cap xattr=security.capability:0102\n",
        )
        .unwrap();
        assert_eq!(img.names, ["app:1"]);
        assert_eq!(img.config.user, "app");
        assert_eq!(img.config.env, ["A=b=c"]);
        assert_eq!(
            img.config.healthcheck.as_ref().unwrap().test,
            ["CMD-SHELL", "curl -f x || exit 1"]
        );
        assert_eq!(img.config.history.len(), 3);
        assert!(img.config.history[0].empty_layer);
        assert_eq!(img.config.history[1].created_by, "RUN make # buildkit");
        assert_eq!(img.config.history[2].layer, Some(1));
        assert_eq!(img.layers.len(), 2);
        let l0 = &img.layers[0].entries;
        assert_eq!(l0[0].path, "etc/passwd");
        assert_eq!(l0[0].mode, 0o600);
        assert_eq!(l0[0].content.as_deref(), Some(&b"a:x:0:0\n"[..]));
        assert_eq!(l0[1].size, 2 * 1024 * 1024);
        assert_eq!(l0[2].link.as_deref(), Some("busybox"));
        assert_eq!(l0[3].kind, EntryKind::Hardlink);
        assert_eq!(l0[3].link.as_deref(), Some("etc/passwd"));
        assert!(l0[3].is_setuid());
        assert_eq!(l0[4].hazard, Some(Hazard::Duplicate));
        assert_eq!(img.layers[1].entries[1].xattrs[0].1, vec![1, 2]);
        assert!(img.layers[1].digest.starts_with("sha256:"));
        assert_eq!(img.layers[1].digest.len(), 71);
    }

    #[test]
    fn errors_name_the_line() {
        let e = example_image("layer\nfile /x 0644 \"open\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        assert!(
            example_image("bogus x")
                .unwrap_err()
                .contains("unknown keyword")
        );
        assert!(example_image("hazard duplicate").is_err());
        assert!(example_image("config Nope=1").is_err());
    }
}

//! Running the image rules (SI) over an [`Image`]: the merged filesystem view they read,
//! the accounts of `/etc/passwd`, `/etc/group` and `/etc/shadow`, and the diagnostics.
//!
//! An image finding is a [`Diagnostic`] with an empty span and a [`Location`] naming the
//! layer (index and digest) and the path, or the config field or history step; the
//! report's file is the image source as the user gave it.

use crate::model::{Entry, EntryKind, EntryRef, Image, Layer, MergedFs};
use crate::rules::{ImageRule, RULES};
use seguro_linter::diagnostic::{LayerRef, Location};
use seguro_linter::{Config, Diagnostic, RuleMeta, Severity};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Runs every image rule `config` enables over `image` and returns the findings, in rule
/// order. Secret values in messages are masked.
pub fn check(image: &Image, config: &Config) -> Vec<Diagnostic> {
    let view = View::new(image);
    let accounts = Accounts::read(&view);
    let file = Path::new(&image.source);
    let mut cx = ImageChecker {
        image,
        view: &view,
        accounts: &accounts,
        config,
        rule: RULES[0].meta(),
        severity: Severity::Error,
        diagnostics: Vec::new(),
    };
    for rule in RULES {
        let meta = rule.meta();
        if !config.is_enabled(meta, file) {
            continue;
        }
        cx.rule = meta;
        cx.severity = config.severity_of(meta);
        rule.check(&mut cx);
    }
    let mut out = cx.diagnostics;
    for d in &mut out {
        d.message = mask_text(&d.message);
        if let Some(help) = &d.help {
            d.help = Some(mask_text(help));
        }
    }
    out
}

/// Runs one rule alone over `image` (tests and rule documentation).
pub fn check_rule(image: &Image, rule: &dyn ImageRule) -> Vec<Diagnostic> {
    let config = Config {
        select: Some(vec![rule.meta().code]),
        ..Config::default()
    };
    check(image, &config)
}

/// `text` with every secret [`seguro_secrets::scan`] finds masked.
pub fn mask_text(text: &str) -> String {
    let findings = seguro_secrets::scan(text);
    if findings.is_empty() {
        text.to_string()
    } else {
        seguro_secrets::mask_in(text, &findings)
    }
}

/// What a rule's check reads and where it reports.
pub struct ImageChecker<'a> {
    pub image: &'a Image,
    /// The filesystem a container sees.
    pub view: &'a View<'a>,
    /// `/etc/passwd`, `/etc/group`, `/etc/shadow` of the merged view.
    pub accounts: &'a Accounts,
    pub config: &'a Config,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) severity: Severity,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> ImageChecker<'a> {
    /// Reports a finding of the running rule at `location`.
    pub fn report(&mut self, message: impl Into<String>, location: Location) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            code: self.rule.code,
            name: self.rule.name,
            severity: self.severity,
            message: message.into(),
            span: seguro_dockerfile_span(),
            help: None,
            fix: None,
            related: Vec::new(),
            location: Some(location),
        });
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// A layer's index and digest, as locations carry them.
    pub fn layer_ref(&self, layer: usize) -> Option<LayerRef> {
        self.image.layers.get(layer).map(|l| LayerRef {
            index: l.index,
            digest: l.digest.clone(),
        })
    }

    /// The place of a file: its layer and its absolute path.
    pub fn at_entry(&self, r: EntryRef) -> Location {
        Location {
            layer: self.layer_ref(r.layer),
            path: self.view.entry(r).map(|e| absolute(&e.path)),
            ..Location::default()
        }
    }

    /// The place of a config field (`config.User`).
    pub fn at_field(&self, field: impl Into<String>) -> Location {
        Location {
            field: Some(field.into()),
            ..Location::default()
        }
    }

    /// The place of a history step (and the layer it made, when known).
    pub fn at_history(&self, index: usize) -> Location {
        let layer = self
            .image
            .config
            .history
            .get(index)
            .and_then(|h| h.layer)
            .and_then(|l| self.layer_ref(l));
        Location {
            layer,
            history: Some(index),
            ..Location::default()
        }
    }

    /// How a layer is named in messages: `layer 3 (sha256:0123456789ab)`.
    pub fn layer_label(&self, layer: usize) -> String {
        self.image
            .layers
            .get(layer)
            .map_or_else(|| format!("layer {layer}"), Layer::label)
    }
}

/// The span of image findings: empty, at the start (they have a [`Location`] instead).
fn seguro_dockerfile_span() -> seguro_dockerfile::Span {
    seguro_dockerfile::Span::default()
}

/// `/etc/passwd` from `etc/passwd`.
pub fn absolute(path: &str) -> String {
    format!("/{path}")
}

/// Normalises a path as [`Entry::path`] is: relative to the root, no `.`, `..` resolved
/// lexically and clamped at the root, no trailing `/`.
pub fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.join("/")
}

/// Whether `path` is `dir` or lies below it (`dir` `""` is the root).
pub fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

/// The filesystem a container sees ([`Image::merged`]: every layer applied in order,
/// whiteouts and opaque directories honoured), with the lookups the rules need.
pub struct View<'a> {
    image: &'a Image,
    merged: MergedFs,
    /// `(layer, entry)` of every entry the merged view shows.
    visible: HashSet<(usize, usize)>,
    /// Every hardlink target path → the non-whiteout entries at that path, bottom first
    /// (so that following a hardlink costs no scan of the layers).
    targets: HashMap<String, Vec<EntryRef>>,
}

impl<'a> View<'a> {
    pub fn new(image: &'a Image) -> View<'a> {
        let merged = image.merged();
        let visible = merged.paths.values().map(|r| (r.layer, r.entry)).collect();
        let mut targets: HashMap<String, Vec<EntryRef>> = HashMap::new();
        for l in &image.layers {
            for e in &l.entries {
                if e.kind == EntryKind::Hardlink
                    && let Some(t) = e.link.as_deref()
                {
                    targets.entry(normalize(t)).or_default();
                }
            }
        }
        if !targets.is_empty() {
            for (li, l) in image.layers.iter().enumerate() {
                for (ei, e) in l.entries.iter().enumerate() {
                    if !is_whiteout(e)
                        && let Some(list) = targets.get_mut(e.path.as_str())
                    {
                        list.push(EntryRef {
                            layer: li,
                            entry: ei,
                        });
                    }
                }
            }
        }
        View {
            image,
            merged,
            visible,
            targets,
        }
    }

    /// The merged path table.
    pub fn merged(&self) -> &MergedFs {
        &self.merged
    }

    pub fn entry(&self, r: EntryRef) -> Option<&'a Entry> {
        self.image.layers.get(r.layer)?.entries.get(r.entry)
    }

    /// Every path of the merged view with its entry, sorted by path.
    pub fn entries(&self) -> impl Iterator<Item = (EntryRef, &'a Entry)> + '_ {
        self.merged
            .paths
            .values()
            .filter_map(|r| Some((*r, self.entry(*r)?)))
    }

    /// Whether this exact entry is what the merged view shows (not deleted or replaced by
    /// a later layer).
    pub fn is_visible(&self, r: EntryRef) -> bool {
        self.visible.contains(&(r.layer, r.entry))
    }

    /// The entry at exactly `path` (normalised, symlinks not followed).
    pub fn get(&self, path: &str) -> Option<(EntryRef, &'a Entry)> {
        let r = self.merged.get(&normalize(path))?;
        Some((r, self.entry(r)?))
    }

    /// `path` with every symlink in it followed (the last component too when
    /// `follow_last`), resolved against the image root; `None` for a symlink loop.
    pub fn resolve_path(&self, path: &str, follow_last: bool) -> Option<String> {
        let path = normalize(path);
        if follow_last {
            self.merged.resolve(&path)
        } else {
            self.merged.resolve_parent(&path)
        }
    }

    /// The entry a container finds at `path`, symlinks followed (a hardlink is returned
    /// itself; [`View::data_entry`] gives its data).
    pub fn lookup(&self, path: &str) -> Option<(EntryRef, &'a Entry)> {
        self.get(&self.resolve_path(path, true)?)
    }

    /// The entry holding the data of `r`: itself, or for a hardlink its target (in the
    /// same layer before it, else the closest lower layer).
    pub fn data_entry(&self, r: EntryRef) -> Option<(EntryRef, &'a Entry)> {
        let mut r = r;
        for _ in 0..8 {
            let e = self.entry(r)?;
            if e.kind != EntryKind::Hardlink {
                return Some((r, e));
            }
            let target = normalize(e.link.as_deref()?);
            r = self.find_below(r, &target)?;
        }
        None
    }

    /// The latest entry at `path` before `r` (in `r`'s layer, then lower layers).
    fn find_below(&self, r: EntryRef, path: &str) -> Option<EntryRef> {
        self.targets
            .get(path)?
            .iter()
            .rev()
            .find(|t| (t.layer, t.entry) < (r.layer, r.entry))
            .copied()
    }

    /// The kept content of the file a container reads at `path` (symlinks and hardlinks
    /// followed); `None` when absent, not a file, or not kept by the reader.
    pub fn content(&self, path: &str) -> Option<(EntryRef, &'a [u8])> {
        let (r, _) = self.lookup(path)?;
        let (_, e) = self.data_entry(r)?;
        if e.kind != EntryKind::File {
            return None;
        }
        Some((r, e.content.as_deref()?))
    }

    /// Whether a container finds a non-directory at `path` (symlinks followed).
    pub fn has_file(&self, path: &str) -> bool {
        self.lookup(path)
            .is_some_and(|(_, e)| !matches!(e.kind, EntryKind::Dir | EntryKind::Symlink))
    }

    /// Where a program is found through `path_var` (a `PATH` value), or `None`.
    pub fn which(&self, program: &str, path_var: &str) -> Option<String> {
        if program.contains('/') {
            return self
                .has_file(program)
                .then(|| absolute(&normalize(program)));
        }
        path_var
            .split(':')
            .filter(|d| !d.is_empty())
            .map(|d| format!("{}/{program}", d.trim_end_matches('/')))
            .find(|p| self.has_file(p))
            .map(|p| absolute(&normalize(&p)))
    }

    /// Whether the merged view has no path at all (every layer empty or missing).
    pub fn is_empty(&self) -> bool {
        self.merged.paths.is_empty()
    }
}

fn is_whiteout(e: &Entry) -> bool {
    matches!(e.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout)
}

/// One `/etc/passwd` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasswdUser {
    pub name: String,
    /// The second field (`x` when the password is in `/etc/shadow`).
    pub password: String,
    pub uid: Option<u64>,
    pub gid: Option<u64>,
    /// 1-based line number.
    pub line: usize,
}

/// One `/etc/group` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupEntry {
    pub name: String,
    pub gid: Option<u64>,
    pub line: usize,
}

/// One `/etc/shadow` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShadowEntry {
    pub name: String,
    /// The hash field (empty: no password; `*`, `!`: locked).
    pub hash: String,
    pub line: usize,
}

/// An account file of the merged view: where it is and its lines.
#[derive(Clone, Debug, Default)]
pub struct AccountFile<T> {
    /// The entry a container reads at the path (symlinks followed); `None` when absent
    /// or its content was not kept.
    pub entry: Option<EntryRef>,
    pub lines: Vec<T>,
}

/// The accounts of the merged view. Lines with fewer fields than needed or an empty
/// name, comments and NIS `+`/`-` lines are skipped, never a panic.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    pub passwd: AccountFile<PasswdUser>,
    pub group: AccountFile<GroupEntry>,
    pub shadow: AccountFile<ShadowEntry>,
}

impl Accounts {
    pub fn read(view: &View<'_>) -> Accounts {
        Accounts {
            passwd: read_file(view, "etc/passwd", |f, line| {
                (f.len() >= 3 && !f[0].is_empty()).then(|| PasswdUser {
                    name: f[0].to_string(),
                    password: f[1].to_string(),
                    uid: f[2].trim().parse().ok(),
                    gid: f.get(3).and_then(|g| g.trim().parse().ok()),
                    line,
                })
            }),
            group: read_file(view, "etc/group", |f, line| {
                (f.len() >= 3 && !f[0].is_empty()).then(|| GroupEntry {
                    name: f[0].to_string(),
                    gid: f[2].trim().parse().ok(),
                    line,
                })
            }),
            shadow: read_file(view, "etc/shadow", |f, line| {
                (f.len() >= 2 && !f[0].is_empty()).then(|| ShadowEntry {
                    name: f[0].to_string(),
                    hash: f[1].to_string(),
                    line,
                })
            }),
        }
    }

    /// The passwd user called `name`.
    pub fn user(&self, name: &str) -> Option<&PasswdUser> {
        self.passwd.lines.iter().find(|u| u.name == name)
    }

    /// The group called `name`.
    pub fn group(&self, name: &str) -> Option<&GroupEntry> {
        self.group.lines.iter().find(|g| g.name == name)
    }
}

fn read_file<T>(
    view: &View<'_>,
    path: &str,
    parse: impl Fn(&[&str], usize) -> Option<T>,
) -> AccountFile<T> {
    let Some((r, bytes)) = view.content(path) else {
        return AccountFile {
            entry: view.lookup(path).map(|(r, _)| r),
            lines: Vec::new(),
        };
    };
    let text = String::from_utf8_lossy(bytes);
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && !t.starts_with('+') && !t.starts_with('-')
        })
        .filter_map(|(i, l)| {
            let fields: Vec<&str> = l.split(':').collect();
            parse(&fields, i + 1)
        })
        .collect();
    AccountFile {
        entry: Some(r),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::example::example_image;

    fn view_of(desc: &str) -> Image {
        example_image(desc).expect("example parses")
    }

    #[test]
    fn whiteouts_hide_lower_layers_only() {
        let img = view_of(
            "layer\nfile /a/x\nfile /a/y\nfile /b\nlayer\ndelete /a\nfile /a/z\ndelete /b\nfile /c\n",
        );
        let v = View::new(&img);
        let paths: Vec<&str> = v.merged().paths.keys().map(String::as_str).collect();
        assert_eq!(paths, ["a/z", "c"]);
    }

    #[test]
    fn opaque_directories() {
        let img = view_of("layer\ndir /d\nfile /d/old\nlayer\nopaque /d\nfile /d/new\n");
        let v = View::new(&img);
        assert!(v.get("d/new").is_some());
        assert!(v.get("d/old").is_none());
        assert!(v.get("d").is_some());
    }

    #[test]
    fn a_file_over_a_directory_hides_its_contents() {
        let img = view_of("layer\ndir /d\nfile /d/x\nlayer\nfile /d\n");
        let v = View::new(&img);
        assert!(v.get("d/x").is_none());
        assert_eq!(v.get("d").unwrap().1.kind, EntryKind::File);
    }

    #[test]
    fn symlinks_resolve_inside_the_root() {
        let img = view_of(
            "layer\ndir /usr/lib\nfile /usr/lib/os-release 0644 \"ID=x\"\nsymlink /etc/os-release ../usr/lib/os-release\nsymlink /lib usr/lib\nsymlink /up ../../../../usr/lib/os-release\nsymlink /loop1 loop2\nsymlink /loop2 loop1\n",
        );
        let v = View::new(&img);
        assert_eq!(v.content("etc/os-release").unwrap().1, b"ID=x");
        assert_eq!(v.content("/lib/os-release").unwrap().1, b"ID=x");
        assert_eq!(v.content("up").unwrap().1, b"ID=x");
        assert!(v.lookup("loop1").is_none());
        assert_eq!(v.resolve_path("lib/x", true).unwrap(), "usr/lib/x");
        assert_eq!(v.resolve_path("lib", false).unwrap(), "lib");
    }

    #[test]
    fn hardlinks_read_their_target() {
        let img = view_of(
            "layer\nfile /etc/passwd.real 0644 \"root:x:0:0::/root:/bin/sh\\n\"\nlayer\nhardlink /etc/passwd /etc/passwd.real\n",
        );
        let v = View::new(&img);
        assert_eq!(
            v.content("etc/passwd").unwrap().1,
            b"root:x:0:0::/root:/bin/sh\n"
        );
        let acc = Accounts::read(&v);
        assert_eq!(acc.user("root").unwrap().uid, Some(0));
    }

    #[test]
    fn short_account_lines_do_not_panic() {
        let img = view_of(
            "layer\nfile /etc/passwd 0644 \"root\\nbad:x\\n:::\\napp:x:1000\\n# c\\n+nis\\n\"\nfile /etc/group 0644 \"g\\nstaff:x:50:\\n\"\nfile /etc/shadow 0640 \"root\\napp::1:::\\n\"\n",
        );
        let v = View::new(&img);
        let acc = Accounts::read(&v);
        let names: Vec<&str> = acc.passwd.lines.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["app"]);
        assert_eq!(acc.user("app").unwrap().gid, None);
        assert_eq!(acc.group.lines.len(), 1);
        assert_eq!(acc.shadow.lines.len(), 1);
    }

    #[test]
    fn which_follows_path() {
        let img = view_of(
            "layer\nfile /usr/bin/curl 0755\nsymlink /bin/sh busybox\nfile /bin/busybox 0755\n",
        );
        let v = View::new(&img);
        assert_eq!(
            v.which("curl", crate::rules::DEFAULT_PATH).as_deref(),
            Some("/usr/bin/curl")
        );
        assert_eq!(v.which("/bin/sh", "").as_deref(), Some("/bin/sh"));
        assert!(v.which("wget", crate::rules::DEFAULT_PATH).is_none());
    }

    #[test]
    fn paths_normalise_and_nest() {
        assert_eq!(normalize("/a/./b/../c/"), "a/c");
        assert_eq!(normalize("../../x"), "x");
        assert!(is_under("a/b/c", "a/b"));
        assert!(!is_under("a/bc", "a/b"));
        assert!(is_under("a/b", "a/b"));
        assert!(is_under("x", ""));
    }
}

//! Option parsing for program arguments: combined short flags, `--flag=value`, `--`, and
//! per-program tables of flags that take a value.

use crate::word::Word;

/// How a program spells its options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// GNU/getopt: `-abc` is `-a -b -c`, `--long[=value]`.
    Gnu,
    /// Go/Java style: `-flag`, `-flag=value`, `--flag` all name one long flag.
    SingleDash,
}

/// Flags of one program.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub(crate) style: Style,
    /// Flags that take a value, short (`-o`) and long (`--output`).
    pub(crate) takes_value: &'static [&'static str],
}

/// A spec with no known value-taking flags.
pub(crate) const GENERIC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[],
};

/// One option found in the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// `-y` for a short flag (also when written inside `-qy`), `--yes` for a long one.
    pub name: String,
    /// The value: attached (`-ofile`, `--out=file`) or the next argument for flags that take
    /// one.
    pub value: Option<Word>,
    /// Index into the command's `args` of the word the flag was written in.
    pub arg_index: usize,
}

/// Arguments split into options and positional arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedArgs {
    /// Options in order.
    pub flags: Vec<Flag>,
    /// Indices into `args` of the positional arguments (after `--` too).
    pub positionals: Vec<usize>,
}

impl ParsedArgs {
    /// Whether any of `names` was given (`-y` also matches `-qy`; long names match
    /// `--name=value`).
    #[must_use]
    pub fn has(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|f| names.contains(&f.name.as_str()))
    }

    /// The value of the first of `names` given.
    #[must_use]
    pub fn value(&self, names: &[&str]) -> Option<&Word> {
        self.flags
            .iter()
            .find(|f| names.contains(&f.name.as_str()))
            .and_then(|f| f.value.as_ref())
    }

    /// Values of every occurrence of `names`.
    pub fn values<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a Word> + 'a {
        self.flags
            .iter()
            .filter(move |f| names.contains(&f.name.as_str()))
            .filter_map(|f| f.value.as_ref())
    }
}

/// Parses `args` with `spec`.
pub(crate) fn parse(args: &[Word], spec: &Spec) -> ParsedArgs {
    let mut out = ParsedArgs {
        flags: Vec::new(),
        positionals: Vec::with_capacity(args.len()),
    };
    let mut i = 0;
    let mut only_positional = false;
    while i < args.len() {
        let w = &args[i];
        let t = w.text();
        if only_positional
            || !t.starts_with('-')
            || t == "-"
            || (w.value.is_none() && !w.raw.starts_with('-'))
        {
            out.positionals.push(i);
            i += 1;
            continue;
        }
        if t == "--" {
            only_positional = true;
            i += 1;
            continue;
        }
        let long = t.starts_with("--") || spec.style == Style::SingleDash;
        if long {
            let flag_index = i;
            let (name, attached) = match t.find('=') {
                Some(eq) => (&t[..eq], Some(eq + 1)),
                None => (t, None),
            };
            let name = if spec.style == Style::SingleDash && name.starts_with("--") {
                name[1..].to_owned()
            } else {
                name.to_owned()
            };
            let takes = spec.takes_value.contains(&name.as_str());
            let value = if let Some(at) = attached {
                Some(w.tail(at))
            } else if takes && i + 1 < args.len() {
                i += 1;
                Some(args[i].clone())
            } else {
                None
            };
            out.flags.push(Flag {
                name,
                value,
                arg_index: flag_index,
            });
            i += 1;
            continue;
        }
        // short cluster
        let index = i;
        let chars: Vec<(usize, char)> = t.char_indices().skip(1).collect();
        let mut k = 0;
        while k < chars.len() {
            let (pos, c) = chars[k];
            // (not `format!`: this runs for every short flag of every command)
            let mut name = String::with_capacity(1 + c.len_utf8());
            name.push('-');
            name.push(c);
            let next = pos + c.len_utf8();
            if next < t.len() && t.as_bytes()[next] == b'=' && k == 0 {
                // apt's `-q=2`, `-o=Opt=v`
                out.flags.push(Flag {
                    name,
                    value: Some(w.tail(next + 1)),
                    arg_index: index,
                });
                break;
            }
            if spec.takes_value.contains(&name.as_str()) {
                let value = if next < t.len() {
                    Some(w.tail(next))
                } else if i + 1 < args.len() {
                    i += 1;
                    Some(args[i].clone())
                } else {
                    None
                };
                out.flags.push(Flag {
                    name,
                    value,
                    arg_index: index,
                });
                break;
            }
            out.flags.push(Flag {
                name,
                value: None,
                arg_index: index,
            });
            k += 1;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn words(s: &str) -> Vec<Word> {
        s.split(' ')
            .map(|t| Word {
                raw: t.to_owned(),
                value: Some(t.to_owned()),
                span: Span::default(),
                quoted: false,
            })
            .collect()
    }

    const TAR: Spec = Spec {
        style: Style::Gnu,
        takes_value: &["-f", "-C", "--file", "--directory"],
    };

    #[test]
    fn clusters_and_values() {
        let a = words("-xzf file.tgz -C /opt --strip-components=1 x -- -y");
        let p = parse(&a, &TAR);
        assert!(p.has(&["-x"]) && p.has(&["-z"]));
        assert_eq!(p.value(&["-f"]).map(Word::text), Some("file.tgz"));
        assert_eq!(p.value(&["-C"]).map(Word::text), Some("/opt"));
        assert_eq!(p.value(&["--strip-components"]).map(Word::text), Some("1"));
        let pos: Vec<&str> = p.positionals.iter().map(|&i| a[i].text()).collect();
        assert_eq!(pos, ["x", "-y"]);
        assert!(!p.has(&["-y"]));
        let p = parse(&words("-qy -q=2 -ffile"), &TAR);
        assert!(p.has(&["-y"]));
        assert_eq!(p.values(&["-q"]).map(Word::text).collect::<Vec<_>>(), ["2"]);
        assert_eq!(p.value(&["-f"]).map(Word::text), Some("file"));
    }

    #[test]
    fn single_dash_style() {
        const GO: Spec = Spec {
            style: Style::SingleDash,
            takes_value: &["-o", "-ldflags"],
        };
        let a = words("-ldflags -s x@v1 -v");
        let p = parse(&a, &GO);
        assert_eq!(p.value(&["-ldflags"]).map(Word::text), Some("-s"));
        assert_eq!(p.positionals, [2]);
        assert!(p.has(&["-v"]));
    }
}

//! The key/value pairs of LABEL instructions, expanded as BuildKit expands them.

use crate::checker::Checker;
use seguro_dockerfile::{Kind, Span};

/// One `key=value` (or legacy `key value`) of a LABEL.
#[derive(Debug)]
pub(crate) struct Label {
    /// Index of the LABEL instruction.
    pub index: usize,
    pub key_span: Span,
    /// The key after expansion; `None` when it uses an unset variable.
    pub key: Option<String>,
    pub value_span: Span,
    /// The value after expansion; `None` when it uses an unset variable.
    pub value: Option<String>,
    /// The value as written refers to a variable.
    pub value_has_variable: bool,
    /// The value uses a build argument (ARG, not shadowed by ENV): its default is often a
    /// placeholder (`unknown`, `N/A`) replaced by `--build-arg` at build time.
    pub value_from_build_arg: bool,
}

/// Every label of every LABEL instruction (ONBUILD triggers not included), in order.
pub(crate) fn labels(cx: &Checker<'_>) -> std::rc::Rc<Vec<Label>> {
    cx.labels
        .get_or_init(|| std::rc::Rc::new(gather(cx)))
        .clone()
}

fn gather(cx: &Checker<'_>) -> Vec<Label> {
    let mut out = Vec::new();
    for (index, inst) in cx.of_kind(Kind::Label) {
        for triple in inst.args.chunks(3) {
            let [k, v, ..] = triple else { continue };
            let expand = |word: &str| {
                cx.model
                    .expand(word, index)
                    .filter(|e| e.unresolved.is_empty())
                    .map(|e| e.value)
            };
            out.push(Label {
                index,
                key_span: k.span,
                key: expand(&k.value),
                value_span: v.span,
                value: expand(&v.value),
                value_has_variable: v.value.contains('$'),
                value_from_build_arg: variables(&v.value).iter().any(|name| {
                    cx.model.state_before(index).is_some_and(|st| {
                        !st.env.iter().any(|(k, _)| k == name)
                            && st.args.iter().any(|(k, _)| k == name)
                    })
                }),
            });
        }
    }
    out
}

/// Names of the variables a word refers to (`$NAME`, `${NAME}`, `${NAME:-x}`).
fn variables(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let after = after.strip_prefix('{').unwrap_or(after);
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 {
            out.push(after[..len].to_string());
        }
        rest = &after[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn variables() {
        assert_eq!(super::variables("a$B-${C}/${D:-x}$"), ["B", "C", "D"]);
        assert!(super::variables("plain").is_empty());
    }
}

//! SG409: a GPG key fetched from a key server by a short or long key id.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::gpg::{KeyId, key_id};

declare_rule! {
    /// ## What it does
    /// Finds `gpg --recv-keys` / `--receive-keys` and `apt-key adv --recv-keys` naming a
    /// key by an 8-hex (short) or 16-hex (long) key id instead of its full 40-hex
    /// fingerprint. A key id written as a variable (`--recv-keys "$GPG_KEY"`) is judged by
    /// the value of that ARG/ENV.
    ///
    /// ## Why it matters
    /// A key id is a suffix of the fingerprint. Short ids collide easily (the Evil32 set
    /// cloned the short ids of the whole strong set in 2014) and long ids have been
    /// forged too; a key server happily returns any key with a matching suffix, and the
    /// signature check that follows then trusts the attacker's key. The Docker official
    /// images review asks for full fingerprints.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys 8A35F2AB
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4
    /// ```
    ///
    /// ## Fix
    /// None: the fingerprint must come from the publisher.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-347, CWE-328; chapter 3.1.4.
    pub struct GpgKeyShortId {
        code: "SG409",
        name: "gpg-key-short-id",
        severity: Warning,
        section: "3.1.4",
        aliases: [],
        fixable: None,
    }
}

impl Check for GpgKeyShortId {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            for (_, fetch) in script.key_fetches() {
                for (word, kind) in &fetch.keys {
                    let (kind, shown) = match (kind, &word.value) {
                        (KeyId::Other, None) => match resolve(cx, &word.raw, rs.instruction) {
                            Some(v) => {
                                let worst = v
                                    .split_whitespace()
                                    .map(key_id)
                                    .find(|k| matches!(k, KeyId::Short | KeyId::Long));
                                let Some(k) = worst else { continue };
                                (k, format!("{} (= `{v}`)", word.raw))
                            }
                            None => continue,
                        },
                        (k, _) => (*k, word.raw.clone()),
                    };
                    let what = match kind {
                        KeyId::Short => "a short (32-bit) key id",
                        KeyId::Long => "a long (64-bit) key id",
                        _ => continue,
                    };
                    found.push((
                        rs.file_span(inst, word.span),
                        format!("key `{shown}` fetched by {what}, not its fingerprint"),
                    ));
                }
            }
        }
        for (span, message) in found {
            cx.report(span, message)
                .set_help("name the key by its full 40-hex fingerprint (`gpg --fingerprint`)");
        }
    }
}

/// The value of a word that is exactly one ARG/ENV reference (`$K`, `"${K}"`).
fn resolve(cx: &Checker<'_>, raw: &str, i: usize) -> Option<String> {
    let t = raw.trim_matches('"');
    let name = t
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| t.strip_prefix('$'))?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let state = cx.model.state_before(i)?;
    if !state.declares(name) {
        return None;
    }
    let v = cx.expand(&format!("${{{name}}}"), i);
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG409",
            &[
                "FROM a\nRUN gpg --recv-keys 8A35F2AB\n",
                "FROM a\nRUN gpg --keyserver hkps://k --recv-keys 0x8A35F2AB\n",
                "FROM a\nRUN gpg --batch --recv-keys 036A9C25BF357DD4\n",
                "FROM a\nRUN apt-key adv --keyserver k --recv-keys 8A35F2AB\n",
                "FROM a\nENV GPG_KEY=8A35F2AB\nRUN gpg --recv-keys \"$GPG_KEY\"\n",
                "FROM a\nARG K=036A9C25BF357DD4\nRUN gpg --receive-keys ${K}\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG409",
            &[
                "FROM a\nRUN gpg --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4\n",
                "FROM a\nENV GPG_KEY=B42F6819007F00F88E364FD4036A9C25BF357DD4\nRUN gpg --recv-keys \"$GPG_KEY\"\n",
                "FROM a\nRUN for key in $KEYS; do gpg --recv-keys \"$key\"; done\n",
                "FROM a\nRUN gpg --keyid-format LONG -k FAF6989E1BC16FEA\n",
                "FROM a\nRUN gpg --verify x.asc x\n",
            ],
        );
    }
}

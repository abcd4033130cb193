//! The table of every rule: code → rule, gathered from each family's `RULES` list.

use crate::rule::{Rule, RuleMeta};
use crate::rules;
use std::sync::OnceLock;

/// Every rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    static RULES: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut all: Vec<&'static dyn Rule> = [
            rules::sg0::RULES,
            rules::sg1::RULES,
            rules::sg2::RULES,
            rules::sg3::RULES,
            rules::sg4::RULES,
            rules::sg5::RULES,
            rules::sg6::RULES,
            rules::sg7::RULES,
            rules::sg8::RULES,
            rules::sg9::RULES,
        ]
        .concat();
        all.sort_by_key(|r| r.meta().code);
        all
    })
}

/// The rule with this code, name or alias (case-insensitive).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    all().iter().map(|r| r.meta()).find(|m| {
        m.code.eq_ignore_ascii_case(key)
            || m.name.eq_ignore_ascii_case(key)
            || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    })
}

/// Rules a selector names: a code, a name, an alias (several rules may share one),
/// a code prefix (`SG3`), or `ALL`.
pub fn resolve(selector: &str) -> Vec<&'static RuleMeta> {
    let key = selector.trim();
    let metas = all().iter().map(|r| r.meta());
    if key.eq_ignore_ascii_case("all") {
        return metas.collect();
    }
    let exact: Vec<_> = metas
        .clone()
        .filter(|m| {
            m.code.eq_ignore_ascii_case(key)
                || m.name.eq_ignore_ascii_case(key)
                || m.aliases.iter().any(|a| alias_matches(a, key))
        })
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let upper = key.to_ascii_uppercase();
    if upper.starts_with("SG") && upper.len() < 5 {
        return metas.filter(|m| m.code.starts_with(&upper)).collect();
    }
    Vec::new()
}

/// `DL3051..DL3058`-style alias ranges match every id in the range.
fn alias_matches(alias: &str, key: &str) -> bool {
    if alias.eq_ignore_ascii_case(key) {
        return true;
    }
    let Some((lo, hi)) = alias.split_once("..") else {
        return false;
    };
    let split = |s: &str| {
        let digits = s.len() - s.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
        let (p, n) = s.split_at(digits);
        Some((p.to_ascii_uppercase(), n.parse::<u32>().ok()?))
    };
    let (Some((prefix, lo)), Some((key_prefix, k))) = (split(lo), split(key)) else {
        return false;
    };
    let hi = hi
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse::<u32>()
        .unwrap_or(lo);
    prefix == key_prefix && (lo..=hi).contains(&k)
}

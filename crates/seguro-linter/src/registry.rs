//! The table of every rule: code → rule, gathered from each family's `RULES` list.
//!
//! Dockerfile rules (`SG`) live here; families checked by other crates (image rules `SI`
//! in seguro-image, registry rules `SR`) add their metadata with [`register`], so that
//! codes, names, aliases, configuration, pragmas and documentation treat every rule alike.

use crate::rule::{Rule, RuleMeta};
use crate::rules;
use std::sync::{OnceLock, RwLock};

/// Metadata of rules registered by other crates, in code order.
static REGISTERED: RwLock<Vec<&'static RuleMeta>> = RwLock::new(Vec::new());

/// Adds rules checked outside this crate (by their metadata). Codes already known are
/// skipped, so registering a family twice is harmless.
pub fn register(metas: &[&'static RuleMeta]) {
    let mut table = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    for meta in metas {
        let known = table.iter().any(|m| m.code == meta.code)
            || all().iter().any(|r| r.meta().code == meta.code);
        if !known {
            table.push(meta);
        }
    }
    table.sort_by_key(|m| m.code);
}

/// Every rule's metadata: the Dockerfile rules of [`all`] and the [`register`]ed ones,
/// in code order.
pub fn metas() -> Vec<&'static RuleMeta> {
    let registered = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
    let mut out = Vec::with_capacity(all().len() + registered.len());
    // Both lists are in code order: merge them.
    let mut extra = registered.iter().copied().peekable();
    for meta in all().iter().map(|r| r.meta()) {
        while let Some(m) = extra.next_if(|m| m.code < meta.code) {
            out.push(m);
        }
        out.push(meta);
    }
    out.extend(extra);
    out
}

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

/// The rule with exactly this code (`SG201`), registered rules included: a binary search,
/// for reports that look a rule up per finding.
pub fn by_code(code: &str) -> Option<&'static RuleMeta> {
    let rules = all();
    if let Ok(i) = rules.binary_search_by(|r| r.meta().code.cmp(code)) {
        return Some(rules[i].meta());
    }
    let registered = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
    registered.iter().copied().find(|m| m.code == code)
}

/// The rule with this code, name or alias (case-insensitive), registered rules included.
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    let matches = |m: &&'static RuleMeta| {
        m.code.eq_ignore_ascii_case(key)
            || m.name.eq_ignore_ascii_case(key)
            || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    };
    // Reports look rules up once per finding: no allocation on this path.
    if let Some(m) = all().iter().map(|r| r.meta()).find(matches) {
        return Some(m);
    }
    let registered = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
    registered.iter().copied().find(matches)
}

/// Rules a selector names: a code, a name, an alias (several rules may share one),
/// a code prefix (`SG3`, `SI`), or `ALL`.
pub fn resolve(selector: &str) -> Vec<&'static RuleMeta> {
    let key = selector.trim();
    let metas = metas().into_iter();
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
    let family = upper
        .get(..2)
        .is_some_and(|f| f.bytes().all(|b| b.is_ascii_uppercase()));
    let digits = upper
        .get(2..)
        .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
    if upper.starts_with('S') && family && digits && upper.len() < 5 {
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

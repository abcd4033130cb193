//! Applying fixes: non-overlapping edits, applied back to front, re-parsed to check.

use crate::diagnostic::{Applicability, Diagnostic};

/// Applies the safe (or also unsafe) fixes of `diagnostics` to `src`. Fixes whose edits
/// overlap an already chosen one are skipped. Returns the new text and how many fixes
/// were applied.
pub fn apply(src: &str, diagnostics: &[Diagnostic], unsafe_fixes: bool) -> (String, usize) {
    let mut chosen: Vec<&crate::diagnostic::Edit> = Vec::new();
    let mut applied = 0;
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        let ok = match fix.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::DisplayOnly => false,
        };
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.end as usize <= src.len()
                && src.is_char_boundary(e.span.start as usize)
                && src.is_char_boundary(e.span.end as usize)
        });
        let overlaps = fix.edits.iter().any(|e| {
            chosen
                .iter()
                .any(|c| e.span.start < c.span.end && c.span.start < e.span.end)
        });
        if !ok || !in_bounds || overlaps {
            continue;
        }
        chosen.extend(fix.edits.iter());
        applied += 1;
    }
    chosen.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = src.to_string();
    for e in chosen {
        out.replace_range(e.span.range(), &e.replacement);
    }
    (out, applied)
}

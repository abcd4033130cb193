//! Fuzz target: parse arbitrary bytes, build the model, dump JSON and the s-expression;
//! every span must lie inside the input on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let df = seguro_dockerfile::parse(&text);
    let model = seguro_dockerfile::Model::new(&df);
    for (i, inst) in df.instructions.iter().enumerate() {
        for span in std::iter::once(inst.span)
            .chain(std::iter::once(inst.keyword_span))
            .chain(inst.flags.iter().map(|f| f.span))
            .chain(inst.args.iter().map(|a| a.span))
            .chain(inst.heredocs.iter().map(|h| h.span))
        {
            assert!(span.start <= span.end && span.end as usize <= text.len());
            assert!(text.is_char_boundary(span.start as usize));
        }
        let _ = model.expand(&inst.original, i);
    }
    let _ = serde_json::to_string(&seguro_dockerfile::dump::dump(&text, &df)).unwrap();
    let _ = seguro_dockerfile::dump::sexpr(&df);
});

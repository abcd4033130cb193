//! SG514: the build context is larger than a threshold (100 MB by default).

use super::context::{count, human_size};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Reports a build context that sends more than a threshold of file content (100 MB
    /// by default, `[rules.SG514] threshold-mb = 250` to change it), and lists its
    /// heaviest folders. Only when the Dockerfile reads the context (a `COPY`/`ADD`
    /// without `--from`): BuildKit does not transfer an unused context. Runs only with a
    /// build context.
    ///
    /// ## Why it matters
    /// Every build sends the context to the builder before the first instruction runs;
    /// with a remote builder or in CI that is a network upload each time. Large contexts
    /// are almost always a `.dockerignore` that forgot datasets, `node_modules`, build
    /// outputs or a virtualenv, and the same files then risk being copied into the
    /// image.
    ///
    /// ## Example
    /// ```dockerfile
    /// # context: data/train.parquet (300 MB)
    /// # context: app.py
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # context: data/train.parquet (300 MB)
    /// # context: app.py
    /// # context: .dockerignore = data\n
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// ```
    ///
    /// ## Fix
    /// None: add the heavy folders the image does not need to `.dockerignore`
    /// (`seguro context` shows what is sent).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.2.4.
    pub struct LargeContext {
        code: "SG514",
        name: "large-context",
        severity: Info,
        section: "3.2.4",
        aliases: [],
        fixable: None,
    }
}

/// The default threshold, in MB (10^6 bytes).
const DEFAULT_MB: f64 = 100.0;

impl Check for LargeContext {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(ctx) = cx.build_context() else {
            return;
        };
        let Some(files) = ctx.files() else {
            return;
        };
        let Some(first) = ctx.copies.first() else {
            return;
        };
        let mb = match cx.config.rule_option("SG514", "threshold-mb") {
            Some(toml::Value::Integer(n)) => *n as f64,
            Some(toml::Value::Float(f)) => *f,
            _ => DEFAULT_MB,
        };
        let threshold = (mb.max(0.0) * 1_000_000.0) as u64;
        let total = files.total_bytes();
        if total <= threshold {
            return;
        }
        let related = files
            .heaviest_folders(5)
            .into_iter()
            .map(|d| {
                ctx.related(
                    &d.path,
                    format!("{} in {}", human_size(d.bytes), count(d.files, "file")),
                )
            })
            .collect();
        let span = first.keyword_span;
        let d = cx.report(
            span,
            format!(
                "the build context sends {} in {} (threshold {})",
                human_size(total),
                count(files.files.len(), "file"),
                human_size(threshold)
            ),
        );
        d.set_help("keep what the image does not need out with .dockerignore; `seguro context` lists what is sent");
        d.related = related;
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sg5::test_context::{Ctx, related_files};

    const CODE: &str = "SG514";

    fn heavy(tag: &str) -> Ctx {
        Ctx::new(tag)
            .file("app.py", "print()")
            .sized("data/train.parquet", 150_000_000)
            .sized("data/raw/a.csv", 20_000_000)
            .sized("node_modules/x/index.js", 30_000_000)
            .sized("models/m.bin", 5_000_000)
    }

    #[test]
    fn fires() {
        let t = heavy("sg514-fire");
        let found = t.fail(CODE, "FROM python:3.12\nCOPY app.py /app/\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("205.0 MB in 6 files"),
            "{}",
            found[0].message
        );
        // Heaviest first; node_modules/x only repeats node_modules.
        assert_eq!(
            related_files(&found),
            [
                t.shown("data"),
                t.shown("node_modules"),
                t.shown("data/raw"),
                t.shown("models")
            ]
        );
        assert_eq!(found[0].related[0].message, "170.0 MB in 2 files");
        // A lower threshold from the configuration.
        let small = Ctx::new("sg514-config").sized("a.bin", 2_000_000);
        let found = small.lint_file(
            CODE,
            "Dockerfile",
            "FROM x\nCOPY a.bin /\n",
            "[rules.SG514]\nthreshold-mb = 1\n",
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn quiet() {
        let t = heavy("sg514-quiet").file(".dockerignore", "data\nnode_modules\n");
        t.pass(CODE, "FROM python:3.12\nCOPY app.py /app/\n");
        // The context is not sent when nothing reads it.
        let t = heavy("sg514-unused");
        t.pass(CODE, "FROM python:3.12\nRUN echo hi\n");
        t.pass(CODE, "FROM python:3.12\nCOPY --from=build /out /app\n");
        // Under the threshold.
        let t = Ctx::new("sg514-small").sized("a.bin", 99_000_000);
        t.pass(CODE, "FROM x\nCOPY a.bin /\n");
        crate::rules::test_support::pass(CODE, &["FROM x\nCOPY . /\n"]);
    }
}

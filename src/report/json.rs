//! `--format json`: a versioned document for scripts and other tools.
//!
//! The shape is a contract (documented in docs/github.md, "JSON output"):
//! fields are only ever added within a `version`; renaming or removing one
//! bumps `version`. Positions are 1-based, columns count Unicode scalar values,
//! `end` is exclusive (the position just after the span), `span` is the byte
//! range in the file.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Diagnostic, Fix, Position, Severity, Tally};
use crate::report::Sources;

/// Version of the JSON shape. Bumped only on incompatible changes.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub(crate) struct Document<'a> {
    pub(crate) version: u32,
    pub(crate) tool: Tool,
    pub(crate) diagnostics: Vec<JsonDiagnostic<'a>>,
    pub(crate) summary: Summary,
}

#[derive(Debug, Serialize)]
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct JsonDiagnostic<'a> {
    pub(crate) rule: &'a str,
    pub(crate) severity: Severity,
    pub(crate) path: &'a str,
    pub(crate) start: Position,
    pub(crate) end: Position,
    pub(crate) span: ByteSpan,
    pub(crate) message: &'a str,
    pub(crate) label: Option<&'a str>,
    pub(crate) help: Option<&'a str>,
    pub(crate) related: Vec<JsonRelated<'a>>,
    /// The finding's fix (applicability, message, byte-span edits), absent
    /// when the rule has none: outputs without fixes keep their old shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<&'a Fix>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ByteSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct JsonRelated<'a> {
    pub(crate) path: &'a str,
    pub(crate) start: Position,
    pub(crate) message: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
    /// Number of diagnostics per rule name, sorted by name.
    pub(crate) by_rule: BTreeMap<String, usize>,
}

impl Summary {
    pub(crate) fn of(diags: &[Diagnostic]) -> Self {
        let Tally { errors, warnings, infos } = Tally::of(diags);
        let mut by_rule = BTreeMap::new();
        for d in diags {
            *by_rule.entry(d.rule.clone()).or_insert(0) += 1;
        }
        Summary { errors, warnings, infos, by_rule }
    }
}

pub(crate) fn document(diags: &[Diagnostic]) -> Document<'_> {
    Document {
        version: VERSION,
        tool: Tool { name: "daybook", version: env!("CARGO_PKG_VERSION") },
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                rule: &d.rule,
                severity: d.severity,
                path: &d.path,
                start: d.start,
                end: d.end,
                span: ByteSpan { start: d.span.start, end: d.span.end },
                message: &d.message,
                label: d.label.as_deref(),
                help: d.help.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated { path: &r.path, start: r.start, message: &r.message })
                    .collect(),
                fix: d.fix.as_ref(),
            })
            .collect(),
        summary: Summary::of(diags),
    }
}

/// Pretty-printed JSON followed by a newline.
pub(crate) fn render(diags: &[Diagnostic], _sources: &Sources) -> String {
    // The note text in it reaches terminals and logs: C1 controls escaped too.
    let mut s = super::safe::json_controls(
        serde_json::to_string_pretty(&document(diags)).expect("plain data serializes"),
    );
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    #[test]
    fn shape_is_versioned_and_counts_by_rule() {
        let f = SourceFile::new("notes/a.md", "x", "# t\n- Papr: x\n".to_owned());
        let diags = vec![
            f.diag("unknown-field", Severity::Error, 6..10, "unknown field").with_help("use Paper"),
            f.diag("unknown-field", Severity::Warning, 6..10, "again"),
            Diagnostic::file_level("dead-link", Severity::Info, "README.md", "gone"),
        ];
        let v: serde_json::Value = serde_json::from_str(&render(&diags, &Sources::new())).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["tool"]["name"], "daybook");
        assert_eq!(v["summary"]["errors"], 1);
        assert_eq!(v["summary"]["warnings"], 1);
        assert_eq!(v["summary"]["infos"], 1);
        assert_eq!(v["summary"]["by_rule"]["unknown-field"], 2);
        let d = &v["diagnostics"][0];
        assert_eq!(d["rule"], "unknown-field");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["path"], "notes/a.md");
        assert_eq!(d["start"], serde_json::json!({"line": 2, "column": 3}));
        assert_eq!(d["end"], serde_json::json!({"line": 2, "column": 7}));
        assert_eq!(d["span"], serde_json::json!({"start": 6, "end": 10}));
        assert_eq!(d["help"], "use Paper");
        assert_eq!(d["label"], serde_json::Value::Null);
        assert_eq!(d["related"], serde_json::json!([]));
    }

    #[test]
    fn a_fix_travels_with_its_spans_and_applicability_and_is_absent_without_one() {
        use crate::diag::{Edit, Fix};
        let f = SourceFile::new("notes/a.md", "x", "# t\n- Papr: x\n".to_owned());
        let diags = vec![
            f.diag("unknown-field", Severity::Error, 6..10, "unknown field")
                .with_fix(Fix::safe("rename to `Paper`", vec![Edit::replace(6..10, "Paper")])),
            f.diag("unknown-field", Severity::Error, 6..10, "again"),
        ];
        let v: serde_json::Value = serde_json::from_str(&render(&diags, &Sources::new())).unwrap();
        assert_eq!(
            v["diagnostics"][0]["fix"],
            serde_json::json!({
                "applicability": "safe",
                "message": "rename to `Paper`",
                "edits": [{"span": {"start": 6, "end": 10}, "content": "Paper"}],
            })
        );
        assert!(v["diagnostics"][1].get("fix").is_none(), "{}", v["diagnostics"][1]);
    }

    #[test]
    fn empty_run_is_still_a_document() {
        let v: serde_json::Value = serde_json::from_str(&render(&[], &Sources::new())).unwrap();
        assert_eq!(v["diagnostics"], serde_json::json!([]));
        assert_eq!(v["summary"]["errors"], 0);
    }
}

//! `--format sarif`: SARIF 2.1.0 as accepted by `github/codeql-action/upload-sarif`.
//!
//! What GitHub code scanning needs and why it is here:
//! - `tool.driver.rules` with every rule a result points at (`ruleIndex` must be
//!   valid), each with a name, short/full descriptions, help text, a link to the
//!   rule's docs page and a default level;
//! - results located by a *relative* `artifactLocation.uri` plus `uriBaseId`
//!   (`%SRCROOT%`), so the file resolves against the checkout wherever it runs;
//! - `partialFingerprints` that survive edits elsewhere in the file: a hash of the
//!   rule, the path and the *text* of the flagged line (not its number), with an
//!   occurrence counter for identical lines, so an alert keeps its identity when
//!   notes are inserted above it.
//!
//! A finding's fix travels as SARIF `fixes` (one `artifactChange` on the
//! finding's own file, a `replacement` per edit), which reviewdog turns into
//! suggestions; see `fixes`.

use std::collections::HashMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::diag::RuleInfo;
use crate::diag::{Applicability, Diagnostic, Edit, Severity, SourceFile};
use crate::report::Sources;

pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `uriBaseId` every location is relative to: the repository root.
pub(crate) const SRCROOT: &str = "%SRCROOT%";
/// Key of our fingerprint in `partialFingerprints`; versioned so a change of the
/// hashed material can never silently merge unrelated alerts.
pub(crate) const FINGERPRINT_KEY: &str = "daybookLineHash/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF messages are plain text; GitHub shows them as the alert title, so they
/// should end like a sentence.
fn sentence(s: &str) -> String {
    let t = s.trim_end();
    if t.ends_with(['.', '!', '?', '。', '！', '？']) { t.to_owned() } else { format!("{t}.") }
}

/// A catalog rule: `fullDescription` is its summary sentence, `help` its docs
/// page, which `helpUri` links.
fn rule_descriptor(info: &RuleInfo) -> Value {
    json!({
        "id": info.name,
        "name": pascal_case(info.name),
        "shortDescription": { "text": sentence(info.summary) },
        "fullDescription": { "text": sentence(info.summary) },
        "help": { "text": format!("{}\n\nSee `daybook rules {}`.", sentence(info.summary), info.name), "markdown": info.docs },
        "helpUri": crate::catalog::docs_url(info.name),
        "defaultConfiguration": { "level": level(info.default_severity) },
        "properties": { "tags": ["daybook", "notes"] }
    })
}

/// A rule id seen in results but missing from the registry (e.g. a parse or I/O
/// failure reported as a diagnostic): still described, so `ruleIndex` is valid.
fn ad_hoc_rule(name: &str, severity: Severity) -> Value {
    json!({
        "id": name,
        "name": pascal_case(name),
        "shortDescription": { "text": format!("daybook finding `{name}`.") },
        "fullDescription": { "text": format!("daybook finding `{name}`.") },
        "help": { "text": format!("See `daybook rules {name}`."), "markdown": format!("See `daybook rules {name}`.") },
        "defaultConfiguration": { "level": level(severity) }
    })
}

/// `dead-link` -> `DeadLink`: SARIF's `name`, a readable identifier. The spec
/// wants it different from the opaque `id` (validators compare ignoring case), so
/// one-word ids get a `Rule` suffix: `title` -> `TitleRule`.
pub(crate) fn pascal_case(s: &str) -> String {
    let name = pascal(s);
    if name.eq_ignore_ascii_case(s) { format!("{name}Rule") } else { name }
}

fn pascal(s: &str) -> String {
    s.split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// Percent-encode a `/`-separated relative path for use as a URI reference.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SARIF region: 1-based, `endColumn` exclusive, columns in Unicode code points
/// (`columnKind`). Empty spans (file-level findings) and spans ending at a line
/// break cover the rest of their line; the end column is spelled out when the
/// source is at hand, since consumers rely on it rather than on SARIF's defaults.
fn region(d: &Diagnostic, sources: &Sources) -> Value {
    let start_line = d.start.line.max(1);
    let start_column = d.start.column.max(1);
    let mut r = json!({ "startLine": start_line, "startColumn": start_column });
    let to_line_end = |line: usize| {
        sources
            .get(&d.path)
            .filter(|src| line <= src.line_count())
            .map(|src| src.text[src.line_range(line)].chars().count() + 1)
    };
    let (end_line, end_column) = if d.span.is_empty() {
        (start_line, to_line_end(start_line).map(|c| c.max(start_column)))
    } else if d.end.line > start_line && d.end.column == 1 {
        (d.end.line - 1, to_line_end(d.end.line - 1))
    } else {
        (d.end.line.max(start_line), Some(d.end.column))
    };
    r["endLine"] = json!(end_line);
    if let Some(c) = end_column {
        r["endColumn"] = json!(c);
    }
    r
}

fn location(path: &str, region: Value) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri_path(path), "uriBaseId": SRCROOT },
            "region": region
        }
    })
}

/// SARIF `fixes` for the finding's fix, or `None` when it has none or its
/// file's text is not at hand (a compacted or changed file): a replacement's
/// `deletedRegion` is in line/column terms, which only the text can give.
///
/// Each edit is a replacement on the file as read (edits never overlap),
/// listed in file order; its region is 1-based, `endColumn` exclusive,
/// columns in code points as the run's `columnKind` says, and an edit that
/// takes a line break ends at column 1 of the next line; an insertion is an
/// empty region. `insertedContent.text` is always present, `""` for a
/// deletion: reviewdog skips a replacement without it.
///
/// Unsafe fixes are included, since a reviewer accepts a suggestion by hand
/// (what `--unsafe-fixes` stands for), and say so twice: in the description a
/// reviewer reads and in `properties.applicability` (the word of the JSON
/// output and ruff's) for tools that filter.
fn fixes(d: &Diagnostic, sources: &Sources) -> Option<Value> {
    // SARIF's `artifactChanges` replace bytes of an artifact; they cannot
    // move one, so a rename fix is left out (the JSON output carries it).
    let fix = d.fix.as_ref().filter(|f| f.rename.is_none())?;
    let src = sources.get(&d.path).filter(|s| !s.is_compact())?;
    let mut edits: Vec<&Edit> = fix.edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let replacements = edits
        .iter()
        .map(|e| {
            let (from, to) = (at(src, e.span.start)?, at(src, e.span.end)?);
            (e.span.start <= e.span.end).then(|| {
                json!({
                    "deletedRegion": {
                        "startLine": from.line,
                        "startColumn": from.column,
                        "endLine": to.line,
                        "endColumn": to.column
                    },
                    "insertedContent": { "text": e.content }
                })
            })
        })
        .collect::<Option<Vec<Value>>>()?;
    if replacements.is_empty() {
        return None;
    }
    let what = sentence(&capitalized(&fix.message));
    let description = match fix.applicability {
        Applicability::Safe => what,
        Applicability::Unsafe => format!(
            "Unsafe fix: {} It may change what the note says; `daybook fix --unsafe-fixes` applies it.",
            sentence(&fix.message)
        ),
    };
    Some(json!([{
        "description": { "text": description },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri_path(&d.path), "uriBaseId": SRCROOT },
            "replacements": replacements
        }],
        "properties": { "applicability": fix.applicability.as_str() }
    }]))
}

/// The line and column of byte `offset`, when the text has a place there SARIF
/// can name: inside the text, on a character boundary, not between the CR and
/// the LF of a line break.
fn at(src: &SourceFile, offset: usize) -> Option<crate::diag::Position> {
    let bytes = src.text.as_bytes();
    let splits_crlf =
        offset > 0 && bytes.get(offset - 1) == Some(&b'\r') && bytes.get(offset) == Some(&b'\n');
    (src.text.is_char_boundary(offset) && !splits_crlf).then(|| src.position(offset))
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The text a fingerprint is computed from: the flagged line, trimmed, so
/// re-indentation or moving the line does not change it.
fn line_text<'a>(d: &'a Diagnostic, sources: &'a Sources) -> &'a str {
    match sources.get(&d.path) {
        Some(src) if d.start.line <= src.line_count() => src.text[src.line_range(d.start.line)].trim(),
        _ => d.message.as_str(),
    }
}

pub(crate) fn fingerprint(rule: &str, path: &str, line_text: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, path, line_text] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The SARIF log as a JSON value.
pub(crate) fn document(diags: &[Diagnostic], sources: &Sources) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for info in crate::catalog::registry() {
        index.insert(info.name, rules.len());
        rules.push(rule_descriptor(info));
    }
    for d in diags {
        if !index.contains_key(d.rule.as_str()) {
            index.insert(&d.rule, rules.len());
            rules.push(ad_hoc_rule(&d.rule, d.severity));
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let hash = fingerprint(&d.rule, &d.path, line_text(d, sources));
            let n = seen.entry(hash.clone()).or_insert(0);
            *n += 1;
            let mut text = sentence(&d.message);
            if let Some(help) = &d.help {
                text.push(' ');
                text.push_str(&sentence(help));
            }
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": index[d.rule.as_str()],
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location(&d.path, region(d, sources))],
                "partialFingerprints": { FINGERPRINT_KEY: format!("{hash}:{n}") }
            });
            if let Some(fixes) = fixes(d, sources) {
                result["fixes"] = fixes;
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut loc = location(
                            &r.path,
                            json!({ "startLine": r.start.line.max(1), "startColumn": r.start.column.max(1) }),
                        );
                        loc["id"] = json!(i + 1);
                        loc["message"] = json!({ "text": sentence(&r.message) });
                        loc
                    })
                    .collect();
            }
            result
        })
        .collect();

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "daybook",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules
                }
            },
            "originalUriBaseIds": {
                SRCROOT: { "description": { "text": "The root of the notes repository." } }
            },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    })
}

/// `diags` as one SARIF 2.1.0 log, for `github/codeql-action/upload-sarif`.
pub fn render(diags: &[Diagnostic], sources: &Sources) -> String {
    // The note text in it reaches terminals and logs: C1 controls escaped too.
    let mut s = super::safe::json_controls(
        serde_json::to_string_pretty(&document(diags, sources)).expect("plain data serializes"),
    );
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Edit, Fix, SourceFile};
    use std::sync::Arc;

    fn sources(files: &[&Arc<SourceFile>]) -> Sources {
        files.iter().map(|f| (f.path.clone(), Arc::clone(f))).collect()
    }

    #[test]
    fn results_point_at_rules_and_relative_locations() {
        let f = SourceFile::new("notes/202401/笔记 1.md", "x", "# t\n- Papr: x\n".to_owned());
        let diags = vec![f.diag("no-such-rule", Severity::Error, 6..10, "unknown field")];
        let v = document(&diags, &sources(&[&f]));
        let run = &v["runs"][0];
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let r = &run["results"][0];
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "no-such-rule");
        assert_eq!(r["level"], "error");
        assert_eq!(r["message"]["text"], "unknown field.");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "notes/202401/%E7%AC%94%E8%AE%B0%201.md");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"], json!({"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 7}));
    }

    #[test]
    fn registry_rules_are_described() {
        let v = document(&[], &Sources::new());
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), crate::catalog::registry().len());
        for r in rules {
            assert!(r["shortDescription"]["text"].as_str().is_some_and(|s| !s.is_empty()));
            assert!(r["help"]["markdown"].as_str().is_some());
            let id = r["id"].as_str().unwrap();
            let info = crate::catalog::info(id).unwrap();
            assert_eq!(r["fullDescription"]["text"], sentence(info.summary), "{id}");
            assert_eq!(
                r["helpUri"],
                format!("https://github.com/daybook-rs/daybook/blob/main/docs/rules/{id}.md")
            );
            assert!(
                ["error", "warning", "note"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
            );
        }
    }

    #[test]
    fn fingerprints_follow_the_line_text_not_its_number() {
        let a = SourceFile::new("n.md", "x", "# t\n- bad line\n".to_owned());
        let b = SourceFile::new("n.md", "x", "# t\n\nnew paragraph\n\n  - bad line\n".to_owned());
        let fa = {
            let at = a.text.find("bad").unwrap();
            document(&[a.diag("r", Severity::Error, at..at + 3, "m")], &sources(&[&a]))
        };
        let fb = {
            let at = b.text.find("bad").unwrap();
            document(&[b.diag("r", Severity::Error, at..at + 3, "m")], &sources(&[&b]))
        };
        let key = |v: &Value| v["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY].clone();
        assert_eq!(key(&fa), key(&fb));
        assert_ne!(fa["runs"][0]["results"][0]["locations"], fb["runs"][0]["results"][0]["locations"]);
    }

    #[test]
    fn identical_lines_get_distinct_fingerprints() {
        let f = SourceFile::new("n.md", "x", "dup\ndup\n".to_owned());
        let diags = vec![f.diag("r", Severity::Error, 0..3, "m"), f.diag("r", Severity::Error, 4..7, "m")];
        let v = document(&diags, &sources(&[&f]));
        let fp = |i: usize| v["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY].clone();
        assert_ne!(fp(0), fp(1));
        assert!(fp(0).as_str().unwrap().ends_with(":1") && fp(1).as_str().unwrap().ends_with(":2"));
    }

    #[test]
    fn empty_and_line_ending_spans_extend_to_end_of_line() {
        let f = SourceFile::new("n.md", "x", "ab\n今日\n".to_owned());
        let src = sources(&[&f]);
        let v = region(&f.diag("r", Severity::Error, 0..3, "m"), &src);
        assert_eq!(v, json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 3}));
        let v = region(&f.diag("r", Severity::Error, 3..10, "m"), &src);
        assert_eq!(v, json!({"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 3}));
        let v = region(&Diagnostic::file_level("r", Severity::Error, "n.md", "m"), &src);
        assert_eq!(v, json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 3}));
        // Without the source the end column is left to SARIF's default (end of line).
        let v = region(&Diagnostic::file_level("r", Severity::Error, "gone.md", "m"), &src);
        assert_eq!(v, json!({"startLine": 1, "startColumn": 1, "endLine": 1}));
    }

    #[test]
    fn fixes_are_replacements_in_line_and_column_terms() {
        // A BOM, CRLF line ends, CJK before the edits: columns count code
        // points after the BOM, and a region may end at the next line's start.
        let text = "\u{feff}# 标题\r\n- 今日 www.a.ex\r\n  old\r\n  lines\r\nend\r\n";
        let f = SourceFile::new("notes/n.md", "x", text.to_owned());
        let at = |s: &str| text.find(s).unwrap();
        let fix = Fix::safe(
            "rewrite the note",
            vec![
                Edit::replace(at("old")..at("end"), "new\r\n"),
                Edit::insert(at("www"), "https://"),
                Edit::replace(at("标题")..at("标题") + "标题".len(), "今日"),
                Edit::delete(at(" www")..at("www")),
            ],
        );
        let d = f.diag("r", Severity::Error, at("www")..at("www") + 3, "m").with_fix(fix);
        let v = document(&[d], &sources(&[&f]));
        let fixes = &v["runs"][0]["results"][0]["fixes"];
        assert_eq!(fixes.as_array().map(Vec::len), Some(1), "{v:#}");
        assert_eq!(fixes[0]["description"]["text"], "Rewrite the note.");
        assert_eq!(fixes[0]["properties"]["applicability"], "safe");
        let change = &fixes[0]["artifactChanges"][0];
        assert_eq!(change["artifactLocation"], json!({ "uri": "notes/n.md", "uriBaseId": "%SRCROOT%" }));
        let region = |l1: usize, c1: usize, l2: usize, c2: usize| json!({ "startLine": l1, "startColumn": c1, "endLine": l2, "endColumn": c2 });
        // In file order, whatever the order of the edits.
        assert_eq!(
            change["replacements"],
            json!([
                { "deletedRegion": region(1, 3, 1, 5), "insertedContent": { "text": "今日" } },
                { "deletedRegion": region(2, 5, 2, 6), "insertedContent": { "text": "" } },
                { "deletedRegion": region(2, 6, 2, 6), "insertedContent": { "text": "https://" } },
                { "deletedRegion": region(3, 3, 5, 1), "insertedContent": { "text": "new\r\n" } },
            ])
        );
    }

    #[test]
    fn unsafe_fixes_are_offered_and_say_so() {
        let f = SourceFile::new("n.md", "x", "- Githbu: x\n".to_owned());
        let d = f
            .diag("unknown-field", Severity::Error, 2..8, "m")
            .with_fix(Fix::unsafe_("replace `Githbu` with `GitHub`", vec![Edit::replace(2..8, "GitHub")]));
        let v = document(&[d], &sources(&[&f]));
        let fix = &v["runs"][0]["results"][0]["fixes"][0];
        assert_eq!(fix["properties"]["applicability"], "unsafe");
        let text = fix["description"]["text"].as_str().unwrap();
        assert!(text.starts_with("Unsafe fix: replace `Githbu` with `GitHub`"), "{text}");
        assert!(text.contains("--unsafe-fixes") && text.ends_with('.'), "{text}");
    }

    #[test]
    fn a_fix_is_left_out_when_its_file_text_is_not_at_hand_or_it_splits_a_line_break() {
        let f = SourceFile::new("n.md", "x", "a\r\nb\n".to_owned());
        let d = |span: std::ops::Range<usize>| {
            f.diag("r", Severity::Error, 0..1, "m").with_fix(Fix::safe("x", vec![Edit::replace(span, "y")]))
        };
        let has_fix = |d: Diagnostic, src: &Sources| {
            document(&[d], src)["runs"][0]["results"][0].get("fixes").is_some()
        };
        assert!(has_fix(d(0..1), &sources(&[&f])));
        assert!(!has_fix(d(0..1), &Sources::new()), "no text, no columns");
        assert!(!has_fix(d(0..2), &sources(&[&f])), "between CR and LF has no column");
        assert!(!has_fix(d(4..9), &sources(&[&f])), "past the end");
        let compact = f.without_text([0, 1]);
        assert!(!has_fix(d(0..1), &sources(&[&compact])));
        assert!(
            document(&[f.diag("r", Severity::Error, 0..1, "m")], &sources(&[&f]))["runs"][0]["results"][0]
                .get("fixes")
                .is_none()
        );
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("dead-link"), "DeadLink");
        assert_eq!(pascal_case("title"), "TitleRule");
    }
}

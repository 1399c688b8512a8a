//! The note rules end to end: the built `daybook lint --offline --format json`
//! on fixture repositories (tests/fixtures/rules/*), asserting the exact rule,
//! file, line and column of every finding.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{daybook, fixtures};

/// Every rule this suite is responsible for.
const NOTE_RULES: &[&str] = &[
    "missing-today-section",
    "empty-today-section",
    "section-order",
    "item-link",
    "stars",
    "field-not-nested",
    "item-in-html-block",
    "unknown-field",
    "missing-field",
    "duplicate-field",
    "empty-field",
    "field-link",
    "bare-url",
    "mailto",
    "missing-file",
    "missing-anchor",
    "outside-repo",
    "duplicate-url",
];

fn fixture(name: &str) -> PathBuf {
    fixtures("rules").join(name)
}

struct Run {
    code: i32,
    diagnostics: Vec<Value>,
}

impl Run {
    /// `(rule, severity, path, line, column)` of every finding, in output order.
    fn found(&self) -> Vec<(String, String, String, u64, u64)> {
        self.diagnostics
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_owned(),
                    d["severity"].as_str().unwrap().to_owned(),
                    d["path"].as_str().unwrap().to_owned(),
                    d["start"]["line"].as_u64().unwrap(),
                    d["start"]["column"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    fn one(&self, rule: &str, path: &str, line: u64) -> &Value {
        let hits: Vec<&Value> = self
            .diagnostics
            .iter()
            .filter(|d| d["rule"] == rule && d["path"] == path && d["start"]["line"] == line)
            .collect();
        assert_eq!(hits.len(), 1, "expected one {rule} at {path}:{line}, got {hits:?}");
        hits[0]
    }
}

fn lint(name: &str) -> Run {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(fixture(name)).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    Run { code: out.status.code().unwrap(), diagnostics: doc["diagnostics"].as_array().unwrap().clone() }
}

fn row(rule: &str, severity: &str, path: &str, line: u64, column: u64) -> (String, String, String, u64, u64) {
    (rule.to_owned(), severity.to_owned(), path.to_owned(), line, column)
}

#[test]
fn clean_repository_has_no_findings() {
    let run = lint("clean");
    assert_eq!(run.found(), [], "{:#?}", run.diagnostics);
    assert_eq!(run.code, 0);
}

#[test]
fn broken_repository_reports_every_finding_where_it_is() {
    let run = lint("broken");
    let (e, w) = ("error", "warning");
    let (n1, n2, n3, n4) =
        ("notes/202611/1101.md", "notes/202611/1102.md", "notes/202611/1103.md", "notes/202611/1104.md");
    let expected = [
        row("missing-file", e, "README.md", 7, 17),
        row("missing-file", e, "README.md", 8, 17),
        row("bare-url", e, "README.md", 11, 17),
        row("outside-repo", e, "README.md", 12, 12),
        row("unknown-field", e, n1, 9, 6),
        row("unknown-field", e, n1, 10, 6),
        row("duplicate-field", e, n1, 12, 6),
        row("item-link", e, n1, 14, 4),
        row("stars", e, n1, 17, 51),
        row("field-link", e, n1, 19, 13),
        row("empty-field", e, n1, 20, 4),
        row("missing-field", e, n1, 22, 4),
        row("stars", e, n1, 22, 59),
        row("field-not-nested", e, n1, 24, 1),
        row("missing-file", e, n1, 26, 29),
        row("item-in-html-block", e, n1, 28, 4),
        row("mailto", e, n1, 33, 13),
        row("section-order", e, n2, 9, 1),
        row("duplicate-url", w, n2, 11, 29),
        row("bare-url", e, n2, 13, 24),
        row("missing-anchor", e, n2, 14, 22),
        row("missing-anchor", e, n2, 17, 24),
        row("outside-repo", e, n2, 20, 29),
        row("missing-file", e, n2, 22, 29),
        row("missing-today-section", e, n3, 5, 1),
        row("empty-today-section", e, n4, 5, 1),
    ];
    assert_eq!(run.found(), expected, "{:#?}", run.diagnostics);
    assert_eq!(run.code, 1);
}

#[test]
fn broken_repository_help_texts() {
    let run = lint("broken");
    let help =
        |rule: &str, path: &str, line: u64| run.one(rule, path, line)["help"].as_str().unwrap().to_owned();
    let n1 = "notes/202611/1101.md";
    let n2 = "notes/202611/1102.md";

    assert_eq!(help("missing-file", "README.md", 7), "did you mean `notes/202611/1102.md`?");
    // Another day's note is not offered as a correction.
    assert_eq!(help("missing-file", "README.md", 8), "no `notes/202611/1130.md` in the repository");
    assert!(help("bare-url", "README.md", 11).starts_with("write `https://microsoft.careers.com`"));
    assert_eq!(help("unknown-field", n1, 9), "replace `GtiHub` with `GitHub` (an alias of `Code`)");
    assert_eq!(help("unknown-field", n1, 10), "replace `code` with `Code`; labels are case-sensitive");
    assert!(
        help("field-not-nested", n1, 24)
            .starts_with("indent it by 3 spaces so it lines up with the item's text")
    );
    assert_eq!(
        help("item-link", n1, 14),
        "make the title a link to the article: `2. [article title](https://example.com/articles/no-link)`"
    );
    assert!(help("bare-url", n2, 13).starts_with("write `https://arxiv.org/abs/2002.05709`"));
    assert!(help("missing-anchor", n2, 14).starts_with("did you mean `#paperclip--今日要点`?"));
    assert!(
        help("missing-file", n2, 22)
            .contains("the file is `notes/202611/images/1102.png`: names differ in case")
    );

    let dup = run.one("duplicate-url", n2, 11);
    assert_eq!(
        dup["message"],
        "item 1 links an article already noted in item 1 of notes/202611/1101.md (line 7)"
    );
    assert_eq!(dup["related"][0]["path"], n1);
    assert_eq!(dup["related"][0]["start"]["line"], 7);

    let order = run.one("section-order", n2, 9);
    assert_eq!(order["message"], "the today section comes after the footer section (line 5)");
}

#[test]
fn field_rules_only_warn_on_notes_before_strict_since() {
    let run = lint("legacy");
    let (old, new) = ("notes/202103/0320.md", "notes/202105/0502.md");
    let expected = [
        row("missing-field", "warning", old, 7, 4),
        row("field-link", "warning", old, 13, 9),
        row("unknown-field", "warning", old, 17, 6),
        row("missing-field", "error", new, 7, 4),
        row("field-link", "error", new, 8, 9),
        row("unknown-field", "error", new, 9, 6),
    ];
    assert_eq!(run.found(), expected, "{:#?}", run.diagnostics);
}

#[test]
fn daybook_yml_tunes_the_rules() {
    let run = lint("configured");
    let (a, b) = ("notes/202612/1201.md", "notes/202612/1202.md");
    // Tips1/Tips2 are fine (numbered), 视频 is Video, Paper is no longer a field,
    // missing-anchor is off and duplicate-url is raised to an error.
    let expected = [
        row("stars", "error", a, 7, 50),
        row("unknown-field", "error", a, 12, 6),
        row("duplicate-field", "error", a, 13, 6),
        row("field-link", "error", a, 13, 13),
        row("duplicate-url", "error", b, 7, 12),
    ];
    assert_eq!(run.found(), expected, "{:#?}", run.diagnostics);
    assert_eq!(run.one("stars", a, 7)["message"], "item 1 has 4 stars; ratings go from 1 to 3");
}

#[test]
fn inline_suppressions_silence_note_rules() {
    let run = lint("suppressed");
    let n = "notes/202611/1110.md";
    // `Weather` (next-line) and the old links (a disable/enable region) are
    // suppressed; `Mood` and the new link are not, and no suppression is unused.
    assert_eq!(
        run.found(),
        [row("unknown-field", "error", n, 11, 6), row("bare-url", "error", n, 18, 12)],
        "{:#?}",
        run.diagnostics
    );
}

#[test]
fn fixtures_exercise_every_note_rule() {
    let seen: BTreeSet<String> = ["broken", "legacy", "configured"]
        .into_iter()
        .flat_map(|r| lint(r).found().into_iter().map(|f| f.0))
        .collect();
    for rule in NOTE_RULES {
        assert!(seen.contains(*rule), "no fixture triggers {rule}");
    }
}

#[test]
fn every_note_rule_is_documented() {
    for name in NOTE_RULES {
        let info = daybook::catalog::info(name).unwrap_or_else(|| panic!("{name} is not registered"));
        for section in
            ["## What it checks", "## Why it matters", "## Example", "## Configuration", "```markdown"]
        {
            assert!(info.docs.contains(section), "{name}: docs lack `{section}`");
        }
        assert!(
            info.docs.contains("Failing") && info.docs.contains("Fixed"),
            "{name}: no failing/fixed example"
        );
    }
    let out = daybook().args(["rules", "field-not-nested"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# field-not-nested\n"), "{text}");
    assert!(text.contains("ends the\nnumbered list") || text.contains("ends the numbered list"), "{text}");
}

#[test]
fn human_output_of_the_broken_repository() {
    let out = daybook()
        .args(["--color", "never", "lint", "--offline"])
        .arg(fixture("broken"))
        .env("COLUMNS", "110")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

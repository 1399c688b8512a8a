//! The proof of every rule's fix, on a small repository per rule: its case
//! folder under tests/fixtures/fix/cases/<rule>/ when the fix needs more than
//! the rule's own case (tests/fixtures/rules/cases/<rule>/) plants, and
//! `<rule>-unsafe/` for a rule whose guesses only `--unsafe-fixes` applies. For each:
//! the findings carry fixes → one `daybook fix` rewrites the notes (kept as a
//! snapshot, tests/it/snapshots/fix_cases/<rule>.snap) → a re-lint finds none
//! of the fixed findings → a second `daybook fix` changes nothing; the same
//! repository written with a BOM and CRLF line ends is fixed to the same text
//! with its BOM and CRLF kept; `--diff` writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{daybook, files_under, fixtures, temp_copy};

/// The rules that have a fix; each one's docs page has a `## Fix` paragraph.
const FIXABLE: &[&str] = &[
    "bare-url",
    "duplicate-url",
    "field-not-nested",
    "item-in-html-block",
    "mailto",
    "missing-anchor",
    "note-path",
    "title",
    "unknown-field",
];

/// The case folder `name` of fix cases, else the rule case of that name.
fn case(name: &str) -> PathBuf {
    let own = fixtures("fix").join("cases").join(name);
    if own.is_dir() { own } else { fixtures("rules").join("cases").join(name) }
}

/// Every `.md` file under `root`, by repository-relative path.
fn notes(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(root, |p| p.extension().is_some_and(|x| x == "md"))
}

/// `(path, line, message)` of every finding of `rule`, and of those with a fix.
type Found = Vec<(String, u64, String)>;

fn findings(root: &Path, rule: &str) -> (Found, Found) {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (mut all, mut fixable) = (Vec::new(), Vec::new());
    for d in doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == rule) {
        let f = (
            d["path"].as_str().unwrap().to_owned(),
            d["start"]["line"].as_u64().unwrap(),
            d["message"].as_str().unwrap().to_owned(),
        );
        if !d["fix"].is_null() {
            fixable.push(f.clone());
        }
        all.push(f);
    }
    (all, fixable)
}

fn fix(root: &Path, unsafe_fixes: bool) -> String {
    let mut c = daybook();
    c.args(["fix", "--offline"]).arg(root);
    if unsafe_fixes {
        c.arg("--unsafe-fixes");
    }
    String::from_utf8(c.output().unwrap().stderr).unwrap()
}

fn with_bom_and_crlf(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(text.to_vec()).unwrap();
    format!("\u{feff}{}", text.replace('\n', "\r\n")).into_bytes()
}

/// The proof for one rule; the snapshot holds every note the fix changed.
fn prove(rule: &str, unsafe_fixes: bool) {
    prove_case(rule, rule, unsafe_fixes);
}

/// [`prove`] on the case folder `name` (a rule's second case: its unsafe fix).
fn prove_case(name: &str, rule: &str, unsafe_fixes: bool) {
    let dir = temp_copy(&case(name));
    let root = dir.path();
    let before = notes(root);
    let (_, fixable) = findings(root, rule);
    assert!(!fixable.is_empty(), "{rule}: the case plants no finding with a fix");

    let diff = daybook()
        .args(["fix", "--diff", "--offline"])
        .arg(root)
        .args(unsafe_fixes.then_some("--unsafe-fixes"))
        .output()
        .unwrap();
    assert!(!diff.stdout.is_empty(), "{rule}: --diff shows nothing");
    assert_eq!(notes(root), before, "{rule}: --diff wrote a note");
    if unsafe_fixes {
        // Without the flag the unsafe fix stays out.
        fix(root, false);
        assert!(findings(root, rule).1.len() >= fixable.len(), "{rule}: an unsafe fix was applied");
    }

    let stderr = fix(root, unsafe_fixes);
    assert!(!stderr.contains("not applied"), "{rule}: {stderr}");
    let after = notes(root);
    let mut snap = String::new();
    for (path, text) in &after {
        if before.get(path) != Some(text) {
            snap.push_str(&format!("=== {path}\n{}", String::from_utf8_lossy(text)));
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        snap.push_str(&format!("=== {path}: moved away\n"));
    }
    assert!(!snap.is_empty(), "{rule}: nothing changed");
    let (left, left_fixable) = findings(root, rule);
    for f in &fixable {
        assert!(!left.contains(f), "{rule}: still reported after the fix: {f:?}");
    }
    assert!(left_fixable.is_empty(), "{rule}: fixes left after one run: {left_fixable:?}");

    let again = fix(root, unsafe_fixes);
    assert!(again.contains("fixed 0 findings"), "{rule}: second run: {again}");
    assert_eq!(notes(root), after, "{rule}: the second run changed a note");

    insta::with_settings!({
        snapshot_path => "snapshots/fix_cases",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("daybook fix on the {name} case: the notes it changed"),
    }, {
        insta::assert_snapshot!(name, snap);
    });

    // The same notes with a BOM and CRLF: the same fix, BOM and CRLF kept.
    let crlf = temp_copy(&case(name));
    for (path, text) in &before {
        std::fs::write(crlf.path().join(path), with_bom_and_crlf(text)).unwrap();
    }
    fix(crlf.path(), unsafe_fixes);
    for (path, text) in notes(crlf.path()) {
        assert_eq!(
            String::from_utf8(text).unwrap(),
            String::from_utf8(with_bom_and_crlf(&after[&path])).unwrap(),
            "{rule}: {path} with a BOM and CRLF"
        );
    }
}

#[test]
fn bare_url() {
    prove("bare-url", false);
}

#[test]
fn mailto() {
    prove("mailto", false);
}

#[test]
fn unknown_field() {
    prove("unknown-field", false);
}

#[test]
fn field_not_nested() {
    prove("field-not-nested", false);
}

#[test]
fn item_in_html_block() {
    prove("item-in-html-block", false);
}

#[test]
fn title() {
    prove("title", false);
}

#[test]
fn duplicate_url() {
    prove("duplicate-url", true);
}

#[test]
fn note_path() {
    prove("note-path", true);
}

#[test]
fn missing_anchor() {
    prove("missing-anchor", false);
}

/// A label as close to two spellings as to each other: a guess, unsafe.
#[test]
fn unknown_field_unsafe() {
    prove_case("unknown-field-unsafe", "unknown-field", true);
}

/// A fragment inside two headings' anchors: a guess, unsafe.
#[test]
fn missing_anchor_unsafe() {
    prove_case("missing-anchor-unsafe", "missing-anchor", true);
}

/// Every rule's docs page says whether it has a fix, and the list above is it.
#[test]
fn the_rules_with_a_fix_are_the_ones_whose_docs_say_so() {
    let root = crate::common::project_root().join("docs/rules");
    for r in daybook::catalog::registry() {
        let docs = std::fs::read_to_string(root.join(format!("{}.md", r.name))).unwrap();
        assert_eq!(
            docs.contains("\n## Fix\n"),
            FIXABLE.contains(&r.name),
            "{}: `## Fix` in its docs vs FIXABLE",
            r.name
        );
    }
}

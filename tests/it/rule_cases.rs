//! One small repository per rule, tests/fixtures/rules/cases/<rule>/, whose
//! notes break that rule once next to a line that keeps it. Each is linted by
//! the built `daybook lint --offline --format json`, and its findings are kept
//! as a snapshot named after the rule (tests/it/snapshots/rule_cases/<rule>.snap)
//! beginning with the source line each finding points at, for review.
//!
//! A new rule needs a case folder here, or an entry in [`NOT_LINT_RULES`] that
//! says why `daybook lint --offline` cannot show it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{daybook, fixtures};

/// Rules of the catalog that `daybook lint --offline` never reports, so they
/// have no case folder; each with the reason and where it is tested instead.
const NOT_LINT_RULES: &[(&str, &str)] = &[
    ("dead-link", "the link checker: needs an HTTP server (tests/it/links/)"),
    ("unverified-link", "the link checker: needs an HTTP server (tests/it/links/)"),
    ("skipped-link", "the link checker, which --offline turns off (tests/it/links/)"),
    ("missing-external-anchor", "the link checker: needs an HTTP server (tests/it/links/)"),
    ("readme-skipped-note", "reported by `daybook readme`, not `daybook lint` (tests/it/readme/)"),
    ("future-note", "reported by `daybook readme`, not `daybook lint` (tests/it/readme/)"),
    ("readme-no-today", "reported by `daybook readme`, not `daybook lint` (tests/it/readme/)"),
    ("readme-stale", "reported by the action's README check, not `daybook lint` (tests/it/github/)"),
];

fn cases_dir() -> PathBuf {
    fixtures("rules").join("cases")
}

/// The case folders, by name (the rule each one triggers), sorted.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Line `line` (1-based) of `path` in the case `root`, lossily: the
/// unreadable-file case is not UTF-8 on purpose.
fn source_line(root: &Path, path: &str, line: u64) -> String {
    let bytes = std::fs::read(root.join(path)).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let line = usize::try_from(line).unwrap().saturating_sub(1);
    text.lines().nth(line).unwrap_or("").to_owned()
}

/// The snapshot: the exit code, each finding with the source line it points
/// at (what a reviewer checks), then the JSON findings as printed, keys sorted.
fn render(root: &Path, code: i32, diagnostics: &[Value]) -> String {
    let mut out = format!("exit code: {code}\n");
    for d in diagnostics {
        let (path, line) = (d["path"].as_str().unwrap(), d["start"]["line"].as_u64().unwrap());
        out.push_str(&format!(
            "{path}:{line}:{} {}[{}]: {}\n  | {}\n",
            d["start"]["column"],
            d["severity"].as_str().unwrap(),
            d["rule"].as_str().unwrap(),
            d["message"].as_str().unwrap(),
            source_line(root, path, line),
        ));
    }
    out.push_str("--- diagnostics\n");
    out.push_str(&serde_json::to_string_pretty(diagnostics).unwrap());
    out.push('\n');
    out
}

#[test]
fn every_case_triggers_its_rule_as_snapshotted() {
    for rule in cases() {
        let root = cases_dir().join(&rule);
        let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(&root).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("{rule}: not JSON ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
        });
        let diagnostics = doc["diagnostics"].as_array().unwrap();
        // Checked before the snapshot, so a case that stops triggering its rule
        // fails here rather than being accepted as a new snapshot.
        assert!(
            diagnostics.iter().any(|d| d["rule"] == rule.as_str()),
            "the case {rule} no longer triggers {rule}: {diagnostics:#?}"
        );
        let text = render(&root, out.status.code().unwrap(), diagnostics);
        insta::with_settings!({
            snapshot_path => "snapshots/rule_cases",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("daybook lint --offline --format json tests/fixtures/rules/cases/{rule}"),
        }, {
            insta::assert_snapshot!(rule.as_str(), text);
        });
    }
}

#[test]
fn every_rule_in_the_catalog_has_a_case_or_a_reason() {
    let catalog: BTreeSet<&str> = daybook::catalog::names().collect();
    let cases: BTreeSet<String> = cases().into_iter().collect();
    let skipped: BTreeSet<&str> = NOT_LINT_RULES.iter().map(|(r, _)| *r).collect();
    for rule in &catalog {
        assert!(
            cases.contains(*rule) || skipped.contains(rule),
            "{rule} has no case: add tests/fixtures/rules/cases/{rule}/, a repository whose notes trigger it"
        );
    }
    for case in &cases {
        assert!(catalog.contains(case.as_str()), "tests/fixtures/rules/cases/{case}/ names no rule");
        assert!(!skipped.contains(case.as_str()), "{case} has a case and is listed in NOT_LINT_RULES");
    }
    for (rule, _) in NOT_LINT_RULES {
        assert!(catalog.contains(rule), "NOT_LINT_RULES lists {rule}, which the catalog does not have");
    }
    // Every note rule is a lint rule: none may hide in the skip list.
    for info in daybook::rules::note_rules() {
        assert!(cases.contains(info.name), "the note rule {} has no case", info.name);
    }
}

//! The job summary and the action's counts, against `daybook lint` on the same
//! repository: the same findings counted once, and code in messages shown as
//! code.

use serde_json::{Value, json};

use super::action::Run;
use super::{note, output, read_outputs, repo_copy};
use crate::common::daybook;

/// A note whose title spells the wrong date and has a typo'd label, and a
/// draft whose path spells no date: both are left out of the README for a
/// reason lint already reports (`title`, `note-path`).
fn repo() -> tempfile::TempDir {
    let dir = repo_copy();
    let typo = note(2024, 1, 7, "标题")
        .replace("2024.1.7", "2024.1.6")
        .replace("   - Abstract: 关于标题的笔记\n", "   - Abstract: 关于标题的笔记\n   - GtiHub: x\n");
    std::fs::write(dir.path().join("notes/202401/0107.md"), typo).unwrap();
    std::fs::write(dir.path().join("notes/202401/draft.md"), "# 草稿\n").unwrap();
    dir
}

fn lint_counts(dir: &std::path::Path) -> (usize, usize) {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(dir).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();
    let count = |s: &str| diags.iter().filter(|d| d["severity"] == s).count();
    (count("error"), count("warning"))
}

fn run_action(dir: &std::path::Path) -> Run {
    let mut run = Run::new(dir, "workflow_dispatch", json!({"inputs": {}}), "refs/heads/main", "abc123");
    run.with.insert("offline", "true".into());
    run.with.insert("commit", "false".into());
    let out = run.run();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    run
}

#[test]
fn the_action_counts_what_lint_counts() {
    let dir = repo();
    let (errors, warnings) = lint_counts(dir.path());
    assert!(errors >= 4, "title, unknown-field, note-path, title: {errors}");
    let run = run_action(dir.path());
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "errors"), Some(errors.to_string()), "{outs:?}");
    assert_eq!(output(&outs, "warnings"), Some(warnings.to_string()), "{outs:?}\n{}", run.summary());
    let summary = run.summary();
    assert!(
        !summary.contains("readme-skipped-note"),
        "a note's title or path error already says why the README leaves it out:\n{summary}"
    );
    assert!(summary.contains(&format!("{errors} errors, {warnings} warning")), "{summary}");
}

#[test]
fn code_in_messages_renders_as_code() {
    let dir = repo();
    let summary = run_action(dir.path()).summary();
    let row = summary.lines().find(|l| l.contains("| `unknown-field` |") && l.contains("GtiHub")).unwrap();
    assert!(row.ends_with("| unknown field `GtiHub` |"), "{row}");
    assert!(!summary.contains("\\`"), "no escaped backticks:\n{summary}");
    // Inside code nothing is escaped: `##` stays `##`.
    assert!(summary.contains("`## :paperclip:  今日要点`"), "{summary}");
}

/// With the path rule off, lint says nothing about a note whose path spells no
/// date: the README step's own warning is then the only word on it, and stays.
#[test]
fn a_skip_lint_does_not_explain_is_still_reported() {
    let dir = repo_copy();
    std::fs::write(dir.path().join("daybook.yml"), "rules: { note-path: off }\n").unwrap();
    std::fs::write(dir.path().join("notes/202401/extra.md"), note(2024, 1, 5, "额外")).unwrap();
    assert_eq!(lint_counts(dir.path()), (0, 0));
    let mut run =
        Run::new(dir.path(), "workflow_dispatch", json!({"inputs": {}}), "refs/heads/main", "abc123");
    run.with.insert("offline", "true".into());
    run.with.insert("commit", "false".into());
    run.with.insert("fail_on_warnings", "true".into());
    let out = run.run();
    let summary = run.summary();
    assert_eq!(out.status.code(), Some(1), "{summary}");
    assert_eq!(output(&read_outputs(&run.outputs_file()), "warnings").as_deref(), Some("1"), "{summary}");
    assert!(summary.contains("| `readme-skipped-note` | 0 | 1 | 0 |"), "{summary}");
}

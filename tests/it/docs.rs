//! The documentation and the example repository stay true: the README's rule
//! table matches the registry, every rule has full docs, the README's first
//! command works on the shipped example, and CI runs the README's test command.

use assert_cmd::prelude::*;

use crate::common::{daybook, project_root};

fn readme() -> String {
    std::fs::read_to_string(project_root().join("README.md")).expect("README.md")
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let text = readme();
    let start = text.find("<!-- rules-table").expect("rules-table marker");
    let end = text.find("<!-- /rules-table -->").expect("end of rules table");
    let mut documented: Vec<(String, String)> = text[start..end]
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_owned(), cells.get(2)?.to_string()))
        })
        .collect();
    let mut registry: Vec<(String, String)> = daybook::catalog::registry()
        .iter()
        .map(|r| (r.name.to_owned(), r.default_severity.as_str().to_owned()))
        .collect();
    documented.sort();
    registry.sort();
    assert_eq!(
        documented, registry,
        "README's rule table is out of date: regenerate it from `daybook rules`"
    );
}

#[test]
fn every_rule_has_full_docs() {
    for rule in daybook::catalog::registry() {
        assert!(!rule.summary.is_empty(), "{} has no summary", rule.name);
        // what it checks, why it matters, a failing and a fixed example, the config
        for part in ["## What it checks", "## Why it matters", "## Example", "Fix", "## Configuration"] {
            assert!(rule.docs.contains(part), "`daybook rules {}` lacks `{part}`", rule.name);
        }
        let out = daybook().args(["rules", rule.name]).output().unwrap();
        assert!(out.status.success(), "daybook rules {} failed", rule.name);
        assert!(String::from_utf8_lossy(&out.stdout).contains(rule.summary));
    }
}

#[test]
fn example_repository_lints_with_warnings_only() {
    let out = daybook()
        .args(["lint", "--offline", "--color", "never"])
        .arg(project_root().join("examples/notes-repo"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    // The README shows the first diagnostic exactly as printed (trailing spaces aside).
    let readme = readme();
    let intro = "A real diagnostic, from `daybook lint --offline examples/notes-repo`:\n\n```text\n";
    let shown = &readme[readme.find(intro).expect("the README shows a diagnostic") + intro.len()..];
    let shown: Vec<&str> = shown[..shown.find("```").unwrap()].lines().collect();
    let printed: Vec<&str> = stdout.lines().take(shown.len()).map(str::trim_end).collect();
    assert_eq!(printed, shown, "update the README's diagnostic to what `daybook lint` prints");
}

#[test]
fn example_readme_is_up_to_date() {
    daybook().args(["readme", "--check"]).arg(project_root().join("examples/notes-repo")).assert().code(0);
}

#[test]
fn ci_runs_the_readme_test_command() {
    let text = readme();
    let block = text.split("```sh").nth(1).expect("the README starts with a sh block");
    let test_cmd = block.lines().find(|l| l.starts_with("cargo test")).expect("a cargo test command");
    let ci = std::fs::read_to_string(project_root().join(".ci/run")).expect(".ci/run");
    assert!(ci.lines().any(|l| l.trim() == test_cmd.trim()), ".ci/run must run `{test_cmd}`");
}

//! One `daybook fix` on a seed-shaped repository (tests/fixtures/fix/seed)
//! with every certain fix's defect planted leaves exactly the findings no fix
//! is sure of; with `--unsafe-fixes` only those no fix touches. A second run
//! changes nothing, and `--diff` writes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{daybook, files_under, fixtures, temp_copy};

const SAFE: &str = "notes/202401/0101.md";
const LEFT: &str = "notes/202401/0102.md";
const MISNAMED: &str = "notes/202401/01030.md";
const RENAMED: &str = "notes/202401/0103.md";

/// `(rule, path, line, has a fix)` of every finding `daybook lint` reports.
fn findings(root: &Path) -> Vec<(String, String, u64, bool)> {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["start"]["line"].as_u64().unwrap(),
                !d["fix"].is_null(),
            )
        })
        .collect();
    all.sort();
    all
}

fn f(rule: &str, path: &str, line: u64, fix: bool) -> (String, String, u64, bool) {
    (rule.to_owned(), path.to_owned(), line, fix)
}

/// What no fix touches: an item without its abstract, an article noted in
/// two notes (which one keeps it is the writer's call), an anchor nothing is
/// close to, a link to a note that does not exist.
fn unfixable() -> Vec<(String, String, u64, bool)> {
    vec![
        f("duplicate-url", LEFT, 10, false),
        f("missing-anchor", LEFT, 15, false),
        f("missing-field", LEFT, 7, false),
        f("missing-file", LEFT, 16, false),
    ]
}

/// What only `--unsafe-fixes` fixes: the misnamed note, its duplicate item,
/// and `代点`, as close to `代码` as to `要点`.
fn unsafe_only() -> Vec<(String, String, u64, bool)> {
    vec![
        f("duplicate-url", MISNAMED, 14, true),
        f("note-path", MISNAMED, 1, true),
        f("unknown-field", MISNAMED, 9, true),
    ]
}

/// Every file of the repository, by relative path.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(root, |_| true)
}

fn fix(root: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = daybook().args(["fix", "--offline"]).args(extra).arg(root).output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

fn readme_is_current(root: &Path) -> bool {
    daybook().args(["readme", "--check"]).arg(root).output().unwrap().status.success()
}

fn snapshot(name: &str, before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) {
    let mut snap = String::new();
    for (path, text) in after.iter().filter(|(p, _)| p.as_str() != "README.md") {
        if before.get(path) != Some(text) {
            snap.push_str(&format!("=== {path}\n{}", String::from_utf8_lossy(text)));
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        snap.push_str(&format!("=== {path}: moved away\n"));
    }
    insta::with_settings!({
        snapshot_path => "snapshots/fix_seed",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("daybook fix {name} on tests/fixtures/fix/seed: the notes it changed"),
    }, {
        insta::assert_snapshot!(name, snap);
    });
}

#[test]
fn the_planted_defects_are_all_found_before_the_fix() {
    let dir = temp_copy(&fixtures("fix").join("seed"));
    let mut want = vec![
        // `arxiv.org/abs/…` without its scheme
        f("bare-url", SAFE, 9, true),
        // `GtiHub`, `paper`, `Github`, `GItHub`, `code2`
        f("unknown-field", SAFE, 10, true),
        f("unknown-field", SAFE, 14, true),
        f("unknown-field", SAFE, 15, true),
        f("unknown-field", SAFE, 19, true),
        f("unknown-field", SAFE, 25, true),
        f("field-not-nested", SAFE, 20, true),
        f("item-in-html-block", SAFE, 28, true),
        f("mailto", SAFE, 33, true),
        f("missing-anchor", SAFE, 34, true),
        // 0101.md says 2024.1.2
        f("title", SAFE, 1, true),
    ];
    want.extend(unfixable());
    want.extend(unsafe_only());
    want.sort();
    assert_eq!(findings(dir.path()), want);
    assert!(!readme_is_current(dir.path()));
}

#[test]
fn one_fix_leaves_only_the_findings_no_certain_fix_is_for() {
    let dir = temp_copy(&fixtures("fix").join("seed"));
    let root = dir.path();
    let before = files(root);

    // --diff: every file as it was, and a diff of each one that would change.
    let out = daybook().args(["fix", "--diff", "--offline"]).arg(root).output().unwrap();
    let patch = String::from_utf8(out.stdout).unwrap();
    assert_eq!(files(root), before, "--diff wrote a file");
    for p in [SAFE, "README.md"] {
        assert!(patch.contains(&format!("diff --git a/{p} b/{p}\n")), "{p}: {patch}");
    }
    for p in [MISNAMED, LEFT] {
        assert!(!patch.contains(&format!("diff --git a/{p} ")), "{p}: {patch}");
    }

    let (code, stderr) = fix(root, &[]);
    assert!(stderr.contains("fixed 11 findings"), "{stderr}");
    assert!(stderr.contains("README.md: regenerated"), "{stderr}");
    assert!(!stderr.contains("not applied"), "{stderr}");
    assert_eq!(code, Some(1), "findings remain: {stderr}");
    let mut want = unfixable();
    want.extend(unsafe_only());
    want.sort();
    assert_eq!(findings(root), want);
    assert!(readme_is_current(root));
    let after = files(root);
    snapshot("safe", &before, &after);

    let (_, again) = fix(root, &[]);
    assert!(again.contains("fixed 0 findings"), "{again}");
    assert!(!again.contains("regenerated"), "{again}");
    assert_eq!(files(root), after, "the second run changed a file");
    let out = daybook().args(["fix", "--diff", "--offline"]).arg(root).output().unwrap();
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn unsafe_fixes_leave_only_the_findings_no_fix_is_for() {
    let dir = temp_copy(&fixtures("fix").join("seed"));
    let root = dir.path();
    let before = files(root);

    let out = daybook().args(["fix", "--diff", "--unsafe-fixes", "--offline"]).arg(root).output().unwrap();
    let patch = String::from_utf8(out.stdout).unwrap();
    assert_eq!(files(root), before, "--diff wrote or moved a file");
    assert!(patch.contains(&format!("diff --git a/{MISNAMED} b/{RENAMED}\nrename from")), "{patch}");

    let (code, stderr) = fix(root, &["--unsafe-fixes"]);
    assert!(stderr.contains("fixed 14 findings"), "{stderr}");
    assert!(stderr.contains(&format!("{MISNAMED}: renamed to `{RENAMED}`")), "{stderr}");
    assert!(!stderr.contains("not applied"), "{stderr}");
    assert_eq!(code, Some(1), "findings remain: {stderr}");
    assert_eq!(findings(root), unfixable());
    assert!(readme_is_current(root));
    let after = files(root);
    assert!(after.contains_key(RENAMED) && !after.contains_key(MISNAMED));
    let readme = String::from_utf8_lossy(&after["README.md"]).into_owned();
    assert!(readme.contains(&format!("href=\"{RENAMED}\"")), "{readme}");
    snapshot("unsafe", &before, &after);

    let (_, again) = fix(root, &["--unsafe-fixes"]);
    assert!(again.contains("fixed 0 findings"), "{again}");
    assert_eq!(files(root), after, "the second run changed a file");
    let out = daybook().args(["fix", "--diff", "--unsafe-fixes", "--offline"]).arg(root).output().unwrap();
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

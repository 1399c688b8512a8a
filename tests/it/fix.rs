//! `daybook fix` and `daybook lint --fix`: the built binary rewrites notes in
//! place with the findings' fixes, keeps a BOM and CRLF line ends, and a
//! second run changes nothing.

use std::path::Path;

use serde_json::Value;

use crate::common::daybook;

const NOTE: &str = "notes/202104/0411.md";

fn note_text() -> String {
    "# 公众号内容拓展学习笔记（2021.4.11）\n\n## :paperclip:  今日要点\n\n\
     1. [Paper A](https://a.example/)\n   - Abstract: x\n   - GtiHub: [c](github.com/o/r)\n\
     2. [Paper B](https://b.example/)\n   - Abstract: y, mail [me](author@example.com)\n"
        .to_owned()
}

fn repo(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("notes/202104")).unwrap();
    std::fs::write(dir.path().join(NOTE), text).unwrap();
    dir
}

fn rules(root: &Path) -> Vec<String> {
    let out = daybook().arg("lint").arg(root).args(["--offline", "--format", "json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_owned()).collect()
}

const FIXED: [&str; 3] = ["bare-url", "mailto", "unknown-field"];

#[test]
fn fix_rewrites_the_fixable_findings_and_a_second_run_is_a_no_op() {
    let dir = repo(&note_text());
    let before = rules(dir.path());
    for r in FIXED {
        assert!(before.iter().any(|b| b == r), "{r} planted: {before:?}");
    }
    let out = daybook().arg("fix").arg(dir.path()).arg("--offline").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 3 findings"), "{stderr}");
    let fixed = std::fs::read_to_string(dir.path().join(NOTE)).unwrap();
    assert!(fixed.contains("   - GitHub: [c](https://github.com/o/r)"), "{fixed}");
    assert!(fixed.contains("[me](mailto:author@example.com)"), "{fixed}");
    let after = rules(dir.path());
    assert!(after.iter().all(|r| !FIXED.contains(&r.as_str())), "{after:?}");
    // Exit 0 exactly when nothing is left.
    assert_eq!(out.status.code(), Some(if after.is_empty() { 0 } else { 1 }), "{after:?}");

    let again = daybook().args(["lint", "--fix", "--offline"]).arg(dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("fixed 0 findings"));
    assert_eq!(std::fs::read_to_string(dir.path().join(NOTE)).unwrap(), fixed);
}

#[test]
fn fix_keeps_a_byte_order_mark_and_crlf_line_ends() {
    let text = format!("\u{feff}{}", note_text().replace('\n', "\r\n"));
    let dir = repo(&text);
    daybook().arg("fix").arg(dir.path()).arg("--offline").output().unwrap();
    let fixed = std::fs::read(dir.path().join(NOTE)).unwrap();
    assert!(fixed.starts_with("\u{feff}#".as_bytes()));
    let fixed = String::from_utf8(fixed).unwrap();
    assert_eq!(fixed.matches("\r\n").count(), fixed.matches('\n').count(), "{fixed:?}");
    assert!(fixed.contains("[c](https://github.com/o/r)\r\n"), "{fixed:?}");
}

#[test]
fn lint_without_fix_writes_nothing() {
    let dir = repo(&note_text());
    daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join(NOTE)).unwrap(), note_text());
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let dir = repo(&note_text());
    let before = std::fs::read(dir.path().join(NOTE)).unwrap();
    for args in [&["fix", "--diff"][..], &["lint", "--diff"], &["lint", "--fix", "--diff"]] {
        let out = daybook().args(args).arg(dir.path()).arg("--offline").output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(std::fs::read(dir.path().join(NOTE)).unwrap(), before, "{args:?} wrote the note");
        assert!(
            stdout.starts_with(&format!("diff --git a/{NOTE} b/{NOTE}\n--- a/{NOTE}\n+++ b/{NOTE}\n@@ ")),
            "{args:?}: {stdout}"
        );
        assert!(stdout.contains("\n-   - GtiHub: [c](github.com/o/r)\n"), "{stdout}");
        assert!(stdout.contains("\n+   - GitHub: [c](https://github.com/o/r)\n"), "{stdout}");
        assert!(stdout.contains("\n+   - Abstract: y, mail [me](mailto:author@example.com)\n"), "{stdout}");
        assert!(stderr.contains("would fix 3 findings in 1 file"), "{stderr}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: changes would be made");
    }
    // The diff is a patch: `git apply` makes of it what `daybook fix` writes.
    let out = daybook().args(["fix", "--diff", "--offline"]).arg(dir.path()).output().unwrap();
    std::fs::write(dir.path().join("fix.patch"), &out.stdout).unwrap();
    let applied = std::process::Command::new("git")
        .args(["apply", "fix.patch"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
    let patched = std::fs::read(dir.path().join(NOTE)).unwrap();
    std::fs::write(dir.path().join(NOTE), &before).unwrap();
    daybook().args(["fix", "--offline"]).arg(dir.path()).output().unwrap();
    assert_eq!(std::fs::read(dir.path().join(NOTE)).unwrap(), patched);
}

#[test]
fn diff_of_a_repository_with_nothing_to_fix_is_empty() {
    let dir = repo(&note_text());
    daybook().arg("fix").arg(dir.path()).arg("--offline").output().unwrap();
    let fixed = daybook().args(["lint", "--offline", "--format", "json"]).arg(dir.path()).output().unwrap();
    let out = daybook().args(["fix", "--diff", "--offline"]).arg(dir.path()).output().unwrap();
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    // What is left decides, as for `lint`.
    assert_eq!(out.status.code(), fixed.status.code());
}

#[test]
fn fix_takes_unsafe_fixes_without_a_second_fix_flag() {
    // Written first: `daybook fix --unsafe-fixes` was refused by clap
    // ("the following required arguments were not provided: --fix").
    // `代点` is as close to `代码` as to `要点`: its fix is unsafe.
    let text = note_text().replace("GtiHub", "代点");
    let dir = repo(&text);
    let out = daybook().args(["fix", "--offline"]).arg(dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 2 findings"));
    let out = daybook().args(["fix", "--unsafe-fixes", "--offline"]).arg(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 1 finding"), "{stderr}");
    let fixed = std::fs::read_to_string(dir.path().join(NOTE)).unwrap();
    assert!(fixed.contains("   - 代码: [c](https://github.com/o/r)"), "{fixed}");
}

/// The README fixture: a stale README, a note whose title date is fixable
/// (`0405.md` says 2022.4.6), and other findings no fix touches.
fn readme_repo() -> tempfile::TempDir {
    crate::common::temp_copy(&crate::common::fixtures("readme").join("basic"))
}

fn readme_is_current(root: &Path) -> bool {
    let out = daybook().args(["readme", "--check"]).arg(root).output().unwrap();
    out.status.success()
}

#[test]
fn fix_regenerates_a_stale_readme_from_the_fixed_notes() {
    // Written first: `daybook fix` walked only the notes and left the README stale.
    let dir = readme_repo();
    assert!(!readme_is_current(dir.path()));
    let out = daybook().args(["fix", "--offline"]).arg(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("README.md: regenerated"), "{stderr}");
    assert!(readme_is_current(dir.path()), "{stderr}");
    // Regenerated after the notes were fixed: the fixed title is what it lists.
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(readme.contains("公众号内容拓展学习笔记（2022.4.5）"), "{readme}");
    // Findings remain (missing files, fields): exit 1, as `lint` would.
    assert_eq!(out.status.code(), Some(1));
    let again = daybook().args(["fix", "--offline"]).arg(dir.path()).output().unwrap();
    let again = String::from_utf8_lossy(&again.stderr);
    assert!(!again.contains("README.md: regenerated"), "{again}");
    assert_eq!(std::fs::read_to_string(dir.path().join("README.md")).unwrap(), readme);
}

#[test]
fn diff_shows_the_readme_the_fixed_notes_would_give_and_writes_nothing() {
    let dir = readme_repo();
    let before = std::fs::read(dir.path().join("README.md")).unwrap();
    let note = dir.path().join("notes/202204/0405.md");
    let note_before = std::fs::read(&note).unwrap();
    let out = daybook().args(["fix", "--diff", "--offline"]).arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ "),
        "{stdout}"
    );
    // The README diff is of the notes as fixed, not as they are on disk.
    let readme_diff = &stdout[stdout.find("--- a/README.md").unwrap()..];
    assert!(readme_diff.contains("\n+    ") && readme_diff.contains("（2022.4.5）"), "{readme_diff}");
    assert_eq!(std::fs::read(dir.path().join("README.md")).unwrap(), before, "--diff wrote the README");
    assert_eq!(std::fs::read(&note).unwrap(), note_before, "--diff wrote a note");
    assert_eq!(out.status.code(), Some(1));
    // A README that is current and notes with nothing to fix: no diff.
    daybook().args(["fix", "--offline"]).arg(dir.path()).output().unwrap();
    let out = daybook().args(["fix", "--diff", "--offline"]).arg(dir.path()).output().unwrap();
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn fixing_named_files_leaves_the_readme_alone() {
    let dir = readme_repo();
    let before = std::fs::read(dir.path().join("README.md")).unwrap();
    daybook().args(["fix", "--offline"]).arg(dir.path().join("notes/202204/0405.md")).output().unwrap();
    assert_eq!(std::fs::read(dir.path().join("README.md")).unwrap(), before);
}

const MISNAMED: &str = "notes/202204/04011.md";
const RENAMED: &str = "notes/202204/0411.md";

fn note_path_fix(root: &Path, format: &str) -> Value {
    let out = daybook().args(["lint", "--offline", "--format", format]).arg(root).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn unsafe_fixes_rename_a_note_to_its_title_date_and_the_readme_follows() {
    let dir = readme_repo();
    let root = dir.path();
    // The JSON output carries the move; SARIF cannot say it and leaves it out.
    let doc = note_path_fix(root, "json");
    let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "note-path").unwrap().clone();
    assert_eq!(d["fix"]["rename"], RENAMED, "{d}");
    assert_eq!(d["fix"]["applicability"], "unsafe", "{d}");
    assert_eq!(d["fix"]["edits"], serde_json::json!([]), "{d}");
    let sarif = note_path_fix(root, "sarif");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "note-path").unwrap();
    assert!(r.get("fixes").is_none(), "{r}");

    // Safe fixes only: the file stays where it is.
    daybook().args(["fix", "--offline"]).arg(root).output().unwrap();
    assert!(root.join(MISNAMED).is_file() && !root.join(RENAMED).exists());

    // --diff: a rename `git apply` takes, and nothing moved.
    let out = daybook().args(["fix", "--diff", "--unsafe-fixes", "--offline"]).arg(root).output().unwrap();
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(
        patch.contains(&format!(
            "diff --git a/{MISNAMED} b/{RENAMED}\nsimilarity index 100%\nrename from {MISNAMED}\nrename to {RENAMED}\n"
        )),
        "{patch}"
    );
    assert!(patch.contains("--- a/README.md"), "the README lists the note under its new name: {patch}");
    assert!(root.join(MISNAMED).is_file() && !root.join(RENAMED).exists());
    assert_eq!(out.status.code(), Some(1));
    let applied = crate::common::temp_copy(root);
    std::fs::write(applied.path().join("fix.patch"), &patch).unwrap();
    let git = std::process::Command::new("git")
        .args(["apply", "fix.patch"])
        .current_dir(applied.path())
        .output()
        .unwrap();
    assert!(git.status.success(), "{}", String::from_utf8_lossy(&git.stderr));
    std::fs::remove_file(applied.path().join("fix.patch")).unwrap();

    let out = daybook().args(["fix", "--unsafe-fixes", "--offline"]).arg(root).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{MISNAMED}: renamed to `{RENAMED}`")), "{stderr}");
    assert!(!root.join(MISNAMED).exists() && root.join(RENAMED).is_file());
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains(&format!("href=\"{RENAMED}\"")), "{readme}");
    let doc = note_path_fix(root, "json");
    assert!(doc["diagnostics"].as_array().unwrap().iter().all(|d| d["rule"] != "note-path"), "{doc}");
    // What --diff said is what fix did.
    for f in [RENAMED, "README.md"] {
        assert_eq!(
            std::fs::read(applied.path().join(f)).unwrap(),
            std::fs::read(root.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn a_note_is_never_renamed_onto_another() {
    let dir = readme_repo();
    let root = dir.path();
    std::fs::write(root.join(RENAMED), "# 公众号内容拓展学习笔记（2022.4.11）\n").unwrap();
    let doc = note_path_fix(root, "json");
    let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "note-path").unwrap().clone();
    assert!(d.get("fix").is_none(), "{d}");
    let before = std::fs::read(root.join(MISNAMED)).unwrap();
    daybook().args(["fix", "--unsafe-fixes", "--offline"]).arg(root).output().unwrap();
    assert_eq!(std::fs::read(root.join(MISNAMED)).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(root.join(RENAMED)).unwrap(),
        "# 公众号内容拓展学习笔记（2022.4.11）\n"
    );
}

/// `(rule, path, line)` of every finding a run printed as JSON.
fn reported(stdout: &[u8]) -> Vec<(String, String, u64)> {
    let doc: Value = serde_json::from_slice(stdout).unwrap();
    let d = doc["diagnostics"].as_array().unwrap().iter();
    d.map(|d| {
        let s = |k: &str| d[k].as_str().unwrap().to_owned();
        (s("rule"), s("path"), d["start"]["line"].as_u64().unwrap())
    })
    .collect()
}

/// `daybook fix` lints as it fixes, in one pass: what it reports must be
/// what `daybook lint` finds in the files it left.
#[test]
fn what_fix_reports_is_what_a_lint_after_it_finds() {
    let fixtures = crate::common::fixtures("fix");
    for (fixture, unsafe_fixes) in
        [("seed", false), ("seed", true), ("cross-note", false), ("../readme/basic", true)]
    {
        let dir = crate::common::temp_copy(&fixtures.join(fixture));
        let mut fix = daybook();
        fix.args(["fix", "--offline", "--format", "json"]).arg(dir.path());
        if unsafe_fixes {
            fix.arg("--unsafe-fixes");
        }
        let fixed = fix.output().unwrap();
        let lint =
            daybook().args(["lint", "--offline", "--format", "json"]).arg(dir.path()).output().unwrap();
        assert_eq!(reported(&fixed.stdout), reported(&lint.stdout), "{fixture} {unsafe_fixes}");
        assert_eq!(fixed.status.code(), lint.status.code(), "{fixture} {unsafe_fixes}");
    }
}

#[test]
fn a_fix_to_an_anchor_waits_for_the_fix_of_the_note_it_points_into() {
    // Written first: 0103.md links to `0101.md#…202411`, the anchor 0101.md's
    // title has once its date is fixed. One run fixed both notes against the
    // files as they were: the title, and the link "back" to `…202412`, the
    // anchor the title had; the second run then put the link back again.
    let dir = crate::common::temp_copy(&crate::common::fixtures("fix").join("cross-note"));
    let root = dir.path();
    let linking = root.join("notes/202401/0103.md");
    let before = std::fs::read_to_string(&linking).unwrap();
    let out = daybook().args(["fix", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 1 finding\n"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&linking).unwrap(), before, "the link was right once the title is");
    assert_eq!(reported(&out.stdout), vec![], "{stderr}");
    assert_eq!(out.status.code(), Some(0));
    let again = daybook().args(["fix", "--offline"]).arg(root).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("fixed 0 findings"));
}

//! `daybook new` and `daybook add`: notes written from the template, items
//! appended with titles read from pages served on 127.0.0.1.

use std::path::Path;

use crate::common::daybook;

/// `daybook lint ROOT --offline --format json`: (exit code, rule names found).
fn lint_rules(root: &Path) -> (i32, Vec<String>) {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let rules = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect();
    (out.status.code().unwrap(), rules)
}

fn new_note(root: &Path, date: &str) -> std::process::Output {
    daybook().args(["new", "--date", date, "--root"]).arg(root).output().unwrap()
}

#[test]
fn new_writes_the_seed_shaped_note_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = new_note(dir.path(), "2026-12-02");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "notes/202612/1202.md\n");
    let text = std::fs::read_to_string(dir.path().join("notes/202612/1202.md")).unwrap();
    assert_eq!(
        text,
        "# 公众号内容拓展学习笔记（2026.12.2）\n\n------\n\n## :paperclip:  今日要点\n\n## :paperclip:  Others\n"
    );
    // The default rules accept it all but for having no item yet: that is
    // `empty-today-section`'s very purpose (a template committed too early).
    let (_, rules) = lint_rules(dir.path());
    assert_eq!(rules, ["empty-today-section"]);
}

#[test]
fn new_without_a_date_is_today() {
    let dir = tempfile::tempdir().unwrap();
    let before = chrono::Local::now().date_naive();
    let out = daybook().args(["new", "--root"]).arg(dir.path()).output().unwrap();
    let after = chrono::Local::now().date_naive();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let expect = |d: chrono::NaiveDate| d.format("notes/%Y%m/%m%d.md").to_string();
    assert!(printed == expect(before) || printed == expect(after), "{printed}");
}

#[test]
fn new_refuses_to_overwrite_a_note() {
    let dir = tempfile::tempdir().unwrap();
    assert!(new_note(dir.path(), "2026-12-02").status.success());
    let note = dir.path().join("notes/202612/1202.md");
    std::fs::write(&note, "# my own words\n").unwrap();
    let out = new_note(dir.path(), "2026-12-02");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes/202612/1202.md already exists"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&note).unwrap(), "# my own words\n", "untouched");
}

#[test]
fn new_uses_the_configured_template_and_patterns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("daybook.yml"),
        "notes:\n  root: daily\n  pattern: \"{yyyy}/{mm}-{dd}.md\"\n\
         title:\n  pattern: \"Reading {yyyy}-{mm}-{dd}\"\n\
         sections:\n  today: Today\n  footer: Elsewhere\n\
         template: |\n  # {{ title }}\n\n  Week of {{ date }}.\n\n  ## {{ today }}\n\n  ## {{ footer }}\n\n  - [home](https://example.com/)\n",
    )
    .unwrap();
    let out = new_note(dir.path(), "2026-03-09");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "daily/2026/03-09.md\n");
    let text = std::fs::read_to_string(dir.path().join("daily/2026/03-09.md")).unwrap();
    assert_eq!(
        text,
        "# Reading 2026-03-09\n\nWeek of 2026-03-09.\n\n## Today\n\n## Elsewhere\n\n- [home](https://example.com/)\n"
    );
}

#[test]
fn a_template_without_the_today_section_is_a_config_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("daybook.yml"), "stars:\n  max: 3\ntemplate: \"# {{ title }}\\n\"\n")
        .unwrap();
    let out = new_note(dir.path(), "2026-03-09");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("daybook.yml:3:1: template:") && err.contains("add a"), "{err}");
    assert!(!dir.path().join("notes").exists());
}

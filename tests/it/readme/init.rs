//! `daybook init`: adopting a hand-made README by wrapping its parts in
//! markers, writing daybook.yml only when needed, and its refusals.

use std::fs;
use std::path::Path;

use assert_cmd::prelude::*;
use daybook::config::Config;
use predicates::prelude::*;
use tempfile::TempDir;

use super::{read, readme_cmd, repo, write_note};
use crate::common::daybook_in;

#[test]
fn init_on_an_adopted_readme_does_nothing_and_says_so() {
    let dir = repo("basic");
    let before = read(dir.path().join("README.md"));
    daybook_in(dir.path()).args(["init", "."]).assert().success().stdout(predicate::str::contains(
        "README.md is already adopted (updated, today, history regions); nothing to do",
    ));
    assert_eq!(read(dir.path().join("README.md")), before);
}

#[test]
fn init_keeps_a_byte_order_mark_in_front_when_line_1_is_a_region() {
    // The date line, or the today heading, on line 1 right behind a BOM.
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    write_note(root, "2022-04-14", "1. [a](https://example.com/a)       :star:\n");
    for (readme, wrapped) in [
        (
            "\u{feff}更新今日时间：2022.4.1\n\n# notes\n",
            "\u{feff}<!-- daybook:updated -->\n更新今日时间：2022.4.1\n<!-- /daybook:updated -->\n",
        ),
        (
            "\u{feff}## :paperclip:  今日要点\n\nold\n\n## 历史更新\n\n<pre><details><summary>2022年</summary>\n</details></pre>\n",
            "\u{feff}## :paperclip:  今日要点\n\n<!-- daybook:today -->\nold\n<!-- /daybook:today -->\n",
        ),
    ] {
        fs::write(root.join("README.md"), readme).unwrap();
        daybook_in(root).args(["init", "."]).assert().success();
        let adopted = read(root.join("README.md"));
        assert!(adopted.starts_with(wrapped), "{adopted:?}");
        readme_cmd(root, &[]).assert().success();
        let generated = read(root.join("README.md"));
        assert!(generated.starts_with('\u{feff}'), "{generated:?}");
        assert_eq!(generated.matches('\u{feff}').count(), 1, "{generated:?}");
    }
}

#[test]
fn init_dry_run_prints_the_diff_and_writes_nothing() {
    let dir = repo("seed");
    let before = read(dir.path().join("README.md"));
    daybook_in(dir.path())
        .args(["init", ".", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("README.md: would wrap the today section (lines 12-29)"))
        .stdout(predicate::str::contains("+<!-- daybook:history -->"))
        .stdout(predicate::str::contains("dry run: nothing was written"));
    assert_eq!(read(dir.path().join("README.md")), before);
}

#[test]
fn init_writes_daybook_yml_only_when_the_style_needs_it() {
    let dir = repo("seed");
    // Newest first, and a date line of another style.
    let readme = read(dir.path().join("README.md"));
    let start = readme.find("<pre>").unwrap();
    let end = readme.rfind("</pre>\n").unwrap() + "</pre>\n".len();
    let e = |n: u32, path: &str, title: &str| {
        format!(
            "    {n}. <a href=\"notes/{path}.md\" target=\"_blank\">公众号内容拓展学习笔记（{title}）</a>\n"
        )
    };
    let descending = [
        "<pre><details><summary>2022年</summary>\n<details><summary>4月</summary>\n".to_owned(),
        e(1, "202204/0414", "2022.4.14"),
        "</details>\n<details><summary>1月</summary>\n".to_owned(),
        e(1, "202201/0120", "2022.1.20"),
        "</details>\n</pre>\n<pre><details><summary>2021年</summary>\n<details><summary>5月</summary>\n"
            .to_owned(),
        e(3, "202105/0511", "2021.5.11"),
        e(2, "202105/0510", "2021.5.10"),
        e(1, "202105/0509", "2021.5.9"),
        "</details>\n<details><summary>4月</summary>\n".to_owned(),
        e(1, "202104/0425", "2021.4.25"),
        "</details>\n<details><summary>3月</summary>\n".to_owned(),
        e(2, "202103/0322", "2021.3.22"),
        e(1, "202103/0321", "2021.3.21"),
        "</details>\n</pre>\n".to_owned(),
    ]
    .concat();
    let readme = format!("{}{}{}", &readme[..start], descending, &readme[end..])
        .replace("更新今日时间：2022.4.14", "更新今日时间：2022-04-14（每日更新）");
    fs::write(dir.path().join("README.md"), &readme).unwrap();
    daybook_in(dir.path())
        .args(["init", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("daybook.yml: written (readme.order, readme.templates.updated)"));
    let yml = read(dir.path().join("daybook.yml"));
    let cfg = Config::from_yaml(&yml, Path::new("daybook.yml")).unwrap();
    assert_eq!(cfg.readme.order, daybook::config::Order::Descending);
    assert_eq!(
        cfg.readme.templates.get("updated").map(String::as_str),
        Some("更新今日时间：{{ newest.year }}-{{ newest.mm }}-{{ newest.dd }}（每日更新）")
    );
    // With those settings the hand-made README is reproduced exactly.
    daybook_in(dir.path()).args(["readme", ".", "--check"]).assert().code(0).stdout("");
    assert!(read(dir.path().join("README.md")).contains(
        "<!-- daybook:history -->\n<pre><details><summary>2022年</summary>\n<details><summary>4月</summary>\n"
    ));

    // With a daybook.yml already there, init prints the settings instead of editing it.
    let dir2 = repo("seed");
    fs::write(dir2.path().join("README.md"), &readme).unwrap();
    fs::write(dir2.path().join("daybook.yml"), "# mine\nstrict_since: 2021-01-01\n").unwrap();
    daybook_in(dir2.path())
        .args(["init", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("daybook.yml: exists, so it was not changed; add these settings"))
        .stdout(predicate::str::contains("order: descending"));
    assert_eq!(read(dir2.path().join("daybook.yml")), "# mine\nstrict_since: 2021-01-01\n");
}

/// `daybook init | head -1`: a closed stdout must neither panic nor stop init
/// between writing the README and writing daybook.yml.
#[test]
fn init_with_a_closed_stdout_still_adopts_and_exits_0() {
    let dir = repo("seed");
    let path = dir.path().join("README.md");
    let unmarked: String = read(&path)
        .lines()
        .filter(|l| !l.starts_with("<!-- daybook:") && !l.starts_with("<!-- /daybook:"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&path, &unmarked).unwrap();
    let mut child = daybook_in(dir.path())
        .env("RUST_BACKTRACE", "0")
        .args(["init", "."])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(read(&path).contains("<!-- daybook:history -->"));
}

#[test]
fn init_with_nothing_to_adopt_is_an_error() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("README.md"), "# hello\n\nnothing here\n").unwrap();
    daybook_in(dir.path())
        .args(["init", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md: found nothing to adopt"));
    assert_eq!(read(dir.path().join("README.md")), "# hello\n\nnothing here\n");
}

#[test]
fn init_with_broken_markers_names_the_line() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("README.md"), "x\n<!-- daybook:today -->\n").unwrap();
    daybook_in(dir.path())
        .args(["init", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md:2: `<!-- daybook:today -->` has no end marker"));
}

/// A repository of the seed's layout whose notes label a field their own way
/// (`Takeaway` for `Tips`): init writes the fields the notes use, so lint
/// does not call every `Takeaway` unknown.
#[test]
fn init_on_the_seed_layout_writes_the_fields_its_notes_use() {
    let dir = repo("seed");
    let notes = dir.path().join("notes");
    for month in fs::read_dir(&notes).unwrap() {
        for note in fs::read_dir(month.unwrap().path()).unwrap() {
            let p = note.unwrap().path();
            fs::write(&p, read(&p).replace("- Tips:", "- Takeaway:")).unwrap();
        }
    }
    let unknown = |dir: &Path| {
        let out = daybook_in(dir).args(["lint", ".", "--offline", "--format", "json"]).output().unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == "unknown-field").count()
    };
    assert!(unknown(dir.path()) > 0, "the relabelled fixture must trip unknown-field before init");
    daybook_in(dir.path())
        .args(["init", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("daybook.yml: written (fields)"));
    let yml = read(dir.path().join("daybook.yml"));
    let cfg = Config::from_yaml(&yml, Path::new("daybook.yml")).unwrap();
    assert!(cfg.fields.iter().any(|f| f.label == "Takeaway"), "{yml}");
    assert!(!cfg.fields.iter().any(|f| f.label == "Tips"), "{yml}");
    assert!(yml.contains("# fields of the `items` notes, from the labels of"), "{yml}");
    assert_eq!(unknown(dir.path()), 0, "{yml}");
}

//! What `daybook readme` writes: the hand-checked READMEs, which note is the
//! newest, bytes kept (CRLF, BOM, final newline), links rebased, templates and
//! order, and its own findings.

use std::fs;

use assert_cmd::prelude::*;
use chrono::NaiveDate;
use daybook::config::Config;
use predicates::prelude::*;
use tempfile::TempDir;

use super::{MARKED, fixture, read, readme_cmd, repo, via_full_parse, write_note};
use crate::common::daybook_in;

#[test]
fn basic_repository_matches_the_hand_checked_readme() {
    let dir = repo("basic");
    readme_cmd(dir.path(), &[])
        .assert()
        .success()
        .stderr(predicate::str::contains("README.md: regenerated the updated, today and history regions"))
        .stderr(predicate::str::contains(
            "warning[readme-skipped-note]: notes/202204/04011.md:1:1: left out of the README: the path does not spell a date",
        ))
        .stderr(predicate::str::contains(
            "warning[readme-skipped-note]: notes/202204/0405.md:1:1: left out of the README: the title says 2022-04-06 but the path says 2022-04-05",
        ));
    assert_eq!(read(dir.path().join("README.md")), read(fixture("basic.expected.md")));
    // A second run changes nothing.
    readme_cmd(dir.path(), &[])
        .assert()
        .success()
        .stderr(predicate::str::contains("README.md is up to date"));
    assert_eq!(read(dir.path().join("README.md")), read(fixture("basic.expected.md")));
}

#[test]
fn library_api_reports_skipped_notes_and_diffs() {
    let dir = repo("basic");
    let g = daybook::readme::generate(
        dir.path(),
        &Config::default(),
        NaiveDate::from_ymd_opt(2022, 4, 14).unwrap(),
    )
    .unwrap();
    assert!(g.changed());
    assert_eq!(g.display_path, "README.md");
    assert_eq!(g.new, read(fixture("basic.expected.md")));
    let rules: Vec<(&str, &str)> = g.diagnostics.iter().map(|d| (d.rule.as_str(), d.path.as_str())).collect();
    assert_eq!(
        rules,
        [("readme-skipped-note", "notes/202204/04011.md"), ("readme-skipped-note", "notes/202204/0405.md")]
    );
    let diff = g.diff();
    assert!(diff.starts_with("--- a/README.md\n+++ b/README.md\n"), "{diff}");
    assert!(diff.contains("\n-更新今日时间：2000.1.1\n+更新今日时间：2022.4.10\n"), "{diff}");
    daybook::readme::write(&g).unwrap();
    assert_eq!(read(dir.path().join("README.md")), g.new);
}

#[test]
fn fast_loader_agrees_with_a_full_parse_on_the_fixtures() {
    let today = NaiveDate::from_ymd_opt(2022, 4, 14).unwrap();
    for name in ["basic", "seed"] {
        let dir = repo(name);
        if name == "seed" {
            daybook_in(dir.path()).args(["init", "."]).assert().success();
        }
        let cfg = Config::default();
        let g = daybook::readme::generate(dir.path(), &cfg, today).unwrap();
        assert_eq!(via_full_parse(dir.path(), &cfg, today).unwrap(), g.new, "{name}");
    }
}

#[test]
fn titles_are_found_past_the_first_h2_and_after_long_preambles() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("README.md"), MARKED).unwrap();
    write_note(dir.path(), "2022-04-13", "1. [a](https://example.org/a)       :star:\n");
    // H1 after an H2, and an H1 after 9 KB of preamble without any H2.
    let p = dir.path().join("notes/202204/0412.md");
    fs::write(&p, "## :paperclip:  今日要点\n\n1. x\n\n# 公众号内容拓展学习笔记（2022.4.12）\n").unwrap();
    let p = dir.path().join("notes/202204/0411.md");
    fs::write(
        &p,
        format!(
            "{}\n\n# 公众号内容拓展学习笔记（2022.4.11）\n\n## :paperclip:  今日要点\n",
            "前言".repeat(1500)
        ),
    )
    .unwrap();
    // A head longer than the first read (1 KB) but within 8 KB.
    let p = dir.path().join("notes/202204/0410.md");
    fs::write(
        &p,
        format!(
            "{}\n\n# 公众号内容拓展学习笔记（2022.4.10）\n\n## :paperclip:  今日要点\n",
            "前言".repeat(300)
        ),
    )
    .unwrap();
    readme_cmd(dir.path(), &[]).assert().success().stderr(predicate::str::contains("skipped").not());
    let got = read(dir.path().join("README.md"));
    assert!(got.contains("    1. <a href=\"notes/202204/0410.md\" target=\"_blank\">公众号内容拓展学习笔记（2022.4.10）</a>\n    2. <a href=\"notes/202204/0411.md\""), "{got}");
    assert!(got.contains("    2. <a href=\"notes/202204/0411.md\" target=\"_blank\">公众号内容拓展学习笔记（2022.4.11）</a>\n    3. <a href=\"notes/202204/0412.md\""), "{got}");
    assert_eq!(
        via_full_parse(dir.path(), &Config::default(), NaiveDate::from_ymd_opt(2022, 4, 14).unwrap())
            .unwrap(),
        got
    );
}

#[test]
fn a_newest_note_unreadable_past_its_head_is_reported_and_the_next_one_used() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("README.md"), MARKED).unwrap();
    write_note(dir.path(), "2022-04-13", "1. [a](https://example.org/a)       :star:\n");
    write_note(dir.path(), "2022-04-14", "1. [b](https://example.org/b)       :star:\n");
    let p = dir.path().join("notes/202204/0414.md");
    let mut bytes = fs::read(&p).unwrap();
    bytes.extend_from_slice(b"\n\xff\xfe broken\n");
    fs::write(&p, bytes).unwrap();
    readme_cmd(dir.path(), &[])
        .assert()
        .success()
        .stderr(predicate::str::contains("error[unreadable-file]: notes/202204/0414.md"));
    let got = read(dir.path().join("README.md"));
    assert!(got.contains("更新今日时间：2022.4.13"), "{got}");
    assert!(got.contains("1. [a](https://example.org/a)"), "{got}");
    assert!(!got.contains("notes/202204/0414.md"), "{got}");
}

#[test]
fn future_notes_are_kept_and_warned_about() {
    let dir = repo("basic");
    daybook_in(dir.path()).args(["readme", ".", "--today", "2022-04-05"]).assert().success().stderr(
        predicate::str::contains(
            "warning[future-note]: notes/202204/0410.md:1:1: dated 2022-04-10, after today (2022-04-05)",
        ),
    );
    assert!(read(dir.path().join("README.md")).contains("更新今日时间：2022.4.10"));
}

#[test]
fn newest_is_the_date_in_the_path_not_the_file_time() {
    // The older note was edited last (and created last): it is still not the newest.
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    write_note(root, "2022-04-14", "1. [newest](https://example.com/new)       :star:\n");
    write_note(root, "2022-04-02", "1. [older](https://example.com/old)       :star:\n");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(86_400);
    fs::File::options()
        .write(true)
        .open(root.join("notes/202204/0402.md"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    fs::write(root.join("README.md"), MARKED).unwrap();
    readme_cmd(root, &[]).assert().success();
    let readme = read(root.join("README.md"));
    assert!(readme.contains("更新今日时间：2022.4.14"), "{readme}");
    assert!(readme.contains("[newest](https://example.com/new)") && !readme.contains("[older]"), "{readme}");
}

#[test]
fn seed_layout_is_reproduced_exactly() {
    let dir = repo("seed");
    fs::remove_file(dir.path().join("README.wrong.md")).unwrap();
    let original = read(dir.path().join("README.md"));
    daybook_in(dir.path())
        .args(["init", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "README.md: wrapped the today section (lines 12-29) in `<!-- daybook:today -->` markers",
        ))
        .stdout(predicate::str::contains("wrapped the history block (lines 35-56)"))
        .stdout(predicate::str::contains("wrapped the date line (line 6)"))
        .stdout(predicate::str::contains("daybook.yml: not needed"));
    let adopted = read(dir.path().join("README.md"));
    assert_eq!(adopted, read(fixture("seed.expected.md")));
    // init only added marker lines.
    let without: String = adopted.split_inclusive('\n').filter(|l| !l.starts_with("<!-- ")).collect();
    assert_eq!(without, original);
    assert!(!dir.path().join("daybook.yml").exists());
    // The hand-made README was right: regenerating changes nothing.
    readme_cmd(dir.path(), &["--check"]).assert().code(0).stdout("");
    readme_cmd(dir.path(), &[]).assert().success();
    assert_eq!(read(dir.path().join("README.md")), adopted);
}

#[test]
fn seed_readme_with_wrong_history_changes_only_the_wrong_lines() {
    let dir = repo("seed");
    fs::rename(dir.path().join("README.wrong.md"), dir.path().join("README.md")).unwrap();
    daybook_in(dir.path()).args(["init", "."]).assert().success();
    let adopted = read(dir.path().join("README.md"));
    let out = readme_cmd(dir.path(), &["--check"]).assert().code(1).get_output().stdout.clone();
    let diff = String::from_utf8(out).unwrap();
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).collect();
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    assert_eq!(
        removed,
        [
            "-更新今日时间：2022.1.20",
            "-    2. <a href=\"notes/202105/05010.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.5.10）</a>",
            "-    3. <a href=\"notes/202105/05011.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.5.11）</a>",
        ]
    );
    assert_eq!(
        added,
        [
            "+更新今日时间：2022.4.14",
            "+    2. <a href=\"notes/202105/0510.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.5.10）</a>",
            "+    3. <a href=\"notes/202105/0511.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.5.11）</a>",
            "+<details><summary>1月</summary>",
            "+    1. <a href=\"notes/202201/0120.md\" target=\"_blank\">公众号内容拓展学习笔记（2022.1.20）</a>",
            "+</details>",
        ]
    );
    // --check wrote nothing.
    assert_eq!(read(dir.path().join("README.md")), adopted);
    readme_cmd(dir.path(), &[]).assert().success();
    assert_eq!(read(dir.path().join("README.md")), read(fixture("seed.expected.md")));
}

#[test]
fn crlf_bom_and_trailing_whitespace_are_preserved() {
    let dir = repo("basic");
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    let readme = read(dir.path().join("README.md"));
    fs::write(dir.path().join("README.md"), crlf(&readme)).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    let got = fs::read(dir.path().join("README.md")).unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), crlf(&read(fixture("basic.expected.md"))));
}

#[test]
fn crlf_notes_into_an_lf_readme_give_lf() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("README.md"), MARKED).unwrap();
    write_note(
        dir.path(),
        "2022-04-14",
        "1. [a](https://example.org/a)       :star:\r\n   - Abstract: x  \r\n",
    );
    let p = dir.path().join("notes/202204/0414.md");
    fs::write(&p, read(&p).replace('\n', "\r\n").replace("\r\r\n", "\r\n")).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    let got = read(dir.path().join("README.md"));
    assert!(!got.contains('\r'), "{got:?}");
    assert!(got.contains("<!-- daybook:today -->\n1. [a](https://example.org/a)       :star:\n   - Abstract: x  \n<!-- /daybook:today -->\n"), "{got}");
}

#[test]
fn missing_final_newline_stays_missing() {
    let dir = TempDir::new().unwrap();
    write_note(dir.path(), "2022-04-14", "1. [a](https://example.org/a)       :star:\n");
    fs::write(dir.path().join("README.md"), "x  \n<!-- daybook:updated -->\n<!-- /daybook:updated -->")
        .unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert_eq!(
        read(dir.path().join("README.md")),
        "x  \n<!-- daybook:updated -->\n更新今日时间：2022.4.14\n<!-- /daybook:updated -->"
    );
}

#[test]
fn links_are_rebased_for_a_readme_in_a_subfolder() {
    let dir = repo("basic");
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::rename(dir.path().join("README.md"), dir.path().join("docs/README.md")).unwrap();
    fs::write(dir.path().join("daybook.yml"), "readme:\n  path: docs/README.md\n").unwrap();
    readme_cmd(dir.path(), &[])
        .assert()
        .success()
        .stderr(predicate::str::contains("docs/README.md: regenerated"));
    let got = read(dir.path().join("docs/README.md"));
    assert!(got.contains("![图一](../notes/202204/images/0410.png)"), "{got}");
    assert!(got.contains("<img src=\"../notes/202204/images/0410-2.png\""), "{got}");
    assert!(got.contains("[上月](../notes/202203/0330.md#paperclip--今日要点 \"标题\")"), "{got}");
    assert!(got.contains("<a href=\"../notes/202204/0402.md\" target=\"_blank\">"), "{got}");
    assert!(got.contains("[邮件](mailto:me@example.org) [本页](#paperclip--今日要点)"), "{got}");
    assert!(got.contains("[仓库根](/docs/guide.md) [协议相对](//cdn.example.org/x.png)"), "{got}");
}

#[test]
fn descending_order_and_custom_templates() {
    let dir = repo("basic");
    fs::write(
        dir.path().join("daybook.yml"),
        "readme:\n  order: descending\n  templates:\n    updated: \"Last update: {{ newest.date }} ({{ count }} notes)\"\n    history: |\n      {% for n in notes %}\n      - [{{ n.title }}]({{ n.path }}) #{{ n.number }}\n      {% endfor %}\n",
    )
    .unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    let got = read(dir.path().join("README.md"));
    assert!(
        got.contains(
            "<!-- daybook:updated -->\nLast update: 2022-04-10 (3 notes)\n<!-- /daybook:updated -->"
        ),
        "{got}"
    );
    assert!(
        got.contains(
            "<!-- daybook:history -->\n\
             - [公众号内容拓展学习笔记（2022.4.10）](notes/202204/0410.md) #2\n\
             - [公众号内容拓展学习笔记（2022.4.2）](notes/202204/0402.md) #1\n\
             - [公众号内容拓展学习笔记（2022.3.30）](notes/202203/0330.md) #1\n\
             <!-- /daybook:history -->"
        ),
        "{got}"
    );
}

#[test]
fn a_template_indexing_past_three_notes_renders_on_a_longer_history() {
    // Config validation renders templates against a three-note sample; an index
    // only the real history has must not make daybook.yml invalid.
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    for day in 1..=6 {
        write_note(root, &format!("2022-04-{day:02}"), "1. [a](https://example.com/a)       :star:\n");
    }
    fs::write(root.join("README.md"), MARKED).unwrap();
    fs::write(
        root.join("daybook.yml"),
        "readme:\n  templates:\n    updated: \"fifth: {{ notes[4].title }}\"\n",
    )
    .unwrap();
    readme_cmd(root, &[]).assert().success();
    assert!(read(root.join("README.md")).contains("fifth: 公众号内容拓展学习笔记（2022.4.5）"));
    daybook_in(root).args(["lint", "--offline", "."]).assert().code(predicate::ne(2));
}

#[test]
fn the_documented_template_example_works() {
    // The daybook.yml example of docs/readme.md, verbatim.
    let yml = r#"readme:
  path: README.md          # where the README is (default README.md)
  order: ascending         # or descending
  templates:
    updated: "Last updated: {{ newest.date }} · {{ count }} notes"
    history: |
      {% for year in years %}
      ### {{ year.year }} ({{ year.count }} notes)
      {% for month in year.months %}
      {% for note in month.notes %}
      - [{{ note.title }}]({{ note.path }})
      {% endfor %}
      {% endfor %}
      {% endfor %}
"#;
    let dir = repo("basic");
    fs::write(dir.path().join("daybook.yml"), yml).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    let got = read(dir.path().join("README.md"));
    assert!(got.contains("<!-- daybook:updated -->\nLast updated: 2022-04-10 · 3 notes\n"), "{got}");
    assert!(
        got.contains(
            "<!-- daybook:history -->\n### 2022 (3 notes)\n\
             - [公众号内容拓展学习笔记（2022.3.30）](notes/202203/0330.md)\n\
             - [公众号内容拓展学习笔记（2022.4.2）](notes/202204/0402.md)\n\
             - [公众号内容拓展学习笔记（2022.4.10）](notes/202204/0410.md)\n<!-- /daybook:history -->"
        ),
        "{got}"
    );
}

#[test]
fn default_history_in_descending_order() {
    let dir = repo("basic");
    fs::write(dir.path().join("daybook.yml"), "readme:\n  order: descending\n").unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    let got = read(dir.path().join("README.md"));
    let start = got.find("<!-- daybook:history -->").unwrap();
    assert!(
        got[start..].starts_with(
            "<!-- daybook:history -->\n<pre><details><summary>2022年</summary>\n<details><summary>4月</summary>\n    \
             2. <a href=\"notes/202204/0410.md\" target=\"_blank\">公众号内容拓展学习笔记（2022.4.10）</a>\n    \
             1. <a href=\"notes/202204/0402.md\" target=\"_blank\">公众号内容拓展学习笔记（2022.4.2）</a>\n</details>\n\
             <details><summary>3月</summary>\n"
        ),
        "{}",
        &got[start..]
    );
}

#[test]
fn a_newest_note_without_a_today_section_empties_the_region() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("README.md"),
        MARKED.replace("<!-- daybook:today -->\n", "<!-- daybook:today -->\nold\n"),
    )
    .unwrap();
    write_note(dir.path(), "2022-04-13", "1. [a](https://example.org/a)       :star:\n");
    fs::write(
        dir.path().join("notes/202204/0414.md"),
        "# 公众号内容拓展学习笔记（2022.4.14）\n\n## 别的标题\n\n1. x\n",
    )
    .unwrap();
    readme_cmd(dir.path(), &[]).assert().success().stderr(predicate::str::contains(
        "warning[readme-no-today]: notes/202204/0414.md:1:1: the newest note has no today section",
    ));
    let got = read(dir.path().join("README.md"));
    assert!(got.contains("<!-- daybook:today -->\n<!-- /daybook:today -->"), "{got}");
    assert!(got.contains("更新今日时间：2022.4.14"), "{got}");
}

#[test]
fn rules_config_can_silence_readme_findings() {
    let dir = repo("basic");
    fs::write(dir.path().join("daybook.yml"), "rules:\n  readme-skipped-note: off\n").unwrap();
    readme_cmd(dir.path(), &[])
        .assert()
        .success()
        .stderr(predicate::str::contains("readme-skipped-note").not());
}

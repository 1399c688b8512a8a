//! `daybook readme` and `daybook init` on fixture repositories
//! (tests/fixtures/readme/): generated READMEs against hand-checked files, the
//! seed layout reproduced exactly, byte preservation (CRLF, BOM, trailing
//! whitespace), link rebasing, every bad-input case, `--check` exit codes, and
//! an idempotence property.

use std::fs;
use std::path::{Path, PathBuf};

use std::process::Command;

use assert_cmd::prelude::*;
use chrono::NaiveDate;
use daybook::config::Config;
use predicates::prelude::*;
use proptest::prelude::*;
use tempfile::TempDir;

use crate::common::{daybook_in, fixtures, temp_copy};

fn fixture(name: &str) -> PathBuf {
    fixtures("readme").join(name)
}

fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// A temporary copy of a fixture repository.
fn repo(name: &str) -> TempDir {
    temp_copy(&fixture(name))
}

fn readme_cmd(dir: &Path, extra: &[&str]) -> Command {
    let mut c = daybook_in(dir);
    c.arg("readme").arg(".").args(["--today", "2022-04-14"]).args(extra);
    c
}

/// Write a minimal note for `date` with `today` as its today section.
fn write_note(root: &Path, date: &str, today: &str) {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let path = root.join(d.format("notes/%Y%m/%m%d.md").to_string());
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let title = format!("公众号内容拓展学习笔记（{}）", d.format("%Y.%-m.%-d"));
    fs::write(
        path,
        format!("# {title}\n\n## :paperclip:  今日要点\n\n{today}\n## :paperclip:  Others\n\n- end\n"),
    )
    .unwrap();
}

const MARKED: &str = "# t\n\n<!-- daybook:updated -->\n<!-- /daybook:updated -->\n\n<!-- daybook:today -->\n<!-- /daybook:today -->\n\n<!-- daybook:history -->\n<!-- /daybook:history -->\n";

// ---------------------------------------------------------------- generation

/// The README as regenerated from notes parsed in full by the lint loader: the
/// fast head-only loader of `generate` must agree with it exactly.
fn via_full_parse(
    root: &Path,
    cfg: &Config,
    today: NaiveDate,
) -> Result<String, daybook::readme::ReadmeError> {
    let readme = daybook::readme::ReadmeFile::read(root, cfg)?;
    let regions = readme.regions()?;
    let templates = daybook::readme::compile(cfg)?;
    let loaded = daybook::lint::load_notes(root, cfg)?;
    daybook::readme::regenerate(&readme, &regions, &loaded.notes, &templates, cfg, today)
        .map(|(text, _)| text)
}

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

// ----------------------------------------------------------- --check, --stdout

#[test]
fn check_exits_1_with_a_diff_when_stale_and_0_when_current() {
    let dir = repo("basic");
    let before = read(dir.path().join("README.md"));
    readme_cmd(dir.path(), &["--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("--- a/README.md\n+++ b/README.md\n@@ "))
        .stdout(predicate::str::contains("\n-stale\n"))
        .stdout(predicate::str::contains("\n+更新今日时间：2022.4.10\n"))
        .stderr(predicate::str::contains("README.md is stale (the updated, today and history regions)"));
    assert_eq!(read(dir.path().join("README.md")), before, "--check must not write");
    readme_cmd(dir.path(), &[]).assert().success();
    readme_cmd(dir.path(), &["--check"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("README.md is up to date"));
}

#[test]
fn stdout_prints_the_would_be_readme_and_writes_nothing() {
    let dir = repo("basic");
    let before = read(dir.path().join("README.md"));
    readme_cmd(dir.path(), &["--stdout"]).assert().success().stdout(read(fixture("basic.expected.md")));
    assert_eq!(read(dir.path().join("README.md")), before);
}

#[test]
fn check_and_stdout_conflict() {
    let dir = repo("basic");
    readme_cmd(dir.path(), &["--check", "--stdout"]).assert().code(2);
}

#[cfg(unix)]
#[test]
fn write_keeps_permissions_and_leaves_no_temporary_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo("basic");
    let p = dir.path().join("README.md");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".daybook-readme-")), "{names:?}");
}

#[test]
fn write_refuses_when_the_readme_changed_since_it_was_read() {
    let dir = repo("basic");
    let g = daybook::readme::generate(
        dir.path(),
        &Config::default(),
        NaiveDate::from_ymd_opt(2022, 4, 14).unwrap(),
    )
    .unwrap();
    fs::write(dir.path().join("README.md"), "edited meanwhile\n").unwrap();
    let e = daybook::readme::write(&g).unwrap_err();
    assert!(e.to_string().contains("README.md: changed on disk"), "{e}");
    assert_eq!(read(dir.path().join("README.md")), "edited meanwhile\n");
}

/// `README.md -> docs/README.md`: the target is regenerated, the link stays a link.
#[cfg(unix)]
#[test]
fn a_readme_linked_inside_the_repository_is_written_through() {
    let dir = repo("basic");
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::rename(dir.path().join("README.md"), dir.path().join("docs/README.md")).unwrap();
    std::os::unix::fs::symlink("docs/README.md", dir.path().join("README.md")).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert!(fs::symlink_metadata(dir.path().join("README.md")).unwrap().file_type().is_symlink());
    assert_eq!(read(dir.path().join("docs/README.md")), read(fixture("basic.expected.md")));
}

/// A pull request may make README.md a link to a file of the runner: daybook
/// must not overwrite it.
#[cfg(unix)]
#[test]
fn a_readme_linked_out_of_the_repository_is_not_written() {
    let dir = repo("basic");
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("README.md");
    fs::rename(dir.path().join("README.md"), &victim).unwrap();
    let before = read(&victim);
    std::os::unix::fs::symlink(&victim, dir.path().join("README.md")).unwrap();
    let out = readme_cmd(dir.path(), &[]).output().unwrap();
    assert!(!out.status.success());
    // The message as one line, whatever width miette wrapped it to.
    let stderr = String::from_utf8_lossy(&out.stderr).replace('│', " ");
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains(&format!(
            "README.md is a symlink to {}, outside the repository; daybook writes only inside it, so nothing was written",
            fs::canonicalize(&victim).unwrap().display()
        )),
        "{stderr}"
    );
    assert_eq!(read(&victim), before);
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1, "no temporary file beside the target");
    assert!(fs::symlink_metadata(dir.path().join("README.md")).unwrap().file_type().is_symlink());
}

/// A temporary file left by a killed run is removed by the next write to its
/// folder; a fresh one, which may be another run's write in progress, is not.
#[test]
fn a_stale_temporary_file_is_swept_and_a_fresh_one_kept() {
    let dir = repo("basic");
    let stale = dir.path().join(".daybook-tmp-killed.tmp");
    let fresh = dir.path().join(".daybook-tmp-running.tmp");
    fs::File::create(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    fs::File::create(&fresh).unwrap();
    readme_cmd(dir.path(), &[]).assert().success();
    assert!(!stale.exists());
    assert!(fresh.exists());
    let temps: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".daybook-tmp-"))
        .collect();
    assert_eq!(temps, [".daybook-tmp-running.tmp"]);
}

// ---------------------------------------------------------------- bad input

/// Run `daybook readme` on a repo with `readme` as README.md; it must fail with
/// exit 2, print `expect` on stderr and leave the README byte for byte.
fn fails(readme: Option<&str>, setup: impl FnOnce(&Path), expect: &[&str]) {
    let dir = TempDir::new().unwrap();
    write_note(dir.path(), "2022-04-14", "1. [a](https://example.org/a)       :star:\n");
    if let Some(r) = readme {
        fs::write(dir.path().join("README.md"), r).unwrap();
    }
    setup(dir.path());
    let out = readme_cmd(dir.path(), &[]).assert().code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for e in expect {
        assert!(stderr.contains(e), "expected {e:?} in:\n{stderr}");
    }
    match readme {
        Some(r) => assert_eq!(read(dir.path().join("README.md")), r),
        None => assert!(!dir.path().join("README.md").exists()),
    }
}

#[test]
fn bad_readme_missing() {
    fails(None, |_| {}, &["README.md: README not found", "daybook:today"]);
}

#[test]
fn bad_start_marker_without_end() {
    fails(
        Some("# t\n\n<!-- daybook:history -->\nold\n"),
        |_| {},
        &[
            "README.md:3: `<!-- daybook:history -->` has no end marker",
            "add a line `<!-- /daybook:history -->`",
        ],
    );
}

#[test]
fn bad_nested_markers() {
    fails(
        Some(
            "<!-- daybook:today -->\n<!-- daybook:history -->\n<!-- /daybook:history -->\n<!-- /daybook:today -->\n",
        ),
        |_| {},
        &["README.md:2: the history region starts inside the today region"],
    );
}

#[test]
fn bad_repeated_start_marker() {
    fails(
        Some("a\n<!-- daybook:today -->\nx\n<!-- daybook:today -->\n<!-- /daybook:today -->\n"),
        |_| {},
        &["README.md:4: `<!-- daybook:today -->` again, before the region opened on"],
    );
}

#[test]
fn bad_region_named_twice() {
    fails(
        Some(
            "<!-- daybook:updated -->\n<!-- /daybook:updated -->\n\n<!-- daybook:updated -->\n<!-- /daybook:updated -->\n",
        ),
        |_| {},
        &["README.md:4: a second updated region; the first starts on line 1"],
    );
}

#[test]
fn bad_end_marker_without_start() {
    fails(
        Some("x\n<!-- /daybook:today -->\n"),
        |_| {},
        &["README.md:2: `<!-- /daybook:today -->` without a start marker"],
    );
}

#[test]
fn bad_unknown_region_name() {
    fails(
        Some("<!-- daybook:histroy -->\n<!-- /daybook:histroy -->\n"),
        |_| {},
        &["README.md:1: unknown region `daybook:histroy`", "did you mean `daybook:history`?"],
    );
}

#[test]
fn bad_readme_without_markers() {
    fails(Some("# just a readme\n"), |_| {}, &["README.md: no daybook markers", "daybook init"]);
}

#[test]
fn bad_template_that_fails_only_on_the_real_notes_names_its_daybook_yml_line() {
    // Valid against the load-time sample, undefined on this one-note history.
    fails(
        Some(MARKED),
        |root| {
            fs::write(
                root.join("daybook.yml"),
                "readme:\n  templates:\n    history: |\n      {% for n in notes %}{{ n.title }}{% endfor %}\n      {{ notes[200].title }}\n",
            )
            .unwrap()
        },
        &["daybook.yml:5:", "readme.templates.history", "undefined"],
    );
}

#[test]
fn bad_template_that_does_not_compile() {
    fails(
        Some(MARKED),
        |root| {
            fs::write(
                root.join("daybook.yml"),
                "readme:\n  templates:\n    history: |\n      {% for n in notes %}\n      {{ n.title }\n      {% endfor %}\n",
            )
            .unwrap()
        },
        &["daybook.yml:5:", "readme.templates.history"],
    );
}

#[test]
fn bad_template_with_an_undefined_variable() {
    fails(
        Some(MARKED),
        |root| {
            fs::write(root.join("daybook.yml"), "readme:\n  templates:\n    updated: \"{{ newest.dat }}\"\n")
                .unwrap()
        },
        &["daybook.yml:3:", "readme.templates.updated", "undefined"],
    );
}

#[test]
fn bad_notes_root_with_no_notes() {
    fails(
        Some(MARKED),
        |root| {
            fs::remove_dir_all(root.join("notes")).unwrap();
            fs::create_dir(root.join("notes")).unwrap();
        },
        &["notes: no notes found", "notes.root"],
    );
}

#[test]
fn bad_no_notes_folder() {
    fails(
        Some(MARKED),
        |root| fs::remove_dir_all(root.join("notes")).unwrap(),
        &["no notes folder", "notes.root"],
    );
}

#[test]
fn bad_every_note_left_out() {
    fails(
        Some(MARKED),
        |root| fs::rename(root.join("notes/202204/0414.md"), root.join("notes/202204/04140.md")).unwrap(),
        &["none of the 1 notes can be listed"],
    );
}

#[test]
fn bad_marker_line_inside_a_notes_today_section() {
    fails(
        Some(MARKED),
        |root| {
            write_note(
                root,
                "2022-04-15",
                "1. [a](https://example.org/a)       :star:\n<!-- /daybook:today -->\n",
            )
        },
        &["notes/202204/0415.md:6: the today section contains a daybook marker line"],
    );
}

#[test]
fn bad_readme_not_utf8() {
    let dir = TempDir::new().unwrap();
    write_note(dir.path(), "2022-04-14", "1. x\n");
    fs::write(dir.path().join("README.md"), b"<!-- daybook:today -->\n\xff\n<!-- /daybook:today -->\n")
        .unwrap();
    readme_cmd(dir.path(), &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md:2:1: not valid UTF-8"));
}

// ---------------------------------------------------------------------- init

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
fn a_readme_that_is_not_utf8_names_the_line() {
    let dir = TempDir::new().unwrap();
    fs::create_dir_all(dir.path().join("notes")).unwrap();
    fs::write(dir.path().join("README.md"), b"# t\n\nsaved as GBK: \xb9\xfe\n".as_slice()).unwrap();
    daybook_in(dir.path())
        .args(["readme", ".", "--check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md:3:15: not valid UTF-8"));
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

// --------------------------------------------------------------- idempotence

/// One line of a note's today section.
fn today_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_owned()),
        "[a-z一-龥 ]{0,12}".prop_map(|t| format!("1. [{t}](https://example.org/{})       :star:", t.len())),
        "[a-z]{1,8}".prop_map(|p| format!("![x](images/{p}.png)")),
        "[a-z]{1,8}".prop_map(|p| format!("<div align=center><img src=\"./{p}.png\" style='zoom:100%'>")),
        Just("</div>".to_owned()),
        "[a-z]{1,8}"
            .prop_map(|p| format!("   - Paper: [p](../202001/{p}.md#x) [m](mailto:{p}@x.org) [f](#{p})")),
        Just("```".to_owned()),
        "[ -~]{0,30}".prop_map(|s| s.replace("<!--", "")),
        "[a-z一-龥]{0,10}\t ".prop_map(|s| s),
    ]
}

/// Text around markers: anything but a marker line or a fence opener.
fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(String::new()),
            "[ -~一-龥]{0,24}".prop_map(|s| s.replace("<!--", "<!").replace(['`', '~'], "'")),
            Just("## :paperclip:  今日要点".to_owned()),
            Just("   ".to_owned()),
        ],
        0..4,
    )
    .prop_map(|v| v.join("\n"))
}

#[derive(Debug, Clone)]
struct Case {
    notes: Vec<(NaiveDate, bool, Vec<String>)>,
    regions: Vec<&'static str>,
    fillers: Vec<String>,
    crlf: bool,
    bom: bool,
    final_newline: bool,
    stale: Vec<String>,
}

fn case() -> impl Strategy<Value = Case> {
    let note = (0u32..900, any::<bool>(), prop::collection::vec(today_line(), 0..8)).prop_map(
        |(d, good_title, lines)| {
            (NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d as u64), good_title, lines)
        },
    );
    (
        prop::collection::vec(note, 1..6),
        prop::sample::subsequence(vec!["today", "history", "updated"], 1..=3).prop_shuffle(),
        prop::collection::vec(filler(), 4),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(filler(), 3),
    )
        .prop_map(|(notes, regions, fillers, crlf, bom, final_newline, stale)| Case {
            notes,
            regions,
            fillers,
            crlf,
            bom,
            final_newline,
            stale,
        })
}

fn build(case: &Case) -> (TempDir, String) {
    let dir = TempDir::new().unwrap();
    for (date, good_title, lines) in &case.notes {
        write_note(dir.path(), &date.format("%Y-%m-%d").to_string(), &(lines.join("\n") + "\n"));
        if !good_title {
            let p = dir.path().join(date.format("notes/%Y%m/%m%d.md").to_string());
            let text = read(&p).replacen("# 公众号", "# 笔记", 1);
            fs::write(p, text).unwrap();
        }
    }
    let mut readme = String::new();
    if case.bom {
        readme.push('\u{feff}');
    }
    readme.push_str(&case.fillers[0]);
    for (i, r) in case.regions.iter().enumerate() {
        readme.push_str(&format!("\n<!-- daybook:{r} -->\n{}\n<!-- /daybook:{r} -->\n", case.stale[i]));
        readme.push_str(&case.fillers[i + 1]);
    }
    if case.final_newline {
        readme.push('\n');
    }
    if case.crlf {
        readme = readme.replace('\n', "\r\n");
    }
    fs::write(dir.path().join("README.md"), &readme).unwrap();
    (dir, readme)
}

/// The README with every region's inner text removed.
fn outside_regions(text: &str) -> String {
    let regions = daybook::readme::markers::scan(text).unwrap();
    daybook::readme::markers::splice(text, &regions, |_| Some(String::new()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generating_twice_gives_the_same_bytes_as_once(case in case()) {
        let (dir, original) = build(&case);
        let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        let cfg = Config::default();
        let first = match daybook::readme::generate(dir.path(), &cfg, today) {
            Ok(g) => g,
            // Every note left out: a clean error, nothing to compare.
            Err(daybook::readme::ReadmeError::NoUsableNotes { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        };
        // Only region contents changed.
        prop_assert_eq!(outside_regions(&first.new), outside_regions(&original));
        // The head-only loader agrees with a full parse of every note.
        prop_assert_eq!(&via_full_parse(dir.path(), &cfg, today).unwrap(), &first.new);
        daybook::readme::write(&first).unwrap();
        let second = daybook::readme::generate(dir.path(), &cfg, today).unwrap();
        prop_assert_eq!(&second.new, &first.new);
        prop_assert!(!second.changed());
        prop_assert_eq!(read(dir.path().join("README.md")), first.new);
    }
}

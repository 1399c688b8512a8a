//! Shapes people commonly use beyond the fixtures': small repositories written
//! by each test, adopted with no config. Where the README's index was right,
//! `init` then `readme` must leave it as it was (markers aside), and `lint`
//! must find nothing in notes that hold no defect.

use std::path::Path;

use assert_cmd::prelude::OutputAssertExt as _;

use crate::common::daybook;

pub(super) fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// init -> lint -> readme -> readme --check; returns init's output and daybook.yml.
pub(super) fn adopt_unchanged(files: &[(&str, &str)]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, files);
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let out = daybook().arg("init").arg(root).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "init failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    let config = std::fs::read_to_string(root.join("daybook.yml")).unwrap();
    let out = daybook().args(["lint", "--offline"]).arg(root).output().unwrap();
    assert!(out.status.success(), "lint found defects: {}\n{config}", String::from_utf8_lossy(&out.stdout));
    if stdout.contains("wrapped the index") {
        daybook().arg("readme").arg(root).assert().success();
        let text = std::fs::read_to_string(root.join("README.md")).unwrap();
        let unwrapped: String =
            text.split_inclusive('\n').filter(|l| !l.trim_start().starts_with("<!-- ")).collect();
        assert_eq!(unwrapped, readme, "readme changed a right index; daybook.yml:\n{config}");
        daybook().args(["readme", "--check"]).arg(root).assert().success();
    }
    (stdout, config)
}

fn note(date: &str) -> String {
    format!("# {date}\n\nWrote a little.\n")
}

#[test]
fn year_and_month_folders_with_a_file_per_day() {
    let n = [note("2024-01-01"), note("2024-01-02"), note("2024-02-01")];
    let (_, config) = adopt_unchanged(&[
        ("2024/01/01.md", &n[0]),
        ("2024/01/02.md", &n[1]),
        ("2024/02/01.md", &n[2]),
        (
            "README.md",
            "# Log\n\n- [2024-02-01](2024/02/01.md)\n- [2024-01-02](2024/01/02.md)\n- [2024-01-01](2024/01/01.md)\n",
        ),
    ]);
    assert!(
        config.contains("pattern: '**/{yyyy}/{mm}/{dd}.md'")
            || config.contains("pattern: '{yyyy}/{mm}/{dd}.md'"),
        "{config}"
    );
}

/// `1. `, `2. `... numbered as the README numbers them.
#[test]
fn year_folders_indexed_by_a_numbered_list() {
    let n = [note("2023-12-30"), note("2024-01-01"), note("2024-01-02")];
    let (_, config) = adopt_unchanged(&[
        ("2023/2023-12-30.md", &n[0]),
        ("2024/2024-01-01.md", &n[1]),
        ("2024/2024-01-02.md", &n[2]),
        (
            "README.md",
            "# Log\n\n1. [2023-12-30](2023/2023-12-30.md)\n2. [2024-01-01](2024/2024-01-01.md)\n3. [2024-01-02](2024/2024-01-02.md)\n\nEnd.\n",
        ),
    ]);
    assert!(config.contains("{{ loop.index }}. ["), "{config}");
}

/// `diary/2024/01-02.md`: the month and day after a year folder are a date,
/// and a Markdown table's date column is the note's date.
#[test]
fn month_day_files_in_year_folders_indexed_by_a_table() {
    let day = |d: &str| format!("# Day {d}\n\nText.\n");
    let (_, config) = adopt_unchanged(&[
        ("diary/2023/12-31.md", &day("12-31")),
        ("diary/2024/01-02.md", &day("01-02")),
        ("diary/2024/02-10.md", &day("02-10")),
        (
            "README.md",
            "# Diary\n\n| Date | Entry |\n|---|---|\n| 2024-02-10 | [Day 02-10](diary/2024/02-10.md) |\n| 2024-01-02 | [Day 01-02](diary/2024/01-02.md) |\n| 2023-12-31 | [Day 12-31](diary/2023/12-31.md) |\n",
        ),
    ]);
    assert!(config.contains("pattern: '{yyyy}/{mm}-{dd}.md'"), "{config}");
    assert!(config.contains("| {{ note.date }} | [{{ note.title }}]({{ note.url }}) |"), "{config}");
}

/// Hugo page bundles with TOML front matter and a README linking only the
/// site: nothing to adopt in the README, a config all the same, exit 0.
#[test]
fn hugo_bundles_with_toml_front_matter_and_an_external_index() {
    let post = |t: &str, d: &str| {
        format!("+++\ntitle = \"{t}\"\ndate = {d}T10:00:00+01:00\ndraft = false\n+++\n\nBody.\n")
    };
    let (stdout, config) = adopt_unchanged(&[
        ("content/posts/hello/index.md", &post("Hello", "2024-01-02")),
        ("content/posts/world/index.md", &post("World", "2024-01-05")),
        ("content/posts/again/index.md", &post("Again", "2024-02-01")),
        ("content/about.md", "+++\ntitle = \"About\"\n+++\n\nMe.\n"),
        (
            "README.md",
            "# Blog\n\nThe [site](https://example.com).\n\n- [Hello](https://example.com/posts/hello/)\n- [World](https://example.com/posts/world/)\n",
        ),
    ]);
    assert!(stdout.contains("no index of the notes found"), "{stdout}");
    assert!(config.contains("root: content/posts") && config.contains("pattern: '*/index.md'"), "{config}");
    assert!(config.contains("dated by their front matter"), "{config}");
}

/// Dendron's dotted daily notes at the repository root: a date after a prefix.
#[test]
fn dendron_dotted_daily_notes_at_the_root() {
    let fm = |d: &str| format!("---\nid: {d}\ntitle: '{d}'\n---\n\nText.\n");
    let (_, config) = adopt_unchanged(&[
        ("daily.journal.2024.01.02.md", &fm("2024.01.02")),
        ("daily.journal.2024.01.03.md", &fm("2024.01.03")),
        ("daily.journal.2024.02.01.md", &fm("2024.02.01")),
        ("root.md", "---\nid: root\ntitle: Root\n---\n\n# Root\n"),
        (
            "README.md",
            "# Notes\n\n- [2024.02.01](daily.journal.2024.02.01.md)\n- [2024.01.03](daily.journal.2024.01.03.md)\n- [2024.01.02](daily.journal.2024.01.02.md)\n",
        ),
    ]);
    assert!(config.contains("daily.journal.{yyyy}.{mm}.{dd}.md"), "{config}");
}

/// No file looks like a note: init says there is nothing to adopt, writes
/// nothing and exits 0 (not the seed's "no heading `今日要点`").
#[test]
fn a_repository_without_notes_is_nothing_to_adopt() {
    let dir = tempfile::tempdir().unwrap();
    let readme = "# Hi\n\nSee [x](https://x.example).\n";
    write(dir.path(), &[("README.md", readme), ("CONTRIBUTING.md", "# C\n"), ("docs/guide.md", "# Guide\n")]);
    let out = daybook().arg("init").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("nothing to adopt") && !stdout.contains("今日要点"), "{stdout}");
    assert!(!dir.path().join("daybook.yml").exists());
    assert_eq!(std::fs::read_to_string(dir.path().join("README.md")).unwrap(), readme);
}

/// Weekly and monthly reviews in folders of their own, listed newest first,
/// the weekly section first: the topics and their notes keep that order.
#[test]
fn weekly_and_monthly_reviews_newest_first() {
    let n = |t: &str| format!("# {t}\n\nReviewed.\n");
    let (_, config) = adopt_unchanged(&[
        ("weekly/2024-W01.md", &n("2024-W01")),
        ("weekly/2024-W02.md", &n("2024-W02")),
        ("monthly/2024-01.md", &n("2024-01")),
        ("monthly/2024-02.md", &n("2024-02")),
        (
            "README.md",
            "# Reviews\n\n## Weekly\n\n- [2024-W02](weekly/2024-W02.md)\n- [2024-W01](weekly/2024-W01.md)\n\n## Monthly\n\n- [2024-02](monthly/2024-02.md)\n- [2024-01](monthly/2024-01.md)\n",
        ),
    ]);
    assert!(config.contains("{% for topic in topics | reverse %}"), "{config}");
    assert!(config.contains("{% for note in topic.notes | reverse %}"), "{config}");
}

/// Link texts that are the notes' dates, with their titles after the link.
#[test]
fn date_link_texts_with_the_title_after_the_link() {
    let (_, config) = adopt_unchanged(&[
        ("journal/2024-01-02.md", "# A walk by the river\n\nText.\n"),
        ("journal/2024-01-05.md", "# Bread, at last\n\nText.\n"),
        ("journal/2024-02-01.md", "# Snow\n\nText.\n"),
        (
            "README.md",
            "# Journal\n\n- [2024-02-01](journal/2024-02-01.md) Snow\n- [2024-01-05](journal/2024-01-05.md) Bread, at last\n- [2024-01-02](journal/2024-01-02.md) A walk by the river\n",
        ),
    ]);
    assert!(config.contains("- [{{ note.date }}]({{ note.url }}) {{ note.title }}"), "{config}");
}

/// A link to a note in the README's prose, above the index, is no index line:
/// the index is the lines written like most of the links (list items here).
#[test]
fn a_link_in_the_prose_above_the_index_stays_prose() {
    let n = |t: &str| format!("# {t}\n\nText.\n");
    let (stdout, _) = adopt_unchanged(&[
        ("lang/rust/borrow.md", &n("borrow")),
        ("lang/rust/traits.md", &n("traits")),
        ("lang/go/channels.md", &n("channels")),
        ("tools/git/bisect.md", &n("bisect")),
        (
            "README.md",
            "# TIL\n\nMy favourite: [traits](lang/rust/traits.md). Read it first.\n\n## Index\n\n### Git\n\n- [bisect](tools/git/bisect.md)\n\n### Go\n\n- [channels](lang/go/channels.md)\n\n### Rust\n\n- [borrow](lang/rust/borrow.md)\n- [traits](lang/rust/traits.md)\n\n## License\n\nMIT\n",
        ),
    ]);
    assert!(stdout.contains("(lines 7-18: 4 links to notes in 3 groups"), "{stdout}");
}

/// The seed's markup (`<pre><details>` per year and month, numbered HTML
/// links) on another layout, with English month names.
#[test]
fn html_links_in_details_by_year_and_month() {
    let n = |t: &str| format!("# {t}\n\nText.\n");
    let (stdout, config) = adopt_unchanged(&[
        ("log/2023-12-30.md", &n("Snow & ice")),
        ("log/2024-01-02.md", &n("A walk")),
        ("log/2024-01-05.md", &n("Bread")),
        ("log/2024-02-01.md", &n("February")),
        (
            "README.md",
            "# Log\n\n<pre><details><summary>2023</summary>\n<details><summary>December</summary>\n    1. <a href=\"log/2023-12-30.md\" target=\"_blank\">Snow & ice</a>\n</details>\n</pre>\n<pre><details><summary>2024</summary>\n<details><summary>January</summary>\n    1. <a href=\"log/2024-01-02.md\" target=\"_blank\">A walk</a>\n    2. <a href=\"log/2024-01-05.md\" target=\"_blank\">Bread</a>\n</details>\n<details><summary>February</summary>\n    1. <a href=\"log/2024-02-01.md\" target=\"_blank\">February</a>\n</details>\n</pre>\n\nThe end.\n",
        ),
    ]);
    assert!(stdout.contains("4 links to notes grouped by year and month, oldest first"), "{stdout}");
    assert!(
        config.contains("    {{ loop.index }}. <a href=\"{{ note.path|html }}\" target=\"_blank\">{{ note.title|html }}</a>"),
        "{config}"
    );
}

//! Repositories of other shapes than the seed's, adopted with no config:
//! `init` -> `lint` -> `readme` -> `readme --check` on a fixture per shape
//! (tests/fixtures/shapes/<shape>/), each with a hand-made README carrying
//! planted drift (a note missing from the index, a dead link, a line out of
//! order, a stale count) and a few planted note defects. Each test asserts
//! that lint reports the planted defects and nothing else, that the first
//! regeneration changes the index exactly where it was wrong, and that a
//! second one changes nothing.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{daybook, fixtures, temp_copy};

struct Shape {
    name: &'static str,
    /// `(path, rule)` of every finding `lint --offline` must report, and only those.
    findings: &'static [(&'static str, &'static str)],
    /// Lines the first `readme` removes from the adopted README for good (dead links, a stale count).
    removed: &'static [&'static str],
    /// Lines it adds that were not there (missing notes, the fixed count).
    added: &'static [&'static str],
    /// Lines it moves (a note out of order): removed and added again, counted once.
    moved: usize,
    /// Text the written daybook.yml must contain.
    config_has: &'static [&'static str],
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// The lines removed and added from `old` to `new`.
fn changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for c in diff.iter_all_changes() {
        let line = c.value().trim_end_matches(['\n', '\r']).to_owned();
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

fn adopt(shape: &Shape) {
    let name = shape.name;
    let original = read(&fixtures("shapes").join(name).join("README.md"));
    let dir = temp_copy(&fixtures("shapes").join(name));
    let root = dir.path();

    let out = daybook().arg("init").arg(root).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{name}: init failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    let config = read(&root.join("daybook.yml"));
    for want in shape.config_has {
        assert!(config.contains(want), "{name}: daybook.yml lacks {want:?}:\n{config}");
    }
    // init wraps the index and touches nothing else.
    let adopted = read(&root.join("README.md"));
    let unwrapped: String =
        adopted.split_inclusive('\n').filter(|l| !l.trim_start().starts_with("<!-- ")).collect();
    assert_eq!(unwrapped, original, "{name}: init changed more than the markers");
    assert!(adopted.contains("<!-- daybook:history -->"), "{name}: {stdout}");

    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{name}: lint printed no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr))
    });
    let got: BTreeSet<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap().to_owned(), d["rule"].as_str().unwrap().to_owned()))
        .collect();
    let want: BTreeSet<(String, String)> =
        shape.findings.iter().map(|(p, r)| (p.to_string(), r.to_string())).collect();
    assert_eq!(got, want, "{name}: lint found other than the planted defects: {:#}", doc["diagnostics"]);

    let out = daybook().arg("readme").arg(root).output().unwrap();
    assert!(out.status.success(), "{name}: readme failed: {}", String::from_utf8_lossy(&out.stderr));
    let regenerated = read(&root.join("README.md"));
    let (mut removed, mut added) = changes(&adopted, &regenerated);
    // Which of two swapped lines a diff moves is arbitrary: count moves instead.
    let moved: Vec<String> = removed.iter().filter(|l| added.contains(l)).cloned().collect();
    removed.retain(|l| !moved.contains(l));
    added.retain(|l| !moved.contains(l));
    assert_eq!(removed, shape.removed, "{name}: removed lines\n{regenerated}");
    assert_eq!(added, shape.added, "{name}: added lines\n{regenerated}");
    assert_eq!(moved.len(), shape.moved, "{name}: moved lines {moved:?}\n{regenerated}");

    daybook().args(["readme", "--check"]).arg(root).assert().success();
    daybook().arg("readme").arg(root).assert().success();
    assert_eq!(read(&root.join("README.md")), regenerated, "{name}: a second readme changed the README");
}

use assert_cmd::prelude::OutputAssertExt as _;

#[test]
fn a_til_collection_by_topic() {
    adopt(&Shape {
        name: "til",
        findings: &[
            ("README.md", "missing-file"),
            ("aws/sync-a-bucket-with-s3.md", "missing-file"),
            ("claude-code/hooks-run-shell-commands.md", "missing-anchor"),
        ],
        removed: &["_6 TILs and counting..._", "- [Find a bad commit with bisect](git/find-a-bad-commit.md)"],
        added: &[
            "_7 TILs and counting..._",
            "- [Read Cost Explorer by tag](aws/read-cost-explorer-by-tag.md)",
            "- [Find a bad commit with bisect](git/find-a-bad-commit-with-bisect.md)",
        ],
        moved: 1,
        config_has: &["pattern: '*/{slug}.md'", "kind: article", "### {{ topic.title }}"],
    });
}

#[test]
fn a_journal_with_period_folders_crlf_and_topic_notes() {
    adopt(&Shape {
        name: "journal",
        findings: &[
            ("2023-12-08.md", "missing-file"),
            ("README.md", "missing-file"),
            ("topics/git.md", "missing-anchor"),
        ],
        removed: &["- [2023-12-05](2023-12-05.md)"],
        added: &["- [2023-12-09](2023-12-09.md)"],
        moved: 1,
        config_has: &[
            "pattern: '**/{yyyy}-{mm}-{dd}.md'",
            "title: '{yyyy}-{mm}-{dd}'",
            "root: topics",
            "order: descending",
        ],
    });
    // The README keeps its CRLF line breaks, generated lines included.
    let dir = temp_copy(&fixtures("shapes").join("journal"));
    daybook().arg("init").arg(dir.path()).assert().success();
    daybook().arg("readme").arg(dir.path()).assert().success();
    let text = read(&dir.path().join("README.md"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "{text:?}");
}

#[test]
fn jekyll_posts_with_front_matter_newest_first() {
    adopt(&Shape {
        name: "posts",
        findings: &[
            ("README.md", "missing-file"),
            ("_posts/2024-01-02-broken-front-matter.md", "front-matter"),
            ("_posts/2024-01-03-moved.md", "date-mismatch"),
            ("_posts/2024-01-08-eighth-post.md", "missing-file"),
        ],
        removed: &["- [Third post](_posts/2024-01-03-third-post.md) — 2024-01-03"],
        added: &["- [Eighth post](_posts/2024-01-08-eighth-post.md) — 2024-01-08"],
        moved: 1,
        config_has: &["root: _posts", "pattern: '{yyyy}-{mm}-{dd}-{slug}.md'", "{% if loop.index <= 5 %}"],
    });
}

#[test]
fn a_folder_per_note_and_numbered_weekly_notes() {
    adopt(&Shape {
        name: "folders",
        findings: &[
            ("README.md", "missing-file"),
            ("daily/2024/202401/20240115-first-crate/README.md", "missing-file"),
            ("notes/week062-shipping/README.md", "missing-anchor"),
        ],
        removed: &["* WEEK060 - [Kickoff](./notes/week060-kickoff/README.md)"],
        added: &["* WEEK065 - [Review](./notes/week065-review/README.md)"],
        moved: 1,
        config_has: &[
            "pattern: '{yyyy}/{yyyy}{mm}/{yyyy}{mm}{dd}-{slug}/README.md'",
            "pattern: week{n}-{slug}/README.md",
            "* WEEK{{ note.n_text }} - ",
        ],
    });
}

/// `[[Alice]]`, `[[Garden|the garden]]` and `[[Garden#Beds]]` resolve to
/// `pages/`; `[[Bob]]` and `[[Garden#Paths]]` do not.
#[test]
fn wiki_links_resolve_like_obsidian() {
    let dir = temp_copy(&fixtures("shapes").join("vault"));
    daybook().arg("init").arg(dir.path()).assert().success();
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(dir.path()).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"no file is named `Bob.md` for the wiki link `[[Bob]]`"), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("#paths") && m.contains("pages/Garden.md")), "{messages:#?}");
    assert!(!messages.iter().any(|m| m.contains("Alice") || m.contains("#beds")), "{messages:#?}");
}

#[test]
fn obsidian_daily_notes_and_logseq_journals() {
    adopt(&Shape {
        name: "vault",
        findings: &[
            ("Daily/2024-01-04.md", "missing-file"),
            ("Daily/2024-01-05.md", "missing-file"),
            ("Daily/2024-01-05.md", "missing-anchor"),
            ("README.md", "missing-file"),
        ],
        removed: &["- [2023-12-31](Daily/2023-12-31.md)"],
        added: &["- [2024-01-06](Daily/2024-01-06.md)"],
        moved: 1,
        config_has: &["root: Daily", "pattern: '{yyyy}_{mm}_{dd}.md'", "root: pages"],
    });
}

/// Daily notes of rated items whose labels are not the seed's: init infers the
/// today heading, the title and the field vocabulary (labels of at least three
/// notes), and takes `Sumary`, written once, for the typo it is, so lint
/// reports exactly that.
#[test]
fn items_notes_with_their_own_field_labels() {
    adopt(&Shape {
        name: "items",
        findings: &[("log/2024-03-05.md", "unknown-field")],
        removed: &[],
        added: &["- [2024-03-04](log/2024-03-04.md)"],
        moved: 0,
        config_has: &[
            "kind: items",
            "today: Today",
            "footer: Elsewhere",
            "title: '{yyyy}-{mm}-{dd}'",
            "- label: Summary\n  required: true\n",
            "- label: Source\n  required: true\n  link: true\n",
            "- label: Repo\n  link: true\n",
            "from the labels of 6 notes",
            "`Repo` in 3",
            "`Sumary` (1 note) is taken for a typo of `Summary`",
        ],
    });
    let dir = temp_copy(&fixtures("shapes").join("items"));
    daybook().arg("init").arg(dir.path()).assert().success();
    let config = read(&dir.path().join("daybook.yml"));
    assert!(!config.contains("label: Sumary") && !config.contains("Abstract"), "{config}");
}

/// Where the README has no index, init says so and still writes the config.
#[test]
fn a_readme_without_an_index_still_gets_a_config() {
    let dir = temp_copy(&fixtures("shapes").join("til"));
    std::fs::write(dir.path().join("README.md"), "# TIL\n\nNothing listed here yet.\n").unwrap();
    let out = daybook().arg("init").arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no index of the notes found"), "{stdout}");
    let config = read(&dir.path().join("daybook.yml"));
    assert!(config.contains("no index of the notes was found") && config.contains("*/{slug}.md"), "{config}");
    assert_eq!(read(&dir.path().join("README.md")), "# TIL\n\nNothing listed here yet.\n");
    // --dry-run writes nothing and prints the config.
    let dir = temp_copy(&fixtures("shapes").join("posts"));
    let out = daybook().args(["init", "--dry-run"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("daybook.yml: would be written with:") && stdout.contains("root: _posts"),
        "{stdout}"
    );
    assert!(!dir.path().join("daybook.yml").exists());
    assert_eq!(read(&dir.path().join("README.md")), read(&fixtures("shapes").join("posts/README.md")));
}
mod common;
mod prop;
mod sites;
mod stars;
mod variants;

/// `readme` follows the rule levels: with `title: off` a note whose H1 does
/// not match `title.pattern` is listed under it; with the rule on, the error
/// says why, never "fails the path or title rule".
#[test]
fn readme_follows_the_configured_rule_levels() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("notes/202401")).unwrap();
    std::fs::write(root.join("notes/202401/0101.md"), "# Hello\n\nText.\n").unwrap();
    std::fs::write(root.join("README.md"), "# R\n\n<!-- daybook:history -->\n<!-- /daybook:history -->\n")
        .unwrap();
    let out = daybook().arg("readme").arg(root).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("every one is left out: the title"), "{stderr}");
    assert!(stderr.contains("does not match"), "{stderr}");
    assert!(!stderr.contains("fails the path or title rule"), "{stderr}");
    std::fs::write(root.join("daybook.yml"), "rules:\n  title: off\n").unwrap();
    daybook().arg("readme").arg(root).assert().success();
    let readme = read(&root.join("README.md"));
    assert!(readme.contains(">Hello</a>"), "{readme}");
}

/// Hugo writes its front matter in TOML between `+++` lines: its `date` is a
/// date source like YAML's (a disagreement with the file name is found), and a
/// malformed block is one `front-matter` error at its line.
#[test]
fn hugo_toml_front_matter_is_read_like_yaml() {
    let dir = temp_copy(&fixtures("shapes").join("posts"));
    let root = dir.path();
    daybook().arg("init").arg(root).assert().success();
    let posts = root.join("_posts");
    std::fs::write(
        posts.join("2024-01-06-hugo.md"),
        "+++\ntitle = \"Hugo\"\ndate = 2024-01-07T10:00:00+01:00\ntags = [\"meta\"]\n+++\n\nWritten by Hugo.\n",
    )
    .unwrap();
    std::fs::write(
        posts.join("2024-01-07-bad-toml.md"),
        "+++\ntitle = \"Bad\"\ndate = = 2024-01-07\n+++\n\nA typo in the front matter.\n",
    )
    .unwrap();
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = |path: &str| -> Vec<(String, u64)> {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == path)
            .map(|d| (d["rule"].as_str().unwrap().to_owned(), d["start"]["line"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(found("_posts/2024-01-06-hugo.md"), [("date-mismatch".to_owned(), 3)], "{doc:#}");
    assert_eq!(found("_posts/2024-01-07-bad-toml.md"), [("front-matter".to_owned(), 3)], "{doc:#}");
    assert!(doc.to_string().contains("the front matter is not valid TOML"), "{doc:#}");
}

/// docs/shapes.md shows, for each shape, the daybook.yml `init` writes for its
/// fixture, verbatim but for the closing comment line.
#[test]
fn the_shapes_page_shows_what_init_writes() {
    let page = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/shapes.md"));
    for (section, name) in [
        ("2.", "til"),
        ("3.", "journal"),
        ("4.", "posts"),
        ("5.", "folders"),
        ("6.", "vault"),
        ("7.", "items"),
        ("8.", "months"),
    ] {
        let at = page.find(&format!("\n## {section} ")).unwrap_or_else(|| panic!("no section {section}"));
        // The first daybook.yml after the section's heading.
        let body = &page[at + 1..];
        let start =
            body.find("```yaml\n").unwrap_or_else(|| panic!("section {section} shows no daybook.yml"))
                + "```yaml\n".len();
        let shown = &body[start..start + body[start..].find("```").unwrap()];
        let dir = temp_copy(&fixtures("shapes").join(name));
        daybook().arg("init").arg(dir.path()).assert().success();
        let written: String = read(&dir.path().join("daybook.yml"))
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("# Edit freely"))
            .collect();
        assert_eq!(shown, written, "docs/shapes.md section {section} ({name}) is not what init writes");
    }
}

/// The data model serves templates that group by a front matter key, order by
/// path and take the newest few, with minijinja's own filters.
#[test]
fn templates_group_by_front_matter_and_take_the_newest() {
    let dir = temp_copy(&fixtures("shapes").join("posts"));
    let root = dir.path();
    daybook().arg("init").arg(root).assert().success();
    let config = read(&root.join("daybook.yml"));
    let at = config.find("  templates:\n").unwrap();
    let template = r#"  templates:
    history: |
      {% for g in notes|groupby("front_matter.layout") %}
      ### {{ g.grouper|default("no layout") }} ({{ g.list|length }})
      {% for note in g.list|sort(attribute="path", reverse=true) %}
      - [{{ note.title }}]({{ note.url }})
      {% endfor %}
      {% endfor %}
      Newest: {% for note in newest_first[:2] %}{{ note.title }}; {% endfor %}
"#;
    std::fs::write(root.join("daybook.yml"), format!("{}{template}", &config[..at])).unwrap();
    daybook().arg("readme").arg(root).assert().success();
    let readme = read(&root.join("README.md"));
    let start = readme.find("<!-- daybook:history -->\n").unwrap() + "<!-- daybook:history -->\n".len();
    let region = &readme[start..readme.find("<!-- /daybook:history -->").unwrap()];
    assert_eq!(
        region,
        "### no layout (1)\n\
         - [2024-01-02-broken-front-matter](_posts/2024-01-02-broken-front-matter.md)\n\
         ### post (7)\n\
         - [Eighth post](_posts/2024-01-08-eighth-post.md)\n\
         - [Seventh post](_posts/2024-01-07-seventh-post.md)\n\
         - [Sixth post](_posts/2024-01-06-sixth-post.md)\n\
         - [Fifth post](_posts/2024-01-05-fifth-post.md)\n\
         - [Fourth post](_posts/2024-01-04-fourth-post.md)\n\
         - [Moved](_posts/2024-01-03-moved.md)\n\
         - [A new year](_posts/2024-01-01-new-year.md)\n\
         Newest: Eighth post; Seventh post; \n"
    );
}

/// An index grouped by year and month in English: `## 2024` then `### February`.
#[test]
fn a_diary_by_year_and_month_in_english_headings() {
    adopt(&Shape {
        name: "months",
        findings: &[("README.md", "missing-file"), ("journal/2024-01-15.md", "missing-file")],
        removed: &["- [2023-12-24](journal/2023-12-24.md)"],
        added: &["- [2024-02-10](journal/2024-02-10.md)"],
        moved: 1,
        config_has: &[
            "root: journal",
            "order: descending",
            "## {{ year.year }}",
            "### {{ month.month | month_name(\"en\") }}",
        ],
    });
}

/// An index of `<details>` per year and per month, the months in German.
#[test]
fn a_diary_in_details_by_year_and_german_month() {
    adopt(&Shape {
        name: "monate",
        findings: &[("README.md", "missing-file")],
        removed: &["- [2024-01-11](Tagebuch/2024-01-11.md)"],
        added: &["- [2024-03-09](Tagebuch/2024-03-09.md)"],
        moved: 1,
        config_has: &[
            "root: Tagebuch",
            "<details><summary>{{ year.year }}</summary>",
            "<details><summary>{{ month.month | month_name(\"de\") }}</summary>",
            "set_years[\"Tagebuch\"]",
        ],
    });
}

/// Link destinations as people write them to folders with spaces and
/// parentheses: raw (which GitHub does not take for a link), in `<...>`, or
/// percent-encoded only where needed. `init` takes each for an index line and
/// `readme` writes each link-safe in the README's own style.
#[test]
fn raw_angle_and_partly_encoded_destinations_are_index_lines() {
    let paths = [
        "2024-01-10 2024-06-01 (Semester 6)/2024-02-01.md",
        "2023-08-12 2024-01-09 (Semester 5)/2023-12-12.md",
        "2023-08-12 2024-01-09 (Semester 5)/2023-12-11.md",
        "2023-12-09.md",
        "2023-12-08.md",
        "2023-12-07.md",
    ];
    let raw = |p: &str| p.to_owned();
    let angle = |p: &str| format!("<{p}>");
    let spaces = |p: &str| p.replace(' ', "%20");
    type Dest<'a> = &'a dyn Fn(&str) -> String;
    let styles: [(&str, Dest<'_>, Dest<'_>); 3] =
        [("raw", &raw, &spaces), ("angle", &angle, &angle), ("spaces encoded", &spaces, &spaces)];
    for (style, written, fixed) in styles {
        let list = |dest: &dyn Fn(&str) -> String| -> String {
            paths.iter().map(|p| format!("- [{}]({})\n", &p[p.len() - 13..p.len() - 3], dest(p))).collect()
        };
        let dir = temp_copy(&fixtures("shapes").join("journal"));
        let root = dir.path();
        std::fs::write(root.join("README.md"), format!("# Journal\n\n{}\n## Topics\n", list(written)))
            .unwrap();
        let out = daybook().arg("init").arg(root).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{style}: {stdout}");
        assert!(stdout.contains("a list of 6 notes, newest first"), "{style}: {stdout}");
        daybook().arg("readme").arg(root).assert().success();
        let text = read(&root.join("README.md"));
        let want = format!("<!-- daybook:history -->\n{}<!-- /daybook:history -->\n", list(fixed));
        assert!(text.contains(&want), "{style}: {text}");
        daybook().args(["readme", "--check"]).arg(root).assert().success();
    }
}

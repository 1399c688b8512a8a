//! Shapes of static-site blogs and challenge logs, as their generators and
//! habits write them: each test writes a small repository, adopts it with no
//! config, and checks that `lint` finds nothing in notes that hold no defect
//! and that `readme` leaves a right index as it was.

use super::common::adopt_unchanged;

/// MkDocs Material's blog plugin dates a post with a mapping,
/// `date: {created: 2024-04-04, updated: ...}`: the post's date is `created`.
#[test]
fn mkdocs_material_blog_posts_dated_by_created() {
    let post = |d: &str, t: &str| {
        format!(
            "---\ndate:\n  created: 2024-04-{d}\n  updated: 2024-05-01\ncategories:\n  - Python\n---\n\n# {t}\n\nText.\n\n<!-- more -->\n\nMore.\n"
        )
    };
    let (p1, p2, p3) = (post("04", "Walrus"), post("08", "Match"), post("16", "Typing"));
    let (_, config) = adopt_unchanged(&[
        ("mkdocs.yml", "site_name: Notes\nplugins:\n  - blog\n"),
        ("docs/index.md", "# Home\n"),
        ("docs/blog/index.md", "# Blog\n"),
        ("docs/blog/posts/walrus.md", &p1),
        ("docs/blog/posts/match.md", &p2),
        ("docs/blog/posts/typing.md", &p3),
        (
            "README.md",
            "# Notes\n\n- [Typing](docs/blog/posts/typing.md) — 2024-04-16\n- [Match](docs/blog/posts/match.md) — 2024-04-08\n- [Walrus](docs/blog/posts/walrus.md) — 2024-04-04\n",
        ),
    ]);
    assert!(config.contains("{{ note.date }}"), "{config}");
}

/// A "100 days of code" log: `day1.md` ... `day12.md`, indexed by a table
/// whose rows number the days as the file names do, unpadded, in the order of
/// the days (day 2 before day 10).
#[test]
fn hundred_days_log_indexed_by_a_table_of_numbered_days() {
    let days: Vec<(String, String)> = (1..=12)
        .map(|n| {
            (format!("log/day{n:02}.md"), format!("# Day {n}: built thing {n}\n\n**Progress:** some.\n"))
        })
        .collect();
    let mut readme = String::from("# 100 Days Of Code\n\n| Day | Entry |\n|---|---|\n");
    for n in 1..=12 {
        readme.push_str(&format!("| {n} | [Day {n}: built thing {n}](log/day{n:02}.md) |\n"));
    }
    let mut files: Vec<(&str, &str)> = days.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    files.push(("README.md", &readme));
    let (_, config) = adopt_unchanged(&files);
    assert!(config.contains("| {{ note.n }} | ["), "{config}");
}

/// An index whose lines hold text no note carries (hours studied per day):
/// no inferred template writes it again, so `init` leaves the README as it is
/// and says so, rather than wrap it for `readme` to overwrite with wrong rows.
#[test]
fn an_index_no_template_reproduces_is_left_unwrapped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let hours = [3, 1, 4, 1, 5, 9];
    let mut files: Vec<(String, String)> = Vec::new();
    let mut readme = String::from("# Study log\n\n| Hours | Day |\n|---|---|\n");
    for (i, h) in hours.iter().enumerate() {
        let day = format!("2024-01-{:02}", i + 1);
        files.push((format!("log/{day}.md"), format!("# {day}\n\nStudied.\n")));
        readme.push_str(&format!("| {h}h | [{day}](log/{day}.md) |\n"));
    }
    files.push(("README.md".into(), readme.clone()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    super::common::write(root, &refs);
    let out = crate::common::daybook().arg("init").arg(root).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("left as it is"), "{stdout}");
    assert!(stdout.contains("line 6 would read `| 3h | [2024-01-02](log/2024-01-02.md) |`"), "{stdout}");
    assert_eq!(std::fs::read_to_string(root.join("README.md")).unwrap(), readme);
    let config = std::fs::read_to_string(root.join("daybook.yml")).unwrap();
    assert!(!config.contains("history:"), "{config}");
    assert!(config.contains("no template"), "{config}");
}

/// A static site's source: a path with a leading `/` is the built site's, not the
/// repository's. Hugo and Docusaurus serve `static/` at the site's root, and a
/// page's address (`/about/`, `/docs/intro`) names no file of the repository.
#[test]
fn site_absolute_links_in_hugo_docusaurus_and_jekyll_sources() {
    let hugo_post = |t: &str| {
        format!(
            "+++\ntitle = \"{t}\"\n+++\n\n![plan](/images/plan.png) and [about](/about/) and [tags](/tags/rust).\n"
        )
    };
    let (h1, h2) = (hugo_post("One"), hugo_post("Two"));
    adopt_unchanged(&[
        ("hugo.toml", "baseURL = \"https://example.org/\"\n"),
        ("static/images/plan.png", ""),
        ("content/posts/2024-02-03-one.md", &h1),
        ("content/posts/2024-02-07-two.md", &h2),
        ("README.md", "# Blog\n"),
    ]);
    let docu_post = |t: &str| {
        format!("---\ntitle: {t}\n---\n\nSee the [intro](/docs/intro) and ![logo](/img/logo.png).\n")
    };
    let (d1, d2) = (docu_post("One"), docu_post("Two"));
    adopt_unchanged(&[
        ("docusaurus.config.js", "module.exports = {};\n"),
        ("static/img/logo.png", ""),
        ("docs/intro.md", "# Intro\n"),
        ("blog/2024-03-01-one.md", &d1),
        ("blog/2024-03-05-two.md", &d2),
        ("README.md", "# Website\n"),
    ]);
    let jekyll_post = |t: &str| {
        format!("---\ntitle: {t}\n---\n\n[About](/about/), [feed](/feed.xml), ![cat](/assets/cat.png).\n")
    };
    let (j1, j2) = (jekyll_post("One"), jekyll_post("Two"));
    adopt_unchanged(&[
        ("_config.yml", "title: Blog\n"),
        ("assets/cat.png", ""),
        ("_posts/2024-01-02-one.md", &j1),
        ("_posts/2024-01-09-two.md", &j2),
        ("README.md", "# Blog\n"),
    ]);
}

/// A site-absolute file that is in no folder the generator serves is still missing.
#[test]
fn a_site_absolute_image_in_no_served_folder_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let post = "+++\ntitle = \"One\"\n+++\n\n![gone](/images/gone.png)\n";
    super::common::write(
        root,
        &[
            ("hugo.toml", "baseURL = \"https://example.org/\"\n"),
            ("static/images/plan.png", ""),
            ("content/posts/2024-02-03-one.md", post),
            ("content/posts/2024-02-07-two.md", post),
        ],
    );
    crate::common::daybook().arg("init").arg(root).output().unwrap();
    let out =
        crate::common::daybook().args(["--color", "never", "lint", "--offline"]).arg(root).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert_eq!(stdout.matches("error[missing-file]").count(), 2, "{stdout}");
    assert!(
        stdout.contains("the site's root: it is served from `static/`, where `images/gone.png` is not"),
        "{stdout}"
    );
}

/// A Logseq graph: `[[Rust/Traits]]` is the page Logseq files as
/// `pages/Rust___Traits.md`, and a page or journal day referred to but never
/// written (`[[Some Book]]`, `#[[multi word]]`, `[[Jan 1st, 2024]]`) is a page
/// of the graph with no file yet, not a dead link.
#[test]
fn logseq_namespaced_and_unwritten_pages() {
    let day = "- Worked on [[Rust/Traits]] and [[Garden]]\n\t- with #[[multi word tag]]\n- TODO read [[Some Book]] on [[Jan 1st, 2024]]\n";
    adopt_unchanged(&[
        ("logseq/config.edn", "{:meta/version 1}\n"),
        ("journals/2024_01_02.md", day),
        ("journals/2024_01_03.md", day),
        ("pages/Garden.md", "title:: Garden\n\n- Beds\n"),
        ("pages/Rust___Traits.md", "- Traits are interfaces.\n"),
        ("README.md", "# Graph\n"),
    ]);
}

/// Dendron writes a label before the note's name: `[[label|dev.rust.traits]]`.
#[test]
fn dendron_labels_before_the_pipe() {
    let fm = "---\nid: a\ntitle: Traits\ndesc: ''\nupdated: 1704200000000\ncreated: 1704200000000\n---\n";
    let day = format!("{fm}\nRead [[the traits|dev.rust.traits#impl]] and [[dev.rust.traits]].\n");
    adopt_unchanged(&[
        ("dendron.yml", "version: 5\n"),
        ("daily.journal.2024.01.02.md", &day),
        ("daily.journal.2024.01.03.md", &day),
        ("dev.rust.traits.md", &format!("{fm}\n## Impl\n\nText.\n")),
        ("README.md", "# Vault\n"),
    ]);
}

/// Without a Logseq config a page never written is a dead link, but a
/// namespace page still resolves to Logseq's file name, and a dotted Dendron
/// name is a note's name: the message names `daily.journal.2024.01.01.md`.
#[test]
fn wiki_links_to_namespace_pages_and_dotted_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let text = "# Day\n\n[[Rust/Traits]] [[daily.journal.2024.01.01]] [[Never Written]]\n";
    super::common::write(
        root,
        &[
            ("journal/2024-01-02.md", text),
            ("journal/2024-01-03.md", "# Day\n"),
            ("pages/Rust___Traits.md", "- Traits.\n"),
        ],
    );
    crate::common::daybook().arg("init").arg(root).output().unwrap();
    let out =
        crate::common::daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        [
            "no file is named `daily.journal.2024.01.01.md` for the wiki link `[[daily.journal.2024.01.01]]`",
            "no file is named `Never Written.md` for the wiki link `[[Never Written]]`",
        ],
        "{messages:#?}"
    );
}

/// Obsidian daily notes linking the day before and after (`<< [[2024-01-01]] |
/// [[2024-01-03]] >>`, as navigation templates write them): a day not written
/// (yet) is a note the vault creates on a click, not a dead link. A name that
/// is no day of the set still is.
#[test]
fn daily_navigation_links_to_unwritten_days() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let day = |prev: &str, next: &str| format!("# Day\n\n<< [[{prev}]] | [[{next}]] >>\n\nSee [[Garden]].\n");
    let (d2, d4) = (day("2024-01-01", "2024-01-03"), day("2024-01-03", "2024-01-05"));
    super::common::write(root, &[("Daily/2024-01-02.md", &d2), ("Daily/2024-01-04.md", &d4)]);
    // In year and month folders, the day after the month's last is in the next month's folder.
    let (d31, d30) = (day("2024-01-30", "2024-02-01"), day("2024-01-29", "2024-01-31"));
    super::common::write(
        root,
        &[("Daily/2024/01/2024-01-31.md", &d31), ("Daily/2024/01/2024-01-30.md", &d30)],
    );
    crate::common::daybook().arg("init").arg(root).output().unwrap();
    let out =
        crate::common::daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(messages, ["no file is named `Garden.md` for the wiki link `[[Garden]]`"; 4], "{messages:#?}");
}

/// A TIL collection whose topic folders each hold a README listing their
/// notes (and a Hugo section's `_index.md`): a folder's README or index is
/// its table of contents, not one of its notes, nor a note set of its own.
#[test]
fn topic_folders_with_their_own_readme() {
    let note = |t: &str| format!("# {t}\n\nText.\n");
    let (a, b, c, d) = (
        note("Amend the last commit"),
        note("Find a bug with bisect"),
        note("Elide lifetimes"),
        note("See the dependency tree"),
    );
    let (_, config) = adopt_unchanged(&[
        ("git/amend.md", &a),
        ("git/bisect.md", &b),
        (
            "git/README.md",
            "# Git\n\n- [Amend the last commit](amend.md)\n- [Find a bug with bisect](bisect.md)\n",
        ),
        ("rust/lifetimes.md", &c),
        ("rust/cargo-tree.md", &d),
        (
            "rust/README.md",
            "# Rust\n\n- [Elide lifetimes](lifetimes.md)\n- [See the dependency tree](cargo-tree.md)\n",
        ),
        (
            "README.md",
            "# TIL\n\n_4 TILs and counting..._\n\n### Git\n\n- [Amend the last commit](git/amend.md)\n- [Find a bug with bisect](git/bisect.md)\n\n### Rust\n\n- [Elide lifetimes](rust/lifetimes.md)\n- [See the dependency tree](rust/cargo-tree.md)\n",
        ),
    ]);
    assert!(!config.contains("README.md'"), "{config}");
    let post = |t: &str| format!("---\ntitle: {t}\ndate: 2024-02-01\n---\n\nBody.\n");
    let (p1, p2) = (post("One"), post("Two"));
    let (_, config) = adopt_unchanged(&[
        ("hugo.toml", "baseURL = \"/\"\n"),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/one.md", &p1),
        ("content/posts/two.md", &p2),
        ("README.md", "# Blog\n\n- [One](content/posts/one.md)\n- [Two](content/posts/two.md)\n"),
    ]);
    assert!(config.contains("pattern: '{slug}.md'"), "{config}");
}

/// `jekyll new` names posts `.markdown`: they are Markdown notes like `.md` ones.
#[test]
fn jekyll_posts_named_dot_markdown() {
    let post = |t: &str, d: &str| {
        format!(
            "---\nlayout: post\ntitle: \"{t}\"\ndate: {d} 10:00:00 +0100\n---\n\nText, [the first]({{% post_url 2024-01-02-welcome %}}).\n"
        )
    };
    let (p1, p2, p3) =
        (post("Welcome", "2024-01-02"), post("Second", "2024-01-05"), post("Third", "2024-01-09"));
    let (_, config) = adopt_unchanged(&[
        ("_config.yml", "title: Blog\n"),
        ("_posts/2024-01-02-welcome.markdown", &p1),
        ("_posts/2024-01-05-second.markdown", &p2),
        ("_posts/2024-01-09-third.markdown", &p3),
        ("about.markdown", "---\nlayout: page\ntitle: About\npermalink: /about/\n---\n\nMe.\n"),
        (
            "README.md",
            "# Blog\n\n- [Third](_posts/2024-01-09-third.markdown)\n- [Second](_posts/2024-01-05-second.markdown)\n- [Welcome](_posts/2024-01-02-welcome.markdown)\n",
        ),
    ]);
    assert!(config.contains("pattern: '{yyyy}-{mm}-{dd}-{slug}.markdown'"), "{config}");
}

/// Index lines that spell the note's date in words around the link (`Jan 2, 2024 —
/// [A walk](...)`, `January 2, 2024:`, `2 January 2024 ·`) or as its text (`[2024年1月2日](...)`).
#[test]
fn index_lines_spelling_dates_in_words() {
    let notes = [
        (
            "posts/2024-01-02-walk.md",
            "A walk",
            ["Jan 2, 2024", "January 2, 2024", "2 January 2024", "2024年1月2日"],
        ),
        (
            "posts/2024-02-10-rain.md",
            "Rain again",
            ["Feb 10, 2024", "February 10, 2024", "10 February 2024", "2024年2月10日"],
        ),
        (
            "posts/2024-12-01-snow.md",
            "First snow",
            ["Dec 1, 2024", "December 1, 2024", "1 December 2024", "2024年12月1日"],
        ),
    ];
    let texts: Vec<String> = notes.iter().map(|(_, t, _)| format!("# {t}\n\nText.\n")).collect();
    for form in 0..4 {
        let mut readme = String::from("# Posts\n\n");
        for (path, title, d) in notes.iter().rev() {
            readme.push_str(&match form {
                0 => format!("- {} — [{title}]({path})\n", d[0]),
                1 => format!("- {}: [{title}]({path})\n", d[1]),
                2 => format!("* {} · [{title}]({path})\n", d[2]),
                _ => format!("- [{}]({path}) {title}\n", d[3]),
            });
        }
        let mut files: Vec<(&str, &str)> =
            notes.iter().zip(&texts).map(|((p, _, _), t)| (*p, t.as_str())).collect();
        files.push(("README.md", &readme));
        let (stdout, config) = adopt_unchanged(&files);
        assert!(stdout.contains("wrapped the index"), "{readme}\n{stdout}");
        assert!(config.contains("note.day"), "{config}");
    }
}

/// Foam restates a note's wiki links as link reference definitions in a block
/// of its own (`[//begin]: # "Autogenerated link references ..."`), without
/// extensions by default: the wiki links are checked, not their restatement.
#[test]
fn foam_autogenerated_link_references() {
    let day = |d: &str| {
        format!(
            "# {d}\n\nWorked on [[garden]].\n\n[//begin]: # \"Autogenerated link references for markdown compatibility\"\n[garden]: ../garden \"Garden\"\n[//end]: # \"Autogenerated link references\"\n"
        )
    };
    let (d1, d2) = (day("2024-01-02"), day("2024-01-03"));
    adopt_unchanged(&[
        ("garden.md", "# Garden\n"),
        ("journal/2024-01-02.md", &d1),
        ("journal/2024-01-03.md", &d2),
        ("README.md", "# Foam\n"),
    ]);
}

/// A journal whose days are mostly titled `# 2024-01-02`, one with words after
/// the date and one freely: an article set takes a title pattern only when
/// every note follows it (a wrong date in a title is still a date-mismatch).
#[test]
fn journal_titles_mostly_but_not_all_dates() {
    let mut texts: Vec<(String, String)> = (1..=9)
        .map(|d| (format!("journal/2024-01-{d:02}.md"), format!("# 2024-01-{d:02}\n\nWrote.\n")))
        .collect();
    texts.push(("journal/2024-01-10.md".into(), "# 2024-01-10 — a long day\n\nWrote.\n".into()));
    texts.push(("journal/2024-01-11.md".into(), "# Notes about this week\n\nWrote.\n".into()));
    texts.push(("README.md".into(), "# Journal\n".into()));
    let files: Vec<(&str, &str)> = texts.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (_, config) = adopt_unchanged(&files);
    assert!(!config.contains("title: "), "{config}");
}

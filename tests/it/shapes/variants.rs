//! Items notes in the seed's layout (`notes/YYYYMM/MMDD.md`) kept the way a
//! person copying the seed's habit plausibly writes them, with none of its
//! Chinese: English headings and titles, `⭐` ratings, `1)` numbers, `*`
//! bullets, bold labels. `init` must describe them, so that `lint` right after
//! finds nothing in notes that hold no defect.

use crate::common::daybook;

fn write(root: &std::path::Path, files: &[(String, String)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// init then lint on `files`; returns daybook.yml and lint's output.
fn init_then_lint(files: &[(String, String)]) -> (String, bool, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let out = daybook().arg("init").arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
    let config = std::fs::read_to_string(dir.path().join("daybook.yml")).unwrap_or_default();
    let out = daybook().args(["lint", "--offline", "--color", "never"]).arg(dir.path()).output().unwrap();
    (config, out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `notes/YYYYMM/MMDD.md` notes titled `Daily notes YYYY-MM-DD`, a README indexing them.
fn english_repo(number: &str, bullet: &str) -> Vec<(String, String)> {
    let days = ["2024-01-02", "2024-01-03", "2024-01-05", "2024-02-01"];
    let mut files: Vec<(String, String)> = days
        .iter()
        .map(|d| {
            let path = format!("notes/{}{}/{}{}.md", &d[..4], &d[5..7], &d[5..7], &d[8..]);
            let text = format!(
                "# Daily notes {d}\n\n------\n\n## Today\n\n\
                 1{number} [Attention Is All You Need {d}](https://example.com/a/{d})  ⭐⭐⭐\n   \
                 {bullet} **Abstract**: the transformer\n   \
                 {bullet} **Paper**: [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n   \
                 {bullet} **Tips**: multi-head attention\n\n\
                 2{number} [BERT {d}](https://example.com/b/{d})  ⭐\n   \
                 {bullet} **Abstract**: bidirectional pretraining\n   \
                 {bullet} **Tips**: masked language modelling\n\n\
                 ## Others\n\nNothing else today.\n"
            );
            (path, text)
        })
        .collect();
    let index: String = files
        .iter()
        .zip(days)
        .enumerate()
        .map(|(i, ((p, _), d))| format!("{}. <a href=\"{p}\">Daily notes {d}</a>\n", i + 1))
        .collect();
    files.push(("README.md".into(), format!("# reading\n\n## History\n\n{index}\n## Others\n\n* hi\n")));
    files
}

#[test]
fn english_headings_titles_and_star_emoji_in_the_seed_layout() {
    let (config, clean, out) = init_then_lint(&english_repo(".", "-"));
    assert!(clean, "lint found defects:\n{out}\ndaybook.yml:\n{config}");
    assert!(config.contains("today: Today"), "{config}");
    assert!(config.contains("Daily notes {yyyy}-{mm}-{dd}"), "{config}");
    assert!(config.contains("token: ⭐"), "{config}");
}

#[test]
fn parenthesised_numbers_and_other_bullets() {
    for (number, bullet) in [(")", "*"), (".", "+"), (")", "-")] {
        let (config, clean, out) = init_then_lint(&english_repo(number, bullet));
        assert!(clean, "1{number} and {bullet}: lint found defects:\n{out}\ndaybook.yml:\n{config}");
        assert!(config.contains("today: Today"), "{config}");
    }
}

#[test]
fn the_seeds_readme_index_is_still_wrapped_for_notes_of_another_shape() {
    let mut files = english_repo(".", "-");
    let lines: String = files
        .iter()
        .filter(|(p, _)| p.starts_with("notes/"))
        .enumerate()
        .map(|(i, (p, t))| {
            let title = t.lines().next().unwrap().trim_start_matches("# ");
            format!("    {}. <a href=\"{p}\" target=\"_blank\">{title}</a>\n", i + 1)
        })
        .collect();
    let readme = format!(
        "# reading\n\n## :paperclip:  历史更新\n\n<pre>\n<details><summary>2024年</summary>\n{lines}</details>\n</pre>\n"
    );
    *files.last_mut().unwrap() = ("README.md".into(), readme);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &files);
    let out = daybook().arg("init").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "init failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(text.contains("<!-- daybook:history -->"), "{stdout}\n{text}");
    let config = std::fs::read_to_string(dir.path().join("daybook.yml")).unwrap();
    for want in ["today: Today", "pattern: Daily notes {yyyy}-{mm}-{dd}", "token: ⭐"] {
        assert!(config.contains(want), "daybook.yml lacks {want:?}:\n{config}");
    }
    let out = daybook().args(["lint", "--offline", "--color", "never"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "lint found defects:\n{}\n{config}", String::from_utf8_lossy(&out.stdout));
}

/// Papers rated, blog posts not: a third of the items, in every note, carry no
/// rating. That is the owner's habit, not a forgotten rating.
#[test]
fn a_rating_on_most_items_but_not_all_is_not_required() {
    let mut files = english_repo(".", "-");
    for (path, text) in files.iter_mut().filter(|(p, _)| p.starts_with("notes/")) {
        let day = &path[path.len() - 7..path.len() - 3];
        let post = format!(
            "3. [A blog post {day}](https://example.com/c/{day})\n   - Abstract: no rating for blog posts\n\n## Others"
        );
        *text = text.replace("## Others", &post);
    }
    let (config, clean, out) = init_then_lint(&files);
    assert!(clean, "lint found defects:\n{out}\ndaybook.yml:\n{config}");
    assert!(config.contains("required: false"), "{config}");
}

/// Titles that spell the date in words (`Reading notes: January 2, 2024`): no
/// date pattern fits them, so any title is taken rather than the seed's
/// Chinese one, which every note would fail; a note without a title is still found.
#[test]
fn titles_no_date_pattern_fits_are_taken_as_written() {
    let months = ["January", "February"];
    let mut files = english_repo(".", "-");
    for (path, text) in files.iter_mut().filter(|(p, _)| p.starts_with("notes/")) {
        let (m, d) = (&path[10..12], &path[path.len() - 5..path.len() - 3]);
        let title = format!(
            "# Reading notes: {} {}, 2024",
            months[m.parse::<usize>().unwrap() - 1],
            d.parse::<u32>().unwrap()
        );
        let first = text.lines().next().unwrap().to_owned();
        *text = text.replacen(&first, &title, 1);
    }
    let (config, clean, out) = init_then_lint(&files);
    assert!(clean, "lint found defects:\n{out}\ndaybook.yml:\n{config}");
    assert!(config.contains("title: '{slug}'"), "{config}");
}

#[test]
fn a_note_made_for_titles_taken_as_written_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("daybook.yml"),
        "notes:\n- root: notes\n  pattern: '{yyyy}{mm}/{mm}{dd}.md'\n  kind: items\n  title: '{slug}'\nsections:\n  today: Today\n",
    )
    .unwrap();
    let out = daybook().args(["new", "--date", "2024-03-01"]).current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("notes/202403/0301.md")).unwrap();
    assert!(text.starts_with("# 2024-03-01\n"), "{text}");
}

//! Random repositories of each shape with a hand-made README that indexes a
//! random subset of the notes in a random order (dead links among them):
//! after `init` and `readme`, the index links every note of the listed set
//! exactly once, no link in it is dead, and a second `readme` changes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use crate::common::daybook;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The relative `.md` link destinations of the lines between the history markers.
fn index_links(readme: &str) -> Vec<String> {
    let start = readme.find("<!-- daybook:history -->").expect("markers");
    let end = readme.find("<!-- /daybook:history -->").expect("markers");
    let mut out = Vec::new();
    for line in readme[start..end].lines() {
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(close) = after.find(')') else { break };
            let dest = &after[..close];
            if dest.ends_with(".md") {
                out.push(dest.trim_start_matches("./").to_owned());
            }
            rest = &after[close..];
        }
    }
    out
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// init, readme, and the three properties; `notes` are the paths the index must list.
fn check(root: &Path, notes: &[String]) -> Result<(), TestCaseError> {
    let out = daybook().arg("init").arg(root).output().unwrap();
    prop_assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    let out = daybook().arg("readme").arg(root).output().unwrap();
    prop_assert!(out.status.success(), "readme: {}", String::from_utf8_lossy(&out.stderr));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let links = index_links(&readme);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for l in &links {
        let path = decode(l);
        prop_assert!(root.join(&path).is_file(), "dead link {l} in\n{readme}");
        *counts.entry(path).or_default() += 1;
    }
    for n in notes {
        prop_assert_eq!(counts.get(n).copied(), Some(1), "{} is not linked once in\n{}", n, readme);
    }
    prop_assert_eq!(counts.len(), notes.len(), "{}", readme);
    daybook().arg("readme").arg(root).output().unwrap();
    prop_assert_eq!(std::fs::read_to_string(root.join("README.md")).unwrap(), readme);
    Ok(())
}

fn word() -> impl Strategy<Value = String> {
    "[a-z]{3,8}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// A TIL collection: topics of notes, a by-topic README listing some of them.
    #[test]
    fn til_repositories(
        topics in proptest::collection::btree_map(word(), proptest::collection::btree_set(word(), 2..6), 2..5),
        keep in proptest::collection::vec(any::<bool>(), 40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut notes = Vec::new();
        let mut readme = format!("# TIL\n\n_{} TILs and counting..._\n\n", 99);
        for t in topics.keys() {
            readme.push_str(&format!("- [{t}](#{t})\n"));
        }
        readme.push('\n');
        let mut k = 0;
        for (t, slugs) in &topics {
            readme.push_str(&format!("### {t}\n\n"));
            for s in slugs {
                let path = format!("{t}/{s}.md");
                write(root, &path, &format!("# {s} {t}\n\nText.\n"));
                notes.push(path.clone());
                // Some lines kept, some dropped, some dead.
                match (keep[k % keep.len()], keep[(k + 7) % keep.len()]) {
                    (true, _) => readme.push_str(&format!("- [{s} {t}]({path})\n")),
                    (false, true) => readme.push_str(&format!("- [{s} {t}]({t}/{s}-gone.md)\n")),
                    (false, false) => {}
                }
                k += 1;
            }
            readme.push('\n');
        }
        readme.push_str("## About\n\nMe.\n");
        // At least one line must link a note for the index to be found.
        let first = &notes[0];
        if !readme.contains(&format!("]({first})")) {
            let (t, _) = first.split_once('/').unwrap();
            let s = first.trim_start_matches(&format!("{t}/")).trim_end_matches(".md");
            readme = readme.replacen(&format!("### {t}\n\n"), &format!("### {t}\n\n- [{s} {t}]({first})\n"), 1);
        }
        write(root, "README.md", &readme);
        check(root, &notes)?;
    }

    /// A journal: dated files, some in period folders, a newest-first list of some.
    #[test]
    fn journal_repositories(
        days in proptest::collection::btree_set(1u32..=28, 3..12),
        in_folder in proptest::collection::vec(any::<bool>(), 28),
        listed in proptest::collection::vec(any::<bool>(), 28),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut notes = Vec::new();
        let mut lines = Vec::new();
        for (i, d) in days.iter().enumerate() {
            let name = format!("2024-03-{d:02}.md");
            let path = if in_folder[i] { format!("2024 (Spring term)/{name}") } else { name.clone() };
            write(root, &path, &format!("# 2024-03-{d:02}\r\n\r\n- a day\r\n"));
            notes.push(path.clone());
            if listed[i] || i == 0 {
                let url = path.replace(' ', "%20").replace('(', "%28").replace(')', "%29");
                lines.push(format!("- [2024-03-{d:02}]({url})"));
            }
        }
        write(root, "topics/rust.md", "# Rust\n");
        write(root, "topics/git.md", "# Git\n");
        lines.reverse();
        let readme = format!("# Journal\n\n{}\n\n## End\n", lines.join("\n"));
        write(root, "README.md", &readme);
        check(root, &notes)?;
    }
}

/// Which of `n` notes (oldest first) a hand-made index lists: those `keep`
/// says, and always the oldest and the newest, so that the index reads as a
/// list of every note (not the newest few) with some missing.
fn listed(n: usize, keep: &[bool], i: usize) -> bool {
    i == 0 || i + 1 == n || keep[i % keep.len()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Jekyll posts: `_posts/YYYY-MM-DD-slug.md` with YAML front matter and no
    /// H1, a newest-first list of some of them (dead links among them).
    #[test]
    fn posts_repositories(
        posts in proptest::collection::btree_map(1u32..=28, word(), 3..10),
        keep in proptest::collection::vec(any::<bool>(), 28),
        dead in proptest::collection::vec(any::<bool>(), 28),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut notes = Vec::new();
        let mut lines = Vec::new();
        for (i, (d, slug)) in posts.iter().enumerate() {
            let path = format!("_posts/2024-05-{d:02}-{slug}.md");
            write(
                root,
                &path,
                &format!(
                    "---\nlayout: post\ntitle: \"Post {slug}\"\ndate: 2024-05-{d:02} 09:00:00 +0200\ntags: [{slug}, misc]\n---\n\nAbout {slug}.\n"
                ),
            );
            notes.push(path.clone());
            if listed(posts.len(), &keep, i) {
                lines.push(format!("- [Post {slug}]({path}) — 2024-05-{d:02}"));
            } else if dead[i] {
                lines.push(format!("- [Post {slug}](_posts/2024-05-{d:02}-{slug}-old.md) — 2024-05-{d:02}"));
            }
        }
        lines.reverse();
        let readme = format!("# Blog\n\nPublished with Jekyll.\n\n## Posts\n\n{}\n\n## About\n\nMe.\n", lines.join("\n"));
        write(root, "README.md", &readme);
        check(root, &notes)?;
    }

    /// A folder per note: daily `daily/YYYY/YYYYMM/YYYYMMDD-slug/README.md`
    /// articles (an image beside) and numbered `notes/weekNNN-slug/README.md`
    /// titled `# WEEKNNN - ...`; the README indexes one of the two sets,
    /// newest first.
    #[test]
    fn folder_per_note_repositories(
        days in proptest::collection::btree_map((1u32..=12, 1u32..=28), word(), 3..8),
        weeks in proptest::collection::btree_map(1u32..=300, word(), 3..8),
        keep in proptest::collection::vec(any::<bool>(), 16),
        index_daily in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (mut daily, mut daily_lines) = (Vec::new(), Vec::new());
        for (i, ((m, d), slug)) in days.iter().enumerate() {
            let folder = format!("daily/2024/2024{m:02}/2024{m:02}{d:02}-{slug}");
            let path = format!("{folder}/README.md");
            write(root, &path, &format!("# On {slug}\n\n![plan](plan.png)\n\n## What I did\n\nWrote about {slug}.\n"));
            write(root, &format!("{folder}/plan.png"), "png");
            daily.push(path.clone());
            if listed(days.len(), &keep, i) {
                daily_lines.push(format!("- [On {slug}](./{path})"));
            }
        }
        let (mut weekly, mut weekly_lines) = (Vec::new(), Vec::new());
        for (i, (n, slug)) in weeks.iter().enumerate() {
            let path = format!("notes/week{n:03}-{slug}/README.md");
            let title = slug.to_uppercase();
            write(root, &path, &format!("# WEEK{n:03} - {title}\n\nThe week of {slug}.\n"));
            weekly.push(path.clone());
            if listed(weeks.len(), &keep, i + 5) || i == 0 || i + 1 == weeks.len() {
                weekly_lines.push(format!("* WEEK{n:03} - [{title}](./{path})"));
            }
        }
        daily_lines.reverse();
        weekly_lines.reverse();
        let (heading, lines, notes) =
            if index_daily { ("Daily", daily_lines, daily) } else { ("Weekly", weekly_lines, weekly) };
        let readme = format!("# Learning log\n\n## {heading}\n\n{}\n\n## License\n\nCC BY 4.0\n", lines.join("\n"));
        write(root, "README.md", &readme);
        check(root, &notes)?;
    }

    /// An Obsidian vault with Logseq journals beside: `Daily/YYYY-MM-DD.md`
    /// linking each other and pages with `[[wiki links]]`,
    /// `journals/YYYY_MM_DD.md` without a title, `pages/`; the README lists
    /// some daily notes, newest first.
    #[test]
    fn vault_repositories(
        days in proptest::collection::btree_set(1u32..=28, 3..10),
        journals in proptest::collection::btree_set(1u32..=28, 2..5),
        pages in proptest::collection::btree_set(word(), 2..4),
        keep in proptest::collection::vec(any::<bool>(), 28),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let pages: Vec<String> = pages.into_iter().map(|p| format!("{}{}", p[..1].to_uppercase(), &p[1..])).collect();
        for p in &pages {
            write(root, &format!("pages/{p}.md"), &format!("# {p}\n\n## Notes\n\nAbout {p}.\n"));
        }
        let days: Vec<u32> = days.into_iter().collect();
        let mut notes = Vec::new();
        let mut lines = Vec::new();
        for (i, d) in days.iter().enumerate() {
            let path = format!("Daily/2024-01-{d:02}.md");
            let page = &pages[i % pages.len()];
            let prev = if i > 0 { format!(" after [[2024-01-{:02}]]", days[i - 1]) } else { String::new() };
            write(root, &path, &format!("# 2024-01-{d:02}\n\nWorked on [[{page}]]{prev}, see [[{page}#Notes|notes]].\n- a task\n"));
            notes.push(path.clone());
            if listed(days.len(), &keep, i) {
                lines.push(format!("- [2024-01-{d:02}]({path})"));
            }
        }
        for d in &journals {
            write(root, &format!("journals/2024_02_{d:02}.md"), &format!("- met [[{}]]\n- day {d}\n", pages[0]));
        }
        lines.reverse();
        let readme = format!("# Vault\n\nMy notes, published.\n\n## Daily notes\n\n{}\n\n## Pages\n\nSee `pages/`.\n", lines.join("\n"));
        write(root, "README.md", &readme);
        check(root, &notes)?;
    }
}

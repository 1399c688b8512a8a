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

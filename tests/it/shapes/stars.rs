//! Items notes rated with another token than the seed's `:star:`: `init`
//! finds the token the notes use and writes it, so `lint` right after reports
//! only the planted defects, and a rating out of range or missing is still found.

use serde_json::Value;

use crate::common::{daybook, fixtures, temp_copy};

/// `(path, rule)` of every finding of `lint --offline` on `root`.
fn findings(root: &std::path::Path) -> Vec<(String, String)> {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap().to_owned(), d["rule"].as_str().unwrap().to_owned()))
        .collect();
    got.sort();
    got
}

#[test]
fn init_infers_the_star_token_the_notes_use() {
    // The token, how it is written in the notes (repeated with and without
    // spaces, with and without the emoji variation selector), and how the
    // written daybook.yml spells it.
    for (token, spellings, yaml) in [
        ("⭐", &["⭐", "⭐️", "⭐ "][..], "token: ⭐\n"),
        ("★", &["★", "★ "][..], "token: ★\n"),
        ("🌟", &["🌟"][..], "token: 🌟\n"),
        (":star2:", &[":star2:", ":star2: "][..], "token: ':star2:'\n"),
    ] {
        let dir = temp_copy(&fixtures("shapes").join("items"));
        let log = dir.path().join("log");
        for (i, entry) in std::fs::read_dir(&log).unwrap().enumerate() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let spelled = spellings[i % spellings.len()];
            std::fs::write(&path, text.replace(":star:", spelled)).unwrap();
        }
        let out = daybook().arg("init").arg(dir.path()).output().unwrap();
        assert!(out.status.success(), "{token}: {}", String::from_utf8_lossy(&out.stderr));
        let config = std::fs::read_to_string(dir.path().join("daybook.yml")).unwrap();
        assert!(config.contains(yaml), "{token}: daybook.yml lacks {yaml:?}:\n{config}");
        assert!(
            config.contains(&format!("12 of its 12 items are rated with `{token}`")),
            "{token}:\n{config}"
        );
        assert!(!config.contains("required: false"), "{token}: the rating stays required:\n{config}");
        let planted = [("log/2024-03-05.md".to_owned(), "unknown-field".to_owned())];
        assert_eq!(findings(dir.path()), planted, "{token}");

        // A rating of six and an item with none are found with the inferred token.
        let note = log.join("2024-03-01.md");
        let text = std::fs::read_to_string(&note).unwrap();
        let first = text.lines().find(|l| l.starts_with("1. ")).unwrap();
        let link_end = first.find(")").unwrap() + 1;
        let six = format!("{} {}", &first[..link_end], token.repeat(6));
        let second = text.lines().find(|l| l.starts_with("2. ")).unwrap();
        let bare = &second[..second.find(")").unwrap() + 1];
        std::fs::write(&note, text.replace(first, &six).replace(second, bare)).unwrap();
        let got = findings(dir.path());
        let stars = got.iter().filter(|(p, r)| p == "log/2024-03-01.md" && r == "stars").count();
        assert_eq!(stars, 2, "{token}: {got:?}");
    }
}

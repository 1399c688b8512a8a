//! Tests of the local link rules.

use super::*;
use crate::config::Config;
use crate::rules::test_support::{at, run_in, spanned, with_fixes};

/// A repository with two notes, an image folder and a README.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("notes/202104/images")).unwrap();
    std::fs::create_dir_all(p.join("notes/202105")).unwrap();
    std::fs::create_dir_all(p.join("images")).unwrap();
    std::fs::write(p.join("notes/202104/images/0410.png"), "").unwrap();
    std::fs::write(p.join("notes/202104/images/图 1.png"), "").unwrap();
    std::fs::write(p.join("images/logo.png"), "").unwrap();
    std::fs::write(
        p.join("notes/202104/0410.md"),
        "# 公众号内容拓展学习笔记（2021.4.10）\n\n## :paperclip:  今日要点\n\n<a name=\"extra\"></a>\n## :paperclip:  Others\n",
    )
    .unwrap();
    std::fs::write(p.join("notes/202105/0510.md"), "# x\n").unwrap();
    std::fs::write(p.join("README.md"), "# readme\n").unwrap();
    dir
}

fn lint(rule: &RuleInfo, dir: &tempfile::TempDir, path: &str, text: &str) -> Vec<Diagnostic> {
    run_in(rule, &Config::default(), dir.path(), path, text)
}

const NOTE: &str = "notes/202104/0411.md";

#[test]
fn existing_targets_pass_every_rule() {
    let dir = repo();
    let text = "# t\n\n## Sec One\n\n\
        [a](0410.md) [b](./0410.md#paperclip--今日要点) [c](images/0410.png?raw=true) \
        [d](images/%E5%9B%BE%201.png) [e](../202105/0510.md) [f](/images/logo.png) [g](../../README.md) \
        [h](#sec-one) [i](0410.md#extra) [j](#) [k](#top) [l](../202104/) [m](https://example.com) \
        <me@example.com> [n](mailto:me@example.com) [o](0410.md#%E4%BB%8A%E6%97%A5) [p](notes.txt#L3)\n\
        <img src=\"images/0410.png\"> <a href=\"0410.md\">x</a>\n";
    std::fs::write(dir.path().join("notes/202104/notes.txt"), "").unwrap();
    for rule in [&BARE_URL, &MAILTO, &MISSING_FILE, &OUTSIDE_REPO] {
        assert!(lint(rule, &dir, NOTE, text).is_empty(), "{}: {:?}", rule.name, lint(rule, &dir, NOTE, text));
    }
    // `#今日` is not an anchor of 0410.md: the only finding of the lot.
    let d = lint(&MISSING_ANCHOR, &dir, NOTE, text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(spanned(text, &d[0]), "0410.md#%E4%BB%8A%E6%97%A5");
}

#[test]
fn web_addresses_without_a_scheme() {
    let dir = repo();
    let text = "- Paper: [p](arxiv.org/abs/2111.08687)\n- <a href=\"microsoft.careers.com\">jobs</a>\n- [q](0412.md)\n";
    let d = lint(&BARE_URL, &dir, NOTE, text);
    assert_eq!(at(&d), [(1, 14), (2, 12)], "{d:?}");
    assert_eq!(spanned(text, &d[0]), "arxiv.org/abs/2111.08687");
    assert_eq!(d[0].message, "`arxiv.org/abs/2111.08687` is a web address without a scheme");
    assert_eq!(
        d[0].help.as_deref(),
        Some(
            "write `https://arxiv.org/abs/2111.08687`; without `https://` GitHub opens \
             `notes/202104/arxiv.org/abs/2111.08687` in this repository, a 404"
        )
    );
    assert!(d[1].help.as_deref().unwrap().starts_with("write `https://microsoft.careers.com`"));
    let fixes: Vec<_> = d.iter().map(|d| d.fix.as_ref().expect("a fix")).collect();
    let fixed = with_fixes(text, &fixes);
    assert!(
        fixed.starts_with(
            "- Paper: [p](https://arxiv.org/abs/2111.08687)\n- <a href=\"https://microsoft.careers.com\">"
        ),
        "{fixed}"
    );
    // `0412.md` is a missing file, not a web address.
    assert_eq!(at(&lint(&MISSING_FILE, &dir, NOTE, text)), [(3, 7)]);
}

#[test]
fn e_mail_addresses_need_mailto() {
    let dir = repo();
    let text = "[mail](author@example.com) <author@example.com> [ok](mailto:author@example.com)\n";
    let d = lint(&MAILTO, &dir, NOTE, text);
    assert_eq!(at(&d), [(1, 8)]);
    assert!(d[0].help.as_deref().unwrap().starts_with("write `mailto:author@example.com`"));
    let fixed = with_fixes(text, &[d[0].fix.as_ref().unwrap()]);
    assert!(fixed.starts_with("[mail](mailto:author@example.com) <author"), "{fixed}");
    assert!(lint(&MISSING_FILE, &dir, NOTE, text).is_empty(), "an address is not also a missing file");
}

#[test]
fn missing_files_with_suggestions() {
    let dir = repo();
    let text = "![x](images/0410.PNG)\n<img src=\"images/0409.png\">\n[y](../202105/05010.md)\n[z](images/logo.png)\n[w](/nope/x.md)\n";
    let d = lint(&MISSING_FILE, &dir, NOTE, text);
    assert_eq!(at(&d), [(1, 6), (2, 11), (3, 5), (4, 5), (5, 5)], "{d:?}");
    assert_eq!(d[0].message, "image `images/0410.PNG` does not exist");
    assert!(
        d[0].help
            .as_deref()
            .unwrap()
            .contains("the file is `notes/202104/images/0410.png`: names differ in case")
    );
    assert_eq!(
        d[1].help.as_deref(),
        Some(
            "the path is relative to this file's folder and resolves to `notes/202104/images/0409.png`, which does not exist"
        )
    );
    assert_eq!(d[2].message, "file `../202105/05010.md` does not exist");
    assert_eq!(d[2].help.as_deref(), Some("did you mean `../202105/0510.md`?"));
    assert!(
        d[3].help
            .as_deref()
            .unwrap()
            .contains("`images/logo.png` exists at the repository root: write `/images/logo.png`")
    );
    assert!(d[4].help.as_deref().unwrap().starts_with("a leading `/` means the repository root"));
}

#[test]
fn the_readme_resolves_from_the_root() {
    let dir = repo();
    let text = "1. <a href=\"notes/202104/0410.md\">ok</a>\n2. <a href=\"notes/202105/05010.md\">typo</a>\n";
    let d = lint(&MISSING_FILE, &dir, "README.md", text);
    assert_eq!(at(&d), [(2, 13)], "{d:?}");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `notes/202105/0510.md`?"));
}

#[test]
fn fragments_must_name_a_heading() {
    let dir = repo();
    let text = "# T\n\n## :paperclip:  今日要点\n\n[a](#今日要点) [b](#Paperclip--今日要点) [c](0410.md#others) [d](#nothing-like-it)\n";
    let d = lint(&MISSING_ANCHOR, &dir, NOTE, text);
    assert_eq!(at(&d), [(5, 5), (5, 16), (5, 38), (5, 58)], "{d:?}");
    assert_eq!(d[0].message, "no heading in this file has the anchor `#今日要点`");
    assert!(
        d[0].help.as_deref().unwrap().starts_with("did you mean `#paperclip--今日要点`?"),
        "{:?}",
        d[0].help
    );
    assert_eq!(d[1].help.as_deref(), Some("write `#paperclip--今日要点`: heading anchors are lowercase"));
    assert_eq!(d[2].message, "no heading in `notes/202104/0410.md` has the anchor `#others`");
    assert!(d[2].help.as_deref().unwrap().contains("`#paperclip--others`"), "{:?}", d[2].help);
    assert!(
        d[3].help
            .as_deref()
            .unwrap()
            .starts_with("the anchors of this file are `#t`, `#paperclip--今日要点`")
    );
}

#[test]
fn paths_that_climb_out_of_the_repository() {
    let dir = repo();
    let text = "![x](../../../shared/a.png) [ok](../../README.md)\n";
    let d = lint(&OUTSIDE_REPO, &dir, NOTE, text);
    assert_eq!(at(&d), [(1, 6)]);
    assert_eq!(d[0].message, "`../../../shared/a.png` climbs out of the repository");
    assert!(d[0].help.as_deref().unwrap().starts_with("from this file 2 `../` reach the repository root"));
    assert!(lint(&MISSING_FILE, &dir, NOTE, text).is_empty(), "reported once, as outside-repo");
}

#[test]
fn file_urls_point_at_the_writers_disk() {
    let dir = repo();
    let text = "[passwd](file:///etc/passwd) ![x](FILE://C:/Users/me/a.png) [ok](ftp://h/x)\n";
    let d = lint(&OUTSIDE_REPO, &dir, NOTE, text);
    assert_eq!(at(&d), [(1, 10), (1, 35)], "{d:?}");
    assert_eq!(d[0].message, "`file:///etc/passwd` points at a file on the writer's own disk");
    assert!(d[0].help.as_deref().unwrap().contains("relative path"), "{:?}", d[0].help);
}

#[test]
fn bare_urls_and_paths() {
    assert_eq!(bare_url_fix("arxiv.org/abs/2111.08687").as_deref(), Some("https://arxiv.org/abs/2111.08687"));
    assert_eq!(bare_url_fix("microsoft.careers.com").as_deref(), Some("https://microsoft.careers.com"));
    assert_eq!(bare_url_fix("www.example.md").as_deref(), Some("https://www.example.md"));
    assert_eq!(bare_url_fix("docs.rs/regex").as_deref(), Some("https://docs.rs/regex"));
    assert_eq!(bare_url_fix("127.0.0.1:8080/x").as_deref(), Some("https://127.0.0.1:8080/x"));
    for path in [
        "images/a.png",
        "0410.md",
        "README.md",
        "a.png",
        "../x.md",
        "./a.png",
        "notes/202104/0410.md",
        "v1.2",
        "x",
    ] {
        assert_eq!(bare_url_fix(path), None, "{path}");
    }
}

#[test]
fn schemes_and_emails() {
    assert!(is_email("author@example.com"));
    assert!(is_email("a.b+c@mail.example.org?subject=hi"));
    assert!(!is_email("images/a@2x.png"));
    assert!(!is_email("@example.com"));
}

#[test]
fn resolve_paths() {
    assert_eq!(resolve("notes/202104", "images/a.png"), Ok(vec!["notes", "202104", "images", "a.png"]));
    assert_eq!(resolve("notes/202104", "../202103/./0321.md"), Ok(vec!["notes", "202103", "0321.md"]));
    assert_eq!(resolve("notes/202104", "/README.md"), Ok(vec!["README.md"]));
    assert_eq!(resolve("notes/202104", "../../README.md"), Ok(vec!["README.md"]));
    assert_eq!(resolve("notes/202104", "../../../x.png"), Err(()));
    assert_eq!(resolve("", "../x.png"), Err(()));
}

#[test]
fn relative_suggestions() {
    assert_eq!(relative_from("notes/202105", "notes/202105/0510.md"), "0510.md");
    assert_eq!(relative_from("notes/202105", "notes/202104/0410.md"), "../202104/0410.md");
    assert_eq!(relative_from("", "notes/202105/0510.md"), "notes/202105/0510.md");
}

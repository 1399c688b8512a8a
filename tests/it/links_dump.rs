//! `daybook links`: every extracted link listed, nothing checked, on a fixture
//! with one link of every kind (tests/fixtures/links-dump).

use assert_cmd::prelude::*;
use serde_json::{Value, json};

use crate::common::{daybook, fixtures};

fn dump(format: &str) -> String {
    let out = daybook().args(["links", "--format", format]).arg(fixtures("links-dump")).output().unwrap();
    out.clone().assert().success();
    String::from_utf8(out.stdout).unwrap()
}

fn links() -> Vec<Value> {
    let doc: Value = serde_json::from_str(&dump("json")).unwrap();
    assert_eq!(doc["version"], 1);
    doc["links"].as_array().unwrap().clone()
}

/// The entry of the link written as `dest`.
fn find<'a>(links: &'a [Value], dest: &str) -> &'a Value {
    links.iter().find(|l| l["dest"] == dest).unwrap_or_else(|| panic!("no link `{dest}` in {links:#?}"))
}

#[test]
fn the_json_dump_lists_every_link_of_the_fixture() {
    insta::assert_snapshot!("links_dump_json", dump("json"));
}

#[test]
fn the_human_dump_is_one_aligned_line_per_link() {
    let text = dump("human");
    insta::assert_snapshot!("links_dump_human", text);
    assert_eq!(text.lines().count(), links().len());
}

#[test]
fn every_kind_of_link_is_told_apart() {
    let links = links();
    let kinds: std::collections::BTreeSet<&str> = links.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    let expected = [
        "autolink",
        "bare-email",
        "bare-url",
        "html-href",
        "html-src",
        "image",
        "image-reference",
        "inline",
        "reference",
    ];
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn external_links_show_the_url_requested_and_local_ones_the_path() {
    let links = links();
    assert_eq!(
        find(&links, "https://arxiv.org/abs/2403.00001#sec2"),
        &json!({
            "file": "notes/202403/0301.md", "line": 7, "column": 4, "kind": "inline",
            "dest": "https://arxiv.org/abs/2403.00001#sec2", "target": "web",
            "url": "https://arxiv.org/abs/2403.00001", "path": null, "fragment": "sec2", "excluded": false
        })
    );
    // A reference link is where it is used; its destination is the definition's.
    let r = find(&links, "https://arxiv.org/abs/2403.00002");
    assert_eq!((r["kind"].as_str(), r["line"].as_u64()), (Some("reference"), Some(8)));
    // Protocol-relative: the checker asks over https.
    assert_eq!(find(&links, "//proto.example/path?q=1#top")["url"], "https://proto.example/path?q=1");
    // Schemes and hosts are normalized as requested.
    assert_eq!(find(&links, "HTTPS://Readme.Example/Contact")["url"], "https://readme.example/Contact");
    let local = find(&links, "0302.md#今日要点");
    assert_eq!(
        (local["target"].as_str(), local["path"].as_str()),
        (Some("local"), Some("notes/202403/0302.md"))
    );
    assert_eq!(local["fragment"], "今日要点");
    assert_eq!(find(&links, "../../images/fig 2.png")["path"], "images/fig 2.png");
    assert_eq!(find(&links, "#paperclip--今日要点")["path"], "notes/202403/0301.md");
    assert_eq!(find(&links, "../../../secret.md")["target"], "outside-repo");
    assert_eq!(find(&links, "")["target"], "empty");
}

#[test]
fn bare_links_end_where_github_ends_them() {
    let links = links();
    // `&hl;` looks like an entity: GitHub links up to `commonmark`.
    let w = find(&links, "http://www.google.com/search?q=commonmark");
    assert_eq!((w["kind"].as_str(), w["line"].as_u64()), (Some("bare-url"), Some(20)));
    // Trailing `.` and an unmatched `)` are not part of the link.
    find(&links, "https://github.com/daybook-fixtures/dump-demo");
    find(&links, "http://www.example.org/a_(b)");
    assert_eq!(find(&links, "mailto:ask@daybook.example")["kind"], "bare-email");
    // Code spans hold no links.
    assert!(links.iter().all(|l| !l["dest"].as_str().unwrap().contains("code.example")));
}

#[test]
fn excluded_links_are_marked_and_ignored_files_left_out() {
    let links = links();
    assert_eq!(find(&links, "https://excluded.example/page")["excluded"], true);
    assert!(
        links.iter().filter(|l| l["dest"] != "https://excluded.example/page").all(|l| l["excluded"] == false)
    );
    assert!(links.iter().all(|l| !l["file"].as_str().unwrap().contains("drafts")), "ignore: globs apply");
}

//! `daybook new` and `daybook add`: notes written from the template, items
//! appended with titles read from pages served on 127.0.0.1.

use std::path::Path;

use crate::common::daybook;

/// `daybook lint ROOT --offline --format json`: (exit code, rule names found).
fn lint_rules(root: &Path) -> (i32, Vec<String>) {
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(root).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let rules = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect();
    (out.status.code().unwrap(), rules)
}

fn new_note(root: &Path, date: &str) -> std::process::Output {
    daybook().args(["new", "--date", date, "--root"]).arg(root).output().unwrap()
}

#[test]
fn new_writes_the_seed_shaped_note_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = new_note(dir.path(), "2026-12-02");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "notes/202612/1202.md\n");
    let text = std::fs::read_to_string(dir.path().join("notes/202612/1202.md")).unwrap();
    assert_eq!(
        text,
        "# 公众号内容拓展学习笔记（2026.12.2）\n\n------\n\n## :paperclip:  今日要点\n\n## :paperclip:  Others\n"
    );
    // The default rules accept it all but for having no item yet: that is
    // `empty-today-section`'s very purpose (a template committed too early).
    let (_, rules) = lint_rules(dir.path());
    assert_eq!(rules, ["empty-today-section"]);
}

#[test]
fn new_without_a_date_is_today() {
    let dir = tempfile::tempdir().unwrap();
    let before = chrono::Local::now().date_naive();
    let out = daybook().args(["new", "--root"]).arg(dir.path()).output().unwrap();
    let after = chrono::Local::now().date_naive();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let expect = |d: chrono::NaiveDate| d.format("notes/%Y%m/%m%d.md").to_string();
    assert!(printed == expect(before) || printed == expect(after), "{printed}");
}

#[test]
fn new_refuses_to_overwrite_a_note() {
    let dir = tempfile::tempdir().unwrap();
    assert!(new_note(dir.path(), "2026-12-02").status.success());
    let note = dir.path().join("notes/202612/1202.md");
    std::fs::write(&note, "# my own words\n").unwrap();
    let out = new_note(dir.path(), "2026-12-02");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes/202612/1202.md already exists"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&note).unwrap(), "# my own words\n", "untouched");
}

#[test]
fn new_uses_the_configured_template_and_patterns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("daybook.yml"),
        "notes:\n  root: daily\n  pattern: \"{yyyy}/{mm}-{dd}.md\"\n\
         title:\n  pattern: \"Reading {yyyy}-{mm}-{dd}\"\n\
         sections:\n  today: Today\n  footer: Elsewhere\n\
         template: |\n  # {{ title }}\n\n  Week of {{ date }}.\n\n  ## {{ today }}\n\n  ## {{ footer }}\n\n  - [home](https://example.com/)\n",
    )
    .unwrap();
    let out = new_note(dir.path(), "2026-03-09");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "daily/2026/03-09.md\n");
    let text = std::fs::read_to_string(dir.path().join("daily/2026/03-09.md")).unwrap();
    assert_eq!(
        text,
        "# Reading 2026-03-09\n\nWeek of 2026-03-09.\n\n## Today\n\n## Elsewhere\n\n- [home](https://example.com/)\n"
    );
}

#[test]
fn a_template_without_the_today_section_is_a_config_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("daybook.yml"), "stars:\n  max: 3\ntemplate: \"# {{ title }}\\n\"\n")
        .unwrap();
    let out = new_note(dir.path(), "2026-03-09");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("daybook.yml:3:1: template:") && err.contains("add a"), "{err}");
    assert!(!dir.path().join("notes").exists());
}

// ---- daybook add ----

use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn html(body: &str) -> ResponseTemplate {
    // (`set_body_string` would make it text/plain.)
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/html; charset=utf-8")
}

/// `daybook add ARGS --root ROOT` off the async runtime (the page server must
/// keep serving while the binary runs): (exit code, stdout, stderr).
async fn add(root: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<String> = vec!["add".into(), "--date".into(), "2026-12-02".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.push("--root".into());
    all.push(root.display().to_string());
    tokio::task::spawn_blocking(move || {
        let out = daybook().args(&all).output().unwrap();
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code().unwrap(), s(&out.stdout), s(&out.stderr))
    })
    .await
    .unwrap()
}

fn note_text(root: &Path) -> String {
    std::fs::read_to_string(root.join("notes/202612/1202.md")).unwrap()
}

#[tokio::test]
async fn add_reads_og_title_then_citation_title_then_title_with_entities() {
    let server = MockServer::start().await;
    Mock::given(path("/og"))
        .respond_with(html(
            r#"<html><head><meta property="og:title" content="CVPR 2022｜ACmix &amp; friends"><meta property="og:description" content="清华大学等提出ACmix"><title>ignored</title></head></html>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/paper"))
        .respond_with(html(
            r#"<meta name="citation_title" content="On the Integration of Self-Attention and Convolution"><title>arXiv</title>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/plain"))
        .respond_with(html("<title>\n  Video   Diffusion &lt;Models&gt; &#x4e2d;\n</title>"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let base = server.uri();
    let (og, paper, plain) = (format!("{base}/og"), format!("{base}/paper"), format!("{base}/plain"));
    let (code, out, err) = add(
        dir.path(),
        &[
            &og,
            "--stars",
            "2",
            "--allow-private",
            "--paper",
            &paper,
            "--code",
            "https://github.com/Panxuran/ACmix",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "notes/202612/1202.md: 1. CVPR 2022｜ACmix & friends\n");
    assert!(err.contains("created from the template"), "{err}");
    let (code, _, err) = add(dir.path(), &[&plain, "--allow-private"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("item 2: write its Abstract"), "{err}");
    let text = note_text(dir.path());
    assert!(
        text.contains(&format!(
            "## :paperclip:  今日要点\n\n\
             1. [CVPR 2022｜ACmix & friends]({og})  :star::star:\n\
             \x20  - Abstract: 清华大学等提出ACmix\n\
             \x20  - Paper: [On the Integration of Self-Attention and Convolution]({paper})\n\
             \x20  - Code: [https://github.com/Panxuran/ACmix](https://github.com/Panxuran/ACmix)\n\n\
             2. [Video Diffusion \\<Models\\> 中]({plain})  :star:\n\
             \x20  - Abstract:\n\n\
             ## :paperclip:  Others\n"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn a_page_with_a_description_gives_a_note_that_lints_clean() {
    let server = MockServer::start().await;
    Mock::given(path("/a"))
        .respond_with(html(r#"<meta property="og:title" content="A title"><meta name="description" content="What it is about">"#))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/a", server.uri());
    let (code, _, err) = add(dir.path(), &[&url, "--allow-private", "--stars", "3"]).await;
    assert_eq!(code, 0, "{err}");
    let root = dir.path().to_path_buf();
    let (code, rules) = tokio::task::spawn_blocking(move || lint_rules(&root)).await.unwrap();
    assert_eq!((code, rules), (0, Vec::<String>::new()), "{}", note_text(dir.path()));
}

#[tokio::test]
async fn without_allow_private_a_local_page_is_not_fetched() {
    let server = MockServer::start().await;
    Mock::given(path("/a")).respond_with(html("<title>secret</title>")).expect(0).mount(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/a", server.uri());
    let (code, out, err) = add(dir.path(), &[&url]).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("not a public address"), "{err}");
    assert!(out.contains(&format!("1. {url}")), "{out}");
    assert!(note_text(dir.path()).contains(&format!("1. [{url}]({url})  :star:")));
}

/// A timeout, a body that is not HTML and a body larger than the limit each
/// still add the item, with the URL for its title, and say why.
#[tokio::test]
async fn failures_add_the_item_with_the_url_and_exit_0() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(html("<title>late</title>").set_delay(std::time::Duration::from_secs(4)))
        .mount(&server)
        .await;
    Mock::given(path("/pdf"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/pdf")
                .set_body_bytes(b"%PDF-1.7".to_vec()),
        )
        .mount(&server)
        .await;
    let huge = format!("<html><head>{}<title>too far</title></head></html>", " ".repeat(300_000));
    Mock::given(path("/huge")).respond_with(html(&huge)).mount(&server).await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<title>Not Found</title>"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("daybook.yml"), "links:\n  retries: 0\n  max_body_bytes: 65536\n")
        .unwrap();
    let urls: Vec<String> =
        ["slow", "pdf", "huge", "gone"].iter().map(|p| format!("{}/{p}", server.uri())).collect();
    let mut args: Vec<&str> = urls.iter().map(String::as_str).collect();
    args.extend(["--allow-private", "--timeout", "1"]);
    let started = std::time::Instant::now();
    let (code, _, err) = add(dir.path(), &args).await;
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "the timeout was not applied");
    for (n, why) in [
        (1, "timed out"),
        (2, "application/pdf, not HTML"),
        (3, "no title in the first"),
        (4, "404 Not Found"),
    ] {
        assert!(err.contains(&format!("item {n}: no title from {}", urls[n - 1])), "{err}");
        assert!(err.contains(why), "{why}: {err}");
    }
    let text = note_text(dir.path());
    for (i, u) in urls.iter().enumerate() {
        assert!(text.contains(&format!("{}. [{u}]({u})  :star:\n", i + 1)), "{text}");
    }
}

#[tokio::test]
async fn offline_writes_urls_and_crlf_notes_keep_crlf_and_numbering_continues() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes/202612");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        notes.join("1202.md"),
        "# 公众号内容拓展学习笔记（2026.12.2）\r\n\r\n## :paperclip:  今日要点\r\n\r\n\
         3. [A](https://example.com/a)  :star:\r\n   - Abstract: x\r\n\r\n## :paperclip:  Others\r\n\r\n- me\r\n",
    )
    .unwrap();
    let (code, out, err) = add(dir.path(), &["https://example.com/b", "--offline"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "notes/202612/1202.md: 4. https://example.com/b\n");
    assert!(err.contains("offline"), "{err}");
    assert_eq!(
        note_text(dir.path()),
        "# 公众号内容拓展学习笔记（2026.12.2）\r\n\r\n## :paperclip:  今日要点\r\n\r\n\
         3. [A](https://example.com/a)  :star:\r\n   - Abstract: x\r\n\r\n\
         4. [https://example.com/b](https://example.com/b)  :star:\r\n   - Abstract:\r\n\r\n\
         ## :paperclip:  Others\r\n\r\n- me\r\n"
    );
}

#[tokio::test]
async fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = add(dir.path(), &["not a url", "--offline"]).await;
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = add(dir.path(), &["https://example.com/", "--offline", "--stars", "9"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(!dir.path().join("notes").exists());
}

/// WeChat answers 200 with a notice for a deleted article: the notice must
/// not become the title. `mp.weixin.qq.com` is pinned to the page server.
#[tokio::test]
async fn a_deleted_wechat_article_gives_no_title_and_a_live_one_does() {
    use daybook::links::check::{CheckOptions, Checker};
    use daybook::links::net::Lookup;
    let server = MockServer::start().await;
    Mock::given(path("/s/gone"))
        .respond_with(html(
            r#"<html><head><title></title></head><body><div class="weui-msg"><p class="title">该内容已被发布者删除</p></div></body></html>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/s/live"))
        .respond_with(html(
            r#"<html><head><meta property="og:title" content="劲爆！YOLOv6又快又准的目标检测框架开源啦"></head><body><script>var msg_title = 'x'.html(false);</script></body></html>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/s/script-only"))
        .respond_with(html(r#"<title></title><script>var msg_title = 'Yolov7：最新最快的实时检测框架'.html(false);</script>"#))
        .mount(&server)
        .await;
    let mut opts = CheckOptions::from_config(
        &daybook::links::LinksConfig::default(),
        true,
        daybook::links::GithubApi::new(None, None, None).unwrap(),
    )
    .unwrap();
    opts.lookup = Lookup::Static(std::collections::HashMap::from([(
        "mp.weixin.qq.com".to_string(),
        vec!["127.0.0.1".parse().unwrap()],
    )]));
    let checker = Checker::new(opts).unwrap();
    let port = server.address().port();
    let url = |p: &str| url::Url::parse(&format!("http://mp.weixin.qq.com:{port}/s/{p}")).unwrap();
    let why = checker.page_info(&url("gone")).await.unwrap_err().to_string();
    assert!(why.contains("该内容已被发布者删除") && why.contains("the page is gone"), "{why}");
    assert_eq!(
        checker.page_info(&url("live")).await.unwrap().title,
        "劲爆！YOLOv6又快又准的目标检测框架开源啦"
    );
    assert_eq!(checker.page_info(&url("script-only")).await.unwrap().title, "Yolov7：最新最快的实时检测框架");
}

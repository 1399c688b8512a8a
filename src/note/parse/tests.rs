use super::*;
use crate::config::Config;
use crate::note::{LinkForm, LinkKind};

fn ctx() -> ParseContext {
    ParseContext::new(&Config::default()).unwrap()
}

fn parse(path: &str, text: &str) -> Note {
    parse_note(SourceFile::new(path, path, text.to_owned()), &ctx())
}

fn at<'a>(note: &'a Note, span: &Span) -> &'a str {
    &note.text()[span.clone()]
}

const MODERN: &str = "# 公众号内容拓展学习笔记（2023.5.7）

------

## :paperclip:  今日要点

1. [Sparse mixtures of experts, explained](https://mp.weixin.qq.com/s/AbCdEf012)         :star::star::star:
   - Abstract: 稀疏专家模型的入门介绍
   - Paper: [Outrageously Large Neural Networks](https://arxiv.org/abs/1701.06538)
   - Code：[https://github.com/example/moe](https://github.com/example/moe)
   - Tips: 路由器只激活少数专家

<div align=center><img src=\"https://img.example.com/moe.png\" style='zoom:100%'>
</div>

2. [Diffusion for audio](https://mp.weixin.qq.com/s/XyZ987)       :star:
   - Abstract: 音频扩散模型
   - Paper1: [A](https://arxiv.org/abs/2301.00001)
   - code2: [https://github.com/example/audio](https://github.com/example/audio)

## :paperclip:  Others

- 关注我的[博客](https://blog.example.com/)
";

#[test]
fn modern_note_model() {
    let n = parse("notes/202305/0507.md", MODERN);
    assert_eq!(n.path_date, NaiveDate::from_ymd_opt(2023, 5, 7));
    let title = n.title.as_ref().unwrap();
    assert_eq!(title.date, NaiveDate::from_ymd_opt(2023, 5, 7));
    assert_eq!(title.heading.text, "公众号内容拓展学习笔记（2023.5.7）");
    assert_eq!(n.sections.len(), 2);
    assert_eq!(n.today, Some(0));
    assert_eq!(n.footer, Some(1));
    assert_eq!(n.sections[0].heading.anchor, "paperclip--今日要点");
    assert_eq!(n.items.len(), 2);

    let it = &n.items[0];
    assert_eq!(it.number, 1);
    assert!(!it.in_html_block);
    let link = &n.links[it.link.unwrap()];
    assert_eq!(link.dest, "https://mp.weixin.qq.com/s/AbCdEf012");
    assert_eq!(at(&n, &link.dest_span), "https://mp.weixin.qq.com/s/AbCdEf012");
    assert_eq!(link.text, "Sparse mixtures of experts, explained");
    let stars = it.stars.as_ref().unwrap();
    assert_eq!(stars.count, 3);
    assert_eq!(at(&n, &stars.span), ":star::star::star:");
    let labels: Vec<_> = it.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Abstract", "Paper", "Code", "Tips"]);
    let code = &it.fields[2];
    assert_eq!(code.separator, '：');
    assert_eq!(at(&n, &code.label_span), "Code");
    assert_eq!(code.value, "[https://github.com/example/moe](https://github.com/example/moe)");
    assert_eq!(code.links.len(), 1);
    assert_eq!(n.links[code.links[0]].dest, "https://github.com/example/moe");
    assert_eq!(
        at(&n, &code.span),
        "- Code：[https://github.com/example/moe](https://github.com/example/moe)"
    );

    let it2 = &n.items[1];
    assert_eq!(it2.number, 2);
    assert_eq!(it2.stars.as_ref().unwrap().count, 1);
    assert_eq!(it2.fields[2].label, "code2");

    // raw HTML src with its exact span
    let img = n.links.iter().find(|l| l.kind == LinkKind::HtmlSrc).unwrap();
    assert_eq!(img.dest, "https://img.example.com/moe.png");
    assert_eq!(at(&n, &img.dest_span), "https://img.example.com/moe.png");
    assert!(at(&n, &img.span).starts_with("<img src="));
    // links are in document order
    assert!(n.links.windows(2).all(|w| w[0].span.start <= w[1].span.start));
}

#[test]
fn stray_field_at_column_zero_ends_the_list() {
    let text = "# t\n\n## :paperclip: 今日要点\n\n1. [a](https://a.example/x) :star:\n   - Abstract: x\n- Paper: [p](https://arxiv.org/abs/1)\n   - Tips: y\n\n2. [b](https://b.example/) :star:\n";
    let n = parse("notes/202305/0507.md", text);
    assert_eq!(n.items.len(), 2);
    assert_eq!(n.items[0].fields.len(), 1);
    assert_eq!(n.stray_fields.len(), 2, "{:?}", n.stray_fields);
    let s = &n.stray_fields[0];
    assert_eq!(s.field.label, "Paper");
    assert_eq!(s.after_item, Some(0));
    assert_eq!(s.indent, 0);
    assert_eq!(n.stray_fields[1].field.label, "Tips");
    assert_eq!(n.items[1].number, 2);
}

#[test]
fn item_swallowed_by_html_block_is_recovered() {
    let text = "## :paperclip: 今日要点\n\n1. [a](https://a.example/) :star:\n   - Abstract: x\n\n<div align=center><img src=\"i.png\">\n</div>\n2. [b](https://b.example/) :star::star:\n   - Abstract：y\n\n3. [c](https://c.example/) :star:\n";
    let n = parse("notes/202305/0507.md", text);
    let numbers: Vec<_> = n.items.iter().map(|i| i.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(n.items[1].in_html_block);
    assert!(!n.items[2].in_html_block);
    assert_eq!(n.links[n.items[1].link.unwrap()].dest, "https://b.example/");
    assert_eq!(n.items[1].fields[0].label, "Abstract");
    assert_eq!(n.links[n.items[2].link.unwrap()].dest, "https://c.example/");
    // the image before the swallowed item is still found, once
    assert_eq!(n.links.iter().filter(|l| l.dest == "i.png").count(), 1);
    assert!(n.links.windows(2).all(|w| w[0].span.start <= w[1].span.start));
}

#[test]
fn free_form_items_keep_other_bullets() {
    let text = "## :paperclip:  今日要点\n\n1. [a](https://a.example/)   :star:\n\n   一段自由文字\n\n2. [b](https://b.example/) :star::star:\n\n   - 论文：Some Paper Title\n   - 核心点：\n     - 扩展策略\n   - Squeeze-and-Excitation\n";
    let n = parse("notes/202103/0321.md", text);
    assert_eq!(n.items.len(), 2);
    assert!(n.items[0].fields.is_empty());
    let labels: Vec<_> = n.items[1].fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["论文", "核心点"]);
    assert_eq!(n.items[1].fields[1].value, "");
    assert_eq!(n.items[1].other_bullets.len(), 1);
}

#[test]
fn bold_labels_are_fields() {
    let text = "## :paperclip:  今日要点\n\n1. [a](https://a.example/) :star:\n   - **Abstract**: first\n   - **Paper:** [P](https://p.example/)\n   - __Tips__：third\n   - **not a label**\n";
    let n = parse("notes/202103/0321.md", text);
    let f = &n.items[0].fields;
    let labels: Vec<_> = f.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Abstract", "Paper", "Tips"]);
    assert_eq!(at(&n, &f[0].label_span), "Abstract");
    assert_eq!(f[0].value, "first");
    assert_eq!(f[1].value, "[P](https://p.example/)");
    assert_eq!(f[1].links.len(), 1);
    assert_eq!(f[2].value, "third");
    assert_eq!(n.items[0].other_bullets.len(), 1);
}

#[test]
fn an_item_may_open_with_its_link_in_bold() {
    let text = "## :paperclip:  今日要点\n\n1. **[a](https://a.example/)**   :star::star:\n   - Abstract: x\n\n2. **Note** [b](https://b.example/) :star:\n   - Abstract: y\n";
    let n = parse("notes/202103/0321.md", text);
    let link = n.items[0].link.map(|i| n.links[i].dest.as_str());
    assert_eq!(link, Some("https://a.example/"));
    assert_eq!(n.items[0].stars.as_ref().map(|s| s.count), Some(2));
    // A bold word before the link is not the link.
    assert!(n.items[1].link.is_none());
}

#[test]
fn headings_anchors_are_deduplicated() {
    let n = parse("README.md", "# Hello, World!\n## A_b - c\n## a_b - c\n## 今日 要点\n");
    let anchors: Vec<_> = n.headings.iter().map(|h| h.anchor.as_str()).collect();
    assert_eq!(anchors, ["hello-world", "a_b---c", "a_b---c-1", "今日-要点"]);
    assert_eq!(n.path_date, None);
}

fn anchors_of(text: &str) -> Vec<String> {
    parse("README.md", text).headings.into_iter().map(|h| h.anchor).collect()
}

/// GitHub counts a collision from the base slug and skips any slug already
/// taken, a heading's own included.
#[test]
fn heading_anchors_skip_slugs_already_taken() {
    assert_eq!(
        anchors_of("# echo\n# echo\n# echo 1\n# echo-1\n"),
        ["echo", "echo-1", "echo-1-1", "echo-1-2"]
    );
}

/// Spaces written as entities are heading text: the parser trims only the
/// spaces written as spaces.
#[test]
fn heading_anchors_keep_spaces_written_as_entities() {
    assert_eq!(anchors_of("# &#x20;a&#x20;\n# -a-\n"), ["-a-", "-a--1"]);
    assert_eq!(anchors_of("#   spaced   out   #\n"), ["spaced---out"]);
}

/// Markup is reduced to the text a reader sees, as GitHub renders it.
#[test]
fn heading_anchors_come_from_the_rendered_text() {
    assert_eq!(anchors_of("# `code` and *em* [link](x)\n"), ["code-and-em-link"]);
    assert_eq!(anchors_of("# a &amp; b <b>bold</b>\n"), ["a--b-bold"]);
    // An image's alt text is an attribute of the rendered heading, not its text.
    assert_eq!(anchors_of("# logo ![alt text](x.png)\n"), ["logo-"]);
    // A setext heading's line break is a newline, not a space.
    assert_eq!(anchors_of("two\nlines\n===\n"), ["twolines"]);
}

#[test]
fn html_attributes_and_comments_have_exact_spans() {
    let text = "<pre><details><summary>2021</summary>\n    1. <a href=\"notes/202103/0321.md\" target=\"_blank\">t</a>\n    2. <a href='notes/202103/0322.md'>u</a>\n</details></pre>\n\ntext <!-- daybook-disable-next-line title --> and <a href=x.md>inline</a>\n\n<!-- daybook-disable -->\n";
    let n = parse("README.md", text);
    let hrefs: Vec<_> = n.links.iter().map(|l| (l.kind, at(&n, &l.dest_span).to_owned())).collect();
    assert_eq!(
        hrefs,
        [
            (LinkKind::HtmlHref, "notes/202103/0321.md".to_owned()),
            (LinkKind::HtmlHref, "notes/202103/0322.md".to_owned()),
            (LinkKind::HtmlHref, "x.md".to_owned()),
        ]
    );
    let comments: Vec<_> = n.comments.iter().map(|c| (c.text.as_str(), at(&n, &c.span))).collect();
    assert_eq!(
        comments,
        [
            ("daybook-disable-next-line title", "<!-- daybook-disable-next-line title -->"),
            ("daybook-disable", "<!-- daybook-disable -->"),
        ]
    );
}

#[test]
fn link_destinations_as_written() {
    let text = "[a](<with space.md> \"t\") [b](arxiv.org/abs/1(2)) ![i](img/x.png) <https://auto.example/> [r][ref]\n\n[ref]: ./ref.md#frag\n";
    let n = parse("README.md", text);
    let dests: Vec<_> =
        n.links.iter().map(|l| (l.kind, at(&n, &l.dest_span).to_owned(), l.dest.clone())).collect();
    assert_eq!(dests[0].1, "with space.md");
    assert_eq!(dests[1].1, "arxiv.org/abs/1(2)");
    assert_eq!(dests[2], (LinkKind::Image, "img/x.png".into(), "img/x.png".into()));
    assert_eq!(
        dests[3],
        (LinkKind::Autolink, "https://auto.example/".into(), "https://auto.example/".into())
    );
    assert_eq!(dests[4].1, "./ref.md#frag");
}

#[test]
fn whitespace_in_section_headings_is_collapsed() {
    let n = parse(
        "notes/202305/0507.md",
        "## :paperclip: 今日要点\n\n1. [a](b) :star:\n\n##   :paperclip:   Others\n",
    );
    assert_eq!(n.today, Some(0));
    assert_eq!(n.footer, Some(1));
    assert_eq!(n.items.len(), 1);
}

#[test]
fn weird_inputs_do_not_panic() {
    for text in [
        "",
        "\u{feff}",
        "1.",
        "<",
        "<!--",
        "<img src=",
        "<img src=\"a",
        "## :paperclip:  今日要点\n1. ",
        "## :paperclip:  今日要点\n<div>\n1. x\n",
        "## :paperclip:  今日要点\n<div>\n2. [",
        "## :paperclip:  今日要点\n- a：\n",
        "[x](",
        "[x]: <",
        "# 公众号内容拓展学习笔记（2023.2.31）",
        "## :paperclip:  今日要点\n\n1. :star:[a](b)\n- ：\n- 今日: x\n  - Paper：",
    ] {
        let n = parse("notes/202302/0231.md", text);
        let _ = n.items.len();
    }
}

#[test]
fn comment_before_the_title_is_collected() {
    let n = parse("notes/202301/0101.md", "<!-- daybook-disable-next-line title -->\n# t\n");
    assert_eq!(n.comments.len(), 1, "{:?}", n.comments);
    assert_eq!(n.title.as_ref().unwrap().heading.text, "t");
}

#[test]
fn bare_urls_are_autolinks_like_on_github() {
    let text = "see https://example.com/a_(b). and www.example.org, also (https://x.example/y)\n`https://code.example/` [https://linked.example/](https://linked.example/)\nnothttps://no.example\n";
    let n = parse("README.md", text);
    let auto: Vec<_> = n
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Autolink)
        .map(|l| at(&n, &l.dest_span).to_owned())
        .collect();
    assert_eq!(auto, ["https://example.com/a_(b)", "www.example.org", "https://x.example/y"]);
    assert_eq!(n.links.iter().filter(|l| l.dest == "https://linked.example/").count(), 1);
    assert!(n.links.iter().any(|l| l.dest == "http://www.example.org"));
}

#[test]
fn a_byte_order_mark_does_not_hide_the_title() {
    // Windows editors save UTF-8 with a BOM; GitHub renders the heading anyway.
    let text = format!("\u{feff}{MODERN}");
    let n = parse("notes/202305/0507.md", &text);
    let title = n.title.as_ref().expect("title behind a BOM");
    assert_eq!(title.heading.text, "公众号内容拓展学习笔记（2023.5.7）");
    assert_eq!(at(&n, &title.heading.span), "# 公众号内容拓展学习笔记（2023.5.7）");
    assert_eq!(n.items.len(), 2);
}

#[test]
fn bare_links_follow_the_gfm_autolink_extension_through_the_parser() {
    let text = "www.google.com/search?q=commonmark&hl; and hello+xyz@mail.example, not hello@mail+xyz.example\n\n\
                `code`www.after-code.test **www.bold.test** <br>www.after-tag.test\n\n\
                | a |\n|---|\n|www.cell.test|\n\n[x](https://inline.test) [www.in-text.test](https://t.test)\n";
    let n = parse("README.md", text);
    let bare: Vec<_> = n
        .links
        .iter()
        .filter(|l| matches!(l.form, LinkForm::BareUrl | LinkForm::BareEmail))
        .map(|l| (at(&n, &l.span), l.dest.as_str(), l.form))
        .collect();
    assert_eq!(
        bare,
        [
            (
                "www.google.com/search?q=commonmark",
                "http://www.google.com/search?q=commonmark",
                LinkForm::BareUrl
            ),
            ("hello+xyz@mail.example", "mailto:hello+xyz@mail.example", LinkForm::BareEmail),
            ("www.bold.test", "http://www.bold.test", LinkForm::BareUrl),
            ("www.cell.test", "http://www.cell.test", LinkForm::BareUrl),
        ]
    );
    assert!(
        n.links
            .iter()
            .all(|l| l.kind == LinkKind::Autolink
                || !matches!(l.form, LinkForm::BareUrl | LinkForm::BareEmail))
    );
    let forms: Vec<_> = n.links.iter().filter(|l| l.kind == LinkKind::Inline).map(|l| l.form).collect();
    assert_eq!(forms, [LinkForm::Inline, LinkForm::Inline]);
}

#[test]
fn wiki_links_outside_code() {
    let n = parse(
        "notes/202305/0507.md",
        "# t\n\nSee [[Garden]], [[Garden#Beds|the beds]] and ![[plan.png]].\n\n`[[not a link]]`\n\n```\n[[nor this]]\n```\n",
    );
    let wiki: Vec<(&str, &str, LinkKind)> = n
        .links
        .iter()
        .filter(|l| l.form == LinkForm::Wiki)
        .map(|l| (l.dest.as_str(), l.text.as_str(), l.kind))
        .collect();
    assert_eq!(
        wiki,
        [
            ("Garden", "Garden", LinkKind::Inline),
            ("Garden#Beds", "the beds", LinkKind::Inline),
            ("plan.png", "plan.png", LinkKind::Image),
        ]
    );
    let l = n.links.iter().find(|l| l.dest == "Garden#Beds").unwrap();
    assert_eq!(&n.text()[l.dest_span.clone()], "Garden#Beds");
}

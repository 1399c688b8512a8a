//! Item rules: the numbered entries of the today section — each opens with a
//! link, carries a star rating, and keeps its field bullets nested under it.

use crate::config::StarsConfig;
use crate::diag::{Diagnostic, Edit, Fix, Severity};
use crate::note::{Item, Note, StrayField};
use crate::rules::field_table::Lookup;
use crate::rules::{Check, CompiledFields, RuleContext, RuleInfo};

pub(crate) const ITEM_LINK: RuleInfo = RuleInfo {
    name: "item-link",
    summary: "An item of the today section does not open with a `[title](url)` link to the article.",
    docs: include_str!("../../docs/rules/item-link.md"),
    default_severity: Severity::Error,
};

pub(crate) const STARS: RuleInfo = RuleInfo {
    name: "stars",
    summary: "An item has no star rating after its link, or more or fewer stars than `stars.min..=stars.max`.",
    docs: include_str!("../../docs/rules/stars.md"),
    default_severity: Severity::Error,
};

pub(crate) const FIELD_NOT_NESTED: RuleInfo = RuleInfo {
    name: "field-not-nested",
    summary: "A field bullet (`- Paper: ...`) is not indented under its item, which ends the numbered list.",
    docs: include_str!("../../docs/rules/field-not-nested.md"),
    default_severity: Severity::Error,
};

pub(crate) const ITEM_IN_HTML_BLOCK: RuleInfo = RuleInfo {
    name: "item-in-html-block",
    summary: "An item right after a raw HTML block (`</div>` then `2. [...]`, no blank line) that GitHub renders as plain text.",
    docs: include_str!("../../docs/rules/item-in-html-block.md"),
    default_severity: Severity::Error,
};

/// The item's opening line without its line break and trailing spaces, so a
/// finding about the item starts and ends on that line.
pub(crate) fn head_line(note: &Note, item: &Item) -> crate::note::Span {
    let text = note.text();
    let span = item.head_span.clone();
    let Some(head) = text.get(span.clone()) else { return span };
    let line = head.split('\n').next().unwrap_or(head).trim_end();
    span.start..span.start + line.len()
}

/// `item-link`.
fn check_link(note: &Note, item: &Item, out: &mut Vec<Diagnostic>) {
    if item.link.is_none() {
        out.push(item_link(note, item));
    }
}

/// `item-in-html-block`.
fn check_html_block(note: &Note, item: &Item, out: &mut Vec<Diagnostic>) {
    if !item.in_html_block {
        return;
    }
    let text = note.text();
    let start = item.span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prev_line = text[..line_start.saturating_sub(1)].rsplit('\n').next().unwrap_or("").trim();
    let after = if prev_line.is_empty() { "the HTML above".to_owned() } else { format!("`{prev_line}`") };
    out.push(
        note.file
            .diag(
                ITEM_IN_HTML_BLOCK.name,
                ITEM_IN_HTML_BLOCK.default_severity,
                head_line(note, item),
                format!(
                    "item {} is part of the raw HTML block above it, so GitHub shows it as plain text",
                    item.number
                ),
            )
            .with_label("rendered as text, not as a list item")
            .with_help(format!(
                "add a blank line between {after} and this item: an HTML block only ends at a blank line"
            ))
            .with_fix_if(blank_line_fix(text, line_start, prev_line)),
    );
}

/// A blank line before the item's line at `line_start`, in the line ending of
/// the line above. Only right after the HTML: an item further down the
/// swallowed run is part of the list again once the first one is fixed.
fn blank_line_fix(text: &str, line_start: usize, prev_line: &str) -> Option<Fix> {
    let html = prev_line.starts_with('<') || prev_line.ends_with('>');
    if line_start == 0 || !html {
        return None;
    }
    let eol = if text[..line_start].ends_with("\r\n") { "\r\n" } else { "\n" };
    Some(Fix::safe("add a blank line after the HTML block", vec![Edit::insert(line_start, eol)]))
}

fn item_link(note: &Note, item: &Item) -> Diagnostic {
    let text = note.text();
    let head = text.get(item.head_span.clone()).unwrap_or("");
    // An address typed as text is the commonest cause: offer the exact rewrite.
    let url = head.split_whitespace().find(|w| {
        w.starts_with("http://") || w.starts_with("https://") || w.starts_with("mp.weixin.qq.com/")
    });
    let help = match url {
        Some(u) => {
            let full = if u.starts_with("http") { u.to_owned() } else { format!("https://{u}") };
            format!("make the title a link to the article: `{}. [article title]({full})`", item.number)
        }
        None if item.number > 0 => format!(
            "start the item with a link to the article: `{}. [article title](https://…)`, then the star rating",
            item.number
        ),
        None => "start the item with a link to the article: `[article title](https://…)`".to_owned(),
    };
    note.file
        .diag(
            ITEM_LINK.name,
            ITEM_LINK.default_severity,
            head_line(note, item),
            format!("item {} does not open with a link to the article", item.number),
        )
        .with_label("expected `[title](url)` here")
        .with_help(help)
}

/// `stars`.
fn check_stars(note: &Note, item: &Item, cfg: &StarsConfig, out: &mut Vec<Diagnostic>) {
    let range = || {
        if cfg.min == cfg.max {
            format!("{} `{}`", cfg.min, cfg.token)
        } else {
            format!("{} to {} `{}`", cfg.min, cfg.max, cfg.token)
        }
    };
    match &item.stars {
        None if cfg.required => {
            // Point just after the opening link, where the rating goes.
            let at = match item.link.and_then(|i| note.links.get(i)) {
                Some(l) => l.span.end..l.span.end,
                None => head_line(note, item),
            };
            out.push(
                note.file
                    .diag(
                        STARS.name,
                        STARS.default_severity,
                        at,
                        format!("item {} has no star rating", item.number),
                    )
                    .with_label("rating expected here")
                    .with_help(format!(
                        "add a rating after the link, e.g. `{}` ({})",
                        cfg.token.repeat(cfg.min.max(1) as usize),
                        range()
                    )),
            );
        }
        None => {}
        Some(s) if s.count < cfg.min || s.count > cfg.max => {
            let fixed = s.count.clamp(cfg.min, cfg.max);
            out.push(
                note.file
                    .diag(
                        STARS.name,
                        STARS.default_severity,
                        s.span.clone(),
                        format!(
                            "item {} has {} star{}; ratings go from {} to {}",
                            item.number,
                            s.count,
                            if s.count == 1 { "" } else { "s" },
                            cfg.min,
                            cfg.max
                        ),
                    )
                    .with_label(format!("{} star{}", s.count, if s.count == 1 { "" } else { "s" }))
                    .with_help(format!(
                        "use {}, e.g. `{}`; change `stars.min`/`stars.max` in daybook.yml for another scale",
                        range(),
                        cfg.token.repeat(fixed as usize)
                    )),
            );
        }
        Some(_) => {}
    }
}

/// `field-not-nested`: one diagnostic per stray field bullet.
fn check_stray(note: &Note, stray: &StrayField, fields: &CompiledFields, out: &mut Vec<Diagnostic>) {
    let f = &stray.field;
    // A top-level `- 备注：...` bullet is just a bullet; only a configured field
    // (or a likely misspelling of one) was meant to be inside the item.
    let is_field =
        |label: &str| !matches!(fields.lookup(label), Lookup::Unknown) || fields.suggest(label).is_some();
    if !is_field(&f.label) {
        return;
    }
    let item = stray.after_item.and_then(|i| note.items.get(i));
    let want = item.and_then(|it| content_column(note, it));
    let (marker, indent) = marker_position(note, stray);
    // A bullet that is already indented like its siblings is only stray because
    // an earlier, unindented one ended the list: fixing that one fixes this one.
    let consequence = want.is_some_and(|w| indent >= w)
        && note.strays_after(stray.after_item).iter().any(|s| {
            s.field.span.start < f.span.start
                && want.is_some_and(|w| marker_position(note, s).1 < w)
                && is_field(&s.field.label)
        });
    if consequence {
        return;
    }
    let label = f.label.trim();
    let span = marker..f.label_span.end.max(marker);
    let column = indent + 1;
    let message = match item {
        Some(item) if want.is_some_and(|w| indent >= w) => {
            format!("`- {label}` is not part of item {}: the numbered list ended above it", item.number)
        }
        Some(item) => format!(
            "`- {label}` is not nested under item {}: at column {column} it ends the numbered list",
            item.number
        ),
        None => {
            format!("`- {label}` is not nested under any item: at column {column} it is outside the list")
        }
    };
    let help = match want {
        Some(want) if want > indent => {
            let n = want - indent;
            format!(
                "indent it by {n}{} space{} so it lines up with the item's text (`{}- {label}{} …`); \
                 in Markdown a bullet at column {column} closes the numbered list, so this field and \
                 the bullets after it are no longer part of item {}",
                if indent > 0 { " more" } else { "" },
                if n == 1 { "" } else { "s" },
                " ".repeat(want),
                f.separator,
                item.map_or(0, |i| i.number)
            )
        }
        Some(_) => format!(
            "it is indented like the item's fields, but the numbered list already ended above it (an \
             unindented line or a raw HTML block without a blank line after it): fix that line and this \
             bullet becomes part of item {} again",
            item.map_or(0, |i| i.number)
        ),
        None => "move it under the item it belongs to, indented so that the `-` lines up with the item's \
                 text (3 spaces after `1. `)"
            .to_owned(),
    };
    let fix = match (item, want) {
        (Some(_), Some(want)) if want > indent => indent_fix(note, marker, f.span.end, want - indent),
        _ => None,
    };
    out.push(
        note.file
            .diag(FIELD_NOT_NESTED.name, FIELD_NOT_NESTED.default_severity, span, message)
            .with_label("not indented under the item")
            .with_help(help)
            .with_fix_if(fix),
    );
}

/// Indent the bullet whose `-` is at `marker` by `by` spaces: its line and the
/// lines continuing its text, up to a blank line or the next bullet (`end` is
/// the end of the bullet with its children). Children are left alone: one
/// indented like the item's fields becomes a sibling again, one indented less
/// is reported, and fixed, on its own.
fn indent_fix(note: &Note, marker: usize, end: usize, by: usize) -> Option<Fix> {
    let text = note.text();
    let line_start = text[..marker].rfind('\n').map_or(0, |i| i + 1);
    // Tabs (or a BOM) before the marker: the column is not a count of spaces.
    if !text[line_start..marker].bytes().all(|b| b == b' ') {
        return None;
    }
    let pad = " ".repeat(by);
    let mut edits = vec![Edit::insert(line_start, pad.clone())];
    let mut at = text[marker..].find('\n').map(|i| marker + i + 1);
    while let Some(start) = at.filter(|&s| s < end.min(text.len())) {
        let line = &text[start..text[start..].find('\n').map_or(text.len(), |i| start + i)];
        let body = line.trim_start_matches(' ');
        let bullet = body.starts_with(['-', '*', '+'])
            || body.trim_start_matches(|c: char| c.is_ascii_digit()).len() < body.len();
        if body.trim().is_empty() || bullet {
            break;
        }
        edits.push(Edit::insert(start, pad.clone()));
        at = text[start..].find('\n').map(|i| start + i + 1);
    }
    let what = format!("indent the bullet by {by} space{}", if by == 1 { "" } else { "s" });
    Some(Fix::safe(what, edits))
}

/// Offset and 0-based column of a stray bullet's `-` marker: the first
/// non-space of its line (the bullet's span may start in the indentation).
fn marker_position(note: &Note, stray: &StrayField) -> (usize, usize) {
    let text = note.text();
    let start = stray.field.span.start.min(stray.field.label_span.start).min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let spaces = text[line_start..].bytes().take_while(|b| *b == b' ').count();
    if line_start + spaces <= stray.field.label_span.start {
        (line_start + spaces, spaces)
    } else {
        (start, stray.indent)
    }
}

/// Byte column where the text of a numbered item starts (`1. ` -> 3, `10. ` -> 4,
/// `  2.  ` -> 6): where its nested bullets must begin.
fn content_column(note: &Note, item: &Item) -> Option<usize> {
    let text = note.text();
    let start = item.span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let bytes = line.as_bytes();
    let mut i = bytes.iter().take_while(|b| **b == b' ').count();
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    i += digits;
    if !matches!(bytes.get(i), Some(b'.' | b')')) {
        return None;
    }
    i += 1;
    let spaces = bytes[i..].iter().take_while(|b| **b == b' ').count();
    // CommonMark: 1-4 spaces after the marker set the content column; more means
    // an indented code block starts, and the content column is marker + 1.
    Some(if (1..=4).contains(&spaces) { i + spaces } else { i + 1 })
}

/// The item rules: one walk over the items and the stray field bullets.
pub(crate) struct Items;
impl Check for Items {
    fn items_only(&self) -> bool {
        true
    }

    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&ITEM_LINK, &STARS, &FIELD_NOT_NESTED, &ITEM_IN_HTML_BLOCK]
    }
    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let (link, stars, html) =
            (cx.enabled(&ITEM_LINK), cx.enabled(&STARS), cx.enabled(&ITEM_IN_HTML_BLOCK));
        for item in &note.items {
            if link {
                check_link(note, item, out);
            }
            if stars {
                check_stars(note, item, &cx.config.stars, out);
            }
            if html {
                check_html_block(note, item, out);
            }
        }
        if cx.enabled(&FIELD_NOT_NESTED) {
            note.stray_fields.iter().for_each(|s| check_stray(note, s, cx.fields, out));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::test_support::{at, note_with_items, run, run_in, spanned};

    #[test]
    fn items_that_open_with_a_link_pass() {
        let text =
            note_with_items("1. [An article](https://example.com/a)  :star::star:\n   - Abstract: x\n");
        assert!(run(&ITEM_LINK, &text).is_empty());
        assert!(run(&STARS, &text).is_empty());
        assert!(run(&FIELD_NOT_NESTED, &text).is_empty());
        assert!(run(&ITEM_IN_HTML_BLOCK, &text).is_empty());
    }

    #[test]
    fn item_without_link_offers_the_rewrite() {
        let text = note_with_items(
            "1. 一篇文章 https://mp.weixin.qq.com/s/abc  :star:\n   - Abstract: x\n\n2. 另一篇  :star:\n   - Abstract: y\n",
        );
        let d = run(&ITEM_LINK, &text);
        assert_eq!(at(&d), [(7, 4), (10, 4)]);
        assert_eq!(d[0].message, "item 1 does not open with a link to the article");
        assert!(
            d[0].help.as_deref().unwrap().contains("`1. [article title](https://mp.weixin.qq.com/s/abc)`"),
            "{:?}",
            d[0].help
        );
        assert!(d[1].help.as_deref().unwrap().contains("`2. [article title](https://…)`"), "{:?}", d[1].help);
    }

    #[test]
    fn missing_stars_point_right_after_the_link() {
        let text = note_with_items("1. [An article](https://example.com/a)\n   - Abstract: x\n");
        let d = run(&STARS, &text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "item 1 has no star rating");
        let link_end = text.find("(https://example.com/a)").unwrap() + "(https://example.com/a)".len();
        assert_eq!(d[0].span, link_end..link_end);
        assert!(d[0].help.as_deref().unwrap().contains("`:star:` (1 to 5 `:star:`)"), "{:?}", d[0].help);
    }

    #[test]
    fn too_many_stars_and_a_custom_scale() {
        let seven = ":star:".repeat(7);
        let text =
            note_with_items(&format!("1. [An article](https://example.com/a)  {seven}\n   - Abstract: x\n"));
        let d = run(&STARS, &text);
        assert_eq!(at(&d), [(7, 41)]);
        assert_eq!(d[0].message, "item 1 has 7 stars; ratings go from 1 to 5");
        assert_eq!(spanned(&text, &d[0]), seven);
        assert!(d[0].help.as_deref().unwrap().contains(&":star:".repeat(5)));

        let mut config = Config::default();
        config.stars.min = 2;
        config.stars.max = 3;
        config.stars.required = false;
        let one = note_with_items("1. [a](https://e.com/a) :star:\n2. [b](https://e.com/b)\n");
        let d = run_in(&STARS, &config, std::path::Path::new("."), "notes/202611/1126.md", &one);
        assert_eq!(d.len(), 1, "a missing rating is fine when not required: {d:?}");
        assert_eq!(d[0].message, "item 1 has 1 star; ratings go from 2 to 3");
    }

    #[test]
    fn field_at_column_zero_says_how_far_to_indent() {
        let text = note_with_items(
            "1. [An article](https://example.com/a)  :star:\n   - Abstract: x\n- Paper: [p](https://arxiv.org/abs/2101.00001)\n   - Tips: y\n",
        );
        let d = run(&FIELD_NOT_NESTED, &text);
        // Tips is indented correctly: it is only stray because Paper ended the list.
        assert_eq!(at(&d), [(9, 1)], "{d:?}");
        assert_eq!(spanned(&text, &d[0]), "- Paper");
        assert_eq!(
            d[0].message,
            "`- Paper` is not nested under item 1: at column 1 it ends the numbered list"
        );
        let help = d[0].help.as_deref().unwrap();
        assert!(
            help.starts_with("indent it by 3 spaces so it lines up with the item's text (`   - Paper: …`)"),
            "{help}"
        );
    }

    #[test]
    fn two_digit_items_need_four_spaces_and_full_width_colons_count() {
        let mut items = String::new();
        for n in 1..=10 {
            // Three spaces are right under `9. ` but one short under `10. `.
            items.push_str(&format!("{n}. [a{n}](https://e.com/{n}) :star:\n   - Abstract: x\n\n"));
        }
        items.push_str(" - Tips：too shallow\n");
        let text = note_with_items(&items);
        let d = run(&FIELD_NOT_NESTED, &text);
        assert_eq!(at(&d), [(35, 4), (37, 2)], "{d:?}");
        assert!(d[0].message.contains("`- Abstract` is not nested under item 10"), "{}", d[0].message);
        let help = d[0].help.as_deref().unwrap();
        assert!(help.starts_with("indent it by 1 more space so"), "{help}");
        assert!(help.contains("(`    - Abstract: …`)"), "{help}");
        let help = d[1].help.as_deref().unwrap();
        assert!(help.starts_with("indent it by 3 more spaces"), "{help}");
        assert!(help.contains("(`    - Tips： …`)"), "{help}");
    }

    #[test]
    fn top_level_bullets_that_are_not_fields_are_left_alone() {
        let text = note_with_items(
            "1. [a](https://e.com/a) :star:\n   - Abstract: x\n- 备注：这不是字段\n   - Tips: 被上一行带走了\n- Abstarct: 拼错的字段\n",
        );
        let d = run(&FIELD_NOT_NESTED, &text);
        assert_eq!(at(&d), [(10, 4), (11, 1)], "{d:?}");
        // Tips is indented right, but the 备注 bullet ended the list above it.
        assert_eq!(d[0].message, "`- Tips` is not part of item 1: the numbered list ended above it");
        assert!(d[1].message.starts_with("`- Abstarct` is not nested under item 1"));
    }

    #[test]
    fn item_swallowed_by_html_block() {
        let text = note_with_items(
            "1. [a](https://e.com/a) :star:\n   - Abstract: x\n\n<div align=center><img src=\"https://e.com/1.png\">\n</div>\n2. [b](https://e.com/b) :star:\n   - Abstract: y\n",
        );
        let d = run(&ITEM_IN_HTML_BLOCK, &text);
        assert_eq!(at(&d), [(12, 4)], "{d:?}");
        assert!(d[0].message.starts_with("item 2 is part of the raw HTML block above it"));
        assert!(d[0].help.as_deref().unwrap().contains("between `</div>` and this item"));
        // The recovered item is still checked by the other rules.
        assert!(run(&ITEM_LINK, &text).is_empty());
    }
}

//! Section rules: a note is a title, a today section holding the items, then a
//! footer — in that order, each once.

use crate::config::SectionsConfig;
use crate::diag::{Diagnostic, Severity};
use crate::note::{Heading, Note};
use crate::rules::{Check, RuleContext, RuleInfo};

pub(crate) const MISSING_TODAY_SECTION: RuleInfo = RuleInfo {
    name: "missing-today-section",
    summary: "A note has no today section (the `## :paperclip:  今日要点` heading holding its items).",
    docs: include_str!("../../docs/rules/missing-today-section.md"),
    default_severity: Severity::Error,
};

pub(crate) const EMPTY_TODAY_SECTION: RuleInfo = RuleInfo {
    name: "empty-today-section",
    summary: "The today section holds no numbered item.",
    docs: include_str!("../../docs/rules/empty-today-section.md"),
    default_severity: Severity::Error,
};

pub(crate) const SECTION_ORDER: RuleInfo = RuleInfo {
    name: "section-order",
    summary: "Headings out of order: the title is not first, the footer comes before the today section, or a section repeats.",
    docs: include_str!("../../docs/rules/section-order.md"),
    default_severity: Severity::Error,
};

/// The heading text without `:shortcode:` emoji, emoji characters and spaces,
/// lowercased: what a near-miss heading has in common with the configured one.
fn core_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == ':'
            && let Some(end) = rest[1..].find(':')
            && end > 0
            && rest[1..1 + end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+' || c == '-')
        {
            rest = &rest[end + 2..];
            continue;
        }
        if !c.is_whitespace() && !is_symbol_emoji(c) && c != '#' {
            out.extend(c.to_lowercase());
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_symbol_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D)
}

/// `missing-today-section`.
fn check_missing(note: &Note, cfg: &SectionsConfig, out: &mut Vec<Diagnostic>) {
    if note.today.is_some() {
        return;
    }
    let file = &note.file;
    // As configured (the seed writes two spaces after the emoji), not collapsed:
    // the help is text to paste.
    let wanted = format!("## {}", cfg.today.trim());
    let core = core_text(&cfg.today);
    let near =
        (!core.is_empty()).then(|| note.headings.iter().find(|h| core_text(&h.text) == core)).flatten();
    let d = match near {
        Some(h) => file
            .diag(
                MISSING_TODAY_SECTION.name,
                MISSING_TODAY_SECTION.default_severity,
                h.span.clone(),
                format!(
                    "the note has no today section: this heading is close to `{wanted}` but not the same"
                ),
            )
            .with_label("not the configured today heading")
            .with_help(format!(
                "replace this line with `{wanted}`, or set `sections.today` in daybook.yml to `{}`",
                h.text.trim()
            )),
        None => {
            let at = note.title.as_ref().map_or(0..0, |t| t.heading.span.clone());
            file.diag(
                MISSING_TODAY_SECTION.name,
                MISSING_TODAY_SECTION.default_severity,
                at,
                format!("the note has no today section (`{wanted}`)"),
            )
            .with_help(format!(
                "add `{wanted}` after the title, followed by the numbered list of the day's items"
            ))
        }
    };
    out.push(d);
}

/// `empty-today-section`.
fn check_empty(note: &Note, out: &mut Vec<Diagnostic>) {
    let file = &note.file;
    let Some(today) = note.today_section() else { return };
    if note.items.is_empty() {
        let body = note.text().get(today.body.clone()).unwrap_or("");
        let has_bullets = body.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("- [") || t.starts_with("* [") || t.starts_with("+ [")
        });
        let (message, help) = if has_bullets {
            (
                "the today section has no numbered item: its entries are bullets (`- `), not a numbered list",
                "number the entries: `1. [title](https://…) :star:`, `2. …`",
            )
        } else if body.trim().is_empty() {
            (
                "the today section is empty",
                "add the day's items as a numbered list: `1. [title](https://…) :star:`, or delete the note",
            )
        } else {
            (
                "the today section has no numbered item",
                "write the day's items as a numbered list: `1. [title](https://…) :star:`",
            )
        };
        out.push(
            file.diag(
                EMPTY_TODAY_SECTION.name,
                EMPTY_TODAY_SECTION.default_severity,
                today.heading.span.clone(),
                message,
            )
            .with_label("no items under this heading")
            .with_help(help),
        );
    }
}

/// `section-order`.
/// `today` and `footer` are the configured headings with whitespace collapsed
/// (the parser's [`crate::note::parse::ParseContext`] holds them, computed once).
fn check_order(note: &Note, today: &str, footer: &str, out: &mut Vec<Diagnostic>) {
    let file = &note.file;
    let line = |h: &Heading| file.position(h.span.start).line;

    // The title: the first H1 must be the first heading, and there is only one.
    let mut h1s = note.headings.iter().filter(|h| h.level == 1);
    if let Some(title) = h1s.next() {
        if let Some(first) = note.headings.first().filter(|f| f.span.start < title.span.start) {
            out.push(
                file.diag(
                    SECTION_ORDER.name,
                    SECTION_ORDER.default_severity,
                    title.span.clone(),
                    format!(
                        "the title is not the first heading: `{}` (line {}) comes before it",
                        first.text.trim(),
                        line(first)
                    ),
                )
                .with_label("the title belongs at the top")
                .with_help("move the title line to the top of the note")
                .with_related(file.related(first.span.start, "this heading comes first")),
            );
        }
        for extra in h1s {
            out.push(
                file.diag(
                    SECTION_ORDER.name,
                    SECTION_ORDER.default_severity,
                    extra.span.clone(),
                    format!("a second top-level heading; the title is at line {}", line(title)),
                )
                .with_label("second `#` heading")
                .with_help("a note has one `#` title; make this a `##` section, or split the note")
                .with_related(file.related(title.span.start, "the title")),
            );
        }
    }

    let mut first_today: Option<&Heading> = None;
    let mut first_footer: Option<&Heading> = None;
    for s in &note.sections {
        let h = &s.heading;
        if same_heading(&h.text, today) {
            if let Some(prev) = first_today {
                out.push(repeated(note, h, prev, "today"));
                continue;
            }
            first_today = Some(h);
            if let Some(f) = first_footer {
                out.push(
                    file.diag(
                        SECTION_ORDER.name,
                        SECTION_ORDER.default_severity,
                        h.span.clone(),
                        format!("the today section comes after the footer section (line {})", line(f)),
                    )
                    .with_label("today section after the footer")
                    .with_help(format!("move the `## {footer}` section to the end of the note"))
                    .with_related(file.related(f.span.start, "the footer section starts here")),
                );
            }
        } else if !footer.is_empty() && same_heading(&h.text, footer) {
            if let Some(prev) = first_footer {
                out.push(repeated(note, h, prev, "footer"));
                continue;
            }
            first_footer = Some(h);
        }
    }
}

/// `text` equals the already-normalized `wanted` with runs of whitespace as one
/// space; no allocation, as it runs for every section of every note.
fn same_heading(text: &str, wanted: &str) -> bool {
    if wanted.is_empty() {
        return text.trim().is_empty();
    }
    let mut words = text.split_whitespace();
    let mut want = wanted.split(' ');
    loop {
        match (words.next(), want.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

fn repeated(note: &Note, h: &Heading, first: &Heading, what: &str) -> Diagnostic {
    let file = &note.file;
    let line = file.position(first.span.start).line;
    let help = if what == "today" {
        "merge the two sections: move these items into the first one (daybook only reads the first)"
    } else {
        "keep one footer section at the end of the note"
    };
    file.diag(
        SECTION_ORDER.name,
        SECTION_ORDER.default_severity,
        h.span.clone(),
        format!("a second {what} section; the first is at line {line}"),
    )
    .with_label(format!("repeated {what} section"))
    .with_help(help)
    .with_related(file.related(first.span.start, format!("first {what} section")))
}

/// The section rules: each looks at the note's headings once.
pub(crate) struct Sections;
impl Check for Sections {
    fn items_only(&self) -> bool {
        true
    }

    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&MISSING_TODAY_SECTION, &EMPTY_TODAY_SECTION, &SECTION_ORDER]
    }
    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        if cx.enabled(&MISSING_TODAY_SECTION) {
            check_missing(note, &cx.config.sections, out);
        }
        if cx.enabled(&EMPTY_TODAY_SECTION) {
            check_empty(note, out);
        }
        if cx.enabled(&SECTION_ORDER) {
            check_order(note, &cx.parse.today_heading, &cx.parse.footer_heading, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{at, note_with_items, run, spanned};

    const ITEM: &str = "1. [An article](https://example.com/a)  :star:\n   - Abstract: x\n";

    #[test]
    fn a_well_formed_note_passes_every_section_rule() {
        let text = note_with_items(ITEM);
        assert!(run(&MISSING_TODAY_SECTION, &text).is_empty());
        assert!(run(&EMPTY_TODAY_SECTION, &text).is_empty());
        assert!(run(&SECTION_ORDER, &text).is_empty());
    }

    #[test]
    fn missing_today_points_at_a_near_miss_heading() {
        let text =
            "# 公众号内容拓展学习笔记（2026.11.26）\n\n## 今日要点\n\n1. [a](https://e.com/a) :star:\n";
        let d = run(&MISSING_TODAY_SECTION, text);
        assert_eq!(at(&d), [(3, 1)]);
        assert_eq!(spanned(text, &d[0]), "## 今日要点");
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains("`## :paperclip:  今日要点`"), "{help}");
        assert!(help.contains("sections.today"), "{help}");
    }

    #[test]
    fn missing_today_without_a_near_miss_points_at_the_title() {
        let text = "# 公众号内容拓展学习笔记（2026.11.26）\n\n## Reading\n\n1. [a](https://e.com/a) :star:\n";
        let d = run(&MISSING_TODAY_SECTION, text);
        assert_eq!(at(&d), [(1, 1)]);
        assert!(d[0].help.as_deref().unwrap().contains("add `## :paperclip:  今日要点` after the title"));
    }

    #[test]
    fn empty_today_section_says_why() {
        let blank = note_with_items("");
        let d = run(&EMPTY_TODAY_SECTION, &blank);
        assert_eq!(at(&d), [(5, 1)]);
        assert_eq!(d[0].message, "the today section is empty");

        let bullets = note_with_items("- [An article](https://example.com/a)  :star:\n");
        let d = run(&EMPTY_TODAY_SECTION, &bullets);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("bullets"), "{}", d[0].message);
        assert!(d[0].help.as_deref().unwrap().contains("1. [title]"));
        // No today section at all is missing-today-section's finding, not this one's.
        assert!(run(&EMPTY_TODAY_SECTION, "# t\n").is_empty());
    }

    #[test]
    fn footer_before_today_is_reported_at_the_today_heading() {
        let text = "# 公众号内容拓展学习笔记（2026.11.26）\n\n## :paperclip:  Others\n\n- x\n\n## :paperclip:  今日要点\n\n1. [a](https://e.com/a) :star:\n";
        let d = run(&SECTION_ORDER, text);
        assert_eq!(at(&d), [(7, 1)]);
        assert!(d[0].message.contains("after the footer section (line 3)"), "{}", d[0].message);
        assert_eq!(d[0].related[0].start.line, 3);
    }

    #[test]
    fn repeated_sections_and_misplaced_titles() {
        let text = "## :paperclip:  今日要点\n\n# 公众号内容拓展学习笔记（2026.11.26）\n\n## :paperclip:   今日要点\n\n# Second\n";
        let d = run(&SECTION_ORDER, text);
        let got: Vec<(usize, &str)> = d.iter().map(|d| (d.start.line, d.message.as_str())).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].0 == 3 && got[0].1.contains("title is not the first heading"), "{got:?}");
        assert!(got[1].0 == 7 && got[1].1.contains("second top-level heading"), "{got:?}");
        // Runs of spaces compare equal, so the third heading repeats the first.
        assert!(
            got[2].0 == 5 && got[2].1.contains("second today section; the first is at line 1"),
            "{got:?}"
        );
    }

    #[test]
    fn heading_comparison_collapses_whitespace() {
        assert!(same_heading(":paperclip:   今日要点 ", ":paperclip: 今日要点"));
        assert!(!same_heading(":paperclip: 今日", ":paperclip: 今日要点"));
        assert!(!same_heading(":paperclip: 今日要点 x", ":paperclip: 今日要点"));
        assert!(same_heading("", ""));
    }

    #[test]
    fn core_text_ignores_emoji_and_spacing() {
        assert_eq!(core_text(":paperclip:  今日要点"), "今日要点");
        assert_eq!(core_text("📎 今日 要点"), "今日要点");
        assert_eq!(core_text("Today's :star: Notes"), "today'snotes");
        assert_eq!(core_text("a:b"), "a:b");
    }
}

//! Field rules: the labelled sub-bullets of an item (`- Paper: [title](url)`).
//!
//! The five field rules share one pass: each label is resolved once through
//! the run's [`CompiledFields`] (built once from `config.fields`), and the
//! run's rule set decides which of them report. These are the rules that only
//! warn on notes dated before `strict_since` (the older, free-form notes):
//! [`Fields`] says so through [`Check::relaxed_before_strict_since`] and the
//! framework applies the cap.

use crate::diag::{Diagnostic, Edit, Fix, Severity};
use crate::note::{Field, Item, Note};
use crate::rules::field_table::{FieldKey, Lookup, split_number};
use crate::rules::{Check, CompiledFields, RuleContext, RuleInfo};

pub(crate) const UNKNOWN_FIELD: RuleInfo = RuleInfo {
    name: "unknown-field",
    summary: "A field label that is not configured (a typo such as `GtiHub` or `code`), with a did-you-mean.",
    docs: include_str!("../../docs/rules/unknown-field.md"),
    default_severity: Severity::Error,
};

pub(crate) const MISSING_FIELD: RuleInfo = RuleInfo {
    name: "missing-field",
    summary: "An item lacks a field marked `required: true` (by default `Abstract`).",
    docs: include_str!("../../docs/rules/missing-field.md"),
    default_severity: Severity::Error,
};

pub(crate) const DUPLICATE_FIELD: RuleInfo = RuleInfo {
    name: "duplicate-field",
    summary: "The same field appears twice in one item (`Tips` twice, or `Paper` and its alias `论文`).",
    docs: include_str!("../../docs/rules/duplicate-field.md"),
    default_severity: Severity::Error,
};

pub(crate) const EMPTY_FIELD: RuleInfo = RuleInfo {
    name: "empty-field",
    summary: "A field has a label but no value (`- Tips:` and nothing after it).",
    docs: include_str!("../../docs/rules/empty-field.md"),
    default_severity: Severity::Error,
};

pub(crate) const FIELD_LINK: RuleInfo = RuleInfo {
    name: "field-link",
    summary: "A field configured with `link: true` (Paper, Code) holds no link.",
    docs: include_str!("../../docs/rules/field-link.md"),
    default_severity: Severity::Error,
};

/// The field rules.
pub(crate) struct Fields;
impl Check for Fields {
    fn items_only(&self) -> bool {
        true
    }

    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&UNKNOWN_FIELD, &MISSING_FIELD, &DUPLICATE_FIELD, &EMPTY_FIELD, &FIELD_LINK]
    }
    fn relaxed_before_strict_since(&self) -> bool {
        true
    }
    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let on = Enabled {
            unknown: cx.enabled(&UNKNOWN_FIELD),
            missing: cx.enabled(&MISSING_FIELD),
            duplicate: cx.enabled(&DUPLICATE_FIELD),
            empty: cx.enabled(&EMPTY_FIELD),
            link: cx.enabled(&FIELD_LINK),
        };
        // Buffers reused across items: this runs for every item of every note.
        let mut stray: Vec<&Field> = Vec::new();
        let mut seen: Vec<(FieldKey, &Field)> = Vec::new();
        for (i, item) in note.items.iter().enumerate() {
            stray.clear();
            seen.clear();
            if on.missing && !note.stray_fields.is_empty() {
                stray.extend(note.strays_after(Some(i)).iter().map(|s| &s.field));
            }
            check_item(note, item, &stray, &mut seen, cx.fields, on, out);
        }
    }
}

/// Which field rules report, looked up once per note.
#[derive(Debug, Clone, Copy)]
struct Enabled {
    unknown: bool,
    missing: bool,
    duplicate: bool,
    empty: bool,
    link: bool,
}

/// Runs the field rules over one item. `stray` are the field bullets written at
/// column 0 that most likely belong to this item: they count as present for
/// `missing-field` (their own problem is reported by `field-not-nested`).
#[allow(clippy::too_many_arguments)]
fn check_item<'n>(
    note: &'n Note,
    item: &'n Item,
    stray: &[&'n Field],
    seen: &mut Vec<(FieldKey, &'n Field)>,
    table: &CompiledFields,
    on: Enabled,
    out: &mut Vec<Diagnostic>,
) {
    let file = &note.file;
    let track_seen = on.missing || on.duplicate;
    for field in &item.fields {
        // The parser trims values.
        let empty = field.value.is_empty() && !has_nested_content(note, field);
        if empty && on.empty {
            let link = matches!(table.lookup(&field.label), Lookup::Known(k) if table.field(k.field).link);
            out.push(
                file.diag(
                    EMPTY_FIELD.name,
                    EMPTY_FIELD.default_severity,
                    field.span.start.min(field.label_span.start)
                        ..field.value_span.end.max(field.label_span.end),
                    format!("the `{}` field of item {} is empty", field.label.trim(), item.number),
                )
                .with_label("nothing after the colon")
                .with_help(format!(
                    "write the {} after `{}{}`, or delete the bullet",
                    if link { "link" } else { "text" },
                    field.label.trim(),
                    field.separator
                )),
            );
        }
        if !(on.unknown || on.missing || on.duplicate || on.link) {
            continue;
        }
        let key = match table.lookup(&field.label) {
            Lookup::Known(key) => key,
            Lookup::NotNumbered { field: i } if on.unknown => {
                let canon = &table.field(i).label;
                out.push(
                    file.diag(
                        UNKNOWN_FIELD.name,
                        UNKNOWN_FIELD.default_severity,
                        field.label_span.clone(),
                        format!(
                            "unknown field `{}`: `{canon}` does not take numbered variants",
                            field.label.trim()
                        ),
                    )
                    .with_label("numbered variant of a field that is not `numbered`")
                    .with_help(format!(
                        "write `{canon}` (one bullet per item), or set `numbered: true` on the `{canon}` \
                         field in daybook.yml to allow `{canon}1`, `{canon}2`, ..."
                    )),
                );
                continue;
            }
            Lookup::Unknown if on.unknown => {
                out.push(unknown_field(note, field, table));
                continue;
            }
            Lookup::NotNumbered { .. } | Lookup::Unknown => continue,
        };
        if track_seen {
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, first)) if on.duplicate => {
                    out.push(duplicate_field(note, item, field, first, table, key))
                }
                Some(_) => {}
                None => seen.push((key, field)),
            }
        }
        if on.link
            && !empty
            && table.field(key.field).link
            && field.links.is_empty()
            && !has_link_inside(note, field)
            && !has_autolinked_url(&field.value)
        {
            out.push(field_link(note, item, field, &table.field(key.field).label));
        }
    }
    if !on.missing {
        return;
    }
    for (i, f) in table.fields.iter().enumerate() {
        if !f.required || seen.iter().any(|(k, _)| k.field == i) {
            continue;
        }
        let in_stray =
            stray.iter().any(|s| matches!(table.lookup(&s.label), Lookup::Known(k) if k.field == i));
        // A misspelled `Abstarct` is reported by unknown-field with its fix;
        // calling Abstract missing as well would be the same mistake twice.
        let misspelled = || {
            item.fields.iter().any(|fl| {
                matches!(table.lookup(&fl.label), Lookup::Unknown | Lookup::NotNumbered { .. })
                    && table
                        .suggest(&fl.label)
                        .is_some_and(|s| matches!(table.lookup(&s), Lookup::Known(k) if k.field == i))
            })
        };
        if in_stray || misspelled() {
            continue;
        }
        let aliases = if f.aliases.is_empty() {
            String::new()
        } else {
            format!(" (or {})", f.aliases.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "))
        };
        let example = if f.link { "[title](https://…)" } else { "…" };
        out.push(
            file.diag(
                MISSING_FIELD.name,
                MISSING_FIELD.default_severity,
                super::items::head_line(note, item),
                format!("item {} has no `{}` field", item.number, f.label),
            )
            .with_label(format!("`{}` is required", f.label))
            .with_help(format!(
                "add `- {}: {example}`{aliases} under the item, indented to line up with the item's text",
                f.label
            )),
        );
    }
}

fn unknown_field(note: &Note, field: &Field, table: &CompiledFields) -> Diagnostic {
    let label = field.label.trim();
    let d = note.file.diag(
        UNKNOWN_FIELD.name,
        UNKNOWN_FIELD.default_severity,
        field.label_span.clone(),
        format!("unknown field `{label}`"),
    );
    match table.suggest(label) {
        Some(s) => {
            let of = match table.lookup(&s) {
                Lookup::Known(k) if table.field(k.field).label != split_number(&s).0 => {
                    format!(" (an alias of `{}`)", table.field(k.field).label)
                }
                _ => String::new(),
            };
            let case_only = s.to_lowercase() == label.to_lowercase();
            // Several spellings equally close: the fix is a guess, applied
            // only when asked for unsafe fixes.
            let unique = table.suggestion_is_unique(label, &s);
            let fix = note.file.text.get(field.label_span.clone()).and_then(|written| {
                let at = field.label_span.start + written.find(label)?;
                let what = format!("replace `{label}` with `{s}`");
                let edits = vec![Edit::replace(at..at + label.len(), s.clone())];
                Some(if unique { Fix::safe(what, edits) } else { Fix::unsafe_(what, edits) })
            });
            d.with_fix_if(fix).with_label(format!("did you mean `{s}`?")).with_help(format!(
                "replace `{label}` with `{s}`{of}{}",
                if case_only { "; labels are case-sensitive" } else { "" }
            ))
        }
        None => d.with_label("not a configured field").with_help(format!(
            "the configured fields are {}; if `{label}` is intended, add it (or add it as an alias) \
             under `fields` in daybook.yml",
            table.describe_all()
        )),
    }
}

fn duplicate_field(
    note: &Note,
    item: &Item,
    field: &Field,
    first: &Field,
    table: &CompiledFields,
    key: FieldKey,
) -> Diagnostic {
    let config = table.field(key.field);
    let name = match key.number {
        Some(_) => field.label.trim().to_owned(),
        None => config.label.clone(),
    };
    let same_spelling = field.label.trim() == first.label.trim();
    let message = if same_spelling {
        format!("item {} has the `{name}` field twice", item.number)
    } else {
        format!(
            "item {} has the `{name}` field twice (`{}` and `{}` are the same field)",
            item.number,
            first.label.trim(),
            field.label.trim()
        )
    };
    let help = if config.numbered && key.number.is_none() {
        format!(
            "merge the two bullets, or number them `{0}1`, `{0}2` when the article has several",
            config.label
        )
    } else {
        "merge the two bullets into one, or delete one of them".to_owned()
    };
    note.file
        .diag(DUPLICATE_FIELD.name, DUPLICATE_FIELD.default_severity, field.label_span.clone(), message)
        .with_label("second occurrence")
        .with_help(help)
        .with_related(
            note.file.related(first.label_span.start, format!("first `{}` here", first.label.trim())),
        )
}

fn field_link(note: &Note, item: &Item, field: &Field, canonical: &str) -> Diagnostic {
    let label = field.label.trim();
    let value = field.value.trim();
    let first_word = value.split_whitespace().next().unwrap_or("");
    let sep = if field.separator == ':' { ": " } else { "：" };
    let what = canonical.to_lowercase();
    let help = if super::local_links::looks_like_host(first_word) {
        format!(
            "this looks like an address without a scheme: write `- {label}{sep}[https://{first_word}](https://{first_word})`"
        )
    } else {
        format!(
            "link the title to the {what}: `- {label}{sep}[{value}](https://…)`; if there is no {what}, delete the bullet"
        )
    };
    note.file
        .diag(
            FIELD_LINK.name,
            FIELD_LINK.default_severity,
            field.value_span.clone(),
            format!("the `{label}` field of item {} has no link", item.number),
        )
        .with_label("expected a link here")
        .with_help(help)
}

/// Text under the bullet beyond its first line's value (an indented list, a paragraph).
fn has_nested_content(note: &Note, field: &Field) -> bool {
    let text = note.text();
    let end = field.span.end.min(text.len());
    let start = field.value_span.end.max(field.label_span.end).min(end);
    text.get(start..end).is_some_and(|rest| {
        // Skip the rest of the label line (the separator and spaces).
        let rest = rest.split_once('\n').map_or("", |(_, r)| r);
        !rest.trim().is_empty()
    })
}

/// A bare `https://...` or `www....` in the text: GitHub turns it into a link
/// (GFM's extended autolinks), even though CommonMark does not.
fn has_autolinked_url(value: &str) -> bool {
    value.split(|c: char| c.is_whitespace() || matches!(c, '（' | '(' | '，' | '：')).any(|w| {
        w.starts_with("https://") || w.starts_with("http://") || (w.starts_with("www.") && w.len() > 4)
    })
}

/// A link anywhere in the bullet (also in nested content).
fn has_link_inside(note: &Note, field: &Field) -> bool {
    let i = note.links.partition_point(|l| l.span.start < field.span.start);
    note.links.get(i).is_some_and(|l| l.span.start < field.span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{at, note_with_items, run, spanned, with_fixes};

    fn item(fields: &str) -> String {
        note_with_items(&format!("1. [An article](https://example.com/a)  :star::star:\n{fields}"))
    }

    #[test]
    fn labels_aliases_numbers_and_both_colons_are_accepted() {
        let text = item(
            "   - 主要内容：x\n   - Paper1: [p](https://arxiv.org/abs/1)\n   - 论文2：[q](https://arxiv.org/abs/2)\n   - GitHub: https://github.com/o/r\n   - Tips: t\n",
        );
        for rule in [&UNKNOWN_FIELD, &MISSING_FIELD, &DUPLICATE_FIELD, &EMPTY_FIELD, &FIELD_LINK] {
            assert!(run(rule, &text).is_empty(), "{}: {:?}", rule.name, run(rule, &text));
        }
    }

    #[test]
    fn unknown_labels_get_a_did_you_mean() {
        let text = item(
            "   - Abstract: x\n   - GtiHub: [c](https://github.com/o/r)\n   - code: [c](https://github.com/o/r)\n   - Tips2: t\n   - Weather: sunny\n",
        );
        let d = run(&UNKNOWN_FIELD, &text);
        assert_eq!(at(&d), [(9, 6), (10, 6), (11, 6), (12, 6)]);
        assert_eq!(spanned(&text, &d[0]), "GtiHub");
        assert_eq!(d[0].help.as_deref(), Some("replace `GtiHub` with `GitHub` (an alias of `Code`)"));
        assert_eq!(d[1].help.as_deref(), Some("replace `code` with `Code`; labels are case-sensitive"));
        let fixes: Vec<_> = d[..2].iter().map(|d| d.fix.as_ref().expect("a fix")).collect();
        assert!(fixes.iter().all(|f| f.applicability == crate::diag::Applicability::Safe));
        let fixed = with_fixes(&text, &fixes);
        assert!(fixed.contains("   - GitHub: [c]") && fixed.contains("   - Code: [c]"), "{fixed}");
        assert!(d[3].fix.is_none(), "no close spelling, no fix");
        assert_eq!(d[2].message, "unknown field `Tips2`: `Tips` does not take numbered variants");
        assert!(d[2].help.as_deref().unwrap().contains("set `numbered: true` on the `Tips` field"));
        let help = d[3].help.as_deref().unwrap();
        assert!(help.contains("`Abstract`, `Paper` (also `Paper1`, `Paper2`, ...)"), "{help}");
        assert!(help.contains("under `fields` in daybook.yml"), "{help}");
    }

    #[test]
    fn missing_required_field() {
        let text = note_with_items(
            "1. [a](https://e.com/a) :star:\n   - Tips: t\n\n2. [b](https://e.com/b) :star:\n   - Abstarct: typo\n\n3. [c](https://e.com/c) :star:\n- Abstract: stray\n",
        );
        let d = run(&MISSING_FIELD, &text);
        // Item 2's typo is unknown-field's finding and item 3's stray bullet is
        // field-not-nested's: only item 1 is missing its Abstract.
        assert_eq!(at(&d), [(7, 4)], "{d:?}");
        assert_eq!(d[0].message, "item 1 has no `Abstract` field");
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "add `- Abstract: …` (or `主要内容`, `摘要`) under the item, indented to line up with the item's text"
            )
        );
    }

    #[test]
    fn duplicates_by_label_alias_and_number() {
        let text = item(
            "   - Abstract: x\n   - Tips: a\n   - Tips: b\n   - Paper: [p](https://e.com/p)\n   - 论文：[q](https://e.com/q)\n   - Code1: [c](https://e.com/c)\n   - Code2: [d](https://e.com/d)\n   - Code2: [e](https://e.com/e)\n",
        );
        let d = run(&DUPLICATE_FIELD, &text);
        assert_eq!(at(&d), [(10, 6), (12, 6), (15, 6)], "{d:?}");
        assert_eq!(d[0].message, "item 1 has the `Tips` field twice");
        assert_eq!(d[0].related[0].start.line, 9);
        assert_eq!(
            d[1].message,
            "item 1 has the `Paper` field twice (`Paper` and `论文` are the same field)"
        );
        assert!(d[1].help.as_deref().unwrap().contains("number them `Paper1`, `Paper2`"));
        assert_eq!(d[2].message, "item 1 has the `Code2` field twice");
    }

    #[test]
    fn empty_fields_but_not_labels_with_nested_lists() {
        let text = item("   - Abstract: x\n   - Tips:\n   - 核心点：\n     - 扩展策略\n   - Paper:   \n");
        let d = run(&EMPTY_FIELD, &text);
        assert_eq!(at(&d), [(9, 4), (12, 4)], "{d:?}");
        assert_eq!(d[0].message, "the `Tips` field of item 1 is empty");
        assert_eq!(d[1].help.as_deref(), Some("write the link after `Paper:`, or delete the bullet"));
        // An empty link field is not also reported as a field without a link.
        assert!(run(&FIELD_LINK, &text).is_empty());
    }

    #[test]
    fn link_fields_without_a_link() {
        let text = item(
            "   - Abstract: x\n   - Paper: Masked Autoencoders\n   - Code: github.com/facebookresearch/mae\n   - 论文：无\n",
        );
        let d = run(&FIELD_LINK, &text);
        assert_eq!(at(&d), [(9, 13), (10, 12), (11, 9)], "{d:?}");
        assert_eq!(spanned(&text, &d[0]), "Masked Autoencoders");
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "link the title to the paper: `- Paper: [Masked Autoencoders](https://…)`; if there is no paper, delete the bullet"
            )
        );
        assert!(
            d[1].help.as_deref().unwrap().contains(
                "`- Code: [https://github.com/facebookresearch/mae](https://github.com/facebookresearch/mae)`"
            ),
            "{:?}",
            d[1].help
        );
        assert!(d[2].help.as_deref().unwrap().contains("`- 论文：[无](https://…)`"), "{:?}", d[2].help);
    }
}

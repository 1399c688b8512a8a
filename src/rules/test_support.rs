//! Helpers for the note rules' unit tests: parse a Markdown snippet with the
//! real parser and run one rule over it.

use std::path::Path;

use crate::config::Config;
use crate::diag::{Diagnostic, SourceFile};
use crate::note::Note;
use crate::note::parse::{ParseContext, parse_note};
use crate::rules::{Prepared, RuleInfo, RuleSet, checks};

/// A note in the seed's modern shape dated 2026-11-26, with `items` as its
/// today section (already indented and numbered by the caller).
pub(crate) fn note_with_items(items: &str) -> String {
    format!(
        "# 公众号内容拓展学习笔记（2026.11.26）\n\n------\n\n## :paperclip:  今日要点\n\n{items}\n## :paperclip:  Others\n\n- 关注我的公众号\n"
    )
}

pub(crate) fn parse(path: &str, text: &str, config: &Config, root: &Path) -> Note {
    let parse = ParseContext::new(config).expect("valid config");
    parse_note(SourceFile::new(path, root.join(path), text.to_owned()), &parse)
}

/// Run the check that reports `rule`, with only `rule` enabled, on one note
/// (`check_note`, or `check_readme` for `README.md`).
pub(crate) fn run_in(
    rule: &RuleInfo,
    config: &Config,
    root: &Path,
    path: &str,
    text: &str,
) -> Vec<Diagnostic> {
    let check = checks()
        .iter()
        .find(|c| c.rules().contains(&rule))
        .unwrap_or_else(|| panic!("no check reports {}", rule.name));
    let prepared = Prepared::new(root, config).expect("valid config");
    let cx = prepared.context_with(config, root, RuleSet::only([rule.name]));
    let parse = &prepared.parse;
    let file = SourceFile::new(path, root.join(path), text.to_owned());
    let mut out = Vec::new();
    if path == "README.md" {
        let note = crate::note::parse::parse_markdown(file, parse);
        check.check_readme(&note, &cx, &mut out);
    } else {
        let note = parse_note(file, parse);
        if crate::rules::applies(*check, &note, &cx) {
            check.check_note(&note, &cx, &mut out);
        }
    }
    for d in &out {
        assert_eq!(d.rule, rule.name, "only the enabled rule reports");
    }
    out
}

/// Run `rule` on a note at `notes/202611/1126.md` with the default config.
pub(crate) fn run(rule: &RuleInfo, text: &str) -> Vec<Diagnostic> {
    run_in(rule, &Config::default(), Path::new("."), "notes/202611/1126.md", text)
}

/// `(line, column)` of each finding, for compact assertions.
pub(crate) fn at(diags: &[Diagnostic]) -> Vec<(usize, usize)> {
    diags.iter().map(|d| (d.start.line, d.start.column)).collect()
}

/// The text a finding's span covers.
pub(crate) fn spanned<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.span.clone()]
}

/// `text` with the edits of `fixes` spliced in (they must not overlap). The
/// real applier (the `fix` module) sits above the rules; this is enough to check
/// that a rule's edits produce the intended text.
pub(crate) fn with_fixes(text: &str, fixes: &[&crate::diag::Fix]) -> String {
    let mut edits: Vec<&crate::diag::Edit> = fixes.iter().flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.span.clone(), &e.content);
    }
    out
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Pieces of note syntax, so random documents hit lists, fields, links and
    /// sections instead of being plain paragraphs.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("1. ".to_owned()),
            Just("10. ".to_owned()),
            Just("- Paper: ".to_owned()),
            Just("   - Tips：".to_owned()),
            Just("   - code2: ".to_owned()),
            Just("[a](".to_owned()),
            Just(")".to_owned()),
            Just("](".to_owned()),
            Just("\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("   ".to_owned()),
            Just(":star:".to_owned()),
            Just("## :paperclip:  今日要点\n".to_owned()),
            Just("## :paperclip:  Others\n".to_owned()),
            Just("# 公众号内容拓展学习笔记（2026.11.26）\n".to_owned()),
            Just("<div align=center><img src=\"".to_owned()),
            Just("\"></div>".to_owned()),
            Just("<a href='".to_owned()),
            Just("../".to_owned()),
            Just("#".to_owned()),
            Just("%E4%BB".to_owned()),
            Just("a@b.co".to_owned()),
            Just("arxiv.org/abs/1".to_owned()),
            Just("https://e.com/x?utm_a=1&b".to_owned()),
            Just("images/x.png".to_owned()),
            "[a-z0-9 :/.?#%@-]{0,6}",
            any::<char>().prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the text, the note rules finish and point inside it.
        #[test]
        fn note_rules_never_panic_and_spans_stay_inside(parts in prop::collection::vec(piece(), 0..60)) {
            let text: String = parts.concat();
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("notes/202611/images")).unwrap();
            std::fs::write(dir.path().join("notes/202611/images/x.png"), "").unwrap();
            std::fs::write(dir.path().join("notes/202611/1125.md"), &text).unwrap();
            let config = Config::default();
            let prepared = Prepared::new(dir.path(), &config).unwrap();
            let cx = prepared.context(&config, dir.path());
            let parse_cx = &prepared.parse;
            let notes = [
                parse("notes/202611/1126.md", &text, &config, dir.path()),
                parse("notes/202611/1125.md", &text, &config, dir.path()),
            ];
            let readme = crate::note::parse::parse_markdown(
                SourceFile::new("README.md", dir.path().join("README.md"), text.clone()),
                parse_cx,
            );
            let mut out = Vec::new();
            for check in checks() {
                check.check_note(&notes[0], &cx, &mut out);
                check.check_readme(&readme, &cx, &mut out);
                check.check_repo(&notes, Some(&readme), &cx, &mut out);
            }
            for d in out {
                prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len(), "{d:?}");
                prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end), "{d:?}");
            }
        }
    }
}

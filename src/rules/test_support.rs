//! Helpers for the note rules' unit tests: parse a Markdown snippet with the
//! real parser and run one rule over it.

use std::path::Path;

use crate::config::Config;
use crate::diag::{Diagnostic, SourceFile};
use crate::note::Note;
use crate::note::parse::{ParseContext, parse_note};
use crate::rules::local_links::LocalLinks;
use crate::rules::{CompiledFields, Rule, RuleContext};

/// A note in the seed's modern shape dated 2026-11-26, with `items` as its
/// today section (already indented and numbered by the caller).
pub fn note_with_items(items: &str) -> String {
    format!(
        "# 公众号内容拓展学习笔记（2026.11.26）\n\n------\n\n## :paperclip:  今日要点\n\n{items}\n## :paperclip:  Others\n\n- 关注我的公众号\n"
    )
}

pub fn parse(path: &str, text: &str, config: &Config, root: &Path) -> Note {
    let parse = ParseContext::new(config).expect("valid config");
    parse_note(SourceFile::new(path, root.join(path), text.to_owned()), &parse)
}

/// Run `rule` on one note (`check_note`, or `check_readme` for `README.md`).
pub fn run_in(rule: &dyn Rule, config: &Config, root: &Path, path: &str, text: &str) -> Vec<Diagnostic> {
    let parse = ParseContext::new(config).expect("valid config");
    let fields = CompiledFields::new(&config.fields);
    let local_links = LocalLinks::for_repo(root, &parse);
    let cx = RuleContext {
        config,
        root,
        parse: &parse,
        fields: &fields,
        strict_since: config.strict_since,
        local_links: &local_links,
    };
    let file = SourceFile::new(path, root.join(path), text.to_owned());
    let mut out = Vec::new();
    if path == "README.md" {
        let note = crate::note::parse::parse_markdown(file, &parse);
        rule.check_readme(&note, &cx, &mut out);
    } else {
        let note = parse_note(file, &parse);
        rule.check_note(&note, &cx, &mut out);
    }
    for d in &out {
        assert_eq!(d.rule, rule.info().name, "a rule only reports its own name");
    }
    out
}

/// Run `rule` on a note at `notes/202611/1126.md` with the default config.
pub fn run(rule: &dyn Rule, text: &str) -> Vec<Diagnostic> {
    run_in(rule, &Config::default(), Path::new("."), "notes/202611/1126.md", text)
}

/// `(line, column)` of each finding, for compact assertions.
pub fn at(diags: &[Diagnostic]) -> Vec<(usize, usize)> {
    diags.iter().map(|d| (d.start.line, d.start.column)).collect()
}

/// The text a finding's span covers.
pub fn spanned<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.span.clone()]
}

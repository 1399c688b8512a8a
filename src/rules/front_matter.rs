//! `front-matter` and `date-mismatch`: a note's front matter is well-formed
//! and holds what its set asks; the sources of its date agree.

use yaml_serde::Value;

use crate::config::{DateSource, FrontMatterKey, ValueType};
use crate::diag::{Diagnostic, Severity};
use crate::note::front_matter::Syntax;
use crate::note::{FrontMatter, Note};
use crate::rules::{Check, RuleContext, RuleInfo};

pub(crate) const FRONT_MATTER: RuleInfo = RuleInfo {
    name: "front-matter",
    summary: "A note's front matter must be valid YAML (or TOML between `+++` lines) and hold the keys, types and values its note set's `front_matter` asks for.",
    docs: include_str!("../../docs/rules/front-matter.md"),
    default_severity: Severity::Error,
};

pub(crate) const DATE_MISMATCH: RuleInfo = RuleInfo {
    name: "date-mismatch",
    summary: "Two sources of a note's date disagree: its front matter and its path, or its front matter and its title.",
    docs: include_str!("../../docs/rules/date-mismatch.md"),
    default_severity: Severity::Error,
};

pub(crate) struct FrontMatterRules;

impl Check for FrontMatterRules {
    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&FRONT_MATTER, &DATE_MISMATCH]
    }

    fn check_note(&self, note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        if cx.enabled(&FRONT_MATTER) {
            check_front_matter(note, cx, out);
        }
        if cx.enabled(&DATE_MISMATCH) {
            check_dates(note, cx, out);
        }
    }
}

fn check_front_matter(note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let set = cx.parse.set(note.set);
    let schema = &set.front_matter;
    let file = &note.file;
    let Some(fm) = &note.front_matter else {
        if !schema.required.is_empty() {
            let keys = schema.required.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            out.push(
                file.diag(
                    FRONT_MATTER.name,
                    FRONT_MATTER.default_severity,
                    0..0,
                    format!("the note has no front matter, but the note set `{}` requires {keys}", set.name),
                )
                .with_help(
                    "start the note with a `---` line, the `key: value` lines, and another `---` line",
                ),
            );
        }
        return;
    };
    let map = match &fm.values {
        Ok(map) => map,
        Err((offset, message)) => {
            let (language, help) = match fm.syntax {
                Syntax::Yaml => (
                    "YAML",
                    "fix the YAML between the `---` lines; quote a value that holds `: ` or starts with `[`, `{`, `*`, `&` or `@`",
                ),
                Syntax::Toml => (
                    "TOML",
                    "fix the TOML between the `+++` lines: `key = value`, strings in double quotes, dates bare (`date = 2024-01-02`)",
                ),
            };
            out.push(
                file.diag(
                    FRONT_MATTER.name,
                    FRONT_MATTER.default_severity,
                    *offset..*offset,
                    format!("the front matter is not valid {language}: {message}"),
                )
                .with_label("here")
                .with_help(help),
            );
            return;
        }
    };
    let opening = fm.span.start..fm.span.start + 3;
    for key in &schema.required {
        if !map.contains_key(key.as_str()) {
            out.push(
                file.diag(
                    FRONT_MATTER.name,
                    FRONT_MATTER.default_severity,
                    opening.clone(),
                    format!("the front matter has no `{key}`, which the note set `{}` requires", set.name),
                )
                .with_label("in this front matter")
                .with_help(format!("add a `{key}: ...` line")),
            );
        }
    }
    for (key, spec) in &schema.keys {
        if let Some(value) = map.get(key.as_str()) {
            check_value(fm, key, value, spec, note, out);
        }
    }
    if set.date != DateSource::None
        && let Some(Err(text)) = fm.date(&set.date_key)
    {
        out.push(
            file.diag(
                FRONT_MATTER.name,
                FRONT_MATTER.default_severity,
                fm.key_span(&set.date_key),
                format!("`{}` is `{text}`, which is no date", set.date_key),
            )
            .with_label("not a date")
            .with_help(
                "write the date as `2024-01-02`, or with a time and zone as `2024-01-02 10:30:00 +0100`",
            ),
        );
    }
}

fn check_value(
    fm: &FrontMatter,
    key: &str,
    value: &Value,
    spec: &FrontMatterKey,
    note: &Note,
    out: &mut Vec<Diagnostic>,
) {
    let file = &note.file;
    let span = fm.key_span(key);
    if let Some(kind) = spec.kind {
        let fits = match kind {
            ValueType::String => value.is_string(),
            ValueType::Number => value.is_number(),
            ValueType::Bool => value.is_bool(),
            ValueType::List => value.is_sequence(),
            ValueType::Date => crate::note::front_matter::parse_date(&shown(value)).is_some(),
        };
        if !fits {
            let want = match kind {
                ValueType::String => "a string",
                ValueType::Number => "a number",
                ValueType::Bool => "`true` or `false`",
                ValueType::List => "a list (`[a, b]`)",
                ValueType::Date => "a date (`2024-01-02`)",
            };
            out.push(
                file.diag(
                    FRONT_MATTER.name,
                    FRONT_MATTER.default_severity,
                    span,
                    format!("`{key}` is `{}`, but it must be {want}", shown(value)),
                )
                .with_label("wrong type"),
            );
            return;
        }
    }
    if spec.values.is_empty() {
        return;
    }
    let given: Vec<String> = match value {
        Value::Sequence(items) => items.iter().map(shown).collect(),
        other => vec![shown(other)],
    };
    for v in given {
        if spec.values.contains(&v) {
            continue;
        }
        let mut d = file
            .diag(
                FRONT_MATTER.name,
                FRONT_MATTER.default_severity,
                span.clone(),
                format!("`{key}` has `{v}`, which is not one of its allowed values"),
            )
            .with_label("not allowed");
        let allowed = spec.values.join(", ");
        d = match crate::suggest::did_you_mean(&v, spec.values.iter().map(String::as_str)) {
            Some(s) => d.with_help(format!("did you mean `{s}`? The allowed values: {allowed}")),
            None => {
                d.with_help(format!("the allowed values: {allowed} (`notes.front_matter.keys.{key}.values`)"))
            }
        };
        out.push(d);
    }
}

/// A scalar as written; anything else as compact YAML.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => "null".into(),
        other => yaml_serde::to_string(other).unwrap_or_default().trim().replace('\n', " "),
    }
}

fn check_dates(note: &Note, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let set = cx.parse.set(note.set);
    if set.date == DateSource::None {
        return;
    }
    let Some(fm) = &note.front_matter else { return };
    let Some(Ok(front)) = fm.date(&set.date_key) else { return };
    let file = &note.file;
    let key = &set.date_key;
    let span = fm.key_span(key);
    if let Some(path_date) = note.path_date
        && path_date != front
    {
        out.push(
            file.diag(
                DATE_MISMATCH.name,
                DATE_MISMATCH.default_severity,
                span.clone(),
                format!("the front matter's `{key}` says {front} but the note's path says {path_date}"),
            )
            .with_label(format!("the path `{}` says {path_date}", file.path))
            .with_help("make the two agree: fix the date here, or rename the file"),
        );
    }
    if let Some(t) = &note.title
        && let Some(title_date) = t.date
        && title_date != front
        && note.path_date.is_none_or(|p| p != title_date)
    {
        out.push(
            file.diag(
                DATE_MISMATCH.name,
                DATE_MISMATCH.default_severity,
                t.heading.span.clone(),
                format!("the title says {title_date} but the front matter's `{key}` says {front}"),
            )
            .with_label(format!("expected {front}"))
            .with_related(file.related(span.start, format!("`{key}` says {front}")))
            .with_help("make the two agree"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, NoteKind, NotesConfig};

    fn posts() -> Config {
        let mut c = Config::default();
        let mut set = NotesConfig {
            root: "_posts".into(),
            pattern: "{yyyy}-{mm}-{dd}-{slug}.md".into(),
            kind: NoteKind::Article,
            ..NotesConfig::default()
        };
        set.front_matter.required = vec!["title".into()];
        set.front_matter.keys.insert(
            "tags".into(),
            FrontMatterKey { kind: Some(ValueType::List), values: vec!["rust".into(), "git".into()] },
        );
        c.notes = crate::config::NoteSets(vec![set]);
        c
    }

    fn check(rule: &RuleInfo, text: &str) -> Vec<Diagnostic> {
        crate::rules::test_support::run_in(
            rule,
            &posts(),
            std::path::Path::new("."),
            "_posts/2024-01-02-hello.md",
            text,
        )
    }

    #[test]
    fn malformed_front_matter_is_one_error_at_its_line() {
        let out = check(&FRONT_MATTER, "---\ntitle: ok\ntags: [rust\n---\n# Hello\n");
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].message.starts_with("the front matter is not valid YAML"), "{}", out[0].message);
        assert!(out[0].start.line >= 3 && out[0].start.line <= 4, "{:?}", out[0].start);
    }

    #[test]
    fn schema_keys_types_and_values() {
        assert!(check(&FRONT_MATTER, "---\ntitle: Hello\ntags: [rust, git]\n---\nbody\n").is_empty());
        let out = check(&FRONT_MATTER, "---\ntags: [rsut]\ndate: someday\n---\nbody\n");
        let msgs: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("no `title`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("`tags` has `rsut`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("`date` is `someday`, which is no date")), "{msgs:?}");
        let tags = out.iter().find(|d| d.message.contains("rsut")).unwrap();
        assert!(tags.help.as_deref().unwrap_or_default().contains("did you mean `rust`"), "{tags:?}");
        assert_eq!(tags.start.line, 2);
        let out = check(&FRONT_MATTER, "---\ntitle: x\ntags: rust\n---\n");
        assert!(out[0].message.contains("must be a list"), "{out:?}");
        let out = check(&FRONT_MATTER, "# no front matter\n");
        assert!(out[0].message.contains("has no front matter"), "{out:?}");
    }

    #[test]
    fn front_matter_date_must_agree_with_the_path() {
        assert!(check(&DATE_MISMATCH, "---\ntitle: x\ndate: 2024-01-02 09:00:00 +0100\n---\n").is_empty());
        let out = check(&DATE_MISMATCH, "---\ntitle: x\ndate: 2024-01-03\n---\n");
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "the front matter's `date` says 2024-01-03 but the note's path says 2024-01-02"
        );
        assert_eq!(out[0].start.line, 3);
    }

    #[test]
    fn front_matter_is_never_a_heading() {
        let out = crate::rules::test_support::run_in(
            &crate::rules::sections::SECTION_ORDER,
            &Config::default(),
            std::path::Path::new("."),
            "notes/202611/1126.md",
            &format!(
                "---\ntags: [a]\n---\n{}",
                crate::rules::test_support::note_with_items(
                    "1. [a](https://a.example/) :star:\n   - Abstract: x\n"
                )
            ),
        );
        assert!(out.is_empty(), "{out:?}");
    }
}

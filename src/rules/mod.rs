//! Rules: small units with a stable kebab-case name, a one-line doc and tests.
//!
//! Every rule is described by a [`RuleInfo`]; [`registry`] lists them all (note
//! rules here, link-checker rules from [`crate::links::rules`], file-level and
//! suppression findings) so config validation, `daybook rules`, SARIF rule
//! metadata and the README agree.
//!
//! A note rule implements [`Rule`]: `check_note` sees one parsed note at a time
//! (run in parallel), `check_readme` the parsed README, `check_repo` every note
//! at once (cross-note checks such as duplicates). Rules emit diagnostics at
//! their default severity; [`apply_levels`] then applies the `strict_since`
//! downgrade and the `rules:` overrides of `daybook.yml` in one place.

pub mod duplicates;
pub mod fields;
pub mod items;
pub mod local_links;
pub mod path;
pub mod sections;
#[cfg(test)]
pub(crate) mod test_support;
pub mod title;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::config::{Config, FieldConfig};
pub use crate::diag::RuleInfo;
use crate::diag::{Diagnostic, Severity};
use crate::note::Note;
use crate::note::parse::ParseContext;

/// Everything a rule may look at besides the note itself.
pub struct RuleContext<'a> {
    pub config: &'a Config,
    /// Repository root (for rules that look at files on disk, e.g. local links).
    pub root: &'a Path,
    pub parse: &'a ParseContext,
    pub fields: &'a CompiledFields,
    pub strict_since: Option<NaiveDate>,
    /// Cached directory listings and anchors for the local link rules.
    pub local_links: &'a local_links::LocalLinks,
}

/// What a [`RuleContext`] borrows, built once per run: the compiled patterns,
/// the field table and the local-link cache of the repository at `root`.
pub struct Prepared {
    pub parse: ParseContext,
    pub fields: CompiledFields,
    pub local_links: local_links::LocalLinks,
}

impl Prepared {
    pub fn new(root: &Path, config: &Config) -> Result<Self, crate::error::Error> {
        let parse = ParseContext::new(config)?;
        let fields = CompiledFields::new(&config.fields);
        let local_links = local_links::LocalLinks::for_repo(root, &parse);
        Ok(Prepared { parse, fields, local_links })
    }

    pub fn context<'a>(&'a self, config: &'a Config, root: &'a Path) -> RuleContext<'a> {
        RuleContext {
            config,
            root,
            parse: &self.parse,
            fields: &self.fields,
            strict_since: config.strict_since,
            local_links: &self.local_links,
        }
    }
}

/// Field labels resolved once per run: canonical labels, aliases and numbered variants.
#[derive(Debug, Clone, Default)]
pub struct CompiledFields {
    pub fields: Vec<FieldConfig>,
    by_label: HashMap<String, usize>,
}

impl CompiledFields {
    pub fn new(fields: &[FieldConfig]) -> Self {
        let mut by_label = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            by_label.entry(f.label.clone()).or_insert(i);
            for a in &f.aliases {
                by_label.entry(a.clone()).or_insert(i);
            }
        }
        CompiledFields { fields: fields.to_vec(), by_label }
    }

    /// The field a label (as written) stands for: exact label or alias, or a
    /// numbered variant (`Paper2`) of a field that allows them.
    pub fn resolve(&self, label: &str) -> Option<&FieldConfig> {
        if let Some(&i) = self.by_label.get(label) {
            return Some(&self.fields[i]);
        }
        let base = label.trim_end_matches(|c: char| c.is_ascii_digit());
        if base.len() < label.len()
            && let Some(&i) = self.by_label.get(base)
            && self.fields[i].numbered
        {
            return Some(&self.fields[i]);
        }
        None
    }

    /// Every accepted spelling, for did-you-mean suggestions.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .flat_map(|f| std::iter::once(f.label.as_str()).chain(f.aliases.iter().map(String::as_str)))
    }
}

/// A note rule.
pub trait Rule: Sync + Send {
    fn info(&self) -> &'static RuleInfo;

    /// Whether findings on notes dated before `strict_since` are capped at
    /// warning (the field rules: older notes are free-form).
    fn relaxed_before_strict_since(&self) -> bool {
        false
    }

    /// Check one note.
    fn check_note(&self, _note: &Note, _cx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Check the README (parsed with the same parser).
    fn check_readme(&self, _readme: &Note, _cx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Check every note at once (cross-note rules).
    fn check_repo(
        &self,
        _notes: &[Note],
        _readme: Option<&Note>,
        _cx: &RuleContext<'_>,
        _out: &mut Vec<Diagnostic>,
    ) {
    }
}

/// The note rules, in documentation order.
pub fn all() -> &'static [&'static dyn Rule] {
    static ALL: &[&dyn Rule] = &[
        &path::NotePath,
        &title::TitleRule,
        &sections::MissingTodaySection,
        &sections::EmptyTodaySection,
        &sections::SectionOrder,
        &items::ItemLink,
        &items::Stars,
        &items::FieldNotNested,
        &items::ItemInHtmlBlock,
        &fields::UnknownField,
        &fields::MissingField,
        &fields::DuplicateField,
        &fields::EmptyField,
        &fields::FieldLink,
        &local_links::BareUrl,
        &local_links::Mailto,
        &local_links::MissingFile,
        &local_links::MissingAnchor,
        &local_links::OutsideRepo,
        &duplicates::DuplicateUrl,
    ];
    ALL
}

/// Findings about files that could not be linted at all.
pub const UNREADABLE_FILE: RuleInfo = RuleInfo {
    name: crate::discover::UNREADABLE_FILE,
    summary: "A file that cannot be linted: unreadable, not UTF-8, empty, larger than 5 MB, or a broken symlink.",
    docs: UNREADABLE_FILE_DOCS,
    default_severity: Severity::Error,
};

const UNREADABLE_FILE_DOCS: &str = "\
## What it checks

Every Markdown file under the notes root is read before it is parsed. A file that
cannot be read, is not valid UTF-8, is empty (or only whitespace), is larger than
5 MB, or is a symbolic link whose target does not exist gets exactly one
`unreadable-file` diagnostic naming the reason; linting of every other file goes on.
A symbolic link to a file outside the repository is reported the same way and never
read, so a pull request cannot make daybook print another file into the log.

## Why it matters

A note that daybook cannot read is a note the README cannot list and nobody can
check. Silently skipping it would hide the problem.

## Example

Failing: `notes/202301/0105.md` saved as GBK by an old editor:

```text
error[unreadable-file]: notes/202301/0105.md:1:3: the file is not valid UTF-8 (byte 0xb9 at line 1, column 3)
```

Fixed: re-save the file as UTF-8.

## Configuration

- `ignore:` globs in daybook.yml skip files entirely (e.g. `notes/**/drafts/**`).
- `rules: { unreadable-file: warning }` lowers the severity.
";

/// Every rule daybook knows, in documentation order.
pub fn registry() -> &'static [&'static RuleInfo] {
    static ALL: OnceLock<Vec<&'static RuleInfo>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static RuleInfo> = vec![&UNREADABLE_FILE];
        v.extend(all().iter().map(|r| r.info()));
        v.push(&crate::suppress::UNUSED_SUPPRESSION);
        v.push(&crate::links::rules::DEAD_LINK);
        v.push(&crate::links::rules::UNVERIFIED_LINK);
        v.push(&crate::links::rules::SKIPPED_LINK);
        v.push(&crate::links::rules::EXTERNAL_ANCHOR);
        v.push(&crate::readme::rules::SKIPPED_NOTE);
        v.push(&crate::readme::rules::FUTURE_NOTE);
        v.push(&crate::readme::rules::NO_TODAY);
        v.push(&crate::github::publish::README_STALE);
        v
    })
}

/// Every rule name, for config validation and suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    registry().iter().map(|r| r.name)
}

pub fn is_known(name: &str) -> bool {
    names().any(|n| n == name)
}

pub fn info(name: &str) -> Option<&'static RuleInfo> {
    registry().iter().copied().find(|r| r.name == name)
}

/// Whether `rule` is capped at warning on notes older than `strict_since`.
pub fn is_relaxed_before_strict_since(rule: &str) -> bool {
    all().iter().any(|r| r.info().name == rule && r.relaxed_before_strict_since())
}

/// Final severities: the `rules:` override of daybook.yml (`off` drops the
/// finding), then the `strict_since` cap for field rules on older notes.
/// `note_dates` maps a note's display path to its date.
pub fn apply_levels(
    diags: Vec<Diagnostic>,
    config: &Config,
    note_dates: &HashMap<String, NaiveDate>,
) -> Vec<Diagnostic> {
    crate::levels::apply_levels_with(diags, config, note_dates, &is_relaxed_before_strict_since)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{RuleLevel, default_fields};

    #[test]
    fn registry_names_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for r in registry() {
            assert!(seen.insert(r.name), "duplicate rule {}", r.name);
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.name);
            assert!(!r.summary.is_empty(), "{} has no summary", r.name);
        }
        for r in all() {
            assert!(!r.info().docs.is_empty(), "{} has no docs", r.info().name);
        }
    }

    #[test]
    fn fields_resolve_aliases_and_numbered_variants() {
        let f = CompiledFields::new(&default_fields());
        assert_eq!(f.resolve("论文").unwrap().label, "Paper");
        assert_eq!(f.resolve("Paper2").unwrap().label, "Paper");
        assert!(f.resolve("Abstract2").is_none(), "Abstract is not numbered");
        assert!(f.resolve("code").is_none(), "labels are case-sensitive");
    }

    #[test]
    fn overrides_and_off() {
        let mut config = Config::default();
        config.rules.insert("title".into(), RuleLevel::Warning);
        config.rules.insert("note-path".into(), RuleLevel::Off);
        let d = |rule: &str| Diagnostic::file_level(rule, Severity::Error, "notes/202301/0101.md", "m");
        let out =
            apply_levels(vec![d("title"), d("note-path"), d("unreadable-file")], &config, &HashMap::new());
        let got: Vec<_> = out.iter().map(|d| (d.rule.as_str(), d.severity)).collect();
        assert_eq!(got, [("title", Severity::Warning), ("unreadable-file", Severity::Error)]);
    }

    #[test]
    fn strict_since_caps_relaxed_rules_on_older_notes_even_when_overridden() {
        let mut config = Config::default();
        config.rules.insert("field-x".into(), RuleLevel::Error);
        let dates: HashMap<String, NaiveDate> = [
            ("notes/202103/0321.md".to_owned(), NaiveDate::from_ymd_opt(2021, 3, 21).unwrap()),
            ("notes/202105/0501.md".to_owned(), NaiveDate::from_ymd_opt(2021, 5, 1).unwrap()),
        ]
        .into();
        let d = |rule: &str, path: &str| Diagnostic::file_level(rule, Severity::Error, path, "m");
        let diags = vec![
            d("field-x", "notes/202103/0321.md"),
            d("field-x", "notes/202105/0501.md"),
            d("title", "notes/202103/0321.md"),
        ];
        let out = crate::levels::apply_levels_with(diags, &config, &dates, &|r| r == "field-x");
        let got: Vec<_> = out.iter().map(|d| d.severity).collect();
        assert_eq!(got, [Severity::Warning, Severity::Error, Severity::Error]);
    }
}

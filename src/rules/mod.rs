//! Note rules: the checks `daybook lint` runs over every parsed note.
//!
//! A rule is one [`RuleInfo`] constant — its stable kebab-case name, default
//! severity, one-line summary and docs (`docs/rules/NAME.md`, included) — in the
//! file of the `Check` that reports it. A check is one pass: rules that look
//! at the same thing share it (the five field rules resolve each label once),
//! and the run's `RuleSet` says which of them report. `checks` lists every
//! check in documentation order; `crate::catalog` adds the rules of the other
//! stages.
//!
//! `check_note` sees one parsed note at a time (run in parallel),
//! `check_readme` the parsed README, `check_repo` every note at once
//! (cross-note checks such as duplicates). Checks emit diagnostics at their
//! rules' default severity; `apply_levels` then applies the `rules:`
//! overrides of `daybook.yml` and the `strict_since` cap in one place.

pub(crate) mod duplicates;
pub(crate) mod field_table;
pub(crate) mod fields;
pub(crate) mod front_matter;
pub(crate) mod items;
pub(crate) mod local_links;
pub(crate) mod note_sets;
pub(crate) mod path;
pub(crate) mod sections;
#[cfg(test)]
pub(crate) mod test_support;
pub(crate) mod title;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::config::Config;
use crate::diag::Diagnostic;
pub(crate) use crate::diag::RuleInfo;
use crate::note::Note;
use crate::note::parse::ParseContext;
pub(crate) use field_table::CompiledFields;

/// Everything a check may look at besides the note itself.
pub(crate) struct RuleContext<'a> {
    pub(crate) config: &'a Config,
    /// Repository root (for rules that look at files on disk, e.g. local links).
    pub(crate) root: &'a Path,
    pub(crate) parse: &'a ParseContext,
    pub(crate) fields: &'a CompiledFields,
    /// Cached directory listings and anchors for the local link rules.
    pub(crate) local_links: &'a local_links::LocalLinks,
    /// The rules that report in this run.
    pub(crate) rules: RuleSet,
}

impl RuleContext<'_> {
    /// Whether `rule` reports in this run.
    pub(crate) fn enabled(&self, rule: &RuleInfo) -> bool {
        self.rules.has(rule)
    }
}

/// What a [`RuleContext`] borrows, built once per run: the compiled patterns,
/// the field table and the local-link cache of the repository at `root`.
pub(crate) struct Prepared {
    pub(crate) parse: ParseContext,
    pub(crate) fields: CompiledFields,
    pub(crate) local_links: local_links::LocalLinks,
}

impl Prepared {
    /// Compile what the rules need from `config` (tests and one-off callers;
    /// a run hands over what `Settings` compiled through [`Prepared::from_compiled`]).
    #[cfg(test)]
    pub(crate) fn new(root: &Path, config: &Config) -> Result<Self, crate::error::Error> {
        let parse = ParseContext::new(config)?;
        Ok(Self::from_compiled(root, &parse, &CompiledFields::new(&config.fields)))
    }

    /// From patterns and fields compiled once per run (copies share the
    /// compiled regexes), plus the repository's file index.
    pub(crate) fn from_compiled(root: &Path, parse: &ParseContext, fields: &CompiledFields) -> Self {
        let local_links = local_links::LocalLinks::for_repo(root, parse);
        Prepared { parse: parse.clone(), fields: fields.clone(), local_links }
    }

    /// A context in which every rule reports.
    pub(crate) fn context<'a>(&'a self, config: &'a Config, root: &'a Path) -> RuleContext<'a> {
        self.context_with(config, root, RuleSet::all())
    }

    pub(crate) fn context_with<'a>(
        &'a self,
        config: &'a Config,
        root: &'a Path,
        rules: RuleSet,
    ) -> RuleContext<'a> {
        RuleContext {
            config,
            root,
            parse: &self.parse,
            fields: &self.fields,
            local_links: &self.local_links,
            rules,
        }
    }
}

/// The rules that report in a run: all of them, or the ones named.
///
/// `off` in `daybook.yml` does not take a rule out of the set: its findings are
/// dropped after suppressions, so a comment suppressing one is not reported unused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RuleSet {
    /// `None`: every rule.
    only: Option<Vec<String>>,
}

impl RuleSet {
    pub(crate) fn all() -> Self {
        RuleSet { only: None }
    }

    /// Only the rules named (names of no rule select nothing).
    pub(crate) fn only<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        RuleSet { only: Some(names.into_iter().map(|n| n.as_ref().to_owned()).collect()) }
    }

    pub(crate) fn has(&self, rule: &RuleInfo) -> bool {
        self.only.as_ref().is_none_or(|only| only.iter().any(|n| n == rule.name))
    }

    /// Whether any of `rules` reports: a check none of whose rules does is skipped.
    pub(crate) fn any(&self, rules: &[&RuleInfo]) -> bool {
        rules.iter().any(|r| self.has(r))
    }
}

/// One pass over the notes, reporting the rules it lists.
pub(crate) trait Check: Sync + Send {
    /// The rules this check reports, in documentation order.
    fn rules(&self) -> &'static [&'static RuleInfo];

    /// Whether findings on notes dated before `strict_since` are capped at
    /// warning (the field rules: older notes are free-form).
    fn relaxed_before_strict_since(&self) -> bool {
        false
    }

    /// Whether the check looks only at `items` notes (today section, items,
    /// fields): `article` notes are a title and free text.
    fn items_only(&self) -> bool {
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

/// Every note check, in documentation order of the rules they report. A new
/// note rule is its file (and docs page) plus one line here; the catalog and
/// `daybook rules` pick it up.
pub(crate) fn checks() -> &'static [&'static dyn Check] {
    static ALL: &[&dyn Check] = &[
        &path::NotePath,
        &title::Title,
        &front_matter::FrontMatterRules,
        &sections::Sections,
        &items::Items,
        &fields::Fields,
        &local_links::LocalLinkRules,
        &duplicates::DuplicateUrl,
        &note_sets::NoteSets,
    ];
    ALL
}

/// Whether `check` looks at `note` at all: a check of items only skips
/// the notes of `article` sets.
pub(crate) fn applies(check: &dyn Check, note: &Note, cx: &RuleContext<'_>) -> bool {
    !check.items_only() || cx.parse.set(note.set).kind == crate::config::NoteKind::Items
}

/// The note rules, in documentation order.
pub fn note_rules() -> impl Iterator<Item = &'static RuleInfo> {
    checks().iter().flat_map(|c| c.rules().iter().copied())
}

/// The checks that report at least one rule of `set`.
pub(crate) fn selected(set: &RuleSet) -> impl Iterator<Item = &'static dyn Check> + '_ {
    checks().iter().copied().filter(|c| set.any(c.rules()))
}

/// Whether `rule` is capped at warning on notes older than `strict_since`.
pub(crate) fn is_relaxed_before_strict_since(rule: &str) -> bool {
    checks().iter().any(|c| c.relaxed_before_strict_since() && c.rules().iter().any(|r| r.name == rule))
}

/// Final severities: the `rules:` override of daybook.yml (`off` drops the
/// finding), then the `strict_since` cap for field rules on older notes.
/// `note_dates` maps a note's display path to its date.
pub(crate) fn apply_levels(
    diags: Vec<Diagnostic>,
    config: &Config,
    note_dates: &HashMap<String, NaiveDate>,
) -> Vec<Diagnostic> {
    crate::levels::apply_levels_with(diags, config, note_dates, &is_relaxed_before_strict_since)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuleLevel;
    use crate::diag::Severity;

    #[test]
    fn rule_sets_select_by_name() {
        let set = RuleSet::only(["title", "no-such-rule"]);
        assert!(set.has(&title::TITLE));
        assert!(!set.has(&path::NOTE_PATH));
        assert!(RuleSet::all().has(&path::NOTE_PATH));
        let ran: Vec<&str> = selected(&set).flat_map(|c| c.rules()).map(|r| r.name).collect();
        assert_eq!(ran, ["title"]);
        assert!(is_relaxed_before_strict_since("field-link"));
        assert!(!is_relaxed_before_strict_since("title"));
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

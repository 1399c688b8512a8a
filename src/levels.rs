//! Final severities: the `rules:` overrides of daybook.yml and the
//! `strict_since` cap, applied in one place.
//!
//! This sits just above `config` so that every stage producing findings
//! (rules, the README generator, the link checker) can level them without
//! knowing the rule catalog: which rules are relaxed before `strict_since` is
//! passed in by the caller that knows.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};

/// Only the `rules:` overrides (`off` drops the finding): what findings that
/// are not about a dated note need.
pub(crate) fn apply_overrides(diags: Vec<Diagnostic>, config: &Config) -> Vec<Diagnostic> {
    apply_levels_with(diags, config, &HashMap::new(), &|_| false)
}

/// The `rules:` override (`off` drops the finding), then the `strict_since`
/// cap at warning for the rules `relaxed` names on notes older than it.
/// `note_dates` maps a note's display path to its date.
pub(crate) fn apply_levels_with(
    diags: Vec<Diagnostic>,
    config: &Config,
    note_dates: &HashMap<String, NaiveDate>,
    relaxed: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter_map(|mut d| {
            if let Some(level) = config.rule_level(&d.rule) {
                d.severity = level.severity()?;
            }
            if let Some(since) = config.strict_since
                && d.severity > Severity::Warning
                && note_dates.get(&d.path).is_some_and(|date| *date < since)
                && relaxed(&d.rule)
            {
                d.severity = Severity::Warning;
            }
            Some(d)
        })
        .collect()
}

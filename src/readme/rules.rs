//! Rule metadata for what `daybook readme` reports while regenerating, and for
//! the stale README that `daybook publish` and the action report.

use crate::diag::{RuleInfo, Severity};

pub(crate) const SKIPPED_NOTE: RuleInfo = RuleInfo {
    name: "readme-skipped-note",
    summary: "A note is left out of the README history because its path or title does not spell its date.",
    docs: include_str!("../../docs/rules/readme-skipped-note.md"),
    default_severity: Severity::Warning,
};

pub(crate) const FUTURE_NOTE: RuleInfo = RuleInfo {
    name: "future-note",
    summary: "A note is dated after today; the README would show it as the newest.",
    docs: include_str!("../../docs/rules/future-note.md"),
    default_severity: Severity::Warning,
};

pub(crate) const NO_TODAY: RuleInfo = RuleInfo {
    name: "readme-no-today",
    summary: "The newest note has no today section, so the README's today region is empty.",
    docs: include_str!("../../docs/rules/readme-no-today.md"),
    default_severity: Severity::Warning,
};

/// The README differs from what the notes generate and was not committed.
pub(crate) const README_STALE: RuleInfo = RuleInfo {
    name: "readme-stale",
    summary: "The README is not what the notes generate: run `daybook readme` and commit it.",
    docs: include_str!("../../docs/rules/readme-stale.md"),
    default_severity: Severity::Error,
};

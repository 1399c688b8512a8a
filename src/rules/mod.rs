//! Rules: small units with a stable kebab-case name, a one-line doc and tests.
//!
//! Every rule is described by a [`RuleInfo`]; [`registry`] lists them all (note
//! rules here, link-checker rules from [`crate::links::rules`]) so config
//! validation, `daybook rules`, SARIF rule metadata and the README agree.

use crate::diag::Severity;

pub mod duplicates;
pub mod fields;
pub mod items;
pub mod local_links;
pub mod sections;

/// Static description of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable kebab-case name used in config, suppressions and output.
    pub name: &'static str,
    /// One line: what it checks.
    pub summary: &'static str,
    /// Long Markdown doc: what it checks, why it matters, a failing and a fixed
    /// example, and the config that tunes it.
    pub docs: &'static str,
    pub default_severity: Severity,
}

/// Every rule daybook knows, in documentation order.
pub fn registry() -> &'static [&'static RuleInfo] {
    static ALL: &[&RuleInfo] = &[
        &sections::MISSING_TODAY_SECTION,
        &sections::EMPTY_TODAY_SECTION,
        &sections::SECTION_ORDER,
        &items::ITEM_LINK,
        &items::STARS,
        &items::FIELD_NOT_NESTED,
        &fields::UNKNOWN_FIELD,
        &fields::MISSING_FIELD,
        &fields::DUPLICATE_FIELD,
        &fields::EMPTY_FIELD,
        &fields::FIELD_LINK,
        &local_links::BARE_URL,
        &local_links::MAILTO,
        &local_links::MISSING_FILE,
        &local_links::MISSING_ANCHOR,
        &local_links::OUTSIDE_REPO,
        &duplicates::DUPLICATE_URL,
        &crate::links::rules::DEAD_LINK,
        &crate::links::rules::UNVERIFIED_LINK,
        &crate::links::rules::SKIPPED_LINK,
    ];
    ALL
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

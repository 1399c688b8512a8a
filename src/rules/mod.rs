//! Rules: small units with a stable kebab-case name, a one-line doc and tests.
//!
//! Every rule is described by a [`RuleInfo`]; [`registry`] lists them all (note
//! rules here, link-checker rules from [`crate::links::rules`]) so config
//! validation, `daybook rules`, SARIF rule metadata and the README agree.

use crate::diag::Severity;

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
        &crate::links::rules::DEAD_LINK,
        &crate::links::rules::UNVERIFIED_LINK,
        &crate::links::rules::SKIPPED_LINK,
        &crate::links::rules::MISSING_ANCHOR,
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

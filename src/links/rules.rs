//! Rule metadata for the external link checker's findings.

use crate::diag::{RuleInfo, Severity};

pub(crate) const DEAD_LINK: RuleInfo = RuleInfo {
    name: "dead-link",
    summary: "An external link is dead: 404, 410, a soft-404 page, an unknown host or a refused connection.",
    docs: include_str!("../../docs/rules/dead-link.md"),
    default_severity: Severity::Error,
};

pub(crate) const UNVERIFIED_LINK: RuleInfo = RuleInfo {
    name: "unverified-link",
    summary: "An external link could not be verified: timeouts, 5xx, 429 or a robot block after every retry.",
    docs: include_str!("../../docs/rules/unverified-link.md"),
    default_severity: Severity::Warning,
};

pub(crate) const SKIPPED_LINK: RuleInfo = RuleInfo {
    name: "skipped-link",
    summary: "An external link resolves to a private, loopback or link-local address and was not fetched.",
    docs: include_str!("../../docs/rules/skipped-link.md"),
    default_severity: Severity::Info,
};

pub(crate) const EXTERNAL_ANCHOR: RuleInfo = RuleInfo {
    name: "missing-external-anchor",
    summary: "An external link's #fragment names no element of the page it points to.",
    docs: include_str!("../../docs/rules/missing-external-anchor.md"),
    default_severity: Severity::Warning,
};

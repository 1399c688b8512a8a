//! Rule metadata for the external link checker's findings.

use crate::diag::Severity;
use crate::rules::RuleInfo;

pub const DEAD_LINK: RuleInfo = RuleInfo {
    name: "dead-link",
    summary: "An external link is dead: 404, 410, a soft-404 page, an unknown host or a refused connection.",
    docs: "",
    default_severity: Severity::Error,
};

pub const UNVERIFIED_LINK: RuleInfo = RuleInfo {
    name: "unverified-link",
    summary: "An external link could not be verified: timeouts, 5xx, 429 or a robot block after every retry.",
    docs: "",
    default_severity: Severity::Warning,
};

pub const SKIPPED_LINK: RuleInfo = RuleInfo {
    name: "skipped-link",
    summary: "An external link resolves to a private, loopback or link-local address and was not fetched.",
    docs: "",
    default_severity: Severity::Info,
};

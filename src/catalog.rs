//! The rule catalog: every [`RuleInfo`] daybook has, of every stage, in
//! documentation order.
//!
//! Config validation, suppressions, `daybook rules`, SARIF rule metadata and
//! the README's rule table all read this one list. The note rules come from
//! `crate::rules::checks` (a note rule is added there); the rules of the
//! other stages are listed here, one line each.

use std::sync::OnceLock;

use crate::diag::{RuleInfo, Severity};
use crate::{links, readme, rules};

/// Findings about files that could not be linted at all.
pub(crate) const UNREADABLE_FILE: RuleInfo = RuleInfo {
    name: crate::discover::UNREADABLE_FILE,
    summary: "A file that cannot be linted: unreadable, not UTF-8, empty, larger than 5 MB, or a broken symlink.",
    docs: include_str!("../docs/rules/unreadable-file.md"),
    default_severity: Severity::Error,
};

/// An inline suppression that suppresses nothing (reported by `crate::suppress`).
pub(crate) const UNUSED_SUPPRESSION: RuleInfo = RuleInfo {
    name: "unused-suppression",
    summary: "A `daybook-disable` comment that suppresses nothing.",
    docs: include_str!("../docs/rules/unused-suppression.md"),
    default_severity: Severity::Warning,
};

/// Where a rule's documentation page is published (`docs/rules/NAME.md`).
pub(crate) fn docs_url(name: &str) -> String {
    format!("https://github.com/daybook-rs/daybook/blob/main/docs/rules/{name}.md")
}

/// Every rule daybook knows, in documentation order.
pub fn registry() -> &'static [&'static RuleInfo] {
    static ALL: OnceLock<Vec<&'static RuleInfo>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static RuleInfo> = vec![&UNREADABLE_FILE];
        v.extend(rules::note_rules());
        v.extend([
            &UNUSED_SUPPRESSION,
            &links::rules::DEAD_LINK,
            &links::rules::UNVERIFIED_LINK,
            &links::rules::SKIPPED_LINK,
            &links::rules::EXTERNAL_ANCHOR,
            &readme::rules::SKIPPED_NOTE,
            &readme::rules::FUTURE_NOTE,
            &readme::rules::NO_TODAY,
            &readme::rules::README_STALE,
        ]);
        v
    })
}

/// Every rule name, for config validation and suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    registry().iter().map(|r| r.name)
}

pub(crate) fn is_known(name: &str) -> bool {
    names().any(|n| n == name)
}

pub fn info(name: &str) -> Option<&'static RuleInfo> {
    registry().iter().copied().find(|r| r.name == name)
}

/// The README's rule table (Markdown), one row per rule.
#[cfg(test)]
pub(crate) fn readme_table(rules: &[&RuleInfo]) -> String {
    let mut out = String::from("| rule | default | what it checks |\n| --- | --- | --- |\n");
    for r in rules {
        let summary = r.summary.replace('|', "\\|");
        out.push_str(&format!("| `{}` | {} | {summary} |\n", r.name, r.default_severity));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const TABLE_START: &str = "<!-- rules-table: generated from the rule catalog (src/catalog.rs); regenerate with \
         `DAYBOOK_UPDATE_README=1 cargo test --lib catalog` -->\n";
    const TABLE_END: &str = "<!-- /rules-table -->";

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn names_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for r in registry() {
            assert!(seen.insert(r.name), "duplicate rule {}", r.name);
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.name);
            assert!(!r.summary.is_empty(), "{} has no summary", r.name);
            assert!(!r.docs.is_empty(), "{} has no docs", r.name);
        }
        assert!(is_known("title") && !is_known("titel"));
        assert_eq!(info("dead-link"), Some(&links::rules::DEAD_LINK));
    }

    /// Each rule's docs are its page `docs/rules/NAME.md` (included under
    /// another name would publish one rule's page as another's), and every page
    /// belongs to a rule.
    #[test]
    fn every_rule_has_its_docs_page_and_every_page_a_rule() {
        for r in registry() {
            let path = root().join("docs/rules").join(format!("{}.md", r.name));
            let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(page == r.docs, "{}: the docs are not docs/rules/{}.md", r.name, r.name);
        }
        for entry in std::fs::read_dir(root().join("docs/rules")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let rule = name.strip_suffix(".md").unwrap_or(&name);
            assert!(is_known(rule), "docs/rules/{name} documents no rule");
        }
    }

    #[test]
    fn table_rows_escape_pipes() {
        let r = RuleInfo { name: "x", summary: "a | b", docs: "", default_severity: Severity::Info };
        assert_eq!(readme_table(&[&r]).lines().nth(2), Some("| `x` | info | a \\| b |"));
    }

    /// The README's rule table is generated: this fails when the committed
    /// table differs from the catalog, and rewrites it with
    /// `DAYBOOK_UPDATE_README=1`.
    #[test]
    fn readme_rule_table_is_generated_from_the_catalog() {
        let path = root().join("README.md");
        let text = std::fs::read_to_string(&path).expect("README.md");
        let start = text.find("<!-- rules-table").expect("the README has a rules-table marker");
        let body_start = start + text[start..].find('\n').expect("marker line") + 1;
        let end = body_start + text[body_start..].find(TABLE_END).expect("end of the rules table");
        let want = readme_table(registry());
        let marker_ok = text[start..body_start] == *TABLE_START;
        if marker_ok && text[body_start..end] == want {
            return;
        }
        if std::env::var_os("DAYBOOK_UPDATE_README").is_some_and(|v| v == "1") {
            let updated = format!("{}{TABLE_START}{want}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).expect("write README.md");
            return;
        }
        panic!(
            "README.md's rule table is not the catalog's; regenerate it with \
             `DAYBOOK_UPDATE_README=1 cargo test --lib catalog`\n--- README.md\n{}--- catalog\n{want}",
            &text[body_start..end]
        );
    }
}

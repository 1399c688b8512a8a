//! `#fragment`s of external pages: which are worth checking, and the ids a page defines.

use std::collections::HashSet;

use crate::util::percent::percent_decode;

/// Bytes of an HTML page read to look for an anchor (anchors sit anywhere in a page).
pub(super) const ANCHOR_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Whether a fragment names an element (not a text fragment, an SPA route or a
/// line range GitHub draws with JavaScript).
pub(super) fn is_checkable_fragment(f: &str) -> bool {
    !(f.is_empty()
        || f.starts_with(":~:")
        || f.starts_with('/')
        || f.starts_with('!')
        || (f.starts_with('L')
            && f[1..].split('-').all(|p| p.trim_start_matches('L').parse::<u32>().is_ok())))
}

/// Whether the page's `ids` define `fragment`, as written or percent-decoded.
pub(super) fn defines(ids: &HashSet<String>, fragment: &str) -> bool {
    ids.contains(fragment) || ids.contains(percent_decode(fragment).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_worth_checking() {
        assert!(is_checkable_fragment("installation"));
        assert!(is_checkable_fragment("Lemma"));
        assert!(!is_checkable_fragment("L10"));
        assert!(!is_checkable_fragment("L10-L20"));
        assert!(!is_checkable_fragment(":~:text=foo"));
        assert!(!is_checkable_fragment("/settings"));
    }
}

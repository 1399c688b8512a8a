//! `#fragment`s of external pages: which are worth checking, and the ids a page defines.

use std::collections::HashSet;

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
    ids.contains(fragment) || ids.contains(&percent_decode(fragment))
}

/// `id` and `name` attribute values of an HTML page (GitHub's `user-content-`
/// prefix removed as well, since its pages link `#foo` to `id="user-content-foo"`).
pub fn html_ids(body: &[u8]) -> HashSet<String> {
    let mut ids = HashSet::new();
    let text = String::from_utf8_lossy(body);
    for token in html5gum::Tokenizer::new(text.as_ref()).flatten() {
        if let html5gum::Token::StartTag(tag) = token {
            for key in [&b"id"[..], &b"name"[..]] {
                if let Some(v) = tag.attributes.get(key) {
                    let v = String::from_utf8_lossy(&v.value).into_owned();
                    if let Some(bare) = v.strip_prefix("user-content-") {
                        ids.insert(bare.to_string());
                    }
                    ids.insert(v);
                }
            }
        }
    }
    ids
}

/// `%E4%BB%8A` -> `今`; invalid sequences are kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
        assert_eq!(percent_decode("%E4%BB%8A%E6%97%A5-x%2"), "今日-x%2");
    }

    #[test]
    fn ids_from_html() {
        let ids = html_ids(
            br##"<h2 id="usage">U</h2><a name=old></a><a id="user-content-install" href="#install">"##,
        );
        for id in ["usage", "old", "install", "user-content-install"] {
            assert!(ids.contains(id), "{id}");
        }
    }
}

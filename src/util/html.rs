//! The anchors HTML defines.

use std::collections::HashSet;

/// GitHub renders `id="foo"` as `id="user-content-foo"` and scrolls `#foo` to it.
const GITHUB_PREFIX: &str = "user-content-";

/// The `id` and `name` attribute values of every start tag in `html`: a fetched
/// page, or a Markdown note (its raw HTML; the rest is text to the tokenizer).
/// Read by the html5gum tokenizer, so attribute names in any case, spaces
/// around `=`, single, double or no quotes and character references all count
/// as a browser counts them. A value with GitHub's `user-content-` prefix also
/// counts without it, since `#foo` reaches `id="user-content-foo"`.
pub(crate) fn html_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    // Most notes have no HTML at all.
    if !html.contains('<') {
        return ids;
    }
    for token in html5gum::Tokenizer::new(html).flatten() {
        let html5gum::Token::StartTag(tag) = token else { continue };
        for key in [&b"id"[..], &b"name"[..]] {
            if let Some(v) = tag.attributes.get(key) {
                let v = String::from_utf8_lossy(&v.value).into_owned();
                if let Some(bare) = v.strip_prefix(GITHUB_PREFIX) {
                    ids.insert(bare.to_owned());
                }
                ids.insert(v);
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(html: &str) -> Vec<String> {
        let mut v: Vec<String> = html_ids(html).into_iter().collect();
        v.sort();
        v
    }

    #[test]
    fn from_a_page() {
        // links::check's case
        let found = html_ids(
            r##"<h2 id="usage">U</h2><a name=old></a><a id="user-content-install" href="#install">"##,
        );
        for id in ["usage", "old", "install", "user-content-install"] {
            assert!(found.contains(id), "{id}");
        }
    }

    #[test]
    fn from_raw_html_in_markdown() {
        // rules::local_links's case: `valid="no"` is prose, not an attribute
        let found = html_ids("<a name=\"top-of-list\"></a>\n<div id='x'>\nvalid=\"no\"");
        assert!(found.contains("top-of-list") && found.contains("x"));
        assert!(!found.contains("no"));
        assert_eq!(ids("# 标题\n\n今日 <span id=\"今日\">要点</span>\n"), ["今日"]);
        assert!(html_ids("no tags, id=\"x\"").is_empty());
        // ids shown as code are still ids to the tokenizer, as they were to the
        // old scan: the set only widens what counts as an existing anchor
        assert_eq!(ids("`<a id=\"shown\">`"), ["shown"]);
    }

    /// What the old string scan of `local_links` missed.
    #[test]
    fn attribute_syntax_as_a_browser_reads_it() {
        assert_eq!(ids("<div ID=\"upper\"></div>"), ["upper"]);
        assert_eq!(ids("<div Name='mixed'></div>"), ["mixed"]);
        assert_eq!(ids("<div id = \"spaced\"></div>"), ["spaced"]);
        assert_eq!(ids("<div id\n=\n'lines'></div>"), ["lines"]);
        assert_eq!(ids("<a name=bare>x</a>"), ["bare"]);
        assert_eq!(ids("<a\tid=\"tab\">"), ["tab"]);
        assert_eq!(ids("<a class=\"x\"id=\"glued\">"), ["glued"]);
        assert_eq!(ids("<a id=\"a&amp;b\">"), ["a&b"]);
        assert_eq!(ids("<a id=\"a\" name=\"b\">"), ["a", "b"]);
    }

    #[test]
    fn not_every_id_looking_text_is_an_attribute() {
        // end tags, comments and other attributes carry no anchors
        assert!(html_ids("</a id=\"end\"><!-- <a id=\"commented\"> -->").is_empty());
        assert_eq!(ids("<a data-id=\"d\" id=\"real\" title='id=\"t\"'>"), ["real"]);
        // a repeated attribute: the first one counts, as in a browser
        assert_eq!(ids("<a id=\"first\" id=\"second\">"), ["first"]);
        assert!(html_ids("<a id=\"\">").contains(""));
    }

    #[test]
    fn github_prefix() {
        assert_eq!(ids("<a id=\"user-content-x\">"), ["user-content-x", "x"]);
        assert_eq!(ids("<a name=\"user-content-\">"), ["", "user-content-"]);
    }
}

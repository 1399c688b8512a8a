//! Heading anchors exactly as GitHub makes them.
//!
//! GitHub's rule (the one the `github-slugger` package reproduces): lowercase
//! the heading's text, keep only characters of Unicode's letter, mark, number
//! and connector-punctuation classes plus `-` and the space, and turn each
//! space into `-`. A slug already produced in the document, by a heading or by
//! an earlier collision, gets `-1`, `-2`, … until it is unused. One function
//! serves `#fragment` checks, README anchors, wiki links and suggestions, so
//! they can never disagree.

use std::collections::HashMap;

use unicode_general_category::{GeneralCategory as C, get_general_category};

/// The slug of one heading's text, before de-duplication. `text` is the text
/// GitHub sees: entities decoded, inline markup reduced to its text, emoji
/// shortcodes as written. It is not trimmed here: the Markdown parser already
/// dropped the whitespace around a heading, and spaces written as entities
/// (`# &#x20;a&#x20;`) count (`-a-`).
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        match c {
            ' ' => out.push('-'),
            '-' => out.push('-'),
            c if kept(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Letters, marks, numbers and connector punctuation: what GitHub keeps.
fn kept(c: char) -> bool {
    matches!(
        get_general_category(c),
        C::UppercaseLetter
            | C::LowercaseLetter
            | C::TitlecaseLetter
            | C::ModifierLetter
            | C::OtherLetter
            | C::NonspacingMark
            | C::SpacingMark
            | C::EnclosingMark
            | C::DecimalNumber
            | C::LetterNumber
            | C::OtherNumber
            | C::ConnectorPunctuation
    )
}

/// The anchors of one document, in heading order, de-duplicated the way
/// GitHub does it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Slugger {
    /// Every slug handed out so far, with how many times its base collided.
    occurrences: HashMap<String, usize>,
}

impl Slugger {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The anchor of the next heading whose text is `text`.
    pub(crate) fn slug(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut result = base.clone();
        // The counter lives on the base, so `a`, `a`, `a` give `a`, `a-1`,
        // `a-2`; the loop skips any candidate already taken, generated or not.
        while self.occurrences.contains_key(&result) {
            let n = self.occurrences.get_mut(&base).expect("the base was handed out first");
            *n += 1;
            result = format!("{base}-{n}");
        }
        self.occurrences.insert(result.clone(), 0);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The anchors of a document's headings, in order.
    fn anchors<'a>(headings: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut s = Slugger::new();
        headings.into_iter().map(|h| s.slug(h)).collect()
    }

    #[test]
    fn lowercases_drops_punctuation_and_joins_with_dashes() {
        assert_eq!(slug("Hello, World!"), "hello-world");
        assert_eq!(slug(":paperclip:  今日要点"), "paperclip--今日要点");
        assert_eq!(slug("C++ & Rust (2024)"), "c--rust-2024");
        assert_eq!(slug("a.b/c"), "abc");
        assert_eq!(slug("already-dashed_and_underscored"), "already-dashed_and_underscored");
        assert_eq!(slug("ÜBER Straße"), "über-straße");
        assert_eq!(slug("ΣΑΣ"), "σας", "final sigma, as JavaScript lowercases it");
    }

    #[test]
    fn only_the_ascii_space_becomes_a_dash() {
        assert_eq!(slug("a\u{a0}b"), "ab", "no-break space is a separator, dropped");
        assert_eq!(slug("a\tb"), "ab");
        assert_eq!(slug("a\u{3000}b"), "ab", "ideographic space");
        assert_eq!(slug(" a "), "-a-", "spaces written as entities reach the slug");
    }

    #[test]
    fn keeps_every_mark_connector_and_number() {
        // Combining marks: nonspacing, spacing, enclosing.
        assert_eq!(slug("e\u{301}"), "e\u{301}");
        assert_eq!(slug("क\u{93e}"), "क\u{93e}", "Devanagari vowel sign, a spacing mark");
        assert_eq!(slug("1\u{20e3}"), "1\u{20e3}", "enclosing keycap");
        // Connector punctuation beyond `_`.
        assert_eq!(slug("a‿b⁀c＿d"), "a‿b⁀c＿d");
        // Numbers of every kind.
        assert_eq!(slug("x² ½ Ⅻ ٣"), "x²-½-ⅻ-٣");
        // Symbols and other punctuation go.
        assert_eq!(slug("a→b ©2024 “q” — ok"), "ab-2024-q--ok");
        assert_eq!(slug("emoji 🎉 here"), "emoji--here");
    }

    #[test]
    fn duplicates_count_from_their_base_and_skip_taken_slugs() {
        assert_eq!(anchors(["echo", "echo", "echo 1", "echo-1"]), ["echo", "echo-1", "echo-1-1", "echo-1-2"]);
        assert_eq!(anchors(["foxtrot-1", "foxtrot", "foxtrot"]), ["foxtrot-1", "foxtrot", "foxtrot-2"]);
        assert_eq!(anchors(["a", "a", "a"]), ["a", "a-1", "a-2"]);
        assert_eq!(anchors([" a ", "-a-"]), ["-a-", "-a--1"]);
        assert_eq!(anchors(["", ""]), ["", "-1"], "empty headings collide too");
        assert_eq!(anchors(["Hello", "hello", "HELLO!"]), ["hello", "hello-1", "hello-2"]);
    }

    proptest::proptest! {
        /// No two anchors of a document are equal, and adding headings after
        /// the last one never changes an earlier anchor.
        #[test]
        fn anchors_are_unique_and_stable(
            headings in proptest::collection::vec("[aA1 _\\-é!]{0,6}", 0..24),
            more in proptest::collection::vec("[aA1 _\\-é!]{0,6}", 0..8),
        ) {
            let first = anchors(headings.iter().map(String::as_str));
            let unique: std::collections::HashSet<_> = first.iter().collect();
            proptest::prop_assert_eq!(unique.len(), first.len());
            let all = anchors(headings.iter().chain(&more).map(String::as_str));
            proptest::prop_assert_eq!(&all[..first.len()], &first[..]);
        }
    }
}

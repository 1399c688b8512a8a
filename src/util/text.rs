//! Small string helpers.
//!
//! `str::floor_char_boundary` is newer than the crate's rust-version (1.88),
//! hence this one.

/// The largest char boundary of `s` at or below `i`; `s.len()` when `i` is past the end.
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Runs of whitespace as one space, ends trimmed (headings compared as a reader sees them).
pub(crate) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn floor() {
        let s = "a今b"; // `今` is bytes 1..4
        assert_eq!([0, 1, 2, 3, 4, 5].map(|i| floor_char_boundary(s, i)), [0, 1, 1, 1, 4, 5]);
        assert_eq!(floor_char_boundary(s, 99), 5);
        assert_eq!(floor_char_boundary("", 3), 0);
        assert_eq!(floor_char_boundary("今", 0), 0);
        assert_eq!(floor_char_boundary("\u{feff}x", 2), 0);
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(collapse_ws("  :paperclip:  今日要点 \t\n"), ":paperclip: 今日要点");
        assert_eq!(collapse_ws("a\u{3000}b"), "a b", "an ideographic space is whitespace too");
        assert_eq!(collapse_ws("a\r\nb"), "a b");
        assert_eq!(collapse_ws(" \n "), "");
        assert_eq!(collapse_ws("one"), "one");
    }

    proptest! {
        #[test]
        fn floor_is_the_nearest_boundary_below(s in "\\PC{0,8}", i in 0usize..40) {
            let f = floor_char_boundary(&s, i);
            prop_assert!(s.is_char_boundary(f) && f <= i.min(s.len()));
            prop_assert!((f + 1..=i.min(s.len())).all(|j| !s.is_char_boundary(j)));
        }
    }
}

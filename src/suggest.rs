//! "Did you mean" suggestions for misspelled labels, rule names and keys.

use std::cell::Cell;

/// Edit-distance work (characters times characters) the suggestions of one
/// note may spend, labels, file names and anchors alike: a pull request writes
/// both the words and the candidates. 20,000 unknown labels against 3,000
/// fields took 28 s, 20,000 missing links into a folder of 2,000 files 95 s.
/// A typical suggestion costs a few thousand; past the budget only a match
/// that differs in case is suggested.
const BUDGET: u64 = 50_000_000;

thread_local! {
    /// What is left of [`BUDGET`] on this thread; reset per note (its rules run
    /// in order on one thread, so what is suggested does not depend on others).
    static LEFT: Cell<u64> = const { Cell::new(BUDGET) };
}

/// A fresh budget for the note about to be checked on this thread.
pub(crate) fn reset_budget() {
    LEFT.with(|b| b.set(BUDGET));
}

/// Take `cost` from the note's budget; `false` (and the budget spent) when
/// what is left does not cover it.
pub(crate) fn spend(cost: u64) -> bool {
    LEFT.with(|b| match b.get().checked_sub(cost) {
        Some(left) => {
            b.set(left);
            true
        }
        None => {
            b.set(0);
            false
        }
    })
}

/// The closest candidate to `word`, if any is close enough to be a likely typo.
/// A case-insensitive exact match wins (`code` -> `Code`); otherwise the
/// Damerau-Levenshtein distance must be at most a third of the word's length
/// (at least 1), which catches transpositions such as `GtiHub` -> `GitHub`.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut affordable = true;
    for c in candidates {
        if c == word {
            continue;
        }
        if c.to_lowercase() == lower {
            return Some(c);
        }
        let c_len = c.chars().count();
        // The distance is at least the difference in length.
        if !affordable || c_len.abs_diff(len) > limit {
            continue;
        }
        if !spend((len.max(1) * c_len.max(1)) as u64) {
            affordable = false;
            best = None;
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// [`did_you_mean`], and whether no other candidate is as close (a fix may
/// take a unique suggestion; several equally close ones are a guess).
pub(crate) fn did_you_mean_unique<'a, I>(word: &str, candidates: I) -> Option<(&'a str, bool)>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let candidates = candidates.into_iter();
    let best = did_you_mean(word, candidates.clone())?;
    let lower = word.to_lowercase();
    let distance = |c: &str| {
        if c.to_lowercase() == lower { 0 } else { strsim::damerau_levenshtein(&lower, &c.to_lowercase()) }
    };
    let d = distance(best);
    let unique = candidates.filter(|c| *c != word && *c != best).all(|c| distance(c) > d);
    Some((best, unique))
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_case_fix_and_transposition() {
        let labels = ["Abstract", "Paper", "Code", "GitHub", "Tips"];
        assert_eq!(did_you_mean("code", labels), Some("Code"));
        assert_eq!(did_you_mean("GtiHub", labels), Some("GitHub"));
        assert_eq!(did_you_mean("Tpis", labels), Some("Tips"));
        assert_eq!(did_you_mean("Weather", labels), None);
    }

    #[test]
    fn a_suggestion_is_unique_when_no_other_candidate_is_as_close() {
        use super::did_you_mean_unique;
        assert_eq!(did_you_mean_unique("GtiHub", ["GitHub", "Tips"]), Some(("GitHub", true)));
        assert_eq!(did_you_mean_unique("Cade", ["Code", "Cafe"]), Some(("Code", false)));
        assert_eq!(did_you_mean_unique("code", ["Code", "Cade"]), Some(("Code", true)));
        assert_eq!(did_you_mean_unique("Weather", ["Code"]), None);
    }
}

//! "Did you mean" suggestions for misspelled labels, rule names and keys.

/// The closest candidate to `word`, if any is close enough to be a likely typo.
/// A case-insensitive exact match wins (`code` -> `Code`); otherwise the
/// Damerau-Levenshtein distance must be at most a third of the word's length
/// (at least 1), which catches transpositions such as `GtiHub` -> `GitHub`.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        if c.to_lowercase() == lower {
            return Some(c);
        }
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        let limit = (word.chars().count() / 3).max(1);
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

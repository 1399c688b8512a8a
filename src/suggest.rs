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
}

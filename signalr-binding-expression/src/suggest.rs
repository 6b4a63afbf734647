//! The one typo-suggestion rule, for every "did you mean" of the binding.

/// The least similarity (normalized Damerau-Levenshtein, 0 to 1) at which a candidate counts as
/// a likely typo of what was written.
const THRESHOLD: f64 = 0.5;

/// The candidate that `written` is most likely a typo of, if one stands out.
///
/// Candidates are compared ASCII-case-insensitively by normalized Damerau-Levenshtein
/// similarity (transpositions count as one edit). A candidate is suggested only when it is
/// similar enough to be a plausible typo and is the single best match: when two candidates are
/// equally close (`ES512` is as near `HS512` as `PS512`), suggesting either would be a guess, so
/// there is no suggestion.
///
/// ```
/// use signalr_binding_expression::closest;
///
/// assert_eq!(closest("hubname", ["hub_name", "user_id"]), Some("hub_name"));
/// assert_eq!(closest("HUBNAME", ["hubName", "userId"]), Some("hubName"));
/// assert_eq!(closest("ES512", ["HS512", "PS512"]), None);
/// assert_eq!(closest("body", ["headers", "query"]), None);
/// ```
pub fn closest<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let written = written.to_ascii_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    let mut tied = false;
    for candidate in candidates {
        let score =
            strsim::normalized_damerau_levenshtein(&written, &candidate.to_ascii_lowercase());
        if score < THRESHOLD {
            continue;
        }
        match best {
            Some((_, best_score)) if score < best_score => {}
            Some((_, best_score)) if score == best_score => tied = true,
            _ => {
                best = Some((candidate, score));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;
    use proptest::prelude::*;

    #[test]
    fn suggests_a_close_candidate() {
        assert_eq!(closest("querys", ["headers", "query"]), Some("query"));
        assert_eq!(closest("header", ["headers", "query"]), Some("headers"));
        assert_eq!(closest("hs256", ["HS256", "RS256"]), Some("HS256"));
    }

    #[test]
    fn suggests_nothing_when_nothing_is_close() {
        assert_eq!(closest("body", ["headers", "query"]), None);
        assert_eq!(closest("x", ["hub_name"]), None);
        assert_eq!(closest("anything", []), None);
    }

    #[test]
    fn suggests_nothing_on_a_tie() {
        assert_eq!(closest("ES512", ["HS512", "PS512", "RS512"]), None);
        assert_eq!(closest("ab", ["ac", "ad"]), None);
    }

    #[test]
    fn a_later_better_candidate_replaces_an_earlier_tie() {
        assert_eq!(closest("abcd", ["abxx", "abyy", "abcx"]), Some("abcx"));
    }

    proptest! {
        #[test]
        fn an_exact_match_is_always_suggested(
            words in proptest::collection::hash_set("[a-z]{1,8}", 1..6),
            pick in any::<prop::sample::Index>(),
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let written = words[pick.index(words.len())];
            prop_assert_eq!(closest(written, words.iter().copied()), Some(written));
        }
    }
}

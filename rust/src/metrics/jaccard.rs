//! Word-level Jaccard similarity of texts: each text becomes the set of its lower-cased
//! words (Python's `str.lower().split()`), and the score is |A ∩ B| / |A ∪ B|.
//!
//! Edge cases: repeated words count once; case is ignored but punctuation glued to a word
//! is part of it (`"yes!" != "yes"`); two texts without any word have no defined
//! similarity: the caller decides (an error, or 0 as scikit-learn's `zero_division`).

use super::MetricResult;
use crate::numeric::np_mean;
use crate::pystr::split_words;
use std::collections::HashSet;

/// The set of lower-cased words of a text.
pub fn word_set(text: &str) -> HashSet<String> {
    split_words(&text.to_lowercase())
        .map(str::to_string)
        .collect()
}

/// Jaccard similarity of two word sets; `None` when both are empty (0 / 0).
pub fn set_jaccard(a: &HashSet<String>, b: &HashSet<String>) -> Option<f64> {
    let common = a.intersection(b).count();
    let union = a.len() + b.len() - common;
    (union > 0).then(|| common as f64 / union as f64)
}

/// Word-level Jaccard similarity of two texts; `None` when neither has a word.
pub fn word_jaccard(a: &str, b: &str) -> Option<f64> {
    set_jaccard(&word_set(a), &word_set(b))
}

/// Mean word-level Jaccard over pairs of texts (numpy's pairwise mean).
///
/// `both_empty`: the value of a pair where neither text has a word; `None` makes such a
/// pair an error (the Kaggle formula divides by zero). An empty input gives NaN.
pub fn mean_word_jaccard(
    y_true: &[&str],
    y_pred: &[&str],
    both_empty: Option<f64>,
) -> MetricResult {
    if y_true.len() != y_pred.len() {
        return Err(format!(
            "y_true has {} texts but y_pred has {}",
            y_true.len(),
            y_pred.len()
        ));
    }
    let scores = y_true
        .iter()
        .zip(y_pred)
        .enumerate()
        .map(|(i, (t, p))| {
            word_jaccard(t, p).or(both_empty).ok_or_else(|| {
                format!(
                    "row {}: neither the prediction nor the answer has a word (Jaccard is 0/0)",
                    i + 1
                )
            })
        })
        .collect::<Result<Vec<f64>, String>>()?;
    Ok(np_mean(&scores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_sets_and_case() {
        assert_eq!(word_jaccard("Good  day", "good DAY good"), Some(1.0));
        assert_eq!(word_jaccard("a b", "b c"), Some(1.0 / 3.0));
        assert_eq!(word_jaccard("yes!", "yes"), Some(0.0));
        assert_eq!(word_jaccard("", " \t"), None);
        assert_eq!(word_jaccard("", "x"), Some(0.0));
        // Unicode lower-casing and Python's whitespace set (U+001F separates words)
        assert_eq!(word_jaccard("ÉCOLE\u{1f}Straße", "école straße"), Some(1.0));
        assert_eq!(word_jaccard("भारत।", "भारत"), Some(0.0));
    }

    #[test]
    fn mean_and_empty_pairs() {
        assert_eq!(mean_word_jaccard(&["a", "b"], &["a", "c"], None), Ok(0.5));
        assert!(mean_word_jaccard(&["", "b"], &["", "b"], None).is_err());
        assert_eq!(
            mean_word_jaccard(&["", "b"], &["", "b"], Some(0.0)),
            Ok(0.5)
        );
        assert!(mean_word_jaccard(&[], &[], None).unwrap().is_nan());
        assert!(mean_word_jaccard(&["a"], &[], None).is_err());
    }
}

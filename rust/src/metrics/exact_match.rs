//! Exact-match accuracy of texts, as `accuracy_score` computes it on string labels.
//!
//! Edge cases: comparison is exact (case, spaces and Unicode normalisation all matter);
//! an empty input gives NaN.

use super::classification::accuracy_from_matches;
use super::MetricResult;

/// Share of positions where the two texts are identical.
pub fn exact_match_accuracy(y_true: &[&str], y_pred: &[&str]) -> MetricResult {
    if y_true.len() != y_pred.len() {
        return Err(format!(
            "y_true has {} texts but y_pred has {}",
            y_true.len(),
            y_pred.len()
        ));
    }
    let matches: Vec<bool> = y_true.iter().zip(y_pred).map(|(a, b)| a == b).collect();
    Ok(accuracy_from_matches(&matches))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact() {
        assert_eq!(
            exact_match_accuracy(&["a", "B", "é"], &["a", "b", "e\u{301}"]),
            Ok(1.0 / 3.0)
        );
        assert!(exact_match_accuracy(&[], &[]).unwrap().is_nan());
        assert!(exact_match_accuracy(&["a"], &[]).is_err());
    }
}

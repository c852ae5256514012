//! Mean average precision at k (MAP@k), in the `ml_metrics` formulation MLE-bench uses:
//! AP@k = Σ over the first k predictions of precision@i at each new hit, divided by
//! min(|actual|, k); MAP@k is the mean over samples.
//!
//! Edge cases: a repeated prediction is never a second hit but still uses a slot (it
//! pushes later hits down); predictions past k are ignored; an empty `actual` set gives
//! AP 0; an empty input gives NaN (numpy's mean of nothing).

use crate::numeric::np_mean;
use std::collections::HashSet;

/// AP@k of one ranked prediction list against a set of relevant items.
pub fn average_precision_at_k<S: AsRef<str>>(
    actual: &HashSet<&str>,
    predicted: &[S],
    k: usize,
) -> f64 {
    if actual.is_empty() {
        return 0.0;
    }
    let predicted = &predicted[..predicted.len().min(k)];
    let mut seen: HashSet<&str> = HashSet::with_capacity(predicted.len());
    let (mut score, mut hits) = (0.0f64, 0.0f64);
    for (i, p) in predicted.iter().enumerate() {
        let p = p.as_ref();
        if seen.insert(p) && actual.contains(p) {
            hits += 1.0;
            score += hits / (i as f64 + 1.0);
        }
    }
    score / actual.len().min(k) as f64
}

/// MAP@k over paired samples; extra samples on either side are ignored (pairs are zipped).
pub fn mean_average_precision_at_k<A: AsRef<str>, P: AsRef<str>>(
    actual: &[Vec<A>],
    predicted: &[Vec<P>],
    k: usize,
) -> f64 {
    let aps: Vec<f64> = actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| {
            let a: HashSet<&str> = a.iter().map(AsRef::as_ref).collect();
            average_precision_at_k(&a, p, k)
        })
        .collect();
    np_mean(&aps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<'a>(v: &[&'a str]) -> HashSet<&'a str> {
        v.iter().copied().collect()
    }

    #[test]
    fn ap_rules() {
        assert_eq!(average_precision_at_k(&set(&["a"]), &["a"], 5), 1.0);
        assert_eq!(average_precision_at_k(&set(&["a"]), &["x", "a"], 5), 0.5);
        // duplicates use slots but never hit twice
        assert_eq!(
            average_precision_at_k(&set(&["a"]), &["x", "x", "x", "x", "a"], 5),
            0.2
        );
        assert_eq!(
            average_precision_at_k(&set(&["a", "b"]), &["a", "a", "b"], 5),
            (1.0 + 2.0 / 3.0) / 2.0
        );
        // truncated to k
        assert_eq!(
            average_precision_at_k(&set(&["a"]), &["1", "2", "3", "4", "5", "a"], 5),
            0.0
        );
        // divided by min(|actual|, k)
        assert_eq!(
            average_precision_at_k(&set(&["a", "b", "c"]), &["a", "b"], 2),
            1.0
        );
        assert_eq!(average_precision_at_k(&set(&[]), &["a"], 5), 0.0);
        let empty: [&str; 0] = [];
        assert_eq!(average_precision_at_k(&set(&["a"]), &empty, 5), 0.0);
    }

    #[test]
    fn mean_zips() {
        let actual = vec![vec!["a"], vec!["b"]];
        let predicted = vec![vec!["a"], vec!["x", "b"], vec!["ignored"]];
        assert_eq!(mean_average_precision_at_k(&actual, &predicted, 5), 0.75);
        let none: Vec<Vec<&str>> = vec![];
        assert!(mean_average_precision_at_k(&none, &none, 5).is_nan());
    }
}

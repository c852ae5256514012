//! Classification metrics as scikit-learn 1.5 computes them.

use super::MetricResult;
use crate::numeric::{np_mean, pairwise_sum, pairwise_sum_by};

/// `accuracy_score` once labels are compared: the share of matches.
///
/// Edge case: an empty input gives NaN (numpy's mean of nothing), as in scikit-learn.
pub fn accuracy_from_matches(matches: &[bool]) -> f64 {
    // numpy sums the 0/1 values exactly, so the mean is the count over the length
    matches.iter().filter(|&&m| m).count() as f64 / matches.len() as f64
}

fn xlogy(x: f64, y: f64) -> f64 {
    if x == 0.0 && !y.is_nan() {
        0.0
    } else {
        x * y.ln()
    }
}

/// `log_loss(y_true, y_pred)` with a one-hot `y_true` and a probability matrix `y_pred`,
/// both row-major with `k` columns.
///
/// Predictions are clipped to `[eps, 1 - eps]` (float64 machine epsilon), rows are not
/// renormalised (scikit-learn 1.5 only warns), so a zero on the true class costs about
/// 36.04 nats.
pub fn log_loss_onehot(y_true: &[f64], y_pred: &[f64], k: usize) -> MetricResult {
    if k < 2 {
        return Err("log loss needs at least two classes".into());
    }
    if y_true.len() != y_pred.len() || !y_true.len().is_multiple_of(k) {
        return Err("y_true and y_pred have different shapes".into());
    }
    if y_pred.iter().any(|x| !x.is_finite()) {
        return Err("Input y_pred contains NaN or infinity.".into());
    }
    let eps = f64::EPSILON;
    let n = y_true.len() / k;
    let mut losses = Vec::with_capacity(n);
    let mut row = vec![0.0; k];
    for r in 0..n {
        for j in 0..k {
            let p = y_pred[r * k + j].clamp(eps, 1.0 - eps);
            row[j] = xlogy(y_true[r * k + j], p);
        }
        losses.push(-pairwise_sum(&row));
    }
    Ok(np_mean(&losses))
}

/// `log_loss(y_true, y_pred)` for binary labels and a 1-D probability of the positive class
/// (the larger label).
///
/// Edge cases: a single class in `y_true` is an error (scikit-learn asks for `labels`);
/// more than two classes is an error (shape mismatch with a 1-D prediction).
pub fn log_loss_binary(y_true: &[f64], y_pred: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_pred.len(), y_true.len())?;
    let classes = if y_true.iter().fold(true, |ok, y| ok & y.is_finite()) {
        finite_binary_labels(y_true)
    } else {
        distinct_labels(y_true, 3)
    };
    match classes.len() {
        0 | 1 => {
            return Err(format!(
                "y_true contains only one label ({}). Please provide the true labels explicitly through the labels argument.",
                classes.first().copied().unwrap_or(f64::NAN)
            ))
        }
        2 => {}
        _ => {
            let c = distinct_labels(y_true, usize::MAX).len();
            return Err(format!(
                "y_true and y_pred contain different number of classes {c}, 2. Please provide the true labels explicitly through the labels argument."
            ));
        }
    }
    if !y_pred.iter().fold(true, |ok, x| ok & x.is_finite()) {
        return Err("Input y_pred contains NaN or infinity.".into());
    }
    let positive = classes[0].max(classes[1]);
    let eps = f64::EPSILON;
    // scikit-learn's row is [xlogy(1 - t, clip(1 - p)), xlogy(t, clip(p))]: one term is an
    // exact zero, so the row's pairwise sum is the other term, bit for bit
    let row_loss = |i: usize| {
        let p = y_pred[i];
        // the probability of the true class, chosen without a branch (labels are random)
        let q = select(y_true[i] == positive, p, 1.0 - p);
        -q.clamp(eps, 1.0 - eps).ln()
    };
    Ok(pairwise_sum_by(y_true.len(), &row_loss) / y_true.len() as f64)
}

/// `if c { a } else { b }` as bit masks, so the compiler cannot turn it into a branch.
fn select(c: bool, a: f64, b: f64) -> f64 {
    let mask = u64::from(c).wrapping_neg();
    f64::from_bits((a.to_bits() & mask) | (b.to_bits() & !mask))
}

/// `distinct_labels(labels, 3)` for labels without NaN, in two vectorisable passes: the
/// first value, the first value unlike it, and a third distinct value if there is one.
fn finite_binary_labels(labels: &[f64]) -> Vec<f64> {
    let Some(&first) = labels.first() else {
        return Vec::new();
    };
    let Some(&second) = labels.iter().find(|&&y| y != first) else {
        return vec![first];
    };
    if labels
        .iter()
        .fold(true, |ok, &y| ok & ((y == first) | (y == second)))
    {
        return vec![first, second];
    }
    let third = *labels
        .iter()
        .find(|&&y| y != first && y != second)
        .expect("a third label");
    vec![first, second, third]
}

/// The distinct values of `labels` in order of appearance, stopping after `limit` of them.
fn distinct_labels(labels: &[f64], limit: usize) -> Vec<f64> {
    let mut seen: Vec<f64> = Vec::new();
    for &y in labels {
        if !seen.iter().any(|&s| s == y || (s.is_nan() && y.is_nan())) {
            seen.push(y);
            if seen.len() >= limit {
                break;
            }
        }
    }
    seen
}

/// `cohen_kappa_score(y1, y2, weights="quadratic")` on label indices `0..n_classes`
/// (index = position of the label in the sorted label set).
///
/// Edge case: identical constant labels on both sides give NaN (0/0), as scikit-learn does.
pub fn quadratic_weighted_kappa(y1: &[usize], y2: &[usize], n_classes: usize) -> MetricResult {
    crate::sklearn::check_consistent_length(y1.len(), y2.len())?;
    let n = n_classes;
    let mut confusion = vec![0u64; n * n];
    for (&a, &b) in y1.iter().zip(y2) {
        confusion[a * n + b] += 1;
    }
    Ok(kappa_from_confusion(&confusion, n))
}

/// `cohen_kappa_score(y1, y2, weights="quadratic")` on integer labels, the confusion matrix
/// counted without sorting the samples.
pub fn quadratic_weighted_kappa_int(y1: &[i64], y2: &[i64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y1.len(), y2.len())?;
    let labels = super::int_labels::IntLabels::of(y1, y2);
    match labels.confusion(y1, y2) {
        Some(confusion) => Ok(kappa_from_confusion(&confusion, labels.len())),
        None => {
            let a: Vec<usize> = y1.iter().map(|&v| labels.index(v)).collect();
            let b: Vec<usize> = y2.iter().map(|&v| labels.index(v)).collect();
            quadratic_weighted_kappa(&a, &b, labels.len())
        }
    }
}

/// The quadratic-weighted kappa of a row-major `n x n` confusion matrix.
fn kappa_from_confusion(confusion: &[u64], n: usize) -> f64 {
    let confusion: Vec<i64> = confusion.iter().map(|&c| c as i64).collect();
    let sum0: Vec<i64> = (0..n)
        .map(|j| (0..n).map(|i| confusion[i * n + j]).sum())
        .collect();
    let sum1: Vec<i64> = (0..n)
        .map(|i| (0..n).map(|j| confusion[i * n + j]).sum())
        .collect();
    let total: i64 = sum0.iter().sum();
    let mut weighted_observed = 0i64;
    let mut weighted_expected = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            let w = ((j as i64) - (i as i64)).pow(2);
            weighted_observed += w * confusion[i * n + j];
            let expected = (sum0[i] * sum1[j]) as f64 / total as f64;
            weighted_expected[i * n + j] = w as f64 * expected;
        }
    }
    1.0 - weighted_observed as f64 / pairwise_sum(&weighted_expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_loss_clips_with_machine_epsilon() {
        let miss = log_loss_binary(&[1.0, 0.0], &[0.0, 0.0]).unwrap();
        assert!((miss - (-(f64::EPSILON.ln())) / 2.0).abs() < 1e-12);
        let half = log_loss_binary(&[1.0, 0.0], &[0.5, 0.5]).unwrap();
        assert!((half - 2f64.ln()).abs() < 1e-15);
        assert!(log_loss_binary(&[1.0, 1.0], &[0.5, 0.5]).is_err());
    }

    #[test]
    fn binary_label_scan_agrees_with_the_general_one() {
        let cases: [&[f64]; 7] = [
            &[],
            &[1.0],
            &[2.0, 2.0],
            &[0.0, -0.0, 1.0],
            &[3.0, 1.0, 3.0, 1.0],
            &[1.0, 0.0, 1.0, 2.0, 5.0],
            &[0.0, 1.0, 1.0, 0.0, 7.0],
        ];
        for c in cases {
            let (a, b) = (finite_binary_labels(c), distinct_labels(c, 3));
            assert_eq!(
                a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                b.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{c:?}"
            );
        }
        assert_eq!(select(true, 1.5, -0.0).to_bits(), 1.5f64.to_bits());
        assert_eq!(select(false, 1.5, -0.0).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn kappa() {
        assert_eq!(
            quadratic_weighted_kappa(&[0, 1, 2], &[0, 1, 2], 3).unwrap(),
            1.0
        );
        assert_eq!(
            quadratic_weighted_kappa(&[0, 0, 0, 0], &[0, 1, 2, 3], 4).unwrap(),
            0.0
        );
        assert!(quadratic_weighted_kappa(&[1, 1], &[1, 1], 2)
            .unwrap()
            .is_nan());
    }

    #[test]
    fn kappa_on_integer_labels_matches_indices() {
        let a: Vec<i64> = (0..100_000).map(|i| (i * 7919) % 5 + 3).collect();
        let b: Vec<i64> = (0..100_000).map(|i| (i * 104_729) % 7).collect();
        let labels = super::super::int_labels::IntLabels::of(&a, &b);
        let (ai, bi): (Vec<usize>, Vec<usize>) = (
            a.iter().map(|&x| labels.index(x)).collect(),
            b.iter().map(|&x| labels.index(x)).collect(),
        );
        let expected = quadratic_weighted_kappa(&ai, &bi, labels.len()).unwrap();
        assert_eq!(
            quadratic_weighted_kappa_int(&a, &b).unwrap().to_bits(),
            expected.to_bits()
        );
        assert!(quadratic_weighted_kappa_int(&[1, 1], &[1, 1])
            .unwrap()
            .is_nan());
    }

    #[test]
    fn accuracy() {
        assert_eq!(accuracy_from_matches(&[true, false, true, true]), 0.75);
    }
}

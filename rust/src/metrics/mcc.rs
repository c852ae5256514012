//! Matthews correlation coefficient, as `sklearn.metrics.matthews_corrcoef` computes it in
//! scikit-learn 1.5 (the multiclass "R_K" form, which equals the usual binary MCC).
//!
//! Labels are given as indices `0..n_labels` into the sorted set of labels seen on either side.
//!
//! Edge cases:
//! - a constant `y_true` or a constant `y_pred` makes a variance zero: the result is 0.0
//!   (scikit-learn's convention), not NaN; empty inputs give 0.0 too;
//! - a perfect inversion of binary labels gives -1.0.
//!
//! Every intermediate value is an integer count (exact in float64 up to 2^53), so only the
//! final division and square root round, as in scikit-learn.

use super::MetricResult;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `matthews_corrcoef(y_true, y_pred)` on label indices `0..n_labels`.
pub fn matthews_corrcoef(y_true: &[usize], y_pred: &[usize], n_labels: usize) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    let mut true_sum = vec![0.0; n_labels];
    let mut pred_sum = vec![0.0; n_labels];
    let mut n_correct = 0.0;
    for (&t, &p) in y_true.iter().zip(y_pred) {
        if t >= n_labels || p >= n_labels {
            return Err(format!(
                "label index {} is out of range for {n_labels} labels",
                t.max(p)
            ));
        }
        true_sum[t] += 1.0;
        pred_sum[p] += 1.0;
        if t == p {
            n_correct += 1.0;
        }
    }
    Ok(from_counts(
        &true_sum,
        &pred_sum,
        n_correct,
        y_true.len() as f64,
    ))
}

/// `matthews_corrcoef` on integer labels, counted without sorting the samples.
pub fn matthews_corrcoef_int(y_true: &[i64], y_pred: &[i64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    let labels = super::int_labels::IntLabels::of(y_true, y_pred);
    let (truth, predicted, tp) = labels.counts(y_true, y_pred);
    let as_f64 = |v: Vec<u64>| v.into_iter().map(|c| c as f64).collect::<Vec<f64>>();
    let n_correct = tp.iter().sum::<u64>() as f64;
    Ok(from_counts(
        &as_f64(truth),
        &as_f64(predicted),
        n_correct,
        y_true.len() as f64,
    ))
}

/// The coefficient from per-label true and predicted counts and the number of matches.
fn from_counts(true_sum: &[f64], pred_sum: &[f64], n_correct: f64, n_samples: f64) -> f64 {
    let cov_true_pred = n_correct * n_samples - dot(true_sum, pred_sum);
    let cov_pred_pred = n_samples * n_samples - dot(pred_sum, pred_sum);
    let cov_true_true = n_samples * n_samples - dot(true_sum, true_sum);
    if cov_pred_pred * cov_true_true == 0.0 {
        return 0.0;
    }
    cov_true_pred / (cov_true_true * cov_pred_pred).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_inverted_and_constant() {
        assert_eq!(
            matthews_corrcoef(&[0, 1, 1, 0], &[0, 1, 1, 0], 2).unwrap(),
            1.0
        );
        assert_eq!(
            matthews_corrcoef(&[0, 1, 1, 0], &[1, 0, 0, 1], 2).unwrap(),
            -1.0
        );
        assert_eq!(
            matthews_corrcoef(&[0, 1, 1, 0], &[0, 0, 0, 0], 2).unwrap(),
            0.0
        );
        assert_eq!(matthews_corrcoef(&[1, 1], &[1, 1], 2).unwrap(), 0.0);
        assert_eq!(matthews_corrcoef(&[], &[], 0).unwrap(), 0.0);
    }

    #[test]
    fn integer_labels_match_indices() {
        let t: Vec<i64> = (0..100_000).map(|i| (i * 7919) % 4 * 10).collect();
        let p: Vec<i64> = (0..100_000).map(|i| (i * 104_729) % 5 * 10).collect();
        let (ti, pi): (Vec<usize>, Vec<usize>) = (
            t.iter().map(|&x| (x / 10) as usize).collect(),
            p.iter().map(|&x| (x / 10) as usize).collect(),
        );
        assert_eq!(
            matthews_corrcoef_int(&t, &p).unwrap().to_bits(),
            matthews_corrcoef(&ti, &pi, 5).unwrap().to_bits()
        );
        assert_eq!(matthews_corrcoef_int(&[], &[]).unwrap(), 0.0);
    }

    #[test]
    fn binary_formula() {
        // tp=2, tn=1, fp=1, fn=1: (tp*tn - fp*fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))
        let t = [1, 1, 1, 0, 0];
        let p = [1, 1, 0, 1, 0];
        let expected = (2.0 * 1.0 - 1.0 * 1.0) / (3.0f64 * 3.0 * 2.0 * 2.0).sqrt();
        assert!((matthews_corrcoef(&t, &p, 2).unwrap() - expected).abs() < 1e-15);
    }

    #[test]
    fn multiclass() {
        // scikit-learn: matthews_corrcoef([0, 1, 2, 2], [0, 2, 2, 1]) == 0.2
        // (cov_tp = 2*4 - 6 = 2, cov_pp = cov_tt = 16 - 6 = 10)
        let m = matthews_corrcoef(&[0, 1, 2, 2], &[0, 2, 2, 1], 3).unwrap();
        assert!((m - 0.2).abs() < 1e-15, "{m}");
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matthews_corrcoef(&[0, 1], &[0], 2).is_err());
        assert!(matthews_corrcoef(&[0, 3], &[0, 1], 2).is_err());
    }
}

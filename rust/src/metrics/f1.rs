//! F1 score of single-label (binary or multiclass) targets, as
//! `sklearn.metrics.f1_score(y_true, y_pred, average=...)` computes it in scikit-learn 1.5
//! with the default `labels=None` and `zero_division="warn"`.
//!
//! Labels are given as indices `0..n_labels` into the sorted set of labels; scikit-learn's
//! default label set is every label seen in `y_true` or `y_pred`, so a label that is only
//! ever predicted still counts (with F1 = 0) in the macro average.
//!
//! Edge cases:
//! - a label with no true and no predicted sample has F1 = 0 (the `zero_division` default),
//!   and still counts in the macro average (this happens only when `n_labels` names more
//!   labels than the inputs hold);
//! - `Micro` over all labels equals accuracy; with empty inputs it is 0.0;
//! - `Macro` with no labels at all (empty inputs) is NaN, as scikit-learn returns;
//! - a constant prediction gives F1 = 0 for every other label.

use super::int_labels::IntLabels;
use super::MetricResult;
use crate::numeric::pairwise_sum;

/// How per-label counts are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F1Average {
    /// counts summed over labels first, then one F1
    Micro,
    /// unweighted mean of the per-label F1 scores
    Macro,
}

/// True positives, predicted and true counts per label.
struct LabelCounts {
    tp: Vec<u64>,
    predicted: Vec<u64>,
    truth: Vec<u64>,
}

fn count_labels(
    y_true: &[usize],
    y_pred: &[usize],
    n_labels: usize,
) -> Result<LabelCounts, String> {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    let mut c = LabelCounts {
        tp: vec![0; n_labels],
        predicted: vec![0; n_labels],
        truth: vec![0; n_labels],
    };
    for (&t, &p) in y_true.iter().zip(y_pred) {
        if t >= n_labels || p >= n_labels {
            return Err(format!(
                "label index {} is out of range for {n_labels} labels",
                t.max(p)
            ));
        }
        c.truth[t] += 1;
        c.predicted[p] += 1;
        if t == p {
            c.tp[t] += 1;
        }
    }
    Ok(c)
}

/// `(1 + beta²)·tp / (beta²·true + predicted)` with beta = 1, 0 where the denominator is 0.
fn f1_from_counts(tp: u64, truth: u64, predicted: u64) -> f64 {
    let denominator = 1.0 * truth as f64 + predicted as f64;
    if denominator == 0.0 {
        0.0
    } else {
        2.0 * tp as f64 / denominator
    }
}

/// `f1_score(y_true, y_pred, average=average)` on label indices `0..n_labels`.
pub fn f1_score(
    y_true: &[usize],
    y_pred: &[usize],
    n_labels: usize,
    average: F1Average,
) -> MetricResult {
    let c = count_labels(y_true, y_pred, n_labels)?;
    Ok(f1_from_label_counts(&c, average))
}

fn f1_from_label_counts(c: &LabelCounts, average: F1Average) -> f64 {
    let n_labels = c.tp.len();
    match average {
        F1Average::Micro => {
            let total = |v: &[u64]| v.iter().sum::<u64>();
            f1_from_counts(total(&c.tp), total(&c.truth), total(&c.predicted))
        }
        F1Average::Macro => {
            if n_labels == 0 {
                return f64::NAN;
            }
            let per_label: Vec<f64> = (0..n_labels)
                .map(|l| f1_from_counts(c.tp[l], c.truth[l], c.predicted[l]))
                .collect();
            // np.nanmean: numpy's pairwise sum divided by the count
            pairwise_sum(&per_label) / n_labels as f64
        }
    }
}

/// `f1_score(y_true, y_pred, average=average)` on integer labels (the label set is every
/// label seen on either side, sorted), counted without sorting the samples.
pub fn f1_score_int(y_true: &[i64], y_pred: &[i64], average: F1Average) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    let labels = IntLabels::of(y_true, y_pred);
    let (truth, predicted, tp) = labels.counts(y_true, y_pred);
    Ok(f1_from_label_counts(
        &LabelCounts {
            tp,
            predicted,
            truth,
        },
        average,
    ))
}

/// `f1_score(y_true, y_pred)` with its defaults `average="binary"`, `pos_label=1`, on
/// integer labels: the F1 of label 1.
///
/// Edge cases (as scikit-learn): more than two labels on the two sides together raise
/// (`Target is multiclass`); two labels neither of which is 1 raise (`pos_label=1 is not a
/// valid label`); a single label other than 1 (or no sample) gives 0.0.
pub fn f1_binary_int(y_true: &[i64], y_pred: &[i64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    let labels = IntLabels::of(y_true, y_pred);
    if labels.len() > 2 {
        return Err("Target is multiclass but average='binary'. Please choose another average setting, one of [None, 'micro', 'macro', 'weighted'].".into());
    }
    match labels.position(1) {
        None if labels.len() == 2 => Err(format!(
            "pos_label=1 is not a valid label. It should be one of {:?}",
            labels.values
        )),
        None => Ok(0.0),
        Some(i) => {
            let (truth, predicted, tp) = labels.counts(y_true, y_pred);
            Ok(f1_from_counts(tp[i], truth[i], predicted[i]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use F1Average::{Macro, Micro};

    #[test]
    fn perfect_and_constant() {
        assert_eq!(f1_score(&[0, 1, 2], &[0, 1, 2], 3, Macro).unwrap(), 1.0);
        // constant prediction of label 0: F1(0) = 2*1/(1+3) = 0.5, others 0
        let f = f1_score(&[0, 1, 2], &[0, 0, 0], 3, Macro).unwrap();
        assert!((f - 0.5 / 3.0).abs() < 1e-15);
        assert!((f1_score(&[0, 1, 2], &[0, 0, 0], 3, Micro).unwrap() - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn predicted_only_labels_dilute_the_macro_average() {
        // labels {0, 1} in the answers, label 2 only predicted
        let f = f1_score(&[0, 1, 0, 1], &[0, 1, 2, 1], 3, Macro).unwrap();
        let expected = (2.0 / 3.0 + 1.0 + 0.0) / 3.0;
        assert!((f - expected).abs() < 1e-15, "{f}");
    }

    #[test]
    fn micro_equals_accuracy() {
        let t = [0, 1, 2, 2, 1, 0, 3];
        let p = [0, 2, 2, 1, 1, 0, 0];
        let acc = 4.0 / 7.0;
        assert_eq!(f1_score(&t, &p, 4, Micro).unwrap(), acc);
    }

    #[test]
    fn single_class_and_empty() {
        assert_eq!(f1_score(&[0, 0], &[0, 0], 1, Macro).unwrap(), 1.0);
        assert!(f1_score(&[], &[], 0, Macro).unwrap().is_nan());
        assert_eq!(f1_score(&[], &[], 0, Micro).unwrap(), 0.0);
        // a label absent from both sides counts as F1 = 0
        assert_eq!(f1_score(&[0, 0], &[0, 0], 2, Macro).unwrap(), 0.5);
    }

    #[test]
    fn integer_labels_count_like_indices() {
        let t: Vec<i64> = (0..100_000).map(|i| (i * 7919) % 5 - 2).collect();
        let p: Vec<i64> = (0..100_000).map(|i| (i * 104_729) % 6 - 2).collect();
        let labels = IntLabels::of(&t, &p);
        let (ti, pi): (Vec<usize>, Vec<usize>) = (
            t.iter().map(|&x| labels.index(x)).collect(),
            p.iter().map(|&x| labels.index(x)).collect(),
        );
        for average in [Micro, Macro] {
            let expected = f1_score(&ti, &pi, labels.len(), average).unwrap();
            assert_eq!(
                f1_score_int(&t, &p, average).unwrap().to_bits(),
                expected.to_bits()
            );
        }
        assert!(f1_score_int(&[], &[], Macro).unwrap().is_nan());
    }

    #[test]
    fn binary_average() {
        // F1 of label 1: tp 1, true 2, predicted 2
        assert_eq!(f1_binary_int(&[1, 1, 0, 0], &[1, 0, 1, 0]).unwrap(), 0.5);
        assert_eq!(f1_binary_int(&[0, 0], &[0, 0]).unwrap(), 0.0);
        assert_eq!(f1_binary_int(&[], &[]).unwrap(), 0.0);
        assert!(f1_binary_int(&[0, 1, 2], &[0, 1, 1])
            .unwrap_err()
            .contains("multiclass"));
        assert_eq!(
            f1_binary_int(&[0, 2], &[2, 2]).unwrap_err(),
            "pos_label=1 is not a valid label. It should be one of [0, 2]"
        );
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(f1_score(&[0, 1], &[0], 2, Macro).is_err());
        assert!(f1_score(&[0, 5], &[0, 1], 2, Micro).is_err());
    }
}

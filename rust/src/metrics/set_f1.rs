//! Micro-averaged F1, as `f1_score(..., average="micro")` computes it in scikit-learn 1.5:
//! 2·TP / (2·TP + FP + FN) summed over every label, 0 when nothing is true or predicted.

use super::MetricResult;
use std::collections::HashSet;

fn micro_f1_from_counts(tp: u64, n_true: u64, n_pred: u64) -> f64 {
    let denominator = n_true as f64 + n_pred as f64;
    if denominator == 0.0 {
        0.0 // scikit-learn's zero_division="warn" gives 0
    } else {
        2.0 * tp as f64 / denominator
    }
}

/// Micro F1 of multi-label predictions given as label sets per sample; the label
/// vocabulary is the set of labels in `y_true` (as `MultiLabelBinarizer(classes=...)`).
///
/// Edge cases: predicted labels outside the vocabulary are ignored (no false positive);
/// a label repeated in a row counts once; fewer than two labels in the vocabulary is an
/// error (scikit-learn refuses a one-column or empty indicator matrix); rows with no
/// labels on either side are fine; all-empty predictions give 0.
pub fn micro_f1_label_sets<S: AsRef<str>>(y_true: &[Vec<S>], y_pred: &[Vec<S>]) -> MetricResult {
    if y_true.len() != y_pred.len() {
        return Err(format!(
            "y_true has {} rows but y_pred has {}",
            y_true.len(),
            y_pred.len()
        ));
    }
    let vocabulary: HashSet<&str> = y_true.iter().flatten().map(AsRef::as_ref).collect();
    if vocabulary.len() < 2 {
        return Err(format!(
            "the answers hold {} distinct label(s); a multi-label F1 needs at least two",
            vocabulary.len()
        ));
    }
    let (mut tp, mut n_true, mut n_pred) = (0u64, 0u64, 0u64);
    for (t, p) in y_true.iter().zip(y_pred) {
        let t: HashSet<&str> = t.iter().map(AsRef::as_ref).collect();
        let p: HashSet<&str> = p
            .iter()
            .map(AsRef::as_ref)
            .filter(|l| vocabulary.contains(l))
            .collect();
        tp += t.intersection(&p).count() as u64;
        n_true += t.len() as u64;
        n_pred += p.len() as u64;
    }
    Ok(micro_f1_from_counts(tp, n_true, n_pred))
}

/// Micro F1 of single-label (binary or multi-class) predictions over the labels present on
/// either side: every sample is one true and one predicted label, so it equals accuracy.
///
/// Edge cases: an empty input gives 0 (zero division), a single shared label gives 1.
pub fn micro_f1_labels(y_true: &[i64], y_pred: &[i64]) -> MetricResult {
    if y_true.len() != y_pred.len() {
        return Err(format!(
            "y_true has {} labels but y_pred has {}",
            y_true.len(),
            y_pred.len()
        ));
    }
    let tp = y_true.iter().zip(y_pred).filter(|(a, b)| a == b).count() as u64;
    let n = y_true.len() as u64;
    Ok(micro_f1_from_counts(tp, n, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&'static str]]) -> Vec<Vec<&'static str>> {
        v.iter().map(|r| r.to_vec()).collect()
    }

    #[test]
    fn label_sets() {
        let t = rows(&[&["a", "b"], &["c"]]);
        assert_eq!(micro_f1_label_sets(&t, &t), Ok(1.0));
        // unknown label ignored, duplicate collapses
        let p = rows(&[&["a", "b", "zzz", "a"], &["c", "C"]]);
        assert_eq!(micro_f1_label_sets(&t, &p), Ok(1.0));
        // tp 1, true 3, pred 2
        let p = rows(&[&["a", "c"], &[]]);
        assert_eq!(micro_f1_label_sets(&t, &p), Ok(2.0 / 5.0));
        let empty = rows(&[&[], &[]]);
        assert_eq!(micro_f1_label_sets(&t, &empty), Ok(0.0));
        assert!(micro_f1_label_sets(&rows(&[&["a"], &["a"]]), &t).is_err());
        assert!(micro_f1_label_sets(&empty, &empty).is_err());
    }

    #[test]
    fn single_label_is_accuracy() {
        assert_eq!(micro_f1_labels(&[0, 1, 1, 0], &[0, 1, 0, 0]), Ok(0.75));
        assert_eq!(micro_f1_labels(&[0, 0], &[0, 0]), Ok(1.0));
        assert_eq!(micro_f1_labels(&[], &[]), Ok(0.0));
    }
}

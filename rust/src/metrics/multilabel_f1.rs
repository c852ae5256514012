//! Multi-label metrics on label sets (the sparse form of a label-indicator matrix).

use super::MetricResult;

/// `sklearn.metrics.f1_score(Y_true, Y_pred, average="micro")` for multi-label indicator
/// matrices given as one list of label indices (`0..n_labels`) per sample: twice the true
/// positives over the number of true labels plus the number of predicted labels, all
/// samples and labels pooled.
///
/// Edge cases: a label repeated within a sample counts once (the matrix is binary); no true
/// and no predicted label at all gives 0.0 (scikit-learn's `zero_division="warn"`); fewer than
/// two labels is an error (a one-column sparse matrix is not a multi-label target for
/// scikit-learn); no samples, different numbers of samples, or an index out of range are
/// errors.
pub fn multilabel_micro_f1(
    y_true: &[Vec<usize>],
    y_pred: &[Vec<usize>],
    n_labels: usize,
) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err("Found array with 0 sample(s) while a minimum of 1 is required.".into());
    }
    if n_labels < 2 {
        return Err(format!(
            "a multi-label F1 needs at least two labels, got {n_labels}"
        ));
    }
    let (mut tp, mut n_true, mut n_pred) = (0u64, 0u64, 0u64);
    for (t, p) in y_true.iter().zip(y_pred) {
        let t = label_set(t, n_labels)?;
        let p = label_set(p, n_labels)?;
        tp += t.iter().filter(|l| p.binary_search(l).is_ok()).count() as u64;
        n_true += t.len() as u64;
        n_pred += p.len() as u64;
    }
    let denominator = n_true + n_pred;
    if denominator == 0 {
        return Ok(0.0);
    }
    Ok((2 * tp) as f64 / denominator as f64)
}

/// The sorted distinct labels of one sample.
fn label_set(labels: &[usize], n_labels: usize) -> Result<Vec<usize>, String> {
    if let Some(&bad) = labels.iter().find(|&&l| l >= n_labels) {
        return Err(format!(
            "label index {bad} is out of range for {n_labels} labels"
        ));
    }
    let mut set = labels.to_vec();
    set.sort_unstable();
    set.dedup();
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_counts() {
        // tp = 2 (label 0 in row 0, label 2 in row 1), 3 true labels, 4 predicted
        let t = vec![vec![0, 1], vec![2]];
        let p = vec![vec![0, 2], vec![2, 1]];
        assert_eq!(multilabel_micro_f1(&t, &p, 3).unwrap(), 4.0 / 7.0);
    }

    #[test]
    fn duplicates_count_once_and_empty_is_zero() {
        let t = vec![vec![1], vec![0]];
        assert_eq!(
            multilabel_micro_f1(&t, &[vec![1, 1], vec![0]], 2).unwrap(),
            1.0
        );
        assert_eq!(multilabel_micro_f1(&t, &[vec![], vec![]], 2).unwrap(), 0.0);
        assert_eq!(
            multilabel_micro_f1(&[vec![], vec![]], &[vec![], vec![]], 2).unwrap(),
            0.0
        );
    }

    #[test]
    fn errors() {
        assert!(multilabel_micro_f1(&[vec![0]], &[vec![0]], 1).is_err());
        assert!(multilabel_micro_f1(&[vec![0]], &[vec![5]], 2).is_err());
        assert!(multilabel_micro_f1(&[vec![0]], &[], 2).is_err());
        assert!(multilabel_micro_f1(&[], &[], 2).is_err());
    }
}

//! Column-wise (macro) ROC AUC of label-indicator matrices, as
//! `sklearn.metrics.roc_auc_score(y_true, y_score, average="macro")` computes it for
//! multi-label targets: one binary ROC AUC per column, then their unweighted mean.

use super::roc_auc::roc_auc;
use super::MetricResult;
use crate::numeric::np_mean;

/// Mean over columns of the binary ROC AUC of `y_true[:, c]` against `y_score[:, c]`; both
/// matrices are row-major with `n_columns` columns.
///
/// Edge cases: a column of `y_true` holding a single class is an error (scikit-learn
/// raises, it does not skip the column); NaN or infinite scores are an error; no rows or
/// no columns is an error; tied scores count half, as in the binary ROC AUC.
pub fn mean_columnwise_roc_auc(y_true: &[f64], y_score: &[f64], n_columns: usize) -> MetricResult {
    if n_columns == 0 {
        return Err("at least one column is needed for a column-wise ROC AUC".into());
    }
    if y_true.len() != y_score.len() || !y_true.len().is_multiple_of(n_columns) {
        return Err("y_true and y_score have different shapes".into());
    }
    let n_rows = y_true.len() / n_columns;
    if n_rows == 0 {
        return Err(format!("Found array with 0 sample(s) (shape=(0, {n_columns})) while a minimum of 1 is required."));
    }
    let column =
        |m: &[f64], c: usize| -> Vec<f64> { (0..n_rows).map(|r| m[r * n_columns + c]).collect() };
    let scores: Vec<f64> = (0..n_columns)
        .map(|c| roc_auc(&column(y_true, c), &column(y_score, c)))
        .collect::<Result<_, _>>()?;
    Ok(np_mean(&scores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_columns() {
        // column 0 perfect (1.0), column 1 constant scores (0.5)
        let y_true = [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0];
        let y_score = [0.1, 0.3, 0.9, 0.3, 0.2, 0.3, 0.8, 0.3];
        assert_eq!(mean_columnwise_roc_auc(&y_true, &y_score, 2).unwrap(), 0.75);
    }

    #[test]
    fn single_class_column_is_an_error() {
        let y_true = [0.0, 1.0, 1.0, 1.0];
        assert!(mean_columnwise_roc_auc(&y_true, &[0.1, 0.2, 0.3, 0.4], 2).is_err());
        assert!(mean_columnwise_roc_auc(&[], &[], 2).is_err());
        assert!(mean_columnwise_roc_auc(&[0.0, 1.0, 1.0], &[0.1, 0.2, 0.3], 2).is_err());
    }
}

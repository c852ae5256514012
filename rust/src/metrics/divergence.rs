//! Kullback-Leibler divergence as Kaggle's `kullback-leibler-divergence` metric computes it
//! (row-wise, micro-averaged).

use super::MetricResult;
use crate::numeric::np_mean;

/// Mean over rows of `sum_j t_j * ln(t_j / p_j)`, with `y_true` and `y_pred` row-major with
/// `k` columns. Terms where `t_j == 0` are 0 (scipy's `rel_entr` convention); NaN terms are
/// skipped in the row sum (pandas' `sum(axis=1)`), so a NaN prediction costs nothing.
///
/// Predictions are used as given: Kaggle clips them to `[1e-15, 1 - 1e-15]` first (the
/// caller's job), and a prediction of exactly 0 under a positive target gives +inf.
/// Edge cases: different shapes or `k == 0` are errors; no rows gives NaN.
pub fn kl_divergence(y_true: &[f64], y_pred: &[f64], k: usize) -> MetricResult {
    if k == 0 || y_true.len() != y_pred.len() || !y_true.len().is_multiple_of(k) {
        return Err("y_true and y_pred must have the same shape with at least one column".into());
    }
    let row_sums: Vec<f64> = y_true
        .chunks(k)
        .zip(y_pred.chunks(k))
        .map(|(t, p)| {
            let mut sum = 0.0;
            for (&tj, &pj) in t.iter().zip(p) {
                let term = if tj != 0.0 { tj * (tj / pj).ln() } else { 0.0 };
                if !term.is_nan() {
                    sum += term;
                }
            }
            sum
        })
        .collect();
    Ok(np_mean(&row_sums))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaggle_docstring_examples() {
        let t = [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0];
        let p: Vec<f64> = [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65]
            .iter()
            .map(|x: &f64| x.clamp(1e-15, 1.0 - 1e-15))
            .collect();
        let v = kl_divergence(&t, &p, 2).unwrap();
        assert!((v - 0.216161).abs() < 1e-6, "{v}");
    }

    #[test]
    fn zero_targets_and_zero_predictions() {
        assert_eq!(kl_divergence(&[0.0, 1.0], &[0.0, 1.0], 2).unwrap(), 0.0);
        assert_eq!(
            kl_divergence(&[0.5, 0.5], &[0.0, 1.0], 2).unwrap(),
            f64::INFINITY
        );
        // a NaN prediction drops its term
        assert_eq!(
            kl_divergence(&[0.5, 0.5], &[f64::NAN, 0.5], 2).unwrap(),
            0.0
        );
        assert!(kl_divergence(&[0.5], &[0.5, 0.5], 2).is_err());
        assert!(kl_divergence(&[], &[], 2).unwrap().is_nan());
    }
}

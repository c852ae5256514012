//! Regression errors as `sklearn.metrics` computes them (mean by numpy pairwise summation).
//!
//! Edge cases: different lengths, NaN or infinity are errors; `rmsle` refuses negative
//! values on either side (scikit-learn raises), and an empty input is an error.

use super::MetricResult;
use crate::numeric::pairwise_sum_by;

pub(super) fn check(y_true: &[f64], y_pred: &[f64]) -> Result<(), String> {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err("Found array with 0 sample(s) while a minimum of 1 is required.".into());
    }
    // one pass in the common case; only a bad value makes us look for which kind it is
    if y_true.iter().chain(y_pred).any(|x| !x.is_finite()) {
        if y_true.iter().chain(y_pred).any(|x| x.is_nan()) {
            return Err("Input contains NaN.".into());
        }
        return Err("Input contains infinity or a value too large for dtype('float64').".into());
    }
    Ok(())
}

/// `root_mean_squared_error(y_true, y_pred)`.
pub fn rmse(y_true: &[f64], y_pred: &[f64]) -> MetricResult {
    check(y_true, y_pred)?;
    // squared errors summed as they are formed, in numpy's pairwise order
    let sum = pairwise_sum_by(y_true.len(), &|i| (y_true[i] - y_pred[i]) * (y_true[i] - y_pred[i]));
    Ok((sum / y_true.len() as f64).sqrt())
}

/// `root_mean_squared_log_error(y_true, y_pred)`: RMSE of `log1p` values.
pub fn rmsle(y_true: &[f64], y_pred: &[f64]) -> MetricResult {
    check(y_true, y_pred)?;
    if y_true.iter().chain(y_pred).any(|&x| x < 0.0) {
        return Err("Root Mean Squared Logarithmic Error cannot be used when targets contain negative values.".into());
    }
    let log1p = |v: &[f64]| -> Vec<f64> {
        use rayon::prelude::*;
        if v.len() >= 1 << 16 { v.par_iter().map(|x| x.ln_1p()).collect() } else { v.iter().map(|x| x.ln_1p()).collect() }
    };
    let (lt, lp) = (log1p(y_true), log1p(y_pred));
    rmse(&lt, &lp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(rmse(&[1.0, 2.0], &[1.0, 4.0]).unwrap(), 2f64.sqrt());
        assert_eq!(rmsle(&[0.0], &[0.0]).unwrap(), 0.0);
        assert!(rmsle(&[1.0], &[-0.5]).is_err());
        assert!(rmse(&[1.0], &[f64::NAN]).is_err());
        assert!(rmse(&[1.0], &[1.0, 2.0]).is_err());
    }
}

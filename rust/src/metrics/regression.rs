//! Regression errors as `sklearn.metrics` computes them (mean by numpy pairwise summation).
//!
//! Edge cases: different lengths, NaN or infinity are errors; `rmsle` refuses negative
//! values on either side (scikit-learn raises), and an empty input is an error.

use super::MetricResult;
use crate::numeric::pairwise_sum_zip;

pub(super) fn check(y_true: &[f64], y_pred: &[f64]) -> Result<(), String> {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err("Found array with 0 sample(s) while a minimum of 1 is required.".into());
    }
    // one vectorised pass in the common case; only a bad value makes us look for which kind
    let finite = |v: &[f64]| v.iter().fold(true, |ok, x| ok & x.is_finite());
    if !(finite(y_true) & finite(y_pred)) {
        if y_true.iter().chain(y_pred).any(|x| x.is_nan()) {
            return Err("Input contains NaN.".into());
        }
        return Err("Input contains infinity or a value too large for dtype('float64').".into());
    }
    Ok(())
}

/// `root_mean_squared_error(y_true, y_pred)`.
pub fn rmse(y_true: &[f64], y_pred: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return check(y_true, y_pred).map(|_| f64::NAN);
    }
    // squared errors summed as they are formed, in numpy's pairwise order. The inputs are
    // read once: a NaN or infinite input makes the sum NaN or infinite (squares are never
    // negative, so no inf - inf can hide one), so only a sum that is not finite needs the
    // check that tells an invalid input from an overflow
    let sum = pairwise_sum_zip(y_true, y_pred, &|t, p| (t - p) * (t - p));
    if !sum.is_finite() {
        check(y_true, y_pred)?;
    }
    Ok((sum / y_true.len() as f64).sqrt())
}

/// `root_mean_squared_log_error(y_true, y_pred)`: RMSE of `log1p` values.
pub fn rmsle(y_true: &[f64], y_pred: &[f64]) -> MetricResult {
    check(y_true, y_pred)?;
    let non_negative = |v: &[f64]| v.iter().fold(true, |ok, &x| ok & (x >= 0.0));
    if !(non_negative(y_true) & non_negative(y_pred)) {
        return Err("Root Mean Squared Logarithmic Error cannot be used when targets contain negative values.".into());
    }
    // log1p of finite non-negative values is finite: no further check; the logs are taken
    // as the squared differences are summed (the same values numpy's temporaries hold)
    let sum = pairwise_sum_zip(y_true, y_pred, &|t, p| {
        let d = t.ln_1p() - p.ln_1p();
        d * d
    });
    Ok((sum / y_true.len() as f64).sqrt())
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

//! Regression errors as `sklearn.metrics` computes them (mean by numpy pairwise summation):
//! squared and absolute errors, overall, per column and per group.
//!
//! Edge cases: different lengths, NaN or infinity are errors; `rmsle` refuses negative
//! values on either side (scikit-learn raises), and an empty input is an error.

use super::MetricResult;
use crate::numeric::{np_mean, pairwise_sum_zip};

fn check(y_true: &[f64], y_pred: &[f64]) -> Result<(), String> {
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

/// `mean_absolute_error(y_true, y_pred)`.
///
/// Edge cases: different lengths, an empty input, NaN or infinity are errors.
pub fn mae(y_true: &[f64], y_pred: &[f64]) -> MetricResult {
    check(y_true, y_pred)?;
    let abs: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (p - t).abs())
        .collect();
    Ok(np_mean(&abs))
}

/// Mean over groups of `log(mean_absolute_error)` within the group (the CHAMPS metric).
/// `group[i]` is the index (`0..n_groups`) of row `i`'s group; groups are averaged in index
/// order and rows within a group in row order.
///
/// Edge cases: a group predicted exactly has MAE 0 and log-MAE -inf, so the mean is -inf
/// (there is no floor); a group index without rows is an error (scikit-learn refuses an
/// empty input), as are NaN and infinity.
pub fn mean_log_mae_by_group(
    y_true: &[f64],
    y_pred: &[f64],
    group: &[usize],
    n_groups: usize,
) -> MetricResult {
    if y_true.len() != group.len() {
        return Err(format!(
            "{} values but {} group labels",
            y_true.len(),
            group.len()
        ));
    }
    check(y_true, y_pred)?;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (i, &g) in group.iter().enumerate() {
        rows.get_mut(g)
            .ok_or_else(|| format!("group index {g} is out of range"))?
            .push(i);
    }
    let mut logs = Vec::with_capacity(n_groups);
    for members in &rows {
        let t: Vec<f64> = members.iter().map(|&i| y_true[i]).collect();
        let p: Vec<f64> = members.iter().map(|&i| y_pred[i]).collect();
        logs.push(mae(&t, &p)?.ln());
    }
    if logs.is_empty() {
        return Err("no groups to average".into());
    }
    Ok(np_mean(&logs))
}

/// Mean column-wise RMSE: `np.mean([root_mean_squared_error(t, p) for each column])`, the
/// columns given as parallel slices.
///
/// Edge cases: no columns, columns of different lengths, NaN or infinity are errors.
pub fn mcrmse(y_true: &[&[f64]], y_pred: &[&[f64]]) -> MetricResult {
    if y_true.len() != y_pred.len() || y_true.is_empty() {
        return Err(format!(
            "{} true columns but {} predicted columns",
            y_true.len(),
            y_pred.len()
        ));
    }
    let per_column: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| rmse(t, p))
        .collect::<Result<_, _>>()?;
    Ok(np_mean(&per_column))
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

    #[test]
    fn mean_absolute_error() {
        assert_eq!(mae(&[1.0, 2.0, 3.0], &[2.0, 2.0, 1.0]).unwrap(), 1.0);
        assert!(mae(&[], &[]).is_err());
        assert!(mae(&[1.0], &[f64::NAN]).is_err());
    }

    #[test]
    fn log_mae_per_group() {
        // group 0: MAE 1, group 1: MAE e
        let e = std::f64::consts::E;
        let s =
            mean_log_mae_by_group(&[0.0, 0.0, 5.0], &[1.0, -1.0, 5.0 + e], &[0, 0, 1], 2).unwrap();
        assert!((s - 0.5).abs() < 1e-15);
        let exact = mean_log_mae_by_group(&[0.0, 5.0], &[1.0, 5.0], &[0, 1], 2).unwrap();
        assert_eq!(exact, f64::NEG_INFINITY);
        assert!(mean_log_mae_by_group(&[0.0], &[1.0], &[0], 2).is_err());
        assert!(mean_log_mae_by_group(&[0.0], &[1.0], &[3], 2).is_err());
    }

    #[test]
    fn columnwise_rmse() {
        let t: [&[f64]; 2] = [&[0.0, 0.0], &[1.0, 1.0]];
        let p: [&[f64]; 2] = [&[3.0, -3.0], &[2.0, 0.0]];
        assert_eq!(mcrmse(&t, &p).unwrap(), 2.0);
        assert!(mcrmse(&[], &[]).is_err());
        assert!(mcrmse(&t, &p[..1]).is_err());
    }
}

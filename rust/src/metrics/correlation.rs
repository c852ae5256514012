//! Correlation coefficients as scipy.stats computes them.

use super::MetricResult;
use crate::numeric::{np_mean, pairwise_sum};

/// `scipy.stats.pearsonr(x, y).statistic` (scipy 1.17): centred values scaled by their
/// largest magnitude before the norms, the dot product clipped to `[-1, 1]`.
///
/// Edge cases: fewer than two values or different lengths are errors; a constant input
/// (all values equal) gives NaN, as does any NaN or infinite value; with exactly two values
/// the result is rounded to -1, 0 or 1, as scipy does.
pub fn pearson(x: &[f64], y: &[f64]) -> MetricResult {
    if x.len() != y.len() {
        return Err("`x` and `y` must have the same length along `axis`.".into());
    }
    if x.len() < 2 {
        return Err("`x` and `y` must have length at least 2.".into());
    }
    let is_constant = |v: &[f64]| v.iter().all(|&a| a == v[0]);
    if is_constant(x) || is_constant(y) {
        return Ok(f64::NAN);
    }
    let (xs, nx) = centred_unit(x);
    let (ys, ny) = centred_unit(y);
    let products: Vec<f64> = xs.iter().zip(&ys).map(|(a, b)| (a / nx) * (b / ny)).collect();
    let r = np_clip(pairwise_sum(&products), -1.0, 1.0);
    Ok(if x.len() == 2 { r.round_ties_even() } else { r })
}

/// The centred values and their Euclidean norm, computed as `max|v| * ||v / max|v|||`
/// (scipy's guard against overflow).
fn centred_unit(v: &[f64]) -> (Vec<f64>, f64) {
    let mean = np_mean(v);
    let centred: Vec<f64> = v.iter().map(|a| a - mean).collect();
    let largest = np_max(centred.iter().map(|a| a.abs()));
    let squares: Vec<f64> = centred.iter().map(|a| (a / largest) * (a / largest)).collect();
    let norm = largest * pairwise_sum(&squares).sqrt();
    (centred, norm)
}

/// `np.max`: NaN wins.
fn np_max(values: impl Iterator<Item = f64>) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for v in values {
        if v.is_nan() {
            return f64::NAN;
        }
        m = m.max(v);
    }
    m
}

/// `np.clip`: NaN passes through.
fn np_clip(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() { v } else { v.clamp(lo, hi) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_inverted() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(pearson(&x, &[2.0, 4.0, 6.0, 8.0]).unwrap(), 1.0);
        assert_eq!(pearson(&x, &[-1.0, -2.0, -3.0, -4.0]).unwrap(), -1.0);
    }

    #[test]
    fn known_value() {
        // numpy: np.corrcoef([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])[0, 1] == 0.8
        let r = pearson(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap();
        assert!((r - 0.8).abs() < 1e-15);
    }

    #[test]
    fn constant_nan_and_short_inputs() {
        assert!(pearson(&[1.0, 2.0, 3.0], &[0.5, 0.5, 0.5]).unwrap().is_nan());
        assert!(pearson(&[1.0, 2.0, 3.0], &[0.5, f64::NAN, 0.7]).unwrap().is_nan());
        assert!(pearson(&[1.0, 2.0, 3.0], &[0.5, f64::INFINITY, 0.7]).unwrap().is_nan());
        assert!(pearson(&[1.0], &[2.0]).is_err());
        assert!(pearson(&[1.0, 2.0], &[2.0]).is_err());
        assert_eq!(pearson(&[1.0, 2.0], &[5.0, 3.0]).unwrap(), -1.0);
    }
}

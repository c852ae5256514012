//! Correlation coefficients as SciPy and numpy compute them: `pearson` is
//! `scipy.stats.pearsonr`; `spearman` is `scipy.stats.spearmanr`, which ranks and then
//! applies numpy's `corrcoef` (`pearson_corrcoef`) — two formulas that differ in the last bits.
//!
//! Spearman: rank correlation as `scipy.stats.spearmanr(x, y).correlation` computes it (SciPy 1.17,
//! `nan_policy="propagate"`): average ranks for ties, then numpy's `corrcoef` of the ranks.
//!
//! Edge cases (all give NaN, as SciPy does): fewer than two observations; a constant input
//! on either side (SciPy warns `ConstantInputWarning`); any NaN on either side. Infinite
//! values are ordinary extremes for ranking.
use super::MetricResult;
use crate::numeric::{np_mean, pairwise_sum};
use std::cmp::Ordering;

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
    let products: Vec<f64> = xs
        .iter()
        .zip(&ys)
        .map(|(a, b)| (a / nx) * (b / ny))
        .collect();
    let r = np_clip(pairwise_sum(&products), -1.0, 1.0);
    Ok(if x.len() == 2 { r.round_ties_even() } else { r })
}

/// The centred values and their Euclidean norm, computed as `max|v| * ||v / max|v|||`
/// (scipy's guard against overflow).
fn centred_unit(v: &[f64]) -> (Vec<f64>, f64) {
    let mean = np_mean(v);
    let centred: Vec<f64> = v.iter().map(|a| a - mean).collect();
    let largest = np_max(centred.iter().map(|a| a.abs()));
    let squares: Vec<f64> = centred
        .iter()
        .map(|a| (a / largest) * (a / largest))
        .collect();
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
    if v.is_nan() {
        v
    } else {
        v.clamp(lo, hi)
    }
}

#[cfg(test)]
mod pearson_tests {
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
        assert!(pearson(&[1.0, 2.0, 3.0], &[0.5, 0.5, 0.5])
            .unwrap()
            .is_nan());
        assert!(pearson(&[1.0, 2.0, 3.0], &[0.5, f64::NAN, 0.7])
            .unwrap()
            .is_nan());
        assert!(pearson(&[1.0, 2.0, 3.0], &[0.5, f64::INFINITY, 0.7])
            .unwrap()
            .is_nan());
        assert!(pearson(&[1.0], &[2.0]).is_err());
        assert!(pearson(&[1.0, 2.0], &[2.0]).is_err());
        assert_eq!(pearson(&[1.0, 2.0], &[5.0, 3.0]).unwrap(), -1.0);
    }
}

/// Average ranks (1-based; ties share the mean of their positions), like
/// `scipy.stats.rankdata(method="average")`. `cmp` orders the items.
pub fn average_ranks_by<T>(items: &[T], cmp: impl Fn(&T, &T) -> Ordering) -> Vec<f64> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| cmp(&items[a], &items[b]));
    let mut ranks = vec![0.0; items.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && cmp(&items[order[start]], &items[order[end]]) == Ordering::Equal
        {
            end += 1;
        }
        // positions start+1 ..= end share their mean
        let rank = (start + 1) as f64 + ((end - start) as f64 - 1.0) / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Average ranks of numbers (no NaN expected).
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    average_ranks_by(x, |a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal))
}

/// `np.corrcoef(x, y)[0, 1]` in numpy's order of operations: center, covariance scaled by
/// 1/(n-1), divide by each standard deviation in turn, clip to [-1, 1]. Sums run left to
/// right (numpy's BLAS may group them differently: equal on ranks, within ulps otherwise).
///
/// Edge cases: a constant input gives NaN (0/0); fewer than two values give NaN.
pub fn pearson_corrcoef(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    if n != y.len() || n < 2 {
        return f64::NAN;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let dx: Vec<f64> = x.iter().map(|v| v - mx).collect();
    let dy: Vec<f64> = y.iter().map(|v| v - my).collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
    let scale = 1.0 / (n - 1) as f64;
    let cxy = dot(&dx, &dy) * scale;
    let sx = (dot(&dx, &dx) * scale).sqrt();
    let sy = (dot(&dy, &dy) * scale).sqrt();
    (cxy / sx / sy).clamp(-1.0, 1.0)
}

/// Spearman's rank correlation once both sides are ranked (no NaN, neither constant).
pub fn spearman_from_ranks(rx: &[f64], ry: &[f64]) -> f64 {
    // ranks are multiples of 1/2 centred on (n+1)/2, so every sum and product in
    // corrcoef is exact and the result does not depend on summation order
    pearson_corrcoef(rx, ry)
}

/// `scipy.stats.spearmanr(x, y).correlation` for numbers.
pub fn spearman(x: &[f64], y: &[f64]) -> Result<f64, String> {
    if x.len() != y.len() {
        return Err(format!("x has {} values but y has {}", x.len(), y.len()));
    }
    if x.len() < 2 || is_constant(x) || is_constant(y) || x.iter().chain(y).any(|v| v.is_nan()) {
        return Ok(f64::NAN);
    }
    Ok(spearman_from_ranks(&average_ranks(x), &average_ranks(y)))
}

/// `(x[0] == x).all()`: NaN is never equal, so a column starting with NaN is not constant.
pub fn is_constant(x: &[f64]) -> bool {
    x.iter().all(|v| *v == x[0])
}

#[cfg(test)]
mod spearman_tests {
    use super::*;

    #[test]
    fn ranks_with_ties() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 5.0]),
            vec![2.5, 4.0, 2.5, 1.0]
        );
        assert_eq!(
            average_ranks(&[f64::NEG_INFINITY, 0.0, f64::INFINITY]),
            vec![1.0, 2.0, 3.0]
        );
        assert!(average_ranks(&[]).is_empty());
    }

    #[test]
    fn spearman_values() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Ok(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Ok(-1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]), Ok(0.5));
        // ties: ranks [1.5, 1.5, 3] vs [1, 2, 3] -> 0.8660254037844387
        let r = spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap();
        assert!((r - 0.8660254037844387).abs() < 1e-15);
        // a monotone transform changes nothing
        assert_eq!(
            spearman(&[0.1, 0.5, 0.3, 0.9], &[-5.0, 100.0, 7.0, 1e9]),
            Ok(1.0)
        );
    }

    #[test]
    fn spearman_nan_cases() {
        assert!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0])
            .unwrap()
            .is_nan());
        assert!(spearman(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0])
            .unwrap()
            .is_nan());
        assert!(spearman(&[1.0], &[2.0]).unwrap().is_nan());
        assert!(spearman(&[], &[]).unwrap().is_nan());
        assert!(spearman(&[1.0, 2.0], &[1.0]).is_err());
    }
}

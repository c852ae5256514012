//! Area under the ROC curve, as `sklearn.metrics.roc_auc_score` computes it for binary
//! labels: thresholds at distinct scores, collinear points dropped, trapezoidal area.
//!
//! Edge cases: ties between scores form one threshold (a constant score gives 0.5); a single
//! class in `y_true` is an error; NaN or infinite scores are an error.

use super::MetricResult;
use crate::numeric::pairwise_sum;

/// `sklearn.metrics.roc_curve(y_true, y_score, drop_intermediate=True)` without the
/// thresholds: false and true positive rates from the origin to `(1, 1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
}

/// The ROC curve of the samples marked positive in `is_positive`.
///
/// Edge cases: with no negative samples every `fpr` is NaN, with no positive samples every
/// `tpr` is NaN (scikit-learn only warns); NaN or infinite scores are an error.
pub fn roc_curve(is_positive: &[bool], y_score: &[f64]) -> Result<RocCurve, String> {
    crate::sklearn::check_consistent_length(is_positive.len(), y_score.len())?;
    if y_score.iter().any(|x| !x.is_finite()) {
        return Err("Input contains NaN or infinity.".into());
    }
    let (keep_t, keep_f) = curve_points(is_positive, y_score);
    Ok(RocCurve { fpr: rates(&keep_f), tpr: rates(&keep_t) })
}

/// The points scikit-learn keeps on the ROC curve, as counts: `(tps, fps)` from the origin,
/// one point per distinct score (descending) unless it lies on a straight segment
/// (`drop_intermediate=True`).
fn curve_points(is_positive: &[bool], y_score: &[f64]) -> (Vec<f64>, Vec<f64>) {
    // the order inside ties does not matter for the curve, so an unstable sort of
    // (score key, label) pairs is enough (and cache friendly)
    let mut pairs: Vec<(u64, bool)> =
        y_score.iter().map(|&s| descending_key(s)).zip(is_positive.iter().copied()).collect();
    if pairs.len() >= PARALLEL_SORT_MIN {
        use rayon::slice::ParallelSliceMut;
        pairs.par_sort_unstable_by_key(|p| p.0);
    } else {
        pairs.sort_unstable_by_key(|p| p.0);
    }
    let mut keep_t = vec![0.0];
    let mut keep_f = vec![0.0];
    // a sliding window over thresholds: `prev` and `cur` (tps, fps); `cur` is kept unless
    // it is collinear with its neighbours
    let mut prev: Option<(f64, f64)> = None;
    let mut cur: Option<(f64, f64)> = None;
    let mut tp = 0.0;
    for (k, &(key, positive)) in pairs.iter().enumerate() {
        if positive {
            tp += 1.0;
        }
        if k + 1 < pairs.len() && pairs[k + 1].0 == key {
            continue;
        }
        let next = (tp, (k + 1) as f64 - tp);
        if let Some(c) = cur {
            let keep = match prev {
                None => true,
                Some(p) => (next.1 - 2.0 * c.1 + p.1) != 0.0 || (next.0 - 2.0 * c.0 + p.0) != 0.0,
            };
            if keep {
                keep_t.push(c.0);
                keep_f.push(c.1);
            }
        }
        prev = cur;
        cur = Some(next);
    }
    if let Some(c) = cur {
        keep_t.push(c.0);
        keep_f.push(c.1);
    }
    (keep_t, keep_f)
}

/// Sorting this many scores or more uses both cores.
const PARALLEL_SORT_MIN: usize = 1 << 15;

/// An integer key that orders finite floats from largest to smallest (`-0.0` and `0.0`
/// share a key, as they compare equal).
fn descending_key(score: f64) -> u64 {
    let bits = (score + 0.0).to_bits(); // + 0.0 turns -0.0 into 0.0
    let ascending = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
    !ascending
}

/// Counts divided by the last (total) count, or all NaN when that total is zero.
fn rates(counts: &[f64]) -> Vec<f64> {
    let total = *counts.last().unwrap();
    if total <= 0.0 {
        return vec![f64::NAN; counts.len()];
    }
    counts.iter().map(|c| c / total).collect()
}

/// `sklearn.metrics.auc(x, y)`: trapezoidal area, `x` monotonic in either direction.
///
/// Edge cases: fewer than two points or a non-monotonic `x` is an error; NaN propagates.
pub fn auc(x: &[f64], y: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(x.len(), y.len())?;
    if x.len() < 2 {
        return Err(format!("At least 2 points are needed to compute area under curve, but x.shape = {}", x.len()));
    }
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let mut direction = 1.0;
    if dx.iter().any(|&d| d < 0.0) {
        if dx.iter().all(|&d| d <= 0.0) {
            direction = -1.0;
        } else {
            return Err("x is neither increasing nor decreasing".into());
        }
    }
    // np.trapz: sum of d * (y[i] + y[i-1]) / 2.0
    let areas: Vec<f64> = (1..x.len()).map(|i| dx[i - 1] * (y[i] + y[i - 1]) / 2.0).collect();
    Ok(direction * pairwise_sum(&areas))
}

/// `y_true` holds the labels (any two distinct values; the larger is the positive class).
pub fn roc_auc(y_true: &[f64], y_score: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_score.len())?;
    if y_score.iter().any(|x| !x.is_finite()) || y_true.iter().any(|x| !x.is_finite()) {
        return Err("Input contains NaN or infinity.".into());
    }
    // the distinct labels, stopping at a third one (no need to sort the whole column)
    let mut classes: Vec<f64> = Vec::with_capacity(3);
    for &y in y_true {
        if !classes.contains(&y) {
            classes.push(y);
            if classes.len() > 2 {
                return Err("multiclass labels given to a binary ROC AUC".into());
            }
        }
    }
    if classes.len() < 2 {
        return Err("Only one class present in y_true. ROC AUC score is not defined in that case.".into());
    }
    let positive = classes[0].max(classes[1]);
    let is_positive: Vec<bool> = y_true.iter().map(|&y| y == positive).collect();
    let curve = roc_curve(&is_positive, y_score)?;
    auc(&curve.fpr, &curve.tpr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_inverted_constant() {
        let y = [0.0, 0.0, 1.0, 1.0];
        assert_eq!(roc_auc(&y, &[0.1, 0.2, 0.8, 0.9]).unwrap(), 1.0);
        assert_eq!(roc_auc(&y, &[0.9, 0.8, 0.2, 0.1]).unwrap(), 0.0);
        assert_eq!(roc_auc(&y, &[0.5; 4]).unwrap(), 0.5);
    }

    #[test]
    fn descending_key_orders_floats() {
        let v = [-1e300, -2.5, -0.0, 0.0, 1e-300, 0.5, 1.0, 7e200];
        for w in v.windows(2) {
            assert!(descending_key(w[0]) >= descending_key(w[1]), "{w:?}");
        }
        assert_eq!(descending_key(-0.0), descending_key(0.0));
        assert!(descending_key(0.5) > descending_key(1.0));
    }

    #[test]
    fn ties_count_half() {
        // one positive tied with one negative at the top
        let auc = roc_auc(&[1.0, 0.0, 0.0, 1.0], &[0.9, 0.9, 0.1, 0.5]).unwrap();
        assert!((auc - 0.625).abs() < 1e-15);
    }

    #[test]
    fn errors() {
        assert!(roc_auc(&[1.0, 1.0], &[0.1, 0.2]).is_err());
        assert!(roc_auc(&[0.0, 1.0], &[f64::NAN, 0.2]).is_err());
    }

    #[test]
    fn curve_drops_collinear_points_and_marks_missing_classes() {
        // scores 4 > 3 > 2 > 1 with labels 1, 1, 0, 0: the point at score 2 lies on the
        // straight run from (0, 1) to (1, 1) and is dropped (values from scikit-learn)
        let c = roc_curve(&[true, true, false, false], &[4.0, 3.0, 2.0, 1.0]).unwrap();
        assert_eq!(c.tpr, vec![0.0, 0.5, 1.0, 1.0]);
        assert_eq!(c.fpr, vec![0.0, 0.0, 0.0, 1.0]);
        let no_negatives = roc_curve(&[true, true], &[0.2, 0.1]).unwrap();
        assert!(no_negatives.fpr.iter().all(|x| x.is_nan()));
        assert_eq!(no_negatives.tpr, vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn auc_direction() {
        assert_eq!(auc(&[1.0, 0.0], &[1.0, 1.0]).unwrap(), 1.0);
        assert!(auc(&[0.0, 1.0, 0.5], &[0.0, 1.0, 1.0]).is_err());
        assert!(auc(&[0.0], &[0.0]).is_err());
    }
}

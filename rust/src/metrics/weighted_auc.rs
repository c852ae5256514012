//! Weighted ROC AUC: the area under the ROC curve cut into horizontal bands of true positive
//! rate, each band's area weighted (ALASKA2's metric, with bands `[0, 0.4]` weighted 2 and
//! `[0.4, 1]` weighted 1). Computed as MLE-bench computes it: `roc_curve` with
//! `pos_label=1`, the band edges inserted into the curve by linear interpolation, the area
//! of each band by the trapezoid rule up to the right edge `fpr = 1`.

use super::roc_auc::{auc, roc_curve};
use super::MetricResult;

/// Weighted area under the ROC curve of `y_score` for the samples whose label equals 1.
///
/// `tpr_thresholds` are the band edges (ascending, in `[0, 1]`); `weights[k]` weighs the band
/// from `tpr_thresholds[k]` to `tpr_thresholds[k + 1]`. The result is normalised by
/// `sum((edge[k+1] - edge[k]) * weights[k])` (added in order), so a perfect ranking scores 1.
///
/// Edge cases: labels other than 1 are negatives, non-integer labels are an error
/// (`continuous format is not supported`); a constant score does *not* give 0.5 (with the
/// ALASKA2 bands it gives 0.82 / 1.4 = 0.585714...); no positive sample gives 0.0 (every band
/// is empty); no negative sample gives NaN; NaN or infinite values are an error.
pub fn weighted_roc_auc(
    y_true: &[f64],
    y_score: &[f64],
    tpr_thresholds: &[f64],
    weights: &[f64],
) -> MetricResult {
    if tpr_thresholds.len() != weights.len() + 1 {
        return Err("weighted ROC AUC needs one more TPR threshold than weights".into());
    }
    if y_true.iter().any(|y| !y.is_finite()) {
        return Err("Input y_true contains NaN or infinity.".into());
    }
    if y_true.iter().any(|y| y.fract() != 0.0) {
        return Err("continuous format is not supported".into());
    }
    let is_positive: Vec<bool> = y_true.iter().map(|&y| y == 1.0).collect();
    let curve = roc_curve(&is_positive, y_score)?;
    let (fpr, tpr) = insert_tpr_thresholds(curve.fpr, curve.tpr, tpr_thresholds);
    let mut total = 0.0;
    for (k, &weight) in weights.iter().enumerate() {
        let (lo, hi) = (tpr_thresholds[k], tpr_thresholds[k + 1]);
        let band: Vec<usize> = (0..tpr.len())
            .filter(|&i| lo <= tpr[i] && tpr[i] <= hi)
            .collect();
        if band.is_empty() {
            continue;
        }
        // the band's curve, closed by a horizontal line to fpr = 1 at its top edge
        let mut xs: Vec<f64> = band.iter().map(|&i| fpr[i]).collect();
        let mut ys: Vec<f64> = band.iter().map(|&i| tpr[i]).collect();
        xs.push(1.0);
        ys.push(hi);
        let ys: Vec<f64> = ys.iter().map(|y| y - lo).collect();
        total += auc(&xs, &ys)? * weight;
    }
    let mut normalization = 0.0;
    for (k, &weight) in weights.iter().enumerate() {
        normalization += (tpr_thresholds[k + 1] - tpr_thresholds[k]) * weight;
    }
    Ok(total / normalization)
}

/// Add a curve point at every TPR threshold the curve does not already pass through, its FPR
/// interpolated linearly between the neighbouring points.
fn insert_tpr_thresholds(
    mut fpr: Vec<f64>,
    mut tpr: Vec<f64>,
    thresholds: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    for &t in thresholds {
        if tpr.contains(&t) {
            continue;
        }
        let Some(i) = tpr.iter().position(|&v| v > t) else {
            continue;
        };
        // the reference indexes `i - 1` in Python, so i = 0 wraps around to the last point
        let j = if i == 0 { tpr.len() - 1 } else { i - 1 };
        let new_fpr = fpr[j] + (fpr[i] - fpr[j]) * (t - tpr[j]) / (tpr[i] - tpr[j]);
        tpr.insert(i, t);
        fpr.insert(i, new_fpr);
    }
    (fpr, tpr)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDGES: [f64; 3] = [0.0, 0.4, 1.0];
    const WEIGHTS: [f64; 2] = [2.0, 1.0];

    fn alaska(y: &[f64], s: &[f64]) -> f64 {
        weighted_roc_auc(y, s, &EDGES, &WEIGHTS).unwrap()
    }

    #[test]
    fn perfect_inverted_and_constant() {
        let y = [0.0, 0.0, 1.0, 1.0, 1.0];
        assert_eq!(alaska(&y, &[0.1, 0.2, 0.7, 0.8, 0.9]), 1.0);
        assert_eq!(alaska(&y, &[0.9, 0.8, 0.3, 0.2, 0.1]), 0.0);
        // diagonal curve: band [0, 0.4] has area 0.32, band [0.4, 1] has 0.18
        assert!((alaska(&y, &[0.5; 5]) - (0.32 * 2.0 + 0.18) / 1.4).abs() < 1e-15);
    }

    #[test]
    fn inserted_threshold_is_interpolated() {
        // ranking positive, negative, positive, negative: the curve jumps from tpr 0 to 0.5
        // at fpr 0, so the band edge 0.4 is inserted on that vertical step
        let y = [1.0, 0.0, 1.0, 0.0];
        let s = [0.9, 0.8, 0.7, 0.6];
        let curve = roc_curve(&[true, false, true, false], &s).unwrap();
        assert_eq!(curve.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(curve.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        let (fpr, tpr) = insert_tpr_thresholds(curve.fpr, curve.tpr, &EDGES);
        assert_eq!(tpr, vec![0.0, 0.4, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(fpr, vec![0.0, 0.0, 0.0, 0.5, 0.5, 1.0]);
        // band [0, 0.4] (weight 2): full width, area 0.4; band [0.4, 1]: 0.5 * 0.1 + 0.5 * 0.6
        assert!((alaska(&y, &s) - (0.4 * 2.0 + 0.35) / 1.4).abs() < 1e-15);
    }

    #[test]
    fn interpolation_between_distinct_fprs() {
        let (fpr, tpr) = insert_tpr_thresholds(vec![0.0, 0.2, 1.0], vec![0.0, 0.8, 1.0], &EDGES);
        assert_eq!(tpr, vec![0.0, 0.4, 0.8, 1.0]);
        // the same float operations as the reference: (0.2 * 0.4) / 0.8
        assert_eq!(fpr, vec![0.0, 0.10000000000000002, 0.2, 1.0]);
    }

    #[test]
    fn missing_classes_and_bad_input() {
        assert_eq!(alaska(&[0.0, 0.0], &[0.1, 0.2]), 0.0);
        assert!(alaska(&[1.0, 1.0], &[0.1, 0.2]).is_nan());
        // labels other than 1 are negatives
        assert_eq!(alaska(&[2.0, 1.0], &[0.1, 0.2]), 1.0);
        assert!(weighted_roc_auc(&[0.5, 1.0], &[0.1, 0.2], &EDGES, &WEIGHTS).is_err());
        assert!(weighted_roc_auc(&[0.0, 1.0], &[f64::NAN, 0.2], &EDGES, &WEIGHTS).is_err());
        assert!(weighted_roc_auc(&[0.0, 1.0], &[0.1, 0.2], &EDGES, &[1.0]).is_err());
    }
}

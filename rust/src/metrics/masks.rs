//! Pixel-overlap metrics of binary masks held as runs ([`RunMask`]), computed from exact
//! pixel counts with the reference's floating-point operations.

use super::rle::RunMask;

/// Pixel counts of a (prediction, truth) pair: `tp = |P and T|`, `pred = |P|`, `truth = |T|`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overlap {
    pub tp: u64,
    pub pred: u64,
    pub truth: u64,
}

impl Overlap {
    pub fn of(pred: &RunMask, truth: &RunMask) -> Overlap {
        Overlap {
            tp: pred.intersection_count(truth),
            pred: pred.count(),
            truth: truth.count(),
        }
    }

    pub fn plus(self, o: Overlap) -> Overlap {
        Overlap {
            tp: self.tp + o.tp,
            pred: self.pred + o.pred,
            truth: self.truth + o.truth,
        }
    }
}

/// Dice coefficient `2 |P and T| / (|P| + |T|)` (`mlebench.metrics.dice_coefficient`).
///
/// Edge cases: both masks empty gives `both_empty` (NaN, 1.0, ... as the caller's reference
/// passes); one empty mask gives 0.0.
pub fn dice(o: Overlap, both_empty: f64) -> f64 {
    let union = o.pred + o.truth;
    if union == 0 {
        return both_empty;
    }
    (2 * o.tp) as f64 / union as f64
}

/// `sklearn.metrics.fbeta_score(y_true, y_pred, beta)` of two boolean masks (binary average):
/// `(1 + beta^2) tp / (beta^2 |T| + |P|)`.
///
/// Edge cases: a zero denominator (both masks empty) gives 0.0, scikit-learn's
/// `zero_division="warn"` result; an empty prediction against a non-empty truth gives 0.0.
pub fn fbeta(o: Overlap, beta: f64) -> f64 {
    let beta2 = beta * beta;
    let denom = beta2 * o.truth as f64 + o.pred as f64;
    if denom == 0.0 {
        return 0.0;
    }
    ((1.0 + beta2) * o.tp as f64) / denom
}

/// Intersection over union of two masks; both empty gives `both_empty`.
pub fn mask_iou(o: Overlap, both_empty: f64) -> f64 {
    let union = o.pred + o.truth - o.tp;
    if union == 0 {
        return both_empty;
    }
    o.tp as f64 / union as f64
}

/// The ten thresholds of `np.arange(0.5, 1.0, 0.05)`, bit for bit (numpy fills
/// `start + i * delta` with `delta = (start + step) - start`).
pub fn arange_thresholds() -> [f64; 10] {
    let delta = (0.5 + 0.05) - 0.5;
    std::array::from_fn(|i| 0.5 + i as f64 * delta)
}

/// The TGS Salt per-image score: the share of IoU thresholds 0.5, 0.55, ..., 0.95 that the
/// single predicted object beats (the mask is one object), as the reference's
/// histogram-based `iou_metric` computes it.
///
/// Edge cases: both masks empty gives 1.0; an empty truth with a non-empty prediction gives
/// 0.0. Reference quirk kept: an *empty prediction* against a non-empty truth is scored with
/// IoU `|T| / n_pixels` (numpy's histogram puts a constant array in its upper bin), so a
/// mostly-salt image earns credit for predicting nothing.
pub fn iou_threshold_precision(o: Overlap, n_pixels: u64) -> f64 {
    if o.truth == 0 {
        return if o.pred == 0 { 1.0 } else { 0.0 };
    }
    let iou = if o.pred == 0 {
        o.truth as f64 / n_pixels as f64
    } else {
        let union = (o.truth + o.pred) as f64 - o.tp as f64;
        o.tp as f64 / union
    };
    let hits = arange_thresholds().iter().filter(|&&t| iou > t).count();
    // np.mean of ten 0.0/1.0 values: exact
    hits as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(tp: u64, pred: u64, truth: u64) -> Overlap {
        Overlap { tp, pred, truth }
    }

    #[test]
    fn dice_values() {
        assert_eq!(dice(o(2, 4, 4), f64::NAN), 0.5);
        assert!(dice(o(0, 0, 0), f64::NAN).is_nan());
        assert_eq!(dice(o(0, 0, 0), 1.0), 1.0);
        assert_eq!(dice(o(0, 3, 0), 1.0), 0.0);
    }

    #[test]
    fn fbeta_values() {
        assert_eq!(fbeta(o(0, 0, 0), 0.5), 0.0);
        assert_eq!(fbeta(o(0, 0, 5), 0.5), 0.0);
        assert_eq!(fbeta(o(5, 5, 5), 0.5), 1.0);
        // precision 1, recall 0.5: 1.25 * 0.5 / (0.25 + 0.5)
        assert!((fbeta(o(2, 2, 4), 0.5) - 1.25 * 0.5 / 0.75).abs() < 1e-15);
    }

    #[test]
    fn thresholds_match_numpy_arange() {
        let t = arange_thresholds();
        assert_eq!(t[2], 0.6000000000000001);
        assert_eq!(t[9], 0.9500000000000004);
    }

    #[test]
    fn tgs_precision() {
        assert_eq!(iou_threshold_precision(o(0, 0, 0), 100), 1.0);
        assert_eq!(iou_threshold_precision(o(0, 4, 0), 100), 0.0);
        assert_eq!(iou_threshold_precision(o(10, 10, 10), 100), 1.0);
        // IoU 0.5 exactly beats no threshold (strict >)
        assert_eq!(iou_threshold_precision(o(5, 10, 5), 100), 0.0);
        // empty prediction on a 70% salt image: IoU 0.7 beats 0.5, 0.55, 0.6, 0.65
        assert_eq!(iou_threshold_precision(o(0, 0, 70), 100), 0.4);
        assert_eq!(iou_threshold_precision(o(0, 0, 100), 100), 1.0);
    }
}

//! Average precision, in the three forms the reference's detection graders use:
//! scikit-learn's step-function AP, the VOC-style envelope AP of the Lyft evaluation
//! script, and pycocotools' 101-point interpolated precision.

use super::MetricResult;
use crate::numeric::pairwise_sum;

/// `sklearn.metrics.average_precision_score(y_true, y_score)` for binary labels (1 =
/// positive): `-sum(diff(recall) * precision[:-1])` over the thresholds at distinct scores.
///
/// Edge cases: NaN or infinite scores are an error (scikit-learn's finiteness check); no
/// positive label gives -0.0 (recall is set to 1 everywhere, so the steps are all zero);
/// tied scores form one threshold.
pub fn average_precision(y_true: &[bool], y_score: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_score.len())?;
    if y_true.is_empty() {
        return Err("Found array with 0 sample(s) while a minimum of 1 is required.".into());
    }
    if y_score.iter().any(|s| !s.is_finite()) {
        return Err("Input y_score contains NaN or infinity.".into());
    }
    // descending scores; inside ties the order does not matter (one threshold per value)
    let mut order: Vec<usize> = (0..y_score.len()).collect();
    order.sort_by(|&a, &b| y_score[b].total_cmp(&y_score[a]));
    let (mut tps, mut fps) = (Vec::new(), Vec::new());
    let mut tp = 0.0;
    for (k, &i) in order.iter().enumerate() {
        if y_true[i] {
            tp += 1.0;
        }
        let last_of_value = k + 1 == order.len() || y_score[order[k + 1]] != y_score[i];
        if last_of_value {
            tps.push(tp);
            fps.push((k + 1) as f64 - tp);
        }
    }
    let total = *tps.last().unwrap();
    let precision: Vec<f64> = tps.iter().zip(&fps).map(|(t, f)| t / (t + f)).collect();
    let recall: Vec<f64> = if total == 0.0 {
        vec![1.0; tps.len()]
    } else {
        tps.iter().map(|t| t / total).collect()
    };
    // reversed curves with the (recall 0, precision 1) end point appended
    let m = tps.len();
    let rec_rev = |j: usize| if j < m { recall[m - 1 - j] } else { 0.0 };
    let terms: Vec<f64> = (0..m)
        .map(|j| (rec_rev(j + 1) - rec_rev(j)) * precision[m - 1 - j])
        .collect();
    Ok(-pairwise_sum(&terms))
}

/// The Lyft script's `get_ap`: precision made monotone from the right (the envelope), then
/// summed over the points where recall changes, with sentinels (0, 0) and (1, 0).
///
/// Edge cases: no detections gives 0.0.
pub fn envelope_average_precision(recalls: &[f64], precisions: &[f64]) -> f64 {
    let mut r = Vec::with_capacity(recalls.len() + 2);
    r.push(0.0);
    r.extend_from_slice(recalls);
    r.push(1.0);
    let mut p = Vec::with_capacity(precisions.len() + 2);
    p.push(0.0);
    p.extend_from_slice(precisions);
    p.push(0.0);
    for i in (1..p.len()).rev() {
        p[i - 1] = np_maximum(p[i - 1], p[i]);
    }
    let terms: Vec<f64> = (0..r.len() - 1)
        .filter(|&i| r[i + 1] != r[i])
        .map(|i| (r[i + 1] - r[i]) * p[i + 1])
        .collect();
    pairwise_sum(&terms)
}

/// `np.maximum`: NaN propagates.
fn np_maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// The 101 recall thresholds of pycocotools (`np.linspace(0, 1, 101)`: `i * 0.01`).
pub fn coco_recall_thresholds() -> [f64; 101] {
    std::array::from_fn(|i| {
        if i == 100 {
            1.0
        } else {
            i as f64 * (1.0 / 100.0)
        }
    })
}

/// pycocotools' `accumulate` for one category, one IoU threshold: the interpolated
/// precision at each of the 101 recall thresholds, from detections already sorted by score
/// (`matched` = true positive, `ignored` = neither TP nor FP) and the number of
/// non-ignored ground truths.
///
/// Edge cases: precision past the largest recall reached is 0; `n_gt` must be positive
/// (pycocotools skips categories without ground truth).
pub fn coco_interpolated_precision(matched: &[bool], ignored: &[bool], n_gt: usize) -> [f64; 101] {
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    let mut rc = Vec::with_capacity(matched.len());
    let mut pr = Vec::with_capacity(matched.len());
    for (&m, &ig) in matched.iter().zip(ignored) {
        if !ig {
            if m {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
        }
        rc.push(tp / n_gt as f64);
        pr.push(tp / (fp + tp + f64::EPSILON));
    }
    for i in (1..pr.len()).rev() {
        if pr[i] > pr[i - 1] {
            pr[i - 1] = pr[i];
        }
    }
    let mut q = [0.0; 101];
    for (slot, thr) in q.iter_mut().zip(coco_recall_thresholds()) {
        // np.searchsorted(rc, thr, side="left")
        let pi = rc.partition_point(|&r| r < thr);
        match pr.get(pi) {
            Some(&p) => *slot = p,
            None => break,
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sklearn_average_precision() {
        // sklearn: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333...
        let ap = average_precision(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]).unwrap();
        assert!((ap - 0.8333333333333333).abs() < 1e-15, "{ap}");
        assert_eq!(average_precision(&[true, false], &[0.9, 0.1]).unwrap(), 1.0);
        assert_eq!(
            average_precision(&[false, false], &[0.9, 0.1]).unwrap(),
            0.0
        );
        // all tied: precision = prevalence
        assert_eq!(
            average_precision(&[true, false, false, false], &[0.5; 4]).unwrap(),
            0.25
        );
        assert!(average_precision(&[true], &[f64::NAN]).is_err());
    }

    #[test]
    fn envelope_ap() {
        assert_eq!(envelope_average_precision(&[], &[]), 0.0);
        assert_eq!(envelope_average_precision(&[0.5, 1.0], &[1.0, 1.0]), 1.0);
        // a false positive first: precision 0 then 0.5 -> envelope 0.5 over recall 0..1
        assert_eq!(envelope_average_precision(&[0.0, 1.0], &[0.0, 0.5]), 0.5);
    }

    #[test]
    fn coco_precision() {
        let q = coco_interpolated_precision(&[true, true], &[false, false], 2);
        assert!(q.iter().all(|&p| (p - 1.0).abs() < 1e-15));
        let q = coco_interpolated_precision(&[true], &[false], 2);
        assert!((q[50] - 1.0).abs() < 1e-15 && q[51] == 0.0);
        assert_eq!(coco_recall_thresholds()[3], 3.0 * 0.01);
    }
}

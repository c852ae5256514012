//! Area under the ROC curve, as `sklearn.metrics.roc_auc_score` computes it for binary
//! labels: thresholds at distinct scores, collinear points dropped, trapezoidal area.
//!
//! Edge cases: ties between scores form one threshold (a constant score gives 0.5); a single
//! class in `y_true` is an error; NaN or infinite scores are an error.

use super::MetricResult;
use crate::numeric::pairwise_sum;

/// `y_true` holds the labels (any two distinct values; the larger is the positive class).
pub fn roc_auc(y_true: &[f64], y_score: &[f64]) -> MetricResult {
    if y_true.len() != y_score.len() {
        return Err(format!(
            "Found input variables with inconsistent numbers of samples: [{}, {}]",
            y_true.len(),
            y_score.len()
        ));
    }
    if y_score.iter().any(|x| !x.is_finite()) || y_true.iter().any(|x| !x.is_finite()) {
        return Err("Input contains NaN or infinity.".into());
    }
    let mut classes: Vec<f64> = y_true.to_vec();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    if classes.len() != 2 {
        if classes.len() < 2 {
            return Err("Only one class present in y_true. ROC AUC score is not defined in that case.".into());
        }
        return Err("multiclass labels given to a binary ROC AUC".into());
    }
    let positive = classes[1];
    // descending by score; order inside ties does not matter for the curve
    let mut order: Vec<usize> = (0..y_score.len()).collect();
    order.sort_by(|&a, &b| y_score[b].total_cmp(&y_score[a]));
    let mut tps: Vec<f64> = Vec::new();
    let mut fps: Vec<f64> = Vec::new();
    let mut tp = 0.0;
    for (k, &i) in order.iter().enumerate() {
        if y_true[i] == positive {
            tp += 1.0;
        }
        let last_of_threshold = k + 1 == order.len() || y_score[order[k + 1]] != y_score[i];
        if last_of_threshold {
            tps.push(tp);
            fps.push((k + 1) as f64 - tp);
        }
    }
    // drop_intermediate: keep the ends and every point where the curve changes direction
    let n = tps.len();
    let mut keep_t = vec![0.0];
    let mut keep_f = vec![0.0];
    for i in 0..n {
        let keep = i == 0
            || i == n - 1
            || (fps[i + 1] - 2.0 * fps[i] + fps[i - 1]) != 0.0
            || (tps[i + 1] - 2.0 * tps[i] + tps[i - 1]) != 0.0;
        if keep {
            keep_t.push(tps[i]);
            keep_f.push(fps[i]);
        }
    }
    let (t_last, f_last) = (*keep_t.last().unwrap(), *keep_f.last().unwrap());
    let tpr: Vec<f64> = keep_t.iter().map(|t| t / t_last).collect();
    let fpr: Vec<f64> = keep_f.iter().map(|f| f / f_last).collect();
    let areas: Vec<f64> = (1..tpr.len())
        .map(|i| (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2.0)
        .collect();
    Ok(pairwise_sum(&areas))
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
}

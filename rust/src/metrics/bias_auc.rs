//! The Jigsaw Unintended Bias metric: overall ROC AUC blended with power means of
//! per-identity bias AUCs.

use super::roc_auc::roc_auc;
use super::MetricResult;

/// `(sum(s ** p for s in scores) / n) ** (1 / p)`, summed left to right as Python's `sum`.
///
/// Edge cases: with a negative `p`, a score of 0 gives `0 ** p = inf` and the mean is 0
/// (numpy only warns); `n == 0` is an error.
pub fn generalized_mean(scores: &[f64], p: f64, n: usize) -> MetricResult {
    if n == 0 {
        return Err("the power mean of no scores is undefined".into());
    }
    let total = scores.iter().fold(0.0, |acc, s| acc + s.powf(p));
    Ok((total / n as f64).powf(1.0 / p))
}

/// Jigsaw's final score: `w * overall_auc + sum(w * power_mean(bias_auc_kind))` over the
/// three bias AUC kinds (subgroup, BPSN, BNSP) of every identity subgroup.
///
/// `labels` are 0/1 toxicity labels, `scores` the predictions (the reference binarises them
/// at 0.5 before calling), `subgroups[g][i]` whether row `i` mentions identity `g`.
/// - subgroup AUC: rows of the identity;
/// - BPSN (background positive, subgroup negative): non-toxic rows of the identity and toxic
///   rows without it;
/// - BNSP: toxic rows of the identity and non-toxic rows without it.
///
/// Edge cases: any of these row sets holding a single class (or no rows) is an error, as
/// `roc_auc_score` raises; an AUC of 0 makes its power mean 0 when `p < 0`.
pub fn bias_auc_score(
    labels: &[f64],
    scores: &[f64],
    subgroups: &[Vec<bool>],
    p: f64,
    w: f64,
) -> MetricResult {
    let n = labels.len();
    if scores.len() != n || subgroups.iter().any(|g| g.len() != n) {
        return Err("labels, scores and subgroup masks must have the same length".into());
    }
    if subgroups.is_empty() {
        return Err("at least one identity subgroup is needed".into());
    }
    let overall = roc_auc(labels, scores)?;
    let mut kinds: [Vec<f64>; 3] = Default::default();
    for mask in subgroups {
        let toxic = |i: usize| labels[i] == 1.0;
        let subsets: [Box<dyn Fn(usize) -> bool>; 3] = [
            Box::new(|i| mask[i]),
            Box::new(|i| (!toxic(i) && mask[i]) || (toxic(i) && !mask[i])),
            Box::new(|i| (toxic(i) && mask[i]) || (!toxic(i) && !mask[i])),
        ];
        for (kind, keep) in kinds.iter_mut().zip(subsets.iter()) {
            let rows: Vec<usize> = (0..n).filter(|&i| keep(i)).collect();
            let t: Vec<f64> = rows.iter().map(|&i| labels[i]).collect();
            let s: Vec<f64> = rows.iter().map(|&i| scores[i]).collect();
            kind.push(roc_auc(&t, &s)?);
        }
    }
    // the reference adds the three weighted means first, then the weighted overall AUC
    let mut bias = 0.0;
    for kind in &kinds {
        bias += w * generalized_mean(kind, p, subgroups.len())?;
    }
    Ok(w * overall + bias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_mean() {
        assert_eq!(generalized_mean(&[0.5, 0.5], -5.0, 2).unwrap(), 0.5);
        assert_eq!(generalized_mean(&[0.0, 0.9], -5.0, 2).unwrap(), 0.0);
        let v = generalized_mean(&[1.0, 0.5], -5.0, 2).unwrap();
        assert!((v - (33.0f64 / 2.0).powf(-0.2)).abs() < 1e-15);
        assert!(generalized_mean(&[], -5.0, 0).is_err());
    }

    #[test]
    fn perfect_constant_and_inverted() {
        let labels = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let groups = vec![
            vec![true, true, false, false, true, true],
            vec![false, true, true, false, true, false],
        ];
        assert_eq!(
            bias_auc_score(&labels, &labels, &groups, -5.0, 0.25).unwrap(),
            1.0
        );
        assert_eq!(
            bias_auc_score(&labels, &[0.0; 6], &groups, -5.0, 0.25).unwrap(),
            0.5
        );
        let inverted: Vec<f64> = labels.iter().map(|l| 1.0 - l).collect();
        assert_eq!(
            bias_auc_score(&labels, &inverted, &groups, -5.0, 0.25).unwrap(),
            0.0
        );
    }

    #[test]
    fn single_class_subgroup_is_an_error() {
        let labels = [0.0, 1.0, 0.0, 1.0];
        let groups = vec![vec![true, false, true, false]];
        assert!(bias_auc_score(&labels, &labels, &groups, -5.0, 0.25).is_err());
    }
}

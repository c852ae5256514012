//! Multi-label metrics: a weighted binary log loss per label, and label ranking average
//! precision.

use super::MetricResult;
use crate::numeric::{np_mean, pairwise_sum};

/// Weighted multi-label log loss of the RSNA 2022 cervical spine competition: `y_true` and
/// `y_pred` are row-major with `k = weights.len()` labels; label `j` weighs
/// `positive_weights[j]` where the truth is 1 and `negative_weights[j]` where it is 0. Each
/// row's weighted loss is divided by the row's total weight, then rows are averaged.
///
/// Predictions are clipped to `[eps, 1 - eps]`. A row's terms are added left to right (the
/// reference sums a Fortran-ordered array, which numpy does sequentially).
/// Edge cases: shapes that disagree are errors; NaN predictions give NaN; no rows gives NaN.
pub fn weighted_multilabel_log_loss(
    y_true: &[f64],
    y_pred: &[f64],
    negative_weights: &[f64],
    positive_weights: &[f64],
    eps: f64,
) -> MetricResult {
    let k = negative_weights.len();
    if k == 0
        || positive_weights.len() != k
        || y_true.len() != y_pred.len()
        || !y_true.len().is_multiple_of(k)
    {
        return Err("y_true, y_pred and the weights must agree in shape".into());
    }
    let per_row: Vec<f64> = y_true
        .chunks(k)
        .zip(y_pred.chunks(k))
        .map(|(t, p)| {
            let (mut loss, mut weight) = (0.0, 0.0);
            for j in 0..k {
                let q = np_clip(p[j], eps, 1.0 - eps);
                let l = -(t[j] * q.ln() + (1.0 - t[j]) * (1.0 - q).ln());
                let w = t[j] * positive_weights[j] + (1.0 - t[j]) * negative_weights[j];
                loss += l * w;
                weight += w;
            }
            loss / weight
        })
        .collect();
    Ok(np_mean(&per_row))
}

fn np_clip(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() {
        v
    } else {
        v.clamp(lo, hi)
    }
}

/// `sklearn.metrics.label_ranking_average_precision_score(y_true, y_score, sample_weight)`
/// with `y_true` (0/1) and `y_score` row-major with `k` labels.
///
/// For each row, each relevant label scores (relevant labels ranked at or above it) /
/// (labels ranked at or above it); ties count pessimistically (rank "max"). A row with no
/// relevant label or only relevant labels scores 1. Rows are averaged with `sample_weight`.
/// Edge cases: labels other than 0/1, NaN or infinite scores, no rows, or shapes that
/// disagree are errors.
pub fn label_ranking_average_precision(
    y_true: &[f64],
    y_score: &[f64],
    k: usize,
    sample_weight: Option<&[f64]>,
) -> MetricResult {
    if k == 0 || y_true.len() != y_score.len() || !y_true.len().is_multiple_of(k) {
        return Err("y_true and y_score have different shape".into());
    }
    let n = y_true.len() / k;
    if n == 0 {
        return Err("Found array with 0 sample(s) while a minimum of 1 is required.".into());
    }
    if let Some(w) = sample_weight {
        if w.len() != n {
            return Err(format!(
                "sample_weight has {} values for {n} samples",
                w.len()
            ));
        }
    }
    if y_true.iter().any(|&t| t != 0.0 && t != 1.0) {
        return Err("y_true must hold 0/1 labels (multilabel-indicator format)".into());
    }
    if y_score.iter().any(|s| !s.is_finite()) {
        return Err("Input contains NaN or infinity.".into());
    }
    let mut out = 0.0;
    for (i, (t, s)) in y_true.chunks(k).zip(y_score.chunks(k)).enumerate() {
        let aux = row_precision(t, s);
        out += sample_weight.map_or(aux, |w| aux * w[i]);
    }
    Ok(match sample_weight {
        Some(w) => out / pairwise_sum(w),
        None => out / n as f64,
    })
}

/// One row's average precision of the relevant labels.
fn row_precision(truth: &[f64], score: &[f64]) -> f64 {
    let relevant: Vec<usize> = (0..truth.len()).filter(|&j| truth[j] == 1.0).collect();
    if relevant.is_empty() || relevant.len() == truth.len() {
        return 1.0;
    }
    // rank "max" of -score: how many labels score at least as high
    let at_or_above = |j: usize, among: &mut dyn Iterator<Item = usize>| {
        among.filter(|&m| score[m] >= score[j]).count()
    };
    let ratios: Vec<f64> = relevant
        .iter()
        .map(|&j| {
            let rank = at_or_above(j, &mut (0..truth.len()));
            let l = at_or_above(j, &mut relevant.iter().copied());
            l as f64 / rank as f64
        })
        .collect();
    np_mean(&ratios)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_log_loss() {
        let half = weighted_multilabel_log_loss(
            &[1.0, 0.0],
            &[0.5, 0.5],
            &[7.0, 1.0],
            &[14.0, 2.0],
            1e-15,
        )
        .unwrap();
        assert!((half - 2f64.ln()).abs() < 1e-15);
        let perfect =
            weighted_multilabel_log_loss(&[1.0, 0.0], &[1.0, 0.0], &[1.0, 1.0], &[2.0, 2.0], 1e-15)
                .unwrap();
        assert!(perfect < 1e-14);
        // a hard miss costs -ln(1e-15) on that label, weighted: (2 * 34.54) / (2 + 1)
        let miss =
            weighted_multilabel_log_loss(&[1.0, 0.0], &[0.0, 0.0], &[1.0, 1.0], &[2.0, 2.0], 1e-15)
                .unwrap();
        assert!((miss - 2.0 * -(1e-15f64.ln()) / 3.0).abs() < 1e-9, "{miss}");
        assert!(
            weighted_multilabel_log_loss(&[1.0], &[1.0, 0.0], &[1.0, 1.0], &[2.0, 2.0], 1e-15)
                .is_err()
        );
    }

    #[test]
    fn lrap_sklearn_docstring() {
        // sklearn: y_true [[1, 0, 0], [0, 0, 1]], y_score [[0.75, 0.5, 1], [1, 0.2, 0.1]] -> 0.416...
        let t = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        let s = [0.75, 0.5, 1.0, 1.0, 0.2, 0.1];
        let v = label_ranking_average_precision(&t, &s, 3, None).unwrap();
        assert!((v - 0.41666666666666663).abs() < 1e-15);
    }

    #[test]
    fn lrap_ties_weights_and_degenerate_rows() {
        // all scores tied: a relevant label ranks last among 4 -> 1/4
        assert_eq!(
            label_ranking_average_precision(&[1.0, 0.0, 0.0, 0.0], &[0.0; 4], 4, None).unwrap(),
            0.25
        );
        // an all-negative row counts as 1
        assert_eq!(
            label_ranking_average_precision(&[0.0, 0.0], &[0.3, 0.1], 2, None).unwrap(),
            1.0
        );
        let w = label_ranking_average_precision(
            &[1.0, 0.0, 0.0, 1.0],
            &[0.0, 1.0, 0.0, 1.0],
            2,
            Some(&[3.0, 1.0]),
        )
        .unwrap();
        assert_eq!(w, (0.5 * 3.0 + 1.0) / 4.0);
        assert!(label_ranking_average_precision(&[2.0, 0.0], &[0.3, 0.1], 2, None).is_err());
        assert!(label_ranking_average_precision(&[1.0, 0.0], &[f64::NAN, 0.1], 2, None).is_err());
    }
}

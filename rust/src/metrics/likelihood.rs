//! The modified Laplace log-likelihood of the OSIC pulmonary fibrosis competition.

use super::MetricResult;
use crate::numeric::np_mean;
use std::f64::consts::SQRT_2;

/// Mean of `-sqrt(2) * delta / sigma - ln(sqrt(2) * sigma)` where
/// `sigma = max(confidence, sigma_floor)` and `delta = min(|actual - predicted|, delta_cap)`
/// (the competition uses a floor of 70 and a cap of 1000). Higher is better.
///
/// Edge cases: NaN anywhere propagates to NaN (numpy's `maximum`/`minimum` keep NaN);
/// different lengths are an error; no values gives NaN.
pub fn laplace_log_likelihood(
    actual: &[f64],
    predicted: &[f64],
    confidence: &[f64],
    sigma_floor: f64,
    delta_cap: f64,
) -> MetricResult {
    if predicted.len() != actual.len() || confidence.len() != actual.len() {
        return Err(format!(
            "actual, predicted and confidence have different lengths ({}, {}, {})",
            actual.len(),
            predicted.len(),
            confidence.len()
        ));
    }
    let terms: Vec<f64> = (0..actual.len())
        .map(|i| {
            let sigma = nan_max(confidence[i], sigma_floor);
            let delta = nan_min((actual[i] - predicted[i]).abs(), delta_cap);
            -SQRT_2 * delta / sigma - (SQRT_2 * sigma).ln()
        })
        .collect();
    Ok(np_mean(&terms))
}

fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        a
    } else {
        a.max(b)
    }
}

fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        a
    } else {
        a.min(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_cap_and_best_score() {
        let best = laplace_log_likelihood(&[2000.0], &[2000.0], &[10.0], 70.0, 1000.0).unwrap();
        assert_eq!(best, -(SQRT_2 * 70.0).ln());
        let capped = laplace_log_likelihood(&[0.0], &[5000.0], &[100.0], 70.0, 1000.0).unwrap();
        assert_eq!(capped, -SQRT_2 * 1000.0 / 100.0 - (SQRT_2 * 100.0).ln());
    }

    #[test]
    fn nan_and_lengths() {
        assert!(
            laplace_log_likelihood(&[1.0], &[f64::NAN], &[100.0], 70.0, 1000.0)
                .unwrap()
                .is_nan()
        );
        assert!(
            laplace_log_likelihood(&[1.0], &[1.0], &[f64::NAN], 70.0, 1000.0)
                .unwrap()
                .is_nan()
        );
        assert!(laplace_log_likelihood(&[1.0], &[1.0, 2.0], &[100.0], 70.0, 1000.0).is_err());
        assert!(laplace_log_likelihood(&[], &[], &[], 70.0, 1000.0)
            .unwrap()
            .is_nan());
    }
}

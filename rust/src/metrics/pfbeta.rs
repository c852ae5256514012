//! Probabilistic F-beta (Kaggle's `pfbeta`, RSNA breast cancer detection): precision and
//! recall computed from summed probabilities instead of counts.

use super::MetricResult;

/// `pfbeta(labels, predictions, beta)`: predictions are clipped to `[0, 1]`; a label other
/// than 0 (NaN included, as Python truthiness has it) is a positive. Sums run in row order.
///
/// Edge cases: a NaN prediction makes a sum NaN and the score falls through to 0; precision or
/// recall of 0 or NaN (e.g. all predictions 0) gives 0. The reference runs on Python scalars:
/// when every prediction lies below 0 the clipped values are Python ints and `0 / 0` raises
/// `ZeroDivisionError`, and so does a count of 0 positive labels (an int): both are errors
/// here too.
pub fn probabilistic_fbeta(labels: &[f64], predictions: &[f64], beta: f64) -> MetricResult {
    if labels.len() != predictions.len() {
        return Err(format!(
            "{} labels but {} predictions",
            labels.len(),
            predictions.len()
        ));
    }
    let (mut ctp, mut cfp, mut positives) = (0.0, 0.0, 0usize);
    // whether a sum holds a numpy scalar (any prediction kept by the clip) or only Python ints
    let (mut ctp_numpy, mut cfp_numpy) = (false, false);
    for (&label, &p) in labels.iter().zip(predictions) {
        let kept = p.is_nan() || (0.0..=1.0).contains(&p);
        let clipped = if p.is_nan() { p } else { p.clamp(0.0, 1.0) };
        if label != 0.0 {
            positives += 1;
            ctp += clipped;
            ctp_numpy |= kept;
        } else {
            cfp += clipped;
            cfp_numpy |= kept;
        }
    }
    if !(ctp_numpy || cfp_numpy) && ctp + cfp == 0.0 {
        return Err(
            "ZeroDivisionError: float division by zero (every prediction lies outside [0, 1])"
                .into(),
        );
    }
    if !ctp_numpy && positives == 0 {
        return Err("ZeroDivisionError: division by zero (no positive label)".into());
    }
    let beta_squared = beta * beta;
    let precision = ctp / (ctp + cfp);
    let recall = ctp / positives as f64;
    if precision > 0.0 && recall > 0.0 {
        Ok((1.0 + beta_squared) * (precision * recall) / (beta_squared * precision + recall))
    } else {
        Ok(0.0)
    }
}

/// Whether the reference's `pfbeta` returns a numpy float (rounded with numpy's rule) rather
/// than a Python float: true when any prediction survives the clip unchanged (a value in
/// `[0, 1]` or NaN stays a numpy scalar; the clip replaces the others with Python ints).
pub fn pfbeta_returns_numpy(predictions: &[f64]) -> bool {
    predictions
        .iter()
        .any(|&p| p.is_nan() || (0.0..=1.0).contains(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_soft() {
        assert_eq!(
            probabilistic_fbeta(&[1.0, 0.0, 1.0], &[1.0, 0.0, 1.0], 1.0).unwrap(),
            1.0
        );
        // ctp = 0.5, cfp = 0.5: precision 0.5, recall 0.5 -> 0.5
        assert_eq!(
            probabilistic_fbeta(&[1.0, 0.0], &[0.5, 0.5], 1.0).unwrap(),
            0.5
        );
    }

    #[test]
    fn clipping_nan_and_zero_sums() {
        assert_eq!(
            probabilistic_fbeta(&[1.0, 0.0], &[7.0, -3.0], 1.0).unwrap(),
            1.0
        );
        assert_eq!(
            probabilistic_fbeta(&[1.0, 0.0], &[0.5, f64::NAN], 1.0).unwrap(),
            0.0
        );
        assert_eq!(
            probabilistic_fbeta(&[1.0, 0.0], &[0.0, 0.0], 1.0).unwrap(),
            0.0
        );
        assert!(probabilistic_fbeta(&[1.0, 0.0], &[-1.0, -2.0], 1.0).is_err());
        assert!(probabilistic_fbeta(&[0.0, 0.0], &[2.0, -2.0], 1.0).is_err());
        // no positive label: recall is the Python int 0 divided by 0
        assert!(probabilistic_fbeta(&[0.0, 0.0], &[0.2, 0.3], 1.0).is_err());
        assert!(pfbeta_returns_numpy(&[2.0, 0.5]));
        assert!(!pfbeta_returns_numpy(&[2.0, -0.5]));
    }
}

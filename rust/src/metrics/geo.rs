//! Errors between directions and positions on a sphere.

use super::MetricResult;
use crate::numeric::np_mean;

/// Mean angle in radians between true and predicted directions given as azimuth and zenith
/// (IceCube's `angular_dist_score`): unit vectors' dot product, clipped to `[-1, 1]`, then
/// `arccos`.
///
/// Edge cases: angles out of range are fine (only their sines and cosines count); different
/// lengths are an error; NaN propagates; no values gives NaN.
pub fn mean_angular_error(
    az_true: &[f64],
    zen_true: &[f64],
    az_pred: &[f64],
    zen_pred: &[f64],
) -> MetricResult {
    let n = az_true.len();
    if zen_true.len() != n || az_pred.len() != n || zen_pred.len() != n {
        return Err("azimuth and zenith arrays must have the same length".into());
    }
    let angles: Vec<f64> = (0..n)
        .map(|i| {
            let (sa1, ca1, sz1, cz1) = (
                az_true[i].sin(),
                az_true[i].cos(),
                zen_true[i].sin(),
                zen_true[i].cos(),
            );
            let (sa2, ca2, sz2, cz2) = (
                az_pred[i].sin(),
                az_pred[i].cos(),
                zen_pred[i].sin(),
                zen_pred[i].cos(),
            );
            let dot = sz1 * sz2 * (ca1 * ca2 + sa1 * sa2) + cz1 * cz2;
            let dot = if dot.is_nan() {
                dot
            } else {
                dot.clamp(-1.0, 1.0)
            };
            dot.acos().abs()
        })
        .collect();
    Ok(np_mean(&angles))
}

/// Earth radius of the Smartphone Decimeter haversine formula, in meters.
pub const HAVERSINE_RADIUS_M: f64 = 6_371_000.0;

/// Great-circle distances in meters between points given in degrees (the Google Smartphone
/// Decimeter notebook's `haversine_distance`, radius 6,371,000 m).
///
/// Edge cases: NaN propagates to that distance; different lengths are an error.
pub fn haversine_distances(
    lat1: &[f64],
    lon1: &[f64],
    lat2: &[f64],
    lon2: &[f64],
) -> Result<Vec<f64>, String> {
    let n = lat1.len();
    if lon1.len() != n || lat2.len() != n || lon2.len() != n {
        return Err("latitude and longitude arrays must have the same length".into());
    }
    Ok((0..n)
        .map(|i| {
            let (la1, la2) = (lat1[i].to_radians(), lat2[i].to_radians());
            let dlat = la2 - la1;
            let dlng = lon2[i].to_radians() - lon1[i].to_radians();
            let a = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
            2.0 * HAVERSINE_RADIUS_M * a.sqrt().asin()
        })
        .collect())
}

/// `np.quantile(values, q)` with the default linear interpolation.
///
/// Edge cases: any NaN gives NaN; no values is an error; `q` outside `[0, 1]` is an error.
pub fn quantile(values: &[f64], q: f64) -> MetricResult {
    if values.is_empty() {
        return Err("cannot take a quantile of no values".into());
    }
    if !(0.0..=1.0).contains(&q) {
        return Err("Quantiles must be in the range [0, 1]".into());
    }
    if values.iter().any(|v| v.is_nan()) {
        return Ok(f64::NAN);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let virtual_index = (n - 1) as f64 * q;
    let (below, above) = if virtual_index >= (n - 1) as f64 {
        (n - 1, n - 1)
    } else {
        let b = virtual_index.floor() as usize;
        (b, b + 1)
    };
    let gamma = virtual_index - below as f64;
    Ok(lerp(sorted[below], sorted[above], gamma))
}

/// numpy's `_lerp`: from the nearer end, for symmetry.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn angular_error() {
        assert_eq!(
            mean_angular_error(&[1.0], &[0.5], &[1.0], &[0.5]).unwrap(),
            0.0
        );
        // opposite directions are pi apart
        let v = mean_angular_error(&[0.3], &[1.0], &[0.3 + PI], &[PI - 1.0]).unwrap();
        assert!((v - PI).abs() < 1e-7);
        // zenith 0 is the pole whatever the azimuth
        assert!(
            mean_angular_error(&[0.0], &[0.0], &[2.0], &[0.0])
                .unwrap()
                .abs()
                < 1e-15
        );
        assert!(mean_angular_error(&[0.0], &[0.0], &[2.0, 1.0], &[0.0]).is_err());
    }

    #[test]
    fn haversine() {
        // one degree of latitude is R * pi / 180
        let d = haversine_distances(&[10.0], &[20.0], &[11.0], &[20.0]).unwrap();
        assert!((d[0] - HAVERSINE_RADIUS_M * PI / 180.0).abs() < 1e-6);
        assert_eq!(
            haversine_distances(&[1.0], &[2.0], &[1.0], &[2.0]).unwrap()[0],
            0.0
        );
        assert!(haversine_distances(&[f64::NAN], &[2.0], &[1.0], &[2.0]).unwrap()[0].is_nan());
    }

    #[test]
    fn numpy_quantiles() {
        let v = [3.0, 1.0, 2.0, 4.0];
        assert_eq!(quantile(&v, 0.5).unwrap(), 2.5);
        assert_eq!(quantile(&v, 1.0).unwrap(), 4.0);
        assert_eq!(quantile(&v, 0.0).unwrap(), 1.0);
        assert!((quantile(&v, 0.95).unwrap() - 3.85).abs() < 1e-15);
        assert_eq!(quantile(&[7.0], 0.95).unwrap(), 7.0);
        assert!(quantile(&[1.0, f64::NAN], 0.5).unwrap().is_nan());
        assert!(quantile(&[], 0.5).is_err());
    }
}

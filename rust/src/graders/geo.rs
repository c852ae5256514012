//! Graders of directions and positions: IceCube's mean angular error and the Smartphone
//! Decimeter per-trip haversine error.

use super::checks::{
    answers_column, exact_column_set, same_id_set, same_length, sorted_pairing, submission_column,
};
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::{Column, Frame};
use crate::metrics;
use crate::numeric::np_mean;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// IceCube: the submission's columns must be exactly `{id, azimuth, zenith}`, the angles of a
/// numpy number type (not bool, not text) and finite; rows are paired by sorted id.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeanAngularError {
    pub id_column: String,
    pub azimuth_column: String,
    pub zenith_column: String,
}

impl Grade for MeanAngularError {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, azimuth, zenith) = (
            self.id_column.as_str(),
            self.azimuth_column.as_str(),
            self.zenith_column.as_str(),
        );
        exact_column_set(sub, &[id, azimuth, zenith])?;
        let sub_az = finite_numbers(submission_column(sub, azimuth)?, azimuth)?;
        let sub_zen = finite_numbers(submission_column(sub, zenith)?, zenith)?;
        let ans_az = answers_column(answers, azimuth)?
            .numeric_f64()
            .ok_or("the answers' azimuth is not numeric")?;
        let ans_zen = answers_column(answers, zenith)?
            .numeric_f64()
            .ok_or("the answers' zenith is not numeric")?;
        same_length(sub, answers)?;
        let sub_ids = submission_column(sub, id)?;
        let ans_ids = answers_column(answers, id)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!(
                "Submission and answers must have the same `{id}` values"
            ));
        }
        let pairing = sorted_pairing(sub_ids, ans_ids);
        let (so, ao) = pairing.rows();
        let pick = |v: &[f64], order: &[usize]| order.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        metrics::mean_angular_error(
            &pick(&ans_az, &ao),
            &pick(&ans_zen, &ao),
            &pick(&sub_az, &so),
            &pick(&sub_zen, &so),
        )
        .map(RawScore::numpy)
    }
}

/// `np.issubdtype(dtype, np.number)` and every value finite.
fn finite_numbers(col: &Column, name: &str) -> Result<Vec<f64>, String> {
    if !matches!(col, Column::Int(_) | Column::UInt(_) | Column::Float(_)) {
        return Err(format!(
            "`{name}` must be a number (found {} values)",
            col.dtype()
        ));
    }
    let values = col.numeric_f64().unwrap_or_default();
    if values.iter().any(|v| !v.is_finite()) {
        return Err(format!("`{name}` must not be infinite or missing"));
    }
    Ok(values)
}

/// Smartphone Decimeter 2022: for each trip of the answers (in order of appearance), the
/// submission's rows of that trip are paired with the answers' by position (no sort by time)
/// and scored by the mean of the 50th and 95th percentiles of the haversine error; trips are
/// averaged.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TripHaversine {
    pub trip_column: String,
    pub time_column: String,
    pub latitude_column: String,
    pub longitude_column: String,
}

impl Grade for TripHaversine {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (trip, time) = (self.trip_column.as_str(), self.time_column.as_str());
        let (latitude, longitude) = (
            self.latitude_column.as_str(),
            self.longitude_column.as_str(),
        );
        let ans_trips = answers_column(answers, trip)?;
        answers_column(answers, time)?;
        let ans_lat = answers_column(answers, latitude)?;
        let ans_lon = answers_column(answers, longitude)?;
        let sub_trips = submission_column(sub, trip)?;
        submission_column(sub, time)?;
        let sub_lat = submission_column(sub, latitude)?;
        let sub_lon = submission_column(sub, longitude)?;
        same_length(sub, answers)?;
        let ans_groups = rows_by_value(&ans_trips);
        let sub_groups = rows_by_value(sub_trips);
        let mut seen = HashSet::new();
        let mut per_trip = Vec::new();
        for t in ans_trips.values() {
            if !seen.insert(t.hash_key()) {
                continue;
            }
            // a NaN trip matches no row (`== NaN`), and the quantile of nothing then fails
            let rows = |groups: &HashMap<HashKey, Vec<usize>>| {
                groups.get(&t.hash_key()).cloned().unwrap_or_default()
            };
            let (ans_rows, sub_rows) = (rows(&ans_groups), rows(&sub_groups));
            if ans_rows.len() != sub_rows.len() {
                return Err(format!(
                    "Submission and answers must have the same number of rows for each `{trip}`: {} rows in the submission and {} in the answers for {}",
                    sub_rows.len(),
                    ans_rows.len(),
                    super::checks::describe(t)
                ));
            }
            let d = metrics::haversine_distances(
                &degrees(sub_lat, &sub_rows, latitude)?,
                &degrees(sub_lon, &sub_rows, longitude)?,
                &degrees(&ans_lat, &ans_rows, latitude)?,
                &degrees(&ans_lon, &ans_rows, longitude)?,
            )?;
            per_trip.push((metrics::quantile(&d, 0.5)? + metrics::quantile(&d, 0.95)?) / 2.0);
        }
        if per_trip.is_empty() {
            return Err("the answers hold no trip".into());
        }
        Ok(RawScore::numpy(np_mean(&per_trip)))
    }
}

/// Row numbers of each distinct value (Python equality), in file order.
fn rows_by_value(col: &Column) -> HashMap<HashKey<'_>, Vec<usize>> {
    let mut groups: HashMap<HashKey, Vec<usize>> = HashMap::new();
    for (r, v) in col.values().enumerate() {
        groups.entry(v.hash_key()).or_default().push(r);
    }
    groups
}

/// A coordinate column's values on `rows`; numpy's `deg2rad` fails on an object (text) array.
fn degrees(col: &Column, rows: &[usize], name: &str) -> Result<Vec<f64>, String> {
    let values = col
        .numeric_f64()
        .ok_or_else(|| format!("`{name}` must be numeric (found text)"))?;
    Ok(rows.iter().map(|&r| values[r]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_angular_error(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        azimuth: &str,
        zenith: &str,
    ) -> Result<RawScore, String> {
        MeanAngularError {
            id_column: id.into(),
            azimuth_column: azimuth.into(),
            zenith_column: zenith.into(),
        }
        .grade(sub, answers)
    }

    fn trip_haversine(
        sub: &Frame,
        answers: &Frame,
        trip: &str,
        latitude: &str,
        longitude: &str,
        time: &str,
    ) -> Result<RawScore, String> {
        let (trip_column, time_column) = (trip.into(), time.into());
        TripHaversine {
            trip_column,
            time_column,
            latitude_column: latitude.into(),
            longitude_column: longitude.into(),
        }
        .grade(sub, answers)
    }

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    #[test]
    fn icecube_checks_and_pairing() {
        let answers = frame("event_id,azimuth,zenith\n1,0.5,1.0\n2,1.5,2.0");
        let sub = frame("zenith,azimuth,event_id\n2.0,1.5,2\n1.0,0.5,1");
        let g = |s: &Frame| mean_angular_error(s, &answers, "event_id", "azimuth", "zenith");
        assert_eq!(g(&sub).unwrap().value, 0.0);
        assert!(g(&frame(
            "event_id,azimuth,zenith,x\n1,0.5,1.0,0\n2,1.5,2.0,0"
        ))
        .is_err());
        assert!(g(&frame("event_id,azimuth,zenith\n1,0.5,\n2,1.5,2.0")).is_err());
        assert!(g(&frame("event_id,azimuth,zenith\n1,inf,1.0\n2,1.5,2.0")).is_err());
        assert!(g(&frame("event_id,azimuth,zenith\n1,0.5,1.0\n3,1.5,2.0")).is_err());
    }

    #[test]
    fn trips_pair_rows_by_position() {
        let answers = frame("trip,t,lat,lon\nA,1,10.0,20.0\nA,2,11.0,20.0\nB,1,0.0,0.0");
        let g = |s: &Frame| trip_haversine(s, &answers, "trip", "lat", "lon", "t");
        let perfect = frame("trip,t,lat,lon\nB,0,0.0,0.0\nA,0,10.0,20.0\nA,0,11.0,20.0");
        assert_eq!(g(&perfect).unwrap().value, 0.0);
        // swapping rows inside trip A pairs each point with the other one
        let swapped = frame("trip,t,lat,lon\nA,1,11.0,20.0\nA,2,10.0,20.0\nB,1,0.0,0.0");
        let one_degree = metrics::geo::HAVERSINE_RADIUS_M * std::f64::consts::PI / 180.0;
        assert!((g(&swapped).unwrap().value - one_degree / 2.0).abs() < 1e-6);
        assert!(g(&frame(
            "trip,t,lat,lon\nA,1,10.0,20.0\nC,2,11.0,20.0\nB,1,0.0,0.0"
        ))
        .is_err());
        assert!(g(&frame(
            "trip,t,lat,lon\nA,1,10.0,20.0\nA,2,x,20.0\nB,1,0.0,0.0"
        ))
        .is_err());
        assert!(g(&frame(
            "trip,t,lat,lon\nA,1,10.0,20.0\nA,2,,20.0\nB,1,0.0,0.0"
        ))
        .unwrap()
        .value
        .is_nan());
    }
}

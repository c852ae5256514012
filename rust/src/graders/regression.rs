//! Graders of regression competitions: errors of numbers (RMSE, RMSLE, MCRMSE, pixel RMSE)
//! and OSIC's Laplace log-likelihood.

use super::checks::{
    answers_column, describe, pair_matching_ids, require_columns, same_length, sorted_pairing,
    submission_column,
};
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::{Column, Frame, Value};
use crate::metrics;
use crate::numeric::pairwise_sum;
use crate::sklearn::{check_finite, float_view, to_float_array};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// RMSE after sorting both files by id. The ids themselves are never compared: a wrong id
/// still pairs by sorted position (the reference does the same); lengths must agree.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SortedRmse {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for SortedRmse {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let ans_target = answers_column(answers, target)?;
        let ans_ids = answers_column(answers, id)?;
        let sub_target = submission_column(sub, target)?;
        let sub_ids = submission_column(sub, id)?;
        let pairing = sorted_pairing(sub_ids, ans_ids);
        let y_true = pairing.ans.take(ans_target.column());
        let y_pred = pairing.sub.take(sub_target);
        if y_true.len() != y_pred.len() {
            return Err(format!(
                "Submission has {} rows but {} are expected",
                y_pred.len(),
                y_true.len()
            ));
        }
        let t = to_float_array(&y_true, "y_true", true)?;
        let p = to_float_array(&y_pred, "y_pred", true)?;
        metrics::rmse(&t, &p).map(RawScore::numpy)
    }
}

/// Mean over target columns of RMSLE, rows paired by position (ids never read).
///
/// Mean of RMSLE over the target columns, rows paired in file order.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeanColumnwiseRmsle {
    pub target_columns: Vec<String>,
}

impl Grade for MeanColumnwiseRmsle {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let targets = &self.target_columns;
        require_columns(
            sub,
            answers,
            &targets.iter().map(String::as_str).collect::<Vec<_>>(),
        )?;
        same_length(sub, answers)?;
        let mut per_column = Vec::with_capacity(targets.len());
        for t in targets {
            let truth = to_float_array(answers_column(answers, t)?.column(), "y_true", true)?;
            let pred = to_float_array(submission_column(sub, t)?, "y_pred", true)?;
            per_column.push(metrics::rmsle(&truth, &pred)?);
        }
        // the reference adds the column scores and divides by their number
        Ok(RawScore::numpy(
            pairwise_sum(&per_column) / per_column.len() as f64,
        ))
    }
}

/// Pixel RMSE; ids sorted and compared.
///
/// Pixel RMSE (Denoising Dirty Documents): values must convert to float, lengths agree,
/// ids sorted and compared, then `root_mean_squared_error` (NaN or infinity invalid).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MatchedIdRmse {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for MatchedIdRmse {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let ans_ids = answers_column(answers, id)?;
        let ans_values = float_view(
            answers_column(answers, target)?.column(),
            "answers value",
            false,
        )?;
        let sub_ids = submission_column(sub, id)?;
        // `Series.astype(float)`
        let sub_values =
            float_view(submission_column(sub, target)?, target, false).map_err(|e| {
                format!("Submission must have float values in the '{target}' column ({e})")
            })?;
        same_length(sub, answers)?;
        let pairing = pair_matching_ids(sub_ids, ans_ids, id)?;
        // pairs are a permutation of all rows, so the NaN/infinity checks can run unordered
        check_finite(&sub_values, "y_true")?;
        check_finite(&ans_values, "y_pred")?;
        let y_sub = pairing.sub.gather(&sub_values);
        let y_ans = pairing.ans.gather(&ans_values);
        metrics::rmse(&y_sub, &y_ans).map(RawScore::numpy)
    }
}

/// Laplace log-likelihood on each patient's last `last_weeks` measured weeks.
///
/// OSIC pulmonary fibrosis: every submitted `Patient_Week` must exist in the answers; only
/// each patient's last `last_weeks` measured weeks are scored (no length check), pairing
/// rows by sorted `Patient_Week`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LaplaceLastWeeks {
    pub patient_column: String,
    pub patient_week_column: String,
    pub fvc_column: String,
    pub confidence_column: String,
    /// how many of each patient's last measured weeks are scored
    pub last_weeks: usize,
    /// the least confidence (sigma) the metric uses
    pub sigma_floor: f64,
    /// the largest absolute error the metric counts
    pub delta_cap: f64,
}

impl Grade for LaplaceLastWeeks {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let ans_pw = answers_column(answers, &self.patient_week_column)?;
        let ans_fvc = answers_column(answers, &self.fvc_column)?;
        let ans_patient = answers_column(answers, &self.patient_column)?;
        let sub_pw = submission_column(sub, &self.patient_week_column)?;
        let sub_fvc = submission_column(sub, &self.fvc_column)?;
        let sub_conf = submission_column(sub, &self.confidence_column)?;
        let known: HashSet<HashKey> = ans_pw.values().map(Value::hash_key).collect();
        if let Some(v) = sub_pw.values().find(|v| !known.contains(&v.hash_key())) {
            return Err(format!(
                "{} {} in submission does not exist in answers",
                self.patient_week_column,
                describe(v)
            ));
        }
        let pred = sub_fvc
            .numeric_f64()
            .ok_or_else(|| format!("{} column in submission must be numeric.", self.fvc_column))?;
        let conf = sub_conf.numeric_f64().ok_or_else(|| {
            format!(
                "{} column in submission must be numeric.",
                self.confidence_column
            )
        })?;
        let conf: Vec<f64> = conf
            .iter()
            .map(|&c| if c.is_nan() { 0.0 } else { c })
            .collect();
        let truth = to_float_array(&ans_fvc, "FVC", false)?;
        let scored = self.scored_answer_rows(&ans_pw, &ans_patient, &truth)?;
        let scored_keys: HashSet<HashKey> =
            scored.iter().map(|&r| ans_pw.get(r).hash_key()).collect();
        // the submission's scored rows, sorted by Patient_Week
        let sub_rows = sorted_by(
            sub_pw,
            (0..sub.nrows)
                .filter(|&r| scored_keys.contains(&sub_pw.get(r).hash_key()))
                .collect(),
        );
        let submitted: HashSet<HashKey> =
            sub_rows.iter().map(|&r| sub_pw.get(r).hash_key()).collect();
        let ans_rows: Vec<usize> = sorted_by(&ans_pw, scored)
            .into_iter()
            .filter(|&r| submitted.contains(&ans_pw.get(r).hash_key()))
            .collect();
        let actual: Vec<f64> = ans_rows.iter().map(|&r| truth[r]).collect();
        let predicted: Vec<f64> = sub_rows.iter().map(|&r| pred[r]).collect();
        let confidence: Vec<f64> = sub_rows.iter().map(|&r| conf[r]).collect();
        let (actual, predicted, confidence) = broadcast(actual, predicted, confidence)?;
        metrics::laplace_log_likelihood(
            &actual,
            &predicted,
            &confidence,
            self.sigma_floor,
            self.delta_cap,
        )
        .map(RawScore::numpy)
    }
}

impl LaplaceLastWeeks {
    /// Answers rows with a measured FVC among each patient's `last_weeks` highest week
    /// numbers (the number after the last `_` of `Patient_Week`).
    fn scored_answer_rows(
        &self,
        pw: &Column,
        patient: &Column,
        fvc: &[f64],
    ) -> Result<Vec<usize>, String> {
        let mut measured: Vec<(i64, usize)> = Vec::new();
        for (r, &v) in fvc.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            let Value::Str(text) = pw.get(r) else {
                return Err(format!(
                    "the answers' {} values must be text",
                    self.patient_week_column
                ));
            };
            let week = text.rsplit('_').next().unwrap_or("").trim();
            let week: i64 = week
                .parse()
                .map_err(|_| format!("invalid literal for int() with base 10: '{week}'"))?;
            measured.push((week, r));
        }
        measured.sort_by_key(|&(week, _)| week);
        let mut per_patient: HashMap<HashKey, Vec<usize>> = HashMap::new();
        for &(_, r) in &measured {
            // groupby drops rows whose patient is missing
            if !patient.get(r).is_nan() {
                per_patient
                    .entry(patient.get(r).hash_key())
                    .or_default()
                    .push(r);
            }
        }
        let mut rows: Vec<usize> = per_patient
            .values()
            .flat_map(|v| v[v.len().saturating_sub(self.last_weeks)..].iter().copied())
            .collect();
        rows.sort_unstable();
        Ok(rows)
    }
}

/// `rows` in the order of `sort_values(col)`.
fn sorted_by(col: &Column, rows: Vec<usize>) -> Vec<usize> {
    let order = col.take(&rows).argsort();
    order.iter().map(|&i| rows[i]).collect()
}

type Triple = (Vec<f64>, Vec<f64>, Vec<f64>);

/// numpy broadcasting of three 1-D arrays (predicted and confidence always agree).
fn broadcast(a: Vec<f64>, p: Vec<f64>, c: Vec<f64>) -> Result<Triple, String> {
    if a.len() == p.len() {
        return Ok((a, p, c));
    }
    let stretch = |v: Vec<f64>, n: usize| if v.len() == 1 { vec![v[0]; n] } else { v };
    match (a.len(), p.len()) {
        (1, n) => Ok((stretch(a, n), p, c)),
        (n, 1) => Ok((a, stretch(p, n), stretch(c, n))),
        (x, y) => Err(format!(
            "operands could not be broadcast together with shapes ({x},) ({y},)"
        )),
    }
}

/// Mean column-wise RMSE on the rows the answers' boolean `keep_column` marks (applied
/// by file row number after sorting by id).
///
/// OpenVaccine: MCRMSE over `targets` on the rows the answers' `keep` column marks. The
/// reference applies the keep mask by row label after sorting by id, so submission row `r`
/// (in file order) is kept when answers row `r` is: a shuffled submission is misaligned.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeepMaskMcrmse {
    pub id_column: String,
    /// the scored columns
    pub target_columns: Vec<String>,
    /// further columns the submission must have (not scored)
    pub required_columns: Vec<String>,
    /// the answers' boolean column marking the scored rows
    pub keep_column: String,
}

impl Grade for KeepMaskMcrmse {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        same_length(sub, answers)?;
        let ans_ids = answers_column(answers, &self.id_column)?;
        let keep = match answers_column(answers, &self.keep_column)?.column() {
            Column::Bool(v) => v,
            _ => {
                return Err(format!(
                    "the answers' `{}` column is not boolean",
                    self.keep_column
                ))
            }
        };
        for name in std::iter::once(self.id_column.as_str())
            .chain(self.target_columns.iter().map(String::as_str))
            .chain(self.required_columns.iter().map(String::as_str))
        {
            submission_column(sub, name)?;
        }
        let sub_ids = submission_column(sub, &self.id_column)?;
        let sub_order = sub_ids.argsort();
        let ans_order = ans_ids.argsort();
        for (i, (&s, &a)) in sub_order.iter().zip(&ans_order).enumerate() {
            if !sub_ids.get(s).py_eq(ans_ids.get(a)) {
                return Err(format!(
                    "Expected submission to have the same `{}` as answers, but got {} instead of {} on row {i}",
                    &self.id_column,
                    describe(sub_ids.get(s)),
                    describe(ans_ids.get(a))
                ));
            }
        }
        let sub_rows: Vec<usize> = sub_order.into_iter().filter(|&r| keep[r]).collect();
        let ans_rows: Vec<usize> = ans_order.into_iter().filter(|&r| keep[r]).collect();
        let mut truth = Vec::new();
        let mut pred = Vec::new();
        for t in &self.target_columns {
            truth.push(to_float_array(
                &answers_column(answers, t)?.take(&ans_rows),
                "y_true",
                true,
            )?);
            pred.push(to_float_array(
                &submission_column(sub, t)?.take(&sub_rows),
                "y_pred",
                true,
            )?);
        }
        let truth: Vec<&[f64]> = truth.iter().map(Vec::as_slice).collect();
        let pred: Vec<&[f64]> = pred.iter().map(Vec::as_slice).collect();
        metrics::mcrmse(&truth, &pred).map(RawScore::numpy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    fn matched_id_rmse(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        MatchedIdRmse {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }

    #[test]
    fn rmse_with_id_check() {
        let ans = Frame::from_csv_str("id,value\n1_1_1,1.0\n1_1_2,0.0\n").unwrap();
        let grade =
            |s: &str| matched_id_rmse(&Frame::from_csv_str(s).unwrap(), &ans, "id", "value");
        assert_eq!(grade("id,value\n1_1_2,0\n1_1_1,1\n").unwrap().value, 0.0);
        assert_eq!(
            grade("id,value\n1_1_1,0\n1_1_2,0\n").unwrap().value,
            0.5f64.sqrt()
        );
        assert!(grade("id,value\n1_1_1,1\n1_1_3,0\n").is_err());
        assert!(grade("id,value\n1_1_1,x\n1_1_2,0\n").is_err());
        assert!(grade("id,value\n1_1_1,\n1_1_2,0\n").is_err());
    }

    #[test]
    fn laplace_scores_last_weeks_only() {
        let answers = frame("Patient,Patient_Week,FVC\np,p_1,100\np,p_2,200\np,p_3,300\np,p_4,400\np,p_5,\nq,q_-1,50");
        let g = LaplaceLastWeeks {
            patient_column: "Patient".into(),
            patient_week_column: "Patient_Week".into(),
            fvc_column: "FVC".into(),
            confidence_column: "Confidence".into(),
            last_weeks: 3,
            sigma_floor: 70.0,
            delta_cap: 1000.0,
        };
        let best = -(std::f64::consts::SQRT_2 * 70.0).ln();
        // p_1 is not scored (not among p's last three measured weeks), so its error is free
        let sub = frame("Patient_Week,FVC,Confidence\nq_-1,50,\np_4,400,10\np_1,9999,70\np_2,200,70\np_3,300,70");
        assert!((g.grade(&sub, &answers).unwrap().value - best).abs() < 1e-12);
        let unknown = frame("Patient_Week,FVC,Confidence\np_9,1,70");
        assert!(g.grade(&unknown, &answers).is_err());
        let text = frame("Patient_Week,FVC,Confidence\np_2,x,70");
        assert!(g.grade(&text, &answers).is_err());
        let nan = frame("Patient_Week,FVC,Confidence\np_2,,70\np_3,300,70");
        assert!(g.grade(&nan, &answers).unwrap().value.is_nan());
    }

    #[test]
    fn keep_mask_follows_file_rows() {
        let answers = frame("id,a,x,keep\ni0,1.0,0,True\ni1,2.0,0,False\ni2,3.0,0,True");
        let (target_columns, required_columns) = (vec!["a".to_string()], vec!["x".to_string()]);
        let g = KeepMaskMcrmse {
            id_column: "id".into(),
            target_columns,
            required_columns,
            keep_column: "keep".into(),
        };
        let perfect = frame("id,a,x\ni0,1.0,9\ni1,-5,9\ni2,3.0,9");
        assert_eq!(g.grade(&perfect, &answers).unwrap().value, 0.0);
        // same values, rows 0 and 1 swapped: submission rows 0 and 2 (i1, i2) are kept
        let shuffled = frame("id,a,x\ni1,2.0,9\ni0,1.0,9\ni2,3.0,9");
        assert_eq!(g.grade(&shuffled, &answers).unwrap().value, (0.5f64).sqrt());
        assert!(g
            .grade(&frame("id,a\ni0,1.0\ni1,2.0\ni2,3.0"), &answers)
            .is_err());
    }
}

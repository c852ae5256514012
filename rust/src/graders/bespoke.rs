//! Graders of single competitions with their own alignment rules: Jigsaw's bias AUC, OSIC's
//! Laplace log-likelihood on each patient's last weeks, and OpenVaccine's MCRMSE with its
//! keep mask.

use super::checks::{answers_column, describe, pair_matching_ids, same_length, submission_column};
use super::{Grade, RawScore};
use serde::Deserialize;
use crate::frame::value::HashKey;
use crate::frame::{Column, Frame, Value};
use crate::metrics;
use crate::sklearn::to_float_array;
use std::collections::{HashMap, HashSet};

/// Jigsaw's bias AUC: overall AUC and power means of subgroup/BPSN/BNSP AUCs, with
/// predictions and labels cut at 0.5.
///
/// Jigsaw Unintended Bias: predictions (in `prediction` or, like the answers file itself, in
/// the target column; not both) and answers are cut at 0.5, then scored by
/// [`metrics::bias_auc_score`].
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BiasAuc {
    pub id_column: String,
    pub prediction_column: String,
    pub target_column: String,
    /// the answers' identity subgroup columns
    pub identity_columns: Vec<String>,
    /// the power of the generalised means of the subgroup AUCs
    pub power: f64,
    /// the weight of the overall AUC and of each generalised mean
    pub weight: f64,
}

impl Grade for BiasAuc {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let sub_ids = submission_column(sub, &self.id_column)?;
        let predictions = match (sub.column(&self.prediction_column), sub.column(&self.target_column)) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "Submission has both `{}` and `{}` columns: renaming makes a duplicate column",
                    self.prediction_column, self.target_column
                ))
            }
            (Some(c), None) | (None, Some(c)) => c,
            (None, None) => return Err(format!("Submission must have a `{}` column", self.prediction_column)),
        };
        let ans_ids = answers_column(answers, &self.id_column)?;
        let pairing = pair_matching_ids(sub_ids, ans_ids, &self.id_column)?;
        let (sub_order, ans_order) = (pairing.sub_rows, pairing.ans_rows);
        let scores = at_least_half(&predictions.take(&sub_order), &self.prediction_column)?;
        let labels = at_least_half(&answers_column(answers, &self.target_column)?.take(&ans_order), &self.target_column)?;
        let subgroups: Vec<Vec<bool>> = self
            .identity_columns
            .iter()
            .map(|name| {
                let flags = at_least_half(&answers_column(answers, name)?.take(&ans_order), name)?;
                Ok(flags.iter().map(|&f| f == 1.0).collect())
            })
            .collect::<Result<_, String>>()?;
        metrics::bias_auc_score(&labels, &scores, &subgroups, self.power, self.weight).map(RawScore::numpy)
    }
}

/// `col.apply(lambda x: 1 if x >= 0.5 else 0)`: NaN gives 0, text cannot be compared.
fn at_least_half(col: &Column, name: &str) -> Result<Vec<f64>, String> {
    col.values()
        .map(|v| match v {
            Value::Str(s) => Err(format!("The `{name}` column holds text ('{s}'); '>=' not supported between 'str' and 'float'")),
            v => Ok(f64::from(u8::from(v.as_f64().is_some_and(|x| x >= 0.5)))),
        })
        .collect()
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
            return Err(format!("{} {} in submission does not exist in answers", self.patient_week_column, describe(v)));
        }
        let pred = sub_fvc.numeric_f64().ok_or_else(|| format!("{} column in submission must be numeric.", self.fvc_column))?;
        let conf = sub_conf.numeric_f64().ok_or_else(|| format!("{} column in submission must be numeric.", self.confidence_column))?;
        let conf: Vec<f64> = conf.iter().map(|&c| if c.is_nan() { 0.0 } else { c }).collect();
        let truth = to_float_array(&ans_fvc, "FVC", false)?;
        let scored = self.scored_answer_rows(&ans_pw, &ans_patient, &truth)?;
        let scored_keys: HashSet<HashKey> = scored.iter().map(|&r| ans_pw.get(r).hash_key()).collect();
        // the submission's scored rows, sorted by Patient_Week
        let sub_rows = sorted_by(sub_pw, (0..sub.nrows).filter(|&r| scored_keys.contains(&sub_pw.get(r).hash_key())).collect());
        let submitted: HashSet<HashKey> = sub_rows.iter().map(|&r| sub_pw.get(r).hash_key()).collect();
        let ans_rows: Vec<usize> = sorted_by(&ans_pw, scored).into_iter().filter(|&r| submitted.contains(&ans_pw.get(r).hash_key())).collect();
        let actual: Vec<f64> = ans_rows.iter().map(|&r| truth[r]).collect();
        let predicted: Vec<f64> = sub_rows.iter().map(|&r| pred[r]).collect();
        let confidence: Vec<f64> = sub_rows.iter().map(|&r| conf[r]).collect();
        let (actual, predicted, confidence) = broadcast(actual, predicted, confidence)?;
        metrics::laplace_log_likelihood(&actual, &predicted, &confidence, self.sigma_floor, self.delta_cap)
            .map(RawScore::numpy)
    }
}

impl LaplaceLastWeeks {
    /// Answers rows with a measured FVC among each patient's `last_weeks` highest week
    /// numbers (the number after the last `_` of `Patient_Week`).
    fn scored_answer_rows(&self, pw: &Column, patient: &Column, fvc: &[f64]) -> Result<Vec<usize>, String> {
        let mut measured: Vec<(i64, usize)> = Vec::new();
        for (r, &v) in fvc.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            let Value::Str(text) = pw.get(r) else {
                return Err(format!("the answers' {} values must be text", self.patient_week_column));
            };
            let week = text.rsplit('_').next().unwrap_or("").trim();
            let week: i64 = week.parse().map_err(|_| format!("invalid literal for int() with base 10: '{week}'"))?;
            measured.push((week, r));
        }
        measured.sort_by_key(|&(week, _)| week);
        let mut per_patient: HashMap<HashKey, Vec<usize>> = HashMap::new();
        for &(_, r) in &measured {
            // groupby drops rows whose patient is missing
            if !patient.get(r).is_nan() {
                per_patient.entry(patient.get(r).hash_key()).or_default().push(r);
            }
        }
        let mut rows: Vec<usize> = per_patient.values().flat_map(|v| v[v.len().saturating_sub(self.last_weeks)..].iter().copied()).collect();
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
        (x, y) => Err(format!("operands could not be broadcast together with shapes ({x},) ({y},)")),
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
            _ => return Err(format!("the answers' `{}` column is not boolean", self.keep_column)),
        };
        for name in std::iter::once(self.id_column.as_str()).chain(self.target_columns.iter().map(String::as_str)).chain(self.required_columns.iter().map(String::as_str)) {
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
            truth.push(to_float_array(&answers_column(answers, t)?.take(&ans_rows), "y_true", true)?);
            pred.push(to_float_array(&submission_column(sub, t)?.take(&sub_rows), "y_pred", true)?);
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

    #[test]
    fn bias_auc_binarises_and_picks_the_column() {
        let answers = frame("id,toxicity,g\n1,0.9,1\n2,0.1,1\n3,0.6,0\n4,0.0,0\n5,0.7,1\n6,0.2,0");
        let identity_columns = vec!["g".to_string()];
        let (id_column, prediction_column, target_column) = ("id".into(), "prediction".into(), "toxicity".into());
        let g = BiasAuc { id_column, prediction_column, target_column, identity_columns, power: -5.0, weight: 0.25 };
        assert_eq!(g.grade(&answers, &answers).unwrap().value, 1.0);
        let below = frame("id,prediction\n1,0.4\n2,0.1\n3,0.3\n4,0.0\n5,0.45\n6,0.2");
        assert_eq!(g.grade(&below, &answers).unwrap().value, 0.5);
        let both = frame("id,prediction,toxicity\n1,1,1\n2,0,0\n3,1,1\n4,0,0\n5,1,1\n6,0,0");
        assert!(g.grade(&both, &answers).is_err());
        let text = frame("id,prediction\n1,high\n2,0.1\n3,0.3\n4,0.0\n5,0.45\n6,0.2");
        assert!(g.grade(&text, &answers).is_err());
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
        let g = KeepMaskMcrmse { id_column: "id".into(), target_columns, required_columns, keep_column: "keep".into() };
        let perfect = frame("id,a,x\ni0,1.0,9\ni1,-5,9\ni2,3.0,9");
        assert_eq!(g.grade(&perfect, &answers).unwrap().value, 0.0);
        // same values, rows 0 and 1 swapped: submission rows 0 and 2 (i1, i2) are kept
        let shuffled = frame("id,a,x\ni1,2.0,9\ni0,1.0,9\ni2,3.0,9");
        assert_eq!(g.grade(&shuffled, &answers).unwrap().value, (0.5f64).sqrt());
        assert!(g.grade(&frame("id,a\ni0,1.0\ni1,2.0\ni2,3.0"), &answers).is_err());
    }
}

//! Graders of regression competitions.

use super::checks::{answers_column, require_columns, same_length, sorted_pairing, submission_column};
use super::{Grade, RawScore};
use serde::Deserialize;
use crate::frame::Frame;
use crate::metrics;
use crate::numeric::pairwise_sum;
use crate::sklearn::to_float_array;

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
        let y_true = ans_target.take(&pairing.ans_rows);
        let y_pred = sub_target.take(&pairing.sub_rows);
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
        require_columns(sub, answers, &targets.iter().map(String::as_str).collect::<Vec<_>>())?;
        same_length(sub, answers)?;
        let mut per_column = Vec::with_capacity(targets.len());
        for t in targets {
            let truth = to_float_array(answers_column(answers, t)?.column(), "y_true", true)?;
            let pred = to_float_array(submission_column(sub, t)?, "y_pred", true)?;
            per_column.push(metrics::rmsle(&truth, &pred)?);
        }
        // the reference adds the column scores and divides by their number
        Ok(RawScore::numpy(pairwise_sum(&per_column) / per_column.len() as f64))
    }
}

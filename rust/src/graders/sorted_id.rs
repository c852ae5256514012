//! Graders that sort both files by id, require the sorted ids to be equal row by row, and
//! score one target column: RMSE, MAE, Pearson's r or the probabilistic F1.

use super::checks::{
    answers_column, describe, pair_matching_ids, same_length, submission_column, Order,
};
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::{Cell, Column, Frame, Value};
use crate::metrics;
use crate::sklearn::{float_view, to_float_array};
use serde::Deserialize;
use std::collections::HashSet;

/// The metric of a [`SortedIdScore`] grader.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SortedIdMetric {
    /// `sklearn.metrics.root_mean_squared_error`
    Rmse,
    /// `sklearn.metrics.mean_absolute_error`
    Mae,
    /// `scipy.stats.pearsonr(y_true, y_pred)[0]`: NaN predictions give NaN, not an error
    Pearson,
    /// Kaggle's `pfbeta` with beta = 1 (labels in the answers, probabilities submitted)
    ProbabilisticF1,
}

/// Rows scored: those whose answers' `column` equals `equals` (the others are dropped from
/// both files before the metric).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RowFilter {
    pub column: String,
    pub equals: f64,
}

/// Both files sorted by id, the sorted ids equal row by row (same length); one target
/// column scored by `metric`, optionally only where the answers' `scored_where` column
/// equals a value, optionally with every prediction required within `bounds` (inclusive).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SortedIdScore {
    pub id_column: String,
    pub target_column: String,
    pub metric: SortedIdMetric,
    /// every prediction must lie within these bounds (inclusive)
    #[serde(default)]
    pub bounds: Option<[f64; 2]>,
    /// only rows where the answers' column equals a value are scored
    #[serde(default)]
    pub scored_where: Option<RowFilter>,
}

impl Grade for SortedIdScore {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let ans_ids = answers_column(answers, &self.id_column)?;
        let ans_target = answers_column(answers, &self.target_column)?;
        let sub_ids = submission_column(sub, &self.id_column)?;
        let sub_target = submission_column(sub, &self.target_column)?;
        same_length(sub, answers)?;
        if let Some([lo, hi]) = self.bounds {
            within_bounds(sub_target, &self.target_column, lo, hi)?;
        }
        let pairing = pair_matching_ids(sub_ids, ans_ids, &self.id_column)?;
        let (sub_order, ans_order) = match &self.scored_where {
            None => (pairing.sub, pairing.ans),
            Some(filter) => {
                let (sub_rows, ans_rows) = pairing.rows();
                let (s, a) = scored_rows(answers, filter, sub_ids, &ans_ids, sub_rows, ans_rows)?;
                (Order::Rows(s), Order::Rows(a))
            }
        };
        let y_true = ans_order.take(ans_target.column());
        let y_pred = sub_order.take(sub_target);
        score(self.metric, &y_true, &y_pred, &self.target_column)
    }
}

fn score(
    metric: SortedIdMetric,
    y_true: &Column,
    y_pred: &Column,
    target: &str,
) -> Result<RawScore, String> {
    match metric {
        SortedIdMetric::Rmse | SortedIdMetric::Mae => {
            let t = float_view(y_true, "y_true", true)?;
            let p = float_view(y_pred, "y_pred", true)?;
            let value = if metric == SortedIdMetric::Rmse {
                metrics::rmse(&t, &p)?
            } else {
                metrics::mae(&t, &p)?
            };
            Ok(RawScore::numpy(value))
        }
        SortedIdMetric::Pearson => {
            // scipy cannot promote an object (text) array to float
            let t = y_true
                .numeric_f64()
                .ok_or("the answers' target column is not numeric")?;
            let p = y_pred
                .numeric_f64()
                .ok_or_else(|| format!("The `{target}` column must be numeric (found text)"))?;
            metrics::pearson(&t, &p).map(RawScore::numpy)
        }
        SortedIdMetric::ProbabilisticF1 => {
            let labels = to_float_array(y_true, "labels", false)?;
            let predictions = comparable_numbers(y_pred, target)?;
            let value = metrics::probabilistic_fbeta(&labels, &predictions, 1.0)?;
            // a Python float unless some prediction stayed a numpy scalar through the clip
            Ok(if metrics::pfbeta_returns_numpy(&predictions) {
                RawScore::numpy(value)
            } else {
                RawScore::python(value)
            })
        }
    }
}

/// Values that Python can compare with numbers (`max(x, 0)`): text cannot.
fn comparable_numbers(col: &Column, name: &str) -> Result<Vec<f64>, String> {
    if let Column::Object(cells) = col {
        if let Some(Cell::Str(s)) = cells.iter().find(|c| matches!(c, Cell::Str(_))) {
            return Err(format!(
                "The `{name}` column holds text ('{s}'); '>' not supported between instances of 'int' and 'str'"
            ));
        }
    }
    Ok(col
        .values()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect())
}

/// `col.between(lo, hi).all()`: NaN fails, text cannot be compared with numbers.
fn within_bounds(col: &Column, name: &str, lo: f64, hi: f64) -> Result<(), String> {
    for v in col.values() {
        match v {
            Value::Str(_) => {
                return Err(format!("The `{name}` column holds text; '>=' not supported between instances of 'str' and 'int'"))
            }
            _ if v.as_f64().is_some_and(|x| x >= lo && x <= hi) => {}
            _ => return Err(format!("`{name}` values must be between {lo} and {hi} (found {})", describe(v))),
        }
    }
    Ok(())
}

/// Keep answers rows matching the filter and the submission rows whose id is among theirs
/// (`submission[submission.id.isin(kept_answers.id)]`), both in pairing order.
fn scored_rows(
    answers: &Frame,
    filter: &RowFilter,
    sub_ids: &Column,
    ans_ids: &Column,
    sub_rows: Vec<usize>,
    ans_rows: Vec<usize>,
) -> Result<(Vec<usize>, Vec<usize>), String> {
    let column = answers_column(answers, &filter.column)?;
    let matches = |row: usize| column.get(row).py_eq(Value::Float(filter.equals));
    let kept_ans: Vec<usize> = ans_rows.into_iter().filter(|&r| matches(r)).collect();
    let kept_ids: HashSet<HashKey> = kept_ans
        .iter()
        .map(|&r| ans_ids.get(r).hash_key())
        .collect();
    let kept_sub: Vec<usize> = sub_rows
        .into_iter()
        .filter(|&r| kept_ids.contains(&sub_ids.get(r).hash_key()))
        .collect();
    Ok((kept_sub, kept_ans))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    fn grader(
        metric: SortedIdMetric,
        bounds: Option<[f64; 2]>,
        filter: Option<&RowFilter>,
    ) -> SortedIdScore {
        SortedIdScore {
            id_column: "id".into(),
            target_column: "y".into(),
            metric,
            bounds,
            scored_where: filter.cloned(),
        }
    }

    #[test]
    fn rmse_in_sorted_order_with_bounds() {
        let answers = frame("id,y\n1,10\n2,20\n3,30");
        let sub = frame("id,y\n3,30\n1,13\n2,24");
        let s = grader(SortedIdMetric::Rmse, Some([1.0, 100.0]), None)
            .grade(&sub, &answers)
            .unwrap();
        assert_eq!(s.value, (25.0f64 / 3.0).sqrt());
        let out = frame("id,y\n3,30\n1,0.5\n2,24");
        assert!(grader(SortedIdMetric::Rmse, Some([1.0, 100.0]), None)
            .grade(&out, &answers)
            .is_err());
        let text = frame("id,y\n3,30\n1,high\n2,24");
        assert!(grader(SortedIdMetric::Rmse, None, None)
            .grade(&text, &answers)
            .is_err());
        let wrong_id = frame("id,y\n4,30\n1,13\n2,24");
        assert!(grader(SortedIdMetric::Rmse, None, None)
            .grade(&wrong_id, &answers)
            .is_err());
    }

    #[test]
    fn mae_on_filtered_rows_ignores_nan_elsewhere() {
        let answers = frame("id,u,y\n1,0,1.0\n2,1,2.0\n3,0,3.0");
        let filter = RowFilter {
            column: "u".into(),
            equals: 0.0,
        };
        let sub = frame("id,y\n2,\n1,2.0\n3,3.0");
        let s = grader(SortedIdMetric::Mae, None, Some(&filter))
            .grade(&sub, &answers)
            .unwrap();
        assert_eq!(s.value, 0.5);
        let nan_scored = frame("id,y\n2,2.0\n1,\n3,3.0");
        assert!(grader(SortedIdMetric::Mae, None, Some(&filter))
            .grade(&nan_scored, &answers)
            .is_err());
    }

    #[test]
    fn pearson_propagates_nan_and_refuses_text() {
        let answers = frame("id,y\n1,0.0\n2,0.5\n3,1.0");
        let nan = frame("id,y\n1,0.1\n2,\n3,0.9");
        assert!(grader(SortedIdMetric::Pearson, None, None)
            .grade(&nan, &answers)
            .unwrap()
            .value
            .is_nan());
        let text = frame("id,y\n1,0.1\n2,x\n3,0.9");
        assert!(grader(SortedIdMetric::Pearson, None, None)
            .grade(&text, &answers)
            .is_err());
    }

    #[test]
    fn pf1_rounding_follows_python_types() {
        let answers = frame("id,y\n1,1\n2,0");
        let in_range = grader(SortedIdMetric::ProbabilisticF1, None, None)
            .grade(&frame("id,y\n1,0.5\n2,0.5"), &answers)
            .unwrap();
        assert_eq!(
            (in_range.value, in_range.rounding),
            (0.5, super::super::Rounding::Numpy)
        );
        let clipped = grader(SortedIdMetric::ProbabilisticF1, None, None)
            .grade(&frame("id,y\n1,3\n2,-1"), &answers)
            .unwrap();
        assert_eq!(
            (clipped.value, clipped.rounding),
            (1.0, super::super::Rounding::Python)
        );
        assert!(grader(SortedIdMetric::ProbabilisticF1, None, None)
            .grade(&frame("id,y\n1,-3\n2,-1"), &answers)
            .is_err());
    }
}

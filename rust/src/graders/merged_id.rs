//! Graders that check only the id *set*, then inner-join the submission onto the answers by
//! id (`answers.merge(submission, on=id)`): a repeated submission row is joined, and so
//! counted, once per repeat.

use super::checks::{answers_column, same_id_set, submission_column};
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::value::{FastMap, FastSet};
use crate::frame::{Column, Frame, Value};
use crate::metrics;
use crate::sklearn::to_float_array;
use serde::Deserialize;

/// The metric of a [`MergedOnId`] grader.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MergedMetric {
    /// `int(round(mean_absolute_error))`: Python's round, half to even
    MaeRoundedToInt,
    /// mean over the groups of `group_column` (sorted) of `log(MAE)`; no floor, so an exact
    /// group gives -inf
    MeanLogMaeByGroup,
}

/// Only the id *set* checked, then the submission inner-joined onto the answers by id
/// (repeated rows count once per repeat) and scored by `metric`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MergedOnId {
    pub id_column: String,
    pub target_column: String,
    pub metric: MergedMetric,
    /// the grouping column of the answers, for `mean_log_mae_by_group`
    #[serde(default)]
    pub group_column: Option<String>,
}

impl Grade for MergedOnId {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let ans_target = answers_column(answers, &self.target_column)?;
        let ans_ids = answers_column(answers, &self.id_column)?;
        let sub_target = submission_column(sub, &self.target_column)?;
        let sub_ids = submission_column(sub, &self.id_column)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!(
                "Submission `{}` values are not the same set as the answers'",
                self.id_column
            ));
        }
        let (ans_rows, sub_rows) = inner_join(&ans_ids, sub_ids);
        match self.metric {
            MergedMetric::MaeRoundedToInt => {
                let t = to_float_array(&ans_target.take(&ans_rows), "y_true", true)?;
                let p = to_float_array(&sub_target.take(&sub_rows), "y_pred", true)?;
                Ok(RawScore::python(metrics::mae(&t, &p)?.round_ties_even()))
            }
            MergedMetric::MeanLogMaeByGroup => {
                let name = self
                    .group_column
                    .as_deref()
                    .ok_or("the mean_log_mae_by_group metric needs a `group_column`")?;
                let groups = answers_column(answers, name)?;
                mean_log_mae_by_group(&ans_target, sub_target, &groups, &ans_rows, &sub_rows)
                    .map(RawScore::numpy)
            }
        }
    }
}

/// Row pairs of the inner join: answers rows in order, each with its submission matches in
/// submission order.
fn inner_join(ans_ids: &Column, sub_ids: &Column) -> (Vec<usize>, Vec<usize>) {
    // first submission row of each id, and for each row the next row with the same id
    const NONE: usize = usize::MAX;
    let mut first: FastMap<HashKey, usize> = FastMap::default();
    first.reserve(sub_ids.len());
    let mut next = vec![NONE; sub_ids.len()];
    for row in (0..sub_ids.len()).rev() {
        if let Some(later) = first.insert(sub_ids.get(row).hash_key(), row) {
            next[row] = later;
        }
    }
    let (mut ans_rows, mut sub_rows) = (
        Vec::with_capacity(ans_ids.len()),
        Vec::with_capacity(ans_ids.len()),
    );
    for (row, v) in ans_ids.values().enumerate() {
        let mut s = first.get(&v.hash_key()).copied().unwrap_or(NONE);
        while s != NONE {
            ans_rows.push(row);
            sub_rows.push(s);
            s = next[s];
        }
    }
    (ans_rows, sub_rows)
}

/// `groupby(group)` over the joined rows (missing groups dropped, keys sorted), each group's
/// values checked by scikit-learn separately.
fn mean_log_mae_by_group(
    ans_target: &Column,
    sub_target: &Column,
    groups: &Column,
    ans_rows: &[usize],
    sub_rows: &[usize],
) -> Result<f64, String> {
    let keys = sorted_group_keys(groups, ans_rows)?;
    let index: FastMap<HashKey, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.hash_key(), i))
        .collect();
    let group_of_answer_row: Vec<Option<usize>> = groups
        .values()
        .map(|v| index.get(&v.hash_key()).copied())
        .collect();
    let mut members: Vec<(Vec<usize>, Vec<usize>)> = vec![(Vec::new(), Vec::new()); keys.len()];
    for (&a, &s) in ans_rows.iter().zip(sub_rows) {
        if let Some(g) = group_of_answer_row[a] {
            members[g].0.push(a);
            members[g].1.push(s);
        }
    }
    let (mut t, mut p, mut g) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (a, s)) in members.iter().enumerate() {
        t.extend(to_float_array(&ans_target.take(a), "y_true", true)?);
        p.extend(to_float_array(&sub_target.take(s), "y_pred", true)?);
        g.extend(std::iter::repeat_n(i, a.len()));
    }
    metrics::mean_log_mae_by_group(&t, &p, &g, keys.len())
}

/// Distinct non-missing group labels of the joined answers rows, in pandas' sorted order
/// (text or numbers, not both).
fn sorted_group_keys<'a>(groups: &'a Column, rows: &[usize]) -> Result<Vec<Value<'a>>, String> {
    let mut seen = FastSet::default();
    let mut keys: Vec<Value> = rows
        .iter()
        .map(|&r| groups.get(r))
        .filter(|v| !v.is_nan() && seen.insert(v.hash_key()))
        .collect();
    let text = keys.iter().filter(|v| matches!(v, Value::Str(_))).count();
    if text != 0 && text != keys.len() {
        return Err("group labels mix text and numbers and cannot be sorted".into());
    }
    keys.sort_by(|a, b| match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        _ => a
            .as_f64()
            .unwrap_or(f64::NAN)
            .total_cmp(&b.as_f64().unwrap_or(f64::NAN)),
    });
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    const ANSWERS: &str = "id,type,y\n1,b,1.0\n2,a,2.0\n3,b,3.0\n4,a,4.0";

    #[test]
    fn log_mae_per_sorted_group() {
        let g = MergedOnId {
            id_column: "id".into(),
            target_column: "y".into(),
            metric: MergedMetric::MeanLogMaeByGroup,
            group_column: Some("type".into()),
        };
        // group a: MAE 1; group b: MAE e
        let e = std::f64::consts::E;
        let sub = frame(&format!("id,y\n4,5.0\n3,{}\n2,1.0\n1,{}", 3.0 + e, 1.0 - e));
        let s = g.grade(&sub, &frame(ANSWERS)).unwrap();
        assert!((s.value - 0.5).abs() < 1e-12);
        let exact_a = frame(&format!("id,y\n4,4.0\n3,{}\n2,2.0\n1,1.0", 3.0 + e));
        assert_eq!(
            g.grade(&exact_a, &frame(ANSWERS)).unwrap().value,
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn id_set_only_and_duplicates_count_twice() {
        let g = MergedOnId {
            id_column: "id".into(),
            target_column: "y".into(),
            metric: MergedMetric::MaeRoundedToInt,
            group_column: None,
        };
        let dup = frame("id,y\n1,1.0\n2,2.0\n3,3.0\n4,4.0\n4,14.0");
        assert_eq!(g.grade(&dup, &frame(ANSWERS)).unwrap().value, 2.0);
        let half = frame("id,y\n1,3.5\n2,4.5\n3,5.5\n4,6.5");
        assert_eq!(g.grade(&half, &frame(ANSWERS)).unwrap().value, 2.0);
        let missing = frame("id,y\n1,1.0\n2,2.0\n3,3.0");
        assert!(g.grade(&missing, &frame(ANSWERS)).is_err());
        let nan = frame("id,y\n1,1.0\n2,\n3,3.0\n4,4.0");
        assert!(g.grade(&nan, &frame(ANSWERS)).is_err());
    }
}

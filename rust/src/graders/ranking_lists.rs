//! Graders of ranking competitions: MAP@k of prediction lists, Kendall-tau of item orders,
//! column-wise Spearman correlation.

use super::checks::{
    answers_column, exact_column_set, same_id_set, same_length, submission_column, ColumnRule,
    IdPolicy,
};
use super::text::texts;
use super::{Grade, RawScore};
use crate::frame::{Column, Frame, Value};
use crate::metrics;
use crate::metrics::correlation::{average_ranks, average_ranks_by, spearman_from_ranks};
use crate::numeric::np_mean;
use crate::pystr::{split_on_space, split_words};
use serde::Deserialize;
use std::collections::HashSet;

/// MAP@k of space-separated prediction lists against the answers' label sets.
///
/// MAP@k of `split(" ")` prediction lists against the answers' `split(" ")` label sets.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MapAtK {
    pub id_column: String,
    pub target_column: String,
    pub k: usize,
    /// `exact_column_set` (exactly the id and target columns) or `required_columns`
    #[serde(deserialize_with = "ColumnRule::set_or_required")]
    pub column_rule: ColumnRule,
    /// `same_set` (then the row counts must match too) or `superset`
    #[serde(deserialize_with = "same_set_or_superset")]
    pub ids: IdPolicy,
}

fn same_set_or_superset<'de, D: serde::Deserializer<'de>>(d: D) -> Result<IdPolicy, D::Error> {
    IdPolicy::one_of(d, &[IdPolicy::SameSet, IdPolicy::Superset])
}

impl Grade for MapAtK {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let (k, column_rule, ids) = (self.k, self.column_rule, self.ids);
        let ans_ids = answers_column(answers, id)?;
        let ans_target = answers_column(answers, target)?;
        if column_rule == ColumnRule::ExactColumnSet {
            exact_column_set(sub, &[id, target])?;
        }
        let sub_ids = submission_column(sub, id)?;
        let sub_target = submission_column(sub, target)?;
        let kept: Vec<usize> = match ids {
            IdPolicy::SameSet => {
                if !same_id_set(sub_ids, ans_ids) {
                    return Err(format!(
                        "Submission and answers have different `{id}` values"
                    ));
                }
                same_length(sub, answers)?;
                (0..sub.nrows).collect()
            }
            IdPolicy::Superset => rows_of_answer_ids(sub_ids, &ans_ids, id)?,
            // refused when the config is read; reachable only from Rust code
            IdPolicy::SortedEqual => {
                return Err(
                    "grader config error: map_at_k does not implement `ids: sorted_equal`".into(),
                )
            }
        };
        let sub_order: Vec<usize> = sub_ids
            .take(&kept)
            .argsort()
            .into_iter()
            .map(|i| kept[i])
            .collect();
        let ans_order = ans_ids.argsort();
        let actual_text = texts(&ans_target, &ans_order);
        let predicted_text = texts(sub_target, &sub_order);
        let actual: Vec<Vec<&str>> = actual_text
            .iter()
            .map(|t| split_on_space(t).collect())
            .collect();
        let predicted: Vec<Vec<&str>> = predicted_text
            .iter()
            .map(|t| split_on_space(t).collect())
            .collect();
        Ok(RawScore::numpy(metrics::mean_average_precision_at_k(
            &actual, &predicted, k,
        )))
    }
}

/// `set(sub_ids) >= set(answer_ids)`, then the submission rows whose id is an answer id.
fn rows_of_answer_ids(sub_ids: &Column, ans_ids: &Column, id: &str) -> Result<Vec<usize>, String> {
    let sub_keys: HashSet<_> = sub_ids.values().map(Value::hash_key).collect();
    // NaN keys never match, as distinct NaN objects in a Python set
    if let Some(missing) = ans_ids
        .values()
        .find(|v| v.is_nan() || !sub_keys.contains(&v.hash_key()))
    {
        return Err(format!(
            "Submission `{id}` values must include every answer id (missing: {})",
            super::checks::describe(missing)
        ));
    }
    let answer_keys: HashSet<_> = ans_ids.values().map(Value::hash_key).collect();
    Ok((0..sub_ids.len())
        .filter(|&i| answer_keys.contains(&sub_ids.get(i).hash_key()))
        .collect())
}

/// Kendall-tau ordering score of whitespace-separated item orders, rows by sorted id.
///
/// Kendall-tau ordering score of whitespace-separated item orders.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KendallTauOrder {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for KendallTauOrder {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        same_length(sub, answers)?;
        let sub_ids = submission_column(sub, id)?;
        let sub_orders = submission_column(sub, target)?;
        let ans_ids = answers_column(answers, id)?;
        let ans_orders = answers_column(answers, target)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!(
                "Submission and answers must have the same `{id}` values"
            ));
        }
        let sub_text = texts(sub_orders, &sub_ids.argsort());
        let ans_text = texts(&ans_orders, &ans_ids.argsort());
        let mut submitted: Vec<Vec<&str>> = Vec::with_capacity(sub_text.len());
        let mut truth: Vec<Vec<&str>> = Vec::with_capacity(ans_text.len());
        for (row, (s, a)) in sub_text.iter().zip(&ans_text).enumerate() {
            let (s, a): (Vec<&str>, Vec<&str>) =
                (split_words(s).collect(), split_words(a).collect());
            if s.len() != a.len() {
                return Err(format!(
                    "row {} (sorted by `{id}`): the submission orders {} items but the answer has {}",
                    row + 1,
                    s.len(),
                    a.len()
                ));
            }
            submitted.push(s);
            truth.push(a);
        }
        // The reference ranks the answers' items by their position in the submitted order
        // (the names are swapped in its code): an answer item missing from the submission is
        // an error, a repeated submitted item ranks at its first position.
        metrics::kendall_tau_ordering(&submitted, &truth).map(RawScore::python)
    }
}

/// Mean over target columns of Spearman's rho, rows paired after sorting by id (the ids
/// are never compared); the submission has exactly the id and target columns.
///
/// Mean of Spearman's rho over the target columns, rows paired by sorted id.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnwiseSpearman {
    pub id_column: String,
    pub target_columns: Vec<String>,
}

impl Grade for ColumnwiseSpearman {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, targets) = (self.id_column.as_str(), &self.target_columns);
        let sub_ids = submission_column(sub, id)?;
        for t in targets {
            submission_column(sub, t)?;
        }
        if sub.ncols() != targets.len() + 1 {
            return Err(format!(
                "Submission has {} target columns, expected {}",
                sub.ncols().saturating_sub(1),
                targets.len()
            ));
        }
        same_length(sub, answers)?;
        let ans_ids = answers_column(answers, id)?;
        if answers.ncols() != targets.len() + 1 {
            return Err("the answers file does not have exactly the id and target columns".into());
        }
        // rows pair by sorted position, ids never compared
        let pairing = super::checks::sorted_pairing(sub_ids, ans_ids);
        let (sub_order, ans_order) = pairing.rows();
        let mut rhos = Vec::with_capacity(targets.len());
        for t in targets {
            let x = submission_column(sub, t)?.take(&sub_order);
            let y = answers_column(answers, t)?.take(&ans_order);
            rhos.push(column_spearman(&x, &y, t)?);
        }
        Ok(RawScore::numpy(np_mean(&rhos)))
    }
}

/// `scipy.stats.spearmanr(x, y).correlation` on two columns: NaN for fewer than two rows, a
/// constant column or any missing value; text is ranked in string order (SciPy sorts the
/// object array), text mixed with other values cannot be ordered (error).
fn column_spearman(x: &Column, y: &Column, name: &str) -> Result<f64, String> {
    let n = x.len();
    let constant = |c: &Column| c.values().all(|v| c.get(0).py_eq(v));
    let has_nan = |c: &Column| c.values().any(Value::is_nan);
    if n <= 1 || constant(x) || constant(y) || has_nan(x) || has_nan(y) {
        return Ok(f64::NAN);
    }
    Ok(spearman_from_ranks(
        &column_ranks(x, name)?,
        &column_ranks(y, name)?,
    ))
}

fn column_ranks(col: &Column, name: &str) -> Result<Vec<f64>, String> {
    if let Some(v) = col.numeric_f64() {
        return Ok(average_ranks(&v));
    }
    let cells: Vec<&str> = col
        .values()
        .map(|v| match v {
            Value::Str(s) => Ok(s),
            _ => Err(format!(
                "the `{name}` column mixes text with other values and cannot be ranked"
            )),
        })
        .collect::<Result<_, _>>()?;
    Ok(average_ranks_by(&cells, |a, b| a.cmp(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_at_k(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
        k: usize,
        exact: bool,
        ids: IdPolicy,
    ) -> Result<RawScore, String> {
        let column_rule = if exact {
            ColumnRule::ExactColumnSet
        } else {
            ColumnRule::RequiredColumns
        };
        MapAtK {
            id_column: id.into(),
            target_column: target.into(),
            k,
            column_rule,
            ids,
        }
        .grade(sub, answers)
    }

    fn columnwise_spearman(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        targets: &[String],
    ) -> Result<RawScore, String> {
        ColumnwiseSpearman {
            id_column: id.into(),
            target_columns: targets.to_vec(),
        }
        .grade(sub, answers)
    }

    fn kendall_tau_order(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        KendallTauOrder {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    #[test]
    fn map_same_set_and_superset() {
        let answers = frame("Image,Id\na.jpg,w1\nb.jpg,w2\n");
        let sub = frame("Id,Image\nx w2,b.jpg\nw1,a.jpg\n");
        let s = map_at_k(&sub, &answers, "Image", "Id", 5, true, IdPolicy::SameSet).unwrap();
        assert_eq!(s.value, 0.75);
        let extra = frame("Image,Id,conf\na.jpg,w1,1\nb.jpg,w2,1\n");
        assert!(map_at_k(&extra, &answers, "Image", "Id", 5, true, IdPolicy::SameSet).is_err());
        assert!(map_at_k(&extra, &answers, "Image", "Id", 5, false, IdPolicy::SameSet).is_ok());
        // superset: an extra customer is dropped; a missing one is invalid
        let more = frame("Image,Id\nc.jpg,w9\nb.jpg,w2\na.jpg,w1\n");
        assert_eq!(
            map_at_k(&more, &answers, "Image", "Id", 12, true, IdPolicy::Superset)
                .unwrap()
                .value,
            1.0
        );
        let fewer = frame("Image,Id\nb.jpg,w2\n");
        assert!(map_at_k(
            &fewer,
            &answers,
            "Image",
            "Id",
            12,
            true,
            IdPolicy::Superset
        )
        .is_err());
        // double space: an empty token takes a slot
        let double = frame("Image,Id\na.jpg,x  w1\nb.jpg,w2\n");
        assert_eq!(
            map_at_k(&double, &answers, "Image", "Id", 5, true, IdPolicy::SameSet)
                .unwrap()
                .value,
            (1.0 / 3.0 + 1.0) / 2.0
        );
    }

    #[test]
    fn kendall_order_checks() {
        let answers = frame("id,cell_order\nn1,a b c\nn2,x y\n");
        let sub = frame("cell_order,id\ny x,n2\n  a  b c ,n1\n");
        // inversions 1 of (6 + 2) doubled pairs -> 1 - 4/8
        assert_eq!(
            kendall_tau_order(&sub, &answers, "id", "cell_order")
                .unwrap()
                .value,
            0.5
        );
        let short = frame("id,cell_order\nn1,a b\nn2,x y\n");
        assert!(kendall_tau_order(&short, &answers, "id", "cell_order").is_err());
        let unknown = frame("id,cell_order\nn1,a b zz\nn2,x y\n");
        assert!(kendall_tau_order(&unknown, &answers, "id", "cell_order").is_err());
    }

    #[test]
    fn spearman_columns() {
        let answers = frame("qa_id,a,b\n1,0.1,0.5\n2,0.2,0.4\n3,0.3,0.9\n");
        let sub = frame("b,qa_id,a\n0.5,1,7\n0.4,2,8\n0.9,3,9\n");
        assert_eq!(
            columnwise_spearman(&sub, &answers, "qa_id", &["a".into(), "b".into()])
                .unwrap()
                .value,
            1.0
        );
        let constant = frame("qa_id,a,b\n1,1,0.5\n2,1,0.4\n3,1,0.9\n");
        assert!(
            columnwise_spearman(&constant, &answers, "qa_id", &["a".into(), "b".into()])
                .unwrap()
                .value
                .is_nan()
        );
        let extra = frame("qa_id,a,b,c\n1,1,0.5,1\n2,2,0.4,1\n3,3,0.9,1\n");
        assert!(columnwise_spearman(&extra, &answers, "qa_id", &["a".into(), "b".into()]).is_err());
        let text = frame("qa_id,a,b\n1,x,0.5\n2,y,0.4\n3,z,0.9\n");
        assert_eq!(
            columnwise_spearman(&text, &answers, "qa_id", &["a".into(), "b".into()])
                .unwrap()
                .value,
            1.0
        );
    }
}

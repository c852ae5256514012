//! Graders built on ROC AUC variants: the mean over several label columns, the positional
//! multi-label form (jigsaw-toxic-comment), the TPR-band weighted AUC (alaska2) and Jigsaw's
//! bias AUC.

use super::checks::{
    answers_column, describe, exact_column_set, pair_matching_ids, pair_rows_by_id,
    probabilities_by_min_max, same_length, sorted_pairing, submission_column, ColumnRule,
};
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::{Column, Frame, Value};
use crate::metrics;
use crate::sklearn::to_float_array;
use crate::sorting::pandas_sort_index::sort_index_order;
use serde::Deserialize;
use std::collections::HashMap;

/// Writes the rows `order` of `col` as float64 (`check_array`: text through `float()`,
/// NaN and infinity refused) to a row-major matrix of `n_columns` columns at column `c`.
fn fill_column(
    matrix: &mut [f64],
    n_columns: usize,
    c: usize,
    col: &Column,
    order: &[usize],
    name: &str,
) -> Result<(), String> {
    let values = to_float_array(&col.take(order), name, true)?;
    for (r, v) in values.into_iter().enumerate() {
        matrix[r * n_columns + c] = v;
    }
    Ok(())
}

/// Mean over `targets` of the binary ROC AUC of each column, rows aligned by sorted id.
///
/// `column_rule: exact_column_set`: the submission's columns must be exactly the id and the
/// targets, in any order (plant-pathology-2020); otherwise extra columns are ignored.
/// `probability_range_check`: each target column must pass `pd.to_numeric` and lie in
/// `[0, 1]` by its min and max (ranzcr, which runs `prepare_for_auroc_metric` per column).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnwiseRocAuc {
    pub id_column: String,
    pub target_columns: Vec<String>,
    /// `exact_column_set` (exactly the id and the targets, any order) or `required_columns`
    /// (the default: extra columns are ignored)
    #[serde(
        default = "required_columns",
        deserialize_with = "ColumnRule::set_or_required"
    )]
    pub column_rule: ColumnRule,
    /// each target column must be numeric with min >= 0 and max <= 1 (NaN skipped)
    #[serde(default)]
    pub probability_range_check: bool,
}

fn required_columns() -> ColumnRule {
    ColumnRule::RequiredColumns
}

impl Grade for ColumnwiseRocAuc {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, targets) = (self.id_column.as_str(), &self.target_columns);
        let (column_rule, probability_range_check) =
            (self.column_rule, self.probability_range_check);
        answers_column(answers, id)?;
        for t in targets {
            answers_column(answers, t)?;
        }
        if column_rule == ColumnRule::ExactColumnSet {
            same_length(sub, answers)?;
            let expected: Vec<&str> = std::iter::once(id)
                .chain(targets.iter().map(String::as_str))
                .collect();
            exact_column_set(sub, &expected)?;
        } else {
            for t in targets {
                submission_column(sub, t)?;
            }
            submission_column(sub, id)?;
            same_length(sub, answers)?;
        }
        if probability_range_check {
            for t in targets {
                probabilities_by_min_max(submission_column(sub, t)?, t)?;
            }
        }
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let k = targets.len();
        let mut y_true = vec![0.0; answers.nrows * k];
        let mut y_score = vec![0.0; sub.nrows * k];
        for (c, t) in targets.iter().enumerate() {
            fill_column(
                &mut y_true,
                k,
                c,
                answers_column(answers, t)?.column(),
                &ans_order,
                "y_true",
            )?;
            fill_column(
                &mut y_score,
                k,
                c,
                submission_column(sub, t)?,
                &sub_order,
                "y_score",
            )?;
        }
        metrics::mean_columnwise_roc_auc(&y_true, &y_score, k).map(RawScore::numpy)
    }
}

/// jigsaw-toxic-comment's multi-label ROC AUC: both files indexed by id and sorted, answers
/// rows whose `classes` sum below zero (labelled -1) dropped from both, then every
/// submission column but the id scored against every answers column but the id *by
/// position* (`roc_auc_score(answers.to_numpy(), submission.to_numpy(), average="macro")`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PositionalMultilabelRocAuc {
    pub id_column: String,
    pub class_columns: Vec<String>,
}

impl Grade for PositionalMultilabelRocAuc {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, classes) = (self.id_column.as_str(), &self.class_columns);
        let sub_ids = submission_column(sub, id)?;
        let missing: Vec<&str> = classes
            .iter()
            .filter(|c| !sub.has_column(c))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "Submission is missing the columns: {}",
                missing.join(", ")
            ));
        }
        let ans_ids = answers_column(answers, id)?;
        same_length(sub, answers)?;
        let pairing = sorted_pairing(sub_ids, ans_ids);
        let (sub_order, ans_order, keep_answers, keep_sub);
        if pairing.ids_equal {
            (sub_order, ans_order) = pairing.rows();
            keep_answers = scored_answer_rows(answers, classes, &ans_order)?;
            keep_sub = keep_answers.clone();
        } else {
            // duplicated or foreign ids: rows pair by position after pandas' own (unstable)
            // sort, so the order among duplicates must be the reference's
            sub_order = sort_index_order(sub_ids);
            ans_order = sort_index_order(&ans_ids);
            keep_answers = scored_answer_rows(answers, classes, &ans_order)?;
            keep_sub = submission_rows_kept(
                &sub_ids.take(&sub_order),
                &ans_ids.take(&ans_order),
                &keep_answers,
            )?;
        }
        let rows = |order: &[usize], keep: &[bool]| -> Vec<usize> {
            order
                .iter()
                .zip(keep)
                .filter(|(_, &k)| k)
                .map(|(&r, _)| r)
                .collect()
        };
        let ans_rows = rows(&ans_order, &keep_answers);
        let sub_rows = rows(&sub_order, &keep_sub);
        let true_columns: Vec<&Column> = other_columns(answers, id);
        let score_columns: Vec<&Column> = other_columns(sub, id);
        let k = score_columns.len();
        if k > true_columns.len() {
            return Err(format!(
                "Submission has {k} score columns besides `{id}` but the answers have {} label columns (columns are matched by position)",
                true_columns.len()
            ));
        }
        if ans_rows.is_empty() {
            return Err("Found array with 0 sample(s) while a minimum of 1 is required.".into());
        }
        // type_of_target(answers) must be "multilabel-indicator": every kept label 0 or 1
        let n_true = true_columns.len();
        let mut all_true = vec![0.0; ans_rows.len() * n_true];
        for (c, col) in true_columns.iter().enumerate() {
            fill_column(&mut all_true, n_true, c, col, &ans_rows, "y_true")?;
        }
        if all_true.iter().any(|&v| v != 0.0 && v != 1.0) {
            return Err("the scored answers are not a 0/1 label-indicator matrix".into());
        }
        let y_true: Vec<f64> = all_true
            .chunks(n_true)
            .flat_map(|row| row[..k].iter().copied())
            .collect();
        let mut y_score = vec![0.0; sub_rows.len() * k];
        for (c, col) in score_columns.iter().enumerate() {
            fill_column(&mut y_score, k, c, col, &sub_rows, "y_score")?;
        }
        crate::sklearn::check_consistent_length(ans_rows.len(), sub_rows.len())?;
        metrics::mean_columnwise_roc_auc(&y_true, &y_score, k).map(RawScore::numpy)
    }
}

/// Every column but the (first) id column, in file order.
fn other_columns<'a>(frame: &'a Frame, id: &str) -> Vec<&'a Column> {
    let id_pos = frame.position(id);
    frame
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != id_pos)
        .map(|(_, c)| c)
        .collect()
}

/// `answers[classes].sum(axis=1) >= 0` for the answers rows in `order` (NaN skipped).
fn scored_answer_rows(
    answers: &Frame,
    classes: &[String],
    order: &[usize],
) -> Result<Vec<bool>, String> {
    let mut sums = vec![0.0; order.len()];
    for c in classes {
        let values = to_float_array(&answers_column(answers, c)?.take(order), "answers", false)?;
        for (s, v) in sums.iter_mut().zip(values) {
            if !v.is_nan() {
                *s += v;
            }
        }
    }
    Ok(sums.iter().map(|&s| s >= 0.0).collect())
}

/// `submission[keep_mask]` where the mask is indexed by the sorted answer ids and the sorted
/// submission ids differ from them: each submission id is looked up, which fails for an id
/// absent from the answers (pandas: "Unalignable boolean Series provided as indexer").
fn submission_rows_kept(
    sub_ids: &Column,
    ans_ids: &Column,
    keep: &[bool],
) -> Result<Vec<bool>, String> {
    let mut by_id: HashMap<HashKey, usize> = HashMap::new();
    for (i, v) in ans_ids.values().enumerate() {
        if by_id.insert(v.hash_key(), i).is_some() {
            return Err("cannot reindex on an axis with duplicate labels".into());
        }
    }
    sub_ids
        .values()
        .map(|v: Value| {
            by_id
                .get(&v.hash_key())
                .map(|&i| keep[i])
                .ok_or_else(|| format!("Submission id {} is not in the answers", describe(v)))
        })
        .collect()
}

/// Weighted ROC AUC over TPR bands (alaska2), rows aligned by sorted id; the scores go
/// through `astype(float)` and must not be NaN, but need not lie in `[0, 1]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WeightedRocAuc {
    pub id_column: String,
    pub target_column: String,
    /// the edges of the bands of true positive rate
    pub tpr_thresholds: Vec<f64>,
    /// the weight of each band
    pub weights: Vec<f64>,
}

impl Grade for WeightedRocAuc {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let (tpr_thresholds, weights) = (&self.tpr_thresholds, &self.weights);
        same_length(sub, answers)?;
        submission_column(sub, id)?;
        submission_column(sub, target)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let y_score = to_float_array(
            &submission_column(sub, target)?.take(&sub_order),
            target,
            false,
        )
        .map_err(|e| format!("The `{target}` column must hold numbers ({e})"))?;
        let y_true = to_float_array(
            &answers_column(answers, target)?.take(&ans_order),
            "answers",
            false,
        )?;
        if y_true.iter().any(|v| v.is_nan()) {
            return Err("the answers contain NaN labels".into());
        }
        if y_score.iter().any(|v| v.is_nan()) {
            return Err(format!(
                "The `{target}` column contains missing values (NaN)"
            ));
        }
        metrics::weighted_roc_auc(&y_true, &y_score, tpr_thresholds, weights).map(RawScore::numpy)
    }
}

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
        let predictions = match (
            sub.column(&self.prediction_column),
            sub.column(&self.target_column),
        ) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "Submission has both `{}` and `{}` columns: renaming makes a duplicate column",
                    self.prediction_column, self.target_column
                ))
            }
            (Some(c), None) | (None, Some(c)) => c,
            (None, None) => {
                return Err(format!(
                    "Submission must have a `{}` column",
                    self.prediction_column
                ))
            }
        };
        let ans_ids = answers_column(answers, &self.id_column)?;
        let pairing = pair_matching_ids(sub_ids, ans_ids, &self.id_column)?;
        let (sub_order, ans_order) = pairing.rows();
        let scores = at_least_half(&predictions.take(&sub_order), &self.prediction_column)?;
        let labels = at_least_half(
            &answers_column(answers, &self.target_column)?.take(&ans_order),
            &self.target_column,
        )?;
        let subgroups: Vec<Vec<bool>> = self
            .identity_columns
            .iter()
            .map(|name| {
                let flags = at_least_half(&answers_column(answers, name)?.take(&ans_order), name)?;
                Ok(flags.iter().map(|&f| f == 1.0).collect())
            })
            .collect::<Result<_, String>>()?;
        metrics::bias_auc_score(&labels, &scores, &subgroups, self.power, self.weight)
            .map(RawScore::numpy)
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
        let (id_column, prediction_column, target_column) =
            ("id".into(), "prediction".into(), "toxicity".into());
        let g = BiasAuc {
            id_column,
            prediction_column,
            target_column,
            identity_columns,
            power: -5.0,
            weight: 0.25,
        };
        assert_eq!(g.grade(&answers, &answers).unwrap().value, 1.0);
        let below = frame("id,prediction\n1,0.4\n2,0.1\n3,0.3\n4,0.0\n5,0.45\n6,0.2");
        assert_eq!(g.grade(&below, &answers).unwrap().value, 0.5);
        let both = frame("id,prediction,toxicity\n1,1,1\n2,0,0\n3,1,1\n4,0,0\n5,1,1\n6,0,0");
        assert!(g.grade(&both, &answers).is_err());
        let text = frame("id,prediction\n1,high\n2,0.1\n3,0.3\n4,0.0\n5,0.45\n6,0.2");
        assert!(g.grade(&text, &answers).is_err());
    }
}

//! Graders of classification competitions.

use super::checks::{
    answers_column, exact_column_set, pair_matching_ids, pair_rows_by_id, probabilities_by_min_max,
    probabilities_elementwise, require_columns, same_id_set, same_length, sorted_pairing,
    submission_column, ColumnRule,
};
use super::{Grade, RawScore};
use crate::frame::{Column, Frame, Value};
use crate::metrics;
use crate::numeric::np_round;
use crate::sklearn::{check_targets, to_float_array, unique_labels};
use serde::Deserialize;

/// How a probability grader checks that each submission row sums to one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowSumCheck {
    /// `np.isclose(row_sum, 1, atol=atol)` (with numpy's default rtol 1e-5)
    IsClose { atol: f64 },
    /// `row_sum.round(decimals) == 1`
    Rounded { decimals: i32 },
}

impl RowSumCheck {
    fn from_config(atol: Option<f64>, decimals: Option<i32>) -> Result<Self, String> {
        match (atol, decimals) {
            (Some(atol), None) => Ok(RowSumCheck::IsClose { atol }),
            (None, Some(decimals)) => Ok(RowSumCheck::Rounded { decimals }),
            _ => Err(
                "grader config error: give exactly one of `row_sum_atol` and `row_sum_decimals`"
                    .into(),
            ),
        }
    }
}

/// Label accuracy after sorting both files by id; same length and ids required.
///
/// Label accuracy (`prepare_for_accuracy_metric` + `accuracy_score`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Accuracy {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for Accuracy {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        answers_column(answers, target)?;
        answers_column(answers, id)?;
        same_length(sub, answers)?;
        submission_column(sub, target)?;
        submission_column(sub, id)?;
        let p = pair_rows_by_id(sub, answers, id)?;
        let y_pred = p.sub.take(submission_column(sub, target)?);
        let y_true = p.ans.take(answers_column(answers, target)?.column());
        check_targets(&y_true, &y_pred)?;
        let matches: Vec<bool> = (0..y_true.len())
            .map(|i| y_true.get(i).py_eq(y_pred.get(i)))
            .collect();
        Ok(RawScore::python(metrics::accuracy_from_matches(&matches)))
    }
}

/// Binary ROC AUC of a probability column in [0, 1], rows aligned by sorted id.
///
/// Binary ROC AUC (`prepare_for_auroc_metric` + `roc_auc_score`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RocAuc {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for RocAuc {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        require_columns(sub, answers, &[id, target])?;
        let scores = submission_column(sub, target)?;
        same_length(sub, answers)?;
        probabilities_by_min_max(scores, target)?;
        let p = pair_rows_by_id(sub, answers, id)?;
        let y_pred = p.sub.take(submission_column(sub, target)?);
        let y_true = p.ans.take(answers_column(answers, target)?.column());
        let y_true = to_float_array(&y_true, "y_true", true)?;
        let y_score = to_float_array(&y_pred, "y_score", true)?;
        metrics::roc_auc(&y_true, &y_score).map(RawScore::numpy)
    }
}

/// Binary log loss of a probability column; the id set and length must match.
///
/// Binary log loss of the positive class probability.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BinaryLogLoss {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for BinaryLogLoss {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let ans_ids = answers_column(answers, id)?;
        answers_column(answers, target)?;
        let sub_ids = submission_column(sub, id)?;
        let probs = submission_column(sub, target)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!(
                "Submission and answers have different `{id}` values"
            ));
        }
        same_length(sub, answers)?;
        probabilities_elementwise(probs, target)?;
        let pairing = sorted_pairing(sub_ids, ans_ids);
        let (order_s, order_a) = pairing.rows();
        let y_pred = to_float_array(&probs.take(&order_s), "y_pred", true)?;
        let y_true = to_float_array(
            &answers_column(answers, target)?.take(&order_a),
            "y_true",
            true,
        )?;
        metrics::log_loss_binary(&y_true, &y_pred).map(RawScore::python)
    }
}

/// Multi-class log loss of one probability column per class (the answers are one-hot;
/// the classes are `classes`, by default the answers' columns other than the id).
/// Exactly one of `row_sum_atol` and `row_sum_decimals` states the row-sum check.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MulticlassLogLoss {
    pub id_column: String,
    pub column_rule: ColumnRule,
    /// the class columns; by default every answers column but the id
    #[serde(default)]
    pub classes: Option<Vec<String>>,
    /// absolute tolerance of the "each row sums to one" check (`np.isclose`, rtol 1e-5);
    /// exactly one of this and `row_sum_decimals` is given
    #[serde(default)]
    pub row_sum_atol: Option<f64>,
    /// the check is instead "each row sum rounded to this many decimals equals 1"
    #[serde(default)]
    pub row_sum_decimals: Option<i32>,
}

impl Grade for MulticlassLogLoss {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, rule, classes) = (
            self.id_column.as_str(),
            self.column_rule,
            self.classes.as_deref(),
        );
        let row_sum = RowSumCheck::from_config(self.row_sum_atol, self.row_sum_decimals)?;
        answers_column(answers, id)?;
        let classes: Vec<&str> = match classes {
            Some(list) => list.iter().map(String::as_str).collect(),
            None => answers
                .names
                .iter()
                .map(String::as_str)
                .filter(|n| *n != id)
                .collect(),
        };
        for class in &classes {
            answers_column(answers, class)?;
        }
        // the columns whose rows must sum to one
        let prob_columns: Vec<&Column> = match rule {
            ColumnRule::ExactShape => {
                if sub.nrows != answers.nrows || sub.ncols() != classes.len() + 1 {
                    return Err(format!(
                        "Submission shape ({}, {}) does not match the expected ({}, {})",
                        sub.nrows,
                        sub.ncols(),
                        answers.nrows,
                        classes.len() + 1
                    ));
                }
                sub.columns[1..].iter().collect()
            }
            ColumnRule::ExactColumnSet => {
                exact_column_set(sub, &[&[id], classes.as_slice()].concat())?;
                same_length(sub, answers)?;
                classes.iter().map(|c| sub.column(c).unwrap()).collect()
            }
            ColumnRule::RequiredColumns => {
                let missing: Vec<&str> = classes
                    .iter()
                    .copied()
                    .chain([id])
                    .filter(|c| !sub.has_column(c))
                    .collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "Submission is missing required columns: {}",
                        missing.join(", ")
                    ));
                }
                same_length(sub, answers)?;
                classes.iter().map(|c| sub.column(c).unwrap()).collect()
            }
        };
        check_row_sums(&prob_columns, sub.nrows, row_sum)?;
        for (c, col) in prob_columns.iter().enumerate() {
            probabilities_elementwise(
                col,
                sub.names.get(c + 1).map_or("probability", String::as_str),
            )
            .map_err(|_| {
                "All probabilities in the submission must be between 0 and 1.".to_string()
            })?;
        }
        // one-hot alignment: the id and every class present, rows sorted by id, ids equal
        for name in classes.iter().copied().chain([id]) {
            if !sub.has_column(name) {
                return Err(format!("Submission is missing the `{name}` column"));
            }
        }
        let sub_ids = submission_column(sub, id)?;
        let ans_ids = answers_column(answers, id)?;
        let pairing = pair_matching_ids(sub_ids, ans_ids, id)?;
        let (order_s, order_a) = pairing.rows();
        let k = classes.len();
        let n = answers.nrows;
        let mut y_true = vec![0.0; n * k];
        let mut y_pred = vec![0.0; n * k];
        for (j, class) in classes.iter().enumerate() {
            let t = to_float_array(
                &answers.column(class).unwrap().take(&order_a),
                "y_true",
                true,
            )?;
            let p = to_float_array(&sub.column(class).unwrap().take(&order_s), "y_pred", true)?;
            for r in 0..n {
                y_true[r * k + j] = t[r];
                y_pred[r * k + j] = p[r];
            }
        }
        if y_true.iter().any(|&v| v != 0.0 && v != 1.0) {
            return Err("the answers are not one-hot encoded".into());
        }
        metrics::log_loss_onehot(&y_true, &y_pred, k).map(RawScore::python)
    }
}

/// `np.isclose(row_sum, 1, atol)` (or `row_sum.round(d) == 1`) for every row, with pandas'
/// row sum (NaN skipped, text refused).
fn check_row_sums(columns: &[&Column], nrows: usize, check: RowSumCheck) -> Result<(), String> {
    let mut sums = vec![0.0; nrows];
    for col in columns {
        let values = col.numeric_f64().ok_or_else(|| {
            "Submission probability columns must be numeric (found text)".to_string()
        })?;
        for (s, v) in sums.iter_mut().zip(values) {
            if !v.is_nan() {
                *s += v;
            }
        }
    }
    // pandas sums boolean columns next to other numeric ones into an `object` Series:
    // `np.isclose` refuses it and `Series.round` leaves it unrounded
    let n_bool = columns
        .iter()
        .filter(|c| matches!(c, Column::Bool(_)))
        .count();
    let object_sums = n_bool > 0 && n_bool < columns.len();
    if object_sums && matches!(check, RowSumCheck::IsClose { .. }) {
        return Err("Row sums of a boolean column mixed with numeric columns are not numeric (np.isclose fails)".into());
    }
    let sums_to_one = |s: f64| match check {
        RowSumCheck::IsClose { atol } => (s - 1.0).abs() <= atol + 1e-5,
        RowSumCheck::Rounded { .. } if object_sums => s == 1.0,
        RowSumCheck::Rounded { decimals } => np_round(s, decimals) == 1.0,
    };
    if let Some(r) = sums.iter().position(|&s| !sums_to_one(s)) {
        return Err(format!(
            "Each row in the submission should sum to one, as probabilities (row {} sums to {})",
            r + 1,
            sums[r]
        ));
    }
    Ok(())
}

/// Quadratic weighted kappa of integer grades, rows aligned by sorted id; the id sets
/// must match.
///
/// Quadratic weighted kappa of grades (`cohen_kappa_score(y_pred, y_true, weights="quadratic")`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuadraticWeightedKappa {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for QuadraticWeightedKappa {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        submission_column(sub, target)?;
        answers_column(answers, target)?;
        if sub.nrows == 0 {
            return Err("Submission has no rows".into());
        }
        let sub_ids = submission_column(sub, id)?;
        let ans_ids = answers_column(answers, id)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!(
                "Submission must have the same `{id}` values as the answers"
            ));
        }
        let pairing = sorted_pairing(sub_ids, ans_ids);
        let y_pred = pairing.sub.take(submission_column(sub, target)?);
        let y_true = pairing.ans.take(answers_column(answers, target)?.column());
        check_targets(&y_pred, &y_true)?;
        let labels = unique_labels(&y_pred, &y_true)?;
        let index = |v: Value| {
            labels
                .iter()
                .position(|l| l.py_eq(v))
                .ok_or_else(|| "labels contain NaN".to_string())
        };
        let a: Vec<usize> = y_pred.values().map(index).collect::<Result<_, _>>()?;
        let b: Vec<usize> = y_true.values().map(index).collect::<Result<_, _>>()?;
        metrics::quadratic_weighted_kappa(&a, &b, labels.len()).map(RawScore::numpy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(csv: &str) -> Frame {
        Frame::from_csv_str(csv).unwrap()
    }

    const ANSWERS: &str = "id,note,a,b\n1,x,1,0\n2,y,0,1\n";

    fn log_loss(sub: &str, row_sum: RowSumCheck) -> Result<f64, String> {
        let (row_sum_atol, row_sum_decimals) = match row_sum {
            RowSumCheck::IsClose { atol } => (Some(atol), None),
            RowSumCheck::Rounded { decimals } => (None, Some(decimals)),
        };
        let classes = Some(vec!["a".to_string(), "b".to_string()]);
        let column_rule = ColumnRule::RequiredColumns;
        let grader = MulticlassLogLoss {
            id_column: "id".into(),
            column_rule,
            classes,
            row_sum_atol,
            row_sum_decimals,
        };
        grader
            .grade(&frame(sub), &frame(ANSWERS))
            .map(|r| r.rounded())
    }

    #[test]
    fn required_columns_ignores_extras_and_non_class_answer_columns() {
        let check = RowSumCheck::IsClose { atol: 1e-6 };
        let sub = "b,extra,id,a\n0.5,t,2,0.5\n0.25,u,1,0.75\n";
        let expected = -(0.75f64.ln() + 0.5f64.ln()) / 2.0;
        assert_eq!(
            log_loss(sub, check).unwrap(),
            crate::numeric::py_round(expected, 5)
        );
        assert!(log_loss("id,a\n1,1\n2,1\n", check).is_err());
        assert!(log_loss("id,a,b\n1,1,0\n", check).is_err());
        assert!(log_loss("id,a,b\n1,1,0\n1,0,1\n", check).is_err());
    }

    #[test]
    fn row_sum_checks() {
        let close = RowSumCheck::IsClose { atol: 1e-6 };
        let rounded = RowSumCheck::Rounded { decimals: 6 };
        // 1 + 9e-6 is within atol + rtol; 1.0000004 rounds to 1 at 6 decimals, 1.000001 does not
        assert!(log_loss("id,a,b\n1,0.500009,0.5\n2,0,1\n", close).is_ok());
        assert!(log_loss("id,a,b\n1,0.50002,0.5\n2,0,1\n", close).is_err());
        assert!(log_loss("id,a,b\n1,0.5000004,0.5\n2,0,1\n", rounded).is_ok());
        assert!(log_loss("id,a,b\n1,0.500001,0.5\n2,0,1\n", rounded).is_err());
        // a boolean column next to a float column: pandas' row sums are objects
        let mixed = "id,a,b\n1,True,0.0\n2,False,1.0\n";
        assert!(log_loss(mixed, close).is_err());
        assert_eq!(log_loss(mixed, rounded).unwrap(), 0.0);
        assert_eq!(
            log_loss("id,a,b\n1,True,False\n2,False,True\n", close).unwrap(),
            0.0
        );
    }
}

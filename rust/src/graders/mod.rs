//! Declarative graders. A competition's `config.yaml` names a grader `kind` and its
//! parameters; each kind reproduces one family of the reference's grading functions: the
//! same checks (so the same submissions are invalid), the same alignment of submission rows
//! to answer rows, the same metric and the same rounding of the result.

mod auc;
mod checks;
mod classification;
mod multilabel;
mod pandas_sort;
mod regression;

use crate::frame::Frame;
use crate::numeric::{np_round, py_round};
use serde::Deserialize;

/// What the answers file holds once loaded.
#[derive(Debug)]
pub enum Answers {
    Table(Frame),
}

impl Answers {
    pub fn table(&self) -> Result<&Frame, String> {
        match self {
            Answers::Table(f) => Ok(f),
        }
    }
}

/// How the reference rounds a grader's result: Python's `round` on a float, or numpy's
/// `round` when the metric returns a `numpy.float64` (they differ near ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Python,
    Numpy,
}

/// A raw metric value and the rounding the reference applies to it.
#[derive(Debug, Clone, Copy)]
pub struct RawScore {
    pub value: f64,
    pub rounding: Rounding,
}

impl RawScore {
    pub fn python(value: f64) -> Self {
        RawScore { value, rounding: Rounding::Python }
    }
    pub fn numpy(value: f64) -> Self {
        RawScore { value, rounding: Rounding::Numpy }
    }
    /// The score as the report states it: rounded to 5 decimals.
    pub fn rounded(self) -> f64 {
        match self.rounding {
            Rounding::Python => py_round(self.value, 5),
            Rounding::Numpy => np_round(self.value, 5),
        }
    }
}

/// How a multi-class probability grader checks the submission's columns.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRule {
    /// exactly `1 + n_classes` columns and as many rows as the answers; the id must come
    /// first, since row sums are taken over every column after the first
    ExactShape,
    /// the column set is exactly `{id} + classes`, in any order
    ExactColumnSet,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GraderSpec {
    /// Label accuracy after sorting both files by id; same length and ids required.
    Accuracy { id_column: String, target_column: String },
    /// Binary ROC AUC of a probability column in [0, 1], rows aligned by sorted id.
    RocAuc { id_column: String, target_column: String },
    /// RMSE after sorting both files by id; ids are never compared, only the lengths.
    SortedRmse { id_column: String, target_column: String },
    /// Binary log loss of a probability column; the id set and length must match.
    BinaryLogLoss { id_column: String, target_column: String },
    /// Multi-class log loss of one probability column per class (the answers are one-hot;
    /// the classes are the answers' columns other than the id).
    MulticlassLogLoss {
        id_column: String,
        column_rule: ColumnRule,
        /// absolute tolerance of the "each row sums to one" check (`np.isclose`, rtol 1e-5)
        row_sum_atol: f64,
    },
    /// Mean over target columns of RMSLE, rows paired by position (ids never read).
    MeanColumnwiseRmsle { target_columns: Vec<String> },
    /// Quadratic weighted kappa of integer grades, rows aligned by sorted id; the id sets
    /// must match.
    QuadraticWeightedKappa { id_column: String, target_column: String },
    /// Mean over `target_columns` of binary ROC AUC, rows aligned by sorted id; extra
    /// submission columns are ignored unless `exact_column_set`.
    ColumnwiseRocAuc {
        id_column: String,
        target_columns: Vec<String>,
        /// the submission's columns must be exactly the id and the targets (any order)
        #[serde(default)]
        exact_column_set: bool,
        /// each target column must be numeric with min >= 0 and max <= 1 (NaN skipped)
        #[serde(default)]
        probability_range_check: bool,
    },
    /// Macro ROC AUC of every submission column but the id against every answers column but
    /// the id, matched by position; answers rows whose `class_columns` sum below 0 are not
    /// scored (jigsaw-toxic-comment).
    PositionalMultilabelRocAuc { id_column: String, class_columns: Vec<String> },
    /// ROC AUC with the area cut into bands of true positive rate (`tpr_thresholds`, the
    /// band edges) weighted by `weights`; the positive label is 1 (alaska2).
    WeightedRocAuc { id_column: String, target_column: String, tpr_thresholds: Vec<f64>, weights: Vec<f64> },
    /// Micro F1 of whitespace-separated label sets; labels absent from the answers are ignored.
    MultilabelMicroF1 { id_column: String, target_column: String },
}

impl GraderSpec {
    /// Grade a parsed submission against the answers: the raw score, or why the
    /// submission is invalid.
    pub fn grade(&self, submission: &Frame, answers: &Answers) -> Result<RawScore, String> {
        let answers = answers.table()?;
        match self {
            GraderSpec::Accuracy { id_column, target_column } => {
                classification::accuracy(submission, answers, id_column, target_column)
            }
            GraderSpec::RocAuc { id_column, target_column } => {
                classification::roc_auc(submission, answers, id_column, target_column)
            }
            GraderSpec::SortedRmse { id_column, target_column } => {
                regression::sorted_rmse(submission, answers, id_column, target_column)
            }
            GraderSpec::BinaryLogLoss { id_column, target_column } => {
                classification::binary_log_loss(submission, answers, id_column, target_column)
            }
            GraderSpec::MulticlassLogLoss { id_column, column_rule, row_sum_atol } => {
                classification::multiclass_log_loss(submission, answers, id_column, *column_rule, *row_sum_atol)
            }
            GraderSpec::MeanColumnwiseRmsle { target_columns } => {
                regression::mean_columnwise_rmsle(submission, answers, target_columns)
            }
            GraderSpec::QuadraticWeightedKappa { id_column, target_column } => {
                classification::quadratic_weighted_kappa(submission, answers, id_column, target_column)
            }
            GraderSpec::ColumnwiseRocAuc { id_column, target_columns, exact_column_set, probability_range_check } => {
                auc::columnwise_roc_auc(
                    submission,
                    answers,
                    id_column,
                    target_columns,
                    *exact_column_set,
                    *probability_range_check,
                )
            }
            GraderSpec::PositionalMultilabelRocAuc { id_column, class_columns } => {
                auc::positional_multilabel_roc_auc(submission, answers, id_column, class_columns)
            }
            GraderSpec::WeightedRocAuc { id_column, target_column, tpr_thresholds, weights } => {
                auc::weighted_roc_auc(submission, answers, id_column, target_column, tpr_thresholds, weights)
            }
            GraderSpec::MultilabelMicroF1 { id_column, target_column } => {
                multilabel::multilabel_micro_f1(submission, answers, id_column, target_column)
            }
        }
    }
}

//! Declarative graders. A competition's `config.yaml` names a grader `kind` and its
//! parameters; each kind reproduces one family of the reference's grading functions: the
//! same checks (so the same submissions are invalid), the same alignment of submission rows
//! to answer rows, the same metric and the same rounding of the result.

mod checks;
mod classification;
mod question_answering;
mod ranking_lists;
mod regression;
mod text;

use crate::frame::Frame;
use crate::numeric::{np_round, py_round};
use serde::Deserialize;

/// What the answers file holds once loaded.
#[derive(Debug)]
pub enum Answers {
    Table(Frame),
    /// a JSON Lines file: one JSON value per line
    Jsonl(Vec<serde_json::Value>),
}

impl Answers {
    pub fn table(&self) -> Result<&Frame, String> {
        match self {
            Answers::Table(f) => Ok(f),
            Answers::Jsonl(_) => Err("this grader needs a CSV answers file, not JSON Lines".into()),
        }
    }

    pub fn jsonl(&self) -> Result<&[serde_json::Value], String> {
        match self {
            Answers::Jsonl(v) => Ok(v),
            Answers::Table(_) => Err("this grader needs a JSON Lines answers file, not a CSV".into()),
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
    /// Mean Levenshtein distance (by code point) between texts, rows aligned by sorted id
    /// (ids must match). `cast_to_text`: cells go through `str()` first (a blank becomes
    /// "nan"); otherwise any cell that is not text makes the submission invalid.
    MeanLevenshtein { id_column: String, target_column: String, cast_to_text: bool },
    /// Sum of Levenshtein distances between space-separated integer sequences divided by
    /// the number of true tokens (rows aligned by sorted id; every token must parse).
    SequenceEditRate { id_column: String, target_column: String },
    /// Mean word-set Jaccard of texts (lower-cased, whitespace-split), rows aligned by
    /// sorted id (ids must match); `average` picks the reference's formulation.
    MeanWordJaccard { id_column: String, target_column: String, average: text::JaccardAverage },
    /// Share of texts equal to the answer after `str()` (blanks read as "nan" on both
    /// sides), rows aligned by sorted id.
    ExactMatchAccuracy { id_column: String, target_column: String },
    /// Micro F1 of whitespace-separated tag sets, rows aligned by sorted id; tags unknown to
    /// the answers are ignored.
    MicroF1TagSets { id_column: String, target_column: String },
    /// MAP@k of space-separated prediction lists against the answers' label sets.
    MapAtK {
        id_column: String,
        target_column: String,
        k: usize,
        /// the submission's column set must be exactly {id, target}
        exact_columns: bool,
        ids: ranking_lists::IdRule,
    },
    /// Kendall-tau ordering score of whitespace-separated item orders, rows by sorted id.
    KendallTauOrder { id_column: String, target_column: String },
    /// Mean over target columns of Spearman's rho, rows paired after sorting by id (the ids
    /// are never compared); the submission has exactly the id and target columns.
    ColumnwiseSpearman { id_column: String, target_columns: Vec<String> },
    /// Micro F1 of Natural Questions long/short answers against JSON Lines annotations
    /// (TensorFlow 2.0 Question Answering).
    NaturalQuestionsF1,
}

impl GraderSpec {
    /// Grade a parsed submission against the answers: the raw score, or why the
    /// submission is invalid.
    pub fn grade(&self, submission: &Frame, answers: &Answers) -> Result<RawScore, String> {
        match self {
            GraderSpec::NaturalQuestionsF1 => question_answering::natural_questions_f1(submission, answers.jsonl()?),
            table_grader => table_grader.grade_table(submission, answers.table()?),
        }
    }

    /// Graders whose answers are a CSV table.
    fn grade_table(&self, submission: &Frame, answers: &Frame) -> Result<RawScore, String> {
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
            GraderSpec::MeanLevenshtein { id_column, target_column, cast_to_text } => {
                text::mean_levenshtein(submission, answers, id_column, target_column, *cast_to_text)
            }
            GraderSpec::SequenceEditRate { id_column, target_column } => {
                text::sequence_edit_rate(submission, answers, id_column, target_column)
            }
            GraderSpec::MeanWordJaccard { id_column, target_column, average } => {
                text::mean_word_jaccard(submission, answers, id_column, target_column, *average)
            }
            GraderSpec::ExactMatchAccuracy { id_column, target_column } => {
                text::exact_match_accuracy(submission, answers, id_column, target_column)
            }
            GraderSpec::MicroF1TagSets { id_column, target_column } => {
                text::micro_f1_tag_sets(submission, answers, id_column, target_column)
            }
            GraderSpec::MapAtK { id_column, target_column, k, exact_columns, ids } => {
                ranking_lists::map_at_k(submission, answers, id_column, target_column, *k, *exact_columns, *ids)
            }
            GraderSpec::KendallTauOrder { id_column, target_column } => {
                ranking_lists::kendall_tau_order(submission, answers, id_column, target_column)
            }
            GraderSpec::ColumnwiseSpearman { id_column, target_columns } => {
                ranking_lists::columnwise_spearman(submission, answers, id_column, target_columns)
            }
            GraderSpec::NaturalQuestionsF1 => Err("this grader needs JSON Lines answers".into()),
        }
    }
}

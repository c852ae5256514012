//! Declarative graders. A competition's `config.yaml` names a grader `kind` and its
//! parameters; each kind reproduces one family of the reference's grading functions: the
//! same checks (so the same submissions are invalid), the same alignment of submission rows
//! to answer rows, the same metric and the same rounding of the result.

mod auc;
mod bespoke;
mod cells;
mod checks;
mod classification;
mod detection;
mod geo;
mod label_metric;
mod labels;
mod merged_id;
mod multilabel;
mod pandas_sort;
mod pixels;
mod probabilities;
mod question_answering;
mod ranking_lists;
mod regression;
mod segmentation;
mod sorted_id;
mod text;

pub use merged_id::MergedMetric;
pub use sorted_id::{RowFilter, SortedIdMetric};

use crate::frame::Frame;
pub use label_metric::{IdCheck, LabelMetric};
pub use labels::LabelRule;
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
    /// the id and every class column must be present; other columns are ignored
    RequiredColumns,
}

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
            _ => Err("grader config error: give exactly one of `row_sum_atol` and `row_sum_decimals`".into()),
        }
    }
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
    /// the classes are `classes`, by default the answers' columns other than the id).
    /// Exactly one of `row_sum_atol` and `row_sum_decimals` states the row-sum check.
    MulticlassLogLoss {
        id_column: String,
        column_rule: ColumnRule,
        #[serde(default)]
        classes: Option<Vec<String>>,
        /// absolute tolerance of the "each row sums to one" check (`np.isclose`, rtol 1e-5)
        #[serde(default)]
        row_sum_atol: Option<f64>,
        /// the check is instead "each row sum rounded to this many decimals equals 1"
        #[serde(default)]
        row_sum_decimals: Option<i32>,
    },
    /// Mean over target columns of RMSLE, rows paired by position (ids never read).
    MeanColumnwiseRmsle { target_columns: Vec<String> },
    /// Quadratic weighted kappa of integer grades, rows aligned by sorted id; the id sets
    /// must match.
    QuadraticWeightedKappa { id_column: String, target_column: String },
    /// Both files sorted by id, the sorted ids equal row by row (same length); one target
    /// column scored by `metric`, optionally only where the answers' `scored_where` column
    /// equals a value, optionally with every prediction required within `bounds` (inclusive).
    SortedIdScore {
        id_column: String,
        target_column: String,
        metric: SortedIdMetric,
        #[serde(default)]
        bounds: Option<[f64; 2]>,
        #[serde(default)]
        scored_where: Option<RowFilter>,
    },
    /// Only the id *set* checked, then the submission inner-joined onto the answers by id
    /// (repeated rows count once per repeat) and scored by `metric`.
    MergedOnId {
        id_column: String,
        target_column: String,
        metric: MergedMetric,
        /// the grouping column of the answers, for `mean_log_mae_by_group`
        #[serde(default)]
        group_column: Option<String>,
    },
    /// KL divergence from the answers' vote shares to the submitted class probabilities;
    /// Kaggle's probability checks cover every non-id submission column, and integer
    /// columns are not clipped (a 0 under a voted class gives +inf).
    KlDivergenceVotes { id_column: String, target_columns: Vec<String> },
    /// Label-weighted LRAP; the submission's columns must be the id then exactly the
    /// answers' class columns in order; rows aligned by sorted id.
    LabelWeightedLrap { id_column: String },
    /// Weighted multi-label log loss of melted `<group>_<label>` rows, unmelted to one row
    /// per group; probabilities within [0, 1], ids equal after sorting.
    MeltedMultilabelLogLoss {
        id_column: String,
        target_column: String,
        label_columns: Vec<String>,
        negative_weights: Vec<f64>,
        positive_weights: Vec<f64>,
    },
    /// Mean angular error of azimuth/zenith directions; exact column set, finite numbers,
    /// rows aligned by sorted id.
    MeanAngularError { id_column: String, azimuth_column: String, zenith_column: String },
    /// Per trip, mean of the 50th and 95th percentile haversine errors (rows paired by
    /// position within the trip), averaged over trips.
    TripHaversine { trip_column: String, time_column: String, latitude_column: String, longitude_column: String },
    /// Jigsaw's bias AUC: overall AUC and power means of subgroup/BPSN/BNSP AUCs, with
    /// predictions and labels cut at 0.5.
    BiasAuc {
        id_column: String,
        prediction_column: String,
        target_column: String,
        identity_columns: Vec<String>,
        power: f64,
        weight: f64,
    },
    /// Laplace log-likelihood on each patient's last `last_weeks` measured weeks.
    LaplaceLastWeeks {
        patient_column: String,
        patient_week_column: String,
        fvc_column: String,
        confidence_column: String,
        last_weeks: usize,
        sigma_floor: f64,
        delta_cap: f64,
    },
    /// Mean column-wise RMSE on the rows the answers' boolean `keep_column` marks (applied
    /// by file row number after sorting by id).
    KeepMaskMcrmse { id_column: String, target_columns: Vec<String>, required_columns: Vec<String>, keep_column: String },
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
    /// One Dice over the pixels of all images; masks are RLE text (column-major), sized by
    /// the answers' height/width columns; `empty_token` is read as an empty mask.
    RleGlobalDice { id_column: String, rle_column: String, height_column: String, width_column: String, empty_token: String },
    /// Mean per-image Dice of RLE masks (both empty = 1); id sets must match.
    RleMeanDice {
        id_column: String,
        rle_column: String,
        answers_rle_column: String,
        height_column: String,
        width_column: String,
    },
    /// Mean per-image precision over IoU thresholds 0.5..0.95 of RLE masks of a fixed size.
    RleIouPrecision { id_column: String, rle_column: String, height: u64, width: u64 },
    /// Mean per-row F-beta of RLE masks, rows paired in file order.
    RleFbeta { id_column: String, rle_column: String, height_column: String, width_column: String, beta: f64 },
    /// 0.4 x Dice per row + 0.6 x (1 - 3D Hausdorff per case-day) of RLE masks.
    RleDiceHausdorff {
        id_column: String,
        class_column: String,
        rle_column: String,
        height_column: String,
        width_column: String,
    },
    /// Pixel RMSE; ids sorted and compared.
    MatchedIdRmse { id_column: String, target_column: String },
    /// Lyft 3D boxes: mAP over IoU thresholds 0.5..0.95, mean over samples.
    Lyft3dMap { id_column: String, target_column: String },
    /// pycocotools bbox mAP (`stats[0]`) at one IoU threshold, boxes as `class score x0 y0 x1 y1`.
    CocoMap {
        image_column: String,
        class_column: String,
        corner_columns: [String; 4],
        target_column: String,
        iou_threshold: f64,
    },
    /// SIIM-COVID19: mAP over the answers' labels (study and image rows alike).
    SiimMap { id_column: String, target_column: String },
    /// Kuzushiji: F1 of predicted points strictly inside same-label boxes.
    KuzushijiF1 { id_column: String, target_column: String },
    /// One label per row scored by a classification metric (accuracy, error rate, micro or
    /// macro F1, MCC, quadratic weighted kappa) after the reference's label conversion
    /// (`labels`) and id check (`ids`); rows aligned by sorted id.
    LabelMetric {
        id_column: String,
        target_column: String,
        metric: LabelMetric,
        #[serde(default)]
        labels: LabelRule,
        #[serde(default)]
        ids: IdCheck,
    },
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
            GraderSpec::MulticlassLogLoss { id_column, column_rule, classes, row_sum_atol, row_sum_decimals } => {
                let row_sum = RowSumCheck::from_config(*row_sum_atol, *row_sum_decimals)?;
                classification::multiclass_log_loss(submission, answers, id_column, *column_rule, classes.as_deref(), row_sum)
            }
            GraderSpec::MeanColumnwiseRmsle { target_columns } => {
                regression::mean_columnwise_rmsle(submission, answers, target_columns)
            }
            GraderSpec::QuadraticWeightedKappa { id_column, target_column } => {
                classification::quadratic_weighted_kappa(submission, answers, id_column, target_column)
            }
            GraderSpec::SortedIdScore { id_column, target_column, metric, bounds, scored_where } => {
                sorted_id::SortedIdScore { id: id_column, target: target_column, metric: *metric, bounds: *bounds, scored_where: scored_where.as_ref() }
                    .grade(submission, answers)
            }
            GraderSpec::MergedOnId { id_column, target_column, metric, group_column } => {
                merged_id::MergedOnId { id: id_column, target: target_column, metric: *metric, group: group_column.as_deref() }
                    .grade(submission, answers)
            }
            GraderSpec::KlDivergenceVotes { id_column, target_columns } => {
                probabilities::kl_divergence_votes(submission, answers, id_column, target_columns)
            }
            GraderSpec::LabelWeightedLrap { id_column } => probabilities::label_weighted_lrap(submission, answers, id_column),
            GraderSpec::MeltedMultilabelLogLoss { id_column, target_column, label_columns, negative_weights, positive_weights } => {
                probabilities::MeltedMultilabelLogLoss {
                    id: id_column,
                    target: target_column,
                    labels: label_columns,
                    negative_weights,
                    positive_weights,
                }
                .grade(submission, answers)
            }
            GraderSpec::MeanAngularError { id_column, azimuth_column, zenith_column } => {
                geo::mean_angular_error(submission, answers, id_column, azimuth_column, zenith_column)
            }
            GraderSpec::TripHaversine { trip_column, time_column, latitude_column, longitude_column } => {
                geo::trip_haversine(submission, answers, trip_column, latitude_column, longitude_column, time_column)
            }
            GraderSpec::BiasAuc { id_column, prediction_column, target_column, identity_columns, power, weight } => {
                bespoke::BiasAuc {
                    id: id_column,
                    prediction: prediction_column,
                    target: target_column,
                    identities: identity_columns,
                    power: *power,
                    weight: *weight,
                }
                .grade(submission, answers)
            }
            GraderSpec::LaplaceLastWeeks {
                patient_column,
                patient_week_column,
                fvc_column,
                confidence_column,
                last_weeks,
                sigma_floor,
                delta_cap,
            } => bespoke::LaplaceLastWeeks {
                patient: patient_column,
                patient_week: patient_week_column,
                fvc: fvc_column,
                confidence: confidence_column,
                last_weeks: *last_weeks,
                sigma_floor: *sigma_floor,
                delta_cap: *delta_cap,
            }
            .grade(submission, answers),
            GraderSpec::KeepMaskMcrmse { id_column, target_columns, required_columns, keep_column } => {
                bespoke::KeepMaskMcrmse { id: id_column, targets: target_columns, required: required_columns, keep: keep_column }
                    .grade(submission, answers)
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
            GraderSpec::RleGlobalDice { id_column, rle_column, height_column, width_column, empty_token } => {
                segmentation::rle_global_dice(submission, answers, id_column, rle_column, height_column, width_column, empty_token)
            }
            GraderSpec::RleMeanDice { id_column, rle_column, answers_rle_column, height_column, width_column } => {
                segmentation::rle_mean_dice(submission, answers, id_column, rle_column, answers_rle_column, height_column, width_column)
            }
            GraderSpec::RleIouPrecision { id_column, rle_column, height, width } => {
                segmentation::rle_iou_precision(submission, answers, id_column, rle_column, *height, *width)
            }
            GraderSpec::RleFbeta { id_column, rle_column, height_column, width_column, beta } => {
                segmentation::rle_fbeta(submission, answers, id_column, rle_column, height_column, width_column, *beta)
            }
            GraderSpec::RleDiceHausdorff { id_column, class_column, rle_column, height_column, width_column } => {
                segmentation::rle_dice_hausdorff(submission, answers, id_column, rle_column, height_column, width_column, class_column)
            }
            GraderSpec::MatchedIdRmse { id_column, target_column } => {
                pixels::matched_id_rmse(submission, answers, id_column, target_column)
            }
            GraderSpec::Lyft3dMap { id_column, target_column } => {
                detection::lyft_3d_map(submission, answers, id_column, target_column)
            }
            GraderSpec::CocoMap { image_column, class_column, corner_columns, target_column, iou_threshold } => {
                detection::coco_map(submission, answers, image_column, class_column, corner_columns, target_column, *iou_threshold)
            }
            GraderSpec::SiimMap { id_column, target_column } => {
                detection::siim_map(submission, answers, id_column, target_column)
            }
            GraderSpec::KuzushijiF1 { id_column, target_column } => {
                detection::kuzushiji(submission, answers, id_column, target_column)
            }
            GraderSpec::LabelMetric { id_column, target_column, metric, labels, ids } => {
                label_metric::label_metric(submission, answers, id_column, target_column, *metric, *labels, *ids)
            }
        }
    }
}

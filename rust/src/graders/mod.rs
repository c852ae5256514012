//! Declarative graders. A competition's `config.yaml` names a grader `kind` and its
//! parameters; each kind reproduces one family of the reference's grading functions: the
//! same checks (so the same submissions are invalid), the same alignment of submission rows
//! to answer rows, the same metric and the same rounding of the result.
//!
//! Each kind is a parameter struct in the file of its family, deserialised from the config
//! (unknown keys refused, so a typo fails) and implementing [`Grade`]. To add a kind, write
//! its struct and `impl Grade` in its family's file and add one line to `grader_kinds!`.

pub mod auc;
mod cell_parsing;
mod checks;
pub mod classification;
pub mod detection;
pub mod geo;
mod label_conversion;
pub mod label_metric;
pub mod merged_id;
pub mod multilabel;
pub mod probabilities;
pub mod question_answering;
pub mod ranking_lists;
pub mod regression;
pub mod segmentation;
pub mod sorted_id;
pub mod text;

pub use checks::{ColumnRule, IdPolicy};
pub use label_conversion::LabelRule;
pub use label_metric::ClassificationMetric;
pub use merged_id::MergedMetric;
pub use sorted_id::{RowFilter, SortedIdMetric};

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
            Answers::Table(_) => {
                Err("this grader needs a JSON Lines answers file, not a CSV".into())
            }
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
        RawScore {
            value,
            rounding: Rounding::Python,
        }
    }
    pub fn numpy(value: f64) -> Self {
        RawScore {
            value,
            rounding: Rounding::Numpy,
        }
    }
    /// The score as the report states it: rounded to 5 decimals.
    pub fn rounded(self) -> f64 {
        match self.rounding {
            Rounding::Python => py_round(self.value, 5),
            Rounding::Numpy => np_round(self.value, 5),
        }
    }
}

/// One grader kind: its parameters (the fields of the struct) and the grading they set up.
pub trait Grade {
    /// What the kind reads the answers file as: a table ([`Frame`]) or JSON Lines.
    type Answers: AnswersForm + ?Sized;

    /// Grade a parsed submission against the answers: the raw score, or why the
    /// submission is invalid.
    fn grade(&self, submission: &Frame, answers: &Self::Answers) -> Result<RawScore, String>;
}

/// A form of the loaded answers a grader kind can ask for.
pub trait AnswersForm {
    fn from_answers(answers: &Answers) -> Result<&Self, String>;
}

impl AnswersForm for Frame {
    fn from_answers(answers: &Answers) -> Result<&Self, String> {
        answers.table()
    }
}

impl AnswersForm for [serde_json::Value] {
    fn from_answers(answers: &Answers) -> Result<&Self, String> {
        answers.jsonl()
    }
}

fn grade_with<G: Grade>(
    grader: &G,
    submission: &Frame,
    answers: &Answers,
) -> Result<RawScore, String> {
    grader.grade(submission, G::Answers::from_answers(answers)?)
}

/// [`GraderSpec`] and its dispatch from one list of `Variant(ParameterStruct)`: the
/// variant's snake_case name is the config's `kind`.
macro_rules! grader_kinds {
    ($($kind:ident($params:ty),)*) => {
        /// A grader as a config's `grader:` section states it.
        #[derive(Debug, Clone, Deserialize, PartialEq)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum GraderSpec {
            $($kind($params),)*
        }

        impl GraderSpec {
            /// Grade a parsed submission against the answers: the raw score, or why the
            /// submission is invalid.
            pub fn grade(&self, submission: &Frame, answers: &Answers) -> Result<RawScore, String> {
                match self {
                    $(GraderSpec::$kind(grader) => grade_with(grader, submission, answers),)*
                }
            }
        }
    };
}

grader_kinds! {
    Accuracy(classification::Accuracy),
    RocAuc(classification::RocAuc),
    SortedRmse(regression::SortedRmse),
    BinaryLogLoss(classification::BinaryLogLoss),
    MulticlassLogLoss(classification::MulticlassLogLoss),
    MeanColumnwiseRmsle(regression::MeanColumnwiseRmsle),
    QuadraticWeightedKappa(classification::QuadraticWeightedKappa),
    SortedIdScore(sorted_id::SortedIdScore),
    MergedOnId(merged_id::MergedOnId),
    KlDivergenceVotes(probabilities::KlDivergenceVotes),
    LabelWeightedLrap(probabilities::LabelWeightedLrap),
    MeltedMultilabelLogLoss(probabilities::MeltedMultilabelLogLoss),
    MeanAngularError(geo::MeanAngularError),
    TripHaversine(geo::TripHaversine),
    BiasAuc(auc::BiasAuc),
    LaplaceLastWeeks(regression::LaplaceLastWeeks),
    KeepMaskMcrmse(regression::KeepMaskMcrmse),
    MeanLevenshtein(text::MeanLevenshtein),
    SequenceEditRate(text::SequenceEditRate),
    MeanWordJaccard(text::MeanWordJaccard),
    ExactMatchAccuracy(text::ExactMatchAccuracy),
    MicroF1TagSets(text::MicroF1TagSets),
    MapAtK(ranking_lists::MapAtK),
    KendallTauOrder(ranking_lists::KendallTauOrder),
    ColumnwiseSpearman(ranking_lists::ColumnwiseSpearman),
    NaturalQuestionsF1(question_answering::NaturalQuestionsF1),
    ColumnwiseRocAuc(auc::ColumnwiseRocAuc),
    PositionalMultilabelRocAuc(auc::PositionalMultilabelRocAuc),
    WeightedRocAuc(auc::WeightedRocAuc),
    MultilabelMicroF1(multilabel::MultilabelMicroF1),
    RleGlobalDice(segmentation::RleGlobalDice),
    RleMeanDice(segmentation::RleMeanDice),
    RleIouPrecision(segmentation::RleIouPrecision),
    RleFbeta(segmentation::RleFbeta),
    RleDiceHausdorff(segmentation::RleDiceHausdorff),
    MatchedIdRmse(regression::MatchedIdRmse),
    Lyft3dMap(detection::Lyft3dMap),
    CocoMap(detection::CocoMap),
    SiimMap(detection::SiimMap),
    KuzushijiF1(detection::KuzushijiF1),
    LabelMetric(label_metric::LabelMetric),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(value: serde_json::Value) -> Result<GraderSpec, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn kind_picks_the_parameter_struct() {
        let g = spec(json!({"kind": "accuracy", "id_column": "id", "target_column": "y"})).unwrap();
        let expected = classification::Accuracy {
            id_column: "id".into(),
            target_column: "y".into(),
        };
        assert_eq!(g, GraderSpec::Accuracy(expected));
        assert_eq!(
            spec(json!({"kind": "natural_questions_f1"})).unwrap(),
            GraderSpec::NaturalQuestionsF1(Default::default())
        );
        assert!(spec(
            json!({"kind": "lyft3d_map", "id_column": "Id", "target_column": "PredictionString"})
        )
        .is_ok());
    }

    #[test]
    fn a_typo_in_a_config_fails() {
        let typo =
            spec(json!({"kind": "accuracy", "id_column": "id", "target_colum": "y"})).unwrap_err();
        assert!(typo.contains("target_colum"), "{typo}");
        assert!(spec(json!({"kind": "natural_questions_f1", "id_column": "id"})).is_err());
        assert!(spec(json!({"kind": "acuracy", "id_column": "id", "target_column": "y"})).is_err());
        let optional = json!({"kind": "sorted_id_score", "id_column": "id", "target_column": "y", "metric": "rmse", "bound": [0, 1]});
        assert!(spec(optional).is_err());
        let nested = json!({"kind": "sorted_id_score", "id_column": "id", "target_column": "y", "metric": "rmse",
                            "scored_where": {"column": "u", "equal": 0}});
        assert!(spec(nested).is_err());
    }

    #[test]
    fn each_grader_accepts_only_the_id_policies_it_implements() {
        let label = |ids: &str| {
            spec(
                json!({"kind": "label_metric", "id_column": "id", "target_column": "y", "metric": "accuracy", "ids": ids}),
            )
        };
        assert!(label("sorted_equal").is_ok() && label("same_set").is_ok());
        assert!(label("superset").unwrap_err().contains("must be one of"));
        let map = |ids: &str| {
            spec(
                json!({"kind": "map_at_k", "id_column": "id", "target_column": "y", "k": 5, "column_rule": "exact_column_set", "ids": ids}),
            )
        };
        assert!(map("same_set").is_ok() && map("superset").is_ok());
        assert!(map("sorted_equal").is_err());
        assert!(map("sorted").is_err());
    }

    #[test]
    fn one_spelling_for_the_column_rule() {
        let auc = |extra: serde_json::Value| {
            let mut g =
                json!({"kind": "columnwise_roc_auc", "id_column": "id", "target_columns": ["a"]});
            g.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            spec(g)
        };
        let GraderSpec::ColumnwiseRocAuc(default) = auc(json!({})).unwrap() else {
            panic!()
        };
        assert_eq!(default.column_rule, ColumnRule::RequiredColumns);
        assert!(auc(json!({"column_rule": "exact_column_set"})).is_ok());
        assert!(auc(json!({"column_rule": "exact_shape"}))
            .unwrap_err()
            .contains("must be one of"));
        assert!(
            auc(json!({"exact_column_set": true})).is_err(),
            "the old spelling is refused"
        );
        let map = json!({"kind": "map_at_k", "id_column": "id", "target_column": "y", "k": 5, "exact_columns": true, "ids": "same_set"});
        assert!(spec(map).is_err(), "the old spelling is refused");
    }

    #[test]
    fn the_kind_reads_its_form_of_answers() {
        let sub = Frame::from_csv_str("id,y\n1,a\n").unwrap();
        let table = Answers::Table(Frame::from_csv_str("id,y\n1,a\n").unwrap());
        let accuracy =
            spec(json!({"kind": "accuracy", "id_column": "id", "target_column": "y"})).unwrap();
        assert_eq!(accuracy.grade(&sub, &table).unwrap().value, 1.0);
        let err = accuracy.grade(&sub, &Answers::Jsonl(vec![])).unwrap_err();
        assert!(err.contains("CSV answers"), "{err}");
        let qa = spec(json!({"kind": "natural_questions_f1"})).unwrap();
        assert!(qa.grade(&sub, &table).unwrap_err().contains("JSON Lines"));
    }
}

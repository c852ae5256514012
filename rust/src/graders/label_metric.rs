//! Graders that score one label per row: the submission's label column is converted as the
//! reference converts it (see `labels`), rows are paired with the answers by sorted id, and
//! a scikit-learn classification metric runs with scikit-learn's own input checks.

use super::checks::{
    answers_column, pair_matching_ids, same_id_set, same_length, sorted_pairing, submission_column,
    IdPolicy,
};
use super::label_conversion::LabelRule;
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::{Column, Frame, Value};
use crate::metrics::{self, F1Average};
use crate::sklearn::{check_targets, unique_labels};
use serde::Deserialize;
use std::collections::HashMap;

/// The scikit-learn metric applied to the labels.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ClassificationMetric {
    /// `accuracy_score(y_true, y_pred)`
    Accuracy,
    /// `1 - accuracy_score(y_true, y_pred)` (lower is better)
    ErrorRate,
    /// `f1_score(y_true, y_pred, average="micro")`
    F1Micro,
    /// `f1_score(y_true, y_pred, average="macro")` over every label seen on either side
    F1Macro,
    /// `matthews_corrcoef(y_true, y_pred)`
    MatthewsCorrcoef,
    /// `cohen_kappa_score(y_pred, y_true, weights="quadratic")`
    QuadraticWeightedKappa,
}

/// One label per row scored by a classification metric (accuracy, error rate, micro or
/// macro F1, MCC, quadratic weighted kappa) after the reference's label conversion
/// (`labels`) and id check (`ids`); rows aligned by sorted id.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LabelMetric {
    pub id_column: String,
    pub target_column: String,
    pub metric: ClassificationMetric,
    #[serde(default)]
    pub labels: LabelRule,
    /// `sorted_equal` (the default) or `same_set`
    #[serde(default, deserialize_with = "sorted_equal_or_same_set")]
    pub ids: IdPolicy,
}

fn sorted_equal_or_same_set<'de, D: serde::Deserializer<'de>>(d: D) -> Result<IdPolicy, D::Error> {
    IdPolicy::one_of(d, &[IdPolicy::SortedEqual, IdPolicy::SameSet])
}

impl Grade for LabelMetric {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let (metric, rule, id_check) = (self.metric, self.labels, self.ids);
        let ans_ids = answers_column(answers, id)?;
        let ans_labels = answers_column(answers, target)?;
        let sub_ids = submission_column(sub, id)?;
        let sub_labels = submission_column(sub, target)?;
        // every metric here counts pairs, so the order of the pairs does not matter
        let pairing = match id_check {
            IdPolicy::SortedEqual => {
                same_length(sub, answers)?;
                pair_matching_ids(sub_ids, ans_ids, id)?
            }
            IdPolicy::SameSet => {
                if !same_id_set(sub_ids, ans_ids) {
                    return Err(format!(
                        "Submission and answers have different `{id}` values"
                    ));
                }
                sorted_pairing(sub_ids, ans_ids)
            }
            // refused when the config is read; reachable only from Rust code
            IdPolicy::Superset => {
                return Err(
                    "grader config error: label_metric does not implement `ids: superset`".into(),
                )
            }
        };
        let y_pred = pairing.sub.take(sub_labels);
        let y_true = pairing.ans.take(ans_labels.column());
        let y_pred = rule.apply(&y_pred, target)?;
        let y_true = rule.for_answers().apply(&y_true, "answers")?;
        score(metric, &y_true, &y_pred)
    }
}

fn score(
    metric: ClassificationMetric,
    y_true: &Column,
    y_pred: &Column,
) -> Result<RawScore, String> {
    match metric {
        ClassificationMetric::Accuracy => accuracy(y_true, y_pred).map(RawScore::python),
        ClassificationMetric::ErrorRate => {
            accuracy(y_true, y_pred).map(|a| RawScore::python(1.0 - a))
        }
        ClassificationMetric::F1Micro | ClassificationMetric::F1Macro => {
            let average = if metric == ClassificationMetric::F1Micro {
                F1Average::Micro
            } else {
                F1Average::Macro
            };
            check_targets(y_true, y_pred)?;
            let (t, p, n_labels) = encode(y_true, y_pred)?;
            metrics::f1_score(&t, &p, n_labels, average).map(RawScore::numpy)
        }
        ClassificationMetric::MatthewsCorrcoef => {
            check_targets(y_true, y_pred)?;
            let (t, p, n_labels) = encode(y_true, y_pred)?;
            metrics::matthews_corrcoef(&t, &p, n_labels).map(RawScore::numpy)
        }
        ClassificationMetric::QuadraticWeightedKappa => {
            // the reference passes the prediction first
            check_targets(y_pred, y_true)?;
            let (a, b, n_labels) = encode(y_pred, y_true)?;
            metrics::quadratic_weighted_kappa(&a, &b, n_labels).map(RawScore::numpy)
        }
    }
}

/// `accuracy_score`: scikit-learn's target checks, then the share of equal labels.
fn accuracy(y_true: &Column, y_pred: &Column) -> Result<f64, String> {
    check_targets(y_true, y_pred)?;
    let matches: Vec<bool> = y_true
        .values()
        .zip(y_pred.values())
        .map(|(t, p)| t.py_eq(p))
        .collect();
    Ok(metrics::accuracy_from_matches(&matches))
}

/// Both columns as indices into their sorted union of labels (`unique_labels`, which
/// refuses text mixed with numbers).
fn encode(a: &Column, b: &Column) -> Result<(Vec<usize>, Vec<usize>, usize), String> {
    let labels = unique_labels(a, b)?;
    let index: HashMap<HashKey, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, v)| (v.hash_key(), i))
        .collect();
    let lookup = |v: Value| {
        index
            .get(&v.hash_key())
            .copied()
            .ok_or_else(|| "labels contain NaN".to_string())
    };
    let ia = a.values().map(lookup).collect::<Result<_, _>>()?;
    let ib = b.values().map(lookup).collect::<Result<_, _>>()?;
    Ok((ia, ib, labels.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(csv: &str) -> Frame {
        Frame::from_csv_str(csv).unwrap()
    }

    fn grade(
        sub: &str,
        ans: &str,
        metric: ClassificationMetric,
        rule: LabelRule,
        ids: IdPolicy,
    ) -> Result<f64, String> {
        let grader = LabelMetric {
            id_column: "id".into(),
            target_column: "y".into(),
            metric,
            labels: rule,
            ids,
        };
        grader.grade(&frame(sub), &frame(ans)).map(|r| r.rounded())
    }

    const ANSWERS: &str = "id,y\n1,10\n2,20\n3,20\n4,30\n";

    #[test]
    fn int_rule_truncates_and_macro_f1_counts_predicted_only_labels() {
        let sub = "id,y\n4,30.9\n3,20\n2,20.2\n1,99\n";
        // labels {10, 20, 30, 99}: F1 = 0, 1, 1, 0
        let f = grade(
            sub,
            ANSWERS,
            ClassificationMetric::F1Macro,
            LabelRule::Int,
            IdPolicy::SortedEqual,
        )
        .unwrap();
        assert_eq!(f, 0.5);
        let nan = "id,y\n1,10\n2,\n3,20\n4,30\n";
        assert!(grade(
            nan,
            ANSWERS,
            ClassificationMetric::F1Macro,
            LabelRule::Int,
            IdPolicy::SortedEqual
        )
        .is_err());
    }

    #[test]
    fn first_token_and_error_rate() {
        let sub = "id,y\n1,10 20\n2,30 20\n3,20\n4,30 1 2\n";
        let e = grade(
            sub,
            ANSWERS,
            ClassificationMetric::ErrorRate,
            LabelRule::FirstTokenInt,
            IdPolicy::SortedEqual,
        )
        .unwrap();
        assert_eq!(e, 0.25);
        let floats = "id,y\n1,10.0\n2,20.0\n3,20.0\n4,30.0\n";
        assert!(grade(
            floats,
            ANSWERS,
            ClassificationMetric::ErrorRate,
            LabelRule::FirstTokenInt,
            IdPolicy::SortedEqual
        )
        .is_err());
    }

    #[test]
    fn id_checks() {
        let dup = "id,y\n1,10\n1,10\n3,20\n4,30\n";
        assert!(grade(
            dup,
            ANSWERS,
            ClassificationMetric::Accuracy,
            LabelRule::AsRead,
            IdPolicy::SortedEqual
        )
        .is_err());
        assert!(grade(
            dup,
            ANSWERS,
            ClassificationMetric::Accuracy,
            LabelRule::AsRead,
            IdPolicy::SameSet
        )
        .is_err());
        let answers = "id,y\n1,0\n2,1\n2,1\n";
        let same_set = "id,y\n1,0\n1,0\n2,1\n";
        assert!(grade(
            same_set,
            answers,
            ClassificationMetric::MatthewsCorrcoef,
            LabelRule::AsRead,
            IdPolicy::SortedEqual
        )
        .is_err());
        let m = grade(
            same_set,
            answers,
            ClassificationMetric::MatthewsCorrcoef,
            LabelRule::AsRead,
            IdPolicy::SameSet,
        )
        .unwrap();
        assert_eq!(m, 0.5);
        let short = "id,y\n1,0\n2,1\n";
        assert!(grade(
            short,
            answers,
            ClassificationMetric::MatthewsCorrcoef,
            LabelRule::AsRead,
            IdPolicy::SameSet
        )
        .is_err());
    }

    #[test]
    fn text_labels() {
        let answers = "id,y\n1,oak\n2,ash\n3,elm\n";
        let sub = "id,y\n1,oak\n2,\n3,elm\n";
        // the missing label becomes the text "nan" (a wrong label) in a Python list ...
        let f = grade(
            sub,
            answers,
            ClassificationMetric::F1Micro,
            LabelRule::PythonList,
            IdPolicy::SortedEqual,
        )
        .unwrap();
        assert_eq!(f, 0.66667);
        // ... or "" after fillna, and it is refused when the array is used as read
        let a = grade(
            sub,
            answers,
            ClassificationMetric::Accuracy,
            LabelRule::MissingAsEmpty,
            IdPolicy::SortedEqual,
        )
        .unwrap();
        assert_eq!(a, 0.66667);
        assert!(grade(
            sub,
            answers,
            ClassificationMetric::Accuracy,
            LabelRule::AsRead,
            IdPolicy::SortedEqual
        )
        .is_err());
        // numbers against text: accuracy counts them wrong, F1 refuses the mix
        let numbers = "id,y\n1,1\n2,2\n3,3\n";
        assert_eq!(
            grade(
                numbers,
                answers,
                ClassificationMetric::Accuracy,
                LabelRule::AsRead,
                IdPolicy::SortedEqual
            )
            .unwrap(),
            0.0
        );
        assert!(grade(
            numbers,
            answers,
            ClassificationMetric::F1Macro,
            LabelRule::AsRead,
            IdPolicy::SortedEqual
        )
        .is_err());
    }

    #[test]
    fn kappa_and_mcc_reject_continuous_predictions() {
        let answers = "id,y\n1,0\n2,1\n3,1\n";
        let probs = "id,y\n1,0.2\n2,0.9\n3,0.7\n";
        assert!(grade(
            probs,
            answers,
            ClassificationMetric::MatthewsCorrcoef,
            LabelRule::AsRead,
            IdPolicy::SameSet
        )
        .is_err());
        assert!(grade(
            probs,
            answers,
            ClassificationMetric::QuadraticWeightedKappa,
            LabelRule::AsRead,
            IdPolicy::SortedEqual
        )
        .is_err());
        let bools = "id,y\n1,False\n2,True\n3,True\n";
        assert_eq!(
            grade(
                bools,
                answers,
                ClassificationMetric::MatthewsCorrcoef,
                LabelRule::AsRead,
                IdPolicy::SameSet
            )
            .unwrap(),
            1.0
        );
        let grades = "id,y\n1,0.0\n2,1.0\n3,1.0\n";
        assert_eq!(
            grade(
                grades,
                answers,
                ClassificationMetric::QuadraticWeightedKappa,
                LabelRule::AsRead,
                IdPolicy::SortedEqual
            )
            .unwrap(),
            1.0
        );
    }
}

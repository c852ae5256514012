//! Graders of multi-label competitions whose predictions are space-separated label lists.

use super::checks::{
    answers_column, pair_rows_by_id, require_columns, same_length, submission_column,
};
use super::{Grade, RawScore};
use crate::frame::{Cell, Column, Frame};
use crate::metrics;
use crate::pystr::split_words;
use serde::Deserialize;
use std::collections::HashMap;

/// Micro F1 of label sets (imet-2020, plant-pathology-2021): rows aligned by sorted id, each
/// cell split on whitespace (an empty cell is no label), binarised over the labels that occur
/// in the answers (`MultiLabelBinarizer(classes=...)`), so labels the answers never use are
/// dropped rather than counted as false positives.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MultilabelMicroF1 {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for MultilabelMicroF1 {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        require_columns(sub, answers, &[id, target])?;
        let answer_labels = answers_column(answers, target)?;
        let predicted_labels = submission_column(sub, target)?;
        same_length(sub, answers)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let true_rows = reorder(split_labels(&answer_labels, "answers")?, &ans_order);
        if true_rows.iter().any(Vec::is_empty) {
            // the reference's class list then holds NaN next to text and cannot be sorted
            return Err(
                "an answers row has no label; is the competition prepared correctly?".into(),
            );
        }
        let pred_rows = reorder(split_labels(predicted_labels, target)?, &sub_order);
        let mut classes: HashMap<&str, usize> = HashMap::new();
        for label in true_rows.iter().flatten() {
            let next = classes.len();
            classes.entry(label).or_insert(next);
        }
        let index = |rows: &[Vec<&str>]| -> Vec<Vec<usize>> {
            rows.iter()
                .map(|r| r.iter().filter_map(|l| classes.get(l).copied()).collect())
                .collect()
        };
        metrics::multilabel_micro_f1(&index(&true_rows), &index(&pred_rows), classes.len())
            .map(RawScore::numpy)
    }
}

fn reorder<T: Clone>(rows: Vec<T>, order: &[usize]) -> Vec<T> {
    order.iter().map(|&i| rows[i].clone()).collect()
}

/// `col.fillna("").str.split()`, or the error pandas or `MultiLabelBinarizer` raise: the
/// `.str` accessor refuses numeric and boolean columns (a column of single numeric labels is
/// read as int64), and a number left among text cannot be iterated as a list of labels.
fn split_labels<'a>(col: &'a Column, name: &str) -> Result<Vec<Vec<&'a str>>, String> {
    let numbers_error = || {
        format!(
            "the `{name}` column must hold space-separated labels as text, but it was read as {} (e.g. a single numeric label in every row)",
            col.dtype()
        )
    };
    match col {
        Column::Object(cells) => cells
            .iter()
            .map(|c| match c {
                Cell::Str(s) => Ok(split_words(s).collect()),
                Cell::Nan => Ok(Vec::new()),
                Cell::Bool(_) => Err(numbers_error()),
            })
            .collect(),
        // every cell empty: fillna("") turns the column into empty strings
        Column::Float(v) if v.iter().all(|x| x.is_nan()) => Ok(vec![Vec::new(); v.len()]),
        _ => Err(numbers_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multilabel_micro_f1(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        MultilabelMicroF1 {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }

    fn frame(csv: &str) -> Frame {
        Frame::from_csv_str(csv).unwrap()
    }

    #[test]
    fn unknown_labels_are_dropped() {
        let answers = frame("id,l\n1,a b\n2,c\n");
        let sub = frame("id,l\n2,c zzz\n1,a b a\n");
        assert_eq!(
            multilabel_micro_f1(&sub, &answers, "id", "l")
                .unwrap()
                .value,
            1.0
        );
        let sub = frame("id,l\n1,a\n2,\n");
        // tp 1, 3 true labels, 1 predicted
        assert_eq!(
            multilabel_micro_f1(&sub, &answers, "id", "l")
                .unwrap()
                .value,
            0.5
        );
    }

    #[test]
    fn numeric_label_columns_are_refused_unless_all_empty() {
        let answers = frame("id,l\n1,3 4\n2,5\n");
        assert!(multilabel_micro_f1(&frame("id,l\n1,3\n2,5\n"), &answers, "id", "l").is_err());
        assert!(multilabel_micro_f1(&frame("id,l\n1,3\n2,\n"), &answers, "id", "l").is_err());
        assert_eq!(
            multilabel_micro_f1(&frame("id,l\n1,\n2,\n"), &answers, "id", "l")
                .unwrap()
                .value,
            0.0
        );
        assert_eq!(
            multilabel_micro_f1(&frame("id,l\n1,3 5\n2,\n"), &answers, "id", "l")
                .unwrap()
                .value,
            0.4
        );
    }

    #[test]
    fn ids_must_match() {
        let answers = frame("id,l\n1,a\n2,b\n");
        assert!(multilabel_micro_f1(&frame("id,l\n1,a\n1,b\n"), &answers, "id", "l").is_err());
        assert!(multilabel_micro_f1(&frame("id,l\n1,a\n"), &answers, "id", "l").is_err());
        assert!(multilabel_micro_f1(&frame("id,x\n1,a\n2,b\n"), &answers, "id", "l").is_err());
    }
}

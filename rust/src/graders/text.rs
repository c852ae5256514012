//! Graders of text competitions: edit distance, word Jaccard, exact match, tag-set F1.
//! Each pairs rows by sorting both files on the id column and refuses a submission whose
//! sorted ids differ from the answers'; cells become Python strings the way the reference
//! converts them (`astype(str)`, `fillna("")`, or not at all).

use super::checks::{
    answers_column, pair_rows_by_id, require_columns, same_length, submission_column,
};
use super::{Grade, RawScore};
use crate::frame::{Cell, Column, Frame, Value};
use crate::metrics;
use crate::metrics::jaccard::{set_jaccard, word_set};
use crate::pystr::{cell_str, parse_int, split_words};
use rayon::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;

/// `col.astype(str)` of the rows in `order`.
pub(super) fn texts<'a>(col: &'a Column, order: &[usize]) -> Vec<Cow<'a, str>> {
    order.iter().map(|&i| cell_str(col.get(i))).collect()
}

/// `col.fillna("").astype(str)` of the rows in `order`.
fn texts_blank_for_missing<'a>(col: &'a Column, order: &[usize]) -> Vec<Cow<'a, str>> {
    order
        .iter()
        .map(|&i| match col.get(i) {
            v if v.is_nan() => Cow::Borrowed(""),
            v => cell_str(v),
        })
        .collect()
}

/// Cells that must already be text (NaN allowed as `missing`), as when the reference calls
/// a string method on each cell: anything else raises there.
fn text_cells<'a>(
    col: &'a Column,
    order: &[usize],
    name: &str,
    missing: Option<&'static str>,
) -> Result<Vec<&'a str>, String> {
    order
        .iter()
        .map(|&i| match (col.get(i), missing) {
            (Value::Str(s), _) => Ok(s),
            (v, Some(blank)) if v.is_nan() => Ok(blank),
            (v, _) => Err(format!(
                "the `{name}` column must hold text, found {} in row {}",
                super::checks::describe(v),
                i + 1
            )),
        })
        .collect()
}

/// Mean Levenshtein distance (by code point) between texts, rows aligned by sorted id
/// (ids must match). `cast_to_text`: cells go through `str()` first (a blank becomes
/// "nan"); otherwise any cell that is not text makes the submission invalid.
///
/// Mean Levenshtein distance, answer text against predicted text.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeanLevenshtein {
    pub id_column: String,
    pub target_column: String,
    /// cells go through `str()` first (a blank becomes "nan"); otherwise any cell that
    /// is not text makes the submission invalid
    pub cast_to_text: bool,
}

impl Grade for MeanLevenshtein {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let cast_to_text = self.cast_to_text;
        require_columns(sub, answers, &[id, target])?;
        same_length(sub, answers)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let (truth_col, pred_col) = (
            answers_column(answers, target)?,
            submission_column(sub, target)?,
        );
        let (truth, pred): (Vec<Cow<str>>, Vec<Cow<str>>) = if cast_to_text {
            (texts(&truth_col, &ans_order), texts(pred_col, &sub_order))
        } else {
            // Levenshtein.distance raises TypeError on a number or a missing value
            let t = text_cells(&truth_col, &ans_order, target, None)?;
            let p = text_cells(pred_col, &sub_order, target, None)?;
            (
                t.into_iter().map(Cow::Borrowed).collect(),
                p.into_iter().map(Cow::Borrowed).collect(),
            )
        };
        // np.mean of Python ints: an exact sum, one division (NaN when there are no rows)
        metrics::mean_levenshtein(&truth, &pred).map(RawScore::numpy)
    }
}

/// The symbol `Levenshtein.distance` compares for a Python int in a list: its `hash()`,
/// except -1, which it keeps as -1 (CPython hashes -1 to -2).
fn int_symbol(token: &str, name: &str) -> Result<u64, String> {
    let v = parse_int(token).ok_or_else(|| {
        format!("the `{name}` column must hold integers separated by spaces; invalid literal for int(): '{token}'")
    })?;
    let h = if v.negative && v.digits == "1" {
        -1
    } else {
        v.py_hash()
    };
    Ok(h as u64)
}

fn int_sequences(cells: &[Cow<str>], name: &str) -> Result<Vec<Vec<u64>>, String> {
    cells
        .iter()
        .map(|c| split_words(c).map(|t| int_symbol(t, name)).collect())
        .collect()
}

/// Sum of Levenshtein distances between space-separated integer sequences divided by
/// the number of true tokens (rows aligned by sorted id; every token must parse).
///
/// Σ Levenshtein distances of integer sequences / number of true tokens.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SequenceEditRate {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for SequenceEditRate {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        require_columns(sub, answers, &[id, target])?;
        same_length(sub, answers)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let truth = int_sequences(
            &texts(answers_column(answers, target)?.column(), &ans_order),
            target,
        )?;
        let pred = int_sequences(&texts(submission_column(sub, target)?, &sub_order), target)?;
        let distances: u64 = truth
            .par_iter()
            .zip(pred.par_iter())
            .map(|(t, p)| metrics::levenshtein(t, p) as u64)
            .sum();
        let true_tokens: usize = truth.iter().map(Vec::len).sum();
        // numpy division: 0/0 gives NaN and x/0 gives inf, never an error
        Ok(RawScore::numpy(distances as f64 / true_tokens as f64))
    }
}

/// Which formulation of the mean word Jaccard the reference uses.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JaccardAverage {
    /// The Kaggle formula averaged with numpy and returned as a Python float: blanks are
    /// empty texts, other cells go through `str()`, and a row where neither side has a
    /// word divides by zero (invalid submission).
    PythonMean,
    /// scikit-learn's `jaccard_score(average="samples")` on binarised word sets: blanks are
    /// empty texts, any other non-text cell is invalid, a row without words on either side
    /// scores 0, and fewer than two distinct words overall is invalid.
    SklearnSamples,
}

/// Mean word-set Jaccard of texts (lower-cased, whitespace-split), rows aligned by
/// sorted id (ids must match); `average` picks the reference's formulation.
///
/// Mean word-set Jaccard between predicted and true texts.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeanWordJaccard {
    pub id_column: String,
    pub target_column: String,
    pub average: JaccardAverage,
}

impl Grade for MeanWordJaccard {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let average = self.average;
        require_columns(sub, answers, &[id, target])?;
        same_length(sub, answers)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let (truth_col, pred_col) = (
            answers_column(answers, target)?,
            submission_column(sub, target)?,
        );
        match average {
            JaccardAverage::PythonMean => {
                let truth = texts_blank_for_missing(&truth_col, &ans_order);
                let pred = texts_blank_for_missing(pred_col, &sub_order);
                let t: Vec<&str> = truth.iter().map(|c| c.as_ref()).collect();
                let p: Vec<&str> = pred.iter().map(|c| c.as_ref()).collect();
                metrics::mean_word_jaccard(&t, &p, None).map(RawScore::python)
            }
            JaccardAverage::SklearnSamples => {
                let truth: Vec<_> = text_cells(&truth_col, &ans_order, target, Some(""))?
                    .into_iter()
                    .map(word_set)
                    .collect();
                let pred: Vec<_> = text_cells(pred_col, &sub_order, target, Some(""))?
                    .into_iter()
                    .map(word_set)
                    .collect();
                let vocabulary: std::collections::HashSet<&String> =
                    truth.iter().chain(&pred).flatten().collect();
                if vocabulary.len() < 2 {
                    return Err(format!(
                        "the predictions and answers hold {} distinct word(s); the samples-averaged Jaccard needs two",
                        vocabulary.len()
                    ));
                }
                let scores: Vec<f64> = truth
                    .iter()
                    .zip(&pred)
                    .map(|(t, p)| set_jaccard(t, p).unwrap_or(0.0))
                    .collect();
                Ok(RawScore::numpy(crate::numeric::np_mean(&scores)))
            }
        }
    }
}

/// Share of texts equal to the answer after `str()` (blanks read as "nan" on both
/// sides), rows aligned by sorted id.
///
/// Share of predicted texts equal to the answers after `astype(str)` on both sides.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExactMatchAccuracy {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for ExactMatchAccuracy {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        require_columns(sub, answers, &[id, target])?;
        same_length(sub, answers)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        let (truth, pred) = (
            answers_column(answers, target)?.column(),
            submission_column(sub, target)?,
        );
        // compared pair by pair: no copy of either column's texts
        let same = |s: usize, a: usize| match (pred, truth) {
            (Column::Object(p), Column::Object(t))
                if matches!((&p[s], &t[a]), (Cell::Str(_), Cell::Str(_))) =>
            {
                p[s] == t[a]
            }
            _ => cell_str(pred.get(s)) == cell_str(truth.get(a)),
        };
        let matches: Vec<bool> = sub_order
            .iter()
            .zip(&ans_order)
            .map(|(&s, &a)| same(s, a))
            .collect();
        Ok(RawScore::python(metrics::accuracy_from_matches(&matches)))
    }
}

/// Micro F1 of whitespace-separated tag sets, rows aligned by sorted id; tags unknown to
/// the answers are ignored.
///
/// Micro F1 of whitespace-separated tags against the answers' tags.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MicroF1TagSets {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for MicroF1TagSets {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        require_columns(sub, answers, &[id, target])?;
        same_length(sub, answers)?;
        let (sub_order, ans_order) = pair_rows_by_id(sub, answers, id)?.rows();
        // `fillna("").str.split()`: blanks are no tags; a number or boolean cannot be split
        let truth = split_each(text_cells(
            answers_column(answers, target)?.column(),
            &ans_order,
            target,
            Some(""),
        )?);
        let pred = split_each(text_cells(
            submission_column(sub, target)?,
            &sub_order,
            target,
            Some(""),
        )?);
        metrics::micro_f1_label_sets(&truth, &pred).map(RawScore::numpy)
    }
}

fn split_each(cells: Vec<&str>) -> Vec<Vec<&str>> {
    cells
        .into_iter()
        .map(|c| split_words(c).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_levenshtein(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
        cast_to_text: bool,
    ) -> Result<RawScore, String> {
        MeanLevenshtein {
            id_column: id.into(),
            target_column: target.into(),
            cast_to_text,
        }
        .grade(sub, answers)
    }

    fn mean_word_jaccard(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
        average: JaccardAverage,
    ) -> Result<RawScore, String> {
        MeanWordJaccard {
            id_column: id.into(),
            target_column: target.into(),
            average,
        }
        .grade(sub, answers)
    }

    fn sequence_edit_rate(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        SequenceEditRate {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }
    fn exact_match_accuracy(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        ExactMatchAccuracy {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }
    fn micro_f1_tag_sets(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        MicroF1TagSets {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    #[test]
    fn levenshtein_cast_or_refuse() {
        let answers = frame("id,s\n1,abc\n2,xyz\n");
        let sub = frame("id,s\n2,xy\n1,abc\n");
        assert_eq!(
            mean_levenshtein(&sub, &answers, "id", "s", false)
                .unwrap()
                .value,
            0.5
        );
        let blank = frame("id,s\n2,\n1,abc\n");
        assert!(mean_levenshtein(&blank, &answers, "id", "s", false).is_err());
        // cast: the blank is the text "nan" -> distance("xyz", "nan") = 3
        assert_eq!(
            mean_levenshtein(&blank, &answers, "id", "s", true)
                .unwrap()
                .value,
            1.5
        );
        let wrong_id = frame("id,s\n3,xy\n1,abc\n");
        assert!(mean_levenshtein(&wrong_id, &answers, "id", "s", true).is_err());
    }

    #[test]
    fn gesture_sequences() {
        let answers = frame("Id,Sequence\n0300,1 2 3\n0301,4 5\n");
        let sub = frame("Id,Sequence\n301,4 5 6\n300,1 3\n");
        // (1 + 1) / 5 true tokens
        assert_eq!(
            sequence_edit_rate(&sub, &answers, "Id", "Sequence")
                .unwrap()
                .value,
            0.4
        );
        let floats = frame("Id,Sequence\n301,4.0\n300,1\n");
        assert!(sequence_edit_rate(&floats, &answers, "Id", "Sequence").is_err());
        let blank = frame("Id,Sequence\n301,\n300,1 2 3\n");
        assert!(sequence_edit_rate(&blank, &answers, "Id", "Sequence").is_err());
    }

    #[test]
    fn jaccard_flavours() {
        let answers = frame("id,t\n1,Good day\n2,bad\n");
        let sub = frame("id,t\n1,good\n2,\n");
        let py = mean_word_jaccard(&sub, &answers, "id", "t", JaccardAverage::PythonMean).unwrap();
        assert_eq!(
            (py.value, py.rounding),
            (0.25, super::super::Rounding::Python)
        );
        let sk =
            mean_word_jaccard(&sub, &answers, "id", "t", JaccardAverage::SklearnSamples).unwrap();
        assert_eq!(
            (sk.value, sk.rounding),
            (0.25, super::super::Rounding::Numpy)
        );
        let numbers = frame("id,t\n1,1947\n2,1947\n");
        assert!(mean_word_jaccard(
            &numbers,
            &answers,
            "id",
            "t",
            JaccardAverage::SklearnSamples
        )
        .is_err());
        assert_eq!(
            mean_word_jaccard(&numbers, &answers, "id", "t", JaccardAverage::PythonMean)
                .unwrap()
                .value,
            0.0
        );
        let blank_answers = frame("id,t\n1,good\n2,\n"); // row 2 blank on both sides: 0/0
        assert!(
            mean_word_jaccard(&sub, &blank_answers, "id", "t", JaccardAverage::PythonMean).is_err()
        );
    }

    #[test]
    fn exact_match_reads_missing_as_nan_text() {
        let answers = frame("id,after\n0_1,None\n0_0,x\n");
        let sub = frame("id,after\n0_0,x\n0_1,nan\n");
        assert_eq!(
            exact_match_accuracy(&sub, &answers, "id", "after")
                .unwrap()
                .value,
            1.0
        );
    }

    #[test]
    fn tag_sets() {
        let answers = frame("Id,Tags\n1,a b\n2,c\n");
        let sub = frame("Id,Tags\n2,c zzz c\n1,\n");
        // tp 1, true 3, pred 1
        assert_eq!(
            micro_f1_tag_sets(&sub, &answers, "Id", "Tags")
                .unwrap()
                .value,
            0.5
        );
        let numbers = frame("Id,Tags\n2,1\n1,2\n");
        assert!(micro_f1_tag_sets(&numbers, &answers, "Id", "Tags").is_err());
    }
}

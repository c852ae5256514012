//! Graders of per-class probability or score tables: the KL divergence to normalised expert
//! votes, label-weighted LRAP, and a weighted multi-label log loss over melted rows.

use super::checks::{
    answers_column, pair_matching_ids, same_id_set, same_length, sorted_pairing, submission_column,
};
use super::{Grade, RawScore};
use crate::frame::{parse_pandas_float, parse_pandas_int, Cell, Column, Frame, IntParse, Value};
use crate::metrics;
use crate::numeric::np_round;
use crate::sklearn::to_float_array;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Kaggle's clip bound for probabilities.
const KAGGLE_EPS: f64 = 1e-15;

/// KL divergence from the answers' vote shares to the submitted class probabilities;
/// Kaggle's probability checks cover every non-id submission column, and integer
/// columns are not clipped (a 0 under a voted class gives +inf).
///
/// HMS: KL divergence from the answers' vote shares (votes / row total) to the submitted
/// probabilities, after Kaggle's probability checks on every non-id submission column.
///
/// Rows are paired by sorted id, and an eeg_id has several rows. Rows of one id keep file
/// order here; the reference's unstable sort (numpy's quicksort, whose tie order depends on
/// the CPU's SIMD support) may order them otherwise. The two agree whenever the submission
/// lists the ids in the answers' order or predicts the same values for all rows of an id.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KlDivergenceVotes {
    pub id_column: String,
    pub target_columns: Vec<String>,
}

impl Grade for KlDivergenceVotes {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, targets) = (self.id_column.as_str(), &self.target_columns);
        let sub_ids = submission_column(sub, id)?;
        let target_cols: Vec<&Column> = targets
            .iter()
            .map(|t| submission_column(sub, t))
            .collect::<Result<_, _>>()?;
        same_length(sub, answers)?;
        // pandas' row sum over the targets, rounded to 5 decimals, must be exactly 1
        let target_values = numeric_table(&target_cols)?;
        if let Some(r) = row_sums(&target_values, sub.nrows)
            .iter()
            .position(|&s| np_round(s, 5) != 1.0)
        {
            return Err(format!(
                "Submission probabilities must add to 1 for each row (row {} does not)",
                r + 1
            ));
        }
        let ans_ids = answers_column(answers, id)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!(
                "Submission and answers must have the same `{id}` values"
            ));
        }
        let answer_cols: Vec<&Column> = targets.iter().map(|t| answers.column(t).ok_or_else(|| format!("the answers file has no `{t}` column; is the competition prepared correctly?"))).collect::<Result<_, _>>()?;
        let pairing = sorted_pairing(sub_ids, ans_ids);
        let (sub_order, ans_order) = pairing.rows();
        let solution = vote_shares(&numeric_table(&answer_cols)?, &ans_order);
        verify_probabilities(&solution, "the answers")?;
        // Kaggle's checks run on every submission column but the id
        let others: Vec<&Column> = sub
            .names
            .iter()
            .zip(&sub.columns)
            .filter(|(n, _)| *n != id)
            .map(|(_, c)| c)
            .collect();
        let other_values = probability_table(&others)?;
        verify_probabilities(&other_values, "the submission")?;
        let k = targets.len();
        let mut y_true = vec![0.0; ans_order.len() * k];
        let mut y_pred = vec![0.0; sub_order.len() * k];
        for (j, col) in target_cols.iter().enumerate() {
            // Kaggle clips with np.clip, which leaves an integer column as it is
            let clip = !matches!(col, Column::Int(_) | Column::UInt(_));
            for (r, &row) in sub_order.iter().enumerate() {
                let p = target_values[j][row];
                y_pred[r * k + j] = if clip && !p.is_nan() {
                    p.clamp(KAGGLE_EPS, 1.0 - KAGGLE_EPS)
                } else {
                    p
                };
            }
            for r in 0..ans_order.len() {
                y_true[r * k + j] = solution[j][r];
            }
        }
        metrics::kl_divergence(&y_true, &y_pred, k).map(RawScore::numpy)
    }
}

/// Numeric columns as float64 (bools are 0/1); text refused.
fn numeric_table(cols: &[&Column]) -> Result<Vec<Vec<f64>>, String> {
    cols.iter()
        .map(|c| {
            c.numeric_f64()
                .ok_or_else(|| "Submission probability columns must be numeric".to_string())
        })
        .collect()
}

/// `is_numeric_dtype(df.values)`: the columns' common numpy type must be numeric, so an
/// object column, or booleans next to numbers (which make `df.values` object), are refused.
fn probability_table(cols: &[&Column]) -> Result<Vec<Vec<f64>>, String> {
    let bools = cols.iter().filter(|c| matches!(c, Column::Bool(_))).count();
    if bools != 0 && bools != cols.len() {
        return Err(
            "All target values in submission must be numeric (booleans mixed with numbers)".into(),
        );
    }
    numeric_table(cols).map_err(|_| "All target values in submission must be numeric".to_string())
}

/// pandas' `df.sum(axis=1)`: NaN skipped, columns added left to right.
fn row_sums(columns: &[Vec<f64>], nrows: usize) -> Vec<f64> {
    let mut sums = vec![0.0; nrows];
    for col in columns {
        for (s, &v) in sums.iter_mut().zip(col) {
            if !v.is_nan() {
                *s += v;
            }
        }
    }
    sums
}

/// Answers' votes divided by each row's vote total, rows in `order`.
fn vote_shares(votes: &[Vec<f64>], order: &[usize]) -> Vec<Vec<f64>> {
    let sorted: Vec<Vec<f64>> = votes
        .iter()
        .map(|c| order.iter().map(|&r| c[r]).collect())
        .collect();
    let totals = row_sums(&sorted, order.len());
    sorted
        .iter()
        .map(|c| c.iter().zip(&totals).map(|(v, t)| v / t).collect())
        .collect()
}

/// Kaggle's `verify_valid_probabilities`: no value below 0 or above 1 (NaN skipped), and
/// every row sum (NaN skipped) within `np.allclose` of 1.
fn verify_probabilities(columns: &[Vec<f64>], what: &str) -> Result<(), String> {
    let values = columns.iter().flatten().filter(|v| !v.is_nan());
    if values.clone().any(|&v| v < 0.0) {
        return Err(format!("All target values in {what} must be at least zero"));
    }
    if values.clone().any(|&v| v > 1.0) {
        return Err(format!(
            "All target values in {what} must be no greater than one"
        ));
    }
    let nrows = columns.first().map_or(0, Vec::len);
    // np.allclose(sums, 1): |s - 1| <= atol + rtol * 1; NaN is never close
    let close_to_one = |s: &f64| (s - 1.0).abs() <= 1e-8 + 1e-5;
    if !row_sums(columns, nrows).iter().all(close_to_one) {
        return Err(format!(
            "Target values in {what} do not add to one within all rows"
        ));
    }
    Ok(())
}

/// Freesound 2019: label-weighted LRAP. The submission's columns must be exactly the id then
/// the answers' class columns in the same order; rows are aligned by sorted id.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LabelWeightedLrap {
    pub id_column: String,
}

impl Grade for LabelWeightedLrap {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let id = self.id_column.as_str();
        same_length(sub, answers)?;
        if sub.names.first().map(String::as_str) != Some(id) {
            return Err(format!("Submission must have `{id}` as its first column"));
        }
        if answers.names.first().map(String::as_str) != Some(id) {
            return Err(format!(
                "the answers' first column is not `{id}`; is the competition prepared correctly?"
            ));
        }
        if sub.names[1..] != answers.names[1..] {
            return Err(
                "Submission class columns do not match the expected classes (names and order)"
                    .into(),
            );
        }
        let pairing = pair_matching_ids(&sub.columns[0], &answers.columns[0], id)?;
        let (sub_order, ans_order) = pairing.rows();
        let k = answers.ncols() - 1;
        let scores: Vec<Vec<f64>> = sub.columns[1..]
            .iter()
            .map(|c| to_numeric(c, &sub_order))
            .collect::<Result<_, _>>()?;
        let truth: Vec<Vec<f64>> = answers.columns[1..]
            .iter()
            .map(|c| to_numeric(c, &ans_order))
            .collect::<Result<_, _>>()?;
        // rows without any true label are left out; the others weigh their number of labels
        let (mut y_true, mut y_score, mut weights) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..ans_order.len() {
            let labels = (0..k).filter(|&j| truth[j][r] > 0.0).count();
            if labels == 0 {
                continue;
            }
            weights.push(labels as f64);
            for j in 0..k {
                y_true.push(f64::from(u8::from(truth[j][r] > 0.0)));
                y_score.push(scores[j][r]);
            }
        }
        metrics::label_ranking_average_precision(&y_true, &y_score, k, Some(&weights))
            .map(RawScore::numpy)
    }
}

/// `pd.to_numeric` of a column, rows in `order`: text that is not a number is an error, and
/// so is an integer literal outside int64 and uint64 (pandas reads it as text, and
/// `to_numeric` refuses it rather than making it a float).
fn to_numeric(col: &Column, order: &[usize]) -> Result<Vec<f64>, String> {
    order
        .iter()
        .enumerate()
        .map(|(at, &r)| match col.get(r) {
            Value::Str(s) => match parse_pandas_int(s) {
                IntParse::Overflow { negative }
                    if negative || trim_int(s).parse::<u64>().is_err() =>
                {
                    Err(format!("Integer out of range. at position {at}"))
                }
                _ => parse_pandas_float(s).ok_or_else(|| format!("Unable to parse string \"{s}\"")),
            },
            v => Ok(v.as_f64().unwrap_or(f64::NAN)),
        })
        .collect()
}

/// The digits of an integer literal without the surrounding blanks and a leading `+`.
fn trim_int(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b')
        .trim_start_matches('+')
}

/// Weighted multi-label log loss of melted `<group>_<label>` rows, unmelted to one row
/// per group; probabilities within [0, 1], ids equal after sorting.
///
/// RSNA 2022 cervical spine: one probability per `<study>_<label>` row; rows are unmelted
/// into one row per study and scored with a weighted multi-label log loss.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeltedMultilabelLogLoss {
    /// `<study>_<label>` ids
    pub id_column: String,
    pub target_column: String,
    /// the labels, in the order of the weights
    pub label_columns: Vec<String>,
    pub negative_weights: Vec<f64>,
    pub positive_weights: Vec<f64>,
}

impl Grade for MeltedMultilabelLogLoss {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let sub_ids = submission_column(sub, &self.id_column)?;
        let probs = submission_column(sub, &self.target_column)?;
        within_unit_interval(probs, &self.target_column)?;
        let ans_ids = answers_column(answers, &self.id_column)?;
        let truth = answers_column(answers, &self.target_column)?;
        let pairing = pair_matching_ids(sub_ids, ans_ids, &self.id_column)?;
        let (sub_order, ans_order) = pairing.rows();
        let paired_ids = ans_ids.take(&ans_order);
        let y_true = to_float_array(&truth.take(&ans_order), "y_true", false)?;
        let y_pred = probs
            .take(&sub_order)
            .numeric_f64()
            .ok_or("probabilities must be numeric")?;
        let (t, p) = self.unmelt(&paired_ids, &y_true, &y_pred)?;
        metrics::weighted_multilabel_log_loss(
            &t,
            &p,
            &self.negative_weights,
            &self.positive_weights,
            KAGGLE_EPS,
        )
        .map(RawScore::numpy)
    }
}

impl MeltedMultilabelLogLoss {
    /// `pivot(index=study, columns=label)` of both files (paired rows have equal ids):
    /// studies sorted, label columns in `self.label_columns` order, missing cells NaN.
    fn unmelt(
        &self,
        ids: &Column,
        y_true: &[f64],
        y_pred: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>), String> {
        let k = self.label_columns.len();
        let mut studies: BTreeMap<&str, Vec<Option<(f64, f64)>>> = BTreeMap::new();
        for (r, v) in ids.values().enumerate() {
            let Value::Str(id) = v else {
                return Err(format!(
                    "`{}` values must be text (Can only use .str accessor with string values)",
                    self.id_column
                ));
            };
            let (study, label) = id.split_once('_').unwrap_or((id, ""));
            let cells = studies.entry(study).or_insert_with(|| vec![None; k]);
            if let Some(j) = self.label_columns.iter().position(|l| l == label) {
                if cells[j].replace((y_true[r], y_pred[r])).is_some() {
                    return Err("Index contains duplicate entries, cannot reshape".into());
                }
            }
        }
        let (mut t, mut p) = (Vec::new(), Vec::new());
        for cells in studies.values() {
            for cell in cells {
                let (a, b) = cell.unwrap_or((f64::NAN, f64::NAN));
                t.push(a);
                p.push(b);
            }
        }
        Ok((t, p))
    }
}

/// `col.between(0, 1).all()`: NaN and text fail.
fn within_unit_interval(col: &Column, name: &str) -> Result<(), String> {
    if let Column::Object(cells) = col {
        if cells.iter().any(|c| matches!(c, Cell::Str(_))) {
            return Err(format!("The `{name}` column holds text; '>=' not supported between instances of 'str' and 'int'"));
        }
    }
    if !col
        .values()
        .all(|v| v.as_f64().is_some_and(|x| (0.0..=1.0).contains(&x)))
    {
        return Err(format!(
            "Submission `{name}` values must be between 0 and 1 (and not missing)."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kl_divergence_votes(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        targets: &[String],
    ) -> Result<RawScore, String> {
        KlDivergenceVotes {
            id_column: id.into(),
            target_columns: targets.to_vec(),
        }
        .grade(sub, answers)
    }

    fn label_weighted_lrap(sub: &Frame, answers: &Frame, id: &str) -> Result<RawScore, String> {
        LabelWeightedLrap {
            id_column: id.into(),
        }
        .grade(sub, answers)
    }

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    fn targets() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    const VOTES: &str = "id,a,b\n1,3,1\n2,0,2";

    /// pandas 2.2.3: `pd.to_numeric` refuses integer literals beyond int64 and uint64
    /// ("Integer out of range."), which `read_csv` leaves as text, but reads uint64 ones.
    #[test]
    fn to_numeric_refuses_integers_beyond_uint64() {
        let col = |s: &str| frame(&format!("a\n{s}\n1\n")).columns[0].clone();
        for big in [
            "99999999999999999999",
            "-9223372036854775809",
            " +18446744073709551616",
            "00999999999999999999999",
        ] {
            let err = to_numeric(&col(big), &[1, 0]).unwrap_err();
            assert_eq!(err, "Integer out of range. at position 1", "{big}");
        }
        assert_eq!(
            to_numeric(&col("18446744073709551615"), &[0, 1]).unwrap(),
            vec![18446744073709551615u64 as f64, 1.0]
        );
        let mixed = frame("a\n99999999999999999999.0\n1\n").columns[0].clone();
        assert_eq!(to_numeric(&mixed, &[0, 1]).unwrap(), vec![1e20, 1.0]);
        let text = frame("a\n99999999999999999999\nx\n").columns[0].clone();
        assert_eq!(
            to_numeric(&text, &[1, 0]).unwrap_err(),
            "Unable to parse string \"x\""
        );
    }

    #[test]
    fn kl_votes_clip_floats_not_ints() {
        let perfect = frame("id,a,b\n2,0,1\n1,0.75,0.25");
        // a share of 1 is clipped to 1 - 1e-15, which costs about 1e-15
        assert!(
            kl_divergence_votes(&perfect, &frame(VOTES), "id", &targets())
                .unwrap()
                .value
                < 1e-14
        );
        let floats = frame("id,a,b\n1,1.0,0.0\n2,0.0,1.0");
        let v = kl_divergence_votes(&floats, &frame(VOTES), "id", &targets())
            .unwrap()
            .value;
        let expected =
            (0.75 * (0.75f64 / (1.0 - 1e-15)).ln() + 0.25 * (0.25f64 / 1e-15).ln()) / 2.0;
        assert!((v - expected).abs() < 1e-12, "{v} {expected}");
        let ints = frame("id,a,b\n1,1,0\n2,0,1");
        assert_eq!(
            kl_divergence_votes(&ints, &frame(VOTES), "id", &targets())
                .unwrap()
                .value,
            f64::INFINITY
        );
    }

    #[test]
    fn kl_votes_checks() {
        let answers = frame(VOTES);
        let extra = frame("id,a,b,c\n1,0.75,0.25,5\n2,0,1,5");
        assert!(kl_divergence_votes(&extra, &answers, "id", &targets()).is_err());
        let unnormalised = frame("id,a,b\n1,0.9,0.3\n2,0,1");
        assert!(kl_divergence_votes(&unnormalised, &answers, "id", &targets()).is_err());
        let negative = frame("id,a,b\n1,1.25,-0.25\n2,0,1");
        assert!(kl_divergence_votes(&negative, &answers, "id", &targets()).is_err());
        let wrong_ids = frame("id,a,b\n1,0.75,0.25\n3,0,1");
        assert!(kl_divergence_votes(&wrong_ids, &answers, "id", &targets()).is_err());
    }

    #[test]
    fn lwlrap_skips_unlabelled_rows_and_checks_columns() {
        let answers = frame("f,x,y,z\nb,0,0,0\na,1,0,1\nc,0,1,0");
        let sub = frame("f,x,y,z\nc,0.1,0.9,0.0\na,0.9,0.1,0.2\nb,,,");
        // row a: x rank 1 -> 1; z rank 2 with 2 relevant at or above -> 1; row c: 1
        assert_eq!(label_weighted_lrap(&sub, &answers, "f").unwrap().value, 1.0);
        let reordered = frame("f,y,x,z\nc,0.9,0.1,0.0\na,0.1,0.9,0.2\nb,0,0,0");
        assert!(label_weighted_lrap(&reordered, &answers, "f").is_err());
        let nan = frame("f,x,y,z\nc,0.1,,0.0\na,0.9,0.1,0.2\nb,0,0,0");
        assert!(label_weighted_lrap(&nan, &answers, "f").is_err());
    }

    #[test]
    fn melted_log_loss() {
        let label_columns = vec!["overall".to_string(), "C1".to_string()];
        let (negative_weights, positive_weights) = (vec![7.0, 1.0], vec![14.0, 2.0]);
        let g = MeltedMultilabelLogLoss {
            id_column: "row_id".into(),
            target_column: "p".into(),
            label_columns,
            negative_weights,
            positive_weights,
        };
        let answers = frame("row_id,p\ns1_overall,1\ns1_C1,0\ns2_overall,0\ns2_C1,0");
        let half = frame("row_id,p\ns2_C1,0.5\ns1_C1,0.5\ns1_overall,0.5\ns2_overall,0.5");
        assert!((g.grade(&half, &answers).unwrap().value - 2f64.ln()).abs() < 1e-15);
        let above_one = frame("row_id,p\ns2_C1,1.01\ns1_C1,0.5\ns1_overall,0.5\ns2_overall,0.5");
        assert!(g.grade(&above_one, &answers).is_err());
        let blank = frame("row_id,p\ns2_C1,\ns1_C1,0.5\ns1_overall,0.5\ns2_overall,0.5");
        assert!(g.grade(&blank, &answers).is_err());
        let renamed = frame("row_id,p\ns2_C1,0.5\ns1_C1,0.5\ns1__overall,0.5\ns2_overall,0.5");
        assert!(g.grade(&renamed, &answers).is_err());
    }
}

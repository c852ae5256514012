//! Graders of segmentation competitions: masks given as run-length encoded text, decoded
//! to runs (never to pixels) with the reference's checks, then scored from pixel counts.

use super::cell_parsing::{pixel_count, py_int, text, text_or_empty};
use super::checks::{
    answers_column, pair_matching_ids, same_id_set, same_length, submission_column,
};
use super::{Grade, RawScore};
use crate::frame::{Column, Frame, Value};
use crate::metrics::hausdorff::{voxel_directed_hausdorff, Voxel};
use crate::metrics::masks::{dice, fbeta, iou_threshold_precision, Overlap};
use crate::metrics::rle::{PixelOrder, RunMask};
use crate::numeric::np_mean;
use rayon::prelude::*;
use serde::Deserialize;

/// Decode a submission cell: it must be text (`rle_decode` asserts `isinstance(str)`).
fn decode_submission(v: Value<'_>, len: u64, row: usize) -> Result<RunMask, String> {
    let rle =
        text(v).ok_or_else(|| format!("row {}: expected an RLE string, got {v:?}", row + 1))?;
    RunMask::from_rle(rle, len)
        .map_err(|e| format!("Error decoding RLE masks (row {}): {e}", row + 1))
}

fn decode_answer(v: Value<'_>, len: u64) -> Result<RunMask, String> {
    let rle = text(v).ok_or_else(|| format!("the answers hold a non-text RLE {v:?}"))?;
    RunMask::from_rle(rle, len).map_err(|e| format!("cannot decode an answers RLE: {e}"))
}

/// `Series.replace(token, "")`: a cell equal to `token` becomes the empty mask.
fn blank_token<'a>(v: Value<'a>, token: &str) -> Value<'a> {
    match v {
        Value::Str(s) if s == token => Value::Str(""),
        other => other,
    }
}

fn check_answer_columns(answers: &Frame, expected: &[&str]) -> Result<(), String> {
    let mut got: Vec<&str> = answers.names.iter().map(String::as_str).collect();
    let mut want = expected.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    if got != want {
        return Err(format!(
            "the answers file must have exactly the columns {expected:?}"
        ));
    }
    Ok(())
}

/// One Dice over the pixels of all images; masks are RLE text (column-major), sized by
/// the answers' height/width columns; `empty_token` is read as an empty mask.
///
/// Global Dice over all images (Contrails): ids sorted and compared, `empty_token` read as
/// the empty mask, masks decoded with the answers' sizes, one Dice over all pixels.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RleGlobalDice {
    pub id_column: String,
    pub rle_column: String,
    pub height_column: String,
    pub width_column: String,
    /// a cell holding this text is the empty mask
    pub empty_token: String,
}

impl Grade for RleGlobalDice {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, rle, empty_token) = (
            self.id_column.as_str(),
            self.rle_column.as_str(),
            self.empty_token.as_str(),
        );
        let (height, width) = (self.height_column.as_str(), self.width_column.as_str());
        check_answer_columns(answers, &[id, rle, height, width])?;
        let sub_ids = submission_column(sub, id)?;
        let sub_rle = submission_column(sub, rle)?;
        same_length(sub, answers)?;
        let (so, ao) = pair_matching_ids(sub_ids, answers_column(answers, id)?, id)?.rows();
        let (ans_rle, hs, ws) = (
            answers_column(answers, rle)?,
            answers_column(answers, height)?,
            answers_column(answers, width)?,
        );
        let total = (0..so.len())
            .into_par_iter()
            .map(|k| {
                let (s, a) = (so[k], ao[k]);
                let len = pixel_count(py_int(hs.get(a), height)?, py_int(ws.get(a), width)?)?;
                let truth = decode_answer(blank_token(ans_rle.get(a), empty_token), len)?;
                let pred = decode_submission(blank_token(sub_rle.get(s), empty_token), len, s)?;
                Ok::<Overlap, String>(Overlap::of(&pred, &truth))
            })
            .try_reduce(Overlap::default, |x, y| Ok(x.plus(y)))?;
        Ok(RawScore::numpy(dice(total, f64::NAN)))
    }
}

/// Mean per-image Dice of RLE masks (both empty = 1); id sets must match.
///
/// Mean per-image Dice (HuBMAP): id sets compared, rows paired after sorting by id, a
/// missing prediction is the empty mask, two empty masks score 1.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RleMeanDice {
    pub id_column: String,
    pub rle_column: String,
    pub answers_rle_column: String,
    pub height_column: String,
    pub width_column: String,
}

impl Grade for RleMeanDice {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, rle, answer_rle) = (
            self.id_column.as_str(),
            self.rle_column.as_str(),
            self.answers_rle_column.as_str(),
        );
        let (height, width) = (self.height_column.as_str(), self.width_column.as_str());
        let sub_ids = submission_column(sub, id)?;
        let sub_rle = submission_column(sub, rle)?;
        let ans_ids = answers_column(answers, id)?;
        let ans_rle = answers_column(answers, answer_rle)?;
        let (ws, hs) = (
            answers_column(answers, width)?,
            answers_column(answers, height)?,
        );
        same_length(sub, answers)?;
        if !same_id_set(sub_ids, ans_ids) {
            return Err(format!("Submission and answers have different {id} values"));
        }
        let (so, ao) = (sub_ids.argsort(), ans_ids.argsort());
        // `rle_decode` asserts Python ints: the answers' size columns must be integer columns
        if !matches!(*hs, Column::Int(_)) || !matches!(*ws, Column::Int(_)) {
            return Err("the answers' image sizes must be integers".into());
        }
        let scores = (0..so.len())
            .into_par_iter()
            .map(|k| {
                let (s, a) = (so[k], ao[k]);
                let len = pixel_count(py_int(hs.get(a), height)?, py_int(ws.get(a), width)?)?;
                let cell = sub_rle.get(s);
                let cell = if cell.is_nan() { Value::Str("") } else { cell };
                let pred = decode_submission(cell, len, s)?;
                let truth = decode_answer(ans_rle.get(a), len)?;
                Ok(dice(Overlap::of(&pred, &truth), 1.0))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(RawScore::numpy(np_mean(&scores)))
    }
}

/// Mean per-image precision over IoU thresholds 0.5..0.95 of RLE masks of a fixed size.
///
/// Mean over images of the TGS Salt precision at IoU thresholds 0.5..0.95 (fixed image
/// size): the column set must be exactly `{id, rle}`, every cell text or empty.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RleIouPrecision {
    pub id_column: String,
    pub rle_column: String,
    pub height: u64,
    pub width: u64,
}

impl Grade for RleIouPrecision {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, rle, height, width) = (
            self.id_column.as_str(),
            self.rle_column.as_str(),
            self.height,
            self.width,
        );
        check_answer_columns(answers, &[id, rle])?;
        let mut names: Vec<&str> = sub.names.iter().map(String::as_str).collect();
        names.sort_unstable();
        let mut want = vec![id, rle];
        want.sort_unstable();
        if names != want {
            return Err(format!(
                "Expected submission to have columns [{id}, {rle}], got {:?}",
                sub.names
            ));
        }
        same_length(sub, answers)?;
        let ans_ids = text_or_empty(answers_column(answers, id)?.column(), id)?;
        let ans_rle = text_or_empty(answers_column(answers, rle)?.column(), rle)?;
        let sub_ids = text_or_empty(submission_column(sub, id)?, id)?;
        let sub_rle = text_or_empty(submission_column(sub, rle)?, rle)?;
        let (so, ao) = pair_matching_ids(&sub_ids, &ans_ids, id)?.rows();
        let len = height * width;
        let scores = (0..so.len())
            .into_par_iter()
            .map(|k| {
                let pred = decode_submission(sub_rle.get(so[k]), len, so[k])?;
                let truth = decode_answer(ans_rle.get(ao[k]), len)?;
                Ok(iou_threshold_precision(Overlap::of(&pred, &truth), len))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(RawScore::numpy(np_mean(&scores)))
    }
}

/// Mean per-row F-beta of RLE masks, rows paired in file order.
///
/// Mean F-beta over rows paired in file order (Vesuvius): each submission row must have
/// exactly the id and RLE columns, the same id as its answers row and a text RLE.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RleFbeta {
    pub id_column: String,
    pub rle_column: String,
    pub height_column: String,
    pub width_column: String,
    pub beta: f64,
}

impl Grade for RleFbeta {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, rle, beta) = (self.id_column.as_str(), self.rle_column.as_str(), self.beta);
        let (height, width) = (self.height_column.as_str(), self.width_column.as_str());
        same_length(sub, answers)?;
        if sub.nrows == 0 {
            return Ok(RawScore::numpy(f64::NAN));
        }
        check_answer_columns(answers, &[id, rle, width, height])?;
        if sub.ncols() != 2 {
            return Err(format!(
                "Expected 2 columns ({id}, {rle}) in the submission, got {}",
                sub.ncols()
            ));
        }
        let sub_ids = submission_column(sub, id)?;
        let sub_rle = submission_column(sub, rle)?;
        let (ans_ids, ans_rle) = (answers_column(answers, id)?, answers_column(answers, rle)?);
        let (hs, ws) = (
            answers_column(answers, height)?,
            answers_column(answers, width)?,
        );
        let scores = (0..sub.nrows)
            .map(|i| {
                if !sub_ids.get(i).py_eq(ans_ids.get(i)) {
                    return Err(format!(
                        "row {}: `{id}` differs from the answers' ({:?})",
                        i + 1,
                        ans_ids.get(i)
                    ));
                }
                let len = pixel_count(py_int(hs.get(i), height)?, py_int(ws.get(i), width)?)?;
                // row-major RLE: the pixel order does not change the counts
                let pred = decode_submission(sub_rle.get(i), len, i)?;
                let truth = decode_answer(ans_rle.get(i), len)?;
                Ok(fbeta(Overlap::of(&pred, &truth), beta))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(RawScore::numpy(np_mean(&scores)))
    }
}

/// One decoded row of the UW-Madison grader.
struct SliceMask {
    height: u64,
    width: u64,
    mask: RunMask,
}

/// A case-day's 3D mask: slices in id order, each the OR of that slice's rows.
struct Volume {
    height: u64,
    width: u64,
    slices: Vec<RunMask>,
}

impl Volume {
    fn count(&self) -> u64 {
        self.slices.iter().map(RunMask::count).sum()
    }

    fn same_as(&self, other: &Volume) -> bool {
        self.height == other.height && self.width == other.width && self.slices == other.slices
    }

    /// `np.argwhere(mask)`: the foreground voxels `[slice, row, col]`.
    fn voxels(&self) -> Vec<Voxel> {
        let mut out = Vec::with_capacity(self.count() as usize);
        for (z, slice) in self.slices.iter().enumerate() {
            for p in slice.pixels() {
                let (row, col) = PixelOrder::ColumnMajor.row_col(p, self.height, self.width);
                out.push([z as u32, row as u32, col as u32]);
            }
        }
        out
    }
}

/// `group_masks_by_day`: rows sorted by id, masks of one slice OR-ed, slices of one case-day
/// stacked; masks of different shapes cannot be OR-ed or stacked (an error, as in numpy).
fn group_by_day(masks: Vec<SliceMask>, ids: &[&str]) -> Result<Vec<Volume>, String> {
    let mut order: Vec<usize> = (0..masks.len()).collect();
    order.sort_by(|&a, &b| ids[a].cmp(ids[b]));
    let mut masks: Vec<Option<SliceMask>> = masks.into_iter().map(Some).collect();
    let mut days: Vec<(String, Volume)> = Vec::new();
    let mut k = 0;
    while k < order.len() {
        let slice_id = ids[order[k]];
        let mut joined = masks[order[k]].take().unwrap();
        k += 1;
        while k < order.len() && ids[order[k]] == slice_id {
            let m = masks[order[k]].take().unwrap();
            if (m.height, m.width) != (joined.height, joined.width) {
                return Err(format!(
                    "masks of slice {slice_id} have different shapes and cannot be combined"
                ));
            }
            joined.mask = joined.mask.union(&m.mask);
            k += 1;
        }
        let day = slice_id.split("_slice_").next().unwrap_or(slice_id);
        match days.iter_mut().find(|(d, _)| d == day) {
            Some((_, v)) => {
                if (v.height, v.width) != (joined.height, joined.width) {
                    return Err(format!(
                        "slices of {day} have different shapes and cannot be stacked"
                    ));
                }
                v.slices.push(joined.mask);
            }
            None => days.push((
                day.to_string(),
                Volume {
                    height: joined.height,
                    width: joined.width,
                    slices: vec![joined.mask],
                },
            )),
        }
    }
    Ok(days.into_iter().map(|(_, v)| v).collect())
}

/// The reference's symmetric Hausdorff distance of two case-day volumes, normalised to the
/// unit cube: NaN when both are empty, 0 when equal, 1 when one is empty or the prediction
/// has over ten times the truth's pixels.
fn volume_hausdorff(pred: &Volume, truth: &Volume) -> Result<f64, String> {
    let (np, nt) = (pred.count(), truth.count());
    if np == 0 && nt == 0 {
        return Ok(f64::NAN);
    }
    if pred.same_as(truth) {
        return Ok(0.0);
    }
    if np == 0 || nt == 0 || np > 10 * nt {
        return Ok(1.0);
    }
    // coordinates normalised by the truth's shape, for both masks
    let scale = [
        truth.slices.len() as f64,
        truth.height as f64,
        truth.width as f64,
    ];
    let (t, p) = (truth.voxels(), pred.voxels());
    let d = voxel_directed_hausdorff(&t, &p, scale).max(voxel_directed_hausdorff(&p, &t, scale));
    Ok(d / 3f64.sqrt())
}

/// `np.nanmean`: NaN entries count as zeros in the (pairwise) sum and not in the count.
fn nan_mean(values: &[f64]) -> f64 {
    let zeroed: Vec<f64> = values
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    let count = values.iter().filter(|v| !v.is_nan()).count();
    crate::numeric::pairwise_sum(&zeroed) / count as f64
}

/// UW-Madison: `0.4 * nanmean(Dice per row) + 0.6 * (1 - nanmean(Hausdorff per case-day))`.
/// Rows are paired by position (no sort, no length check: the shorter side wins) and every
/// mask is decoded with the answers row's size; case-days are paired in sorted order.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RleDiceHausdorff {
    pub id_column: String,
    pub class_column: String,
    pub rle_column: String,
    pub height_column: String,
    pub width_column: String,
}

impl Grade for RleDiceHausdorff {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, class, rle) = (
            self.id_column.as_str(),
            self.class_column.as_str(),
            self.rle_column.as_str(),
        );
        let (height, width) = (self.height_column.as_str(), self.width_column.as_str());
        let (hs, ws) = (
            answers_column(answers, height)?,
            answers_column(answers, width)?,
        );
        for c in [id, class, rle] {
            submission_column(sub, c)?;
        }
        let sizes: Vec<(u64, u64)> = (0..answers.nrows)
            .map(|i| {
                let (h, w) = (py_int(hs.get(i), height)?, py_int(ws.get(i), width)?);
                pixel_count(h, w)?;
                Ok((h as u64, w as u64))
            })
            .collect::<Result<_, String>>()?;
        let decode_all =
            |col: &Column, n: usize, is_answer: bool| -> Result<Vec<SliceMask>, String> {
                (0..n)
                    .into_par_iter()
                    .map(|i| {
                        let (h, w) = sizes[i];
                        let cell = col.get(i);
                        let cell = if cell.is_nan() { Value::Str("") } else { cell };
                        let mask = if is_answer {
                            decode_answer(cell, h * w)?
                        } else {
                            decode_submission(cell, h * w, i)?
                        };
                        Ok(SliceMask {
                            height: h,
                            width: w,
                            mask,
                        })
                    })
                    .collect()
            };
        let n = sub.nrows.min(answers.nrows);
        let sub_masks = decode_all(submission_column(sub, rle)?, n, false)?;
        let ans_masks = decode_all(answers_column(answers, rle)?.column(), answers.nrows, true)?;
        let dices: Vec<f64> = sub_masks
            .iter()
            .zip(&ans_masks)
            .map(|(p, t)| dice(Overlap::of(&p.mask, &t.mask), f64::NAN))
            .collect();
        let texts = |col: &Column, n: usize, who: &str| -> Result<Vec<String>, String> {
            (0..n)
                .map(|i| {
                    text(col.get(i))
                        .map(str::to_string)
                        .ok_or_else(|| format!("{who} `{id}` values must be text"))
                })
                .collect()
        };
        let sub_ids = texts(submission_column(sub, id)?, n, "submission")?;
        let ans_ids = texts(
            answers_column(answers, id)?.column(),
            answers.nrows,
            "answers",
        )?;
        let sub_days = group_by_day(
            sub_masks,
            &sub_ids.iter().map(String::as_str).collect::<Vec<_>>(),
        )?;
        let ans_days = group_by_day(
            ans_masks,
            &ans_ids.iter().map(String::as_str).collect::<Vec<_>>(),
        )?;
        let distances = sub_days
            .par_iter()
            .zip(ans_days.par_iter())
            .map(|(p, t)| volume_hausdorff(p, t))
            .collect::<Result<Vec<f64>, String>>()?;
        let dice_mean = nan_mean(&dices);
        let hausdorff_mean = nan_mean(&distances);
        Ok(RawScore::numpy(
            0.4 * dice_mean + 0.6 * (1.0 - hausdorff_mean),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rle_global_dice(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        rle: &str,
        height: &str,
        width: &str,
        empty: &str,
    ) -> Result<RawScore, String> {
        let (height_column, width_column) = (height.into(), width.into());
        RleGlobalDice {
            id_column: id.into(),
            rle_column: rle.into(),
            height_column,
            width_column,
            empty_token: empty.into(),
        }
        .grade(sub, answers)
    }

    fn rle_mean_dice(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        rle: &str,
        answers_rle: &str,
        height: &str,
        width: &str,
    ) -> Result<RawScore, String> {
        let (height_column, width_column) = (height.into(), width.into());
        RleMeanDice {
            id_column: id.into(),
            rle_column: rle.into(),
            answers_rle_column: answers_rle.into(),
            height_column,
            width_column,
        }
        .grade(sub, answers)
    }

    fn rle_iou_precision(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        rle: &str,
        height: u64,
        width: u64,
    ) -> Result<RawScore, String> {
        RleIouPrecision {
            id_column: id.into(),
            rle_column: rle.into(),
            height,
            width,
        }
        .grade(sub, answers)
    }

    fn rle_fbeta(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        rle: &str,
        height: &str,
        width: &str,
        beta: f64,
    ) -> Result<RawScore, String> {
        let (height_column, width_column) = (height.into(), width.into());
        RleFbeta {
            id_column: id.into(),
            rle_column: rle.into(),
            height_column,
            width_column,
            beta,
        }
        .grade(sub, answers)
    }

    fn rle_dice_hausdorff(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        rle: &str,
        height: &str,
        width: &str,
        class: &str,
    ) -> Result<RawScore, String> {
        let (height_column, width_column) = (height.into(), width.into());
        RleDiceHausdorff {
            id_column: id.into(),
            class_column: class.into(),
            rle_column: rle.into(),
            height_column,
            width_column,
        }
        .grade(sub, answers)
    }

    fn f(csv: &str) -> Frame {
        Frame::from_csv_str(csv).unwrap()
    }

    #[test]
    fn global_dice() {
        let ans = f("record_id,encoded_pixels,height,width\n1,1 2,2,2\n2,-,2,2\n");
        let grade = |sub: &str| {
            rle_global_dice(
                &f(sub),
                &ans,
                "record_id",
                "encoded_pixels",
                "height",
                "width",
                "-",
            )
        };
        assert_eq!(
            grade("record_id,encoded_pixels\n2,-\n1,1 2\n")
                .unwrap()
                .value,
            1.0
        );
        assert_eq!(
            grade("record_id,encoded_pixels\n1,1 1\n2,4 1\n")
                .unwrap()
                .value,
            0.5
        );
        assert_eq!(
            grade("record_id,encoded_pixels\n1,-\n2,-\n").unwrap().value,
            0.0
        );
        assert!(
            grade("record_id,encoded_pixels\n1,\n2,-\n").is_err(),
            "a blank cell is NaN, not text"
        );
        assert!(
            grade("record_id,encoded_pixels\n1,1 2\n3,-\n").is_err(),
            "unknown id"
        );
        assert!(
            grade("record_id,encoded_pixels\n1,1 2\n").is_err(),
            "missing row"
        );
        let empty = f("record_id,encoded_pixels,height,width\n1,-,2,2\n");
        let both_empty = rle_global_dice(
            &f("record_id,encoded_pixels\n1,-\n"),
            &empty,
            "record_id",
            "encoded_pixels",
            "height",
            "width",
            "-",
        );
        assert!(both_empty.unwrap().value.is_nan());
    }

    #[test]
    fn mean_dice_and_fbeta() {
        let ans = f("id,encoding,width_pixels,height_pixels\na,1 2,2,2\nb,4 1,2,2\n");
        let grade = |sub: &str| {
            rle_mean_dice(
                &f(sub),
                &ans,
                "id",
                "predicted",
                "encoding",
                "height_pixels",
                "width_pixels",
            )
        };
        // a: a lone start decodes to the empty mask -> 0; b: exact -> 1
        assert_eq!(grade("id,predicted\na,3\nb,4 1\n").unwrap().value, 0.5);
        // a column of numbers is not text: `rle_decode` refuses it
        assert!(grade("id,predicted\na,3\nb,4\n").is_err());
        assert!(grade("id,predicted\na,1 2\na,\n").is_err(), "duplicated id");
        let ans = f("Id,Predicted,width,height\na,1 2,2,2\n");
        let fb = |sub: &str| rle_fbeta(&f(sub), &ans, "Id", "Predicted", "height", "width", 0.5);
        assert_eq!(fb("Id,Predicted\na,1 2\n").unwrap().value, 1.0);
        assert_eq!(fb("Id,Predicted\na,\" \"\n").unwrap().value, 0.0);
        assert!(fb("Id,Predicted\na,\n").is_err());
        assert!(fb("Id,Predicted\nb,1 2\n").is_err());
        assert!(fb("Id,Predicted,x\na,1 2,1\n").is_err());
    }

    #[test]
    fn iou_precision_columns_and_text() {
        let ans = f("id,rle_mask\na,1 10\nb,\n");
        let grade = |sub: &str| rle_iou_precision(&f(sub), &ans, "id", "rle_mask", 101, 101);
        assert_eq!(grade("rle_mask,id\n1 10,a\n,b\n").unwrap().value, 1.0);
        assert_eq!(grade("id,rle_mask\na,\nb,5 1\n").unwrap().value, 0.0);
        assert!(grade("id,rle_mask,x\na,1 10,1\nb,,1\n").is_err());
        assert!(grade("id,rle_mask\na,0\nb,\n").is_err());
        assert!(
            grade("id,rle_mask\n1,1 10\n2,\n").is_err(),
            "numeric ids are not strings"
        );
    }

    #[test]
    fn dice_hausdorff() {
        let ans = f("id,class,predicted,image_width,image_height\n\
                     c1_d1_slice_0001,a,1 2,2,2\nc1_d1_slice_0001,b,,2,2\nc1_d1_slice_0002,a,,2,2\nc1_d1_slice_0002,b,,2,2\n");
        let grade = |sub: &str| {
            rle_dice_hausdorff(
                &f(sub),
                &ans,
                "id",
                "predicted",
                "image_height",
                "image_width",
                "class",
            )
        };
        let perfect = "id,class,predicted\nc1_d1_slice_0001,a,1 2\nc1_d1_slice_0001,b,\nc1_d1_slice_0002,a,\nc1_d1_slice_0002,b,\n";
        assert_eq!(grade(perfect).unwrap().value, 1.0);
        let empty = "id,class,predicted\nc1_d1_slice_0001,a,\nc1_d1_slice_0001,b,\nc1_d1_slice_0002,a,\nc1_d1_slice_0002,b,\n";
        assert_eq!(grade(empty).unwrap().value, 0.0);
        assert!(
            grade("id,predicted\nc1_d1_slice_0001,1 2\n").is_err(),
            "class column required"
        );
    }
}

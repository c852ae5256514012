//! Graders of detection competitions: prediction strings parsed as the reference parses
//! them (which tokens, which separators, which errors), then scored by the kernels of
//! `metrics::{coco, detection}`.

use super::cell_parsing::{float_token, is_missing, text};
use super::checks::{
    answers_column, pair_matching_ids, same_id_set, same_length, submission_column,
};
use super::{Grade, RawScore};
use crate::frame::value::HashKey;
use crate::frame::{Column, Frame, Value};
use crate::metrics::coco::{coco_mean_average_precision, CocoBox};
use crate::metrics::detection::{
    kuzushiji_f1, kuzushiji_page, lyft_sample_map, siim_mean_average_precision, Box3dSpec, CharBox,
    CharPoint, LabelledBox, PageCounts,
};
use crate::numeric::np_mean;
use crate::pystr::{split_words, strip};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

/// The Lyft `parse_row`: `""` (after `strip`) is no box, otherwise 9 single-space separated
/// tokens per box `confidence x y z width length height yaw class`.
fn parse_lyft_row(v: Value<'_>, row: usize) -> Result<(Vec<Box3dSpec>, bool), String> {
    let s = text(v)
        .ok_or_else(|| format!("row {}: PredictionString must be text, got {v:?}", row + 1))?;
    if strip(s).is_empty() {
        return Ok((Vec::new(), true));
    }
    let tokens: Vec<&str> = s.split(' ').collect();
    if !tokens.len().is_multiple_of(9) {
        return Err(format!(
            "Prediction string must have 9 tokens per object, but got {} tokens (row {})",
            tokens.len(),
            row + 1
        ));
    }
    let boxes = tokens
        .chunks(9)
        .map(|t| {
            let f = |i: usize| float_token(t[i]);
            let yaw = f(7)?;
            if yaw.is_infinite() {
                return Err("math domain error: infinite yaw".to_string());
            }
            Ok(Box3dSpec {
                score: f(0)?,
                translation: [f(1)?, f(2)?, f(3)?],
                size: [f(4)?, f(5)?, f(6)?],
                yaw,
                name: t[8].to_string(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((boxes, false))
}

/// Lyft 3D boxes: mAP over IoU thresholds 0.5..0.95, mean over samples.
///
/// Lyft 3D detection: ids sorted and compared, the organisers' mAP over IoU thresholds
/// 0.5..0.95 per sample, averaged over samples and thresholds.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lyft3dMap {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for Lyft3dMap {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        same_length(sub, answers)?;
        let sub_ids = submission_column(sub, id)?;
        let sub_pred = submission_column(sub, target)?;
        let (ans_ids, ans_pred) = (
            answers_column(answers, id)?,
            answers_column(answers, target)?,
        );
        let (so, ao) = pair_matching_ids(sub_ids, ans_ids, id)?.rows();
        let parse =
            |col: &Column, order: &[usize], fill: bool| -> Result<Vec<Vec<Box3dSpec>>, String> {
                order
                    .iter()
                    .map(|&i| {
                        let v = col.get(i);
                        let v = if fill && v.is_nan() {
                            Value::Str("")
                        } else {
                            v
                        };
                        parse_lyft_row(v, i).map(|(b, _)| b)
                    })
                    .collect()
            };
        let preds = parse(sub_pred, &so, true)?;
        let truths = parse(&ans_pred, &ao, false)?;
        let per_sample = (0..so.len())
            .into_par_iter()
            .map(|k| {
                // `Box3D` requires a text sample token, checked only for boxes it builds
                let token_ok =
                    text(sub_ids.get(so[k])).is_some() && text(ans_ids.get(ao[k])).is_some();
                let compared = truths[k]
                    .iter()
                    .any(|g| preds[k].iter().any(|p| p.name == g.name));
                if compared && !token_ok {
                    return Err("Sample_token must be a string!".to_string());
                }
                lyft_sample_map(&truths[k], &preds[k])
            })
            .collect::<Result<Vec<[f64; 10]>, String>>()?;
        let flat: Vec<f64> = per_sample.iter().flatten().copied().collect();
        Ok(RawScore::numpy(np_mean(&flat)))
    }
}

/// `list(map(float, s.split(" ")))` reshaped to rows of `width`.
fn float_rows(s: &str, width: usize) -> Result<Vec<Vec<f64>>, String> {
    let values = s
        .split(' ')
        .map(float_token)
        .collect::<Result<Vec<f64>, String>>()?;
    if values.len() % width != 0 {
        return Err(format!(
            "cannot reshape array of size {} into shape (-1, {width})",
            values.len()
        ));
    }
    Ok(values.chunks(width).map(<[f64]>::to_vec).collect())
}

/// Python's `int(x)` of a float: truncation; NaN and infinity raise.
fn float_to_int(x: f64) -> Result<f64, String> {
    if !x.is_finite() {
        return Err(format!("cannot convert float {x} to integer"));
    }
    Ok(x.trunc())
}

/// pycocotools bbox mAP (`stats[0]`) at one IoU threshold, boxes as `class score x0 y0 x1 y1`.
///
/// VinBigData: pycocotools' bbox mAP at one IoU threshold (`stats[0]`), with the
/// reference's annotation ids and its corner boxes read as `[x, y, w, h]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CocoMap {
    pub image_column: String,
    pub class_column: String,
    /// the answers' box corners: x_min, y_min, x_max, y_max
    pub corner_columns: [String; 4],
    pub target_column: String,
    pub iou_threshold: f64,
}

impl Grade for CocoMap {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (image_column, class_column, corner_columns) = (
            self.image_column.as_str(),
            self.class_column.as_str(),
            &self.corner_columns,
        );
        let (target, iou_threshold) = (self.target_column.as_str(), self.iou_threshold);
        let ans_images = answers_column(answers, image_column)?;
        let ans_classes = answers_column(answers, class_column)?;
        let corners: Vec<Vec<f64>> = corner_columns
            .iter()
            .map(|c| {
                let col = answers_column(answers, c)?;
                let v = col
                    .numeric_f64()
                    .ok_or_else(|| format!("answers column `{c}` must be numeric"))?;
                if v.iter().any(|x| x.is_nan()) {
                    return Err(format!(
                        "Answers must not contain any NaN values in `{c}` column"
                    ));
                }
                Ok(v)
            })
            .collect::<Result<_, String>>()?;
        let sub_pred = submission_column(sub, target)?;
        let sub_images = submission_column(sub, image_column)?;
        if !same_id_set(sub_images, ans_images) {
            return Err(format!(
                "The set of {image_column}s in the submission must match the set in the answers"
            ));
        }
        // images numbered in order of first appearance in the answers (`unique()`)
        let mut image_index: HashMap<HashKey, usize> = HashMap::new();
        let mut rows_of_image: Vec<Vec<usize>> = Vec::new();
        for (r, v) in ans_images.values().enumerate() {
            let next = rows_of_image.len();
            let i = *image_index.entry(v.hash_key()).or_insert(next);
            if i == next {
                rows_of_image.push(Vec::new());
            }
            rows_of_image[i].push(r);
        }
        let class_ids = ans_classes
            .numeric_f64()
            .ok_or_else(|| "answers class ids must be numeric".to_string())?;
        let mut gts = Vec::with_capacity(answers.nrows);
        for (image, rows) in rows_of_image.iter().enumerate() {
            for &r in rows {
                let [x0, y0, x1, y1] = [corners[0][r], corners[1][r], corners[2][r], corners[3][r]];
                gts.push(CocoBox {
                    id: gts.len() as u64,
                    image,
                    category: class_ids[r],
                    bbox: [x0, y0, x1, y1],
                    area: (x1 - x0) * (y1 - y0),
                    score: 0.0,
                });
            }
        }
        let mut dts = Vec::new();
        for r in 0..sub.nrows {
            let v = sub_pred.get(r);
            let s = text(v).ok_or_else(|| {
                format!("row {}: PredictionString must be text, got {v:?}", r + 1)
            })?;
            let image_id = sub_images.get(r);
            let image = *image_index
                .get(&image_id.hash_key())
                .ok_or_else(|| format!("row {}: unknown {image_column} {image_id:?}", r + 1))?;
            for p in float_rows(s, 6)? {
                dts.push(CocoBox {
                    id: dts.len() as u64,
                    image,
                    category: float_to_int(p[0])?,
                    bbox: [p[2], p[3], p[4], p[5]],
                    area: (p[4] - p[2]) * (p[5] - p[3]),
                    score: p[1],
                });
            }
        }
        Ok(RawScore::numpy(coco_mean_average_precision(
            &gts,
            &dts,
            &class_ids,
            rows_of_image.len(),
            iou_threshold,
        )))
    }
}

/// SIIM `parse_prediction_string`: whitespace-separated groups of
/// `label confidence xmin ymin xmax ymax`; text is required, an incomplete group fails.
fn parse_siim(v: Value<'_>, row: usize) -> Result<Vec<LabelledBox>, String> {
    let s = text(v)
        .ok_or_else(|| format!("row {}: PredictionString must be text, got {v:?}", row + 1))?;
    let tokens: Vec<&str> = split_words(s).collect();
    if !tokens.len().is_multiple_of(6) {
        return Err(format!(
            "row {}: PredictionString needs 6 tokens per box, got {}",
            row + 1,
            tokens.len()
        ));
    }
    tokens
        .chunks(6)
        .map(|t| {
            Ok(LabelledBox {
                label: t[0].to_string(),
                confidence: float_token(t[1])?,
                bbox: [
                    float_token(t[2])?,
                    float_token(t[3])?,
                    float_token(t[4])?,
                    float_token(t[5])?,
                ],
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| format!("Could not parse PredictionString: {e}"))
}

/// SIIM-COVID19: mAP over the answers' labels (study and image rows alike).
///
/// SIIM-COVID19: ids sorted and compared, mAP over the answers' labels.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiimMap {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for SiimMap {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        same_length(sub, answers)?;
        let sub_ids = submission_column(sub, id)?;
        let sub_pred = submission_column(sub, target)?;
        let (ans_ids, ans_pred) = (
            answers_column(answers, id)?,
            answers_column(answers, target)?,
        );
        let (so, ao) = pair_matching_ids(sub_ids, ans_ids, id)?.rows();
        let preds = so
            .iter()
            .map(|&i| parse_siim(sub_pred.get(i), i))
            .collect::<Result<Vec<_>, _>>()?;
        let truths = ao
            .iter()
            .map(|&i| parse_siim(ans_pred.get(i), i))
            .collect::<Result<Vec<_>, _>>()?;
        if preds.is_empty() {
            return Ok(RawScore::python(0.0));
        }
        siim_mean_average_precision(&preds, &truths).map(RawScore::numpy)
    }
}

/// Kuzushiji: F1 of predicted points strictly inside same-label boxes.
///
/// Kuzushiji: rows sorted by image id and compared; predictions `label X Y` triples.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KuzushijiF1 {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for KuzushijiF1 {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        same_length(sub, answers)?;
        let sub_ids = submission_column(sub, id)?;
        let sub_labels = submission_column(sub, target)?;
        let (ans_ids, ans_labels) = (
            answers_column(answers, id)?,
            answers_column(answers, target)?,
        );
        let (so, ao) = pair_matching_ids(sub_ids, ans_ids, id)?.rows();
        // the format check runs over every prediction before any scoring
        let preds = so
            .iter()
            .map(|&i| {
                let v = sub_labels.get(i);
                if is_missing(v) {
                    return Ok(None);
                }
                let s = text(v)
                    .ok_or_else(|| format!("row {}: labels must be text, got {v:?}", i + 1))?;
                let tokens: Vec<&str> = s.split(' ').collect();
                if !tokens.len().is_multiple_of(3) {
                    return Err(format!("Malformed prediction string: {s}"));
                }
                let points = tokens
                    .chunks(3)
                    .map(|t| {
                        Ok(CharPoint {
                            label: t[0].to_string(),
                            x: float_token(t[1])?,
                            y: float_token(t[2])?,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()
                    .map_err(|e| format!("X and Y values must be floats: {e}"))?;
                Ok(Some(points))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut total = PageCounts::default();
        for (k, pred) in preds.iter().enumerate() {
            let truth = ans_labels.get(ao[k]);
            let page = match (pred, is_missing(truth)) {
                (None, true) => PageCounts::default(),
                (Some(p), true) => PageCounts {
                    fp: p.len() as u64,
                    ..Default::default()
                },
                (pred, false) => {
                    let t = text(truth).ok_or_else(|| "answers labels must be text".to_string())?;
                    let tokens: Vec<&str> = t.split(' ').collect();
                    match pred {
                        None => PageCounts {
                            fn_: (tokens.len() / 5) as u64,
                            ..Default::default()
                        },
                        Some(p) => kuzushiji_page(p, &parse_char_boxes(&tokens)?),
                    }
                }
            };
            total.tp += page.tp;
            total.fp += page.fp;
            total.fn_ += page.fn_;
        }
        Ok(RawScore::python(kuzushiji_f1(total)))
    }
}

fn parse_char_boxes(tokens: &[&str]) -> Result<Vec<CharBox>, String> {
    if !tokens.len().is_multiple_of(5) {
        return Err("Malformed solution string".into());
    }
    tokens
        .chunks(5)
        .map(|t| {
            Ok(CharBox {
                label: t[0].to_string(),
                x: float_token(t[1])?,
                y: float_token(t[2])?,
                width: float_token(t[3])?,
                height: float_token(t[4])?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lyft_rows() {
        let (b, empty) = parse_lyft_row(Value::Str(" "), 0).unwrap();
        assert!(b.is_empty() && empty);
        let (b, _) = parse_lyft_row(Value::Str("0.5 1 2 3 1 4 1.5 0.1 car"), 0).unwrap();
        assert_eq!(b[0].name, "car");
        assert_eq!(b[0].size, [1.0, 4.0, 1.5]);
        assert!(parse_lyft_row(Value::Str("1 2 3 1 4 1.5 0.1 car"), 0).is_err());
        assert!(parse_lyft_row(Value::Str("0.5 1 2 3 1 4 1.5 inf car"), 0).is_err());
        assert!(parse_lyft_row(Value::Nan, 0).is_err());
    }

    #[test]
    fn coco_rows_split_on_single_spaces() {
        assert_eq!(float_rows("14 1 0 0 1 1", 6).unwrap().len(), 1);
        assert!(float_rows("14 1 0 0 1 1 ", 6).is_err());
        assert!(float_rows("14 1 0 0 1", 6).is_err());
        assert!(float_to_int(f64::NAN).is_err());
        assert_eq!(float_to_int(-2.7).unwrap(), -2.0);
    }

    #[test]
    fn siim_strings() {
        assert!(parse_siim(Value::Str(" "), 0).unwrap().is_empty());
        assert_eq!(
            parse_siim(Value::Str("none 1 0 0 1 1"), 0).unwrap().len(),
            1
        );
        assert!(parse_siim(Value::Str("none 1 0 0 1"), 0).is_err());
        assert!(parse_siim(Value::Str("none high 0 0 1 1"), 0).is_err());
        assert!(parse_siim(Value::Nan, 0).is_err());
    }
}

#[cfg(test)]
mod grader_tests {
    use super::*;

    fn lyft_3d_map(
        sub: &Frame,
        answers: &Frame,
        id: &str,
        target: &str,
    ) -> Result<RawScore, String> {
        Lyft3dMap {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }
    fn siim_map(sub: &Frame, answers: &Frame, id: &str, target: &str) -> Result<RawScore, String> {
        SiimMap {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }
    fn kuzushiji(sub: &Frame, answers: &Frame, id: &str, target: &str) -> Result<RawScore, String> {
        KuzushijiF1 {
            id_column: id.into(),
            target_column: target.into(),
        }
        .grade(sub, answers)
    }

    fn coco_map(
        sub: &Frame,
        answers: &Frame,
        image: &str,
        class: &str,
        corners: &[String; 4],
        target: &str,
        iou_threshold: f64,
    ) -> Result<RawScore, String> {
        let corner_columns = corners.clone();
        CocoMap {
            image_column: image.into(),
            class_column: class.into(),
            corner_columns,
            target_column: target.into(),
            iou_threshold,
        }
        .grade(sub, answers)
    }

    fn f(csv: &str) -> Frame {
        Frame::from_csv_str(csv).unwrap()
    }

    #[test]
    fn lyft() {
        let ans = f("Id,PredictionString\na,1.0 0 0 0 2 4 2 0.1 car\nb,1.0 9 9 0 2 4 2 0.5 bus\n");
        let grade = |sub: &str| lyft_3d_map(&f(sub), &ans, "Id", "PredictionString");
        assert!(
            (grade("Id,PredictionString\nb,0.9 9 9 0 2 4 2 0.5 bus\na,0.9 0 0 0 2 4 2 0.1 car\n")
                .unwrap()
                .value
                - 1.0)
                .abs()
                < 1e-12
        );
        assert_eq!(grade("Id,PredictionString\na,\nb,\n").unwrap().value, 0.0);
        assert!(
            grade("Id,PredictionString\na,0.9 0 0 0 0 4 2 0.1 car\nb,\n").is_err(),
            "zero-size box"
        );
        assert!(
            grade("Id,PredictionString\na,\nc,\n").is_err(),
            "unknown id"
        );
    }

    #[test]
    fn coco() {
        let ans = f("image_id,class_id,x_min,y_min,x_max,y_max\np,1,0,0,10,10\np,1,20,20,30,30\nq,14,0,0,1,1\n");
        let corners = [
            "x_min".to_string(),
            "y_min".into(),
            "x_max".into(),
            "y_max".into(),
        ];
        let grade = |sub: &str| {
            coco_map(
                &f(sub),
                &ans,
                "image_id",
                "class_id",
                &corners,
                "PredictionString",
                0.4,
            )
        };
        let ok = grade(
            "image_id,PredictionString\np,1 0.9 0 0 10 10 1 0.8 20 20 30 30\nq,14 1 0 0 1 1\n",
        )
        .unwrap()
        .value;
        assert!(ok > 0.0 && ok < 1.0, "{ok}");
        assert!(
            grade("image_id,PredictionString\np,1 0.9 0 0 10 10\n").is_err(),
            "missing image"
        );
        assert!(
            grade("image_id,PredictionString\np,\nq,14 1 0 0 1 1\n").is_err(),
            "empty prediction string"
        );
        assert!(grade("image_id,PredictionString\np,1 0.9 0 0 10\nq,14 1 0 0 1 1\n").is_err());
        assert!(
            grade("image_id,PredictionString\np,1 0.9 0 0 10 10\nq,14 1 0 0 1 1\nr,1 1 0 0 1 1\n")
                .is_err(),
            "unknown image"
        );
    }

    #[test]
    fn siim_and_kuzushiji() {
        let ans = f("id,PredictionString\ns_study,negative 1 0 0 1 1\ni_image,opacity 1 0 0 10 10\nj_image,none 1 0 0 1 1\n");
        let grade = |sub: &str| siim_map(&f(sub), &ans, "id", "PredictionString");
        let perfect = "id,PredictionString\ns_study,negative 1 0 0 1 1\ni_image,opacity 0.5 0 0 10 10 pneumonia 1 0 0 1 1\nj_image,none 1 0 0 1 1\n";
        assert_eq!(grade(perfect).unwrap().value, 1.0);
        assert!(
            grade("id,PredictionString\ns_study,\" \"\ni_image,\" \"\nj_image,\" \"\n")
                .unwrap()
                .value
                < 1.0
        );
        assert!(grade("id,PredictionString\ns_study,\ni_image,\" \"\nj_image,\" \"\n").is_err());
        let ans = f("image_id,labels\np,U+1 0 0 10 10\nq,\n");
        let k = |sub: &str| kuzushiji(&f(sub), &ans, "image_id", "labels");
        assert_eq!(k("image_id,labels\np,U+1 5 5\nq,\n").unwrap().value, 1.0);
        assert_eq!(k("image_id,labels\np,\nq,\n").unwrap().value, 0.0);
        assert!(k("image_id,labels\np,U+1 5\nq,\n").is_err());
        assert!(
            k("image_id,labels\np,U+1 5 5\nz,\n").is_err(),
            "unknown page"
        );
    }
}

//! Detection scores of the reference's graders that match predictions to ground truth
//! themselves: SIIM-COVID19 (PASCAL-style mAP over labels, with its own pairing rules),
//! Lyft 3D (the organisers' mAP script per sample) and Kuzushiji (F1 of points in boxes).

use super::average_precision::{average_precision, envelope_average_precision};
use super::boxes::{box_iou_corners, Box3d};
use super::MetricResult;
use crate::numeric::np_mean;
use crate::sorting::descending::python_sorted_desc;

/// One labelled box with a confidence: `(label, confidence, [xmin, ymin, xmax, ymax])`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledBox {
    pub label: String,
    pub confidence: f64,
    pub bbox: [f64; 4],
}

/// The SIIM-COVID19 grader's mAP: for every label of the answers (sorted), pairs
/// `(is_true, score)` are collected over the images: each prediction of the label, in
/// descending confidence, takes the unmatched ground truth of highest IoU above 0.5
/// (`(1, confidence)`, else `(0, confidence)`); each unmatched ground truth adds `(1, 0)`;
/// an image with neither adds `(0, 0)`. The label's AP is scikit-learn's
/// `average_precision_score` of those pairs; the result is their mean.
///
/// Edge cases: labels only predicted are ignored; a label whose pairs are all true is an
/// error (the reference asserts); NaN or infinite confidences of a scored label are an
/// error; no labels at all gives 0.0.
pub fn siim_mean_average_precision(
    preds: &[Vec<LabelledBox>],
    truths: &[Vec<LabelledBox>],
) -> MetricResult {
    let mut labels: Vec<&str> = truths.iter().flatten().map(|b| b.label.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    if labels.is_empty() {
        return Ok(0.0);
    }
    // the reference sorts each image's predictions in place once per label
    let mut preds: Vec<Vec<&LabelledBox>> = preds.iter().map(|p| p.iter().collect()).collect();
    let mut aps = Vec::with_capacity(labels.len());
    for label in labels {
        let mut y_true = Vec::new();
        let mut y_score = Vec::new();
        for (img_preds, img_truths) in preds.iter_mut().zip(truths) {
            let gts: Vec<&[f64; 4]> = img_truths
                .iter()
                .filter(|g| g.label == label)
                .map(|g| &g.bbox)
                .collect();
            let keys: Vec<f64> = img_preds.iter().map(|p| p.confidence).collect();
            *img_preds = python_sorted_desc(&keys)
                .into_iter()
                .map(|i| img_preds[i])
                .collect();
            let mut matched = vec![false; gts.len()];
            let before = y_true.len();
            for p in img_preds.iter().filter(|p| p.label == label) {
                let mut best_iou = 0.0;
                let mut best: Option<usize> = None;
                for (gi, g) in gts.iter().enumerate() {
                    if matched[gi] {
                        continue;
                    }
                    let iou = box_iou_corners(&p.bbox, g);
                    if iou > best_iou && iou > 0.5 {
                        best_iou = iou;
                        best = Some(gi);
                    }
                }
                y_true.push(best.is_some());
                y_score.push(p.confidence);
                if let Some(gi) = best {
                    matched[gi] = true;
                }
            }
            for _ in matched.iter().filter(|m| !**m) {
                y_true.push(true);
                y_score.push(0.0);
            }
            if y_true.len() == before {
                y_true.push(false);
                y_score.push(0.0);
            }
        }
        if y_true.iter().all(|&t| t) {
            return Err(format!(
                "y_true is all 1s for label `{label}`; the reference's AP is undefined"
            ));
        }
        aps.push(average_precision(&y_true, &y_score)?);
    }
    Ok(np_mean(&aps))
}

/// A parsed Lyft box before validation (the reference validates lazily, only the boxes it
/// compares).
#[derive(Debug, Clone, PartialEq)]
pub struct Box3dSpec {
    pub name: String,
    pub score: f64,
    pub translation: [f64; 3],
    pub size: [f64; 3],
    pub yaw: f64,
}

impl Box3dSpec {
    fn build(&self) -> Result<Box3d, String> {
        Box3d::new(self.translation, self.size, self.yaw)
    }
}

/// The IoU thresholds of the Lyft competition, 0.5 to 0.95 by 0.05 (Python literals).
pub const LYFT_IOU_THRESHOLDS: [f64; 10] = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

/// One sample of the Lyft 3D evaluation: for each IoU threshold, the mean over the ground
/// truth's class names of the script's AP (predictions in descending score, each matched to
/// the ground truth of largest IoU if that IoU exceeds the threshold and that box is still
/// free; a class without predictions scores 0).
///
/// Edge cases: a sample without ground truth gives NaN for every threshold (numpy's mean of
/// nothing); a compared box that is invalid (NaN, non-positive size, ...) is an error.
pub fn lyft_sample_map(gt: &[Box3dSpec], preds: &[Box3dSpec]) -> Result<[f64; 10], String> {
    let mut names: Vec<&str> = gt.iter().map(|b| b.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut aps = vec![[0.0f64; 10]; names.len()];
    for (ci, name) in names.iter().enumerate() {
        let class_preds: Vec<&Box3dSpec> = preds.iter().filter(|p| p.name == *name).collect();
        if class_preds.is_empty() {
            continue;
        }
        let gt_boxes: Vec<Box3d> = gt
            .iter()
            .filter(|g| g.name == *name)
            .map(Box3dSpec::build)
            .collect::<Result<_, _>>()?;
        let keys: Vec<f64> = class_preds.iter().map(|p| p.score).collect();
        let order = python_sorted_desc(&keys);
        // (largest IoU, its first index) of every prediction, in score order
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(order.len());
        for &i in &order {
            let pred = class_preds[i].build()?;
            best.push(argmax(gt_boxes.iter().map(|g| pred.iou(g))));
        }
        for (ti, &thr) in LYFT_IOU_THRESHOLDS.iter().enumerate() {
            aps[ci][ti] = lyft_class_ap(&best, gt_boxes.len(), thr);
        }
    }
    Ok(std::array::from_fn(|ti| {
        let per_class: Vec<f64> = aps.iter().map(|a| a[ti]).collect();
        np_mean(&per_class)
    }))
}

/// `(np.max(v), np.argmax(v))`: NaN wins (first NaN); an empty input gives (-inf, none).
fn argmax(values: impl Iterator<Item = f64>) -> (f64, usize) {
    let mut best = (f64::NEG_INFINITY, usize::MAX);
    for (i, v) in values.enumerate() {
        if best.1 == usize::MAX || v.is_nan() && !best.0.is_nan() || v > best.0 {
            best = (v, i);
        }
    }
    best
}

fn lyft_class_ap(best: &[(f64, usize)], n_gt: usize, thr: f64) -> f64 {
    let mut checked = vec![false; n_gt];
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut recalls = Vec::with_capacity(best.len());
    let mut precisions = Vec::with_capacity(best.len());
    for &(overlap, j) in best {
        if overlap > thr && !checked[j] {
            checked[j] = true;
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        recalls.push(tp / n_gt as f64);
        precisions.push(tp / f64::max(tp + fp, f64::EPSILON));
    }
    envelope_average_precision(&recalls, &precisions)
}

/// A Kuzushiji ground-truth character: label and box `X Y Width Height`.
#[derive(Debug, Clone, PartialEq)]
pub struct CharBox {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A predicted character: label and centre point.
#[derive(Debug, Clone, PartialEq)]
pub struct CharPoint {
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// True positives, false positives and false negatives of one page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

/// The Kuzushiji page score: every ground-truth box, in order, takes the first unused
/// prediction of the same label strictly inside it.
pub fn kuzushiji_page(preds: &[CharPoint], truth: &[CharBox]) -> PageCounts {
    let mut used = vec![false; preds.len()];
    let mut c = PageCounts::default();
    for g in truth {
        let (xmax, ymax) = (g.x + g.width, g.y + g.height);
        let hit = preds.iter().enumerate().position(|(i, p)| {
            !used[i] && g.x < p.x && xmax > p.x && g.y < p.y && ymax > p.y && p.label == g.label
        });
        match hit {
            Some(i) => {
                used[i] = true;
                c.tp += 1;
            }
            None => c.fn_ += 1,
        }
    }
    c.fp = used.iter().filter(|u| !**u).count() as u64;
    c
}

/// F1 from summed page counts as the reference computes it.
///
/// Edge cases: no predictions or no ground truth gives 0.0; zero precision or recall
/// gives 0.0.
pub fn kuzushiji_f1(c: PageCounts) -> f64 {
    if c.tp + c.fp == 0 || c.tp + c.fn_ == 0 {
        return 0.0;
    }
    let precision = c.tp as f64 / (c.tp + c.fp) as f64;
    let recall = c.tp as f64 / (c.tp + c.fn_) as f64;
    if precision > 0.0 && recall > 0.0 {
        (2.0 * precision * recall) / (precision + recall)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lb(label: &str, confidence: f64, bbox: [f64; 4]) -> LabelledBox {
        LabelledBox {
            label: label.into(),
            confidence,
            bbox,
        }
    }

    #[test]
    fn siim_perfect_and_missing() {
        let truths = vec![
            vec![lb("opacity", 1.0, [0.0, 0.0, 10.0, 10.0])],
            vec![lb("none", 1.0, [0.0, 0.0, 1.0, 1.0])],
        ];
        assert_eq!(siim_mean_average_precision(&truths, &truths).unwrap(), 1.0);
        let preds = vec![vec![], vec![lb("none", 1.0, [0.0, 0.0, 1.0, 1.0])]];
        // opacity: pairs (1, 0) and (0, 0) -> AP 0.5; none: (0, 0), (1, 1) -> 1.0
        assert_eq!(siim_mean_average_precision(&preds, &truths).unwrap(), 0.75);
    }

    #[test]
    fn siim_all_true_is_an_error() {
        let truths = vec![vec![lb("a", 1.0, [0.0, 0.0, 1.0, 1.0])]];
        assert!(siim_mean_average_precision(&truths, &truths).is_err());
    }

    fn spec(name: &str, score: f64, x: f64) -> Box3dSpec {
        Box3dSpec {
            name: name.into(),
            score,
            translation: [x, 0.0, 0.0],
            size: [2.0, 4.0, 2.0],
            yaw: 0.1,
        }
    }

    #[test]
    fn lyft_sample() {
        let gt = vec![spec("car", 1.0, 0.0), spec("bus", 1.0, 10.0)];
        let all = lyft_sample_map(&gt, &gt).unwrap();
        assert!(all.iter().all(|&m| (m - 1.0).abs() < 1e-12), "{all:?}");
        // only the car found: mean over {bus: 0, car: 1}
        let half = lyft_sample_map(&gt, &gt[..1]).unwrap();
        assert!(half.iter().all(|&m| (m - 0.5).abs() < 1e-12));
        assert!(lyft_sample_map(&[], &gt).unwrap()[0].is_nan());
        let bad = Box3dSpec {
            size: [0.0, 4.0, 2.0],
            ..spec("car", 0.5, 0.0)
        };
        assert!(lyft_sample_map(&gt, std::slice::from_ref(&bad)).is_err());
        // an invalid box of a class absent from the ground truth is never built
        assert!(lyft_sample_map(
            &gt,
            &[Box3dSpec {
                name: "truck".into(),
                ..bad
            }]
        )
        .is_ok());
    }

    #[test]
    fn kuzushiji_counts() {
        let truth = vec![CharBox {
            label: "a".into(),
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        }];
        let inside = CharPoint {
            label: "a".into(),
            x: 5.0,
            y: 5.0,
        };
        let corner = CharPoint {
            label: "a".into(),
            x: 0.0,
            y: 0.0,
        };
        assert_eq!(
            kuzushiji_page(&[inside.clone(), inside.clone()], &truth),
            PageCounts {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(
            kuzushiji_page(&[corner], &truth),
            PageCounts {
                tp: 0,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(
            kuzushiji_f1(PageCounts {
                tp: 1,
                fp: 1,
                fn_: 0
            }),
            2.0 / 3.0
        );
        assert_eq!(kuzushiji_f1(PageCounts::default()), 0.0);
    }
}

//! pycocotools' bounding-box evaluation (`COCOeval(..., "bbox")` with `evaluate`,
//! `accumulate` and `stats[0]` of `summarize`) at a single IoU threshold, area range "all"
//! and at most 100 detections per image and category, including its quirks:
//!
//! - boxes are read as `[x, y, w, h]` (see [`coco_box_iou`]);
//! - a match is stored as the partner's annotation id, and id 0 means "unmatched": a
//!   detection matched to the ground truth with id 0 counts as a false positive, and a
//!   ground truth matched by the detection with id 0 stays available to later detections;
//! - a ground truth whose `area` is outside `[0, 1e10]` is ignored, and so is an unmatched
//!   detection outside that range (e.g. a negative area);
//! - categories without any non-ignored ground truth are skipped; with none left the
//!   result is -1.

use super::average_precision::coco_interpolated_precision;
use super::boxes::coco_box_iou;
use crate::numeric::np_mean;
use crate::sorting::descending::numpy_stable_desc;

const MAX_DETS: usize = 100;
const AREA_MAX: f64 = 1e10;

/// A ground-truth or detected box.
#[derive(Debug, Clone)]
pub struct CocoBox {
    /// annotation id (ground truths and detections are numbered separately from 0)
    pub id: u64,
    pub image: usize,
    pub category: f64,
    /// as handed to pycocotools, read as `[x, y, w, h]`
    pub bbox: [f64; 4],
    /// the `area` field (not recomputed from `bbox`)
    pub area: f64,
    /// detections only
    pub score: f64,
}

fn outside_area(area: f64) -> bool {
    !(0.0..=AREA_MAX).contains(&area)
}

/// One image and category: the detections (sorted by score, at most 100) with their match
/// state, and the ground truths' ignore flags.
struct ImageEval {
    scores: Vec<f64>,
    matched: Vec<bool>,
    ignored: Vec<bool>,
    gt_ignored: Vec<bool>,
}

fn evaluate_image(gts: &[&CocoBox], dts: &[&CocoBox], iou_threshold: f64) -> Option<ImageEval> {
    if gts.is_empty() && dts.is_empty() {
        return None;
    }
    // ground truths: non-ignored first (stable)
    let mut gts: Vec<(&CocoBox, bool)> = gts.iter().map(|g| (*g, outside_area(g.area))).collect();
    gts.sort_by_key(|(_, ig)| *ig);
    let scores: Vec<f64> = dts.iter().map(|d| d.score).collect();
    let dts: Vec<&CocoBox> = numpy_stable_desc(&scores)
        .into_iter()
        .take(MAX_DETS)
        .map(|i| dts[i])
        .collect();
    let mut gt_match = vec![0u64; gts.len()]; // id of the matching detection, 0 = none
    let mut dt_match = vec![0u64; dts.len()]; // id of the matching ground truth, 0 = none
    let mut dt_ignored = vec![false; dts.len()];
    for (di, d) in dts.iter().enumerate() {
        let mut best = iou_threshold.min(1.0 - 1e-10);
        let mut m: Option<usize> = None;
        for (gi, (g, g_ignored)) in gts.iter().enumerate() {
            if gt_match[gi] > 0 {
                continue;
            }
            if let Some(mi) = m {
                if !gts[mi].1 && *g_ignored {
                    break;
                }
            }
            let iou = coco_box_iou(&d.bbox, &g.bbox);
            if iou < best {
                continue;
            }
            best = iou;
            m = Some(gi);
        }
        if let Some(mi) = m {
            dt_ignored[di] = gts[mi].1;
            dt_match[di] = gts[mi].0.id;
            gt_match[mi] = d.id;
        }
    }
    for (di, d) in dts.iter().enumerate() {
        if dt_match[di] == 0 && outside_area(d.area) {
            dt_ignored[di] = true;
        }
    }
    Some(ImageEval {
        scores: dts.iter().map(|d| d.score).collect(),
        matched: dt_match.iter().map(|&m| m != 0).collect(),
        ignored: dt_ignored,
        gt_ignored: gts.iter().map(|(_, ig)| *ig).collect(),
    })
}

/// `COCOeval.stats[0]` (AP averaged over the 101 recall thresholds and the evaluated
/// categories) at one IoU threshold. `categories` are the ground truth's category ids;
/// detections of other categories are dropped.
pub fn coco_mean_average_precision(
    gts: &[CocoBox],
    dts: &[CocoBox],
    categories: &[f64],
    n_images: usize,
    iou_threshold: f64,
) -> f64 {
    let mut cats: Vec<f64> = categories.to_vec();
    cats.sort_by(f64::total_cmp);
    cats.dedup();
    let mut per_category: Vec<[f64; 101]> = Vec::new();
    for &cat in &cats {
        let mut gt_by_image: Vec<Vec<&CocoBox>> = vec![Vec::new(); n_images];
        let mut dt_by_image: Vec<Vec<&CocoBox>> = vec![Vec::new(); n_images];
        // within an image, annotations keep their id order (the order they were added)
        for g in gts
            .iter()
            .filter(|g| g.category == cat && g.image < n_images)
        {
            gt_by_image[g.image].push(g);
        }
        for d in dts
            .iter()
            .filter(|d| d.category == cat && d.image < n_images)
        {
            dt_by_image[d.image].push(d);
        }
        let evals: Vec<ImageEval> = (0..n_images)
            .filter_map(|i| evaluate_image(&gt_by_image[i], &dt_by_image[i], iou_threshold))
            .collect();
        if evals.is_empty() {
            continue;
        }
        let n_gt = evals
            .iter()
            .flat_map(|e| &e.gt_ignored)
            .filter(|ig| !**ig)
            .count();
        if n_gt == 0 {
            continue;
        }
        let scores: Vec<f64> = evals
            .iter()
            .flat_map(|e| e.scores.iter().copied())
            .collect();
        let matched: Vec<bool> = evals
            .iter()
            .flat_map(|e| e.matched.iter().copied())
            .collect();
        let ignored: Vec<bool> = evals
            .iter()
            .flat_map(|e| e.ignored.iter().copied())
            .collect();
        let order = numpy_stable_desc(&scores);
        let matched: Vec<bool> = order.iter().map(|&i| matched[i]).collect();
        let ignored: Vec<bool> = order.iter().map(|&i| ignored[i]).collect();
        per_category.push(coco_interpolated_precision(&matched, &ignored, n_gt));
    }
    if per_category.is_empty() {
        return -1.0;
    }
    // numpy flattens precision[t, r, k]: recall thresholds outer, categories inner
    let flat: Vec<f64> = (0..101)
        .flat_map(|r| per_category.iter().map(move |q| q[r]))
        .collect();
    np_mean(&flat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(id: u64, image: usize, category: f64, bbox: [f64; 4], score: f64) -> CocoBox {
        let area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]);
        CocoBox {
            id,
            image,
            category,
            bbox,
            area,
            score,
        }
    }

    #[test]
    fn perfect_detections_except_the_id_zero_quirk() {
        let boxes = [[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 20.0, 20.0]];
        let gts_from = |first: u64| -> Vec<CocoBox> {
            boxes
                .iter()
                .enumerate()
                .map(|(i, bb)| b(first + i as u64, i, 1.0, *bb, 0.0))
                .collect()
        };
        let dets = |gts: &[CocoBox], first: u64| -> Vec<CocoBox> {
            gts.iter()
                .enumerate()
                .map(|(i, g)| CocoBox {
                    id: first + i as u64,
                    score: 1.0,
                    ..g.clone()
                })
                .collect()
        };
        let gts = gts_from(1);
        assert!(
            (coco_mean_average_precision(&gts, &dets(&gts, 1), &[1.0], 2, 0.4) - 1.0).abs() < 1e-12
        );
        // a match with the ground truth of id 0 is stored as 0 = unmatched: 1 FP, 1 FN
        let gts0 = gts_from(0);
        let ap = coco_mean_average_precision(&gts0, &dets(&gts0, 1), &[1.0], 2, 0.4);
        assert!(ap < 1.0 && ap > 0.0, "{ap}");
    }

    #[test]
    fn no_ground_truth_gives_minus_one() {
        let dts = vec![b(0, 0, 1.0, [0.0, 0.0, 1.0, 1.0], 1.0)];
        assert_eq!(coco_mean_average_precision(&[], &dts, &[1.0], 1, 0.4), -1.0);
    }
}

//! Area under the ROC curve, as `sklearn.metrics.roc_auc_score` computes it for binary
//! labels: thresholds at distinct scores, collinear points dropped, trapezoidal area.
//!
//! Edge cases: ties between scores form one threshold (a constant score gives 0.5); a single
//! class in `y_true` is an error; NaN or infinite scores are an error.

use super::MetricResult;
use crate::numeric::{pairwise_sum, pairwise_sum_by};

/// `sklearn.metrics.roc_curve(y_true, y_score, drop_intermediate=True)` without the
/// thresholds: false and true positive rates from the origin to `(1, 1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
}

/// The ROC curve of the samples marked positive in `is_positive`.
///
/// Edge cases: with no negative samples every `fpr` is NaN, with no positive samples every
/// `tpr` is NaN (scikit-learn only warns); NaN or infinite scores are an error.
pub fn roc_curve(is_positive: &[bool], y_score: &[f64]) -> Result<RocCurve, String> {
    crate::sklearn::check_consistent_length(is_positive.len(), y_score.len())?;
    if y_score.iter().any(|x| !x.is_finite()) {
        return Err("Input contains NaN or infinity.".into());
    }
    let points = curve_points(y_score, &|i| is_positive[i])?;
    let keep_t: Vec<f64> = points.iter().map(|&p| tps_of(p)).collect();
    let keep_f: Vec<f64> = points.iter().map(|&p| fps_of(p)).collect();
    Ok(RocCurve {
        fpr: rates(&keep_f),
        tpr: rates(&keep_t),
    })
}

/// A curve point: the cumulative true positive count in the high 32 bits, the false
/// positive count in the low 32 bits.
fn pack(tp: u64, fp: u64) -> u64 {
    (tp << 32) | fp
}

fn tps_of(point: u64) -> f64 {
    f64::from((point >> 32) as u32)
}

fn fps_of(point: u64) -> f64 {
    f64::from(point as u32)
}

/// The points scikit-learn keeps on the ROC curve (`drop_intermediate=True`), packed, from
/// the origin: one point per distinct score (descending) unless it lies on a straight
/// segment.
///
/// Each class's descending score keys are radix-sorted on its own thread, closed by a
/// `u64::MAX` sentinel (no finite score has that key), then merged by [`kept_points`]. Two
/// buffers of `n + 2` words serve every step (keys, then sorting scratch, then the points),
/// so a call touches little fresh memory.
fn curve_points<P: Fn(usize) -> bool + Sync>(
    y_score: &[f64],
    is_positive: &P,
) -> Result<Vec<u64>, String> {
    let n = y_score.len();
    if n > u32::MAX as usize {
        return Err(format!(
            "a ROC curve of {n} samples is more than this implementation counts (2^32 - 1)"
        ));
    }
    let n_pos = (0..n).filter(|&i| is_positive(i)).count();
    let mut keys = vec![0u64; n + 2];
    let (pos, neg) = keys.split_at_mut(n_pos + 1);
    // both classes' keys gathered in one pass without a data-dependent branch: each key is
    // written at the next free slot of both lists, and only its own class's slot advances
    // (hence one slot of slack in each, which then holds the sentinel)
    let (mut p, mut q) = (0usize, 0usize);
    for (i, &s) in y_score.iter().enumerate() {
        let key = descending_key(s);
        let positive = is_positive(i);
        pos[p] = key;
        neg[q] = key;
        p += usize::from(positive);
        q += usize::from(!positive);
    }
    let mut scratch = vec![0u64; n + 2];
    {
        let (scratch_pos, scratch_neg) = scratch.split_at_mut(n_pos + 1);
        let (pos_keys, neg_keys) = (&mut pos[..n_pos], &mut neg[..n - n_pos]);
        let (scratch_pos, scratch_neg) = (&mut scratch_pos[..n_pos], &mut scratch_neg[..n - n_pos]);
        use crate::sorting::radix::sort_u64_with;
        if n < PARALLEL_SORT_MIN {
            sort_u64_with(pos_keys, scratch_pos);
            sort_u64_with(neg_keys, scratch_neg);
        } else if 4 * n_pos.min(n - n_pos) >= n {
            rayon::join(
                || sort_u64_with(pos_keys, scratch_pos),
                || sort_u64_with(neg_keys, scratch_neg),
            );
        } else {
            // one class holds most samples: its keys are cut in two by value and the parts
            // sorted on two threads (the smaller class alongside the lower part)
            let ((small, small_scratch), (large, large_scratch)) = if n_pos < n - n_pos {
                ((pos_keys, scratch_pos), (neg_keys, scratch_neg))
            } else {
                ((neg_keys, scratch_neg), (pos_keys, scratch_pos))
            };
            let low = split_by_sampled_median(large, large_scratch);
            let (low_keys, high_keys) = large_scratch.split_at_mut(low);
            let (low_scratch, high_scratch) = large.split_at_mut(low);
            rayon::join(
                || {
                    sort_u64_with(small, small_scratch);
                    sort_u64_with(low_keys, low_scratch);
                },
                || sort_u64_with(high_keys, high_scratch),
            );
            large.copy_from_slice(large_scratch);
        }
    }
    pos[n_pos] = u64::MAX;
    neg[n - n_pos] = u64::MAX;
    let m = kept_points(pos, neg, &mut scratch);
    scratch.truncate(m);
    Ok(scratch)
}

/// Copy `keys` into `out` (as long) with the keys below a pivot first and the others after,
/// without a data-dependent branch; returns how many are below. The pivot is the median of
/// a sample of the keys, so the parts are about even unless one key is very frequent.
fn split_by_sampled_median(keys: &[u64], out: &mut [u64]) -> usize {
    let step = (keys.len() / 1024).max(1);
    let mut sample: Vec<u64> = keys.iter().step_by(step).copied().collect();
    sample.sort_unstable();
    let pivot = sample[sample.len() / 2];
    // the lower part fills `out` from the front, the upper from the back; each key is also
    // written at the other end's free slot, which a later key overwrites (the last key
    // writes the same slot twice)
    let (mut lo, mut hi) = (0usize, keys.len());
    for &k in keys {
        let below = k < pivot;
        out[lo] = k;
        out[hi - 1] = k;
        lo += usize::from(below);
        hi -= usize::from(!below);
    }
    lo
}

/// The last two thresholds passed, as cumulative `(tps, fps)`, and how many there were
/// (counted up to 2).
#[derive(Clone, Copy)]
struct Window {
    prev: (u64, u64),
    cur: (u64, u64),
    seen: u8,
}

/// Walk the two sorted key lists from positions `(i, j)` while the keys are below `stop`.
/// At each distinct score the cumulative true and false positive counts are the positions
/// reached in each list. Every threshold whose successor is reached is kept or dropped
/// (scikit-learn's `drop_intermediate`: dropped when the second differences of both counts
/// are zero; the first threshold is always kept) and kept ones are written to `out` from
/// index 0. Returns how many were written and the window at the end, whose
/// `cur` (the last threshold passed) is still undecided.
fn walk(
    pos: &[u64],
    neg: &[u64],
    (mut i, mut j): (usize, usize),
    stop: u64,
    mut w: Window,
    out: &mut [u64],
) -> (usize, Window) {
    let mut m = 0;
    let mut key = pos[i].min(neg[j]);
    if key >= stop {
        return (0, w);
    }
    // one step per sample: the heads of both lists give the next key, and a change of key
    // closes the previous threshold (with distinct scores that test is always true, so the
    // branch predicts well; keeping a point is decided without a branch)
    loop {
        let (a, b) = (pos[i], neg[j]);
        let k = a.min(b);
        if k != key {
            let next = (i as u64, j as u64);
            let (prev, cur) = (w.prev, w.cur);
            if w.seen == 2 {
                let keep = (next.0 - cur.0 != cur.0 - prev.0) | (next.1 - cur.1 != cur.1 - prev.1);
                out[m] = pack(cur.0, cur.1);
                m += usize::from(keep);
            } else if w.seen == 1 {
                out[m] = pack(cur.0, cur.1);
                m += 1;
                w.seen = 2;
            } else {
                w.seen = 1;
            }
            w.prev = cur;
            w.cur = next;
            key = k;
            if key >= stop {
                return (m, w);
            }
        }
        i += usize::from(a == k);
        j += usize::from(b == k);
    }
}

/// Inputs with fewer samples are walked on one thread.
const PARALLEL_WALK_MIN: usize = 1 << 16;

/// The kept points of the curve, packed, from the origin, written to `out` (at least as
/// long as both lists): [`walk`] over all the thresholds, then the last one (always kept).
/// Returns how many points there are. Large inputs are cut at a score into two walks run
/// on two threads: the second starts with the window the first would end with, which the
/// positions of the cut give directly, so the points are the same.
fn kept_points(pos: &[u64], neg: &[u64], out: &mut [u64]) -> usize {
    let n = pos.len() + neg.len() - 2;
    let start = Window {
        prev: (0, 0),
        cur: (0, 0),
        seen: 0,
    };
    out[0] = 0; // the origin
                // the last threshold, always kept, after the `m` points written by a walk
    let finish = |(m, w): (usize, Window), out: &mut [u64]| -> usize {
        if w.seen > 0 {
            out[m] = pack(w.cur.0, w.cur.1);
            m + 1
        } else {
            m
        }
    };
    // the cut: the middle key of the longer list; the second walk starts at its first sample
    let longer = if pos.len() >= neg.len() { pos } else { neg };
    let pivot = longer[(longer.len() - 1) / 2];
    let (i0, j0) = (
        pos.partition_point(|&k| k < pivot),
        neg.partition_point(|&k| k < pivot),
    );
    if n < PARALLEL_WALK_MIN || i0 + j0 == 0 || pivot == u64::MAX {
        let end = walk(pos, neg, (0, 0), u64::MAX, start, &mut out[1..]);
        return 1 + finish(end, &mut out[1..]);
    }
    // the window at the cut: `cur` is the last threshold below the pivot, reached at
    // (i0, j0); `prev` the one before it, if any
    let below = |v: &[u64], end: usize| if end > 0 { Some(v[end - 1]) } else { None };
    let last_key = below(pos, i0)
        .into_iter()
        .chain(below(neg, j0))
        .max()
        .expect("a key below the pivot");
    let first_key = pos[0].min(neg[0]);
    let window = if first_key == last_key {
        Window {
            prev: (0, 0),
            cur: (i0 as u64, j0 as u64),
            seen: 1,
        }
    } else {
        let prev = (
            pos[..i0].partition_point(|&k| k < last_key) as u64,
            neg[..j0].partition_point(|&k| k < last_key) as u64,
        );
        Window {
            prev,
            cur: (i0 as u64, j0 as u64),
            seen: 2,
        }
    };
    // fewer than i0 + j0 thresholds lie below the pivot, and at most n - i0 - j0 + 1 points
    // are written from it on
    let (first, second) = out[1..].split_at_mut(i0 + j0);
    let (m1, m2) = rayon::join(
        || walk(pos, neg, (0, 0), pivot, start, first).0,
        || finish(walk(pos, neg, (i0, j0), u64::MAX, window, second), second),
    );
    out.copy_within(1 + i0 + j0..1 + i0 + j0 + m2, 1 + m1);
    1 + m1 + m2
}

/// Sorting this many scores or more uses both cores.
const PARALLEL_SORT_MIN: usize = 1 << 15;

/// An integer key that orders finite floats from largest to smallest (`-0.0` and `0.0`
/// share a key, as they compare equal).
fn descending_key(score: f64) -> u64 {
    let bits = (score + 0.0).to_bits(); // + 0.0 turns -0.0 into 0.0
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    !ascending
}

/// Counts divided by the last (total) count, or all NaN when that total is zero.
fn rates(counts: &[f64]) -> Vec<f64> {
    let total = *counts.last().unwrap();
    if total <= 0.0 {
        return vec![f64::NAN; counts.len()];
    }
    counts.iter().map(|c| c / total).collect()
}

/// `sklearn.metrics.auc(x, y)`: trapezoidal area, `x` monotonic in either direction.
///
/// Edge cases: fewer than two points or a non-monotonic `x` is an error; NaN propagates.
pub fn auc(x: &[f64], y: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(x.len(), y.len())?;
    if x.len() < 2 {
        return Err(format!(
            "At least 2 points are needed to compute area under curve, but x.shape = {}",
            x.len()
        ));
    }
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let mut direction = 1.0;
    if dx.iter().any(|&d| d < 0.0) {
        if dx.iter().all(|&d| d <= 0.0) {
            direction = -1.0;
        } else {
            return Err("x is neither increasing nor decreasing".into());
        }
    }
    // np.trapz: sum of d * (y[i] + y[i-1]) / 2.0
    let areas: Vec<f64> = (1..x.len())
        .map(|i| dx[i - 1] * (y[i] + y[i - 1]) / 2.0)
        .collect();
    Ok(direction * pairwise_sum(&areas))
}

/// `y_true` holds the labels (any two distinct values; the larger is the positive class).
pub fn roc_auc(y_true: &[f64], y_score: &[f64]) -> MetricResult {
    crate::sklearn::check_consistent_length(y_true.len(), y_score.len())?;
    // folds instead of `any`: no early exit, so the loops vectorise
    let all_finite = |v: &[f64]| v.iter().fold(true, |ok, x| ok & x.is_finite());
    if !all_finite(y_score) || !all_finite(y_true) {
        return Err("Input contains NaN or infinity.".into());
    }
    // the distinct labels: the first value, the first value differing from it, and whether
    // any value is neither of the two
    let first = y_true.first().copied().unwrap_or(0.0);
    let Some(&second) = y_true.iter().find(|&&y| y != first) else {
        return Err(
            "Only one class present in y_true. ROC AUC score is not defined in that case.".into(),
        );
    };
    if !y_true
        .iter()
        .fold(true, |ok, &y| ok & ((y == first) | (y == second)))
    {
        return Err("multiclass labels given to a binary ROC AUC".into());
    }
    let positive = first.max(second);
    let points = curve_points(y_score, &|i| y_true[i] == positive)?;
    // `auc(fpr, tpr)` without materialising the rates: the same divisions and the same
    // trapezoids `dx * (y[i] + y[i - 1]) / 2.0`, pairwise-summed in the same order; fpr never
    // decreases, so the direction is 1 (and `1.0 * sum` is `sum`)
    let last = *points.last().expect("the origin and a threshold");
    let (total_t, total_f) = (tps_of(last), fps_of(last));
    let fpr = |i: usize| fps_of(points[i]) / total_f;
    let tpr = |i: usize| tps_of(points[i]) / total_t;
    let area = |i: usize| (fpr(i + 1) - fpr(i)) * (tpr(i + 1) + tpr(i)) / 2.0;
    Ok(pairwise_sum_by(points.len() - 1, &area))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_inverted_constant() {
        let y = [0.0, 0.0, 1.0, 1.0];
        assert_eq!(roc_auc(&y, &[0.1, 0.2, 0.8, 0.9]).unwrap(), 1.0);
        assert_eq!(roc_auc(&y, &[0.9, 0.8, 0.2, 0.1]).unwrap(), 0.0);
        assert_eq!(roc_auc(&y, &[0.5; 4]).unwrap(), 0.5);
    }

    #[test]
    fn descending_key_orders_floats() {
        let v = [-1e300, -2.5, -0.0, 0.0, 1e-300, 0.5, 1.0, 7e200];
        for w in v.windows(2) {
            assert!(descending_key(w[0]) >= descending_key(w[1]), "{w:?}");
        }
        assert_eq!(descending_key(-0.0), descending_key(0.0));
        assert!(descending_key(0.5) > descending_key(1.0));
    }

    #[test]
    fn ties_count_half() {
        // one positive tied with one negative at the top
        let auc = roc_auc(&[1.0, 0.0, 0.0, 1.0], &[0.9, 0.9, 0.1, 0.5]).unwrap();
        assert!((auc - 0.625).abs() < 1e-15);
    }

    #[test]
    fn errors() {
        assert!(roc_auc(&[1.0, 1.0], &[0.1, 0.2]).is_err());
        assert!(roc_auc(&[0.0, 1.0], &[f64::NAN, 0.2]).is_err());
    }

    #[test]
    fn curve_drops_collinear_points_and_marks_missing_classes() {
        // scores 4 > 3 > 2 > 1 with labels 1, 1, 0, 0: the point at score 2 lies on the
        // straight run from (0, 1) to (1, 1) and is dropped (values from scikit-learn)
        let c = roc_curve(&[true, true, false, false], &[4.0, 3.0, 2.0, 1.0]).unwrap();
        assert_eq!(c.tpr, vec![0.0, 0.5, 1.0, 1.0]);
        assert_eq!(c.fpr, vec![0.0, 0.0, 0.0, 1.0]);
        let no_negatives = roc_curve(&[true, true], &[0.2, 0.1]).unwrap();
        assert!(no_negatives.fpr.iter().all(|x| x.is_nan()));
        assert_eq!(no_negatives.tpr, vec![0.0, 0.5, 1.0]);
    }

    /// The sort-everything implementation this module used before the radix sort: one
    /// comparison sort of (key, label) pairs, then one walk.
    fn reference_curve_points(is_positive: &[bool], y_score: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut pairs: Vec<(u64, bool)> = y_score
            .iter()
            .map(|&s| descending_key(s))
            .zip(is_positive.iter().copied())
            .collect();
        pairs.sort_unstable_by_key(|p| p.0);
        let (mut keep_t, mut keep_f) = (vec![0.0], vec![0.0]);
        let mut prev: Option<(f64, f64)> = None;
        let mut cur: Option<(f64, f64)> = None;
        let mut tp = 0.0;
        for (k, &(key, positive)) in pairs.iter().enumerate() {
            if positive {
                tp += 1.0;
            }
            if k + 1 < pairs.len() && pairs[k + 1].0 == key {
                continue;
            }
            let next = (tp, (k + 1) as f64 - tp);
            if let Some(c) = cur {
                let keep = match prev {
                    None => true,
                    Some(p) => {
                        (next.1 - 2.0 * c.1 + p.1) != 0.0 || (next.0 - 2.0 * c.0 + p.0) != 0.0
                    }
                };
                if keep {
                    keep_t.push(c.0);
                    keep_f.push(c.1);
                }
            }
            prev = cur;
            cur = Some(next);
        }
        if let Some(c) = cur {
            keep_t.push(c.0);
            keep_f.push(c.1);
        }
        (keep_t, keep_f)
    }

    #[test]
    fn radix_walk_matches_the_sorting_walk_bit_for_bit() {
        let mut seed = 99u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for &n in &[1usize, 2, 3, 10, 300, 5_000, 200_000] {
            for shape in 0..6 {
                let scores: Vec<f64> = (0..n)
                    .map(|_| {
                        let r = next();
                        match shape {
                            0 => (r >> 11) as f64 / (1u64 << 53) as f64,
                            1 => (r % 5) as f64 * 0.25, // heavy ties
                            2 => {
                                if r % 2 == 0 {
                                    -0.0
                                } else {
                                    0.0
                                }
                            } // signed zeros tie
                            3 => ((r % 2001) as f64 - 1000.0) * 1e300 / 1000.0,
                            4 => 0.5,
                            _ => (r % 2) as f64,
                        }
                    })
                    .collect();
                let labels: Vec<bool> = (0..n)
                    .map(|i| {
                        if shape == 1 {
                            next() % 10 == 0
                        } else {
                            (next() ^ i as u64).is_multiple_of(2)
                        }
                    })
                    .collect();
                let points = curve_points(&scores, &|i| labels[i]).unwrap();
                let ours = (
                    points.iter().map(|&p| tps_of(p)).collect::<Vec<_>>(),
                    points.iter().map(|&p| fps_of(p)).collect::<Vec<_>>(),
                );
                assert_eq!(
                    ours,
                    reference_curve_points(&labels, &scores),
                    "n={n} shape={shape}"
                );
                let y: Vec<f64> = labels.iter().map(|&b| f64::from(u8::from(b))).collect();
                if labels.iter().any(|&b| b) && labels.iter().any(|&b| !b) {
                    let (t, f) = reference_curve_points(&labels, &scores);
                    let expected = auc(&rates(&f), &rates(&t)).unwrap();
                    assert_eq!(
                        roc_auc(&y, &scores).unwrap().to_bits(),
                        expected.to_bits(),
                        "n={n} shape={shape}"
                    );
                }
            }
        }
    }

    #[test]
    fn auc_direction() {
        assert_eq!(auc(&[1.0, 0.0], &[1.0, 1.0]).unwrap(), 1.0);
        assert!(auc(&[0.0, 1.0, 0.5], &[0.0, 1.0, 1.0]).is_err());
        assert!(auc(&[0.0], &[0.0]).is_err());
    }
}

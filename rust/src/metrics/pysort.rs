//! Orders of the sorts the reference's detection graders run, including how they treat NaN.

use std::cmp::Ordering;

/// Row order of `sorted(items, key=key, reverse=True)` in CPython on float keys.
///
/// Without NaN this is a stable sort, highest key first, ties in input order. A NaN key
/// compares neither below nor above anything, so CPython's result depends on its
/// algorithm; for lists shorter than 64 (one natural run extended by binary insertion) it
/// is reproduced exactly, longer lists with NaN keys use the same steps on the whole list.
pub fn python_sorted_desc(keys: &[f64]) -> Vec<usize> {
    let n = keys.len();
    if !keys.iter().any(|k| k.is_nan()) {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| keys[b].partial_cmp(&keys[a]).unwrap_or(Ordering::Equal));
        return order;
    }
    // reverse=True: reverse, sort ascending stably, reverse back
    let mut items: Vec<usize> = (0..n).rev().collect();
    let lt = |a: usize, b: usize| keys[a] < keys[b];
    if n >= 2 {
        let run = count_run(&mut items, &lt);
        binary_insertion(&mut items, run, &lt);
    }
    items.reverse();
    items
}

/// CPython's `count_run`: length of the natural run at the start, reversing a strictly
/// descending one in place.
fn count_run(items: &mut [usize], lt: &impl Fn(usize, usize) -> bool) -> usize {
    let n = items.len();
    let mut k = 2;
    if lt(items[1], items[0]) {
        while k < n && lt(items[k], items[k - 1]) {
            k += 1;
        }
        items[..k].reverse();
    } else {
        while k < n && !lt(items[k], items[k - 1]) {
            k += 1;
        }
    }
    k
}

/// CPython's `binarysort` of `items`, whose first `sorted` entries are already in order.
fn binary_insertion(items: &mut [usize], sorted: usize, lt: &impl Fn(usize, usize) -> bool) {
    for start in sorted.max(1)..items.len() {
        let pivot = items[start];
        let (mut l, mut r) = (0, start);
        while l < r {
            let p = l + (r - l) / 2;
            if lt(pivot, items[p]) {
                r = p;
            } else {
                l = p + 1;
            }
        }
        items.copy_within(l..start, l + 1);
        items[l] = pivot;
    }
}

/// Row order of `np.argsort(-scores, kind="mergesort")`: highest score first, stable, NaN
/// scores last.
pub fn numpy_stable_desc(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| match (scores[a].is_nan(), scores[b].is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        // -x orders like x reversed; -0.0 and 0.0 tie
        _ => scores[b].partial_cmp(&scores[a]).unwrap(),
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_descending() {
        assert_eq!(python_sorted_desc(&[0.5, 0.9, 0.5, 0.1]), vec![1, 0, 2, 3]);
        assert_eq!(numpy_stable_desc(&[0.5, f64::NAN, 0.9, 0.5]), vec![2, 0, 3, 1]);
    }

    #[test]
    fn nan_keys_follow_cpython() {
        // sorted([0.5, nan, 0.9, 0.1], reverse=True) == [0.5, nan, 0.9, 0.1] in CPython
        assert_eq!(python_sorted_desc(&[0.5, f64::NAN, 0.9, 0.1]), vec![0, 1, 2, 3]);
        // sorted([0.1, 0.9, nan, 0.5], reverse=True) == [0.9, 0.1, nan, 0.5]
        assert_eq!(python_sorted_desc(&[0.1, 0.9, f64::NAN, 0.5]), vec![1, 0, 2, 3]);
    }
}

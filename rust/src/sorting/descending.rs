//! Orders of the sorts the reference's detection graders run, including how they treat NaN.

use super::cpython_list_sort::cpython_sort;
use std::cmp::Ordering;

/// Row order of `sorted(items, key=key, reverse=True)` in CPython 3.11 on float keys.
///
/// Without NaN this is a stable sort, highest key first, ties in input order. A NaN key
/// compares neither below nor above anything, so the result then depends on CPython's
/// algorithm, which [`cpython_sort`] reproduces comparison by comparison.
pub fn python_sorted_desc(keys: &[f64]) -> Vec<usize> {
    let n = keys.len();
    if !keys.iter().any(|k| k.is_nan()) {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| keys[b].partial_cmp(&keys[a]).unwrap_or(Ordering::Equal));
        return order;
    }
    // reverse=True: reverse, sort ascending stably, reverse back
    let mut items: Vec<usize> = (0..n).rev().collect();
    cpython_sort(&mut items, &|a, b| keys[a] < keys[b]);
    items.reverse();
    items
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
        assert_eq!(
            numpy_stable_desc(&[0.5, f64::NAN, 0.9, 0.5]),
            vec![2, 0, 3, 1]
        );
    }

    #[test]
    fn nan_keys_follow_cpython() {
        // sorted([0.5, nan, 0.9, 0.1], reverse=True) == [0.5, nan, 0.9, 0.1] in CPython
        assert_eq!(
            python_sorted_desc(&[0.5, f64::NAN, 0.9, 0.1]),
            vec![0, 1, 2, 3]
        );
        // sorted([0.1, 0.9, nan, 0.5], reverse=True) == [0.9, 0.1, nan, 0.5]
        assert_eq!(
            python_sorted_desc(&[0.1, 0.9, f64::NAN, 0.5]),
            vec![1, 0, 2, 3]
        );
    }
}

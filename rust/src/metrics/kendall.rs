//! Kendall-tau ordering score of the Kaggle AI4Code competition: for each group, the
//! predicted order is mapped to ranks in the true order and its inversions are counted;
//! the score is 1 - 4 · Σ inversions / Σ n(n - 1) over all groups together.
//!
//! Edge cases: a perfect order gives 1, a reversed one -1; an item of the predictions
//! missing from the ground truth is an error; repeated items take the rank of their first
//! occurrence and ties are not inversions; groups of fewer than two items add nothing, so
//! when no group has two items the score is 0/0, an error.

use super::MetricResult;
use std::collections::HashMap;

/// Number of pairs i < j with `ranks[i] > ranks[j]` (merge sort, O(n log n)).
pub fn count_inversions(ranks: &[usize]) -> u64 {
    let mut v = ranks.to_vec();
    let mut buf = vec![0usize; v.len()];
    sort_counting(&mut v, &mut buf)
}

fn sort_counting(v: &mut [usize], buf: &mut [usize]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut count = sort_counting(&mut v[..mid], &mut buf[..mid])
        + sort_counting(&mut v[mid..], &mut buf[mid..]);
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        if v[j] < v[i] {
            count += (mid - i) as u64; // v[j] is smaller than every remaining left item
            buf[k] = v[j];
            j += 1;
        } else {
            buf[k] = v[i];
            i += 1;
        }
        k += 1;
    }
    buf[k..k + mid - i].copy_from_slice(&v[i..mid]);
    k += mid - i;
    buf[k..k + n - j].copy_from_slice(&v[j..n]);
    v.copy_from_slice(&buf[..n]);
    count
}

/// Kendall-tau ordering score of predicted orders against true orders, group by group.
pub fn kendall_tau_ordering<S: AsRef<str>>(
    ground_truth: &[Vec<S>],
    predictions: &[Vec<S>],
) -> MetricResult {
    if ground_truth.len() != predictions.len() {
        return Err(format!(
            "{} ground-truth groups but {} predicted groups",
            ground_truth.len(),
            predictions.len()
        ));
    }
    let (mut inversions, mut max_pairs2) = (0u64, 0u64);
    for (g, (truth, pred)) in ground_truth.iter().zip(predictions).enumerate() {
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(truth.len());
        for (i, item) in truth.iter().enumerate() {
            position.entry(item.as_ref()).or_insert(i); // first occurrence, like list.index
        }
        let ranks = pred
            .iter()
            .map(|item| {
                position.get(item.as_ref()).copied().ok_or_else(|| {
                    format!(
                        "group {}: item '{}' is not in the ground truth order",
                        g + 1,
                        item.as_ref()
                    )
                })
            })
            .collect::<Result<Vec<usize>, String>>()?;
        inversions += count_inversions(&ranks);
        let n = truth.len() as u64;
        max_pairs2 += n * n.saturating_sub(1);
    }
    if max_pairs2 == 0 {
        return Err("no group has two items: the Kendall-tau score is 0/0".into());
    }
    Ok(1.0 - (4 * inversions) as f64 / max_pairs2 as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_inversions(r: &[usize]) -> u64 {
        let mut c = 0;
        for i in 0..r.len() {
            for j in i + 1..r.len() {
                c += u64::from(r[i] > r[j]);
            }
        }
        c
    }

    #[test]
    fn inversions_match_naive() {
        let mut seed = 88172645463325252u64;
        for n in 0..60usize {
            let r: Vec<usize> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed % 10) as usize // many ties
                })
                .collect();
            assert_eq!(count_inversions(&r), naive_inversions(&r));
        }
    }

    #[test]
    fn scores() {
        let t = vec![vec!["a", "b", "c", "d"]];
        assert_eq!(kendall_tau_ordering(&t, &t), Ok(1.0));
        assert_eq!(
            kendall_tau_ordering(&t, &[vec!["d", "c", "b", "a"]]),
            Ok(-1.0)
        );
        // one adjacent swap: 1 inversion of 6 pairs -> 1 - 4/12
        assert_eq!(
            kendall_tau_ordering(&t, &[vec!["b", "a", "c", "d"]]),
            Ok(1.0 - 4.0 / 12.0)
        );
        // pooled over groups, not averaged: (1 inversion) / (12 + 2)
        let t2 = vec![vec!["a", "b", "c", "d"], vec!["x", "y"]];
        let p2 = vec![vec!["a", "b", "c", "d"], vec!["y", "x"]];
        assert_eq!(kendall_tau_ordering(&t2, &p2), Ok(1.0 - 4.0 / 14.0));
        assert!(kendall_tau_ordering(&t, &[vec!["a", "b", "c", "zz"]]).is_err());
        assert!(kendall_tau_ordering(&[vec!["a"]], &[vec!["a"]]).is_err());
        // repeated items rank at their first occurrence; ties are no inversion
        assert_eq!(
            kendall_tau_ordering(&[vec!["a", "a", "b"]], &[vec!["a", "a", "b"]]),
            Ok(1.0)
        );
    }
}

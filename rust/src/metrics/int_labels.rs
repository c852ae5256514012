//! Integer class labels counted without sorting the samples: the sorted set of labels seen
//! on either side (scikit-learn's `unique_labels`) and per-label counts, each in a few
//! linear passes over the samples, split over two threads for large inputs.
//!
//! Labels spanning a small range are mapped through a dense table indexed by
//! `label - min`; others through a binary search in the sorted set.

/// Inputs shorter than this are counted on one thread.
const PARALLEL_MIN: usize = 1 << 16;

/// Ranges up to this many values always get a dense table (64 Ki entries).
const DENSE_RANGE: u64 = 1 << 16;

/// The sorted distinct labels of two label arrays.
pub struct IntLabels {
    /// the labels, ascending
    pub values: Vec<i64>,
    min: i64,
    /// `dense[label - min]` = index of `label` in `values`; empty when the range is wide
    dense: Vec<u32>,
}

/// `fold` over `v` on two threads when it is long (each half folded from `init`, then
/// `combine`d).
fn fold2<T, F, C>(v: &[i64], init: T, fold: &F, combine: C) -> T
where
    T: Clone + Send + Sync,
    F: Fn(T, &[i64]) -> T + Sync,
    C: Fn(T, T) -> T,
{
    if v.len() >= PARALLEL_MIN {
        let (a, b) = v.split_at(v.len() / 2);
        let (x, y) = rayon::join(|| fold(init.clone(), a), || fold(init.clone(), b));
        combine(x, y)
    } else {
        fold(init, v)
    }
}

fn min_max(v: &[i64]) -> (i64, i64) {
    let fold = |(lo, hi): (i64, i64), s: &[i64]| {
        s.iter()
            .fold((lo, hi), |(lo, hi), &x| (lo.min(x), hi.max(x)))
    };
    fold2(v, (i64::MAX, i64::MIN), &fold, |a, b| {
        (a.0.min(b.0), a.1.max(b.1))
    })
}

impl IntLabels {
    /// The labels of `a` and `b` together.
    pub fn of(a: &[i64], b: &[i64]) -> IntLabels {
        let ((lo_a, hi_a), (lo_b, hi_b)) = rayon::join(|| min_max(a), || min_max(b));
        let (lo, hi) = (lo_a.min(lo_b), hi_a.max(hi_b));
        if lo > hi {
            return IntLabels {
                values: Vec::new(),
                min: 0,
                dense: Vec::new(),
            };
        }
        let range = hi.abs_diff(lo);
        if range < DENSE_RANGE || range < (a.len() + b.len()) as u64 {
            let width = range as usize + 1;
            let mark = |v: &[i64]| {
                let mut seen = vec![false; width];
                for &x in v {
                    seen[x.abs_diff(lo) as usize] = true;
                }
                seen
            };
            let (seen_a, seen_b) = rayon::join(|| mark(a), || mark(b));
            let mut dense = vec![u32::MAX; width];
            let mut values = Vec::new();
            for (offset, slot) in dense.iter_mut().enumerate() {
                if seen_a[offset] | seen_b[offset] {
                    *slot = values.len() as u32;
                    values.push(lo.wrapping_add(offset as i64));
                }
            }
            IntLabels {
                values,
                min: lo,
                dense,
            }
        } else {
            let mut values: Vec<i64> = a.iter().chain(b).copied().collect();
            values.sort_unstable();
            values.dedup();
            IntLabels {
                values,
                min: lo,
                dense: Vec::new(),
            }
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The index of a label of the inputs.
    #[inline]
    pub fn index(&self, label: i64) -> usize {
        if self.dense.is_empty() {
            self.values
                .binary_search(&label)
                .expect("a label of the inputs")
        } else {
            self.dense[label.abs_diff(self.min) as usize] as usize
        }
    }

    /// The index of `label`, if it is one of the labels.
    pub fn position(&self, label: i64) -> Option<usize> {
        self.values.binary_search(&label).ok()
    }

    /// `counts[index(a[i])][index(b[i])]` summed over samples, row-major `len() x len()`,
    /// or `None` when that matrix would be too large to hold.
    pub fn confusion(&self, a: &[i64], b: &[i64]) -> Option<Vec<u64>> {
        let k = self.len();
        let cells = k.checked_mul(k).filter(|&c| c <= 1 << 24)?;
        let count = |mut m: Vec<u64>, (x, y): (&[i64], &[i64])| {
            for (&s, &t) in x.iter().zip(y) {
                m[self.index(s) * k + self.index(t)] += 1;
            }
            m
        };
        let n = a.len().min(b.len());
        Some(if n >= PARALLEL_MIN && cells <= n {
            let (a1, a2) = a[..n].split_at(n / 2);
            let (b1, b2) = b[..n].split_at(n / 2);
            let (mut m, m2) = rayon::join(
                || count(vec![0; cells], (a1, b1)),
                || count(vec![0; cells], (a2, b2)),
            );
            m.iter_mut().zip(m2).for_each(|(x, y)| *x += y);
            m
        } else {
            count(vec![0; cells], (&a[..n], &b[..n]))
        })
    }

    /// Per label: samples of `a` with that label, samples of `b` with it, and samples where
    /// both have it (the true positives when `a` is the truth).
    pub fn counts(&self, a: &[i64], b: &[i64]) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
        let k = self.len();
        let count = |(mut ca, mut cb, mut both): (Vec<u64>, Vec<u64>, Vec<u64>),
                     (x, y): (&[i64], &[i64])| {
            for (&s, &t) in x.iter().zip(y) {
                let (i, j) = (self.index(s), self.index(t));
                ca[i] += 1;
                cb[j] += 1;
                both[i] += u64::from(i == j);
            }
            (ca, cb, both)
        };
        let zero = || (vec![0u64; k], vec![0u64; k], vec![0u64; k]);
        let n = a.len().min(b.len());
        if n >= PARALLEL_MIN && k <= n {
            let (a1, a2) = a[..n].split_at(n / 2);
            let (b1, b2) = b[..n].split_at(n / 2);
            let (mut c, c2) = rayon::join(|| count(zero(), (a1, b1)), || count(zero(), (a2, b2)));
            let add =
                |x: &mut Vec<u64>, y: Vec<u64>| x.iter_mut().zip(y).for_each(|(p, q)| *p += q);
            add(&mut c.0, c2.0);
            add(&mut c.1, c2.1);
            add(&mut c.2, c2.2);
            c
        } else {
            count(zero(), (&a[..n], &b[..n]))
        }
    }
}

/// Samples where `a[i] == b[i]` as float64 numbers (`2 == 2.0`; large integers compare after
/// rounding to float64, as numpy compares them once converted).
pub fn count_equal_as_f64(a: &[i64], b: &[i64]) -> usize {
    count_pairs(a, b, |s, t| s as f64 == t as f64)
}

/// The same count for float64 labels (NaN never matches).
pub fn count_equal_f64(a: &[f64], b: &[f64]) -> usize {
    count_pairs(a, b, |s, t| s == t)
}

/// Positions `i` (up to the shorter length) where `equal(a[i], b[i])`, halves on two threads
/// for long inputs.
fn count_pairs<T: Copy + Sync>(a: &[T], b: &[T], equal: impl Fn(T, T) -> bool + Sync) -> usize {
    let n = a.len().min(b.len());
    let count = |x: &[T], y: &[T]| {
        x.iter()
            .zip(y)
            .fold(0usize, |c, (&s, &t)| c + usize::from(equal(s, t)))
    };
    if n >= PARALLEL_MIN {
        let (a1, a2) = a[..n].split_at(n / 2);
        let (b1, b2) = b[..n].split_at(n / 2);
        let (x, y) = rayon::join(|| count(a1, b1), || count(a2, b2));
        x + y
    } else {
        count(&a[..n], &b[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_union(a: &[i64], b: &[i64]) -> Vec<i64> {
        let mut v: Vec<i64> = a.iter().chain(b).copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn dense_and_sparse_label_sets_agree_with_sorting() {
        let cases: Vec<(Vec<i64>, Vec<i64>)> = vec![
            (vec![], vec![]),
            (vec![3, 1, 3], vec![2, 2, 1]),
            (vec![-5, i64::MAX], vec![i64::MIN, 0]),
            (
                (0..200_000).map(|i| (i * 7919) % 13 - 6).collect(),
                (0..200_000).map(|i| (i * 104_729) % 17).collect(),
            ),
            (
                (0..1000).map(|i| i * 1_000_003).collect(),
                (0..1000).map(|i| -i).collect(),
            ),
        ];
        for (a, b) in cases {
            let labels = IntLabels::of(&a, &b);
            let union = sorted_union(&a, &b);
            assert_eq!(labels.values, union);
            for &x in a.iter().chain(&b) {
                assert_eq!(labels.values[labels.index(x)], x);
            }
            let (ca, cb, both) = labels.counts(&a, &b);
            for (i, &l) in union.iter().enumerate() {
                assert_eq!(ca[i], a.iter().filter(|&&x| x == l).count() as u64);
                assert_eq!(cb[i], b.iter().filter(|&&x| x == l).count() as u64);
                assert_eq!(
                    both[i],
                    a.iter()
                        .zip(&b)
                        .filter(|&(&x, &y)| x == l && y == l)
                        .count() as u64
                );
            }
            if let Some(m) = labels.confusion(&a, &b) {
                assert_eq!(m.iter().sum::<u64>(), a.len() as u64);
            }
        }
    }

    #[test]
    fn equality_as_float64() {
        assert_eq!(
            count_equal_as_f64(&[1, 2, 1 << 53, 3], &[1, 3, (1 << 53) + 1, 3]),
            3
        );
        assert_eq!(
            count_equal_f64(&[1.0, f64::NAN, -0.0], &[1.0, f64::NAN, 0.0]),
            2
        );
    }
}

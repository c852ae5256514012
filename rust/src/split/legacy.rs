//! numpy's legacy `RandomState` (numpy 1.26), draw for draw: what scikit-learn's
//! `check_random_state(int)` and pandas' `sample(random_state=int)` use.

use super::mt19937::Mt19937;

/// `np.random.RandomState`.
#[derive(Debug, Clone)]
pub struct RandomState {
    mt: Mt19937,
}

/// The smallest all-ones mask covering `max` (numpy `gen_mask`).
pub(crate) fn mask_of(max: u64) -> u64 {
    if max == 0 {
        0
    } else {
        u64::MAX >> max.leading_zeros()
    }
}

impl RandomState {
    /// `RandomState(seed)` for an integer seed in [0, 2**32).
    pub fn new(seed: u32) -> RandomState {
        RandomState {
            mt: Mt19937::from_u32(seed),
        }
    }

    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// `random_sample()`: a float in [0, 1).
    pub fn random_sample(&mut self) -> f64 {
        self.mt.next_f64()
    }

    /// `uniform(low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random_sample()
    }

    /// A uniform integer in [0, max] by masked rejection (numpy `random_interval`), as
    /// `shuffle` and `permutation` draw it.
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = mask_of(max);
        if max <= u64::from(u32::MAX) {
            loop {
                let v = u64::from(self.mt.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        }
        loop {
            let v = self.mt.next_u64() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `randint(low, high)` with the default int64 dtype: `high` exclusive.
    pub fn randint(&mut self, low: i64, high: i64) -> Result<i64, String> {
        if low >= high {
            return Err(format!("low >= high (low={low}, high={high})"));
        }
        let range = (high as i128 - 1 - low as i128) as u64;
        let offset = if range == u64::from(u32::MAX) {
            u64::from(self.mt.next_u32())
        } else if range == u64::MAX {
            self.mt.next_u64()
        } else {
            self.interval(range)
        };
        Ok((low as i128 + offset as i128) as i64)
    }

    /// In-place Fisher-Yates from the end, as `shuffle` does on a 1-d array.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        fisher_yates(items, |max| self.interval(max));
    }

    /// `permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut out: Vec<usize> = (0..n).collect();
        self.shuffle(&mut out);
        out
    }

    /// `choice(n, size, replace=False)` without weights: the first `size` of a permutation.
    pub fn choice_without_replacement(
        &mut self,
        n: usize,
        size: usize,
    ) -> Result<Vec<usize>, String> {
        if size > n {
            return Err("Cannot take a larger sample than population when 'replace=False'".into());
        }
        let mut perm = self.permutation(n);
        perm.truncate(size);
        Ok(perm)
    }

    /// `choice(n, size, replace=True)` without weights: `randint(0, n, size)`.
    pub fn choice_with_replacement(&mut self, n: usize, size: usize) -> Result<Vec<usize>, String> {
        if n == 0 {
            return Err("a cannot be empty unless no samples are taken".into());
        }
        (0..size)
            .map(|_| self.randint(0, n as i64).map(|v| v as usize))
            .collect()
    }

    /// `choice(n, size, replace, p)` with weights (numpy's cumulative-sum search).
    pub fn choice_weighted(
        &mut self,
        p: &[f64],
        size: usize,
        replace: bool,
    ) -> Result<Vec<usize>, String> {
        weighted_choice(
            p,
            size,
            replace,
            "Cannot take a larger sample than population when 'replace=False'",
            || self.random_sample(),
        )
    }
}

/// numpy's checks on `p` (sum within sqrt(eps) of 1, no negatives, no NaN).
/// numpy's weighted `choice` (legacy and `Generator` alike): with replacement, one uniform
/// draw per item searched in the cumulative weights; without, rounds of draws where picked
/// items get weight 0, keeping each round's first occurrences. `too_large` is the message
/// (it differs between the two numpy APIs) when `size` exceeds the population.
pub(crate) fn weighted_choice(
    p: &[f64],
    size: usize,
    replace: bool,
    too_large: &str,
    mut uniform: impl FnMut() -> f64,
) -> Result<Vec<usize>, String> {
    check_probabilities(p)?;
    if replace {
        let cdf = normalized_cdf(p);
        return Ok((0..size).map(|_| search_right(&cdf, uniform())).collect());
    }
    if size > p.len() {
        return Err(too_large.into());
    }
    if p.iter().filter(|&&w| w > 0.0).count() < size {
        return Err("Fewer non-zero entries in p than size".into());
    }
    let mut p = p.to_vec();
    let mut found: Vec<usize> = Vec::with_capacity(size);
    while found.len() < size {
        let draws: Vec<f64> = (0..size - found.len()).map(|_| uniform()).collect();
        for &f in &found {
            p[f] = 0.0;
        }
        let cdf = normalized_cdf(&p);
        let new: Vec<usize> = draws.iter().map(|&x| search_right(&cdf, x)).collect();
        found.extend(first_occurrences(&new));
    }
    Ok(found)
}

/// numpy's Fisher-Yates shuffle (legacy and `Generator` alike): from the last item down,
/// swap item `i` with one drawn uniformly from `0..=i`.
pub(crate) fn fisher_yates<T>(items: &mut [T], mut interval: impl FnMut(u64) -> u64) {
    for i in (1..items.len()).rev() {
        let j = interval(i as u64) as usize;
        items.swap(i, j);
    }
}

pub(crate) fn check_probabilities(p: &[f64]) -> Result<(), String> {
    if p.is_empty() {
        return Err("a cannot be empty unless no samples are taken".into());
    }
    if p.iter().any(|w| w.is_nan()) {
        return Err("probabilities contain NaN".into());
    }
    if p.iter().any(|&w| w < 0.0) {
        return Err("probabilities are not non-negative".into());
    }
    let total = kahan_sum(p);
    if (total - 1.0).abs() > f64::EPSILON.sqrt() {
        return Err("probabilities do not sum to 1".into());
    }
    Ok(())
}

/// numpy's `kahan_sum`, which it uses to check that `p` sums to 1.
fn kahan_sum(a: &[f64]) -> f64 {
    let Some((&first, rest)) = a.split_first() else {
        return 0.0;
    };
    let (mut sum, mut c) = (first, 0.0);
    for &x in rest {
        let y = x - c;
        let t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    sum
}

/// `cdf = p.cumsum(); cdf /= cdf[-1]` (a sequential running sum, as numpy's cumsum).
pub(crate) fn normalized_cdf(p: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = p
        .iter()
        .map(|&w| {
            acc += w;
            acc
        })
        .collect();
    let last = *cdf.last().unwrap();
    for c in &mut cdf {
        *c /= last;
    }
    cdf
}

/// `searchsorted(cdf, x, side="right")`.
pub(crate) fn search_right(cdf: &[f64], x: f64) -> usize {
    cdf.partition_point(|&c| c <= x)
}

/// The distinct values of `new` in order of first appearance (numpy: `unique(return_index)`
/// then sorting the indices).
pub(crate) fn first_occurrences(new: &[usize]) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    new.iter().copied().filter(|v| seen.insert(*v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_matches_numpy() {
        // np.random.RandomState(0).permutation(10)
        assert_eq!(
            RandomState::new(0).permutation(10),
            vec![2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
        );
    }

    #[test]
    fn randint_matches_numpy() {
        // np.random.RandomState(42).randint(0, 10, size=5)
        let mut rs = RandomState::new(42);
        let v: Vec<i64> = (0..5).map(|_| rs.randint(0, 10).unwrap()).collect();
        assert_eq!(v, vec![6, 3, 7, 4, 6]);
        assert!(rs.randint(3, 3).is_err());
    }

    #[test]
    fn mask() {
        assert_eq!(mask_of(0), 0);
        assert_eq!(mask_of(1), 1);
        assert_eq!(mask_of(5), 7);
        assert_eq!(mask_of(8), 15);
        assert_eq!(mask_of(u64::MAX), u64::MAX);
    }
}

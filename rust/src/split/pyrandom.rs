//! Python's `random.Random` (CPython 3.11/3.12) for integer seeds: `random`, `getrandbits`,
//! `randbelow`, `randrange`/`randint`, `choice`, `shuffle` and `sample`, draw for draw.

use super::mt19937::Mt19937;

#[derive(Debug, Clone)]
pub struct PyRandom {
    mt: Mt19937,
}

impl PyRandom {
    /// `random.Random(seed)` for an integer seed: `init_by_array` over the 32-bit words of
    /// `abs(seed)`, least significant first (`[0]` for 0).
    pub fn new(seed: i128) -> PyRandom {
        let mut magnitude = seed.unsigned_abs();
        let mut key = Vec::new();
        while magnitude > 0 {
            key.push(magnitude as u32);
            magnitude >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        PyRandom::from_key(&key)
    }

    /// Seeding from already split 32-bit words (for seeds beyond i128).
    pub fn from_key(key: &[u32]) -> PyRandom {
        PyRandom {
            mt: Mt19937::from_key(key),
        }
    }

    /// `random()`: a float in [0, 1).
    pub fn random(&mut self) -> f64 {
        self.mt.next_f64()
    }

    /// `getrandbits(k)` for k <= 64.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        assert!(k <= 64, "getrandbits: k must be <= 64");
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.mt.next_u32() >> (32 - k));
        }
        // little-endian 32-bit words; the last one keeps only its top bits
        let low = u64::from(self.mt.next_u32());
        let high = u64::from(self.mt.next_u32() >> (64 - k));
        (high << 32) | low
    }

    /// `_randbelow(n)`: uniform in [0, n) by rejection on `n.bit_length()` random bits.
    pub fn randbelow(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// `randrange(start, stop)` (step 1).
    pub fn randrange(&mut self, start: i64, stop: i64) -> Result<i64, String> {
        if stop <= start {
            return Err(format!("empty range in randrange({start}, {stop})"));
        }
        let width = (stop as i128 - start as i128) as u64;
        Ok((start as i128 + self.randbelow(width) as i128) as i64)
    }

    /// `randint(a, b)`: both ends included.
    pub fn randint(&mut self, a: i64, b: i64) -> Result<i64, String> {
        if b == i64::MAX {
            return Err("randint: upper bound too large".into());
        }
        self.randrange(a, b + 1)
    }

    /// `choice(seq)` as the index it picks.
    pub fn choice(&mut self, len: usize) -> Result<usize, String> {
        if len == 0 {
            return Err("Cannot choose from an empty sequence".into());
        }
        Ok(self.randbelow(len as u64) as usize)
    }

    /// `shuffle(x)` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.randbelow(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// `sample(range(n), k)`: the positions `sample(population, k)` picks, in order.
    pub fn sample(&mut self, n: usize, k: usize) -> Result<Vec<usize>, String> {
        if k > n {
            return Err("Sample larger than population or is negative".into());
        }
        let mut setsize = 21usize;
        if k > 5 {
            // CPython: 4 ** ceil(log(3k, 4)), a float computation
            let exp = ((k as f64 * 3.0).ln() / 4f64.ln()).ceil() as u32;
            setsize += 4usize.saturating_pow(exp);
        }
        let mut result = Vec::with_capacity(k);
        if n <= setsize {
            let mut pool: Vec<usize> = (0..n).collect();
            for i in 0..k {
                let j = self.randbelow((n - i) as u64) as usize;
                result.push(pool[j]);
                pool[j] = pool[n - i - 1];
            }
        } else {
            let mut selected = std::collections::HashSet::with_capacity(k);
            for _ in 0..k {
                let mut j = self.randbelow(n as u64) as usize;
                while !selected.insert(j) {
                    j = self.randbelow(n as u64) as usize;
                }
                result.push(j);
            }
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_cpython() {
        // random.Random(0).random() == 0.8444218515250481
        assert_eq!(PyRandom::new(0).random(), 0.8444218515250481);
        // x = list(range(10)); random.Random(0).shuffle(x)
        let mut x: Vec<usize> = (0..10).collect();
        PyRandom::new(0).shuffle(&mut x);
        assert_eq!(x, vec![7, 8, 1, 5, 3, 4, 2, 0, 9, 6]);
        // random.Random(42).sample(range(100), 5)
        assert_eq!(
            PyRandom::new(42).sample(100, 5).unwrap(),
            vec![81, 14, 3, 94, 35]
        );
        // random.Random(-5) seeds like random.Random(5)
        assert_eq!(PyRandom::new(-5).random(), PyRandom::new(5).random());
    }
}

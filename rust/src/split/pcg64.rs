//! numpy's `default_rng(seed)`: `SeedSequence` seeding a PCG64 (XSL-RR 128/64) bit
//! generator, and the `Generator` methods preparations use (`random`, `uniform`,
//! `integers`, `shuffle`, `permutation`, `choice`), draw for draw as numpy 1.26.

use super::legacy::{fisher_yates, mask_of, weighted_choice};

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const POOL_SIZE: usize = 4;

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> 16)
}

fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> 16)
}

/// `np.random.SeedSequence(entropy)` for a non-negative integer entropy (no spawn key).
#[derive(Debug, Clone)]
pub struct SeedSequence {
    pool: [u32; POOL_SIZE],
}

impl SeedSequence {
    pub fn new(entropy: u128) -> SeedSequence {
        let mut words = Vec::new();
        let mut e = entropy;
        while e > 0 {
            words.push(e as u32);
            e >>= 32;
        }
        if words.is_empty() {
            words.push(0);
        }
        SeedSequence::from_words(&words)
    }

    pub fn from_words(entropy: &[u32]) -> SeedSequence {
        let mut pool = [0u32; POOL_SIZE];
        let mut hc = INIT_A;
        for (i, slot) in pool.iter_mut().enumerate() {
            *slot = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hc);
        }
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    let h = hashmix(pool[src], &mut hc);
                    pool[dst] = mix(pool[dst], h);
                }
            }
        }
        for &word in entropy.iter().skip(POOL_SIZE) {
            for slot in pool.iter_mut() {
                let h = hashmix(word, &mut hc);
                *slot = mix(*slot, h);
            }
        }
        SeedSequence { pool }
    }

    /// `generate_state(n_words, np.uint32)`.
    pub fn generate_u32(&self, n_words: usize) -> Vec<u32> {
        let mut hc = INIT_B;
        (0..n_words)
            .map(|i| {
                let mut v = self.pool[i % POOL_SIZE] ^ hc;
                hc = hc.wrapping_mul(MULT_B);
                v = v.wrapping_mul(hc);
                v ^ (v >> 16)
            })
            .collect()
    }

    /// `generate_state(n_words, np.uint64)`: pairs of 32-bit words, little-endian.
    pub fn generate_u64(&self, n_words: usize) -> Vec<u64> {
        self.generate_u32(2 * n_words)
            .chunks(2)
            .map(|w| u64::from(w[0]) | (u64::from(w[1]) << 32))
            .collect()
    }
}

const MULTIPLIER: u128 = (2_549_297_995_355_413_924u128 << 64) + 4_865_540_595_714_422_341u128;

/// The PCG64 bit generator with numpy's 32-bit output buffer.
#[derive(Debug, Clone)]
pub struct Pcg64 {
    state: u128,
    inc: u128,
    spare_u32: Option<u32>,
}

impl Pcg64 {
    pub fn from_seed_sequence(seq: &SeedSequence) -> Pcg64 {
        let v = seq.generate_u64(4);
        let init_state = (u128::from(v[0]) << 64) | u128::from(v[1]);
        let init_seq = (u128::from(v[2]) << 64) | u128::from(v[3]);
        let mut rng = Pcg64 {
            state: 0,
            inc: (init_seq << 1) | 1,
            spare_u32: None,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(init_state);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
    }

    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        let folded = ((s >> 64) as u64) ^ (s as u64);
        folded.rotate_right((s >> 122) as u32)
    }

    /// Half of a 64-bit draw, the high half kept for the next call.
    pub fn next_u32(&mut self) -> u32 {
        if let Some(v) = self.spare_u32.take() {
            return v;
        }
        let next = self.next_u64();
        self.spare_u32 = Some((next >> 32) as u32);
        next as u32
    }

    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// `np.random.default_rng(seed)`: a `Generator` over PCG64.
#[derive(Debug, Clone)]
pub struct Generator {
    bits: Pcg64,
}

impl Generator {
    pub fn new(seed: u128) -> Generator {
        Generator::from_seed_sequence(&SeedSequence::new(seed))
    }

    pub fn from_seed_sequence(seq: &SeedSequence) -> Generator {
        Generator {
            bits: Pcg64::from_seed_sequence(seq),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.bits.next_u64()
    }

    /// `random()`: a float in [0, 1).
    pub fn random(&mut self) -> f64 {
        self.bits.next_f64()
    }

    /// `uniform(low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random()
    }

    /// A uniform integer in [0, max] by Lemire's multiply-shift rejection
    /// (numpy `random_bounded_uint64` without masking).
    pub fn bounded(&mut self, max: u64) -> u64 {
        if max == 0 {
            0
        } else if max <= u64::from(u32::MAX) {
            if max == u64::from(u32::MAX) {
                return u64::from(self.bits.next_u32());
            }
            self.lemire32(max as u32)
        } else if max == u64::MAX {
            self.bits.next_u64()
        } else {
            self.lemire64(max)
        }
    }

    fn lemire32(&mut self, max: u32) -> u64 {
        let excl = max + 1;
        let mut m = u64::from(self.bits.next_u32()) * u64::from(excl);
        let mut leftover = m as u32;
        if leftover < excl {
            let threshold = (u32::MAX - max) % excl;
            while leftover < threshold {
                m = u64::from(self.bits.next_u32()) * u64::from(excl);
                leftover = m as u32;
            }
        }
        m >> 32
    }

    fn lemire64(&mut self, max: u64) -> u64 {
        let excl = max + 1;
        let mut m = u128::from(self.bits.next_u64()) * u128::from(excl);
        let mut leftover = m as u64;
        if leftover < excl {
            let threshold = (u64::MAX - max) % excl;
            while leftover < threshold {
                m = u128::from(self.bits.next_u64()) * u128::from(excl);
                leftover = m as u64;
            }
        }
        (m >> 64) as u64
    }

    /// `integers(low, high)` (int64, `high` exclusive).
    pub fn integers(&mut self, low: i64, high: i64) -> Result<i64, String> {
        if low >= high {
            return Err("low >= high".into());
        }
        let range = (high as i128 - 1 - low as i128) as u64;
        Ok((low as i128 + self.bounded(range) as i128) as i64)
    }

    /// Fisher-Yates from the end down to `first` (numpy `_shuffle_int`).
    fn shuffle_from<T>(&mut self, items: &mut [T], first: usize) {
        for i in (first.max(1)..items.len()).rev() {
            let j = self.bounded(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// A uniform integer in [0, max] by masked rejection (numpy `random_interval`), which
    /// `shuffle` and `permutation` use.
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = mask_of(max);
        loop {
            let v = if max <= u64::from(u32::MAX) {
                u64::from(self.bits.next_u32()) & mask
            } else {
                self.bits.next_u64() & mask
            };
            if v <= max {
                return v;
            }
        }
    }

    /// `shuffle(x)` of a 1-d array, in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        fisher_yates(items, |max| self.interval(max));
    }

    /// `permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut out: Vec<usize> = (0..n).collect();
        self.shuffle(&mut out);
        out
    }

    /// `choice(n, size, replace=True)` without weights: `integers(0, n, size)`.
    pub fn choice_with_replacement(&mut self, n: usize, size: usize) -> Result<Vec<usize>, String> {
        if n == 0 && size > 0 {
            return Err("a cannot be empty unless no samples are taken".into());
        }
        (0..size)
            .map(|_| self.integers(0, n as i64).map(|v| v as usize))
            .collect()
    }

    /// `choice(n, size, replace=False, shuffle=shuffle)` without weights: a tail shuffle
    /// for large draws from large populations, Floyd's algorithm otherwise.
    pub fn choice_without_replacement(
        &mut self,
        n: usize,
        size: usize,
        shuffle: bool,
    ) -> Result<Vec<usize>, String> {
        if size > n {
            return Err("Cannot take a larger sample than population when replace is False".into());
        }
        let cutoff = if shuffle { 50 } else { 20 };
        if n > 10_000 && size > n / cutoff {
            let mut idx: Vec<usize> = (0..n).collect();
            self.shuffle_from(&mut idx, (n - size).max(1));
            return Ok(idx[n - size..].to_vec());
        }
        let mask = mask_of((1.2 * size as f64) as u64);
        let mut table = vec![u64::MAX; mask as usize + 1];
        let mut out = Vec::with_capacity(size);
        for j in (n - size)..n {
            let val = self.bounded(j as u64);
            let mut loc = (val & mask) as usize;
            while table[loc] != u64::MAX && table[loc] != val {
                loc = (loc + 1) & mask as usize;
            }
            if table[loc] == u64::MAX {
                table[loc] = val;
                out.push(val as usize);
            } else {
                let mut loc = (j as u64 & mask) as usize;
                while table[loc] != u64::MAX {
                    loc = (loc + 1) & mask as usize;
                }
                table[loc] = j as u64;
                out.push(j);
            }
        }
        if shuffle {
            self.shuffle_from(&mut out, 1);
        }
        Ok(out)
    }

    /// `choice(n, size, replace, p)` with weights.
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
            "Cannot take a larger sample than population when replace is False",
            || self.random(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy() {
        // np.random.default_rng(0).random() == 0.6369616873214543
        assert_eq!(Generator::new(0).random(), 0.6369616873214543);
        // np.random.default_rng(0).permutation(10)
        assert_eq!(
            Generator::new(0).permutation(10),
            vec![4, 6, 2, 7, 3, 5, 9, 0, 8, 1]
        );
        // np.random.default_rng(0).integers(0, 10, size=5)
        let mut g = Generator::new(0);
        let v: Vec<i64> = (0..5).map(|_| g.integers(0, 10).unwrap()).collect();
        assert_eq!(v, vec![8, 6, 5, 2, 3]);
    }
}

//! The Mersenne Twister MT19937 (Matsumoto & Nishimura), the generator behind numpy's legacy
//! `RandomState` and Python's `random.Random`. Both use the 32-bit output and the same
//! 53-bit float construction; they differ only in how an integer seed fills the state:
//! numpy's `RandomState(int)` uses `init_genrand`, Python's `seed(int)` uses
//! `init_by_array` over the 32-bit words of `abs(seed)`.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mt19937 {{ pos: {} }}", self.pos)
    }
}

impl Mt19937 {
    /// `init_genrand(seed)`: numpy's `RandomState(seed)` for an integer seed.
    pub fn from_u32(seed: u32) -> Mt19937 {
        let mut state = [0u32; N];
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { state, pos: N }
    }

    /// `init_by_array(key)`: Python's `random.seed(int)` (key = 32-bit words of the seed).
    pub fn from_key(key: &[u32]) -> Mt19937 {
        let mut mt = Mt19937::from_u32(19_650_218);
        let s = &mut mt.state;
        let (mut i, mut j) = (1usize, 0usize);
        let klen = key.len().max(1);
        for _ in 0..N.max(klen) {
            let prev = s[i - 1];
            let k = key.get(j).copied().unwrap_or(0);
            s[i] = (s[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(k)
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                s[0] = s[N - 1];
                i = 1;
            }
            if j >= klen {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = s[i - 1];
            s[i] =
                (s[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                s[0] = s[N - 1];
                i = 1;
            }
        }
        s[0] = 0x8000_0000;
        mt.pos = N;
        mt
    }

    fn twist(&mut self) {
        let s = &mut self.state;
        for k in 0..N {
            let y = (s[k] & UPPER_MASK) | (s[(k + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            s[k] = s[(k + M) % N] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.twist();
        }
        let mut y = self.state[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// numpy's `next_uint64` for MT19937: two draws, high word first.
    pub fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        (hi << 32) | u64::from(self.next_u32())
    }

    /// A float in [0, 1) from 53 random bits (numpy `random_sample`, Python `random()`).
    pub fn next_f64(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_outputs_of_init_by_array() {
        // the first outputs of mt19937ar.c's own test vector (init_by_array({0x123, 0x234, 0x345, 0x456}))
        let mut mt = Mt19937::from_key(&[0x123, 0x234, 0x345, 0x456]);
        let first: Vec<u32> = (0..5).map(|_| mt.next_u32()).collect();
        assert_eq!(
            first,
            vec![1067595299, 955945823, 477289528, 4107218783, 4228976476]
        );
    }

    #[test]
    fn numpy_seed_zero() {
        // np.random.RandomState(0).randint(0, 2**32, dtype=np.uint64) draws raw words
        let mut mt = Mt19937::from_u32(0);
        assert_eq!(mt.next_u32(), 2357136044);
        assert_eq!(mt.next_u32(), 2546248239);
        // np.random.RandomState(0).random_sample() == 0.5488135039273248
        assert_eq!(Mt19937::from_u32(0).next_f64(), 0.5488135039273248);
    }
}
